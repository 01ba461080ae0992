"""Commands that ask for answers: the terminal interview, the browser interview, and the questions they ask."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (
    INTERVIEW,
    FormatsOption,
    LibraryOption,
    TemplatesOption,
    app,
    fail,
    make_console,
    questions_app,
    stopped,
)


@app.command(rich_help_panel=INTERVIEW)
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
    from ..errors import AgreementkitError, UserError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise fail(UserError(
            "agreementkit new asks questions and needs an interactive terminal.\n"
            "To make documents without questions, write an answers file (see examples/) and run:\n"
            "  agreementkit render ANSWERS -o OUTPUT"
        ))
    from ..interview.draft import load_draft
    from ..questionnaire import Draft, Terminal, resume_command, run_new
    from ..questions.spec import load_interview
    from ..render import DEFAULT_FORMATS, parse_formats

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
                from ..answers import load_answers

                defaults = load_answers(from_answers, interview=interview).model_dump(mode="json", exclude_none=True)
            chosen = parse_formats(formats) if formats else list(DEFAULT_FORMATS)
            draft = Draft(path, quick=quick, defaults=defaults, output=str(output), formats=chosen, libraries=layers)
            draft.save()
        from ..checks import load_rules
        from ..toolkit.lint.questions import refuse_unknown_names

        refuse_unknown_names(interview)  # a question whose `when` names no answer would silently never be asked
        load_rules(draft.libraries)
    except (KeyboardInterrupt, EOFError):
        raise typer.Exit(130) from None
    except AgreementkitError as exc:
        raise fail(exc) from None
    try:
        result = run_new(ui, draft, interview=interview)
    except (KeyboardInterrupt, EOFError):
        raise stopped(ui.say, draft.path, resume_command(draft.path)) from None
    except AgreementkitError as exc:
        raise fail(exc) from None
    if result is None:
        ui.say(f"Stopped at the review. Continue with:  {resume_command(draft.path)}", style="bold")


@app.command(rich_help_panel=INTERVIEW)
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

    from ..errors import AgreementkitError
    from ..web import open_draft, start

    console = make_console()
    try:
        opened = open_draft(source, output=output, draft_path=draft_path, quick=quick, libraries=library)
        server = start(opened, host=host, port=port, templates=templates,
                       debug="--debug" in sys.argv or os.environ.get("AGREEMENTKIT_DEBUG", "") not in ("", "0"))
    except AgreementkitError as exc:
        raise fail(exc) from None
    for note in opened.notes:
        console.print(Text(note, style="dim"))
    if not server.local_only:
        console.print(Text(f"warning: listening on {host}: anyone on this network who has the address with its token can read "
                           "and change the answers. Use it only on a network you trust, and stop the server when you are done.",
                           style="bold yellow"))
    console.print(Text("agreementkit is serving the interview at:", style="bold"))
    typer.echo(f"    {server.url}")
    lan = server.lan_url
    if lan is not None:
        from ..web.server import qr_lines

        console.print(Text("On a tablet or phone on the same network, open this address, or point its camera at the code:",
                           style="bold"))
        typer.echo(f"    {lan}")
        for line in qr_lines(lan):
            typer.echo(f"    {line}")
    elif not server.local_only:
        console.print(Text("No network address of this machine was found: connect it to the network the tablet is on, "
                           "then start serve again.", style="yellow"))
    console.print(Text("The token in the address is the key: share it only with the people at this screen. Ctrl-C stops "
                       "(every answer is already saved).", style="dim"))
    server.run(open_browser=not no_browser)
    console.print(Text(f"Stopped. The answers so far are in {server.session.draft.path} (if not yet written out): continue with "
                       f"`agreementkit serve {server.session.draft.path}` or `agreementkit new --resume {server.session.draft.path}`."))


@app.command(rich_help_panel=INTERVIEW)
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

    from ..errors import AgreementkitError
    from ..questions.extra import answers_schema
    from ..questions.spec import load_interview

    try:
        interview = load_interview(library)
    except AgreementkitError as exc:
        raise fail(exc) from None
    typer.echo(json.dumps(answers_schema(interview), indent=2, ensure_ascii=False))


@questions_app.command("list")
def questions_list(
    library: LibraryOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table for people, json for tools; md, docx, pdf or html for a checklist "
                                                 "to send a client (docx and pdf need -o).", case_sensitive=False)
    ] = "table",
    parties: Annotated[int, typer.Option("--parties", min=2, max=20, help="How many parties the checklist has room for: "
                                                                        "each party's questions are repeated.")] = 2,
    objectives: Annotated[int, typer.Option("--objectives", min=1, max=30, help="How many objectives the checklist has "
                                                                              "room for.")] = 2,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the checklist to this file instead of "
                                                                        "printing it.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the -o file if it exists.")] = False,
) -> None:
    """List every question of the interview, or make a checklist a client can fill in.

    The table gives each question's page, id, type, quick or not, condition and
    layer. --format md, docx, pdf or html makes a checklist to send a client
    before the meeting: every question with its help, when it applies ("Only if
    costs: shared in agreed proportions"), its choices to tick or a box to write
    in; a party's and an objective's questions repeated for --parties and
    --objectives of them.

    Examples:

      agreementkit questions list

      agreementkit questions list --format md > checklist.md

      agreementkit questions list --format docx --parties 3 --objectives 4 -o checklist.docx

      agreementkit questions list --library my-clauses/ --format pdf -o checklist.pdf
    """
    from ..errors import AgreementkitError, UserError
    from ..questions.listing import checklist_document, question_rows

    checklists = ("md", "docx", "pdf", "html")
    try:
        chosen = output_format.lower()
        if chosen not in ("table", "json", *checklists):
            raise UserError(f"unknown --format '{output_format}': choose table, json, md, docx, pdf or html")
        if chosen in ("docx", "pdf") and output is None:
            raise UserError(f"a {chosen} checklist is a file: give it a name with -o, e.g. -o checklist.{chosen}")
        if output is not None and chosen not in checklists:
            raise UserError("-o writes a checklist: give --format md, docx, pdf or html with it")
        if output is not None and output.exists() and not force:
            raise UserError(f"{output} already exists; give --force to replace it")
        from ..questions.spec import load_interview

        interview = load_interview(library)
    except AgreementkitError as exc:
        raise fail(exc) from None
    if chosen in checklists:
        from ..render import atomic_write, render_bytes

        data = render_bytes(checklist_document(interview, parties=parties, objectives=objectives), chosen)
        if output is None:
            typer.echo(data.decode("utf-8"), nl=False)
            return
        try:
            atomic_write(output, data)
        except OSError as exc:
            raise fail(UserError(f"cannot write {output}: {exc.strerror}")) from None
        make_console().print(f"wrote {output}")
        return
    rows = question_rows(interview)
    if chosen == "json":
        import json

        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    console = make_console(stderr=False)
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
            when = "removed" if row["removed"] else "never (derived)" if row["ask"] == "never" else row["when"] or "always"
            table.add_row(row["id"], row["type"], "yes" if row["quick"] else "", Text(when), Text(layer))
        console.print(table)


@questions_app.command("schema")
def questions_schema() -> None:
    """Print the JSON Schema of question files (a layer's questions/*.yaml).

    Point your editor at it while you write question files.

    Example:

      agreementkit questions schema > agreementkit-questions.schema.json
    """
    import json

    from ..questions.spec import question_file_schema

    typer.echo(json.dumps(question_file_schema(), indent=2, ensure_ascii=False))
