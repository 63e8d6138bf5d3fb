"""The kinship front door and the staff error pages in a real browser, with axe-core on each
page and on its error state: a grandmother's enquiry to its kinship confirmation, the child's
details on her case, the staff page for too many failed sign-ins, and a wrong method."""

import re

import pytest
from playwright.sync_api import Page, expect

from carers.pipeline import Pathway, Stage
from tests.browser.helpers import sign_in
from tests.factories import make_household, make_staff, make_team
from tests.http.journey import ABOUT_YOU, ADDRESS, CHILD_LIVING, CONSENT, CONTACT, HEARD, HOME

pytestmark = pytest.mark.browser

KINSHIP_PAGES = [
    ("/enquiry/about-you", ABOUT_YOU),
    ("/enquiry/contact", CONTACT),
    ("/enquiry/address", ADDRESS),
    ("/enquiry/household", {"add_person": "no"}),
    ("/enquiry/home", HOME),
    ("/enquiry/child", {"knows_child": "yes"}),
    ("/enquiry/child-details", {"child_name": "Mia O'Brien", "child_relationship": "grandparent"}),
    ("/enquiry/child-living", CHILD_LIVING),
    ("/enquiry/heard", HEARD),
    ("/enquiry/consent", CONSENT),
]


@pytest.fixture
def app_config(app_config):
    # Three failed sign-ins from one address are enough to reach the staff's waiting page.
    return {**app_config, "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 3}


def answer_page(page: Page, url: str, answers: dict) -> None:
    """Fill a question page by its fields' names, as the HTTP journey helper posts them."""
    page.goto(url)
    for name, value in answers.items():
        values = value if isinstance(value, list) else [value]
        fields = page.locator(f'[name="{name}"]')
        if fields.first.get_attribute("type") in ("radio", "checkbox"):
            for choice in values:
                page.locator(f'[name="{name}"][value="{choice}"]').check()
        else:
            for index, text in enumerate(values):
                fields.nth(index).fill(text)
    page.get_by_role("button", name="Continue").click()


def test_a_grandmother_gets_the_kinship_questions_and_confirmation(page, axe):
    for url, answers in KINSHIP_PAGES:
        answer_page(page, url, answers)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    # The mainstream-only question is not asked of her.
    expect(page.get_by_text("Kinds of fostering")).to_have_count(0)
    axe(page)
    page.get_by_role("button", name=re.compile("Send")).click()
    expect(page.locator(".govuk-panel")).to_contain_text(re.compile(r"ENQ-"))
    expect(page.locator("main")).to_contain_text("temporary approval")
    axe(page)

    # The question about the child living with her, unanswered, has its own error state.
    page.goto("/enquiry/child-living")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)


def test_the_childs_details_page_on_a_kinship_case(page, axe):
    team = make_team("Kinship assessment")
    worker = make_staff("assessing_social_worker", team=team)
    case = make_household(Pathway.CONNECTED_PERSON, Stage.REFERRAL, team=team, workers=[worker],
                          child_name="Mia Ní Bhriain", child_relationship="grandparent")
    sign_in(page, worker.email)
    page.goto(f"/staff/cases/{case.reference}/child")
    expect(page.get_by_role("heading", level=1)).to_contain_text("child")
    axe(page)
    # A date that does not exist is refused with a GOV.UK error summary, nothing lost.
    page.get_by_label("Local authority's reference for the child").fill("NM-4471")
    group = page.get_by_role("group", name="Child's date of birth")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("2")
    group.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Save child's details").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Local authority's reference for the child")).to_have_value("NM-4471")
    axe(page)


def test_staff_see_their_own_page_after_too_many_failed_sign_ins(page, axe, console_errors):
    for _ in range(4):
        sign_in(page, "nobody@example.gov.uk", "not the password at all",
                expect_signed_in=False)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).not_to_contain_text("answers have been saved")
    expect(main).to_contain_text(re.compile(r"Wait \d+ minutes?, then try again"))
    axe(page)
    # Chromium logs the page's own 429 status; that is the only error allowed.
    assert all("429" in error for error in console_errors), console_errors
    console_errors.clear()


def test_a_wrong_method_has_its_own_page(page, axe, console_errors):
    response = page.goto("/staff/sign-out")
    assert response.status == 405
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Page not found")
    axe(page)
    assert all("405" in error for error in console_errors), console_errors
    console_errors.clear()
