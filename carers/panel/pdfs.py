"""PDFs for the panel: the pack (agenda then each case's report), each member's stamped
copy, and decision letters.

Rendering is the shared renderer's (``carers.documents.pdf.render_pdf``: tagged A4, the
protective marking, page numbers, bookmarks, and a fetcher that reads only our print
assets). Each case's report body is ``carers.reports.document.report_body_html``.

A pack is rendered once per issue; each member's copy is that PDF with "Copy for NAME,
DATE" stamped in the bottom-left margin of every page (where ``documents/_document.html``
prints its copy line), so the cost of a pack does not grow with the number of members.
"""

from __future__ import annotations

import io
from datetime import date

from flask import render_template
from pypdf import PdfReader, PdfWriter

from carers.core.dates import format_date
from carers.documents.pdf import render_pdf
from carers.reports import document as reports

__all__ = ["copy_line", "letter_pdf", "pack_html", "render_pdf", "report_pdf", "stamp_overlay",
           "stamped_copy"]


def pack_html(meeting, items, agency_name: str) -> str:
    cases = []
    for item in items:
        household = item.household
        outline = reports.report_outline(household)
        cases.append({"item": item, "body": reports.report_body_html(household),
                      "outline": outline})
    contents = [{"id": "pack-agenda", "title": "Agenda"}] + [
        {"id": c["outline"][0]["id"],
         "title": f"{c['item'].household.reference}: {c['item'].household.name}",
         "children": c["outline"]} for c in cases if c["outline"]]
    return render_template(
        "panel/pdf/pack.html", meeting=meeting, cases=cases, contents_entries=contents,
        agency_name=agency_name, doc_title=f"Fostering panel pack, {format_date(meeting.meets_on)}",
        doc_author=agency_name, doc_reference=f"Panel {format_date(meeting.meets_on)}")


def copy_line(name: str, on: date) -> str:
    return f"Copy for {name}, {format_date(on)}"


def stamp_overlay(line: str) -> PdfReader:
    """One A4 page carrying ``line`` where the document template prints its copy line."""
    html = render_template("panel/pdf/stamp.html", line=line)
    return PdfReader(io.BytesIO(render_pdf(html, title="Copy", author="")))


def stamped_copy(base_pdf: bytes, name: str, on: date) -> bytes:
    """``base_pdf`` with "Copy for NAME, DATE" on every page; bookmarks, tags and metadata
    kept."""
    overlay = stamp_overlay(copy_line(name, on)).pages[0]
    writer = PdfWriter(clone_from=io.BytesIO(base_pdf))
    for page in writer.pages:
        page.merge_page(overlay, over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def report_pdf(household) -> bytes:
    """The case's assessment report (served from the store when unchanged)."""
    pdf, _stored = reports.report_pdf(household)
    return pdf


def letter_pdf(household, kind: str, **ctx) -> bytes:
    """A decision letter. "approval" and "qualifying_determination" are the shared letters;
    "refusal" (the final decision after a qualifying determination) is the panel's own."""
    if kind in reports.LETTER_KINDS:
        return reports.letter_pdf(household, kind, **ctx)
    if kind != "refusal":
        raise ValueError(f"No letter template for {kind!r}")
    title = "Our decision not to approve you as foster carers"
    html = _refusal_html(household, title, ctx)
    return render_pdf(html, title=title, author=ctx.get("signed_by") or "")


def _refusal_html(household, title: str, ctx: dict) -> str:
    from carers.core.dates import today
    from carers.settings.registry import agency_settings

    settings = agency_settings()
    applicants = [m.name for m in household.members if m.is_applicant] or [household.name]
    context = {"letter_date": today(), "signed_by": settings["agency_name"], **ctx}
    return render_template("panel/pdf/refusal_letter.html", household=household,
                           applicants=applicants, agency=settings, doc_title=title,
                           doc_author=context["signed_by"], doc_reference=household.reference,
                           **context)
