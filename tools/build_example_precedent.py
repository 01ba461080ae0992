"""Build examples/precedents/partnership-mou.docx, the small firm precedent the README imports.

It is written as a firm's Word precedent is: clause headings numbered by a
Word multi-level list attached to the Heading 1 style, square-bracket blanks
of several kinds, a table, a defined term, a cross-reference, a highlighted
proposal and a signature block. Run it when the example should change; the
result and the layer it imports to are committed:

    python tools/build_example_precedent.py
    agreementkit library import examples/precedents/partnership-mou.docx -o examples/precedents/partnership-mou --force
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

OUT = Path(__file__).resolve().parent.parent / "examples" / "precedents" / "partnership-mou.docx"
W = nsdecls("w")


def _runs(paragraph: docx.text.paragraph.Paragraph, *pieces: str | tuple[str, str]) -> None:
    for piece in pieces:
        if isinstance(piece, tuple):
            kind, text = piece
            run = paragraph.add_run(text)
            if kind == "bold":
                run.bold = True
            elif kind == "highlight":
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        else:
            paragraph.add_run(piece)


def build() -> Path:
    doc = docx.Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # The firm's clause numbering: a Word list on the Heading 1 style, as "1.", "2.", ...
    numbering = doc.part.numbering_part.element
    for old in list(numbering):
        numbering.remove(old)
    numbering.append(parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="1"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
        '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="1"><w:abstractNumId w:val="1"/></w:num>'))
    doc.styles["Heading 1"].element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:numId w:val="1"/></w:numPr>'))

    doc.add_paragraph("MEMORANDUM OF UNDERSTANDING", style="Title")
    doc.add_paragraph("This Memorandum of Understanding is dated [\u25cf] and is made between [PARTY A NAME] and "
                      "[PARTY B NAME].")
    doc.add_paragraph("Purpose", style="Heading 1")
    doc.add_paragraph('The Parties wish to collaborate on [describe the collaboration] (the "Project") and to test the '
                      "Project with customers in [territory].")
    doc.add_paragraph("Contributions", style="Heading 1")
    doc.add_paragraph("Each Party will contribute the resources set out below:")
    table = doc.add_table(rows=3, cols=3)
    for row, texts in zip(table.rows, [["Party", "Resources", "Value"],
                                       ["[PARTY A NAME]", "Engineering staff and test facilities", "\u00a3[\u25cf]"],
                                       ["[PARTY B NAME]", "Customer access and market research", "\u00a3[\u25cf]"]]):
        for cell, text in zip(row.cells, texts):
            cell.paragraphs[0].add_run(text)
    doc.add_paragraph("Steering Committee", style="Heading 1")
    doc.add_paragraph('The Parties will form a committee (the "Steering Committee") of [\u25cf] representatives of each '
                      "Party, which will meet at least every [\u25cf] months.")
    _runs(doc.add_paragraph(), "The Steering Committee takes its decisions by [unanimity/majority] and meets ",
          ("highlight", "at the offices of the host Party"), ".")
    doc.add_paragraph("Confidentiality", style="Heading 1")
    doc.add_paragraph("Each Party will keep confidential the information another Party gives it and marks as "
                      "confidential, for [\u25cf] years after this Memorandum ends.")
    doc.add_paragraph("Term", style="Heading 1")
    doc.add_paragraph("This Memorandum continues for a term of [\u25cf] months. A Party may withdraw on [30/60/90] "
                      "days' notice to the Steering Committee under clause 3.")
    doc.add_paragraph("Governing law", style="Heading 1")
    doc.add_paragraph("This Memorandum is governed by the laws of [England and Wales].")
    doc.add_paragraph("Signed for and on behalf of [PARTY A NAME]: ______________________")
    doc.add_paragraph("Signed for and on behalf of [PARTY B NAME]: ______________________")
    doc.core_properties.author = "Example firm"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(OUT))
    return OUT


if __name__ == "__main__":
    print(f"wrote {build()}")
