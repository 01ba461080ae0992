"""The import's acceptance test: render the scenario and read the precedent's words back.

The scenario answers every new question with its own placeholder text and
every mapped answer with a sample. Rendering it and putting each mapped
sample back as the placeholder it replaced must give the precedent's words,
paragraph by paragraph, with the numbers aside (clause numbers, list labels
and the numbers inside cross-references are the document's own). Only the
imported clauses are compared; the built-in clauses around them are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...document import Clause, Document, ItemList, Paragraph, Table, plain
from .blanks import Mapped, NewQuestion
from .clausetext import Line, capitals
from .wording import Blank, Literal, Wording


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass
class LineResult:
    paragraph: int
    precedent: str  # the precedent's words, numbering aside
    returned: str  # the rendered words with the placeholders put back
    same: bool
    why: str = ""


@dataclass
class ClauseResult:
    clause_id: str
    title: str
    lines: list[LineResult] = field(default_factory=list)
    missing: bool = False  # the clause is not in the rendered document at all

    @property
    def same(self) -> bool:
        return not self.missing and all(line.same for line in self.lines)


def _printed(segment: Blank) -> str:
    resolution = segment.occurrence.resolution
    if isinstance(resolution, Mapped):
        return resolution.sample
    if isinstance(resolution, NewQuestion):
        return resolution.printed(segment.occurrence)
    return segment.occurrence.raw


def _compare(wordings: list[Wording], rendered: list[str], label: str, paragraph: int, fold: bool = False) -> LineResult:
    """One line: each cell's rendered words, placeholders put back, against the precedent's (`fold`: a title
    in capitals, compared without its case, since the import writes it in sentence case)."""
    precedents: list[str] = []
    returned: list[str] = []
    why = ""
    for index, wording in enumerate(wordings):
        words = "".join(s.text if isinstance(s, Literal) else s.occurrence.raw if isinstance(s, Blank) else s.raw
                        for s in wording.segments)
        precedents.append(_norm(words))
        text = _norm(rendered[index]) if index < len(rendered) else ""
        if fold:
            text = text.upper()
        if label and index == 0 and text.startswith(_norm(label)):
            text = text[len(_norm(label)):].lstrip()  # the label written into the text is numbering too
        parts: list[str] = []
        expected: list[tuple[str, str]] = []
        for segment in wording.segments:
            if isinstance(segment, Literal):
                if segment.text.split():
                    parts.append(r"\s*".join(re.escape(word) for word in segment.text.split()))
            elif isinstance(segment, Blank):
                # The sample itself, where the blank was: two blanks side by side cannot trade words.
                value = _norm(_printed(segment))
                parts.append("(" + r"\s*".join(re.escape(word) for word in value.split()) + ")")
                expected.append((value, segment.occurrence.raw))
            elif segment.target:
                parts.append(r"((?:Schedule\s+)?[\w.()]+?)")
                expected.append(("", segment.raw))
            else:
                parts.append(r"\s*".join(re.escape(word) for word in segment.raw.split()))
        pattern = r"\s*".join(parts)
        match = re.fullmatch(r"\s*" + pattern + r"\s*", text, re.DOTALL | (re.IGNORECASE if fold else 0))
        if match is None:
            returned.append(text)
            why = why or "the rendered words differ"
            continue
        back = text
        for group in range(len(expected), 0, -1):
            value, raw = expected[group - 1]
            value = value.upper() if fold else value
            found = _norm(match.group(group))
            if value and found != value:
                why = why or f"\"{raw}\" printed \"{found}\", expected \"{value}\""
            elif not value and not re.fullmatch(r"(Schedule |clause |paragraph )?[\w.]+", found):
                why = why or f"the reference \"{raw}\" printed \"{found}\""
            back = back[: match.start(group)] + raw + back[match.end(group):]
        returned.append(_norm(back))
    precedent = " | ".join(precedents)
    back_text = " | ".join(returned)
    same = not why and _norm(precedent) == _norm(back_text)
    return LineResult(paragraph, precedent, back_text, same, why if not same else "")


def _rendered_lines(clause: Clause) -> list[list[str]]:
    lines: list[list[str]] = []
    for block in clause.blocks:
        if isinstance(block, Paragraph):
            lines.append([plain(block.inlines)])
        elif isinstance(block, ItemList):
            lines.extend([plain(item)] for item in block.items)
        elif isinstance(block, Table):
            for row in (block.header, *block.rows, *block.footer):
                lines.append([plain(cell.inlines) for cell in row])
    return lines


def round_trip(document: Document, expected: dict[str, tuple[Wording, list[Line]]]) -> list[ClauseResult]:
    """Each imported clause (by id: its title's wording and its lines) against the rendered document."""
    rendered = {c.id: c for s in document.sections for c in s.clauses}
    results: list[ClauseResult] = []
    for clause_id, (title, lines) in expected.items():
        clause = rendered.get(clause_id)
        title_words = _norm("".join(s.text if isinstance(s, Literal) else s.occurrence.raw if isinstance(s, Blank)
                                    else s.raw for s in title.segments))
        result = ClauseResult(clause_id, title_words)
        results.append(result)
        if clause is None:
            result.missing = True
            continue
        if clause.title:
            result.lines.append(_compare([title], [clause.title], "", 0, fold=capitals(title)))
        got = _rendered_lines(clause)
        for index, line in enumerate(lines):
            cells = got[index] if index < len(got) else []
            outcome = _compare(line.cells, cells, line.label, line.paragraph)
            if index >= len(got):
                outcome.same, outcome.why = False, "missing from the rendered clause"
            result.lines.append(outcome)
        for extra in got[len(lines):]:
            result.lines.append(LineResult(0, "", " | ".join(extra), False, "not in the precedent"))
    return results


__all__ = ["ClauseResult", "LineResult", "round_trip"]
