"""Scenario tests and the starter layer: a library change is checked against real deals before it reaches a client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

BUILTIN_TESTS = ROOT / "clauses" / "tests"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"})


def test_the_built_in_scenarios_are_the_examples_and_pass() -> None:
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        assert (BUILTIN_TESTS / example.name).read_bytes() == example.read_bytes(), example.name
    result = cli("test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 scenarios: 4 passed, 0 failed; 27 rules with examples: 27 passed, 0 failed." in result.stdout


def test_a_starter_layer_lints_and_tests_clean_and_a_wording_change_shows_as_a_diff(tmp_path: Path) -> None:
    layer = tmp_path / "our-clauses"
    made = cli("library", "init", str(layer))
    assert made.returncode == 0, made.stderr
    for name in ("library.yaml", "README.md", "clauses/counterparts.md", "clauses/complaints.md", "questions/house.yaml",
                 "tests/example.yaml", "tests/example.md"):
        assert (layer / name).is_file(), name
    assert cli("lint", "--library", str(layer)).returncode == 0
    passed = cli("test", "--library", str(layer))
    assert passed.returncode == 0 and "1 scenario: 1 passed, 0 failed; 1 rule with examples: 1 passed, 0 failed." in passed.stdout
    approved = (layer / "tests" / "example.md").read_text(encoding="utf-8")
    assert "sent to the partnership manager of Northwind" in approved  # the new clause and its question
    assert "qualified or advanced electronic signature" in approved  # the override
    clause = layer / "clauses" / "counterparts.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace("sent by email", "sent by email or post"), encoding="utf-8")
    failed = cli("test", "--library", str(layer))
    assert failed.returncode == 1
    assert "FAILED  example" in failed.stdout
    assert "the wording differs in: 16.13 Counterparts and electronic signature (general.counterparts)" in failed.stdout
    assert "-This MOU may be signed" in failed.stdout and "+This MOU may be signed" in failed.stdout
    assert "sent by email or post" in failed.stdout
    assert "renumbering" not in failed.stdout
    updated = cli("test", "--library", str(layer), "--update")
    assert updated.returncode == 0 and "updated example" in updated.stdout
    assert cli("test", "--library", str(layer)).returncode == 0
    assert "sent by email or post" in (layer / "tests" / "example.md").read_text(encoding="utf-8")
    # A clause added early shifts every later number: the diff shows the new clause, and the shift only as a count.
    (layer / "clauses" / "early.md").write_text("---\nid: purpose.early\ntitle: An early word\nsection: purpose\norder: 1\n"
                                                "---\nThe Parties add an early word.\n", encoding="utf-8")
    shifted = cli("test", "--library", str(layer))
    assert "the wording differs in: 2.1 An early word (purpose.early, added)" in shifted.stdout, shifted.stdout
    assert "lines differ only in clause or schedule numbers (renumbering; not shown in the diff)" in shifted.stdout
    diff_lines = [line for line in shifted.stdout.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff_lines == ["+", "+### 2.1 An early word", "+", "+The Parties add an early word."], diff_lines
    (layer / "clauses" / "early.md").unlink()


def test_expectations_and_missing_renderings_fail_with_reasons(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    assert cli("library", "init", str(layer)).returncode == 0
    (layer / "tests" / "example.expect.yaml").write_text(
        "findings: [shared-costs-uncapped]\npresent: [general.complaints, commercial.revenue]\nabsent: [general.counterparts]\n",
        encoding="utf-8")
    (layer / "tests" / "second.yaml").write_bytes((layer / "tests" / "example.yaml").read_bytes())
    result = cli("test", "--library", str(layer))
    assert result.returncode == 1
    assert "health-check findings are ['cross-sector-values'], expected ['shared-costs-uncapped']" in result.stdout
    assert "clause commercial.revenue is absent but expected present" in result.stdout
    assert "clause general.counterparts is present but expected absent" in result.stdout
    assert "no approved rendering second.md; review the output and run with --update" in result.stdout
    assert "2 scenarios: 0 passed, 2 failed;" in result.stdout


def test_init_never_overwrites_and_test_needs_scenarios(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("library", "init", str(tmp_path / "taken"))
    assert result.returncode == 2 and "is not an empty folder" in result.stderr
    assert (tmp_path / "taken" / "notes.txt").read_text(encoding="utf-8") == "mine"
    (tmp_path / "bare").mkdir()
    result = cli("test", "--library", str(tmp_path / "bare"))
    assert result.returncode == 2 and "no scenarios" in result.stderr


def test_a_cross_reference_pointed_at_another_clause_is_shown_and_a_moved_one_is_not(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    assert cli("library", "init", str(layer)).returncode == 0
    note = layer / "clauses" / "note.md"
    note.write_text("---\nid: general.review_note\ntitle: Review note\nsection: general\norder: 300\n---\n"
                    "Progress is discussed at the review under clause {{ ref('review.cadence') }}.\n", encoding="utf-8")
    assert cli("test", "--library", str(layer), "--update").returncode == 0
    assert "under clause 8.2." in (layer / "tests" / "example.md").read_text(encoding="utf-8")
    # Retargeted to the next clause, and a clause added early in section 8 moves both numbers by one.
    note.write_text(note.read_text(encoding="utf-8").replace("review.cadence", "review.annual"), encoding="utf-8")
    (layer / "clauses" / "early.md").write_text("---\nid: review.early\ntitle: An early word\nsection: review\norder: 1\n"
                                                "---\nThe Parties add an early word.\n", encoding="utf-8")
    result = cli("test", "--library", str(layer))
    assert result.returncode == 1
    diff_lines = [line for line in result.stdout.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    # 8.2 is now 8.3 (renumbering, hidden), but the note points at the annual review, now 8.4: shown.
    assert "-Progress is discussed at the review under clause 8.2." in diff_lines, result.stdout
    assert "+Progress is discussed at the review under clause 8.4." in diff_lines, result.stdout
    assert not any("Regular reviews" in line or "Annual strategic review" in line for line in diff_lines), diff_lines
    differs = next(line for line in result.stdout.splitlines() if "the wording differs in:" in line)
    # document order: section 8's new clause before the note in the general section
    assert differs.strip() == ("the wording differs in: 8.1 An early word (review.early, added); "
                               "16.15 Review note (general.review_note)"), differs
    assert "lines differ only in clause or schedule numbers" in result.stdout
    # The note removed: named as removed, with its number in the approved rendering.
    assert cli("test", "--library", str(layer), "--update").returncode == 0
    note.unlink()
    removed = cli("test", "--library", str(layer))
    assert "the wording differs in: 16.15 Review note (removed)" in removed.stdout, removed.stdout


def test_one_renumbered_line_is_one_line_that_differs(tmp_path: Path) -> None:
    from agreementkit.toolkit.scenarios import wording_diff

    old = "## 1. Start\n\n### 1.1 A\n\nSee clause 1.2.\n\n### 1.2 B\n\nText.\n"
    new = "## 1. Start\n\n### 1.1 New\n\nNew.\n\n### 1.2 A\n\nSee clause 1.3.\n\n### 1.3 B\n\nText.\n"
    diff, renumbered = wording_diff(old, new, "old", "new")
    assert renumbered == 3  # the two headings and the reference
    assert "See clause" not in diff and "+### 1.1 New" in diff
    retargeted = new.replace("See clause 1.3.", "See clause 1.1.")
    diff, renumbered = wording_diff(old, retargeted, "old", "new")
    assert renumbered == 2 and "-See clause 1.2." in diff and "+See clause 1.1." in diff


def test_an_unreadable_scenario_or_a_missing_library_folder_is_exit_2(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    assert cli("library", "init", str(layer)).returncode == 0
    (layer / "tests" / "broken.yaml").write_text("agreement: [unclosed\n", encoding="utf-8")
    result = cli("test", "--library", str(layer))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "FAILED  broken" in result.stdout and "cannot be read:" in result.stdout
    assert "passed  example" in result.stdout  # the other scenarios still run
    missing = cli("test", "--library", str(tmp_path / "no-such-folder"))
    assert missing.returncode == 2
    assert "no such clause library folder" in missing.stderr and "no scenarios" not in missing.stderr
