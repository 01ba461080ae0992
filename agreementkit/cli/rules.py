"""The house review rules and a layer's upkeep: `rules list`, `rules schema` and `library diff`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import TOOLKIT, LibraryOption, app, fail, library_app, make_console

rules_app = typer.Typer(help="Look at the health check's rules, as the library layers define them.", no_args_is_help=True)
app.add_typer(rules_app, name="rules", rich_help_panel=TOOLKIT)


@rules_app.command("list")
def rules_list(
    library: LibraryOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table for people, json for tools.", case_sensitive=False)
    ] = "table",
) -> None:
    """List every health-check rule: id, severity, what it expects, the clauses it is about, its layer.

    Examples:

      agreementkit rules list

      agreementkit rules list --library our-clauses/ --format json
    """
    import json

    from rich.table import Table
    from rich.text import Text

    from ..checks import load_rules
    from ..errors import AgreementkitError, UserError

    try:
        if output_format.lower() not in ("table", "json"):
            raise UserError(f"unknown --format '{output_format}': choose table or json")
        book = load_rules(library)
    except AgreementkitError as exc:
        raise fail(exc) from None
    rules = list(book.rules.values())
    if output_format.lower() == "json":
        rows = [{"id": r.id, "version": r.version, "severity": r.severity.value, "summary": r.summary, "enabled": r.enabled,
                 "about": [f"{c}@{v}" if v else c for c, v in r.about], "questions": r.questions, "layer": r.layer,
                 "changed_by": r.changed_by, "examples": {"fires": len(r.examples.fires), "passes": len(r.examples.passes)}}
                for r in rules]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("id", "severity", "expects", "about", "layer", box=None, pad_edge=False)
    for r in rules:
        layer = r.layer + "".join(f", changed by {name}" for name in r.changed_by)
        table.add_row(Text(r.id), Text(r.severity.value if r.enabled else "switched off"), Text(r.summary),
                      Text(", ".join(f"{c}@{v}" if v else c for c, v in r.about)), Text(layer))
    make_console(stderr=False).print(table)


@rules_app.command("schema")
def rules_schema() -> None:
    """Print the JSON Schema of rule files (a layer's rules/*.yaml).

    Point your editor at it while you write rule files.

    Example:

      agreementkit rules schema > agreementkit-rules.schema.json
    """
    import json

    from ..checks import rule_file_schema

    typer.echo(json.dumps(rule_file_schema(), indent=2, ensure_ascii=False))


@library_app.command("diff")
def library_diff(
    clause_id: Annotated[str, typer.Argument(help="A built-in clause id, as `clauses list` shows it.", show_default=False)],
    library: LibraryOption = None,
    since: Annotated[Optional[int], typer.Option("--since", min=1, help="The earlier version to compare from. (default: the "
                                                 "version the layer's `overrides:` records)", show_default=False)] = None,
) -> None:
    """Show what changed in a built-in clause since the version a layer overrides.

    When lint reports override drift (a layer replaced general.counterparts at
    version 1 and the built-in clause is now at version 2), this prints the
    built-in clause's change between the two as a unified diff, so the layer's
    own wording can be brought up to date.

    Examples:

      agreementkit library diff general.counterparts --library our-clauses/

      agreementkit library diff general.counterparts --since 1
    """
    import difflib

    from ..errors import AgreementkitError, UserError
    from ..library import earlier_version, load_library

    try:
        builtin = load_library()
        if clause_id not in builtin.clauses:
            close = difflib.get_close_matches(clause_id, list(builtin.clauses), n=1)
            raise UserError(f"no built-in clause '{clause_id}'" + (f"; did you mean '{close[0]}'?" if close else ""))
        current = builtin.clauses[clause_id]
        version = since or _overridden_version(clause_id, library)
        if version is None:
            raise UserError(f"no layer given records which version of {clause_id} it overrides: pass --library with the "
                            "layer (its clause says `overrides: ID@VERSION`), or --since VERSION")
        if version >= current.meta.version:
            typer.echo(f"{clause_id} is at version {current.meta.version}; nothing changed since version {version}.")
            return
        old = earlier_version(clause_id, version)
        if old is None:
            raise UserError(f"this installation does not keep version {version} of {clause_id} (clauses/history/ has "
                            f"no {clause_id}@{version}.md); the current text is `agreementkit clauses show {clause_id}`")
        before = old.read_text(encoding="utf-8").splitlines(keepends=True)
        after = current.source.read_text(encoding="utf-8").splitlines(keepends=True)
    except AgreementkitError as exc:
        raise fail(exc) from None
    typer.echo(f"{clause_id}: what changed from version {version} to version {current.meta.version}", err=True)
    typer.echo("".join(difflib.unified_diff(before, after, f"{clause_id}@{version}", f"{clause_id}@{current.meta.version}")),
               nl=False)


def _overridden_version(clause_id: str, library: list[Path] | None) -> int | None:
    """The version of the built-in clause the given layers' replacement records (`overrides: ID@N`)."""
    from ..library import load_library
    from ..resources import builtin_clauses

    if not library:
        return None
    loaded = load_library(library, lenient=True)
    for clause in loaded.clauses.values():
        if not clause.source.is_relative_to(builtin_clauses()) and clause.meta.overrides:
            target, version = clause.meta.overrides.rsplit("@", 1)
            if target == clause_id:
                return int(version)
    return None
