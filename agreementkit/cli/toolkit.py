"""The library author's toolkit: lint, scenario tests, a starter layer, the clause list, and inspect."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (
    SEVERITY_STYLE,
    TOOLKIT,
    LibraryOption,
    app,
    clauses_app,
    fail,
    library_app,
    make_console,
    notices,
)


@app.command(rich_help_panel=TOOLKIT)
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

    from rich.table import Table
    from rich.text import Text

    from ..errors import AgreementkitError, UserError
    from ..library import load_library
    from ..toolkit.lint import lint_library

    try:
        if output_format.lower() not in ("table", "json"):
            raise UserError(f"unknown --format '{output_format}': choose table or json")
        loaded = load_library(library, lenient=True)
        notices(loaded.notices)
        report = lint_library(loaded)
    except AgreementkitError as exc:
        raise fail(exc) from None
    counts = {s: report.count(s) for s in ("error", "warning", "advice")}  # type: ignore[arg-type]
    if output_format.lower() == "json":
        typer.echo(json.dumps({"findings": [vars(f) for f in report.findings], "counts": counts}, indent=2))
    else:
        console = make_console(stderr=False)
        if report.findings:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            for column in ("where", "clause", "severity", "rule", "finding", "suggestion"):
                table.add_column(column, overflow="fold", no_wrap=column in ("where", "severity", "rule"))
            for f in report.findings:
                shown = Path(f.file)
                shown = shown.relative_to(Path.cwd()) if shown.is_absolute() and shown.is_relative_to(Path.cwd()) else shown
                where = f"{shown}:{f.line}" if f.line else str(shown)
                # Library text is printed as it is: "[insert venue]" is wording, not rich markup.
                table.add_row(Text(where), Text(f.clause), Text(f.severity, style=SEVERITY_STYLE[f.severity]),
                              Text(f.rule, style=SEVERITY_STYLE[f.severity]), Text(f.message), Text(f.suggestion))
            console.print(table)
        verdict = "clean" if not report.findings else ", ".join(f"{n} {s}{'s' if n != 1 and s != 'advice' else ''}"
                                                               for s, n in counts.items())
        console.print(f"Library lint: {verdict}.", style="bold")
    raise typer.Exit(report.exit_code(strict))


@app.command("test", rich_help_panel=TOOLKIT)
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

    from ..errors import AgreementkitError
    from ..toolkit.scenarios import find_scenarios, run_rule_examples, run_scenario

    layers = list(library or [])
    console = make_console(stderr=False)
    try:
        examples = run_rule_examples(layers)
        # A layer of rules alone is tested by its rules' examples; any other needs scenarios.
        results = [run_scenario(path, layers, update=update) for path in find_scenarios(layers, required=not examples)]
    except AgreementkitError as exc:
        raise fail(exc) from None
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
    for result in examples:
        console.print(Text("passed  " if result.passed else "FAILED  ", style="green" if result.passed else "bold red")
                      + Text(f"{result.name}" + ("" if result.passed else f" ({result.answers})")))
        for problem in result.problems:
            console.print(Text(f"  {problem}"))
    failed = [r for r in results if not r.passed]
    broken = [r for r in examples if not r.passed]
    console.print(f"{len(results)} scenario{'s' if len(results) != 1 else ''}: {len(results) - len(failed)} passed, "
                  f"{len(failed)} failed" + (f", {sum(r.updated for r in results)} updated" if update else "") + "; "
                  f"{len(examples)} rule{'s' if len(examples) != 1 else ''} with examples: {len(examples) - len(broken)} "
                  f"passed, {len(broken)} failed.", style="bold")
    failed += broken
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
    from ..errors import AgreementkitError
    from ..toolkit.starter import init_layer

    try:
        written = init_layer(folder)
    except AgreementkitError as exc:
        raise fail(exc) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"Next: agreementkit lint --library {folder} && agreementkit test --library {folder}")


@clauses_app.command("list")
def clauses_list(library: LibraryOption = None) -> None:
    """List every clause: id, section, version and the condition under which it appears.

    Example:  agreementkit clauses list --library my-clauses/
    """
    from rich.table import Table
    from rich.text import Text

    from ..errors import AgreementkitError
    from ..library import load_library

    try:
        loaded = load_library(library)
        notices(loaded.notices)
    except AgreementkitError as exc:
        raise fail(exc) from None
    table = Table("id", "section", "version", "binds", "appears when", box=None, pad_edge=False)
    for section in loaded.ordered_sections():
        for clause in loaded.in_section(section.id):
            meta = clause.meta
            table.add_row(meta.id, section.id, str(meta.version), "yes" if meta.binds else "", Text(meta.condition or "always"))
    make_console(stderr=False).print(table)


@clauses_app.command("show")
def clauses_show(
    clause_id: Annotated[str, typer.Argument(help="The clause id, as `clauses list` shows it.")],
    library: LibraryOption = None,
) -> None:
    """Print one clause file (front matter and body) as the library resolves it.

    Example:  agreementkit clauses show confidentiality.obligations
    """
    from ..errors import AgreementkitError, UserError
    from ..library import load_library

    try:
        loaded = load_library(library)
        if clause_id not in loaded.clauses:
            import difflib

            close = difflib.get_close_matches(clause_id, list(loaded.clauses), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UserError(f"no clause '{clause_id}'{hint}")
    except AgreementkitError as exc:
        raise fail(exc) from None
    clause = loaded.clauses[clause_id]
    # The path goes to stderr, so `clauses show ID > ours/clauses/x.md` copies a clause file that loads as it is.
    typer.echo(f"# {clause.source}", err=True)
    typer.echo(clause.source.read_text(encoding="utf-8"), nl=False)


@app.command(rich_help_panel=TOOLKIT)
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

    from ..errors import AgreementkitError
    from ..toolkit.provenance import read_record, verify

    console = make_console(stderr=False)
    try:
        record = read_record(document)
        checked = verify(record, verify_answers, list(library or [])) if verify_answers else None
    except AgreementkitError as exc:
        raise fail(exc) from None
    console.print(escape(f"{document}"), style="bold")
    console.print(escape(f"  made by          {record.generator or 'unknown'}"))
    console.print(escape(f"  answers sha256   {record.answers_sha256}"))
    console.print(escape("  library layers   " + (", ".join(f"{name} {version}" for name, version in record.layers) or "not recorded")))
    if record.working_days:
        console.print(escape(f"  working days     {record.working_days}"))
    console.print(f"  clauses          {len(record.clauses)}")
    for clause_id, version, _ in record.clauses:
        origin = f"  (from {record.origins[clause_id]})" if clause_id in record.origins else ""
        console.print(escape(f"    {clause_id} v{version}{origin}"))
    if checked is None:
        return
    for note in (checked.layers_note, checked.holidays_note):
        if note:
            make_console().print(escape(f"warning: {note}"), style="yellow")
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
