"""The family tree page and its forms in a real browser: a kinship worker adds the case's
people, a person, partners and a connection, through error states; axe on every state."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.factories import make_household, make_staff, make_team

pytestmark = pytest.mark.browser


def test_the_family_tree_page_and_its_forms(page, axe):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team, name="Kim Worker")
    household = make_household("connected_person", "viability_assessment", team=team,
                               workers=[worker], child_name="Mia Price")
    sign_in(page, worker.email)
    page.goto(f"/staff/cases/{household.reference}")
    page.get_by_role("link", name="Family tree and ecomap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family tree and ecomap")
    expect(page.get_by_text("No one is in the family tree yet.")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Add the household's people to the family tree").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Mia Price")
    expect(page.locator("svg.genogram")).to_be_visible()
    expect(page.locator("#tree-words")).to_contain_text(
        "Mia Price (sex not recorded, born 2019, the child this assessment is about)")
    axe(page)

    # A person: the error state first, what was typed kept.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Year of birth (optional)").fill("19x0")
    page.get_by_role("button", name="Save person").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the person's full name")
    expect(summary).to_contain_text("Select the person's sex")
    expect(summary).to_contain_text("Year of birth must be a year, like 1975")
    expect(page.get_by_label("Year of birth (optional)")).to_have_value("19x0")
    assert page.title().startswith("Error: ")
    axe(page)
    page.get_by_label("Full name").fill("Lisa Hall")
    page.get_by_label("Female").check()
    page.get_by_label("Year of birth (optional)").fill("1980")
    page.get_by_role("button", name="Save person").click()
    expect(page.get_by_text("Lisa Hall added to the family tree")).to_be_visible()

    # Partners: refused for one person twice, the choice kept.
    page.get_by_role("link", name="Add partners").click()
    axe(page)
    page.get_by_label("First partner").select_option(label="Lisa Hall (born 1980)")
    page.get_by_label("Second partner").select_option(label="Lisa Hall (born 1980)")
    page.get_by_label("Separated").check()
    page.get_by_role("button", name="Add partners").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select two different people")
    expect(page.get_by_label("Separated")).to_be_checked()
    axe(page)
    page.goto(f"/staff/cases/{household.reference}/family/links/parent")
    page.get_by_role("button", name="Add parent and child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the parent")
    axe(page)
    page.get_by_label("Parent", exact=True).select_option(label="Lisa Hall (born 1980)")
    page.get_by_label("Their child").select_option(label="Mia Price (born 2019)")
    page.get_by_role("button", name="Add parent and child").click()
    expect(page.locator("#tree-words")).to_contain_text("mother of Mia Price")

    # A connection in the ecomap.
    page.get_by_role("link", name="Add a connection").click()
    page.get_by_role("button", name="Save connection").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the person, group or place")
    axe(page)
    page.get_by_label("Name").fill("Oak Lane Primary")
    page.get_by_label("School or nursery").check()
    page.get_by_label("Strong").check()
    page.get_by_role("button", name="Save connection").click()
    expect(page.locator("svg.ecomap")).to_be_visible()
    expect(page.locator("#ecomap-words")).to_contain_text(
        "Oak Lane Primary (school or nursery): a strong connection")
    axe(page)

    # Removing someone asks first.
    page.get_by_role("link", name="Remove Lisa Hall from the family tree").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove Lisa Hall from the family tree?")
    axe(page)
    page.get_by_role("button", name="Remove Lisa Hall").click()
    expect(page.get_by_text("Lisa Hall removed from the family tree")).to_be_visible()
    axe(page)
