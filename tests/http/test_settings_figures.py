"""Figures stated on pages, in emails and in letters come from the settings that drive them:
change a setting and every sentence that states it changes, with no trace of the old figure."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carers.clocks.workdays import fmt_day
from carers.core.dates import today
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.panel.models import PanelDecision
from carers.pipeline import Stage
from carers.settings.operations import save_settings
from tests.factories import make_household, make_staff
from tests.helpers import csrf_token, isolated_client, sign_in
from tests.http.journey import complete_journey

CHANGED = {
    "first_response_working_days": 3,
    "reg24_weeks": 12,
    "qd_response_days": 21,
    "enquiry_retention_months": 18,
    "retention_refused_withdrawn_years": 5,
    "retention_approved_carer_years": 12,
    "retention_connected_person_years": 11,
}


@pytest.fixture
def changed(app):
    save_settings(CHANGED, make_staff("administrator"))


def words(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return words(response.get_data(as_text=True))


def pdf_text(data: bytes) -> str:
    return words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def staff_client(app, role: str):
    client = isolated_client(app)
    sign_in(client, make_staff(role))
    return client


def test_the_defaults_read_as_plain_english(client):
    assert "within 1 working day to talk it through" in page(client, "/")
    privacy = page(client, "/privacy")
    assert "at least 3 years" in privacy and "at least 10 years after approval ends" in privacy


def test_public_pages_state_the_changed_figures(client, changed):
    start = page(client, "/")
    assert "within 3 working days" in start and "1 working day" not in start
    privacy = page(client, "/privacy")
    assert "18 months" in privacy and "24 months" not in privacy
    assert "withdrawn or refused: at least 5 years" in privacy
    assert "at least 12 years after approval ends" in privacy
    assert "at least 11 years after the child's placement with you ends" in privacy
    assert "at least 12 years after your approval ends" in privacy
    assert "3 years" not in privacy and "10 years" not in privacy


def test_a_kinship_enquiry_states_the_changed_figures_on_its_page_and_in_its_email(
        client, forms, changed):
    complete_journey(forms, kinship=True)
    confirmation = words(forms.submit("/enquiry/check-answers", {}, follow=True)
                         .get_data(as_text=True))
    email = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == "sian.obrien@example.com")).one()
    for text in (confirmation, words(email.body_text), words(email.body_html)):
        assert "within 3 working days" in text and "up to 12 weeks" in text
        assert "16 weeks" not in text and "1 working day" not in text


def test_the_decision_maker_sees_the_changed_time_for_representations(app, changed):
    case = make_household("mainstream", Stage.AGENCY_DECISION,
                          recommended_on=today() - timedelta(days=3),
                          minutes_received_on=today() - timedelta(days=2),
                          recommendation="not_suitable")
    client = staff_client(app, "agency_decision_maker")
    url = f"/staff/panel/decisions/{case.reference}"

    def decide(decision: str):
        html = client.get(url).get_data(as_text=True)
        on = today()
        return client.post(url, data={
            "csrf_token": csrf_token(html), "version": str(case.version),
            "decision": decision, "reasons": "The panel's reasons.",
            "on": [str(on.day), str(on.month), str(on.year)]})

    form = page(client, url)
    assert "qualifying determination: 21 days for representations" in form
    assert "after the 21 days" in form and "28 days" not in form
    refused = words(decide("not_approve").get_data(as_text=True))
    assert "the applicant then has 21 days" in refused and "28 days" not in refused

    assert decide("qualifying_determination").status_code == 302
    decision = db.session.scalar(select(PanelDecision))
    letter = pdf_text(client.get(
        f"/staff/panel/decisions/letters/{decision.id}/letter.pdf").data)
    assert "within 21 days of the date of this letter" in letter
    assert "If we hear nothing from you within 21 days" in letter
    assert "28 days" not in letter


def test_a_closed_case_states_the_agencys_retention_period(app, changed):
    worker = make_staff("recruitment_officer")
    case = make_household("mainstream", Stage.WITHDRAWN, workers=[worker],
                          closed_on=date(2027, 1, 4))
    client = isolated_client(app)
    sign_in(client, worker)
    text = page(client, f"/staff/cases/{case.reference}")
    keep = fmt_day(date(2032, 1, 4))
    assert f"Keep the record until at least {keep} (5 years, FSR 30-32)" in text
    # The law's minimum is stated beside the agency's longer period, never in its place.
    assert "(3 years" not in text
    assert "the agency keeps them 5 years" in text
