"""The value types a question can ask for: reading what a person typed, and
the pydantic type that validates the same value in an answers file.

One definition per type serves the terminal, the browser and answers files,
so "£250,000" typed at a prompt and `250000` in a file are the same answer.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from ..answers import check_email, email_problem


class QuestionType(str, Enum):
    text = "text"
    paragraph = "paragraph"
    date = "date"
    email = "email"
    integer = "integer"
    number = "number"
    money = "money"
    percent = "percent"
    yes_no = "yes_no"
    select = "select"
    multi_select = "multi_select"
    ordered = "ordered"
    party = "party"
    parties = "parties"
    list = "list"
    group = "group"


TEXT_TYPES = {QuestionType.text, QuestionType.paragraph, QuestionType.date, QuestionType.email,
              QuestionType.integer, QuestionType.number, QuestionType.money, QuestionType.percent}
CHOICE_TYPES = {QuestionType.select, QuestionType.multi_select, QuestionType.ordered}
MANY_TYPES = {QuestionType.multi_select, QuestionType.ordered, QuestionType.parties}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Currency signs and codes people type in front of or after an amount.
_CURRENCY = re.compile(r"^(?:[£$€¥₹]|[A-Z]{3}|US\$|A\$|C\$)\s*|\s*(?:[£$€¥₹]|[A-Z]{3})$")


class Invalid(ValueError):
    """What is wrong with an answer, as a sentence to show beside the question."""


# The longest answer of each kind the interview takes, in characters: far beyond any real answer
# (a name, an address, a purpose), so a pasted file is refused beside its field before it is saved.
LIMITS = {"text": 2000, "paragraph": 20000, "email": 254, "list": 2000, "number": 100}
LIST_ENTRIES = 200  # the most entries of a list whose question sets no maximum
LIST_BOX = LIST_ENTRIES * 100  # a whole list typed into one box (the browser's), in characters


def limit_of(kind: QuestionType) -> int | None:
    """The longest answer a question of this type takes, in characters (None: a choice, no limit needed)."""
    if kind in (QuestionType.text, QuestionType.paragraph, QuestionType.email, QuestionType.list):
        return LIMITS[kind.value]
    if kind in (QuestionType.integer, QuestionType.number, QuestionType.money, QuestionType.percent, QuestionType.date):
        return LIMITS["number"]
    return None


def too_long(kind: QuestionType, raw: Any) -> str | None:
    """Why an answer is refused for its length, in words, or None when it is not too long."""
    limit = limit_of(kind)
    if limit is None or not isinstance(raw, str) or len(raw) <= limit:
        return None
    return (f"This answer is {len(raw):,} characters long; the most it may be is {limit:,} characters. "
            "Shorten it (a document or a list belongs in a schedule of its own).")


Email = Annotated[str, AfterValidator(check_email)]


# "5m", "£1.5m", "250k", "2 million": the shorthand people use for amounts.
_MULTIPLIERS = {"k": 1000, "thousand": 1000, "m": 1000000, "mn": 1000000, "million": 1000000,
                "bn": 1000000000, "b": 1000000000, "billion": 1000000000}
_SHORTHAND = re.compile(r"^(?P<number>[\d.,\s\u00a0_]+?)\s*(?P<unit>k|thousand|m|mn|million|bn|b|billion)$", re.IGNORECASE)


def _number(text: str, what: str, example: str, typed: str | None = None, shorthand: bool = False) -> Decimal:
    """A number as typed; `typed` is what the person typed, quoted when it is refused."""
    shown = text if typed is None else typed
    factor = 1
    match = _SHORTHAND.match(text.strip()) if shorthand else None
    if match:
        text, factor = match.group("number"), _MULTIPLIERS[match.group("unit").lower()]
    cleaned = text.replace(",", "").replace("_", "").replace(" ", "").replace("\u00a0", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid(f"{shown!r} is not {what}; write it like {example}.") from None
    if not amount.is_finite():
        raise Invalid(f"{shown!r} is not {what}; write it like {example}.")
    return amount * factor


def plain_number(amount: Decimal) -> int | float:
    """250000 rather than Decimal('250000.00'): what an answers file shows."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def parse(kind: QuestionType, raw: Any, *, minimum: float | None = None, maximum: float | None = None) -> Any:
    """The answer a person gave, as the value the answers file stores.

    Raises `Invalid` with a sentence saying what to type instead. Stored
    values parse to themselves, so replaying a draft is the same as typing.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    reason = too_long(kind, raw)
    if reason:
        raise Invalid(reason)
    if kind in (QuestionType.text, QuestionType.paragraph, QuestionType.party, QuestionType.list):
        return str(raw).strip()
    if kind == QuestionType.date:
        text = raw.isoformat() if isinstance(raw, date) else str(raw).strip()
        if not _DATE.match(text):
            raise Invalid(f"{text!r} is not a date; write it as YYYY-MM-DD, for example 2027-01-15.")
        try:
            date.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{text} is not a real date; check the month and the day.") from None
        return text
    if kind == QuestionType.email:
        text = str(raw).strip()
        problem = email_problem(text)
        if problem:
            raise Invalid(problem + ".")
        return text
    if kind == QuestionType.yes_no:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("y", "yes", "true"):
            return True
        if text in ("n", "no", "false"):
            return False
        raise Invalid(f"{raw!r} is not yes or no.")
    if kind in (QuestionType.integer, QuestionType.number, QuestionType.money, QuestionType.percent):
        return _parse_number(kind, raw, minimum, maximum)
    if kind in MANY_TYPES:
        return list(raw) if isinstance(raw, (list, tuple)) else [raw]
    return raw


def _parse_number(kind: QuestionType, raw: Any, minimum: float | None, maximum: float | None) -> int | float:
    text = str(raw).strip()
    if kind == QuestionType.integer:
        amount = _number(text, "a whole number", "30")
        if amount != amount.to_integral_value():
            raise Invalid(f"{text!r} is not a whole number; write it like 30.")
    elif kind == QuestionType.money:
        amount = _number(_CURRENCY.sub("", text), "an amount", "250000, £250,000 or £1.5m", typed=text, shorthand=True)
        if amount < 0:
            raise Invalid("An amount cannot be negative.")
    elif kind == QuestionType.percent:
        amount = _number(text.removesuffix("%").strip(), "a percentage", "25 or 12.5%")
        if amount < 0 or amount > 100:
            raise Invalid(f"A percentage is between 0 and 100, not {plain_number(amount):g}.")
    else:
        amount = _number(text, "a number", "12.5")
    if minimum is not None and amount < Decimal(str(minimum)):
        raise Invalid(f"Give {minimum:g} or more.")
    if maximum is not None and amount > Decimal(str(maximum)):
        raise Invalid(f"Give at most {maximum:g}.")
    return plain_number(amount)


def describe(kind: QuestionType, value: Any) -> str:
    """A stored value as a person reads it on a review screen."""
    if value is None or value == [] or value == "":
        return "—"
    if kind == QuestionType.yes_no:
        return "yes" if value else "no"
    if kind == QuestionType.percent:
        return f"{value}%"
    if kind == QuestionType.money and isinstance(value, (int, float)):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)


def annotation(kind: QuestionType, *, values: list[Any] | None = None, minimum: float | None = None,
               maximum: float | None = None, party_ref: Any = str) -> Any:
    """The pydantic type an answers file's value must have for this question type."""
    bounds: dict[str, Any] = {}
    if minimum is not None:
        bounds["ge"] = minimum
    if maximum is not None:
        bounds["le"] = maximum
    choice: Any = Literal[tuple(values)] if values else str  # type: ignore[valid-type]
    table: dict[QuestionType, Any] = {
        QuestionType.text: Annotated[str, Field(min_length=1)],
        QuestionType.paragraph: Annotated[str, Field(min_length=1)],
        QuestionType.date: date,
        QuestionType.email: Email,
        QuestionType.integer: Annotated[int, Field(**bounds)],
        QuestionType.number: Annotated[Decimal, Field(**bounds)],
        QuestionType.money: Annotated[Decimal, Field(ge=0, **{k: v for k, v in bounds.items() if k != "ge"})],
        QuestionType.percent: Annotated[Decimal, Field(ge=0, le=100)],
        QuestionType.yes_no: bool,
        QuestionType.select: choice,
        QuestionType.multi_select: list[choice],
        QuestionType.ordered: list[choice],
        QuestionType.party: party_ref,
        QuestionType.parties: list[party_ref],
        QuestionType.list: list[Annotated[str, Field(min_length=1)]],
    }
    return table[kind]
