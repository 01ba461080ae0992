"""The DOCX writer: the document in the styles of the reference DOCX.

Every paragraph and table takes a named style from `templates/reference.docx`
(as pandoc's --reference-doc), so a legal team restyles the output in Word.
Section, clause and sub-clause numbers are Word list numbering on those
styles, and cross-references are REF fields to bookmarked headings (see
wordml.py), so inserting a clause in Word renumbers everything after it and
updating fields corrects every reference. Word computes the same numbers the
model assigned, which the other writers print.

python-docx finds a style by scanning all styles on every
`add_paragraph(style=name)`; we resolve each style id once and set it
directly, which is most of why this writer beats a naive build.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..document import (
    Block,
    Cell,
    Change,
    Clause,
    Document,
    Figure,
    Inline,
    ItemList,
    Paragraph,
    Ref,
    Section,
    SignatureBlock,
    Table,
    Text,
    changed,
)
from ..resources import builtin_templates
from .wordml import (
    Bookmarks,
    Revisions,
    field_runs,
    install_lists,
    ref_instruction,
    run_element,
    set_numbering,
    update_fields_on_open,
)

REFERENCE = "reference.docx"

# The styles the writer uses, by the names a Word user sees.
STYLES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "section": "Heading 1",
    "schedule": "Schedule Heading",
    "clause": "Heading 2",
    "body": "Body Text",
    "bullet": "List Bullet",
    "subclause": "Sub-clause",
    "cell": "Table Text",
    "number": "Table Number",
    "sig_party": "Signature Party",
    "sig_line": "Signature Line",
    "sig_detail": "Signature Detail",
}
# The table of contents' styles (Word's own names); where a house reference DOCX lacks them, heading and body text.
TOC_STYLES = {"toc_heading": "TOC Heading", "toc1": "TOC 1", "toc2": "TOC 2", "caption": "Caption"}
TABLE_STYLE = "Schedule Table"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TRACE_PART = "/customXml/agreementkit.xml"
TRACE_NAMESPACE = "urn:agreementkit:trace:1"


class _Builder:
    def __init__(self, reference: Path, anchors: dict[str, str] | None = None, author: str = "", date: str = ""):
        import docx
        from docx.enum.style import WD_STYLE_TYPE

        self.doc = docx.Document(str(reference))
        body = self.doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        by_name = {s.name: s for s in self.doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        missing = [name for name in STYLES.values() if name not in by_name]
        if missing:
            raise ValueError(f"{reference} lacks the paragraph styles {', '.join(missing)}")
        self.style_ids = {key: by_name[name].style_id for key, name in STYLES.items()}
        for key, name in TOC_STYLES.items():  # optional: an older house reference DOCX may lack them
            fallback = self.style_ids["section" if key == "toc_heading" else "body"]  # (Caption: a chart's caption)
            self.style_ids[key] = by_name[name].style_id if name in by_name else fallback
        self.table_style_id = self.doc.styles[TABLE_STYLE].style_id
        self.lists = install_lists(self.doc, self.style_ids)
        self.bookmarks = Bookmarks()
        self.anchors = anchors or {}  # a referenced id: the heading that carries its bookmark
        self.revisions = Revisions(author, date)  # used only by a redline's change marks

    def paragraph(self, kind: str, runs: tuple[Inline, ...] | str = (), mark: Change = None) -> Any:
        """A paragraph of a style; `mark` tracks its paragraph mark as inserted or deleted where it
        holds no words of its own (an empty paragraph only one draft has)."""
        paragraph = self.doc.add_paragraph()
        self.style(paragraph._p, self.style_ids[kind])
        self.runs(paragraph, (Text(runs),) if isinstance(runs, str) else runs)
        if mark and not runs:
            self.revisions.paragraph_mark(paragraph._p.get_or_add_pPr(), mark)
        return paragraph

    @staticmethod
    def style(p: Any, style_id: str) -> None:
        """Give a new, unstyled paragraph its style (python-docx's setter searches the pPr each time)."""
        from lxml import etree

        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        style = etree.SubElement(ppr, qn("w:pStyle"))
        style.set(qn("w:val"), style_id)
        ppr.insert(0, style)  # pStyle comes first in a pPr

    def runs(self, paragraph: Any, inlines: tuple[Inline, ...]) -> None:
        p = paragraph._p
        for run in inlines:
            if isinstance(run, Ref):
                bookmark = self.bookmarks.name(self.anchors.get(run.target, run.target))
                elements = field_runs(ref_instruction(bookmark), run.label)
            else:
                elements = [run_element(run.text, run.strong, run.emph)]
            if run.change:  # a redline: Word's tracked change, to accept or reject
                p.append(self.revisions.wrap(elements, run.change))
            else:
                for element in elements:
                    p.append(element)
        whole = changed(inlines)
        if whole:
            self.revisions.paragraph_mark(p.get_or_add_pPr(), whole)

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            paragraph = self.paragraph("body", block.inlines)
            if block.keep_with_next:
                paragraph.paragraph_format.keep_with_next = True
        elif isinstance(block, ItemList):
            restart = self.lists.restarted_subclauses() if block.ordered else 0
            for item in block.items:
                if block.ordered:  # lettered by the list: (a), (b), … again from (a) in each list
                    set_numbering(self.paragraph("subclause", item)._p.get_or_add_pPr(), restart, 0)
                else:
                    self.paragraph("bullet", item)  # the List Bullet style draws the bullet
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, SignatureBlock):
            self.signature(block)
        elif isinstance(block, Figure):
            self.figure(block)

    def table(self, table: Table) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        rows = (table.header, *table.rows, *table.footer)
        grid = self.doc.add_table(rows=len(rows), cols=len(table.header))
        grid._tbl.tblStyle_val = self.table_style_id
        look = grid._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:lastRow"), "1" if table.footer else "0")
            look.set(qn("w:firstColumn"), "0")
        self.widths(grid, rows)
        for index, (row, cells) in enumerate(zip(grid.rows, rows)):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
            if index == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))  # the header repeats on each page
            for target, cell in zip(row.cells, cells):
                self.cell(target, cell)
            whole = changed([run for cell in cells for run in cell.inlines])
            if whole:
                self.revisions.row_mark(row._tr, whole)
        # Word joins adjacent tables; keep them apart (and with the table when only one draft has it).
        self.paragraph("body", mark=changed([run for row in rows for cell in row for run in cell.inlines]))

    def widths(self, grid: Any, rows: tuple[tuple[Cell, ...], ...]) -> None:
        """Share the text width as a browser would: no column narrower than its
        longest word, and the rest by how much text each column holds."""
        from docx.shared import Cm, Emu

        from ..document import plain

        section = self.doc.sections[0]
        usable = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        per_char, padding = Cm(0.19), Cm(0.45)
        minimum, desired = [], []
        for column in range(len(rows[0])):
            texts = [plain(row[column].inlines) for row in rows if column < len(row)]
            word = max((len(w) for text in texts for w in text.split()), default=1)
            longest = max(len(text) for text in texts)
            minimum.append(per_char * word + padding)
            desired.append(per_char * min(longest, 60) + padding)
        if sum(desired) <= usable:
            widths = [d * usable / sum(desired) for d in desired]
        else:
            spare = max(usable - sum(minimum), 0)
            extra = [d - m for d, m in zip(desired, minimum)]
            widths = [m + spare * e / (sum(extra) or 1) for m, e in zip(minimum, extra)]
        grid.autofit = False
        for column, share in zip(grid.columns, widths):
            width = Emu(int(share))
            column.width = width  # the table grid, which LibreOffice follows
            for cell in column.cells:  # the cell widths, which Word follows
                cell.width = width

    def cell(self, target: Any, cell: Cell) -> None:
        paragraph = target.paragraphs[0]
        self.style(paragraph._p, self.style_ids["number" if cell.numeric else "cell"])
        self.runs(paragraph, cell.inlines)

    def figure(self, figure: Figure) -> None:
        """The chart's PNG in a paragraph of its own, kept with its caption, with its description as
        the picture's alt text; a redline marks the caption (Word tracks no change to a picture)."""
        from docx.shared import Cm

        paragraph = self.paragraph("body")
        paragraph.paragraph_format.keep_with_next = True
        picture = paragraph.add_run().add_picture(io.BytesIO(figure.png), width=Cm(figure.width))
        picture._inline.docPr.set("descr", figure.description)
        caption = tuple(replace(run, change=figure.change) for run in figure.caption) if figure.change else figure.caption
        self.paragraph("caption", caption)

    def signature(self, block: SignatureBlock) -> None:
        mark = block.change
        description = (Text(f", {block.description}", change=mark),) if block.description else ()
        self.paragraph("sig_party", (Text("Signed for and on behalf of ", change=mark), Text(block.party, strong=True, change=mark),
                                     *description))
        self.paragraph("sig_line", (Text("Signature", change=mark),))
        self.paragraph("sig_detail", (Text(f"Name\t{block.signatory}", change=mark),))
        self.paragraph("sig_detail", (Text(f"Title\t{block.title}", change=mark),))
        self.paragraph("sig_line", (Text("Date", change=mark),))


