"""Asking one question: replay from the draft, or prompt, validate and record.

Validation reuses the answers model itself (each field's type and
constraints through a pydantic TypeAdapter), so a value the questionnaire
accepts is a value an answers file may hold, and the reverse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..answers import describe_error
from .draft import Draft
from .ui import Option, Terminal

Check = Callable[[str], "str | None"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=None)
def field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator for one field of an answers model, with the field's own constraints."""
    info = model.model_fields[name]
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(annotation)


def field_check(model: type[BaseModel], name: str) -> Check:
    """The answers model's own rule for one field, as a prompt validator."""
    adapter = field_adapter(model, name)

    def check(value: str) -> str | None:
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            return describe_error(exc.errors()[0])
        return None

    return check


def check_date(value: str) -> str | None:
    if not _DATE.match(value):
        return "write the date as YYYY-MM-DD, for example 2027-01-15"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{value} is not a real date"
    return None


def check_integer(minimum: int = 1, maximum: int | None = None) -> Check:
    def check(value: str) -> str | None:
        if not value.isdigit():
            return "give a whole number, for example 30"
        if int(value) < minimum or (maximum is not None and int(value) > maximum):
            upper = f" and {maximum}" if maximum is not None else " or more"
            return f"give a number between {minimum}{upper}" if maximum is not None else f"give {minimum}{upper}"
        return None

    return check


def check_amount(value: str) -> str | None:
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return "give an amount such as 60000 or 12500.50"
    if amount < 0 or not amount.is_finite():
        return "give an amount of zero or more"
    return None


def check_percent(value: str) -> str | None:
    message = check_amount(value)
    if message is None and Decimal(value.replace(",", "")) > 100:
        return "a share is at most 100"
    return message


def as_number(value: str) -> int | float:
    amount = Decimal(value.replace(",", ""))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class Asker:
    """Asks questions by key, replaying any answer the draft already holds."""

    def __init__(self, ui: Terminal, draft: Draft):
        self.ui = ui
        self.draft = draft

    def _record(self, key: str, prompt: Callable[[], Any]) -> Any:
        if key in self.draft.log:
            return self.draft.log[key]
        value = prompt()
        self.draft.log[key] = value
        self.draft.save()  # after every answer: a closed terminal loses nothing
        return value

    def text(
        self,
        key: str,
        message: str,
        default: object = None,
        *,
        required: bool = True,
        check: Check | None = None,
        instruction: str | None = None,
    ) -> str | None:
        def validate(value: str) -> bool | str:
            value = value.strip()
            if not value:
                return True if not required else "an answer is needed here"
            problem = check(value) if check else None
            return problem or True

        hint = instruction or (None if required else "(optional, Enter to skip)")

        def prompt() -> str | None:
            answer = self.ui.text(message, "" if default is None else str(default), validate, hint).strip()
            return answer or None

        return self._record(key, prompt)

    def date(self, key: str, message: str, default: object = None, *, required: bool = True) -> str | None:
        return self.text(key, message, default, required=required, check=check_date, instruction="(YYYY-MM-DD)")

    def integer(self, key: str, message: str, default: object = None, *, required: bool = True, minimum: int = 1,
                maximum: int | None = None) -> int | None:
        answer = self.text(key, message, default, required=required, check=check_integer(minimum, maximum))
        return int(answer) if answer is not None else None

    def choose(self, key: str, message: str, options: Sequence[Option], default: Any = None) -> Any:
        return self._record(key, lambda: self.ui.select(message, options, default))

    def yes(self, key: str, message: str, default: bool) -> bool:
        return bool(self._record(key, lambda: self.ui.confirm(message, default)))

    def many(self, key: str, message: str, options: Sequence[Option], checked: Sequence[Any],
             validate: Callable[[list[Any]], bool | str] | None = None) -> list[Any]:
        return list(self._record(key, lambda: self.ui.checkbox(message, options, checked, validate)))

    def items(self, key: str, noun: str, defaults: Sequence[str] | None, *, check: Check | None = None) -> list[str]:
        """A repeating list of short texts: one prompt each, an empty answer ends the list."""
        found: list[str] = []
        defaults = list(defaults or [])
        while True:
            index = len(found)
            default = defaults[index] if index < len(defaults) else None
            answer = self.text(
                f"{key}[{index}]", f"{noun} #{index + 1}", default, required=False, check=check,
                instruction="(Enter on an empty line to finish)",
            )
            if answer is None:
                return found
            found.append(answer)
