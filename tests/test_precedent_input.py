"""`library import` on hostile and awkward files, on an existing layer, and the layer's questions in `new`.

Bad input is refused with a sentence saying what was found instead (exit 2),
before anything is expanded, quickly and in little memory; a precedent's
comments, footnotes, images, fields and tracked changes are listed in the
report; the import adds to a layer and replaces nothing without --force.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from precedents import Precedent
from terminal import DOWN, ENTER, drive, t

from agreementkit.errors import UserError
from agreementkit.toolkit.precedent import (
    MAX_ENTRIES,
    MAX_EXPANDED_BYTES,
    PrecedentRefused,
    import_precedent,
)

MEASURE = (
    "import resource, subprocess, sys, json\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)\n"
    "print(json.dumps({'code': p.returncode, 'err': p.stderr, 'out': p.stdout,"
    " 'kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)


def cli(*args: str) -> dict[str, Any]:
    """The command's exit code, output and peak memory, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "agreementkit", *args],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    return dict(json.loads(out.stdout))


def small_precedent(path: Path) -> Path:
    doc = Precedent()
    doc.heading("Purpose", 1)
    doc.p("The Parties will work together on [project name].")
    doc.heading("Confidentiality", 1)
    doc.p("Each Party keeps the other's information confidential.")
    return doc.save(path)


