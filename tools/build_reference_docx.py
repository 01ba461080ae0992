"""Build templates/reference.docx, the house style of the DOCX writer.

Run once when the built-in house style changes; the result is committed.
Legal teams restyle by opening reference.docx in Word and editing its
styles (Modify Style), as with pandoc's --reference-doc: the writer uses the
styles by name and adds no direct formatting of its own.

    python tools/build_reference_docx.py
"""

from __future__ import annotations

import copy
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from agreementkit.writers.wordml import install_lists

OUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
BODY_FONT = "Cambria"
HEADING_FONT = "Calibri"


def set_fonts(style, name: str) -> None:
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    # Complex-script and East Asian text fall back to fonts Word ships.
    fonts.set(qn("w:cs"), "Arial")
    fonts.set(qn("w:eastAsia"), "Microsoft YaHei")


def field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update on open."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def paragraph_style(styles, name: str, base: str, **fmt):
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    pf = style.paragraph_format
    for key, value in fmt.items():
        setattr(pf, key, value)
    return style


def table_style(styles) -> None:
    """'Schedule Table': grid lines, a shaded bold header row, a bold totals row."""
    grid = styles["Table Grid"].element
    element = copy.deepcopy(grid)
    element.set(qn("w:styleId"), "ScheduleTable")
    element.find(qn("w:name")).set(qn("w:val"), "Schedule Table")
    for tag in ("w:uiPriority", "w:rsid"):
        for found in element.findall(qn(tag)):
            element.remove(found)
    tblpr = element.find(qn("w:tblPr"))
    borders = tblpr.find(qn("w:tblBorders"))
    for edge in borders:
        edge.set(qn("w:color"), "9AA7B5")
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("left", 90), ("bottom", 40), ("right", 90)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(width))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)
    for kind, fill in (("firstRow", "E8EDF3"), ("lastRow", "F4F6F9")):
        cond = OxmlElement("w:tblStylePr")
        cond.set(qn("w:type"), kind)
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:b"))
        cond.append(rpr)
        tcpr = OxmlElement("w:tcPr")
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tcpr.append(shd)
        cond.append(tcpr)
        element.append(cond)
    grid.addnext(element)


def main() -> None:
    document = docx.Document()
    styles = document.styles

    normal = styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(5)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.widow_control = True

    body = paragraph_style(styles, "Body Text", "Normal", space_after=Pt(5))
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = styles["Title"]
    set_fonts(title, HEADING_FONT)
    title.font.size = Pt(24)
    title.font.color.rgb = NAVY
    title.paragraph_format.space_before = Pt(36)
    subtitle = styles["Subtitle"]
    set_fonts(subtitle, BODY_FONT)
    subtitle.font.size = Pt(13)
    subtitle.font.italic = False
    subtitle.font.color.rgb = RGBColor(0x33, 0x33, 0x33)

    for name, size, before in (("Heading 1", 13, 16), ("Heading 2", 10.5, 9)):
        style = styles[name]
        set_fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY if name == "Heading 1" else RGBColor(0x1A, 0x1A, 0x1A)
        style.font.bold = True
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(3)
        style.paragraph_format.keep_with_next = True

    schedule = paragraph_style(styles, "Schedule Heading", "Heading 1", page_break_before=True)
    schedule.next_paragraph_style = body

    paragraph_style(styles, "List Bullet", "Normal", left_indent=Cm(1.0), first_line_indent=Cm(-0.5), space_after=Pt(2))
    subclause = paragraph_style(
        styles, "Sub-clause", "Normal", left_indent=Cm(1.0), first_line_indent=Cm(-1.0), space_after=Pt(2)
    )
    subclause.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))

    table_text = paragraph_style(styles, "Table Text", "Normal", space_after=Pt(0), line_spacing=1.0)
    table_text.font.size = Pt(9)
    paragraph_style(styles, "Table Number", "Table Text", alignment=WD_ALIGN_PARAGRAPH.RIGHT)

    party = paragraph_style(styles, "Signature Party", "Normal", space_before=Pt(18), keep_with_next=True)
    party.font.size = Pt(10.5)
    line = paragraph_style(styles, "Signature Line", "Normal", space_before=Pt(22), keep_with_next=True)
    line.font.size = Pt(9)
    line_border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "333333")):
        top.set(qn(f"w:{key}"), value)
    line_border.append(top)
    line.element.get_or_add_pPr().append(line_border)
    line.paragraph_format.right_indent = Cm(8)
    detail = paragraph_style(styles, "Signature Detail", "Normal", space_after=Pt(2), keep_with_next=True)
    detail.paragraph_format.tab_stops.add_tab_stop(Cm(1.6))

    table_style(styles)

    # The table of contents (`--toc`): Word's own TOC styles, entries with a dotted leader to the page number.
    toc_heading = paragraph_style(styles, "TOC Heading", "Heading 1")
    toc_heading.paragraph_format.keep_with_next = True
    text_width = Cm(21.0 - 2 * 2.2)
    for level, indent in ((1, 0.0), (2, 0.6)):
        toc = paragraph_style(styles, f"TOC {level}", "Normal", left_indent=Cm(indent), space_after=Pt(2))
        toc.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if level == 1:
            toc.font.bold = True
            toc.paragraph_format.space_before = Pt(4)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.4)
    for element in (section.header, section.footer):
        element.is_linked_to_previous = False
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.style = styles["Footer"]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("Page ")
        field(p, "PAGE")
        p.add_run(" of ")
        field(p, "NUMPAGES")

    props = document.core_properties
    props.author = props.last_modified_by = "agreementkit"
    props.title = props.subject = props.keywords = props.comments = ""

    # The clause and sub-clause lists, attached to their styles: restyle their indents in Word
    # (Define New Multilevel List) and the writer keeps them.
    ids = {key: styles[name].style_id for key, name in (("section", "Heading 1"), ("clause", "Heading 2"),
                                                        ("subclause", "Sub-clause"), ("schedule", "Schedule Heading"))}
    install_lists(document, ids)

    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    document.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
