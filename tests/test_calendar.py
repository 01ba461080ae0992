"""The review calendar (`--format ics`), read back with a real iCalendar parser and held
against the dates the rendered document itself prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import assembled, rendered
from helpers import EXAMPLES, ROOT, example_data, squash, varied, write_answers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from agreementkit.answers import load_answers, validate_answers
from agreementkit.assembly import assemble
from agreementkit.assembly.timeline import build_timeline
from agreementkit.dates import add_months, long_date
from agreementkit.document import Timeline
from agreementkit.errors import UserError
from agreementkit.render import parse_formats, render_bytes


def events(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def by_kind(data: bytes, kind: str) -> list[Any]:
    """The events of one kind, in the order of their number (the UID ends in kind-number@)."""
    found = []
    for event in events(data):
        match = re.search(rf"-{kind}-(\d+)@agreementkit$", str(event["UID"]))
        if match:
            found.append((int(match.group(1)), event))
    return [event for _, event in sorted(found, key=lambda pair: pair[0])]


def day(event: Any) -> date:
    value = event.decoded("DTSTART")
    assert type(value) is date, "deadlines are all-day events (VALUE=DATE)"
    return value


def title(event: Any) -> str:
    """The SUMMARY without the agreement's name after the dash."""
    return str(event["SUMMARY"]).split(" \u2014 ")[0]


def table(markdown: str, heading: str) -> list[list[str]]:
    """The body rows of the first table under a Markdown heading, as cell texts."""
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


# The public holidays of the examples' governing laws, straight from the holidays package.
PLACES = {"England and Wales": ("GB", "ENG"), "the Netherlands": ("NL", None)}


def is_working(when: date, law: str) -> bool:
    import holidays

    country, subdivision = PLACES[law]
    return when.weekday() < 5 and when not in holidays.country_holidays(country, subdiv=subdivision, years=when.year)


def weekdays_before(when: date, count: int, law: str) -> date:
    while count:
        when -= timedelta(days=1)
        count -= is_working(when, law)
    return when


def test_the_calendar_has_exactly_the_dates_the_document_prints(example: Path) -> None:
    """Every review in Schedule 4 (with its strategic-review role), a KPI report before each,
    every objective's due date in Schedule 1 and the last day of the term: read from the
    rendered document, so the calendar and the document can never disagree."""
    markdown = rendered(example, "md").decode("utf-8")
    calendar = rendered(example, "ics")
    reviews = table(markdown, "Schedule 4: Review calendar")
    review_events = by_kind(calendar, "review")
    assert reviews and len(review_events) == len(reviews)
    for (number, printed, kind, _forum), event in zip(reviews, review_events):
        assert long_date(day(event)) == printed
        assert re.sub(rf" {number}\b", "", title(event)) == kind  # "Quarterly review 4 and annual strategic review"
        assert ("Annual strategic review" in event.get("CATEGORIES").cats) == ("annual strategic review" in kind)

    working_days = int(re.search(r"at least (\d+) working days before each review", markdown).group(1))  # type: ignore[union-attr]
    reports = by_kind(calendar, "kpi-report")
    assert len(reports) == len(reviews)
    law = str(example_data(example.stem)["agreement"]["governing_law"])
    for (number, printed, _kind, _forum), event, review in zip(reviews, reports, review_events):
        assert is_working(day(review), law), f"review {number} on {printed} is not a working day in {law}"
        assert day(event) == weekdays_before(day(review), working_days, law) and is_working(day(event), law)
        assert f"review {number}" in title(event) and printed in str(event["DESCRIPTION"])

    due = [(int(row[0]), row[4]) for row in table(markdown, "Schedule 1: Objectives and key performance indicators")
           if row[4] != "To be agreed"]
    objectives = by_kind(calendar, "objective")
    assert [(int(str(e["UID"]).split("-objective-")[1].split("@")[0]), long_date(day(e))) for e in objectives] == due

    term_end = re.search(r"takes effect on [^.]*? and continues (?:for \d+ months, )?until (\d+ \w+ \d{4})", markdown)
    assert term_end is not None
    [end] = by_kind(calendar, "term-end")
    assert long_date(day(end)) == term_end.group(1)

    assert len(events(calendar)) == 2 * len(reviews) + len(due) + 1


