"""After signing: `agreementkit review start | new | check | render`, the partnership's periodic reviews.

A thin shell over `agreementkit.reviews`: it parses flags, calls the library,
prints and picks exit codes as `check` and `render` do. matplotlib is imported
only inside `review render`, through the pack's charts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (
    LibraryOption,
    TemplatesOption,
    app,
    fail,
    make_console,
    print_findings,
    show_report,
    stopped,
)

AFTER_SIGNING = "After signing"

review_app = typer.Typer(
    help="Review a signed partnership against its MOU: one review file per review in Schedule 4, "
         "checked for what an alliance manager would raise, and laid out as a review pack.\n\n"
         "From the signed answers file to a pack:  review new answers.yaml -o reviews/  then  "
         "review check reviews/  then  review render reviews/ -o pack.pdf",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review", rich_help_panel=AFTER_SIGNING)

FolderArgument = Annotated[Path, typer.Argument(help="The folder of review files (one YAML file per review).", show_default=False)]
AnswersArgument = Annotated[Path, typer.Argument(help="The answers file of the signed MOU.", show_default=False)]
PACK_FORMATS = ("docx", "pdf", "html", "md")


@review_app.command()
def start(
    answers: AnswersArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder of review files (created if needed).")] = Path("reviews"),
    force: Annotated[bool, typer.Option("--force", help="Replace the review file if it already exists.")] = False,
    library: LibraryOption = None,
) -> None:
    """Write the file for the next review, to fill in by hand.

    The next review is the first in Schedule 4 without a file in the folder. The
    file lists every KPI, duty, resource, exit trigger and party of the MOU with
    empty slots, each under a comment naming it in words.

    Example:

      agreementkit review start answers.yaml -o reviews/
    """
    from ..errors import AgreementkitError
    from ..reviews.start import start_review

    try:
        started = start_review(answers, output, library=library, force=force)
    except AgreementkitError as exc:
        raise fail(exc) from None
    from ..dates import long_date

    typer.echo(f"wrote {started.path} (review {started.scheduled.number}, scheduled for {long_date(started.scheduled.date)})")
    typer.echo(f"Fill it in, then: agreementkit review check {output}")


@review_app.command()
def new(
    answers: AnswersArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder of review files (created if needed).")] = Path("reviews"),
    resume: Annotated[Optional[Path], typer.Option("--resume", help="Continue an interrupted review from its draft file.",
                                                   show_default=False)] = None,
    library: LibraryOption = None,
) -> None:
    """Record the next review by answering questions in the terminal.

    The questions are made from the MOU: one per KPI, duty, resource and exit
    trigger, and the feedback statements for each party. Every answer is saved
    at once to a draft (FOLDER/review-draft.yaml), so Ctrl-C loses nothing; the
    review file is written when you accept the summary.

    Examples:

      agreementkit review new answers.yaml -o reviews/

      agreementkit review new answers.yaml -o reviews/ --resume reviews/review-draft.yaml
    """
    from ..errors import AgreementkitError, UserError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise fail(UserError(
            "agreementkit review new asks questions and needs an interactive terminal.\n"
            "To record a review without questions, write its file and check it:\n"
            f"  agreementkit review start {answers} -o {output}"
        ))
    from ..questionnaire import Terminal
    from ..questionnaire.reviews import run_review_new
    from ..reviews.interview import prepare_review, resume_review_command

    ui = Terminal()
    try:
        prepared = prepare_review(answers, output, resume=resume, library=library,
                                  confirm=lambda path: ui.confirm(f"A review draft is at {path}. Continue it? "
                                                                  "(No starts again and replaces it)", True))
        written = run_review_new(ui, prepared)
    except (KeyboardInterrupt, EOFError):
        raise stopped(ui.say, output / "review-draft.yaml", resume_review_command(answers, output)) from None
    except AgreementkitError as exc:
        raise fail(exc) from None
    if written is None:
        ui.say(f"Stopped at the summary. Continue with:  {resume_review_command(answers, output)}", style="bold")


@review_app.command()
def check(
    folder: FolderArgument,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table for people, json for tools.", case_sensitive=False)] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too, not only on errors.")] = False,
    library: LibraryOption = None,
) -> None:
    """Check the reviews so far, as an alliance manager would.

    Raises a KPI off its trajectory at two reviews running, an objective falling
    due before the next review while off track, duties late or blocked, a
    resource more than 20 points behind the time gone, an exit trigger met (an
    error, citing the clause that says what follows), a review held more than 5
    working days late or missing, and partner feedback diverging. Judged as of
    the latest review, so the same files always give the same findings.

    Exit 0 with no errors, 1 with errors (with --strict, also with warnings),
    2 when a file cannot be read or refers to what the MOU does not have.

    Examples:

      agreementkit review check reviews/

      agreementkit review check reviews/ --format json --strict
    """

    from ..errors import AgreementkitError, UserError

    try:
        if output_format.lower() not in ("table", "json"):
            raise UserError(f"unknown --format '{output_format}': choose table or json")
        from ..reviews.assess import assess
        from ..reviews.findings import exit_clause, review_report
        from ..reviews.history import load_history

        assessment = assess(load_history(folder, library))
        report = review_report(assessment, exit_clause(assessment.history, library))
    except AgreementkitError as exc:
        raise fail(exc) from None
    show_report(report, output_format)
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


@review_app.command()
def render(
    folder: FolderArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="A file (.pdf .docx .html .md: the extension picks the format) "
                                                                "or a folder.")] = Path("."),
    formats: Annotated[Optional[str], typer.Option("--format", "-f", help="Packs to write into the -o folder, comma-separated: "
                                                   "docx,pdf,html,md. (default: docx,pdf)", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace output files that already exist.")] = False,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Write the review pack for the latest review.

    A one-page summary (status per objective, triggers met, decisions needed),
    the KPI table with a chart per KPI, duties by party, resources delivered
    against committed, partner feedback over time, the findings, the actions
    and the next review's date and agenda. The same files give the same bytes.

    Examples:

      agreementkit review render reviews/ -o pack.pdf

      agreementkit review render reviews/ -o packs/ --format docx,pdf,html
    """
    from ..errors import AgreementkitError, UserError
    from ..render import check_writable, plan_outputs, write_outputs

    console = make_console()
    try:
        chosen = [f.strip().lower().lstrip(".") for f in formats.split(",") if f.strip()] if formats is not None else None
        unknown = [f for f in chosen or [] if f not in PACK_FORMATS]
        if unknown or chosen == []:
            raise UserError(f"unknown pack format {', '.join(unknown) or '(none)'}: choose from {', '.join(PACK_FORMATS)}")
        suffix = output.suffix.lower().lstrip(".")
        if suffix and not output.is_dir() and suffix not in PACK_FORMATS:
            raise UserError(f"-o {output}: a review pack is written as .pdf, .docx, .html or .md, or into a folder")
        from ..reviews.history import load_history
        from ..reviews.pack import pack_for

        with console.status("Reading the reviews", spinner="dots") as status:
            history = load_history(folder, library)
            outputs = plan_outputs(output, f"review-pack-{history.latest.number}", chosen)
            check_writable(outputs, force)
            status.update("Drawing the charts…")
            pack = pack_for(history, library)
            written = write_outputs(pack.document, outputs, force=force, templates=templates,
                                    progress=lambda message: status.update(message + "…"))
    except AgreementkitError as exc:
        raise fail(exc) from None
    print_findings(pack.report, console, severities=("error", "warning"), brief=True)
    for path in written:
        typer.echo(f"wrote {path}")
