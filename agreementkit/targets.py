"""Reading an objective's target as a number a review can measure against.

Targets are written as people say them: "8 distributors", "-20%", "reduce
spoilage by 20%", "at most 2 incidents". A review needs a number, what it
counts and which way is better. This module reads those out of the text where
the text says them unambiguously (one number, no contradicting words) and
says why it cannot where it does not, so the interview and the health check
can ask for the number instead. Parsing happens when a review needs it and
is never written back into the answers, so an answers file keeps its
fingerprint.

It sits with the foundations because the answers model, the interview's
expressions, the health check and the reviews all read targets the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

Direction = Literal["up", "down"]

_CURRENCY_SIGNS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR"}
_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}
# One number: an optional sign, an optional currency (sign or ISO code), digits with thousands separators,
# an optional multiplier and an optional percent sign.
_NUMBER = re.compile(
    r"(?P<sign>[-+\u2212])?\s*(?P<currency>[£$€¥₹]|(?-i:\b[A-Z]{3}\s))?\s*(?P<digits>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*(?P<mult>k|m|bn|thousand|million|billion)\b)?\s*(?P<percent>%|\s*per\s*cent\b|\s*percent\b)?",
    re.IGNORECASE,
)
_DOWN = ("reduce", "reduced", "reduction", "cut", "lower", "decrease", "fewer than", "less than", "at most",
         "no more than", "not more than", "under", "below", "within", "maximum", "halve", "drop")
_UP = ("increase", "grow", "raise", "at least", "more than", "over", "above", "minimum", "no fewer than",
       "no less than", "not less than")
# A change from the baseline ("reduce spoilage by 20%") rather than a level to reach ("reduce spoilage to 5%").
_BY = re.compile(r"\bby\s*$", re.IGNORECASE)
_STOP = {"by", "in", "at", "across", "from", "before", "within", "of", "on", "for", "to", "with", "and", "or", "the",
         "a", "an", "than", "each", "every", "until", "after", "during", "over", "under", "below", "above",
         "is", "are", "was", "were", "be", "have", "has", "had", "will", "remain", "remains", "stay", "stays"}


@dataclass(frozen=True)
class Measure:
    """A target a review can measure: the number, what it counts, and which way is better."""

    value: Decimal
    unit: str  # "distributors", "%", "GBP"; "" when the target counts nothing named
    direction: Direction  # up: more is better; down: less is better

    def describe(self, value: Decimal | None = None) -> str:
        """A value in this measure's unit as a reader expects it: `8 distributors`, `-20%`, `GBP 60,000`."""
        return format_value(self.value if value is None else value, self.unit)


def format_value(value: Decimal, unit: str) -> str:
    number = f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral_value() else f"{int(value):,}"
    if unit == "%":
        return f"{number}%"
    if re.fullmatch(r"[A-Z]{3}", unit):
        return f"{unit} {number}"
    return f"{number} {unit}".strip()


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w%$£€]+", " ", text.lower()) + " "


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    padded = _words(text)
    return any(f" {phrase} " in padded for phrase in phrases)


def unit_after(rest: str) -> str:
    """What the number counts: the words after it, up to a preposition, a verb form or four words
    (`distributors running the pilot` -> distributors; `paying customers` -> paying customers)."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z][\w'/-]*", rest.split(",")[0].split(";")[0]):
        lower = word.lower()
        if lower in _STOP or (words and lower.endswith(("ing", "ed"))) or len(words) == 4:
            break
        words.append(word)
    return " ".join(words)


def read_target(text: str | None) -> tuple[Measure | None, str]:
    """The target as a measure, or None and why it cannot be read as one (a short phrase)."""
    if not text or not text.strip():
        return None, "no target is given"
    found = list(_NUMBER.finditer(text))
    if not found:
        return None, "it holds no number"
    if len(found) > 1:
        # "100% of 240 cases": a share of a stated whole is one target, the share.
        shares = [m for m in found if m["percent"]]
        wholes = [m for m in found if m not in shares]
        if len(shares) != 1 or not all(re.search(r"\bof\s*$", text[: m.start()], re.IGNORECASE) for m in wholes):
            return None, "it holds more than one number"
        found = shares
    match = found[0]
    try:
        value = Decimal(match["digits"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None, "its number cannot be read"
    if match["mult"]:
        value *= _MULTIPLIERS[match["mult"].lower()]
        value = Decimal(int(value)) if value == value.to_integral_value() else value
    before, after = text[: match.start()], text[match.end():]
    down, up = _has(text, _DOWN), _has(text, _UP)
    if down and up:
        return None, "it says both more and less"
    negative = match["sign"] in ("-", "\u2212")
    if negative and up:
        return None, "its number is negative but its words say more is better"
    direction: Direction = "down" if down or negative else "up"
    if negative:
        value = -value
    elif _BY.search(before) and (down or up):
        value = -value if down else value  # a change from the start: "reduce by 20%" is -20%
    currency = match["currency"]
    if match["percent"]:
        unit = "%"
    elif currency:
        unit = _CURRENCY_SIGNS.get(currency.strip(), currency.strip().upper())
    else:
        unit = unit_after(after)
    return Measure(value, unit, direction), ""


def parse_target(text: str | None) -> Measure | None:
    """The target as a measure, or None where its text is ambiguous or holds no number."""
    return read_target(text)[0]


def measurable(text: str | None) -> bool:
    """Whether a target's text can be read as a number (the interview asks for one when it cannot)."""
    return parse_target(text) is not None


def measure_of(target: str | None, value: Decimal | None = None, unit: str | None = None,
               direction: Direction | None = None) -> Measure | None:
    """The measure a review uses: the objective's own `target_value`, `unit` and `direction`
    where it gives them, and what its target's text says for the rest."""
    parsed = parse_target(target)
    number = value if value is not None else parsed.value if parsed else None
    if number is None:
        return None
    chosen_unit = unit if unit is not None else parsed.unit if parsed else ""
    chosen = direction or (parsed.direction if parsed else ("down" if number < 0 else "up"))
    return Measure(Decimal(number), chosen_unit, chosen)
