"""Commercial coherence: no two clauses of one document contradict each other,
whatever the answers, and answers that cannot all be true are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import rendered
from helpers import example_data, varied

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes

SCOPE = ("any dispute or claim arising out of or in connection with", "including non-contractual disputes or claims")
# Terms the library defines in one clause and uses in others.
TERMS = ["Shared Costs", "Contribution", "Purpose", "Objectives", "Dispute", "Confidential Information", "Background IP",
         "Foreground IP", "Deadlock"]


def markdown_of(data: dict) -> str:
    return render_bytes(assemble(validate_answers(data)), "md").decode("utf-8")


def test_disputes_and_governing_law_have_the_same_scope(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    ladder = text.split("### 9.1 Approach")[1].split("###")[0]
    law = text.split("Governing law\n")[1].split("###")[0]
    for words in SCOPE:
        assert words in ladder and words in law, words


def test_withdrawal_is_one_rule_stated_once(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    assert "at any time without liability" not in text
    if "stop taking part" in text:
        assert re.search(r"stop taking part in the partnership only as clause \d+\.\d+ provides", text)


def test_every_defined_term_used_is_defined_in_that_document(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    for term in TERMS:
        uses = re.findall(rf"(?<!\*\*)\b{term}s?\b(?!\*\*)", text)
        if uses:
            assert f"**{term}**" in text, f"{term} is used but not defined"


def test_publicity_follows_the_reserved_matters() -> None:
    data = example_data()
    reserved = markdown_of(varied(data, **{"governance.reserved_matters": ["Public announcements about the partnership"]}))
    assert "Public announcements about the partnership are a reserved matter under clause 6.3" in reserved
    assert "not be unreasonably withheld" not in reserved.split("Publicity\n")[1].split("###")[0]
    free = markdown_of(varied(data, **{"governance.reserved_matters": ["Admitting a new party"]}))
    publicity = free.split("Publicity\n")[1].split("###")[0]
    assert "prior written approval of each other Party" in publicity and "reserved matter" not in publicity


def test_the_wind_down_settles_shared_costs_only_where_there_are_some() -> None:
    own = markdown_of(varied(example_data(), **{"costs": {"model": "each_bears_own"}}))
    assert "Shared Costs" not in own
    two = markdown_of(varied(example_data("telecom-edge-binding")))
    assert "or a Party withdraws" not in two
