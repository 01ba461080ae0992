"""`agreementkit review new`: the next review asked as an interview, through the same engine as `new`.

The questions are generated as data from the MOU, in the question files'
own format (pages and questions), and built into an `Interview` exactly as
question files are: one question per KPI, duty, resource and exit trigger,
the feedback statements for each party, where the previous review's actions
stand, and the actions agreed. The engine walks them for any front end,
keeping every answer in a draft as it is given, so Ctrl-C loses nothing and
`--resume` continues where the person stopped. At the end the answers become
a review file, checked exactly as a hand-written one before it is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..answers import Answers
from ..assembly.timeline import ScheduledReview
from ..dates import as_date, long_date
from ..errors import InvalidInputError, Problem, UserError
from ..questions.spec import Interview, generated_interview
from ..render import atomic_write
from ..yamlfile import parse_yaml, read_text
from .agreement import duties_of, label, resources_of
from .history import DRAFT_NAME, Held, History, load_history
from .model import FEEDBACK_ITEMS
from .start import next_in_folder

DRAFT_FORMAT = 1
_DUTY_OPTIONS = [{"value": "done", "label": "done"}, {"value": "on_track", "label": "on track"},
                 {"value": "late", "label": "late", "help": "behind what was planned"},
                 {"value": "blocked", "label": "blocked", "help": "cannot go on until something else happens"}]
_ACTION_OPTIONS = [{"value": "done", "label": "done"}, {"value": "in_progress", "label": "in progress"},
                   {"value": "not_started", "label": "not started"}, {"value": "dropped", "label": "dropped",
                                                                           "help": "the partners decided not to do it"}]


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def review_questions(answers: Answers, scheduled: ScheduledReview, previous: Held | None, *, first: bool) -> dict[str, Any]:
    """The review's interview as question-file data, made from the MOU (and the previous review's actions).

    Ids name where each answer goes in the interview's data (`kpis.o1`, `duties.p2_d1`), by position,
    so a party key with a hyphen still makes a valid id; `review_data` turns them into the file's names."""
    pages = [
        {"id": "held", "title": f"Review {scheduled.number}", "order": 10,
         "why": f"The {scheduled.kind.lower()} scheduled for {long_date(scheduled.date)} in Schedule 4."},
        {"id": "kpis", "title": "Key performance indicators", "order": 20,
         "why": "Each objective's KPI as it stands today, in its target's unit; leave one empty when it was not reported."},
        {"id": "duties", "title": "Duties", "order": 30, "why": "Where each party's duties in Schedule 2 stand."},
        {"id": "resources", "title": "Resources", "order": 40,
         "why": "How much of each commitment in Schedule 3 has been delivered so far."},
        {"id": "feedback", "title": "Partner feedback", "order": 50,
         "why": "Each party's view of the relationship, 1 (poor) to 5 (strong): diverging views are the early sign of trouble."},
        {"id": "triggers", "title": "Exit triggers", "order": 60,
         "why": "The signs, agreed in advance, that the partnership is not delivering."},
        {"id": "actions", "title": "Actions", "order": 70, "why": "What the review agreed to do, by whom and by when."},
    ]
    questions: list[dict[str, Any]] = []
    held_help = f"Scheduled for {long_date(scheduled.date)}; a review held more than 5 working days later is raised by review check."
    lowest = previous.review.held.isoformat() if previous else None
    check = (f"{{{{ 'it must come after review {previous.number}, held on {long_date(previous.review.held)}' "
             f"if value <= '{lowest}' }}}}" if previous else
             f"{{{{ 'the MOU took effect on {long_date(answers.agreement.effective_date)}: the review cannot come before it' "
             f"if value < '{answers.agreement.effective_date.isoformat()}' }}}}")
    questions.append({"id": "held", "page": "held", "type": "date", "label": "held on", "default": scheduled.date.isoformat(),
                      "prompt": f"When was review {scheduled.number} held?", "help": held_help, "validate": check})
    for number, objective in enumerate(answers.objectives, start=1):
        measure = objective.measure()
        unit = f" ({measure.unit})" if measure and measure.unit else ""
        target = f"target {measure.describe()}" if measure else f"target '{objective.target or 'not set'}', not a number"
        due = f" by {long_date(objective.due)}" if objective.due else ""
        was = next((k.actual for k in previous.review.kpis if k.objective == number), None) if previous else None
        before = f"; review {previous.number}: {was}" if previous and was is not None else ""
        questions.append({
            "id": f"kpis.o{number}", "page": "kpis", "type": "number", "required": False, "label": f"objective {number}",
            "prompt": f"Objective {number}, {_one_line(objective.title)}: {_one_line(objective.kpi or 'its KPI')}{unit} now? "
                      f"({target}{due}{before})",
            "help": f"The figure reported at the review, in the target's unit{unit}. Review check compares it with the "
                    "straight path from the baseline when the MOU took effect to the target on the due date."})
        if first and objective.baseline is None:
            questions.append({
                "id": f"kpis.o{number}_baseline", "page": "kpis", "type": "number", "required": False,
                "label": f"objective {number} baseline",
                "prompt": f"Where did it stand when the MOU took effect, on {long_date(answers.agreement.effective_date)}? "
                          "(Enter for 0)",
                "help": "The baseline every review's trajectory starts from; recorded in this first review file."})
    for p, party in enumerate(answers.parties, start=1):
        for duty in duties_of(answers, party.key):
            questions.append({
                "id": f"duties.p{p}_d{duty.number}", "page": "duties", "type": "select", "required": False,
                "label": f"{_upfirst(party.label)} duty {duty.number}", "none_label": "not reported", "options": _DUTY_OPTIONS,
                "prompt": f"{_upfirst(party.label)}, duty {duty.number}: {_one_line(duty.text)}",
                "help": f"{_upfirst(party.label)}'s duty as {_one_line(duty.role)} in Schedule 2."})
        for commitment in resources_of(answers, party.key):
            resource = commitment.resource
            questions.append({
                "id": f"delivered.p{p}_r{commitment.number}", "page": "resources", "type": "percent", "required": False,
                "label": f"{_upfirst(party.label)} resource {commitment.number}", "min": 0, "max": 100,
                "prompt": f"{_upfirst(party.label)}, resource {commitment.number}: {_one_line(resource.description)}: "
                          "what share is delivered so far?",
                "help": "The share of the commitment delivered, in percent. Review check raises one more than 20 points "
                        "behind the share of its period gone."})
    for p, party in enumerate(answers.parties, start=1):
        for item, statement in FEEDBACK_ITEMS.items():
            questions.append({
                "id": f"feedback.p{p}_{item}", "page": "feedback", "type": "integer", "required": False, "min": 1, "max": 5,
                "label": f"{_upfirst(party.label)}: {item}", "prompt": f"{_upfirst(party.label)}: \u201c{statement}\u201d (1 poor, 5 strong)",
                "help": f"{_upfirst(party.label)}'s own score on {item}, from 1 (poor) to 5 (strong)."})
        questions.append({"id": f"feedback.p{p}_comment", "page": "feedback", "type": "text", "required": False,
                          "label": f"{_upfirst(party.label)}: comment", "prompt": f"Anything {party.label} adds, in its own words?"})
    for number, text in enumerate(answers.termination.exit_triggers, start=1):
        questions.append({
            "id": f"triggers.t{number}", "page": "triggers", "type": "select", "required": False, "label": f"trigger {number}",
            "none_label": "not assessed", "options": [{"value": True, "label": "met"}, {"value": False, "label": "not met"}],
            "prompt": f"Exit trigger {number}: {_one_line(text)}. Is it met?",
            "help": "A trigger met is an error in review check: the MOU says what the parties then do."})
    if previous is not None:
        for number, action in enumerate(previous.review.actions, start=1):
            owner = f", {label(answers, action.owner)}" if action.owner else ""
            due = f", due {long_date(action.due)}" if action.due else ""
            questions.append({
                "id": f"previous_actions.a{number}", "page": "actions", "type": "select", "required": False,
                "label": f"review {previous.number} action {number}", "none_label": "no update", "options": _ACTION_OPTIONS,
                "prompt": f"Action {number} from review {previous.number}: {_one_line(action.action)}{owner}{due}. Where does it stand?"})
    owners = [{"value": party.key, "label": party.label} for party in answers.parties]
    questions += [
        {"id": "actions", "page": "actions", "type": "group", "item": "action", "min": 0, "max": 50, "label": "actions agreed",
         "prompt": "The actions agreed", "add_prompt": "Did the review agree any actions?", "more_prompt": "Another action?"},
        {"id": "actions[].action", "type": "text", "label": "action", "prompt": "Action {{ index + 1 }}: what is to be done?"},
        {"id": "actions[].owner", "type": "select", "required": False, "label": "owner", "none_label": "no one named",
         "options": owners, "prompt": "Who owns it?"},
        {"id": "actions[].due", "type": "date", "required": False, "label": "due", "prompt": "By when?",
         "validate": "{{ 'the review was held on ' ~ held ~ ': an action it agreed falls due after that' "
                     "if value and held and (value | string) < (held | string) }}"},
        {"id": "notes", "page": "actions", "type": "paragraph", "required": False, "label": "notes",
         "prompt": "Anything else to record from the review?"},
    ]
    return {"pages": pages, "questions": questions}