def _fit(text: str, limit: int = 255) -> str:
    """Word's core properties hold at most 255 characters; the full record is in the trace part."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _properties(builder: _Builder, document: Document) -> None:
    props = builder.doc.core_properties
    meta = document.metadata
    fixed = datetime.fromisoformat(meta.created).replace(tzinfo=timezone.utc)
    props.title = _fit(meta.title)
    props.subject = _fit(meta.subject)
    props.author = _fit(meta.author)
    props.keywords = _fit(meta.keywords)
    props.comments = f"answers sha256 {meta.answers_sha256}; clause ids and versions in {TRACE_PART}"
    props.category = "Memorandum of understanding"
    props.last_modified_by = meta.generator
    props.identifier = meta.answers_sha256
    props.revision = 1
    props.created = props.modified = fixed
    props.last_printed = fixed


def _trace(builder: _Builder, document: Document) -> None:
    """Record the answers hash and every clause id and version in a custom XML part.

    Core properties cap text at 255 characters; a custom XML part is the
    Office-sanctioned place for an application's own data, and Word keeps it.
    """
    from xml.etree import ElementTree

    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    meta = document.metadata
    root = ElementTree.Element(
        "trace", {"xmlns": TRACE_NAMESPACE, "generator": meta.generator, "answers-sha256": meta.answers_sha256}
    )
    if meta.working_days:
        root.set("working-days", meta.working_days)
    for name, layer_version in meta.layers:
        ElementTree.SubElement(root, "layer", {"name": name, "version": layer_version})
    digests, origins = dict(meta.digests), dict(meta.origins)
    for clause_id, version in meta.clauses:
        attributes: dict[str, str] = {"id": clause_id, "version": str(version)}
        if clause_id in digests:
            attributes["digest"] = digests[clause_id]
        if clause_id in origins:
            attributes["layer"] = origins[clause_id]
        ElementTree.SubElement(root, "clause", attributes)
    blob = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    part = Part(PackURI(TRACE_PART), "application/xml", blob, builder.doc.part.package)
    builder.doc.part.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_XML)


def _header(builder: _Builder, title: tuple[Inline, ...]) -> None:
    """The running title in the page header (with its changes in a redline, so accepting or
    rejecting them leaves the header of that draft)."""
    section = builder.doc.sections[0]
    header = section.header
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    for child in list(paragraph._p):
        if child.tag != qn("w:pPr"):
            paragraph._p.remove(child)
    builder.runs(paragraph, title)


def _redline_note(builder: _Builder, document: Document, anchor: Any) -> None:
    """A redline's summary, as a Word comment on the title: it belongs to neither draft, so
    accepting or rejecting every change leaves no trace of it in the text."""
    info = document.redline
    if info is None:
        return
    runs = anchor.runs or [anchor.add_run("")]  # a retitled draft's title is all tracked runs: anchor after them
    comment = builder.doc.add_comment(runs, text="Redline: the changes from the previous draft are tracked. Accept or reject "
                                      "them, then update fields (select all, F9) so that cross-references follow.",
                                      author=info.author, initials="")
    comment._comment_elm.set(qn("w:date"), info.date)
    for line in info.summary:
        comment.add_paragraph(line)


def _reproducible(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps, so equal input gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _anchors(document: Document) -> dict[str, str]:
    """Which heading each referenced id is bookmarked on: a clause's own heading, or for a schedule
    (whose clauses are all "Schedule N") the schedule's heading."""
    referenced = {run.target for s in [*document.sections, *document.annexes] for c in s.clauses for run in c.refs()}
    anchors: dict[str, str] = {}
    for section in document.sections:
        for clause in section.clauses:
            if clause.id in referenced:
                anchors[clause.id] = section.id if section.kind == "schedule" else clause.id
        if section.id in referenced:
            anchors[section.id] = section.id
    return anchors


