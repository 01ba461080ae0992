"""The PDF writer: the HTML writer's page, laid out by WeasyPrint.

WeasyPrint is imported here and nowhere else: it costs about a second, which
the CLI must not pay until it actually renders a PDF.
"""

from __future__ import annotations

import re
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from ..document import Document
from ..resources import builtin_templates
from .html import house_css, to_html


def load_weasyprint() -> ModuleType:
    """WeasyPrint, imported without starting a dozen processes.

    WeasyPrint asks for each native library under several names, Windows' first ('libpango-1.0-0'),
    and cffi answers each miss by calling ctypes.util.find_library, which on Linux runs ldconfig,
    gcc and ld: about thirty processes and a quarter of a second on every start of a CLI call or a
    batch worker. On Linux the names WeasyPrint tries later are the libraries' sonames
    ('libpango-1.0.so.0'), which the dynamic loader finds by itself, so the search is skipped while
    WeasyPrint is imported. Anywhere else (macOS finds Homebrew's libraries through find_library)
    the import is the plain one."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


def _fetcher(folder: Path) -> Any:
    """A URL fetcher that serves only files inside the template folder.

    Content comes from answers and clause libraries; neither may make the
    renderer read other local files or reach the network.
    """
    from urllib.parse import unquote, urlparse

    load_weasyprint()
    from weasyprint.urls import URLFetcher

    root = folder.resolve()

    class TemplateFolderFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file" and Path(unquote(parsed.path)).resolve().is_relative_to(root):
                return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url!r}: only files in the template folder may be used")

    return TemplateFolderFetcher(allowed_protocols=("file",), allow_redirects=False)


_FONT_CONFIG: Any = None


def _font_config() -> Any:
    """One font configuration per process: WeasyPrint makes a new one (and its Pango
    font map) per document otherwise, and a batch of hundreds would keep growing."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        load_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


_FONT_EPOCH = datetime(1904, 1, 1, tzinfo=timezone.utc)  # where a font's head table counts its seconds from
_FONT_CLOCK = threading.Lock()


@contextmanager
def _font_timestamps(day: str) -> Iterator[None]:
    """Fonts embedded with the PDF's own date rather than the clock.

    Without libharfbuzz-subset, WeasyPrint subsets fonts with fontTools (and it always turns a
    variable font into a static one with fontTools), which stamps each font's `head` table with
    the time of saving: two renders a second apart would differ. The stamp becomes the
    document's date, which the PDF's metadata already uses, whichever subsetter runs."""
    from fontTools.ttLib.tables import _h_e_a_d

    seconds = int((datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=timezone.utc)
                   - _FONT_EPOCH).total_seconds())
    with _FONT_CLOCK:
        original = _h_e_a_d.timestampNow
        _h_e_a_d.timestampNow = lambda: seconds
        try:
            yield
        finally:
            _h_e_a_d.timestampNow = original


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _roomy(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` with a frame of some 160 KB: 20,000 unused local slots.

    CPython 3.11 keeps the frames of Python calls in 16 KB chunks that it maps from the system when a
    call needs a new one and unmaps as soon as that call returns. WeasyPrint's layout recurses up and
    down across such an edge thousands of times per PDF: 8,000 page faults and about 50 ms of system
    time a document (counted with strace and getrusage). A frame this size gets a 256 KB chunk of its
    own, and the layout's calls fit in the room left above it, so no chunk is mapped or unmapped while
    a document is laid out (about 50 page faults a document). Where a Python cannot build such a
    function, the plain one."""
    try:
        code = function.__code__
        names = code.co_varnames + tuple(f"_spare{i}" for i in range(20_000))
        return types.FunctionType(code.replace(co_varnames=names, co_nlocals=len(names)), function.__globals__,
                                  function.__name__)
    except (TypeError, ValueError, AttributeError):
        return function


_with_room_to_recurse = _roomy(_call)


# Stands in for the house style while the page is made, to see where the template puts it.
_HOUSE_STYLE = "/*agreementkit-house-style*/"
_IMPORTANT_INLINE = re.compile(r"""style=["'][^"']*!important""", re.IGNORECASE)


@lru_cache(maxsize=8)
def _house_sheet(folder: Path, css: str) -> Any:
    """The house style parsed once per process (a batch renders hundreds of PDFs with one sheet)."""
    return load_weasyprint().CSS(string=css, base_url=str(folder) + "/", url_fetcher=_fetcher(folder), font_config=_font_config())


def _html(document: Document, folder: Path) -> tuple[Any, list[Any]]:
    """The page for WeasyPrint and the style sheets to lay it out with.

    Parsing the house style is about a twentieth of a PDF's time, so the sheet is parsed once and handed
    to WeasyPrint beside the page, instead of inside it. WeasyPrint gives a sheet handed over that way the
    user origin rather than the author origin, which cascades the same only when the house style is the
    page's one style sheet, and no inline style carries `!important`: the built-in template's case. For
    any other template the page keeps the style inline, exactly as the HTML output does."""
    weasyprint = load_weasyprint()
    css = house_css(folder)
    page = to_html(document, folder, screen=False, css=_HOUSE_STYLE)
    sheets: list[Any] = []
    if (page.count(_HOUSE_STYLE) == 1 and page.count("<style") == 1 and "<link" not in page.lower()
            and re.search(r"<style[^>]*>\s*" + re.escape(_HOUSE_STYLE) + r"\s*</style>", page)
            and not _IMPORTANT_INLINE.search(page)):
        page = page.replace(_HOUSE_STYLE, "", 1)
        sheets = [_house_sheet(folder, css)]
    else:
        page = to_html(document, folder, screen=False, css=css)
    return weasyprint.HTML(string=page, base_url=str(folder) + "/", url_fetcher=_fetcher(folder)), sheets


def heading_pages(document: Document, templates: Path | None = None) -> dict[str, int]:
    """The page each section and clause heading falls on in the PDF's layout (by section or clause
    id): the DOCX writer's first value for its table of contents' page numbers, before Word lays
    the document out itself. A layout without writing the PDF."""
    html, sheets = _html(document, templates or builtin_templates())
    laid_out = _with_room_to_recurse(html.render, stylesheets=sheets, font_config=_font_config())
    pages: dict[str, int] = {}
    for number, page in enumerate(laid_out.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def write_pdf(document: Document, templates: Path | None = None) -> bytes:
    folder = templates or builtin_templates()
    html, sheets = _html(document, folder)
    with _font_timestamps(document.metadata.created):
        pdf = _with_room_to_recurse(html.write_pdf, stylesheets=sheets, custom_metadata=True, font_config=_font_config())
    assert pdf is not None
    return pdf
