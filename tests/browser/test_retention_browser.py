"""The deletion review in a real browser: an information governance officer reviews the
records due for deletion, is told to choose some when they choose none, holds one, and
confirms the deletion of a batch. axe checks every page, the error state included; the list
fits 320 CSS pixels."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carers.cases.models import Household
from carers.core.dates import today
from carers.extensions import db
from carers.retention.models import ErasedRecord, LegalHold
from carers.retention.operations import propose_due
from carers.settings.registry import load_settings
from tests.browser.helpers import sign_in
from tests.factories import make_household, make_staff

pytestmark = pytest.mark.browser


def fits(page: Page) -> None:
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"), \
        f"{page.url} scrolls sideways at 320px"


def test_an_officer_reviews_holds_one_and_deletes_a_batch(page, axe, app):
    officer = make_staff("information_governance", name="Iris Gove")
    held, first, second = (make_household("mainstream", "withdrawn", closed_on=date(2020, 1, n),
                                          withdrawal_code="AW1", name=f"Household {n}")
                           for n in (1, 2, 3))
    propose_due(today(), load_settings())

    sign_in(page, officer.email)
    page.get_by_role("link", name="Records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records due for deletion")
    expect(page.get_by_text("3 records due for deletion")).to_be_visible()
    expect(page.get_by_text("Refused or withdrawn applicant").first).to_be_visible()
    axe(page)

    # Choosing none is refused, with the error summary linked to the first checkbox.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the records to delete")
    axe(page)
    summary.get_by_role("link", name="Select the records to delete").click()
    expect(page.get_by_label(f"Delete {held.reference}")).to_be_focused()

    # Hold one: it leaves the list.
    page.get_by_role("link", name=f"Hold {held.reference}").click()
    expect(page.get_by_label("Reference of the household or enquiry")).to_have_value(
        held.reference)
    page.get_by_role("button", name="Put on legal hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select why the record is held")
    axe(page)
    page.get_by_label("A complaint").check()
    page.get_by_label("What the hold is for").fill("Complaint C-2026-17")
    page.get_by_role("button", name="Put on legal hold").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"{held.reference} is on legal hold")
    expect(page.get_by_role("cell", name="Complaint C-2026-17")).to_be_visible()
    axe(page)

    # Confirm the deletion of the other two.
    page.get_by_role("link", name="Back to records due for deletion").click()
    expect(page.get_by_text("2 records due for deletion")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    fits(page)
    axe(page)
    page.get_by_label(f"Delete {first.reference}").check()
    page.get_by_label(f"Delete {second.reference}").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete these records")
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Delete 2 records").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("2 records deleted")
    expect(page.get_by_text("No records are due for deletion.")).to_be_visible()
    fits(page)

    db.session.expire_all()
    erased = set(db.session.scalars(select(ErasedRecord.reference)))
    assert erased == {first.reference, second.reference}
    assert db.session.get(Household, held.id).erased_at is None
    assert db.session.scalar(select(LegalHold.reason)) == "complaint"
