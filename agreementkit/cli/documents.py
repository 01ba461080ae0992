"""Commands that make documents from answers files: render, compare, and the health check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (
    DOCUMENTS,
    FormatsOption,
    LibraryOption,
    TemplatesOption,
    WithoutRecordedOption,
    app,
    fail,
    make_console,
    notices,
    print_findings,
    show_report,
)


@app.command(rich_help_panel=DOCUMENTS)
def render(
    answers: Annotated[list[Path], typer.Argument(help="Answers files (YAML), or folders of them.", show_default=False)],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="A file (its extension picks the format: .docx .pdf .html .md .ics) or a folder. "
                                            "With several answers files, a folder."),
    ] = Path("."),
    formats: FormatsOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace output files that already exist.")] = False,
    advisor: Annotated[
        bool, typer.Option("--advisor", help="Add an annex 'Drafting notes' with the health check's warnings and advice, for the advisor's copy.")
    ] = False,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", min=1, help="Worker processes for several answers files (default: the number of cores).",
                     show_default=False),
    ] = None,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    without_recorded: WithoutRecordedOption = False,
    date: Annotated[Optional[str], typer.Option("--date", help="The calendar's timestamp (DTSTAMP) for --format ics: "
                                                "YYYY-MM-DD or a date and time in UTC; default: SOURCE_DATE_EPOCH when set, "
                                                "else the effective date.", show_default=False)] = None,
) -> None:
    """Render answers files into memoranda.

    Examples:

      agreementkit render answers.yaml -o mou.docx

      agreementkit render answers.yaml -o out/ --format docx,pdf,md

      agreementkit render clients/ -o out/ --jobs 2

    Existing files are kept unless --force is given; a failed render writes nothing.
    The health check runs first: errors stop the render (exit 1), warnings are shown.
    Several files (or a folder of *.yaml) render in worker processes with a progress
    bar; one bad file never stops the others, and the exit code is the worst of them
    (2 if any was refused).
    """
    from ..errors import AgreementkitError, UserError

    try:
        from ..batch import expand_inputs
        from ..dates import change_moment

        inputs = expand_inputs(answers)
        try:
            stamp = change_moment(date) if date else ""
        except ValueError as exc:
            raise UserError(f"--date: {exc}") from None
    except AgreementkitError as exc:
        raise fail(exc) from None
    if len(inputs) == 1 and not answers[0].is_dir():
        _render_single(inputs[0], output, formats, force, advisor, library, templates, without_recorded, stamp)
    else:
        _render_batch(inputs, output, formats, force, advisor, jobs, library, templates, without_recorded, stamp)


def _render_single(answers: Path, output: Path, formats: str | None, force: bool, advisor: bool,
                   library: list[Path] | None, templates: Path | None, without_recorded: bool, stamp: str = "") -> None:
    """One file, as render has always done it: the findings in full and the files written."""
    from ..errors import AgreementkitError
    from ..render import check_writable, parse_formats, plan_outputs, write_outputs

    console = make_console()
    try:
        chosen = parse_formats(formats) if formats else None
        outputs = plan_outputs(output, answers.stem, chosen)
        check_writable(outputs, force)
        from ..assembly import assemble
        from ..layered import load_in_layers

        loaded, house, warnings = load_in_layers(answers, library, without_recorded=without_recorded)
        notices(warnings)
        report = house.check(loaded, str(answers))
        if report.errors:
            print_findings(report, console, severities=("error",))
            raise typer.Exit(1)
        print_findings(report, console, severities=("warning",), brief=True)
        clause_library = house.library
        notices(clause_library.notices)
        document = assemble(loaded, clause_library)
        if stamp:
            from dataclasses import replace

            document = replace(document, timeline=replace(document.timeline, stamp=stamp))
        if advisor:
            from ..checks.notes import with_drafting_notes

            document = with_drafting_notes(document, report)
        with console.status("Rendering", spinner="dots") as status:
            written = write_outputs(
                document,
                outputs,
                force=force,
                templates=templates,
                progress=lambda message: status.update(message + "…"),
            )
    except AgreementkitError as exc:
        raise fail(exc) from None
    for path in written:
        typer.echo(f"wrote {path}")


def _render_batch(inputs: list[Path], output: Path, formats: str | None, force: bool, advisor: bool, jobs: int | None,
                  library: list[Path] | None, templates: Path | None, without_recorded: bool, stamp: str = "") -> None:
    """Many files: a progress bar, a line per file, a summary; the worst file sets the exit code."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    from ..batch import Result, overall_exit_code, plan_jobs, render_many
    from ..errors import AgreementkitError, UserError
    from ..render import DEFAULT_FORMATS, FORMATS, parse_formats

    console = make_console()
    try:
        if output.suffix.lower().lstrip(".") in FORMATS and not output.is_dir():
            raise UserError(f"-o {output} names one file, but {len(inputs)} answers files are given; give a folder with -o")
        chosen = tuple(parse_formats(formats) if formats else DEFAULT_FORMATS)
        planned = plan_jobs(inputs, output, chosen, force=force, advisor=advisor,
                            library=tuple(library or ()), templates=templates, without_recorded=without_recorded,
                            stamp=stamp)
    except AgreementkitError as exc:
        raise fail(exc) from None
    results: list[Result] = []
    with Progress(TextColumn("[bold]Rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task("starting workers…", total=len(planned))
        for result in render_many(planned, jobs, on_start=lambda n: progress.update(
                task, description=f"{n} worker{'s' if n > 1 else ''}")):
            results.append(result)
            progress.advance(task)
            line = {"rendered": ("✓", "green"), "blocked": ("!", "yellow"), "refused": ("✗", "red"), "failed": ("✗", "red")}
            mark, style = line[result.status]
            detail = (", ".join(str(p) for p in result.written) if result.status == "rendered" else result.message)
            notes = f" ({len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''})" if result.warnings else ""
            named = detail if detail.startswith(f"{result.answers}:") else f"{result.answers}: {detail}"
            progress.console.print(Text(f"{mark} ", style=style) + Text(named + notes))
    order = {path: index for index, path in enumerate(inputs)}
    results.sort(key=lambda r: order[r.answers])
    counts = {status: sum(r.status == status for r in results) for status in ("rendered", "blocked", "refused", "failed")}
    warned = sum(bool(r.warnings) for r in results if r.status == "rendered")
    summary = (f"Rendered {counts['rendered']} of {len(results)} agreements"
               + (f" ({warned} with warnings: run check on them)" if warned else "")
               + (f"; {counts['blocked']} stopped by health-check errors" if counts["blocked"] else "")
               + (f"; {counts['refused']} refused" if counts["refused"] else "")
               + (f"; {counts['failed']} failed with an internal error" if counts["failed"] else "") + ".")
    console.print(summary, style="bold")
    for result in results:
        if result.status != "rendered":
            named = result.message if result.message.startswith(f"{result.answers}:") else f"{result.answers}: {result.message}"
            console.print(Text(f"  {result.status}: {named}"))
    code = overall_exit_code(results)
    if code:
        raise typer.Exit(code)


@app.command(rich_help_panel=DOCUMENTS)
def compare(
    old: Annotated[Path, typer.Argument(help="The earlier answers file.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later answers file (the same file again to compare two library versions).",
                                        show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="A file (.docx .pdf .html .md, or .ics for the calendar of "
                                         "changes) or a folder for the redline.")],
    formats: Annotated[Optional[str], typer.Option("--format", "-f", help="Redlines to write into the -o folder, comma-separated: "
                                                   "docx,pdf,html,md,ics. (default: docx,pdf)", show_default=False)] = None,
    library: LibraryOption = None,
    old_library: Annotated[Optional[list[Path]], typer.Option("--old-library", help="A library layer for the earlier draft "
                                                              "only (repeatable); default: the --library layers.", show_default=False)] = None,
    new_library: Annotated[Optional[list[Path]], typer.Option("--new-library", help="A library layer for the later draft only "
                                                              "(repeatable); default: the --library layers.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace output files that already exist.")] = False,
    templates: TemplatesOption = None,
    author: Annotated[str, typer.Option("--author", help="Who the tracked changes are by, as Word shows it.")] = "agreementkit",
    date: Annotated[Optional[str], typer.Option("--date", help="When the changes were made (YYYY-MM-DD, or a date and time in "
                                                "UTC); default: SOURCE_DATE_EPOCH when set, else today.",
                                                show_default=False)] = None,
    without_recorded: WithoutRecordedOption = False,
) -> None:
    """Write a redline between two drafts: what changed, clause by clause.

    Examples:

      agreementkit compare v1.yaml v2.yaml -o redline.docx

      agreementkit compare v1.yaml v2.yaml -o out/ --format docx,pdf,html

      agreementkit compare deal.yaml deal.yaml --old-library house-v1/ --new-library house-v2/ -o out/

      agreementkit compare v1.yaml v2.yaml -o changes.ics

    The DOCX has Word's tracked changes (accept or reject each in Word, then update
    fields); the PDF and HTML show insertions underlined in blue and deletions struck
    through in red. A summary of the clauses changed, added and removed, and of those
    only renumbered, is printed and kept outside both drafts (a comment on the DOCX's
    title, a page before the PDF's). Clauses are matched by id, so a clause that only
    moved number is not shown as changed. The .ics brings a calendar that imported the
    old draft's dates to the new draft's: moved and new events, and cancelled ones.
    """
    from ..compare import REDLINE_FORMATS, compare_answers
    from ..errors import AgreementkitError, UserError
    from ..render import check_writable, plan_outputs, write_outputs

    console = make_console()
    try:
        chosen = [f.strip().lower() for f in formats.split(",") if f.strip()] if formats is not None else None
        unknown = [f for f in chosen or [] if f not in REDLINE_FORMATS]
        if unknown or chosen == []:
            raise UserError(f"unknown redline format {', '.join(unknown) or '(none)'}: choose from {', '.join(REDLINE_FORMATS)}")
        suffix = output.suffix.lower().lstrip(".")
        if suffix and not output.is_dir() and suffix not in REDLINE_FORMATS:
            raise UserError(f"-o {output}: a redline is written as .docx, .pdf, .html or .md (or .ics for the calendar "
                            "of changes), or into a folder")
        outputs = plan_outputs(output, f"{new.stem}-redline", chosen)
        check_writable(outputs, force)
        from ..dates import change_moment

        try:
            moment = change_moment(date)
        except ValueError as exc:
            raise UserError(f"--date: {exc}") from None
        with console.status("Comparing", spinner="dots") as status:
            redline = compare_answers(old, new, old_library=old_library if old_library is not None else library,
                                      new_library=new_library if new_library is not None else library,
                                      author=author, date=moment, without_recorded=without_recorded)
            notices(redline.notes)
            # Drafts with the same dates have no calendar changes; asked for beside other redlines,
            # the .ics is left out with a note instead of costing the others (alone, it is refused).
            skipped = [o for o in outputs if o.fmt == "ics" and not redline.document.timeline.events] if len(outputs) > 1 else []
            outputs = [o for o in outputs if o not in skipped]
            written = write_outputs(redline.document, outputs, force=force, templates=templates,
                                    progress=lambda message: status.update(message + "…"))
    except AgreementkitError as exc:
        raise fail(exc) from None
    for line in redline.summary.lines():
        typer.echo(line)
    for path in written:
        typer.echo(f"wrote {path}")
    for skip in skipped:
        typer.echo(f"not written: {skip.path} (the two drafts give the same dates: there are no calendar changes)")


@app.command(rich_help_panel=DOCUMENTS)
def check(
    answers: Annotated[Path, typer.Argument(help="The answers file (YAML).", show_default=False)],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table for people, json for tools.", case_sensitive=False)
    ] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too, not only on errors.")] = False,
    library: LibraryOption = None,
    without_recorded: WithoutRecordedOption = False,
) -> None:
    """Review the partnership's design as an advisor would.

    Checks measurable objectives, an owner for every objective, no idle party,
    named managers, decision rules that cannot deadlock, a dispute ladder with
    deadlines, reviews before deadlines, exit triggers tied to KPIs, partner
    autonomy, and cross-sector and cross-border points.

    Exit 0 with no errors, 1 with errors (with --strict, also with warnings),
    2 when the file cannot be read. Silence a rule for one agreement with
    `check: {ignore: [rule-id]}` in the answers file.

    Examples:

      agreementkit check answers.yaml

      agreementkit check answers.yaml --format json --strict
    """
    from rich.markup import escape

    from ..errors import AgreementkitError, UserError
    from ..layered import load_in_layers

    try:
        if output_format.lower() not in ("table", "json"):
            raise UserError(f"unknown --format '{output_format}': choose table or json")
        loaded, house, warnings = load_in_layers(answers, library, without_recorded=without_recorded, check_references=False)
        report = house.check(loaded, str(answers)).model_copy(update={"notes": warnings})
        if not report.errors:
            from ..assembly import assemble
            from ..assembly.placeholders import find_placeholders
            from ..checks import ToComplete

            placeholders = find_placeholders(assemble(loaded, house.library))
            report = report.model_copy(update={"to_complete": [ToComplete(placeholder=p.text, where=p.where, context=p.context)
                                                               for p in placeholders]})
    except AgreementkitError as exc:
        raise fail(exc) from None
    notices(warnings)
    console = show_report(report, output_format)
    if console is not None and report.to_complete:
        console.print("To complete before signing (not findings):", style="bold")
        for item in report.to_complete:
            console.print(escape(f"  {item.placeholder} in {item.where}: {item.context}"))
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)
