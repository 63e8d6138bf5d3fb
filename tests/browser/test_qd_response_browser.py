"""After a qualifying determination, in a real browser: the worker records an IRM application,
the papers sent and the IRM panel's recommendation (error states too); the decision maker's
page shows it. axe on every page."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from carers.core.dates import today
from carers.extensions import db
from carers.panel.models import QdResponse
from carers.pipeline import Stage
from tests.browser.helpers import fill_date, sign_in
from tests.factories import make_household, make_staff

pytestmark = pytest.mark.browser


def test_the_worker_records_the_irm_review_and_the_decision_maker_sees_it(page: Page, axe):
    on = today()
    issued = on - timedelta(days=6)
    worker = make_staff("assessing_social_worker", name="Wendy Worker")
    case = make_household("mainstream", Stage.AGENCY_DECISION, workers=[worker],
                          name="Rowan Household", stage_since=issued - timedelta(days=10),
                          received_on=on - timedelta(days=300),
                          application_received_on=on - timedelta(days=280),
                          stage2_started_on=on - timedelta(days=250),
                          assessment_completed_on=on - timedelta(days=60),
                          recommended_on=issued - timedelta(days=14),
                          recommendation="not_suitable",
                          minutes_received_on=issued - timedelta(days=10), qd_issued_on=issued)
    sign_in(page, worker.email)
    page.goto(f"/staff/cases/{case.reference}")
    expect(page.get_by_role("heading", name="Qualifying determination")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Record representations received or an IRM application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The applicant's response to the qualifying determination")
    axe(page)
    page.get_by_role("button", name="Record the response").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what the applicant did")
    expect(summary).to_contain_text("Enter the date received")
    expect(summary).to_be_focused()
    axe(page)
    # Representations without a summary: refused by the rules, with what was typed kept.
    page.get_by_label("Written representations to the decision maker").check()
    fill_date(page.get_by_role("group", name="Date received"), on)
    page.get_by_role("button", name="Record the response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Summarise what the applicant said")
    expect(page.get_by_label("Written representations to the decision maker")).to_be_checked()
    axe(page)
    page.get_by_label("Application to the Independent Review Mechanism (IRM)").check()
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Response recorded")
    expect(page.locator("body")).to_contain_text("Send the papers to the IRM by")
    axe(page)

    page.get_by_role("link", name="Record the papers sent to the IRM").click()
    page.get_by_role("button", name="Record the papers sent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the papers were sent")
    axe(page)
    fill_date(page.get_by_role("group", name="Date the papers were sent to the IRM"), on)
    page.get_by_role("button", name="Record the papers sent").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Papers sent")

    page.get_by_role("link", name="Record the IRM panel's recommendation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The IRM panel's recommendation")
    page.get_by_label("Suitable to foster", exact=True).check()
    page.get_by_role("button", name="Record the recommendation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the recommendation")
    expect(summary).to_contain_text("Enter the IRM panel's reasons")
    axe(page)
    fill_date(page.get_by_role("group", name="Date of the IRM panel's recommendation"), on)
    page.get_by_label("The IRM panel's reasons").fill("The health concerns are managed well.")
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "The IRM panel's recommendation is recorded")
    axe(page)
    db.session.rollback()
    response = db.session.query(QdResponse).one()
    assert (response.kind, response.irm_recommendation) == ("irm", "suitable")

    # The decision maker's page shows the recommendation beside the form.
    page.context.clear_cookies()
    adm = make_staff("agency_decision_maker", name="Dana Decider")
    sign_in(page, adm.email)
    page.goto(f"/staff/panel/decisions/{case.reference}")
    expect(page.locator("body")).to_contain_text("The health concerns are managed well.")
    axe(page)
    page.get_by_label("Final decision not to approve", exact=False).check()
    fill_date(page.get_by_role("group", name="Date of the decision"), on)
    page.get_by_label("Reasons", exact=True).fill("Still concerned.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "give your reasons for departing from it")
    axe(page)
