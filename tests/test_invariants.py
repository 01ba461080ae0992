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

from agreementkit.answers import Answers, validate_answers
from agreementkit.assembly import assemble
from agreementkit.assembly.placeholders import find_placeholders
from agreementkit.document import Document, ItemList, Paragraph, Table
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
# Answer text whose case must survive being placed mid-sentence, and items that hold "and" themselves.
STRENGTHS = ["Engineering", "Kubernetes and cloud-native expertise", "Helix's sensor platform", "NHS trust relationships",
             "iPhone app development", "Field trials"]
NAMED = ("Kubernetes", "Helix", "NHS", "iPhone")
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
    helix = draw(st.booleans())
    exclusive = draw(st.booleans())
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
            "exclusive": exclusive,
            "exclusivity": draw(maybe(st.just("private 5G networks for ports"))) if exclusive else None,
        },
        "parties": [
            {
                "key": key,
                "name": f"{draw(st.sampled_from(NAMES))} {index}",
                "short_name": "Helix" if index == 0 and helix else None,
                "kind": draw(st.sampled_from(["company", "nonprofit", "university", "government", "individual", "other"])),
                "legal_form": draw(st.sampled_from(FORMS)),
                "jurisdiction": draw(st.sampled_from(["England and Wales", "Germany"])),
                "address": draw(maybe(st.just("1 High Street, Leeds"))),
                "registration_number": draw(maybe(st.just("01234567"))),
                "signatory": {"name": "Sam Lee", "title": "Director"},
                "manager": draw(maybe(st.just({"name": "Ana Ruiz", "email": "ana@example.org"}))),
                "strengths": draw(st.lists(st.sampled_from(STRENGTHS), max_size=3, unique=True)),
            }
            for index, key in enumerate(keys)
        ],
        "objectives": [
            {"title": f"Objective {i}", "kpi": draw(maybe(st.sampled_from(["Sites live", "NHS trusts signed up", "Kubernetes clusters running"]
                                                                            + (["Helix units in use"] if helix else [])))), "target": draw(maybe(st.just("3"))),
             "due": draw(maybe(within)), "owner": draw(maybe(party))}
            for i in range(draw(st.integers(1, 4)))
        ],
        "responsibilities": [{"party": key, "role": draw(st.sampled_from(["Lead", "Kubernetes and platform lead", "NHS liaison"])),
                              "duties": draw(st.lists(st.sampled_from(["Report monthly", "Support iPhone users", "Kubernetes operations and support"]),
                                                      max_size=2, unique=True))}
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
        "confidentiality": {"enabled": (confidential := draw(st.booleans())), "years": draw(maybe(st.integers(1, 10))),
                            "prior_agreements": draw(st.lists(st.just("the NDA between the founders dated 1 May 2026"), max_size=1)),
                            "replace_prior": draw(st.booleans()) if confidential else False},
        "publication": draw(st.sampled_from([{}, {"review_days": 45, "delay_days": 60}])),
        "intellectual_property": {
            "background": draw(st.sampled_from(["retained", "licensed"])),
            "foreground": foreground,
            "owner": draw(party) if foreground == "lead_party" else None,
            "joint_manager": draw(maybe(party)),
            "joint_licensing": draw(st.sampled_from(["free", "notice", "consent"])),
            "joint_accounting": draw(st.booleans()),
            "customer_licence": draw(st.booleans()),
            "improvements": draw(st.sampled_from(["background_owner", "foreground"])),
        },
        "termination": {"notice_days": draw(st.integers(1, 180)),
                        "exit_triggers": draw(st.lists(st.just("Fewer than 3 sites live at the first review"), max_size=1)),
                        "minimum_months": draw(maybe(st.integers(1, months - 1))) if months > 1 else None,
                        "breach_days": draw(maybe(st.integers(1, 60)))},
        "liability": draw(st.sampled_from([{}, {"cap": 100000, "currency": "GBP"}, {"caps": {k: 5000 for k in keys}, "currency": "EUR",
                                                                                      "period": "per_year"},
                                           {"data_protection_cap": 250000, "currency": "GBP"}])),
        "values": draw(st.lists(st.just("Openness"), max_size=1)),
    }
    if draw(st.booleans()):
        by_shares = draw(st.booleans())
        data["commercial"] = {"contracting_party": draw(party),
                              "revenue_shares": _shares(draw, keys) if by_shares else None,
                              "pricing": None if by_shares and draw(st.booleans()) else "the agreed price list",
                              "payment_days": draw(maybe(st.integers(1, 90))),
                              "offering": draw(st.lists(st.sampled_from(["Private 5G networks", "Edge hosting and support"]), unique=True))}
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
        data["insurance"] = {"cover": ["Public liability"], "amount": draw(maybe(st.just(1000000))), "currency": "GBP",
                             "years_after": draw(maybe(st.integers(0, 10)))}
    return data


