"""`agreementkit new`: the guided questionnaire, from nothing to a finished MOU.

The flow is: ask every section (replaying what the draft already holds),
show a review of all answers with the health check's findings, let the person
edit any section, and only on acceptance write the answers file and the
documents. Every answer is saved to the draft the moment it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import AnswersError
from .asking import Asker
from .draft import Draft
from .sections import ORDER, QUICK_DEFAULTS_STATED, TITLES, Sections
from .ui import Option, Terminal

__all__ = ["Draft", "Terminal", "NewResult", "run_new", "resume_command"]

ACCEPT = "accept"
QUIT = "quit"


@dataclass
class NewResult:
    answers_path: Path
    documents: list[Path]


def resume_command(draft: Path) -> str:
    return f"agreementkit new --resume {draft}"


def _stem(data: dict[str, Any]) -> str:
    names = [p.get("short_name") or p.get("name", "") for p in data.get("parties", [])][:3]
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", n.lower().removeprefix("the ")).strip("-") for n in names)
    return (slug or "partnership") + "-mou"


def _summary(ui: Terminal, data: dict[str, Any], quick: bool) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from .review import section_lines

    for name in ORDER:
        rows = section_lines(name, data)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for label, value in rows:
            table.add_row(label, value)
        ui.show(Panel(table, title=TITLES[name], title_align="left", border_style="blue"))
    if quick:
        ui.say("Quick mode filled in these defaults (edit a section to change them):", style="bold")
        for line in QUICK_DEFAULTS_STATED:
            ui.say(f"  - {line}")


def _findings(ui: Terminal, data: dict[str, Any]) -> dict[str, int]:
    """Show the health check's findings; count them per questionnaire section."""
    from ..answers import validate_answers
    from ..checks import check_answers

    per_section: dict[str, int] = {}
    try:
        answers = validate_answers(data, check_references=False)
    except AnswersError as exc:
        ui.error("These answers cannot be used yet:")
        for problem in exc.problems:
            ui.error(f"  - {problem.path}: {problem.message}")
            section = _section_of(problem.path)
            per_section[section] = per_section.get(section, 0) + 1
        return per_section
    report = check_answers(answers)
    styles = {"error": "bold red", "warning": "yellow", "advice": "cyan"}
    for finding in report.active():
        ui.say(f"{finding.severity.value}: {finding.finding} {finding.suggestion} [{finding.path}]", style=styles[finding.severity.value])
        section = RULE_SECTION.get(finding.rule) or _section_of(finding.path)
        per_section[section] = per_section.get(section, 0) + 1
    ui.say(report.verdict, style="bold")
    return per_section


# Where a finding is fixed, when that is not the section its path names.
RULE_SECTION = {"party-idle": "responsibilities", "cross-border-language": "agreement"}


def _section_of(path: str) -> str:
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    return "resources" if top == "costs" else top if top in TITLES else "agreement"


def _review_options(per_section: dict[str, int]) -> list[Option]:
    options = [Option(ACCEPT, "Accept and write the answers file and documents")]
    for name in ORDER:
        count = per_section.get(name, 0)
        options.append(Option(name, f"Edit: {TITLES[name]}", f"{count} point{'s' if count != 1 else ''} raised" if count else ""))
    options.append(Option(QUIT, "Save the draft and stop here"))
    return options


def run_new(ui: Terminal, draft: Draft, *, today: date | None = None) -> NewResult | None:
    """Run the questionnaire to the end, writing into the draft's output folder
    and formats. Returns None when the person chose to stop.

    KeyboardInterrupt and EOFError (Ctrl-C, Ctrl-D) propagate: the draft already
    holds every answer given, and the caller tells the person how to resume.
    """
    ask = Asker(ui, draft)
    sections = Sections(ask, draft.quick, draft.defaults, today)
    mode = "quick" if draft.quick else "full"
    ui.say(f"agreementkit: a new partnership MOU ({mode} questionnaire).", style="bold")
    ui.say(f"Your answers are saved as you go to {draft.path}; Ctrl-C stops and keeps them.", style="dim")
    for name in ORDER:
        sections.run(name)
    while True:
        data = sections.answers_data()
        ui.heading("Review", "Check every answer; edit any section, or accept to write the files.")
        _summary(ui, data, draft.quick)
        per_section = _findings(ui, data)
        choice = ui.select("What next?", _review_options(per_section), ACCEPT)
        if choice == QUIT:
            return None
        if choice != ACCEPT:
            sections.forget(choice)
            sections.defaults = data
            sections.run(choice, ask=True)
            continue
        result = _write(ui, data, Path(draft.output), draft.formats)
        if result is not None:
            draft.path.unlink(missing_ok=True)
            return result


def _write(ui: Terminal, data: dict[str, Any], output: Path, formats: list[str]) -> NewResult | None:
    """Validate, then write the answers file and the documents; None sends the person back to the review."""
    from ..answers import answers_to_yaml, validate_answers
    from ..render import atomic_write, plan_outputs, write_outputs

    try:
        answers = validate_answers(data)
    except AnswersError as exc:
        ui.error("Some answers still need fixing before anything is written:")
        for problem in exc.problems:
            ui.error(f"  - {problem.path}: {problem.message}")
        return None
    from ..checks import check_answers

    if check_answers(answers).errors:
        ui.error("The health check found errors; edit the sections concerned.")
        return None
    stem = _stem(data)
    while True:
        answers_path = output / f"{stem}.yaml"
        outputs = plan_outputs(output, stem, formats)
        existing = [p for p in [answers_path, *(o.path for o in outputs)] if p.exists()]
        if not existing or ui.confirm(f"{', '.join(map(str, existing))} already exist{'s' if len(existing) == 1 else ''}. Replace?", False):
            break
        stem = ui.text("File name for the answers and documents (without extension)", stem + "-2",
                       lambda v: True if re.fullmatch(r"[\w.-]+", v.strip()) else "letters, digits, dots, - and _ only").strip()
    from ..assembly import assemble

    document = assemble(answers)
    with ui.console.status("Writing the documents") as status:
        documents = write_outputs(document, outputs, force=True, progress=lambda m: status.update(m + "…"))
    atomic_write(answers_path, answers_to_yaml(answers).encode("utf-8"))
    ui.say(f"wrote {answers_path}", style="green")
    for path in documents:
        ui.say(f"wrote {path}", style="green")
    ui.say(f"Re-render after editing the answers with: agreementkit render {answers_path} -o {output} --force", style="dim")
    return NewResult(answers_path, documents)
