"""`agreementkit library import`: a firm's Word precedent made into a library layer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import fail, library_app, make_console


@library_app.command("import")
def library_import(
    precedent: Annotated[Path, typer.Argument(help="The firm's precedent: a .docx (Word 2007 or later).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The layer folder to write (created, or added to).",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace the files an earlier import of this precedent wrote.")] = False,
    override: Annotated[bool, typer.Option("--override", help="A clause that looks like a built-in one replaces it "
                                           "(recording overrides: id@version) instead of being added beside it.")] = False,
    accept_changes: Annotated[bool, typer.Option("--accept-changes", help="Accept the precedent's tracked changes "
                                                 "(they are listed in IMPORT.md); without it a precedent with "
                                                 "tracked changes is refused.")] = False,
) -> None:
    """Import a Word precedent as a library layer: clauses, sections, questions, a scenario and IMPORT.md.

    Headings (Word heading styles, list numbering, typed numbers such as "1.1",
    "Clause 4" or "Article IV", bold titles) become sections and clauses; the
    body keeps its lists, tables, bold and italics. Blanks (\\[●], \\[PARTY NAME],
    \\[date], \\[insert ...], \\[12/24], underscores, highlighted text, content
    controls, merge fields) become typed extra. questions, or the built-in
    answers they name (party names, effective date, governing law, term).
    IMPORT.md lists every clause, question and mapped answer, what a person
    still has to decide, and the round trip of the precedent's words.

    Exit 0 when the layer is written and lints without errors, its scenario
    passes and the round trip gives back every paragraph; 1 when it is written
    but one of those needs attention (see IMPORT.md); 2 when the file is
    refused (not a DOCX, macros, encrypted, a zip bomb, no headings) or a file
    of the layer would be replaced without --force.

    Example:  agreementkit library import precedent.docx -o layers/firm/
    """
    from rich.text import Text

    from ..errors import AgreementkitError
    from ..toolkit.precedent import import_precedent

    try:
        result = import_precedent(precedent, output, force=force, override=override, accept_changes=accept_changes)
    except AgreementkitError as exc:
        raise fail(exc) from None
    console = make_console(stderr=False)
    for path in result.written:
        console.print(Text(f"wrote {path}"))
    for path in result.appended:
        console.print(Text(f"added to {path}"))
    clauses, new = len(result.clauses), sum(1 for d in result.sections if d.new)
    console.print(Text(f"{clauses} clause{'s' if clauses != 1 else ''} from \"{result.title}\" ({new} new "
                       f"section{'s' if new != 1 else ''}), {len(result.questions)} new question"
                       f"{'s' if len(result.questions) != 1 else ''}, {len(result.mapped)} blank"
                       f"{'s' if len(result.mapped) != 1 else ''} mapped to built-in answers."))
    errors = result.lint.count("error") if result.lint is not None else 0
    warnings = result.lint.count("warning") if result.lint is not None else 0
    lines = sum(len(r.lines) for r in result.round_trip)
    same = sum(1 for r in result.round_trip for line in r.lines if line.same)
    scenario_ok = result.scenario is not None and result.scenario.passed
    console.print(Text(f"lint: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}; "
                       f"scenario {'passes' if scenario_ok else 'FAILS'}; round trip: {same} of {lines} paragraphs "
                       "give back the precedent's words."))
    candidates = sum(1 for c in result.clauses if c.candidate is not None and not c.overrides)
    if candidates:
        console.print(Text(f"{candidates} clause{'s look' if candidates != 1 else ' looks'} like a built-in one "
                           "(see IMPORT.md; --override replaces them)."))
    console.print(Text(f"Next: read {output / 'IMPORT.md'} (what is left for a person to decide), then "
                       f"agreementkit lint --library {output} && agreementkit test --library {output}"), style="bold")
    if errors or not scenario_ok or same != lines:
        raise typer.Exit(1)