def _clause(text: str, title: str) -> str | None:
    found = re.search(rf"^### ([\d.]+) {re.escape(title)}\n(.*?)(?=^#)", text, re.MULTILINE | re.DOTALL)
    return found.group(2) if found else None


def _number(text: str, title: str) -> str | None:
    found = re.search(rf"^### ([\d.]+) {re.escape(title)}$", text, re.MULTILINE)
    return found.group(1) if found else None


def _binding_numbers(document: Document) -> set[str]:
    return {c.number for s in document.sections for c in s.clauses if c.binds and c.number}


def check_invariants(document: Document, text: str, binding: bool, answers: Answers | None = None) -> None:
    body = text.split("\n## Signatures")[0]
    two = len(document.subtitle.split(" and ")) == 2 and "," not in document.subtitle
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
    # 4. The legal-status list names exactly the clauses that bind, each with its title.
    status = _clause(text, "Legal status") or ""
    if binding:
        assert "Only clause" not in status
    else:
        listed = re.search(r"Only (clauses? .*?), with the definitions", status)
        assert listed, status
        assert set(re.findall(r"\d+\.\d+", listed.group(1))) == _binding_numbers(document)
        titles = {c.number: c.title for s in document.sections for c in s.clauses if c.number}
        for number in re.findall(r"\d+\.\d+", listed.group(1)):
            assert f"{number} ({titles[number]})" in listed.group(1), number
    # 5. No sentence with a hole where an answer should be.
    for pattern in (r"\bNone\b", r"\(\s*\)", r"[A-Za-z] [,.;:](?!\d)", r"\S  +\S", r"\b(?:the|a|an|of|for|by|to|with) [.,;:]",
                    r"\{\{|\}\}", r"\bundefined\b"):
        found = re.search(pattern, body)
        assert found is None, f"{pattern!r} matches {body[max(0, found.start() - 60):found.end() + 60]!r}"
    # 6. A two-party document speaks of "either Party" and "the other Party", never of a crowd.
    if two:
        for phrase in ("the others", "other Parties", "every other Party", "each other Party", "any other Party", "any of the Parties"):
            assert phrase not in body, phrase
        found = re.search(r"\b(?:[Aa]ny Party|[Aa]nother Party|[Nn]o Party)\b", body)
        assert found is None, body[max(0, found.start() - 80):found.end() + 40]
    # A paragraph never opens on a Party it has not named ("That Party shall indemnify ...").
    found = re.search(r"(?m)^(?:That|This|Such) Party\b", body)
    assert found is None, body[max(0, found.start() - 80):found.end() + 40]
    # 7. Lists whose items hold "and" keep their items apart: "a; b; and c", never "a, b and c".
    for item in ("Kubernetes and cloud-native expertise", "Kubernetes operations and support", "Edge hosting and support"):
        found = re.search(rf"(?i)(?:, |(?<!;) (?:and|or) ){re.escape(item)}", body)
        assert found is None, body[max(0, found.start() - 80):found.end()]
    # 8. Names, product names and acronyms keep their case wherever an answer stands.
    found = re.search(r"\b(?:kubernetes|nHS|nhs|Iphone|IPhone|iphone)\b", body)
    assert found is None, body[max(0, found.start() - 60):found.end() + 20]
    if answers is not None and answers.parties[0].short_name == "Helix":
        assert not re.search(r"\bhelix\b", body)
    assert "helix's" not in body
    # 9. Exactly one IP rule for any item: an improvement is either carved out of Foreground IP or part of it.
    new_ip = _clause(text, "New intellectual property") or ""
    if "**Improvement**" in new_ip:
        assert "other than an Improvement (**Foreground IP**)" in new_ip
    else:
        assert "including any improvement to a Party's Background IP (**Foreground IP**)" in new_ip
        assert "Improvement" not in body.replace("improvement to a Party", "")
    # 10. A Deadlock is a business matter: it ends in the status quo and never in the final forum.
    deadlock = _clause(text, "Deadlock") or ""
    assert "the proposal falls and the position before it stands" in deadlock
    assert "treat the matter as a Dispute" not in body and "straight to escalation" not in body
    assert "is not a Dispute" in ladder
    # 11. An adjourned meeting never lets one Party decide alone.
    meeting = _clause(text, "Steering body") or ""
    assert ("at least two Parties are represented" in meeting) if not two else ("only when both Parties are represented" in meeting)
    # 12. In an MOU every Shared Cost already needs each payer's approval: no cap sentence there.
    if not binding:
        assert "The Shared Costs shall not exceed" not in body
    # 13. The binding part of any document has its boilerplate, and says what leaving without notice costs.
    for heading in ("Severance", "Waiver and remedies", "Rights of third parties"):
        assert _number(text, heading), heading
    liability = _clause(text, "Liability") or ""
    assert "indirect or consequential loss" in liability
    # A cap where some party has an amount; where none has, the clause says so and promises no limit.
    capped = re.search(r"Each Party's total liability to .*? shall not exceed", liability) is not None
    assert capped != ("sets no amount that limits a Party's total liability" in liability), liability
    if not capped:
        assert "within those limits" not in liability and "the limit above" not in liability
    else:
        assert liability.count("no amount: its liability is not limited") < len(re.findall(r"^- \(\w\) for ", liability, re.MULTILINE))
    if answers is not None:
        from agreementkit.assembly.liability import liability_caps

        assert capped == any(liability_caps(answers).values())
    if not binding:
        assert "only for the loss" in liability and "within the notice period it should have given" in liability
    # 14. Independence states the freedom and its real limits, with no empty proviso.
    assert "keeps the autonomy described" not in body
    # 15. An expert's decision binds; it is final only where it is the last step.
    expert = _clause(text, "Expert determination")
    if expert is not None:
        assert "it shall be referred" in expert and "Chartered Institute of Arbitrators" in expert
        last = answers is None or answers.disputes.steps[-1].value == "expert"
        assert ("final and binding" in expert) == last
    # 16. A notice's validity never hangs on its courtesy copy.
    assert "whether or not the copy is sent or received" in (_clause(text, "Notices") or "")
    # 17. Business contact data may always be shared; other personal data only as the clause allows.
    assert "**Business Contact Data**" in (_clause(text, "Personal data") or "")
    # 18. Earlier confidentiality agreements survive unless the answers replace them.
    entire = _clause(text, "Entire agreement") or _clause(text, "Entire understanding") or ""
    if answers is not None and answers.confidentiality.replace_prior:
        assert "It also replaces any earlier confidentiality" in entire
    else:
        assert "It does not replace any confidentiality or non-disclosure agreement" in entire
    # 19. A university's publication clause, with the answers' periods.
    if answers is not None:
        universities = any(p.kind.value == "university" or (p.legal_form and p.legal_form.value == "university")
                           for p in answers.parties)
        publication = _clause(text, "Academic publication")
        assert (publication is not None) == universities
        if publication:
            assert f"Within {answers.publication.review_days} days" in publication
            assert f"by up to {answers.publication.delay_days} further days" in publication
    # 21. IP ownership, the licence to use Foreground IP and securing rights from staff bind in every MOU.
    if not binding:
        assert "(New intellectual property)" in status and "(What happens when the partnership ends)" in status
    assert "has granted it the rights it needs to give effect to this clause" in new_ip
    # 22. A Party that leaves: confidentiality runs from its leaving, contributions go back.
    if not two:
        assert "after the date it withdraws" in (_clause(text, "Confidentiality") or "after the date it withdraws")
    assert "return to its owner" in (_clause(text, "What happens when the partnership ends") or "")
    # 23. A binding agreement speaks as one, and says what follows from any missed target.
    if binding:
        assert "the clauses of this Agreement that bind" not in body
        assert "missed target is considered at the next review" in (_clause(text, "Key performance indicators") or "")
    # 24. No holes and no empty promises (issue 21): no dash cell, no lead-in without what it introduces,
    # no sentence about values, duties or lists that are empty; every placeholder is one `check` reports.
    assert not re.search(r"\|\s*[—–-]\s*\|", text), "a table cell holds only a dash"
    for section in document.sections:
        for clause in section.clauses:
            for index, block in enumerate(clause.blocks):
                if isinstance(block, Paragraph) and block.inlines and getattr(block.inlines[-1], "text", "").rstrip().endswith(":"):
                    following = clause.blocks[index + 1] if index + 1 < len(clause.blocks) else None
                    assert following is not None, (clause.id, block)
                    if isinstance(following, (ItemList, Table)):
                        assert (following.items if isinstance(following, ItemList) else following.rows), clause.id
                    else:
                        assert isinstance(following, Paragraph) and following.inlines, (clause.id, block)
    if "Values are the Parties' good-faith estimates" in body:
        assert "valued at" in body
    if "the duties set out against its name" in body:
        assert re.search(r", (?:shall|will):", body)
    printed = re.findall(r"\\\[([a-z][a-z ]{1,40}[a-z])\\\]", text)
    assert len(printed) == len(find_placeholders(document)), printed
    # 20. Publicity gives way to what the law or a stock exchange requires.
    assert "rules of a stock exchange" in (_clause(text, "Publicity") or "")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers_data())
