"""The review file (format 1): one periodic review of a signed partnership, as YAML.

A folder of these is the partnership's history. The names are a public
contract like the answers file's: partnership managers keep these files for
the life of the alliance. Add optional fields; rename nothing.

Everything a review refers to in the MOU is referred to by the number the
MOU prints: an objective by its row in Schedule 1, a party's duty by its
number in that party's list in Schedule 2 (counted across all its
responsibility entries), a party's resource by its number among that party's
rows of Schedule 3, an exit trigger by its number in the exit-trigger clause,
the review itself by its row in Schedule 4. Every slot may be left empty
(`review start` writes them so); an empty slot means "not reported".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..answers import PartyRef

FORMAT_VERSION = 1

# What each party is asked about the relationship, 1 (poor) to 5 (strong). The practice notes
# single these out: trust and open communication keep an alliance working between meetings,
# alignment and value are what it is for, and pace is where partner autonomy pays or costs.
FEEDBACK_ITEMS: dict[str, str] = {
    "trust": "We can rely on the other partners to do what they say they will.",
    "communication": "We hear what we need to know, in time, from the right people.",
    "alignment": "The partners still want the same things from the partnership.",
    "value": "The partnership is worth what we put into it.",
    "pace": "Decisions are made and carried out quickly enough.",
}
DUTY_STATUSES = ("done", "on_track", "late", "blocked")
ACTION_STATUSES = ("done", "in_progress", "not_started", "dropped")

Number = Annotated[int, Field(ge=1)]
Score = Annotated[int, Field(ge=1, le=5)]


class _Model(BaseModel):
    # As in the answers file: a typo such as `actaul` is refused, never ignored.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class KpiReport(_Model):
    objective: Number = Field(description="The objective's number in Schedule 1.")
    actual: Decimal | None = Field(None, description="The KPI's value at this review, in the target's unit.")
    note: str | None = None
    baseline: Decimal | None = Field(None, description="The KPI's value at the start; only in the first review file, "
                                                       "when the answers give none.")


class DutyReport(_Model):
    party: PartyRef
    duty: Number = Field(description="The duty's number in the party's list in Schedule 2.")
    status: Literal["done", "on_track", "late", "blocked"] | None = None
    note: str | None = None


class ResourceReport(_Model):
    party: PartyRef
    resource: Number = Field(description="The resource's number among the party's rows of Schedule 3.")
    delivered: Annotated[Decimal, Field(ge=0, le=100)] | None = Field(
        None, description="The share of the commitment delivered so far, in percent.")
    note: str | None = None


class Scores(_Model):
    """One party's view of the relationship; an item left out was not scored."""

    trust: Score | None = None
    communication: Score | None = None
    alignment: Score | None = None
    value: Score | None = None
    pace: Score | None = None

    def given(self) -> dict[str, int]:
        return {item: score for item in FEEDBACK_ITEMS if (score := getattr(self, item)) is not None}


class Feedback(_Model):
    party: PartyRef
    scores: Scores = Scores()
    comment: str | None = None


class TriggerReport(_Model):
    trigger: Number = Field(description="The exit trigger's number in the exit-trigger clause.")
    met: bool | None = None
    note: str | None = None


class Action(_Model):
    action: Annotated[str, Field(min_length=1)]
    owner: PartyRef | None = None
    due: date | None = None


class ActionUpdate(_Model):
    """Where an action agreed at the previous review stands now."""

    action: Number = Field(description="The action's number in the previous review file's list.")
    status: Literal["done", "in_progress", "not_started", "dropped"] | None = None
    note: str | None = None


class ReviewFile(_Model):
    """One review: what was measured, how each party sees the partnership, and what was agreed."""

    format: Literal[1] = Field(description="The review file format version.")
    agreement: Annotated[str, Field(min_length=1)] = Field(
        description="The answers file of the signed MOU, relative to this file.")
    review: Number = Field(description="The review's number in Schedule 4.")
    held: date = Field(description="When the review was held.")
    kpis: list[KpiReport] = []
    duties: list[DutyReport] = []
    resources: list[ResourceReport] = []
    feedback: list[Feedback] = []
    triggers: list[TriggerReport] = []
    previous_actions: list[ActionUpdate] = Field([], description="Where the actions agreed at the previous review stand.")
    actions: list[Action] = Field([], description="What the review agreed to do, by whom and by when.")
    notes: str | None = None


def field_names() -> set[str]:
    """Every key a review file may hold, for "did you mean" on a typo."""
    names: set[str] = set()
    for model in (ReviewFile, KpiReport, DutyReport, ResourceReport, Scores, Feedback, TriggerReport, Action, ActionUpdate):
        names.update(model.model_fields)
    return names
