"""A DOCX that behaves like one drafted in Word: list numbering, REF fields, a TOC; and redlines."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from helpers import ROOT, PdfView, squash

from agreementkit.answers import load_answers
from agreementkit.assembly import assemble, clause_digest
from agreementkit.document import Clause, ItemList, Paragraph, Text
from agreementkit.render import render_bytes
from agreementkit.writers.wordml import list_labels

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=240,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"})


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> tuple[object, bytes, str]:
    document = assemble(load_answers(request.param))
    return document, render_bytes(document, "docx"), PdfView(render_bytes(document, "pdf")).text


def _body(data: bytes) -> tuple[docx.document.Document, list[object], list[str]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.element.body.findall(qn("w:p"))
    return document, paragraphs, list_labels(document)


def _text(p: object) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))  # type: ignore[attr-defined]


def _style(p: object) -> str:
    found = p.find(f"{W}pPr/{W}pStyle")  # type: ignore[attr-defined]
    return found.get(qn("w:val")) if found is not None else ""


def test_numbering_comes_from_word_lists_and_matches_the_pdf(example: tuple[object, bytes, str]) -> None:
    model, data, pdf = example
    document, paragraphs, labels = _body(data)
    numbering = document.part.numbering_part.element
    names = {a.find(qn("w:name")).get(qn("w:val")): a for a in numbering.findall(qn("w:abstractNum"))
             if a.find(qn("w:name")) is not None}
    clauses = names["agreementkit clauses"]
    levels = {lvl.get(qn("w:ilvl")): (lvl.find(qn("w:numFmt")).get(qn("w:val")), lvl.find(qn("w:lvlText")).get(qn("w:val")))
              for lvl in clauses.findall(qn("w:lvl"))}
    assert levels == {"0": ("decimal", "%1."), "1": ("decimal", "%1.%2")}
    sub = names["agreementkit sub-clauses"].find(qn("w:lvl"))
    assert (sub.find(qn("w:numFmt")).get(qn("w:val")), sub.find(qn("w:lvlText")).get(qn("w:val"))) == ("lowerLetter", "(%1)")

    # Every numbered heading of the model is a paragraph Word numbers, with no number typed in its text.
    expected = [(s.number + ".", s.title) for s in model.sections if s.kind == "clauses"]  # type: ignore[attr-defined]
    expected_clauses = [(c.number, c.title) for s in model.sections for c in s.clauses if c.number]  # type: ignore[attr-defined]
    numbered = [(label, _text(p)) for p, label in zip(paragraphs, labels) if re.fullmatch(r"\d+\.(\d+)?", label)]
    assert [x for x in numbered if x[0].endswith(".")] == expected
    assert [x for x in numbered if not x[0].endswith(".")] == expected_clauses
    for label, text in numbered:
        assert not re.match(r"\d", text), text
        assert squash(f"{label} {text}") in pdf, f"{label} {text} is not in the PDF"
    # Sub-clauses: lettered by the list, (a) again in each list, the same letters as the PDF prints.
    lettered = [(label, _text(p)) for p, label in zip(paragraphs, labels) if label.startswith("(")]
    model_items = [(label, "".join(r.text if isinstance(r, Text) else r.label for r in item))
                   for s in model.sections for c in s.clauses for b in c.blocks  # type: ignore[attr-defined]
                   if isinstance(b, ItemList) and b.ordered for label, item in zip(b.labels(), b.items)]
    assert lettered == model_items
    for p, label in zip(paragraphs, labels):
        if _style(p) == "Sub-clause":
            assert label.startswith("(") and not re.match(r"\(\w+\)", _text(p))


def test_every_reference_is_a_ref_field_to_a_bookmarked_heading_with_the_pdf_label(example: tuple[object, bytes, str]) -> None:
    model, data, pdf = example
    document, paragraphs, labels = _body(data)
    body = document.element.body
    bookmarks: dict[str, str] = {}
    for p, label in zip(paragraphs, labels):
        for mark in p.findall(qn("w:bookmarkStart")):
            bookmarks[mark.get(qn("w:name"))] = label.rstrip(".") or re.match(r"Schedule \d+", _text(p)).group(0)  # type: ignore[union-attr]
    fields: list[tuple[str, str]] = []
    for p in body.iter(qn("w:p")):
        instruction, result, state = "", "", ""
        for node in p.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
            tag = node.tag.rsplit("}", 1)[-1]
            if tag == "fldChar":
                state = node.get(qn("w:fldCharType"))
                if state == "begin":
                    instruction, result = "", ""
                elif state == "end":
                    fields.append((instruction.strip(), result))
            elif tag == "instrText":
                instruction += node.text or ""
            elif state == "separate":
                result += node.text or ""
    refs = [r for s in model.sections for c in s.clauses for r in c.refs()]  # type: ignore[attr-defined]
    assert len(fields) == len(refs) > 0
    for (instruction, cached), ref in zip(fields, refs):
        kind, name, *switches = instruction.split()
        assert kind == "REF" and "\\h" in switches and "\\n" in switches  # the heading's number, schedules' too
        assert name in bookmarks, f"{instruction}: no such bookmark"
        assert cached == ref.label == bookmarks[name], (instruction, cached, ref.label, bookmarks[name])
        assert ref.label in pdf


def test_a_clause_inserted_in_word_renumbers_what_follows_and_references_follow_on_update() -> None:
    data = render_bytes(assemble(load_answers(EXAMPLES[0])), "docx")
    document = docx.Document(io.BytesIO(data))
    before = dict(zip((_text(p) for p in document.element.body.findall(qn("w:p"))), list_labels(document)))
    purpose = next(p for p in document.paragraphs if p.text == "Purpose" and p.style.name == "Heading 2")
    inserted = purpose.insert_paragraph_before("A clause added in Word", style="Heading 2")
    assert inserted.text == "A clause added in Word"
    out = io.BytesIO()
    document.save(out)
    document = docx.Document(io.BytesIO(out.getvalue()))
    after = dict(zip((_text(p) for p in document.element.body.findall(qn("w:p"))), list_labels(document)))
    assert (before["Purpose"], after["Purpose"]) == ("2.1", "2.2")
    assert (before["Shared objectives"], after["Shared objectives"]) == ("2.2", "2.3")
    assert after["A clause added in Word"] == "2.1" and after["Contributions and complementary strengths"] == "3."
    # The reference to the Purpose from clause 1.2 points at the Purpose's heading, which now carries 2.2.
    body = document.element.body
    mark = next(m for m in body.iter(qn("w:bookmarkStart")) if "purpose_statement" in m.get(qn("w:name")))
    assert after[_text(mark.getparent())] == "2.2"
    assert any(mark.get(qn("w:name")) in (i.text or "") for i in body.iter(qn("w:instrText")))


def test_a_schedule_added_in_word_renumbers_the_later_schedules_and_their_references() -> None:
    """Schedule headings carry Word list numbers, not typed ones: a schedule heading added in Word
    (a copy of Schedule 2's heading, as Word's Enter after it gives) moves every later schedule up by
    one, and the references to them, REF fields asking for their heading's number, follow on update."""
    from agreementkit.writers.wordtext import word_lines

    data = render_bytes(assemble(load_answers(EXAMPLES[0])), "docx")
    document, paragraphs, labels = _body(data)
    schedules = [(p, label) for p, label in zip(paragraphs, labels) if label.startswith("Schedule")]
    assert [label for _, label in schedules] == [f"Schedule {n}" for n in range(1, len(schedules) + 1)] and len(schedules) >= 4
    assert not any(re.match(r"Schedule \d", _text(p)) for p, _ in schedules)  # the number is the list's, not typed
    resources = next(p for p, _ in schedules if "Resources" in _text(p))
    references = [line for line in word_lines(document) if "see Schedule" in line or "in Schedule" in line]
    assert any("Schedule 3" in line for line in references)
    second = schedules[1][0]
    added = docx.oxml.parse_xml(second.xml)
    for child in list(added):
        if child.tag != qn("w:pPr"):
            added.remove(child)
    run = docx.oxml.parse_xml(f'<w:r xmlns:w="{W[1:-1]}"><w:t xml:space="preserve">: A schedule added in Word</w:t></w:r>')
    added.append(run)
    second.addnext(added)
    out = io.BytesIO()
    document.save(out)
    document, paragraphs, labels = _body(out.getvalue())
    after = {_text(p): label for p, label in zip(paragraphs, labels) if label.startswith("Schedule")}
    assert after[": A schedule added in Word"] == "Schedule 3"
    assert after[_text(resources)] == "Schedule 4"
    # Updating fields (as F9 does) gives the moved number wherever the resources schedule is referred to.
    updated = [line for line in word_lines(document) if "see Schedule" in line or "in Schedule" in line]
    assert [line.replace("Schedule 4", "Schedule 3").replace("Schedule 5", "Schedule 4").replace("Schedule 6", "Schedule 5")
            for line in updated] == references
    assert updated != references


