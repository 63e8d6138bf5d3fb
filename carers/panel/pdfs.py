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
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)
from weasyprint import HTML

from carers.core.dates import format_date, today
from carers.documents.pdf import PRINT_BASE_URL, StaticOnlyFetcher, render_pdf
from carers.reports import document as reports
from carers.settings.registry import agency_settings

__all__ = ["copy_line", "letter_pdf", "member_report_pdf", "outstanding_checks", "pack_html",
           "render_pdf", "report_pdf", "stamp_overlays", "stamped_copies", "stamped_copy"]


def pack_html(meeting, items, agency_name: str, issued_on: date | None = None) -> str:
    """The papers for a meeting: the agenda (with the date the papers were issued and who
    sits on the panel), its contents, then each case's report."""
    cases = []
    for item in items:
        household = item.household
        # The version a manager signed off; a draft (watermarked) only if none is.
        report = reports.signed_off_report(household)
        outline = reports.report_outline(household, report)
        cases.append({"item": item, "body": reports.report_body_html(household, report=report),
                      "outline": outline, "outstanding": reports.outstanding_checks(household)})
    contents = [{"id": "pack-agenda", "title": "Agenda"}] + [
        {"id": c["outline"][0]["id"],
         "title": f"{c['item'].household.reference}: {c['item'].household.name}",
         "children": c["outline"]} for c in cases if c["outline"]]
    seats = sorted(meeting.seats, key=lambda s: (s.member.role.label, s.member.user.name))
    return render_template(
        "panel/pdf/pack.html", meeting=meeting, cases=cases, contents_entries=contents,
        agency_name=agency_name, issued_on=issued_on, seats=seats,
        doc_title=f"Fostering panel pack, {format_date(meeting.meets_on)}",
        doc_author=agency_name, doc_reference=f"Panel {format_date(meeting.meets_on)}")


def outstanding_checks(household) -> list[str]:
    return reports.outstanding_checks(household)


def copy_line(name: str, on: date) -> str:
    return f"Copy for {name}, {format_date(on)}"


def stamp_overlays(lines: list[str], note: str | None = None) -> PdfReader:
    """One A4 page per line, each carrying its line where the document template prints its
    copy line: every member's stamp in a single render, sharing one font subset. Not tagged:
    the stamp is drawn into the pack as an artifact."""
    html = render_template("panel/pdf/stamp.html", lines=lines, note=note)
    pdf = HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
    return PdfReader(io.BytesIO(pdf))


def stamped_copies(base_pdf: bytes, names: list[str], on: date,
                   note: str | None = None) -> list[bytes]:
    """``base_pdf`` once per name, with "Copy for NAME, DATE" (and ``note`` below it, the
    same on every copy) on every page.

    The pack is parsed once. The stamp is one form XObject, drawn on every page by a small
    shared content stream marked as an artifact (it is not part of the tagged structure);
    for each member only the XObject's content changes before the copy is written. The
    members' stamps share one font subset (one render), so the XObject's resources are
    the same for all. Bookmarks, tags and metadata are kept.

    Each copy is the base file unchanged followed by an incremental update holding only the
    stamp (its form, font subset, and the pages' new content lists): the PDF version, object
    streams and the tagged structure stay as rendered, and a copy is only a few kilobytes
    larger than the base."""
    if not names:
        return []
    overlays = stamp_overlays([copy_line(name, on) for name in names], note)
    writer = PdfWriter(io.BytesIO(base_pdf), incremental=True)
    first = overlays.pages[0]
    form = DecodedStreamObject()
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(v) for v in first.mediabox]),
        NameObject("/Resources"): first["/Resources"].clone(writer),
    })
    form_ref = writer._add_object(form)
    before = DecodedStreamObject()
    before.set_data(b"q\n")
    after = DecodedStreamObject()
    after.set_data(b"\nQ\n/Artifact BMC q /CarersCopyStamp Do Q EMC\n")
    before_ref, after_ref = writer._add_object(before), writer._add_object(after)
    for page in writer.pages:
        _draw_on(writer, page, form_ref, before_ref, after_ref)
    copies = []
    for n in range(len(names)):
        form.set_data(overlays.pages[n].get_contents().get_data())
        out = io.BytesIO()
        writer.write(out)
        copies.append(out.getvalue())
    return copies


def stamped_copy(base_pdf: bytes, name: str, on: date) -> bytes:
    return stamped_copies(base_pdf, [name], on)[0]


def _draw_on(writer, page, form_ref, before_ref, after_ref) -> None:
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects.get_object()[NameObject("/CarersCopyStamp")] = form_ref
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    parts = [before_ref]
    if contents is not None:
        resolved = contents.get_object()
        if isinstance(resolved, ArrayObject):
            parts += list(resolved)
        else:
            parts.append(contents if isinstance(contents, IndirectObject)
                         else writer._add_object(resolved))
    parts.append(after_ref)
    page[NameObject("/Contents")] = ArrayObject(parts)


def report_pdf(household) -> bytes:
    """The case's assessment report as panel members read it: the signed-off version if
    there is one (served from the store when unchanged)."""
    pdf, _stored = reports.report_pdf(household, reports.signed_off_report(household))
    return pdf


def member_report_pdf(household, name: str, on: date) -> bytes:
    """The case's report as one panel member downloads it: stamped with their name and the
    date on every page, like their pack."""
    return stamped_copy(report_pdf(household), name, on)


# The panel's own letters (the shared ones are in carers.reports.document.LETTER_KINDS).
PANEL_LETTERS = {
    "refusal": ("panel/pdf/refusal_letter.html",
                "Our decision not to approve you as foster carers"),
    "representations_acknowledged": ("panel/pdf/representations_letter.html",
                                     "We have received your representations"),
    "referred_back": ("panel/pdf/referred_back_letter.html",
                      "Your application goes back to the fostering panel"),
}


def letter_pdf(household, kind: str, **ctx) -> bytes:
    """A letter to the applicant. "approval" and "qualifying_determination" are the shared
    letters; the final "refusal", the acknowledgement of representations
    ("representations_acknowledged") and the referral back to panel ("referred_back") are
    the panel's own."""
    if kind in reports.LETTER_KINDS:
        return reports.letter_pdf(household, kind, **ctx)
    if kind not in PANEL_LETTERS:
        raise ValueError(f"No letter template for {kind!r}")
    template, title = PANEL_LETTERS[kind]
    html = _panel_letter_html(household, template, title, ctx)
    return render_pdf(html, title=title, author=ctx.get("signed_by") or "")


def _panel_letter_html(household, template: str, title: str, ctx: dict) -> str:
    settings = agency_settings()
    applicants = [m.name for m in household.members if m.is_applicant] or [household.name]
    context = {"letter_date": today(), "signed_by": settings["agency_name"], **ctx}
    return render_template(template, household=household,
                           applicants=applicants, agency=settings, doc_title=title,
                           doc_author=context["signed_by"], doc_reference=household.reference,
                           **context)
