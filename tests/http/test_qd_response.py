"""After a qualifying determination, over HTTP: the case's team records representations or
an IRM application (then the papers and the IRM panel's recommendation); the agency
decision maker decides once they are in, citing them, or refers the case back to panel; and
a case taken off the panel list leaves the agenda and members' papers."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from carers.cases.models import CaseEvent, Household
from carers.extensions import db
from carers.panel import operations as ops
from carers.panel.models import (
    AgendaItem,
    PackCopy,
    PackJob,
    PanelDecision,
    PanelMeeting,
    QdResponse,
)
from carers.panel.rules import PanelRole
from carers.pipeline import Stage
from tests.factories import make_household, make_meeting, make_panel_member, make_staff
from tests.helpers import client_for, post_form

QD_ON = date(2027, 3, 1)  # a Monday: the 28 days end on Monday 29 March


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC),
                               tick=False)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("&#39;", "'")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                    .split())


@pytest.fixture
def qd_case(app):
    """A case the agency decision maker proposed not to approve on 1 March 2027, with its
    allocated worker."""
    with at(QD_ON):
        worker = make_staff("assessing_social_worker", name="Wendy Worker")
        household = make_household(
            "mainstream", Stage.AGENCY_DECISION, workers=[worker], name="Rowan Household",
            stage_since=date(2027, 2, 22), received_on=date(2026, 6, 1),
            application_received_on=date(2026, 7, 1), stage2_started_on=date(2026, 9, 1),
            assessment_completed_on=date(2027, 1, 4), recommended_on=date(2027, 2, 18),
            recommendation="not_suitable", minutes_received_on=date(2027, 2, 22),
            qd_issued_on=QD_ON)
    return household, worker


def fresh(household) -> Household:
    row = db.session.get(Household, household.id)
    db.session.refresh(row)
    return row


def respond(app, worker, household, **data):
    client = client_for(app, worker)
    url = f"/staff/cases/{household.reference}/qualifying-determination/response"
    return client, post_form(client, url, {"version": str(fresh(household).version), **data})


def day(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def decide(app, household, on: date, **data):
    client = client_for(app, make_staff("agency_decision_maker", name="Dana Decider"))
    return client, post_form(client, f"/staff/panel/decisions/{household.reference}", {
        "version": str(fresh(household).version), "on": day(on), **data})


# --- representations ---

def test_representations_on_day_10_let_the_decision_maker_decide_on_day_11(app, qd_case):
    household, worker = qd_case
    day10, day11 = QD_ON + timedelta(days=10), QD_ON + timedelta(days=11)
    with at(day10):
        client, r = respond(app, worker, household, kind="representations",
                            received_on=day(day10),
                            summary="They say the panel misread their health records.")
        assert r.status_code == 302
        case_page = text_of(client.get(f"/staff/cases/{household.reference}"))
        assert "Written representations to the decision maker, 11 March 2027" in case_page
        assert "the final decision from 12 March 2027" in case_page
        letter = client.get(f"/staff/cases/{household.reference}/qualifying-determination/"
                            "acknowledgement.pdf")
        assert letter.status_code == 200
        text = pdf_text(letter.data)
        assert "We received them on 11 March 2027" in text and "Rowan Household" in text
        assert fresh(household).qd_responded_on == day10
        # Not on the day they arrived.
        _client, r = decide(app, household, day10, decision="not_approve", reasons="No.")
        assert r.status_code == 200
        assert "the final decision can be made from Fri 12 Mar 2027" in text_of(r)
    with at(day11):
        adm, r = decide(app, household, day11, decision="not_approve",
                        reasons="The representations do not change the health concerns.")
        assert r.status_code == 302
        assert fresh(household).stage == Stage.NOT_APPROVED.value
        decision = db.session.scalar(select(PanelDecision).where(
            PanelDecision.kind == PanelDecision.NOT_APPROVE))
        assert decision.considered_response.received_on == day10
        record = text_of(adm.get(f"/staff/panel/decisions/letters/{decision.id}"))
        assert "The decision considered the written representations received on 11 March " \
               "2027" in record
        text = pdf_text(adm.get(f"/staff/panel/decisions/letters/{decision.id}/letter.pdf").data)
        assert "the written representations received on 11 March 2027" in text
        assert "final decision not to approve you" in text


def test_without_a_response_the_decision_waits_until_day_29(app, qd_case):
    household, _worker = qd_case
    day28, day29 = QD_ON + timedelta(days=28), QD_ON + timedelta(days=29)
    with at(day28):
        _client, r = decide(app, household, day28, decision="not_approve", reasons="No.")
        assert r.status_code == 200 and "until Mon 29 Mar 2027" in text_of(r)
    with at(day29):
        _client, r = decide(app, household, day29, decision="not_approve", reasons="No.")
        assert r.status_code == 302


def test_a_late_response_is_refused_with_a_clear_message(app, qd_case):
    household, worker = qd_case
    with at(QD_ON + timedelta(days=30)):
        _client, r = respond(app, worker, household, kind="irm",
                             received_on=day(QD_ON + timedelta(days=29)), summary="")
        assert r.status_code == 200
        page = text_of(r)
        assert "govuk-error-summary" in page
        assert "The applicant had until Mon 29 Mar 2027 (28 days from the qualifying " \
               "determination) to respond" in page
        assert 'value="irm" checked' in page  # what was typed is kept
    assert db.session.scalar(select(func.count(QdResponse.id))) == 0


@pytest.mark.parametrize("data, message", [
    ({"received_on": day(date(2027, 3, 5)), "summary": "x"}, "Select what the applicant did"),
    ({"kind": "representations", "received_on": ["", "", ""], "summary": "x"},
     "Enter the date received"),
    ({"kind": "representations", "received_on": ["31", "2", "2027"], "summary": "x"},
     "must be a real date"),
    ({"kind": "representations", "received_on": day(date(2027, 3, 20)), "summary": "x"},
     "The date received cannot be in the future"),
    ({"kind": "representations", "received_on": day(date(2027, 3, 5)), "summary": " "},
     "Summarise what the applicant said in their representations."),
    ({"kind": "nonsense", "received_on": day(date(2027, 3, 5))}, "Select"),
    ({"kind": "irm", "received_on": day(date(2027, 2, 20))}, "is before the qualifying"),
    ({"kind": "irm", "received_on": day(date(2027, 3, 5)), "summary": "x" * 20001},
     "20,000 characters or fewer"),
])
def test_bad_response_input_gets_a_govuk_error_summary(app, qd_case, data, message):
    household, worker = qd_case
    with at(date(2027, 3, 10)):
        _client, r = respond(app, worker, household, **data)
    assert r.status_code == 200
    page = text_of(r)
    assert "govuk-error-summary" in page and message in page
    assert db.session.scalar(select(func.count(QdResponse.id))) == 0


def test_only_the_cases_team_records_a_response(app, qd_case):
    household, _worker = qd_case
    url = f"/staff/cases/{household.reference}/qualifying-determination/response"
    with at(date(2027, 3, 10)):
        other = client_for(app, make_staff("assessing_social_worker", name="Otto Other"))
        assert other.get(url).status_code == 403
        adm = client_for(app, make_staff("agency_decision_maker"))
        assert adm.get(url).status_code == 403


# --- the Independent Review Mechanism ---

def test_an_irm_recommendation_is_recorded_and_the_final_decision_cites_it(app, qd_case):
    household, worker = qd_case
    base = f"/staff/cases/{household.reference}/qualifying-determination"
    applied = date(2027, 3, 20)
    with at(date(2027, 3, 22)):
        client, r = respond(app, worker, household, kind="irm", received_on=day(applied))
        assert r.status_code == 302
        page = text_of(client.get(f"/staff/cases/{household.reference}"))
        # 10 working days from Saturday 20 March, skipping Good Friday and Easter Monday.
        assert "Send the papers to the IRM by 6 April 2027" in page
        # Representations as well are refused: one or the other.
        _client, r = respond(app, worker, household, kind="representations",
                             received_on=day(date(2027, 3, 21)), summary="Also this")
        assert r.status_code == 200 and "They may make representations or apply to the " \
            "IRM, not both." in text_of(r)
    with at(date(2027, 3, 25)):
        client = client_for(app, worker)
        r = post_form(client, f"{base}/irm-papers", {
            "version": str(fresh(household).version), "sent_on": day(date(2027, 3, 19))})
        assert "before the applicant applied to the IRM" in text_of(r)
        r = post_form(client, f"{base}/irm-papers", {
            "version": str(fresh(household).version), "sent_on": day(date(2027, 3, 25))})
        assert r.status_code == 302
    with at(date(2027, 7, 20)):
        client = client_for(app, worker)
        _adm, r = decide(app, household, date(2027, 7, 20), decision="approve",
                         reasons="x", children="1", age_from="0", age_to="5",
                         fostering_types=["short_term"])
        assert "waits for the IRM panel's recommendation" in text_of(r)
        r = post_form(client, f"{base}/irm-recommendation", {
            "version": str(fresh(household).version), "on": day(date(2027, 7, 12)),
            "recommendation": "suitable", "terms": "One child aged 0 to 5.", "reasons": ""})
        assert r.status_code == 200 and "Enter the IRM panel&#39;s reasons" in \
            r.get_data(as_text=True)
        r = post_form(client, f"{base}/irm-recommendation", {
            "version": str(fresh(household).version), "on": day(date(2027, 7, 12)),
            "recommendation": "suitable", "terms": "One child aged 0 to 5.",
            "reasons": "The health concerns are managed well."})
        assert r.status_code == 302
        adm, r = decide(app, household, date(2027, 7, 20), decision="not_approve",
                        reasons="Still concerned.")
        assert "give your reasons for departing from it" in text_of(r)
        decision_page = text_of(adm.get(f"/staff/panel/decisions/{household.reference}"))
        assert "Suitable to foster, 12 July 2027" in decision_page
        assert "The health concerns are managed well." in decision_page
        adm, r = decide(app, household, date(2027, 7, 20), decision="approve",
                        reasons="I accept the IRM panel's view.", children="1",
                        age_from="0", age_to="5", fostering_types=["short_term"])
        assert r.status_code == 302
        assert fresh(household).stage == Stage.APPROVED.value
        decision = db.session.scalar(select(PanelDecision).where(
            PanelDecision.kind == PanelDecision.APPROVE))
        assert decision.considered_response.irm_recommended_on == date(2027, 7, 12)
        record = text_of(adm.get(f"/staff/panel/decisions/letters/{decision.id}"))
        assert "The decision considered the IRM panel's recommendation of 12 July 2027" in record
        text = pdf_text(adm.get(f"/staff/panel/decisions/letters/{decision.id}/letter.pdf").data)
        assert "the IRM panel's recommendation of 12 July 2027" in text
        assert "decided to approve you" in text
        events = list(db.session.scalars(select(CaseEvent.summary).where(
            CaseEvent.household_id == household.id)))
        assert "Applied to the Independent Review Mechanism on 20 March 2027" in events
        assert "Papers sent to the IRM on 25 March 2027" in events


def test_departing_from_the_irm_recommendation_records_the_reasons(app, qd_case):
    household, worker = qd_case
    with at(date(2027, 3, 20)):
        _client, r = respond(app, worker, household, kind="irm",
                             received_on=day(date(2027, 3, 20)))
        assert r.status_code == 302
    with at(date(2027, 7, 20)):
        by = make_staff("team_manager")
        ops.record_irm_papers_sent(by, fresh(household), sent_on=date(2027, 3, 25),
                                   seen_version=None)
        ops.record_irm_recommendation(by, fresh(household), on=date(2027, 7, 12),
                                      recommendation="suitable", terms="",
                                      reasons="Suitable.", seen_version=None)
        adm, r = decide(app, household, date(2027, 7, 20), decision="not_approve",
                        reasons="Still concerned.",
                        departure_reasons="New information since the IRM panel sat.")
        assert r.status_code == 302
        decision = db.session.scalar(select(PanelDecision))
        assert decision.departure_reasons == "New information since the IRM panel sat."
        text = pdf_text(adm.get(f"/staff/panel/decisions/letters/{decision.id}/letter.pdf").data)
        assert "Why I have not followed the IRM panel's recommendation" in text
        assert "New information since the IRM panel sat." in text


@pytest.mark.parametrize("path, data, message", [
    ("irm-papers", {"sent_on": ["", "", ""]}, "Enter the date the papers were sent"),
    ("irm-papers", {"sent_on": day(date(2027, 4, 30))}, "cannot be in the future"),
    ("irm-recommendation", {"on": day(date(2027, 4, 1)), "recommendation": "suitable",
                            "reasons": "x"}, "Record the date the papers were sent to the IRM"),
    ("irm-recommendation", {"on": ["", "", ""], "reasons": "x"},
     "Enter the date of the recommendation"),
    ("irm-recommendation", {"on": day(date(2027, 4, 1)), "recommendation": "maybe",
                            "reasons": "x"}, "Select"),
])
def test_bad_irm_input_gets_a_govuk_error_summary(app, qd_case, path, data, message):
    household, worker = qd_case
    with at(date(2027, 4, 2)):
        client, r = respond(app, worker, household, kind="irm",
                            received_on=day(date(2027, 3, 20)))
        assert r.status_code == 302
        url = f"/staff/cases/{household.reference}/qualifying-determination/{path}"
        r = post_form(client, url, {"version": str(fresh(household).version), **data})
    assert r.status_code == 200
    page = text_of(r)
    assert "govuk-error-summary" in page and message in page


# --- referral back to the panel ---

def test_the_decision_maker_refers_the_case_back_to_panel(app, qd_case):
    household, worker = qd_case
    with at(date(2027, 3, 10)):
        _client, r = respond(app, worker, household, kind="representations",
                             received_on=day(date(2027, 3, 10)),
                             summary="New evidence from their GP.")
    with at(date(2027, 3, 12)):
        adm, r = decide(app, household, date(2027, 3, 12), decision="refer_back",
                        reasons="The panel should see the GP's new evidence.")
        assert r.status_code == 302
        row = fresh(household)
        assert (row.stage, row.panel_date) == (Stage.READY_FOR_PANEL.value, None)
        decision = db.session.scalar(select(PanelDecision))
        assert decision.kind == PanelDecision.REFER_BACK
        text = pdf_text(adm.get(f"/staff/panel/decisions/letters/{decision.id}/letter.pdf").data)
        assert "referred your case back to the fostering panel" in text
        assert "the written representations received on 10 March 2027" in text
        assert "The panel should see the GP's new evidence." in text
        # It can go on a later panel's agenda.
        meeting = make_meeting([], [row], meets_on=date(2027, 4, 12))
        assert [i.household_id for i in meeting.agenda] == [row.id]


# --- a case taken off the panel list ---

def test_a_case_taken_off_the_list_leaves_the_agenda_and_members_papers(app):
    with at(date(2027, 3, 1)):
        members = [make_panel_member(PanelRole.CHAIR, name="Priya Chair"),
                   make_panel_member(PanelRole.INDEPENDENT, name="Iris Independent")]
        worker = make_staff("assessing_social_worker", name="Wendy Worker")

        def ready(name):
            return make_household("mainstream", Stage.READY_FOR_PANEL, workers=[worker],
                                  name=name, stage_since=date(2027, 1, 4),
                                  received_on=date(2026, 6, 1),
                                  application_received_on=date(2026, 7, 1),
                                  stage2_started_on=date(2026, 9, 1),
                                  assessment_completed_on=date(2027, 1, 4),
                                  panel_date=date(2027, 3, 15))

        leaving, staying = ready("Leaving Household"), ready("Staying Household")
        meeting = make_meeting(members, [leaving, staying], meets_on=date(2027, 3, 15))
        admin = client_for(app, make_staff("panel_administrator"))
        r = post_form(admin, f"/staff/panel/meetings/{meeting.id}/issue",
                      {"version": str(meeting.version)},
                      page=f"/staff/panel/meetings/{meeting.id}")
        assert r.status_code == 302
        ops.build_due_packs(datetime(2027, 3, 1, 10, 5, tzinfo=UTC))
        member = client_for(app, members[1].user)
        base = f"/panel/meetings/{meeting.id}"
        assert "Leaving Household" in text_of(member.get(base))
        assert member.get(f"{base}/cases/{leaving.reference}/report.pdf").status_code == 200
        assert member.get(f"{base}/pack.pdf").status_code == 200

        # The worker takes the case off the panel list (back into assessment).
        client = client_for(app, worker)
        r = post_form(client, f"/staff/cases/{leaving.reference}/move/defer_panel", {
            "version": str(fresh(leaving).version), "on": day(date(2027, 3, 1)),
            "reason": "The applicants have asked for more time.", "confirm": "y"})
        assert r.status_code == 302

        assert [i.household_id for i in db.session.scalars(select(AgendaItem))] == [staying.id]
        assert db.session.scalar(select(func.count(PackCopy.id))) == 0
        assert member.get(f"{base}/cases/{leaving.reference}/report.pdf").status_code == 404
        assert member.get(f"{base}/pack.pdf").status_code == 404
        page = text_of(member.get(base))
        assert "Leaving Household" not in page and "Staying Household" in page
        admin_page = text_of(admin.get(f"/staff/panel/meetings/{meeting.id}"))
        assert "Leaving Household" not in admin_page

        # The pack is built again without it.
        ops.build_due_packs(datetime(2027, 3, 1, 10, 10, tzinfo=UTC))
        r = member.get(f"{base}/pack.pdf")
        assert r.status_code == 200
        text = pdf_text(r.data)
        assert "Staying Household" in text and "Leaving Household" not in text
        assert db.session.scalar(select(func.count(PackJob.id))) == 2
        assert db.session.get(PanelMeeting, meeting.id).agenda[0].household_id == staying.id


def test_the_case_page_cannot_decide_past_a_pending_irm_review(app, qd_case):
    household, worker = qd_case
    with at(date(2027, 3, 20)):
        _client, r = respond(app, worker, household, kind="irm",
                             received_on=day(date(2027, 3, 20)))
        assert r.status_code == 302
    with at(date(2027, 5, 3)):  # long after the 28 days
        client = client_for(app, worker)
        r = post_form(client, f"/staff/cases/{household.reference}/move/not_approve", {
            "version": str(fresh(household).version), "on": day(date(2027, 5, 3)),
            "reason": "No.", "confirm": "y"})
        assert r.status_code == 200
        assert "the final decision waits for the IRM panel's recommendation" in text_of(r)
    assert fresh(household).stage == Stage.AGENCY_DECISION.value
