"""Any valid answers render to documents that real readers open."""

from __future__ import annotations

import io
from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")
LONG_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters="\ufffe\uffff"),
    min_size=200,
    max_size=1200,
).filter(lambda s: s.strip() != "")
DAYS = st.integers(min_value=0, max_value=3000)


@st.composite
def answers_data(draw: st.DrawFn) -> dict:
    count = draw(st.integers(min_value=2, max_value=12))
    keys = [f"p{i}" for i in range(count)]
    start = date(2027, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    parties = [
        {
            "key": key,
            "name": draw(TEXT),
            "short_name": draw(st.one_of(st.none(), TEXT)),
            "kind": draw(st.sampled_from(["company", "nonprofit", "university", "government", "individual", "other"])),
            "jurisdiction": draw(TEXT),
            "signatory": {"name": draw(TEXT), "title": draw(TEXT)},
            "strengths": draw(st.lists(TEXT, max_size=3)),
        }
        for key in keys
    ]
    objectives = [
        {
            "title": draw(TEXT),
            "kpi": draw(st.one_of(st.none(), TEXT)),
            "target": draw(st.one_of(st.none(), TEXT)),
            "due": draw(st.one_of(st.none(), DAYS.map(lambda d: (start + timedelta(days=d)).isoformat()))),
            "owner": draw(st.one_of(st.none(), st.sampled_from(keys))),
        }
        for _ in range(draw(st.integers(min_value=1, max_value=20)))
    ]
    shares = [100 // count] * count
    shares[0] += 100 - sum(shares)
    steps = draw(st.sampled_from([["negotiation"], ["negotiation", "escalation", "mediation"], ["mediation", "courts"]]))
    return {
        "format": 1,
        "agreement": {
            "title": draw(TEXT),
            "purpose": draw(LONG_TEXT),
            "effective_date": start.isoformat(),
            "term_months": draw(st.integers(min_value=1, max_value=60)),
            "binding": draw(st.booleans()),
            "governing_law": draw(TEXT),
            "language": draw(st.one_of(st.none(), TEXT)),
        },
        "parties": parties,
        "objectives": objectives,
        "responsibilities": [
            {"party": key, "role": draw(TEXT), "duties": draw(st.lists(TEXT, max_size=4))} for key in keys
        ],
        "resources": [
            {"party": key, "type": "funding", "description": draw(TEXT), "value": draw(st.integers(0, 10**7)), "currency": "EUR"}
            for key in draw(st.lists(st.sampled_from(keys), max_size=6))
        ],
        "costs": draw(st.sampled_from([{"model": "each_bears_own"}, {"model": "shared", "shares": dict(zip(keys, shares))}])),
        "governance": {
            "decision_rule": draw(st.sampled_from(["consensus", "unanimous", "majority"])),
            "reserved_matters": draw(st.lists(TEXT, max_size=3)),
            "independent_matters": draw(st.lists(TEXT, max_size=3)),
        },
        "disputes": {"steps": steps},
        "review": {"cadence": draw(st.sampled_from(["monthly", "quarterly", "annual"])), "first_review": start.isoformat()},
        "termination": {"exit_triggers": draw(st.lists(TEXT, max_size=3))},
    }


# Each example renders a PDF of up to twenty pages, so shrinking a failure would
# take minutes; the failing example is printed unshrunk instead.
@settings(
    max_examples=8,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(answers_data())
def test_any_valid_answers_render_to_readable_docx_and_pdf(data: dict) -> None:
    import docx
    import pypdf

    answers = validate_answers(data)
    document = assemble(answers)
    reopened = docx.Document(io.BytesIO(render_bytes(document, "docx")))
    text = "\n".join(p.text for p in reopened.paragraphs)
    assert answers.parties[-1].signatory.name in text
    reader = pypdf.PdfReader(io.BytesIO(render_bytes(document, "pdf")))
    assert len(reader.pages) >= 2
    # Some subset fonts extract with NULs between letters; the words are what matter.
    assert "Page 1 of" in (reader.pages[0].extract_text() or "").replace("\x00", "")