def test_every_event_names_the_agreement_and_reads_well_in_a_list(example: Path) -> None:
    answers, document = assembled(example)
    parsed = Calendar.from_ical(rendered(example, "ics"))
    name = str(parsed["X-WR-CALNAME"])
    assert name == document.timeline.name and name.endswith(" MOU" if not answers.agreement.binding else " Agreement")
    assert str(parsed["VERSION"]) == "2.0" and "agreementkit" in str(parsed["PRODID"])
    stamp = datetime.combine(answers.agreement.effective_date, datetime.min.time(), tzinfo=timezone.utc)
    uids = set()
    for event in parsed.walk("VEVENT"):
        assert str(event["SUMMARY"]).endswith(f" \u2014 {name}")
        description = str(event["DESCRIPTION"])
        assert answers.agreement.title in description
        assert all(party.name in description for party in answers.parties)
        assert event.decoded("DTEND") == day(event) + timedelta(days=1)
        assert event.decoded("DTSTAMP") == stamp  # the effective date, never the time of rendering
        uids.add(str(event["UID"]))
    assert len(uids) == len(parsed.walk("VEVENT"))


def test_same_answers_give_the_same_bytes_and_event_ids(example: Path) -> None:
    first = render_bytes(assemble(load_answers(example)), "ics")
    again = render_bytes(assemble(load_answers(example)), "ics")
    assert first == again
    assert b"\r\n" in first and first.startswith(b"BEGIN:VCALENDAR\r\n")


def test_event_ids_survive_a_revision_of_the_answers(tmp_path: Path) -> None:
    """Re-importing a revised calendar updates its events: ids depend on the reference (or the
    party keys) and each event's kind and number, not on wording or party order."""
    data = example_data()
    before = {str(e["UID"]): day(e) for e in events(render_bytes(assemble(validate_answers(data)), "ics"))}
    revised = varied(data, **{"agreement.purpose": "A different purpose.", "objectives.0.due": "2027-08-31",
                              "objectives.0.title": "Pilot with more distributors"})
    after = {str(e["UID"]): day(e) for e in events(render_bytes(assemble(validate_answers(revised)), "ics"))}
    assert before.keys() == after.keys()
    assert after["MOU-2027-014-objective-1@agreementkit"] == date(2027, 8, 31)

    unreferenced = varied(data, **{"agreement.reference": None})
    reordered = varied(unreferenced, parties=list(reversed(data["parties"])))
    ids = [sorted(str(e["UID"]) for e in events(render_bytes(assemble(validate_answers(d)), "ics")))
           for d in (unreferenced, reordered)]
    assert ids[0] == ids[1]
    assert "frostline+harbour+northwind-review-1@agreementkit" in ids[0]


def test_a_reference_with_spaces_or_slashes_gives_clean_ids() -> None:
    data = varied(example_data(), **{"agreement.reference": "MOU 2027/014"})
    uids = {str(e["UID"]) for e in events(render_bytes(assemble(validate_answers(data)), "ics"))}
    assert "MOU-2027-014-term-end-1@agreementkit" in uids


def test_answers_come_out_literally_in_the_calendar() -> None:
    tricky = "Pilot; {{ 7*7 }}, <script>x</script> \\ done"
    data = varied(example_data(), **{"objectives.0.title": tricky})
    [objective] = by_kind(render_bytes(assemble(validate_answers(data)), "ics"), "objective")[:1]
    assert title(objective) == f"Objective 1 due: {tricky}"