def _upfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class ReviewDraft:
    """The answers given so far, saved at once: the engine's log, with the review it belongs to."""

    path: Path
    agreement: str  # the answers file as given to the command
    review: int
    log: dict[str, Any] = field(default_factory=dict)
    stale: dict[str, Any] = field(default_factory=dict)
    derived: set[str] = field(default_factory=set)

    def save(self) -> None:
        data = {"agreementkit_review_draft": DRAFT_FORMAT, "agreement": self.agreement, "review": self.review,
                "log": self.log, "stale": self.stale, "derived": sorted(self.derived)}
        header = f"# agreementkit review draft: continue it with `agreementkit review new {self.agreement} " \
                 f"-o {self.path.parent} --resume {self.path}`\n"
        atomic_write(self.path, (header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)).encode("utf-8"))


def load_review_draft(path: Path) -> ReviewDraft:
    try:
        data = parse_yaml(read_text(path, "draft"), str(path)).data
    except InvalidInputError as exc:
        raise UserError(str(exc)) from None
    if not isinstance(data, dict) or data.get("agreementkit_review_draft") != DRAFT_FORMAT or not isinstance(data.get("log"), dict):
        raise InvalidInputError(str(path), [Problem("", "not an agreementkit review draft (written by `agreementkit review new`)")])
    return ReviewDraft(path, str(data.get("agreement") or ""), int(data.get("review") or 0), dict(data["log"]),
                       dict(data["stale"]) if isinstance(data.get("stale"), dict) else {},
                       {str(k) for k in data.get("derived") or []})