def test_no_combination_of_answers_contradicts_itself(data: dict[str, Any]) -> None:
    answers = validate_answers(data)
    document = assemble(answers)
    text = render_bytes(document, "md").decode("utf-8")
    check_invariants(document, text, answers.agreement.binding, answers)


def test_lower_casing_keeps_names_product_names_and_acronyms() -> None:
    from agreementkit.assembly import _lower_first

    names = frozenset({"helix"})  # a party's short name
    assert _lower_first("Kubernetes and cloud-native expertise", names) == "Kubernetes and cloud-native expertise"
    assert _lower_first("Helix platform support", names) == "Helix platform support"
    assert _lower_first("Helix's sensors", frozenset()) == "Helix's sensors"
    assert _lower_first("NHS trust relationships", names) == "NHS trust relationships"
    assert _lower_first("iPhone app development", names) == "iPhone app development"
    assert _lower_first("Paying customers", names) == "paying customers"
    assert _lower_first("Provide 5G connectivity", names) == "provide 5G connectivity"
    # A word the word list lacks ("app") but the answers write in lower case is ordinary to their author.
    assert _lower_first("App development lead", names) == "App development lead"
    assert _lower_first("App development lead", names, frozenset({"app", "pilot"})) == "app development lead"
    assert _lower_first("Helix platform support", names, frozenset({"helix"})) == "Helix platform support"


