"""The fostering panel over HTTP: the list, meetings, quorum, papers and packs (read back
with pypdf), members' access to papers, recommendation, minutes and the agency decision."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from carers.audit.models import AuditEvent
from carers.cases.models import Household
from carers.cases.state import case_state
from carers.extensions import db
from carers.panel import operations as ops
from carers.panel.models import (
    AgendaItem,
    MeetingSeat,
    PackCopy,
    PackJob,
    PanelDecision,
    PanelMeeting,
)
from carers.panel.rules import PanelRole
from carers.pipeline import Stage, case_clocks
from tests.factories import make_household, make_meeting, make_panel_member, make_staff
from tests.helpers import client_for, post_form

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)  # a Monday, no bank holiday near
TODAY = date(2027, 3, 1)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ready_case(name: str, meets_on: date = TODAY) -> Household:
    return make_household("mainstream", Stage.READY_FOR_PANEL, name=name,
                          stage_since=date(2027, 1, 4), received_on=date(2026, 6, 1),
                          application_received_on=date(2026, 7, 1),
                          stage2_started_on=date(2026, 9, 1),
                          assessment_completed_on=date(2027, 1, 4), panel_date=meets_on)


@pytest.fixture
def panel(app, frozen):
    chair = make_panel_member(PanelRole.CHAIR, name="Priya Chair")
    sw = make_panel_member(PanelRole.SOCIAL_WORKER, name="Sam Social")
    ind1 = make_panel_member(PanelRole.INDEPENDENT, name="Iris Independent")
    ind2 = make_panel_member(PanelRole.INDEPENDENT, name="Ivan Independent")
    ind3 = make_panel_member(PanelRole.INDEPENDENT, name="Ines Independent")
    outsider = make_panel_member(PanelRole.INDEPENDENT, name="Olga Outsider")
    return {"chair": chair, "sw": sw, "ind1": ind1, "ind2": ind2, "ind3": ind3,
            "outsider": outsider, "invited": [chair, sw, ind1, ind2, ind3]}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# --- the central list and meetings ---

def test_the_panel_administrator_adds_members_and_a_meeting(app, frozen):
    admin = make_staff("panel_administrator")
    person = make_staff("panel_member", name="Noor Newmember")
    client = client_for(app, admin)
    r = post_form(client, "/staff/panel/members/new", {
        "user": str(person.id), "panel_role": "social_worker",
        "qualified_on": ["1", "3", "2025"], "joined_on": ["1", "3", "2027"]})
    assert r.status_code == 200
    assert "at least 3 years&#39; post-qualifying experience" in r.get_data(as_text=True)
    r = post_form(client, "/staff/panel/members/new", {
        "user": str(person.id), "panel_role": "social_worker",
        "qualified_on": ["1", "3", "2015"], "joined_on": ["1", "3", "2027"]})
    assert r.status_code == 302
    assert "Noor Newmember" in text_of(client.get("/staff/panel/members"))

    r = post_form(client, "/staff/panel/meetings/new", {
        "meets_on": ["15", "3", "2027"], "starts_at": "10:30", "place": "",
        "online_link": "https://meet.example.org/panel"})
    assert r.status_code == 302
    meeting = db.session.scalar(select(PanelMeeting))
    assert (meeting.meets_on, meeting.starts_at) == (date(2027, 3, 15), time(10, 30))
    page = text_of(client.get(f"/staff/panel/meetings/{meeting.id}"))
    # 5 working days before Monday 15 March is Monday 8 March.
    assert "8 March 2027 (5 working days before the meeting, NMS 14.3)" in page


@pytest.mark.parametrize("data, message", [
    ({"meets_on": ["", "", ""], "starts_at": "10:00", "place": "Hall"},
     "Enter the date of the meeting"),
    ({"meets_on": ["31", "2", "2027"], "starts_at": "10:00", "place": "Hall"},
     "The date of the meeting must be a real date"),
    ({"meets_on": ["1", "3", "2027"], "starts_at": "25:99", "place": "Hall"},
     "Start time must be a time in hours and minutes, like 14:30"),
    ({"meets_on": ["1", "3", "2027"], "starts_at": "10:00", "place": ""},
     "Enter the place, or an online meeting link"),
    ({"meets_on": ["1", "3", "2027"], "starts_at": "10:00", "place": "",
      "online_link": "javascript:alert(1)"}, "Enter a link starting with https://"),
    ({"meets_on": ["1"], "starts_at": "10:00", "place": "x" * 301},
     "Place must be 300 characters or fewer"),
])
def test_bad_meeting_input_gets_a_govuk_error_summary(app, frozen, data, message):
    client = client_for(app, make_staff("panel_administrator"))
    r = post_form(client, "/staff/panel/meetings/new", data)
    assert r.status_code == 200
    html = text_of(r)
    assert "govuk-error-summary" in html and message in html
    assert db.session.scalar(select(func.count(PanelMeeting.id))) == 0


def test_only_the_panel_administrator_manages_the_panel(app, frozen, panel):
    worker = make_staff("assessing_social_worker")
    client = client_for(app, worker)
    for url in ("/staff/panel/members", "/staff/panel/meetings", "/staff/panel/members/new",
                "/staff/panel/decisions"):
        assert client.get(url).status_code == 403
    chair_client = client_for(app, panel["chair"].user)
    assert chair_client.get("/staff/panel/meetings").status_code == 403


def test_the_quorum_warning_follows_the_members_attending(app, frozen, panel):
    admin = make_staff("panel_administrator")
    meeting = make_meeting([panel["chair"], panel["ind1"]], [], meets_on=date(2027, 3, 15))
    client = client_for(app, admin)
    page = text_of(client.get(f"/staff/panel/meetings/{meeting.id}"))
    assert "The members invited do not make a quorum." in page
    assert "0 social worker members attending; the quorum needs 1." in page
    ids = [str(m.id) for m in panel["invited"]]
    r = post_form(client, f"/staff/panel/meetings/{meeting.id}/members",
                  {"invited": ids, "attended": ids[:4], "version": str(meeting.version)})
    assert r.status_code == 302
    page = text_of(client.get(f"/staff/panel/meetings/{meeting.id}"))
    assert "The members attending do not make a quorum." in page
    assert "4 members attending; the quorum is 5" in page
    meeting = db.session.get(PanelMeeting, meeting.id)
    db.session.refresh(meeting)
    r = post_form(client, f"/staff/panel/meetings/{meeting.id}/members",
                  {"invited": ids, "attended": ids, "version": str(meeting.version)})
    assert r.status_code == 302
    page = text_of(client.get(f"/staff/panel/meetings/{meeting.id}"))
    assert "The members attending make a quorum (5 members)." in page


def test_attending_needs_an_invitation_and_a_stale_form_is_refused(app, frozen, panel):
    admin = make_staff("panel_administrator")
    meeting = make_meeting([panel["chair"]], [])
    client = client_for(app, admin)
    url = f"/staff/panel/meetings/{meeting.id}/members"
    r = post_form(client, url, {"invited": [str(panel["chair"].id)],
                                "attended": [str(panel["sw"].id)], "version": str(meeting.version)})
    assert r.status_code == 200
    assert "Only members invited to the meeting can be recorded as attending" in text_of(r)
    r = post_form(client, url, {"invited": ["999999"], "version": str(meeting.version)})
    assert r.status_code == 200 and "govuk-error-summary" in text_of(r)
    r = post_form(client, url, {"invited": [str(panel["sw"].id)], "version": "0"})
    assert r.status_code == 409 and "This meeting changed since you opened this page" in \
        text_of(r)  # shown again, with what was chosen
    assert [s.member_id for s in db.session.scalars(select(MeetingSeat))] == [panel["chair"].id]


def test_only_cases_ready_for_panel_join_the_agenda(app, frozen, panel):
    admin = make_staff("panel_administrator")
    ready = ready_case("Ready Household")
    not_ready = make_household("mainstream", Stage.STAGE2, name="Stage Two Household")
    meeting = make_meeting(panel["invited"], [], meets_on=date(2027, 3, 15))
    client = client_for(app, admin)
    url = f"/staff/panel/meetings/{meeting.id}/agenda"
    page = text_of(client.get(url))
    assert ready.reference in page and not_ready.reference not in page
    r = post_form(client, url, {"household": not_ready.reference, "slot_at": "10:00",
                                "minutes_slot": "45", "version": str(meeting.version)})
    assert r.status_code == 200 and "Select a case that is ready for panel" in text_of(r)
    r = post_form(client, url, {"household": ready.reference, "slot_at": "9.75",
                                "minutes_slot": "lots", "version": str(meeting.version)})
    assert r.status_code == 200
    assert "Time slot must be a time in hours and minutes" in text_of(r)
    assert "Length (minutes) must be a whole number" in text_of(r)
    r = post_form(client, url, {"household": ready.reference, "slot_at": "10:15",
                                "minutes_slot": "45", "version": str(meeting.version)})
    assert r.status_code == 302
    assert db.session.scalar(select(AgendaItem.slot_at)) == time(10, 15)


# --- papers and packs ---

def issue(app, meeting, admin=None):
    admin = admin or make_staff("panel_administrator")
    client = client_for(app, admin)
    meeting = db.session.get(PanelMeeting, meeting.id)
    db.session.refresh(meeting)
    r = post_form(client, f"/staff/panel/meetings/{meeting.id}/issue",
                  {"version": str(meeting.version)}, page=f"/staff/panel/meetings/{meeting.id}")
    assert r.status_code == 302
    return client


def test_issuing_papers_too_soon_shows_the_meeting_again_with_the_reasons(app, frozen, panel):
    meeting = make_meeting([], [])
    client = client_for(app, make_staff("panel_administrator"))
    url = f"/staff/panel/meetings/{meeting.id}"
    r = post_form(client, f"{url}/issue", {"version": str(meeting.version)}, page=url)
    assert r.status_code == 200
    summary = r.get_data(as_text=True).split('data-module="govuk-error-summary"')[1]
    assert "Add at least one case to the agenda" in summary.split("</ul>")[0]
    assert "Invite the panel members" in summary.split("</ul>")[0]
    assert db.session.scalar(select(func.count(PackJob.id))) == 0


def test_issuing_papers_queues_one_pack_and_the_sweep_builds_it_once(app, frozen, panel):
    cases = [ready_case("Alder Household", date(2027, 3, 8)),
             ready_case("Birch Household", date(2027, 3, 8))]
    meeting = make_meeting(panel["invited"][:2], cases, meets_on=date(2027, 3, 8))
    issue(app, meeting)
    job = db.session.scalar(select(PackJob))
    assert job is not None and job.built_at is None
    # Issuing met the papers clock on every case, in the same transaction.
    household = db.session.get(Household, cases[0].id)
    db.session.refresh(household)
    assert household.panel_papers_sent_on == TODAY
    papers = {c.key: c for c in case_clocks(case_state(household), TODAY)}["panel_papers"]
    assert papers.status.value == "met" and papers.due == TODAY

    # A second process that claims the job first wins; this sweep then builds nothing.
    assert ops._claim(job.id, NOW) is not None
    assert ops.build_due_packs(NOW) == []
    # Once the claim is stale (a crashed builder), the job is built, exactly once.
    later = NOW + ops.CLAIM_STALE_AFTER + timedelta(minutes=1)
    built = ops.build_due_packs(later)
    assert [(b.job_id, b.copies) for b in built] == [(job.id, 2)]
    assert ops.build_due_packs(later) == []
    assert db.session.scalar(select(func.count(PackCopy.id))) == 2


def test_each_members_pack_has_the_agenda_a_bookmark_per_case_and_their_name_on_every_page(
        app, frozen, panel):
    cases = [ready_case("Alder Household", date(2027, 3, 8)),
             ready_case("Birch Household", date(2027, 3, 8))]
    meeting = make_meeting(panel["invited"][:2], cases, meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    client = client_for(app, panel["sw"].user)
    r = client.get(f"/panel/meetings/{meeting.id}/pack.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    pages = [p.extract_text() for p in reader.pages]
    assert "Agenda" in pages[0]
    for case in cases:
        assert case.reference in pages[0] and case.name in pages[0]
    for text in pages:
        flat = " ".join(text.split())
        assert "Copy for Sam Social, 1 March 2027" in flat
        assert "OFFICIAL-SENSITIVE" in flat
    top = [i for i in reader.outline if not isinstance(i, list)]
    assert top[0].title.startswith("Agenda")
    assert len(top) == 1 + len(cases)
    for case in cases:
        bookmark = next((i for i in top if case.name in i.title), None)
        assert bookmark, f"no bookmark for {case.name}: {[i.title for i in top]}"
        # The bookmark points at the page where that case's report starts.
        start = reader.get_destination_page_number(bookmark)
        assert case.reference in pages[start] and case.name in pages[start]
    # The chair's copy carries the chair's name, not the social worker's.
    chair_pdf = client_for(app, panel["chair"].user).get(
        f"/panel/meetings/{meeting.id}/pack.pdf").data
    chair_text = " ".join(PdfReader(io.BytesIO(chair_pdf)).pages[-1].extract_text().split())
    assert "Copy for Priya Chair" in chair_text and "Sam Social" not in chair_text


def test_a_member_not_invited_gets_no_pack_and_no_report(app, frozen, panel):
    case = ready_case("Cedar Household", date(2027, 3, 8))
    meeting = make_meeting(panel["invited"], [case], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    outsider = client_for(app, panel["outsider"].user)
    base = f"/panel/meetings/{meeting.id}"
    for url in (base, f"{base}/pack.pdf", f"{base}/cases/{case.reference}/report.pdf",
                f"{base}/cases/{case.reference}/recommendation"):
        assert outsider.get(url).status_code == 404, url
    assert f"{base}\"" not in outsider.get("/panel/meetings").get_data(as_text=True)
    # Staff who are not on the panel list at all get nothing either.
    worker = client_for(app, make_staff("assessing_social_worker"))
    assert worker.get(f"{base}/pack.pdf").status_code == 404
    assert worker.get("/panel/meetings").status_code == 403
    # An invited member does, and each download is in the audit trail.
    invited = client_for(app, panel["ind1"].user)
    assert invited.get(f"{base}/pack.pdf").status_code == 200
    report = invited.get(f"{base}/cases/{case.reference}/report.pdf")
    assert report.status_code == 200
    assert case.name in PdfReader(io.BytesIO(report.data)).pages[0].extract_text()
    downloads = db.session.execute(select(AuditEvent.object_type, AuditEvent.user_id).where(
        AuditEvent.action == "download")).all()
    assert sorted(downloads) == [("household_report", panel["ind1"].user_id),
                                 ("panel_pack", panel["ind1"].user_id)]
    # A case not on the agenda is not reachable through the meeting.
    other = ready_case("Other Household")
    assert invited.get(f"{base}/cases/{other.reference}/report.pdf").status_code == 404


def test_after_the_access_period_an_invited_member_gets_nothing(app, frozen, panel):
    case = ready_case("Damson Household", date(2027, 3, 8))
    meeting = make_meeting(panel["invited"], [case], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    base = f"/panel/meetings/{meeting.id}"
    frozen.move_to(datetime(2027, 4, 7, 12, 0, tzinfo=UTC))  # 30 days after: still open
    assert client_for(app, panel["ind2"].user).get(f"{base}/pack.pdf").status_code == 200
    frozen.move_to(datetime(2027, 4, 8, 12, 0, tzinfo=UTC))  # 31 days after
    client = client_for(app, panel["ind2"].user)
    for url in (base, f"{base}/pack.pdf", f"{base}/cases/{case.reference}/report.pdf"):
        assert client.get(url).status_code == 404, url
    assert "Damson" not in client.get("/panel/meetings").get_data(as_text=True)


# --- recommendation, minutes and decision ---

def recommend(app, panel, meeting, case, **data):
    client = client_for(app, panel["chair"].user)
    url = f"/panel/meetings/{meeting.id}/cases/{case.reference}/recommendation"
    household = db.session.get(Household, case.id)
    db.session.refresh(household)
    return post_form(client, url, {"version": str(household.version), **data})


def finalise_minutes(app, panel, meeting):
    client = client_for(app, panel["chair"].user)
    meeting = db.session.get(PanelMeeting, meeting.id)
    db.session.refresh(meeting)
    return post_form(client, f"/panel/meetings/{meeting.id}/minutes",
                     {"minutes": "The panel heard the case.", "final": "final",
                      "version": str(meeting.version)})


def decide(app, case, **data):
    client = client_for(app, make_staff("agency_decision_maker", name="Dana Decider"))
    household = db.session.get(Household, case.id)
    db.session.refresh(household)
    return client, post_form(client, f"/staff/panel/decisions/{case.reference}",
                             {"version": str(household.version), "on": ["1", "3", "2027"],
                              **data})


def test_recommendation_then_decision_approves_and_raises_the_first_review(app, frozen,
                                                                          panel):
    case = ready_case("Elm Household")
    meeting = make_meeting(panel["invited"], [case], attended=True)
    r = recommend(app, panel, meeting, case, recommendation="suitable", reasons="Warm home.")
    assert r.status_code == 200
    assert "Enter the number of children" in text_of(r)
    r = recommend(app, panel, meeting, case, recommendation="suitable", reasons="Warm home.",
                  children="2", age_from="5", age_to="11",
                  fostering_types=["short_term", "long_term"])
    assert r.status_code == 302
    household = db.session.get(Household, case.id)
    db.session.refresh(household)
    assert (household.stage, household.recommended_on) == ("panel_recommended", TODAY)

    r = finalise_minutes(app, panel, meeting)
    assert r.status_code == 302
    db.session.refresh(household)
    assert (household.stage, household.minutes_received_on) == ("agency_decision", TODAY)
    adm = {c.key: c for c in case_clocks(case_state(household), TODAY)}["adm_decision"]
    assert adm.due == date(2027, 3, 10)  # 7 working days

    client, r = decide(app, case, decision="approve", reasons="Agree with the panel.",
                       children="2", age_from="5", age_to="11",
                       fostering_types=["short_term", "long_term"])
    assert r.status_code == 302
    db.session.refresh(household)
    assert (household.stage, household.decided_on) == ("approved", TODAY)
    clocks = {c.key: c for c in case_clocks(case_state(household), TODAY)}
    assert clocks["first_annual_review"].due == date(2028, 3, 1)
    assert clocks["adm_decision"].status.value == "met"
    decision = db.session.scalar(select(PanelDecision))
    assert decision.terms["children"] == 2
    letter = client.get(f"/staff/panel/decisions/letters/{decision.id}/letter.pdf")
    assert letter.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(letter.data)).pages[0].extract_text().split())
    assert "decided to approve you" in text and "Elm Household" in text
    assert "1 March 2028" in text


def test_a_proposed_refusal_issues_a_qualifying_determination_with_28_days(app, frozen,
                                                                         panel):
    case = ready_case("Fir Household")
    meeting = make_meeting(panel["invited"], [case], attended=True)
    assert recommend(app, panel, meeting, case, recommendation="not_suitable",
                     reasons="Not ready.").status_code == 302
    assert finalise_minutes(app, panel, meeting).status_code == 302
    client, r = decide(app, case, decision="not_approve", reasons="No.")
    assert r.status_code == 200
    assert "Issue a qualifying determination first" in text_of(r)
    client, r = decide(app, case, decision="qualifying_determination",
                       reasons="We propose not to approve.")
    assert r.status_code == 302
    household = db.session.get(Household, case.id)
    db.session.refresh(household)
    assert (household.stage, household.qd_issued_on) == ("agency_decision", TODAY)
    qd = {c.key: c for c in case_clocks(case_state(household), TODAY)}["qd_response"]
    assert qd.due == date(2027, 3, 29)
    decision = db.session.scalar(select(PanelDecision))
    text = " ".join(PdfReader(io.BytesIO(client.get(
        f"/staff/panel/decisions/letters/{decision.id}/letter.pdf").data)).pages[0]
        .extract_text().split())
    assert "qualifying determination" in text and "29 March 2027" in text
    assert "Independent Review Mechanism" in text


def test_only_the_chair_records_a_recommendation_and_final_minutes_need_every_case(
        app, frozen, panel):
    cases = [ready_case("Gorse Household"), ready_case("Hazel Household")]
    meeting = make_meeting(panel["invited"], cases, attended=True)
    member_client = client_for(app, panel["ind1"].user)
    url = f"/panel/meetings/{meeting.id}/cases/{cases[0].reference}/recommendation"
    assert member_client.get(url).status_code == 403
    assert recommend(app, panel, meeting, cases[0], recommendation="maybe",
                     reasons="x").status_code == 200
    assert recommend(app, panel, meeting, cases[0], recommendation="suitable",
                     reasons="Good.", children="1", age_from="9", age_to="3",
                     fostering_types=["short_term"]).status_code == 200
    assert recommend(app, panel, meeting, cases[0], recommendation="not_suitable",
                     reasons="   ").status_code == 200
    assert recommend(app, panel, meeting, cases[0], recommendation="not_suitable",
                     reasons="Not yet.").status_code == 302
    r = finalise_minutes(app, panel, meeting)
    assert r.status_code == 200
    assert f"Record the panel&#39;s recommendation on {cases[1].reference}" in \
        r.get_data(as_text=True)
    household = db.session.get(Household, cases[0].id)
    db.session.refresh(household)
    assert household.stage == "panel_recommended"  # nothing moved


def test_a_change_to_the_members_raises_the_meeting_version(app, frozen, panel):
    meeting = make_meeting([panel["chair"]], [])
    before = meeting.version
    ops.set_seats(make_staff("panel_administrator"), meeting,
                  {panel["chair"].id, panel["sw"].id}, set(), before)
    assert meeting.version == before + 1
    with pytest.raises(ops.MeetingChanged):
        ops.set_seats(make_staff("panel_administrator"), meeting, set(), set(), before)


def test_two_sweeps_at_once_build_the_pack_once(app, frozen, panel):
    import threading

    case = ready_case("Juniper Household", date(2027, 3, 8))
    meeting = make_meeting(panel["invited"][:2], [case], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    results, errors = [], []

    def sweep():
        try:
            with app.app_context():
                results.extend(ops.build_due_packs(NOW))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(results) == 1 and results[0].copies == 2
    assert db.session.scalar(select(func.count(PackCopy.id))) == 2
    job = db.session.scalar(select(PackJob))
    assert job.attempts == 1 and job.built_at is not None


@pytest.mark.parametrize("data, message", [
    ({}, "Select the decision"),
    ({"decision": "approve", "reasons": "Fine."}, "Enter the number of children"),
    ({"decision": "approve", "reasons": "Fine.", "children": "2", "age_from": "12",
      "age_to": "4", "fostering_types": ["short_term"]},
     "The youngest age must not be more than the oldest"),
    ({"decision": "approve", "reasons": "Fine.", "children": "two"},
     "Number of children must be a whole number"),
    ({"decision": "approve", "reasons": "Fine.", "on": ["2", "3", "2027"]},
     "The date of the decision cannot be in the future"),
    ({"decision": "maybe", "reasons": "x"}, "Select the decision"),
    ({"decision": "approve", "reasons": "ok", "fostering_types": ["<script>"]},
     "Select types of fostering from the list"),
])
def test_bad_decision_input_gets_a_govuk_error(app, frozen, panel, data, message):
    case = ready_case("Ivy Household")
    meeting = make_meeting(panel["invited"], [case], attended=True)
    assert recommend(app, panel, meeting, case, recommendation="not_suitable",
                     reasons="Not yet.").status_code == 302
    assert finalise_minutes(app, panel, meeting).status_code == 302
    _client, r = decide(app, case, **data)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html.replace("&#39;", "'")
    assert "<script>" not in html.split("</header>")[-1]
    assert db.session.scalar(select(func.count(PanelDecision.id))) == 0


def test_a_decision_on_a_case_changed_meanwhile_keeps_what_was_typed(app, frozen, panel):
    case = ready_case("Juniper Household")
    meeting = make_meeting(panel["invited"], [case], attended=True)
    assert recommend(app, panel, meeting, case, recommendation="not_suitable",
                     reasons="Not yet.").status_code == 302
    assert finalise_minutes(app, panel, meeting).status_code == 302
    household = db.session.get(Household, case.id)
    db.session.refresh(household)
    _client, r = decide(app, case, decision="qualifying_determination",
                        reasons="Our long and careful reasons.",
                        version=str(household.version - 1))
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    summary = html.split('data-module="govuk-error-summary"')[1].split("</ul>")[0]
    assert "This changed since you opened it" in summary
    assert "Our long and careful reasons." in html
    assert f'value="{household.version}"' in html  # saving again is a choice made after a look
    assert db.session.scalar(select(func.count(PanelDecision.id))) == 0


def test_the_pack_prints_the_signed_off_report_not_a_newer_draft(app, frozen, panel):
    from carers.reports import operations as report_ops
    from carers.reports import structure
    from carers.reports.sample import assessed_household

    worker = make_staff("assessing_social_worker")
    manager = make_staff("team_manager")
    household = assessed_household(worker, name="Kit and Lou Rowan",
                                   narrative="Words the manager signed off.")
    report_ops.sign_off(household, manager)
    report_ops.new_version(household, worker)
    key = structure.narrative_keys(structure.form_for(household.pathway))[0]
    report_ops.save_section(household, key, "Newer draft words.", 0, worker)
    household.stage, household.stage_since = Stage.READY_FOR_PANEL.value, date(2027, 1, 4)
    db.session.commit()
    meeting = make_meeting(panel["invited"][:1], [household], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    ops.build_due_packs(NOW)
    pdf = client_for(app, panel["chair"].user).get(f"/panel/meetings/{meeting.id}/pack.pdf")
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Words the manager signed off." in text
    assert "Newer draft words." not in text
    report = client_for(app, panel["chair"].user).get(
        f"/panel/meetings/{meeting.id}/cases/{household.reference}/report.pdf")
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(report.data)).pages)
    assert "Words the manager signed off." in text and "Newer draft words." not in text


def test_the_build_packs_command_runs_the_sweep(app, frozen, panel, runner):
    case = ready_case("Laurel Household", date(2027, 3, 8))
    meeting = make_meeting(panel["invited"][:1], [case], meets_on=date(2027, 3, 8))
    issue(app, meeting)
    result = runner.invoke(args=["panel", "build-packs"])
    assert result.exit_code == 0, result.output
    assert f"for meeting {meeting.id}" in result.output and "1 copy." in result.output
    assert runner.invoke(args=["panel", "build-packs"]).output.strip() == "Built 0 packs."


def test_draft_minutes_change_nothing_until_they_are_final(app, frozen, panel):
    case = ready_case("Maple Household")
    meeting = make_meeting(panel["invited"], [case], attended=True)
    assert recommend(app, panel, meeting, case, recommendation="not_suitable",
                     reasons="Not yet.").status_code == 302
    taker = make_panel_member(PanelRole.MINUTE_TAKER, name="Mo Minutes")
    meeting = db.session.get(PanelMeeting, meeting.id)
    meeting.seats.append(MeetingSeat(member_id=taker.id))
    db.session.commit()
    client = client_for(app, taker.user)
    url = f"/panel/meetings/{meeting.id}/minutes"
    r = post_form(client, url, {"minutes": "  ", "final": "draft", "version": str(meeting.version)})
    assert r.status_code == 200 and "Enter the minutes" in text_of(r)
    r = post_form(client, url, {"minutes": "Draft: heard <b>the case</b>.", "final": "draft",
                                "version": str(meeting.version)})
    assert r.status_code == 302
    household = db.session.get(Household, case.id)
    db.session.refresh(household)
    assert household.stage == "panel_recommended"
    assert "Draft: heard &lt;b&gt;the case&lt;/b&gt;." in client.get(url).get_data(as_text=True)
    # Someone saving minutes on a page opened before that save loses nothing they typed.
    opened_at = str(meeting.version)
    r = post_form(client, url, {"minutes": "A long second draft.", "final": "draft",
                                "version": opened_at})
    assert r.status_code == 409 and "This meeting changed since you opened" in text_of(r)
    assert "A long second draft." in text_of(r)
    db.session.refresh(meeting)
    assert meeting.minutes == "Draft: heard <b>the case</b>."
    # A member who is neither chair nor minute taker cannot write them.
    assert client_for(app, panel["ind1"].user).get(url).status_code == 403
    assert finalise_minutes(app, panel, meeting).status_code == 302
    db.session.refresh(household)
    assert household.stage == "agency_decision"
    r = client.get(url)
    assert r.status_code == 302  # final minutes are locked
