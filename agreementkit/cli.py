"""The command line: a thin shell over the library.

It parses flags, calls the library, prints results and maps errors to exit
codes (0 success, 1 blocking findings, 2 bad input or usage, 70 an internal
error: a bug in agreementkit, reported in one line unless --debug is given). Heavy modules
(pydantic models, writers, WeasyPrint) are imported inside the commands, so
`agreementkit --help` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from .checks import CheckReport

app = typer.Typer(
    name="agreementkit",
    pretty_exceptions_enable=False,
    help=(
        "Draft partnership memoranda of understanding (MOUs) from an answers file and a clause library.\n\n"
        "Start from an example:  agreementkit render examples/cold-chain-pilot.yaml -o out/\n\n"
        "Exit codes: 0 done, 1 blocking findings, 2 bad input or usage, 70 internal error (a bug: --debug shows its traceback)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
clauses_app = typer.Typer(help="Look at the clause library.", no_args_is_help=True)
app.add_typer(clauses_app, name="clauses")
library_app = typer.Typer(help="Start and look after a clause library layer of your own.", no_args_is_help=True)
app.add_typer(library_app, name="library")
questions_app = typer.Typer(help="Look at the interview: the questions `agreementkit new` asks, as the library layers define them.",
                            no_args_is_help=True)
app.add_typer(questions_app, name="questions")


def _console(stderr: bool = True) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped into a file or another tool, tables keep whole words on one line.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


def _notices(notices: list[str]) -> None:
    """Deprecations a library's author should act on, once per command, never fatal."""
    from rich.text import Text

    for notice in notices:
        _console().print(Text("warning: ", style="yellow") + Text(notice))


def _fail(exc: Exception) -> typer.Exit:
    """Show a user error without a traceback and pick its exit code."""
    from rich.text import Text

    from .errors import UserError

    _console().print(Text("error: ", style="bold red") + Text(str(exc)))
    return typer.Exit(exc.exit_code if isinstance(exc, UserError) else 2)


LibraryOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--library",
        "-l",
        help="A library layer (a folder of clauses and questions) applied over the built-in library; repeat for several, the last wins.",
        show_default=False,
    ),
]
FormatsOption = Annotated[
    Optional[str],
    typer.Option("--format", "-f", help="Documents to write into the -o folder, comma-separated: docx,pdf,html,md,ics (ics: the review calendar). (default: docx,pdf)",
                 show_default=False),
]
TemplatesOption = Annotated[
    Optional[Path],
    typer.Option("--templates", help="A house-style folder (document.html.j2, style.css, reference.docx) to use instead of the built-in one.", show_default=False),
]


