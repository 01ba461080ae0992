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
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AgreementkitError, ClauseLibraryError, Problem
from .render import atomic_write

TESTS_DIR = "tests"


@dataclass
class ScenarioResult:
    name: str
    answers: Path
    passed: bool
    problems: list[str] = field(default_factory=list)
    diff: str = ""
    updated: bool = False


def find_scenarios(layers: list[Path]) -> list[Path]:
    """The answers files of the scenarios: every layer's tests/*.yaml, or the built-in ones with no layer."""
    from .resources import builtin_clauses

    folders = [Path(p) / TESTS_DIR for p in layers] if layers else [builtin_clauses() / TESTS_DIR]
    found = [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.yaml"))
             if not p.name.endswith(".expect.yaml")]
    if not found:
        where = ", ".join(str(f) for f in folders)
        raise ClauseLibraryError(where, [Problem("", "no scenarios: add NAME.yaml answers files (and run with --update "
                                                     "to write their expected renderings)")])
    return found


def _sections(markdown: str) -> dict[str, str]:
    """Markdown split at its headings, for naming what a diff touches."""
    parts: dict[str, str] = {}
    heading = "(before the first heading)"
    for line in markdown.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            parts.setdefault(heading, "")
        else:
            parts[heading] = parts.get(heading, "") + line + "\n"
    return parts


def run_scenario(answers_path: Path, layers: list[Path], *, update: bool = False) -> ScenarioResult:
    """Render one scenario and compare it with its approved rendering and expectations."""
    from .answers import load_answers
    from .assembly import assemble, default_library
    from .checks import check_answers
    from .interview.spec import load_interview
    from .library import load_library
    from .render import render_bytes
    from .yamlfile import parse_yaml, read_text

    name = answers_path.stem
    expected_path = answers_path.with_suffix(".md")
    result = ScenarioResult(name, answers_path, True)
    try:
        answers = load_answers(answers_path, interview=load_interview(layers or None))
        document = assemble(answers, load_library(layers) if layers else default_library())
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
            old, new = _sections(expected), _sections(rendered)
            changed = [h for h in dict.fromkeys([*old, *new]) if old.get(h) != new.get(h)]
            named = [f"{h} ({titles[h]})" if h in titles else h for h in changed]
            result.problems.append("the rendering differs in: " + "; ".join(named))
            result.diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), rendered.splitlines(keepends=True),
                                                       fromfile=f"{expected_path.name} (approved)",
                                                       tofile=f"{expected_path.name} (rendered now)"))
    expect_path = answers_path.with_name(f"{name}.expect.yaml")
    if expect_path.exists():
        data = parse_yaml(read_text(expect_path, "expectations"), str(expect_path)).data or {}
        if not isinstance(data, dict) or set(data) - {"findings", "present", "absent"}:
            raise ClauseLibraryError(str(expect_path), [Problem("", "expected a mapping with findings:, present: and absent:")])
        ids = {c.id for s in document.sections for c in s.clauses}
        if "findings" in data:
            found = sorted({f.rule for f in check_answers(answers).active()})
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


__all__ = ["ScenarioResult", "find_scenarios", "run_scenario", "TESTS_DIR"]
