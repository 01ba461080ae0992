"""A precedent's outline: its title, sections, clauses and each clause's body.

Firms number their precedents every way Word allows, so a heading is
recognised by any of: a Word heading style (or outline level), Word list
numbering, a typed number ("1.", "1.1", "Clause 4", "Article IV", "Section
2.01") or a bold title, on a line of its own or run in to the paragraph
("**Term.** This MOU ..."). The same parser reads a typed number and the
label Word's numbering shows, so the two are one thing here. Level one
headings become sections and level two clauses; a precedent with one level
makes each heading a clause. Deeper numbers ((a), (i), 1.1.1) are the clause's
lists and paragraphs. Front matter before the first heading (the parties and
the date) becomes a clause of its own; signature blocks and a table of
contents are left to the built-in library and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .reading import Body, Para, Span, TableBlock

_SEP = r"[ \t]*[:.\-\u2013\u2014]?[ \t]*"
_SCHEDULE = re.compile(r"^(schedule|annex|annexure|appendix|exhibit)[ \t]+(\d{1,3}|[A-Z]|[IVXLC]{1,6})\b\.?" + _SEP, re.IGNORECASE)
_ARTICLE = re.compile(r"^article[ \t]+(\d{1,3}|[IVXLC]{1,7})\b\.?" + _SEP, re.IGNORECASE)
_CLAUSE = re.compile(r"^(clause|section)[ \t]+(\d{1,3}(?:\.\d{1,3})*)\b\.?" + _SEP, re.IGNORECASE)
_DECIMAL = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?(?=[ \t])[ \t]*|^(\d{1,2})(?:\.(?=[ \t])|\t|\.?(?=[ \t]{2}))[ \t]*")
_ITEM = re.compile(r"^(?:\(([a-z]{1,3}|[A-Z]{1,3}|\d{1,2})\)|([a-z]|[ivx]{1,5}|\d{1,2})\)|([a-z])\.(?=[ \t]))[ \t]*")
_BULLET = re.compile(r"^([\u2022\u00b7\u25aa\u25e6\u2023\u2013\u2014\u27a2*-]|o(?=\t))[ \t]+")
_ROMAN = re.compile(r"^[ivxlc]+$", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(signatures?|execution( page| blocks?)?|signed|executed|in witness whereof)\b", re.IGNORECASE)
_SIGNED_LINE = re.compile(r"^(signed|executed)\b.{0,40}\b(by|for|on behalf)\b|^in witness whereof\b", re.IGNORECASE)
_CONTENTS = re.compile(r"^(table of )?contents$", re.IGNORECASE)
_DEFINITION_START = re.compile(r"^[\s\"'\u201c\u201d\u2019]*(means|shall mean|has the meaning|includes|shall include)\b", re.IGNORECASE)
_TITLE_WORDS = re.compile(r"\b(memorandum|agreement|understanding|mou|heads of terms|collaboration|partnership|terms|letter|protocol)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A paragraph's number, typed or from Word's list: what it is and how deep."""

    label: str  # as printed: "4.2", "Clause 4", "Article IV", "(a)", "Schedule 1", "•"
    kind: str  # decimal, clause, article, schedule, item, bullet
    depth: int  # 1 for "4." / "Clause 4" / "Article IV", 2 for "4.2"; items: 0
    key: str  # what a cross-reference names it by: "4.2", "IV", "1" (schedules: "schedule 1")
    item_kind: str = ""  # for items: letter, roman, upper, upper-roman, digit


