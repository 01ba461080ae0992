"""`agreementkit new`: the guided questionnaire, from nothing to a finished MOU.

The flow is: walk the interview spec (replaying what the draft already
holds), show a review of all answers with the health check's findings, let
the person edit any page, and only on acceptance write the answers file and
the documents. Every answer is saved to the draft the moment it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import AgreementkitError, AnswersError
from ..interview.draft import Draft
from ..interview.engine import Choice, GoBack, InterviewRun
from ..interview.finish import (
    ANSWERS,
    HealthCheckErrors,
    extra_validator,
    finish,
    with_kept,
)
from ..interview.review import page_of
from ..questions.spec import Interview, load_interview
from .ui import REST_KEY, Terminal

__all__ = ["Draft", "Terminal", "NewResult", "run_new", "resume_command"]

ACCEPT = "accept"
QUIT = "quit"


@dataclass
class NewResult:
    answers_path: Path
    documents: list[Path]


def resume_command(draft: Path) -> str:
    return f"agreementkit new --resume {draft}"


def _summary(ui: Terminal, run: InterviewRun) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from ..interview.review import page_rows

    for page in run.interview.pages:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for label, value in page_rows(run, page) or [("", "nothing given")]:
            table.add_row(label, value)
        ui.show(Panel(table, title=page.title, title_align="left", border_style="blue"))
    titles = {page.id: page.title for page in run.interview.pages}
    for items, heading in ((run.defaulted, "Quick mode filled in these answers without asking (edit a section to change them):"),
                           (run.accepted, f"Accepted as proposed with the rest of their section ({REST_KEY}; edit a section to change them):")):
        if not items:
            continue
        ui.say(heading, style="bold")
        by_page: dict[str, list[str]] = {}
        for item in items:
            by_page.setdefault(item.page, []).append(f"{item.label}: {item.value}")
        stated = Table.grid(padding=(0, 2))
        stated.add_column(style="dim", no_wrap=True)
        stated.add_column()
        for page_id, listed in by_page.items():
            stated.add_row(titles[page_id], "; ".join(listed))
        ui.show(stated)


def _findings(ui: Terminal, run: InterviewRun, data: dict[str, Any]) -> dict[str, int]:
    """Show the health check's findings; count them per interview page."""
    from ..answers import validate_answers
    from ..checks import check_answers, load_rules

    per_page: dict[str, int] = {}
    try:
        answers = validate_answers(data, check_references=False, interview=run.interview)
    except AnswersError as exc:
        ui.error("These answers cannot be used yet:")
        for problem in exc.problems:
            ui.error(f"  - {problem.path}: {problem.message}")
            page = page_of(run.interview, None, problem.path)
            per_page[page] = per_page.get(page, 0) + 1
        return per_page
    report = check_answers(answers, rules=load_rules(run.interview.layers), interview=run.interview)
    styles = {"error": "bold red", "warning": "yellow", "advice": "cyan"}
    for finding in report.active():
        said = finding.said()  # the interview's words: questions as it asks them, never answers-file paths
        ui.say(f"{finding.severity.value}: {said.finding} {said.suggestion}", style=styles[finding.severity.value])
        page = page_of(run.interview, finding.question, finding.path)
        per_page[page] = per_page.get(page, 0) + 1
    ui.say(report.verdict, style="bold")
    if not report.errors:
        from ..assembly import assemble, library_for
        from ..interview.review import to_complete

        try:
            items = to_complete(assemble(answers, library_for(getattr(run.draft, "libraries", None))))
        except AgreementkitError:
            items = []
        if items:
            ui.say("To complete before signing (not findings):", style="bold")
            for item in items:
                ui.say(f"  {item}")
    return per_page