def test_word_letters_after_z_and_every_writer_prints_them_alike() -> None:
    document = assemble(load_answers(EXAMPLES[0]))
    items = tuple((Text(f"item {n}"),) for n in range(30))
    extra = Clause("general.long", "A long list", [Paragraph((Text("The list:"),)), ItemList(items, ordered=True)], "16.99")
    general = document.sections[-2] if document.sections[-2].kind == "clauses" else document.sections[-3]
    general.clauses.append(extra)
    labels = ItemList(items, ordered=True).labels()
    assert labels[25:30] == ["(z)", "(aa)", "(bb)", "(cc)", "(dd)"]
    doc = docx.Document(io.BytesIO(render_bytes(document, "docx")))
    word = [label for label, p in zip(list_labels(doc), doc.paragraphs) if p.text.startswith("item ")]
    assert word == labels
    markdown = render_bytes(document, "md").decode()
    assert "- (bb) item 27" in markdown and "- (z) item 25" in markdown
    assert '<span class="marker">(aa)</span>' in render_bytes(document, "html").decode()


def test_a_house_reference_docx_restyles_the_numbering_and_keeps_our_format(tmp_path: Path) -> None:
    import shutil

    house = tmp_path / "house"
    shutil.copytree(ROOT / "templates", house)
    reference = docx.Document(str(house / "reference.docx"))
    numbering = reference.part.numbering_part.element
    for abstract in numbering.findall(qn("w:abstractNum")):
        name = abstract.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) == "agreementkit clauses":
            lvl = abstract.find(qn("w:lvl"))
            lvl.find(qn("w:lvlText")).set(qn("w:val"), "Article %1")  # a house format: ours must win
            lvl.find(qn("w:pPr")).find(qn("w:ind")).set(qn("w:left"), "1134")  # a house indent: kept
    reference.save(str(house / "reference.docx"))
    result = cli("render", str(EXAMPLES[0]), "-o", str(tmp_path / "out.docx"), "--templates", str(house))
    assert result.returncode == 0, result.stderr
    out = docx.Document(str(tmp_path / "out.docx"))
    for abstract in out.part.numbering_part.element.findall(qn("w:abstractNum")):
        name = abstract.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) == "agreementkit clauses":
            lvl = abstract.find(qn("w:lvl"))
            assert lvl.find(qn("w:lvlText")).get(qn("w:val")) == "%1."
            assert lvl.find(qn("w:pPr")).find(qn("w:ind")).get(qn("w:left")) == "1134"
    assert [label for label in list_labels(out) if label.endswith(".")][:3] == ["1.", "2.", "3."]


