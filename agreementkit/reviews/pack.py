"""The review pack: the history laid out as a `Document`, for the same writers as the MOU.

What the pack says is decided here, once: the one-page summary, the tables,
the charts, the findings, the actions and the next review's agenda. The DOCX,
PDF, HTML and Markdown writers only lay it out, as they lay out the MOU, so
the four formats of a pack state the same statuses for the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..checks.findings import CheckReport
from ..dates import long_date
from ..document import (
    Block,
    Cell,
    Clause,
    Document,
    ItemList,
    Metadata,
    Paragraph,
    Section,
    Table,
    Text,
)
from ..targets import format_value
from .agreement import duties_of, label, shorten
from .assess import MET, OFF, Assessment, KpiTrack, assess
from .findings import ExitClause, exit_clause, raised, review_report
from .history import History, load_history
from .model import FEEDBACK_ITEMS

# A table shows at most this many reviews side by side; the charts show them all.
RECENT = 4
_STATUS_WORDS = {"done": "done", "on_track": "on track", "late": "late", "blocked": "blocked", None: "not reported"}


@dataclass
class Pack:
    """A rendered review pack's parts, for the command that writes it."""

    document: Document
    report: CheckReport
    assessment: Assessment


def _p(*runs: str | Text) -> Paragraph:
    return Paragraph(tuple(Text(r) if isinstance(r, str) else r for r in runs))


def _row(*values: str, numeric: tuple[int, ...] = ()) -> tuple[Cell, ...]:
    return tuple(Cell((Text(v),), i in numeric) for i, v in enumerate(values))


def _table(header: list[str], rows: Sequence[tuple[str, ...]], numeric: tuple[int, ...] = ()) -> Table:
    return Table(_row(*header, numeric=numeric), tuple(_row(*r, numeric=numeric) for r in rows))


def _value(track: KpiTrack, value: Decimal | None) -> str:
    if value is None:
        return "—"
    shown = value.quantize(Decimal("0.1")) if value != value.to_integral_value() else value
    return format_value(shown, track.measure.unit if track.measure else "")


def _figure(track: KpiTrack, value: Decimal | None) -> str:
    """A figure for a table whose row names the unit: the number alone, but a percentage or an amount as such."""
    if value is None:
        return "—"
    unit = track.measure.unit if track.measure else ""
    shown = value.quantize(Decimal("0.1")) if value != value.to_integral_value() else value
    return format_value(shown, unit) if unit == "%" or (len(unit) == 3 and unit.isupper()) else format_value(shown, "")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _upfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- the sections -------------------------------------------------------------------------------

def _summary(assessment: Assessment, report: CheckReport, clause: ExitClause | None) -> list[Clause]:
    history = assessment.history
    answers, latest = history.answers, history.latest
    scheduled = history.scheduled(latest.number)
    reference = f" {answers.agreement.reference}" if answers.agreement.reference else ""
    opening = _p(f"Review {latest.number} of {len(history.schedule)} under the {answers.agreement.title}{reference} "
                 f"between {_and([p.name for p in answers.parties])}, held on {long_date(latest.review.held)} "
                 f"({scheduled.kind.lower()}, scheduled in Schedule 4 for {long_date(scheduled.date)}). "
                 f"Figures are as reported at the review; statuses compare each with the straight path from its baseline "
                 "when the MOU took effect to its target on its due date.")
    rows = [(str(t.number), shorten(t.objective.title, 48), _value(t, t.latest.actual),
             t.measure.describe() if t.measure else (t.objective.target or "to be agreed"),
             long_date(t.objective.due) if t.objective.due else "to be agreed", t.latest.status) for t in assessment.kpis]
    status = _table(["No.", "Objective", "Actual", "Target", "Due", "Status"], rows, numeric=(0, 2))
    met = [t for t in assessment.triggers if t.met]
    cited = f"clause {clause.number} of the MOU" if clause else "the MOU's exit-trigger clause"
    if met:
        triggers: list[Block] = [_p(f"Exit triggers met ({cited} says what follows):"),
                                 ItemList(tuple((Text(f"Trigger {t.number}: {t.text}."),) for t in met))]
    elif assessment.triggers:
        triggers = [_p(f"No exit trigger is met ({len(assessment.triggers)} in the MOU, {cited}).")]
    else:
        triggers = [_p("The MOU sets no exit triggers.")]
    decisions = _decisions(assessment, clause)
    decided: list[Block] = ([ItemList(tuple((Text(d),) for d in decisions))] if decisions
                            else [_p("None: the figures, duties, resources and feedback raise nothing to decide.")])
    return [
        Clause("summary.opening", "", [opening]),
        Clause("summary.objectives", "Objectives", [status]),
        Clause("summary.triggers", "Exit triggers", triggers),
        Clause("summary.decisions", "Decisions needed", [*decided, _p(Text(report.verdict, emph=True))]),
    ]


