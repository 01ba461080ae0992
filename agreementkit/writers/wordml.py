"""WordprocessingML that python-docx has no API for: list numbering, bookmarks and fields.

A lawyer keeps editing our DOCX in Word. Typed clause numbers go stale the
moment a clause is inserted; Word's own multi-level lists and REF fields do
not. So the clause and sub-clause numbers are list numbering attached to the
heading and sub-clause styles, and every cross-reference is a REF field to a
bookmark on the heading it names, its cached result the label the other
writers print, so the file reads right when opened and stays right when Word
updates its fields.

The number *format* is ours (so Word shows exactly the numbers the PDF
prints); its indents, fonts and spacing are the reference DOCX's, so a legal
team restyles them in Word (Define New Multilevel List) and the writer keeps
what it finds under the list's name.
"""

from __future__ import annotations

import copy

import re
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# The numbering reader lives in numbering.py; inspect, the tests and scripts import it from here.
from .numbering import list_labels

CLAUSE_LIST = "agreementkit clauses"
SUBCLAUSE_LIST = "agreementkit sub-clauses"
SCHEDULE_LIST = "agreementkit schedules"

# (level, format, text, style id, default left indent and hanging in twentieths of a point, what follows the number)
_CLAUSE_LEVELS = ((0, "decimal", "%1.", "Heading1", 567, "tab"), (1, "decimal", "%1.%2", "Heading2", 794, "tab"))
_SUBCLAUSE_LEVELS = ((0, "lowerLetter", "(%1)", "Sub-clause", 567, "tab"),)
# "Schedule 3" is the number itself, so a REF to the heading with \n gives "Schedule 3"; the heading's
# text goes on with ": Title", so Word shows "Schedule 3: Title" as the other writers print it.
_SCHEDULE_LEVELS = ((0, "decimal", "Schedule %1", "Schedule", 0, "nothing"),)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _default_level(level: int, indent: int) -> Any:
    lvl = _element("w:lvl", ilvl=str(level))
    if not indent:  # a number that runs on into the heading's text: the style's own indents
        return lvl
    ppr = _element("w:pPr")
    tabs = _element("w:tabs")
    tabs.append(_element("w:tab", val="num", pos=str(indent)))
    ppr.append(tabs)
    ppr.append(_element("w:ind", left=str(indent), hanging=str(indent)))
    lvl.append(ppr)
    return lvl


def _set_level(lvl: Any, fmt: str, text: str, style_id: str, suffix: str = "tab") -> None:
    """Give a level our number format, keeping whatever indents and fonts it has."""
    for tag in ("w:start", "w:numFmt", "w:lvlRestart", "w:pStyle", "w:isLgl", "w:suff", "w:lvlText", "w:lvlJc"):
        for old in lvl.findall(qn(tag)):
            lvl.remove(old)
    # Schema order: start, numFmt, lvlRestart, pStyle, isLgl, suff, lvlText, lvlPicBulletId, legacy, lvlJc, pPr, rPr
    head = [_element("w:start", val="1"), _element("w:numFmt", val=fmt), _element("w:pStyle", val=style_id),
            _element("w:suff", val=suffix), _element("w:lvlText", val=text), _element("w:lvlJc", val="left")]
    for index, child in enumerate(head):
        lvl.insert(index, child)


@dataclass
class Lists:
    """The list instances the writer numbers paragraphs with."""

    numbering: Any  # the w:numbering element
    clause_num: int
    subclause_abstract: int
    next_num: int

    def restarted_subclauses(self) -> int:
        """A new instance of the sub-clause list starting again at (a): one per list in the model."""
        num = _element("w:num", numId=str(self.next_num))
        num.append(_element("w:abstractNumId", val=str(self.subclause_abstract)))
        override = _element("w:lvlOverride", ilvl="0")
        override.append(_element("w:startOverride", val="1"))
        num.append(override)
        self.numbering.append(num)
        self.next_num += 1
        return self.next_num - 1


