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
from tests.factories import make_meeting, make_staff
from tests.helpers import client_for, post_form
from tests.http import test_panel as base
from tests.http.test_panel import NOW, issue, ready_case

frozen = base.frozen
panel = base.panel


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_agenda_links_each_case_and_prints_typed_markup_as_text(app, frozen, panel):
    case = ready_case('Ash <b onmouseover="x()">Household</b>', date(2027, 3, 8))
    meeting = make_meeting(panel["invited"][:1], [case], meets_on=date(2027, 3, 8))
    admin = client_for(app, make_staff("panel_administrator"))
    html = admin.get(f"/staff/panel/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/staff/cases/{case.reference}">{case.reference}</a>' \
        in html
    assert "&lt;a class=" not in html
    assert '<b onmouseover' not in html and "&lt;b onmouseover=" in html


def test_members_per_case_reports_are_stamped_and_nothing_is_cached(app, frozen, panel):
    case = ready_case("Elm Household", date(2027, 3, 8))
    meeting = make_meeting(panel["invited"][:2], [case], meets_on=date(2027, 3, 8))
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
    meeting = make_meeting(panel["invited"][:2], [case], meets_on=date(2027, 3, 8))
    admin = issue(app, meeting)
    ops.build_due_packs(NOW)
    meeting = db.session.get(PanelMeeting, meeting.id)
    db.session.refresh(meeting)
    late = panel["ind1"]
    invited = [str(s.member_id) for s in meeting.seats] + [str(late.id)]
    r = post_form(admin, f"/staff/panel/meetings/{meeting.id}/members",
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


# --- a signed-off report is frozen as signed ---

def signed_off_case(name="Kit and Lou Rowan"):
    from carers.pipeline import Stage
    from carers.reports import operations as report_ops
    from carers.reports.sample import assessed_household

    worker = make_staff("assessing_social_worker")
    manager = make_staff("team_manager")
    household = assessed_household(worker, name=name)
    report_ops.sign_off(household, manager)
    household.stage, household.stage_since = Stage.READY_FOR_PANEL.value, date(2027, 1, 4)
    db.session.commit()
    return household, worker


def test_a_signed_off_report_keeps_the_facts_it_was_signed_with(app, frozen, panel):
    from carers.reports import operations as report_ops
    from carers.reports.document import report_pdf

    household, worker = signed_off_case()
    meeting = make_meeting(panel["invited"][:1], [household], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    # The case changes after sign-off: new training, a new telephone number.
    report_ops.add_training(household, worker, course="First Aid for Carers",
                            provider="Red Cross", attended_by="Kit Rowan",
                            completed_on=date(2027, 2, 1))
    household.phone = "07700 900 999"
    db.session.commit()
    member = client_for(app, panel["chair"].user)
    base = f"/panel/meetings/{meeting.id}"
    per_case = pdf_text(member.get(f"{base}/cases/{household.reference}/report.pdf").data)
    staff = pdf_text(report_pdf(household)[0])
    pack = pdf_text(member.get(f"{base}/pack.pdf").data)
    for text in (per_case, staff, pack):
        assert "Skills to Foster" in text and "01632 960 001" in text
        assert "First Aid for Carers" not in text and "07700 900 999" not in text
    # A new version is where the change shows.
    report_ops.new_version(household, worker)
    assert "First Aid for Carers" in pdf_text(report_pdf(household)[0])


# --- referee placeholders ---

def test_a_superseded_referee_placeholder_cannot_be_recorded_and_never_prints(app, frozen):
    from carers.checks.models import Check
    from carers.reports.document import report_body_html
    from carers.reports.sample import assessed_household

    worker = make_staff("assessing_social_worker")
    household = assessed_household(worker, name="Noa and Eli Vance")
    # Recorded while the slot was open; since then two referees were named.
    slot = Check(household_id=household.id, key="reference:slot2",
                 kind="personal_reference", subject="referee 2 (not yet named)",
                 required=False, created_on=date(2026, 8, 1), requested_on=date(2026, 8, 2))
    db.session.add(slot)
    db.session.commit()
    assert "not yet named" not in report_body_html(household)
    client = client_for(app, worker)
    url = f"/staff/cases/{household.reference}/checks/{slot.id}"
    page = client.get(url).get_data(as_text=True)
    assert "no longer needed" in page
    r = post_form(client, url, {"requested_on": ["3", "3", "2027"],
                                "received_on": ["3", "3", "2027"], "outcome": "clear"}, page=url)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "govuk-error-summary" in html and "named in its place" in html
    db.session.refresh(slot)
    assert slot.received_on is None and slot.requested_on == date(2026, 8, 2)


# --- the pack: tagged, small, and showing what it holds ---

def test_stamped_copies_stay_tagged_pdf_1_7_close_to_the_papers_size_and_show_their_fingerprint(
        app, frozen, panel):
    from carers.panel.models import PackJob
    from carers.reports.sample import assessed_household

    worker = make_staff("assessing_social_worker")
    cases = [assessed_household(worker, name="Ada and Bo Quill"), ready_case("Gum Household")]
    for case in cases:
        case.stage = "ready_for_panel"
    db.session.commit()
    meeting = make_meeting(panel["invited"][:2], cases, meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    job = db.session.scalar(select(PackJob))
    base = pdfs_base_size(meeting)
    for key, name in (("chair", "Priya Chair"), ("sw", "Sam Social")):
        r = client_for(app, panel[key].user).get(f"/panel/meetings/{meeting.id}/pack.pdf")
        assert r.data.startswith(b"%PDF-1.7")
        reader = PdfReader(io.BytesIO(r.data))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        assert len(r.data) < 1.3 * base, (len(r.data), base)
        first = " ".join(reader.pages[0].extract_text().split())
        assert "Papers issued on 1 March 2027" in first
        for person in ("Priya Chair", "Sam Social"):
            assert person in first  # who sits on the panel
        fingerprint = " ".join(job.papers_sha256[i:i + 4] for i in range(0, 12, 4))
        for page in reader.pages:
            text = " ".join(page.extract_text().split())
            assert f"Copy for {name}, 1 March 2027" in text
            assert f"Fingerprint {fingerprint}" in text
    page = client_for(app, panel["sw"].user).get(f"/panel/meetings/{meeting.id}")
    assert fingerprint in page.get_data(as_text=True)


def pdfs_base_size(meeting) -> int:
    """The papers as rendered before any stamp (the same HTML the sweep renders)."""
    from carers.panel import pdfs

    meeting = db.session.get(PanelMeeting, meeting.id)
    html = pdfs.pack_html(meeting, meeting.agenda, "Agency", date(2027, 3, 1))
    return len(pdfs.render_pdf(html, title="Panel pack", author="Agency"))


# --- outstanding checks are warned about before and at panel ---

def test_outstanding_checks_are_warned_about_at_sign_off_on_the_agenda_and_in_the_pack(
        app, frozen, panel):
    from carers.checks.models import Check
    from carers.reports.sample import assessed_household

    worker = make_staff("assessing_social_worker")
    manager = make_staff("team_manager")
    household = assessed_household(worker, name="Ivy and Rex Hale")
    medical = db.session.scalar(select(Check).where(Check.household_id == household.id,
                                                    Check.kind == "medical"))
    medical.received_on = None
    medical.done_on = None
    db.session.commit()
    household.workers.append(manager)
    db.session.commit()
    editor = client_for(app, manager).get(f"/staff/cases/{household.reference}/report")
    html = editor.get_data(as_text=True)
    assert 'id="outstanding-checks"' in html and medical.label in html.replace("&#39;", "'")

    bare = ready_case("Jay Household", date(2027, 3, 8))
    household.stage = "ready_for_panel"
    db.session.commit()
    meeting = make_meeting(panel["invited"][:1], [household, bare], meets_on=date(2027, 3, 8))
    admin = issue(app, meeting)
    page = admin.get(f"/staff/panel/meetings/{meeting.id}").get_data(as_text=True)
    assert f'id="outstanding-{household.reference}"' in page
    assert f'id="outstanding-{bare.reference}"' in page
    ops.build_due_packs(NOW)
    chair = client_for(app, panel["chair"].user)
    assert f'id="outstanding-{household.reference}"' in chair.get(
        f"/panel/meetings/{meeting.id}").get_data(as_text=True)
    first = " ".join(PdfReader(io.BytesIO(chair.get(
        f"/panel/meetings/{meeting.id}/pack.pdf").data)).pages[0].extract_text().split())
    assert "Checks outstanding" in first
    assert household.reference in first and "Medical report" in first
