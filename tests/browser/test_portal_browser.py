"""An applicant in a real browser: their progress page (asking for a visit to be rearranged,
and the page changing when a caseworker moves the case), telling the team about someone moving
in and new contact details, and withdrawing. axe-core finds nothing on any page, error states
included."""

from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from carers.cases.models import Household, Task
from carers.checks import operations as checks
from carers.checks.models import Check
from carers.core.dates import today
from carers.extensions import db
from tests.browser.helpers import fill_date, sign_in, sign_in_applicant_cookie
from tests.factories import (
    make_address,
    make_applicant,
    make_household,
    make_staff,
    make_team,
    make_visit,
)

pytestmark = pytest.mark.browser




@pytest.fixture
def family(app):
    team = make_team("Recruitment")
    worker = make_staff("assessing_social_worker", name="Alex Assessor", team=team)
    household = make_household("mainstream", "stage1", team=team, workers=[worker],
                               address="12 Chapel Street, Northmoor", postcode="NM1 2AB",
                               application_received_on=today() - timedelta(days=20))
    member = household.members[0]
    member.name, member.date_of_birth = "Priya Shah", date(1985, 6, 1)
    db.session.commit()
    make_address(household, line_1="12 Chapel Street", lived_from=date(2012, 1, 1))
    checks.sync_required_checks(household)
    db.session.commit()
    applicant = make_applicant(household, member, name="Priya Shah",
                               email="priya.shah@example.com")
    visit = make_visit(household, worker, today() + timedelta(days=9), time(14, 30))
    return household, applicant, worker, visit


def test_the_progress_page_and_asking_to_rearrange_a_visit(page, app, live_server, axe,
                                                          family):
    household, applicant, worker, visit = family
    sign_in_applicant_cookie(page, app, live_server, applicant)
    page.goto("/apply/progress")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    expect(page.get_by_role("heading", name="Checks and references (Stage 1)")).to_be_visible()
    expect(page.get_by_text("We aim to finish your assessment by")).to_be_visible()
    expect(page.get_by_text("Your DBS check: we will ask for it soon")).to_be_visible()
    expect(page.get_by_text("Alex Assessor")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Ask to rearrange").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to rearrange a visit")
    axe(page)
    page.get_by_label("When would suit you instead?").fill("Any weekday morning")
    page.get_by_role("button", name="Ask to rearrange").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter why you need to change this visit")
    expect(page.get_by_label("When would suit you instead?")).to_have_value(
        "Any weekday morning")
    axe(page)
    page.get_by_label("Why do you need to change this visit?").fill("My shift has changed")
    page.get_by_role("button", name="Ask to rearrange").click()
    expect(page.get_by_text("We have told your social worker")).to_be_visible()
    expect(page.get_by_text("You asked to rearrange this visit on")).to_be_visible()
    axe(page)
    task = db.session.scalar(select(Task).where(Task.household_id == household.id))
    assert task.owner_id == worker.id


def test_an_applicant_tells_the_team_about_changes(page, app, live_server, axe, family):
    household, applicant, worker, _ = family
    sign_in_applicant_cookie(page, app, live_server, applicant)
    page.goto("/apply/progress")
    page.get_by_role("link", name="Your details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    axe(page)

    # Contact details, with a mistake first.
    page.get_by_role("link", name="Change your contact details").first.click()
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address in the correct "
                                                      "format")
    axe(page)
    page.get_by_label("Email address").fill("priya.new@example.com")
    page.get_by_label("Telephone number").fill("07700 900 123")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.get_by_text("Your contact details have been saved.")).to_be_visible()
    expect(page.get_by_text("priya.new@example.com")).to_be_visible()

    # Someone moving in: first nothing chosen, then too young, then right.
    page.get_by_role("button", name="Tell us about a change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell us about a change in your household")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Select what has changed")
    axe(page)
    page.get_by_label("Someone aged 18 or over is moving in").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Someone moving in")
    axe(page)
    page.get_by_label("Their full name").fill("Dev Shah")
    page.get_by_label("How are they related to you?").fill("Son")
    fill_date(page.get_by_role("group", name="Their date of birth"), date(2012, 1, 1))
    fill_date(page.get_by_role("group", name="When did they move in"), today())
    page.get_by_role("button", name="Tell the team").click()
    expect(page.get_by_role("alert")).to_contain_text("They must be 18 or over")
    expect(page.get_by_label("Their full name")).to_have_value("Dev Shah")
    axe(page)
    fill_date(page.get_by_role("group", name="Their date of birth"), date(2006, 5, 4))
    page.get_by_role("button", name="Tell the team").click()
    expect(page.get_by_text("We have told your social worker that Dev Shah is moving in")
           ).to_be_visible()
    expect(page.get_by_text("Dev Shah", exact=True)).to_be_visible()
    axe(page)
    assert db.session.scalar(select(Check).where(Check.household_id == household.id,
                                                 Check.kind == "dbs",
                                                 Check.subject == "Dev Shah"))


