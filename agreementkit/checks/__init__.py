"""The partnership health check: an advisor's review of the deal's design.

The rules are data in the library (`clauses/rules/*.yaml` and each layer's
`rules/`), run by one evaluator. Rules return findings; they never raise,
print or decide what happens next (the CLI and the renderer decide that by
severity).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..answers import Answers
from ..errors import AnswersError, Problem
from .findings import CheckReport, Finding, PlainWords, Severity, ToComplete
from .rules import Rule, RuleBook, load_rules, rule_file_schema

if TYPE_CHECKING:
    from ..questions.spec import Interview

__all__ = ["CheckReport", "Finding", "PlainWords", "Rule", "RuleBook", "Severity", "ToComplete", "check_answers",
           "load_rules", "report_schema", "rule_file_schema"]


def check_answers(answers: Answers, source: str = "answers", rules: RuleBook | None = None,
                  interview: Interview | None = None) -> CheckReport:
    """Run every enabled rule of `rules` (the built-in ones when not given); findings for rules in
    `check.ignore` are kept but marked silenced. `interview` (by default the interview of the
    rules' layers) gives the plain-words form its question prompts and page titles."""
    from .engine import _Asked, rule_context, run_rule

    book = rules if rules is not None else load_rules()
    unknown = [(i, name) for i, name in enumerate(answers.check.ignore) if name not in book.rules]
    if unknown:
        raise AnswersError(source, [Problem(f"check.ignore[{i}]", _unknown_rule(name, book)) for i, name in unknown])
    if interview is None:
        interview = _interview_of(book)
    silenced = set(answers.check.ignore)
    context = rule_context(answers)
    asked = _Asked(interview)
    findings: list[Finding] = []
    for rule in book.enabled():
        for finding in run_rule(rule, context, asked):
            findings.append(finding.model_copy(update={"silenced": finding.rule in silenced}))
    findings.sort(key=lambda f: (f.silenced, f.severity.rank))
    counts = {s.value: sum(1 for f in findings if f.severity == s and not f.silenced) for s in Severity}
    counts["silenced"] = sum(1 for f in findings if f.silenced)
    return CheckReport(source=source, findings=findings, counts=counts, verdict=_verdict(counts))


def _unknown_rule(name: str, book: RuleBook) -> str:
    import difflib

    hint = difflib.get_close_matches(name, list(book.rules), n=1)
    layers = " (with the layers " + ", ".join(book.layers) + ")" if book.layers else ""
    return (f"unknown rule '{name}'{layers}" + (f"; did you mean '{hint[0]}'?" if hint else "")
            + f" (the rules are: {', '.join(sorted(book.rules))})")


def _interview_of(book: RuleBook) -> Interview | None:
    from ..errors import AgreementkitError
    from ..questions.spec import load_interview

    try:
        return load_interview(book.layers)
    except AgreementkitError:
        return None


def _verdict(counts: dict[str, int]) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 or word == 'advice' else 's'}"

    parts = [n(counts["error"], "error"), n(counts["warning"], "warning"), n(counts["advice"], "advice")]
    tail = f" ({counts['silenced']} silenced)" if counts["silenced"] else ""
    if counts["error"]:
        head = "Blocked: fix the errors before rendering"
    elif counts["warning"]:
        head = "Renders, but an advisor would raise the warnings"
    elif counts["advice"]:
        head = "Sound, with points to consider"
    else:
        head = "Healthy: nothing to raise"
    return f"{head}: {', '.join(parts)}{tail}."


def report_schema() -> dict[str, Any]:
    """The JSON Schema of `agreementkit check --format json` output."""
    schema = CheckReport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
