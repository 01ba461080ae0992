"""Reading a folder of review files: the partnership's history, checked against its MOU.

Review files are read as answers files are: bounded YAML (the same size,
nesting and alias limits), pydantic for the shape, every mistake reported at
once with its line and path, unknown keys refused with a "did you mean". Then
every reference is checked against the signed MOU the file names (an
objective, a party's duty or resource, an exit trigger, a review in the
schedule), and the files against each other (one agreement, one file per
review, dates in order), so nothing downstream meets a reference to nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..answers import Answers, describe_error, user_path
from ..assembly.timeline import ScheduledReview, scheduled_reviews
from ..dates import as_date, long_date
from ..errors import InvalidInputError, Problem, UserError
from ..yamlfile import LocatedData, PathKey, format_path, parse_yaml, read_text
from .agreement import duties_of, label, resources_of, shorten
from .model import FEEDBACK_ITEMS, ReviewFile, field_names

SUFFIXES = (".yaml", ".yml")
DRAFT_NAME = "review-draft.yaml"  # where `review new` keeps its answers so far; never read as a review

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ReviewFileError(InvalidInputError):
    """A review file cannot be read, does not follow the format, or refers to what its MOU does not have."""


class ReviewHistoryError(UserError):
    """Several review files in a folder have problems: each is listed with its own."""

    def __init__(self, errors: list[InvalidInputError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class Held:
    """One review file, read and checked."""

    path: Path
    review: ReviewFile
    located: LocatedData

    @property
    def number(self) -> int:
        return self.review.review

    def where(self, path: str = "") -> str:
        """How a finding names a place in this file: `review-2.yaml: kpis[0].actual`."""
        return f"{self.path.name}: {path}" if path else self.path.name


@dataclass
class History:
    """A partnership's reviews so far, in the order of the review schedule, with the MOU they review."""

    folder: Path
    answers_path: Path
    answers: Answers
    reviews: list[Held]
    schedule: list[ScheduledReview] = field(default_factory=list)

    @property
    def latest(self) -> Held:
        return self.reviews[-1]

    def before(self, held: Held) -> Held | None:
        """The review held before this one in the history, if the folder has it."""
        index = self.reviews.index(held)
        return self.reviews[index - 1] if index else None

    def scheduled(self, number: int) -> ScheduledReview:
        return self.schedule[number - 1]

    def next_review(self) -> ScheduledReview | None:
        """The first review in the schedule after the latest one held."""
        return next((s for s in self.schedule if s.number > self.latest.number), None)

    def baseline(self, index: int) -> Decimal | None:
        """Objective `index`'s starting value: the answers', else the first review file's."""
        given = self.answers.objectives[index].baseline
        if given is not None:
            return given
        first = self.reviews[0].review
        return next((k.baseline for k in first.kpis if k.objective == index + 1 and k.baseline is not None), None)


def review_files(folder: Path) -> list[Path]:
    """The review files in a folder (not the draft `review new` keeps there), by name."""
    if not folder.exists():
        raise UserError(f"{folder}: no such folder of review files")
    if not folder.is_dir():
        raise UserError(f"{folder} is a file; give the folder that holds the review files")
    # Not only regular files: a FIFO or device named like one is refused with a message, not passed over.
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.name != DRAFT_NAME and not p.is_dir())


class _Answers:
    """The MOUs the files name, each read once."""

    def __init__(self, library: list[Path] | None):
        self.library = library
        self.loaded: dict[Path, Answers] = {}

    def get(self, path: Path) -> Answers:
        key = path.resolve()
        if key not in self.loaded:
            from ..layered import load_in_layers

            # As every command reads answers: in the given layers, refused without a layer they record.
            self.loaded[key] = load_in_layers(path, self.library)[0]
        return self.loaded[key]


def _controls(data: Any, path: PathKey = ()) -> list[tuple[PathKey, str]]:
    """Characters a document cannot hold (the pack is a DOCX too), refused where they stand."""
    if isinstance(data, str):
        match = _XML_ILLEGAL.search(data)
        return [(path, f"contains control character U+{ord(match.group()):04X}, which documents cannot hold")] if match else []
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _controls(value, (*path, key))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data) for found in _controls(value, (*path, index))]
    return []


