"""Two-step sign in in a real browser: setting it up with the QR code page, signing in with
a code and with a recovery code, and the lockout message. axe-core clean on each page."""

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from tests.factories import PASSWORD, make_staff
from tests.http.test_sign_in_hardening import code_for

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SECOND_FACTOR_REQUIRED_ROLES": ("administrator",
                                                           "agency_decision_maker")}


def sign_out(page: Page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/staff/sign-in"))


def test_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(page, axe, app):
    admin = make_staff("administrator", name="Ada Admin")
    sign_in(page, admin.email, expect_signed_in=False)
    expect(page).to_have_url(re.compile(r"/staff/account/two-step/set-up"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    axe(page)
    # A wrong code first: the error summary takes focus.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-step sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-step sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    axe(page)
    page.get_by_role("link", name="I have kept my codes").click()
    sign_out(page)

    # Signing in with a code from the app.
    sign_in(page, admin.email, expect_signed_in=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app")
    axe(page)
    page.get_by_label("Code from your authenticator app").fill("111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    axe(page)
    page.get_by_label("Code from your authenticator app").fill(code_for(admin.id, secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    sign_out(page)

    # Signing in with a recovery code instead.
    sign_in(page, admin.email, expect_signed_in=False)
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Use a recovery code")
    axe(page)
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.goto("/staff/account")
    expect(page.get_by_text("On, 9 recovery codes left")).to_be_visible()
    axe(page)


def test_repeated_wrong_passwords_lock_the_address_with_a_clear_message(page, axe, app):
    user = make_staff("team_manager")
    for _ in range(4):
        sign_in(page, user.email, "not my password", expect_signed_in=False)
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter a correct email address and password")
    sign_in(page, user.email, "not my password", expect_signed_in=False)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("too many attempts to sign in with this email address")
    expect(summary).to_contain_text("Wait 15 minutes, then try again")
    axe(page)
    # Even the right password is refused while the lock lasts.
    sign_in(page, user.email, expect_signed_in=False)
    expect(page.locator(".govuk-error-summary")).to_contain_text("too many attempts")
