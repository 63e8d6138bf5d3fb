"""An applicant and their worker write to each other in real browsers, and the applicant
reads the report shared with them and sends their comments: unread counts in the
applicant's navigation and on the case, error states, and axe on every state of each page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from carers.extensions import db
from carers.reports.models import AssessmentReport
from carers.reports.sample import assessed_household
from tests.browser.helpers import open_page, sign_in, sign_in_applicant_cookie
from tests.factories import make_applicant, make_staff, make_team

pytestmark = pytest.mark.browser


def applicant_page(browser, app, live_server, applicant, console_errors):
    """A browser of its own with ``applicant`` signed in (their emailed code is another
    feature's: the session cookie is made as signing in would make it)."""
    page = open_page(browser, live_server, console_errors)
    sign_in_applicant_cookie(page, app, live_server, applicant)
    return page


def test_messages_both_ways_and_the_shared_report_with_comments(page, axe, browser, app,
                                                                live_server, console_errors):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team, name="Sam Worker")
    household = assessed_household(worker, team=team, narrative="We found the Taylors warm.")
    alex = make_applicant(household, email="alex@example.com")
    applicant = applicant_page(browser, app, live_server, alex, console_errors)

    # The applicant writes; an empty message is an error first.
    applicant.goto("/apply/messages")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(applicant.get_by_text("No messages yet")).to_be_visible()
    axe(applicant)
    applicant.get_by_role("button", name="Send message").click()
    expect(applicant.locator(".govuk-error-summary")).to_contain_text("Enter your message")
    assert applicant.title().startswith("Error: ")
    axe(applicant)
    applicant.get_by_label("Your message").fill("Can we move the visit to Thursday?")
    expect(applicant.locator(".govuk-character-count__status")).to_contain_text(
        "characters remaining")
    applicant.get_by_role("button", name="Send message").click()
    expect(applicant.get_by_text("Your message has been sent")).to_be_visible()
    expect(applicant.locator("#latest")).to_contain_text("Can we move the visit to Thursday?")
    axe(applicant)

    # The worker sees it unread on the case, reads it and replies.
    sign_in(page, worker.email)
    page.goto(f"/staff/cases/{household.reference}")
    expect(page.get_by_text("1 unread")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Messages with the household").click()
    expect(page.locator("#latest")).to_contain_text("Can we move the visit to Thursday?")
    axe(page)
    page.get_by_label("Your message").fill("Yes, Thursday at 10am is fine.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Message sent to the household")).to_be_visible()

    applicant.goto("/apply/sign-in")
    expect(applicant.get_by_role("link", name="Messages (1 unread)")).to_be_visible()
    expect(applicant.get_by_role("link", name="Your assessment report")).to_have_count(0)
    applicant.get_by_role("link", name="Messages (1 unread)").click()
    expect(applicant.locator("#latest")).to_contain_text("Thursday at 10am is fine")
    expect(applicant.get_by_role("link", name="Messages", exact=True)).to_be_visible()

    # The worker shares the report; the due date shows on the editor.
    page.goto(f"/staff/cases/{household.reference}/report")
    page.get_by_role("button", name="Share with the applicants").click()
    expect(page.get_by_text("is shared with the applicants")).to_be_visible()
    expect(page.locator("#comments-status")).to_contain_text("Applicants' comments due")
    axe(page)

    # The applicant reads it and sends comments, after an error.
    applicant.reload()
    applicant.get_by_role("link", name="Your assessment report").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Your assessment report")
    expect(applicant.get_by_text("Please send your comments by")).to_be_visible()
    expect(applicant.get_by_text("We found the Taylors warm.").first).to_be_visible()
    axe(applicant)
    applicant.get_by_role("button", name="Send your comments").click()
    expect(applicant.locator(".govuk-error-summary")).to_contain_text(
        "Enter your comments before sending them")
    axe(applicant)
    applicant.get_by_label("Your comments on the report").fill("We agree with the report.")
    applicant.get_by_role("button", name="Save as draft").click()
    expect(applicant.get_by_text("saved as a draft")).to_be_visible()
    expect(applicant.get_by_label("Your comments on the report")).to_have_value(
        "We agree with the report.")
    applicant.get_by_role("button", name="Send your comments").click()
    expect(applicant.get_by_text("You sent your comments on")).to_be_visible()
    axe(applicant)

    page.reload()
    expect(page.locator("#comments-status")).to_contain_text("comments received on")
    db.session.rollback()
    report = db.session.scalar(select(AssessmentReport))
    assert report.applicant_comments == "We agree with the report."
    applicant.context.close()
