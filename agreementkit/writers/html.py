"""The HTML writer: the document through the house-style template.

The same HTML feeds the PDF writer, so the two cannot disagree. Autoescaping
is on: answers arrive as plain text and leave as text, never as markup.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..document import Document, Figure, ItemList, Paragraph, Ref, SignatureBlock, Table
from ..resources import builtin_templates

TEMPLATE = "document.html.j2"
STYLESHEET = "style.css"


@lru_cache(maxsize=8)
def _environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests.update(
        paragraph=lambda b: isinstance(b, Paragraph),
        item_list=lambda b: isinstance(b, ItemList),
        table=lambda b: isinstance(b, Table),
        signature=lambda b: isinstance(b, SignatureBlock),
        figure=lambda b: isinstance(b, Figure),
        ref=lambda r: isinstance(r, Ref),
    )
    env.globals.update(zip=zip, dict=dict)
    return env


def house_css(templates: Path | None = None) -> str:
    """The house style sheet of a template folder."""
    return ((templates or builtin_templates()) / STYLESHEET).read_text(encoding="utf-8")


def to_html(document: Document, templates: Path | None = None, *, screen: bool = True, css: str | None = None) -> str:
    """The document as one self-contained HTML page (styles inlined). `screen`
    adds the viewport tag a browser needs; the PDF writer leaves it out, because
    WeasyPrint copies every meta tag into the PDF's metadata. `css` stands in for
    the folder's style sheet (the PDF writer passes a placeholder for a sheet it parsed once)."""
    folder = templates or builtin_templates()
    css = house_css(folder) if css is None else css
    return _environment(folder).get_template(TEMPLATE).render(doc=document, css=css, screen=screen)


def write_html(document: Document, templates: Path | None = None) -> bytes:
    return to_html(document, templates).encode("utf-8")
