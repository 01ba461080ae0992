"""The terminal interview's rough edges, each as a person meets it: a yes/no answered
with "y" and Enter, a wrong total said beside the last share, one number per question,
a network proposed as a nonprofit, a resumed section recalled in full, going back from
the review, amounts in shorthand, and the end of the term's choices explained."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from helpers import ROOT
from terminal import DOWN, ENTER, PAUSE, drive, t
from test_questionnaire import FULL_KEYS, QUICK_KEYS
from test_short_interview import DEAL, REST, expected

from agreementkit.answers import load_answers
from agreementkit.interview.draft import Draft, load_draft
from agreementkit.interview.engine import NOTHING, Ask, InterviewRun
from agreementkit.questions import load_interview
from agreementkit.questions.expressions import kind_from_name, legal_form_from_name

BACK = "\x10"  # Ctrl-P


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"})


class Recorder:
    """An engine front end that takes every proposal (or the given answers) and keeps the Asks."""

    def __init__(self, answers: dict[str, Any] | None = None, stop: str | None = None):
        self.asks: list[Ask] = []
        self.answers = answers or {}
        self.stop = stop

    def ask(self, ask: Ask) -> Any:
        self.asks.append(ask)
        if ask.key == self.stop:
            raise KeyboardInterrupt
        if ask.key in self.answers:
            return self.answers[ask.key]
        return ask.default

    def invalid(self, ask: Ask, message: str) -> None:
        raise AssertionError(message)

    def enter_page(self, *args: Any) -> None: ...
    def page_problems(self, *args: Any) -> None: ...
    def note(self, *args: Any) -> None: ...


def test_y_then_enter_answers_yes_and_the_enter_goes_nowhere_else(tmp_path: Path) -> None:
    # "Add another party?": y, then Enter, as people type; the next question is asked as usual.
    keys = [*QUICK_KEYS[:14], "y", ENTER, t("Gamma Foundation"), ENTER]
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive(keys, draft, tmp_path, interrupt=True)
    assert "An answer is needed here" not in run.printed
    assert draft.log["parties.more[2]"] is True and draft.log["parties[2].name"] == "Gamma Foundation"
    # "n" alone answers nothing until Enter: it only chooses.
    other = Draft(tmp_path / "other" / "draft.yaml", quick=True)
    drive([*QUICK_KEYS[:14], "n", PAUSE], other, tmp_path / "other", interrupt=True)
    assert "parties.more[2]" not in other.log


def test_a_wrong_share_total_is_said_beside_the_last_share_before_anything_else(tmp_path: Path) -> None:
    index = FULL_KEYS.index(t("10"))  # the last of the three shares, which total 90%
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    run = drive(FULL_KEYS[:index + 1] + [PAUSE], draft, tmp_path, interrupt=True)
    assert run.printed.rstrip().endswith("Please correct these: only the answers concerned are asked again.")
    assert "✗ Shares total 90%, not 100%." in run.printed
    assert "costs.cap" not in draft.log  # the next question was not reached
    assert {k: v for k, v in draft.stale.items() if k.startswith("costs.shares")} == {
        "costs.shares.northwind": 50, "costs.shares.frostline": 30, "costs.shares.network": 10}  # proposed again as typed


def test_every_question_of_the_disputes_section_has_its_own_number(tmp_path: Path) -> None:
    index = FULL_KEYS.index(t("CEDR"))
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    run = drive(FULL_KEYS[:index + 1], draft, tmp_path, interrupt=True)
    section = run.screen[run.screen.index("Which steps, in this order?"):]
    numbered = {number: {q for n, q in re.findall(r"(Q\d+) ([A-Z][^?(]*)", section) if n == number}
                for number in set(re.findall(r"Q\d+", section))}
    assert all(len(questions) == 1 for questions in numbered.values()), numbered
    assert "In this order: negotiation → escalation → mediation → arbitration?" in section
    assert not re.search(r"Q\d+ In this order", section)  # the ladder's order is part of its question


def test_network_alliance_federation_cooperative_society_and_association_are_nonprofits() -> None:
    words = load_interview().words["kind_from_name"]
    for name in ("Harbour Food Network", "Clean Air Alliance", "Federation of Small Businesses", "Fenland Growers Cooperative",
                 "Royal Society of Chemistry", "Residents' Association", "Coastal Co-operative"):
        assert kind_from_name(name, words) == "nonprofit", name
    assert kind_from_name("Network Rail Ltd", words) == "company"  # a company's suffix outweighs its words
    assert kind_from_name("Northwind Charitable Trust Ltd", words) == "nonprofit"


def test_the_word_tables_live_in_the_question_files_and_a_layer_can_change_them(tmp_path: Path) -> None:
    module = (ROOT / "agreementkit" / "questions" / "expressions.py").read_text(encoding="utf-8")
    for word in ("federation", "municipality", "stichting", "gmbh", "catapult"):
        assert word not in module.lower()
    parties = yaml.safe_load((ROOT / "clauses" / "questions" / "02-parties.yaml").read_text(encoding="utf-8"))
    assert "network" in parties["words"]["kind_from_name"]["words"]["nonprofit"]
    layer = tmp_path / "nordic"
    (layer / "questions").mkdir(parents=True)
    (layer / "questions" / "words.yaml").write_text(yaml.safe_dump({"words": {
        "kind_from_name": {"words": {"nonprofit": ["förening", "forening"]}},
        "legal_form_from_name": {"suffixes": {"private_company": ["ab", "as", "oy"]}}}}), encoding="utf-8")
    interview = load_interview([layer])
    assert interview.words["kind_from_name"]["words"]["nonprofit"] == ["förening", "forening"]  # the layer's list replaces
    assert interview.words["kind_from_name"]["words"]["government"]  # the others stay
    draft = Draft(tmp_path / "draft.yaml", quick=True, libraries=[str(layer)])
    front = Recorder({"agreement.purpose": "Work together.", "parties[0].name": "Norrsken Förening",
                      "parties[0].signatory.name": "Ann", "parties[0].signatory.title": "Chair"}, stop="parties[0].manager.name")
    run = InterviewRun(interview, draft, front, quick=True)
    try:
        run.run()
    except KeyboardInterrupt:
        pass
    assert draft.log["parties[0].kind"] == "nonprofit"  # shown beside the name, from the layer's words
    assert legal_form_from_name("Nord Bygg AB", interview.words["legal_form_from_name"]) == "private_company"


def test_resuming_in_a_repeating_group_recalls_every_entry_given_in_it(tmp_path: Path) -> None:
    index = FULL_KEYS.index(t("Sector convenor"))  # stopped in the third role, its duties not yet given
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    drive(FULL_KEYS[:index + 1], draft, tmp_path, interrupt=True)
    run = drive([ENTER], load_draft(draft.path), tmp_path, interrupt=True)
    recap = run.printed.split("Already answered in this section:")[1]
    for given in ("Connectivity lead", "Provide SIMs", "Technology lead", "Supply sensors; Report spoilage monthly",
                  "Sector convenor", "Whose role is it?  Northwind"):
        assert given in recap, given


def test_ctrl_p_at_the_review_goes_back_to_the_last_question(tmp_path: Path) -> None:
    # The last question quick mode asks is the decision rule: Ctrl-P at the review asks it again.
    keys = [*QUICK_KEYS[:-1], PAUSE, BACK, PAUSE, DOWN + ENTER, ENTER]  # unanimous this time, then accept
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive(keys, draft, tmp_path)
    assert run.result is not None, run.printed[-2000:]
    assert load_answers(run.result.answers_path).governance.decision_rule == "unanimous"
    assert "Ctrl-P: back to the last question" in run.screen
    assert run.screen.count("How does the Joint Steering Committee take decisions?") >= 2


def test_version_and_help_without_bool_against_flags() -> None:
    from agreementkit import __version__

    version = cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"agreementkit {__version__}"
    for command in (["new"], ["render"], ["serve"], ["check"], ["questions", "list"], []):
        shown = cli(*command, "--help")
        assert shown.returncode == 0, shown.stderr
        assert "<bool>" not in shown.stdout and "list[" not in shown.stdout, (command, shown.stdout)
    assert "--quick " in cli("new", "--help").stdout and "--version" in cli("--help").stdout


def test_amounts_in_shorthand_are_accepted_and_a_wrong_one_is_quoted_as_typed(tmp_path: Path) -> None:
    index = DEAL.index(t("90000"))
    keys = [*DEAL[:index], t("£90k"), *DEAL[index + 1:]]
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    run = drive(keys, draft, tmp_path)
    assert run.result is not None
    assert load_answers(run.result.answers_path) == expected()  # £90k is 90,000
    wrong = [*DEAL[:index], t("£5x"), ENTER, ENTER, PAUSE, t("£1.5m")]
    draft = Draft(tmp_path / "wrong" / "draft.yaml", quick=False)
    run = drive(wrong, draft, tmp_path / "wrong", interrupt=True)
    assert "✗ '£5x' is not an amount; write it like 250000, £250,000 or £1.5m." in run.printed
    assert draft.log["resources[1].value"] == 1500000


def test_the_end_of_term_choices_have_no_unexplained_none(tmp_path: Path) -> None:
    interview = load_interview()
    front = Recorder({"agreement.purpose": "Work together."}, stop="parties[0].name")
    run = InterviewRun(interview, Draft(tmp_path / "a.yaml"), front)
    try:
        run.run()
    except KeyboardInterrupt:
        pass
    renewal = next(a for a in front.asks if a.key == "agreement.renewal")
    assert [c.label for c in renewal.choices] == ["the parties may extend it", "it renews itself", "it simply ends"]
    assert all(c.help for c in renewal.choices) and "simply ends on its last day" in renewal.help
    # Revising an answers file that says nothing about it, "not stated" is offered, and proposed.
    revised = load_answers(ROOT / "examples" / "cold-chain-pilot.yaml").model_dump(mode="json", exclude_none=True)
    front = Recorder(stop="parties[0].name")
    run = InterviewRun(interview, Draft(tmp_path / "b.yaml"), front, revising=revised)
    try:
        run.run()
    except KeyboardInterrupt:
        pass
    renewal = next(a for a in front.asks if a.key == "agreement.renewal")
    assert renewal.choices[0].value == NOTHING and renewal.choices[0].label == "not stated"


def test_ctrl_r_where_nothing_is_offered_does_nothing(tmp_path: Path) -> None:
    """Ctrl-R is taken only where every later question has a proposal; elsewhere it does nothing
    (and opens no search mode to get lost in)."""
    keys = [REST, ENTER, t("MOU-1")]  # at the title: the purpose, later, has no proposal
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    drive(keys, draft, tmp_path, interrupt=True)
    assert draft.log["agreement.title"] == "Memorandum of Understanding" and draft.log["agreement.reference"] == "MOU-1"
    assert "agreement.term_months" not in draft.log and not draft.accepted
