"""A worker books a visit in a real browser: first with a mistake, then correctly; the visit
shows on the case's list and in their diary week; axe-core finds nothing on each page."""

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from carers.core.dates import today
from carers.visits.rules import week_start
from tests.browser.helpers import sign_in
from tests.factories import make_visit
from tests.http.visit_data import visit_case

pytestmark = pytest.mark.browser


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
        re.compile(r"/calendar/[A-Za-z0-9_-]+\.ics$"))
    axe(page)


def test_a_worker_rearranges_cancels_and_writes_up_visits(page, axe):
    _, worker, household = visit_case()
    upcoming = make_visit(household, worker, today() + timedelta(days=10), time(10, 0))
    earlier = make_visit(household, worker, today() - timedelta(days=3), time(14, 0))
    sign_in(page, worker.email)

    page.goto(f"/staff/cases/{household.reference}/visits")
    expect(page.get_by_role("table")).to_contain_text("2 visits")
    axe(page)

    page.goto(f"/staff/visits/{upcoming.id}")
    page.get_by_role("button", name="Rearrange").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rearrange the visit")
    axe(page)
    page.get_by_label("Start time").fill("11:30")
    page.get_by_role("button", name="Rearrange visit").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Visit rearranged")
    expect(page.get_by_text("11:30am to 1:00pm (UK time)")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Cancel visit").click()
    page.get_by_role("button", name="Cancel visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the visit is cancelled")
    axe(page)
    page.get_by_label("Why is the visit cancelled?").fill("The applicant is unwell")
    page.get_by_role("button", name="Cancel visit").click()
    expect(page.get_by_text("The applicant is unwell")).to_be_visible()
    axe(page)

    page.goto(f"/staff/visits/{earlier.id}")
    page.get_by_role("button", name="Write up").click()
    axe(page)
    page.get_by_label("Yes, it took place").check()
    page.get_by_label("Write-up").fill("Saw both applicants; the spare room is ready.")
    page.get_by_role("button", name="Save write-up").click()
    expect(page.get_by_text("Saw both applicants; the spare room is ready.")).to_be_visible()
    axe(page)