def test_an_applicant_withdraws(page, app, live_server, axe, family):
    household, applicant, worker, _ = family
    sign_in_applicant_cookie(page, app, live_server, applicant)
    page.goto("/apply/progress")
    page.get_by_role("link", name="Withdraw your application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your application")
    axe(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Select why you are withdrawing")
    axe(page)
    page.get_by_label("Things have changed at home").check()
    page.get_by_label("Anything else you would like to tell us (optional)").fill(
        "My mother needs care at home")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to withdraw your application?")
    expect(page.get_by_text("My mother needs care at home")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Withdraw my application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have withdrawn your application")
    expect(page.get_by_text(household.reference)).to_be_visible()
    axe(page)
    db.session.expire_all()
    assert db.session.get(Household, household.id).stage == "withdrawn"

    page.get_by_role("link", name="See your progress page").click()
    expect(page.get_by_role("heading", name="You have withdrawn your application")
           ).to_be_visible()
    expect(page.get_by_role("link", name="Ask to rearrange")).to_have_count(0)
    axe(page)
    page.goto("/apply/details")
    expect(page.get_by_role("button", name="Tell us about a change")).to_have_count(0)
    axe(page)


def test_the_progress_page_changes_when_a_caseworker_moves_the_case(
        page, browser, app, live_server, axe, family):
    household, applicant, worker, _ = family
    household.stage = "application_received"
    db.session.commit()
    sign_in_applicant_cookie(page, app, live_server, applicant)
    page.goto("/apply/progress")
    expect(page.get_by_role("heading", name="We have your application")).to_be_visible()
    axe(page)

    staff = browser.new_context(base_url=live_server).new_page()
    sign_in(staff, worker)
    staff.goto(f"/staff/cases/{household.reference}")
    staff.get_by_role("button", name="Start Stage 1 checks", exact=True).click()
    staff.get_by_label("I have checked these details are correct").check()
    staff.get_by_role("button", name="Confirm").click()
    expect(staff.get_by_role("alert", name="Success")).to_contain_text("Start Stage 1 checks")
    staff.context.close()

    page.reload()
    expect(page.get_by_role("heading", name="Checks and references (Stage 1)")).to_be_visible()
    expect(page.get_by_role("heading", name="We have your application")).to_have_count(0)
    axe(page)


def test_their_information_page_and_downloads(page, app, live_server, axe, family):
    household, applicant, worker, visit = family
    sign_in_applicant_cookie(page, app, live_server, applicant)
    page.goto("/apply/progress")
    page.get_by_role("link", name="Your information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your information")
    expect(page.get_by_text("1 visit to your household")).to_be_visible()
    axe(page)

    with page.expect_download() as json_download:
        page.get_by_role("link", name="Download your information as a JSON file").click()
    assert json_download.value.suggested_filename == f"{household.reference}-your-information.json"
    with open(json_download.value.path(), encoding="utf-8") as held:
        assert '"name": "Priya Shah"' in held.read()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download your information as a PDF").click()
    assert pdf_download.value.suggested_filename == f"{household.reference}-your-information.pdf"

    page.get_by_role("link", name="privacy notice", exact=True).click()
    expect(page.get_by_role("heading", name="If you apply: your application and your account")
           ).to_be_visible()
    axe(page)