def _listing(items: list[str]) -> str:
    return "; ".join(items)


def _entries(data: dict[str, Any], name: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(name)
    return [(i, e) for i, e in enumerate(value) if isinstance(e, dict)] if isinstance(value, list) else []


def _number(entry: dict[str, Any], key: str) -> int | None:
    value = entry.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _party_hint(value: Any, answers: Answers) -> str:
    keys = [p.key for p in answers.parties]
    close = difflib.get_close_matches(str(value), keys, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def references(data: dict[str, Any], answers: Answers, schedule: list[ScheduledReview]) -> list[tuple[PathKey, str]]:
    """Every reference in a review file's data to what the MOU does not have, each at its path.

    Works on the plain data, so it reports alongside the shape's mistakes rather than after them."""
    found: list[tuple[PathKey, str]] = []
    keys = {p.key for p in answers.parties}
    objectives = answers.objectives
    review = _number(data, "review")
    if review is not None:
        if not schedule:
            found.append((("review",), "the MOU sets no review schedule (its answers give no review.first_review), "
                                       "so there is no review to record"))
        elif review > len(schedule):
            found.append((("review",), f"review {review} is not in Schedule 4, which lists reviews 1 to {len(schedule)} "
                                       f"(the last on {long_date(schedule[-1].date)})"))
    held = as_date(data.get("held")) if data.get("held") is not None else None
    if held is not None and held < answers.agreement.effective_date:
        found.append((("held",), f"{held} is before the MOU took effect ({answers.agreement.effective_date})"))

    def once(name: str, index: int, key: tuple[Any, ...], seen: dict[tuple[Any, ...], int], what: str) -> None:
        if key in seen:
            found.append(((name, index), f"{what} is given twice (also at {name}[{seen[key]}]); keep one entry"))
        else:
            seen[key] = index

    seen: dict[tuple[Any, ...], int] = {}
    for index, entry in _entries(data, "kpis"):
        number = _number(entry, "objective")
        if number is None:
            continue
        if number > len(objectives):
            listed = _listing([f"{i} {shorten(o.title, 40)}" for i, o in enumerate(objectives, start=1)])
            found.append((("kpis", index, "objective"), f"objective {number} does not exist: Schedule 1 lists "
                                                        f"{len(objectives)} ({listed})"))
        else:
            once("kpis", index, (number,), seen, f"objective {number}")

    def party_items(name: str, item: str, count: Any, noun: str) -> None:
        seen_items: dict[tuple[Any, ...], int] = {}
        for index, entry in _entries(data, name):
            party, number = entry.get("party"), _number(entry, item)
            if not isinstance(party, str) or party not in keys or number is None:
                continue
            listed = count(answers, party)
            if number > len(listed):
                where = "Schedule 2" if noun == "duty" else "Schedule 3"
                if not listed:
                    message = f"{where} gives {label(answers, party)} ({party}) no {noun}"
                else:
                    names = _listing([f"{x.number} {shorten(x.text if noun == 'duty' else x.resource.description, 40)}"
                                      for x in listed])
                    plural = noun if len(listed) == 1 else ("duties" if noun == "duty" else "resources")
                    message = (f"{noun} {number} of {party} does not exist: {where} gives {label(answers, party)} "
                               f"{len(listed)} {plural} ({names})")
                found.append(((name, index, item), message))
            else:
                once(name, index, (party, number), seen_items, f"{noun} {number} of {party}")

    party_items("duties", "duty", duties_of, "duty")
    party_items("resources", "resource", resources_of, "resource")
    triggers = answers.termination.exit_triggers
    seen = {}
    for index, entry in _entries(data, "triggers"):
        number = _number(entry, "trigger")
        if number is None:
            continue
        if number > len(triggers):
            message = (f"exit trigger {number} does not exist: the MOU lists {len(triggers)} "
                       f"({_listing([f'{i} {shorten(t, 40)}' for i, t in enumerate(triggers, start=1)])})"
                       if triggers else "the MOU sets no exit triggers (termination.exit_triggers)")
            found.append((("triggers", index, "trigger"), message))
        else:
            once("triggers", index, (number,), seen, f"exit trigger {number}")
    if held is not None:
        for index, entry in _entries(data, "actions"):
            due = as_date(entry["due"]) if entry.get("due") is not None else None
            if due is not None and due < held:
                found.append((("actions", index, "due"), f"{due} is before the review that agreed the action "
                                                         f"(held on {held}); an action falls due after it is agreed"))
    seen = {}
    for index, entry in _entries(data, "feedback"):
        if isinstance(entry.get("party"), str) and entry["party"] in keys:
            once("feedback", index, (entry["party"],), seen, f"feedback from {entry['party']}")
    return found


_RANGES = {
    "scores": "a score from 1 (poor) to 5 (strong)",
    "delivered": "a percentage from 0 to 100",
}


def _described(exc: ValidationError) -> list[tuple[PathKey, str]]:
    names = field_names() | set(FEEDBACK_ITEMS)
    out = []
    for error in exc.errors():
        path = user_path(error["loc"])
        message = describe_error(error, names)
        if error["type"] in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            what = next((text for key, text in _RANGES.items() if key in path), None)
            if what is None and path and path[-1] in ("objective", "duty", "resource", "trigger", "action", "review"):
                what = "a number from 1, as the MOU numbers them"
            message = f"{error.get('input')!r} is not {what}" if what else message
        if path == ("held",) and error.get("input") is None:
            message = "not filled in: write the date the review was held, as YYYY-MM-DD"
        out.append((path, message))
    return out


@dataclass
class _Read:
    """One file as read: the review (None when it has problems), the MOU it names and where, its problems,
    and the review number it gives (for judging the files against each other even when it has problems)."""

    path: Path
    held: Held | None
    answers: Answers | None
    answers_path: Path | None
    problems: list[Problem]
    number: int | None = None


def read_review(path: Path, mous: _Answers | None = None, text: str | None = None) -> _Read:
    """One review file (or the `text` about to be written to `path`), checked on its own against the MOU it names."""
    mous = mous or _Answers(None)
    source = str(path)
    try:
        located = parse_yaml(read_text(path, "review") if text is None else text, source)
    except InvalidInputError as exc:
        raise ReviewFileError(exc.source, exc.problems) from None
    data = located.data

    def problems(found: list[tuple[PathKey, str]]) -> list[Problem]:
        unique = list(dict.fromkeys(found))
        out = [Problem(format_path(p), message, located.line_of(p)) for p, message in unique]
        return sorted(out, key=lambda p: (p.line or 0, p.path))

    if data is None:
        return _Read(path, None, None, None, [Problem("", "the file is empty; `agreementkit review start ANSWERS -o FOLDER` "
                                                          "writes one to fill in", 1)])
    if not isinstance(data, dict):
        return _Read(path, None, None, None, [Problem("", f"expected a review (format:, agreement:, review:, held:, kpis: …), "
                                                          f"found a {type(data).__name__}", located.line_of(()))])
    found: list[tuple[PathKey, str]] = list(_controls(data))
    answers: Answers | None = None
    answers_path: Path | None = None
    agreement = data.get("agreement")
    if isinstance(agreement, str) and agreement.strip():
        answers_path = path.parent / agreement.strip()
        if not answers_path.is_file():
            found.append((("agreement",), f"no answers file at {agreement} (looked for {answers_path}); "
                                          "give the path of the signed MOU's answers file, relative to this file"))
            answers_path = None
        else:
            answers = mous.get(answers_path)
    keys = {p.key for p in answers.parties} if answers else None
    review: ReviewFile | None = None
    try:
        review = ReviewFile.model_validate(data, context={"party_keys": keys})
    except ValidationError as exc:
        found += _described(exc)
    if answers is not None:
        found += references(data, answers, scheduled_reviews(answers))
    number = _number(data, "review")
    if found:
        return _Read(path, None, answers, answers_path, problems(found), number)
    assert review is not None
    return _Read(path, Held(path, review, located), answers, answers_path, [], number)


def load_review(path: Path, library: list[Path] | None = None) -> tuple[Held, Answers]:
    """One review file and the MOU it reviews, or every problem in it (ReviewFileError)."""
    read = read_review(path, _Answers(library))
    if read.problems:
        raise ReviewFileError(str(path), read.problems)
    assert read.held is not None and read.answers is not None
    return read.held, read.answers


def load_history(folder: Path, library: list[Path] | None = None, *, adding: tuple[Path, str] | None = None) -> History:
    """Every review file in `folder`, checked one by one and against each other; with `adding`, also
    a file about to be written there (its path and text), checked as if it were already.

    All files are read before anything is refused, so a person fixing a history
    sees every problem in every file at once (exit 2, as for answers)."""
    paths = review_files(folder) if folder.is_dir() or adding is None else []
    if adding is not None and adding[0] not in paths:
        paths.append(adding[0])
    if not paths:
        raise UserError(f"{folder} holds no review files (*.yaml); write the first with "
                        f"`agreementkit review start ANSWERS -o {folder}`")
    mous = _Answers(library)
    read: list[_Read] = []
    answers: Answers | None = None
    errors: list[InvalidInputError] = []
    for path in paths:
        try:
            text = adding[1] if adding is not None and path == adding[0] else None
            one = read_review(path, mous, text)
        except InvalidInputError as exc:  # not YAML, too large, or the MOU it names is not valid answers
            if str(exc) not in map(str, errors):
                errors.append(exc)
            continue
        read.append(one)
        answers = answers or one.answers
    extra = _across(read)
    for one in read:
        problems = sorted(one.problems + extra.get(one.path, []), key=lambda p: (p.line or 0, p.path))
        if problems:
            errors.append(ReviewFileError(str(one.path), problems))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ReviewHistoryError(errors)
    helds = sorted((one.held for one in read if one.held is not None), key=lambda h: h.number)
    assert answers is not None
    answers_path = next(one.answers_path for one in read if one.answers_path is not None)
    return History(folder, answers_path, answers, helds, scheduled_reviews(answers))


def _across(read: list[_Read]) -> dict[Path, list[Problem]]:
    """What is wrong between the files: two MOUs, a review recorded twice, dates out of order,
    a baseline after the first review, a follow-up of actions no earlier review agreed."""
    out: dict[Path, list[Problem]] = {}

    def add(held: Held, path: PathKey, message: str) -> None:
        out.setdefault(held.path, []).append(Problem(format_path(path), message, held.located.line_of(path)))

    mou_paths = [(one.path, one.answers_path.resolve()) for one in read if one.answers_path is not None]
    if mou_paths:
        first_path, first_mou = mou_paths[0]
        for path, mou in mou_paths[1:]:
            if mou != first_mou:
                out.setdefault(path, []).append(Problem("agreement", f"names {mou}, but {first_path.name} in the same folder "
                                                                     f"names {first_mou}: keep one partnership's reviews per folder"))
    helds = sorted((one.held for one in read if one.held is not None), key=lambda h: (h.number, h.path.name))
    # Which file is first, and which precedes which, is told by every file's number, read or not.
    numbered = sorted((one for one in read if one.number is not None), key=lambda one: (one.number or 0, one.path.name))
    for earlier, later in zip(helds, helds[1:]):
        if earlier.number == later.number:
            add(later, ("review",), f"review {later.number} is recorded twice (also in {earlier.path.name}); keep one file per review")
        elif later.review.held <= earlier.review.held:
            add(later, ("held",), f"review {later.number} is dated {later.review.held}, not after review {earlier.number} "
                                  f"({earlier.review.held}, in {earlier.path.name})")
    for held in helds:
        first = numbered[0] if numbered else None
        if first is not None and first.path != held.path:
            for k, kpi in enumerate(held.review.kpis):
                if kpi.baseline is not None:
                    add(held, ("kpis", k, "baseline"), f"a baseline belongs in the first review file ({first.path.name}) "
                                                       "or in the answers (objectives[].baseline), where every review reads it")
        before = [one for one in numbered if (one.number or 0) < held.number]
        if before and before[-1].held is None:
            continue  # the review before has problems of its own: its actions cannot be counted yet
        previous = before[-1].held if before else None
        for u, update in enumerate(held.review.previous_actions):
            if previous is None:
                add(held, ("previous_actions", u), "there is no earlier review in this folder whose actions this could follow up")
            elif update.action > len(previous.review.actions):
                add(held, ("previous_actions", u, "action"),
                    f"action {update.action} does not exist: review {previous.number} ({previous.path.name}) agreed "
                    f"{len(previous.review.actions)} action{'s' if len(previous.review.actions) != 1 else ''}")
    return out
