"""The partnership health check: an advisor's review of the deal's design.

Each rule is a small function over validated answers, registered with its id
and severity. Rules return findings; they never raise, print or decide what
happens next (the CLI and the renderer decide that by severity).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..answers import Answers
from ..errors import AnswersError, Problem


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    advice = "advice"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "advice": 2}[self.value]


class Finding(BaseModel):
    """One thing an advisor would raise, in the user's terms."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="The rule's stable id, e.g. objective-measurable.")
    severity: Severity
    path: str = Field(description="The answers path concerned, e.g. objectives[2].due.")
    finding: str = Field(description="One sentence naming the objective, party or step concerned.")
    why: str = Field(description="Why it matters for the partnership.")
    suggestion: str = Field(description="What to change.")
    silenced: bool = Field(False, description="True when the answers file lists the rule under check.ignore.")


class CheckReport(BaseModel):
    """Everything `agreementkit check --format json` prints."""

    source: str
    findings: list[Finding]
    counts: dict[str, int] = Field(description="Findings per severity, silenced ones excluded, plus 'silenced'.")
    verdict: str

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.error and not f.silenced]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.warning and not f.silenced]

    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.silenced]


class Rule:
    def __init__(self, rule_id: str, severity: Severity, summary: str, function: Callable[..., Iterator[Any]]):
        self.id = rule_id
        self.severity = severity
        self.summary = summary
        self.function = function

    def run(self, answers: Answers) -> list[Finding]:
        return [
            Finding(rule=self.id, severity=self.severity, path=path, finding=finding, why=why, suggestion=suggestion)
            for path, finding, why, suggestion in self.function(answers)
        ]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, summary: str) -> Callable[[Callable[..., Iterator[Any]]], Callable[..., Iterator[Any]]]:
    """Register a rule. The function yields (path, finding, why, suggestion)."""

    def register(function: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        RULES[rule_id] = Rule(rule_id, Severity(severity), summary, function)
        return function

    return register


def _load_rules() -> None:
    from . import rules  # noqa: F401  (registers the built-in rules)


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
