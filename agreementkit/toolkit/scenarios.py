"""Scenario tests for a clause library: real deals rendered and compared with what was approved.

A layer keeps scenarios in its `tests/` folder: `NAME.yaml` (an answers file)
beside `NAME.md` (the approved Markdown rendering) and, optionally,
`NAME.expect.yaml` with `findings` (the health-check rule ids expected),
`present` and `absent` (clause ids). A wording change shows up as a unified
diff naming the clauses it touches, which is how a legal team reviews its
effect on real deals before accepting it with `--update`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AgreementkitError, ClauseLibraryError, Problem
from ..render import atomic_write

TESTS_DIR = "tests"


@dataclass
class ScenarioResult:
    name: str
    answers: Path
    passed: bool
    problems: list[str] = field(default_factory=list)
    diff: str = ""
    updated: bool = False
    unreadable: bool = False  # its answers, questions or clause files cannot be read: bad input, not a failed scenario


def find_scenarios(layers: list[Path], *, required: bool = True) -> list[Path]:
    """The answers files of the scenarios: every layer's tests/*.yaml, or the built-in ones with no layer;
    none is an error when `required`."""
    from ..resources import builtin_clauses

    for layer in layers:
        if not Path(layer).is_dir():
            raise ClauseLibraryError(str(layer), [Problem("", "no such clause library folder")])
    folders = [Path(p) / TESTS_DIR for p in layers] if layers else [builtin_clauses() / TESTS_DIR]
    found = [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.yaml"))
             if not p.name.endswith(".expect.yaml")]
    if not found and required:
        where = ", ".join(str(f) for f in folders)
        raise ClauseLibraryError(where, [Problem("", "no scenarios: add NAME.yaml answers files (and run with --update "
                                                     "to write their expected renderings)")])
    return found


_HEADING_PARTS = re.compile(r"^#+ (?:(\d+(?:\.\d+)*)\.? |Schedule (\d+): )")
_REFERENCE = re.compile(r"\b(clauses?|Schedules?) (\d+(?:\.\d+)*(?:\([a-z]+\))?(?:(?:, | and | or | to )\d+(?:\.\d+)*(?:\([a-z]+\))?)*)")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def without_numbers(line: str) -> str:
    """A line with clause and schedule numbers (in its heading and its cross-references) blanked,
    so a clause inserted before others does not make every later number a difference."""
    line = _HEADING_PARTS.sub(lambda m: m.group(0).replace(m.group(1) or m.group(2), "#", 1), line, count=1)
    return _REFERENCE.sub(lambda m: m.group(1) + " #", line)


@dataclass(frozen=True)
class Renumbering:
    """How the numbers of one rendering moved in another: clause (and section) numbers and schedule
    numbers, each old number to its new one, taken from the headings present in both renderings."""

    clauses: dict[str, str]
    schedules: dict[str, str]

    @classmethod
    def between(cls, old: str, new: str) -> Renumbering:
        before, after = _numbered_headings(old), _numbered_headings(new)
        maps: dict[str, dict[str, str]] = {"clause": {}, "schedule": {}}
        for text, (kind, number) in before.items():
            if text in after and after[text][0] == kind:
                maps[kind][number] = after[text][1]
        return cls(maps["clause"], maps["schedule"])

    def apply(self, line: str) -> str:
        """The old line as it reads once every number is moved to its new one (numbers of headings
        not in both renderings stay as they were)."""
        def heading(m: re.Match[str]) -> str:
            if m.group(1):
                return m.group(0).replace(m.group(1), self.clauses.get(m.group(1), m.group(1)), 1)
            return m.group(0).replace(m.group(2), self.schedules.get(m.group(2), m.group(2)), 1)

        def reference(m: re.Match[str]) -> str:
            numbers = self.schedules if m.group(1).startswith("Schedule") else self.clauses
            return m.group(1) + " " + _NUMBER.sub(lambda n: numbers.get(n.group(0), n.group(0)), m.group(2))

        return _REFERENCE.sub(reference, _HEADING_PARTS.sub(heading, line, count=1))


def _numbered_headings(markdown: str) -> dict[str, tuple[str, str]]:
    """Each numbered heading's blanked text: its kind of number and the number, for the headings whose
    blanked text is unique (two headings alike cannot tell which number went where)."""
    found: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for line in markdown.splitlines():
        m = _HEADING_PARTS.match(line)
        if not m:
            continue
        key = without_numbers(line)
        number = ("clause", m.group(1)) if m.group(1) else ("schedule", m.group(2))
        if key in seen:
            found.pop(key, None)
        else:
            found[key] = number
        seen.add(key)
    return found


def _sections(markdown: str, shown: dict[str, str] | None = None,
              line_as: Callable[[str], str] = lambda line: line) -> dict[str, str]:
    """Markdown split at its headings (keyed by their blanked text), for naming what a diff touches;
    `line_as` puts the lines in comparable form, `shown` collects each heading's printed form."""
    parts: dict[str, str] = {}
    heading = "(before the first heading)"
    for line in markdown.splitlines():
        if line.startswith("#"):
            heading = without_numbers(line)
            if shown is not None:
                shown[heading] = line.lstrip("#").strip()
            parts.setdefault(heading, "")
        else:
            parts[heading] = parts.get(heading, "") + line_as(line) + "\n"
    return parts


