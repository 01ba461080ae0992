"""Every bundled example, rendered for real and read back in DOCX and PDF."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import assembled, rendered
from helpers import DocxView, PdfView, in_order

from agreementkit.dates import long_date

SECTION_TITLES = [
    "Parties and background",
    "Purpose and shared objectives",
    "Contributions and complementary strengths",
    "Roles and responsibilities",
    "Resources and costs",
    "Governance and decision rights",
    "Partnership managers and communication",
    "Performance monitoring and review",
    "Resolving disagreements",
    "Risk management and change",
    "Confidentiality and information sharing",
    "Intellectual property",
    "Independence of the Parties",
    "Term, termination and exit",
    "Legal status, governing law and language",
    "General provisions",
]
SCHEDULES = [
    "Schedule 1: Objectives and key performance indicators",
    "Schedule 2: Responsibilities matrix",
    "Schedule 3: {resources}",
    "Schedule 4: Review calendar",
    "Schedule 5: Escalation ladder",
]


def raw(example: Path) -> dict:
    return yaml.safe_load(example.read_text(encoding="utf-8"))


def _section_titles(example: Path) -> list[str]:
    """The numbered sections this example has: selling together adds one."""
    titles = list(SECTION_TITLES)
    if raw(example).get("commercial"):
        titles.insert(titles.index("Resources and costs") + 1, "Customers and revenue")
    return titles


def _schedule_titles(example: Path) -> list[str]:
    """Schedule 3 is titled for what it holds: cost shares are named only where costs are shared."""
    answers, _ = assembled(example)
    shared = answers.costs.model == "shared"
    if answers.resources and shared:
        resources = "Resources and cost shares"
    else:
        resources = "Cost shares" if shared else "Resources"
    return [title.format(resources=resources) for title in SCHEDULES]


def test_every_section_heading_is_numbered_in_sequence(example: Path) -> None:
    docx = DocxView(rendered(example, "docx"))
    sections = docx.styled("Heading 1")
    titles = _section_titles(example)
    assert sections[: len(titles)] == [f"{n}. {t}" for n, t in enumerate(titles, 1)]
    assert "Signatures" in sections
    assert docx.styled("Schedule Heading") == _schedule_titles(example)


def test_clause_numbers_run_1_1_1_2_within_each_section(example: Path) -> None:
    docx = DocxView(rendered(example, "docx"))
    current, expected_clause = 0, 0
    for style, text in docx.paragraphs:
        if style == "Heading 1" and re.match(r"\d+\. ", text):
            assert int(text.split(".")[0]) == current + 1, text
            current, expected_clause = int(text.split(".")[0]), 0
        elif style in ("Heading 1", "Schedule Heading"):
            break
        elif style == "Heading 2" and current:
            expected_clause += 1
            assert text.startswith(f"{current}.{expected_clause} "), text
    assert current == len(_section_titles(example))


def test_pdf_has_the_same_headings_in_the_same_order(example: Path) -> None:
    docx = DocxView(rendered(example, "docx"))
    pdf = PdfView(rendered(example, "pdf"))
    headings = [t for s, t in docx.paragraphs if s in ("Heading 1", "Heading 2", "Schedule Heading")]
    assert len(headings) > 60
    assert in_order(pdf.text, headings) == []


def test_parties_and_objectives_appear_in_both_formats(example: Path) -> None:
    answers = raw(example)
    docx = DocxView(rendered(example, "docx"))
    pdf = PdfView(rendered(example, "pdf"))
    for party in answers["parties"]:
        assert party["name"] in docx.text
        assert party["name"] in pdf.text
        assert party["signatory"]["name"] in pdf.text
    for objective in answers["objectives"]:
        assert objective["title"] in docx.text
        assert objective["title"] in pdf.text


def test_parties_table_lists_every_party(example: Path) -> None:
    answers = raw(example)
    table = DocxView(rendered(example, "docx")).tables[0]
    assert table[0][:2] == ["Party", "Referred to as"]
    assert [row[0] for row in table[1:]] == [p["name"] for p in answers["parties"]]


def _table_after(docx: DocxView, header: list[str]) -> list[list[str]]:
    for table in docx.tables:
        if table[0][: len(header)] == header:
            return table
    raise AssertionError(f"no table with header {header}")


def test_objectives_schedule_has_a_row_per_objective(example: Path) -> None:
    answers = raw(example)
    table = _table_after(DocxView(rendered(example, "docx")), ["No.", "Objective"])
    rows = table[1:]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(answers["objectives"]) + 1)]
    for row, objective in zip(rows, answers["objectives"]):
        assert row[1] == objective["title"]
        assert row[2] == objective["kpi"]
        assert row[3] == str(objective["target"])


def test_responsibilities_schedule_names_each_role(example: Path) -> None:
    answers = raw(example)
    table = _table_after(DocxView(rendered(example, "docx")), ["Party", "Role", "Duties"])
    assert [r[1] for r in table[1:]] == [r["role"] for r in answers["responsibilities"]]
    for row, responsibility in zip(table[1:], answers["responsibilities"]):
        for duty in responsibility["duties"]:
            assert duty in row[2]


def test_resources_schedule_totals_each_currency(example: Path) -> None:
    answers = raw(example)
    table = _table_after(DocxView(rendered(example, "docx")), ["Party", "Type", "Description", "Value"])
    body = [r for r in table[1:] if not r[0].startswith("Total")]
    totals = [r for r in table[1:] if r[0].startswith("Total")]
    assert len(body) == len(answers["resources"])
    sums: dict[str, int] = {}
    for resource in answers["resources"]:
        sums[resource["currency"]] = sums.get(resource["currency"], 0) + resource["value"]
    assert len(totals) == len(sums)
    for currency, total in sums.items():
        assert any(row[3] == f"{currency} {total:,}" for row in totals), (currency, totals)


def test_review_calendar_lists_every_review_in_the_term(example: Path) -> None:
    """One review per cadence from the first, inside the term, each on the working day it takes
    place: the cadence's day, or the next working day (the one before at the term's end)."""
    import holidays

    answers, document = assembled(example)
    table = _table_after(DocxView(rendered(example, "docx")), ["No.", "Date", "Review"])
    dates = [row[1] for row in table[1:]]
    step = answers.review.cadence.months
    from datetime import timedelta

    from agreementkit.dates import add_months

    country, subdivision = {"England and Wales": ("GB", "ENG"), "the Netherlands": ("NL", None)}[answers.agreement.governing_law]

    def working(day: object) -> bool:
        return day.weekday() < 5 and day not in holidays.country_holidays(country, subdiv=subdivision, years=day.year)  # type: ignore[attr-defined]

    expected = []
    when = answers.review.first_review
    index = 0
    while when <= answers.agreement.end:
        held = when
        while not working(held):
            held += timedelta(days=1)
        if held > answers.agreement.end:
            held = when
            while not working(held):
                held -= timedelta(days=1)
        expected.append(long_date(held))
        index += 1
        when = add_months(answers.review.first_review, step * index)
    assert dates == expected
    if answers.review.annual_strategic_review:
        assert any("annual strategic review" in row[2] for row in table[1:])


def test_escalation_ladder_has_one_row_per_step(example: Path) -> None:
    answers = raw(example)
    table = _table_after(DocxView(rendered(example, "docx")), ["Step", "What happens"])
    assert [r[0] for r in table[1:]] == [str(i) for i in range(1, len(answers["disputes"]["steps"]) + 1)]


def test_one_signature_block_per_party(example: Path) -> None:
    answers = raw(example)
    docx = DocxView(rendered(example, "docx"))
    pdf = PdfView(rendered(example, "pdf"))
    blocks = docx.styled("Signature Party")
    assert [b.split(", a")[0] for b in blocks] == [f"Signed for and on behalf of {p['name']}" for p in answers["parties"]]
    for block, party in zip(blocks, answers["parties"]):
        # Who exactly is bound: its legal form, where it is registered, its numbers.
        if party.get("legal_form"):
            assert party["jurisdiction"] in block
            for number in (party.get("registration_number"), party.get("charity_number")):
                assert number is None or number in block
    assert pdf.text.count("Signed for and on behalf of") == len(answers["parties"])
    for party in answers["parties"]:
        assert f"Name\t{party['signatory']['name']}" in docx.styled("Signature Detail")


def test_page_numbers_and_running_header(example: Path) -> None:
    answers = raw(example)
    pdf = PdfView(rendered(example, "pdf"))
    total = len(pdf.pages)
    assert f"Page 1 of {total}" in pdf.pages[0]
    assert f"Page {total} of {total}" in pdf.pages[-1]
    assert answers["agreement"]["title"] in pdf.pages[1].splitlines()[0] + pdf.pages[1]
    docx = DocxView(rendered(example, "docx"))
    section = docx.doc.sections[0]
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert section.header.paragraphs[0].text == answers["agreement"]["title"]


def test_metadata_records_title_authors_and_trace(example: Path) -> None:
    answers, document = assembled(example)
    docx = DocxView(rendered(example, "docx"))
    props = docx.doc.core_properties
    assert props.title == answers.agreement.title
    assert props.subject == answers.agreement.purpose
    assert all(p.name in props.author for p in answers.parties)
    trace = [part for part in docx.doc.part.package.iter_parts() if str(part.partname) == "/customXml/agreementkit.xml"]
    assert trace and answers.fingerprint().encode() in trace[0].blob
    assert b'id="legal.status"' in trace[0].blob
    pdf = PdfView(rendered(example, "pdf"))
    info = pdf.reader.metadata
    assert info.title == answers.agreement.title
    assert info["/agreementkitanswerssha256"] == answers.fingerprint()
    from agreementkit.library import load_library

    assert f"legal.status@{load_library().clauses['legal.status'].meta.version}" in info["/agreementkitclauses"]


def test_rendering_is_reproducible(example: Path) -> None:
    from agreementkit.render import render_bytes

    _, document = assembled(example)
    assert render_bytes(document, "docx") == rendered(example, "docx")
    assert render_bytes(document, "md") == rendered(example, "md")
