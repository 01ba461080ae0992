"""What the health check reports: findings, in the answers file's terms and in the interview's.

The base of the checks package: the rule files, the evaluator and the report
all build on it, and it imports none of them.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    advice = "advice"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "advice": 2}[self.value]


class PlainWords(BaseModel):
    """A finding as the interview and the browser say it: no answers-file paths, the questions
    named as the interview asks them."""

    model_config = ConfigDict(frozen=True)

    finding: str
    why: str
    suggestion: str


class Finding(BaseModel):
    """One thing an advisor would raise, in the user's terms."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="The rule's stable id, e.g. objective-measurable.")
    severity: Severity
    path: str = Field(description="The answers path concerned, e.g. objectives[2].due.")
    finding: str = Field(description="One sentence naming the objective, party or step concerned.")
    why: str = Field(description="Why it matters for the partnership.")
    suggestion: str = Field(description="What to change, naming the answers file's fields.")
    silenced: bool = Field(False, description="True when the answers file lists the rule under check.ignore.")
    question: str | None = Field(None, description="The interview question that fixes it, e.g. objectives[].owner.")
    plain: PlainWords | None = Field(None, description="The finding in the interview's words, without answers-file paths.")
    layer: str = Field("built-in", description="The library layer the rule comes from.")

    def said(self) -> PlainWords:
        """The words the interview and the browser show."""
        return self.plain or PlainWords(finding=self.finding, why=self.why, suggestion=self.suggestion)


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
    notes: list[str] = Field([], description="Warnings about how the check was run, e.g. without a layer the answers "
                                             "were made with (--without-recorded-libraries).")

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.error and not f.silenced]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.warning and not f.silenced]

    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.silenced]
