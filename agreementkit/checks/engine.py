"""Running rules: every rule of the rule book, the same way, over the answers as plain data.

A rule's expressions see what question expressions see (the answers, dates
as ISO text, choices as their values, the shared filters) and, as clauses
do, a few values worked out once from the answers: `term_end`,
`term_months`, `party_keys`, `party_references`, `liability_caps`,
`resource_totals` and `label(key)`. A rule with `for_each` sees each entry
as `item` (and its position as `index`); `let` names are worked out in
order before `when`.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..answers import Answers
from ..dates import term_months as months_of
from ..errors import ClauseLibraryError, Problem, UserError
from ..questions.helpers import totals_by_currency
from .findings import Finding, PlainWords
from .rules import Case, Rule

if TYPE_CHECKING:
    from ..questions.spec import Interview

# Names a rule's expressions are given besides the answers, for lint.
RULE_NAMES = frozenset({"term_end", "term_months", "party_keys", "party_references", "liability_caps",
                        "resource_totals", "label", "item", "index", "question", "page"})
MAX_MESSAGE = 600  # characters of one finding's sentence: a template gone wrong is cut, not printed in full


def plain_data(value: Any) -> Any:
    """Model values as an answers file writes them: choices as their values, dates as ISO text;
    numbers stay exact (Decimal), so shares add up to exactly 100."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    return value


def party_references(answers: Answers) -> list[dict[str, Any]]:
    """Every place the answers name a party by key: {path, key}."""
    found: list[tuple[str, Any]] = []
    found += [(f"objectives[{i}].owner", o.owner) for i, o in enumerate(answers.objectives)]
    found += [(f"responsibilities[{i}].party", r.party) for i, r in enumerate(answers.responsibilities)]
    found += [(f"resources[{i}].party", r.party) for i, r in enumerate(answers.resources)]
    found.append(("governance.lead_party", answers.governance.lead_party))
    found += [(f"governance.weights.{k}", k) for k in answers.governance.weights or {}]
    found.append(("review.kpi_report_by", answers.review.kpi_report_by))
    found.append(("intellectual_property.owner", answers.intellectual_property.owner))
    found.append(("intellectual_property.joint_manager", answers.intellectual_property.joint_manager))
    found += [(f"liability.caps.{k}", k) for k in answers.liability.caps or {}]
    if answers.commercial is not None:
        found.append(("commercial.contracting_party", answers.commercial.contracting_party))
        found += [(f"commercial.revenue_shares.{k}", k) for k in answers.commercial.revenue_shares or {}]
    found += [(f"data_protection.{n}", getattr(answers.data_protection, n)) for n in ("controller", "processor", "contact")]
    return [{"path": path, "key": key} for path, key in found if key is not None]


def rule_context(answers: Answers) -> dict[str, Any]:
    """What every rule's expressions see."""
    from ..assembly.liability import liability_caps

    data = plain_data(answers.model_dump())
    agreement = answers.agreement
    labels = {p.key: p.label for p in answers.parties}
    return {
        **data,
        "term_end": agreement.end.isoformat(),
        "term_months": agreement.term_months or months_of(agreement.effective_date, agreement.end),
        "party_keys": [p.key for p in answers.parties],
        "party_references": party_references(answers),
        "liability_caps": {key: [[amount, currency] for amount, currency in caps] for key, caps in liability_caps(answers).items()},
        "resource_totals": totals_by_currency(data["resources"]),
        "label": lambda key: labels.get(key, str(key)),
    }


