"""A caseworker takes one mainstream and one kinship household from first contact to
'ready for panel' in a real browser, with axe on the board, the case page and the forms."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carers.cases.models import Household
from carers.checks import operations as checks
from carers.checks.models import Check
from carers.clocks.workdays import add_working_days
from carers.core.dates import today
from carers.enquiries.models import Enquiry
from carers.extensions import db
from tests.browser.helpers import fill_date, sign_in
from tests.factories import make_referee, make_team
from tests.http.journey import complete_journey

pytestmark = pytest.mark.browser


def advance(page: Page, axe, button: str, stage_after: str | None = None, reason: str = "",
            check_form: bool = False, fill=None):
    """Press a 'move the case on' button, confirm the form, and land back on the case."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(button)
    if reason:
        page.get_by_label("Reason", exact=True).fill(reason)
    if fill:
        fill(page)
    page.get_by_label("I have checked these details are correct").check()
    if check_form:
        axe(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(button)
    if stage_after:
        expect(page.locator(".govuk-body-l").first).to_contain_text(stage_after)


def grant_details(page: Page) -> None:
    """The placement and the nominated officer on the temporary approval form."""
    fill_date(page.get_by_role("group", name="Date the child was placed with the carer"),
              today())
    page.get_by_label("Nominated officer's name").fill("Helen Marsh")
    fill_date(page.get_by_role("group", name="Date the nominated officer approved"), today())


def in_a_team(user, name: str):
    """Every case belongs to a team, so whoever opens one is in a team."""
    user.team_id = make_team(name).id
    db.session.commit()
    return user


def receive_all_checks(reference: str, user, *, reg24_only: bool = False):
    """The checks ledger has its own tests: here the required checks simply arrive today."""
    db.session.rollback()
    household = db.session.scalar(select(Household).where(Household.reference == reference))
    if not reg24_only:
        for name in ("Pat Friend", "Lee Neighbour"):
            make_referee(household, name, interviewed_on=today())
    # A DBS check needs the person's date of birth, which the household page records.
    for member in household.members:
        member.date_of_birth = member.date_of_birth or date(1980, 6, 1)
    checks.sync_required_checks(household, user)
    db.session.commit()
    wanted = Check.reg24.is_(True) if reg24_only else Check.required.is_(True)
    for row in db.session.scalars(select(Check).where(Check.household_id == household.id,
                                                      wanted)):
        checks.record_check(row, user, requested_on=today() - timedelta(days=10),
                            requested_from="", received_on=today(), outcome="clear",
                            verified=True, expires_on=None, notes="")
    db.session.commit()


def test_a_mainstream_household_goes_from_first_contact_to_ready_for_panel(
        page, axe, forms, make_user):
    complete_journey(forms)
    forms.submit("/enquiry/check-answers", {})
    reference = db.session.scalar(select(Enquiry.reference))
    worker = in_a_team(make_user("team_manager"), "Recruitment and assessment")
    sign_in(page, worker.email)

    page.goto(f"/staff/enquiries/{reference}")
    page.get_by_role("button", name="Open a case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Siân O'Brien and Dafydd")
    case_url = page.url
    case_reference = case_url.rsplit("/", 1)[-1]
    expect(page.get_by_role("cell", name="First response to enquiry")).to_be_visible()
    axe(page)

    advance(page, axe, "Record first contact", "Initial contact", check_form=True)
    advance(page, axe, "Record initial visit", "Initial visit")
    advance(page, axe, "Record application received", "Application received")
    expect(page.get_by_role("cell", name=re.compile("8 months"))).to_be_visible()
    advance(page, axe, "Start Stage 1 checks", "Stage 1")

    # Stage 1 cannot be completed while its checks are outstanding: the refusal says why.
    page.get_by_role("button", name="Complete Stage 1 and continue to Stage 2").click()
    page.get_by_label("I have checked these details are correct").check()
    page.get_by_role("button", name="Confirm").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Stage 1 is not complete until every Stage 1 item")
    axe(page)

    receive_all_checks(case_reference, worker)
    page.goto(case_url)
    advance(page, axe, "Complete Stage 1 and continue to Stage 2", "Stage 2")
    advance(page, axe, "Record assessment report completed")
    panel_day = add_working_days(today(), 10)
    advance(page, axe, "Book panel", "Ready for panel", check_form=True,
            fill=lambda p: fill_date(p.get_by_role("group", name="Panel meeting date"),
                                     panel_day))
    timeline = page.locator(".carers-timeline")
    expect(timeline).to_contain_text("Book panel")
    expect(timeline).to_contain_text(worker.name)
    axe(page)

    page.goto("/staff/pipeline")
    expect(page.get_by_role("link", name="Ready for panel").first).to_be_visible()
    expect(page.get_by_role("link", name=case_reference)).to_be_visible()
    axe(page)


def test_a_kinship_household_goes_from_referral_to_ready_for_panel(page, axe, make_user):
    manager = in_a_team(make_user("team_manager"), "Kinship assessment")
    sign_in(page, manager.email)
    page.goto("/staff/referrals/new")
    axe(page)
    page.get_by_role("button", name="Create referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the carer's full name")
    axe(page)

    page.get_by_label("Carer's full name").fill("Maureen Ní Bhriain")
    page.get_by_label("Child's full name").fill("Kayden Ní Bhriain")
    fill_date(page.get_by_role("group", name="Child's date of birth"),
              today().replace(year=today().year - 6))
    page.get_by_label("Local authority's reference for the child").fill("NM-CHILD-4471")
    page.get_by_label("Carer's relationship to the child").fill("Maternal grandmother")
    page.get_by_role("button", name="Create referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maureen Ní Bhriain")
    expect(page.get_by_text("NM-CHILD-4471")).to_be_visible()
    axe(page)

    advance(page, axe, "Start viability assessment", "Viability assessment")
    expect(page.get_by_role("cell", name="Viability assessment", exact=True)).to_be_visible()
    page.get_by_role("button", name="Grant temporary approval (regulation 24)").click()
    page.get_by_label(re.compile("have been assessed")).check()
    page.get_by_label("I have checked these details are correct").check()
    page.get_by_role("button", name="Confirm").click()
    # The nominated officer and the placement are asked for, and what was typed is kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the nominated officer's name")
    expect(page.get_by_label(re.compile("have been assessed"))).to_be_checked()
    axe(page)
    grant_details(page)
    page.get_by_label("I have checked these details are correct").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Temporary approval waits for the connected-person checks")
    axe(page)

    case_url = page.url.rsplit("/move/", 1)[0]
    receive_all_checks(case_url.rsplit("/", 1)[-1], manager, reg24_only=True)
    page.goto(case_url)
    advance(page, axe, "Grant temporary approval (regulation 24)",
            "Temporary approval (regulation 24)", check_form=True,
            fill=lambda p: (p.get_by_label(re.compile("have been assessed")).check(),
                            grant_details(p)))
    expect(page.get_by_role("cell", name="Regulation 24 temporary approval")).to_be_visible()
    # The regulation 24 section: the officer, the placement and the visits schedule.
    expect(page.get_by_role("heading", name="Regulation 24", exact=True)).to_be_visible()
    expect(page.get_by_text("Helen Marsh")).to_be_visible()
    expect(page.get_by_role("table", name="Regulation 24 visits due and made")).to_be_visible()
    axe(page)
    # The child's first review, which sets when the visits go from weekly to 4-weekly.
    page.get_by_role("link", name="Change the child's details").click()
    review = page.get_by_role("group", name="Date of the child's first review (optional)")
    fill_date(review, today() - timedelta(days=1))
    page.get_by_role("button", name="Save child's details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The child's first review cannot be before the child came to live with the carer")
    axe(page)
    fill_date(review, today() + timedelta(days=14))
    page.get_by_role("button", name="Save child's details").click()
    expect(page.get_by_role("alert")).to_contain_text("The child's details are saved")
    expect(page.get_by_text("Child's first review", exact=True)).to_be_visible()
    page.goto(case_url)
    advance(page, axe, "Start full assessment", "Full assessment")
    advance(page, axe, "Record assessment report completed")
    # Checks are still outstanding, so booking panel needs the manager's reason.
    panel_day = add_working_days(today(), 10)
    advance(page, axe, "Book panel", "Ready for panel", fill=lambda p: (
        fill_date(p.get_by_role("group", name="Panel meeting date"), panel_day),
        p.get_by_label(re.compile("Manager's override")).fill(
            "Child placed under regulation 24: panel must sit before approval lapses")))
    expect(page.locator(".carers-timeline")).to_contain_text("panel must sit before")
    axe(page)