def _review_options(interview: Interview, per_page: dict[str, int]) -> list[Choice]:
    options = [Choice(ACCEPT, "Accept and write the answers file and documents")]
    for page in interview.pages:
        count = per_page.get(page.id, 0)
        options.append(Choice(page.id, f"Edit: {page.title}", f"{count} point{'s' if count != 1 else ''} raised" if count else ""))
    options.append(Choice(QUIT, "Save the draft and stop here"))
    return options


def run_new(ui: Terminal, draft: Draft, *, today: date | None = None, interview: Interview | None = None) -> NewResult | None:
    """Run the interview to the end, writing into the draft's output folder
    and formats. Returns None when the person chose to stop.

    KeyboardInterrupt and EOFError (Ctrl-C, Ctrl-D) propagate: the draft already
    holds every answer given, and the caller tells the person how to resume.
    """
    interview = interview or load_interview(draft.libraries)
    full_pages = set(draft.full_pages)
    run = InterviewRun(interview, draft, ui, quick=draft.quick, revising=draft.defaults, full_pages=full_pages,
                       today=today, extra_validator=extra_validator(interview))
    mode = "quick" if draft.quick else "full"
    pages = len(interview.pages)
    ui.say(f"agreementkit: a new partnership MOU ({mode} interview, {pages} sections).", style="bold")
    ui.say(f"Your answers are saved as you go to {draft.path}; Ctrl-C stops and keeps them.", style="dim")
    while True:
        data = with_kept(run.run(), draft)
        draft.full_pages = sorted(full_pages)
        ui.heading("Review", "Check every answer; edit any section, or accept to write the files.")
        _summary(ui, run)
        per_page = _findings(ui, run, data)
        try:
            choice = ui.select("What next?", _review_options(interview, per_page), ACCEPT, back=True)
        except GoBack:
            run.back()
            continue
        if choice == QUIT:
            return None
        if choice != ACCEPT:
            run.redo_page(choice)
            draft.full_pages = sorted(full_pages)
            continue
        result = _write(ui, data, Path(draft.output), draft.formats, interview)
        if result is not None:
            draft.path.unlink(missing_ok=True)
            ui.say(f"Removed the draft {draft.path}: the answers file now holds every answer.", style="dim")
            return result


def _write(ui: Terminal, data: dict[str, Any], output: Path, formats: list[str], interview: Interview) -> NewResult | None:
    """Validate, then write the answers file and the documents; None sends the person back to the review."""
    from ..assembly import library_for
    from ..render import atomic_write, plan_outputs, write_outputs

    try:
        finished = finish(data, interview, library_for(interview.layers))
    except AnswersError as exc:
        ui.error("Some answers still need fixing before anything is written:")
        for problem in exc.problems:
            ui.error(f"  - {problem.path}: {problem.message}")
        return None
    except HealthCheckErrors:
        ui.error("The health check found errors; edit the sections concerned.")
        return None
    stem = finished.stem
    while True:
        answers_path = output / f"{stem}.yaml"
        outputs = plan_outputs(output, stem, formats)
        existing = [p for p in [answers_path, *(o.path for o in outputs)] if p.exists()]
        if not existing or ui.confirm(f"{', '.join(map(str, existing))} already exist{'s' if len(existing) == 1 else ''}. Replace?", False):
            break
        stem = ui.text("File name for the answers and documents (without extension)", stem + "-2",
                       lambda v: True if re.fullmatch(r"[\w.-]+", v.strip()) else "letters, digits, dots, - and _ only").strip()
    with ui.console.status("Writing the documents") as status:
        documents = write_outputs(finished.document, outputs, force=True, progress=lambda m: status.update(m + "…"))
    atomic_write(answers_path, finished.content(ANSWERS))
    ui.say(f"wrote {answers_path}", style="green")
    for path in documents:
        ui.say(f"wrote {path}", style="green")
    layers = "".join(f" --library {layer}" for layer in interview.layers)
    ui.say(f"Re-render after editing the answers with: agreementkit render {answers_path} -o {output}{layers} --force", style="dim")
    return NewResult(answers_path, documents)