def changed_parts(old: str, new: str) -> list[tuple[str, str]]:
    """The headings under which the wording changed, in document order: (printed heading, how),
    how being "changed", "added" (only in the new rendering) or "removed" (only in the old).
    Numbers moved by renumbering do not count as a change; a cross-reference that now points
    at another clause does."""
    moved = Renumbering.between(old, new)
    shown_old: dict[str, str] = {}
    shown_new: dict[str, str] = {}
    before = _sections(old, shown_old, moved.apply)
    after = _sections(new, shown_new)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, list(before), list(after), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = [h for h in list(before)[i1:i2] if h not in after]
        if tag == "equal":
            pairs = list(before)[i1:i2]
            out += [(shown_new.get(h, h), "changed") for h in pairs if before[h] != after[h]]
            continue
        out += [(shown_old.get(h, h), "removed") for h in removed]
        for h in list(after)[j1:j2]:
            if h not in before:
                out.append((shown_new.get(h, h), "added"))
            elif before[h] != after[h]:
                out.append((shown_new.get(h, h), "changed"))
    return out


def wording_diff(old: str, new: str, old_name: str, new_name: str) -> tuple[str, int]:
    """A unified diff of the lines whose words changed, and the count of lines that differ only in
    their clause numbers, which are left out: renumbering is summarised, not shown line by line.

    A line counts as renumbered only when moving each of its numbers to the new number of the same
    heading gives exactly the new line: a cross-reference retargeted to another clause is shown."""
    a, b = old.splitlines(), new.splitlines()
    moved = Renumbering.between(old, new)
    matcher = difflib.SequenceMatcher(None, [moved.apply(x) for x in a], b, autojunk=False)
    renumbered = sum(1 for tag, i1, i2, j1, _ in matcher.get_opcodes() if tag == "equal"
                     for k in range(i2 - i1) if a[i1 + k] != b[j1 + k])
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(3):
        if all(tag == "equal" for tag, *_ in group):
            continue
        if not out:
            out += [f"--- {old_name}\n", f"+++ {new_name}\n"]
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out += [f" {line}\n" for line in b[y1:y2]]
                continue
            out += [f"-{line}\n" for line in a[x1:x2]]
            out += [f"+{line}\n" for line in b[y1:y2]]
    return "".join(out), renumbered


def _named(heading: str, how: str, ids: dict[str, str]) -> str:
    """`8.2 Regular reviews (review.cadence)`, `2.1 An early word (purpose.early, added)`, `9.4 Old (removed)`:
    a removed heading's number is the approved rendering's, so the current ids cannot name it."""
    notes = [ids[heading]] if how != "removed" and heading in ids else []
    notes += [how] if how != "changed" else []
    return f"{heading} ({', '.join(notes)})" if notes else heading