def test_a_role_opening_with_a_word_the_answers_write_in_lower_case_is_lowered_in_the_document() -> None:
    import yaml

    from agreementkit.assembly import library_for

    data = yaml.safe_load((ROOT / "examples" / "cold-chain-pilot.yaml").read_text(encoding="utf-8"))
    data["agreement"]["purpose"] = "Pilot a city app for cold-chain tracking."
    data["responsibilities"][0]["role"] = "App development lead"
    text = render_bytes(assemble(validate_answers(data), library_for([])), "md").decode("utf-8")
    assert "as app development lead" in text and "as App development lead" not in text


@st.composite
def quick_answers_data(draw: st.DrawFn) -> dict[str, Any]:
    """Answers shaped like quick mode's: only what it asks (per party its name, kind, jurisdiction, signatory,
    manager, role and main contribution; the objectives; the decision rule), every other answer left to its default."""
    count = draw(st.integers(2, 4))
    keys = [f"p{i}" for i in range(count)]
    start = date(2027, 1, 1) + timedelta(days=draw(st.integers(0, 365)))
    names = ["Leeds City Council", "Acme Robotics Ltd", "University of Leeds", "Harbour Food Network", "Helix Bio Ltd"]
    return {
        "format": 1,
        "agreement": {"purpose": "To pilot a shared service together.", "effective_date": start.isoformat(),
                      "term_months": 24, "governing_law": "England and Wales"},
        "parties": [{"key": key, "name": f"{draw(st.sampled_from(names))} {i}",
                     "kind": draw(st.sampled_from(["company", "government", "university", "nonprofit"])),
                     "jurisdiction": "England and Wales", "signatory": {"name": "Sam Lee", "title": "Director"},
                     "manager": {"name": "Ana Ruiz", "email": "ana@example.org"}}
                    for i, key in enumerate(keys)],
        "objectives": [{"title": "Run the pilot", "kpi": "Sites live", "target": "3", "owner": keys[0],
                        "due": (start + timedelta(days=200)).isoformat()}],
        "responsibilities": [{"party": key, "role": draw(st.sampled_from(["Site access and public data lead", "NHS liaison"]))}
                             for key in keys],
        "resources": [{"party": key, "type": "other", "description": draw(st.sampled_from(["Staff time", "Kubernetes hosting"]))}
                      for key in keys],
        "governance": {"decision_rule": draw(st.sampled_from(["consensus", "unanimous", "majority"]))},
    }


