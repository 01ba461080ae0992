"""`agreementkit library import`: a firm's Word precedent, in every shape firms have, made into a layer.

Each shape is built with python-docx as Word stores it; the import must give
the clauses, the typed questions, the mapped answers, the defined terms and
the references the precedent holds, a layer that lints without errors, a
scenario that passes, and the round trip: the rendered scenario with each
mapped sample put back as its placeholder reads as the precedent, paragraph
by paragraph.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from precedents import Precedent, paragraph_texts

from agreementkit.toolkit.precedent import ImportResult, import_precedent
from agreementkit.toolkit.precedent.blanks import Mapped


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


# --- the shapes ------------------------------------------------------------------------------


def heading_styles(path: Path) -> Path:
    doc = Precedent()
    doc.title("Collaboration Memorandum")
    doc.p("This Memorandum is dated [date] and is made between [PARTY A NAME] and [PARTY B NAME].")
    doc.heading("Project", 1)
    doc.heading("Scope", 2)
    doc.p('The Parties will collaborate on [project name] (the "Project") and will *use reasonable endeavours* to finish it.')
    doc.heading("Milestones", 2)
    doc.p("The first milestone of the Project is due on [milestone date] at [insert venue].")
    doc.heading("Fees", 1)
    doc.heading("Fee", 2)
    doc.p("A fee of \u00a3[amount] is payable within [\u25cf] days of an invoice; late payments bear interest at [\u25cf]% a year.")
    doc.heading("Governing law", 1)
    doc.heading("Law", 2)
    doc.p("This Memorandum is governed by the laws of [England and Wales].")
    return doc.save(path)


def word_numbering(path: Path) -> Path:
    doc = Precedent()
    headings = doc.numbering(("decimal", "%1."), ("decimal", "%1.%2"))
    doc.number_style("Heading 1", headings, 0)
    doc.number_style("Heading 2", headings, 1)
    items = doc.numbering(("lowerLetter", "(%1)"))
    doc.title("Partnership Memorandum")
    doc.heading("Purpose", 1)
    doc.heading("Objectives", 2)
    doc.p("The Parties aim to [describe the shared objective]. Each Party will:")
    doc.p("share [\u25cf] staff with the other;", numbering=(items, 0))
    doc.p("meet every month; and", numbering=(items, 0))
    doc.p("pay its share of the costs under clause 2.1.", numbering=(items, 0))
    doc.heading("Costs", 1)
    doc.heading("Fee", 2)
    doc.p("The fee is [amount], payable to the [Lead Party] as clause 1.1 sets out.")
    doc.heading("Expenses", 2)
    doc.p("Each Party bears its own expenses, except as clause 2.1 says.")
    return doc.save(path)


def typed_numbers(path: Path) -> Path:
    doc = Precedent()
    doc.p("**MEMORANDUM OF UNDERSTANDING**")
    doc.p("**1. DEFINITIONS**")
    doc.p('1.1 In this Memorandum "Deliverables" means the items listed in clause 3.2 and "Confidential Information" '
          "means what either Party marks as confidential.")
    doc.p("**2. PURPOSE**")
    doc.p("2.1 The Parties will co-operate on [\u25cf] to produce the Deliverables.")
    doc.p("**3. DELIVERY**")
    doc.p("3.1 **Timing.** The Deliverables are due by [delivery date].")
    doc.p("3.2 **Items.** The Deliverables are a report and [\u25cf] workshops.")
    doc.p("**4. TERM**")
    doc.p("4.1 This Memorandum continues for a term of [\u25cf] months.")
    return doc.save(path)


def clause_headings(path: Path) -> Path:
    doc = Precedent()
    doc.p("**Clause 1 \u2013 Purpose**")
    doc.p("The Parties will work together on [project].")
    doc.p("**Clause 2 \u2013 Contributions**")
    doc.p("Each Party will give [\u25cf] hours a month to the work described in Clause 1.")
    doc.p("**Clause 3 \u2013 Confidentiality**")
    doc.p("Each Party keeps what it learns from the other confidential for [3/5] years after Clause 2 ends.")
    return doc.save(path)


def tables(path: Path) -> Path:
    doc = Precedent()
    doc.title("Memorandum of Understanding")
    doc.heading("Contributions", 1)
    doc.p("Each Party contributes what the table below sets out, over the period in paragraph 2 of Schedule 1:")
    doc.table([["Party", "Contribution", "Value"],
               ["[PARTY A NAME]", "Two engineers", "\u00a3[\u25cf]"],
               ["[PARTY B NAME]", "Test equipment", "\u00a3[\u25cf]"]])
    doc.p("Schedule 1: Timetable", style="Heading 1")
    doc.table([["Stage", "Ends"], ["Design", "[design end date]"], ["Pilot", "[pilot end date]"]])
    return doc.save(path)


def nested_lists(path: Path) -> Path:
    doc = Precedent()
    lists = doc.numbering(("lowerLetter", "(%1)"), ("lowerRoman", "(%2)"))
    doc.heading("Obligations", 1)
    doc.p("Each Party will:")
    doc.p("comply with the law;", numbering=(lists, 0))
    doc.p("keep records, including:", numbering=(lists, 0))
    doc.p("minutes of meetings; and", numbering=(lists, 1))
    doc.p("its costs; and", numbering=(lists, 1))
    doc.p("report to [contact name] each quarter.", numbering=(lists, 0))
    doc.heading("Reporting", 1)
    doc.p("Reports cover:")
    doc.p("(a) progress against the plan; and")
    doc.p("(b) risks.")
    return doc.save(path)


def highlighted(path: Path) -> Path:
    doc = Precedent()
    doc.heading("Meetings", 1)
    doc.p("The Steering Group meets ==quarterly== at ==the offices of the host==.")
    doc.p("The pilot starts on ==1 March 2027== and its budget is ==\u00a350,000==.")
    doc.heading("Reports", 1)
    doc.p("Each report goes to ==quarterly== review and is signed by ________ for each Party.")
    return doc.save(path)


def content_controls(path: Path) -> Path:
    doc = Precedent()
    doc.heading("Parties", 1)
    p = doc.p("This Memorandum is between ")
    doc.control(p, "Party A name", "Click or tap here to enter text.")
    p.add_run(" and ")
    doc.control(p, "Party B name", "Click or tap here to enter text.")
    p.add_run(".")
    doc.heading("Project", 1)
    p = doc.p("The project lead is ")
    doc.control(p, "Project lead", "Name of the lead")
    p.add_run(", reporting ")
    doc.control(p, "Reporting frequency", "Choose an item.", options=["monthly", "quarterly"])
    p.add_run(".")
    p = doc.p("The kick-off meeting is on ")
    doc.control(p, "Kick-off", "Click or tap to enter a date.", date=True)
    p.add_run(". The fee is ")
    doc.merge_field(p, "FeeAmount")
    p.add_run(".")
    return doc.save(path)


def alternatives(path: Path) -> Path:
    doc = Precedent()
    doc.p("**1. TERM**")
    doc.p("This Memorandum lasts [12/24] months from signature and may then be extended by [\u25cf] months.")
    doc.p("**2. WITHDRAWAL**")
    doc.p("A Party may withdraw on [30/60/90] days' notice to the others.")
    return doc.save(path)


def articles(path: Path) -> Path:
    doc = Precedent()
    doc.p("**ARTICLE I \u2013 PURPOSE**")
    doc.p("The Parties will explore [research area] together.")
    doc.p("**ARTICLE II \u2013 PUBLICATIONS**")
    doc.p("Either Party may publish results, subject to Article I.")
    return doc.save(path)


def run_in_titles(path: Path) -> Path:
    doc = Precedent()
    doc.p("**Purpose.** The Parties will develop [product name] together.")
    doc.p("**Meetings.** The Parties meet every [\u25cf] weeks.")
    doc.p("**Costs.** Each Party bears its own costs.")
    return doc.save(path)


@dataclass
class Shape:
    build: Callable[[Path], Path]
    clauses: list[str]  # the imported clause titles, in order
    questions: list[tuple[str, str]]  # (placeholder, type), sorted
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (placeholder, answer path), sorted
    terms: list[str] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # the precedent's words -> the title of the clause they point to
    sections_new: list[str] = field(default_factory=list)


SHAPES = {
    "heading styles": Shape(heading_styles, ["Parties", "Scope", "Milestones", "Fee", "Law"],
                            sorted([("[project name]", "text"), ("[milestone date]", "date"), ("[insert venue]", "text"),
                                    ("[amount]", "money"), ("[\u25cf]", "integer"), ("[\u25cf]", "percent")]),
                            sorted([("[date]", "agreement.effective_date"), ("[PARTY A NAME]", "parties[0].name"),
                                    ("[PARTY B NAME]", "parties[1].name"), ("[England and Wales]", "agreement.governing_law")]),
                            ["Project"], {}, ["project"]),
    "Word list numbering": Shape(word_numbering, ["Objectives", "Fee", "Expenses"],
                                 sorted([("[describe the shared objective]", "text"), ("[\u25cf]", "integer"),
                                         ("[amount]", "money"), ("[Lead Party]", "party")]),
                                 [], [], {"2.1": "Fee", "1.1": "Objectives"}),
    "typed 1.1 numbers": Shape(typed_numbers, ["Definitions", "Purpose", "Timing", "Items", "Term"],
                               sorted([("[\u25cf]", "text"), ("[delivery date]", "date"), ("[\u25cf]", "integer")]),
                               [("[\u25cf]", "agreement.term_months")], ["Deliverables"], {"3.2": "Items"}, ["delivery"]),
    "Clause N headings": Shape(clause_headings, ["Purpose", "Contributions", "Confidentiality"],
                               sorted([("[project]", "text"), ("[\u25cf]", "integer"), ("[3/5]", "select")]),
                               [], [], {"1": "Purpose", "2": "Contributions"}),
    "tables": Shape(tables, ["Contributions", "Timetable"],
                    sorted([("[\u25cf]", "money"), ("[\u25cf]", "money"), ("[design end date]", "date"),
                            ("[pilot end date]", "date")]),
                    sorted([("[PARTY A NAME]", "parties[0].name"), ("[PARTY B NAME]", "parties[1].name")]),
                    [], {"Schedule 1": "Timetable"}, ["timetable"]),
    "nested lists": Shape(nested_lists, ["Obligations", "Reporting"], [("[contact name]", "text")]),
    "highlighted placeholders": Shape(highlighted, ["Meetings", "Reports"],
                                      sorted([("quarterly", "text"), ("the offices of the host", "text"),
                                              ("1 March 2027", "date"), ("\u00a350,000", "money"), ("________", "text")])),
    "content controls": Shape(content_controls, ["Parties", "Project"],
                              sorted([("Name of the lead", "text"), ("Choose an item.", "select"),
                                      ("Click or tap to enter a date.", "date"), ("\u00abFeeAmount\u00bb", "money")]),
                              sorted([("Click or tap here to enter text.", "parties[0].name"),
                                      ("Click or tap here to enter text.", "parties[1].name")]), [], {}, ["project"]),
    "an alternative [12/24]": Shape(alternatives, ["Term", "Withdrawal"],
                                    sorted([("[12/24]", "select"), ("[\u25cf]", "integer"), ("[30/60/90]", "select")])),
    "Article I headings": Shape(articles, ["Purpose", "Publications"], [("[research area]", "text")], [], [],
                                {"I": "Purpose"}, ["publications"]),
    "bold run-in titles": Shape(run_in_titles, ["Purpose", "Meetings", "Costs"],
                                sorted([("[product name]", "text"), ("[\u25cf]", "integer")])),
}


@pytest.fixture(scope="module", params=list(SHAPES), ids=list(SHAPES))
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Shape, ImportResult, Path]:
    shape = SHAPES[request.param]
    folder = tmp_path_factory.mktemp("shape")
    source = shape.build(folder / "firm-precedent.docx")
    return shape, import_precedent(source, folder / "layer"), source


def test_the_clauses_are_the_precedents(imported: tuple[Shape, ImportResult, Path]) -> None:
    shape, result, _ = imported
    assert [c.title for c in result.clauses] == shape.clauses
    assert sorted(d.section for d in result.sections if d.new) == sorted(shape.sections_new)
    for clause in result.clauses:
        text = (result.folder / clause.path).read_text(encoding="utf-8")
        assert text.startswith("---\n") and f"\nid: {clause.id}\n" in text and "\nversion: 1\n" in text
        assert f"source: {clause.source}" in text or f"source: '{clause.source}'" in text
        assert f"paragraph {clause.precedent.para.number}" in clause.source


def test_blanks_become_typed_questions_or_built_in_answers(imported: tuple[Shape, ImportResult, Path]) -> None:
    shape, result, _ = imported
    asked = sorted((o.raw, q.type) for q in result.questions for o in q.occurrences[:1])
    assert asked == shape.questions
    mapped = sorted((o.raw, o.resolution.path) for o in result.mapped if isinstance(o.resolution, Mapped))
    assert mapped == shape.mapped
    questions = yaml.safe_load((result.folder / "questions" / "firm-precedent.yaml").read_text(encoding="utf-8")) \
        if result.questions else {"questions": []}
    assert [q["id"] for q in questions["questions"]] == [q.id for q in result.questions]
    assert all(q["id"].startswith("extra.") and q["prompt"] and q["quick"] for q in questions["questions"])


def test_defined_terms_and_references(imported: tuple[Shape, ImportResult, Path]) -> None:
    shape, result, _ = imported
    assert sorted(t for c in result.clauses for t in c.terms) == sorted(shape.terms)
    for clause in result.clauses:
        for term in clause.terms:
            assert f"**{term}**" in (result.folder / clause.path).read_text(encoding="utf-8")
    titles = {c.id: c.title for c in result.clauses}
    resolved = {r.raw: titles[r.target] for r in result.references if r.target}
    assert resolved == shape.references
    for title in shape.references.values():
        target = next(c.id for c in result.clauses if c.title == title)
        assert any(f"{{{{ ref('{target}') }}}}" in (result.folder / c.path).read_text(encoding="utf-8") for c in result.clauses)


def test_the_layer_lints_clean_and_its_scenario_passes(imported: tuple[Shape, ImportResult, Path]) -> None:
    _, result, _ = imported
    assert result.lint is not None and result.lint.count("error") == 0, [vars(f) for f in result.lint.findings]
    assert result.scenario is not None and result.scenario.passed, result.scenario.problems
    answers = yaml.safe_load((result.folder / "tests" / "firm-precedent.yaml").read_text(encoding="utf-8"))
    for question in result.questions:
        value = answers["extra"][question.name]
        if question.type == "text":
            assert value == question.occurrences[0].raw  # its placeholder's own text
    lint = cli("lint", "--library", str(result.folder))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    test = cli("test", "--library", str(result.folder))
    assert test.returncode == 0 and "1 passed" in test.stdout, test.stdout + test.stderr


def test_the_round_trip_gives_back_the_precedents_words(imported: tuple[Shape, ImportResult, Path]) -> None:
    _, result, source = imported
    differing = [(c.clause_id, line) for c in result.round_trip for line in c.lines if not line.same]
    assert not differing and all(not c.missing for c in result.round_trip), differing
    # An independent reading (python-docx's paragraph texts): each paragraph's words come back, in order, in one
    # imported clause (its title and lines) or as a section heading; typed numbers and the title are the document's own.
    import re

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    clauses = [words(c.title + " " + " ".join(line.returned for line in c.lines)) for c in result.round_trip]
    headings = [words(d.precedent) for d in result.sections]

    def inside(needle: list[str], haystack: list[str]) -> bool:
        position = 0
        for word in needle:
            if word not in haystack[position:]:
                return False
            position = haystack.index(word, position) + 1
        return True

    for text in paragraph_texts(source):
        if not text or text.strip("*") == result.outline.title:
            continue  # the title page prints the answers' title, and the report says so
        own = words(re.sub(r"^(\d+(\.\d+)*\.?|Clause \d+|ARTICLE [IVX]+|Schedule \d+:?|\([a-z]+\))\s", "", text))
        assert any(inside(own, c) for c in clauses) or any(inside(own, h) for h in headings), text
    report = (result.folder / "IMPORT.md").read_text(encoding="utf-8")
    assert "## Round trip" in report and "## What needs a human" in report


# --- the README's example ------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "precedents"


def test_the_example_precedent_imports_to_the_committed_layer(tmp_path: Path) -> None:
    """examples/precedents/partnership-mou/ is what the importer makes of the example precedent today
    (regenerate: agreementkit library import examples/precedents/partnership-mou.docx
    -o examples/precedents/partnership-mou --force), and it lints clean and passes its scenario."""
    committed = EXAMPLE / "partnership-mou"
    result = import_precedent(EXAMPLE / "partnership-mou.docx", tmp_path / "layer")
    assert len(result.clauses) == 7 and result.round_trip_same and result.scenario.passed
    assert result.lint.count("error") == 0 and result.lint.count("warning") == 0
    for clause in result.clauses:
        assert (tmp_path / "layer" / clause.path).read_text(encoding="utf-8") == (committed / clause.path).read_text(encoding="utf-8")
    for relative in ("questions/partnership-mou.yaml", "tests/partnership-mou.md", "tests/partnership-mou.expect.yaml"):
        assert (tmp_path / "layer" / relative).read_text(encoding="utf-8") == (committed / relative).read_text(encoding="utf-8"), relative
    lint = cli("lint", "--library", str(committed), "--strict", "--format", "json")
    assert lint.returncode == 0, lint.stdout
    test = cli("test", "--library", str(committed))
    assert test.returncode == 0, test.stdout
    report = (committed / "IMPORT.md").read_text(encoding="utf-8")
    for words in ("looks like built-in confidentiality.obligations@", "the signature blocks", "`extra.days_party_withdraw`",
                  "`[30/60/90]`", "`agreement.term_months`", "## Round trip"):
        assert words in report, words


# --- `new --library` asks the imported questions ---------------------------------------------------


@pytest.fixture(scope="module")
def built_in_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A quick interview's built-in answers, typed once, so each run below starts where the layer's questions begin."""
    from terminal import drive
    from test_questionnaire import QUICK_KEYS

    from agreementkit.interview.draft import Draft

    folder = tmp_path_factory.mktemp("base")
    base = Draft(folder / "base.yaml", quick=True)
    drive(QUICK_KEYS[:-1], base, folder, interrupt=True)
    return dict(base.log)


