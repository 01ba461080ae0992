"""Clause numbers and cross-references stay right as clauses come and go."""

from __future__ import annotations

import re

import pytest
from helpers import DocxView, PdfView, example_data, varied

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes

# Clauses that only make sense if they bind, so they bind even in a non-binding MOU.
BINDING_TITLES = {
    "Costs", "Shared costs", "Arbitration", "Courts", "Variation", "Confidentiality",
    "Independence and non-exclusivity", "Legal status", "Governing law", "Language", "Entire understanding", "Notices",
    "Assignment", "Publicity", "Personal data", "Interpretation", "Approach", "Negotiation", "Escalation", "Mediation",
    "Expert determination", "Background intellectual property", "Anti-bribery and compliance", "Liability", "Counterparts and electronic signature",
    "Term", "Ending the partnership early", "New intellectual property", "Jointly owned intellectual property",
    "What happens when the partnership ends", "Severance", "Waiver and remedies", "Rights of third parties", "Academic publication",
    "New Parties",
}


def binding_sentence(docx: DocxView) -> str:
    return next(t for _, t in docx.paragraphs if "are legally binding on the Parties" in t)


def numbers_of(docx: DocxView, titles: set[str]) -> list[str]:
    found = []
    for style, text in docx.paragraphs:
        if style == "Heading 2":
            number, _, title = text.partition(" ")
            if title in titles:
                found.append(number)
    return found


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"agreement.language": None, "confidentiality.enabled": False},
        {"disputes.steps": ["negotiation", "courts"], "costs": {"model": "each_bears_own"}},
        {"governance.reserved_matters": [], "governance.independent_matters": [], "governance.deadlock": None,
         "termination.exit_triggers": [], "resources": [], "disputes.steps": ["mediation"]},
    ],
    ids=["full", "no-language-no-confidentiality", "courts-own-costs", "lean"],
)
def test_legal_status_names_exactly_the_binding_clauses(changes: dict) -> None:
    document = assemble(validate_answers(varied(example_data(), **changes)))
    docx = DocxView(render_bytes(document, "docx"))
    expected = numbers_of(docx, BINDING_TITLES)
    sentence = binding_sentence(docx)
    # each number with its title, "clauses 1.3 (Interpretation); 5.2 (Shared costs) …", so a founder can follow it
    listed = re.search(r"Only clauses? (.+?),? with the definitions they use wherever those are set out, (?:is|are) legally binding", sentence)
    assert listed, sentence
    assert re.findall(r"\d+\.\d+", listed.group(1)) == expected
    # The library marks exactly these clauses as binding; liability, publicity and entire understanding among them.
    assert expected == [c.number for s in document.sections for c in s.clauses if c.binds]
    assert {"Liability", "Publicity", "Entire understanding"} <= {c.title for s in document.sections for c in s.clauses if c.binds}
    pdf = PdfView(render_bytes(document, "pdf"))
    assert all(number in pdf.text for number in expected)


def test_leaving_a_section_out_renumbers_the_rest() -> None:
    data = varied(example_data(), **{"resources": [], "costs": {"model": "each_bears_own"}, "confidentiality.enabled": False})
    docx = DocxView(render_bytes(assemble(validate_answers(data)), "docx"))
    headings = docx.styled("Heading 1")
    assert "11. Intellectual property" in headings
    assert not any("Confidentiality" in h for h in headings)
    assert "Schedule 3: Review calendar" in docx.styled("Schedule Heading")
    # With no resources listed, the Contribution is still defined, as something still to record.
    assert "(its Contribution) are not yet listed" in docx.text
    # The text refers to the schedules by their new numbers.
    review = next(t for _, t in docx.paragraphs if t.startswith("The Parties will review the partnership"))
    assert "Schedule 3" in review


def test_binding_agreement_says_so_and_uses_shall() -> None:
    data = varied(example_data(), **{"agreement.binding": True})
    docx = DocxView(render_bytes(assemble(validate_answers(data)), "docx"))
    assert any(t.startswith("This Agreement is legally binding on the Parties") for _, t in docx.paragraphs)
    assert not any("are legally binding on the Parties, and they continue" in t for _, t in docx.paragraphs)
    assert "Each Party shall co-operate with the other Parties in good faith" in docx.text


def test_only_the_chosen_final_forum_appears() -> None:
    arbitration = DocxView(render_bytes(assemble(validate_answers(example_data())), "docx"))
    assert "9.5 Arbitration" in arbitration.styled("Heading 2")
    courts = varied(example_data(), **{"disputes.steps": ["negotiation", "escalation", "courts"]})
    docx = DocxView(render_bytes(assemble(validate_answers(courts)), "docx"))
    assert "9.4 Courts" in docx.styled("Heading 2")
    assert not any("Arbitration" in h for h in docx.styled("Heading 2"))


def test_lead_party_clause_only_for_that_rule() -> None:
    data = varied(example_data(), **{"governance.decision_rule": "lead_party", "governance.lead_party": "northwind"})
    docx = DocxView(render_bytes(assemble(validate_answers(data)), "docx"))
    assert "6.2 Lead Party decisions" in docx.styled("Heading 2")
    assert "Northwind (the Lead Party) decides" in docx.text
    assert "6.2 How decisions are made" not in docx.styled("Heading 2")
