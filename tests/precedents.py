"""Word precedents built in the tests with python-docx, in the shapes firms have.

`Precedent` writes paragraphs from a little markup: **bold**, *italic* and
==highlighted== runs, so a test reads like the document it builds. Word list
numbering, content controls, merge fields, comments, footnote references and
tracked changes are written as the XML Word itself writes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

_MARKUP = re.compile(r"(\*\*.+?\*\*|==.+?==|(?<![*\w])\*[^*]+?\*(?![*\w]))")
W = nsdecls("w")


class Precedent:
    def __init__(self) -> None:
        self.doc = docx.Document()
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.lists: list[str] = []  # abstractNum XML added to the numbering part
        self.nums: list[str] = []

    # -- paragraphs ---------------------------------------------------------------------------
    def p(self, text: str = "", style: str | None = None, numbering: tuple[int, int] | None = None) -> Any:
        paragraph = self.doc.add_paragraph(style=style)
        self.runs(paragraph, text)
        if numbering is not None:
            num_id, level = numbering
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
        return paragraph

    @staticmethod
    def runs(paragraph: Any, text: str) -> None:
        for piece in _MARKUP.split(text):
            if not piece:
                continue
            if piece.startswith("**") and piece.endswith("**"):
                paragraph.add_run(piece[2:-2]).bold = True
            elif piece.startswith("==") and piece.endswith("=="):
                paragraph.add_run(piece[2:-2]).font.highlight_color = WD_COLOR_INDEX.YELLOW
            elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
                paragraph.add_run(piece[1:-1]).italic = True
            else:
                paragraph.add_run(piece)

    def title(self, text: str) -> Any:
        return self.p(text, style="Title")

    def heading(self, text: str, level: int = 1) -> Any:
        return self.p(text, style=f"Heading {level}")

    def table(self, rows: list[list[str]]) -> Any:
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                self.runs(cell.paragraphs[0], text)
        return table

    # -- Word's own numbering -----------------------------------------------------------------
    def numbering(self, *levels: tuple[str, str], style_links: dict[int, str] | None = None) -> int:
        """A list definition (one (format, text) per level, e.g. ("decimal", "%1.")); its numId."""
        abstract = len(self.lists) + 10
        xml_levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            + (f'<w:pStyle w:val="{style_links[i]}"/>' if style_links and i in style_links else "")
            + f'<w:lvlText w:val="{text}"/><w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(levels))
        self.lists.append(f'<w:abstractNum {W} w:abstractNumId="{abstract}">{xml_levels}</w:abstractNum>')
        num_id = len(self.nums) + 20
        self.nums.append(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/></w:num>')
        return num_id

    def number_style(self, style_name: str, num_id: int, level: int) -> None:
        """Attach list numbering to a paragraph style, as a firm's heading styles carry it."""
        style = self.doc.styles[style_name]
        style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    # -- controls, fields, notes, revisions ---------------------------------------------------
    def control(self, paragraph: Any, alias: str, shown: str, *, options: list[str] | None = None, date: bool = False,
                placeholder: bool = True) -> None:
        props = f'<w:alias w:val="{alias}"/><w:tag w:val="{alias.lower().replace(" ", "_")}"/>'
        if placeholder:
            props += "<w:showingPlcHdr/>"
        if options:
            props += "<w:dropDownList>" + "".join(f'<w:listItem w:displayText="{o}" w:value="{o}"/>' for o in options) \
                     + "</w:dropDownList>"
        if date:
            props += '<w:date><w:dateFormat w:val="d MMMM yyyy"/></w:date>'
        paragraph._p.append(parse_xml(
            f'<w:sdt {W}><w:sdtPr>{props}</w:sdtPr><w:sdtContent><w:r><w:t xml:space="preserve">{shown}</w:t></w:r>'
            "</w:sdtContent></w:sdt>"))

    def merge_field(self, paragraph: Any, name: str) -> None:
        for xml in ('<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                    f'<w:r {{W}}><w:instrText xml:space="preserve"> MERGEFIELD {name} \\* MERGEFORMAT </w:instrText></w:r>',
                    '<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
                    f'<w:r {{W}}><w:t>\u00ab{name}\u00bb</w:t></w:r>',
                    '<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'):
            paragraph._p.append(parse_xml(xml.replace("{W}", W)))

    def footnote_reference(self, paragraph: Any, note_id: int = 1) -> None:
        paragraph._p.append(parse_xml(f'<w:r {W}><w:footnoteReference w:id="{note_id}"/></w:r>'))

    def inserted(self, paragraph: Any, text: str, author: str = "A. Lawyer") -> None:
        paragraph._p.append(parse_xml(
            f'<w:ins {W} w:id="901" w:author="{author}" w:date="2026-05-01T00:00:00Z"><w:r><w:t xml:space="preserve">{text}'
            "</w:t></w:r></w:ins>"))

    def deleted(self, paragraph: Any, text: str, author: str = "A. Lawyer") -> None:
        paragraph._p.append(parse_xml(
            f'<w:del {W} w:id="902" w:author="{author}" w:date="2026-05-01T00:00:00Z"><w:r><w:delText xml:space="preserve">'
            f"{text}</w:delText></w:r></w:del>"))

    def image(self, paragraph: Any) -> None:
        import io
        import struct
        import zlib

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
        paragraph.add_run().add_picture(io.BytesIO(png))

    def save(self, path: Path) -> Path:
        if self.lists:
            numbering = self.doc.part.numbering_part.element
            for old in list(numbering):
                numbering.remove(old)
            for xml in self.lists:
                numbering.append(parse_xml(xml))
            for xml in self.nums:
                numbering.append(parse_xml(xml))
        self.doc.save(str(path))
        return path


def paragraph_texts(path: Path) -> list[str]:
    """Every paragraph's text as python-docx reads it (an independent reading of the precedent)."""
    document = docx.Document(str(path))
    return [" ".join(p.text.split()) for p in document.paragraphs]
