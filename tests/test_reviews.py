"""After signing: review files, the review check, the review pack and its charts, `review new`.

The example history (examples/cold-chain-pilot-reviews/) is three quarterly
reviews of the cold-chain MOU; the crafted histories below vary one review
file at a time, so each finding is seen to fire and, on its near miss, not.
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT

from agreementkit.reviews.assess import (
    MET,
    MISSED,
    OFF_TRACK,
    ON_TRACK,
    assess,
    trajectory,
)
from agreementkit.reviews.findings import exit_clause, review_report
from agreementkit.reviews.history import (
    ReviewFileError,
    ReviewHistoryError,
    load_history,
)
from agreementkit.reviews.pack import review_pack

EXAMPLE = ROOT / "examples" / "cold-chain-pilot.yaml"
HISTORY = ROOT / "examples" / "cold-chain-pilot-reviews"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


def example_reviews() -> list[dict[str, Any]]:
    return [yaml.safe_load((HISTORY / f"review-{n}.yaml").read_text(encoding="utf-8")) for n in (1, 2, 3)]


def write_history(tmp_path: Path, reviews: list[dict[str, Any]], answers: dict[str, Any] | None = None) -> Path:
    """A folder of review files beside a copy of the cold-chain answers (or `answers`)."""
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers) if answers else EXAMPLE.read_text(encoding="utf-8"),
                                           encoding="utf-8")
    folder = tmp_path / "reviews"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for review in reviews:
        data = {**review, "agreement": "../answers.yaml"}
        (folder / f"review-{data['review']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def findings(folder: Path) -> list[Any]:
    assessment = assess(load_history(folder))
    return review_report(assessment, exit_clause(assessment.history)).findings


def rules(folder: Path) -> list[str]:
    return [f.rule for f in findings(folder)]


# --- the example history: statuses, triggers, the pack ---------------------------------------


def test_every_objective_has_its_status_from_the_numbers() -> None:
    history = load_history(HISTORY)
    tracks = assess(history).kpis
    start = history.answers.agreement.effective_date
    # By hand: the straight line from 0 on 15 January 2027 to the target on the due date.
    expected = {(1, 1): 8 * (history.reviews[0].review.held - start).days / (history.answers.objectives[0].due - start).days}
    assert float(tracks[0].points[0].expected) == pytest.approx(expected[(1, 1)])  # type: ignore[arg-type]
    assert [[p.status for p in t.points] for t in tracks] == [
        [ON_TRACK, OFF_TRACK, MET],         # 4 ≥ 3.7; 6 < 7.6; 8 reaches the target
        [ON_TRACK, ON_TRACK, OFF_TRACK],    # less is better: -6 ≤ -5.2; -11 ≤ -10.7; -13 > -16.2
        [OFF_TRACK, OFF_TRACK, OFF_TRACK],  # 0 < 4.3; 2 < 8.8; 5 < 13.3
    ]
    assert [t.baseline_given for t in tracks] == [False, True, False]


def test_the_exit_trigger_is_read_from_the_figures_at_the_review_it_names(tmp_path: Path) -> None:
    state = assess(load_history(HISTORY)).triggers[0]
    assert (state.recorded, state.figures) == (False, False)  # six distributors at review 2: not fewer than four
    assert "6 distributors at review 2" in state.basis
    reviews = example_reviews()
    reviews[1]["kpis"][0]["actual"] = 3
    for review in reviews:
        review.pop("triggers", None)
    folder = write_history(tmp_path, reviews)
    state = assess(load_history(folder)).triggers[0]
    assert (state.recorded, state.figures, state.met) == (None, True, True)
    met = [f for f in findings(folder) if f.rule == "trigger-met"]
    clause = exit_clause(load_history(folder))
    assert clause is not None and clause.title == "Exit triggers"
    assert len(met) == 1 and met[0].severity.value == "error"
    assert f"Clause {clause.number} (Exit triggers) says what follows" in met[0].finding
    assert "met by the figures" in met[0].finding


def test_the_example_history_raises_what_an_alliance_manager_would() -> None:
    assert sorted(set(rules(HISTORY))) == ["duties-late", "feedback-diverging", "kpi-off-track", "objective-due-off-track",
                                           "resource-behind", "review-held-late"]


@pytest.fixture(scope="module")
def pack_bytes() -> dict[str, bytes]:
    from agreementkit.render import render_bytes

    pack = review_pack(HISTORY)
    return {fmt: render_bytes(pack.document, fmt) for fmt in ("pdf", "docx", "html", "md")}


def test_the_pack_holds_every_objective_in_every_format(pack_bytes: dict[str, bytes]) -> None:
    from pypdf import PdfReader

    answers = load_history(HISTORY).answers
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pack_bytes["pdf"])).pages)
    docx = _docx_text(pack_bytes["docx"])
    html, md = pack_bytes["html"].decode(), pack_bytes["md"].decode()
    for objective in answers.objectives:
        for name, text in (("docx", docx), ("html", html), ("md", md)):
            assert f"Objective {answers.objectives.index(objective) + 1}: {objective.title}" in text, name
        assert objective.title[:30] in re.sub(r"\s+", " ", pdf)
    for text in (docx, html, md):
        assert "Decisions needed" in text and "Agenda" in text and "Agreed at review 2, and where they stand" in text


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_charts_are_in_every_format(pack_bytes: dict[str, bytes]) -> None:
    import docx
    from pypdf import PdfReader

    charts = 5  # one per KPI, resources, feedback
    html, md = pack_bytes["html"].decode(), pack_bytes["md"].decode()
    assert html.count("<figure class=\"chart\"") == charts and html.count("<svg id=\"chart-") == charts
    assert "<script" not in html and "<?xml" not in html
    assert md.count("](data:image/svg+xml;base64,") == charts
    document = docx.Document(io.BytesIO(pack_bytes["docx"]))
    pictures = document.inline_shapes
    assert len(pictures) == charts
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert descriptions[0].startswith("Line chart of Distributors running the pilot (distributors) at reviews 1 (4 distributors)")
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert len(captions) == charts and captions[0].startswith("Figure 1: objective 1")
    # The PDF's charts keep their text: the labels can be read back (and found, and read aloud).
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pack_bytes["pdf"])).pages)
    for label in ("R3: 8", "Distributors running the pilot", "target 8 distributors", "actual at each review", "% delivered (bars)",
                  "score: 1 poor, 5 strong"):
        assert label in pdf


def test_two_renders_are_byte_identical(pack_bytes: dict[str, bytes]) -> None:
    from agreementkit.render import render_bytes

    again = review_pack(HISTORY)
    for fmt, first in pack_bytes.items():
        assert render_bytes(again.document, fmt) == first, fmt


def test_the_summary_fits_on_the_first_page(pack_bytes: dict[str, bytes]) -> None:
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pack_bytes["pdf"])).pages]
    assert "Decisions needed" in pages[0] and "Needs attention at the next review" in pages[0]
    assert "2. Key performance indicators" in pages[1].splitlines()[:3]


def test_charts_are_readable_without_colour() -> None:
    from agreementkit.reviews.charts import COLOURS, LINES, MARKERS

    # Every series differs by marker and line style as well as colour, and no two colours share a grey.
    assert len(set(MARKERS)) == len(MARKERS) and len({str(x) for x in LINES}) == len(LINES)

    def grey(colour: str) -> float:
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    shades = sorted(grey(c) for c in COLOURS[:3])
    assert min(b - a for a, b in zip(shades, shades[1:])) > 8


# --- each finding fires on a crafted history, not on its near miss -------------------------------


def three(**changes: Any) -> list[dict[str, Any]]:
    reviews = example_reviews()
    for path, value in changes.items():
        index, *rest = path.split("__")
        target: Any = reviews[int(index)]
        for part in rest[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        last = rest[-1]
        target[int(last) if isinstance(target, list) else last] = value
    return reviews


def quiet_reviews() -> list[dict[str, Any]]:
    """The example history with everything set so that no rule fires."""
    reviews = example_reviews()
    reviews[2]["held"] = "2027-10-15"
    for review in reviews:
        review["kpis"] = [{"objective": 1, "actual": 8}, {"objective": 2, "actual": -20}, {"objective": 3, "actual": 25}]
        review["duties"] = [d | {"status": "on_track"} for d in review["duties"]]
        review["resources"] = [r | {"delivered": 50} for r in review["resources"]]
        review["feedback"] = [{"party": p, "scores": {"trust": 4, "communication": 4, "pace": 3}} for p in ("northwind", "frostline", "harbour")]
    return reviews


def test_the_quiet_history_raises_nothing(tmp_path: Path) -> None:
    assert rules(write_history(tmp_path, quiet_reviews())) == []


CASES = {
    # rule: (what makes it fire, its near miss), as changes to the quiet history
    "kpi-off-track": ({"1__kpis__2__actual": 2, "2__kpis__2__actual": 5},   # off at reviews 2 and 3
                      {"1__kpis__2__actual": 2, "2__kpis__2__actual": 14}),  # off at 2, back on track at 3
    "objective-due-off-track": ({"2__kpis__1__actual": -13},                # due 31 Dec, before review 4, and off track
                                {"2__kpis__1__actual": -17}),               # on track
    "duties-late": ({"2__duties__1__status": "blocked"}, {"2__duties__1__status": "on_track"}),
    "resource-behind": ({"2__resources__2__delivered": 17},                 # 38% of the term gone: 21 points behind
                        {"2__resources__2__delivered": 18}),                # 20 points: not more than 20
    "trigger-met": ({"2__triggers__0__met": True}, {"2__triggers__0__met": False}),
    "review-held-late": ({"2__held": "2027-10-25"},                         # 15 Oct + 6 working days
                         {"2__held": "2027-10-22"}),                        # + 5 working days
    "feedback-diverging": ({"1__feedback__2__scores__pace": 4, "2__feedback__2__scores__pace": 3,
                            "2__feedback__0__scores__pace": 4, "2__feedback__1__scores__pace": 4},   # harbour falls, both others rise
                           {"1__feedback__2__scores__pace": 4, "2__feedback__2__scores__pace": 3,
                            "2__feedback__0__scores__pace": 4}),                                     # one other stays the same
}


def _changed(reviews: list[dict[str, Any]], changes: dict[str, Any]) -> list[dict[str, Any]]:
    out = copy.deepcopy(reviews)
    for path, value in changes.items():
        index, *rest = path.split("__")
        target: Any = out[int(index)]
        for part in rest[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        last = rest[-1]
        target[int(last) if isinstance(target, list) else last] = value
    return out


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_finding_fires_and_its_near_miss_does_not(tmp_path: Path, rule: str) -> None:
    fires, near = CASES[rule]
    assert rule in rules(write_history(tmp_path, _changed(quiet_reviews(), fires)))
    assert rule not in rules(write_history(tmp_path, _changed(quiet_reviews(), near)))


def test_an_objective_off_track_but_due_after_the_next_review_is_not_yet_a_decision(tmp_path: Path) -> None:
    # Objective 3 falls due on 30 June 2028, after review 4 (15 January 2028): off track now, it is not raised as due.
    off = _changed(quiet_reviews(), {"2__kpis__2__actual": 5})
    assert assess(load_history(write_history(tmp_path, off))).kpis[2].points[-1].status == OFF_TRACK
    assert "objective-due-off-track" not in rules(tmp_path / "reviews")


def test_two_partners_two_points_apart_diverge_and_one_point_does_not(tmp_path: Path) -> None:
    apart = _changed(quiet_reviews(), {"2__feedback__1__scores__trust": 2})
    found = [f for f in findings(write_history(tmp_path, apart)) if f.rule == "feedback-diverging"]
    assert len(found) == 1 and "2 points apart" in found[0].finding and found[0].path.endswith("feedback[1].scores.trust")
    assert "feedback-diverging" not in rules(write_history(tmp_path, _changed(quiet_reviews(), {"2__feedback__1__scores__trust": 3})))


def test_a_missing_review_is_raised_and_a_complete_history_is_not(tmp_path: Path) -> None:
    reviews = quiet_reviews()
    found = [f for f in findings(write_history(tmp_path, [reviews[0], reviews[2]])) if f.rule == "review-missing"]
    assert len(found) == 1 and "Review 2, due on 15 July 2027" in found[0].finding
    assert "review-missing" not in rules(write_history(tmp_path, reviews[:2]))


def test_an_objective_already_missed_is_off_track_for_the_trend(tmp_path: Path) -> None:
    reviews = _changed(quiet_reviews(), {"1__kpis__0__actual": 6, "2__kpis__0__actual": 7})
    track = assess(load_history(write_history(tmp_path, reviews))).kpis[0]
    assert [p.status for p in track.points] == [MET, OFF_TRACK, MISSED]
    assert "kpi-off-track" in rules(tmp_path / "reviews")


def test_the_trajectory_is_a_straight_line_from_the_baseline() -> None:
    from datetime import date

    assert trajectory(Decimal(10), Decimal(20), date(2027, 1, 1), date(2027, 1, 11), date(2027, 1, 6)) == Decimal(15)
    assert trajectory(Decimal(10), Decimal(20), date(2027, 1, 1), date(2027, 1, 11), date(2028, 1, 1)) == Decimal(20)


# --- review check and render from the command line ---------------------------------------------


def test_review_check_prints_findings_and_exits_as_check_does(tmp_path: Path) -> None:
    result = cli("review", "check", str(HISTORY))
    assert result.returncode == 0, result.stderr
    assert "kpi-off-track" in result.stdout and "Needs attention at the next review" in result.stdout
    assert cli("review", "check", str(HISTORY), "--strict").returncode == 1
    import json

    report = json.loads(cli("review", "check", str(HISTORY), "--format", "json").stdout)
    assert report["counts"]["warning"] == len([f for f in report["findings"] if f["severity"] == "warning"]) > 0
    assert {"rule", "severity", "path", "finding", "why", "suggestion"} <= set(report["findings"][0])
    folder = write_history(tmp_path, _changed(quiet_reviews(), {"2__triggers__0__met": True}))
    met = cli("review", "check", str(folder))
    assert met.returncode == 1 and "trigger-met" in met.stdout


def test_three_commands_from_the_signed_answers_to_a_pack(tmp_path: Path) -> None:
    """review start writes the file; filled in, review check passes it and review render makes the pack."""
    shutil.copy(EXAMPLE, tmp_path / "answers.yaml")
    started = cli("review", "start", "answers.yaml", "-o", "reviews", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "wrote reviews/review-1.yaml (review 1, scheduled for 15 April 2027)" in started.stdout
    text = (tmp_path / "reviews" / "review-1.yaml").read_text()
    for words in ("Pilot the tracking service", "Northwind 2. Lead pricing and sales", "the Network 1. A programme coordinator",
                  "Fewer than 4 distributors", "party: harbour   # Harbour Food Network"):
        assert words in text
    # Unfilled, the file names the one slot that must be filled.
    empty = cli("review", "check", "reviews", cwd=tmp_path)
    assert empty.returncode == 2 and "line 7: held: not filled in" in empty.stderr
    filled = text.replace("held:   #", "held: 2027-04-16   #").replace("- {objective: 1, actual: ,", "- {objective: 1, actual: 4,")
    (tmp_path / "reviews" / "review-1.yaml").write_text(filled)
    assert cli("review", "check", "reviews", cwd=tmp_path).returncode == 0
    rendered = cli("review", "render", "reviews", "-o", "pack.md", cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert "Partnership review 1" in (tmp_path / "pack.md").read_text()
    # The next start is review 2, with review 1's figure beside its slot.
    second = cli("review", "start", "answers.yaml", "-o", "reviews", cwd=tmp_path)
    assert "review-2.yaml (review 2, scheduled for 15 July 2027)" in second.stdout
    assert "review 1: 4" in (tmp_path / "reviews" / "review-2.yaml").read_text()


def test_review_render_writes_each_format_and_keeps_existing_files(tmp_path: Path) -> None:
    result = cli("review", "render", str(HISTORY), "-o", str(tmp_path), "--format", "html,md")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review-pack-3.html", "review-pack-3.md"]
    again = cli("review", "render", str(HISTORY), "-o", str(tmp_path), "--format", "md")
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = cli("review", "render", str(HISTORY), "-o", str(tmp_path / "pack.ics"))
    assert bad.returncode == 2 and "a review pack is written as .pdf, .docx, .html or .md" in bad.stderr


def test_matplotlib_is_imported_only_by_the_review_commands(tmp_path: Path) -> None:
    probe = ("import sys\nfrom agreementkit.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print('MATPLOTLIB' if 'matplotlib' in sys.modules else 'CLEAN')\n")
    script = tmp_path / "probe.py"
    script.write_text(probe)

    def run(*args: str) -> str:
        return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=300).stdout

    assert run("--help").strip().endswith("CLEAN")
    assert run("render", str(EXAMPLE), "-o", str(tmp_path / "mou.md")).strip().endswith("CLEAN")
    assert run("review", "check", str(HISTORY)).strip().endswith("CLEAN")
    assert run("review", "render", str(HISTORY), "-o", str(tmp_path / "pack.md")).strip().endswith("MATPLOTLIB")


# --- bad review files: refused with line and path ----------------------------------------------


BAD = [
    ({"kpis": [{"objective": 1, "actaul": 4}]}, "line 7: kpis[0].actaul: unknown field 'actaul'; did you mean 'actual'?"),
    ({"kpis": [{"objective": 4, "actual": 4}]}, "line 6: kpis[0].objective: objective 4 does not exist: Schedule 1 lists 3"),
    ({"duties": [{"party": "northwnd", "duty": 1}]}, "duties[0].party: unknown party 'northwnd' (the parties are: frostline, "
                                                     "harbour, northwind); did you mean 'northwind'?"),
    ({"duties": [{"party": "northwind", "duty": 3}]}, "duties[0].duty: duty 3 of northwind does not exist: Schedule 2 gives "
                                                      "Northwind 2 duties (1 Provide 5G connectivity"),
    ({"duties": [{"party": "harbour", "duty": 1, "status": "dne"}]}, "duties[0].status: 'dne' is not one of 'done', 'on_track', "
                                                                     "'late' or 'blocked'; did you mean 'done'?"),
    ({"resources": [{"party": "frostline", "resource": 2}]}, "resources[0].resource: resource 2 of frostline does not exist: "
                                                             "Schedule 3 gives Frostline 1 resource"),
    ({"resources": [{"party": "frostline", "resource": 1, "delivered": 120}]}, "resources[0].delivered: 120 is not a percentage "
                                                                               "from 0 to 100"),
    ({"feedback": [{"party": "harbour", "scores": {"trsut": 4}}]}, "feedback[0].scores.trsut: unknown field 'trsut'; "
                                                                   "did you mean 'trust'?"),
    ({"feedback": [{"party": "harbour", "scores": {"pace": 7}}]}, "feedback[0].scores.pace: 7 is not a score from 1 (poor) to 5"),
    ({"triggers": [{"trigger": 2, "met": True}]}, "triggers[0].trigger: exit trigger 2 does not exist: the MOU lists 1"),
    ({"actions": [{"action": "Call", "owner": "frostlin"}]}, "actions[0].owner: unknown party 'frostlin'"),
    ({"review": 9}, "line 3: review: review 9 is not in Schedule 4, which lists reviews 1 to 7"),
    ({"held": "2027-02-30"}, "line 4: held: not a real date: '2027-02-30'; write it as YYYY-MM-DD"),
    ({"held": "2026-12-01"}, "held: 2026-12-01 is before the MOU took effect (2027-01-15)"),
    ({"kpis": [{"objective": 1, "actual": 4}, {"objective": 1, "actual": 5}]}, "kpis[1]: objective 1 is given twice (also at kpis[0])"),
    ({"agreement": "../nowhere.yaml"}, "line 2: agreement: no answers file at ../nowhere.yaml"),
    ({"actions": [{"action": "Call", "owner": "frostline", "due": "2027-03-01"}]},
     "actions[0].due: 2027-03-01 is before the review that agreed the action (held on 2027-04-16)"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(BAD)])
def test_a_bad_review_file_is_refused_with_line_and_path(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    (tmp_path / "answers.yaml").write_text(EXAMPLE.read_text())
    folder = tmp_path / "reviews"
    folder.mkdir()
    review = {"format": 1, "agreement": "../answers.yaml", "review": 1, "held": "2027-04-16", **change}
    (folder / "review-1.yaml").write_text(yaml.safe_dump(review, sort_keys=False))
    with pytest.raises(ReviewFileError) as caught:
        load_history(folder)
    assert message in str(caught.value), str(caught.value)
    result = cli("review", "check", str(folder))
    assert result.returncode == 2 and message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr


def test_a_key_valid_elsewhere_is_not_offered_as_its_own_correction(tmp_path: Path) -> None:
    """`value` is a feedback item, not a resource's field: the message says it is unknown there, and no more."""
    reviews = quiet_reviews()[:1]
    reviews[0]["resources"][0]["value"] = 60
    with pytest.raises(ReviewFileError) as caught:
        load_history(write_history(tmp_path, reviews))
    assert "resources[0].value: unknown field 'value'" in str(caught.value)
    assert "did you mean 'value'" not in str(caught.value)


