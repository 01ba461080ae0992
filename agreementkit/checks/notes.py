"""The advisor's annex: the health check's findings as part of the document.

Built as an ordinary section of the document model, so every writer prints
it the same way and none of them needs to know about the health check.
"""

from __future__ import annotations

from dataclasses import replace

from ..document import Cell, Clause, Document, Paragraph, Section, Table, Text
from .findings import CheckReport, Severity

ANNEX_ID = "drafting-notes"


def _cell(text: str, strong: bool = False) -> Cell:
    return Cell((Text(text, strong=strong),))


def drafting_notes(report: CheckReport) -> Section:
    """A 'Drafting notes' annex listing the warnings and advice, silenced ones marked."""
    notes = [f for f in report.findings if f.severity != Severity.error]
    intro = (
        "These notes are for the advisor's copy and are not part of the agreement. They list what the "
        "agreementkit health check found in the design of the partnership, with a suggestion for each."
    )
    blocks: list = [Paragraph((Text(intro, emph=True),))]
    if notes:
        rows = tuple(
            (
                _cell(f.severity.value.capitalize() + (" (silenced)" if f.silenced else ""), strong=not f.silenced),
                _cell(f.path),
                _cell(f"{f.finding} {f.why}"),
                _cell(f.suggestion),
            )
            for f in notes
        )
        header = tuple(_cell(h) for h in ("Severity", "Concerns", "Finding", "Suggestion"))
        blocks.append(Table(header, rows))
    else:
        blocks.append(Paragraph((Text("The health check raised no warnings or advice."),)))
    clause = Clause(id=ANNEX_ID, title="", blocks=blocks)
    return Section(ANNEX_ID, "Drafting notes", "annex", [clause])


def with_drafting_notes(document: Document, report: CheckReport) -> Document:
    return replace(document, annexes=[*document.annexes, drafting_notes(report)])
