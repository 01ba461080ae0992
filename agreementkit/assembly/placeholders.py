"""What a draft still needs before signing: the visible placeholders it prints.

Where the answers leave out something a draft genuinely needs (a company's registered
number, an address for notices), the clause prints a bracketed placeholder such as
"[registered number]" rather than a hole. This module finds them in the assembled
document, so `check` and the review can list them: a to-do list, not a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Clause, Document, ItemList, Paragraph, Table

# Placeholders are lower-case words in square brackets; a bracketed blank of the browser
# preview ("[Party 2]") starts with a capital and is an answer not given yet, not this.
PLACEHOLDER = re.compile(r"\[([a-z][a-z ]{1,40}[a-z])\]")


@dataclass(frozen=True)
class Placeholder:
    text: str       # "[registered number]"
    where: str      # "1.1 The parties" or "Schedule 3"
    context: str    # the table row's first cell, or the sentence around it


def _plain(inlines: tuple[object, ...]) -> str:
    return "".join(getattr(run, "text", "") or getattr(run, "label", "") or "" for run in inlines)


def _where(clause: Clause, section_title: str, label: str | None) -> str:
    if clause.number:
        return f"{clause.number} {clause.title or section_title}".strip()
    return f"{label}: {section_title}" if label else section_title


def find_placeholders(document: Document) -> list[Placeholder]:
    """Every placeholder the document prints, in document order, with where it stands."""
    found: list[Placeholder] = []
    schedule = 0
    for section in document.sections:
        label = None
        if section.kind == "schedule":
            schedule += 1
            label = f"Schedule {schedule}"
        for clause in section.clauses:
            where = _where(clause, section.title, label)
            for block in clause.blocks:
                if isinstance(block, Table):
                    for row in block.rows:
                        first = _plain(row[0].inlines) if row else ""
                        for cell in row:
                            for match in PLACEHOLDER.finditer(_plain(cell.inlines)):
                                found.append(Placeholder(match.group(0), where, first))
                    continue
                texts = [block.inlines] if isinstance(block, Paragraph) else list(block.items) if isinstance(block, ItemList) else []
                for inlines in texts:
                    text = _plain(inlines)
                    for match in PLACEHOLDER.finditer(text):
                        start = max(text.rfind(". ", 0, match.start()) + 2, 0)
                        found.append(Placeholder(match.group(0), where, text[start:match.end()].strip()))
    return found



