"""The client checklist: every question of the interview on paper, with its help, when it
applies, its choices to tick or a box to write in, repeated for as many parties and
objectives as the deal has, in Markdown, Word and PDF through the document writers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, DocxView, PdfView

from agreementkit.questions import load_interview
from agreementkit.questions.listing import checklist_document, condition_words

LAYER = ROOT / "examples" / "layers" / "data-sharing"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"})


def test_every_question_has_help() -> None:
    for layers in ([], [LAYER]):
        missing = [q.id for q in load_interview(layers).questions() if not q.removed and not (q.help or "").strip()]
        assert not missing, f"questions without help: {missing}"


@pytest.mark.parametrize(("question", "words"), [
    ("agreement.end_date", "Only if length given: as an end date"),
    ("agreement.term_months", "Only if length given: in months"),
    ("agreement.renewal_months", "Only if at the end: it renews itself"),
    ("disputes.mediator", "Only if ladder includes mediation or deadlock: mediation"),
    ("resources[].currency", "Only if value is given"),
    ("parties[].charity_number", "Only if legal form: charity or charitable company"),
    ("commercial.revenue_shares", "Only if selling together: yes and paid by: a share of the revenue"),
    ("liability.cap", "Only if cap set by: one amount for every party"),
    ("liability.currency", "Only if cap set by: not by its contributions or personal-data cap is given"),
    ("publication.review_days", "Only if a party's kind: university or a party's legal form: university"),
    ("costs.currency", "Only if costs: shared in agreed proportions and (cap is given or the resource entries give more than one currency)"),
    ("disputes.escalation_days", ("Only if ladder includes escalation or deadlock: escalate or mediation "
                                  "or (deadlock: chair's casting vote and reserved is given)")),
    ("intellectual_property.joint_licensing", "Only if new IP: the creator or joint"),
    ("data_protection.roles", "Only if personal data shared: yes"),
])
def test_conditions_read_as_words(question: str, words: str) -> None:
    interview = load_interview()
    assert condition_words(interview.question(question), interview) == words


def test_the_markdown_checklist_has_room_to_write_copies_per_party_and_conditions_in_words() -> None:
    result = cli("questions", "list", "--format", "md", "--parties", "3", "--objectives", "4")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Partnership MOU: what we will ask you")
    assert "Made for 3 parties and 4 objectives." in text
    # Answer lines under a question, more for a sentence or two; boxes to tick for choices.
    purpose = text.split("What is the partnership for?")[1].split("###")[0]
    assert purpose.count("| \u00a0 |") == 3 and "**Your answer**" in purpose
    assert "☐ **the parties may extend it**" in text and "☐ Yes" in text
    # Each party's questions for each of the three parties, and four objectives.
    for n in (1, 2, 3):
        assert f"Party {n}: full legal name" in text and f"Who signs for Party {n}? (name)" in text
        assert f"Party {n}: registration number" in text and f"What is Party {n} good at? (its strengths)" in text
    assert "Party 4:" not in text
    assert "Objective 4: what should the partnership achieve?" in text and "Objective 5" not in text
    # A per-party answer as a table of the parties.
    assert "| Party 3 | \u00a0 |" in text
    # Conditions in words, never an expression or "if it applies".
    assert "*Only if length given: as an end date.*" in text
    assert "if it applies" not in text and "{{" not in text and "==" not in text
    # Wording that reads on paper.
    for garbled in ("This role's role", "What does this resource put in", ") (a sentence or two)", "this party's",
                    "Ctrl-", "Short key for this party"):
        assert garbled not in text, garbled
    assert "Proposed: Memorandum of Understanding." in text


def test_word_and_pdf_checklists_go_through_the_document_writers(tmp_path: Path) -> None:
    docx_path, pdf_path = tmp_path / "checklist.docx", tmp_path / "checklist.pdf"
    made = cli("questions", "list", "--format", "docx", "--parties", "3", "-o", str(docx_path))
    assert made.returncode == 0, made.stderr
    assert cli("questions", "list", "--format", "pdf", "--library", str(LAYER), "-o", str(pdf_path)).returncode == 0
    docx = DocxView(docx_path.read_bytes())
    assert "Who signs for Party 3? (name)" in docx.text and "Only if ladder includes arbitration." in docx.text
    answer_boxes = [t for t in docx.tables if t[0][0].startswith("Your answer")]
    assert len(answer_boxes) > 60 and all(row[0].strip() == "" for box in answer_boxes for row in box[1:])
    assert any(t[0] == ["Party", "Answer: a percentage"] and [r[0] for r in t[1:]] == ["Party 1", "Party 2", "Party 3"]
               for t in docx.tables)
    numbered = [text for text in docx.styled("Heading 2")]
    assert any(text.startswith("2.1") or "Party 1: full legal name" in text for text in numbered)
    pdf = PdfView(pdf_path.read_bytes())
    assert "Partnership MOU: what we will ask you" in pdf.text
    assert "Will the parties share personal data with each other?" in pdf.text  # the layer's own question
    assert "Your answer" in pdf.text and "Only if" in pdf.text


def test_the_same_interview_gives_the_same_checklist_bytes(tmp_path: Path) -> None:
    from agreementkit.render import render_bytes

    document = checklist_document(load_interview(), parties=2, objectives=1)
    assert render_bytes(document, "docx") == render_bytes(checklist_document(load_interview(), parties=2, objectives=1), "docx")


def test_checklist_mistakes_are_refused_with_a_sentence(tmp_path: Path) -> None:
    no_file = cli("questions", "list", "--format", "pdf")
    assert no_file.returncode == 2 and "give it a name with -o" in no_file.stderr
    (tmp_path / "taken.docx").write_text("mine", encoding="utf-8")
    taken = cli("questions", "list", "--format", "docx", "-o", str(tmp_path / "taken.docx"))
    assert taken.returncode == 2 and "already exists; give --force" in taken.stderr
    assert (tmp_path / "taken.docx").read_text(encoding="utf-8") == "mine"
    assert cli("questions", "list", "--parties", "1", "--format", "md").returncode == 2
    wrong = cli("questions", "list", "--format", "odt")
    assert wrong.returncode == 2 and "choose table, json, md, docx, pdf or html" in wrong.stderr
    assert "Traceback" not in no_file.stderr + taken.stderr + wrong.stderr
