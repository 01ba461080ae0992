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

from ..interview.engine import ACCEPT_REST, NOTHING, Ask, Choice, GoBack
from ..questions.spec import Page
from ..questions.types import TEXT_TYPES, QuestionType

KEYS_LINE = "Ctrl-P: previous question · F1 or Ctrl-G: help · Ctrl-C: stop (answers are kept)"
REST_KEY = "Ctrl-R"


@dataclass(frozen=True)
class _Help:
    typed: str


_BACK = object()
_REST = object()

_HINTS = {
    QuestionType.date: "(YYYY-MM-DD)",
    QuestionType.email: "(name@example.org)",
    QuestionType.money: "(e.g. 60000, £60,000 or £1.5m)",
    QuestionType.percent: "(a percentage)",
    QuestionType.integer: "(a whole number)",
}


class Terminal:
    """questionary prompts and a rich console, with optional prompt_toolkit I/O for tests."""

    # What the engine may hand this front end to save prompts (see interview.engine).
    whole_lists = True  # a list's entries in one prompt, one a line
    together = True  # a signatory's name and title in one small form
    shows_derived = True  # a short name proposed from the name is shown, not asked
    offers_rest = True  # Ctrl-R accepts every remaining proposal of a section
    one_at_a_time = True  # a per-party total is checked as soon as the last share is given

    def __init__(self, console: Any = None, input: Any = None, output: Any = None):
        from rich.console import Console

        self.console = console or Console(highlight=False)
        self._io = {key: value for key, value in (("input", input), ("output", output)) if value is not None}
        self._offered: str | None = None  # the section whose remaining proposals were last listed

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

    def show_derived(self, items: list[tuple[str, str]]) -> None:
        """Answers worked out from the one just given, shown for the person to confirm."""
        shown = " · ".join(f"{label}: {value}" for label, value in items)
        self.say(f"    ↳ {shown}   (Ctrl-P changes {'it' if len(items) == 1 else 'these'})", style="dim")

    def ask(self, ask: Ask) -> Any:
        """Ask one question; F1 shows its help and asks again, Ctrl-P goes back, Ctrl-R
        (when offered) accepts this and every later proposal of the section."""
        if ask.rest and self._offered != ask.page.id:
            self._offered = ask.page.id
            self.say(f"Every question left in this section has a proposed answer; {REST_KEY} accepts them all "
                     "(the review lists them):", style="cyan")
            self.say("  " + " · ".join(f"{label}: {value}" for label, value in ask.rest), style="dim")
        typed: Any = ask.default
        while True:
            answer = self._ask_once(ask, typed)
            if answer is _BACK:
                raise GoBack
            if answer is _REST:
                self.say("  Accepted as proposed: " + "; ".join(f"{label}: {value}" for label, value in ask.rest), style="green")
                return ACCEPT_REST
            if isinstance(answer, _Help):
                self._show_help(ask)
                typed = answer.typed if ask.type in TEXT_TYPES or ask.kind in ("entry", "list", "together") else ask.default
                continue
            return answer

    def _show_help(self, ask: Ask) -> None:
        from rich.panel import Panel
        from rich.text import Text

        body = Text(ask.help or "No further help for this question.")
        for member in ask.members[1:]:
            body.append(f"\n • {member.question.label}", style="bold")
            if member.help:
                body.append(f": {member.help}")
        if ask.choices and ask.kind == "value":
            for choice in ask.choices:
                body.append(f"\n • {choice.label}", style="bold")
                if choice.help:
                    body.append(f": {choice.help}")
        self.show(Panel(body, title=f"Help: {ask.prompt}", title_align="left", border_style="cyan"))

    def _ask_once(self, ask: Ask, typed: Any) -> Any:
        qmark = f"Q{ask.number}"
        rest = bool(ask.rest)
        if ask.kind == "together":
            return self._form(ask, typed, qmark)
        if ask.kind == "list":
            return self._list(ask, typed, qmark)
        if ask.kind == "more" or ask.type == QuestionType.yes_no:
            instruction = ("(Y/n" if typed else "(y/N") + (f"; {REST_KEY}: accept the rest)" if rest else ")")
            return self._run(_confirm(ask.prompt, bool(typed), qmark, self._io, instruction), rest)
        if ask.kind == "value" and ask.type in (QuestionType.select, QuestionType.party):
            return self._run(self._select(ask, typed, qmark), rest)
        if ask.kind == "value" and ask.type in (QuestionType.multi_select, QuestionType.parties, QuestionType.ordered):
            chosen = self._run(self._checkbox(ask, typed, qmark), rest)
            if chosen is _BACK or chosen is _REST or isinstance(chosen, _Help) or ask.type != QuestionType.ordered or len(chosen) < 2:
                return chosen
            return self._order(ask, list(chosen), qmark)
        hint = _HINTS.get(ask.type) if ask.kind == "value" else None
        if ask.kind == "entry":
            hint = "(Enter on an empty line to finish)"
        elif not ask.required:
            hint = f"{hint[:-1]}; optional, Enter to skip)" if hint else "(optional, Enter to skip)"
        if rest:
            hint = f"{hint[:-1]}; {REST_KEY}: accept the rest)" if hint else f"({REST_KEY}: accept the rest)"
        import questionary

        text = "" if typed is None or typed == NOTHING else str(typed)
        return self._run(questionary.text(ask.prompt, default=text, instruction=hint, qmark=qmark, **self._io), rest)

    def _list(self, ask: Ask, typed: Any, qmark: str) -> Any:
        """A whole list in one prompt: one entry a line, Enter on an empty line to finish."""
        import questionary
        from prompt_toolkit.document import Document
        from prompt_toolkit.key_binding import KeyBindings

        if isinstance(typed, list):
            text = "".join(f"{entry}\n" for entry in typed)
        else:
            text = "" if typed is None else str(typed)
        item = (ask.question.item or "entry").lower()
        hint = f"one {item} a line; Enter on an empty line to finish" + ("" if ask.required else ", or at once for none")
        if ask.rest:
            hint += f"; {REST_KEY}: accept the rest"
        question = questionary.text(f"{ask.prompt} ({hint})\n{_number_label(0)}", multiline=True, instruction="", qmark=qmark,
                                    prompt_continuation=lambda width, line, wrap: _number_label(line) + " " if not wrap else " " * 6,
                                    **self._io)
        buffer = question.application.current_buffer
        buffer.reset(Document(text, len(text)))
        keys = KeyBindings()

        @keys.add("enter", eager=True)
        def _enter(event: Any) -> None:
            b = event.current_buffer
            if not b.document.current_line.strip():
                if b.document.is_cursor_at_the_end and b.text.endswith("\n"):
                    b.delete_before_cursor(1)  # the empty line that ended the list is not an entry
                b.validate_and_handle()
            else:
                b.cursor_position += b.document.get_end_of_line_position()
                b.insert_text("\n")

        answer = self._run(question, bool(ask.rest), _line_keys(keys))
        if answer is _BACK or answer is _REST or isinstance(answer, _Help):
            return answer
        return [line.strip() for line in str(answer).splitlines() if line.strip()]

    def _form(self, ask: Ask, typed: Any, qmark: str) -> Any:
        """Several short answers in one prompt, a labelled line each (a signatory's name and title):
        Enter or Tab moves to the next line, Enter on the last one answers them all."""
        import questionary
        from prompt_toolkit.document import Document
        from prompt_toolkit.key_binding import KeyBindings

        members = ask.members
        labels = [_form_label(m) for m in members]
        width = max(len(label) for label in labels) + 2
        if isinstance(typed, str):
            lines = typed.split("\n")
        else:
            lines = ["" if m.default is None or m.default == NOTHING else str(m.default) for m in members]
        lines = (lines + [""] * len(members))[:len(members)]
        text = "\n".join(lines)
        hint = "Enter or Tab: next line; Enter on the last line answers"
        if ask.rest:
            hint += f"; {REST_KEY}: accept the rest"
        question = questionary.text(f"{ask.prompt} ({hint})\n{labels[0].rjust(width)}:", multiline=True, instruction="",
                                    qmark=qmark, **self._io,
                                    prompt_continuation=lambda w, line, wrap: (labels[line].rjust(width) + ": ")
                                    if not wrap and line < len(labels) else " " * (width + 2))
        buffer = question.application.current_buffer
        buffer.reset(Document(text, len(lines[0])))
        keys = KeyBindings()

        @keys.add("enter", eager=True)
        @keys.add("tab", eager=True)
        def _next(event: Any) -> None:
            b = event.current_buffer
            row = b.document.cursor_position_row
            if row >= len(members) - 1:
                if event.key_sequence[0].key != "tab":
                    b.validate_and_handle()
                return
            b.cursor_position += b.document.get_end_of_line_position() + 1
            b.cursor_position += b.document.get_end_of_line_position()

        @keys.add("s-tab", eager=True)
        def _previous(event: Any) -> None:
            b = event.current_buffer
            if b.document.cursor_position_row > 0:
                b.cursor_position += b.document.get_start_of_line_position() - 1

        @keys.add("c-j", eager=True)
        def _no_newline(event: Any) -> None:
            """A line per answer: nothing may add a line of its own."""

        from prompt_toolkit.filters import Condition

        @keys.add("backspace", eager=True, filter=Condition(_at_line_start))
        @keys.add("delete", eager=True, filter=Condition(_at_line_end))
        def _keep_lines(event: Any) -> None:
            """Nor join two answers into one line."""

        answer = self._run(question, bool(ask.rest), _line_keys(keys))
        if answer is _BACK or answer is _REST:
            return answer
        if isinstance(answer, _Help):
            return answer
        given = (str(answer).split("\n") + [""] * len(members))[:len(members)]
        return {m.key: value.strip() for m, value in zip(members, given, strict=True)}

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
        rest = f"; {REST_KEY}: accept the rest" if ask.rest else ""
        return questionary.select(ask.prompt, choices=choices, default=chosen, use_search_filter=True,
                                  use_jk_keys=False, qmark=qmark, instruction=f"(type to filter, ↑↓ to move, Enter to choose{rest})",
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
        if ask.rest:
            instruction = f"{instruction[:-1]}; {REST_KEY}: accept the rest)"
        return questionary.checkbox(ask.prompt, choices=choices, qmark=qmark, instruction=instruction, **self._io)

    def _order(self, ask: Ask, chosen: list[Any], qmark: str) -> Any:
        """An order for the ticked options: accept the one shown, or pick them first to last."""
        import questionary

        labels = {c.value: c.label for c in ask.choices}
        shown = " → ".join(labels[v] for v in chosen)
        qmark = " " * len(qmark)  # the same question, not the next: no number of its own
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

    def _run(self, question: Any, rest: bool = False, more: Any = None) -> Any:
        """Run a questionary prompt with the interview's keys added (and `more` of the prompt's own)."""
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        keys = KeyBindings()

        @keys.add("c-r", eager=True)
        def _rest(event: Any) -> None:
            if rest:  # otherwise nothing: no search mode to get lost in
                event.app.exit(result=_REST)

        @keys.add("c-p", eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=_BACK)

        @keys.add("c-g", eager=True)
        @keys.add("f1", eager=True)
        def _help(event: Any) -> None:
            event.app.exit(result=_Help(event.app.current_buffer.text))

        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys, *([more] if more else [])])
        return question.unsafe_ask()

    # --- menus outside the interview ------------------------------------------

    def text(self, message: str, default: str = "", validate: Any = None, instruction: str | None = None) -> str:
        import questionary

        question = questionary.text(message, default=default, validate=validate, instruction=instruction, qmark="?", **self._io)
        return str(question.unsafe_ask())

    def select(self, message: str, options: Sequence[Choice], default: Any = None, *, back: bool = False) -> Any:
        """A menu outside the interview (the review's next step); with `back`, Ctrl-P
        raises GoBack, to the last question answered."""
        import questionary

        choices = self._choices(options)
        chosen = next((c for c in choices if c.value == default), choices[0])
        question = questionary.select(message, choices=choices, default=chosen, use_search_filter=True, use_jk_keys=False,
                                      qmark="?", instruction="(Enter to choose; Ctrl-P: back to the last question)" if back else None,
                                      **self._io)
        if not back:
            return question.unsafe_ask()
        answer = self._run(question)
        if answer is _BACK:
            raise GoBack
        if isinstance(answer, _Help):
            return self.select(message, options, default, back=back)
        return answer

    def confirm(self, message: str, default: bool = True) -> bool:
        return bool(_confirm(message, default, "?", self._io).unsafe_ask())


