"""`agreementkit inspect`: a document says how it was made, and whether it still matches its answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, example_data, varied, write_answers

EXAMPLE = ROOT / "examples" / "telecom-edge-binding.yaml"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"})


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("made")
    layer = folder / "our-clauses"
    assert cli("library", "init", str(layer)).returncode == 0
    result = cli("render", str(EXAMPLE), "-o", str(folder), "--format", "docx,pdf", "--library", str(layer))
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_inspect_prints_the_layers_clauses_and_hash(made: Path, fmt: str) -> None:
    from agreementkit.answers import load_answers

    result = cli("inspect", str(made / f"telecom-edge-binding.{fmt}"))
    assert result.returncode == 0, result.stderr
    assert f"answers sha256   {load_answers(EXAMPLE).fingerprint()}" in result.stdout
    assert "library layers   agreementkit built-in 0.1.0, our-clauses 0.1.0" in result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    # each clause says whose wording it is: the house layer's, or (unmarked) the built-in library's
    assert "general.counterparts v1  (from our-clauses)" in lines
    assert any(line.startswith("commercial.revenue v") for line in lines)
    assert not any("commercial.revenue" in line and "from" in line for line in lines)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_verify_says_matches_or_names_the_clauses_that_differ(made: Path, fmt: str, tmp_path: Path) -> None:
    layer = made / "our-clauses"
    document = str(made / f"telecom-edge-binding.{fmt}")
    same = cli("inspect", document, "--verify", str(EXAMPLE), "--library", str(layer))
    assert same.returncode == 0 and "matches" in same.stdout and "does not match" not in same.stdout
    changed = write_answers(tmp_path, varied(example_data("telecom-edge-binding"), **{"commercial.payment_days": 45,
                                                                                      "termination.notice_days": 60}))
    differs = cli("inspect", document, "--verify", str(changed), "--library", str(layer))
    assert differs.returncode == 1
    assert "the answers differ from those the document was made from" in differs.stdout
    lines = [line.strip() for line in differs.stdout.splitlines()]
    assert "commercial.revenue: differs" in lines and "term.withdrawal: differs" in lines
    assert "general.liability: differs" not in lines
    # Without the layer the document records, verifying would only show the house clauses as differences: refused.
    builtin = cli("inspect", document, "--verify", str(EXAMPLE))
    assert builtin.returncode == 2 and "the re-rendering used the built-in library alone: give each of its layers with " \
        "--library to check it" in builtin.stderr


def test_inspect_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"not a zip")
    result = cli("inspect", str(tmp_path / "notes.docx"))
    assert result.returncode == 2 and "cannot be read as a DOCX" in result.stderr
    result = cli("inspect", str(tmp_path / "missing.pdf"))
    assert result.returncode == 2 and "no such file" in result.stderr
    (tmp_path / "a.txt").write_text(yaml.safe_dump({"x": 1}), encoding="utf-8")
    result = cli("inspect", str(tmp_path / "a.txt"))
    assert result.returncode == 2 and "give a .docx or .pdf file" in result.stderr


def test_verify_sees_a_hand_edit_that_the_record_cannot(made: Path, tmp_path: Path) -> None:
    import zipfile

    layer = made / "our-clauses"
    original = made / "telecom-edge-binding.docx"
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert b"at least 90 days" in data
                data = data.replace(b"at least 90 days", b"at least 180 days", 1)
            target.writestr(item, data)
    result = cli("inspect", str(edited), "--verify", str(EXAMPLE), "--library", str(layer))
    assert result.returncode == 1, result.stdout
    assert "(term.duration): its text in this file differs from a fresh rendering" in result.stdout


def test_inspect_finds_the_record_in_a_docx_saved_by_libreoffice() -> None:
    """tests/data/libreoffice-saved.docx is the university example's DOCX opened and saved once by
    LibreOffice 7.4, which renamed the record's part to customXml/item2.xml."""
    import re
    import zipfile

    fixture = ROOT / "tests" / "data" / "libreoffice-saved.docx"
    with zipfile.ZipFile(fixture) as archive:
        assert "customXml/agreementkit.xml" not in archive.namelist()
        records = [text for n in archive.namelist() if n.startswith("customXml/item")
                   for text in [archive.read(n).decode("utf-8", "replace")] if "urn:agreementkit:trace:1" in text]
    assert len(records) == 1
    result = cli("inspect", str(fixture))
    assert result.returncode == 0, result.stderr
    # The fingerprint the record holds (the example's answers as they were when the fixture was saved:
    # the example has changed since, and the record must still be read as it was written).
    shown = re.search(r"answers sha256   ([0-9a-f]{64})", result.stdout)
    assert shown and shown.group(1) in records[0]
    assert "parties.identity" in result.stdout and "legal.status" in result.stdout


def test_the_holiday_data_is_recorded_and_a_change_of_it_is_named(tmp_path: Path) -> None:
    """A document records how it counted working days (the holidays package's version and the
    calendar); --verify names a change of holiday data, so a moved review is not taken for an edit."""
    import io
    import zipfile

    from agreementkit.dates import holidays_version

    out = tmp_path / "mou.docx"
    assert cli("render", str(EXAMPLE), "-o", str(out)).returncode == 0
    shown = cli("inspect", str(out))
    assert f"working days     GB-ENG (holidays {holidays_version()})" in shown.stdout
    source = zipfile.ZipFile(out)
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "customXml/agreementkit.xml":
                data = data.replace(f"holidays {holidays_version()}".encode(), b"holidays 0.50")
            target.writestr(info, data)
    older = tmp_path / "older.docx"
    older.write_bytes(rewritten.getvalue())
    checked = cli("inspect", str(older), "--verify", str(EXAMPLE))
    assert "GB-ENG (holidays 0.50) for the document" in checked.stderr + checked.stdout
    assert "new holiday data, not an edit" in checked.stderr + checked.stdout
