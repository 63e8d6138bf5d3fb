"""An information governance officer handles a subject access request in a real browser:
searches for the person (an empty search first, its error checked by axe), opens a request
(its form error too), releases a referee's withheld item with a reason and downloads the
bundle; axe checks every page on the way, and the pages reflow at 320 px."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from carers.core.dates import today
from carers.extensions import db
from tests.browser.helpers import fill_date, sign_in
from tests.factories import make_household, make_referee, make_staff

pytestmark = pytest.mark.browser


def test_an_officer_opens_a_request_releases_an_item_and_downloads_the_bundle(
        page, axe, live_server):
    household = make_household("mainstream", "stage2", name="Quayle household")
    household.members[0].name = "Rowena Quayle"
    db.session.commit()
    make_referee(household, "Ptolemy Vance")
    officer = make_staff("information_governance", name="Ira Gold")

    sign_in(page, officer.email)
    page.get_by_role("link", name="Subject access").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    axe(page)
    page.get_by_role("link", name="Find a person and open a request").click()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a name")
    axe(page)

    page.get_by_label("Name").fill("quayle")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="records found")).to_be_visible()
    page.get_by_role("button", name="Open the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Select at least one record")
    axe(page)
    page.get_by_label("Household member: Rowena Quayle", exact=False).check()
    page.get_by_label("The person's name").fill("Rowena Quayle")
    fill_date(page.get_by_role("group", name="Date the request was received"),
              today() - timedelta(days=3))
    page.get_by_role("button", name="Open the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Subject access request SAR-")
    expect(page.get_by_text("days left")).to_be_visible()
    axe(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Review what is withheld").click()
    axe(page)
    expect(page.get_by_text("Ptolemy Vance")).to_be_hidden()  # inside closed details
    page.get_by_role("link", name="Release A referee and their reference").click()
    page.get_by_role("button", name="Release this item").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why this item can be released")
    axe(page)
    page.get_by_label("Why it can be released").fill("The referee agreed in writing")
    page.get_by_role("button", name="Release this item").click()
    expect(page.get_by_text("Released", exact=True).first).to_be_visible()

    page.get_by_role("link", name="Back to the request").click()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the bundle as a PDF").click()
    assert pdf.value.suggested_filename.endswith("-subject-access.pdf")
    with page.expect_download() as archive:
        page.get_by_role("link", name="Download the bundle as JSON").click()
    assert archive.value.suggested_filename.endswith("-subject-access.zip")
