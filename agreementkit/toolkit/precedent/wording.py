"""A precedent paragraph's words as segments: text, blanks, cross-references; and its defined terms.

Blanks are found in the forms firms use: `[●]`, `[•]`, `[ ]`, `[PARTY NAME]`,
`[date]`, `[insert …]`, alternatives `[12/24]`, runs of underscores or dots,
highlighted text, content controls, merge fields and legacy form fields.
A bracket holding a sentence or a drafting note is not a blank: it stays as
text and is reported. A quoted or bold term before "means", or in brackets
after a phrase ("(the "Services")"), is a definition: it is bolded where it is
defined. "Clause 4.2", "Article IV" and "paragraph 3 of Schedule 1" are kept
as references, resolved against the precedent's own numbering once the whole
outline is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .reading import Field, Span

_FIELD = "\ue000"
_BRACKET = re.compile(r"\[([^\[\]\ue000]{0,160})\]")
_LINE = re.compile(r"_{3,}|\.{5,}|\u2026{2,}|(?:\u2026 ?){3,}")
_ANONYMOUS = re.compile(r"^[\s\u25cf\u2022\u00b7*xX_.\u2026\-\u2013\u25aa\u25a0?]*$")
_NOTE = re.compile(r"^\s*(note|ntd|n\.b\.|nb|drafting note|guidance|comment|optional|delete|explanatory note|footnote)\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*(insert|enter|specify|add|state|include)\s+", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}\s*$")
_REF = re.compile(
    r"\b(?P<noun>[Cc]lauses?|CLAUSES?|[Ss]ections?|SECTIONS?|[Aa]rticles?|ARTICLES?|[Pp]aragraphs?|PARAGRAPHS?)[ \u00a0]+"
    r"(?P<nums>(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}\b)(?:\([a-z0-9]{1,4}\))*"
    r"(?:(?:,[ ]?|[ ]and[ ]|[ ]or[ ]|[ ]to[ ]|[ ]?[-\u2013][ ]?)(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}\b)(?:\([a-z0-9]{1,4}\))*)*)"
    r"(?P<of>[ ]+of[ ]+(?:the[ ]+)?(?P<sched>[Ss]chedule|SCHEDULE|[Aa]nnex|ANNEX|[Aa]ppendix|APPENDIX)[ ]+(?P<snum>\d{1,3}|[A-Z]\b))?")
_SCHEDULE_REF = re.compile(r"\b(?P<sched>[Ss]chedule|SCHEDULE|[Aa]nnex|ANNEX|[Aa]ppendix|APPENDIX)[ \u00a0]+(?P<snum>\d{1,3}|[A-Z]\b)")
_ONE_NUMBER = re.compile(r"(\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}\b)((?:\([a-z0-9]{1,4}\))*)")
_QUOTED_MEANS = re.compile(r"[\"\u201c]([A-Z][^\"\u201d\ue000]{0,60}?)[\"\u201d]\s+(?:means|shall mean|has the meaning|includes|shall include)\b")
_PAREN = re.compile(r"\(([^()\ue000]{1,200})\)")
_QUOTED = re.compile(r"[\"\u201c]([A-Z][^\"\u201d\ue000]{0,60}?)[\"\u201d]")
_DEFINING_WORDS = {"the", "a", "an", "each", "together", "collectively", "jointly", "individually", "and", "or", "hereinafter",
                   "referred", "to", "as", "both", "all", "any", "called", "herein", "below", "after", "in", "this", "memorandum",
                   "agreement", "its", "their", "respectively", "separately", "either", "of", "them"}


@dataclass
class Occurrence:
    """One blank in the precedent, where it is and what it looks like; `blanks` decides what it becomes."""

    raw: str  # the precedent's text: "[●]", "[PARTY NAME]", "_____", the highlighted words, a control's text
    kind: str  # blank, named, choice, line, highlight, content control, merge field, form field
    name: str  # the bracket's words, the field's name, the highlighted words ("" for an anonymous blank)
    before: str  # the words before it in its sentence
    after: str  # the words after it
    paragraph: int
    options: tuple[str, ...] = ()
    date: bool = False  # a date picker content control
    bold: bool = False
    italic: bool = False
    where: str = ""  # the clause it is in, filled in by the importer
    hint: str = ""  # what names it when its sentence cannot: a table cell's column and row
    row: object = None  # for a blank in a table: the Wording of its row's first cell
    resolution: object = None  # set by blanks.resolve: a Mapped or a NewQuestion


@dataclass
class Literal:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Blank:
    occurrence: Occurrence


@dataclass
class Reference:
    raw: str  # "4.2" or "Schedule 1": the words replaced by ref() when the target is found
    kind: str  # clause or schedule
    key: str  # what the outline knows the target by: "4.2", "IV", "schedule 1"
    paragraph: int
    target: str | None = None  # the imported clause id, once resolved


Segment = Literal | Blank | Reference


@dataclass
class Kept:
    """A bracket that is not a blank: a drafting note or optional wording, kept as text and reported."""

    text: str
    paragraph: int


@dataclass
class Wording:
    segments: list[Segment]
    terms: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)  # defined here and by a built-in clause: left as words

    @property
    def occurrences(self) -> list[Occurrence]:
        return [s.occurrence for s in self.segments if isinstance(s, Blank)]


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the same sentence just before and just after a blank, up to the blanks next to it
    (marked "…" where another blank cuts them short)."""
    before = text[max(0, start - 120): start]
    cut = False
    for stop in (". ", "; ", ": ", "\n", "]", _FIELD, "___", "\u2026"):
        if stop in before:
            before = before.rsplit(stop, 1)[1]
            cut = stop in ("]", _FIELD, "___", "\u2026")
    after = text[end: end + 80]
    for stop in (". ", "; ", "\n", "[", _FIELD, "___", "\u2026"):
        if stop in after:
            after = after.split(stop, 1)[0]
    words_before = before.split()[-8:]
    cut = cut or len(before.split()) > 8
    words_after = after.split()[:6]
    shown = " ".join(words_before)
    return ("\u2026 " + shown if cut and shown else shown), " ".join(words_after).rstrip(".,;:")


