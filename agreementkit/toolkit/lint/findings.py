"""What lint reports: a finding names the file, line, clause, rule and a suggestion.

The base of the lint package: every rule module builds these, and nothing here
imports the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "advice"]


# Every rule lint has, for `lint_ignore:` in a clause's front matter.
RULES = frozenset({
    "undefined-name", "unknown-attribute", "undeclared-extra", "prints-object", "unknown-filter", "unknown-test", "syntax",
    "unknown-reference", "conditional-reference", "variant-missing", "variant-undeclared", "template-loading",
    "term-defined-twice", "term-unused", "term-before-definition", "term-where-undefined", "term-undefined",
    "term-not-marked", "answer-unasked", "unsupported-markdown", "front-matter", "clause-file", "unknown-section",
    "override-drift", "override-unknown", "override-unrecorded", "duplicate-id", "question-unused", "question-file",
    "question-expression", "obligation-in-mou", "lint-ignore-unknown",
    "rule-file", "rule-expression", "rule-about", "rule-about-drift", "rule-question", "rule-example", "rule-untested",
    "rule-review", "page-rules", "unknown-option", "extra-unguarded",
})


@dataclass(frozen=True)
class LintFinding:
    rule: str
    severity: Severity
    file: str
    line: int | None
    clause: str
    message: str
    suggestion: str

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.rule)


@dataclass
class LintReport:
    findings: list[LintFinding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(f.severity == severity for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.count("error") or (strict and self.count("warning")) else 0