@app.command()
def new(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the answers file, the documents and the draft.")] = Path("."),
    formats: FormatsOption = None,
    quick: Annotated[bool, typer.Option("--quick", help="Ask only what a sound MOU needs (about 28 questions for two parties); the rest take defaults, stated at the review.")] = False,
    resume: Annotated[
        Optional[Path], typer.Option("--resume", help="Continue an interrupted questionnaire from its draft file.", show_default=False)
    ] = None,
    from_answers: Annotated[
        Optional[Path],
        typer.Option("--from", help="An answers file whose answers become the defaults of every question, to revise it.", show_default=False),
    ] = None,
    draft_path: Annotated[
        Optional[Path], typer.Option("--draft", help="Where to keep the draft. (default: OUTPUT/agreementkit-draft.yaml)", show_default=False)
    ] = None,
    library: LibraryOption = None,
) -> None:
    """Answer a guided questionnaire and get the answers file and the MOU.

    Every section of the partnership is asked in turn; every answer is checked
    as you give it and saved at once to a draft, so Ctrl-C loses nothing. At the
    end a review shows all answers with the health check's findings; edit any
    section or accept, and the answers file and documents are written.

    Examples:

      agreementkit new --quick -o drafts/

      agreementkit new --resume drafts/agreementkit-draft.yaml

      agreementkit new --from examples/cold-chain-pilot.yaml -o revised/

      agreementkit new --library my-clauses/ -o drafts/    (asks the layer's questions too)

    Keys while answering: Ctrl-P goes back to the previous question (later
    answers are kept as defaults), F1 or Ctrl-G shows help on the question.
    """
    from .errors import AgreementkitError, UserError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise _fail(UserError(
            "agreementkit new asks questions and needs an interactive terminal.\n"
            "To make documents without questions, write an answers file (see examples/) and run:\n"
            "  agreementkit render ANSWERS -o OUTPUT"
        ))
    from .interview.spec import load_interview
    from .questionnaire import Draft, Terminal, resume_command, run_new
    from .questionnaire.draft import load_draft
    from .render import DEFAULT_FORMATS, parse_formats

    ui = Terminal()
    layers = [str(p) for p in library or []]
    try:
        if resume and from_answers:
            raise UserError("give either --resume DRAFT or --from ANSWERS, not both")
        path = resume or draft_path or output / "agreementkit-draft.yaml"
        if resume is None and path.exists():
            ui.say(f"A draft from an earlier questionnaire is at {path}.", style="yellow")
            if ui.confirm("Continue it? (No starts again and replaces it)", True):
                resume = path
        if resume is not None:
            draft = load_draft(resume)
            if library is not None and layers != draft.libraries:
                ui.say(f"Using --library {' '.join(layers)} instead of the layers the draft was made with "
                       f"({', '.join(draft.libraries) or 'none'}).", style="yellow")
                draft.libraries = layers
            interview = load_interview(draft.libraries)
        else:
            interview = load_interview(layers)
            defaults = None
            if from_answers:
                from .answers import load_answers

                defaults = load_answers(from_answers, interview=interview).model_dump(mode="json", exclude_none=True)
            chosen = parse_formats(formats) if formats else list(DEFAULT_FORMATS)
            draft = Draft(path, quick=quick, defaults=defaults, output=str(output), formats=chosen, libraries=layers)
            draft.save()
    except (KeyboardInterrupt, EOFError):
        raise typer.Exit(130) from None
    except AgreementkitError as exc:
        raise _fail(exc) from None
    try:
        result = run_new(ui, draft, interview=interview)
    except (KeyboardInterrupt, EOFError):
        ui.say("")
        ui.say(f"Stopped. Every answer so far is saved in {draft.path}.", style="yellow")
        ui.say(f"Continue with:  {resume_command(draft.path)}", style="bold")
        raise typer.Exit(130) from None
    except AgreementkitError as exc:
        raise _fail(exc) from None
    if result is None:
        ui.say(f"Stopped at the review. Continue with:  {resume_command(draft.path)}", style="bold")