def test_a_partys_duties_are_numbered_across_all_its_responsibility_entries(tmp_path: Path) -> None:
    answers = yaml.safe_load(EXAMPLE.read_text())
    answers["responsibilities"].insert(1, {"party": "harbour", "role": "Events", "duties": ["Host the launch event"]})
    answers["responsibilities"].append({"party": "northwind", "role": "Pilot operations",
                                        "duties": ["Staff a pilot help desk", "Report outages within a day"]})
    folder = write_history(tmp_path, [], answers)
    started = cli("review", "start", str(tmp_path / "answers.yaml"), "-o", str(folder))
    assert started.returncode == 0, started.stderr
    text = (folder / "review-1.yaml").read_text()
    assert "Northwind 3. Staff a pilot help desk\n  - {party: northwind, duty: 3," in text
    assert "the Network 1. Host the launch event\n  - {party: harbour, duty: 1," in text
    assert "the Network 3. Collect feedback from distributors each quarter\n  - {party: harbour, duty: 3," in text
    review = {"format": 1, "review": 1, "held": "2027-04-16",
              "duties": [{"party": "northwind", "duty": 4, "status": "late"}, {"party": "harbour", "duty": 3, "status": "done"}]}
    folder = write_history(tmp_path, [review], answers)
    late = [f for f in findings(folder) if f.rule == "duties-late"]
    assert len(late) == 1 and "4 'Report outages within a day' (late)" in late[0].finding
    review["duties"].append({"party": "northwind", "duty": 5})
    with pytest.raises(ReviewFileError) as caught:
        load_history(write_history(tmp_path, [review], answers))
    assert "duty 5 of northwind does not exist: Schedule 2 gives Northwind 4 duties" in str(caught.value)


