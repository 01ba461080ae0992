"""The document's timeline as an iCalendar file (RFC 5545), for the parties' calendars.

Every date comes from `Document.timeline`, which assembly fills from the same
values the clauses print; this writer only lays the events out. Each is an
all-day event (DTSTART;VALUE=DATE): the agreement fixes days, not times, and a
review whose hour is set later should not be pinned to midnight in anyone's
time zone.

Two choices keep re-rendering safe:

- UIDs come from the model, built from the agreement's reference (or party
  keys) and the event's kind and number, so importing a revised calendar
  updates its events instead of adding a second copy of each.
- DTSTAMP, which RFC 5545 requires on every event, is the agreement's
  effective date at midnight UTC, not the time of rendering. The same answers
  then give the same bytes (as DOCX and PDF do), so a re-render that changes
  nothing shows no difference in version control or in `cmp`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from ..document import Document
from ..errors import UserError


def write_ics(document: Document) -> bytes:
    """The calendar of the document's dated events, as the bytes of a .ics file."""
    from icalendar import Calendar, Event

    timeline = document.timeline
    if not timeline.events:
        raise UserError(
            f"'{document.title}' has no dates for a calendar: its clauses state no review, report deadline, "
            "objective due date or end of term (a library layer may have switched those clauses off)"
        )
    stamp = datetime.combine(date.fromisoformat(document.metadata.created), time(0), tzinfo=timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", f"-//agreementkit//{document.metadata.generator}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", timeline.name)
    calendar.add("x-wr-caldesc", timeline.about)
    for item in timeline.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + timedelta(days=1))  # all-day: DTEND is the day after, exclusive
        event.add("summary", f"{item.title} \u2014 {timeline.name}")
        event.add("description", f"{item.detail}\n\n{timeline.about}")
        event.add("categories", list(item.categories))
        # A deadline marks a day without making anyone look busy all day.
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
