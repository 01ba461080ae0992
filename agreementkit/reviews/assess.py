"""What the numbers say: each KPI against its trajectory, resources against time, triggers, actions.

Worked out once from the history, so the findings, the pack's tables and its
charts all state the same status for the same figure.

A KPI's trajectory is the straight line from its baseline on the day the MOU
took effect to its target on the objective's due date; a figure at or beyond
the line (in the target's direction) is on track, one short of it is off
track, one at or beyond the target has met it, and one short of the target
after the due date has missed it. Without a baseline the line starts at 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..answers import Objective
from ..targets import Measure, parse_target, unit_after
from .agreement import Commitment, all_resources
from .history import Held, History

ON_TRACK, OFF_TRACK, MET, MISSED = "on track", "off track", "met", "missed"
NO_FIGURE, NOT_MEASURABLE, NO_DUE_DATE = "no figure", "not measurable", "not yet met"
OFF = (OFF_TRACK, MISSED)


@dataclass(frozen=True)
class KpiPoint:
    """One objective's figure at one review, and what it means."""

    review: int
    held: date
    actual: Decimal | None
    expected: Decimal | None  # where the trajectory stands on the day the review was held
    status: str
    note: str | None = None


@dataclass(frozen=True)
class KpiTrack:
    """One objective across the reviews so far."""

    number: int  # its row in Schedule 1
    objective: Objective
    measure: Measure | None
    baseline: Decimal
    baseline_given: bool
    start: date
    points: tuple[KpiPoint, ...]

    @property
    def latest(self) -> KpiPoint:
        return self.points[-1]

    def expected_at(self, day: date) -> Decimal | None:
        if self.measure is None or self.objective.due is None:
            return None
        return trajectory(self.baseline, self.measure.value, self.start, self.objective.due, day)


@dataclass(frozen=True)
class ResourceState:
    commitment: Commitment
    delivered: Decimal | None
    elapsed: Decimal  # the share of the resource's period (to its `until`, else the term) gone at the latest review
    note: str | None = None

    @property
    def behind(self) -> Decimal | None:
        return None if self.delivered is None else self.elapsed - self.delivered


@dataclass(frozen=True)
class TriggerTest:
    """An exit trigger read as a test on one KPI: `Fewer than 4 distributors … at the second … review`."""

    objective: int  # index into the objectives
    comparison: str  # <, <=, >, >=
    threshold: Decimal
    review: int | None  # judged at this review only, when the trigger names one

    def holds(self, actual: Decimal) -> bool:
        return {"<": actual < self.threshold, "<=": actual <= self.threshold,
                ">": actual > self.threshold, ">=": actual >= self.threshold}[self.comparison]


@dataclass(frozen=True)
class TriggerState:
    number: int
    text: str
    recorded: bool | None  # what the latest review file records
    figures: bool | None  # what the KPI figures say, where the trigger can be read as a test on one
    basis: str  # the figures' reading in words, or why there is none
    note: str | None = None

    @property
    def met(self) -> bool | None:
        """Met when the review records it so, or when the figures meet it (even if the record says not:
        the numbers the parties reported are what the trigger was agreed on); None when neither tells."""
        if self.recorded is None and self.figures is None:
            return None
        return bool(self.recorded) or bool(self.figures)


@dataclass(frozen=True)
class ActionState:
    review: int  # the review that agreed it
    number: int
    action: str
    owner: str | None
    due: date | None
    status: str  # done, in progress, not started, dropped, overdue, open
    note: str | None = None


def trajectory(baseline: Decimal, target: Decimal, start: date, due: date, day: date) -> Decimal:
    """Where a KPI should stand on `day` if it moves in a straight line from `baseline` at `start` to `target` at `due`."""
    if due <= start or day >= due:
        return target
    if day <= start:
        return baseline
    share = Decimal((day - start).days) / Decimal((due - start).days)
    return baseline + (target - baseline) * share


def _reached(measure: Measure, actual: Decimal, level: Decimal) -> bool:
    return actual >= level if measure.direction == "up" else actual <= level


def judge(measure: Measure | None, actual: Decimal | None, expected: Decimal | None, held: date, due: date | None) -> str:
    if actual is None:
        return NO_FIGURE
    if measure is None:
        return NOT_MEASURABLE
    if _reached(measure, actual, measure.value):
        return MET
    if due is None:
        return NO_DUE_DATE
    if held > due:
        return MISSED
    assert expected is not None
    return ON_TRACK if _reached(measure, actual, expected) else OFF_TRACK


def kpi_tracks(history: History) -> list[KpiTrack]:
    """Every objective of the MOU, with its figure and status at each review so far."""
    start = history.answers.agreement.effective_date
    tracks = []
    for index, objective in enumerate(history.answers.objectives):
        measure = objective.measure()
        given = history.baseline(index)
        baseline = given if given is not None else Decimal(0)
        points = []
        for held in history.reviews:
            report = next((k for k in held.review.kpis if k.objective == index + 1), None)
            actual = report.actual if report else None
            day = held.review.held
            expected = (trajectory(baseline, measure.value, start, objective.due, day)
                        if measure is not None and objective.due is not None else None)
            points.append(KpiPoint(held.number, day, actual, expected, judge(measure, actual, expected, day, objective.due),
                                   report.note if report else None))
        tracks.append(KpiTrack(index + 1, objective, measure, baseline, given is not None, start, tuple(points)))
    return tracks


def elapsed_share(start: date, end: date, day: date) -> Decimal:
    """The percentage of the period from `start` to `end` gone by `day`, 0 to 100."""
    if end <= start:
        return Decimal(100)
    share = Decimal((day - start).days) / Decimal((end - start).days) * 100
    return min(max(share, Decimal(0)), Decimal(100))


