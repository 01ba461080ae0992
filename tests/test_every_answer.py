"""Every answer the interview asks shapes the document or the health check (issue 21 §2),
or what a review measures: an objective's target_value, unit and direction are read by
`review check` and the review pack (issue 24), through `Objective.measure()`.

The test walks every stored question of the built-in interview and of the example
layer, changes its answer in a complete answers file where its `when` holds, and
asserts that the rendered document or the health-check findings change. A new
question that nothing reads fails here: print it, or stop asking it.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble, library_for
from agreementkit.checks import check_answers
from agreementkit.errors import AgreementkitError
from agreementkit.questions import load_interview
from agreementkit.questions.expressions import evaluate
from agreementkit.questions.spec import Question
from agreementkit.questions.types import QuestionType
from agreementkit.render import render_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["cold-chain-pilot", "telecom-edge-binding", "university-materials-research", "five-party-consortium"]
LAYER = ROOT / "examples" / "layers" / "data-sharing"
# Stored answers that are identifiers, not wording: nothing should print them.
IDENTIFIERS = {"parties[].key": "the party's key only links the answers file together; it is never printed"}


def _examples() -> list[dict[str, Any]]:
    bases = [yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text(encoding="utf-8")) for name in EXAMPLES]
    # Answers the examples leave out, so that the questions they steer are asked somewhere.
    extra = copy.deepcopy(bases[0])
    extra["agreement"].update(exclusive=True, renewal="automatic", implementing_agreements=True)
    extra["liability"] = {"data_protection_cap": 100000, "currency": "GBP"}
    extra["governance"].update(decision_rule="weighted", weights={"northwind": 2, "frostline": 1, "harbour": 1})
    extra["commercial"] = {"contracting_party": "northwind", "pricing": "each Party's price list", "offering": ["Tracking"]}
    extra["insurance"] = {"cover": ["Public liability"], "amount": 1000000, "currency": "GBP", "years_after": 3}
    extra["data_protection"] = {"personal_data": True, "roles": "joint", "contact": "harbour", "data": ["Names"], "subjects": ["Staff"]}
    extra["confidentiality"].update(prior_agreements=["the NDA of 1 May 2026"])
    lead = copy.deepcopy(bases[1])
    lead["governance"].update(decision_rule="lead_party", lead_party="aurora")
    lead["intellectual_property"].update(foreground="lead_party", owner="aurora")
    lead["data_protection"] = {"personal_data": True, "roles": "processor", "controller": "aurora", "processor": "brightwave"}
    lead["liability"] = {"caps": {"aurora": 1000, "brightwave": 2000}, "currency": "GBP"}
    lead["disputes"] = {"steps": ["negotiation", "arbitration"], "arbitration": {"rules": "LCIA Rules", "seat": "London"}}
    lead["parties"][1]["legal_form"] = "charitable_company"
    lead["parties"][1]["charity_number"] = "1234567"
    lead["costs"] = {"model": "shared", "shares": {"aurora": 50, "brightwave": 50}, "cap": 50000, "currency": "GBP"}
    processor = copy.deepcopy(bases[3])
    processor["data_protection"] = {"personal_data": True, "roles": "processor", "controller": bases[3]["parties"][0]["key"],
                                    "processor": bases[3]["parties"][1]["key"], "data": ["Names"], "subjects": ["Staff"]}
    processor["liability"] = {"cap": 50000, "currency": "EUR"}
    processor["insurance"] = {"cover": ["Public liability"], "amount": 1000000, "currency": "EUR"}
    return [*bases, extra, lead, processor]


def _steering(data: dict[str, Any]) -> dict[str, Any]:
    """The answers as the interview sees them, with the steering answers (`store: false`) they imply."""
    context = copy.deepcopy(data)
    agreement = context.setdefault("agreement", {})
    agreement["term_by"] = "end_date" in agreement
    commercial = context.get("commercial")
    context["commercial"] = {**(commercial or {}), "sells": bool(commercial),
                             "by": "shares" if commercial and commercial.get("revenue_shares") else "pricing"}
    liability = context.setdefault("liability", {})
    liability["basis"] = "each" if liability.get("caps") else "one" if liability.get("cap") else "contributions"
    liability.setdefault("data_protection_cap", None)
    insurance = context.get("insurance")
    context["insurance"] = {**(insurance or {}), "wanted": bool(insurance)}
    context["insurance"].setdefault("amount", None)
    governance = context.setdefault("governance", {})
    governance["own_weights"] = bool(governance.get("weights"))
    for name, default in (("costs", {"model": "each_bears_own"}), ("data_protection", {}), ("confidentiality", {"enabled": True}),
                          ("intellectual_property", {}), ("disputes", {}), ("review", {}), ("termination", {})):
        context.setdefault(name, default)
    context["costs"].setdefault("cap", None)
    context["data_protection"].setdefault("personal_data", None)
    context["data_protection"].setdefault("roles", None)
    context["intellectual_property"].setdefault("foreground", "creator")
    context["disputes"]["steps"] = context["disputes"].get("steps") or ["negotiation", "escalation", "mediation"]
    context.setdefault("extra", {})
    return context


def _asked(question: Question, data: dict[str, Any], index: int = 0) -> bool:
    if not question.when:
        return True
    context = _steering(data)
    if question.parent_id:
        items = context.get(question.parent_id) or []
        if len(items) <= index:
            return False
        context["item"] = items[index]
    if question.each == "party":
        context["party"] = context["parties"][0]
    context.update(quick=False, revising={}, today=date(2027, 1, 1))
    try:
        return bool(evaluate(question.when, context, question.id))
    except AgreementkitError:
        return False


def _candidates(question: Question, current: Any, data: dict[str, Any]) -> list[Any]:
    """Other answers to try, most telling first."""
    keys = [p["key"] for p in data["parties"]]
    kind = question.type
    if question.each == "party":
        return ["(the first two parties' answers swapped)"]
    if question.id.endswith("currency"):
        return [c for c in ("EUR", "USD") if c != current]
    if kind in (QuestionType.text, QuestionType.paragraph):
        return [f"{current} (changed)" if current else "Changed value"]
    if kind == QuestionType.email:
        return ["someone.else@example.org"]
    if kind == QuestionType.date:
        start = date.fromisoformat(str(current)) if current else date.fromisoformat(str(data["agreement"]["effective_date"]))
        return [(start + timedelta(days=days)).isoformat() for days in (1, 40, -1)]
    if kind in (QuestionType.integer, QuestionType.number, QuestionType.money):
        base = int(current) if current not in (None, "") else int(question.min or 1)
        return [value for value in (base + 1, base + 7, max(int(question.min or 1), base - 1)) if value != current]
    if kind == QuestionType.yes_no:
        return [not (current if current is not None else question.default is True)]
    if kind == QuestionType.list:
        return [[*(current or []), "An added entry"], (current or [])[:-1] or None]
    if kind == QuestionType.party:
        return [k for k in keys if k != current]
    if kind in (QuestionType.select, QuestionType.ordered, QuestionType.multi_select):
        values = [o.value for o in question.options if o.value != current]
        if kind == QuestionType.ordered:
            return [list(reversed(current or [])), [v for v in (current or []) if v != "mediation"] or None]
        return values + ([None] if not question.required else [])
    return []


def _repair(data: dict[str, Any]) -> None:
    """Keep the other answers consistent with a changed one, as the interview would ask them."""
    costs = data.get("costs") or {}
    if costs.get("model") == "each_bears_own":
        for name in ("shares", "cap", "currency", "payment_days"):
            costs.pop(name, None)
    elif costs.get("model") == "shared" and not costs.get("shares"):
        keys = [p["key"] for p in data["parties"]]
        costs["shares"] = {k: 100 // len(keys) + (100 % len(keys) if i == 0 else 0) for i, k in enumerate(keys)}


def _set(data: dict[str, Any], question: Question, value: Any, index: int = 0) -> bool:
    path = list(question.field_path) if not question.parent_id else [question.parent_id, index, *question.relative.split(".")]
    target: Any = data
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(target, list) or not target:
                return False
            target = target[step]
        else:
            target = target.setdefault(step, {}) if isinstance(target, dict) else None
            if target is None:
                return False
    if question.each == "party":
        mapping = target.get(path[-1])
        if not isinstance(mapping, dict) or len(mapping) < 2:
            return False
        first, second = list(mapping)[:2]
        if mapping[first] == mapping[second] and question.type == QuestionType.percent:
            mapping[first], mapping[second] = mapping[first] + 10, mapping[second] - 10
        else:
            mapping[first], mapping[second] = mapping[second], mapping[first]
            if mapping[first] == mapping[second]:
                mapping[first] = mapping[first] + 1
        return True
    target[path[-1]] = value
    _repair(data)
    return True


def _current(data: dict[str, Any], question: Question, index: int = 0) -> Any:
    path = list(question.field_path) if not question.parent_id else [question.parent_id, index, *question.relative.split(".")]
    value: Any = data
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and value else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _outcome(data: dict[str, Any], interview: Any, library: Any) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    try:
        answers = validate_answers(data, interview=interview)
    except AgreementkitError:
        return None
    text = render_bytes(assemble(answers, library), "md").decode("utf-8")
    findings = tuple(sorted(f"{f.rule} {f.path} {f.finding}" for f in check_answers(answers).findings))
    measures = tuple(repr(o.measure()) for o in answers.objectives)  # what the review commands chart and judge
    return text, findings, measures


def _questions(layers: list[Path]) -> list[tuple[str, Question]]:
    interview = load_interview(layers)
    return [(q.id, q) for q in interview.questions() if q.store and q.type != QuestionType.group]


BUILT_IN = _questions([])
LAYERED = [(qid, q) for qid, q in _questions([LAYER]) if qid.startswith("extra.")]


def _check(question: Question, layers: list[Path]) -> None:
    if question.id in IDENTIFIERS:
        pytest.skip(IDENTIFIERS[question.id])
    interview = load_interview(layers)
    library = library_for(layers)
    tried = 0
    for base in _examples():
        if layers:
            base = {**copy.deepcopy(base), "libraries": [str(p) for p in layers]}
            base.pop("data_protection", None)
            base["extra"] = {"personal_data": True, "data_roles": "independent", "sharing_agreement_by": "2027-03-01"}
        indexes = [i for i in range(len(base.get(question.parent_id) or [])) if _asked(question, base, i)] \
            if question.parent_id else ([0] if _asked(question, base) else [])
        if not indexes:
            continue
        index = indexes[0]
        before = _outcome(base, interview, library)
        if before is None:
            continue
        for value in _candidates(question, _current(base, question, index), base):
            changed = copy.deepcopy(base)
            if not _set(changed, question, value, index):
                continue
            after = _outcome(changed, interview, library)
            if after is None:
                continue
            tried += 1
            if after != before:
                return
    assert tried, f"{question.id}: no complete answers file asks it and accepts another answer"
    raise AssertionError(f"{question.id}: changing its answer changes neither the document, the findings nor what a review "
                         "measures: print it, or stop asking it")


@pytest.mark.parametrize("question", [q for _, q in BUILT_IN], ids=[qid for qid, _ in BUILT_IN])
def test_every_built_in_answer_shapes_the_document_or_the_findings(question: Question) -> None:
    _check(question, [])


@pytest.mark.parametrize("question", [q for _, q in LAYERED], ids=[qid for qid, _ in LAYERED])
def test_every_answer_the_example_layer_asks_shapes_its_document(question: Question) -> None:
    _check(question, [LAYER])


DEADLOCK_CASES = [
    # (deadlock, reserved matters?, question, asked and printed)
    ("escalate", True, "disputes.escalation_days", True),
    ("mediation", False, "disputes.escalation_days", True),
    ("chair_casting_vote", True, "disputes.escalation_days", True),
    ("chair_casting_vote", False, "disputes.escalation_days", False),
    (None, True, "disputes.escalation_days", False),
    ("mediation", True, "disputes.mediator", True),
    ("mediation", True, "disputes.mediation_days", True),
    ("escalate", True, "disputes.mediator", False),
    ("escalate", True, "disputes.mediation_days", False),
]


@pytest.mark.parametrize(("deadlock", "reserved", "qid", "expected"), DEADLOCK_CASES,
                         ids=[f"{d}-{'reserved' if r else 'none'}-{q}" for d, r, q, _ in DEADLOCK_CASES])
def test_the_deadlock_periods_are_asked_exactly_where_the_deadlock_clause_prints_them(
        deadlock: str | None, reserved: bool, qid: str, expected: bool) -> None:
    """With no escalation or mediation step on the ladder, the Deadlock clause alone decides whether
    the escalation period, the mediator and the mediation period are read: the question is asked
    exactly when a changed answer changes the document."""
    interview = load_interview([])
    library = library_for([])
    question = next(q for q in interview.questions() if q.id == qid)
    base = _examples()[0]
    base["disputes"] = {"steps": ["negotiation", "arbitration"], "negotiation_days": 10,
                        "arbitration": {"rules": "LCIA Rules", "seat": "London", "arbitrators": 1}}
    base["governance"]["deadlock"] = deadlock
    if not reserved:
        base["governance"]["reserved_matters"] = []
    assert _asked(question, base) is expected
    before = _outcome(base, interview, library)
    changed = copy.deepcopy(base)
    _set(changed, question, "Changed Mediation Body" if question.type == QuestionType.text else 77)
    after = _outcome(changed, interview, library)
    assert before is not None and after is not None
    assert (before[0] != after[0]) is expected
