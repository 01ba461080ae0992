"""`agreementkit review new` driven through prompt_toolkit's pipe input, as a person types it,
and the targets a review measures: read from the text, asked for in the interview where they cannot be."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, example_data, write_answers
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console
from terminal import DOWN, ENTER, NO, PAUSE, YES, _plain, drive, keystroke_feeder, t

from agreementkit.answers import load_answers, validate_answers
from agreementkit.interview.draft import Draft
from agreementkit.questionnaire import Terminal
from agreementkit.questionnaire.reviews import run_review_new
from agreementkit.reviews.history import DRAFT_NAME, load_history
from agreementkit.reviews.interview import (
    load_review_draft,
    prepare_review,
    review_questions,
)
from agreementkit.targets import Measure, read_target

EXAMPLE = ROOT / "examples" / "cold-chain-pilot.yaml"
HISTORY = ROOT / "examples" / "cold-chain-pilot-reviews"


def drive_review(keys: list[str], answers: Path, folder: Path, interrupt: bool = False) -> tuple[Path | None, str, str]:
    """Run the real `review new` prompts with these keystrokes: (the file written, what was printed, the screen)."""
    screen = io.StringIO()
    console = Console(file=io.StringIO(), width=160)
    chunks = "".join(keys).split(PAUSE)
    written: Path | None = None
    with create_pipe_input() as pipe:

        feeder = keystroke_feeder(pipe, chunks, interrupt)
        ui = Terminal(console=console, input=pipe, output=Vt100_Output(screen, lambda: Size(rows=50, columns=160)))
        prepared = prepare_review(answers, folder, confirm=lambda path: True)
        feeder.start()
        try:
            if interrupt:
                with pytest.raises(KeyboardInterrupt):
                    run_review_new(ui, prepared)
            else:
                written = run_review_new(ui, prepared)
        finally:
            feeder.join(timeout=30)
    return written, console.file.getvalue(), _plain(screen.getvalue())  # type: ignore[attr-defined]


ON_TRACK = DOWN + DOWN + ENTER  # past "not reported" and "done"


def first_review_keys() -> list[str]:
    return [
        t("2027-04-16"),                                  # held
        t("4"), ENTER, t("-6"), t("0"), t("0"), ENTER,    # KPIs and baselines (Enter: 0 assumed)
        DOWN + ENTER, *[ON_TRACK] * 5,                    # duties: done, then on track
        t("15"), t("20%"), t("10"),                       # resources delivered
        *[t(s) for s in "44443"], ENTER,                  # Northwind's feedback, no comment
        *[t(s) for s in "43443"], ENTER,
        *[t(s) for s in "43543"], t("Decisions wait for the quarterly meeting."),
        DOWN + DOWN + ENTER,                              # exit trigger 1: not met
        YES, t("Share the onboarding checklist"), "Net" + ENTER, t("2027-05-15"), NO, ENTER,   # one action, no notes
        ENTER,                                            # accept at the summary
    ]


def test_review_new_writes_the_review_file_a_person_would(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "answers.yaml")
    folder = tmp_path / "reviews"
    written, printed, screen = drive_review(first_review_keys(), tmp_path / "answers.yaml", folder)
    assert written == folder / "review-1.yaml", printed[-3000:]
    data = yaml.safe_load(written.read_text())
    assert data["agreement"] == "../answers.yaml" and data["review"] == 1 and str(data["held"]) == "2027-04-16"
    assert data["kpis"] == [{"objective": 1, "actual": 4}, {"objective": 2, "actual": -6, "baseline": 0},
                            {"objective": 3, "actual": 0}]
    assert [d["status"] for d in data["duties"]] == ["done"] + ["on_track"] * 5
    assert [r["delivered"] for r in data["resources"]] == [15, 20, 10]
    assert data["feedback"][2] == {"party": "harbour", "scores": {"trust": 4, "communication": 3, "alignment": 5, "value": 4,
                                                                  "pace": 3}, "comment": "Decisions wait for the quarterly meeting."}
    assert data["triggers"] == [{"trigger": 1, "met": False}]
    assert data["actions"] == [{"action": "Share the onboarding checklist", "owner": "harbour", "due": data["actions"][0]["due"]}]
    assert not (folder / DRAFT_NAME).exists() and "Removed the draft" in printed
    assert "Objective 1, Pilot the tracking service with member distributors: Distributors running the pilot (distributors) now?" in screen
    assert "Section 5 of 7: Partner feedback" in printed
    history = load_history(folder)  # the file reads back as review check reads it
    assert history.latest.review.kpis[0].actual == Decimal(4)


def test_an_interrupted_review_resumes_where_it_stopped(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "answers.yaml")
    folder = tmp_path / "reviews"
    keys = first_review_keys()
    drive_review(keys[:9], tmp_path / "answers.yaml", folder, interrupt=True)
    draft = load_review_draft(folder / DRAFT_NAME)
    assert draft.review == 1 and draft.log["held"] == "2027-04-16" and draft.log["duties.p1_d1"] == "done"
    written, printed, _ = drive_review(keys[9:], tmp_path / "answers.yaml", folder)
    assert "Resuming: 2 of 7 sections done." in printed
    assert written is not None and yaml.safe_load(written.read_text())["kpis"][0] == {"objective": 1, "actual": 4}


def test_the_second_review_follows_up_the_first_reviews_actions(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "answers.yaml")
    folder = tmp_path / "reviews"
    drive_review(first_review_keys(), tmp_path / "answers.yaml", folder)
    keys = [t("2027-07-22"), t("6"), t("-11"), t("2"), *[ENTER] * 6, *[ENTER] * 3, *[ENTER] * 18, ENTER,
            DOWN + ENTER,             # action 1 from review 1: done
            NO, ENTER, ENTER]        # no new actions, no notes, accept
    written, printed, screen = drive_review(keys, tmp_path / "answers.yaml", folder)
    assert written == folder / "review-2.yaml", printed[-2000:]
    assert "Action 1 from review 1: Share the onboarding checklist, the Network, due 15 May 2027. Where does it stand?" in screen
    assert "(target 8 distributors by 31 July 2027; review 1: 4)" in screen.replace("\r\n", " ")
    data = yaml.safe_load(written.read_text())
    assert data["previous_actions"] == [{"action": 1, "status": "done"}] and "baseline" not in str(data["kpis"])


def test_a_review_date_before_the_last_is_refused_beside_its_question(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "answers.yaml")
    folder = tmp_path / "reviews"
    drive_review(first_review_keys(), tmp_path / "answers.yaml", folder)
    _, printed, _ = drive_review([t("2027-04-01"), PAUSE], tmp_path / "answers.yaml", folder, interrupt=True)
    assert "It must come after review 1, held on 16 April 2027." in printed


def test_an_action_due_before_the_review_is_refused_beside_its_question(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "answers.yaml")
    keys = first_review_keys()
    due = keys.index(t("2027-05-15"))
    _, printed, _ = drive_review([*keys[:due], t("2027-03-01"), PAUSE], tmp_path / "answers.yaml", tmp_path / "reviews",
                                 interrupt=True)
    assert "The review was held on 2027-04-16: an action it agreed falls due after that." in printed
    # The review's own day is accepted: the action is asked for no earlier than the review that agreed it.
    _, printed, screen = drive_review([*keys[:due], t("2027-04-16"), PAUSE], tmp_path / "answers.yaml", tmp_path / "again",
                                      interrupt=True)
    assert "falls due after that" not in printed + screen and "Another action?" in screen


def test_the_questions_are_made_from_the_mou_one_per_item() -> None:
    answers = load_answers(EXAMPLE)
    history = load_history(HISTORY)
    data = review_questions(answers, history.schedule[3], history.latest, first=False)
    ids = [q["id"] for q in data["questions"]]
    assert [i for i in ids if i.startswith("kpis.")] == ["kpis.o1", "kpis.o2", "kpis.o3"]  # no baselines after the first review
    assert len([i for i in ids if i.startswith("duties.")]) == 6 and len([i for i in ids if i.startswith("delivered.")]) == 3
    assert len([i for i in ids if i.startswith("feedback.")]) == 3 * 6 and ids.count("triggers.t1") == 1
    assert [i for i in ids if i.startswith("previous_actions.")] == ["previous_actions.a1", "previous_actions.a2", "previous_actions.a3"]


# --- targets a review can measure ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("8 distributors", ("8", "distributors", "up")),
    ("-20%", ("-20", "%", "down")),
    ("25 customers", ("25", "customers", "up")),
    ("reduce spoilage by 20%", ("-20", "%", "down")),
    ("reduce spoilage to 5%", ("5", "%", "down")),
    ("at most 2 incidents", ("2", "incidents", "down")),
    ("£250,000 revenue", ("250000", "GBP", "up")),
    ("GBP 60k", ("60000", "GBP", "up")),
    ("8 distributors running the pilot", ("8", "distributors", "up")),
    ("100% of 240 cases", ("100", "%", "up")),
    ("1.5m visitors", ("1500000", "visitors", "up")),
])
def test_a_plain_target_is_read_as_number_unit_and_direction(text: str, expected: tuple[str, str, str]) -> None:
    measure, _ = read_target(text)
    assert measure == Measure(Decimal(expected[0]), expected[1], expected[2])  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "reason"), [
    ("a working prototype", "it holds no number"),
    ("5-8 sites", "it holds more than one number"),
    ("8 distributors by 2027", "it holds more than one number"),
    ("95% recall at 90% precision", "it holds more than one number"),
    ("reduce costs and increase output by 5%", "it says both more and less"),
])
def test_an_ambiguous_target_is_not_guessed(text: str, reason: str) -> None:
    assert read_target(text) == (None, reason)


def test_given_fields_win_and_parsing_never_changes_the_fingerprint() -> None:
    data = example_data()
    before = validate_answers(data).fingerprint()
    answers = validate_answers(data)
    assert [o.measure() for o in answers.objectives][0] == Measure(Decimal(8), "distributors", "up")
    assert answers.fingerprint() == before  # reading targets writes nothing back
    data["objectives"][0].update(target="a working prototype", target_value=1, unit="prototypes")
    assert validate_answers(data).objectives[0].measure() == Measure(Decimal(1), "prototypes", "up")
    data["objectives"][0].update(target="cut waste sharply", target_value=-30, unit="%")
    del data["objectives"][0]["unit"]
    assert validate_answers(data).objectives[0].measure() == Measure(Decimal(-30), "", "down")


def test_an_unreadable_target_is_advice_from_check_and_a_question_in_the_interview(tmp_path: Path) -> None:
    from agreementkit.checks import check_answers

    data = example_data()
    data["objectives"][0]["target"] = "a working prototype"
    report = check_answers(validate_answers(data))
    advice = [f for f in report.findings if f.rule == "target-unmeasurable"]
    assert len(advice) == 1 and advice[0].path == "objectives[0].target" and "it holds no number" in advice[0].finding
    data["objectives"][0]["target_value"] = 1
    assert "target-unmeasurable" not in [f.rule for f in check_answers(validate_answers(data)).findings]
    # In the quick interview, a target that is not a number brings three more questions.
    from test_interview import quick_start

    keys = quick_start()
    index = keys.index(t("3 demos"))
    assert keys[index + 1] == t("2027-06-30")  # the due date shares the target's form; the number is asked after both
    keys[index:index + 2] = [t("a working prototype"), t("2027-06-30"), t("1"), t("prototypes"), ENTER]
    run = drive([*keys, ENTER], Draft(tmp_path / "draft.yaml", quick=True), tmp_path, formats=["md"])
    assert run.result is not None, run.printed[-2000:]
    assert "'a working prototype' cannot be read as one number: what number is the target?" in run.screen
    objective = load_answers(run.result.answers_path).objectives[0]
    assert (objective.target_value, objective.unit, objective.direction) == (Decimal(1), "prototypes", "up")


def test_old_answers_files_stay_valid_and_the_new_fields_are_in_the_schema(tmp_path: Path) -> None:
    from agreementkit.answers import Answers

    for path in sorted((ROOT / "examples").glob("*.yaml")):
        load_answers(path)
    properties = Answers.model_json_schema()["$defs"]["Objective"]["properties"]
    assert {"target_value", "unit", "direction", "baseline"} <= set(properties)
    data: dict[str, Any] = example_data()
    data["objectives"][0]["direction"] = "sideways"
    with pytest.raises(Exception) as caught:
        load_answers(write_answers(tmp_path, data))
    assert "objectives[0].direction: 'sideways' is not one of 'up' or 'down'" in str(caught.value)