def resource_states(history: History, held: Held | None = None) -> list[ResourceState]:
    """Every resource of the MOU with its delivered share at a review (the latest by default)."""
    held = held or history.latest
    answers = history.answers
    out = []
    for commitment in all_resources(answers):
        report = next((r for r in held.review.resources
                       if r.party == commitment.party and r.resource == commitment.number), None)
        end = commitment.resource.until or answers.agreement.end
        out.append(ResourceState(commitment, report.delivered if report else None,
                                 elapsed_share(answers.agreement.effective_date, end, held.review.held),
                                 report.note if report else None))
    return out


_ORDINALS = {word: n for n, word in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), start=1)}
_REVIEW = re.compile(r"\b(?:at|by|in|on)\s+(?:the\s+)?(?:(?P<word>" + "|".join(_ORDINALS) + r")\s+(?:\w+\s+)?review"
                     r"|review\s+(?P<digits>\d+))\b", re.IGNORECASE)
_COMPARISONS = (
    (("no more than", "not more than", "at most"), "<="), (("no fewer than", "no less than", "at least"), ">="),
    (("fewer than", "less than", "below", "under", "falls short of"), "<"),
    (("more than", "greater than", "above", "over", "exceeds", "exceed"), ">"),
)


def _singular(unit: str) -> str:
    return unit.lower().strip().removesuffix("s")


def read_trigger(text: str, objectives: list[Objective]) -> TriggerTest | None:
    """An exit trigger as a test on one KPI, where its words say so unambiguously: one comparison,
    one number whose unit is the unit of exactly one objective's target, and at most one review named."""
    reviews = list(_REVIEW.finditer(text))
    if len(reviews) > 1:
        return None
    review = None
    rest = text
    if reviews:
        match = reviews[0]
        review = int(match["digits"]) if match["digits"] else _ORDINALS[match["word"].lower()]
        rest = text[: match.start()] + text[match.end():]
    lower = f" {rest.lower()} "
    found = {op for phrases, op in _COMPARISONS for phrase in phrases if f" {phrase} " in lower}
    # "no more than" also holds "more than": keep the longer reading.
    if "<=" in found:
        found.discard(">")
    if ">=" in found:
        found -= {"<"}
    if len(found) != 1:
        return None
    measure = parse_target(rest)
    if measure is None:
        return None
    unit = measure.unit if measure.unit == "%" else unit_after(rest[re.search(r"\d", rest).end():])  # type: ignore[union-attr]
    if not unit:
        return None
    matching = [i for i, o in enumerate(objectives) if (m := o.measure()) is not None and m.unit and _singular(m.unit) == _singular(unit)]
    if len(matching) != 1:
        return None
    threshold = measure.value if re.search(r"[-\u2212]\s*[£$€]?\d", rest) else abs(measure.value)
    target = objectives[matching[0]].measure()
    if target is not None and target.value < 0 <= threshold:
        return None  # "less than 5%" against a target of -20%: a fall or a level? Too close to call.
    return TriggerTest(matching[0], found.pop(), threshold, review)


def trigger_states(history: History, tracks: list[KpiTrack]) -> list[TriggerState]:
    """Every exit trigger at the latest review: what the file records and what the figures say."""
    latest = history.latest
    objectives = list(history.answers.objectives)
    out = []
    for number, text in enumerate(history.answers.termination.exit_triggers, start=1):
        report = next((t for t in latest.review.triggers if t.trigger == number), None)
        test = read_trigger(text, objectives)
        figures: bool | None = None
        if test is None:
            basis = "not read from the figures: the trigger names no single KPI figure to compare"
        else:
            track = tracks[test.objective]
            unit = track.measure.unit if track.measure else ""
            at = test.review or latest.number
            point = next((p for p in track.points if p.review == at), None)
            threshold = Measure(test.threshold, unit, "up").describe()
            if test.review is not None and test.review > latest.number:
                basis = f"judged at review {test.review}, not yet held"
            elif point is None or point.actual is None:
                basis = f"objective {track.number} has no figure at review {at}"
            else:
                figures = test.holds(point.actual)
                basis = (f"objective {track.number} stood at {Measure(point.actual, unit, 'up').describe()} at review {at} "
                         f"(the trigger is {test.comparison} {threshold})")
        out.append(TriggerState(number, text, report.met if report else None, figures, basis, report.note if report else None))
    return out


_ACTION_WORDS = {"done": "done", "in_progress": "in progress", "not_started": "not started", "dropped": "dropped"}


def action_states(history: History) -> list[ActionState]:
    """The actions agreed at the review before the latest, with where the latest says they stand
    (an action with no update is overdue once its due date has passed, else open)."""
    previous = history.before(history.latest)
    if previous is None:
        return []
    updates = {u.action: u for u in history.latest.review.previous_actions}
    out = []
    for number, action in enumerate(previous.review.actions, start=1):
        update = updates.get(number)
        if update is not None and update.status is not None:
            status = _ACTION_WORDS[update.status]
        elif action.due is not None and action.due < history.latest.review.held:
            status = "overdue"
        else:
            status = "open"
        out.append(ActionState(previous.number, number, action.action, action.owner, action.due, status,
                               update.note if update else None))
    return out


@dataclass(frozen=True)
class Assessment:
    history: History
    kpis: list[KpiTrack]
    resources: list[ResourceState]
    triggers: list[TriggerState]
    actions: list[ActionState]


def assess(history: History) -> Assessment:
    tracks = kpi_tracks(history)
    return Assessment(history, tracks, resource_states(history), trigger_states(history, tracks), action_states(history))
