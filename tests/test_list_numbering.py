"""The Word numbering reader (agreementkit.writers.numbering) on numbering a firm's Word makes, not only ours.

Each test writes a numbering part and paragraphs by hand, as Word stores them,
and checks the labels Word would print before each paragraph.
"""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from agreementkit.writers import wordml
from agreementkit.writers.numbering import (
    format_number,
    list_labels,
    paragraph_numbers,
    roman,
)


def _level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def _abstract(abstract_id: int, *levels: str, head: str = "") -> str:
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{head}{"".join(levels)}</w:abstractNum>'


def _num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def _document(numbering: str, paragraphs: list[tuple[str, str]], styles: str = "") -> docx.document.Document:
    """A document whose numbering part is `numbering` (abstractNums then nums) and whose body is
    `paragraphs`: (pPr inner XML, text) each. `styles` are w:style elements added to the styles part."""
    document = docx.Document()
    part = document.part.numbering_part
    part._element = parse_xml(f"<w:numbering {nsdecls('w')}>{numbering}</w:numbering>")
    for style in parse_xml(f"<w:styles {nsdecls('w')}>{styles}</w:styles>"):
        document.styles.element.append(style)
    body = document.element.body
    for ppr, text in paragraphs:
        body.insert(len(body) - 1, parse_xml(f"<w:p {nsdecls('w')}><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"))
    # Through a save, as a file read from disk would be.
    stream = io.BytesIO()
    document.save(stream)
    return docx.Document(io.BytesIO(stream.getvalue()))


def _numpr(num_id: int, ilvl: int | None = 0) -> str:
    level = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    return f'<w:numPr>{level}<w:numId w:val="{num_id}"/></w:numPr>'