def test_events_follow_the_clauses_present() -> None:
    """A layer that switches a clause off takes its dates out of the calendar too."""
    answers, document = assembled(EXAMPLES[0])
    labels = {"schedule.reviews": "Schedule 4", "term.duration": "14.1"}
    timeline = build_timeline(answers, labels, instrument="MOU", between=document.subtitle)
    assert {e.kind for e in timeline.events} == {"review", "term-end"}
    assert all("(Schedule 4)" in e.detail for e in timeline.events if e.kind == "review")


def test_a_document_without_dates_is_refused_with_a_message() -> None:
    _, document = assembled(EXAMPLES[0])
    with pytest.raises(UserError, match="no dates for a calendar"):
        render_bytes(replace(document, timeline=Timeline("x", "x")), "ics")


def test_no_first_review_still_gives_objectives_and_the_end_of_the_term() -> None:
    data = varied(example_data(), **{"review.first_review": None})
    calendar = render_bytes(assemble(validate_answers(data)), "ics")
    assert not by_kind(calendar, "review") and not by_kind(calendar, "kpi-report")
    assert len(by_kind(calendar, "objective")) == 3 and len(by_kind(calendar, "term-end")) == 1


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


def test_render_writes_a_calendar_beside_the_documents_or_alone(tmp_path: Path) -> None:
    example = ROOT / "examples" / "cold-chain-pilot.yaml"
    result = run("render", example, "-o", tmp_path / "out", "--format", "docx,pdf,ics")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cold-chain-pilot.docx", "cold-chain-pilot.ics", "cold-chain-pilot.pdf"]
    assert (tmp_path / "out" / "cold-chain-pilot.ics").read_bytes() == rendered(example, "ics")
    result = run("render", example, "-o", tmp_path / "reviews.ics")
    assert result.returncode == 0 and result.stdout.strip() == f"wrote {tmp_path / 'reviews.ics'}"
    assert (tmp_path / "reviews.ics").read_bytes() == rendered(example, "ics")
    result = run("render", example, "-o", tmp_path / "reviews.ics", "--format", "pdf")
    assert result.returncode == 2 and "names a .ics file" in result.stderr and "Traceback" not in result.stderr


def test_batch_rendering_writes_one_calendar_per_agreement(tmp_path: Path) -> None:
    result = run("render", *EXAMPLES, "-o", tmp_path / "out", "--format", "ics", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{p.stem}.ics" for p in EXAMPLES)
    for example in EXAMPLES:
        assert (tmp_path / "out" / f"{example.stem}.ics").read_bytes() == rendered(example, "ics")


def test_ics_is_a_format_new_records_in_its_draft(tmp_path: Path) -> None:
    from agreementkit.interview.draft import Draft, load_draft

    formats = parse_formats("docx, ICS")
    assert formats == ["docx", "ics"]
    Draft(tmp_path / "draft.yaml", formats=formats).save()
    assert load_draft(tmp_path / "draft.yaml").formats == ["docx", "ics"]


def test_new_writes_the_calendar_it_was_asked_for(tmp_path: Path) -> None:
    from terminal import drive
    from test_questionnaire import QUICK_KEYS

    from agreementkit.interview.draft import Draft

    run_ = drive(QUICK_KEYS, Draft(tmp_path / "draft.yaml", quick=True), tmp_path, formats=["md", "ics"])
    assert run_.result is not None
    calendar = (tmp_path / "acme-beta-mou.ics").read_bytes()
    [objective] = by_kind(calendar, "objective")
    assert day(objective) == date(2027, 6, 30)
    assert str(Calendar.from_ical(calendar)["X-WR-CALNAME"]) == "Acme and Beta MOU"
    assert f"wrote {tmp_path / 'acme-beta-mou.ics'}" in run_.printed


def test_unknown_format_lists_ics_among_the_choices(tmp_path: Path) -> None:
    path = write_answers(tmp_path, example_data())
    result = run("render", path, "-o", tmp_path, "--format", "ical")
    assert result.returncode == 2 and "choose from docx, pdf, html, md, ics" in result.stderr


# -- revisions, timestamps and one working-day rule ---------------------------------------------

def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=240,
                          env={**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, "NO_COLOR": "1",
                               **(env or {})})