def install_lists(document: Any, style_ids: dict[str, str]) -> Lists:
    """Define (or refresh) our two lists in the document's numbering part and attach them to
    the heading and sub-clause styles; `style_ids` maps section/clause/subclause/schedule to style ids."""
    numbering = document.part.numbering_part.element
    abstracts = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
    nums = numbering.findall(qn("w:num"))
    next_abstract = max((int(k) for k in abstracts), default=-1) + 1
    next_num = max((int(n.get(qn("w:numId"))) for n in nums), default=0) + 1

    styled = {"Heading1": style_ids["section"], "Heading2": style_ids["clause"], "Sub-clause": style_ids["subclause"],
              "Schedule": style_ids["schedule"]}
    found: dict[str, str] = {}
    for name, levels in ((CLAUSE_LIST, _CLAUSE_LEVELS), (SUBCLAUSE_LIST, _SUBCLAUSE_LEVELS), (SCHEDULE_LIST, _SCHEDULE_LEVELS)):
        abstract = next((a for a in abstracts.values() if (n := a.find(qn("w:name"))) is not None
                         and n.get(qn("w:val")) == name), None)
        if abstract is None:
            abstract = _element("w:abstractNum", abstractNumId=str(next_abstract))
            next_abstract += 1
            abstract.append(_element("w:multiLevelType", val="multilevel" if len(levels) > 1 else "singleLevel"))
            abstract.append(_element("w:name", val=name))
            first_num = numbering.find(qn("w:num"))  # every abstractNum comes before every num
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        for level, fmt, text, style, indent, suffix in levels:
            lvl = next((x for x in abstract.findall(qn("w:lvl")) if x.get(qn("w:ilvl")) == str(level)), None)
            if lvl is None:
                lvl = _default_level(level, indent)
                abstract.append(lvl)
            _set_level(lvl, fmt, text, styled[style], suffix)
        found[name] = abstract.get(qn("w:abstractNumId"))

    # The plain instance of each list that its styles point to: the reference DOCX's own, else a new one.
    plain: dict[str, int] = {}
    for name, abstract_id in found.items():
        existing = next((int(n.get(qn("w:numId"))) for n in nums if n.find(qn("w:lvlOverride")) is None
                         and n.find(qn("w:abstractNumId")).get(qn("w:val")) == abstract_id), None)
        if existing is None:
            existing, next_num = next_num, next_num + 1
            num = _element("w:num", numId=str(existing))
            num.append(_element("w:abstractNumId", val=abstract_id))
            numbering.append(num)
        plain[name] = existing
    clause_num = plain[CLAUSE_LIST]
    lists = Lists(numbering, clause_num, int(found[SUBCLAUSE_LIST]), next_num)
    base_subclause = plain[SUBCLAUSE_LIST]

    styles = document.styles.element
    attach: tuple[tuple[str, int | None, int], ...] = (
        ("section", 0, clause_num), ("clause", 1, clause_num), ("subclause", 0, base_subclause),
        ("schedule", 0, plain[SCHEDULE_LIST]))
    for key, style_level, num_id in attach:
        style = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_ids[key]}']")
        set_numbering(style.get_or_add_pPr(), num_id, style_level)
    return lists


