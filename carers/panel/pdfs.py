"""PDFs for the panel: the pack (agenda then each case), each member's stamped copy, and
decision letters.

The shared renderer (``carers.documents.pdf.render_pdf``) and the assessment report
(``carers.reports``) are used when present; until then a local renderer with the same
rule stands in: nothing in the HTML may make WeasyPrint fetch anything.
"""

from __future__ import annotations

import io
from datetime import date

from flask import render_template
from pypdf import PdfReader, PdfWriter

from carers.core.dates import format_date


class FetchRefused(ValueError):
    pass


def _refuse_fetch(url, *args, **kwargs):
    # Report text is typed by applicants and staff: never fetch anything it names.
    raise FetchRefused(f"Refused to fetch {url!r}")


def render_pdf(html: str, *, title: str, author: str) -> bytes:
    try:
        from carers.documents.pdf import render_pdf as shared
    except ImportError:
        shared = None
    if shared is not None:
        return shared(html, title=title, author=author)
    from weasyprint import HTML

    # Title and author come from <title> and <meta name="author">.
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")


def case_body_html(household, **ctx) -> str:
    """The case's assessment report body, or a short case summary until reports exist."""
    try:
        from carers.reports import report_body_html
    except ImportError:
        report_body_html = None
    if report_body_html is not None:
        return report_body_html(household, **ctx)
    return render_template("panel/pdf/_case_summary.html", household=household)


def pack_html(meeting, items, agency_name: str) -> str:
    bodies = [(item, case_body_html(item.household)) for item in items]
    return render_template("panel/pdf/pack.html", meeting=meeting, bodies=bodies,
                           agency_name=agency_name)


def stamp_overlay(line: str) -> PdfReader:
    html = render_template("panel/pdf/stamp.html", line=line)
    from weasyprint import HTML

    return PdfReader(io.BytesIO(HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()))


def stamped_copy(base_pdf: bytes, name: str, on: date, overlay_reader=None) -> bytes:
    """``base_pdf`` with "Copy for NAME, DATE" on every page; bookmarks and metadata kept."""
    overlay = (overlay_reader or stamp_overlay(copy_line(name, on))).pages[0]
    writer = PdfWriter(clone_from=io.BytesIO(base_pdf))
    for page in writer.pages:
        page.merge_page(overlay, over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def copy_line(name: str, on: date) -> str:
    return f"Copy for {name}, {format_date(on)}. Do not copy or pass on."


def letter_pdf(household, kind: str, **ctx) -> bytes:
    try:
        from carers.reports import letter_pdf as shared
    except ImportError:
        shared = None
    if shared is not None:
        return shared(household, kind, **ctx)
    html = render_template("panel/pdf/letter.html", household=household, kind=kind, **ctx)
    return render_pdf(html, title=f"Decision letter {household.reference}",
                      author=ctx.get("author", "Agency decision maker"))