def test_every_mistake_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    reviews = quiet_reviews()
    reviews[0]["kpis"][0]["objective"] = 7
    reviews[2]["held"] = "2027-07-01"  # before review 2
    reviews[2]["kpis"][0]["baseline"] = 2
    with pytest.raises(ReviewHistoryError) as caught:
        load_history(write_history(tmp_path, reviews))
    text = str(caught.value)
    assert "review-1.yaml: 1 problem" in text and "kpis[0].objective: objective 7 does not exist" in text
    assert "review-3.yaml: 2 problems" in text
    assert "held: review 3 is dated 2027-07-01, not after review 2 (2027-07-22, in review-2.yaml)" in text
    assert "kpis[0].baseline: a baseline belongs in the first review file (review-1.yaml)" in text


def test_hostile_review_files_are_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text(EXAMPLE.read_text())
    folder = tmp_path / "reviews"
    folder.mkdir()
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    (folder / "review-1.yaml").write_text(laughs)
    result = cli("review", "check", str(folder))
    assert result.returncode == 2 and "billion laughs" in result.stderr
    (folder / "review-1.yaml").write_text("format: 1\nformat: 1\n")
    assert "given twice" in cli("review", "check", str(folder)).stderr
    (folder / "review-1.yaml").write_text("- just\n- a list\n")
    assert "expected a review" in cli("review", "check", str(folder)).stderr
    (folder / "review-1.yaml").unlink()
    os.mkfifo(folder / "review-1.yaml")
    assert "FIFO" in cli("review", "check", str(folder)).stderr