def _decisions(assessment: Assessment, clause: ExitClause | None) -> list[str]:
    """What the partners must decide, a line each so the summary stays on one page: the findings that
    call for a decision (not those that only record, as a late review does), diverging views in one line."""
    lines, items = [], []
    for rule, item in raised(assessment, clause):
        if rule.id == "feedback-diverging" and item.decision:
            items.append(item.decision)
        elif item.decision:
            lines.append(_upfirst(item.decision))
    if items:
        lines.append(f"The partners' views diverge on {_and(items)}: hear each partner's reasons.")
    return lines


def _kpis(assessment: Assessment, figures: list[Block | None]) -> list[Clause]:
    history = assessment.history
    shown = history.reviews[-RECENT:]
    header = ["No.", "KPI", *[f"Review {h.number}" for h in shown], "Expected now", "Target", "Status"]
    rows = []
    for track in assessment.kpis:
        by_review = {p.review: p for p in track.points}
        kpi = track.objective.kpi or track.objective.title
        if track.measure is not None:
            unit = f" ({track.measure.unit})" if track.measure.unit else ""
            kpi += f"{unit}; baseline {_figure(track, track.baseline)}" + ("" if track.baseline_given else " (assumed)")
        rows.append((str(track.number), kpi, *[_figure(track, by_review[h.number].actual) for h in shown],
                     _figure(track, track.latest.expected), _figure(track, track.measure.value) if track.measure else "—",
                     track.latest.status))
    clauses = [Clause("kpis.table", "", [
        _p("Each objective's key performance indicator at the reviews so far"
           + (f" (the latest {RECENT} in the table, all of them in the charts)" if len(history.reviews) > RECENT else "")
           + ". \"Expected now\" is where the "
           "straight path from the baseline to the target stands on the day of the latest review; a baseline not given "
           "in the answers or the first review file is taken as 0."),
        _table(header, rows, numeric=tuple(range(2, 2 + len(shown) + 2)))])]
    for track, figure in zip(assessment.kpis, figures):
        blocks: list[Block] = []
        if figure is not None:
            blocks.append(figure)
        else:
            blocks.append(_p("No review has reported a figure for it yet."))
        if track.measure is None:
            blocks.append(_p(f"Its target ('{track.objective.target or 'none'}') cannot be read as a number: give "
                             f"target_value, unit and direction for objective {track.number} in the answers to chart it "
                             "against one."))
        notes = [(p.review, p.note) for p in track.points if p.note]
        if notes:
            blocks.append(ItemList(tuple((Text(f"Review {r}: {note}"),) for r, note in notes)))
        clauses.append(Clause(f"kpis.objective-{track.number}", f"Objective {track.number}: {track.objective.title}", blocks))
    return clauses


def _duties(assessment: Assessment) -> list[Clause]:
    history = assessment.history
    answers = history.answers
    shown = history.reviews[-RECENT:]
    clauses = []
    for party in answers.parties:
        duties = duties_of(answers, party.key)
        if not duties:
            clauses.append(Clause(f"duties.{party.key}", _upfirst(party.label), [_p("Schedule 2 gives it no duties.")]))
            continue
        rows = []
        for duty in duties:
            reports = {h.number: next((d for d in h.review.duties if d.party == party.key and d.duty == duty.number), None)
                       for h in shown}
            latest = reports[shown[-1].number]
            rows.append((str(duty.number), duty.text, duty.role,
                         *[_STATUS_WORDS[r.status if r else None] for r in reports.values()], (latest.note if latest else None) or ""))
        table = _table(["No.", "Duty", "Role", *[f"Review {h.number}" for h in shown], "Note"], rows, numeric=(0,))
        clauses.append(Clause(f"duties.{party.key}", _upfirst(party.label), [table]))
    return clauses


