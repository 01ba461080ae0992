"""Drafting consistency, read as a lawyer reads a draft: one convention for
periods, defined terms used as defined, answers that read well mid-sentence,
and the clauses a binding agreement cannot do without."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import rendered
from helpers import ROOT, example_data, varied

from agreementkit.answers import load_answers, validate_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes

NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
                r"forty-five|sixty|ninety")
# A time limit: "within 10 working days", "at least 60 days' notice", "for more than 90 days".
PERIOD_IN_WORDS = re.compile(rf"\b(?:within|at least|more than|for|after|before|of)\s+({NUMBER_WORDS})\s+"
                             rf"(working\s+|calendar\s+)?(day|week|month|year)s?\b", re.IGNORECASE)
LOWER_PARTIES = re.compile(r"\b(the|other|each|every|both|either|any|remaining|existing) (part(y|ies)|party's)\b")


def markdown(path: Path) -> str:
    return rendered(path, "md").decode("utf-8")


def test_every_period_is_written_in_digits(example: Path) -> None:
    text = markdown(example)
    assert not PERIOD_IN_WORDS.findall(text), PERIOD_IN_WORDS.findall(text)
    # and every period of days says which kind of day it counts, defined in the interpretation clause
    assert 'a period of "days" counts calendar days, and a "working day" is' in text


def _answer_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _answer_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _answer_strings(v)]
    return []


def test_the_defined_term_parties_is_never_lower_case(example: Path) -> None:
    """In our own drafting; the client's words (a reserved matter, an escalation body) are theirs."""
    import yaml

    body = markdown(example).split("## Signatures")[0]
    for answer in sorted(_answer_strings(yaml.safe_load(example.read_text(encoding="utf-8"))), key=len, reverse=True):
        body = body.replace(answer, "…").replace(answer[:1].lower() + answer[1:], "…")
    found = [m.group(0) for m in LOWER_PARTIES.finditer(body)]
    assert not found, found


def test_joined_answers_do_not_keep_capitals_mid_sentence(example: Path) -> None:
    text = markdown(example)
    clause = text.split("### 3.1 Complementary strengths")[-1].split("###")[0] if "Complementary strengths" in text else ""
    for line in clause.splitlines():
        if not line.startswith("- **"):
            continue
        joined = line.split("**: ", 1)[1].rstrip(".")
        # an item holding "and" itself is kept apart with semicolons
        items = re.split(r"; (?:and )?", joined) if "; " in joined else re.split(r", | and ", joined)
        for item in items[1:]:
            first = item.split()[0]
            if first in ("Kubernetes",):  # a name keeps its capital wherever it stands
                continue
            assert not (first[0].isupper() and first[1:].islower()), (line, item)


def test_named_bodies_keep_their_article() -> None:
    text = markdown(ROOT / "examples" / "cold-chain-pilot.yaml")
    assert "under the procedure of the Centre for Effective Dispute Resolution" in text
    assert "by Centre" not in text and "of Centre" not in text


def test_a_deadlock_goes_to_the_chief_executives_not_the_dispute_escalation(example: Path) -> None:
    text = markdown(example)
    deadlock = text.split("A **Deadlock** arises")[1].split("###")[0]
    assert "in dispute" not in deadlock
    if "refer a Deadlock" in deadlock:
        assert "to the chief executives (or people of similar seniority) of the Parties" in deadlock


def test_every_document_has_an_interpretation_clause(example: Path) -> None:
    text = markdown(example)
    assert "### 1.3 Interpretation" in text
    assert "does not create a partnership in law" in text


def test_lead_in_paragraphs_keep_with_what_follows(example: Path) -> None:
    from helpers import DocxView

    docx = DocxView(rendered(example, "docx"))
    leads = [p for p in docx.doc.paragraphs if p.text.rstrip().endswith(":") and p.style.name == "Body Text"]
    assert leads and all(p.paragraph_format.keep_with_next for p in leads)
    html = rendered(example, "html").decode("utf-8")
    assert '<p dir="auto" class="lead-in">The purpose of the partnership' in html


def _binding_text() -> str:
    return markdown(ROOT / "examples" / "telecom-edge-binding.yaml")


def test_a_binding_agreement_has_its_boilerplate() -> None:
    text = _binding_text()
    for heading in ("Severance", "Waiver and remedies", "Rights of third parties", "Authority", "Clauses that continue after the end"):
        assert re.search(rf"### \d+\.\d+ {heading}\n", text), heading
        assert text.index(f" {heading}\n") > text.index("## 17. General provisions")
    survival = text.split("Clauses that continue after the end")[1].split("##")[0]
    document = assemble(load_answers(ROOT / "examples" / "telecom-edge-binding.yaml"))
    numbers = {c.id: c.number for s in document.sections for c in s.clauses}
    for clause in ("disputes.ladder", "disputes.courts" if "disputes.courts" in numbers else "disputes.arbitration",
                   "ip.foreground", "confidentiality.obligations", "general.liability"):
        assert numbers[clause] in survival, clause


def test_a_non_binding_mou_has_the_boilerplate_its_binding_clauses_need() -> None:
    text = markdown(ROOT / "examples" / "cold-chain-pilot.yaml")
    status = text.split(" Legal status\n")[1].split("###")[0]
    for heading in ("Severance", "Waiver and remedies", "Rights of third parties"):
        number = re.search(rf"^### ([\d.]+) {heading}$", text, re.MULTILINE)
        assert number, heading
        assert f"{number.group(1)} ({heading})" in status, heading  # and it binds
    assert "any provision of this MOU that is legally binding" in text
    # an MOU's warranty of authority and survival list stay the binding variant's
    for heading in ("Authority", "Clauses that continue after the end"):
        assert f" {heading}\n" not in text


@pytest.mark.parametrize(("law", "expected"), [
    ("England and Wales", "Contracts (Rights of Third Parties) Act 1999"),
    ("Scotland", "Contract (Third Party Rights) (Scotland) Act 2017"),
    ("the Netherlands", "This Agreement is made for the benefit of the Parties only."),
])
def test_third_party_rights_follow_the_governing_law(law: str, expected: str) -> None:
    data = varied(example_data("telecom-edge-binding"), **{"agreement.governing_law": law})
    text = render_bytes(assemble(validate_answers(data)), "md").decode("utf-8")
    assert expected in text


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, "at its address in clause 1.1 or by email to its partnership manager named in clause 7.1"),
    ({"parties.0.address": None, "parties.1.address": None, "parties.2.address": None},
     "by email to its partnership manager named in clause 7.1"),
    ({"parties.0.address": None, "parties.1.manager": {"name": "Mairi Ross"}},
     "at its address in clause 1.1 or, for a Party with no address there, by email"),
    ({"parties.0.address": None, "parties.0.manager": None},
     "at the postal or email address for notices that it gives the other Parties in writing within 10 working days"),
])
def test_notices_never_point_at_an_empty_address(changes: dict, expected: str) -> None:
    text = render_bytes(assemble(validate_answers(varied(example_data(), **changes))), "md").decode("utf-8")
    notices = text.split("Notices\n")[1].split("###")[0]
    assert expected in notices
