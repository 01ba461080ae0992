"""Tracked changes in a precedent: found, and on request accepted, as Word's Accept All Changes does.

A precedent with tracked changes has two wordings at once, and which one the
firm means is a human decision; `library import` refuses it unless told to
accept them (`--accept-changes`), and then lists every change it accepted in
the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from ...writers.wordtext import unwrap

_RUN_CHANGES = {"w:ins": "inserted", "w:del": "deleted", "w:moveTo": "moved here", "w:moveFrom": "moved away"}
_PROPERTY_CHANGES = ("w:pPrChange", "w:rPrChange", "w:sectPrChange", "w:tblPrChange", "w:tblPrExChange", "w:tcPrChange",
                     "w:trPrChange", "w:tblGridChange", "w:numberingChange")
_MARKERS = ("w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd",
            "w:customXmlInsRangeStart", "w:customXmlInsRangeEnd", "w:customXmlDelRangeStart", "w:customXmlDelRangeEnd",
            "w:customXmlMoveFromRangeStart", "w:customXmlMoveFromRangeEnd", "w:customXmlMoveToRangeStart",
            "w:customXmlMoveToRangeEnd")


@dataclass(frozen=True)
class Change:
    kind: str  # inserted, deleted, moved here, moved away, formatting, paragraph mark deleted, row deleted, ...
    author: str
    date: str
    text: str  # the words it touches, shortened

    def describe(self) -> str:
        who = f" by {self.author}" if self.author else ""
        when = f" on {self.date[:10]}" if self.date else ""
        words = f": \"{self.text}\"" if self.text else ""
        return f"{self.kind}{who}{when}{words}"


def _words(element: Any) -> str:
    text = "".join(t.text or "" for t in element.iter(qn("w:t"), qn("w:delText"), qn("w:instrText"), qn("w:delInstrText")))
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _change(element: Any, kind: str) -> Change:
    return Change(kind, element.get(qn("w:author")) or "", element.get(qn("w:date")) or "", _words(element))


def tracked_changes(root: Any) -> list[Change]:
    """Every tracked change under `root` (the document element), in document order."""
    found: list[Change] = []
    tags = {qn(t): name for t, name in _RUN_CHANGES.items()}
    properties = {qn(t) for t in _PROPERTY_CHANGES}
    for element in root.iter():
        tag = element.tag
        parent = element.getparent()
        if tag in tags:
            if parent is not None and parent.tag == qn("w:rPr"):
                grand = parent.getparent()
                if grand is not None and grand.tag == qn("w:pPr"):  # the paragraph mark itself
                    found.append(_change(element, "paragraph mark " + tags[tag]))
                continue
            if parent is not None and parent.tag == qn("w:trPr"):
                found.append(_change(element, "table row " + tags[tag]))
                continue
            found.append(_change(element, tags[tag]))
        elif tag in properties:
            found.append(Change("formatting changed", element.get(qn("w:author")) or "", element.get(qn("w:date")) or "", ""))
        elif tag in (qn("w:cellIns"), qn("w:cellDel"), qn("w:cellMerge")):
            found.append(_change(element, "table cell changed"))
    return found


def accept_changes(root: Any) -> None:
    """Accept every tracked change under `root` in place: insertions and moves in stay, deletions and
    moves out go, a deleted paragraph mark joins its paragraph to the next, a deleted row goes, and
    the record of earlier formatting is dropped (the current formatting is the accepted one)."""
    for tag in _PROPERTY_CHANGES:
        for element in list(root.iter(qn(tag))):
            element.getparent().remove(element)
    for tag in _MARKERS:
        for element in list(root.iter(qn(tag))):
            element.getparent().remove(element)
    # Rows and paragraph marks first: their w:ins / w:del are markers inside properties.
    for mark in list(root.iter(qn("w:del"), qn("w:ins"), qn("w:moveFrom"), qn("w:moveTo"))):
        parent = mark.getparent()
        if parent is None:
            continue
        if parent.tag == qn("w:trPr"):
            row = parent.getparent()
            if mark.tag == qn("w:del") and row is not None and row.getparent() is not None:
                row.getparent().remove(row)
            else:
                parent.remove(mark)
        elif parent.tag == qn("w:rPr") and parent.getparent() is not None and parent.getparent().tag == qn("w:pPr"):
            parent.remove(mark)
            if mark.tag in (qn("w:del"), qn("w:moveFrom")):
                _join_with_next(parent.getparent().getparent())
    for mark in list(root.iter(qn("w:del"), qn("w:moveFrom"))):
        if mark.getparent() is not None and mark.getparent().tag != qn("w:rPr"):
            mark.getparent().remove(mark)
    for mark in list(root.iter(qn("w:ins"), qn("w:moveTo"))):
        if mark.getparent() is not None and mark.getparent().tag != qn("w:rPr"):
            unwrap(mark)
    for cell_mark in list(root.iter(qn("w:cellIns"), qn("w:cellDel"), qn("w:cellMerge"))):
        if cell_mark.tag == qn("w:cellDel"):
            cell = cell_mark.getparent().getparent() if cell_mark.getparent() is not None else None
            if cell is not None and cell.getparent() is not None:
                cell.getparent().remove(cell)
                continue
        if cell_mark.getparent() is not None:
            cell_mark.getparent().remove(cell_mark)


def _join_with_next(p: Any) -> None:
    """A deleted paragraph mark: the paragraph's content runs on into the next paragraph, which keeps its
    own properties (Word keeps the formatting of the mark that remains)."""
    if p is None or p.tag != qn("w:p"):
        return
    following = p.getnext()
    while following is not None and following.tag != qn("w:p"):
        if following.tag in (qn("w:tbl"), qn("w:sectPr"), qn("w:sdt")):
            return  # nothing to join with: the paragraph stays as it is
        following = following.getnext()
    if following is None:
        return
    content = [child for child in p if child.tag != qn("w:pPr")]
    ppr = following.find(qn("w:pPr"))
    index = following.index(ppr) + 1 if ppr is not None else 0
    for offset, child in enumerate(content):
        following.insert(index + offset, child)
    p.getparent().remove(p)


__all__ = ["Change", "accept_changes", "tracked_changes"]
