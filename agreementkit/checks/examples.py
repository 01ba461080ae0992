"""A rule's examples: answers on which it must fire, and near misses on which it must not.

Each example is a fragment (answers path: value) applied to a base scenario,
a `NAME.yaml` in a loaded layer's `tests/` folder or the built-in ones. They
run in `agreementkit test`, in `agreementkit lint` and in agreementkit's own
test suite, so a rule that stops firing where it should (after a clause or a
rule changes) is a failure, not a silence.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AgreementkitError
from .rules import Rule, RuleBook, parse_answers_path

if TYPE_CHECKING:
    from ..questions.spec import Interview

TESTS_DIR = "tests"


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    kind: str  # fires or passes
    index: int
    passed: bool
    message: str
    file: str
    line: int | None

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.kind} example {self.index + 1}: {self.message}"


def scenario_folders(layers: list[str]) -> list[Path]:
    """Where example bases are looked for: the layers' tests/, the last layer first, then the built-in ones."""
    from ..resources import builtin_clauses

    return [Path(p) / TESTS_DIR for p in reversed(layers)] + [builtin_clauses() / TESTS_DIR]


def _base_data(name: str, layers: list[str], cache: dict[str, Any]) -> Any:
    from ..yamlfile import parse_yaml, read_text

    if name not in cache:
        for folder in scenario_folders(layers):
            path = folder / f"{name}.yaml"
            if path.is_file():
                cache[name] = parse_yaml(read_text(path, "scenario"), str(path)).data
                break
        else:
            known = sorted({p.stem for f in scenario_folders(layers) if f.is_dir() for p in f.glob("*.yaml")
                            if not p.name.endswith(".expect.yaml")})
            raise LookupError(f"no scenario '{name}' to be the examples' base (scenarios: {', '.join(known) or 'none'})")
    return copy.deepcopy(cache[name])


def apply_fragment(data: Any, fragment: dict[str, Any]) -> Any:
    """The base answers with each answers path of the fragment set to its value."""
    for path, value in fragment.items():
        parts = parse_answers_path(str(path))
        target = data
        for step, following in zip(parts[:-1], parts[1:]):
            if isinstance(step, int):
                if not isinstance(target, list) or step >= len(target):
                    raise LookupError(f"'{path}': the base has no entry [{step}] there")
                target = target[step]
            else:
                if not isinstance(target, dict):
                    raise LookupError(f"'{path}': the base has no mapping at '{step}'")
                if target.get(step) is None:
                    target[step] = [] if isinstance(following, int) else {}
                target = target[step]
        last = parts[-1]
        if isinstance(last, int):
            if not isinstance(target, list) or last > len(target):
                raise LookupError(f"'{path}': the base has no entry [{last}] there")
            if last == len(target):
                target.append(copy.deepcopy(value))
            else:
                target[last] = copy.deepcopy(value)
        elif isinstance(target, dict):
            target[last] = copy.deepcopy(value)
        else:
            raise LookupError(f"'{path}': the base has no mapping there")
    return data


def run_examples(book: RuleBook, interview: Interview, rules: list[Rule] | None = None) -> list[ExampleResult]:
    """Every example of these rules (all enabled rules of the book by default), each passed or not."""
    from ..answers import validate_answers
    from .engine import rule_context, run_rule

    cache: dict[str, Any] = {}
    out: list[ExampleResult] = []
    for rule in rules if rules is not None else book.enabled():
        base = rule.examples.base or rule.base
        for kind in ("fires", "passes"):
            for index, fragment in enumerate(getattr(rule.examples, kind)):
                file, line = rule.sources.get(f"examples.{kind}[{index}]") or rule.line_of("examples")

                def result(passed: bool, message: str, rule_id: str = rule.id, kind: str = kind, index: int = index,
                           file: str = file, line: int | None = line) -> ExampleResult:
                    return ExampleResult(rule_id, kind, index, passed, message, file, line)

                if not base:
                    out.append(result(False, "no base scenario: give examples.base, or base: at the top of the rule file"))
                    continue
                try:
                    data = apply_fragment(_base_data(base, book.layers, cache), fragment)
                    answers = validate_answers(data, source=f"{base} with the example", check_references=False,
                                               interview=interview)
                    found = run_rule(rule, rule_context(answers))
                except LookupError as exc:
                    out.append(result(False, str(exc.args[0])))
                    continue
                except AgreementkitError as exc:
                    out.append(result(False, f"its answers cannot be checked: {_first_line(exc)}"))
                    continue
                if kind == "fires":
                    out.append(result(bool(found), f"fires on {base} with {_shown(fragment)}" if found else
                                      f"does not fire on {base} with {_shown(fragment)}, where it should"))
                else:
                    out.append(result(not found, f"passes {base} with {_shown(fragment)}" if not found else
                                      f"fires on {base} with {_shown(fragment)}, where it should not: {found[0].finding}"))
    return out


def examined(book: RuleBook, replaced: set[str]) -> list[Rule]:
    """The rules whose examples a layered library runs: the rules its layers add or change, and the
    built-in rules about a clause the layers replace (rules follow clauses). Without layers, every rule."""
    if not book.layers:
        return book.enabled()
    return [r for r in book.enabled()
            if r.layer != "built-in" or r.changed_by or any(clause_id in replaced for clause_id, _ in r.about)]


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines[1:4]) if len(lines) > 1 else (lines[0] if lines else type(exc).__name__)


def _shown(fragment: dict[str, Any]) -> str:
    import json

    text = json.dumps(fragment, ensure_ascii=False, default=str)
    return text if len(text) <= 160 else text[:159] + "…"


__all__ = ["ExampleResult", "run_examples", "apply_fragment", "scenario_folders", "examined"]
