"""The review check: what an alliance manager would raise after reading the history.

Findings take the health check's form (severity, where, what, why, what to
do), so `review check` prints and exits as `check` does. Each rule reads the
assessment, never the files again, and is judged as of the latest review:
the same files always give the same findings, whatever day they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from ..checks.findings import CheckReport, Finding, Severity
from ..dates import long_date, working_days_before
from .agreement import label, shorten
from .assess import OFF, OFF_TRACK, Assessment, KpiTrack
from .history import History
from .model import FEEDBACK_ITEMS

# A review counts as held late when it is held more than this many working days after its date in Schedule 4.
LATE_WORKING_DAYS = 5
# A resource is behind when its delivered share trails the share of its period gone by more than this.
BEHIND_POINTS = 20
# Two partners this many points apart on one feedback item see the partnership differently.
APART_POINTS = 2


class Raised(NamedTuple):
    """What a rule raises: a finding in the health check's form, and the decision it calls for in a
    few words (for the pack's one-page summary; None when it only records, as a late review does)."""

    path: str
    finding: str
    why: str
    suggestion: str
    decision: str | None = None


Out = Iterator[Raised]


@dataclass(frozen=True)
class ExitClause:
    """The MOU's clause on what follows a met exit trigger, as it prints."""

    number: str
    title: str
    text: str


@dataclass(frozen=True)
class ReviewRule:
    id: str
    severity: Severity
    summary: str
    function: Callable[[Assessment, ExitClause | None], Out]


REVIEW_RULES: dict[str, ReviewRule] = {}


def _rule(rule_id: str, severity: str, summary: str) -> Callable[[Callable[[Assessment, ExitClause | None], Out]],
                                                                 Callable[[Assessment, ExitClause | None], Out]]:
    def register(function: Callable[[Assessment, ExitClause | None], Out]) -> Callable[[Assessment, ExitClause | None], Out]:
        REVIEW_RULES[rule_id] = ReviewRule(rule_id, Severity(severity), summary, function)
        return function

    return register


def _kpi_path(assessment: Assessment, track: KpiTrack) -> str:
    latest = assessment.history.latest
    index = next((i for i, k in enumerate(latest.review.kpis) if k.objective == track.number), None)
    return latest.where(f"kpis[{index}].actual" if index is not None else "kpis")


_ONE = Decimal("0.1")


def _figure(track: KpiTrack, value: object) -> str:
    if track.measure is None or not isinstance(value, Decimal):
        return str(value)
    return track.measure.describe(value)


@_rule("kpi-off-track", "warning", "A KPI is off its trajectory at two reviews running.")
def kpi_off_track(assessment: Assessment, _clause: ExitClause | None) -> Out:
    if len(assessment.history.reviews) < 2:
        return
    for track in assessment.kpis:
        before, now = track.points[-2], track.points[-1]
        if before.status in OFF and now.status in OFF:
            assert now.expected is not None and before.expected is not None
            yield Raised(
                _kpi_path(assessment, track),
                f"Objective {track.number} ('{track.objective.title}') is off its trajectory at reviews {before.review} and "
                f"{now.review}: {_figure(track, before.actual)} against {_figure(track, before.expected.quantize(_ONE))} expected, "
                f"then {_figure(track, now.actual)} against {_figure(track, now.expected.quantize(_ONE))}.",
                "One review off course can be noise; two running is a trend the partners should act on before the due date.",
                f"Agree at the next review what changes for objective {track.number}: more resources, a revised plan, "
                "or a new target or date (a variation of the MOU).",
                f"Objective {track.number} ({shorten(track.objective.title, 40)}) is off track at two reviews running: "
                "agree what changes.",
            )


@_rule("objective-due-off-track", "warning", "An objective falls due before the next review while off track.")
def objective_due_off_track(assessment: Assessment, _clause: ExitClause | None) -> Out:
    history = assessment.history
    upcoming = history.next_review()
    horizon = upcoming.date if upcoming else history.answers.agreement.end
    for track in assessment.kpis:
        due = track.objective.due
        if due is None or track.latest.status != OFF_TRACK or not (history.latest.review.held <= due <= horizon):
            continue
        before = f"review {upcoming.number} on {long_date(upcoming.date)}" if upcoming else "the end of the term"
        assert track.measure is not None
        yield Raised(
            _kpi_path(assessment, track),
            f"Objective {track.number} ('{track.objective.title}') is due on {long_date(due)}, before {before}, and is "
            f"off track at {_figure(track, track.latest.actual)} against a target of {track.measure.describe()}.",
            "No review will see it again before it falls due: this review is the last chance to decide what happens.",
            f"Decide now whether to extend the due date, change the target, or add resources to objective {track.number}.",
            f"Objective {track.number} ({shorten(track.objective.title, 40)}) falls due on {long_date(due)} off track: "
            "extend it, change the target or add resources.",
        )


@_rule("duties-late", "warning", "A party's duties are late or blocked.")
def duties_late(assessment: Assessment, _clause: ExitClause | None) -> Out:
    from .agreement import duties_of

    history = assessment.history
    latest = history.latest
    for party in history.answers.parties:
        listed = {d.number: d for d in duties_of(history.answers, party.key)}
        stuck = [(i, d) for i, d in enumerate(latest.review.duties) if d.party == party.key and d.status in ("late", "blocked")]
        if not stuck:
            continue
        words = "; ".join(f"{d.duty} '{shorten(listed[d.duty].text, 50)}' ({d.status})" for _, d in stuck)
        yield Raised(
            latest.where(f"duties[{stuck[0][0]}].status"),
            f"{party.label} has {'a duty' if len(stuck) == 1 else f'{len(stuck)} duties'} late or blocked: {words}.",
            "A duty with an owner that slips is the first sign of a gap between the partners; a blocked one usually "
            "waits on another partner.",
            f"Ask {party.label}'s partnership manager what would unblock it, and record an action with an owner and a date.",
            f"{party.label}: {words}; what would unblock {'it' if len(stuck) == 1 else 'them'}.",
        )


@_rule("resource-behind", "warning", "A resource's delivered share is more than 20 points behind the share of its period gone.")
def resource_behind(assessment: Assessment, _clause: ExitClause | None) -> Out:
    history = assessment.history
    latest = history.latest
    for state in assessment.resources:
        behind = state.behind
        if behind is None or behind <= BEHIND_POINTS:
            continue
        commitment = state.commitment
        index = next(i for i, r in enumerate(latest.review.resources)
                     if r.party == commitment.party and r.resource == commitment.number)
        assert state.delivered is not None
        period = f"until {long_date(commitment.resource.until)}" if commitment.resource.until else "over the term"
        yield Raised(
            latest.where(f"resources[{index}].delivered"),
            f"{label(history.answers, commitment.party)}'s resource {commitment.number} ('{shorten(commitment.resource.description, 50)}') "
            f"is {state.delivered:.0f}% delivered with {state.elapsed:.0f}% of its period ({period}) gone: "
            f"{behind:.0f} points behind.",
            "The objectives were planned on these contributions arriving; one this far behind holds back the work that needs it.",
            "Agree a delivery plan for what remains, or vary the commitment (a reserved matter where the MOU makes it one).",
            f"{label(history.answers, commitment.party)}'s resource {commitment.number} is {behind:.0f} points behind: "
            "a delivery plan, or a varied commitment.",
        )


@_rule("trigger-met", "error", "An exit trigger is met.")
def trigger_met(assessment: Assessment, clause: ExitClause | None) -> Out:
    latest = assessment.history.latest
    body = assessment.history.answers.governance.body
    for state in assessment.triggers:
        if not state.met:
            continue
        index = next((i for i, t in enumerate(latest.review.triggers) if t.trigger == state.number), None)
        how = "recorded as met" if state.recorded else f"met by the figures ({state.basis})"
        if state.recorded is False and state.figures:
            how = f"recorded as not met, but the figures meet it ({state.basis})"
        cited = f"clause {clause.number} ({clause.title})" if clause else "the MOU's exit-trigger clause"
        yield Raised(
            latest.where(f"triggers[{index}].met" if index is not None else "triggers"),
            f"Exit trigger {state.number} ('{state.text}') is {how}. {cited[:1].upper()}{cited[1:]} says what follows.",
            (f"{cited[:1].upper()}{cited[1:]}: {clause.text}" if clause else
             "The parties agreed in advance that this is a sign the partnership is not delivering."),
            f"Convene the {body} as {cited} requires, to decide whether to continue with changes or end the partnership.",
            f"Exit trigger {state.number} is met: continue with changes, or end the partnership ({cited}).",
        )


@_rule("review-held-late", "warning", "A review was held more than 5 working days after its date in Schedule 4.")
def review_held_late(assessment: Assessment, _clause: ExitClause | None) -> Out:
    history = assessment.history
    latest = history.latest
    scheduled = history.scheduled(latest.number)
    if working_days_before(latest.review.held, LATE_WORKING_DAYS) > scheduled.date:
        yield Raised(
            latest.where("held"),
            f"Review {latest.number} was held on {long_date(latest.review.held)}, more than {LATE_WORKING_DAYS} working days "
            f"after its date in Schedule 4 ({long_date(scheduled.date)}).",
            "A review that slips lets problems run a quarter longer, and the KPI reports due before it lose their point.",
            "Fix the next review's date in the partners' calendars now (agreementkit render --format ics writes them).",
        )


@_rule("review-missing", "warning", "A review in Schedule 4 has no review file although a later review has one.")
def review_missing(assessment: Assessment, _clause: ExitClause | None) -> Out:
    history = assessment.history
    recorded = {h.number for h in history.reviews}
    for scheduled in history.schedule:
        if scheduled.number < history.latest.number and scheduled.number not in recorded:
            yield Raised(
                str(history.folder),
                f"Review {scheduled.number}, due on {long_date(scheduled.date)} under Schedule 4, has no review file "
                f"although review {history.latest.number} has one.",
                "A skipped review is a quarter in which nobody checked the KPIs, the duties or how the partners feel.",
                "Record it (agreementkit review start writes the file) if it was held, or note at the next review "
                "why it was not.",
            )


@_rule("feedback-diverging", "warning", "Partner feedback diverges: one party's score falls while the others' rise, "
                                        "or two parties are two or more points apart.")
def feedback_diverging(assessment: Assessment, _clause: ExitClause | None) -> Out:
    history = assessment.history
    latest = history.latest
    previous = history.before(latest)
    now = {f.party: f.scores.given() for f in latest.review.feedback}
    then = {f.party: f.scores.given() for f in previous.review.feedback} if previous else {}
    index = {f.party: i for i, f in enumerate(latest.review.feedback)}
    for item in FEEDBACK_ITEMS:
        said: list[str] = []
        where: str | None = None
        moved = {p: now[p][item] - then[p][item] for p in now if item in now[p] and item in then.get(p, {})}
        falling = [p for p, change in moved.items() if change < 0]
        if len(falling) == 1 and len(moved) > 1 and all(change > 0 for p, change in moved.items() if p != falling[0]):
            party = falling[0]
            others = [f"{label(history.answers, p)}'s" for p in moved if p != party]
            said.append(f"{label(history.answers, party)}'s score fell from {then[party][item]} to {now[party][item]} "
                        f"while {_and(others)} rose")
            where = party
        scored = {p: s[item] for p, s in now.items() if item in s}
        if len(scored) > 1 and max(scored.values()) - min(scored.values()) >= APART_POINTS:
            high = max(scored, key=lambda p: (scored[p], p))
            low = min(scored, key=lambda p: (scored[p], p))
            said.append(f"{label(history.answers, high)} scores {scored[high]} and {label(history.answers, low)} "
                        f"{scored[low]}, {scored[high] - scored[low]} points apart")
            where = where or low
        if where is None:
            continue
        yield Raised(
            latest.where(f"feedback[{index[where]}].scores.{item}"),
            f"On {item} ('{FEEDBACK_ITEMS[item]}'), " + "; ".join(said) + ".",
            "The practice notes call diverging views the early sign of a failing alliance: one partner quietly "
            "losing faith while the others feel fine.",
            f"Put {item} on the next review's agenda, and ask {label(history.answers, where)} what lies behind its score "
            "in a conversation before the review rather than at it.",
            item,
        )


def _upfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def exit_clause(history: History, library: list[Path] | None = None) -> ExitClause | None:
    """The MOU's exit-trigger clause as it prints, for citing in a finding; None when the MOU has none."""
    from ..assembly import assemble, library_for
    from ..document import Paragraph, plain

    document = assemble(history.answers, library_for(library))
    for section in document.sections:
        for clause in section.clauses:
            if clause.id == "term.exit_triggers":
                first = next((plain(b.inlines) for b in clause.blocks if isinstance(b, Paragraph)), "")
                return ExitClause(clause.number or "", clause.title, first)
    return None


def raised(assessment: Assessment, clause: ExitClause | None = None) -> list[tuple[ReviewRule, Raised]]:
    """What every rule raises on the history, errors first."""
    found = [(rule, item) for rule in REVIEW_RULES.values() for item in rule.function(assessment, clause)]
    return sorted(found, key=lambda pair: pair[0].severity.rank)


def review_report(assessment: Assessment, clause: ExitClause | None = None) -> CheckReport:
    """Every finding on the history, errors first, as `check` reports them."""
    findings = [Finding(rule=rule.id, severity=rule.severity, path=item.path, finding=_upfirst(item.finding), why=item.why,
                        suggestion=item.suggestion) for rule, item in raised(assessment, clause)]
    counts = {s.value: sum(1 for f in findings if f.severity == s) for s in Severity}
    counts["silenced"] = 0
    return CheckReport(source=str(assessment.history.folder), findings=findings, counts=counts, verdict=_verdict(assessment, counts))


def _verdict(assessment: Assessment, counts: dict[str, int]) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 or word == 'advice' else 's'}"

    if counts["error"]:
        head = "Decision needed: an exit trigger is met"
    elif counts["warning"]:
        head = "Needs attention at the next review"
    else:
        head = "On course: nothing to raise"
    latest = assessment.history.latest
    return (f"{head} (as of review {latest.number}, {long_date(latest.review.held)}): "
            f"{n(counts['error'], 'error')}, {n(counts['warning'], 'warning')}, {n(counts['advice'], 'advice')}.")