def _rezip(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of a DOCX with entries replaced, added (bytes) or removed (None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename in change:
                continue
            new.writestr(item, old.read(item.filename))
        for name, data in change.items():
            if data is not None:
                new.writestr(name, data)
    return target


# --- refused input ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    good = small_precedent(folder / "good.docx")
    cases: dict[str, tuple[Path, str]] = {}
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    cases["a PDF"] = (folder / "report.pdf", "is a PDF, not a DOCX")
    (folder / "notes.docx").write_text("Some notes typed in a text editor.\n", encoding="utf-8")
    cases["text named .docx"] = (folder / "notes.docx", "is a plain text file, not a DOCX")
    (folder / "empty.docx").write_bytes(b"")
    cases["an empty file"] = (folder / "empty.docx", "is empty")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le"))
    cases["a Word 97 .doc"] = (folder / "old.doc", "Word 97-2003 document (.doc)")
    # Word's password protection: an OLE compound file holding EncryptionInfo and EncryptedPackage streams.
    (folder / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
                                         + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"))
    cases["an encrypted file"] = (folder / "locked.docx", "encrypted (password-protected)")
    types = zipfile.ZipFile(good).read("[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"MACRO").replace(b"MACRO", b"wordprocessingml.document.main+xml")
    macro_types = types.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                b"application/vnd.ms-word.document.macroEnabled.main+xml")
    _rezip(good, folder / "macros.docm", {"[Content_Types].xml": macro_types, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})
    cases["a .docm with macros"] = (folder / "macros.docm", "holds Word macros")
    _rezip(good, folder / "renamed.docx", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})
    cases["a .docm renamed .docx"] = (folder / "renamed.docx", "holds Word macros")
    with zipfile.ZipFile(folder / "many.docx", "w") as archive:
        for index in range(MAX_ENTRIES + 1):
            archive.writestr(f"part{index}.xml", b"")
    cases["too many entries"] = (folder / "many.docx", f"past the limit of {MAX_ENTRIES:,}")
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", zipfile.ZipFile(good).read("[Content_Types].xml"))
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            block = b"\0" * (1 << 20)
            for _ in range(MAX_EXPANDED_BYTES // len(block) + 8):
                stream.write(block)
    cases["a zip bomb"] = (folder / "bomb.docx", "would expand to")
    (folder / "archive.docx").write_bytes(_zip({"readme.txt": b"hello"}))
    cases["a zip that is no Word file"] = (folder / "archive.docx", "no [Content_Types].xml")
    cases["a damaged DOCX"] = (_truncated(good, folder / "cut.docx"), "damaged zip archive")
    plain = Precedent()
    plain.p("We agree to work together.")
    plain.p("We will meet often.")
    plain.p("1. This is a numbered sentence without any title at all, so it is no heading.")
    cases["no recognisable headings"] = (plain.save(folder / "plain.docx"), "no heading")
    cases["a folder"] = (folder, "is a folder, not a DOCX")
    cases["a missing file"] = (folder / "nowhere.docx", "no such file")
    return cases


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


CASES = ["a PDF", "text named .docx", "an empty file", "a Word 97 .doc", "an encrypted file", "a .docm with macros",
         "a .docm renamed .docx", "too many entries", "a zip bomb", "a zip that is no Word file", "a damaged DOCX",
         "no recognisable headings", "a folder", "a missing file"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_a_sentence_fast_and_small(hostile: dict[str, tuple[Path, str]], case: str,
                                                            tmp_path: Path) -> None:
    path, words = hostile[case]
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(PrecedentRefused) as refused:
        import_precedent(path, tmp_path / "layer")
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert words in str(refused.value), str(refused.value)
    assert str(path) in str(refused.value)
    assert seconds < 1, f"refused in {seconds:.2f} s"
    assert peak < 200 * 1024 * 1024, f"{peak // 1024 // 1024} MB"
    assert not (tmp_path / "layer").exists()  # nothing written
    result = cli("library", "import", str(path), "-o", str(tmp_path / "layer"))
    assert result["code"] == 2, result
    assert "Traceback" not in result["err"] and words in " ".join(result["err"].split()), result["err"]
    assert result["kb"] < 200 * 1024, f"peak memory {result['kb'] // 1024} MB"


def test_the_zip_bomb_is_small_on_disk_and_never_expanded(hostile: dict[str, tuple[Path, str]]) -> None:
    path, _ = hostile["a zip bomb"]
    assert path.stat().st_size < 2 * 1024 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > MAX_EXPANDED_BYTES


def test_a_billion_laughs_in_the_document_xml_does_not_expand(tmp_path: Path) -> None:
    good = small_precedent(tmp_path / "good.docx")
    entities = '<!DOCTYPE w:document [<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)) + "]>"
    body = zipfile.ZipFile(good).read("word/document.xml").decode("utf-8")
    head, rest = body.split("?>", 1)
    laughs = head + "?>" + entities + rest.replace("[project name]", "&j;", 1)
    bomb = _rezip(good, tmp_path / "laughs.docx", {"word/document.xml": laughs.encode("utf-8")})
    tracemalloc.start()
    start = time.perf_counter()
    try:
        import_precedent(bomb, tmp_path / "layer")
    except UserError:
        pass
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 5 and peak < 200 * 1024 * 1024
    for path in (tmp_path / "layer").rglob("*.md"):
        assert "lollollol" * 20 not in path.read_text(encoding="utf-8")


# --- what the report lists ---------------------------------------------------------------------


def _annotated(path: Path, tracked: bool = True) -> Path:
    doc = Precedent()
    doc.heading("Purpose", 1)
    p = doc.p("The Parties will work together on [project name]")
    if tracked:
        doc.inserted(p, " and its pilot")
        doc.deleted(p, " and nothing else")
    p.add_run(".")
    doc.heading("Reporting", 1)
    p = doc.p("Reports follow the template shown here.")
    doc.footnote_reference(p)
    doc.image(doc.p("The logo: "))
    q = doc.p("The report is dated ")
    for xml in ('<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r {W}><w:instrText xml:space="preserve"> DATE \\@ "d MMMM yyyy" </w:instrText></w:r>',
                '<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>', '<w:r {W}><w:t>1 May 2026</w:t></w:r>',
                '<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'):
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        q._p.append(parse_xml(xml.replace("{W}", nsdecls("w"))))
    run = doc.p("Each report is agreed by the Steering Group.").runs[0]
    doc.doc.add_comment(run, text="Check who agrees the reports.", author="Partner")
    return doc.save(path)


def test_tracked_changes_are_refused_unless_accepted_and_then_listed(tmp_path: Path) -> None:
    source = _annotated(tmp_path / "tracked.docx")
    with pytest.raises(PrecedentRefused, match=r"has 2 tracked changes \(inserted by A. Lawyer"):
        import_precedent(source, tmp_path / "layer")
    assert not (tmp_path / "layer").exists()
    refused = cli("library", "import", str(source), "-o", str(tmp_path / "layer"))
    assert refused["code"] == 2 and "--accept-changes" in refused["err"]
    result = import_precedent(source, tmp_path / "layer", accept_changes=True)
    purpose = (tmp_path / "layer" / result.clauses[0].path).read_text(encoding="utf-8")
    assert "on {{ extra.project_name or '[project name]' }} and its pilot." in purpose and "nothing else" not in purpose
    report = (tmp_path / "layer" / "IMPORT.md").read_text(encoding="utf-8")
    assert "### Tracked changes accepted" in report
    assert 'inserted by A. Lawyer on 2026-05-01: "and its pilot"' in report
    assert 'deleted by A. Lawyer on 2026-05-01: "and nothing else"' in report
    assert result.round_trip_same


def test_comments_footnotes_images_and_fields_are_listed_for_a_person(tmp_path: Path) -> None:
    result = import_precedent(_annotated(tmp_path / "notes.docx", tracked=False), tmp_path / "layer")
    report = (tmp_path / "layer" / "IMPORT.md").read_text(encoding="utf-8")
    sections = report.split("\n### ")
    comments = next(s for s in sections if s.startswith("Comments"))
    assert "Partner: Check who agrees the reports." in comments
    assert "a footnote" in next(s for s in sections if s.startswith("Footnotes"))
    assert "an image is dropped" in next(s for s in sections if s.startswith("Images"))
    assert "a DATE field" in next(s for s in sections if s.startswith("Fields")) and "1 May 2026" in report
    reporting = (tmp_path / "layer" / result.clauses[1].path).read_text(encoding="utf-8")
    assert "The report is dated 1 May 2026\n" in reporting  # a field's text stays as it showed
    assert result.round_trip_same


# --- an existing layer, --force and --override -------------------------------------------------


def test_import_adds_to_a_layer_and_replaces_nothing_without_force(tmp_path: Path) -> None:
    layer = tmp_path / "ours"
    made = subprocess.run([sys.executable, "-m", "agreementkit", "library", "init", str(layer)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    before = {p: p.read_bytes() for p in layer.rglob("*") if p.is_file()}
    source = small_precedent(tmp_path / "firm-mou.docx")
    first = cli("library", "import", str(source), "-o", str(layer))
    assert first["code"] == 0, first
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path} changed"
    assert (layer / "clauses" / "firm-mou").is_dir() and (layer / "IMPORT.md").exists()
    lint = subprocess.run([sys.executable, "-m", "agreementkit", "lint", "--library", str(layer)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    # The layer's own scenario still reads (the new questions are optional), and its document now has the
    # imported clauses: a difference to review and approve, which the report names.
    tests = subprocess.run([sys.executable, "-m", "agreementkit", "test", "--library", str(layer)], capture_output=True, text=True)
    assert tests.returncode == 1 and "2 scenarios: 1 passed, 1 failed" in tests.stdout, tests.stdout
    assert "Purpose (purpose.purpose)" in tests.stdout and "Confidentiality (confidentiality.confidentiality)" in tests.stdout
    report = (layer / "IMPORT.md").read_text(encoding="utf-8")
    assert "### The layer's other scenarios" in report and "`example.yaml`" in report
    snapshot = {p: p.read_bytes() for p in layer.rglob("*") if p.is_file()}
    again = cli("library", "import", str(source), "-o", str(layer))
    assert again["code"] == 2 and "--force" in again["err"] and "clauses/firm-mou/01-purpose.md" in again["err"], again
    assert {p: p.read_bytes() for p in layer.rglob("*") if p.is_file()} == snapshot
    forced = cli("library", "import", str(source), "-o", str(layer), "--force")
    assert forced["code"] == 0, forced
    assert (layer / "IMPORT.md").read_text(encoding="utf-8").count("# Imported from firm-mou.docx") == 1
    assert (layer / "clauses" / "counterparts.md").read_bytes() == before[layer / "clauses" / "counterparts.md"]


def test_override_replaces_the_built_in_clause_and_records_its_version(tmp_path: Path) -> None:
    from agreementkit.assembly import default_library

    source = small_precedent(tmp_path / "firm.docx")
    plain = import_precedent(source, tmp_path / "beside")
    confidentiality = next(c for c in plain.clauses if c.title == "Confidentiality")
    assert confidentiality.candidate is not None and confidentiality.candidate.clause.meta.id == "confidentiality.obligations"
    assert confidentiality.id != "confidentiality.obligations" and confidentiality.overrides is None
    report = (tmp_path / "beside" / "IMPORT.md").read_text(encoding="utf-8")
    version = default_library().clauses["confidentiality.obligations"].meta.version
    assert f"looks like built-in confidentiality.obligations@{version}" in report
    replaced = import_precedent(source, tmp_path / "over", override=True)
    clause = next(c for c in replaced.clauses if c.title == "Confidentiality")
    text = (tmp_path / "over" / clause.path).read_text(encoding="utf-8")
    assert clause.id == "confidentiality.obligations"
    assert f"overrides: confidentiality.obligations@{version}" in text and "condition: confidentiality.enabled" in text
    assert replaced.lint.count("error") == 0 and replaced.scenario.passed and replaced.round_trip_same


# --- the new questions in `new --library` ---------------------------------------------------------


def test_new_with_the_imported_layer_asks_the_new_questions(tmp_path: Path) -> None:
    from agreementkit.interview.draft import Draft
    from agreementkit.questions import load_interview

    doc = Precedent()
    doc.heading("Pilot sites", 1)
    doc.p("The pilot runs at [site name] from [pilot start date] for [\u25cf] weeks, with a budget of \u00a3[\u25cf].")
    doc.p("Reports are [monthly/quarterly].")
    result = import_precedent(doc.save(tmp_path / "pilot.docx"), tmp_path / "layer")
    assert [q.type for q in result.questions] == ["text", "date", "integer", "money", "select"]
    assert {q.page for q in result.questions} == {"pilot"}
    # The built-in quick answers first (as a resumed draft), so the run reaches the layer's page at once.
    base = Draft(tmp_path / "base.yaml", quick=True)
    from test_questionnaire import QUICK_KEYS

    drive(QUICK_KEYS[:-1], base, tmp_path, interrupt=True)
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(tmp_path / "layer")], log=dict(base.log))
    interview = load_interview([tmp_path / "layer"])
    asked = [q for q in interview.questions() if q.id.startswith("extra.")]
    assert [q.id for q in asked] == [q.id for q in result.questions]
    keys = [t("Harbour depot"), t("2027-03-01"), t("6"), t("25000"), DOWN + ENTER, ENTER]  # past "leave it open"
    run = drive(keys, draft, tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-3000:]
    for question in result.questions:
        assert question.prompt.split("\u2026")[0].strip()[:20] in run.screen, question.prompt
    answers = yaml.safe_load(run.result.answers_path.read_text(encoding="utf-8"))
    names = [q.name for q in result.questions]
    assert answers["extra"] == dict(zip(names, ["Harbour depot", "2027-03-01", 6, 25000, "monthly"]))
    markdown = run.result.documents[0].read_text(encoding="utf-8")
    assert "The pilot runs at Harbour depot from 1 March 2027 for 6 weeks, with a budget of £25,000." in markdown
    assert "Reports are monthly." in markdown
    questions = (tmp_path / "layer" / "questions" / "pilot.yaml").read_text(encoding="utf-8")
    assert "none_label: 'leave it open: [monthly/quarterly]'" in questions


def test_numbering_that_repeats_or_doubles_up_is_reported(tmp_path: Path) -> None:
    doc = Precedent()
    lists = doc.numbering(("decimal", "%1."))
    doc.p("**1. PURPOSE**")
    doc.p("The Parties will work together.")
    doc.p("**2. MEETINGS**")
    doc.p("The Parties meet monthly.")
    doc.p("**2. COSTS**")
    doc.p("Each Party bears its own costs.")
    doc.p("**4. NOTICES**", numbering=(lists, 0))
    doc.p("Notices are given in writing.")
    result = import_precedent(doc.save(tmp_path / "stale.docx"), tmp_path / "layer")
    report = (tmp_path / "layer" / "IMPORT.md").read_text(encoding="utf-8")
    numbering = report.split("### Numbering", 1)[1].split("###", 1)[0]
    assert "headings numbered 1, 2, 2, 1: a number repeats or is skipped" in numbering
    assert 'the typed number "4." follows Word\'s own "1."' in numbering
    assert [c.title for c in result.clauses] == ["Purpose", "Meetings", "Costs", "Notices"]


# --- any precedent: refused with a sentence, or a working layer whose round trip holds ------------

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = st.sampled_from(["the Parties", "will", "meet", "Services", "costs", "each", "month", "report", "data", "venue",
                         "shall", "notice", "[\u25cf]", "[PARTY A NAME]", "[date]", "[amount]", "[12/24]", "[insert venue]",
                         "______", "\u00a3[\u25cf]", "[\u25cf]%", "(the \"Project\")", "clause 2", "Clause 1.1", "Schedule 1",
                         "*", "**", "{{ x }}", "{% if %}", "|", "#", "<b>", "[Note: check this with the client.]", "&", "_", "\\",
                         "1.", "- ", "(a)", "\u2014", "\u201cquoted\u201d", "Ltd", "O'Brien", "50%", "1 March 2027"])
TEXT = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
TITLE = st.sampled_from(["Purpose", "Confidentiality", "Fees", "Term", "Governing law", "Services", "Data", "[Clause title]",
                         "Definitions", "Notices", "Steering Group"])
BLOCK = st.one_of(
    st.tuples(st.just("heading"), st.sampled_from([1, 2]), TITLE),
    st.tuples(st.just("typed"), st.sampled_from(["1.", "2.", "1.1", "2.1", "Clause 3", "Article II", "Schedule 1:"]), TITLE),
    st.tuples(st.just("bold"), TITLE, st.just("")),
    st.tuples(st.just("runin"), TITLE, TEXT),
    st.tuples(st.just("para"), TEXT, st.just("")),
    st.tuples(st.just("item"), st.sampled_from(["(a)", "(b)", "(i)", "(ii)", "\u2022"]), TEXT),
    st.tuples(st.just("table"), TEXT, TEXT),
    st.tuples(st.just("highlight"), TEXT, TEXT),
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(blocks=st.lists(BLOCK, min_size=1, max_size=14))
def test_any_precedent_is_refused_cleanly_or_makes_a_working_layer(tmp_path_factory: pytest.TempPathFactory,
                                                                 blocks: list[tuple[Any, ...]]) -> None:
    folder = tmp_path_factory.mktemp("any")
    doc = Precedent()
    for kind, first, second in blocks:
        if kind == "heading":
            doc.heading(second, first)
        elif kind == "typed":
            doc.p(f"**{first} {second}**")
        elif kind == "bold":
            doc.p(f"**{first}**")
        elif kind == "runin":
            doc.p(f"**{first}.** {second}")
        elif kind == "para":
            doc.p(first)
        elif kind == "item":
            doc.p(f"{first} {second}")
        elif kind == "table":
            doc.table([["Item", "Detail"], [first, second]])
        else:
            paragraph = doc.p(first + " ")
            doc.runs(paragraph, f"=={second}==")
    source = doc.save(folder / "any.docx")
    try:
        result = import_precedent(source, folder / "layer")
    except PrecedentRefused as refused:
        assert "no heading" in str(refused)
        return
    problems = [f"{f.rule}: {f.message}" for f in result.lint.findings if f.severity == "error"]
    assert not problems, problems
    assert result.scenario.passed, result.scenario.problems
    differing = [(c.clause_id, line.precedent, line.returned, line.why) for c in result.round_trip for line in c.lines
                 if not line.same]
    assert not differing, differing


def test_a_section_title_with_template_braces_imports_as_written(tmp_path: Path) -> None:
    """Section titles may be templates (Schedule 3's follows the answers), so braces a precedent's
    schedule heading holds are escaped, not read as Jinja2."""
    doc = Precedent()
    doc.heading("Purpose", 1)
    doc.p("The Parties will meet each month.")
    paragraph = doc.p("Schedule 1 costs {% if %} data ")
    doc.runs(paragraph, "==the Parties {{ x }} notice==")
    result = import_precedent(doc.save(tmp_path / "braces.docx"), tmp_path / "layer")
    assert not [f for f in result.lint.findings if f.severity == "error"]
    assert result.scenario.passed, result.scenario.problems
