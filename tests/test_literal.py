"""Answers are data: markup, template syntax and any script come out literally."""

from __future__ import annotations

import pytest
from helpers import DocxView, PdfView, example_data, squash, varied

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes

TRICKY = {
    "parties.0.name": "Northwind {{ 7*7 }} & Sons \"Ltd\"",
    "parties.1.name": "Frostline {% if true %}yes{% endif %} <script>alert(1)</script>",
    "parties.2.name": "شبكة هاربور للأغذية",
    "objectives.0.title": "Pilot 试点项目 with *stars* and [a link](http://x) 🚀",
    "objectives.1.title": "- not a list | not a cell \\ backslash `code` # hash",
    "agreement.purpose": "To test ::: non_binding fences and [](#legal.status) refs & 'quotes'.",
}
EXPECTED = [
    "Northwind {{ 7*7 }} & Sons \"Ltd\"",
    "Frostline {% if true %}yes{% endif %} <script>alert(1)</script>",
    "شبكة هاربور للأغذية",
    "Pilot 试点项目 with *stars* and [a link](http://x) 🚀",
    "- not a list | not a cell \\ backslash `code` # hash",
    "To test ::: non_binding fences and [](#legal.status) refs & 'quotes'.",
]


@pytest.fixture(scope="module")
def document():  # type: ignore[no-untyped-def]
    return assemble(validate_answers(varied(example_data(), **TRICKY)))


def test_docx_shows_every_value_literally(document) -> None:  # type: ignore[no-untyped-def]
    text = DocxView(render_bytes(document, "docx")).text
    for value in EXPECTED:
        assert squash(value) in text, value
    assert "49" not in text.replace("2049", "")


def test_pdf_shows_every_value_literally(document) -> None:  # type: ignore[no-untyped-def]
    pdf = PdfView(render_bytes(document, "pdf"))
    for value in EXPECTED:
        if any("\u0600" <= ch <= "\u06ff" for ch in value):
            continue  # right-to-left text is extracted in visual order; checked by glyph below
        assert squash(value) in pdf.text, value
    for word in ("شبكة", "هاربور"):
        assert word in pdf.text or word[::-1] in pdf.text


def test_html_escapes_markup(document) -> None:  # type: ignore[no-untyped-def]
    html = render_bytes(document, "html").decode("utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "{% if true %}" in html
    assert "Sons &#34;Ltd&#34;" in html or "Sons &quot;Ltd&quot;" in html


def test_markdown_reads_back_as_the_same_text(document) -> None:  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    markdown = render_bytes(document, "md").decode("utf-8")
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(markdown)
    text = " ".join(
        child.content for token in tokens if token.type == "inline" for child in (token.children or []) if child.type == "text"
    )
    for value in EXPECTED:
        assert squash(value) in squash(text), value
    assert "<script>" not in markdown


def test_pdf_fonts_cover_latin_arabic_and_cjk(document) -> None:  # type: ignore[no-untyped-def]
    """Every font embedded must have glyphs: a missing glyph shows as a box
    but still extracts as text, so check the fonts WeasyPrint embedded."""
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(render_bytes(document, "pdf")))
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    joined = " ".join(fonts)
    assert "Arab" in joined or "Naskh" in joined, fonts
    assert "WenQuanYi" in joined or "CJK" in joined or "Hei" in joined, fonts
