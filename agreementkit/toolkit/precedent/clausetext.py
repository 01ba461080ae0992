"""A precedent clause as clause Markdown: its words escaped, its blanks as Jinja2, its lists and tables.

The firm's words are data here as answers are elsewhere: every character
Markdown or Jinja2 would read as markup is escaped, so "[Note: ...]" or a
stray "{{" prints as written. Bold and italics are kept. A list of one level
becomes a Markdown list (printed as the house's sub-clauses); clause Markdown
has no lists inside lists, so a nested list ((a) holding (i), (ii)) is kept as
paragraphs that carry their own labels, and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...markup import escape_readable, guard_line_start
from .blanks import Mapped, NewQuestion
from .structure import BodyItem
from .wording import Blank, Literal, Wording

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


@dataclass
class Line:
    """One paragraph, list item or table row of a clause as the precedent has it, for the round trip."""

    kind: str  # title, paragraph, item, row
    cells: list[Wording]  # one for a paragraph or item, one per cell for a table row
    label: str = ""  # a label written into the text (a nested list's "(i)", a schedule's "3.")
    paragraph: int = 0


@dataclass
class ClauseText:
    body: str
    lines: list[Line]
    notes: list[str] = field(default_factory=list)


def _literal(text: str) -> str:
    return _JINJA_OPEN.sub("{{ '{' }}", escape_readable(text))


def _wrap(markdown: str, bold: bool, italic: bool) -> str:
    marker = "***" if bold and italic else "**" if bold else "*" if italic else ""
    if not marker or not markdown.strip():
        return markdown
    lead = markdown[: len(markdown) - len(markdown.lstrip())]
    trail = markdown[len(markdown.rstrip()):]
    return f"{lead}{marker}{markdown.strip()}{marker}{trail}"


def template(segment: Blank) -> str:
    """The Jinja2 a blank becomes."""
    resolution = segment.occurrence.resolution
    if isinstance(resolution, Mapped):
        return resolution.template
    if isinstance(resolution, NewQuestion):
        return resolution.template(segment.occurrence)
    return _literal(segment.occurrence.raw)


def inline(wording: Wording) -> str:
    """One paragraph's Markdown; neighbouring words of the same emphasis are wrapped once ("**a {{ x }}.**"),
    as "**a****.**" would not read as bold."""
    pieces: list[tuple[str, bool, bool]] = []
    for segment in wording.segments:
        if isinstance(segment, Literal):
            pieces.append((_literal(segment.text), segment.bold, segment.italic))
        elif isinstance(segment, Blank):
            pieces.append((template(segment), segment.occurrence.bold, segment.occurrence.italic))
        else:
            pieces.append((f"{{{{ ref('{segment.target}') }}}}" if segment.target else _literal(segment.raw), False, False))
    out: list[str] = []
    index = 0
    while index < len(pieces):
        end = index
        while end < len(pieces) and pieces[end][1:] == pieces[index][1:]:
            end += 1
        out.append(_wrap("".join(p[0] for p in pieces[index:end]), *pieces[index][1:]))
        index = end
    return "".join(out).strip()


def capitals(wording: Wording) -> bool:
    """A title typed in capitals ("CONFIDENTIALITY"): the capitals are the precedent's house style, not its words."""
    letters = [c for s in wording.segments if isinstance(s, Literal) for c in s.text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def title(wording: Wording) -> str:
    """A clause title for the front matter: plain text with Jinja2 for its blanks (titles are not Markdown).
    A title in capitals is written in sentence case, as the house's titles are."""
    out: list[str] = []
    lower = capitals(wording)
    for segment in wording.segments:
        if isinstance(segment, Literal):
            out.append(_JINJA_OPEN.sub("{{ '{' }}", segment.text.lower() if lower else segment.text))
        elif isinstance(segment, Blank):
            out.append(template(segment))
        else:
            out.append(segment.raw)  # a title is plain text: a reference in it stays as written
    text = " ".join("".join(out).split())
    return text[:1].upper() + text[1:] if lower else text


def _item_depths(items: list[BodyItem]) -> list[int]:
    """How deep each item of a run of list items sits: Word's list level, or the order its kind of typed
    label first appears in ((a) then (i) then (A)); "(i)" after "(h)" is a letter, not a numeral."""
    depths: list[int] = []
    ranks: dict[str, int] = {}
    previous: dict[str, str] = {}
    for item in items:
        if item.para is not None and item.para.list_number is not None:
            depths.append(item.para.list_number.level + 1)
            continue
        number = item.number
        if number is not None and number.depth > 0:  # from a Word list style's level
            depths.append(number.depth)
            continue
        kind = number.item_kind if number is not None and number.kind == "item" else "bullet"
        if kind in ("roman", "upper-roman") and number is not None and len(number.key) == 1:
            letter = "letter" if kind == "roman" else "upper"
            if previous.get(letter) == chr(ord(number.key) - 1):
                kind = letter
        if number is not None:
            previous[kind] = number.key
        ranks.setdefault(kind, len(ranks) + 1)
        depths.append(ranks[kind])
    low = min(depths) if depths else 1
    return [d - low + 1 for d in depths]


def _cells(table_rows: list[list[Wording]]) -> str:
    width = max((len(r) for r in table_rows), default=1) or 1
    lines = []
    for index, row in enumerate(table_rows):
        cells = [inline(c) if i < len(row) else "" for i, c in enumerate(row + [Wording([])] * (width - len(row)))]
        lines.append("| " + " | ".join(c or " " for c in cells) + " |")
        if index == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


def clause_text(entries: list[tuple[BodyItem, Wording | list[list[Wording]]]], where: str) -> ClauseText:
    """The Markdown body of a clause from its body items (each with its wording, or a table's cell wordings)."""
    blocks: list[str] = []
    lines: list[Line] = []
    notes: list[str] = []
    index = 0
    while index < len(entries):
        item, wording = entries[index]
        if item.kind == "table":
            assert isinstance(wording, list)
            if not wording or not any(wording):
                index += 1
                continue
            blocks.append(_cells(wording))
            lines.extend(Line("row", row, paragraph=item.table.number if item.table else 0) for row in wording)
            index += 1
            continue
        if item.kind == "item":
            end = index
            while end < len(entries) and entries[end][0].kind == "item":
                end += 1
            blocks.extend(_list(entries[index:end], lines, notes, where))
            index = end
            continue
        assert isinstance(wording, Wording)
        text = inline(wording)
        number = item.para.number if item.para else 0
        if item.keep_label and item.label:
            blocks.append(guard_line_start(_literal(item.label) + " " + text))
            lines.append(Line("paragraph", [wording], item.label, number))
        elif text:
            blocks.append(guard_line_start(text))
            lines.append(Line("paragraph", [wording], paragraph=number))
        index += 1
    return ClauseText("\n\n".join(blocks) + "\n", lines, notes)


def _list(run: list[tuple[BodyItem, Wording | list[list[Wording]]]], lines: list[Line], notes: list[str], where: str) -> list[str]:
    items = [item for item, _ in run]
    depths = _item_depths(items)
    out: list[str] = []
    if len(set(depths)) > 1:
        labels = ", ".join(dict.fromkeys(i.label for i in items if i.label))
        notes.append(f"{where}: a list inside a list ({labels[:60]}) is kept as paragraphs with their labels, as clause "
                     "Markdown has one list level; check the indentation in the rendered document")
        for item, wording in run:
            assert isinstance(wording, Wording)
            out.append(guard_line_start(_literal(item.label) + " " + inline(wording)))
            lines.append(Line("paragraph", [wording], item.label, item.para.number if item.para else 0))
        return out
    current: list[str] = []
    ordered: bool | None = None
    for item, wording in run:
        assert isinstance(wording, Wording)
        if ordered is not None and item.ordered != ordered:
            out.append("\n".join(current))
            current = []
        ordered = item.ordered
        current.append(("1. " if item.ordered else "- ") + guard_line_start(inline(wording)))
        lines.append(Line("item", [wording], paragraph=item.para.number if item.para else 0))
    if current:
        out.append("\n".join(current))
    return out


__all__ = ["ClauseText", "Line", "clause_text", "inline", "template", "title"]
