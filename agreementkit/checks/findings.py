"""What the health check reports, and the registry its rules join.

The base of the checks package: the rules and the report both build on it,
and it imports neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..answers import Answers


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


class ToComplete(BaseModel):
    """A placeholder the draft prints where it needs an answer the answers file does not give."""

    model_config = ConfigDict(frozen=True)

    placeholder: str = Field(description="The placeholder as printed, e.g. [registered number].")
    where: str = Field(description="The clause or schedule that prints it, e.g. 1.1 The parties.")
    context: str = Field(description="Its table row's first cell (the party) or the words around it.")


class CheckReport(BaseModel):
    """Everything `agreementkit check --format json` prints."""

    source: str
    findings: list[Finding]
    counts: dict[str, int] = Field(description="Findings per severity, silenced ones excluded, plus 'silenced'.")
    verdict: str
    to_complete: list[ToComplete] = Field(
        [], description="To complete before signing: the placeholders the draft prints. Not findings: they change no exit code."
    )

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
