"""The terminal side of the questionnaire: questionary prompts and rich output.

Everything the questionnaire shows or asks goes through `Terminal`, so tests
drive the real prompts through prompt_toolkit's pipe input and read what was
printed from a rich console writing to a buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Validator = Callable[[str], "bool | str"]


@dataclass(frozen=True)
class Option:
    """One entry of a select list: what is stored, what is shown, and why pick it."""

    value: Any
    title: str
    help: str = ""


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

    # --- questions ----------------------------------------------------------

    def text(self, message: str, default: str = "", validate: Validator | None = None, instruction: str | None = None) -> str:
        import questionary

        question = questionary.text(
            message, default=default, validate=validate, instruction=instruction, qmark="?", **self._io
        )
        return str(question.unsafe_ask())

    def select(self, message: str, options: Sequence[Option], default: Any = None) -> Any:
        import questionary

        choices = [
            questionary.Choice(title=f"{o.title}  — {o.help}" if o.help else o.title, value=o.value) for o in options
        ]
        chosen = next((c for c in choices if c.value == default), choices[0])
        question = questionary.select(
            message, choices=choices, default=chosen, use_search_filter=len(choices) > 4, use_jk_keys=False,
            qmark="?", **self._io,
        )
        return question.unsafe_ask()

    def confirm(self, message: str, default: bool = True) -> bool:
        import questionary

        return bool(questionary.confirm(message, default=default, qmark="?", **self._io).unsafe_ask())

    def checkbox(self, message: str, options: Sequence[Option], checked: Sequence[Any], validate: Callable[[list[Any]], bool | str] | None = None) -> list[Any]:
        import questionary

        choices = [
            questionary.Choice(title=f"{o.title}  — {o.help}" if o.help else o.title, value=o.value, checked=o.value in checked)
            for o in options
        ]
        kwargs: dict[str, Any] = {"validate": validate} if validate else {}
        return list(questionary.checkbox(message, choices=choices, qmark="?", **kwargs, **self._io).unsafe_ask())