def _section_heading(builder: _Builder, section: Section, anchored: set[str]) -> None:
    """A section's heading: a clause section's "3." and a schedule's "Schedule 2" come from the
    Word list of its style; a removed section keeps its list number, so rejecting the change
    gives every later section its old number back."""
    if section.kind in ("clauses", "schedule") and section.number:
        style = "section" if section.kind == "clauses" else "schedule"
        paragraph = builder.paragraph(style, section.heading_runs(numbered=False))
    else:
        style = "schedule" if section.kind == "annex" else "section"
        paragraph = builder.paragraph(style, section.heading_runs())
        set_numbering(paragraph._p.get_or_add_pPr(), 0)
    if section.break_before:
        paragraph.paragraph_format.page_break_before = True
    if section.id in anchored:
        builder.bookmarks.wrap(paragraph, section.id)


def _contents(builder: _Builder, document: Document, pages: dict[str, int]) -> None:
    """A TOC field over the heading levels, its cached entries the headings with the pages they fall
    on in the PDF's layout (`pages`), so the entries read right before any update; Word asks to
    update fields on opening and puts its own layout's pages in. In a redline whose drafts differ
    in having one, every paragraph of it is marked."""
    from docx.enum.text import WD_BREAK

    mark = document.redline.toc if document.redline else None
    heading = builder.paragraph("toc_heading", (Text("Contents", change=mark),))
    set_numbering(heading._p.get_or_add_pPr(), 0)
    entries: list[tuple[str, str, str]] = []
    for section in [*document.sections, *document.annexes]:
        if section.change != "del":
            entries.append(("toc1", section.heading, section.id))
            entries += [("toc2", c.heading, c.id) for c in section.clauses if c.number and c.change != "del"]
    begin, instruction, separate, _cached, end = field_runs('TOC \\o "1-2" \\h \\z \\u', "")
    paragraphs = [builder.paragraph(level, (Text(f"{text}\t{pages[key]}" if key in pages else text, change=mark),))._p
                  for level, text, key in entries]
    first_text = paragraphs[0].find(qn("w:r")) if mark is None else paragraphs[0].find(qn("w:ins")) \
        if mark == "ins" else paragraphs[0].find(qn("w:del"))
    field_start = [begin, instruction, separate]
    if mark:
        first_text.addprevious(builder.revisions.wrap(field_start, mark))
        paragraphs[-1].append(builder.revisions.wrap([end], mark))
    else:
        for run in field_start:
            first_text.addprevious(run)
        paragraphs[-1].append(end)
    breaker = builder.doc.add_paragraph()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    if mark:
        run = breaker._p.find(qn("w:r"))
        breaker._p.append(builder.revisions.wrap([run], mark))
        builder.revisions.paragraph_mark(breaker._p.get_or_add_pPr(), mark)
    update_fields_on_open(builder.doc.settings.element)


