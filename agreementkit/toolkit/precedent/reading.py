"""A precedent's body as the importer needs it: paragraphs and tables of formatted spans.

Word stores a paragraph as runs of text with their properties, wrapped in
hyperlinks, content controls, fields, smart tags and revision marks. This
module flattens that into spans that keep what the clause Markdown keeps
(bold, italics), what marks a blank (highlighting, a content control, a merge
or form field) and what has to be dropped but reported (images, footnotes,
comments, fields, text boxes), with each paragraph's style, heading level and
the list number Word shows before it (read by the one numbering reader in
`writers.numbering`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from ...writers.numbering import ListNumber, paragraph_numbers

_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_UNWRAP = {qn(t) for t in ("w:hyperlink", "w:smartTag", "w:customXml", "w:ins", "w:moveTo", "w:dir", "w:bdo")}
_SYMBOL_CHARS = {0xF0B7: "\u2022", 0xF0A7: "\u25aa", 0xF0D8: "\u27a2", 0xF0FC: "\u2713", 0xF06F: "o", 0xF02D: "-"}


@dataclass(frozen=True)
class Field:
    """A blank Word marks itself: a content control, a merge field or a legacy form field."""

    kind: str  # "content control", "merge field", "form field"
    name: str  # the control's title or tag, the field's name
    shown: str  # the text it shows now (its placeholder text, or the «Name» of a merge field)
    options: tuple[str, ...] = ()  # a drop-down list's entries
    date: bool = False  # a date picker
    checkbox: bool = False


@dataclass
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    highlight: bool = False
    field: Field | None = None


@dataclass(frozen=True)
class Note:
    """Something of the precedent that a clause file cannot hold, for the report."""

    kind: str  # image, footnote, endnote, comment, field, content control, text box, equation, embedded document
    text: str
    paragraph: int


@dataclass
class Para:
    number: int  # the body block it is in, counted from 1 in document order (a table is one block)
    spans: list[Span]
    style: str = ""
    outline: int | None = None  # heading level 1-9 from its style or outline level; None for body text
    title_style: bool = False
    toc: bool = False
    style_bold: bool = False  # its paragraph style makes all of it bold (headings usually)
    centered: bool = False
    list_number: ListNumber | None = None
    bookmarks: list[str] = field(default_factory=list)
    in_table: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass
class TableBlock:
    number: int
    rows: list[list[list[Para]]]  # rows of cells of paragraphs


Block = Para | TableBlock


@dataclass
class Body:
    blocks: list[Block]
    notes: list[Note]


def _on(element: Any) -> bool | None:
    """A toggle property (w:b, w:i): True, False, or None when absent."""
    if element is None:
        return None
    value = element.get(qn("w:val"))
    return value not in ("0", "false", "off", "none")


class _Styles:
    def __init__(self, document: Any):
        self.by_id: dict[str, Any] = {}
        try:
            self.by_id = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}
        except (KeyError, ValueError, AttributeError):  # no styles part
            pass

    def chain(self, style_id: str | None) -> list[Any]:
        out: list[Any] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            out.append(self.by_id[style_id])
            based = self.by_id[style_id].find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return out

    @staticmethod
    def name(style: Any) -> str:
        found = style.find(qn("w:name"))
        return (found.get(qn("w:val")) if found is not None else None) or style.get(qn("w:styleId")) or ""

    def run_toggle(self, style_id: str | None, tag: str) -> bool:
        for style in self.chain(style_id):
            rpr = style.find(qn("w:rPr"))
            value = _on(rpr.find(qn(tag))) if rpr is not None else None
            if value is not None:
                return value
        return False


class _Reader:
    def __init__(self, document: Any):
        self.document = document
        self.styles = _Styles(document)
        self.numbers = paragraph_numbers(document)
        self.notes: list[Note] = []
        self.block = 0
        self.fields: list[dict[str, Any]] = []  # open complex fields, outermost first
        self.footnotes = self._notes_part("/footnotes", "w:footnote")
        self.endnotes = self._notes_part("/endnotes", "w:endnote")
        self.comments = self._comments()

    # -- parts beside the body --------------------------------------------------------------
    def _part(self, reltype_end: str) -> Any:
        from lxml import etree

        for rel in self.document.part.rels.values():
            if rel.reltype.endswith(reltype_end) and not rel.is_external:
                part = rel.target_part
                element = getattr(part, "element", None)
                if element is not None:
                    return element
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                try:
                    return etree.fromstring(part.blob, parser)
                except etree.XMLSyntaxError:
                    return None
        return None

    def _notes_part(self, reltype_end: str, tag: str) -> dict[str, str]:
        root = self._part(reltype_end)
        if root is None:
            return {}
        return {n.get(qn("w:id")) or "": _plain(n) for n in root.findall(qn(tag))}

    def _comments(self) -> dict[str, str]:
        root = self._part("/comments")
        if root is None:
            return {}
        out = {}
        for comment in root.findall(qn("w:comment")):
            author = comment.get(qn("w:author")) or "someone"
            out[comment.get(qn("w:id")) or ""] = f"{author}: {_plain(comment)}"
        return out

    def note(self, kind: str, text: str) -> None:
        self.notes.append(Note(kind, " ".join(text.split()), self.block))

    # -- the body ---------------------------------------------------------------------------
    def body(self) -> Body:
        blocks: list[Block] = []
        self.blocks_of(self.document.element.body, blocks)
        return Body(blocks, self.notes)

    def blocks_of(self, container: Any, out: list[Block]) -> None:
        for child in container:
            tag = child.tag
            if tag == qn("w:p"):
                self.block += 1
                out.append(self.paragraph(child))
            elif tag == qn("w:tbl"):
                self.block += 1
                out.append(self.table(child))
            elif tag == qn("w:sdt"):
                self.note("content control", f"a block content control{_sdt_label(child)} around the paragraphs that follow; "
                                             "its text is imported, the control is not")
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.blocks_of(content, out)
            elif tag == qn("w:customXml"):
                self.blocks_of(child, out)
            elif tag == qn("w:altChunk"):
                self.note("embedded document", "an embedded document (altChunk) is not imported")

    def table(self, tbl: Any) -> TableBlock:
        rows: list[list[list[Para]]] = []
        for tr in tbl.findall(qn("w:tr")):
            row: list[list[Para]] = []
            for tc in tr.findall(qn("w:tc")):
                paragraphs: list[Para] = []
                for child in tc:
                    if child.tag == qn("w:p"):
                        paragraphs.append(self.paragraph(child, in_table=True))
                    elif child.tag == qn("w:tbl"):
                        self.note("table", "a table inside a table cell is flattened into the cell's text")
                        inner = self.table(child)
                        paragraphs.extend(p for r in inner.rows for c in r for p in c)
                    elif child.tag == qn("w:sdt"):
                        content = child.find(qn("w:sdtContent"))
                        for p in content.iter(qn("w:p")) if content is not None else []:
                            paragraphs.append(self.paragraph(p, in_table=True))
                tcpr = tc.find(qn("w:tcPr"))
                merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                if merge is not None and merge.get(qn("w:val")) != "restart":
                    paragraphs = []  # the lower part of a vertically merged cell prints nothing of its own
                span = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
                row.append(paragraphs)
                width = _int(span.get(qn("w:val")) if span is not None else None, 1)
                row.extend([] for _ in range(min(width, 50) - 1))
            rows.append(row)
        return TableBlock(self.block, rows)

    def paragraph(self, p: Any, in_table: bool = False) -> Para:
        ppr = p.find(qn("w:pPr"))
        style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style_id = style_el.get(qn("w:val")) if style_el is not None else None
        chain = self.styles.chain(style_id) or self.styles.chain(_default_paragraph_style(self.styles))
        names = [self.styles.name(s) for s in chain]
        outline: int | None = None
        for name in names:
            lowered = name.lower()
            if lowered.startswith("heading ") and lowered[8:].strip().isdigit():
                outline = int(lowered[8:].strip())
                break
        if outline is None:
            for props in [ppr, *(s.find(qn("w:pPr")) for s in chain)]:
                level = props.find(qn("w:outlineLvl")) if props is not None else None
                if level is not None:
                    value = _int(level.get(qn("w:val")), 9)
                    outline = value + 1 if value < 9 else None
                    break
        jc = None
        for props in [ppr, *(s.find(qn("w:pPr")) for s in chain)]:
            found = props.find(qn("w:jc")) if props is not None else None
            if found is not None:
                jc = found.get(qn("w:val"))
                break
        para = Para(
            number=self.block,
            spans=[],
            style=names[0] if names else "",
            outline=outline,
            title_style=any(n.lower() == "title" for n in names),
            toc=any(n.lower().startswith(("toc ", "table of contents", "toc heading")) for n in names),
            style_bold=self.styles.run_toggle(style_id, "w:b") if style_id else False,
            centered=jc == "center",
            list_number=self.numbers.get(p),
            in_table=in_table,
        )
        self.inline(p, para, para.spans)
        for frame in self.fields:  # a field running on into the next paragraph (a table of contents):
            para.spans.extend(frame["spans"])  # the text it shows stays in the paragraph that shows it
            frame["spans"] = []
            frame["spilled"] = True
        para.spans[:] = _merged(para.spans)
        return para

    # -- inline content ---------------------------------------------------------------------
    def inline(self, container: Any, para: Para, out: list[Span]) -> None:
        for child in container:
            tag = child.tag
            if tag == qn("w:r"):
                self.run(child, para, out)
            elif tag in _UNWRAP:
                self.inline(child, para, out)
            elif tag == qn("w:fldSimple"):
                inner: list[Span] = []
                self.inline(child, para, inner)
                self.emit(self.finish_field(child.get(qn("w:instr")) or "", inner), out)
            elif tag == qn("w:sdt"):
                self.control(child, para, out)
            elif tag == qn("w:bookmarkStart"):
                name = child.get(qn("w:name")) or ""
                if name and name != "_GoBack":
                    para.bookmarks.append(name)
            elif tag == qn("w:commentRangeStart"):
                comment = self.comments.get(child.get(qn("w:id")) or "", "")
                self.note("comment", comment or "a comment")
            elif tag == f"{_MC}AlternateContent":
                self.drawing(child)
            elif tag in (f"{_MATH}oMath", f"{_MATH}oMathPara"):
                self.note("equation", "an equation is dropped")

    def emit(self, spans: list[Span], out: list[Span]) -> None:
        """Spans reach the paragraph, or the open field they belong to."""
        if self.fields:
            frame = self.fields[-1]
            if frame["phase"] == "instr":
                frame["instr"] += "".join(s.text for s in spans)
            else:
                frame["spans"].extend(spans)
            return
        out.extend(spans)

    def run(self, r: Any, para: Para, out: list[Span]) -> None:
        rpr = r.find(qn("w:rPr"))
        if rpr is not None and _on(rpr.find(qn("w:vanish"))):
            return  # hidden text: a reader of the document never sees it
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        rstyle_id = rstyle.get(qn("w:val")) if rstyle is not None else None

        def toggle(tag: str) -> bool:
            direct = _on(rpr.find(qn(tag))) if rpr is not None else None
            return direct if direct is not None else self.styles.run_toggle(rstyle_id, tag)

        bold, italic = toggle("w:b"), toggle("w:i")
        mark = rpr.find(qn("w:highlight")) if rpr is not None else None
        highlight = mark is not None and (mark.get(qn("w:val")) or "none") != "none"
        for child in r:
            tag = child.tag
            text = None
            if tag == qn("w:t"):
                text = child.text or ""
            elif tag == qn("w:instrText"):
                if self.fields:
                    self.fields[-1]["instr"] += child.text or ""
                continue
            elif tag in (qn("w:tab"), qn("w:ptab")):
                text = "\t"
            elif tag in (qn("w:br"), qn("w:cr")):
                text = " "
            elif tag == qn("w:noBreakHyphen"):
                text = "-"
            elif tag == qn("w:sym"):
                code = _int(child.get(qn("w:char")), 0, base=16)
                text = _SYMBOL_CHARS.get(code, chr(code - 0xF000) if 0xF020 <= code <= 0xF0FF else (chr(code) if code else ""))
            elif tag == qn("w:fldChar"):
                self.field_char(child, out)
                continue
            elif tag == qn("w:footnoteReference"):
                self.note("footnote", self.footnotes.get(child.get(qn("w:id")) or "", "") or "a footnote")
                continue
            elif tag == qn("w:endnoteReference"):
                self.note("endnote", self.endnotes.get(child.get(qn("w:id")) or "", "") or "an endnote")
                continue
            elif tag in (qn("w:drawing"), qn("w:pict"), qn("w:object")) or tag == f"{_MC}AlternateContent":
                self.drawing(child)
                continue
            if text:
                self.emit([Span(text, bold, italic, highlight)], out)

    def drawing(self, element: Any) -> None:
        words = _plain(element)
        if any(True for _ in element.iter(qn("w:txbxContent"))):
            self.note("text box", f"a text box is dropped: \"{words[:120]}\"" if words else "an empty text box is dropped")
        elif any(str(e.tag).endswith("}chart") for e in element.iter()):
            self.note("image", "a chart is dropped")
        else:
            self.note("image", "an image is dropped")

    def field_char(self, char: Any, out: list[Span]) -> None:
        kind = char.get(qn("w:fldCharType"))
        if kind == "begin":
            self.fields.append({"instr": "", "phase": "instr", "spans": [], "ffdata": char.find(qn("w:ffData"))})
        elif kind == "separate" and self.fields:
            self.fields[-1]["phase"] = "result"
        elif kind == "end" and self.fields:
            frame = self.fields.pop()
            if frame.get("spilled"):
                self.note("field", f"a field over several paragraphs ({' '.join(frame['instr'].split())[:60]}) is kept as its text")
                self.emit(frame["spans"], out)
            else:
                self.emit(self.finish_field(frame["instr"], frame["spans"], frame["ffdata"]), out)

    def finish_field(self, instruction: str, result: list[Span], ffdata: Any = None) -> list[Span]:
        """What a field leaves in the paragraph: a merge or form field becomes a blank; any other field
        leaves its result as text (a REF shows "4.2", a DATE the date it showed) and is reported."""
        words = instruction.split()
        name = words[0].upper() if words else ""
        shown = "".join(s.text for s in result)
        if name == "MERGEFIELD":
            field_name = words[1].strip('"') if len(words) > 1 else "field"
            return [Span(shown or f"\u00ab{field_name}\u00bb", field=Field("merge field", field_name, shown or f"\u00ab{field_name}\u00bb"))]
        if name in ("FORMTEXT", "FORMDROPDOWN", "FORMCHECKBOX"):
            label = ""
            options: tuple[str, ...] = ()
            if ffdata is not None:
                found = ffdata.find(qn("w:name"))
                label = found.get(qn("w:val")) if found is not None else ""
                options = tuple(e.get(qn("w:val")) or "" for e in ffdata.iter(qn("w:listEntry")))
            if name == "FORMCHECKBOX":
                self.note("field", f"a form check box{f' ({label})' if label else ''} is left out; decide its wording by hand")
                return []
            return [Span(shown or "[ ]", field=Field("form field", label or "form field", shown or "[ ]", options))]
        if name and name not in ("REF", "PAGEREF", "NOTEREF", "HYPERLINK"):
            self.note("field", f"a {name} field ({' '.join(words)[:60]}) is kept as the text it showed: \"{shown[:60]}\"")
        elif name in ("REF", "PAGEREF", "NOTEREF"):
            self.note("field", f"a cross-reference field ({' '.join(words)[:60]}) is kept as the text it showed: \"{shown[:60]}\"")
        return result

    def control(self, sdt: Any, para: Para, out: list[Span]) -> None:
        props = sdt.find(qn("w:sdtPr"))
        content = sdt.find(qn("w:sdtContent"))
        inner: list[Span] = []
        if content is not None:
            self.inline(content, para, inner)
        shown = "".join(s.text for s in inner)
        alias = tag = ""
        options: tuple[str, ...] = ()
        date = checkbox = False
        if props is not None:
            found = props.find(qn("w:alias"))
            alias = found.get(qn("w:val")) if found is not None else ""
            found = props.find(qn("w:tag"))
            tag = found.get(qn("w:val")) if found is not None else ""
            date = props.find(qn("w:date")) is not None
            checkbox = props.find(f"{_W14}checkbox") is not None
            for kind in ("w:dropDownList", "w:comboBox"):
                listing = props.find(qn(kind))
                if listing is not None:
                    options = tuple(i.get(qn("w:displayText")) or i.get(qn("w:value")) or ""
                                    for i in listing.findall(qn("w:listItem")))
            if props.find(qn("w:richText")) is not None and not (props.find(qn("w:showingPlcHdr")) is not None):
                # a rich text control around real wording: keep the wording and its formatting
                self.note("content control", f"a rich text content control{_sdt_label(sdt)} is kept as its text")
                self.emit(inner, out)
                return
        if checkbox:
            self.note("content control", f"a check box content control{_sdt_label(sdt)} is left out; decide its wording by hand")
            return
        name = alias or tag or "content control"
        self.emit([Span(shown or "[ ]", field=Field("content control", name, shown or "[ ]", options, date, checkbox))], out)


def _sdt_label(sdt: Any) -> str:
    props = sdt.find(qn("w:sdtPr"))
    for key in ("w:alias", "w:tag"):
        found = props.find(qn(key)) if props is not None else None
        if found is not None and found.get(qn("w:val")):
            return f" ({found.get(qn('w:val'))})"
    return ""


def _default_paragraph_style(styles: _Styles) -> str | None:
    for style_id, style in styles.by_id.items():
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
            return style_id
    return None


def _plain(element: Any) -> str:
    return " ".join("".join(t.text or "" for t in element.iter(qn("w:t"))).split())


def _int(value: str | None, default: int, base: int = 10) -> int:
    try:
        return int(value, base) if value is not None else default
    except ValueError:
        return default


def _merged(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of the same formatting joined, so patterns see whole words."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (last is not None and span.field is None and last.field is None
                and (last.bold, last.italic, last.highlight) == (span.bold, span.italic, span.highlight)):
            last.text += span.text
        elif span.text:
            out.append(Span(span.text, span.bold, span.italic, span.highlight, span.field))
    return out


def read_body(document: Any) -> Body:
    """The precedent's body in document order: paragraphs and tables, and what was dropped from them."""
    return _Reader(document).body()


__all__ = ["Block", "Body", "Field", "Note", "Para", "Span", "TableBlock", "read_body"]
