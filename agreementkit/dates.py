"""Calendar arithmetic for terms and review schedules, and the working days of a governing law."""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
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


# The governing laws people write, as the `holidays` package's country and subdivision whose public
# holidays make a day not a working day (the interpretation clause: "a public holiday in <governing
# law>"). Matched after lower-casing and dropping "the", "laws of", "state of" and punctuation.
HOLIDAY_CALENDARS: dict[str, tuple[str, str | None]] = {
    "england and wales": ("GB", "ENG"),
    "england": ("GB", "ENG"),
    "wales": ("GB", "WLS"),
    "scotland": ("GB", "SCT"),
    "northern ireland": ("GB", "NIR"),
    "ireland": ("IE", None),
    "republic of ireland": ("IE", None),
    "netherlands": ("NL", None),
    "switzerland": ("CH", None),
    "germany": ("DE", None),
    "federal republic of germany": ("DE", None),
    "france": ("FR", None),
    "new york": ("US", "NY"),
    "delaware": ("US", "DE"),
    "belgium": ("BE", None),
    "spain": ("ES", None),
    "sweden": ("SE", None),
    "denmark": ("DK", None),
    "singapore": ("SG", None),
}
_LAW_NOISE = re.compile(r"\b(?:the|laws?|of the|state of|commonwealth of)\b|[^a-z ]")


def holiday_region(governing_law: str) -> tuple[str, str | None] | None:
    """The (country, subdivision) whose public holidays a governing law's working days exclude, or
    None when the table has no calendar for it (then only weekends are not working days)."""
    words = " ".join(_LAW_NOISE.sub(" ", governing_law.lower().replace("&", " and ")).split())
    words = re.sub(r"^of ", "", words)
    return HOLIDAY_CALENDARS.get(words)


def holidays_version() -> str:
    """The installed `holidays` package's version: its data decides which days are public holidays,
    so documents record it (a changed date may come from new holiday data, not an edit)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return ""


@dataclass(frozen=True)
class WorkingDays:
    """Which days are working days: Monday to Friday except the public holidays of `region`."""

    region: tuple[str, str | None] | None = None

    @property
    def name(self) -> str:
        """`GB-ENG`, `NL`, or `weekends only`."""
        if self.region is None:
            return "weekends only"
        country, subdivision = self.region
        return f"{country}-{subdivision}" if subdivision else country

    def _holidays(self, year: int) -> frozenset[date]:
        return _public_holidays(self.region, year) if self.region is not None else frozenset()

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def on_or_after(self, day: date) -> date:
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_working(day):
            day -= timedelta(days=1)
        return day

    def before(self, day: date, count: int) -> date:
        """The day `count` working days before `day`."""
        when, left = day, count
        while left:
            when -= timedelta(days=1)
            if self.is_working(when):
                left -= 1
        return when


@lru_cache(maxsize=256)
def _public_holidays(region: tuple[str, str | None], year: int) -> frozenset[date]:
    import holidays

    country, subdivision = region
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


@lru_cache(maxsize=64)
def working_days(governing_law: str) -> WorkingDays:
    """The working days where the agreement's law is: see `holiday_region`."""
    return WorkingDays(holiday_region(governing_law))


def working_days_before(day: date, count: int, calendar: WorkingDays | None = None) -> date:
    """The day `count` working days before `day`: Monday to Friday, less the public holidays of
    `calendar` when given."""
    return (calendar or WorkingDays()).before(day, count)


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