@app.command()
def compare(
    old: Annotated[Path, typer.Argument(help="The earlier answers file.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later answers file (the same file again to compare two library versions).",
                                        show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="A file (.docx .pdf .html .md) or a folder for the redline.")],
    formats: Annotated[Optional[str], typer.Option("--format", "-f", help="Redlines to write into the -o folder, comma-separated: "
                                                   "docx,pdf,html,md. (default: docx,pdf)", show_default=False)] = None,
    library: LibraryOption = None,
    old_library: Annotated[Optional[list[Path]], typer.Option("--old-library", help="A library layer for the earlier draft "
                                                              "only (repeatable); default: the --library layers.", show_default=False)] = None,
    new_library: Annotated[Optional[list[Path]], typer.Option("--new-library", help="A library layer for the later draft only "
                                                              "(repeatable); default: the --library layers.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace output files that already exist.")] = False,
    templates: TemplatesOption = None,
) -> None:
    """Write a redline between two drafts: what changed, clause by clause.

    Examples:

      agreementkit compare v1.yaml v2.yaml -o redline.docx

      agreementkit compare v1.yaml v2.yaml -o out/ --format docx,pdf,html

      agreementkit compare deal.yaml deal.yaml --old-library house-v1/ --new-library house-v2/ -o out/

    The DOCX has Word's tracked changes (accept or reject each in Word); the PDF and
    HTML show insertions underlined in blue and deletions struck through in red. A
    summary of the clauses changed, added and removed, and of those only renumbered,
    is printed and placed at the top. Clauses are matched by id, so a clause that only
    moved number is not shown as changed.
    """
    from .compare import REDLINE_FORMATS, compare_answers
    from .errors import AgreementkitError, UserError
    from .render import check_writable, plan_outputs, write_outputs

    console = _console()
    try:
        chosen = [f.strip().lower() for f in formats.split(",") if f.strip()] if formats is not None else None
        unknown = [f for f in chosen or [] if f not in REDLINE_FORMATS]
        if unknown or chosen == []:
            raise UserError(f"unknown redline format {', '.join(unknown) or '(none)'}: choose from {', '.join(REDLINE_FORMATS)}")
        suffix = output.suffix.lower().lstrip(".")
        if suffix and not output.is_dir() and suffix not in REDLINE_FORMATS:
            raise UserError(f"-o {output}: a redline is written as .docx, .pdf, .html or .md, or into a folder")
        outputs = plan_outputs(output, f"{new.stem}-redline", chosen)
        check_writable(outputs, force)
        with console.status("Comparing", spinner="dots") as status:
            redline = compare_answers(old, new, old_library=old_library if old_library is not None else library,
                                      new_library=new_library if new_library is not None else library)
            written = write_outputs(redline.document, outputs, force=force, templates=templates,
                                    progress=lambda message: status.update(message + "…"))
    except AgreementkitError as exc:
        raise _fail(exc) from None
    for line in redline.summary.lines():
        typer.echo(line)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def serve(
    source: Annotated[Optional[Path], typer.Argument(help="A draft to resume, or an answers file to revise. (default: the draft in -o, or a new one)",
                                                     show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the answers file, the documents and the draft.")] = Path("."),
    draft_path: Annotated[
        Optional[Path], typer.Option("--draft", help="Where to keep the draft. (default: OUTPUT/agreementkit-draft.yaml)", show_default=False)
    ] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Start a new draft as the quick interview (the start page offers both).")] = False,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    host: Annotated[str, typer.Option("--host", help="The interface to listen on. Only 127.0.0.1 (this machine) is safe by default; "
                                                     "0.0.0.0 lets a tablet on the same network in, with the token as the only lock.")] = "127.0.0.1",
    port: Annotated[Optional[int], typer.Option("--port", "-p", min=0, max=65535, help="The port. (default: 8765, or the next free one)",
                                                show_default=False)] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the address but do not open a browser.")] = False,
) -> None:
    """Run the interview in a browser, with the draft MOU growing beside it.

    It listens on this machine only and prints an address with a secret token,
    which every request must carry. Every answer is saved at once to the same
    draft file `agreementkit new` uses, so a browser interview can be finished
    in the terminal (`new --resume DRAFT`) and the other way round.

    Examples:

      agreementkit serve -o drafts/

      agreementkit serve drafts/agreementkit-draft.yaml

      agreementkit serve examples/cold-chain-pilot.yaml -o revised/    (revise an answers file)

      agreementkit serve --host 0.0.0.0 -o drafts/    (a client's tablet on the same network)
    """
    import os

    from rich.text import Text

    from .errors import AgreementkitError
    from .web import open_draft, start

    console = _console()
    try:
        opened = open_draft(source, output=output, draft_path=draft_path, quick=quick, libraries=library)
        server = start(opened, host=host, port=port, templates=templates,
                       debug="--debug" in sys.argv or os.environ.get("AGREEMENTKIT_DEBUG", "") not in ("", "0"))
    except AgreementkitError as exc:
        raise _fail(exc) from None
    for note in opened.notes:
        console.print(Text(note, style="dim"))
    if not server.local_only:
        console.print(Text(f"warning: listening on {host}: anyone on this network who has the address with its token can read "
                           "and change the answers. Use it only on a network you trust, and stop the server when you are done.",
                           style="bold yellow"))
    console.print(Text("agreementkit is serving the interview at:", style="bold"))
    typer.echo(f"    {server.url}")
    console.print(Text("The token in the address is the key: share it only with the people at this screen. Ctrl-C stops "
                       "(every answer is already saved).", style="dim"))
    server.run(open_browser=not no_browser)
    console.print(Text(f"Stopped. The answers so far are in {server.session.draft.path} (if not yet written out): continue with "
                       f"`agreementkit serve {server.session.draft.path}` or `agreementkit new --resume {server.session.draft.path}`."))


