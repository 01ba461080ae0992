"""Calendar arithmetic for terms and review schedules."""

from __future__ import annotations

import calendar
import os
from datetime import date, datetime, timedelta, timezone
from typing import Any


def as_date(value: Any) -> date | None:
    """A date from an answer that may still be text (`2027-01-15`), or None when it is not one yet."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def review_dates(first: date, every_months: int, until: date) -> list[date]:
    """Every review from `first`, one per period, up to and including `until`.

    Each date is computed from the first one rather than from the previous
    review, so a review on the 31st does not drift to the 28th for good.
    """
    dates: list[date] = []
    index = 0
    while True:
        when = add_months(first, every_months * index)
        if when > until:
            return dates
        dates.append(when)
        index += 1


def working_days_before(day: date, count: int) -> date:
    """The day `count` working days before `day`, counting Monday to Friday.

    Public holidays differ between the parties' countries and the answers do
    not name them, so this is the latest day a "N working days before"
    deadline can fall: a party with a holiday in between must act earlier.
    """
    when = day
    left = count
    while left:
        when -= timedelta(days=1)
        if when.weekday() < 5:
            left -= 1
    return when


def long_date(value: date) -> str:
    """A date as a lawyer writes it: 15 January 2027."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def strategic_review_dates(reviews: list[date], effective: date) -> set[date]:
    """The reviews that double as the annual strategic review.

    The first review on or after each anniversary of the effective date takes
    that role, so the strategic review lands once a year whatever the cadence.
    """
    chosen: set[date] = set()
    year = 1
    for when in reviews:
        while add_months(effective, 12 * (year + 1)) <= when:
            year += 1
        if when >= add_months(effective, 12 * year):
            chosen.add(when)
            year += 1
    return chosen


def last_day_of_term(start: date, months: int) -> date:
    """The last day of a term of `months` from `start`: a 24-month term from
    15 January ends on the 14th, two years on."""
    return add_months(start, months) - timedelta(days=1)


def term_months(start: date, last_day: date) -> int:
    """Whole months from `start` up to and including `last_day`
    (1 March 2027 to 28 February 2029 is 24 months)."""
    after = last_day + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    return months - 1 if after.day < start.day else months


def change_moment(text: str | None = None) -> str:
    """When a change was made, as ISO 8601 in UTC (2027-03-01T09:30:00Z), for a redline's changes
    and a calendar's DTSTAMP: `text` (a date, or a date and time with or without a zone, taken as
    UTC when it has none), else SOURCE_DATE_EPOCH (the reproducible-builds convention, so a build
    gives the same bytes), else the start of today. ValueError names what is wrong."""
    if text:
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{text!r} is not a date or time: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    elif os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        raw = os.environ["SOURCE_DATE_EPOCH"].strip()
        try:
            moment = datetime.fromtimestamp(int(raw), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds since 1970") from None
    else:
        moment = datetime.combine(date.today(), datetime.min.time(), tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
