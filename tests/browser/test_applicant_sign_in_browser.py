"""An applicant signs in with the code emailed to them, in a real browser: the sign-in page,
the code page, a wrong code and a dead one, a new code, signing out, and the warning before
the session times out. axe-core clean on each page, error states included."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from carers.applicants.models import ApplicantSession
from carers.core.dates import utcnow
from carers.extensions import db
from tests.browser.helpers import ask_for_code, enter_code
from tests.factories import make_applicant, make_household, set_setting
from tests.helpers import emailed_code

pytestmark = pytest.mark.browser
# Code requests and wrong codes from one network address: more than the other tests here use.
NETWORK_LIMIT = 10


@pytest.fixture
def app_config(app_config):
    return {**app_config, "APPLICANT_SIGN_IN_PER_NETWORK": NETWORK_LIMIT}


@pytest.fixture
def applicant(app):
    household = make_household("mainstream", "application_received")
    return make_applicant(household, name="Priya Shah", email="priya@example.com")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_an_applicant_signs_in_with_an_emailed_code_and_signs_out(page, axe, applicant):
    page.goto("/apply/")
    expect(page).to_have_url(re.compile(r"/apply/sign-in\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your application")
    axe(page)
    # An address in the wrong format: the error summary takes focus.
    page.get_by_label("Email address").fill("priya at example")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format")
    axe(page)
    ask_for_code(page, "priya@example.com")
    expect(page.get_by_text("If priya@example.com is the address of an account")).to_be_visible()
    axe(page)
    code = emailed_code("priya@example.com")

    # Wrong codes: the tries left, then a dead code and a link to get a new one.
    enter_code(page, wrong(code))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("you can try 4 more times")
    axe(page)
    for _ in range(4):
        enter_code(page, wrong(code))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "You have entered a wrong code too many times")
    axe(page)
    page.get_by_role("link", name="Get a new code").click()
    expect(page.get_by_label("Email address")).to_have_value("priya@example.com")
    ask_for_code(page)
    enter_code(page, emailed_code("priya@example.com"))
    expect(page).to_have_url(re.compile(r"/apply/application$"))
    expect(page.get_by_text("Signed in as Priya Shah")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to foster")
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/apply/signed-out$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    axe(page)
    page.goto("/apply/")
    expect(page).to_have_url(re.compile(r"/apply/sign-in"))


def test_the_warning_before_the_time_out_and_the_signed_out_message(page, axe, applicant):
    set_setting("applicant_session_minutes", 10)
    page.clock.install()
    page.goto("/apply/sign-in")
    ask_for_code(page, applicant.email)
    enter_code(page, emailed_code(applicant.email))
    expect(page.get_by_text("Signed in as Priya Shah")).to_be_visible()
    warning = page.get_by_role("alert").filter(has_text="You will be signed out in 5 minutes")
    expect(warning).to_be_hidden()
    # The warning's script (a module, so run before the load event) has set its timers.
    page.wait_for_load_state("load")
    page.clock.run_for(int(timedelta(minutes=5, seconds=1).total_seconds() * 1000))
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Everything you have saved is kept")
    axe(page)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()

    # Unused for longer than the setting: the server has ended the session.
    db.session.execute(update(ApplicantSession).values(
        last_seen_at=utcnow() - timedelta(minutes=11)))
    db.session.commit()
    page.goto("/apply/")
    expect(page).to_have_url(re.compile(r"/apply/sign-in\?next="))
    expect(page.get_by_text("You were signed out because you had not used the service for 10 "
                            "minutes. Everything you saved is kept.")).to_be_visible()
    axe(page)


def test_too_many_attempts_from_one_network_has_its_own_page(page, axe, applicant,
                                                             console_errors):
    page.goto("/apply/sign-in")
    for n in range(NETWORK_LIMIT):
        ask_for_code(page, f"person{n}@example.com")
        page.goto("/apply/sign-in")
    page.get_by_label("Email address").fill(applicant.email)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "There have been too many attempts to sign in from this network")
    axe(page)
    # The browser notes the page's 429 status as an error: expected here.
    assert console_errors and all("429" in error for error in console_errors)
    console_errors.clear()
