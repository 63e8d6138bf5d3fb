"""What browser tests do on many pages: sign in, and fill in a GOV.UK date."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator, Page, expect

from carers.auth.models import User
from tests.factories import PASSWORD


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


def fill_date(group: Locator | Page, when: date) -> None:
    """The day, month and year boxes of one GOV.UK date input."""
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))