@app.command()
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
    from .errors import AgreementkitError

    try:
        from .batch import expand_inputs

        inputs = expand_inputs(answers)
    except AgreementkitError as exc:
        raise _fail(exc) from None
    if len(inputs) == 1 and not answers[0].is_dir():
        _render_single(inputs[0], output, formats, force, advisor, library, templates)
    else:
        _render_batch(inputs, output, formats, force, advisor, jobs, library, templates)


def _render_single(answers: Path, output: Path, formats: str | None, force: bool, advisor: bool,
                   library: list[Path] | None, templates: Path | None) -> None:
    """One file, as render has always done it: the findings in full and the files written."""
    from .errors import AgreementkitError
    from .render import check_writable, parse_formats, plan_outputs, write_outputs

    console = _console()
    try:
        chosen = parse_formats(formats) if formats else None
        outputs = plan_outputs(output, answers.stem, chosen)
        check_writable(outputs, force)
        from .answers import load_answers
        from .assembly import assemble, library_for
        from .checks import check_answers
        from .interview.spec import load_interview

        loaded = load_answers(answers, interview=load_interview(library))
        report = check_answers(loaded, str(answers))
        if report.errors:
            _print_findings(report, console, severities=("error",))
            raise typer.Exit(1)
        _print_findings(report, console, severities=("warning",), brief=True)
        clause_library = library_for(library)
        _notices(clause_library.notices)
        document = assemble(loaded, clause_library)
        if advisor:
            from .checks.notes import with_drafting_notes

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
        raise _fail(exc) from None
    for path in written:
        typer.echo(f"wrote {path}")


