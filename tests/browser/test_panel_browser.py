"""The chair records a panel recommendation in a real browser; the panel administrator's
meeting pages; axe on every page."""

from datetime import date, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from carers.cases.models import Household
from carers.core.dates import today
from carers.extensions import db
from carers.panel.rules import PanelRole
from carers.pipeline import Stage
from tests.browser.helpers import sign_in
from tests.factories import make_household, make_meeting, make_panel_member, make_staff

pytestmark = pytest.mark.browser


def setup_meeting(on: date, attended: bool = True):
    chair = make_panel_member(PanelRole.CHAIR, name="Priya Chair")
    others = [make_panel_member(PanelRole.SOCIAL_WORKER, name="Sam Social"),
              make_panel_member(PanelRole.INDEPENDENT, name="Iris Independent")]
    start = on - timedelta(days=40)
    case = make_household("mainstream", Stage.READY_FOR_PANEL, name="Elm Household",
                          stage_since=start, received_on=start - timedelta(days=200),
                          application_received_on=start - timedelta(days=150),
                          stage2_started_on=start - timedelta(days=100),
                          assessment_completed_on=start, panel_date=on)
    meeting = make_meeting([chair, *others], [case], on, attended=attended,
                           first_slot=time(10, 30))
    return chair, case, meeting


def test_the_chair_records_a_recommendation(page: Page, axe):
    chair, case, meeting = setup_meeting(today())
    sign_in(page, chair.user.email)
    page.goto("/panel/meetings")
    axe(page)
    page.get_by_role("link", name=f"{today().day} ").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Panel,")
    axe(page)
    page.get_by_role("link", name=f"Record recommendation on {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel recommendation")
    axe(page)

    # Nothing chosen: a GOV.UK error summary that takes focus, and links to the question.
    page.get_by_role("button", name="Record the recommendation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the panel's recommendation")
    expect(summary).to_contain_text("Enter the panel's reasons")
    expect(summary).to_be_focused()
    axe(page)

    # Suitable without terms: refused, with the terms asked for.
    page.get_by_label("Suitable to foster", exact=True).check()
    page.get_by_label("Reasons").fill("A warm, stable home; strong support network.")
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the number of children the approval is for")
    axe(page)

    page.get_by_label("Number of children").fill("2")
    page.get_by_label("Youngest age (years)").fill("5")
    page.get_by_label("Oldest age (years)").fill("11")
    page.get_by_label("Short-term", exact=True).check()
    page.get_by_label("Long-term", exact=True).check()
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"Recommendation on {case.reference} recorded")
    axe(page)
    db.session.rollback()
    household = db.session.get(Household, case.id)
    assert household.stage == Stage.PANEL_RECOMMENDED.value
    assert household.recommendation == "suitable"


def test_the_panel_administrators_pages(page: Page, axe):
    _chair, case, meeting = setup_meeting(today() + timedelta(days=21), attended=False)
    admin = make_staff("panel_administrator")
    sign_in(page, admin.email)
    page.goto("/staff/panel/meetings")
    axe(page)
    page.goto(f"/staff/panel/meetings/{meeting.id}")
    expect(page.locator("#quorum-warning")).to_contain_text(
        "The members invited do not make a quorum")
    axe(page)
    page.get_by_role("link", name="Invite members or record attendance").click()
    axe(page)
    page.goto(f"/staff/panel/meetings/{meeting.id}/agenda")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select a case that is ready for panel")
    axe(page)
    page.goto("/staff/panel/members")
    axe(page)
    page.goto("/staff/panel/members/new")
    axe(page)
    page.goto("/staff/panel/meetings/new")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date of the meeting")
    axe(page)
