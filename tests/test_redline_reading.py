"""Changes a lawyer can read: grouped as Litera or Workshare show them, the same in every writer,
with the author and the date asked for."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn
from helpers import PdfView, example_data, varied, write_answers

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.compare import compare, diff_inlines
from agreementkit.document import Text
from agreementkit.render import render_bytes


def changes(old: str, new: str) -> list[tuple[str | None, str]]:
    runs, _ = diff_inlines((Text(old),), (Text(new),))
    return [(run.change, run.text) for run in runs if isinstance(run, Text)]


def test_a_rewritten_phrase_is_one_deletion_then_one_insertion() -> None:
    assert changes("Pilot the tracking service with member distributors",
                   "Reach every partner with member distributors") == [
        ("del", "Pilot the tracking service "), ("ins", "Reach every partner "), (None, "with member distributors")]


def test_numbers_amounts_dates_and_percentages_change_whole() -> None:
    assert changes("a cap of GBP 175,000 in total", "a cap of GBP 150,000 in total") == [
        (None, "a cap of "), ("del", "GBP 175,000 "), ("ins", "GBP 150,000 "), (None, "in total")]
    assert changes("due on 15 January 2028.", "due on 16 January 2028.") == [
        (None, "due on"), ("del", " 15 January 2028"), ("ins", " 16 January 2028"), (None, ".")]
    assert changes("a target of -20% by then", "a target of -25% by then") == [
        (None, "a target of "), ("del", "-20% "), ("ins", "-25% "), (None, "by then")]
    assert changes("the Joint Steering Committee decides", "the Partnership Board decides") == [
        (None, "the "), ("del", "Joint Steering Committee "), ("ins", "Partnership Board "), (None, "decides")]


def test_the_separating_space_is_inside_both_changes_and_no_text_is_added() -> None:
    for old, new in (("giving 60 days' notice", "giving 90 days' notice"), ("ends on the date", "ends at the time"),
                     ("in any number of counterparts, each", "in any number of counterpart copies, each")):
        runs = changes(old, new)
        assert "".join(t for c, t in runs if c != "ins") == old and "".join(t for c, t in runs if c != "del") == new
        shown = "".join(t for _, t in runs)
        for index, (change, text) in enumerate(runs[:-1]):
            if change == "del" and runs[index + 1][0] == "ins":
                assert text[-1:] == " " or text[:1] == " ", runs  # "old new", never "oldnew"
        assert "  " not in shown


def _redline(tmp_path: Path, *extra: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = example_data()
    old = write_answers(tmp_path, data, "v1.yaml")
    changed = varied(data, **{"objectives.0.title": "Reach every partner site with the shared service",
                              "resources.0.value": 75000, "termination.notice_days": 90})
    new = write_answers(tmp_path, changed, "v2.yaml")
    result = subprocess.run([sys.executable, "-m", "agreementkit", "compare", str(old), str(new), "-o", str(tmp_path / "out"),
                             "--format", "docx,pdf,html,md", *extra], capture_output=True, text=True, timeout=240,
                            env={**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    return tmp_path / "out"


def test_every_writer_groups_the_changes_alike_with_the_author_and_date(tmp_path: Path) -> None:
    out = _redline(tmp_path, "--author", "Dana Wells (Frostline)", "--date", "2027-03-01T10:30:00")
    document = docx.Document(io.BytesIO((out / "v2-redline.docx").read_bytes()))
    body = document.element.body
    word = []
    for mark in body.iter(qn("w:ins"), qn("w:del")):
        if mark.getparent().tag in (qn("w:rPr"), qn("w:trPr")):
            continue
        assert (mark.get(qn("w:author")), mark.get(qn("w:date"))) == ("Dana Wells (Frostline)", "2027-03-01T10:30:00Z")
        text = "".join(t.text or "" for t in mark.iter(qn("w:t"), qn("w:delText")))
        word.append(("ins" if mark.tag == qn("w:ins") else "del", text))
    html = (out / "v2-redline.html").read_text(encoding="utf-8")
    body_html = html.split('<header class="cover">', 1)[1]
    from html import unescape

    marked = [(kind, unescape(re.sub(r"<[^>]+>", "", text)))
              for kind, text in re.findall(r'<(ins|del) datetime="2027-03-01T10:30:00Z">(.*?)</\1>', body_html)]
    assert marked == word
    markdown = (out / "v2-redline.md").read_text(encoding="utf-8")
    critic = [("ins" if m.group(1) == "++" else "del", m.group(2).replace("\\", "").replace("**", ""))
              for m in re.finditer(r"\{(\+\+|--)(.*?)(?:\+\+|--)\}", markdown)]
    assert critic == [(kind, text) for kind, text in word if text.strip()] or critic == word
    assert ("del", "Pilot the tracking ") in word and ("ins", "Reach every partner site with the shared ") in word
    assert ("del", "GBP 60,000") in word and ("ins", "GBP 75,000") in word  # the amount whole, in the table
    assert ("del", "60 ") in word and ("ins", "90 ") in word  # "giving at least 60 90 days' notice", read without colours
    assert "Dana Wells (Frostline), 2027-03-01" in PdfView((out / "v2-redline.pdf").read_bytes()).text
    # The summary is a comment on the title, not text of either draft.
    assert [c.text for c in document.comments][0].startswith("Redline: the changes from the previous draft are tracked.")
    assert "(redline)" not in document.paragraphs[0].text and not any("Changes from the previous" in p.text for p in document.paragraphs)


def test_the_same_inputs_and_date_give_the_same_bytes(tmp_path: Path) -> None:
    first = _redline(tmp_path / "a", "--date", "2027-03-01")
    second = _redline(tmp_path / "b", "--date", "2027-03-01")
    for fmt in ("docx", "pdf", "html", "md"):
        assert (first / f"v2-redline.{fmt}").read_bytes() == (second / f"v2-redline.{fmt}").read_bytes(), fmt


def test_the_effective_date_is_never_the_date_of_a_change() -> None:
    old = assemble(validate_answers(example_data()))
    new = assemble(validate_answers(varied(example_data(), **{"termination.notice_days": 90})))
    document = docx.Document(io.BytesIO(render_bytes(compare(old, new, date="2030-05-06").document, "docx")))
    dates = {m.get(qn("w:date")) for m in document.element.body.iter(qn("w:ins"), qn("w:del"))}
    assert dates == {"2030-05-06T00:00:00Z"}


def test_a_retitled_draft_still_carries_the_summary_as_a_comment() -> None:
    old = assemble(validate_answers(example_data()))
    new = assemble(validate_answers(varied(example_data(), **{"agreement.title": "Partnership Charter"})))
    redline = compare(old, new, date="2027-01-01")
    assert redline.summary.changed[0] == "the title block"
    document = docx.Document(io.BytesIO(render_bytes(redline.document, "docx")))
    assert len(document.comments) == 1 and "the title block" in next(iter(document.comments)).text
    title = document.paragraphs[0]._p
    assert [t.text for t in title.iter(qn("w:delText"))] == ["Memorandum of Understanding"]
    assert [t.text for t in title.iter(qn("w:t"))] == ["Partnership Charter"]
