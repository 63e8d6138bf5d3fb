"""A referee gives their reference in a real browser: opens the link from their email, makes
a mistake, sends the form; the link then refuses a second use with a clear page; and the
caseworker sees the reference received and the Stage 1 clock running. axe checks each page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carers.checks import operations
from carers.checks.models import Check, Referee
from carers.clocks.workdays import add_working_days
from carers.core.dates import format_date, today
from carers.extensions import db
from carers.notifications.dispatch import send_due
from tests.browser.helpers import sign_in
from tests.factories import make_referee
from tests.http.test_checks import make_case, receive_everything

pytestmark = pytest.mark.browser

LINK = re.compile(r"http://[^/\s]+(/reference/[A-Za-z0-9_\-]+)")


def heading(page: Page, text: str):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def test_a_referee_completes_their_reference_once_and_the_stage1_clock_starts(
        page, axe, console_errors, make_user, mailbox):
    # A case in Stage 1 with every item in but Pat's written reference (Pat was interviewed
    # by phone last week).
    worker = make_user("assessing_social_worker")
    household = make_case(worker, stage_since=today() - timedelta(days=60),
                          application_received_on=today() - timedelta(days=60))
    for name, email in (("Pat Friend", "pat@example.com"), ("Lee Neighbour", None)):
        make_referee(household, name, email=email)
    pat = db.session.scalar(select(Referee).where(Referee.name == "Pat Friend"))
    receive_everything(household, worker, on=today() - timedelta(days=3),
                       except_keys={f"reference:r{pat.id}"})
    pat.interviewed_on = today() - timedelta(days=7)
    db.session.commit()
    operations.invite_referee(pat, worker)
    assert send_due()["sent"] == 1
    [email] = mailbox.messages
    path = LINK.search(email.get_body(("plain",)).get_content()).group(1)

    page.goto(path)
    heading(page, "Reference for Jo Bloggs")
    expect(page.get_by_text("Pat Friend, Jo Bloggs has applied to foster")).to_be_visible()
    axe(page)

    # A mistake: concerns ticked but not described, and the declaration not confirmed.
    page.get_by_label("How do you know them?").fill("We worked together at the library")
    page.get_by_label("How many years have you known them?").fill("twelve")
    page.get_by_label("What have you seen of them with children?").fill(
        "Patient and kind with my two boys; they play board games together.")
    page.get_by_role("group", name="Do you have any concerns about them caring for children?") \
        .get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Send reference").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Reference for Jo Bloggs"))
    expect(summary.get_by_role("link")).to_have_text([
        "Years must be a whole number, like 5",
        "Tell us about your concerns",
        "Confirm the information you have given is true",
    ])
    expect(page.get_by_label("How do you know them?")).to_have_value(
        "We worked together at the library")
    axe(page)
    summary.get_by_role("link", name="Tell us about your concerns").click()
    expect(page.get_by_label("If yes, tell us about your concerns")).to_be_focused()

    page.get_by_label("How many years have you known them?").fill("12")
    page.get_by_role("group", name="Do you have any concerns about them caring for children?") \
        .get_by_label("No", exact=True).check()
    page.get_by_label("The information I have given is true to the best of my knowledge").check()
    page.get_by_role("button", name="Send reference").click()
    expect(page.get_by_role("heading", name="Reference sent")).to_be_visible()
    axe(page)

    # A second use of the link is refused with a clear message (and a 410 status, which the
    # browser logs as a console error: expected here).
    page.goto(path)
    heading(page, "This reference has already been sent")
    expect(page.get_by_text("Each link can be used only once")).to_be_visible()
    axe(page)
    assert len(console_errors) == 1 and "410" in console_errors[0]
    console_errors.clear()

    # The caseworker sees the reference received and the Stage 1 clock running.
    sign_in(page, worker)
    page.goto(f"/staff/cases/{household.reference}/checks")
    heading(page, "Checks and references")
    row = page.get_by_role("row").filter(has_text="Pat Friend")
    expect(row).to_contain_text(format_date(today()))
    expect(row).to_contain_text("Received")
    due = add_working_days(today(), 10)
    expect(page.get_by_text(f"The Stage 1 decision is due by {format_date(due)}")).to_be_visible()
    axe(page)

    page.goto(f"/staff/cases/{household.reference}")
    clock = page.get_by_role("row").filter(has_text="Stage 1 decision")
    expect(clock).to_contain_text(format_date(due))
    expect(clock).to_contain_text("On track")
    expect(page.get_by_text("Reference received online from Pat Friend")).to_be_visible()

    db.session.expire_all()
    stored = db.session.scalar(select(Check).where(Check.key == f"reference:r{pat.id}"))
    assert stored.received_on == today() and stored.done_on == today()


def test_the_ledger_pages_for_staff_are_accessible(page, axe, make_user):
    worker = make_user("assessing_social_worker")
    household = make_case(worker, stage_since=today() - timedelta(days=30),
                          application_received_on=today() - timedelta(days=30))
    operations.sync_required_checks(household, worker)
    db.session.commit()
    sign_in(page, worker)

    page.goto(f"/staff/cases/{household.reference}")
    page.get_by_role("link", name="Checks and references").first.click()
    heading(page, "Checks and references")
    axe(page)

    page.get_by_role("link", name=re.compile(r"^Medical report")).click()
    heading(page, "Medical report: Jo Bloggs")
    page.get_by_role("group", name="Date received (optional)").get_by_label("Day").fill("40")
    page.get_by_role("button", name="Save check").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Date received must include a month "
                                                      "and year"])
    axe(page)

    page.goto(f"/staff/cases/{household.reference}/people/new")
    heading(page, "Add a person to the case")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe(page)

    page.goto("/staff/checks")
    heading(page, "Checks")
    expect(page.get_by_role("link", name=f"{household.reference}").first).to_be_visible()
    axe(page)
