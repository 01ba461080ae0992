"""No combination of answers produces a document that contradicts itself.

Hypothesis generates valid answers across the whole answer space (two to six
parties, binding or not, every decision rule, cost model, IP regime, dispute
ladder and optional section) and each Markdown rendering is read for the
invariants a lawyer checks first. Examples are derandomised so CI sees the
same few hundred every run; a failure prints the answers that caused it.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.document import Document
from agreementkit.render import render_bytes

ROOT = Path(__file__).resolve().parent.parent
# A few hundred in CI; INVARIANT_EXAMPLES=5000 for a deeper search before a release.
EXAMPLES = int(os.environ.get("INVARIANT_EXAMPLES", "300"))
SCOPE = ("any dispute or claim arising out of or in connection with", "including non-contractual disputes or claims")
# Every term the built-in library defines in bold (table totals and the parties' own names aside).
TERMS = sorted(
    {m for f in (ROOT / "clauses").rglob("*.md") if "tests" not in f.relative_to(ROOT / "clauses").parts
     for m in re.findall(r"\*\*([A-Z][A-Za-z ]+)\*\*", f.read_text(encoding="utf-8"))}
    - {"Total", "Party", "Parties"}
)
NAMES = ["Acme Robotics Ltd", "Northwind Telecom plc", "University of Leeds", "Harbour Food Network", "Leeds City Council",
         "Beta Labs GmbH", "Wellcome Trust"]
LADDERS = [
    ["negotiation"], ["negotiation", "escalation"], ["negotiation", "escalation", "mediation"],
    ["negotiation", "mediation", "courts"], ["negotiation", "escalation", "expert"], ["negotiation", "arbitration"],
    ["negotiation", "escalation", "mediation", "arbitration"], ["mediation", "courts"], ["courts"], ["expert", "courts"],
]
FORMS = [None, "private_company", "public_company", "llp", "charity", "charitable_company", "unincorporated_association",
         "public_body", "university"]


def _shares(draw: st.DrawFn, keys: list[str]) -> dict[str, int]:
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(keys) - 1, max_size=len(keys) - 1)))
    bounds = [0, *cuts, 100]
    return {key: bounds[i + 1] - bounds[i] for i, key in enumerate(keys)}


@st.composite
def answers_data(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 6))
    keys = [f"p{i}" for i in range(count)]
    party = st.sampled_from(keys)
    maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731
    start = date(2027, 1, 1) + timedelta(days=draw(st.integers(0, 365)))
    months = draw(st.integers(6, 60))
    within = st.integers(0, months * 28).map(lambda d: (start + timedelta(days=d)).isoformat())
    binding = draw(st.booleans())
    rule = draw(st.sampled_from(["consensus", "unanimous", "majority", "weighted", "lead_party"]))
    costs_shared = draw(st.booleans())
    currency = draw(st.sampled_from(["GBP", "EUR"]))
    foreground = draw(st.sampled_from(["creator", "joint", "lead_party"]))
    steps = draw(st.sampled_from(LADDERS))
    roles = draw(st.sampled_from([None, False, "independent", "joint", "processor"]))
    data: dict[str, Any] = {
        "format": 1,
        "agreement": {
            "title": draw(st.sampled_from(["Memorandum of Understanding", "Collaboration Agreement"])),
            "purpose": "To work together on a shared pilot and learn from it.",
            "effective_date": start.isoformat(),
            "term_months": months,
            "binding": binding,
            "governing_law": draw(st.sampled_from(["England and Wales", "Scotland", "the Netherlands"])),
            "language": draw(maybe(st.just("English"))),
            "renewal": draw(st.sampled_from([None, "none", "by_agreement", "automatic"])),
            "implementing_agreements": draw(st.booleans()),
        },
        "parties": [
            {
                "key": key,
                "name": f"{draw(st.sampled_from(NAMES))} {index}",
                "kind": draw(st.sampled_from(["company", "nonprofit", "university", "government", "individual", "other"])),
                "legal_form": draw(st.sampled_from(FORMS)),
                "jurisdiction": draw(st.sampled_from(["England and Wales", "Germany"])),
                "address": draw(maybe(st.just("1 High Street, Leeds"))),
                "registration_number": draw(maybe(st.just("01234567"))),
                "signatory": {"name": "Sam Lee", "title": "Director"},
                "manager": draw(maybe(st.just({"name": "Ana Ruiz", "email": "ana@example.org"}))),
                "strengths": draw(st.lists(st.just("Engineering"), max_size=2)),
            }
            for index, key in enumerate(keys)
        ],
        "objectives": [
            {"title": f"Objective {i}", "kpi": draw(maybe(st.just("Sites live"))), "target": draw(maybe(st.just("3"))),
             "due": draw(maybe(within)), "owner": draw(maybe(party))}
            for i in range(draw(st.integers(1, 4)))
        ],
        "responsibilities": [{"party": key, "role": "Lead", "duties": draw(st.lists(st.just("Report monthly"), max_size=2))}
                             for key in draw(st.lists(party, unique=True))],
        "resources": [
            {"party": key, "type": "funding", "description": "Cash for the pilot",
             "value": draw(maybe(st.integers(1, 10**6))), "currency": currency}
            for key in draw(st.lists(party, max_size=6))
        ],
        "costs": ({"model": "shared", "shares": _shares(draw, keys), "cap": draw(maybe(st.just(50000))), "currency": currency,
                   "payment_days": draw(maybe(st.integers(1, 90)))}
                  if costs_shared else {"model": "each_bears_own"}),
        "governance": {
            "decision_rule": rule,
            "lead_party": draw(party) if rule == "lead_party" else None,
            "weights": {k: draw(st.integers(1, 5)) for k in keys} if rule == "weighted" and not costs_shared else None,
            "reserved_matters": draw(st.lists(st.sampled_from(["Admitting a new party", "Public announcements about the partnership",
                                                                "Spending above the budget"]), unique=True)),
            "independent_matters": draw(st.lists(st.just("Its own pricing"), max_size=1)),
            "deadlock": draw(st.sampled_from([None, "escalate", "chair_casting_vote", "mediation"])),
        },
        "disputes": {
            "steps": steps,
            "negotiation_days": draw(maybe(st.integers(1, 60))),
            "mediator": draw(maybe(st.just("CEDR"))),
            "arbitration": {"rules": "LCIA Rules", "seat": "London"} if "arbitration" in steps else None,
        },
        "review": {"cadence": draw(st.sampled_from(["monthly", "quarterly", "semiannual", "annual"])),
                   "first_review": draw(maybe(within)), "annual_strategic_review": draw(st.booleans())},
        "confidentiality": {"enabled": draw(st.booleans()), "years": draw(maybe(st.integers(1, 10)))},
        "intellectual_property": {
            "background": draw(st.sampled_from(["retained", "licensed"])),
            "foreground": foreground,
            "owner": draw(party) if foreground == "lead_party" else None,
            "joint_manager": draw(maybe(party)),
            "joint_licensing": draw(st.sampled_from(["free", "notice", "consent"])),
            "joint_accounting": draw(st.booleans()),
            "customer_licence": draw(st.booleans()),
        },
        "termination": {"notice_days": draw(st.integers(1, 180)),
                        "exit_triggers": draw(st.lists(st.just("Fewer than 3 sites live at the first review"), max_size=1)),
                        "minimum_months": draw(maybe(st.integers(1, months - 1))) if months > 1 else None,
                        "breach_days": draw(maybe(st.integers(1, 60)))},
        "liability": draw(st.sampled_from([{}, {"cap": 100000, "currency": "GBP"}, {"caps": {k: 5000 for k in keys}, "currency": "EUR",
                                                                                      "period": "per_year"}])),
        "values": draw(st.lists(st.just("Openness"), max_size=1)),
    }
    if draw(st.booleans()):
        by_shares = draw(st.booleans())
        data["commercial"] = {"contracting_party": draw(party),
                              "revenue_shares": _shares(draw, keys) if by_shares else None,
                              "pricing": None if by_shares and draw(st.booleans()) else "the agreed price list",
                              "payment_days": draw(maybe(st.integers(1, 90)))}
    if roles is not None:
        pair = draw(st.lists(party, min_size=2, max_size=2, unique=True))
        data["data_protection"] = {
            "personal_data": roles is not False,
            "roles": roles or None,
            "controller": pair[0] if roles == "processor" else None,
            "processor": pair[1] if roles == "processor" else None,
            "contact": draw(party) if roles == "joint" else None,
            "data": draw(st.lists(st.just("Contact details"), max_size=1)),
            "subjects": draw(st.lists(st.just("Staff"), max_size=1)),
        }
    if draw(st.booleans()):
        data["insurance"] = {"cover": ["Public liability"], "amount": draw(maybe(st.just(1000000))), "currency": "GBP"}
    return data


def _clause(text: str, title: str) -> str | None:
    found = re.search(rf"^### ([\d.]+) {re.escape(title)}\n(.*?)(?=^#)", text, re.MULTILINE | re.DOTALL)
    return found.group(2) if found else None


def _number(text: str, title: str) -> str | None:
    found = re.search(rf"^### ([\d.]+) {re.escape(title)}$", text, re.MULTILINE)
    return found.group(1) if found else None


def _binding_numbers(document: Document) -> set[str]:
    return {c.number for s in document.sections for c in s.clauses if c.binds and c.number}


def check_invariants(document: Document, text: str, binding: bool) -> None:
    body = text.split("\n## Signatures")[0]
    # 1. One scope for disputes and the governing law.
    ladder = _clause(text, "Approach") or ""
    law = _clause(text, "Governing law") or ""
    for words in SCOPE:
        assert words in ladder and words in law, words
    # 2. One exit rule, stated once and referred to.
    assert "at any time without liability" not in text
    withdrawal = _number(text, "Ending the partnership early")
    assert withdrawal is not None
    if "stop taking part" in text:
        assert f"stop taking part in the partnership only as clause {withdrawal} provides" in text
    # 3. Every defined term used is defined in this document.
    for term in TERMS:
        if re.search(rf"(?<!\*\*)\b{term}s?\b(?!\*\*)", body) and f"**{term}**" not in body:
            raise AssertionError(f"'{term}' is used but not defined")
    # 4. The legal-status list names exactly the clauses that bind.
    status = _clause(text, "Legal status") or ""
    if binding:
        assert "Only clause" not in status
    else:
        listed = re.search(r"Only (clauses? [^,]*(?:, [\d.]+)*(?: and [\d.]+)?), with the definitions", status)
        assert listed, status
        assert set(re.findall(r"\d+\.\d+", listed.group(1))) == _binding_numbers(document)
    # 5. No sentence with a hole where an answer should be.
    for pattern in (r"\bNone\b", r"\(\s*\)", r"[A-Za-z] [,.;:](?!\d)", r"\S  +\S", r"\b(?:the|a|an|of|for|by|to|with) [.,;:]",
                    r"\{\{|\}\}", r"\bundefined\b"):
        found = re.search(pattern, body)
        assert found is None, f"{pattern!r} matches {body[max(0, found.start() - 60):found.end() + 60]!r}"
    # 6. A two-party document speaks of "the other Party".
    if len(document.subtitle.split(" and ")) == 2 and "," not in document.subtitle:
        for phrase in ("the others", "other Parties", "every other Party", "each other Party"):
            assert phrase not in body, phrase


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers_data())
def test_no_combination_of_answers_contradicts_itself(data: dict[str, Any]) -> None:
    answers = validate_answers(data)
    document = assemble(answers)
    text = render_bytes(document, "md").decode("utf-8")
    check_invariants(document, text, answers.agreement.binding)