class _Asked:
    """The interview's words for a question: its prompt and its page, worked out once per check."""

    def __init__(self, interview: Interview | None):
        self.interview = interview

    def words(self, question_id: str | None, scope: dict[str, Any]) -> dict[str, str]:
        if not question_id or self.interview is None:
            return {}
        from ..questions.expressions import ExpressionError, render_value

        try:
            question = self.interview.question(question_id)
            page = self.interview.page(question.page)
        except KeyError:
            return {}
        try:
            prompt = str(render_value(question.prompt, {**scope, "party": {}}, question.id) or "")
        except ExpressionError:
            prompt = question.label
        title = page.title.removeprefix("The ").removeprefix("the ")  # "on the {{ page }} page": the Agreement page
        return {"question": " ".join(prompt.split()).rstrip(":?") or question.label, "page": title[:1].upper() + title[1:]}


def run_rule(rule: Rule, context: dict[str, Any], asked: _Asked | None = None) -> list[Finding]:
    """The findings of one rule: one per case whose `when` holds (per item, with `for_each`)."""
    found: list[Finding] = []
    for number, case in enumerate(rule.cases):
        found.extend(_run_case(rule, number, case, context, asked or _Asked(None)))
    return found


def _run_case(rule: Rule, number: int, case: Case, context: dict[str, Any], asked: _Asked) -> list[Finding]:
    from ..questions.expressions import evaluate

    label = f"cases[{number}]." if len(rule.cases) > 1 else ""
    items: list[tuple[int | None, Any]] = [(None, None)]
    if case.for_each:
        listed = _attempt(rule, f"{label}for_each", lambda: evaluate(case.for_each or "", context, "for_each"))
        if isinstance(listed, dict):
            listed = list(listed)
        if listed is None:
            listed = []
        if not isinstance(listed, (list, tuple)):
            raise _rule_error(rule, "for_each", f"{label}for_each gives {type(listed).__name__}, not a list")
        items = list(enumerate(listed))
    out: list[Finding] = []
    for index, item in items:
        scope = dict(context)
        if case.for_each:
            scope.update(item=item, index=index)
        for name, expression in case.let:
            scope[name] = _attempt(rule, f"{label}let.{name}", lambda e=expression, s=scope: evaluate(e, s, "let"))
        if not _attempt(rule, f"{label}when", lambda s=scope: evaluate(case.when, s, "when")):
            continue
        text = {key: _text(rule, f"{label}{key}", template, scope)
                for key, template in (("path", case.path), ("finding", case.finding), ("why", case.why),
                                      ("suggestion", case.suggestion))}
        question = _text(rule, f"{label}where.question", case.question, scope) if case.question and "{" in case.question \
            else case.question
        words = {**scope, **asked.words(question, scope)}
        plain = [_text(rule, f"{label}plain.{key}", template, words) if template else text[key]
                 for key, template in zip(("finding", "why", "suggestion"), case.plain)]
        out.append(Finding(
            rule=rule.id, severity=rule.severity, path=text["path"], finding=text["finding"], why=text["why"],
            suggestion=text["suggestion"], question=question,
            plain=PlainWords(finding=plain[0], why=plain[1], suggestion=plain[2]),
            layer=rule.changed_by[-1] if rule.changed_by else rule.layer,
        ))
    return out


def _text(rule: Rule, key: str, template: str, scope: dict[str, Any]) -> str:
    from ..questions.expressions import render_value

    value = _attempt(rule, key, lambda: render_value(template, scope, key))
    text = " ".join(str(value if value is not None else "").split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _attempt(rule: Rule, key: str, work: Any) -> Any:
    """Run one expression of a rule; a failure is the rule file's error, located, never a traceback."""
    try:
        return work()
    except UserError as exc:
        from ..sandbox import readable

        head = key.split(".")[0]
        raise _rule_error(rule, "cases" if head.startswith("cases[") else head, f"{key}: {readable(exc, 400)}") from None


def _rule_error(rule: Rule, key: str, message: str) -> ClauseLibraryError:
    file, line = rule.line_of(key)
    return ClauseLibraryError(file, [Problem(rule.id, f"rule '{rule.id}' failed: {message}", line)])


__all__ = ["RULE_NAMES", "plain_data", "rule_context", "run_rule", "party_references", "MAX_MESSAGE"]
