"""What expressions reckon with answers: dates, the term's end, working days, totals by
currency, party kinds, the words of a text.

Question files (`when`, `default`, `validate`) and health-check rules (`when`,
`for_each`, `let` and their messages) run in the same sandbox and see answers
as plain data: dates as ISO text (`2027-01-15`, which compares correctly as
text), numbers as numbers, choices as their values. These filters are the
computations they share, each written and tested once, so that no rule needs
Python of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..dates import as_date, term_months, working_days_before

# Parts of one state share a country: a cross-border point is about countries.
_UK = {"england and wales", "england", "wales", "scotland", "northern ireland", "united kingdom", "uk"}
_STOPWORDS = {
    "the", "and", "for", "with", "than", "that", "this", "from", "into", "each", "more", "less", "fewer",
    "by", "of", "at", "to", "in", "on", "is", "are", "be", "not", "any", "all", "its", "their", "per",
}


def _field(entry: Any, name: str) -> Any:
    return entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)


def country_of(jurisdiction: Any) -> str:
    """The country of a jurisdiction as people write it: `Scotland` -> `united kingdom`,
    `Munich, Germany` -> `germany`."""
    text = str(jurisdiction or "").strip().lower()
    text = text.rsplit(",", 1)[-1].strip() if "," in text else text
    text = text.removeprefix("the ")
    return "united kingdom" if text in _UK else text


def countries(parties: Any) -> list[str]:
    """The countries the parties are in, each once, sorted: `parties | countries | length > 1`."""
    return sorted({country_of(_field(p, "jurisdiction")) for p in parties or []})


def kinds(parties: Any) -> list[str]:
    """The kinds of the parties (company, university, …), each once, sorted."""
    return sorted({str(_value(_field(p, "kind"))) for p in parties or [] if _field(p, "kind")})


def of_party(entries: Any, key: Any, attribute: str = "party") -> list[Any]:
    """The entries of one party: `resources | of_party('aurora')`, `objectives | of_party(k, 'owner')`."""
    return [e for e in entries or [] if _field(e, attribute) == key]


def totals_by_currency(entries: Any) -> dict[str, Decimal]:
    """Stated values added up per currency, in first-use order: `resources | of_party(k) | totals_by_currency`."""
    totals: dict[str, Decimal] = {}
    for entry in entries or []:
        value, currency = _field(entry, "value"), _field(entry, "currency")
        if value is not None and currency:
            totals[str(currency)] = totals.get(str(currency), Decimal(0)) + Decimal(str(value))
    return {currency: amount for currency, amount in totals.items() if amount > 0}


def words(text: Any) -> list[str]:
    """The telling words of a text, or of a list of texts together (lower case, no little words),
    sorted: what a KPI and an exit trigger have in common."""
    texts: Iterable[Any] = text if isinstance(text, (list, tuple)) else [text]
    found = {w for t in texts if t for w in re.findall(r"[a-z0-9%]+", str(t).lower()) if len(w) > 2 and w not in _STOPWORDS}
    return sorted(found)


def common(left: Any, right: Any) -> list[Any]:
    """The items in both lists, in the first list's order: `triggers | words | common(measures | words)`."""
    others = list(right or [])
    return [item for item in left or [] if item in others]


def number(value: Any) -> str:
    """A number as people write it: `100`, `33.5`, never `100.00` or `1E+2`."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = format(amount.normalize(), "f")
    return text


def term_end(agreement: Any) -> str:
    """The last day of the term (ISO), whether it is given as an end date or as months; nothing
    while it cannot be told."""
    from ..answers import term_end as reckon

    plain = agreement if isinstance(agreement, dict) else {}
    end = reckon(plain)
    return end.isoformat() if end else ""


def term_length(agreement: Any) -> int:
    """The term in whole months, however it is given (0 while it cannot be told)."""
    plain = agreement if isinstance(agreement, dict) else {}
    if plain.get("term_months"):
        try:
            return int(str(plain["term_months"]))
        except ValueError:
            return 0
    start, end = as_date(plain.get("effective_date")), as_date(term_end(plain))
    return term_months(start, end) if start and end else 0


def working_days_earlier(day: Any, count: Any) -> str:
    """The day (ISO) `count` working days (Monday to Friday) before a date: a report deadline."""
    start = as_date(day)
    try:
        return working_days_before(start, int(count)).isoformat() if start else ""
    except (TypeError, ValueError):
        return ""


def working_days_between(start: Any, end: Any) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`; 0 when either is unset."""
    first, last = as_date(start), as_date(end)
    if not first or not last or last <= first:
        return 0
    days = (last - first).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (first.toordinal() + offset) % 7 not in (6, 0):  # date.toordinal() % 7: 6 Saturday, 0 Sunday
            count += 1
    return count


def _value(choice: Any) -> Any:
    return getattr(choice, "value", choice)


def target_problem(target: Any) -> str:
    """Why a target's text cannot be read as the number a review measures ("it holds no number"),
    or nothing when it can ("8 distributors", "-20%"): see `agreementkit.targets`."""
    from ..targets import read_target

    if target is None or target == "":
        return ""
    return read_target(str(target))[1]


def measurable(target: Any) -> bool:
    """Whether a target's text reads as one number, its unit and which way is better."""
    from ..targets import measurable as readable

    return readable(None if target is None else str(target))


FILTERS = {
    "measurable": measurable,
    "target_problem": target_problem,
    "country_of": country_of,
    "countries": countries,
    "kinds": kinds,
    "of_party": of_party,
    "totals_by_currency": totals_by_currency,
    "words": words,
    "common": common,
    "number": number,
    "term_end": term_end,
    "term_length": term_length,
    "working_days_earlier": working_days_earlier,
    "working_days_between": working_days_between,
}

__all__ = ["FILTERS", *FILTERS]
