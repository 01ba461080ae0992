"""The errors agreementkit raises.

Library code raises these and never prints or exits; only the CLI decides how
to show them. Everything a person can cause derives from `UserError`, which
the CLI prints without a traceback and maps to an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass


class AgreementkitError(Exception):
    """Base of every error agreementkit raises on purpose."""


class UserError(AgreementkitError):
    """Something the user can fix: bad input, a clash with an existing file.

    `exit_code` follows the CLI contract: 2 for bad input or usage.
    """

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located so the user can go to it."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "(top level)"
        if self.line is not None:
            where = f"line {self.line}: {where}"
        return f"{where}: {self.message}"


class InvalidInputError(UserError):
    """An input file has one or more problems; all are reported together."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {count} {noun}:\n{lines}")


class AnswersError(InvalidInputError):
    """The answers file cannot be read or does not follow the format."""


class ClauseLibraryError(InvalidInputError):
    """A clause file or the clause library as a whole is not usable."""


class OutputExistsError(UserError):
    """Refusing to replace a file the user already has."""
