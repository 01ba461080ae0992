"""The interview as data: layers that add, reword and remove questions, and the
engine's behaviour that a long interview needs (back, help, re-asking, resuming)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, example_data, write_answers
from terminal import DOWN, ENTER, NO, PAUSE, YES, drive, t

from agreementkit.answers import load_answers
from agreementkit.checks import check_answers
from agreementkit.errors import ClauseLibraryError
from agreementkit.interview.draft import Draft, load_draft
from agreementkit.questions import load_interview

LAYER = ROOT / "examples" / "layers" / "data-sharing"
BACK, HELP = "\x10", "\x07"  # Ctrl-P, Ctrl-G


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"})


def quick_start(first: str = "Acme Robotics Ltd", second: str = "Beta Labs GmbH") -> list[str]:
    """Keys for a quick run up to and including the decision rule."""
    return [
        t("Build and test a warehouse robot together."), ENTER,
        t(first), ENTER, t("Ann Lee"), t("Chief Executive"), t("Raj Patel"), t("raj@acme.example"),
        t(second), t("Germany"), t("Bo Schmidt"), t("CTO"), t("Lena Vogt"), t("lena@beta.example"), NO,
        t("Build a prototype"), t("Prototype demonstrations"), t("3 demos"), t("2027-06-30"), DOWN + ENTER, NO,
        t("Robotics lead"), t("Software lead"),
        t("Two robotics engineers"), t("Navigation software licence"),
        ENTER,
    ]


# --- a layer that adds questions ------------------------------------------------------


def test_a_layer_question_is_asked_on_its_page_and_its_answer_reaches_the_clause(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(LAYER)])
    # Personal data: yes; roles: joint controllers (one down from the default); the
    # deadline is not a quick question, so its default (a month after the start) is used.
    run = drive([*quick_start(), YES, DOWN + ENTER, ENTER], draft, tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-2000:]
    answers = yaml.safe_load(run.result.answers_path.read_text(encoding="utf-8"))
    assert answers["extra"] == {"personal_data": True, "data_roles": "joint", "sharing_agreement_by": "2027-01-01"}
    assert answers["libraries"] == [str(LAYER)]
    # Asked on the confidentiality page, after the decision rule of the governance page.
    assert "Section 11 of 15: Confidentiality and personal data" in run.printed
    assert run.screen.index("Will the parties share personal data") > run.screen.index("How does the Joint Steering Committee take decisions?")
    markdown = run.result.documents[0].read_text(encoding="utf-8")
    assert "They will act as joint controllers" in markdown
    assert "sign by 1 January 2027" in markdown
    # The review shows the option's label and the default it used.
    assert "joint controllers" in run.printed and "data sharing agreement by: 2027-01-01" in run.printed


def test_a_layer_question_whose_condition_is_false_is_not_asked(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(LAYER)])
    run = drive([*quick_start(), NO, ENTER], draft, tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-2000:]
    answers = yaml.safe_load(run.result.answers_path.read_text(encoding="utf-8"))
    assert answers["extra"] == {"personal_data": False}
    assert "How do the parties stand towards the personal data?" not in run.screen
    assert "The Parties do not expect to share personal data." in run.result.documents[0].read_text(encoding="utf-8")


def _layer_answers(tmp_path: Path, extra: Any, **more: Any) -> Path:
    data = example_data()
    data["extra"] = extra
    data.update(more)
    return write_answers(tmp_path, data)


def test_a_layer_validate_rule_holds_in_the_interview_and_in_answers_files(tmp_path: Path) -> None:
    path = _layer_answers(tmp_path, {"personal_data": True, "data_roles": "joint", "sharing_agreement_by": "2026-01-01"})
    result = cli("check", str(path), "--library", str(LAYER))
    assert result.returncode == 2
    assert ("extra.sharing_agreement_by: the data sharing agreement cannot be signed before the partnership starts "
            "(2027-01-15)") in result.stderr
    layer = make_layer(tmp_path, "dated", [{"id": "extra.kickoff", "type": "date", "prompt": "Kick-off meeting", "page": "agreement",
                                              "after": "agreement.effective_date", "quick": True,
                                              "validate": "{{ 'it must be on or after the start' if value < agreement.effective_date }}"}])
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(layer)])
    run = drive([t("Build robots."), t("2027-03-01"), t("2027-02-01"), PAUSE, t("2027-03-05")], draft, tmp_path, interrupt=True)
    assert "✗ It must be on or after the start." in run.printed
    assert draft.log["extra.kickoff"] == "2027-03-05"


def test_render_refuses_a_bad_extra_value_with_its_path_and_line(tmp_path: Path) -> None:
    path = _layer_answers(tmp_path, {"personal_data": True, "data_roles": "jointly", "sharing_agreement_by": "2027-02-31"})
    result = cli("render", str(path), "--library", str(LAYER), "-o", str(tmp_path / "out.md"))
    assert result.returncode == 2, result.stderr
    assert "extra.data_roles: 'jointly' is not one of 'independent', 'joint' or 'processor'" in result.stderr
    assert "extra.sharing_agreement_by: not a real date: '2027-02-31'" in result.stderr
    assert "line " in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.md").exists()


def test_a_missing_required_extra_value_is_refused(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "must", [{"id": "extra.grant_reference", "type": "text", "prompt": "Grant reference",
                                            "page": "agreement"}])
    path = _layer_answers(tmp_path, {})
    result = cli("render", str(path), "--library", str(layer), "-o", str(tmp_path / "out.md"))
    assert result.returncode == 2
    assert "extra.grant_reference: required but missing" in result.stderr


def test_an_extra_answer_left_out_takes_its_default_or_nothing(tmp_path: Path) -> None:
    """As the interview would propose it: a constant default as it is, a worked-out one from the other answers;
    a question without a default that is not required is None to the clauses, never an undefined name."""
    layer = make_layer(tmp_path, "house", [
        {"id": "extra.shares_data", "type": "yes_no", "prompt": "Shared data?", "page": "agreement", "required": False,
         "default": False},
        {"id": "extra.venue", "type": "text", "prompt": "Venue", "page": "agreement", "default": "the Corn Exchange"},
        {"id": "extra.kickoff", "type": "date", "prompt": "Kick-off", "page": "agreement",
         "default": "{{ agreement.effective_date | months_later(1) }}"},
        {"id": "extra.motto", "type": "text", "prompt": "Motto", "page": "agreement", "required": False},
    ])
    (layer / "clauses").mkdir()
    (layer / "clauses" / "house.md").write_text(
        "---\nid: general.house\ntitle: House\nsection: general\norder: 300\n---\n"
        "Data {{ 'shared' if extra.shares_data else 'not shared' }}; meetings at {{ extra.venue }} from "
        "{{ extra.kickoff | date }}{% if extra.motto %}; motto {{ extra.motto }}{% endif %}.\n", encoding="utf-8")
    path = _layer_answers(tmp_path, None)
    lint = cli("lint", "--library", str(layer))
    assert lint.returncode == 0, lint.stdout
    result = cli("render", str(path), "--library", str(layer), "-o", str(tmp_path / "out.md"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "Data not shared; meetings at the Corn Exchange from 15 February 2027." in text
    answers = load_answers(path, interview=load_interview([layer]))
    assert answers.extra == {"shares_data": False, "venue": "the Corn Exchange", "kickoff": answers.extra["kickoff"],
                             "motto": None}
    # Given in the file, the answers win over the defaults.
    path = _layer_answers(tmp_path, {"shares_data": True, "venue": "the Guildhall", "motto": "Together"})
    assert cli("render", str(path), "--library", str(layer), "-o", str(tmp_path / "given.md")).returncode == 0
    assert "Data shared; meetings at the Guildhall from 15 February 2027; motto Together." in \
        (tmp_path / "given.md").read_text(encoding="utf-8")
    # The data-sharing example: personal data shared, its roles and its date left to their defaults.
    path = _layer_answers(tmp_path, {"personal_data": True})
    answers = load_answers(path, interview=load_interview([LAYER]))
    assert answers.extra["data_roles"] == "independent" and str(answers.extra["sharing_agreement_by"]) == "2027-02-15"


def test_an_undeclared_extra_value_names_the_missing_library(tmp_path: Path) -> None:
    path = _layer_answers(tmp_path, {"personal_data": True}, libraries=["legal/data-sharing"])
    result = cli("check", str(path))
    assert result.returncode == 2
    assert "was made with the library layer legal/data-sharing (its `libraries:`), which is not given: pass " \
           "--library legal/data-sharing" in " ".join(result.stderr.split())
    result = cli("check", str(path), "--without-recorded-libraries")
    assert result.returncode == 2
    assert ("extra.personal_data: 'personal_data' is declared by no loaded layer: this file was made with "
            "--library legal/data-sharing; pass it again") in result.stderr
    path = _layer_answers(tmp_path, {"personal_dta": True})
    result = cli("render", str(path), "--library", str(LAYER), "-o", str(tmp_path / "x.md"))
    assert "extra.personal_dta: unknown field 'personal_dta'; did you mean 'personal_data'?" in result.stderr
    path = _layer_answers(tmp_path, {"budget": 5})
    result = cli("render", str(path), "-o", str(tmp_path / "x.md"))
    assert "extra.budget: 'budget' is declared by no loaded layer: did you mean to pass --library?" in result.stderr


def test_a_good_extra_value_renders_in_every_format_from_the_cli(tmp_path: Path) -> None:
    path = _layer_answers(tmp_path, {"personal_data": True, "data_roles": "processor", "sharing_agreement_by": "2027-03-01"})
    result = cli("render", str(path), "--library", str(LAYER), "-o", str(tmp_path), "--format", "md,docx")
    assert result.returncode == 0, result.stderr
    from helpers import DocxView

    docx = DocxView((tmp_path / "answers.docx").read_bytes())
    assert "it will act only on that Party's documented instructions" in docx.text
    assert "sign by 1 March 2027" in docx.text


def test_schema_with_the_library_describes_extra() -> None:
    result = cli("schema", "--library", str(LAYER))
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    extra = schema["properties"]["extra"]
    assert "required" not in extra  # personal_data defaults to false when left out
    assert extra["properties"]["personal_data"]["anyOf"][0]["type"] == "boolean"
    assert extra["properties"]["personal_data"]["default"] is False
    roles = extra["properties"]["data_roles"]["anyOf"][0]
    assert roles["enum"] == ["independent", "joint", "processor"]
    assert extra["properties"]["sharing_agreement_by"]["anyOf"][0]["format"] == "date"
    assert extra["additionalProperties"] is False
    import jsonschema

    good = json.loads(json.dumps(example_data(), default=str))
    good["extra"] = {"personal_data": True, "data_roles": "joint", "sharing_agreement_by": "2027-02-01"}
    jsonschema.validate(good, schema)
    good["extra"]["data_roles"] = "jointly"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good, schema)
    plain = json.loads(cli("schema").stdout)["properties"]["extra"]
    assert plain["properties"] == {}


# --- layers that reword or remove built-in questions ------------------------------------


def make_layer(tmp_path: Path, name: str, questions: list[dict[str, Any]], pages: list[dict[str, Any]] | None = None) -> Path:
    layer = tmp_path / name
    (layer / "questions").mkdir(parents=True)
    data: dict[str, Any] = {"questions": questions}
    if pages:
        data["pages"] = pages
    (layer / "questions" / "q.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return layer


def test_a_layer_rewords_a_built_in_question(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "house", [{"id": "agreement.purpose", "prompt": "In one sentence, why partner?",
                                             "help": "Our house wants the purpose in one sentence."}])
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(layer)])
    run = drive([HELP, PAUSE, t("Build robots together."), ENTER], draft, tmp_path, interrupt=True)
    assert "In one sentence, why partner?" in run.screen
    assert "What is the partnership for?" not in run.screen
    assert "Our house wants the purpose in one sentence." in run.printed
    assert draft.log["agreement.purpose"] == "Build robots together."
    listed = cli("questions", "list", "--library", str(layer), "--format", "json")
    row = next(r for r in json.loads(listed.stdout) if r["id"] == "agreement.purpose")
    assert row["prompt"] == "In one sentence, why partner?" and row["changed_by"] == [str(layer)]


def test_a_layer_removes_a_question_and_its_default_answers_for_it(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "fixed-law", [
        {"id": "agreement.governing_law", "remove": True, "default": "Scotland"},
        {"id": "parties[].manager.phone", "remove": True},
    ])
    interview = load_interview([layer])
    assert interview.question("agreement.governing_law").removed
    draft = Draft(tmp_path / "draft.yaml", quick=False, libraries=[str(layer)])
    # title, reference, purpose, start, term by months, 24 months, extension by agreement, no implementing
    # agreements, not binding, then the language:
    run = drive([ENTER, ENTER, t("Build robots."), ENTER, ENTER, ENTER, ENTER, ENTER, NO, ENTER], draft, tmp_path, interrupt=True)
    assert "Which law governs it?" not in run.screen
    assert "Which language prevails" in run.screen
    assert "agreement.governing_law" not in draft.log


def test_removing_a_required_question_needs_a_default(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "bad", [{"id": "agreement.purpose", "remove": True}])
    with pytest.raises(ClauseLibraryError, match="'agreement.purpose' must have an answer, so removing it needs a default"):
        load_interview([layer])


@pytest.mark.parametrize(("question", "message"), [
    ({"id": "agreement.budget", "type": "money", "prompt": "Budget?", "page": "agreement"},
     "a new question fills an answer under extra.<name> (not 'agreement.budget')"),
    ({"id": "agreement.purpose", "type": "date"}, "'agreement.purpose' is a paragraph question; a layer may change its wording, not its type"),
    ({"id": "extra.tier", "type": "select", "prompt": "Tier?", "page": "agreement"}, "a select question needs options"),
    ({"id": "extra.tier", "type": "text", "prompt": "Tier?", "page": "nowhere"}, "on unknown page 'nowhere'"),
    ({"id": "extra.tier", "type": "text", "prompt": "Tier?", "page": "agreement", "when": "agreement.binding =="},
     "when is not a valid expression"),
    ({"id": "extra.tier", "type": "txt", "prompt": "Tier?"}, "'txt' is not one of"),
    ({"id": "extra.tier", "type": "text", "prompt": "Tier?", "page": "agreement", "after": "agreement.nope"}, "after: no question 'agreement.nope'"),
    ({"id": "extra.tier", "type": "text", "prompt": "Tier?", "page": "agreement", "promt": "x"}, "unknown field 'promt'; did you mean 'prompt'?"),
])
def test_a_wrong_question_file_is_refused_with_its_file_and_line(tmp_path: Path, question: dict[str, Any], message: str) -> None:
    layer = make_layer(tmp_path, "wrong", [question])
    result = cli("questions", "list", "--library", str(layer))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr, result.stderr
    assert "q.yaml" in result.stderr and "Traceback" not in result.stderr


def test_every_mistake_in_question_files_is_reported_at_once(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "typos", [
        {"id": "extra.a", "type": "text", "prompt": "A", "page": "resource"},
        {"id": "extra.b", "type": "text", "prompt": "B", "page": "agreement", "after": "costs.modle"},
        {"id": "extra.c", "type": "interger", "prompt": "C", "page": "agreement"},
    ])
    result = cli("questions", "list", "--library", str(layer))
    assert result.returncode == 2
    assert "3 problems" in result.stderr
    assert "questions[0].page" in result.stderr and "did you mean 'resources'?" in result.stderr
    assert "questions[1].after" in result.stderr and "did you mean 'costs.model'?" in result.stderr
    assert "questions[2].type" in result.stderr and "did you mean 'integer'?" in result.stderr


def test_a_layer_adds_a_page_and_places_a_question_after_another(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "funding", [
        {"id": "extra.grant_reference", "type": "text", "prompt": "Grant reference", "after": "agreement.reference", "required": False},
        {"id": "extra.tranches", "type": "group", "prompt": "Funding tranches", "item": "tranche", "min": 1, "max": 4},
        {"id": "extra.tranches[].amount", "type": "money", "prompt": "Amount of tranche {{ index + 1 }}"},
        {"id": "extra.tranches[].due", "type": "date", "prompt": "Paid by", "default": "{{ agreement.effective_date }}"},
    ], pages=[{"id": "funding", "title": "Funding", "why": "When the money arrives.", "order": 52, "feeds": ["resources"]}])
    interview = load_interview([layer])
    ids = [q.id for q in interview.page("agreement").questions]
    assert ids.index("extra.grant_reference") == ids.index("agreement.reference") + 1
    assert [p.id for p in interview.pages].index("funding") == 5
    schema = json.loads(cli("schema", "--library", str(layer)).stdout)
    tranche = schema["properties"]["extra"]["properties"]["tranches"]
    assert tranche["minItems"] == 1 and tranche["maxItems"] == 4
    data = example_data()
    data["extra"] = {"tranches": [{"amount": "250000", "due": "2027-01-31"}, {"amount": -5, "due": "2027-02-01"}]}
    path = write_answers(tmp_path, data)
    result = cli("check", str(path), "--library", str(layer))
    assert result.returncode == 2 and "extra.tranches[1].amount" in result.stderr
    data["extra"]["tranches"][1]["amount"] = 5
    assert load_answers(write_answers(tmp_path, data), interview=interview).extra["tranches"][0]["amount"] == 250000


# --- quick mode ----------------------------------------------------------------------


def test_quick_mode_for_a_council_and_a_company_gives_a_sound_mou(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive([*quick_start("Leeds City Council", "Acme Robotics Ltd"), ENTER], draft, tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-2000:]
    answers = load_answers(run.result.answers_path)
    assert [p.kind.value for p in answers.parties] == ["government", "company"]
    assert [p.label for p in answers.parties] == ["the Council", "Acme"]
    assert {r.party for r in answers.responsibilities} == {"council", "acme"}
    assert {r.party for r in answers.resources} == {"council", "acme"}
    assert all(p.manager and p.manager.email for p in answers.parties)
    report = check_answers(answers)
    assert not report.errors and not report.warnings, [f.finding for f in report.findings]


@pytest.mark.parametrize(("name", "kind"), [
    ("University of Leeds", "university"), ("Harbour Valley College", "university"), ("Ministry of Transport", "government"),
    ("Northern Health Agency", "government"), ("Wellcome Foundation", "nonprofit"), ("Food Bank Trust", "nonprofit"),
    ("Northwind Telecom plc", "company"), ("Harbour Food Network", "nonprofit"), ("Green Transport Alliance", "nonprofit"),
    ("European Cyclists' Federation", "nonprofit"), ("Fenland Growers Cooperative", "nonprofit"),
    ("Royal Society of Chemistry", "nonprofit"), ("Network Rail Ltd", "company"),
])
def test_the_kind_is_proposed_from_the_name_in_full_mode_too(tmp_path: Path, name: str, kind: str) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    # title, reference, purpose, start, term in months, 24 months, renewal, implementing agreements, exclusivity,
    # not binding, law, language; then party 1's name
    keys = [ENTER, ENTER, t("Work together."), ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, NO, ENTER, ENTER, t(name)]
    run = drive(keys, draft, tmp_path, interrupt=True)
    assert draft.log["parties[0].kind"] == kind
    assert f"kind: {kind}" in run.printed  # shown beside the name, not asked


# --- what a long interview needs -------------------------------------------------------


def test_going_back_keeps_later_answers_as_defaults(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    keys = [t("Build robots."), t("2027-03-01"), t("Acme Ltd"),
            # from the jurisdiction back to the kind shown with the name, the name, the start date, the purpose
            BACK, PAUSE, BACK, PAUSE, BACK, PAUSE, BACK, PAUSE,
            t("Build better robots."), ENTER, ENTER]  # the start date and the name come back as defaults
    run = drive(keys, draft, tmp_path, interrupt=True)
    assert draft.log["agreement.purpose"] == "Build better robots."
    assert draft.log["agreement.effective_date"] == "2027-03-01"
    assert draft.log["parties[0].name"] == "Acme Ltd"
    assert "Ctrl-P: previous question" in run.printed and "F1 or Ctrl-G: help" in run.printed


def test_going_back_from_the_first_question_says_so(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive([BACK, PAUSE, t("Build robots.")], draft, tmp_path, interrupt=True)
    assert "This is the first question." in run.printed
    assert draft.log["agreement.purpose"] == "Build robots."


def test_help_shows_why_and_the_choices_then_asks_again(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    keys = [t("Build robots."), ENTER, t("Leeds City Council"), BACK, PAUSE, HELP, PAUSE, ENTER]  # back to the kind shown
    run = drive(keys, draft, tmp_path, interrupt=True)
    assert "kind: government   (Ctrl-P changes it)" in run.printed
    assert "Help: What kind of organisation is it?" in run.printed
    assert "government: a public body: a council, ministry or agency" in run.printed
    assert draft.log["parties[0].kind"] == "government"


def test_wrong_values_are_explained_beside_the_question_as_sentences(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    keys = [t("Build robots."), t("next week"), PAUSE, t("2027-01-01"), t("Acme Ltd"), ENTER, t("Ann"), t("CEO"),
            t("Raj"), t("raj.example.com"), PAUSE, t("raj@example.com")]
    run = drive(keys, draft, tmp_path, interrupt=True)
    assert "✗ 'next week' is not a date; write it as YYYY-MM-DD, for example 2027-01-15." in run.printed
    assert "✗ 'raj.example.com' is not an email address: it needs one @ between a name and a domain, like ana@example.org." in run.printed
    assert draft.log["parties[0].manager.email"] == "raj@example.com"


def test_every_list_filters_as_you_type(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    keys = quick_start()[:15] + [t("Build"), t("Demos"), t("3"), t("2027-06-30"), "Bet" + ENTER]
    drive(keys, draft, tmp_path, interrupt=True)
    assert draft.log["objectives[0].owner"] == "beta"


def test_resume_says_how_far_it_got_and_goes_to_the_question(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    drive(quick_start()[:15], draft, tmp_path, interrupt=True)  # up to the end of the parties
    saved = load_draft(draft.path)
    run = drive([t("Build a prototype")], saved, tmp_path, interrupt=True)
    assert "Resuming: 2 of 15 sections done." in run.printed
    assert "Section 1 of 15" not in run.printed and "Section 2 of 15" not in run.printed
    assert "Section 3 of 15: Objectives and KPIs" in run.printed
    assert saved.log["objectives[0].title"] == "Build a prototype"
    # Stopped at the start of a page, there is nothing to recall; mid-page, the answers so far are shown.
    assert "Already answered in this section" not in run.printed
    again = Draft(tmp_path / "again" / "draft.yaml", quick=True)
    drive(quick_start()[:4], again, tmp_path / "again", interrupt=True)
    run = drive([t("Bea")], load_draft(again.path), tmp_path / "again", interrupt=True)
    assert "Already answered in this section:" in run.printed
    assert "Q1 Party 1: full legal name  Acme Robotics Ltd" in run.printed and "Q1 What kind of organisation is it?  company" in run.printed
    assert "Q2 Where is it registered or based (jurisdiction)?  England and Wales" in run.printed


def test_a_draft_saved_before_questions_became_data_still_resumes(tmp_path: Path) -> None:
    """The old engine stored numbers as typed text and had no libraries or stale keys."""
    old = {
        "agreementkit_draft": 1, "quick": False, "output": str(tmp_path), "formats": ["md"], "defaults": None,
        "log": {"agreement.title": "Memorandum of Understanding", "agreement.reference": None,
                "agreement.purpose": "Pilot things.", "agreement.effective_date": "2027-01-15", "agreement.term_by": False,
                "agreement.term_months": "18", "agreement.binding": False, "agreement.governing_law": "Scotland",
                "agreement.language": "English", "parties[0].name": "Acme Ltd", "parties[0].short_name": "Acme",
                "parties[0].key": "acme", "parties[0].kind": "company", "parties[0].jurisdiction": "Scotland",
                "parties[0].registration_number": None, "parties[0].address": None,
                "parties[0].signatory.name": "Ann Lee", "parties[0].signatory.title": "CEO",
                "parties[0].manager.name": None, "parties[0].strengths[0]": "Robots", "parties[0].strengths[1]": None},
    }
    path = tmp_path / "old-draft.yaml"
    path.write_text(yaml.safe_dump(old, sort_keys=False), encoding="utf-8")
    draft = load_draft(path)
    # Questions added since (the end of the term, implementing agreements, exclusivity) are asked where they
    # stand, then the interview goes on: party 1's legal form is shown, not asked, then party 2.
    run = drive([ENTER, ENTER, ENTER], draft, tmp_path, interrupt=True)
    assert "Resuming: 0 of 15 sections done." in run.printed
    assert "Q6 How many months does it run?  18" in run.printed
    assert "What happens when the term ends?" in run.screen and "When does it start?" not in run.screen
    assert draft.log["agreement.renewal"] == "by_agreement" and draft.log["agreement.implementing_agreements"] is False
    assert draft.log["agreement.exclusive"] is False
    run = drive([t("Beta Labs GmbH")], load_draft(path), tmp_path, interrupt=True)  # party 1's legal form is shown
    assert "Resuming: 1 of 15 sections done." in run.printed
    assert "Party 2: full legal name" in run.screen and "Party 1: full legal name" not in run.screen
    assert load_draft(path).log["parties[1].name"] == "Beta Labs GmbH"


def test_the_draft_removal_is_announced(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive([*quick_start(), ENTER], draft, tmp_path, formats=["md"])
    assert run.result is not None
    assert f"Removed the draft {draft.path}: the answers file now holds every answer." in " ".join(run.printed.split())
    assert not draft.path.exists()


def test_the_review_shows_labels_not_stored_values(tmp_path: Path) -> None:
    answers = load_answers(ROOT / "examples" / "university-materials-research.yaml")
    draft = Draft(tmp_path / "draft.yaml", defaults=answers.model_dump(mode="json", exclude_none=True))
    run = drive([ENTER] * 400, draft, tmp_path)
    assert run.result is not None
    assert "new IP      one party" in run.printed or "one party" in run.printed
    assert "lead_party" not in run.printed.split("Review")[-1].split("What next?")[0]
    assert "expert determination" in run.printed


# --- the spec, its schema and its documentation ----------------------------------------


def test_no_module_holds_the_wording_of_a_built_in_question() -> None:
    prompts = ["What is the partnership for?", "Which party provides it?", "How often do the parties review progress?",
               "Hold an annual strategic review as well?"]
    sources = {p: p.read_text(encoding="utf-8") for p in (ROOT / "agreementkit").rglob("*.py")}
    spec = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "clauses" / "questions").glob("*.yaml"))
    for prompt in prompts:
        assert prompt in spec
        assert not [str(path) for path, text in sources.items() if prompt in text], prompt


def test_the_question_file_schema_validates_every_built_in_file() -> None:
    import jsonschema

    result = cli("questions", "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    for path in sorted((ROOT / "clauses" / "questions").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"questions": [{"id": "extra.x", "type": "txt"}]}, schema)


def test_questions_list_prints_the_interview_and_a_client_checklist() -> None:
    table = cli("questions", "list", "--library", str(LAYER))
    assert table.returncode == 0
    assert "page parties: Parties" in table.stdout
    assert "extra.data_roles" in table.stdout and str(LAYER) in table.stdout
    rows = json.loads(cli("questions", "list", "--format", "json").stdout)
    assert len(rows) == len(load_interview().questions())
    kind = next(r for r in rows if r["id"] == "parties[].kind")
    assert kind["quick"] is True and kind["page"] == "parties" and kind["type"] == "select"
    checklist = cli("questions", "list", "--format", "md", "--library", str(LAYER)).stdout
    assert checklist.startswith("# Partnership MOU: what we will ask you")
    assert "## 2. Parties" in checklist and "**Parties: at least 2.**" in checklist
    assert "### 2.9 Who signs for Party 1? (name)" in checklist
    assert "Short key for this party" not in checklist  # technical questions stay off the client's list
    assert "☐ **joint controllers**: the parties decide together why and how the data is used" in checklist
    assert cli("questions", "list", "--format", "pdf").returncode == 2  # a PDF needs -o


# --- every question type --------------------------------------------------------------


@pytest.mark.parametrize(("kind", "typed", "stored"), [
    ("money", "£250,000", 250000), ("money", "EUR 1 250.50", 1250.5), ("money", "60000", 60000),
    ("money", "£5m", 5000000), ("money", "£1.5m", 1500000), ("money", "250k", 250000), ("money", "EUR 2 million", 2000000),
    ("percent", "12.5%", 12.5), ("percent", "40", 40), ("integer", "1,200", 1200), ("number", "-3.25", -3.25),
    ("date", "2027-01-15", "2027-01-15"), ("email", "ana@example.org", "ana@example.org"), ("yes_no", "yes", True),
    ("text", "  spaced  ", "spaced"), ("multi_select", ["a", "b"], ["a", "b"]),
])
def test_typed_answers_are_stored_as_plain_values(kind: str, typed: Any, stored: Any) -> None:
    from agreementkit.questions.types import QuestionType, parse

    assert parse(QuestionType(kind), typed) == stored
    assert parse(QuestionType(kind), stored) == stored  # a stored value replays as itself


@pytest.mark.parametrize(("kind", "typed", "message"), [
    ("money", "lots", "'lots' is not an amount; write it like 250000, £250,000 or £1.5m."),
    ("money", "£5x", "'£5x' is not an amount"),
    ("money", "-5", "An amount cannot be negative."),
    ("percent", "120", "A percentage is between 0 and 100, not 120."),
    ("integer", "2.5", "'2.5' is not a whole number; write it like 30."),
    ("date", "15/01/2027", "'15/01/2027' is not a date; write it as YYYY-MM-DD, for example 2027-01-15."),
    ("email", "ana@", "'ana@' is not an email address: its domain (nothing) needs a dot"),
    ("email", "tom.rees@ashdown", "'tom.rees@ashdown' is not an email address: its domain (ashdown) needs a dot, like example.org."),
])
def test_wrong_typed_answers_are_explained(kind: str, typed: str, message: str) -> None:
    from agreementkit.questions.types import Invalid, QuestionType, parse

    with pytest.raises(Invalid) as caught:
        parse(QuestionType(kind), typed)
    assert str(caught.value).startswith(message)


def test_multi_select_and_party_pickers_from_a_layer(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, "sites", [
        {"id": "extra.sites", "type": "multi_select", "prompt": "Which sites take part?", "page": "governance", "quick": True,
         "options": [{"value": "leeds", "label": "Leeds"}, {"value": "york", "label": "York"}, {"value": "hull", "label": "Hull"}]},
        {"id": "extra.funders", "type": "parties", "prompt": "Which parties fund the pilot?", "page": "governance", "quick": True},
        {"id": "extra.press_lead", "type": "party", "prompt": "Who speaks to the press?", "page": "governance", "quick": True,
         "required": False, "none_label": "nobody in particular"},
        {"id": "extra.budget", "type": "money", "prompt": "Pilot budget", "page": "governance", "quick": True, "min": 1000},
    ])
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(layer)])
    keys = [*quick_start(), DOWN + " " + DOWN + " " + ENTER,  # York and Hull
            " " + ENTER,  # Acme
            DOWN + DOWN + ENTER,  # Beta
            t("500"), PAUSE, t("€25,000"), ENTER]
    run = drive(keys, draft, tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-3000:]
    extra = yaml.safe_load(run.result.answers_path.read_text(encoding="utf-8"))["extra"]
    assert extra == {"sites": ["york", "hull"], "funders": ["acme"], "press_lead": "beta", "budget": 25000}
    assert "✗ Give 1000 or more." in run.printed
    review = run.printed.split("Check every answer")[-1]
    assert "York, Hull" in review and "25,000" in review  # labels and amounts as a person reads them


def test_the_answers_read_while_walking_equal_a_copy_with_the_steering_answers_removed() -> None:
    """Each page's check reads the answers without copying them: removing an answer that only steers the
    interview copies the containers on its way and leaves the walk's own data as it was."""
    import copy

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from agreementkit.interview.engine import _delete, _without

    keys = st.sampled_from(["a", "b", "c"])
    data = st.recursive(st.integers(0, 3) | st.text(max_size=2),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=12)
    paths = st.lists(keys | st.integers(0, 3), min_size=1, max_size=4).map(tuple)

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(keys, data, max_size=3), paths)
    def check(walk: dict[str, Any], path: tuple[str | int, ...]) -> None:
        before = copy.deepcopy(walk)
        expected = copy.deepcopy(walk)
        _delete(expected, path)
        assert _without(walk, path) == expected
        assert walk == before

    check()