def _clause_heading(builder: _Builder, clause: Clause, anchored: set[str]) -> None:
    """A clause heading, numbered by Word's list (a removed one too: see `_section_heading`)."""
    paragraph = builder.paragraph("clause", clause.heading_runs(numbered=False))
    if not clause.number:
        set_numbering(paragraph._p.get_or_add_pPr(), 0)
    if clause.id in anchored:
        builder.bookmarks.wrap(paragraph, clause.id)


def write_docx(document: Document, templates: Path | None = None) -> bytes:
    anchors = _anchors(document)
    anchored = set(anchors.values())
    info = document.redline
    builder = _Builder((templates or builtin_templates()) / REFERENCE, anchors,
                       info.author if info else "", info.date if info else "")
    front = dict(document.front())
    _header(builder, front["title"])
    title = builder.paragraph("title", front["title"])
    builder.paragraph("subtitle", front["subtitle"])
    builder.paragraph("body", front["parties_line"])
    if "reference" in front:
        builder.paragraph("body", front["reference"])
    if document.toc:
        from .pdf import heading_pages  # WeasyPrint, only for a DOCX that asks for a table of contents

        _contents(builder, document, heading_pages(document, templates))
    for section in [*document.sections, *document.annexes]:
        _section_heading(builder, section, anchored)
        for clause in section.clauses:
            if clause.title or clause.number:  # a numbered clause keeps its place in Word's count
                _clause_heading(builder, clause, anchored)
            for block in clause.blocks:
                builder.block(block)
    if info is not None:
        builder.revisions.untangle(builder.doc.element.body)
    _redline_note(builder, document, title)
    _properties(builder, document)
    _trace(builder, document)
    buffer = io.BytesIO()
    builder.doc.save(buffer)
    return _reproducible(buffer.getvalue())