def test_an_empty_or_missing_folder_says_how_to_start(tmp_path: Path) -> None:
    result = cli("review", "check", str(tmp_path))
    assert result.returncode == 2 and "review start ANSWERS" in result.stderr
    assert "no such folder" in cli("review", "check", str(tmp_path / "nowhere")).stderr


# --- the Figure block in every writer and in compare ---------------------------------------------


def test_compare_marks_a_changed_chart_and_every_writer_lays_the_redline_out() -> None:
    from dataclasses import replace

    from agreementkit.compare import compare
    from agreementkit.document import Figure, Text
    from agreementkit.render import render_bytes

    old = review_pack(HISTORY, charts=True).document
    section = old.sections[1]
    figures = [(c, b) for c in section.clauses for b in c.blocks if isinstance(b, Figure)]
    _, figure = figures[0]
    recaptioned = replace(figure, caption=(Text("Figure 1: distributors, recounted."),))
    redrawn = replace(figures[1][1], svg=figures[1][1].svg.replace("R3: -13%", "R3: -14%"))
    new_clauses = []
    for c in section.clauses:
        blocks = [recaptioned if b is figure else redrawn if b is figures[1][1] else b for b in c.blocks]
        new_clauses.append(replace(c, blocks=blocks))
    new = replace(old, sections=[old.sections[0], replace(section, clauses=new_clauses), *old.sections[2:]])
    redline = compare(old, new)
    assert len(redline.summary.changed) == 2
    marked = [b for s in redline.document.sections for c in s.clauses for b in c.blocks if isinstance(b, Figure)]
    changes = [b.change for b in marked]
    assert changes.count("del") == 1 and changes.count("ins") == 1
    recaption = next(b for b in marked if b.change is None and any(run.change for run in b.caption))
    assert {run.change for run in recaption.caption} >= {"ins", "del"}
    html = render_bytes(redline.document, "html").decode()
    assert '<figure class="chart del">' in html and '<figure class="chart ins">' in html and "<ins " in html
    md = render_bytes(redline.document, "md").decode()
    assert "{--![" in md and "{++![" in md
    import docx

    document = docx.Document(io.BytesIO(render_bytes(redline.document, "docx")))
    assert len(document.inline_shapes) == 6  # the five charts and the old drawing of the one redrawn


