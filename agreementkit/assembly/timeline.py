"""The partnership's dates, worked out once from the validated answers.

The review schedule, the KPI report deadlines, the objectives' due dates and
the last day of the term are printed by the clauses and listed again by the
calendar writer (`--format ics`). Both take them from here, so the calendar
and the document cannot disagree: the clause context reads
`scheduled_reviews` and `KPI_REPORT_WORKING_DAYS`, and assembly puts
`build_timeline`'s events into the document model, where the calendar writer
only lays them out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import date

from ..answers import Answers
from ..dates import (
    WorkingDays,
    long_date,
    review_dates,
    strategic_review_dates,
    working_days,
)
from ..document import DatedEvent, EventKind, Timeline

# The KPI report reaches the parties this many working days before each review
# (clause review.kpis prints the number from here).
KPI_REPORT_WORKING_DAYS = 5

# The clause that states each kind of date. An event is in the timeline only when
# its clause is in the document, and its description says where to read it.
SOURCES: dict[EventKind, str] = {
    "review": "schedule.reviews",
    "kpi-report": "review.kpis",
    "objective": "schedule.objectives",
    "term-end": "term.duration",
}


@dataclass(frozen=True)
class ScheduledReview:
    """One row of the review schedule."""

    number: int
    date: date  # the day it takes place: a working day
    cadence: str  # "Quarterly", "Six-monthly"
    strategic: bool  # the first review on or after an anniversary doubles as the annual strategic review
    moved_from: dt.date | None = None  # the day the cadence gave, when that was not a working day

    @property
    def kind(self) -> str:
        """The schedule's "Review" column: `Quarterly review and annual strategic review`."""
        return f"{self.cadence} review" + (" and annual strategic review" if self.strategic else "")

    @property
    def title(self) -> str:
        """How a calendar names it: `Quarterly review 4 and annual strategic review`."""
        return f"{self.cadence} review {self.number}" + (" and annual strategic review" if self.strategic else "")


def working_calendar(answers: Answers) -> WorkingDays:
    """The working days of the agreement: Monday to Friday less the public holidays where its
    governing law is (weekends only where no holiday calendar is known for it)."""
    return working_days(answers.agreement.governing_law)


def scheduled_reviews(answers: Answers) -> list[ScheduledReview]:
    """Every review from the first one to the end of the term, each on the day it takes place:
    the cadence's day, or the next working day when that is not one (the previous working day
    when the next would fall after the term's last day). None until a first review is set."""
    agreement, review = answers.agreement, answers.review
    if review.first_review is None:
        return []
    dates = review_dates(review.first_review, review.cadence.months, agreement.end)
    strategic = strategic_review_dates(dates, agreement.effective_date) if review.annual_strategic_review else set()
    cadence = review.cadence.value.replace("semiannual", "six-monthly").capitalize()
    days = working_calendar(answers)
    out = []
    for number, when in enumerate(dates, start=1):
        held = days.on_or_after(when)
        if held > agreement.end:
            held = days.on_or_before(when)
        out.append(ScheduledReview(number, held, cadence, when in strategic, None if held == when else when))
    return out


def calendar_key(answers: Answers) -> str:
    """What every event id of this agreement starts with: its reference, or its party keys
    (sorted, so reordering the parties keeps the ids) when it has none. Characters a
    calendar server might choke on in an id become hyphens."""
    reference = re.sub(r"[^\w.-]+", "-", answers.agreement.reference or "").strip("-")
    return reference or "+".join(sorted(party.key for party in answers.parties))


def build_timeline(answers: Answers, labels: dict[str, str], *, instrument: str, between: str) -> Timeline:
    """The agreement's dated events in date order, for the clauses present (`labels` holds each
    included clause's printed number), named as `instrument` ("MOU") `between` the parties."""
    key = calendar_key(answers)

    def where(clause_id: str) -> str:
        label = labels[clause_id]
        return label if label.startswith("Schedule") else f"clause {label}"

    def event(kind: EventKind, ordinal: int, when: date, title: str, detail: str, *categories: str) -> DatedEvent:
        return DatedEvent(f"{key}-{kind}-{ordinal}@agreementkit", kind, ordinal, when, title,
                          f"{detail} ({where(SOURCES[kind])}).", categories or (title,))

    events: list[DatedEvent] = []
    reviews = scheduled_reviews(answers)
    days = working_calendar(answers)
    law = answers.agreement.governing_law
    counted = (f"Monday to Friday, less public holidays in {law}" if days.region is not None
               else f"Monday to Friday (no public-holiday calendar is known for {law}: allow for its public holidays)")
    if SOURCES["review"] in labels:
        forum = answers.review.forum or answers.governance.body
        also = " It doubles as the annual strategic review" + (f" ({where('review.annual')})." if "review.annual" in labels else ".")
        for review in reviews:
            moved = (f" The schedule's cadence gave {long_date(review.moved_from)}, not a working day, so it takes place "
                     f"on {long_date(review.date)}." if review.moved_from else "")
            events.append(event(
                "review", review.number, review.date, review.title,
                f"{review.cadence} review {review.number} of {len(reviews)}, at the {forum}."
                + (also if review.strategic else "") + moved + f" Working days: {counted}",
                "Review", *(["Annual strategic review"] if review.strategic else [])))
    if SOURCES["kpi-report"] in labels:
        reporter = answers.party(answers.review.kpi_report_by).label if answers.review.kpi_report_by else "the partnership managers"
        for review in reviews:
            events.append(event(
                "kpi-report", review.number, days.before(review.date, KPI_REPORT_WORKING_DAYS),
                f"KPI report for {review.cadence.lower()} review {review.number}",
                f"The report on every key performance indicator, from {reporter}, is due at least "
                f"{KPI_REPORT_WORKING_DAYS} working days before {review.cadence.lower()} review {review.number} "
                f"on {long_date(review.date)}, counting working days as {counted}",
                "KPI report"))
    if SOURCES["objective"] in labels:
        for number, objective in enumerate(answers.objectives, start=1):
            if objective.due is None:
                continue
            owner = answers.party(objective.owner).label if objective.owner else "to be agreed"
            events.append(event(
                "objective", number, objective.due, f"Objective {number} due: {objective.title}",
                f"Objective {number}, {objective.title}, is due. Key performance indicator: {objective.kpi or 'to be agreed'}; "
                f"target: {objective.target or 'to be agreed'}; owner: {owner}",
                "Objective"))
    if SOURCES["term-end"] in labels:
        renews = answers.agreement.renewal == "automatic"
        events.append(event(
            "term-end", 1, answers.agreement.end, "Last day of the term",
            f"The term of this {instrument}, which took effect on {long_date(answers.agreement.effective_date)}, "
            + ("ends today unless it renews itself" if renews else "ends today"),
            "Term"))
    order = list(SOURCES)
    events.sort(key=lambda e: (e.date, order.index(e.kind), e.ordinal))
    names = [party.label for party in answers.parties]
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    reference = f" {answers.agreement.reference}" if answers.agreement.reference else ""
    return Timeline(
        name=f"{joined[:1].upper()}{joined[1:]} {instrument}",
        about=f"{answers.agreement.title}{reference} {between}, effective {long_date(answers.agreement.effective_date)}.",
        events=tuple(events),
        sequence=answers.agreement.revision,
    )
