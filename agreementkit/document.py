"""The one intermediate model every writer translates.

Like pandoc's AST: `assemble` decides what the agreement says, numbers its
clauses and resolves its cross-references; writers only lay it out. A writer
that needs to decide content is a sign something belongs here instead.

Inline content is a list of `Text` and `Ref` runs. A `Ref` points at a clause
by id and carries the label resolved at assembly (its printed number), so
writers print the same number everywhere; defined terms can become another
inline kind later without reshaping blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Optional, Union

# In a redline (agreementkit compare), what happened to a piece between two drafts.
Change = Optional[Literal["ins", "del"]]


@dataclass(frozen=True)
class Text:
    """A run of literal text, optionally emphasised."""

    text: str
    strong: bool = False
    emph: bool = False
    change: Change = None


@dataclass(frozen=True)
class Ref:
    """A cross-reference to a clause; `label` is its number as printed."""

    target: str
    label: str = ""
    change: Change = None


Inline = Union[Text, Ref]


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]
    # A lead-in ("The Recipient shall:") belongs on the same page as what it introduces.
    keep_with_next: bool = False


@dataclass(frozen=True)
class ItemList:
    """A list; ordered items print as (a), (b), (c) sub-clauses."""

    items: tuple[tuple[Inline, ...], ...]
    ordered: bool = False

    def labels(self) -> list[str]:
        """The printed marker of each item, so every writer letters alike. In a redline an item
        that was deleted keeps no letter: the letters are those of the new draft."""
        if not self.ordered:
            return ["\u2022"] * len(self.items)
        out, index = [], 0
        for item in self.items:
            if changed(item) == "del":
                out.append("")
            else:
                out.append(f"({letters(index)})")
                index += 1
        return out


def changed(inlines: tuple[Inline, ...] | list[Inline]) -> Change:
    """'ins' or 'del' when every run of a line was inserted or deleted in a redline (so the line as a
    whole, its paragraph mark or table row included, is marked), else None."""
    marks = {run.change for run in inlines}
    return marks.pop() if len(marks) == 1 and inlines else None


def letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> bb, 52 -> aaa: Word's lowerLetter sequence, which the DOCX's
    list numbering prints, so every writer letters a long sub-clause list alike."""
    return chr(ord("a") + index % 26) * (index // 26 + 1)


@dataclass(frozen=True)
class Cell:
    inlines: tuple[Inline, ...]
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """A table with one header row and optional footer rows (totals)."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footer: tuple[tuple[Cell, ...], ...] = ()


@dataclass(frozen=True)
class SignatureBlock:
    """Where one party signs: the party, its signatory, and room for a date."""

    party: str
    signatory: str
    title: str
    # "a private limited company registered in England and Wales (number 01234567)": who exactly signs.
    description: str = ""
    change: Change = None


@dataclass(frozen=True)
class Figure:
    """A chart with its caption, drawn once where the document is made, in the two forms the writers
    need: SVG markup, placed inline in HTML and PDF (the PDF writer fetches nothing from outside),
    and a PNG for Word. Writers place it; none of them draws. `description` is the text a reader
    who cannot see the chart gets instead (alt text); `width` is its width on the page in cm."""

    svg: str
    png: bytes
    caption: tuple[Inline, ...]
    description: str = ""
    width: float = 16.0
    change: Change = None  # in a redline: the figure was added or removed as a whole


Block = Union[Paragraph, ItemList, Table, SignatureBlock, Figure]


@dataclass
class Clause:
    """One clause from the library, rendered. `number` is None when unnumbered."""

    id: str
    title: str
    blocks: list[Block]
    number: str | None = None
    version: int = 1
    binds: bool = False
    change: Change = None  # in a redline: the whole clause was added or removed
    title_runs: tuple[Inline, ...] | None = None  # in a redline: the title with its changes marked, when it changed

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def heading_runs(self, numbered: bool = True) -> tuple[Inline, ...]:
        """The heading's words as runs, with its number unless the writer numbers headings itself
        (Word). In a redline a removed clause keeps its old number, struck through with its title,
        and a retitled one shows the old title struck; where Word numbers the heading, a removed
        one keeps its list number, so Reject All gives it back and Accept All drops it."""
        prefix = f"{self.number} " if numbered and self.number else ""
        return _heading_runs(prefix, self.title, self.title_runs, self.change)

    def refs(self) -> list[Ref]:
        """Its cross-references, in reading order: paragraphs, list items and table cells."""
        found: list[Ref] = []
        for block in self.blocks:
            lines: list[tuple[Inline, ...]] = []
            if isinstance(block, Paragraph):
                lines = [block.inlines]
            elif isinstance(block, ItemList):
                lines = list(block.items)
            elif isinstance(block, Table):
                lines = [cell.inlines for row in (block.header, *block.rows, *block.footer) for cell in row]
            elif isinstance(block, Figure):
                lines = [block.caption]
            found += [run for inlines in lines for run in inlines if isinstance(run, Ref)]
        return found


@dataclass
class Section:
    """A top-level part: a numbered section, a schedule, or the signatures."""

    id: str
    title: str
    kind: Literal["clauses", "schedule", "plain", "annex"]
    clauses: list[Clause]
    number: str | None = None
    change: Change = None  # in a redline: the whole section was added or removed
    title_runs: tuple[Inline, ...] | None = None  # in a redline: the title with its changes marked, when it changed
    break_before: bool = False  # starts on a new page (after a one-page summary)

    @property
    def heading(self) -> str:
        return f"{self.label}{self.title}"

    @property
    def label(self) -> str:
        """What stands before the title: "3. ", "Schedule 2: ", "Annex: ", or nothing."""
        if self.kind == "schedule" and self.number:
            return f"Schedule {self.number}: "
        if self.kind == "annex":
            return "Annex: "
        return f"{self.number}. " if self.number else ""

    def heading_runs(self, numbered: bool = True) -> tuple[Inline, ...]:
        """The heading as runs, as `Clause.heading_runs`; `numbered=False` leaves out the number a
        Word list prints ("3." and "Schedule 2"), keeping what follows it (": " after a schedule's)."""
        prefix = self.label
        if not numbered and self.number and self.kind in ("clauses", "schedule"):
            prefix = ": " if self.kind == "schedule" else ""
        return _heading_runs(prefix, self.title, self.title_runs, self.change)


def _heading_runs(prefix: str, title: str, title_runs: tuple[Inline, ...] | None, change: Change) -> tuple[Inline, ...]:
    if change:
        return (Text(prefix + title, change=change),)
    if title_runs is not None:
        return (*((Text(prefix),) if prefix else ()), *title_runs)
    return (Text(prefix + title),)


@dataclass(frozen=True)
class Metadata:
    """What a signed copy needs to be traced back to its source."""

    title: str
    subject: str
    author: str
    keywords: str
    created: str  # ISO date: the agreement's effective date, so output is reproducible
    answers_sha256: str
    clauses: tuple[tuple[str, int], ...]  # (id, version) of every clause used
    generator: str = "agreementkit"
    layers: tuple[tuple[str, str], ...] = ()  # (name, version) of the library layers, the built-in one first
    digests: tuple[tuple[str, str], ...] = ()  # (id, digest of its rendered text), to say which clauses differ
    origins: tuple[tuple[str, str], ...] = ()  # (id, layer name) of each clause a custom layer gave, to say whose wording it is
    # How working days were counted for its dates: "GB-ENG (holidays 0.109)", or "weekends only". Holiday
    # data changes between releases of the holidays package, so a moved date can be told from an edit.
    working_days: str = ""


EventKind = Literal["review", "kpi-report", "objective", "term-end"]


@dataclass(frozen=True)
class DatedEvent:
    """A day the agreement fixes: a review, a report deadline, an objective's due date, the end of the term.

    Worked out in assembly from the same values the clauses print, so a
    calendar written from the model never disagrees with the document.
    `uid` stays the same when the agreement is rendered again, so a calendar
    that imports it a second time updates the event instead of adding another.
    """

    uid: str
    kind: EventKind
    ordinal: int  # its number within its kind: the review's row in the review schedule, the objective's number
    date: date
    title: str  # "Quarterly review 2": what a calendar list shows
    detail: str  # what the document says happens that day, and where it says so
    categories: tuple[str, ...] = ()
    cancelled: bool = False  # in a calendar of changes: the event the old draft had and the new one has not


@dataclass(frozen=True)
class Timeline:
    """The agreement's dated events, with the names a calendar shows for it."""

    name: str  # short enough for a calendar list: "Northwind, Frostline and the Network MOU"
    about: str  # the agreement in one sentence: title, reference, parties, effective date
    events: tuple[DatedEvent, ...] = ()
    sequence: int = 0  # the draft's revision (agreement.revision): every event's SEQUENCE
    stamp: str = ""  # when the calendar was made (ISO 8601, UTC), for DTSTAMP; "" for the effective date


@dataclass(frozen=True)
class RedlineInfo:
    """What makes a document a redline (agreementkit compare), beyond the marks on its runs.

    The summary and the fact that it is a redline belong to neither draft, so writers keep them
    out of the body (a Word comment, a cover before the title, a CriticMarkup comment): accepting
    every change must leave exactly the new draft, rejecting every change the old one. A change
    carries the author and the time a lawyer expects, never the agreement's own dates."""

    summary: tuple[str, ...]
    author: str
    date: str  # when the changes were made, ISO 8601 in UTC: 2027-03-01T00:00:00Z
    front: tuple[tuple[str, tuple[Inline, ...]], ...]  # the title block's lines with their changes (see Document.front)
    toc: Change = None  # the table of contents was added or removed


@dataclass
class Document:
    title: str
    subtitle: str
    reference: str | None
    parties_line: str
    sections: list[Section]
    metadata: Metadata
    annexes: list[Section] = field(default_factory=list)
    toc: bool = False  # begins with a table of contents
    timeline: Timeline = field(default_factory=lambda: Timeline("", ""))
    redline: RedlineInfo | None = None  # set by agreementkit compare

    def front(self) -> tuple[tuple[str, tuple[Inline, ...]], ...]:
        """The title block, line by line: ("title" | "subtitle" | "parties_line" | "reference", runs).
        In a redline the lines carry their changes, and a line only one draft has is marked whole."""
        if self.redline is not None:
            return self.redline.front
        lines: list[tuple[str, tuple[Inline, ...]]] = [
            ("title", (Text(self.title),)), ("subtitle", (Text(self.subtitle),)), ("parties_line", (Text(self.parties_line),))]
        if self.reference:
            lines.append(("reference", (Text(f"Reference {self.reference}"),)))
        return tuple(lines)


def plain(inlines: tuple[Inline, ...] | list[Inline]) -> str:
    """Inline content as plain text, with references at their labels."""
    return "".join(run.text if isinstance(run, Text) else run.label for run in inlines)