TYPED = {"text": "Typed words", "date": "2027-03-01", "integer": "4", "money": "1000", "percent": "5"}


def test_new_with_the_layer_asks_each_imported_question(imported: tuple[Shape, ImportResult, Path],
                                                       built_in_answers: dict[str, object], tmp_path: Path) -> None:
    from terminal import DOWN, ENTER, drive, t

    from agreementkit.interview.draft import Draft
    from agreementkit.questions import load_interview

    _, result, _ = imported
    interview = load_interview([result.folder])
    asked = [q for q in interview.questions() if q.id.startswith("extra.")]
    assert sorted(q.id for q in asked) == sorted(q.id for q in result.questions)
    keys = [DOWN + ENTER if q.type.value in ("select", "party") else t(TYPED[q.type.value]) for q in asked]
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(result.folder)], log=dict(built_in_answers))
    run = drive([*keys, ENTER], draft, tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-3000:]
    for question in asked:  # a table row's prompt names its party: "Value – Acme Robotics Ltd"
        assert question.prompt.split("\u2013")[0][:25] in run.screen, question.prompt
    mine = {q.id: q for q in result.questions}
    assert all("Acme Robotics Ltd" in run.screen for q in asked if mine[q.id].prompt_template)
    extra = yaml.safe_load(run.result.answers_path.read_text(encoding="utf-8")).get("extra") or {}
    assert sorted(extra) == sorted(q.id.removeprefix("extra.") for q in asked)
