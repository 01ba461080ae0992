"""A DOCX read back as a person in Word reads it: after Accept All or Reject All, fields updated.

A redline is right only if accepting every change gives the new draft and
rejecting every change the old one, numbers and cross-references included.
Word does three things a reader of `word/document.xml` must do too:

- **Accept or reject every tracked change.** Accepting keeps inserted runs
  (`w:ins`) and drops deleted ones (`w:del`) with their content; a deleted
  paragraph mark (`w:pPr/w:rPr/w:del`) goes, so what is left of the paragraph
  runs on into the next one; a deleted table row goes. Rejecting does the
  reverse. A paragraph whose mark goes should have no words left: otherwise
  the change spans a paragraph mark and the words would run into the next
  paragraph (`settle` counts such paragraphs, so tests can insist on none).
- **Number the paragraphs** with Word's list numbering (`numbering.paragraph_numbers`).
- **Update fields** as F9 does: a REF field shows the number of the paragraph
  holding its bookmark (with `\\n`, without a trailing period: every REF
  agreementkit writes asks for the number, so the bookmarked-words form is not
  read); a TOC field's entries are rebuilt from the headings, with
  Word's page numbers, so its cached result is left out here.

The text is what tests and `scripts/check-word-roundtrip` compare: the
redline accepted against a plain render of the new answers, rejected against
the old.
"""

from __future__ import annotations

from typing import Any, Literal

from docx.oxml.ns import qn

from .numbering import paragraph_numbers

Mode = Literal["accept", "reject"]

_P, _R, _T, _TAB, _BR = (qn(t) for t in ("w:p", "w:r", "w:t", "w:tab", "w:br"))
_INS, _DEL, _PPR, _RPR, _TR, _TRPR, _TBL = (qn(t) for t in ("w:ins", "w:del", "w:pPr", "w:rPr", "w:tr", "w:trPr", "w:tbl"))
_FLD, _INSTR = qn("w:fldChar"), qn("w:instrText")


def unwrap(element: Any) -> None:
    """Put an element's children where it stands and drop it (a w:ins kept, its runs ordinary)."""
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _undelete(element: Any) -> None:
    """Deleted text made ordinary again, as rejecting a deletion does."""
    for tag, plain in (("w:delText", "w:t"), ("w:delInstrText", "w:instrText")):
        for node in element.iter(qn(tag)):
            node.tag = qn(plain)


def _properties(p: Any) -> bytes:
    """A paragraph's properties but for its mark's own run properties (and their change marks)."""
    from lxml import etree

    ppr = p.find(_PPR)
    if ppr is None:
        return b""
    copy = etree.fromstring(etree.tostring(ppr))
    for rpr in copy.findall(_RPR):
        copy.remove(rpr)
    return etree.tostring(copy, method="c14n")


def settle(document: Any, mode: Mode) -> int:
    """Accept (or reject) every tracked change in the body of a python-docx Document, in place, as
    Word's Accept All (Reject All) does. Returns how many paragraphs lost their mark while still
    holding words (a change that spans a paragraph mark): 0 for a well-made redline."""
    body = document.element.body
    keep, drop = (_INS, _DEL) if mode == "accept" else (_DEL, _INS)
    # Run-level changes: every w:ins / w:del that is not a mark on a paragraph or row.
    for element in list(body.iter(_INS, _DEL)):
        parent = element.getparent()
        if parent is None or parent.tag in (_RPR, _TRPR):
            continue
        if element.tag == drop:
            parent.remove(element)
        else:
            if mode == "reject":
                _undelete(element)
            unwrap(element)
    # Table rows inserted or deleted whole.
    for row in list(body.iter(_TR)):
        trpr = row.find(_TRPR)
        marks = [m for m in (trpr if trpr is not None else []) if m.tag in (_INS, _DEL)]
        for mark in marks:
            trpr.remove(mark)
        if any(m.tag == drop for m in marks):
            table = row.getparent()
            table.remove(row)
            if table.find(_TR) is None:
                table.getparent().remove(table)
    # Paragraph marks: a dropped mark joins what is left of the paragraph to the next one.
    spanning = 0
    for p in list(body.iter(_P)):
        rpr = p.find(f"{_PPR}/{_RPR}")
        if rpr is None:
            continue
        marks = [m for m in rpr if m.tag in (_INS, _DEL)]
        for mark in marks:
            rpr.remove(mark)
        if not any(m.tag == drop for m in marks):
            continue
        content = [child for child in p if child.tag != _PPR]
        following = p.getnext()
        if following is not None and following.tag != _P:
            following = None  # a table or the section's end: nothing to run on into
        if any((t.text or "") for t in p.iter(_T)) and (following is None or _properties(following) != _properties(p)):
            spanning += 1  # words running on into a paragraph of other properties: Word and LibreOffice differ
        if following is not None:
            anchor = following.find(_PPR)
            for child in reversed(content):
                if anchor is not None:
                    anchor.addnext(child)
                else:
                    following.insert(0, child)
        p.getparent().remove(p)
    return spanning


