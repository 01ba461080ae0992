"""`agreementkit review new` in the terminal: the review's generated questions, a summary, the file.

The same flow as `new`: the engine walks the questions (replaying what the
draft holds), then a summary shows every answer page by page with anything
the review file could not hold; edit any page or accept, and only then is the
review file written and the draft removed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import InvalidInputError
from ..interview.engine import Choice, InterviewRun
from ..interview.review import page_rows
from ..reviews.interview import PreparedReview
from .ui import Terminal

ACCEPT = "accept"
QUIT = "quit"


def _summary(ui: Terminal, run: InterviewRun) -> None:
    from rich.panel import Panel
    from rich.table import Table

    for page in run.interview.pages:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        rows = [(name, shown) for name, shown in page_rows(run, page) if shown not in ("—", "none")]
        for name, shown in rows or [("", "nothing reported")]:
            table.add_row(name, shown)
        ui.show(Panel(table, title=page.title, title_align="left", border_style="blue"))


def run_review_new(ui: Terminal, prepared: PreparedReview, *, today: date | None = None) -> Path | None:
    """Ask for the review, show the summary and write the review file on acceptance; None when the
    person chose to stop (the draft keeps every answer). Ctrl-C and Ctrl-D propagate, as in `new`."""
    run = InterviewRun(prepared.interview, prepared.draft, ui, today=today)
    scheduled = prepared.scheduled
    ui.say(f"agreementkit: review {scheduled.number} of the {prepared.answers.agreement.title} "
           f"({len(prepared.interview.pages)} sections).", style="bold")
    ui.say(f"Your answers are saved as you go to {prepared.draft.path}; Ctrl-C stops and keeps them.", style="dim")
    while True:
        data = run.run()
        ui.heading("Summary", f"Check every answer; edit any section, or accept to write {prepared.path}.")
        _summary(ui, run)
        problems = prepared.problems(data)
        for problem in problems:
            ui.error(f"  ✗ {problem}")
        options = [] if problems else [Choice(ACCEPT, f"Accept and write {prepared.path}")]
        options += [Choice(page.id, f"Edit: {page.title}") for page in prepared.interview.pages]
        options.append(Choice(QUIT, "Save the draft and stop here"))
        choice = ui.select("What next?", options, options[0].value)
        if choice == QUIT:
            return None
        if choice != ACCEPT:
            run.redo_page(choice)
            continue
        try:
            path = prepared.write(data)
        except InvalidInputError as exc:  # the folder changed meanwhile
            ui.error(str(exc))
            continue
        ui.say(f"wrote {path}", style="green")
        ui.say(f"Removed the draft {prepared.draft.path}: the review file now holds every answer.", style="dim")
        ui.say(f"Next: agreementkit review check {prepared.folder}  and  agreementkit review render {prepared.folder} -o pack.pdf",
               style="dim")
        return path
