"""The fostering team's side in a real browser: signing in, the enquiries inbox and
recording the first response. Every page is checked with axe, error states included."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from carers.core.dates import utcnow
from carers.enquiries.models import Enquiry
from carers.enquiries.operations import enquiry_from_answers
from carers.extensions import db
from tests.browser.helpers import sign_in
from tests.http.journey import complete_journey

pytestmark = pytest.mark.browser


def answers_for(n: int) -> dict:
    """A complete set of stored answers, as the journey saves them, for enquirer n."""
    return {
        "about-you": {"first_name": "Enquirer", "last_name": f"Number {n}", "other_names": "",
                      "date_of_birth": "1980-05-17"},
        "contact": {"email": f"enquirer{n}@example.com", "phone": "07700 900 123",
                    "preferred_contact": "email"},
        "address": {"address_line_1": f"{n} Mill Lane", "address_line_2": "",
                    "town": "Northmoor", "county": "", "postcode": "NM2 4CD"},
        "household": {"people": []},
        "home": {"property_type": "flat", "tenure": "social_rent", "bedrooms": 2,
                 "spare_bedrooms": 1, "has_pets": "no", "pets_details": ""},
        "fostering": {"fostering_types": ["not_sure"]},
        "child": {"knows_child": "no"},
        "heard": {"heard_about": "search", "heard_about_other": ""},
        "consent": {"privacy_consent": True, "keep_in_touch": False},
    }


def make_enquiries(count: int) -> list[Enquiry]:
    """Enquiries received a minute apart, the last one newest."""
    start = utcnow() - timedelta(minutes=count)
    enquiries = []
    for n in range(1, count + 1):
        enquiry = enquiry_from_answers(answers_for(n))
        enquiry.received_at = start + timedelta(minutes=n)
        db.session.add(enquiry)
        db.session.flush()
        enquiries.append(enquiry)
    db.session.commit()
    return enquiries


def test_staff_sign_in_shows_an_accessible_error_for_a_wrong_password(page, axe, make_user):
    user = make_user("recruitment_officer")
    page.goto("/staff/enquiries/")
    expect(page).to_have_url(re.compile(r"/staff/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe(page)

    sign_in(page, user, "not my password", open_form=False, expect_signed_in=False)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value(user.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    axe(page)

    sign_in(page, user, open_form=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiries")
    expect(page.get_by_text(f"Signed in as {user.name}")).to_be_visible()


def test_the_inbox_lists_enquiries_newest_first_over_several_pages(page, axe, make_user):
    user = make_user("recruitment_officer")
    newest = make_enquiries(27)[-1]
    page.goto("/staff/enquiries/")  # signing in brings you back here
    sign_in(page, user, open_form=False)

    table = page.get_by_role("table")
    expect(table.locator("caption")).to_have_text("27 enquiries")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Enquirer Number 27")
    expect(rows.first.get_by_role("link", name=newest.reference)).to_have_attribute(
        "href", f"/staff/enquiries/{newest.reference}")
    pagination = page.get_by_role("navigation", name="Pagination")
    expect(pagination).to_be_visible()
    axe(page)

    pagination.get_by_role("link", name="Next").click()
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("Enquirer Number 1")
    expect(pagination.get_by_role("link", name="Page 2")).to_have_attribute(
        "aria-current", "page")
    axe(page)


def test_staff_open_an_enquiry_and_record_the_first_response(page, axe, forms, make_user):
    # Someone sends an enquiry through the public form.
    complete_journey(forms)
    forms.submit("/enquiry/check-answers", {})
    reference = db.session.scalar(select(Enquiry.reference))
    user = make_user("recruitment_officer")

    page.goto("/staff/enquiries/")
    sign_in(page, user, open_form=False)
    page.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Siân O'Brien")
    expect(page.get_by_text(f"Enquiry {reference}")).to_be_visible()
    first_response = page.locator(".govuk-summary-list__row", has_text="First response")
    expect(first_response.locator(".govuk-tag")).to_be_visible()
    expect(first_response).not_to_contain_text("<p")  # the explanation is markup, not text
    expect(page.get_by_role("heading", name="Record the first response")).to_be_visible()
    axe(page)

    page.get_by_label("What happened (optional)").fill(
        "Spoke on the phone and booked an initial visit")
    page.get_by_role("button", name="Record first response").click()

    expect(page.get_by_role("alert", name="Success")).to_contain_text("First response recorded")
    responded = page.locator(".govuk-summary-list__row", has_text="Responded")
    expect(responded).to_contain_text(f"by {user.name}: Spoke on the phone and booked an "
                                      "initial visit")
    expect(page.get_by_role("button", name="Record first response")).to_have_count(0)
    axe(page)

    db.session.rollback()  # see what the server committed
    enquiry = db.session.scalar(select(Enquiry).where(Enquiry.reference == reference))
    assert enquiry.status == Enquiry.CONTACTED
    assert enquiry.first_response_by_id == user.id

    page.get_by_role("link", name="All enquiries").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Met")
