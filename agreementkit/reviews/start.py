"""`agreementkit review start`: the next review's file, with a slot for everything it reports.

The file is written for a person to fill in by hand: every objective, duty,
resource, exit trigger and party of the MOU is listed with empty slots, each
under a comment naming it in words (and what the previous review recorded),
so nobody needs the MOU open beside it. An empty slot means "not reported";
the file reads back as it is once the date the review was held is filled in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..answers import Answers
from ..assembly.timeline import ScheduledReview, scheduled_reviews
from ..dates import long_date
from ..errors import OutputExistsError, UserError
from ..render import atomic_write
from .agreement import duties_of, label, resources_of
from .history import Held, History, load_history, review_files
from .model import ACTION_STATUSES, DUTY_STATUSES, FEEDBACK_ITEMS


@dataclass(frozen=True)
class Started:
    path: Path
    scheduled: ScheduledReview


def _plain(text: object) -> str:
    """Text for a comment: one line, whatever the answers hold."""
    return " ".join(str(text).split())


def _scalar(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip().removesuffix("...").strip()


def next_review(answers: Answers, history: History | None) -> ScheduledReview:
    """The first review in Schedule 4 that has no file yet."""
    schedule = scheduled_reviews(answers)
    if not schedule:
        raise UserError("the MOU sets no review schedule (its answers give no review.first_review), so there is no review to start")
    done = {h.number for h in history.reviews} if history else set()
    upcoming = next((s for s in schedule if s.number not in done), None)
    if upcoming is None:
        raise UserError(f"every review in Schedule 4 (1 to {len(schedule)}) already has a file")
    return upcoming


def next_in_folder(answers_path: Path, folder: Path, library: list[Path] | None
                   ) -> tuple[Answers, History | None, ScheduledReview, Held | None]:
    """What `review start` and `review new` both begin from: the MOU's answers, the reviews already in
    `folder` (None before the first), the next scheduled review without a file, and the review before it."""
    from ..layered import load_in_layers

    if folder.exists() and not folder.is_dir():
        raise UserError(f"-o {folder} is a file; give the folder that holds (or will hold) the review files")
    history = load_history(folder, library) if folder.is_dir() and review_files(folder) else None
    answers = load_in_layers(answers_path, library)[0]
    if history is not None and history.answers_path.resolve() != answers_path.resolve():
        raise UserError(f"{folder} holds the reviews of {history.answers_path}, not of {answers_path}; "
                        "keep one partnership's reviews per folder")
    scheduled = next_review(answers, history)
    previous = max((h for h in history.reviews if h.number < scheduled.number), key=lambda h: h.number, default=None) if history else None
    return answers, history, scheduled, previous


def review_template(answers: Answers, agreement: str, scheduled: ScheduledReview, previous: Held | None) -> str:
    """The review file for `scheduled`, every slot empty, `agreement` being the path written into it."""
    before = previous.review if previous else None
    title = answers.agreement.title + (f" {answers.agreement.reference}" if answers.agreement.reference else "")
    out = [
        f"# Review {scheduled.number} of {len(scheduled_reviews(answers))} under the {_plain(title)}: "
        f"{scheduled.kind.lower()}, scheduled for {long_date(scheduled.date)} in Schedule 4.",
        "# Fill in what the review found and agreed; leave a slot empty when it was not reported.",
        "# Then: agreementkit review check FOLDER, and agreementkit review render FOLDER -o pack.pdf",
        "format: 1",
        f"agreement: {_scalar(agreement)}   # the signed MOU's answers file, relative to this file",
        f"review: {scheduled.number}   # its number in Schedule 4",
        f"held:   # the date it was held, YYYY-MM-DD (scheduled for {scheduled.date.isoformat()})",
        "",
        "kpis:   # each objective's KPI as it stands, in its target's unit (by the objective's number in Schedule 1)",
    ]
    for number, objective in enumerate(answers.objectives, start=1):
        measure = objective.measure()
        target = measure.describe() if measure else (objective.target or "no target yet")
        due = f", due {long_date(objective.due)}" if objective.due else ""
        last = next((k.actual for k in before.kpis if k.objective == number), None) if before else None
        was = f"; review {previous.number}: {last}" if previous and last is not None else ""
        out.append(f"  # {number}. {_plain(objective.title)}: {_plain(objective.kpi or 'no KPI yet')}; target {_plain(target)}{due}{was}")
        baseline = "baseline: , " if previous is None and objective.baseline is None else ""
        out.append(f"  - {{objective: {number}, actual: , {baseline}note: }}")
    if previous is None and any(o.baseline is None for o in answers.objectives):
        out.append("  # baseline: where the KPI stood when the MOU took effect (left empty: 0); given here, every review uses it")
    out += ["", f"duties:   # {' | '.join(DUTY_STATUSES)} (by party and the duty's number in its list in Schedule 2)"]
    for party in answers.parties:
        for duty in duties_of(answers, party.key):
            last_status = next((d.status for d in before.duties if d.party == party.key and d.duty == duty.number), None) if before else None
            was = f" (review {previous.number}: {last_status})" if previous and last_status else ""
            out.append(f"  # {_plain(party.label)} {duty.number}. {_plain(duty.text)}{was}")
            out.append(f"  - {{party: {party.key}, duty: {duty.number}, status: , note: }}")
    out += ["", "resources:   # the share of each commitment delivered so far, in percent (by party and number in Schedule 3)"]
    for party in answers.parties:
        for commitment in resources_of(answers, party.key):
            resource = commitment.resource
            value = f", {resource.currency} {resource.value:,}" if resource.value is not None else ""
            last_share = next((r.delivered for r in before.resources if r.party == party.key and r.resource == commitment.number),
                              None) if before else None
            was = f" (review {previous.number}: {last_share}%)" if previous and last_share is not None else ""
            out.append(f"  # {_plain(party.label)} {commitment.number}. {_plain(resource.description)}{value}{was}")
            out.append(f"  - {{party: {party.key}, resource: {commitment.number}, delivered: , note: }}")
    out += ["", "feedback:   # each party's view of the relationship, 1 (poor) to 5 (strong):"]
    out += [f"  #   {item}: {statement}" for item, statement in FEEDBACK_ITEMS.items()]
    slots = ", ".join(f"{item}: " for item in FEEDBACK_ITEMS)
    for party in answers.parties:
        out += [f"  - party: {party.key}   # {_plain(party.name)}", f"    scores: {{{slots}}}", "    comment:"]
    triggers = answers.termination.exit_triggers
    out += ["", "triggers:   # is each exit trigger met? true or false (by its number in the exit-trigger clause)" if triggers
            else "triggers: []   # the MOU sets no exit triggers"]
    for number, text in enumerate(triggers, start=1):
        out += [f"  # {number}. {_plain(text)}", f"  - {{trigger: {number}, met: , note: }}"]
    if previous is not None and before is not None and before.actions:
        out += ["", f"previous_actions:   # where the actions agreed at review {previous.number} stand: {' | '.join(ACTION_STATUSES)}"]
        for number, action in enumerate(before.actions, start=1):
            owner = f", {label(answers, action.owner)}" if action.owner else ""
            due = f", due {long_date(action.due)}" if action.due else ""
            out += [f"  # {number}. {_plain(action.action)}{_plain(owner)}{due}", f"  - {{action: {number}, status: , note: }}"]
    out += ["", "actions:   # what this review agreed: - {action: \"...\", owner: <party key>, due: YYYY-MM-DD}", "  []", ""]
    return "\n".join(out)


def start_review(answers_path: Path, folder: Path, *, library: list[Path] | None = None, force: bool = False) -> Started:
    """Write the file for the next review into `folder`: the Python call behind `agreementkit review start`."""
    answers, history, scheduled, previous = next_in_folder(answers_path, folder, library)
    path = folder / f"review-{scheduled.number}.yaml"
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists; use --force to replace it")
    agreement = os.path.relpath(answers_path.resolve(), folder.resolve())
    atomic_write(path, review_template(answers, agreement, scheduled, previous).encode("utf-8"))
    return Started(path, scheduled)