def _resources(assessment: Assessment, figure: Block | None) -> list[Clause]:
    answers = assessment.history.answers
    rows = []
    for state in assessment.resources:
        resource = state.commitment.resource
        value = format_value(resource.value, resource.currency or "") if resource.value is not None else "—"
        delivered = "not reported" if state.delivered is None else f"{state.delivered:.0f}%"
        behind = "" if state.behind is None else (f"{state.behind:.0f} points behind" if state.behind > 0 else "on time")
        rows.append((_upfirst(label(answers, state.commitment.party)), str(state.commitment.number), resource.description,
                     value, delivered, f"{state.elapsed:.0f}%", behind))
    if not rows:
        return [Clause("resources.table", "", [_p("Schedule 3 lists no resources.")])]
    blocks: list[Block] = [
        _p("What each party has delivered of each resource it committed in Schedule 3, beside how much of the resource's "
           "period (to its end date where it has one, otherwise the term) has gone."),
        _table(["Party", "No.", "Resource", "Value", "Delivered", "Period gone", ""], rows, numeric=(1, 3, 4, 5))]
    if figure is not None:
        blocks.append(figure)
    notes = [(s, s.note) for s in assessment.resources if s.note]
    if notes:
        blocks.append(ItemList(tuple((Text(f"{_upfirst(label(answers, s.commitment.party))} {s.commitment.number}: {n}"),)
                                     for s, n in notes)))
    return [Clause("resources.table", "", blocks)]


def _feedback(assessment: Assessment, figure: Block | None) -> list[Clause]:
    history = assessment.history
    answers, latest = history.answers, history.latest
    previous = history.before(latest)
    before = {f.party: f.scores.given() for f in previous.review.feedback} if previous else {}
    rows = []
    for feedback in latest.review.feedback:
        scores = feedback.scores.given()
        cells = []
        for item in FEEDBACK_ITEMS:
            now, then = scores.get(item), before.get(feedback.party, {}).get(item)
            change = "" if now is None or then is None or now == then else f" ({'up' if now > then else 'down'} from {then})"
            cells.append("—" if now is None else f"{now}{change}")
        rows.append((_upfirst(label(answers, feedback.party)), *cells))
    blocks: list[Block] = [_p("How each party rates the relationship, from 1 (poor) to 5 (strong), on: "
                              + "; ".join(f"{item}, \u201c{statement}\u201d" for item, statement in FEEDBACK_ITEMS.items()) + ".")]
    if rows:
        blocks.append(_table(["Party", *FEEDBACK_ITEMS], rows, numeric=tuple(range(1, len(FEEDBACK_ITEMS) + 1))))
    else:
        blocks.append(_p(f"No party gave feedback at review {latest.number}."))
    if figure is not None:
        blocks.append(figure)
    comments = [(h.number, f) for h in history.reviews for f in h.review.feedback if f.comment]
    if comments:
        blocks.append(ItemList(tuple((Text(f"{_upfirst(label(answers, f.party))}, review {n}: \u201c{f.comment}\u201d"),)
                                     for n, f in comments)))
    return [Clause("feedback.table", "", blocks)]


def _findings(report: CheckReport) -> list[Clause]:
    if not report.findings:
        return [Clause("findings.none", "", [_p("Nothing to raise: every KPI is on its trajectory or met, no duty is late, "
                                                 "no resource is behind, no trigger is met and the partners' views agree.")])]
    clauses = []
    for severity, title in (("error", "Errors"), ("warning", "Warnings"), ("advice", "Advice")):
        group = [f for f in report.findings if f.severity.value == severity]
        if not group:
            continue
        blocks: list[Block] = []
        for finding in group:
            blocks += [_p(Text(finding.finding, strong=True), Text(f" ({finding.rule}; {finding.path})")),
                       _p(Text("Why it matters: ", emph=True), Text(finding.why)),
                       _p(Text("What to do: ", emph=True), Text(finding.suggestion))]
        clauses.append(Clause(f"findings.{severity}", title, blocks))
    return clauses


