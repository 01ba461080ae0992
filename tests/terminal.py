"""Driving the real questionnaire through prompt_toolkit's pipe input, as a person types."""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console

from agreementkit.questionnaire import Draft, NewResult, Terminal, run_new

TODAY = date(2026, 11, 23)
# Ctrl-N moves down in a list; one byte, so it can never be split the way an
# escape sequence (the arrow keys) can be at a read boundary of the pipe.
ENTER, CLEAR, DOWN, SPACE = "\r", "\x15", "\x0e", " "
# A yes/no question takes Enter like every other: y or n, then Enter.
YES, NO = "y\r", "n\r"
# Typed-ahead keys are handled before the screen is redrawn; a pause lets the
# prompt draw what it shows now (a validation message) so the test can read it.
PAUSE = "\x00pause\x00"


def t(text: str) -> str:
    """Type into a text prompt (or a line of a form), replacing whatever default it shows."""
    return CLEAR + text + ENTER


def lines(*entries: str) -> str:
    """A whole list typed into its one prompt: an entry a line, then an empty line to finish."""
    return "".join(entry + ENTER for entry in entries) + ENTER


class Run:
    def __init__(self, result: NewResult | None, printed: str, screen: str):
        self.result, self.printed, self.screen = result, printed, screen


def keystroke_feeder(pipe: PipeInput, chunks: list[str], interrupt: bool) -> threading.Thread:
    """A thread typing `chunks` into the pipe, half a second apart (a PAUSE in the keys), then Ctrl-C
    with `interrupt`, else closing it: running out of keystrokes ends in EOFError, never a hang."""

    def feed() -> None:
        for index, chunk in enumerate(chunks):
            if index:
                time.sleep(0.5)
            pipe.send_text(chunk)
        if interrupt:
            pipe.send_text("\x03")
        else:
            pipe.close()

    return threading.Thread(target=feed, daemon=True)


def drive(keys: list[str], draft: Draft, output: Path, formats: list[str] | None = None, interrupt: bool = False) -> Run:
    """Run the real questionnaire with these keystrokes. With `interrupt`, the
    keystrokes end in Ctrl-C and the KeyboardInterrupt is expected."""
    screen = io.StringIO()
    console = Console(file=io.StringIO(), width=140)
    chunks = "".join(keys).split(PAUSE)
    draft.output, draft.formats = str(output), formats or ["md"]
    with create_pipe_input() as pipe:

        feeder = keystroke_feeder(pipe, chunks, interrupt)
        ui = Terminal(console=console, input=pipe, output=Vt100_Output(screen, lambda: Size(rows=50, columns=140)))
        feeder.start()
        try:
            if interrupt:
                with pytest.raises(KeyboardInterrupt):
                    run_new(ui, draft, today=TODAY)
                return Run(None, console.file.getvalue(), _plain(screen.getvalue()))  # type: ignore[attr-defined]
            result = run_new(ui, draft, today=TODAY)
        finally:
            feeder.join(timeout=30)
    return Run(result, console.file.getvalue(), _plain(screen.getvalue()))  # type: ignore[attr-defined]


def _plain(screen: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen)


