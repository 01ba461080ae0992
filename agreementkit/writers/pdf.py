"""The PDF writer: the HTML writer's page, laid out by WeasyPrint.

WeasyPrint is imported here and nowhere else: it costs about a second, which
the CLI must not pay until it actually renders a PDF.
"""

from __future__ import annotations

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


def write_pdf(document: Document, templates: Path | None = None) -> bytes:
    import weasyprint

    folder = templates or builtin_templates()
    html = weasyprint.HTML(string=to_html(document, folder, screen=False), base_url=str(folder) + "/", url_fetcher=_fetcher(folder))
    pdf = html.write_pdf(custom_metadata=True, font_config=_font_config())
    assert pdf is not None
    return pdf
