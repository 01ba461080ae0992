"""House review rules as data: the built-in rules, their examples and helpers, and a layer's own rules in
check, render, the terminal interview's review and serve."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, example_data, varied, write_answers

from agreementkit.checks import check_answers, load_rules, rule_file_schema
from agreementkit.checks.examples import apply_fragment, run_examples
from agreementkit.questions import load_interview

FIRM = ROOT / "examples" / "layers" / "firm-rules"
BUILTIN = load_rules()


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *map(str, args)], capture_output=True, text=True, timeout=180,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"})


def scots(tmp_path: Path, libraries: list[str] | None = None, name: str = "scots.yaml") -> Path:
    """The healthy binding example under Scots law for four years: both firm rules fire, no built-in one does."""
    data = varied(example_data("telecom-edge-binding"), **{"agreement.governing_law": "Scotland",
                                                          "agreement.end_date": "2031-02-28"})
    if libraries is not None:
        data["libraries"] = libraries
    return write_answers(tmp_path, data, name)


# --- the built-in rules are data, and their examples hold them to what they are for -----------------


@pytest.mark.parametrize("rule_id", sorted(BUILTIN.rules))
def test_every_built_in_rule_fires_on_its_examples_and_spares_its_near_misses(rule_id: str) -> None:
    rule = BUILTIN.rules[rule_id]
    assert rule.examples.fires and rule.examples.passes, "every built-in rule has both kinds of example"
    results = run_examples(BUILTIN, load_interview(), [rule])
    assert [str(r) for r in results if not r.passed] == []
    assert len(results) == len(rule.examples.fires) + len(rule.examples.passes)


def test_a_rule_whose_example_stops_firing_fails_in_lint_and_test(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    (layer / "rules").mkdir(parents=True)
    (layer / "tests").mkdir()
    shutil.copy(ROOT / "examples" / "telecom-edge-binding.yaml", layer / "tests" / "deal.yaml")
    (layer / "rules" / "r.yaml").write_text(
        "base: deal\nrules:\n  - id: review-annual\n    overrides: review-annual@1\n"
        "    when: term_months > 36 and not review.annual_strategic_review\n", encoding="utf-8")
    linted = json.loads(cli("lint", "--library", layer, "--format", "json").stdout)["findings"]
    broken = [f for f in linted if f["rule"] == "rule-example"]
    assert [(f["clause"], f["line"]) for f in broken] == [("review-annual", None)] or broken[0]["clause"] == "review-annual"
    assert "fires example 1 does not fire on telecom-edge-binding" in broken[0]["message"]
    assert cli("test", "--library", layer, "--update").returncode == 1
    result = cli("test", "--library", layer)
    assert result.returncode == 1
    assert "FAILED  rule review-annual" in result.stdout and "does not fire on telecom-edge-binding" in result.stdout
    assert "1 rule with examples: 0 passed, 1 failed." in result.stdout


def test_no_rule_is_python_of_its_own() -> None:
    import agreementkit.checks

    sources = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "agreementkit").rglob("*.py"))
    functions = set(re.findall(r"\bdef (\w+)", sources))
    assert [rid for rid in BUILTIN.rules if rid.replace("-", "_") in functions] == []
    assert not hasattr(agreementkit.checks, "RULES") and len(BUILTIN.rules) == 27
    assert len(list((ROOT / "clauses" / "rules").glob("*.yaml"))) >= 5


def test_every_rule_is_about_clauses_that_exist_at_the_versions_it_records_and_asks_a_real_question() -> None:
    from agreementkit.assembly import default_library

    clauses = default_library().clauses
    questions = {q.id for q in load_interview().questions()}
    for rule in BUILTIN.rules.values():
        assert rule.about, rule.id
        for clause_id, version in rule.about:
            assert clause_id in clauses and version == clauses[clause_id].meta.version, (rule.id, clause_id)
        assert rule.questions and all(q in questions for q in rule.questions if "{" not in q), rule.id


def test_the_rule_files_follow_their_published_schema() -> None:
    import jsonschema

    schema = rule_file_schema()
    for path in [*(ROOT / "clauses" / "rules").glob("*.yaml"), *(ROOT / "examples" / "layers").glob("*/rules/*.yaml")]:
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    printed = cli("rules", "schema")
    assert printed.returncode == 0 and json.loads(printed.stdout)["title"] == "agreementkit rule file"


_PATHS = re.compile(r"\b(?:agreement|parties|objectives|responsibilities|resources|costs|governance|disputes|review|"
                    r"termination|liability|data_protection|extra)(?:\.[a-z_]|\[)|\b[a-z]+_[a-z_]+\b")


def test_the_interview_words_of_every_finding_name_no_answers_file_path() -> None:
    interview = load_interview()
    for rule in BUILTIN.rules.values():
        for fragment in rule.examples.fires:
            from agreementkit.answers import validate_answers
            from agreementkit.checks.engine import _Asked, rule_context, run_rule

            data = apply_fragment(example_data(rule.base or "telecom-edge-binding"), fragment)
            found = run_rule(rule, rule_context(validate_answers(data, check_references=False)), _Asked(interview))
            for finding in found:
                said = finding.said()
                assert not _PATHS.search(said.finding + " " + said.suggestion), (rule.id, said)
                assert finding.question


def test_plain_words_name_the_question_as_the_interview_asks_it() -> None:
    data = varied(example_data("telecom-edge-binding"), **{"governance.decision_rule": "majority", "governance.reserved_matters": [],
                                                          "parties.0.legal_form": None})
    from agreementkit.answers import validate_answers

    report = check_answers(validate_answers(data))
    said = {f.rule: f.said() for f in report.findings}
    assert said["reserved-none"].suggestion.startswith("List the matters that need every party's written agreement on the "
                                                       "Decision rights page")
    assert said["legal-form-missing"].suggestion == "Choose Aurora's legal form (“Its legal form” on the Parties page)."
    paths = {f.rule: f.suggestion for f in report.findings}
    assert paths["reserved-none"].startswith("List reserved_matters")  # check keeps the answers file's words


# --- the helpers rules and questions share, each tested once ----------------------------------------


def test_the_helper_filters() -> None:
    from decimal import Decimal

    from agreementkit.questions.helpers import (
        common,
        countries,
        country_of,
        kinds,
        number,
        of_party,
        term_end,
        term_length,
        totals_by_currency,
        words,
        working_days_between,
        working_days_earlier,
    )

    assert country_of("Scotland") == "united kingdom" and country_of("Munich, Germany") == "germany"
    parties = [{"key": "a", "kind": "company", "jurisdiction": "England and Wales"},
               {"key": "b", "kind": "university", "jurisdiction": "Scotland"},
               {"key": "c", "kind": "company", "jurisdiction": "the Netherlands"}]
    assert countries(parties) == ["netherlands", "united kingdom"]
    assert kinds(parties) == ["company", "university"]
    resources = [{"party": "a", "value": 10, "currency": "GBP"}, {"party": "b", "value": 5, "currency": "EUR"},
                 {"party": "a", "value": "2.5", "currency": "GBP"}, {"party": "a", "value": None, "currency": "GBP"}]
    assert of_party(resources, "b") == [resources[1]]
    assert of_party([{"owner": "a"}, {"owner": "b"}], "a", "owner") == [{"owner": "a"}]
    assert totals_by_currency(of_party(resources, "a")) == {"GBP": Decimal("12.5")}
    assert words(["Signed customer contracts", "the KPI"]) == ["contracts", "customer", "kpi", "signed"]
    assert common(words("Fewer than 2 signed contracts"), words("Signed customer contracts")) == ["contracts", "signed"]
    assert number(Decimal("100.00")) == "100" and number(Decimal("33.50")) == "33.5" and number(None) == ""
    assert term_end({"effective_date": "2027-03-01", "term_months": 24}) == "2029-02-28"
    assert term_end({"effective_date": "2027-03-01", "end_date": "2028-01-31"}) == "2028-01-31"
    assert term_length({"effective_date": "2027-03-01", "end_date": "2029-02-28"}) == 24
    assert working_days_earlier("2027-03-08", 5) == "2027-03-01"  # a Monday, five working days before the next Monday
    assert working_days_between("2027-03-05", "2027-03-12") == 5  # Friday to Friday
    assert working_days_between(None, "2027-03-12") == 0


# --- a layer's rules: added, changed, switched off, silenced --------------------------------------


def test_the_firm_rules_change_check(tmp_path: Path) -> None:
    answers = scots(tmp_path, libraries=[str(FIRM)])
    without = cli("check", scots(tmp_path, name="plain.yaml"), "--format", "json")
    assert without.returncode == 0 and json.loads(without.stdout)["findings"] == []
    result = cli("check", answers, "--library", FIRM, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(f["rule"], f["path"], f["layer"]) for f in report["findings"]] == [
        ("governing-law-england", "agreement.governing_law", str(FIRM)),
        ("term-over-36-months", "agreement.end_date", str(FIRM))]
    assert report["findings"][1]["finding"] == ("The term runs for 48 months, past the 36 months the firm accepts without "
                                                "a partner's sign-off.")
    assert cli("check", answers, "--library", FIRM, "--strict").returncode == 1
    rendered = cli("render", answers, "--library", FIRM, "-o", tmp_path / "out.md")
    assert rendered.returncode == 0 and "warning: agreement.governing_law: The agreement is governed by the law of Scotland." \
        in rendered.stderr
    second = scots(tmp_path, libraries=[str(FIRM)], name="second.yaml")
    batch = cli("render", answers, second, "--library", FIRM, "-o", tmp_path / "batch", "--format", "md", "--jobs", "1")
    assert batch.returncode == 0 and batch.stdout.count("(2 warnings)") + batch.stderr.count("(2 warnings)") == 2, batch


def test_a_layer_silences_changes_and_switches_off_rules(tmp_path: Path) -> None:
    layer = tmp_path / "house"
    shutil.copytree(FIRM, layer)
    (layer / "rules" / "more.yaml").write_text(
        "rules:\n"
        "  - {id: review-annual, overrides: review-annual@1, severity: warning}\n"
        "  - {id: party-manager, enabled: false}\n", encoding="utf-8")
    data = varied(example_data("telecom-edge-binding"), **{"agreement.governing_law": "Scotland", "parties.0.manager": None,
                                                          "review.annual_strategic_review": False,
                                                          "check": {"ignore": ["governing-law-england"]},
                                                          "libraries": [str(layer)]})
    report = json.loads(cli("check", write_answers(tmp_path, data), "--library", layer, "--format", "json").stdout)
    assert {(f["rule"], f["severity"], f["silenced"]) for f in report["findings"]} == {
        ("governing-law-england", "warning", True), ("review-annual", "warning", False)}
    assert [r for r in load_rules([layer]).rules.values() if r.id == "review-annual"][0].changed_by == [str(layer)]
    listed = {row["id"]: row for row in json.loads(cli("rules", "list", "--library", layer, "--format", "json").stdout)}
    assert listed["party-manager"]["enabled"] is False and listed["review-annual"]["changed_by"] == [str(layer)]
    assert listed["governing-law-england"]["layer"] == str(layer) and listed["review-annual"]["severity"] == "warning"
    data["check"] = {"ignore": ["governing-law-englnd"]}
    refused = cli("check", write_answers(tmp_path, data, "typo.yaml"), "--library", layer)
    assert refused.returncode == 2 and "unknown rule 'governing-law-englnd'" in refused.stderr
    assert "did you mean 'governing-law-england'?" in refused.stderr


def test_the_firm_rules_appear_in_the_interview_review_in_its_words(tmp_path: Path) -> None:
    from terminal import ENTER, drive

    from agreementkit.answers import load_answers
    from agreementkit.questionnaire import Draft

    answers = load_answers(scots(tmp_path, libraries=[str(FIRM)]), interview=load_interview([FIRM]))
    draft = Draft(tmp_path / "draft.yaml", defaults=answers.model_dump(mode="json", exclude_none=True), libraries=[str(FIRM)])
    run = drive([ENTER] * 600, draft, tmp_path / "out")
    assert run.result is not None, run.printed[-2000:]
    printed = " ".join(run.printed.split())
    assert ("warning: The agreement is governed by the law of Scotland. Choose England and Wales on the Agreement page "
            "(“Which law governs it”), or have local counsel review the draft.") in printed
    assert "Shorten the term to 36 months at most on the Agreement page" in printed
    assert "agreement.governing_law" not in printed and "agreement.end_date" not in printed


def test_the_firm_rules_appear_in_serve_beside_the_question_in_its_words(tmp_path: Path) -> None:
    from test_serve import TOKEN, request

    from agreementkit.web import open_draft, start

    answers = scots(tmp_path, libraries=[str(FIRM)])
    running = start(open_draft(answers, output=tmp_path / "out", libraries=[FIRM]), port=0, token=TOKEN)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", running.port), timeout=0.2).close()
                break
            except OSError:
                threading.Event().wait(0.05)
        status, _, page = request(running, "/section/agreement")
        assert status == 200
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        assert "The agreement is governed by the law of Scotland." in text
        assert "Choose England and Wales on the Agreement page (“Which law governs it”)" in text.replace("&#34;", '"')
        assert "agreement.governing_law" not in text
    finally:
        running.stop()
        thread.join(timeout=10)


# --- answers made with a layer are not checked or rendered without it --------------------------------


def test_answers_recording_a_layer_are_refused_without_it(tmp_path: Path) -> None:
    answers = scots(tmp_path, libraries=["../elsewhere/firm-rules"])
    for command in (["check", answers], ["render", answers, "-o", tmp_path / "x.md"], ["render", answers, answers.parent / "other.yaml",
                                                                                         "-o", tmp_path / "batch"]):
        if command[-1] == tmp_path / "batch":
            shutil.copy(answers, answers.parent / "other.yaml")
        result = cli(*command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        said = " ".join((result.stderr + result.stdout).split())
        assert "was made with the library layer ../elsewhere/firm-rules" in said
        assert "pass --library ../elsewhere/firm-rules" in said and "--without-recorded-libraries" in said
    assert not (tmp_path / "x.md").exists()
    # The layer at another path matches by its name.
    matched = cli("check", answers, "--library", FIRM, "--format", "json")
    assert matched.returncode == 0 and len(json.loads(matched.stdout)["findings"]) == 2
    forced = cli("check", answers, "--without-recorded-libraries", "--format", "json")
    assert forced.returncode == 0
    assert "used here without it (--without-recorded-libraries)" in json.loads(forced.stdout)["notes"][0]
    assert "warning:" in forced.stderr
    rendered = cli("render", answers, "--without-recorded-libraries", "-o", tmp_path / "y.md")
    assert rendered.returncode == 0 and "used here without it" in rendered.stderr and (tmp_path / "y.md").exists()


def test_compare_refuses_answers_recording_a_layer_it_is_not_given(tmp_path: Path) -> None:
    answers = scots(tmp_path, libraries=["../elsewhere/firm-rules"])
    refused = cli("compare", answers, answers, "-o", tmp_path / "r.md")
    said = " ".join((refused.stderr + refused.stdout).split())
    assert refused.returncode == 2 and "was made with the library layer ../elsewhere/firm-rules" in said, said
    assert "Traceback" not in said and not (tmp_path / "r.md").exists()
    assert cli("compare", answers, answers, "--library", FIRM, "-o", tmp_path / "m.md").returncode == 0
    forced = cli("compare", answers, answers, "--without-recorded-libraries", "-o", tmp_path / "f.md")
    assert forced.returncode == 0 and "used here without it" in forced.stderr and (tmp_path / "f.md").exists()


def test_a_layers_own_scenarios_carry_it_wherever_it_is(tmp_path: Path) -> None:
    layer = tmp_path / "somewhere" / "starter"
    assert cli("library", "init", layer).returncode == 0
    moved = tmp_path / "moved"
    shutil.move(str(layer), moved)
    result = cli("test", "--library", moved)
    assert result.returncode == 0, result.stdout + result.stderr


# --- rules follow clauses -------------------------------------------------------------------------


def test_a_layer_replacing_a_clause_a_rule_is_about_lists_the_rule_for_review(tmp_path: Path) -> None:
    clauses = tmp_path / "layer" / "clauses"
    clauses.mkdir(parents=True)
    (clauses / "shared.md").write_text("---\nid: costs.shared\noverrides: costs.shared@6\ntitle: Shared costs\nsection: resources\n"
                                       "order: 20\ncondition: costs.model == 'shared'\n---\nShared Costs are agreed case by case.\n",
                                       encoding="utf-8")
    findings = json.loads(cli("lint", "--library", clauses.parent, "--format", "json").stdout)["findings"]
    review = sorted(f["message"] for f in findings if f["rule"] == "rule-review")
    assert review == [f"replaces costs.shared, which the health-check rule {r} is about"
                      for r in ("cost-shares-total", "currency-mixed", "shared-costs-uncapped")]
    # ... and their examples run with the layer.
    tests = cli("test", "--library", clauses.parent)
    assert "passed  rule shared-costs-uncapped" in tests.stdout


def test_a_rule_written_against_an_older_clause_is_flagged_until_re_read(tmp_path: Path) -> None:
    rules = tmp_path / "layer" / "rules"
    rules.mkdir(parents=True)
    (rules / "r.yaml").write_text(
        "base: telecom-edge-binding\nrules:\n  - id: cap-small\n    severity: advice\n    summary: A cap of at least 10,000.\n"
        "    about: [costs.shared@5]\n    when: costs.cap and costs.cap < 10000\n    where: {path: costs.cap, question: costs.cap}\n"
        "    finding: The cap is small.\n    why: Small caps get in the way.\n    suggestion: Raise it.\n"
        "    examples:\n      fires: [{costs: {model: shared, shares: {aurora: 50, brightwave: 50}, cap: 10, currency: GBP}}]\n"
        "      passes: [{}]\n", encoding="utf-8")
    findings = json.loads(cli("lint", "--library", rules.parent, "--format", "json").stdout)["findings"]
    drift = [f for f in findings if f["rule"] == "rule-about-drift"]
    from agreementkit.assembly import default_library

    current = default_library().clauses["costs.shared"].meta.version
    assert current > 5
    assert drift and f"written against costs.shared version 5; the built-in clause is now at version {current}" in drift[0]["message"]
    assert "agreementkit library diff costs.shared" in drift[0]["suggestion"] and f"about: costs.shared@{current}" in drift[0]["suggestion"]
    assert [f["rule"] for f in findings if f["severity"] == "error"] == []


def test_library_diff_shows_what_changed_since_the_overridden_version(tmp_path: Path) -> None:
    clauses = tmp_path / "layer" / "clauses"
    clauses.mkdir(parents=True)
    (clauses / "c.md").write_text("---\nid: general.counterparts\noverrides: general.counterparts@1\ntitle: Counterparts\n"
                                  "section: general\norder: 100\n---\nSigned in counterparts.\n", encoding="utf-8")
    result = cli("library", "diff", "general.counterparts", "--library", clauses.parent)
    assert result.returncode == 0, result.stderr
    assert "--- general.counterparts@1" in result.stdout and "+version: 2" in result.stdout
    assert "what changed from version 1 to version 2" in result.stderr
    assert cli("library", "diff", "general.counterparts", "--since", "2").stdout.startswith("general.counterparts is at version 2")
    unknown = cli("library", "diff", "general.countreparts")
    assert unknown.returncode == 2 and "did you mean 'general.counterparts'?" in unknown.stderr
    assert cli("library", "diff", "general.counterparts").returncode == 2  # no layer and no --since: which version?


def test_the_earlier_clause_versions_kept_match_git() -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "clause_history.py"), "--check"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout
