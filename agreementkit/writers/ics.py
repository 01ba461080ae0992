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
- SEQUENCE is the draft's revision (`agreement.revision`), so a calendar that
  imported revision 1 takes revision 2's dates for the same events (RFC 5545
  3.8.7.4: a higher sequence supersedes).
- DTSTAMP, which RFC 5545 requires on every event, is never the clock: it is
  the date given (`--date`), else SOURCE_DATE_EPOCH when set, else the
  agreement's effective date at midnight UTC. The same answers then give the
  same bytes (as DOCX and PDF do), so a re-render that changes nothing shows no
  difference in version control or in `cmp`.

A calendar of changes (`compare -o changes.ics`) holds only what an import
needs to bring the old draft's calendar to the new one: events that moved or
changed and new events, at the new revision, and the old draft's events the
new one no longer has with STATUS:CANCELLED.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone

from ..document import Document
from ..errors import UserError


def _stamp(document: Document) -> datetime:
    timeline = document.timeline
    if timeline.stamp:
        return datetime.fromisoformat(timeline.stamp.replace("Z", "+00:00"))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.combine(date.fromisoformat(document.metadata.created), time(0), tzinfo=timezone.utc)


def write_ics(document: Document) -> bytes:
    """The calendar of the document's dated events, as the bytes of a .ics file."""
    from icalendar import Calendar, Event

    timeline = document.timeline
    if not timeline.events:
        if document.redline is not None:
            raise UserError("the two drafts give the same dates: there are no calendar changes to write")
        raise UserError(
            f"'{document.title}' has no dates for a calendar: its clauses state no review, report deadline, "
            "objective due date or end of term (a library layer may have switched those clauses off)"
        )
    stamp = _stamp(document)
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
        event.add("sequence", timeline.sequence)
        if item.cancelled:
            event.add("status", "CANCELLED")
        event.add("dtstart", item.date)
        event.add("dtend", item.date + timedelta(days=1))  # all-day: DTEND is the day after, exclusive
        event.add("summary", ("Cancelled: " if item.cancelled else "") + f"{item.title} \u2014 {timeline.name}")
        event.add("description", f"{item.detail}\n\n{timeline.about}")
        event.add("categories", list(item.categories))
        # A deadline marks a day without making anyone look busy all day.
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
