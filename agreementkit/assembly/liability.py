"""Each Party's liability cap as amounts on the face of the document.

A cap worded as "the value of its Contribution" is uncertain while the
contributions clause calls those values estimates; an amount is not. When
the answers state no cap, a Party's cap is the total of its stated
contributions, one amount per currency.
"""

from __future__ import annotations

from decimal import Decimal

from ..answers import Answers

Amounts = tuple[tuple[Decimal, str], ...]


def contribution_totals(answers: Answers, party: str) -> Amounts:
    """The stated value of a Party's contributions, per currency in first-use order."""
    totals: dict[str, Decimal] = {}
    for resource in answers.resources:
        if resource.party == party and resource.value is not None and resource.currency:
            totals[resource.currency] = totals.get(resource.currency, Decimal(0)) + resource.value
    return tuple((amount, currency) for currency, amount in totals.items() if amount > 0)


def liability_caps(answers: Answers) -> dict[str, Amounts]:
    """Party key -> its cap; an empty tuple means nothing fixes one (the health check warns)."""
    liability = answers.liability
    caps: dict[str, Amounts] = {}
    for party in answers.parties:
        if liability.caps and party.key in liability.caps:
            caps[party.key] = ((liability.caps[party.key], str(liability.currency)),)
        elif liability.cap is not None:
            caps[party.key] = ((liability.cap, str(liability.currency)),)
        else:
            caps[party.key] = contribution_totals(answers, party.key)
    return caps