def _confirm(message: str, default: bool, qmark: str, io: dict[str, Any], instruction: str | None = None) -> Any:
    """A yes/no question answered like every other: y or n, then Enter (Enter alone takes the default),
    so the Enter after a "y" never reaches the next question."""
    import questionary

    return questionary.confirm(message, default=default, qmark=qmark, auto_enter=False,
                               instruction=(instruction or ("(Y/n)" if default else "(y/N)")) + " ", **io)


def _at_line_start() -> bool:
    from prompt_toolkit.application import get_app

    return get_app().current_buffer.document.cursor_position_col == 0


def _at_line_end() -> bool:
    from prompt_toolkit.application import get_app

    return get_app().current_buffer.document.is_cursor_at_the_end_of_line


def _line_keys(keys: Any) -> Any:
    """Ctrl-U clears the line the cursor is on, as in a one-line prompt, and never joins it to the line above."""

    @keys.add("c-u", eager=True)
    def _clear_line(event: Any) -> None:
        b = event.current_buffer
        b.delete_before_cursor(-b.document.get_start_of_line_position())
        b.delete(b.document.get_end_of_line_position())

    return keys


def _number_label(line: int) -> str:
    return f"{line + 1:>4}."


def _form_label(ask: Ask) -> str:
    """A form line's label: the question's short name, with its hint (`due (YYYY-MM-DD)`)."""
    label = ask.label or ask.question.label
    hint = _HINTS.get(ask.type)
    optional = "" if ask.required else " (optional)"
    return f"{label} {hint}" if hint and not optional else f"{label}{optional}"
