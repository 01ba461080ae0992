"""The PDF writer: the HTML writer's page, laid out by WeasyPrint.

WeasyPrint is imported here and nowhere else: it costs about a second, which
the CLI must not pay until it actually renders a PDF.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..document import Document
from ..resources import builtin_templates
from .html import to_html


def _fetcher(folder: Path) -> Any:
    """A URL fetcher that serves only files inside the template folder.

    Content comes from answers and clause libraries; neither may make the
    renderer read other local files or reach the network.
    """
    from urllib.parse import unquote, urlparse

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


def _html(document: Document, folder: Path) -> Any:
    import weasyprint

    return weasyprint.HTML(string=to_html(document, folder, screen=False), base_url=str(folder) + "/",
                           url_fetcher=_fetcher(folder))


def heading_pages(document: Document, templates: Path | None = None) -> dict[str, int]:
    """The page each section and clause heading falls on in the PDF's layout (by section or clause
    id): the DOCX writer's first value for its table of contents' page numbers, before Word lays
    the document out itself. A layout without writing the PDF."""
    laid_out = _html(document, templates or builtin_templates()).render(font_config=_font_config())
    pages: dict[str, int] = {}
    for number, page in enumerate(laid_out.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def write_pdf(document: Document, templates: Path | None = None) -> bytes:
    folder = templates or builtin_templates()
    html = _html(document, folder)
    with _font_timestamps(document.metadata.created):
        pdf = html.write_pdf(custom_metadata=True, font_config=_font_config())
    assert pdf is not None
    return pdf
