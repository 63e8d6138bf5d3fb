"""What browser tests do on many pages: sign in (staff with a password, applicants with an
emailed code), open a second person's browser, and fill in a GOV.UK date."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Browser, Locator, Page, expect

from carers.auth.models import User
from tests.factories import PASSWORD
from tests.helpers import emailed_code, isolated_client, sign_in_applicant


def watch_console(page: Page, console_errors: list) -> None:
    """Note the page's console errors and uncaught exceptions in ``console_errors`` (the
    fixture of that name: a test whose pages logged one fails)."""

    def on_console(message):
        # The service has no favicon (it is not GOV.UK, so it drops the crown icons), and
        # Chromium asks for /favicon.ico anyway: that 404 is not the page's fault.
        if message.type == "error" and not message.location.get("url", "").endswith(
                "/favicon.ico"):
            console_errors.append(f"console error on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(
        f"uncaught exception on {page.url}: {error}"))


def open_page(browser: Browser, live_server: str, console_errors: list) -> Page:
    """Another person's browser (a context of its own: no cookies shared) on the live
    server, its console watched as the ``page`` fixture's is. Close it with
    ``page.context.close()``."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch_console(page, console_errors)
    return page


def sign_in(page: Page, user: User | str, password: str = PASSWORD, *,
            open_form: bool = True, expect_signed_in: bool = True) -> None:
    """Fill in and send the sign-in form for ``user`` (a User or an email address).

    ``open_form=False`` uses the form already on the page (say, after being sent to sign in
    from the page asked for, to come back to it). By default waits until the page says who
    is signed in; pass ``expect_signed_in=False`` when the password is wrong or a second
    step follows."""
    if open_form:
        page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(user if isinstance(user, str) else user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if expect_signed_in:
        expect(page.get_by_text("Signed in as")).to_be_visible()


def ask_for_code(page: Page, email: str | None = None) -> None:
    """Send the applicants' sign-in form (with ``email`` typed, unless it is filled in
    already) and wait for the "Check your email" page."""
    if email is not None:
        page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()


def sign_in_with_code(page: Page, email: str, axe=None) -> None:
    """An applicant signs in as a person does: the sign-in page, the code emailed to them
    (read from the outbox), the code page. With ``axe``, each page is checked on the way."""
    page.goto("/apply/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your application")
    if axe:
        axe(page)
    ask_for_code(page, email)
    if axe:
        axe(page)
    code = emailed_code(email)
    assert code, f"no code was emailed to {email}"
    enter_code(page, code)
    expect(page.get_by_text("Signed in as")).to_be_visible()


def sign_in_applicant_cookie(page: Page, app, live_server: str, applicant) -> None:
    """This browser signed in as ``applicant`` without the emailed code (the code's own
    pages are tested in test_applicant_sign_in_browser.py): the session cookie is made as
    signing in makes it."""
    client = isolated_client(app)
    sign_in_applicant(client, applicant)
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                               "value": client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value,
                               "url": live_server}])


def fill_date(group: Locator | Page, when: date) -> None:
    """The day, month and year boxes of one GOV.UK date input."""
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))
