"""The command line: a thin shell over the library.

It parses flags, calls the library, prints results and maps errors to exit
codes (0 success, 1 blocking findings, 2 bad input or usage, 70 an internal
error: a bug in agreementkit, reported in one line unless --debug is given). Heavy modules
(pydantic models, writers, WeasyPrint) are imported inside the commands, so
`agreementkit --help` answers at once.

Commands live in modules by family, each registering on the one Typer app:
`documents` (render, compare, check), `interview` (new, serve, schema,
questions), `toolkit` (lint, test, library init, clauses, inspect), `rules` (rules list and
schema, library diff), `precedent` (library import), `reviews` (review start, new, check, render:
after signing).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import documents, interview, precedent, reviews, rules, toolkit  # noqa: F401  (each registers its commands on the app)
from .common import app, tidy_help

INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h: the fault is ours, not the input's
BUG_REPORTS = "the agreementkit issue tracker (attach the command, the input files and the --debug output)"


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"agreementkit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error, show the full traceback "
                                        "(also AGREEMENTKIT_DEBUG=1). Accepted anywhere on the command line.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print agreementkit's version and stop.", is_eager=True,
                                          callback=_version)] = False,
) -> None:
    """Draft partnership MOUs. Exit codes: 0 done, 1 blocking findings, 2 bad input, 70 internal error."""


tidy_help(app)


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
