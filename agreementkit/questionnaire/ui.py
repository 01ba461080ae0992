"""The terminal front end of the interview: questionary prompts and rich output.

It presents each `Ask` the engine hands it and returns what the person
chose; it knows no question of its own. Tests drive the real prompts through
prompt_toolkit's pipe input and read what was printed from a rich console
writing to a buffer.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..interview.engine import NOTHING, Ask, Choice, GoBack
from ..questions.spec import Page
from ..questions.types import TEXT_TYPES, QuestionType

KEYS_LINE = "Ctrl-P: previous question · F1 or Ctrl-G: help · Ctrl-C: stop (answers are kept)"


@dataclass(frozen=True)
class _Help:
    typed: str


_BACK = object()

_HINTS = {
    QuestionType.date: "(YYYY-MM-DD)",
    QuestionType.email: "(name@example.org)",
    QuestionType.money: "(e.g. 60000 or £60,000)",
    QuestionType.percent: "(a percentage)",
    QuestionType.integer: "(a whole number)",
}


class Terminal:
    """questionary prompts and a rich console, with optional prompt_toolkit I/O for tests."""

    def __init__(self, console: Any = None, input: Any = None, output: Any = None):
        from rich.console import Console

        self.console = console or Console(highlight=False)
        self._io = {key: value for key, value in (("input", input), ("output", output)) if value is not None}

    # --- output -------------------------------------------------------------

    def say(self, text: str = "", style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style or ""))

    def heading(self, title: str, why: str) -> None:
        from rich.rule import Rule

        self.console.print()
        self.console.print(Rule(f"[bold]{title}[/]", align="left", style="blue"))
        self.say(why, style="dim")

    def error(self, text: str) -> None:
        self.say(text, style="bold red")

    def show(self, renderable: Any) -> None:
        self.console.print(renderable)

    @property
    def width(self) -> int:
        output = self._io.get("output")
        if output is not None:
            return int(output.get_size().columns)
        return shutil.get_terminal_size((100, 30)).columns

    # --- the interview's front end --------------------------------------------

    def enter_page(self, page: Page, number: int, count: int, resumed: int | None,
                   answered: list[tuple[str, str]]) -> None:
        if resumed is not None:
            self.say(f"Resuming: {resumed} of {count} sections done.", style="bold")
        self.heading(f"Section {number} of {count}: {page.title}", page.why)
        self.say(KEYS_LINE, style="dim")
        if answered:
            self.say("Already answered in this section:", style="dim")
            for prompt, value in answered:
                self.say(f"  {prompt}  {value}", style="dim")

    def invalid(self, ask: Ask, message: str) -> None:
        self.say(f"  ✗ {message}", style="bold red")

    def page_problems(self, page: Page, messages: list[str]) -> None:
        for message in messages:
            self.say(f"  ✗ {message}", style="bold red")
        self.say("Please correct these: only the answers concerned are asked again.", style="yellow")

    def note(self, message: str) -> None:
        self.say(message, style="yellow")

    def ask(self, ask: Ask) -> Any:
        """Ask one question; F1 shows its help and asks again, Ctrl-P goes back."""
        typed: Any = ask.default
        while True:
            answer = self._ask_once(ask, typed)
            if answer is _BACK:
                raise GoBack
            if isinstance(answer, _Help):
                self._show_help(ask)
                typed = answer.typed if ask.type in TEXT_TYPES or ask.kind == "entry" else ask.default
                continue
            return answer

    def _show_help(self, ask: Ask) -> None:
        from rich.panel import Panel
        from rich.text import Text

        body = Text(ask.help or "No further help for this question.")
        if ask.choices and ask.kind == "value":
            for choice in ask.choices:
                body.append(f"\n • {choice.label}", style="bold")
                if choice.help:
                    body.append(f": {choice.help}")
        self.show(Panel(body, title=f"Help: {ask.prompt}", title_align="left", border_style="cyan"))

    def _ask_once(self, ask: Ask, typed: Any) -> Any:
        qmark = f"Q{ask.number}"
        if ask.kind == "more" or ask.type == QuestionType.yes_no:
            return self._run(_confirm(ask.prompt, bool(typed), qmark, self._io))
        if ask.kind == "value" and ask.type in (QuestionType.select, QuestionType.party):
            return self._run(self._select(ask, typed, qmark))
        if ask.kind == "value" and ask.type in (QuestionType.multi_select, QuestionType.parties, QuestionType.ordered):
            chosen = self._run(self._checkbox(ask, typed, qmark))
            if chosen is _BACK or isinstance(chosen, _Help) or ask.type != QuestionType.ordered or len(chosen) < 2:
                return chosen
            return self._order(ask, list(chosen), qmark)
        hint = _HINTS.get(ask.type) if ask.kind == "value" else None
        if ask.kind == "entry":
            hint = "(Enter on an empty line to finish)"
        elif not ask.required:
            hint = f"{hint[:-1]}; optional, Enter to skip)" if hint else "(optional, Enter to skip)"
        import questionary

        text = "" if typed is None or typed == NOTHING else str(typed)
        return self._run(questionary.text(ask.prompt, default=text, instruction=hint, qmark=qmark, **self._io))

    def _choices(self, choices: Sequence[Choice]) -> list[Any]:
        import questionary

        width = max(self.width - 16, 30)
        return [questionary.Choice(title=c.label, value=c.value,
                                   description=textwrap.fill(c.help, width) if c.help else None) for c in choices]

    def _select(self, ask: Ask, typed: Any, qmark: str) -> Any:
        import questionary

        choices = self._choices(ask.choices)
        wanted = NOTHING if typed is None else typed
        chosen = next((c for c in choices if c.value == wanted), choices[0])
        return questionary.select(ask.prompt, choices=choices, default=chosen, use_search_filter=True,
                                  use_jk_keys=False, qmark=qmark, instruction="(type to filter, ↑↓ to move, Enter to choose)",
                                  **self._io)

    def _checkbox(self, ask: Ask, typed: Any, qmark: str) -> Any:
        import questionary

        ticked = list(typed or [])
        choices = self._choices(ask.choices)
        for choice in choices:
            choice.checked = choice.value in ticked
        instruction = "(Space ticks, Enter accepts)"
        if ask.type == QuestionType.ordered:
            instruction = "(Space ticks, Enter accepts; you set the order next)"
        return questionary.checkbox(ask.prompt, choices=choices, qmark=qmark, instruction=instruction, **self._io)

    def _order(self, ask: Ask, chosen: list[Any], qmark: str) -> Any:
        """An order for the ticked options: accept the one shown, or pick them first to last."""
        import questionary

        labels = {c.value: c.label for c in ask.choices}
        shown = " → ".join(labels[v] for v in chosen)
        keep = self._run(_confirm(f"In this order: {shown}?", True, qmark, self._io))
        if keep is _BACK or isinstance(keep, _Help):
            return keep
        if keep:
            return chosen
        ordered: list[Any] = []
        remaining = list(chosen)
        while len(remaining) > 1:
            word = "first" if not ordered else "next"
            pick = self._run(questionary.select(
                f"Which comes {word}?", choices=self._choices([Choice(v, labels[v]) for v in remaining]),
                use_search_filter=True, use_jk_keys=False, qmark=qmark, **self._io))
            if pick is _BACK or isinstance(pick, _Help):
                return pick
            ordered.append(pick)
            remaining.remove(pick)
        return ordered + remaining

    def _run(self, question: Any) -> Any:
        """Run a questionary prompt with the interview's keys added."""
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        keys = KeyBindings()

        @keys.add("c-p", eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=_BACK)

        @keys.add("c-g", eager=True)
        @keys.add("f1", eager=True)
        def _help(event: Any) -> None:
            event.app.exit(result=_Help(event.app.current_buffer.text))

        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])
        return question.unsafe_ask()

    # --- menus outside the interview ------------------------------------------

    def text(self, message: str, default: str = "", validate: Any = None, instruction: str | None = None) -> str:
        import questionary

        question = questionary.text(message, default=default, validate=validate, instruction=instruction, qmark="?", **self._io)
        return str(question.unsafe_ask())

    def select(self, message: str, options: Sequence[Choice], default: Any = None) -> Any:
        """A menu outside the interview (the review's next step)."""
        import questionary

        choices = self._choices(options)
        chosen = next((c for c in choices if c.value == default), choices[0])
        return questionary.select(message, choices=choices, default=chosen, use_search_filter=True, use_jk_keys=False,
                                  qmark="?", **self._io).unsafe_ask()

    def confirm(self, message: str, default: bool = True) -> bool:
        return bool(_confirm(message, default, "?", self._io).unsafe_ask())


def _confirm(message: str, default: bool, qmark: str, io: dict[str, Any]) -> Any:
    import questionary

    return questionary.confirm(message, default=default, qmark=qmark, **io)
