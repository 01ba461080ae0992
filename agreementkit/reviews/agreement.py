"""What a review refers to in the signed MOU, numbered as the MOU's schedules number it.

One place decides that a party's duties are numbered 1, 2, 3 … across all its
responsibility entries in the order of the answers file (as Schedule 2 lists
them), and its resources likewise among its rows of Schedule 3, so the review
file, the questions, the findings and the pack all mean the same duty by
"northwind 2".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..answers import Answers, Resource


@dataclass(frozen=True)
class Duty:
    party: str
    number: int
    text: str
    role: str


@dataclass(frozen=True)
class Commitment:
    party: str
    number: int
    resource: Resource


def duties_of(answers: Answers, party: str) -> list[Duty]:
    """A party's duties, numbered across all its responsibility entries."""
    out: list[Duty] = []
    for entry in answers.responsibilities:
        if entry.party == party:
            for text in entry.duties:
                out.append(Duty(party, len(out) + 1, text, entry.role))
    return out


def all_duties(answers: Answers) -> list[Duty]:
    return [duty for party in answers.parties for duty in duties_of(answers, party.key)]


def resources_of(answers: Answers, party: str) -> list[Commitment]:
    """A party's resources, numbered among its rows of Schedule 3."""
    rows = [r for r in answers.resources if r.party == party]
    return [Commitment(party, number, resource) for number, resource in enumerate(rows, start=1)]


def all_resources(answers: Answers) -> list[Commitment]:
    return [c for party in answers.parties for c in resources_of(answers, party.key)]


def label(answers: Answers, key: str | None) -> str:
    """How the MOU names a party after introducing it."""
    if key is None:
        return "no one named"
    try:
        return answers.party(key).label
    except KeyError:
        return key


def shorten(text: str, limit: int = 60) -> str:
    """A long description cut at a word, for a table row or a chart label."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