def test_the_revision_is_every_events_sequence_and_the_timestamp_is_never_the_clock(tmp_path: Path) -> None:
    answers = write_answers(tmp_path, varied(example_data(), **{"agreement.revision": 3}))
    first = _cli("render", str(answers), "-o", str(tmp_path / "a.ics"), "--date", "2027-02-01")
    assert first.returncode == 0, first.stderr
    calendar = (tmp_path / "a.ics").read_bytes()
    assert {int(e["SEQUENCE"]) for e in events(calendar)} == {3}
    assert {e.decoded("DTSTAMP") for e in events(calendar)} == {datetime(2027, 2, 1, tzinfo=timezone.utc)}
    assert _cli("render", str(answers), "-o", str(tmp_path / "b.ics"), "--date", "2027-02-01").returncode == 0
    assert (tmp_path / "b.ics").read_bytes() == calendar
    # SOURCE_DATE_EPOCH when no --date is given; the effective date when neither is.
    assert _cli("render", str(answers), "-o", str(tmp_path / "c.ics"), env={"SOURCE_DATE_EPOCH": "1800000000"}).returncode == 0
    assert {e.decoded("DTSTAMP") for e in events((tmp_path / "c.ics").read_bytes())} == {
        datetime.fromtimestamp(1800000000, tz=timezone.utc)}
    assert _cli("render", str(answers), "-o", str(tmp_path / "d.ics")).returncode == 0
    assert {e.decoded("DTSTAMP") for e in events((tmp_path / "d.ics").read_bytes())} == {datetime(2027, 1, 15, tzinfo=timezone.utc)}
    bad = _cli("render", str(answers), "-o", str(tmp_path / "e.ics"), "--date", "next tuesday")
    assert bad.returncode == 2 and "--date" in bad.stderr and "Traceback" not in bad.stderr


def test_compare_writes_the_calendar_changes_a_shortened_term_cancels(tmp_path: Path) -> None:
    old = write_answers(tmp_path, example_data(), "v1.yaml")
    new = write_answers(tmp_path, varied(example_data(), **{"agreement.term_months": 18}), "v2.yaml")
    result = _cli("compare", str(old), str(new), "-o", str(tmp_path / "changes.ics"), "--date", "2027-03-01")
    assert result.returncode == 0, result.stderr
    changes = events((tmp_path / "changes.ics").read_bytes())
    cancelled = sorted(str(e["UID"]) for e in changes if str(e.get("STATUS")) == "CANCELLED")
    before = {str(e["UID"]) for e in events(rendered(EXAMPLES[0], "ics"))}
    after = {str(e["UID"]) for e in events(render_bytes(assemble(load_answers(new)), "ics"))}
    assert cancelled == sorted(before - after) and len(cancelled) == 4  # reviews 6 and 7 and their KPI reports
    assert {int(e["SEQUENCE"]) for e in changes} == {1}  # both drafts say revision 0: the changes are revision 1
    assert all(str(e["SUMMARY"]).startswith("Cancelled: ") for e in changes if str(e.get("STATUS")) == "CANCELLED")


def test_drafts_with_the_same_dates_write_the_other_redlines_and_no_calendar(tmp_path: Path) -> None:
    """No calendar changes is not a reason to lose the DOCX asked for beside them; alone, the .ics is refused."""
    old = write_answers(tmp_path, example_data(), "v1.yaml")
    new = write_answers(tmp_path, varied(example_data(), **{"agreement.purpose": "To pilot a shared tracking service."}), "v2.yaml")
    both = _cli("compare", str(old), str(new), "-o", str(tmp_path / "out"), "--format", "docx,ics", "--date", "2027-03-01")
    assert both.returncode == 0, both.stderr
    assert (tmp_path / "out" / "v2-redline.docx").exists() and not (tmp_path / "out" / "v2-redline.ics").exists()
    assert "not written: " in both.stdout and "no calendar changes" in both.stdout
    alone = _cli("compare", str(old), str(new), "-o", str(tmp_path / "changes.ics"), "--date", "2027-03-01")
    assert alone.returncode == 2 and "no calendar changes" in alone.stderr and "Traceback" not in alone.stderr
    assert not (tmp_path / "changes.ics").exists()