def _is_date(text: str) -> bool:
    """"01/02/2027" is a date; "30/60/90" or "12/24" are alternatives."""
    if not _DATE_LIKE.match(text):
        return False
    day, month, _ = (int(p) for p in text.replace(" ", "").split("/"))
    return 1 <= day <= 31 and 1 <= month <= 12 or 1 <= month <= 31 and 1 <= day <= 12


def _classify_bracket(inner: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(kind, name, options) of a bracket's content, or None when it is wording to keep."""
    stripped = " ".join(inner.split())
    if _ANONYMOUS.match(stripped):
        return "blank", "", ()
    if _NOTE.match(stripped):
        return None
    words = stripped.split()
    if len(words) > 12 or re.search(r"[.!?]\s+[A-Z]", stripped):
        return None
    if "/" in stripped and not _INSERT.match(stripped) and not _is_date(stripped):
        options = tuple(o.strip() for o in stripped.split("/"))
        if 2 <= len(options) <= 8 and all(o and len(o.split()) <= 4 and len(o) <= 40 for o in options):
            return "choice", stripped, options
    return "named", stripped, ()


def read_wording(spans: list[Span], paragraph: int, shared: frozenset[str] | set[str] = frozenset()) -> Wording:
    """The segments of one paragraph (or title, or table cell). A term in `shared` is one the built-in library
    defines already: its definition here stays as words, not a second definition (lint would warn)."""
    text_parts: list[str] = []
    marks: list[tuple[bool, bool, bool]] = []
    fields: dict[int, Field] = {}
    for span in spans:
        if span.field is not None:
            fields[sum(len(t) for t in text_parts)] = span.field
            text_parts.append(_FIELD)
            marks.append((span.bold, span.italic, False))
        else:
            piece = span.text.replace("\t", " ").replace("\u00a0", " ")
            text_parts.append(piece)
            marks.extend([(span.bold, span.italic, span.highlight)] * len(piece))
    text = "".join(text_parts)
    bold = [m[0] for m in marks]
    italic = [m[1] for m in marks]
    taken = [False] * len(text)
    found: list[tuple[int, int, Segment]] = []
    wording = Wording([])

    def claim(start: int, end: int, segment: Segment) -> None:
        for i in range(start, end):
            taken[i] = True
        found.append((start, end, segment))

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def occurrence(start: int, end: int, kind: str, name: str, options: tuple[str, ...] = (), date: bool = False) -> Blank:
        before, after = _context(text, start, end)
        return Blank(Occurrence(text[start:end], kind, name, before, after, paragraph, options, date,
                                bold=all(bold[start:end]), italic=all(italic[start:end])))

    for position, fld in fields.items():
        blank = occurrence(position, position + 1, fld.kind, fld.name, fld.options, fld.date)
        blank.occurrence.raw = fld.shown
        claim(position, position + 1, blank)
    for m in _BRACKET.finditer(text):
        if not free(m.start(), m.end()):
            continue
        kind = _classify_bracket(m.group(1))
        if kind is None:
            wording.kept.append(Kept(m.group(0), paragraph))
            claim(m.start(), m.end(), Literal(m.group(0)))  # stays as it is, but is no blank either
            found.pop()
            continue
        claim(m.start(), m.end(), occurrence(m.start(), m.end(), kind[0], kind[1], kind[2]))
    for m in _LINE.finditer(text):
        if free(m.start(), m.end()):
            claim(m.start(), m.end(), occurrence(m.start(), m.end(), "line", ""))
    index = 0
    while index < len(text):
        if marks[index][2] and not taken[index]:
            end = index
            while end < len(text) and marks[end][2] and not taken[end]:
                end += 1
            start, stop = index, end
            while start < stop and not text[start].strip():
                start += 1
            while stop > start and not text[stop - 1].strip():
                stop -= 1
            if stop > start and any(c.isalnum() for c in text[start:stop]):
                claim(start, stop, occurrence(start, stop, "highlight", text[start:stop]))
            index = end
        else:
            index += 1
    _references(text, free, claim, paragraph)
    wording.terms = _terms(text, bold, free, shared, wording.shared_terms)
    # The segments, in order, the text between the claims split where bold or italics change.
    found.sort(key=lambda f: f[0])
    position = 0
    for start, end, segment in found:
        wording.segments.extend(_literals(text, bold, italic, position, start))
        wording.segments.append(segment)
        position = end
    wording.segments.extend(_literals(text, bold, italic, position, len(text)))
    return wording


def _literals(text: str, bold: list[bool], italic: list[bool], start: int, end: int) -> list[Segment]:
    out: list[Segment] = []
    index = start
    while index < end:
        stop = index
        while stop < end and (bold[stop], italic[stop]) == (bold[index], italic[index]):
            stop += 1
        out.append(Literal(text[index:stop], bold[index], italic[index]))
        index = stop
    return out


def _references(text: str, free: object, claim: object, paragraph: int) -> None:
    assert callable(free) and callable(claim)
    for m in _REF.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.group("of"):
            start = m.start("sched")
            key = f"{m.group('sched').lower()} {m.group('snum').upper()}"
            claim(start, m.end("snum"), Reference(text[start: m.end("snum")], "schedule", key, paragraph))
            continue
        if m.group("noun").lower().startswith("paragraph"):
            continue  # a paragraph of a schedule, named without its schedule: left as it is
        base = m.start("nums")
        for number in _ONE_NUMBER.finditer(m.group("nums")):
            start, end = base + number.start(1), base + number.end(1)
            if free(start, end):
                claim(start, end, Reference(number.group(1), "clause", number.group(1).upper(), paragraph))
    for m in _SCHEDULE_REF.finditer(text):
        if free(m.start(), m.end()):
            key = f"{m.group('sched').lower()} {m.group('snum').upper()}"
            claim(m.start(), m.end(), Reference(m.group(0), "schedule", key, paragraph))


def _terms(text: str, bold: list[bool], free: object, shared: frozenset[str] | set[str], skipped: list[str]) -> list[str]:
    """The terms this text defines; the defining words are made bold."""
    assert callable(free)
    terms: list[str] = []

    def define(start: int, end: int) -> None:
        term = " ".join(text[start:end].split())
        if term in shared:
            if term not in skipped:
                skipped.append(term)
            for i in range(start, end):
                bold[i] = False
            return
        if term and term not in terms and free(start, end):
            terms.append(term)
            for i in range(start, end):
                bold[i] = True

    for m in _QUOTED_MEANS.finditer(text):
        define(m.start(1), m.end(1))
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        quoted = list(_QUOTED.finditer(inner))
        if quoted:
            leftover = _QUOTED.sub(" ", inner)
            if all(w.strip(",;:").lower() in _DEFINING_WORDS for w in leftover.split() if w.strip(",;:")):
                for q in quoted:
                    define(m.start(1) + q.start(1), m.start(1) + q.end(1))
            continue
        # "(the **Services**)": bold words with only defining words around them
        start = m.start(1)
        runs = [i for i in range(start, m.end(1)) if bold[i] and text[i].strip()]
        if runs:
            first, last = runs[0], runs[-1] + 1
            around = text[start:first] + " " + text[last: m.end(1)]
            if text[first].isupper() and all(w.strip(",;:").lower() in _DEFINING_WORDS for w in around.split() if w.strip(",;:")):
                define(first, last)
    # **Term** means ...
    index = 0
    while index < len(text):
        if bold[index] and text[index].isupper() and (index == 0 or not bold[index - 1]):
            end = index
            while end < len(text) and bold[end]:
                end += 1
            after = text[end: end + 20].lstrip("\"\u201d' ")
            if re.match(r"(means|shall mean|has the meaning|includes)\b", after) and len(text[index:end].split()) <= 6:
                define(index, end - len(text[index:end]) + len(text[index:end].rstrip("\"\u201d' ")))
            index = end
        else:
            index += 1
    return terms


__all__ = ["Blank", "Kept", "Literal", "Occurrence", "Reference", "Segment", "Wording", "read_wording"]