def run_scenario(answers_path: Path, layers: list[Path], *, update: bool = False) -> ScenarioResult:
    """Render one scenario and compare it with its approved rendering and expectations."""
    from ..assembly import assemble
    from ..layered import load_in_layers
    from ..render import render_bytes
    from ..yamlfile import parse_yaml, read_text

    name = answers_path.stem
    expected_path = answers_path.with_suffix(".md")
    result = ScenarioResult(name, answers_path, True)
    try:
        # A layer's own scenarios carry the layer, wherever its copy is on this machine.
        answers, house, _ = load_in_layers(answers_path, layers or None, also=[answers_path.parent.parent])
        library = house.library
    except AgreementkitError as exc:
        result.passed = False
        result.unreadable = True
        result.problems.append(f"cannot be read: {exc}")
        return result
    try:
        document = assemble(answers, library)
        rendered = render_bytes(document, "md").decode("utf-8")
    except AgreementkitError as exc:
        result.passed = False
        result.problems.append(f"does not render: {exc}")
        return result
    titles = {f"{c.number} {c.title}".strip(): c.id for s in document.sections for c in s.clauses}
    if update:
        if not expected_path.exists() or expected_path.read_text(encoding="utf-8") != rendered:
            atomic_write(expected_path, rendered.encode("utf-8"))
            result.updated = True
    elif not expected_path.exists():
        result.passed = False
        result.problems.append(f"no approved rendering {expected_path.name}; review the output and run with --update")
    else:
        expected = expected_path.read_text(encoding="utf-8")
        if expected != rendered:
            result.passed = False
            changed = changed_parts(expected, rendered)
            named = [_named(heading, how, titles) for heading, how in changed]
            result.diff, renumbered = wording_diff(expected, rendered, f"{expected_path.name} (approved)",
                                                   f"{expected_path.name} (rendered now)")
            if named:
                result.problems.append("the wording differs in: " + "; ".join(named))
            if renumbered:
                result.problems.append(f"{renumbered} line{'s differ' if renumbered != 1 else ' differs'} only in clause "
                                       "or schedule numbers (renumbering; not shown in the diff)")
    expect_path = answers_path.with_name(f"{name}.expect.yaml")
    if expect_path.exists():
        data = parse_yaml(read_text(expect_path, "expectations"), str(expect_path)).data or {}
        if not isinstance(data, dict) or set(data) - {"findings", "present", "absent"}:
            raise ClauseLibraryError(str(expect_path), [Problem("", "expected a mapping with findings:, present: and absent:")])
        ids = {c.id for s in document.sections for c in s.clauses}
        if "findings" in data:
            found = sorted({f.rule for f in house.check(answers).active()})
            if sorted(set(data["findings"] or [])) != found:
                result.passed = False
                result.problems.append(f"health-check findings are {found or 'none'}, expected {sorted(set(data['findings'] or [])) or 'none'}")
        for clause_id in data.get("present") or []:
            if clause_id not in ids:
                result.passed = False
                result.problems.append(f"clause {clause_id} is absent but expected present")
        for clause_id in data.get("absent") or []:
            if clause_id in ids:
                result.passed = False
                result.problems.append(f"clause {clause_id} is present but expected absent")
    return result


def run_rule_examples(layers: list[Path]) -> list[ScenarioResult]:
    """The examples of the health-check rules the layers add or change, and of the built-in rules about
    the clauses they replace (every built-in rule without layers): one result per rule."""
    from ..checks.examples import examined, run_examples
    from ..layered import layers_of
    from ..resources import builtin_clauses

    house = layers_of(layers)
    builtin = builtin_clauses()
    replaced = {c.meta.id for c in house.library.clauses.values() if not c.source.is_relative_to(builtin)}
    results: dict[str, ScenarioResult] = {}
    for example in run_examples(house.rules, house.interview, examined(house.rules, replaced)):
        result = results.setdefault(example.rule, ScenarioResult(f"rule {example.rule}", Path(example.file), True))
        if not example.passed:
            result.passed = False
            result.problems.append(f"{example.kind} example {example.index + 1} (line {example.line}): {example.message}")
    return list(results.values())


__all__ = ["ScenarioResult", "find_scenarios", "run_scenario", "run_rule_examples", "TESTS_DIR"]