def _monthly(**changes: Any) -> Any:
    """Cold-chain answers with a 24-month term ending on Sunday 14 January 2029 and a review on the 14th of each month."""
    data = varied(example_data(), **{"review.cadence": "monthly", "review.first_review": "2027-02-14", **changes})
    return validate_answers(data)


def test_reviews_fall_on_working_days_and_never_after_the_term() -> None:
    from agreementkit.assembly.timeline import scheduled_reviews

    reviews = scheduled_reviews(_monthly())
    last = reviews[-1]
    assert last.moved_from == date(2029, 1, 14)  # a Sunday, the term's last day: the next working day is too late
    assert last.date == date(2029, 1, 12)  # so it moves back to the Friday before
    for review in reviews:
        assert is_working(review.date, "England and Wales"), review
    markdown = render_bytes(assemble(_monthly()), "md").decode()
    assert "| 24 | 12 January 2029 | Monthly review |" in markdown
    sunday = next(r for r in reviews if r.moved_from == date(2027, 11, 14))  # a Sunday
    assert sunday.date == date(2027, 11, 15)


def test_where_no_holiday_calendar_is_known_only_weekends_are_not_working_days() -> None:
    from agreementkit.assembly.timeline import scheduled_reviews
    from agreementkit.dates import holiday_region

    assert holiday_region("the laws of Atlantis") is None
    england = {r.number: r.date for r in scheduled_reviews(_monthly(**{"review.first_review": "2027-02-25"}))}
    nowhere = {r.number: r.date for r in scheduled_reviews(_monthly(**{"review.first_review": "2027-02-25",
                                                                       "agreement.governing_law": "Atlantis"}))}
    assert england[11] == date(2027, 12, 29)  # 25 December 2027 is a Saturday; the 27th and 28th are bank holidays
    assert nowhere[11] == date(2027, 12, 27)  # weekends only


@pytest.mark.parametrize(("law", "region"), [
    ("England and Wales", ("GB", "ENG")), ("the laws of England and Wales", ("GB", "ENG")), ("Scotland", ("GB", "SCT")),
    ("Northern Ireland", ("GB", "NIR")), ("Ireland", ("IE", None)), ("the Netherlands", ("NL", None)),
    ("Switzerland", ("CH", None)), ("Germany", ("DE", None)), ("France", ("FR", None)),
    ("the State of New York", ("US", "NY")), ("Delaware", ("US", "DE"))])
def test_governing_laws_people_write_map_to_a_holiday_calendar(law: str, region: tuple[str, str | None]) -> None:
    from agreementkit.dates import holiday_region, working_days

    assert holiday_region(law) == region
    assert working_days(law).is_working(date(2027, 12, 25)) is False  # a Saturday everywhere, a holiday in most


# -- one working-day rule, over generated answers ------------------------------------------------

# The governing laws people write and the public holidays they mean, as the test knows them (not
# read from agreementkit's table); None: no calendar maps, so weekends only.
LAWS: dict[str, tuple[str, str | None] | None] = {
    "England and Wales": ("GB", "ENG"), "the laws of Scotland": ("GB", "SCT"), "Northern Ireland": ("GB", "NIR"),
    "Ireland": ("IE", None), "the Netherlands": ("NL", None), "Germany": ("DE", None), "France": ("FR", None),
    "Switzerland": ("CH", None), "the State of New York": ("US", "NY"), "Delaware": ("US", "DE"), "Atlantis": None,
}