def _render_batch(inputs: list[Path], output: Path, formats: str | None, force: bool, advisor: bool, jobs: int | None,
                  library: list[Path] | None, templates: Path | None) -> None:
    """Many files: a progress bar, a line per file, a summary; the worst file sets the exit code."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from .batch import Result, overall_exit_code, plan_jobs, render_many
    from .errors import AgreementkitError, UserError
    from .render import DEFAULT_FORMATS, FORMATS, parse_formats

    console = _console()
    try:
        if output.suffix.lower().lstrip(".") in FORMATS and not output.is_dir():
            raise UserError(f"-o {output} names one file, but {len(inputs)} answers files are given; give a folder with -o")
        chosen = tuple(parse_formats(formats) if formats else DEFAULT_FORMATS)
        planned = plan_jobs(inputs, output, chosen, force=force, advisor=advisor,
                            library=tuple(library or ()), templates=templates)
    except AgreementkitError as exc:
        raise _fail(exc) from None
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


@app.command()
def check(
    answers: Annotated[Path, typer.Argument(help="The answers file (YAML).", show_default=False)],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table for people, json for tools.", case_sensitive=False)
    ] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too, not only on errors.")] = False,
    library: LibraryOption = None,
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

    from .answers import load_answers
    from .checks import check_answers
    from .errors import AgreementkitError, UserError

    try:
        if output_format.lower() not in ("table", "json"):
            raise UserError(f"unknown --format '{output_format}': choose table or json")
        from .interview.spec import load_interview

        report = check_answers(load_answers(answers, check_references=False, interview=load_interview(library)), str(answers))
    except AgreementkitError as exc:
        raise _fail(exc) from None
    if output_format.lower() == "json":
        typer.echo(report.model_dump_json(indent=2))
    else:
        console = _console(stderr=False)
        _print_findings(report, console)
        console.print(escape(report.verdict), style="bold")
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "advice": "cyan"}


def _print_findings(
    report: CheckReport, console: Console, severities: tuple[str, ...] = ("error", "warning", "advice"), brief: bool = False
) -> None:
    """Findings grouped by severity: a table for `check`, one line each for `render`."""
    from rich.table import Table
    from rich.text import Text

    chosen = [f for f in report.findings if f.severity.value in severities]
    if brief:
        for f in chosen:
            if not f.silenced:
                console.print(Text(f"{f.severity.value}: ", style=_SEVERITY_STYLE[f.severity.value]) + Text(f"{f.path}: {f.finding} [{f.rule}]"))
        return
    for severity in severities:
        group = [f for f in chosen if f.severity.value == severity]
        if not group:
            continue
        table = Table(title=Text(severity.capitalize() + ("s" if severity != "advice" else ""), style=_SEVERITY_STYLE[severity]),
                      title_justify="left", show_lines=True, expand=True)
        table.add_column("where", ratio=3, overflow="fold")
        table.add_column("finding", ratio=5)
        table.add_column("suggestion", ratio=4)
        for f in group:
            where = Text(f.path) + Text(f"\n{f.rule}" + (" (silenced)" if f.silenced else ""), style="dim")
            table.add_row(where, Text(f.finding, style="dim" if f.silenced else "") + Text(f"\n{f.why}", style="dim"), Text(f.suggestion))
        console.print(table)


@app.command()
def lint(
    library: LibraryOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table for people, json for tools.", case_sensitive=False)
    ] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too, not only on errors.")] = False,
) -> None:
    """Check a clause library without rendering: every branch of every clause at once.

    Resolves every name and attribute in clause bodies, conditions and titles
    against the answers format (inside every {% if %} branch, reached by an
    example or not); checks filters, tests, ref()/refs()/included() targets,
    references to conditional clauses left unguarded, declared variants
    against their ::: blocks, terms defined twice or never used, and "shall"
    or "must" in clauses that do not bind.

    Exit 0 clean (advice allowed), 1 with errors (with --strict, also with
    warnings), 2 when the library cannot be read.

    Examples:

      agreementkit lint

      agreementkit lint --library our-clauses/ --format json
    """
    import json

    from rich.text import Text
    from rich.table import Table

    from .errors import AgreementkitError, UserError
    from .library import load_library
    from .lint import lint_library

    try:
        if output_format.lower() not in ("table", "json"):
            raise UserError(f"unknown --format '{output_format}': choose table or json")
        loaded = load_library(library, lenient=True)
        _notices(loaded.notices)
        report = lint_library(loaded)
    except AgreementkitError as exc:
        raise _fail(exc) from None
    counts = {s: report.count(s) for s in ("error", "warning", "advice")}  # type: ignore[arg-type]
    if output_format.lower() == "json":
        typer.echo(json.dumps({"findings": [vars(f) for f in report.findings], "counts": counts}, indent=2))
    else:
        console = _console(stderr=False)
        if report.findings:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            for column in ("where", "clause", "severity", "rule", "finding", "suggestion"):
                table.add_column(column, overflow="fold", no_wrap=column in ("where", "severity", "rule"))
            for f in report.findings:
                shown = Path(f.file)
                shown = shown.relative_to(Path.cwd()) if shown.is_absolute() and shown.is_relative_to(Path.cwd()) else shown
                where = f"{shown}:{f.line}" if f.line else str(shown)
                # Library text is printed as it is: "[insert venue]" is wording, not rich markup.
                table.add_row(Text(where), Text(f.clause), Text(f.severity, style=_SEVERITY_STYLE[f.severity]),
                              Text(f.rule, style=_SEVERITY_STYLE[f.severity]), Text(f.message), Text(f.suggestion))
            console.print(table)
        verdict = "clean" if not report.findings else ", ".join(f"{n} {s}{'s' if n != 1 and s != 'advice' else ''}"
                                                               for s, n in counts.items())
        console.print(f"Library lint: {verdict}.", style="bold")
    raise typer.Exit(report.exit_code(strict))


@app.command("test")
def test_scenarios(
    library: LibraryOption = None,
    update: Annotated[bool, typer.Option("--update", help="Write the current renderings as the approved ones (after review).")] = False,
) -> None:
    """Render a library's scenarios and compare them with their approved renderings.

    A layer keeps scenarios in its tests/ folder: NAME.yaml (an answers file),
    NAME.md (the approved Markdown rendering) and optionally NAME.expect.yaml
    (findings: health-check rule ids; present: / absent: clause ids). Without
    --library the built-in scenarios run. Each mismatch prints a unified diff
    and the clauses it touches; exit 1 if any scenario fails, 2 if a file
    cannot be read. --update rewrites the approved renderings.

    Examples:

      agreementkit test --library our-clauses/

      agreementkit test --library our-clauses/ --update
    """
    from rich.text import Text

    from .errors import AgreementkitError
    from .scenarios import find_scenarios, run_scenario

    layers = list(library or [])
    console = _console(stderr=False)
    try:
        results = [run_scenario(path, layers, update=update) for path in find_scenarios(layers)]
    except AgreementkitError as exc:
        raise _fail(exc) from None
    for result in results:
        if result.updated:
            console.print(Text("updated ", style="yellow") + Text(f"{result.name}: {result.answers.with_suffix('.md')}"))
        elif result.passed:
            console.print(Text("passed  ", style="green") + Text(result.name))
        else:
            console.print(Text("FAILED  ", style="bold red") + Text(f"{result.name} ({result.answers})"))
            for problem in result.problems:
                console.print(Text(f"  {problem}"))
            if result.diff:
                typer.echo(result.diff, nl=False)
    failed = [r for r in results if not r.passed]
    console.print(f"{len(results)} scenario{'s' if len(results) != 1 else ''}: {len(results) - len(failed)} passed, "
                  f"{len(failed)} failed" + (f", {sum(r.updated for r in results)} updated" if update else "") + ".",
                  style="bold")
    if failed:
        raise typer.Exit(2 if any(r.unreadable for r in failed) else 1)


@library_app.command("init")
def library_init(
    folder: Annotated[Path, typer.Argument(help="A new (or empty) folder for the layer.", show_default=False)],
) -> None:
    """Create a starter layer: library.yaml, a README, an overriding clause, a new clause with
    its question, and a scenario with its approved rendering. It passes lint and test as created.

    Example:  agreementkit library init our-clauses/ && agreementkit test --library our-clauses/
    """
    from .errors import AgreementkitError
    from .starter import init_layer

    try:
        written = init_layer(folder)
    except AgreementkitError as exc:
        raise _fail(exc) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"Next: agreementkit lint --library {folder} && agreementkit test --library {folder}")


@app.command()
def inspect(
    document: Annotated[Path, typer.Argument(help="A DOCX or PDF that agreementkit wrote.", show_default=False)],
    verify_answers: Annotated[
        Optional[Path],
        typer.Option("--verify", help="An answers file: re-render it and say whether the document matches.", show_default=False),
    ] = None,
    library: LibraryOption = None,
) -> None:
    """Show what a document records about its making: the answers' hash, the library layers
    and every clause's id and version. With --verify, say whether it matches the answers.

    Exit 0 when printed (and, with --verify, when it matches), 1 when it does not match,
    2 when a file cannot be read.

    Examples:

      agreementkit inspect signed/mou.pdf

      agreementkit inspect signed/mou.docx --verify answers.yaml --library our-clauses/
    """
    from rich.markup import escape

    from .errors import AgreementkitError
    from .provenance import read_record, verify

    console = _console(stderr=False)
    try:
        record = read_record(document)
        checked = verify(record, verify_answers, list(library or [])) if verify_answers else None
    except AgreementkitError as exc:
        raise _fail(exc) from None
    console.print(escape(f"{document}"), style="bold")
    console.print(escape(f"  made by          {record.generator or 'unknown'}"))
    console.print(escape(f"  answers sha256   {record.answers_sha256}"))
    console.print(escape("  library layers   " + (", ".join(f"{name} {version}" for name, version in record.layers) or "not recorded")))
    console.print(f"  clauses          {len(record.clauses)}")
    for clause_id, version, _ in record.clauses:
        origin = f"  (from {record.origins[clause_id]})" if clause_id in record.origins else ""
        console.print(escape(f"    {clause_id} v{version}{origin}"))
    if checked is None:
        return
    if checked.layers_note:
        _console().print(escape(f"warning: {checked.layers_note}"), style="yellow")
    if checked.matches:
        console.print(escape(f"matches {verify_answers}: same answers, same clauses, and the text in the file is what they print."),
                      style="bold green")
        return
    console.print(escape(f"does not match {verify_answers}:"), style="bold red")
    if not checked.answers_match:
        console.print("  the answers differ from those the document was made from")
    for label, ids in (("differs", checked.differing), ("only in the new rendering", checked.added),
                       ("only in the document", checked.removed),
                       ("its text in this file differs from a fresh rendering (edited after it was made?)", checked.edited)):
        for clause_id in ids:
            console.print(escape(f"  {clause_id}: {label}"))
    raise typer.Exit(1)


@app.command()
def schema(library: LibraryOption = None) -> None:
    """Print the JSON Schema of the answers file format (format 1).

    Point your editor at it to get validation and completion while you edit
    an answers file. With --library, `extra` is described by the questions
    the layers declare (their types, choices and which are required).

    Examples:

      agreementkit schema > agreementkit.schema.json

      agreementkit schema --library my-clauses/ > agreementkit.schema.json
    """
    import json

    from .answers import answers_schema
    from .errors import AgreementkitError
    from .interview.spec import load_interview

    try:
        interview = load_interview(library)
    except AgreementkitError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(answers_schema(interview), indent=2, ensure_ascii=False))


@questions_app.command("list")
def questions_list(
    library: LibraryOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table for people, json for tools, md for a printable checklist to send a client.",
                          case_sensitive=False)
    ] = "table",
) -> None:
    """List every question of the interview: page, id, type, quick or not, condition, layer.

    --format md prints a checklist of every question with its help and
    choices, to send a client before the meeting.

    Examples:

      agreementkit questions list

      agreementkit questions list --library my-clauses/ --format md > checklist.md
    """
    from .errors import AgreementkitError, UserError
    from .interview.listing import checklist_markdown, question_rows

    try:
        chosen = output_format.lower()
        if chosen not in ("table", "json", "md"):
            raise UserError(f"unknown --format '{output_format}': choose table, json or md")
        from .interview.spec import load_interview

        interview = load_interview(library)
    except AgreementkitError as exc:
        raise _fail(exc) from None
    if chosen == "md":
        typer.echo(checklist_markdown(interview), nl=False)
        return
    rows = question_rows(interview)
    if chosen == "json":
        import json

        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.text import Text
    from rich.table import Table

    console = _console(stderr=False)
    id_width = max(len(row["id"]) for row in rows)
    for page in interview.pages:
        console.print(f"[bold]page {page.id}[/]: {escape(page.title)}  [dim](feeds: {escape(', '.join(page.feeds) or 'no section')})[/]")
        table = Table(box=None, pad_edge=False, show_header=page is interview.pages[0])
        table.add_column("id", no_wrap=True, width=id_width)
        table.add_column("type", no_wrap=True, width=12)
        table.add_column("quick", no_wrap=True, width=5)
        table.add_column("asked when", overflow="fold", min_width=14)
        table.add_column("layer", overflow="fold", min_width=8)
        for row in (r for r in rows if r["page"] == page.id):
            layer = row["layer"] + "".join(f", changed by {name}" for name in row["changed_by"])
            table.add_row(row["id"], row["type"], "yes" if row["quick"] else "",
                          Text("removed" if row["removed"] else row["when"] or "always"), Text(layer))
        console.print(table)


@questions_app.command("schema")
def questions_schema() -> None:
    """Print the JSON Schema of question files (a layer's questions/*.yaml).

    Point your editor at it while you write question files.

    Example:

      agreementkit questions schema > agreementkit-questions.schema.json
    """
    import json

    from .interview.spec import question_file_schema

    typer.echo(json.dumps(question_file_schema(), indent=2, ensure_ascii=False))


@clauses_app.command("list")
def clauses_list(library: LibraryOption = None) -> None:
    """List every clause: id, section, version and the condition under which it appears.

    Example:  agreementkit clauses list --library my-clauses/
    """
    from rich.text import Text
    from rich.table import Table

    from .errors import AgreementkitError
    from .library import load_library

    try:
        loaded = load_library(library)
        _notices(loaded.notices)
    except AgreementkitError as exc:
        raise _fail(exc) from None
    table = Table("id", "section", "version", "binds", "appears when", box=None, pad_edge=False)
    for section in loaded.ordered_sections():
        for clause in loaded.in_section(section.id):
            meta = clause.meta
            table.add_row(meta.id, section.id, str(meta.version), "yes" if meta.binds else "", Text(meta.condition or "always"))
    _console(stderr=False).print(table)


@clauses_app.command("show")
def clauses_show(
    clause_id: Annotated[str, typer.Argument(help="The clause id, as `clauses list` shows it.")],
    library: LibraryOption = None,
) -> None:
    """Print one clause file (front matter and body) as the library resolves it.

    Example:  agreementkit clauses show confidentiality.obligations
    """
    from .errors import AgreementkitError, UserError
    from .library import load_library

    try:
        loaded = load_library(library)
        if clause_id not in loaded.clauses:
            import difflib

            close = difflib.get_close_matches(clause_id, list(loaded.clauses), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UserError(f"no clause '{clause_id}'{hint}")
    except AgreementkitError as exc:
        raise _fail(exc) from None
    clause = loaded.clauses[clause_id]
    # The path goes to stderr, so `clauses show ID > ours/clauses/x.md` copies a clause file that loads as it is.
    typer.echo(f"# {clause.source}", err=True)
    typer.echo(clause.source.read_text(encoding="utf-8"), nl=False)


INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h: the fault is ours, not the input's
BUG_REPORTS = "the agreementkit issue tracker (attach the command, the input files and the --debug output)"


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error, show the full traceback "
                                        "(also AGREEMENTKIT_DEBUG=1). Accepted anywhere on the command line.")] = False,
) -> None:
    """Draft partnership MOUs. Exit codes: 0 done, 1 blocking findings, 2 bad input, 70 internal error."""


def _internal_error(exc: BaseException, argv: list[str]) -> int:
    """One line instead of a traceback: what failed, on what, and where to report it."""
    command = next((a for a in argv if not a.startswith("-")), "agreementkit")
    files = [a for a in argv[1:] if not a.startswith("-") and Path(a).exists()]
    on = f" on {', '.join(files)}" if files else ""
    sys.stderr.write(
        f"internal error in 'agreementkit {command}'{on}: {type(exc).__name__}: {exc}\n"
        f"This is a bug in agreementkit, not in your input. Please report it to {BUG_REPORTS}.\n"
        "Run again with --debug (or AGREEMENTKIT_DEBUG=1) to see the traceback.\n"
    )
    return INTERNAL_ERROR


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: no input ever ends in a traceback unless asked for."""
    import os

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("AGREEMENTKIT_DEBUG", "") not in ("", "0")
    args = [a for a in args if a != "--debug"]
    try:
        app(args=args, prog_name="agreementkit")
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        raise SystemExit(_internal_error(exc, args)) from None


if __name__ == "__main__":
    main()
