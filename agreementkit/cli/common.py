"""What every command shares: the Typer app, its option types, and how errors and findings are shown.

The command modules register on `app`; only this module and `main` know how
the pieces are put together.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

if TYPE_CHECKING:
    from rich.console import Console

    from ..checks import CheckReport

def _untyped_flags(params: list[Any]) -> list[Any]:
    """Help without Python's types: `--force` takes no value, so `<bool>` beside it misleads, and a
    repeatable path reads better as `<path>...` than as `<list[Path]>`."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
        shown = param.display_type_rich(None) if hasattr(param, "display_type_rich") and param.metavar is None else None
        if isinstance(shown, str) and shown.startswith("<list["):
            plain = f"<{shown[6:].split(']')[0].lower()}>..."
            param.display_type_rich = lambda ctx, plain=plain: plain
    return params


class TidyCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


class TidyGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


def tidy_help(typer_app: typer.Typer) -> None:
    """Give every command (and group) of `typer_app` the tidy help, however it was registered."""
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = TidyCommand
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            group.typer_instance.info.cls = TidyGroup
            tidy_help(group.typer_instance)


app = typer.Typer(
    name="agreementkit",
    cls=TidyGroup,
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
# The command families, as `--help` groups them.
DOCUMENTS = "Documents"
INTERVIEW = "Interview and answers"
TOOLKIT = "Library toolkit"

clauses_app = typer.Typer(help="Look at the clause library.", no_args_is_help=True)
app.add_typer(clauses_app, name="clauses", rich_help_panel=TOOLKIT)
library_app = typer.Typer(help="Start and look after a clause library layer of your own.", no_args_is_help=True)
app.add_typer(library_app, name="library", rich_help_panel=TOOLKIT)
questions_app = typer.Typer(help="Look at the interview: the questions `agreementkit new` asks, as the library layers define them.",
                            no_args_is_help=True)
app.add_typer(questions_app, name="questions", rich_help_panel=INTERVIEW)


def make_console(stderr: bool = True) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped into a file or another tool, tables keep whole words on one line.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


def notices(notices: list[str]) -> None:
    """Deprecations a library's author should act on, once per command, never fatal."""
    from rich.text import Text

    for notice in notices:
        make_console().print(Text("warning: ", style="yellow") + Text(notice))


def fail(exc: Exception) -> typer.Exit:
    """Show a user error without a traceback and pick its exit code."""
    from rich.text import Text

    from ..errors import UserError

    make_console().print(Text("error: ", style="bold red") + Text(str(exc)))
    return typer.Exit(exc.exit_code if isinstance(exc, UserError) else 2)


LibraryOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--library",
        "-l",
        metavar="<folder>",
        help="A library layer (a folder of clauses and questions) applied over the built-in library; repeat for several, the last wins.",
        show_default=False,
    ),
]
WithoutRecordedOption = Annotated[
    bool,
    typer.Option("--without-recorded-libraries", help="Use answers made with library layers (their `libraries:`) without "
                                                      "those layers: the built-in wording and rules stand in, with a warning."),
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


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "advice": "cyan"}


def show_report(report: CheckReport, output_format: str) -> Console | None:
    """A report as JSON for tools, or as the findings table and its verdict for people: then the
    console, for a command to add its own lines under the verdict."""
    from rich.markup import escape

    if output_format.lower() == "json":
        typer.echo(report.model_dump_json(indent=2))
        return None
    console = make_console(stderr=False)
    print_findings(report, console)
    console.print(escape(report.verdict), style="bold")
    return console


def stopped(say: Any, saved: Path, resume: str) -> typer.Exit:
    """Ctrl-C or Ctrl-D in an interview: where the answers are kept and how to go on (exit 130)."""
    say("")
    say(f"Stopped. Every answer so far is saved in {saved}.", style="yellow")
    say(f"Continue with:  {resume}", style="bold")
    return typer.Exit(130)


def print_findings(
    report: CheckReport, console: Console, severities: tuple[str, ...] = ("error", "warning", "advice"), brief: bool = False
) -> None:
    """Findings grouped by severity: a table for `check`, one line each for `render`."""
    from rich.table import Table
    from rich.text import Text

    chosen = [f for f in report.findings if f.severity.value in severities]
    if brief:
        for f in chosen:
            if not f.silenced:
                console.print(Text(f"{f.severity.value}: ", style=SEVERITY_STYLE[f.severity.value]) + Text(f"{f.path}: {f.finding} [{f.rule}]"))
        return
    for severity in severities:
        group = [f for f in chosen if f.severity.value == severity]
        if not group:
            continue
        table = Table(title=Text(severity.capitalize() + ("s" if severity != "advice" else ""), style=SEVERITY_STYLE[severity]),
                      title_justify="left", show_lines=True, expand=True)
        table.add_column("where", ratio=3, overflow="fold")
        table.add_column("finding", ratio=5)
        table.add_column("suggestion", ratio=4)
        for f in group:
            where = Text(f.path) + Text(f"\n{f.rule}" + (" (silenced)" if f.silenced else ""), style="dim")
            table.add_row(where, Text(f.finding, style="dim" if f.silenced else "") + Text(f"\n{f.why}", style="dim"), Text(f.suggestion))
        console.print(table)