def _text(node: Any) -> str:
    if node.tag == _TAB:
        return "\t"
    if node.tag == _BR:
        return "\n"
    return node.text or ""


class _Field:
    """A complex field being read: its instruction, and whether its result has begun."""

    def __init__(self) -> None:
        self.instruction = ""
        self.in_result = False
        self.shown = False

    @property
    def kind(self) -> str:
        return (self.instruction.split() or [""])[0].upper()


def word_lines(document: Any) -> list[str]:
    """Every paragraph of the body, table cells included, in reading order, as Word shows it once
    fields are updated: its list number, then its words with each REF field's result worked out
    from the bookmark it names. A TOC field's entries are left out (Word rebuilds them, with page
    numbers only its layout knows)."""
    body = document.element.body
    labels = {p: number.label for p, number in paragraph_numbers(document).items()}
    # The number each bookmark's paragraph carries now (a REF with \\n shows it without a final period).
    numbered: dict[str, str] = {}
    for p in body.iter(_P):
        for mark in p.iter(qn("w:bookmarkStart")):
            numbered[mark.get(qn("w:name"))] = labels.get(p, "").rstrip(".")
    lines: list[str] = []
    fields: list[_Field] = []  # open fields, outermost first; a TOC's result spans paragraphs
    for p in body.iter(_P):
        parts: list[str] = []
        in_toc = any(f.kind == "TOC" for f in fields)
        for node in p.iter(_FLD, _INSTR, _T, _TAB, _BR):
            if node.tag == _FLD:
                kind = node.get(qn("w:fldCharType"))
                if kind == "begin":
                    fields.append(_Field())
                elif kind == "separate" and fields:
                    fields[-1].in_result = True
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if node.tag == _INSTR:
                if fields:
                    fields[-1].instruction += node.text or ""
                continue
            if fields and not fields[-1].in_result:
                continue  # inside an instruction: nothing shows
            if any(f.kind == "TOC" for f in fields):
                in_toc = True
                continue
            ref = next((f for f in reversed(fields) if f.kind == "REF"), None)
            if ref is not None:
                if not ref.shown:
                    words = ref.instruction.split()
                    name = words[1] if len(words) > 1 else ""
                    parts.append(numbered.get(name, "Error! Reference source not found."))
                    ref.shown = True
                continue
            parts.append(_text(node))
        text = "".join(parts)
        if in_toc and not text.strip():
            continue
        label = labels.get(p, "")
        separator = "" if not label or text.startswith(":") else " "
        lines.append(f"{label}{separator}{text}")
    return lines


def text_after(data: bytes, mode: Mode | None) -> tuple[list[str], int]:
    """A DOCX's lines (`word_lines`) after Accept All or Reject All (or as it is, for None), and
    how many paragraphs a change spanned the mark of."""
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    spanning = settle(document, mode) if mode else 0
    return word_lines(document), spanning

__all__ = ["settle", "word_lines", "text_after", "unwrap"]