@settings(max_examples=max(EXAMPLES // 3, 30), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quick_answers_data())
def test_quick_mode_answers_give_a_document_without_holes(data: dict[str, Any]) -> None:
    answers = validate_answers(data)
    document = assemble(answers)
    text = render_bytes(document, "md").decode("utf-8")
    check_invariants(document, text, answers.agreement.binding, answers)
    assert "—" not in text
    roles = _clause(text, "Allocation of responsibilities") or ""
    assert "single owner of each" not in roles and "agree the duties that go with each role" in roles
    assert "good-faith estimates" not in text


def test_check_lists_the_placeholders_to_complete_without_changing_the_exit_code(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    import yaml

    data = yaml.safe_load((ROOT / "examples" / "telecom-edge-binding.yaml").read_text(encoding="utf-8"))
    data["parties"][1].pop("address")
    data["parties"][1].pop("registration_number")
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    run = lambda *args: subprocess.run([sys.executable, "-m", "agreementkit", "check", str(path), *args],  # noqa: E731
                                       capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    report = json.loads(run("--format", "json").stdout)
    assert report["to_complete"] == [
        {"placeholder": "[registered number]", "where": "1.1 The parties", "context": "Brightwave Software Ltd"},
        {"placeholder": "[address]", "where": "1.1 The parties", "context": "Brightwave Software Ltd"},
    ]
    assert not [f for f in report["findings"] if "address" in f["path"] or "registration" in f["path"]]
    table = run("--strict")
    assert table.returncode == 0, table.stdout  # not a warning: --strict still passes
    assert "To complete before signing" in table.stdout and "[registered number] in 1.1 The parties: Brightwave Software Ltd" in table.stdout
