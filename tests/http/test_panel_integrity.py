"""Panel papers a member can trust: the agenda page, each member's stamped copies (pack and
per-case reports), frozen signed-off reports, and warnings about outstanding checks."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from carers.extensions import db
from carers.panel import operations as ops
from carers.panel.models import MeetingSeat, PanelMeeting
from tests.factories import make_staff
from tests.http import test_panel as base
from tests.http.test_panel import NOW, client_for, issue, meeting_with, post, ready_case

frozen = base.frozen
panel = base.panel


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_agenda_links_each_case_and_prints_typed_markup_as_text(app, frozen, panel):
    case = ready_case('Ash <b onmouseover="x()">Household</b>', date(2027, 3, 8))
    meeting = meeting_with(panel["invited"][:1], [case], meets_on=date(2027, 3, 8))
    admin = client_for(app, make_staff("panel_administrator"))
    html = admin.get(f"/staff/panel/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/staff/cases/{case.reference}">{case.reference}</a>' \
        in html
    assert "&lt;a class=" not in html
    assert '<b onmouseover' not in html and "&lt;b onmouseover=" in html


def test_members_per_case_reports_are_stamped_and_nothing_is_cached(app, frozen, panel):
    case = ready_case("Elm Household", date(2027, 3, 8))
    meeting = meeting_with(panel["invited"][:2], [case], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    client = client_for(app, panel["sw"].user)
    base = f"/panel/meetings/{meeting.id}"
    report = client.get(f"{base}/cases/{case.reference}/report.pdf")
    assert report.status_code == 200
    reader = PdfReader(io.BytesIO(report.data))
    for page in reader.pages:
        assert "Copy for Sam Social, 1 March 2027" in " ".join(page.extract_text().split())
    assert report.headers["Cache-Control"] == "no-store"
    pack = client.get(f"{base}/pack.pdf")
    assert pack.status_code == 200 and pack.headers["Cache-Control"] == "no-store"


def test_a_member_invited_after_the_pack_was_built_gets_no_dead_link(app, frozen, panel):
    case = ready_case("Fir Household", date(2027, 3, 8))
    meeting = meeting_with(panel["invited"][:2], [case], meets_on=date(2027, 3, 8))
    admin = issue(app, meeting)
    ops.build_due_packs(NOW)
    meeting = db.session.get(PanelMeeting, meeting.id)
    db.session.refresh(meeting)
    late = panel["ind1"]
    invited = [str(s.member_id) for s in meeting.seats] + [str(late.id)]
    r = post(admin, f"/staff/panel/meetings/{meeting.id}/members",
             {"version": str(meeting.version), "invited": invited})
    assert r.status_code == 302
    assert db.session.scalar(select(MeetingSeat.id).where(MeetingSeat.member_id == late.id))
    client = client_for(app, late.user)
    page = client.get(f"/panel/meetings/{meeting.id}").get_data(as_text=True)
    assert "pack.pdf" not in page
    assert "being prepared" in page
    assert client.get(f"/panel/meetings/{meeting.id}/pack.pdf").status_code == 404
    # Their copy is made by the next sweep, and then the link appears and works.
    ops.build_due_packs(NOW)
    page = client.get(f"/panel/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/panel/meetings/{meeting.id}/pack.pdf" in page
    assert "Copy for Iris Independent" in pdf_text(
        client.get(f"/panel/meetings/{meeting.id}/pack.pdf").data)