def test_formats_print_as_word_prints_them() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27, 28, 53)] == ["a", "z", "aa", "bb", "aaa"]
    assert [format_number(n, "upperLetter") for n in (1, 3)] == ["A", "C"]
    assert [roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1999)] == ["i", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxcix"]
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(7, "decimalZero") == "07"
    assert format_number(3, "none") == ""
    assert format_number(3, "someFutureFormat") == "3"


def test_multi_level_decimal_letters_and_romans_restart_under_their_parent() -> None:
    numbering = _abstract(1, _level(0, "decimal", "%1."), _level(1, "decimal", "%1.%2"),
                          _level(2, "lowerLetter", "(%3)"), _level(3, "lowerRoman", "(%4)")) + _num(5, 1)
    levels = [0, 1, 2, 3, 3, 2, 1, 2, 0, 1]
    document = _document(numbering, [(_numpr(5, lv), f"p{i}") for i, lv in enumerate(levels)])
    assert list_labels(document) == ["1.", "1.1", "(a)", "(i)", "(ii)", "(b)", "1.2", "(a)", "2.", "2.1"]


def test_upper_letters_upper_romans_article_texts_and_bullets() -> None:
    numbering = (_abstract(1, _level(0, "upperRoman", "Article %1"), _level(1, "upperLetter", "%2."))
                 + _abstract(2, _level(0, "bullet", "\u2022"), _level(1, "bullet", "o")) + _num(1, 1) + _num(2, 2))
    paragraphs = [(_numpr(1, 0), "a"), (_numpr(1, 1), "b"), (_numpr(1, 1), "c"), (_numpr(2, 0), "d"), (_numpr(2, 1), "e"),
                  (_numpr(1, 0), "f"), (_numpr(1, 0), "g"), (_numpr(1, 0), "h"), (_numpr(1, 1), "i")]
    document = _document(numbering, paragraphs)
    assert list_labels(document) == ["Article I", "A.", "B.", "\u2022", "o", "Article II", "Article III", "Article IV", "A."]
    numbers = list(paragraph_numbers(document).values())
    assert [n.bullet for n in numbers][3:5] == [True, True]
    assert (numbers[0].format, numbers[0].level, numbers[1].format, numbers[1].level) == ("upperRoman", 0, "upperLetter", 1)


def test_start_values_and_a_start_override_restarting_a_second_instance() -> None:
    numbering = (_abstract(1, _level(0, "decimal", "%1.", start=3), _level(1, "lowerLetter", "(%2)", start=2))
                 + _num(1, 1) + _num(2, 1)
                 + _num(3, 1, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'))
    paragraphs = [(_numpr(1, 0), "a"), (_numpr(1, 1), "b"), (_numpr(1, 0), "c"),
                  (_numpr(2, 0), "d"),  # another instance of the same list, no override: continues
                  (_numpr(3, 0), "e"), (_numpr(3, 0), "f"),  # an instance with startOverride: restarts at 1
                  (_numpr(3, 1), "g")]
    assert list_labels(_document(numbering, paragraphs)) == ["3.", "(b)", "4.", "5.", "1.", "2.", "(b)"]


def test_an_override_may_replace_a_whole_level() -> None:
    replacement = '<w:lvlOverride w:ilvl="0">' + _level(0, "upperLetter", "Part %1", start=2) + "</w:lvlOverride>"
    numbering = _abstract(1, _level(0, "decimal", "%1.")) + _num(1, 1) + _num(2, 1, replacement)
    paragraphs = [(_numpr(1, 0), "a"), (_numpr(2, 0), "b"), (_numpr(2, 0), "c")]
    assert list_labels(_document(numbering, paragraphs)) == ["1.", "Part B", "Part C"]


def test_lvl_restart_zero_never_restarts_and_one_restarts_only_under_the_first_level() -> None:
    numbering = _abstract(1, _level(0, "decimal", "%1."), _level(1, "decimal", "%1.%2"),
                          _level(2, "lowerLetter", "(%3)", extra='<w:lvlRestart w:val="1"/>'),
                          _level(3, "decimal", "[%4]", extra='<w:lvlRestart w:val="0"/>')) + _num(1, 1)
    levels = [0, 1, 2, 3, 1, 2, 3, 0, 2, 3]
    document = _document(numbering, [(_numpr(1, lv), str(i)) for i, lv in enumerate(levels)])
    # (%3) goes on across 1.1 and 1.2 and restarts after 2.; [%4] never restarts.
    assert list_labels(document) == ["1.", "1.1", "(a)", "[1]", "1.2", "(b)", "[2]", "2.", "(a)", "[3]"]


def test_numbering_through_styles_and_their_based_on_chain_with_the_level_from_pstyle() -> None:
    styles = ('<w:style w:type="paragraph" w:styleId="FirmHeading1"><w:name w:val="Firm Heading 1"/>'
              '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="FirmHeading2"><w:name w:val="Firm Heading 2"/>'
              '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="FirmHeading2Keep"><w:name w:val="Firm Heading 2 Keep"/>'
              '<w:basedOn w:val="FirmHeading2"/><w:pPr><w:keepNext/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Clause3"><w:name w:val="Clause 3"/>'
              '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>')
    numbering = _abstract(3, _level(0, "decimal", "%1.", extra='<w:pStyle w:val="FirmHeading1"/>'),
                          _level(1, "decimal", "%1.%2"),
                          _level(2, "lowerLetter", "(%3)", extra='<w:pStyle w:val="Clause3"/>')) + _num(7, 3)
    paragraphs = [('<w:pStyle w:val="FirmHeading1"/>', "Definitions"), ('<w:pStyle w:val="FirmHeading2"/>', "x"),
                  ('<w:pStyle w:val="Clause3"/>', "y"), ('<w:pStyle w:val="FirmHeading2Keep"/>', "z"),
                  ('<w:pStyle w:val="FirmHeading1"/>', "Term"), ('<w:pStyle w:val="FirmHeading1"/>' + _numpr(0, None), "Off"),
                  ("", "plain"), ('<w:pStyle w:val="FirmHeading2Keep"/>', "w")]
    assert list_labels(_document(numbering, paragraphs, styles)) == ["1.", "1.1", "(a)", "1.2", "2.", "", "", "2.1"]


def test_legal_numbering_shows_higher_levels_in_decimal() -> None:
    numbering = _abstract(1, _level(0, "upperRoman", "Article %1"),
                          _level(1, "decimal", "%1.%2", extra='<w:isLgl/>')) + _num(1, 1)
    paragraphs = [(_numpr(1, 0), "a"), (_numpr(1, 0), "b"), (_numpr(1, 1), "c")]
    assert list_labels(_document(numbering, paragraphs)) == ["Article I", "Article II", "2.1"]


def test_a_list_style_link_counts_in_the_linked_definition() -> None:
    styles = ('<w:style w:type="numbering" w:styleId="FirmList"><w:name w:val="Firm List"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>')
    numbering = (_abstract(1, _level(0, "decimal", "%1)"), _level(1, "lowerRoman", "%2)"), head='<w:styleLink w:val="FirmList"/>')
                 + _abstract(2, head='<w:numStyleLink w:val="FirmList"/>') + _num(1, 1) + _num(2, 2))
    paragraphs = [(_numpr(2, 0), "a"), (_numpr(2, 1), "b"), (_numpr(1, 0), "c")]
    assert list_labels(_document(numbering, paragraphs, styles)) == ["1)", "i)", "2)"]


def test_numbered_paragraphs_in_tables_count_but_list_labels_follows_document_paragraphs() -> None:
    numbering = _abstract(1, _level(0, "decimal", "%1.")) + _num(1, 1)
    document = _document(numbering, [(_numpr(1), "one")])
    table = document.add_table(rows=1, cols=1)
    cell_p = table.cell(0, 0).paragraphs[0]._p
    cell_p.insert(0, parse_xml(f"<w:pPr {nsdecls('w')}>{_numpr(1)}</w:pPr>"))
    after = document.add_paragraph("three")._p
    after.insert(0, parse_xml(f"<w:pPr {nsdecls('w')}>{_numpr(1)}</w:pPr>"))
    assert list_labels(document) == ["1.", "3."]
    assert len(list_labels(document)) == len(document.paragraphs)
    assert paragraph_numbers(document)[cell_p].label == "2."


def test_malformed_or_missing_definitions_give_no_label_rather_than_an_error() -> None:
    numbering = (_abstract(1, '<w:lvl w:ilvl="x"><w:start w:val="one"/><w:lvlText w:val="%1."/></w:lvl>',
                           _level(1, "decimal", "%1.%2"))
                 + _num(1, 1) + _num(2, 99) + '<w:num w:numId="3"/>')
    paragraphs = [(_numpr(1, 1), "a"), (_numpr(2, 0), "b"), (_numpr(3, 0), "c"), (_numpr(8, 0), "d"),
                  ('<w:numPr><w:ilvl w:val="z"/><w:numId w:val="1"/></w:numPr>', "e"), (_numpr(1, 5), "f")]
    assert list_labels(_document(numbering, paragraphs)) == ["1.1", "", "", "", "", ""]


def test_a_document_without_a_numbering_part_has_no_labels_and_is_not_changed() -> None:
    document = docx.Document()
    document.add_paragraph("plain")
    package = document.part
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/numbering"):
            package.drop_rel(rel_id) if hasattr(package, "drop_rel") else package.rels.pop(rel_id)
    assert list_labels(document) == [""] * len(document.paragraphs)
    assert not any(rel.reltype.endswith("/numbering") for rel in package.rels.values())


def test_wordml_still_exports_the_reader() -> None:
    assert wordml.list_labels is list_labels


@pytest.mark.parametrize("fmt, text, expected", [("decimal", "%1.", "12."), ("lowerLetter", "(%1)", "(l)"),
                                                 ("upperRoman", "%1", "XII"), ("decimalZero", "%1", "12")])
def test_a_long_list_keeps_counting(fmt: str, text: str, expected: str) -> None:
    numbering = _abstract(1, _level(0, fmt, text)) + _num(1, 1)
    assert list_labels(_document(numbering, [(_numpr(1), str(i)) for i in range(12)]))[-1] == expected