def test_a_table_of_contents_on_request(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES[1]).read_text(encoding="utf-8"))
    data["agreement"]["table_of_contents"] = True
    answers = tmp_path / "toc.yaml"
    answers.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    document = assemble(load_answers(answers))
    word = docx.Document(io.BytesIO(render_bytes(document, "docx")))
    instructions = [i.text for i in word.element.body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith('TOC \\o "1-2"') for i in instructions)
    entries = [p.text.split("\t") for p in word.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    headings = [s.heading for s in document.sections] + [c.heading for s in document.sections for c in s.clauses if c.number]
    assert {text for text, _ in entries} == set(headings)
    assert [text for text, _ in entries[:2]] == ["1. Parties and background", "1.1 The parties"]
    assert word.settings.element.find(qn("w:updateFields")) is not None  # Word puts its own pages in on opening
    pdf = PdfView(render_bytes(document, "pdf"))
    assert "Contents" in pdf.pages[0]
    # Every entry carries, before any field update, the page its heading falls on in the PDF.
    for text, page in entries:
        assert squash(text) in squash(pdf.pages[int(page) - 1]), (text, page)
    # Each entry's page number is the page its heading is printed on.
    for section in document.sections[1:4]:
        clause = next(c for c in section.clauses if c.number)
        entry = re.search(rf"{re.escape(clause.heading)}[ .]*?(\d+)\s", pdf.pages[0] + "\n" + pdf.pages[1])
        assert entry, clause.heading
        page = int(entry.group(1))
        assert clause.heading in squash(pdf.pages[page - 1]), (clause.heading, page)
    # Without the option there is no table of contents.
    plain = assemble(load_answers(EXAMPLES[1]))
    assert not any("TOC" in (i.text or "") for i in docx.Document(io.BytesIO(render_bytes(plain, "docx"))).element.body.iter(qn("w:instrText")))


def test_clause_digests_keep_their_form_as_the_model_grows() -> None:
    """Documents made before the model gained redline marks still verify: the digest is that of the old repr."""
    import hashlib

    for example in EXAMPLES:
        for section in assemble(load_answers(example)).sections:
            for clause in section.clauses:
                old = repr((clause.number, clause.title, clause.blocks)).replace(", change=None", "")
                assert clause_digest(clause) == hashlib.sha256(old.encode()).hexdigest()[:16]


# -- redlines -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("drafts")
    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    old = folder / "v1.yaml"
    old.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    data["objectives"][1]["target"] = "-25%"
    data["termination"]["notice_days"] = 90
    data["disputes"]["steps"] = [s for s in data["disputes"]["steps"] if s != "mediation"]
    new = folder / "v2.yaml"
    new.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = cli("compare", str(old), str(new), "-o", str(folder / "out"), "--format", "docx,pdf,html")
    assert result.returncode == 0, result.stderr
    return old, new, folder / "out"


def _clauses_with_changes(data: bytes) -> tuple[set[str], set[str]]:
    """Headings of the clauses (or schedules) whose paragraphs or tables hold w:ins / w:del, and of those without."""
    document = docx.Document(io.BytesIO(data))
    labels = list_labels(document)
    changed, unchanged = set(), set()
    current, marked = "", False
    by_body = list(document.element.body)
    paragraph_labels = dict(zip(document.element.body.findall(qn("w:p")), labels))
    for element in by_body:
        style = _style(element) if element.tag == qn("w:p") else ""
        if style in ("Heading1", "Heading2", "ScheduleHeading"):
            if current:
                (changed if marked else unchanged).add(current)
            words = ''.join(t.text or '' for t in element.iter(qn('w:t'), qn('w:delText')))
            current = f"{paragraph_labels.get(element, '')}{'' if words.startswith(':') else ' '}{words}".strip()
            marked = element.find(f".//{W}ins") is not None or element.find(f".//{W}del") is not None
            if style == "Heading1":
                current, marked = "", False
            continue
        if element.find(f".//{W}ins") is not None or element.find(f".//{W}del") is not None:
            marked = True
    if current:
        (changed if marked else unchanged).add(current)
    return changed, unchanged


def _heading(answers: Path, clause_id: str) -> str:
    """A clause's numbered heading in the document these answers make: the tests follow the library's numbering."""
    return next(c.heading for s in assemble(load_answers(answers)).sections for c in s.clauses if c.id == clause_id)


def test_a_redline_marks_exactly_the_affected_clauses(drafts: tuple[Path, Path, Path]) -> None:
    old, new, out = drafts
    data = (out / "v2-redline.docx").read_bytes()
    changed, unchanged = _clauses_with_changes(data)
    assert changed == {_heading(new, "purpose.objectives"), _heading(old, "disputes.mediation"),
                       _heading(new, "term.withdrawal"), _heading(new, "legal.status"),
                       "Schedule 1: Objectives and key performance indicators", "Schedule 5: Escalation ladder"}, changed
    # Arbitration moves from 9.5 to 9.4 once the deletion is accepted (until then Word counts the
    # struck heading) and every clause kept its words: no marks there.
    assert _heading(old, "disputes.arbitration") in unchanged
    assert _heading(new, "general.counterparts") in unchanged
    document = docx.Document(io.BytesIO(data))
    xml = document.element.xml
    assert "w:delText" in xml and 'w:author="agreementkit"' in xml
    deleted = "".join(t.text for t in document.element.body.iter(qn("w:delText")))
    inserted = "".join(t.text or "" for ins in document.element.body.iter(qn("w:ins")) for t in ins.iter(qn("w:t")))
    assert "20" in deleted and "25" in inserted and "60" in deleted and "90" in inserted
    assert "refer it to mediation" in deleted
    rows = [tr for tr in document.element.body.iter(qn("w:tr")) if tr.find(f"{W}trPr/{W}del") is not None]
    assert len(rows) == 1 and "Mediation" in "".join(t.text for t in rows[0].iter(qn("w:delText")))


def test_the_redline_pdf_and_html_show_both_wordings_and_a_summary(drafts: tuple[Path, Path, Path]) -> None:
    _, _, out = drafts
    html = (out / "v2-redline.html").read_text(encoding="utf-8")
    assert re.search(r'<del datetime="[^"]+">60 </del><ins datetime="[^"]+">90 </ins>days', html), html
    assert re.search(r'<del datetime="[^"]+">-20%</del><ins datetime="[^"]+">-25%</ins>', html)
    assert "Redline: changes from the previous draft" in html
    pdf = PdfView((out / "v2-redline.pdf").read_bytes())
    first = squash(pdf.pages[0])
    assert "Changed (5): 2.2 Shared objectives (purpose.objectives)" in first
    assert "Removed (1): 9.4 Mediation (disputes.mediation)" in first
    assert "Renumbered only (1 clause, wording unchanged): 9.5 is now 9.4" in first
    assert "by giving at least 60 90 days' notice" in pdf.text  # the struck 60 and the underlined 90, apart
    assert "refer it to mediation" in pdf.text


def test_compare_prints_the_summary_is_reproducible_and_refuses_bad_input(drafts: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, out = drafts
    again = cli("compare", str(old), str(new), "-o", str(tmp_path), "--format", "docx,pdf")
    assert again.returncode == 0
    assert "Changed (5):" in again.stdout and "Removed (1): 9.4 Mediation (disputes.mediation)" in again.stdout
    for fmt in ("docx", "pdf"):
        assert (tmp_path / f"v2-redline.{fmt}").read_bytes() == (out / f"v2-redline.{fmt}").read_bytes()
    same = cli("compare", str(old), str(old), "-o", str(tmp_path / "same.md"))
    assert same.returncode == 0 and "No differences" in same.stdout
    missing = cli("compare", str(old), str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.docx"))
    assert missing.returncode == 2 and "nope.yaml" in missing.stderr and "Traceback" not in missing.stderr
    wrong = cli("compare", str(old), str(new), "-o", str(tmp_path / "x.txt"))
    assert wrong.returncode == 2 and "a redline is written as .docx, .pdf, .html or .md" in wrong.stderr
    kept = cli("compare", str(old), str(new), "-o", str(tmp_path), "--format", "docx")
    assert kept.returncode == 2 and "--force" in kept.stderr


def test_comparing_library_versions_on_the_same_answers(tmp_path: Path) -> None:
    layer = tmp_path / "v2" / "clauses"
    layer.mkdir(parents=True)
    from agreementkit.assembly import default_library

    original = default_library().clauses["general.counterparts"]
    text = original.source.read_text(encoding="utf-8").replace("any number of counterparts", "any number of counterpart copies")
    assert "counterpart copies" in text
    (layer / "counterparts.md").write_text(text, encoding="utf-8")
    result = cli("compare", str(EXAMPLES[0]), str(EXAMPLES[0]), "--new-library", str(tmp_path / "v2"),
                 "-o", str(tmp_path / "lib.md"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Changed (1): {_heading(EXAMPLES[0], 'general.counterparts')} (general.counterparts)")
    redline = (tmp_path / "lib.md").read_text(encoding="utf-8")
    assert "any number of{-- counterparts--}{++ counterpart copies++}, each of which" in redline


def test_docx_is_reproducible_with_numbering_and_fields() -> None:
    document = assemble(load_answers(EXAMPLES[2]))
    first = render_bytes(document, "docx")
    assert render_bytes(document, "docx") == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert "word/numbering.xml" in archive.namelist()