def parse_number(text: str) -> tuple[Number | None, int]:
    """The number a paragraph's text starts with, and where its own words begin."""
    for pattern, kind in ((_SCHEDULE, "schedule"), (_ARTICLE, "article"), (_CLAUSE, "clause")):
        m = pattern.match(text)
        if m:
            if kind == "schedule":
                return Number(text[: m.end()].strip(), kind, 1, f"{m.group(1).lower()} {m.group(2).upper()}"), m.end()
            value = m.group(1) if kind == "article" else m.group(2)
            return Number(text[: m.end()].strip(" \t:.-\u2013\u2014"), kind, value.count(".") + 1, value.upper()), m.end()
    m = _DECIMAL.match(text)
    if m:
        value = m.group(1) or m.group(2)
        return Number(text[: m.end()].strip(), "decimal", value.count(".") + 1, value), m.end()
    m = _ITEM.match(text)
    if m:
        value = m.group(1) or m.group(2) or m.group(3)
        return Number(text[: m.end()].strip(), "item", 0, value, _item_kind(value)), m.end()
    m = _BULLET.match(text)
    if m:
        return Number(m.group(1), "bullet", 0, ""), m.end()
    return None, 0


def _item_kind(value: str) -> str:
    if value.isdigit():
        return "digit"
    if _ROMAN.match(value) and (len(value) > 1 or value in "ivxIVX"):
        return "roman" if value.islower() else "upper-roman"
    return "letter" if value.islower() else "upper"


@dataclass
class BodyItem:
    """One paragraph, list item or table of a clause's body."""

    kind: str  # paragraph, item, table
    spans: list[Span]
    para: Para | None = None
    table: TableBlock | None = None
    depth: int = 0  # list depth, 1 for the outermost items
    label: str = ""  # the precedent's number or bullet, shown only where a list cannot be kept as one
    ordered: bool = True
    keep_label: bool = False  # in a schedule: "3. ..." stays typed, so "paragraph 3 of Schedule 1" still points somewhere
    number: Number | None = None


@dataclass
class PrecedentClause:
    title: list[Span]
    number: Number | None
    para: Para  # the heading paragraph: the clause's source
    body: list[BodyItem] = field(default_factory=list)
    section: PrecedentSection | None = None
    invented_title: bool = False  # the title is ours (the front matter's "Parties"), not the precedent's words
    numbered_paragraphs: list[str] = field(default_factory=list)  # labels of untitled numbered paragraphs inside it

    @property
    def title_text(self) -> str:
        return " ".join("".join(s.text for s in self.title).split())


@dataclass
class PrecedentSection:
    title: str
    number: Number | None
    para: Para | None
    schedule: bool = False
    single: bool = False  # a precedent with one heading level: a clause looking for a section of its own
    front: bool = False  # the front matter before the first heading
    clauses: list[PrecedentClause] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    sections: list[PrecedentSection]
    skipped: list[str] = field(default_factory=list)  # what was left out on purpose, for the report
    ambiguous: list[str] = field(default_factory=list)  # numbering a person should look at
    paragraphs: int = 0  # body blocks in the precedent

    def clauses(self) -> list[PrecedentClause]:
        return [c for s in self.sections for c in s.clauses]


class NoHeadings(ValueError):
    """The precedent has no heading the importer can recognise."""


@dataclass
class _Line:
    """A body paragraph, classified."""

    para: Para
    number: Number | None
    words: list[Span]  # the paragraph's spans without its typed number
    heading: str = ""  # "", "styled", "numbered", "line" (a bold or capitals line), "runin", "schedule"
    level: int = 0
    title: list[Span] = field(default_factory=list)
    rest: list[Span] = field(default_factory=list)  # a run-in title's paragraph text
    double: str = ""  # a typed number on top of Word's list number, for the report


def _cut(spans: list[Span], at: int) -> list[Span]:
    """The spans after the first `at` characters."""
    out: list[Span] = []
    seen = 0
    for span in spans:
        if seen + len(span.text) <= at:
            seen += len(span.text)
            continue
        skip = max(0, at - seen)
        out.append(Span(span.text[skip:], span.bold, span.italic, span.highlight, span.field) if skip else span)
        seen += len(span.text)
    while out and out[0].field is None and not out[0].text.strip():
        out.pop(0)
    if out and out[0].field is None:
        out[0] = Span(out[0].text.lstrip(), out[0].bold, out[0].italic, out[0].highlight)
    return out


def _text(spans: list[Span]) -> str:
    return "".join(s.text for s in spans)


