"""Word's list numbering, read as Word shows it: the label before each numbered paragraph.

A DOCX does not store the "4.2" or "(c)" a reader sees: Word computes it from
the numbering part (abstract list definitions, list instances pointing at
them, overrides) and the paragraph and style properties that attach a
paragraph to a list. This module does that computation once, for every reader
in the package: `inspect` and the tests reading our own DOCX back, the redline
tests checking numbers after accepting or rejecting changes, and `library
import` reading a firm's precedent, whose numbering can be anything Word can
make. It covers what firms' documents use:

- number formats decimal, decimalZero, lowerLetter / upperLetter (a..z, aa..zz),
  lowerRoman / upperRoman, bullet (the level's own character), none;
- multi-level texts such as "%1.%2" or "Article %1", and isLgl (legal style:
  every level shown in decimal);
- start values, and startOverride or a whole replacement w:lvl in a list
  instance's lvlOverride;
- lvlRestart (a level that restarts only after a given higher level, or never);
- numbering through a paragraph's style and that style's basedOn chain, the
  level taken from the abstract list's pStyle when the style gives no ilvl;
- list styles (numStyleLink / styleLink), and numId 0 switching numbering off.

Instances of one abstract list share their counters (Word continues the list)
until an instance with a startOverride is first used, as Word does. Numbered
paragraphs inside tables and content controls count in document order.
Everything is read defensively: a malformed value is treated as absent, never
raised, since the importer reads files nobody here wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from ..document import letters

_W_VAL = qn("w:val")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def roman(value: int) -> str:
    """1 -> i, 4 -> iv, 1999 -> mcmxcix (lower case; Word's lowerRoman). 0 and below give ''."""
    out = []
    for amount, numeral in _ROMAN:
        while value >= amount:
            out.append(numeral)
            value -= amount
    return "".join(out)


def format_number(value: int, fmt: str) -> str:
    """One level's counter in a Word number format (an unknown format prints in decimal, as Word falls back)."""
    if fmt == "lowerLetter":
        return letters(value - 1) if value > 0 else ""
    if fmt == "upperLetter":
        return letters(value - 1).upper() if value > 0 else ""
    if fmt == "lowerRoman":
        return roman(value)
    if fmt == "upperRoman":
        return roman(value).upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


@dataclass(frozen=True)
class ListNumber:
    """A numbered paragraph as Word shows it: its label and where the label comes from."""

    label: str  # "4.2", "(c)", "Article IV", a bullet character
    num_id: str  # the list instance (w:num)
    abstract_id: str  # the abstract list whose counters it advances
    level: int  # 0-based ilvl
    format: str  # the level's numFmt: decimal, lowerLetter, bullet, ...

    @property
    def bullet(self) -> bool:
        return self.format == "bullet"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(element: Any, tag: str) -> str | None:
    found = element.find(qn(tag)) if element is not None else None
    return found.get(_W_VAL) if found is not None else None


class NumberingReader:
    """The numbering definitions of one document; `number(p)` called on its paragraphs in document
    order gives each one's label, advancing the counters as Word does."""

    def __init__(self, document: Any):
        part = document.part
        # Read without creating a numbering part: python-docx adds an empty one on access.
        has_numbering = any(rel.reltype.endswith("/numbering") for rel in part.rels.values())
        numbering = part.numbering_part.element if has_numbering else None
        self.abstracts: dict[str, Any] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Any]]] = {}
        if numbering is not None:
            for abstract in numbering.findall(qn("w:abstractNum")):
                self.abstracts[abstract.get(qn("w:abstractNumId")) or ""] = abstract
            for num in numbering.findall(qn("w:num")):
                starts: dict[int, int] = {}
                levels: dict[int, Any] = {}
                for override in num.findall(qn("w:lvlOverride")):
                    level = _int(override.get(qn("w:ilvl")), -1)
                    start = _val(override, "w:startOverride")
                    if start is not None:
                        starts[level] = _int(start, 1)
                    replacement = override.find(qn("w:lvl"))
                    if replacement is not None:
                        levels[level] = replacement
                self.nums[num.get(qn("w:numId")) or ""] = (_val(num, "w:abstractNumId") or "", starts, levels)
        self.styles: dict[str, Any] = {}
        if any(rel.reltype.endswith("/styles") for rel in part.rels.values()):
            self.styles = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()

    def _style_chain(self, style_id: str | None) -> list[Any]:
        chain: list[Any] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            style_id = _val(style, "w:basedOn")
        return chain

    def _abstract_of(self, num_id: str) -> str | None:
        """The abstract list a list instance counts in, following list styles (numStyleLink)."""
        seen: set[str] = set()
        while num_id in self.nums and num_id not in seen:
            seen.add(num_id)
            abstract_id = self.nums[num_id][0]
            abstract = self.abstracts.get(abstract_id)
            if abstract is None:
                return None
            link = _val(abstract, "w:numStyleLink")
            if link is None:
                return abstract_id
            style = self.styles.get(link)
            linked = _val(style.find(qn("w:pPr")).find(qn("w:numPr")), "w:numId") if (
                style is not None and style.find(qn("w:pPr")) is not None
                and style.find(qn("w:pPr")).find(qn("w:numPr")) is not None) else None
            if linked is None:
                return None
            num_id = linked
        return None

    def _levels(self, num_id: str, abstract_id: str) -> dict[int, Any]:
        levels = {_int(x.get(qn("w:ilvl")), -1): x for x in self.abstracts[abstract_id].findall(qn("w:lvl"))}
        levels.update(self.nums[num_id][2])
        return levels

    def number(self, p: Any) -> ListNumber | None:
        """The number Word shows before paragraph `p` (a w:p), or None; counts it."""
        ppr = p.find(qn("w:pPr"))
        own_style = _val(ppr, "w:pStyle")
        chain = self._style_chain(own_style)
        num_id: str | None = None
        ilvl: str | None = None
        for props in [ppr, *(s.find(qn("w:pPr")) for s in chain)]:
            numpr = props.find(qn("w:numPr")) if props is not None else None
            if numpr is None:
                continue
            num_id = num_id if num_id is not None else _val(numpr, "w:numId")
            ilvl = ilvl if ilvl is not None else _val(numpr, "w:ilvl")
            if num_id is not None and ilvl is not None:
                break
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract_id = self._abstract_of(num_id)
        if abstract_id is None:
            return None
        levels = self._levels(num_id, abstract_id)
        if ilvl is not None:
            level = _int(ilvl, 0)
        else:  # the level whose pStyle is the paragraph's style (or one it is based on), else the first
            names = [s.get(qn("w:styleId")) for s in chain]
            level = next((index for name in names for index, lvl in sorted(levels.items())
                          if _val(lvl, "w:pStyle") == name), 0)
        lvl = levels.get(level)
        if lvl is None:
            return None
        count = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for restart_level, start in self.nums[num_id][1].items():
                count[restart_level] = start - 1
                for deeper in [k for k in count if k > restart_level]:
                    del count[deeper]
        for deeper in [k for k in count if k > level]:
            restart = _val(levels.get(deeper), "w:lvlRestart")
            after = deeper if restart is None else _int(restart, deeper)  # 1-based: restarts when a level < after is used
            after = deeper if after > deeper or after < 0 else after  # a later level than itself: ignored, as Word does
            if after and level < after:
                del count[deeper]
        count[level] = count.get(level, self._start(levels, level) - 1) + 1
        legal = lvl.find(qn("w:isLgl")) is not None and _val(lvl, "w:isLgl") not in ("0", "false", "off")
        fmt = self._format(lvl)
        text = _val(lvl, "w:lvlText") or ""
        if fmt != "bullet":
            for index in range(9, 0, -1):
                marker = f"%{index}"
                if marker in text:
                    shown = count.get(index - 1, self._start(levels, index - 1))
                    level_fmt = "decimal" if legal and index - 1 < level else self._format(levels.get(index - 1))
                    text = text.replace(marker, format_number(shown, level_fmt))
        return ListNumber(text, num_id, abstract_id, level, fmt)

    @staticmethod
    def _start(levels: dict[int, Any], level: int) -> int:
        return _int(_val(levels.get(level), "w:start"), 1)

    @staticmethod
    def _format(lvl: Any) -> str:
        if lvl is None:
            return "decimal"
        found = lvl.find(qn("w:numFmt"))
        if found is None:  # Word 2010 writes some formats inside mc:AlternateContent
            found = next(lvl.iter(qn("w:numFmt")), None)
        return (found.get(_W_VAL) if found is not None else None) or "decimal"


def paragraph_numbers(document: Any) -> dict[Any, ListNumber]:
    """Every numbered paragraph of the body (tables and content controls included), keyed by its w:p."""
    reader = NumberingReader(document)
    found: dict[Any, ListNumber] = {}
    for p in document.element.body.iter(qn("w:p")):
        if any(a.tag == _FALLBACK for a in p.iterancestors()):
            continue  # the text-box copy Word keeps for older readers
        number = reader.number(p)
        if number is not None:
            found[p] = number
    return found


def list_labels(document: Any) -> list[str]:
    """The number Word shows before each paragraph directly in the body ('' where none), in the
    order of python-docx's Document.paragraphs. Used to read a DOCX back (ours in inspect and the
    tests, a firm's in library import) as a reader in Word sees it."""
    numbers = paragraph_numbers(document)
    return [number.label if (number := numbers.get(p)) is not None else ""
            for p in document.element.body.findall(qn("w:p"))]


__all__ = ["ListNumber", "NumberingReader", "format_number", "list_labels", "paragraph_numbers", "roman"]