def test_a_trigger_recorded_as_not_met_that_the_figures_meet_is_raised(tmp_path: Path) -> None:
    reviews = _changed(quiet_reviews(), {"1__kpis__0__actual": 3, "1__triggers__0__met": False, "2__triggers__0__met": False})
    met = [f for f in findings(write_history(tmp_path, reviews)) if f.rule == "trigger-met"]
    assert len(met) == 1 and "recorded as not met, but the figures meet it" in met[0].finding
    near = _changed(quiet_reviews(), {"1__kpis__0__actual": 4, "1__triggers__0__met": False, "2__triggers__0__met": False})
    assert "trigger-met" not in rules(write_history(tmp_path, near))


def test_every_review_rule_is_documented() -> None:
    from agreementkit.reviews.findings import REVIEW_RULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [rule for rule in sorted(REVIEW_RULES) if f"| `{rule}` |" not in readme] == []
    assert "| `target-unmeasurable` | advice |" in readme


# --- fuzzing: a mutated review file gives a pack or a clean refusal, never a traceback -----------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_hardening import STRUCTURES, _mutate  # noqa: E402


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.lists(STRUCTURES, min_size=1, max_size=3))
def test_mutated_review_files_are_packed_or_refused_cleanly(tmp_path: Path, seed: int, replacements: list[Any]) -> None:
    import random

    from agreementkit.errors import UserError
    from agreementkit.render import render_bytes
    from agreementkit.reviews.pack import build_pack

    rng = random.Random(seed)
    reviews = example_reviews()
    reviews[2]["agreement"] = "../answers.yaml"
    for replacement in replacements:
        reviews[2] = _mutate(reviews[2], rng, replacement)
    folder = write_history(tmp_path, reviews[:2])
    (folder / "review-3.yaml").write_text(yaml.safe_dump(reviews[2], allow_unicode=True), encoding="utf-8")
    try:
        history = load_history(folder)
    except UserError as exc:
        assert exc.exit_code == 2 and str(exc)
        return
    pack = build_pack(history, charts=False)
    assert "Partnership review" in render_bytes(pack.document, "md").decode("utf-8")
    OUTCOMES.append("packed")