def _actions(assessment: Assessment) -> list[Clause]:
    history = assessment.history
    answers, latest = history.answers, history.latest
    clauses = []
    if assessment.actions:
        rows = [(str(a.number), a.action, _upfirst(label(answers, a.owner)), long_date(a.due) if a.due else "—", a.status,
                 a.note or "") for a in assessment.actions]
        clauses.append(Clause("actions.previous", f"Agreed at review {assessment.actions[0].review}, and where they stand",
                              [_table(["No.", "Action", "Owner", "Due", "State", "Note"], rows, numeric=(0,))]))
    elif history.before(latest) is not None:
        clauses.append(Clause("actions.previous", f"Agreed at review {history.before(latest).number}",  # type: ignore[union-attr]
                              [_p("That review agreed no actions.")]))
    agreed = latest.review.actions
    new_rows = [(str(n), a.action, _upfirst(label(answers, a.owner)), long_date(a.due) if a.due else "—")
            for n, a in enumerate(agreed, start=1)]
    clauses.append(Clause("actions.agreed", f"Agreed at review {latest.number}",
                          [_table(["No.", "Action", "Owner", "Due"], new_rows, numeric=(0,))] if new_rows
                          else [_p("This review agreed no actions.")]))
    return clauses


def _next(assessment: Assessment, clause: ExitClause | None) -> list[Clause]:
    from ..assembly.timeline import KPI_REPORT_WORKING_DAYS
    from ..dates import working_days_before

    history = assessment.history
    answers, latest = history.answers, history.latest
    upcoming = history.next_review()
    if upcoming is None:
        return [Clause("next.none", "", [_p(f"Review {latest.number} was the last in Schedule 4; the term ends on "
                                            f"{long_date(answers.agreement.end)}.")])]
    forum = answers.review.forum or answers.governance.body
    reporter = label(answers, answers.review.kpi_report_by) if answers.review.kpi_report_by else "the partnership managers"
    report_by = working_days_before(upcoming.date, KPI_REPORT_WORKING_DAYS)
    when = _p(f"Review {upcoming.number} ({upcoming.kind.lower()}) is scheduled for {long_date(upcoming.date)} at the {forum}. "
              f"The KPI report from {reporter} is due by {long_date(report_by)}, {KPI_REPORT_WORKING_DAYS} working days before.")
    count = len(latest.review.actions)
    agenda = [f"Where the {count} action{'s' if count != 1 else ''} agreed at review {latest.number} stand{'s' if count == 1 else ''}."
              if count else f"Anything arising from review {latest.number}."]
    for action in assessment.actions:
        if action.status in ("overdue", "open", "in progress", "not started"):
            agenda.append(f"Still open from review {action.review}: action {action.number}, {action.action} ({action.status}).")
    for track in assessment.kpis:
        if track.latest.status in OFF:
            agenda.append(f"Objective {track.number} ({track.objective.title}): {track.latest.status} at "
                          f"{_value(track, track.latest.actual)}; agree how it gets back on course or what changes.")
        elif track.objective.due and latest.review.held < track.objective.due <= upcoming.date and track.latest.status != MET:
            agenda.append(f"Objective {track.number} ({track.objective.title}) falls due on {long_date(track.objective.due)}.")
    cited = f"clause {clause.number}" if clause else "the exit-trigger clause"
    for trigger in assessment.triggers:
        if trigger.met:
            agenda.append(f"Exit trigger {trigger.number} is met: decide under {cited} whether to continue with changes or end "
                          "the partnership.")
    items = []
    for rule, item in raised(assessment, clause):
        if rule.id in ("duties-late", "resource-behind") and item.decision:
            agenda.append(_upfirst(item.decision))
        elif rule.id == "feedback-diverging" and item.decision:
            items.append(item.decision)
    if items:
        agenda.append(f"Where the partners' views diverge, on {_and(items)}: each partner's reasons.")
    if upcoming.strategic:
        agenda.append("Annual strategic review: are the objectives still the right ones, and what should change for the "
                      "coming year (a variation of the MOU where the objectives change)?")
    agenda.append("Each partner's feedback on " + _and(list(FEEDBACK_ITEMS)) + ".")
    following = next((s for s in history.schedule if s.number == upcoming.number + 1), None)
    if following:
        agenda.append(f"Confirm the date of review {following.number} ({long_date(following.date)}).")
    return [Clause("next.when", "", [when]), Clause("next.agenda", "Agenda", [ItemList(tuple((Text(a),) for a in agenda), ordered=True)])]