def _oracle_working(when: date, region: tuple[str, str | None] | None) -> bool:
    import holidays

    if when.weekday() >= 5:
        return False
    return region is None or when not in holidays.country_holidays(region[0], subdiv=region[1], years=when.year)


def _cadence_days(first: date, months: int, last: date) -> list[date]:
    from dateutil.relativedelta import relativedelta

    out, index = [], 0
    while (when := first + relativedelta(months=months * index)) <= last:
        out.append(when)
        index += 1
    return out


@st.composite
def _review_answers(draw: st.DrawFn) -> dict[str, Any]:
    """An example with its governing law, effective date, term, cadence and first review drawn."""
    data = example_data(draw(st.sampled_from([p.stem for p in EXAMPLES])))
    from dateutil.relativedelta import relativedelta

    start = date(2027, 1, 1) + timedelta(days=draw(st.integers(0, 1100)))
    months = draw(st.integers(3, 40))
    cadence = draw(st.sampled_from(["monthly", "quarterly", "semiannual", "annual"]))
    at_the_end = draw(st.booleans())  # a review on the term's last day, a weekend: it cannot move forward
    while at_the_end and (add_months(start, months) - timedelta(days=1)).weekday() < 5:
        start += timedelta(days=1)
    end = add_months(start, months) - timedelta(days=1)
    if at_the_end:
        first = end - relativedelta(months=draw(st.integers(0, 2)) * {"monthly": 1, "quarterly": 3}.get(cadence, 0))
        first = max(first, start)
    else:
        first = start + timedelta(days=draw(st.integers(0, (end - start).days)))
    agreement = data["agreement"]
    agreement.pop("end_date", None)
    agreement.update(governing_law=draw(st.sampled_from(list(LAWS))), effective_date=start.isoformat(), term_months=months)
    data["review"].update(cadence=cadence, first_review=first.isoformat())
    for objective in data.get("objectives", []):
        objective["due"] = None  # the drawn term decides what fits; objectives' own dates are not moved
    termination = data.get("termination") or {}
    if isinstance(termination.get("minimum_months"), int) and termination["minimum_months"] >= months:
        termination.pop("minimum_months")
    return data


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_review_answers())
def test_the_schedule_the_clause_and_the_calendar_agree_on_working_days(data: dict[str, Any]) -> None:
    """Whatever the law, term and cadence: Schedule 4, clause 8.2's first review, the review events and
    the KPI report deadlines give the same days; each is a working day of the law's place (the
    holidays package's public holidays, or weekends only), the cadence's day when that is one, else
    the next working day, or the one before where the next would pass the term's end."""
    answers = validate_answers(data)
    document = assemble(answers)
    markdown = render_bytes(document, "md").decode("utf-8")
    calendar = render_bytes(document, "ics")
    region = LAWS[str(data["agreement"]["governing_law"])]
    end = answers.agreement.end
    cadence = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}[data["review"]["cadence"]]
    expected = []
    for when in _cadence_days(date.fromisoformat(data["review"]["first_review"]), cadence, end):
        held = when
        while not _oracle_working(held, region):
            held += timedelta(days=1)
        if held > end:
            held = when
            while not _oracle_working(held, region):
                held -= timedelta(days=1)
        expected.append(long_date(held))
    printed = [row[1] for row in table(markdown, "Schedule 4: Review calendar")]
    assert printed == expected
    assert [long_date(day(e)) for e in by_kind(calendar, "review")] == expected
    assert f"the first review taking place on {expected[0]}." in squash(markdown)
    working = int(re.search(r"at least (\d+) working days before each review", markdown).group(1))  # type: ignore[union-attr]
    for report, review in zip(by_kind(calendar, "kpi-report"), by_kind(calendar, "review"), strict=True):
        when, count = day(review), working
        while count:
            when -= timedelta(days=1)
            count -= _oracle_working(when, region)
        assert day(report) == when, (str(report["SUMMARY"]), day(report), when)