def set_numbering(ppr: Any, num_id: int, level: int | None = 0) -> None:
    """Number a paragraph (or style) from list instance `num_id` at `level`; num_id 0 switches numbering off."""
    for old in ppr.findall(qn("w:numPr")):
        ppr.remove(old)
    numpr = _element("w:numPr")
    if level is not None and num_id:
        numpr.append(_element("w:ilvl", val=str(level)))
    numpr.append(_element("w:numId", val=str(num_id)))
    # numPr follows pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl in a pPr
    anchor = None
    for tag in ("w:widowControl", "w:framePr", "w:pageBreakBefore", "w:keepLines", "w:keepNext", "w:pStyle"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(numpr)
    else:
        ppr.insert(0, numpr)


_BOOKMARK_CHARS = re.compile(r"[^A-Za-z0-9_]")


class Bookmarks:
    """Hidden bookmarks (`_Ref…`, as Word names its own cross-reference targets) with stable names."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.next_id = 1

    def name(self, target: str) -> str:
        if target not in self.names:
            base = ("_Ref_" + _BOOKMARK_CHARS.sub("_", target))[:36]
            name, n = base, 2
            while name in self.names.values():
                name, n = f"{base[:36 - len(str(n))]}_{n}", n + 1
            self.names[target] = name
        return self.names[target]

    def wrap(self, paragraph: Any, target: str, runs: list[Any] | None = None) -> None:
        """Put a bookmark for `target` around `runs` of the paragraph (all its runs when None)."""
        p = paragraph._p
        start = _element("w:bookmarkStart", id=str(self.next_id), name=self.name(target))
        end = _element("w:bookmarkEnd", id=str(self.next_id))
        self.next_id += 1
        chosen = runs if runs is not None else p.findall(qn("w:r"))
        if chosen:
            chosen[0].addprevious(start)
            chosen[-1].addnext(end)
        else:
            p.append(start)
            p.append(end)


_R, _RPR, _B, _I, _T, _TAB, _BR = (qn(t) for t in ("w:r", "w:rPr", "w:b", "w:i", "w:t", "w:tab", "w:br"))
_SPACE = qn("xml:space")
_PIECES = re.compile(r"(\t|\n)")


def run_element(text: str, strong: bool = False, emph: bool = False) -> Any:
    """A w:r of text, tabs and line breaks, built directly: python-docx's add_run re-scans the run for
    every character class and is most of a large document's writing time."""
    from lxml import etree

    run = OxmlElement("w:r")
    if strong or emph:
        rpr = etree.SubElement(run, _RPR)
        if strong:
            etree.SubElement(rpr, _B)
        if emph:
            etree.SubElement(rpr, _I)
    for piece in _PIECES.split(text):
        if piece == "\t":
            etree.SubElement(run, _TAB)
        elif piece == "\n":
            etree.SubElement(run, _BR)
        elif piece:
            t = etree.SubElement(run, _T)
            t.text = piece
            if piece[0] == " " or piece[-1] == " ":
                t.set(_SPACE, "preserve")
    return run


def field_runs(instruction: str, cached: str) -> list[Any]:
    """The runs of a complex field: begin, instruction, separate, the cached result, end."""
    def run(child: Any) -> Any:
        r = _element("w:r")
        r.append(child)
        return r

    instr = _element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    text = _element("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = cached
    return [run(_element("w:fldChar", fldCharType="begin")), run(instr), run(_element("w:fldChar", fldCharType="separate")),
            run(text), run(_element("w:fldChar", fldCharType="end"))]


class Revisions:
    """Tracked changes (w:ins / w:del), numbered in document order, with the author and the time
    the redline was asked for (`compare --author --date`), so the same inputs give the same bytes."""

    def __init__(self, author: str, date: str):
        self.author = author
        self.date = date  # ISO 8601 in UTC, as Word writes w:date
        self.next_id = 1

    def _mark(self, tag: str) -> Any:
        mark = _element(tag, id=str(self.next_id), author=self.author, date=self.date)
        self.next_id += 1
        return mark

    def wrap(self, runs: list[Any], change: str) -> Any:
        """The runs inside one w:ins or w:del; deleted text becomes w:delText, as Word requires."""
        mark = self._mark("w:ins" if change == "ins" else "w:del")
        for run in runs:
            if change == "del":
                for tag, deleted in (("w:t", "w:delText"), ("w:instrText", "w:delInstrText")):
                    for old in run.findall(qn(tag)):
                        new = _element(deleted)
                        new.set(qn("xml:space"), "preserve")
                        new.text = old.text
                        old.addprevious(new)
                        run.remove(old)
            mark.append(run)
        return mark

    def paragraph_mark(self, ppr: Any, change: str) -> None:
        """Mark a paragraph as inserted or deleted as a whole (its paragraph mark), so accepting the
        change removes or keeps the paragraph itself, not only its words."""
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = _element("w:rPr")
            ppr.append(rpr)  # rPr is the last child of a pPr but for sectPr and pPrChange
        rpr.insert(0, self._mark("w:ins" if change == "ins" else "w:del"))

    def row_mark(self, tr: Any, change: str) -> None:
        trpr = tr.find(qn("w:trPr"))
        if trpr is None:
            trpr = _element("w:trPr")
            tr.insert(0, trpr)
        trpr.append(self._mark("w:ins" if change == "ins" else "w:del"))

    @staticmethod
    def untangle(body: Any) -> None:
        """Keep a change at the end of a paragraph apart from whole paragraphs of the same kind after it.

        LibreOffice reads an insertion at the end of one paragraph and a wholly inserted paragraph
        after it as one change across the paragraph mark between them (by one author, they touch), so
        rejecting it joins the two ("The Network: 20%.All other costs"); deletions likewise. Where the
        paragraphs are alike (items of one list), the inserted paragraphs are marked as Word and
        LibreOffice mark a paragraph typed at the end of another: the earlier paragraph's mark is the
        new one. Elsewhere a replacement at the end is written insertion first, so no two changes
        of one kind touch."""
        children = list(body)
        index = 0
        while index < len(children):
            kind = _mark_kind(children[index])
            if kind is None:
                index += 1
                continue
            end = index
            while end + 1 < len(children) and _mark_kind(children[end + 1]) == kind:
                end += 1
            previous = children[index - 1] if index else None
            if previous is not None and previous.tag == qn("w:p") and _mark_kind(previous) is None:
                tail = [c for c in previous if c.tag not in (qn("w:pPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"),
                                                             qn("w:commentRangeStart"), qn("w:commentRangeEnd"))]
                if tail and tail[-1].tag == qn(f"w:{kind}"):
                    run = children[index:end + 1]
                    if all(_properties(p) == _properties(previous) for p in run):
                        last_mark = run[-1].find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn(f'w:{kind}')}")
                        rpr = last_mark.getparent()
                        rpr.remove(last_mark)
                        if len(rpr) == 0:
                            rpr.getparent().remove(rpr)
                        ppr = previous.find(qn("w:pPr"))
                        if ppr is None:
                            ppr = _element("w:pPr")
                            previous.insert(0, ppr)
                        own = ppr.find(qn("w:rPr"))
                        if own is None:
                            own = _element("w:rPr")
                            ppr.append(own)
                        own.insert(0, last_mark)
                    elif kind == "ins" and len(tail) > 1 and tail[-2].tag == qn("w:del"):
                        tail[-2].addprevious(tail[-1])
                    elif len(tail) > 1 and _plain_run(tail[-2]):
                        Revisions._restate(tail[-2], tail[-1], kind)
            index = end + 1

    @staticmethod
    def _restate(word: Any, change: Any, kind: str) -> None:
        """A paragraph ending in a change of `kind` after the unchanged run `word`, followed by whole
        paragraphs of that kind that are not alike (a heading retitled, then a sub-heading added):
        the unchanged words are written as a replacement that ends in the other kind, `word` +
        change then `word` struck (or the reverse for a deletion), so the two changes do not touch.
        Accepting or rejecting gives the same words as before."""
        other = "del" if kind == "ins" else "ins"
        copied = copy.deepcopy(word)
        first = _element(f"w:{kind}", id=change.get(qn("w:id")), author=change.get(qn("w:author")), date=change.get(qn("w:date")))
        word.addprevious(first)
        first.append(copied)
        if kind == "del":
            for node in copied.findall(qn("w:t")):
                node.tag = qn("w:delText")
        for run in list(change):
            first.append(run)
        change.getparent().remove(change)
        last = _element(f"w:{other}", id=str(int(change.get(qn("w:id"))) + 100000), author=change.get(qn("w:author")),
                        date=change.get(qn("w:date")))
        word.addprevious(last)
        last.append(word)
        if other == "del":
            for node in word.findall(qn("w:t")):
                node.tag = qn("w:delText")


def _plain_run(element: Any) -> bool:
    """An unchanged run of words only (no field characters), which `_restate` may write as a replacement."""
    return element.tag == qn("w:r") and element.find(qn("w:t")) is not None and element.find(qn("w:fldChar")) is None \
        and element.find(qn("w:instrText")) is None


def _mark_kind(element: Any) -> str | None:
    """'ins' or 'del' when a paragraph's mark is tracked as inserted or deleted."""
    if element.tag != qn("w:p"):
        return None
    rpr = element.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    if rpr is None:
        return None
    for tag in ("ins", "del"):
        if rpr.find(qn(f"w:{tag}")) is not None:
            return tag
    return None


def _properties(p: Any) -> bytes:
    """A paragraph's properties without its mark's run properties, to tell whether two are alike."""
    from lxml import etree

    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        return b""
    copy = etree.fromstring(etree.tostring(ppr))
    for rpr in copy.findall(qn("w:rPr")):
        copy.remove(rpr)
    return etree.tostring(copy, method="c14n")


_SETTINGS_AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids")


def update_fields_on_open(settings: Any) -> None:
    """Ask Word to update fields when the file is opened, so a table of contents written without
    page numbers (only Word's layout knows them) gets them at once."""
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    flag = _element("w:updateFields", val="true")
    anchor = next((found for tag in _SETTINGS_AFTER_UPDATE_FIELDS if (found := settings.find(qn(tag))) is not None), None)
    if anchor is not None:
        anchor.addprevious(flag)
    else:
        settings.append(flag)


def ref_instruction(bookmark: str) -> str:
    """REF to a numbered heading gives its number without context (\\n: "9.4", not "9.4." or the
    heading's text; "Schedule 3" for a schedule's heading). \\h makes it a link."""
    return f"REF {bookmark} \\n \\h"


__all__ = ["run_element", "Revisions", "list_labels", "install_lists", "set_numbering", "Lists", "Bookmarks", "field_runs", "ref_instruction", "update_fields_on_open",
           "CLAUSE_LIST", "SUBCLAUSE_LIST", "SCHEDULE_LIST"]
