"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), A4, with our print stylesheet.

Report and letter HTML holds what applicants, referees and staff typed. Templates escape it,
and as a second wall WeasyPrint gets a URL fetcher that serves only our own print assets
(``carers/static/print/``) and refuses everything else: no http or https, no other files, no
``data:`` URLs. Nothing typed into a report can make the renderer open a connection or read
a file.

Import cost (about 0.7 s) is paid once per process; rendering a 30-page report takes about
a second here (see ``bench/reports.py``).
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

PRINT_DIR = (Path(__file__).resolve().parent.parent / "static" / "print").resolve()
# Relative URLs in our templates ("document.css") resolve against this.
PRINT_BASE_URL = PRINT_DIR.as_uri() + "/"
# What the print folder may hold and the renderer may read.
SERVED_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
PDF_VARIANT = "pdf/ua-1"


# --- table header scope in the tagged PDF ---
#
# WeasyPrint tags <th> as /TH and links each cell to its headers, but leaves out the header's
# scope, so a screen reader cannot tell a row header (the summary tables' labels) from a
# column header. This wraps its tag builder to add the standard /Scope attribute from the
# <th scope> the templates give. tests/unit/test_pdf.py reads the scope back.

_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def _add_header_scope() -> None:
    import pydyf
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "carers_scope", False):
        return

    def build_with_scope(box, *args, **kwargs):
        for element in build(box, *args, **kwargs):
            if element.get("S") == "/TH" and getattr(box, "element", None) is not None:
                scope = _SCOPES.get(box.element.attrib.get("scope", "").lower())
                if scope:
                    attributes = element.get("A")
                    if attributes is None:
                        attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
                    attributes["Scope"] = scope
            yield element

    build_with_scope.carers_scope = True
    tags._build_box_tree = build_with_scope


_add_header_scope()


class FetchRefused(ValueError):
    """The renderer asked for something other than our own print assets."""


class StaticOnlyFetcher(URLFetcher):
    """Serves files under ``carers/static/print/`` and refuses every other URL.

    ``served`` and ``refused`` list what was asked for, so tests (and logs) can show that
    user input fetched nothing.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.served: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def fetch(self, url, headers=None):
        path = self._local_path(url)
        if path is None:
            with self._lock:
                self.refused.append(url)
            log.warning("PDF renderer refused to fetch %.200s", url)
            raise FetchRefused(f"Only our own print assets can be fetched, not {url[:200]}")
        with self._lock:
            self.served.append(url)
        content_type = SERVED_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  headers={"Content-Type": content_type or "text/plain"})

    @staticmethod
    def _local_path(url: str) -> Path | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(unquote(parts.path)).resolve()
        except (OSError, ValueError):
            return None
        if not path.is_relative_to(PRINT_DIR) or path.suffix not in SERVED_TYPES:
            return None
        return path if path.is_file() else None


def render_pdf(html: str, *, title: str, author: str, base_url=None,
               fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Render ``html`` (a whole document, normally from ``documents/_document.html``) to a
    tagged A4 PDF with ``title`` and ``author`` in its metadata.

    ``base_url`` is where relative URLs resolve; by default our print folder, so a template
    links ``document.css``. Whatever it is, only files in the print folder are ever read.
    Pass ``fetcher`` to see what was fetched and refused.
    """
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=base_url or PRINT_BASE_URL,
                    url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
    document.metadata.title = title
    document.metadata.authors = [author]
    return document.write_pdf(pdf_variant=PDF_VARIANT)
