"""A worker books a visit in a real browser: first with a mistake, then correctly; the visit
shows on the case's list and in their diary week; axe-core finds nothing on each page."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from carers.core.dates import today
from carers.visits.rules import week_start
from tests.http.visit_data import visit_case

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def sign_in(page: Page, email: str):
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_a_worker_books_a_visit_and_sees_it_in_their_diary(page, axe):
    _, worker, household = visit_case()
    when = week_start(today()) + timedelta(days=8)  # Tuesday next week
    sign_in(page, worker.email)

    page.goto(f"/staff/cases/{household.reference}")
    page.get_by_role("link", name="Visits", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visits")
    axe(page)
    page.get_by_role("button", name="Book a visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    axe(page)

    # A mistake first: no type and an impossible time.
    date_group = page.get_by_role("group", name="Date")
    date_group.get_by_label("Day").fill(str(when.day))
    date_group.get_by_label("Month").fill(str(when.month))
    date_group.get_by_label("Year").fill(str(when.year))
    page.get_by_label("Start time").fill("25:00")
    page.get_by_role("button", name="Book visit").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Select the type of visit")
    expect(summary).to_contain_text("Enter a real time")
    expect(page).to_have_title("Error: Book a visit – Fostering team – Northmoor Council "
                               "Fostering")
    axe(page)

    page.get_by_label("Home health and safety check").check()
    page.get_by_label("Start time").fill("2:30pm")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_role("button", name="Book visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home health and safety check")
    expect(page.get_by_text("2:30pm to 3:30pm (UK time)")).to_be_visible()
    expect(page.get_by_text("12 Chapel Street, Northmoor, NM1 2AB")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Diary").click()
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"week of {when - timedelta(days=1):%-d %B %Y}")
    expect(page.get_by_role("link", name="Home health and safety check: Priya and Sam Shah")
           ).to_be_visible()
    expect(page.get_by_text("2:30pm to 3:30pm")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="See your visits in Outlook or Google Calendar").click()
    page.get_by_role("button", name="Create a new calendar address").click()
    expect(page.get_by_label("Calendar address")).to_have_value(
        __import__("re").compile(r"/calendar/[A-Za-z0-9_-]+\.ics$"))
    axe(page)