OUTCOMES: list[str] = []


def test_review_new_needs_a_terminal_and_start_stops_when_every_review_has_a_file(tmp_path: Path) -> None:
    result = cli("review", "new", str(EXAMPLE), "-o", str(tmp_path))
    assert result.returncode == 2 and "needs an interactive terminal" in result.stderr and "review start" in result.stderr
    answers = yaml.safe_load(EXAMPLE.read_text())
    answers["agreement"]["term_months"] = 7  # two reviews in Schedule 4: 15 April and 15 July 2027
    reviews = quiet_reviews()[:2]
    folder = write_history(tmp_path, reviews, answers)
    done = cli("review", "start", str(tmp_path / "answers.yaml"), "-o", str(folder))
    assert done.returncode == 2 and "every review in Schedule 4 (1 to 2) already has a file" in done.stderr
    other = cli("review", "start", str(EXAMPLE), "-o", str(folder))
    assert other.returncode == 2 and "keep one partnership's reviews per folder" in other.stderr


def test_answers_in_the_charts_are_text_never_markup(tmp_path: Path) -> None:
    """A party named like a script, a KPI with dollar signs and braces: the charts print them as written."""
    from agreementkit.render import render_bytes

    answers = yaml.safe_load(EXAMPLE.read_text())
    answers["parties"][2]["short_name"] = "<script>alert(1)</script> _Net"
    answers["objectives"][0]["kpi"] = "Sales in $ and $ {{ kpi }} & <b>"
    folder = write_history(tmp_path, example_reviews(), answers)
    pack = review_pack(folder)
    html = render_bytes(pack.document, "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; _Net" in html
    assert "Sales in $ and $ {{ kpi }} &amp; &lt;b&gt;" in html
    from pypdf import PdfReader

    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_bytes(pack.document, "pdf"))).pages)
    assert "Sales in $ and $ {{ kpi }} & <b>" in pdf and "<script>alert(1)</script> _Net" in pdf
