"""The partnership health check: an advisor's review of the deal's design.

Each rule is a small function over validated answers, registered with its id
and severity. Rules return findings; they never raise, print or decide what
happens next (the CLI and the renderer decide that by severity).
"""

from __future__ import annotations

from typing import Any

from ..answers import Answers
from ..errors import AnswersError, Problem
from .findings import RULES, CheckReport, Finding, Rule, Severity, rule

__all__ = ["RULES", "CheckReport", "Finding", "Rule", "Severity", "rule", "check_answers", "report_schema"]


def _load_rules() -> None:
    from . import measures, rules  # noqa: F401  (registers the built-in rules)


def check_answers(answers: Answers, source: str = "answers") -> CheckReport:
    """Run every rule; findings for rules in `check.ignore` are kept but marked silenced."""
    _load_rules()
    unknown = [(i, name) for i, name in enumerate(answers.check.ignore) if name not in RULES]
    if unknown:
        known = ", ".join(sorted(RULES))
        raise AnswersError(
            source, [Problem(f"check.ignore[{i}]", f"unknown rule '{name}' (the rules are: {known})") for i, name in unknown]
        )
    silenced = set(answers.check.ignore)
    findings: list[Finding] = []
    for registered in RULES.values():
        for finding in registered.run(answers):
            findings.append(finding.model_copy(update={"silenced": finding.rule in silenced}))
    findings.sort(key=lambda f: (f.silenced, f.severity.rank))
    counts = {s.value: sum(1 for f in findings if f.severity == s and not f.silenced) for s in Severity}
    counts["silenced"] = sum(1 for f in findings if f.silenced)
    return CheckReport(source=source, findings=findings, counts=counts, verdict=_verdict(counts))


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
