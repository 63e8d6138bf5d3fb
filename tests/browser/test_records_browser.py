"""A caseworker corrects a person's details and records a dispute; the information
governance officer reads the register of approved carers and filters it. axe checks every
page, which must not scroll sideways at 320 CSS pixels."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from carers.extensions import db
from tests.browser.helpers import fill_date, open_page, sign_in
from tests.factories import make_decision, make_household, make_staff, make_team

pytestmark = pytest.mark.browser


def fits(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 720})
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"), \
        f"{page.url} scrolls sideways at 320px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_worker_corrects_details_and_records_a_dispute(page, axe):
    team = make_team("Recruitment and assessment")
    sam = make_staff("assessing_social_worker", name="Sam Patel", team=team)
    case = make_household("mainstream", "stage2", team=team, workers=[sam],
                          name="Jo Okafor")
    case.members[0].date_of_birth = date(1980, 5, 6)
    db.session.commit()

    sign_in(page, sam.email)
    page.goto(f"/staff/cases/{case.reference}")
    page.get_by_role("link", name="Jo Okafor", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jo Okafor")
    page.get_by_role("button", name="Correct these details").click()
    page.get_by_label("Full name").fill("Joanna Okafor")
    fill_date(page, date(1980, 6, 5))
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give a reason for the correction")
    expect(page.get_by_label("Full name")).to_have_value("Joanna Okafor")
    axe(page)
    fits(page)
    page.get_by_label("Why are you correcting these details?").fill(
        "Day and month were swapped")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("The correction is saved")
    history = page.get_by_role("region", name="Changes to these details")
    expect(history).to_contain_text("6 May 1980")
    expect(history).to_contain_text("Day and month were swapped")
    axe(page)
    fits(page)

    page.get_by_role("link", name="Record that Joanna Okafor disputes a record").click()
    expect(page.get_by_label("Which record do they dispute?")).to_have_value(
        f"member-{case.members[0].id}")
    page.get_by_label("Who disputes it?").fill("Joanna Okafor")
    page.get_by_label("What do they dispute?").fill("The employer recorded")
    page.get_by_label("Their account, in their own words").fill("I work for the council now.")
    page.get_by_role("button", name="Record the dispute").click()
    expect(page.locator("#disputes + .carers-dispute")).to_contain_text(
        "Disputed by Joanna Okafor")
    expect(page.locator(".carers-dispute")).to_contain_text("I work for the council now.")
    axe(page)
    fits(page)


def test_the_register_of_approved_carers(browser, live_server, console_errors, axe):
    approved = make_household("mainstream", "approved", name="Ash household",
                              decided_on=date(2026, 2, 2))
    make_decision(approved, decided_on=date(2026, 2, 2), terms={
        "children": 3, "age_from": 0, "age_to": 17, "fostering_types": ["short_term"]})
    make_household("connected_person", "full_assessment", name="Birch household",
                   child_name="Cara Birch", child_la_reference="LA-9",
                   reg24_approved_on=date(2026, 11, 30))
    officer = make_staff("information_governance", name="Rhian Records")
    page = open_page(browser, live_server, console_errors)
    sign_in(page, officer.email)
    page.get_by_role("link", name="Register").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Register of approved foster carers")
    table = page.get_by_role("region", name="Approved households")
    expect(table).to_contain_text("Up to 3 children, aged 0 to 17")
    expect(table).to_contain_text("Cara Birch (LA-9)")
    axe(page)
    fits(page)
    page.get_by_label("Status").select_option(label="Temporarily approved (regulation 24)")
    page.get_by_role("button", name="Show households").click()
    expect(page.get_by_text("1 household.")).to_be_visible()
    expect(table).not_to_contain_text("Ash household")
    axe(page)
