"""The layers a command works with, and answers read in them.

A library layer is one folder of clauses, questions and rules; a command given
`--library` layers needs all three from the same layers: the interview types
the answers' `extra`, the rules check them and the clauses word them. Answers
record the layers they were made with (`libraries:`); reading them without
those layers is refused, since the built-in wording and rules would silently
stand in for the layer's, unless the command is told so
(`--without-recorded-libraries`), and then it says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answers import Answers
    from .checks import CheckReport, RuleBook
    from .library import ClauseLibrary
    from .questions.spec import Interview


@dataclass
class Layers:
    """The interview, rules and (on first use) clause library of some layers."""

    layers: list[str]
    interview: Interview
    rules: RuleBook
    _library: Any = field(default=None, repr=False)

    @property
    def library(self) -> ClauseLibrary:
        if self._library is None:
            from .assembly import library_for

            self._library = library_for(self.layers)
        return self._library  # type: ignore[no-any-return]

    def check(self, answers: Answers, source: str = "answers") -> CheckReport:
        from .checks import check_answers

        return check_answers(answers, source, rules=self.rules, interview=self.interview)


def layers_of(layers: list[Path] | list[str] | tuple[Any, ...] | None) -> Layers:
    """The built-in library with these layers over it: interview, rules, clauses."""
    from .checks import load_rules
    from .questions.spec import load_interview

    names = [str(p) for p in layers or []]
    return Layers(names, load_interview(names), load_rules(names))


def load_in_layers(path: Path, layers: list[Path] | list[str] | tuple[Any, ...] | None, *, without_recorded: bool = False,
                   check_references: bool = True, also: list[Path] | None = None) -> tuple[Answers, Layers, list[str]]:
    """An answers file read in its layers: the answers, the layers, and warnings to show. Refused when
    it records a layer that is not given (unless `without_recorded`); `also` are layers that count as
    given without being loaded (a layer's own scenarios carry it)."""
    from .answers import validate_answers
    from .errors import AnswersError, InvalidInputError
    from .library import recorded_layers
    from .yamlfile import parse_yaml, read_text

    try:  # read once: the recorded layers are judged before the answers are
        located = parse_yaml(read_text(path, "answers"), str(path))
    except InvalidInputError as exc:
        raise AnswersError(exc.source, exc.problems) from None
    data = located.data
    listed = data.get("libraries") if isinstance(data, dict) else None
    recorded: list[Any] = listed if isinstance(listed, list) else []
    given: list[Path | str] = [*(layers or []), *(also or [])]
    notes = recorded_layers(str(path), [str(entry) for entry in recorded], given, without_recorded=without_recorded)
    house = layers_of(layers)
    answers = validate_answers(data, located, str(path), check_references=check_references, interview=house.interview)
    return answers, house, notes


__all__ = ["Layers", "layers_of", "load_in_layers"]