def resume_review_command(answers: Path, folder: Path) -> str:
    return f"agreementkit review new {answers} -o {folder} --resume {folder / DRAFT_NAME}"


@dataclass
class PreparedReview:
    """Everything a front end needs to ask for the next review and write its file."""

    answers_path: Path
    folder: Path
    answers: Answers
    history: History | None
    scheduled: ScheduledReview
    interview: Interview
    draft: ReviewDraft
    library: list[Path] | None = None

    @property
    def path(self) -> Path:
        return self.folder / f"review-{self.scheduled.number}.yaml"

    def review_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """The interview's answers as a review file holds them: each MOU item by its number, not-reported ones left out."""
        answers = self.answers

        def given(section: str, key: str) -> Any:
            value = (data.get(section) or {}).get(key)
            return None if value is None or value == "" else value

        out: dict[str, Any] = {"format": 1, "agreement": os.path.relpath(self.answers_path.resolve(), self.folder.resolve()),
                               "review": self.scheduled.number, "held": data.get("held")}
        kpis = []
        for number in range(1, len(answers.objectives) + 1):
            entry = {"objective": number, "actual": given("kpis", f"o{number}"), "baseline": given("kpis", f"o{number}_baseline")}
            if entry["actual"] is not None or entry["baseline"] is not None:
                kpis.append({k: v for k, v in entry.items() if v is not None})
        duties, resources, feedback = [], [], []
        for p, party in enumerate(answers.parties, start=1):
            for duty in duties_of(answers, party.key):
                status = given("duties", f"p{p}_d{duty.number}")
                if status is not None:
                    duties.append({"party": party.key, "duty": duty.number, "status": status})
            for commitment in resources_of(answers, party.key):
                share = given("delivered", f"p{p}_r{commitment.number}")
                if share is not None:
                    resources.append({"party": party.key, "resource": commitment.number, "delivered": share})
            scores = {item: given("feedback", f"p{p}_{item}") for item in FEEDBACK_ITEMS}
            comment = given("feedback", f"p{p}_comment")
            if any(v is not None for v in scores.values()) or comment:
                entry = {"party": party.key, "scores": {k: v for k, v in scores.items() if v is not None}}
                feedback.append({**entry, "comment": comment} if comment else entry)
        triggers = [{"trigger": n, "met": given("triggers", f"t{n}")}
                    for n in range(1, len(answers.termination.exit_triggers) + 1) if given("triggers", f"t{n}") is not None]
        previous_actions = [{"action": int(key[1:]), "status": value} for key, value in (data.get("previous_actions") or {}).items()
                            if value is not None]
        actions = [{k: v for k, v in a.items() if v not in (None, "")} for a in data.get("actions") or []]
        for name, value in (("kpis", kpis), ("duties", duties), ("resources", resources), ("feedback", feedback),
                            ("triggers", triggers), ("previous_actions", sorted(previous_actions, key=lambda a: a["action"])),
                            ("actions", actions)):
            if value:
                out[name] = value
        if data.get("notes"):
            out["notes"] = data["notes"]
        return out

    def text(self, data: dict[str, Any]) -> str:
        header = (f"# Review {self.scheduled.number} of the {_one_line(self.answers.agreement.title)}, recorded with "
                  "`agreementkit review new`.\n# Items left out were not reported. Check the folder with "
                  f"`agreementkit review check {self.folder}`.\n")
        # Dates as dates (written bare, as a person writes them) and each entry on one line, as `review start` lays them out.
        plain = self.review_data(data)
        plain["held"] = as_date(plain["held"])
        for action in plain.get("actions", []):
            if "due" in action:
                action["due"] = as_date(action["due"])
        return header + yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)

    def problems(self, data: dict[str, Any]) -> list[Problem]:
        """Every problem the review file would have in its folder, checked exactly as `review check` checks files."""
        try:
            load_history(self.folder, self.library, adding=(self.path, self.text(data)))
        except InvalidInputError as exc:
            return exc.problems
        except UserError as exc:
            errors = getattr(exc, "errors", None)
            if errors:
                return [p for error in errors for p in error.problems if error.source == str(self.path)] or \
                    [Problem("", str(exc))]
            return [Problem("", str(exc))]
        return []

    def write(self, data: dict[str, Any]) -> Path:
        """Write the review file (refused, with every problem, when it would not read back) and remove the draft."""
        problems = self.problems(data)
        if problems:
            raise InvalidInputError(str(self.path), problems)
        atomic_write(self.path, self.text(data).encode("utf-8"))
        self.draft.path.unlink(missing_ok=True)
        return self.path


def prepare_review(answers_path: Path, folder: Path, *, resume: Path | None = None, library: list[Path] | None = None,
                   confirm: Callable[[Path], bool] | None = None) -> PreparedReview:
    """The next review's interview and draft: a new draft, or the one given to `--resume` (or found in the
    folder, when `confirm` says to continue it)."""
    answers, history, scheduled, previous = next_in_folder(answers_path, folder, library)
    draft_path = folder / DRAFT_NAME
    if resume is None and draft_path.exists() and confirm is not None and confirm(draft_path):
        resume = draft_path
    if resume is not None:
        draft = load_review_draft(resume)
        if draft.review != scheduled.number:
            raise UserError(f"{resume} is a draft of review {draft.review}, but the next review without a file is "
                            f"{scheduled.number}; remove the draft to start again")
        draft.path = resume
    else:
        draft = ReviewDraft(draft_path, str(answers_path), scheduled.number)
    draft.save()
    interview = generated_interview(review_questions(answers, scheduled, previous, first=previous is None and history is None),
                                    f"review {scheduled.number} questions")
    return PreparedReview(answers_path, folder, answers, history, scheduled, interview, draft, library)