# --- the pack -------------------------------------------------------------------------------------

def build_pack(history: History, clause: ExitClause | None = None, *, charts: bool = True) -> Pack:
    """The review pack for a history, as a document model (charts drawn with matplotlib unless `charts` is false)."""
    assessment = assess(history)
    report = review_report(assessment, clause)
    answers, latest = history.answers, history.latest
    kpi_figures: list[Block | None] = [None] * len(assessment.kpis)
    resources_figure = feedback_figure = None
    if charts:
        from .charts import feedback_chart, figure_key, kpi_chart, resources_chart

        count = 0

        def key() -> str:
            nonlocal count
            count += 1
            return figure_key(count)

        kpi_figures = []
        for track in assessment.kpis:
            if any(p.actual is not None for p in track.points):
                kpi_figures.append(kpi_chart(track, key()))
            else:
                kpi_figures.append(None)
        resources_figure = resources_chart(assessment.resources, history, key()) if assessment.resources else None
        feedback_figure = feedback_chart(history, key())
    sections = [
        Section("review-summary", "Summary", "clauses", _summary(assessment, report, clause), "1"),
        Section("review-kpis", "Key performance indicators", "clauses", _kpis(assessment, kpi_figures), "2", break_before=True),
        Section("review-duties", "Duties by party", "clauses", _duties(assessment), "3"),
        Section("review-resources", "Resources", "clauses", _resources(assessment, resources_figure), "4"),
        Section("review-feedback", "Partner feedback", "clauses", _feedback(assessment, feedback_figure), "5"),
        Section("review-findings", "Findings", "clauses", _findings(report), "6"),
        Section("review-actions", "Actions", "clauses", _actions(assessment), "7"),
        Section("review-next", "Next review", "clauses", _next(assessment, clause), "8"),
    ]
    names = [p.name for p in answers.parties]
    reference = f" {answers.agreement.reference}" if answers.agreement.reference else ""
    title = f"Partnership review {latest.number}"
    document = Document(
        title=title,
        subtitle=f"{answers.agreement.title}{reference}: {_and([p.label for p in answers.parties])}",
        reference=None,
        parties_line=f"Held on {long_date(latest.review.held)}; review {latest.number} of {len(history.schedule)} in Schedule 4",
        sections=sections,
        metadata=Metadata(
            title=title,
            subject=f"Review {latest.number} of the {answers.agreement.title}{reference}",
            author=", ".join(names),
            keywords="; ".join(["partnership review", "key performance indicators", *names]),
            created=latest.review.held.isoformat(),  # the day it was held, so a pack renders to the same bytes every time
            answers_sha256=answers.fingerprint(),
            clauses=(),
            generator=f"agreementkit {__version__}",
        ),
    )
    return Pack(document, report, assessment)


def pack_for(history: History, library: list[Path] | None = None, *, charts: bool = True) -> Pack:
    """The pack of a history read already, citing the MOU's clauses as the library layers number them."""
    return build_pack(history, exit_clause(history, library), charts=charts)


def review_pack(folder: Path, library: list[Path] | None = None, *, charts: bool = True) -> Pack:
    """Read a folder of review files and make its pack: the Python call behind `agreementkit review render`."""
    return pack_for(load_history(folder, library), library, charts=charts)