def _title_like(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 15 or text.rstrip().endswith((";", ",")):
        return False
    if text.rstrip().endswith(".") and len(words) > 8:
        return False
    first = text.strip()[0]
    return first.isupper() or first.isdigit() or first in "[\"'\u201c("


def _all_bold(para: Para, spans: list[Span]) -> bool:
    texts = [s for s in spans if s.text.strip()]
    return bool(texts) and (para.style_bold or all(s.bold for s in texts))


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _run_in(spans: list[Span]) -> tuple[list[Span], list[Span]] | None:
    """A bold title run in to its paragraph: ("Term", "This MOU ...") or None."""
    title: list[Span] = []
    index = 0
    while index < len(spans) and spans[index].bold and spans[index].field is None:
        title.append(spans[index])
        index += 1
    rest = spans[index:]
    heading = _text(title).strip()
    after = _text(rest)
    if not heading or not after.strip() or len(heading.split()) > 10 or not heading[0].isupper():
        return None
    if heading[0] in "\"'\u201c" or _DEFINITION_START.match(after):
        return None  # a defined term: "**Services** means ..."
    ends = heading.endswith((".", ":", "\u2013", "\u2014", "-")) or after.startswith(("\t", ".", ":", " \u2013", " \u2014", " - "))
    if not ends:
        return None
    clean = heading.rstrip(" .:\u2013\u2014-\t")
    title = _cut(title, 0)
    trimmed: list[Span] = []
    remaining = len(clean)
    for span in title:
        if remaining <= 0:
            break
        piece = span.text[:remaining]
        trimmed.append(Span(piece, span.bold, span.italic, span.highlight))
        remaining -= len(span.text)
    body = _cut(rest, len(after) - len(after.lstrip(" \t.:\u2013\u2014-")))
    return trimmed, body


def _classify(para: Para) -> _Line:
    text = para.text
    number: Number | None = None
    words = para.spans
    double = ""
    typed, offset = parse_number(text.lstrip())
    lead = len(text) - len(text.lstrip())
    if para.list_number is not None and para.list_number.label.strip():
        label = para.list_number.label.strip()
        if para.list_number.bullet:
            number = Number(label, "bullet", 0, "")
        else:
            number, _ = parse_number(label + " ")
            if number is None:  # a label our parser does not know ("Part A-1"): keep it as it is
                number = Number(label, "decimal", para.list_number.level + 1, label)
        if typed is not None and typed.kind != "bullet":
            words = _cut(para.spans, lead + offset)  # typed on top of Word's own number
            double = f"paragraph {para.number}: the typed number \"{typed.label}\" follows Word's own \"{label}\"; the typed one is left out"
    elif typed is not None:
        number = typed
        words = _cut(para.spans, lead + offset)
    elif para.style.lower().startswith(("list bullet", "list number")):
        # Word's list styles, where the numbering the style should carry is missing: an item all the same
        level = para.style.rsplit(" ", 1)[-1]
        depth = int(level) if level.isdigit() else 1
        bullet = para.style.lower().startswith("list bullet")
        number = Number("\u2022" if bullet else "", "bullet" if bullet else "item", depth, "", "" if bullet else "styled")
    line = _Line(para, number, words, double=double)
    rest_text = _text(words).strip()
    if para.toc:
        return line
    if number is not None and number.kind == "schedule":
        line.heading, line.level, line.title = "schedule", 1, words
        return line
    if para.outline is not None and not para.in_table and rest_text:
        line.heading, line.level, line.title = "styled", para.outline, words
        return line
    if not rest_text:
        return line
    if number is not None and number.kind in ("decimal", "clause", "article"):
        if _title_like(rest_text) and (_all_bold(para, words) or _capitals(rest_text) or len(rest_text.split()) <= 6):
            line.heading, line.level, line.title = "numbered", number.depth, words
            return line
        runin = _run_in(words)
        if runin is not None:
            line.heading, line.level = "numbered", number.depth
            line.title, line.rest = runin
        return line
    if number is None:
        if _title_like(rest_text) and not rest_text.endswith(":") and (_all_bold(para, words) or _capitals(rest_text)):
            line.heading, line.title = "line", words
            return line
        runin = _run_in(words)
        if runin is not None:
            line.heading = "runin"
            line.title, line.rest = runin
    return line


def _levels(lines: list[_Line]) -> None:
    """Settle the level of headings whose level their form does not give: styled headings relative to the
    highest style used, bold lines and run-in titles below numbered or styled level-one headings."""
    styled = [ln.level for ln in lines if ln.heading == "styled"]
    top = min(styled) if styled else 1
    for ln in lines:
        if ln.heading == "styled":
            ln.level = ln.level - top + 1
            if ln.level > 2:
                ln.heading = ""  # a third-level heading is a bold line inside a clause
    strong = [i for i, ln in enumerate(lines) if ln.heading in ("styled", "numbered", "schedule") and ln.level == 1]
    numbered_two = any(ln.heading in ("styled", "numbered") and ln.level == 2 for ln in lines)
    first_strong = strong[0] if strong else len(lines)
    has_line = any(ln.heading == "line" for ln in lines)
    for index, ln in enumerate(lines):
        if ln.heading == "numbered" and ln.level > 2:
            ln.heading = ""
        elif ln.heading == "line":
            ln.level = 1 if (not strong or index < first_strong) else 2
            if ln.level == 2 and numbered_two:
                ln.heading = ""  # a bold line between numbered clauses: a sub-heading inside one
        elif ln.heading == "runin":
            if strong and index > first_strong:
                ln.level = 2
                if numbered_two:
                    ln.heading = ""
            else:
                ln.level = 2 if has_line else 1


def _is_title(para: Para, line: _Line) -> bool:
    text = para.text.strip()
    if para.title_style:
        return True
    if line.number is not None or not text or len(text.split()) > 12:
        return False
    return (_all_bold(para, para.spans) or _capitals(text) or para.centered) and bool(_TITLE_WORDS.search(text))


def build_outline(body: Body, fallback_title: str) -> Outline:
    """The precedent's sections and clauses; NoHeadings when there is nothing to build them on."""
    blocks = body.blocks
    lines: list[_Line | TableBlock] = [b if isinstance(b, TableBlock) else _classify(b) for b in blocks]
    paras = [ln for ln in lines if isinstance(ln, _Line)]
    _levels(paras)
    outline = Outline(fallback_title, [], paragraphs=len(blocks))
    first_heading = next((i for i, ln in enumerate(lines) if isinstance(ln, _Line) and ln.heading), None)
    if first_heading is None:
        numbered = sum(1 for ln in paras if ln.number is not None)
        sample = "; ".join(f"\"{ln.para.text.strip()[:50]}\"" for ln in paras if ln.para.text.strip())
        found = f"{len(blocks)} paragraphs and tables" + (f", {numbered} of them numbered but none with a title" if numbered else "")
        raise NoHeadings(f"found {found}, and no heading: no Word heading styles, no numbered titles (\"1. Purpose\", "
                         f"\"Clause 2\", \"Article III\"), no bold title lines or run-in titles. It begins: {sample[:200] or 'nothing'}")
    index = 0
    # The title: a Title-styled paragraph, or a bold, capitals or centred line naming the document.
    while index < first_heading:
        item = lines[index]
        if isinstance(item, _Line) and item.para.text.strip():
            if _is_title(item.para, item):
                outline.title = " ".join(item.para.text.split())
                index += 1
            break
        index += 1
    if outline.title == fallback_title and isinstance(lines[first_heading], _Line):
        candidate = lines[first_heading]
        if isinstance(candidate, _Line) and candidate.heading == "line" and _is_title(candidate.para, candidate):
            outline.title = " ".join(candidate.para.text.split())
            candidate.heading = ""
            index = first_heading + 1
    _Builder(outline, lines).build(index)
    outline.ambiguous.extend(ln.double for ln in paras if ln.double)
    outline.ambiguous.extend(_sequence_problems(outline))
    return outline


def _sequence_problems(outline: Outline) -> list[str]:
    """Heading numbers that repeat or skip (1, 2, 2, 4): a typed number gone stale, or a list restarted by mistake."""
    problems = []
    groups: dict[str, list[str]] = {"": []}
    for section in outline.sections:
        if section.number is not None and section.number.kind in ("decimal", "clause") and section.number.key.isdigit():
            groups[""].append(section.number.key)
        for clause in section.clauses:
            number = clause.number
            if number is not None and number.kind in ("decimal", "clause") and number.depth == 2:
                parent, _, own = number.key.rpartition(".")
                groups.setdefault(parent, []).append(own)
    for parent, keys in groups.items():
        values = [int(k) for k in keys if k.isdigit()]
        if len(values) > 1 and values != list(range(values[0], values[0] + len(values))):
            shown = ", ".join(f"{parent}.{k}" if parent else k for k in keys)
            problems.append(f"headings numbered {shown}: a number repeats or is skipped; check the precedent's numbering "
                            "(cross-references to them may point elsewhere)")
    return problems


class _Builder:
    def __init__(self, outline: Outline, lines: list[_Line | TableBlock]):
        self.outline = outline
        self.lines = lines
        headings = [ln for ln in lines if isinstance(ln, _Line) and ln.heading]
        # A numbered body paragraph is a list item unless its numbers are the headings' own (4.1, 4.2 under "4.").
        self.heading_lists = {ln.para.list_number.abstract_id for ln in headings if ln.para.list_number is not None}
        self.numbered_headings = any(ln.number is not None and ln.number.kind in ("decimal", "clause", "article") for ln in headings)
        self.section: PrecedentSection | None = None
        self.clause: PrecedentClause | None = None
        self.in_signatures: int | None = None
        self.in_contents = False
        self.two_level = any(isinstance(ln, _Line) and ln.heading and ln.level == 2 for ln in lines)

    def build(self, start: int) -> None:
        for index in range(start, len(self.lines)):
            item = self.lines[index]
            if isinstance(item, TableBlock):
                if self.in_signatures is None:
                    self.body(BodyItem("table", [], table=item))
                continue
            self.line(item)
        self.close_signatures(len(self.lines))
        for section in self.outline.sections:
            for clause in section.clauses:
                clause.section = section
        self.outline.sections = [s for s in self.outline.sections if s.clauses]

    def close_signatures(self, end: int) -> None:
        if self.in_signatures is not None:
            self.outline.skipped.append(f"the signature blocks (paragraphs {self.in_signatures}-{end}) are not imported: "
                                        "the built-in Signatures section prints one block for each party")
            self.in_signatures = None

    def line(self, ln: _Line) -> None:
        para = ln.para
        text = para.text.strip()
        if para.toc:
            if not self.in_contents:
                self.outline.skipped.append(f"the table of contents (from paragraph {para.number}) is not imported: "
                                            "the DOCX writer makes its own")
            self.in_contents = True
            return
        if ln.heading and _CONTENTS.match(_text(ln.title).strip()):
            self.in_contents = True
            self.outline.skipped.append(f"the table of contents (from paragraph {para.number}) is not imported: "
                                        "the DOCX writer makes its own")
            return
        if ln.heading:
            self.in_contents = False
        elif self.in_contents and not text:
            return
        title_text = _text(ln.title).strip()
        if ln.heading and ln.heading != "schedule" and _SIGNATURE.match(title_text) and self.in_signatures is None:
            self.in_signatures = para.number
            return
        if not ln.heading and self.clause is not None and _SIGNED_LINE.match(text) and self.in_signatures is None:
            self.in_signatures = para.number
            return
        if self.in_signatures is not None:
            if ln.heading == "schedule":
                self.close_signatures(para.number - 1)
            else:
                return
        if ln.heading == "schedule":
            self.schedule(ln)
        elif ln.heading and self.section is not None and self.section.schedule:
            self.body(self.item(ln, keep_label=True))  # numbered headings inside a schedule are its paragraphs
        elif ln.heading and ln.level == 1:
            self.level_one(ln)
        elif ln.heading and ln.level == 2:
            self.level_two(ln)
        elif text or ln.number is not None:
            self.body(self.item(ln))

    def schedule(self, ln: _Line) -> None:
        number = ln.number
        title = _text(ln.title).strip() or (number.label if number else "Schedule")
        section = PrecedentSection(title, number, ln.para, schedule=True)
        self.outline.sections.append(section)
        self.section = section
        self.clause = PrecedentClause(ln.title or [Span(title)], number, ln.para)
        section.clauses.append(self.clause)

    def level_one(self, ln: _Line) -> None:
        title = _text(ln.title).strip()
        if self.two_level:
            section = PrecedentSection(title, ln.number, ln.para)
            self.outline.sections.append(section)
            self.section = section
            self.clause = None
            if ln.rest:
                self.open_clause(ln, ln.title)
                self.body(BodyItem("paragraph", ln.rest, para=ln.para))
            return
        section = PrecedentSection(title, ln.number, ln.para, single=True)
        self.outline.sections.append(section)
        self.section = section
        self.open_clause(ln, ln.title)
        if ln.rest:
            self.body(BodyItem("paragraph", ln.rest, para=ln.para))

    def level_two(self, ln: _Line) -> None:
        if self.section is None or self.section.front:
            self.front()
        self.open_clause(ln, ln.title)
        if ln.rest:
            self.body(BodyItem("paragraph", ln.rest, para=ln.para))

    def open_clause(self, ln: _Line, title: list[Span]) -> None:
        assert self.section is not None
        self.clause = PrecedentClause(title, ln.number, ln.para)
        self.section.clauses.append(self.clause)

    def front(self) -> PrecedentSection:
        if self.section is None:
            self.section = PrecedentSection("", None, None, front=True)
            self.outline.sections.append(self.section)
        return self.section

    def body(self, item: BodyItem) -> None:
        if self.clause is None:
            section = self.section or self.front()
            if section.front or not section.clauses:
                anchor = item.para if item.para is not None else Para(item.table.number if item.table else 0, [])
                title = [Span("Parties")] if section.front else [Span(section.title)]
                self.clause = PrecedentClause(title, section.number if not section.front else None, anchor,
                                              invented_title=section.front)
                if not section.front and section.para is not None:
                    self.clause.para = section.para
                section.clauses.append(self.clause)
            else:
                self.clause = section.clauses[-1]
        self.clause.body.append(item)

    def item(self, ln: _Line, keep_label: bool = False) -> BodyItem:
        number = ln.number
        spans = ln.words if not ln.rest else [*ln.title, Span(". " if not _text(ln.title).endswith(".") else " "), *ln.rest]
        if ln.heading and not ln.rest:
            spans = [Span(s.text, True, s.italic, s.highlight, s.field) for s in ln.words]  # a heading inside keeps its weight
        if number is None:
            return BodyItem("paragraph", spans, para=ln.para)
        if keep_label:
            return BodyItem("paragraph", spans, para=ln.para, label=number.label, keep_label=True)
        listed = ln.para.list_number
        if number.kind == "decimal" and ((listed is not None and listed.abstract_id not in self.heading_lists)
                                         or (listed is None and not self.numbered_headings)):
            number = Number(number.label, "item", 0, number.key, "digit")  # "1., 2., 3." in a body: a list
        if number.kind in ("item", "bullet"):
            depth = (listed.level + 1) if listed is not None else number.depth
            return BodyItem("item", spans, para=ln.para, depth=depth, label=number.label, ordered=number.kind == "item",
                            number=number)
        # A numbered paragraph without a title (4.1, 4.2 under "4. Confidentiality"): its words are kept, its number is not.
        if self.clause is not None:
            self.clause.numbered_paragraphs.append(number.label)
        return BodyItem("paragraph", spans, para=ln.para, label=number.label)


__all__ = ["BodyItem", "NoHeadings", "Number", "Outline", "PrecedentClause", "PrecedentSection", "build_outline",
           "parse_number"]
