"""The DBS certificate's details and a referee not taken up, in a real browser: the refusals
keep what was typed, every state passes axe, and what is saved is what the report prints."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from carers.checks.models import Check, Referee
from carers.core.dates import today
from carers.extensions import db
from tests.browser.helpers import fill_date, sign_in
from tests.factories import (
    make_check,
    make_household,
    make_member,
    make_referee,
    make_staff,
    make_team,
)

pytestmark = pytest.mark.browser


def test_a_dbs_check_needs_its_certificate_and_a_referee_not_taken_up_says_why(page, axe):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team, name="Sam Worker")
    household = make_household("mainstream", "stage1", team=team, workers=[worker])
    dafydd = make_member(household, "Dafydd Evans", date_of_birth=date(1984, 2, 14))
    check = make_check(household, "dbs", member_id=dafydd.id, subject="Dafydd Evans")
    referee = make_referee(household, "Lee Neighbour")
    sign_in(page, worker.email)

    page.goto(f"/staff/cases/{household.reference}/checks/{check.id}")
    axe(page)
    requested = today() - timedelta(days=20)
    fill_date(page.get_by_role("group", name="Date requested (optional)"), requested)
    fill_date(page.get_by_role("group", name="Date received (optional)"), today())
    page.get_by_label("Certificate number").fill("12345")
    page.get_by_role("button", name="Save check").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_label("Certificate number")).to_have_value("12345")  # kept
    axe(page)

    page.get_by_label("Certificate number").fill("001234567890")
    fill_date(page.get_by_role("group", name="Date of issue"), today() - timedelta(days=3))
    page.get_by_role("group", name="Do they use the DBS Update Service?").get_by_label(
        "Yes").check()
    page.get_by_role("button", name="Save check").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    db.session.expire_all()
    saved = db.session.get(Check, check.id)
    assert saved.dbs_certificate_number == "001234567890"
    assert saved.dbs_update_service is True and saved.received_on == today()

    page.goto(f"/staff/cases/{household.reference}/referees/{referee.id}")
    axe(page)
    page.get_by_label("Why is their reference not being taken up? (optional)").fill(
        "Declined: moved abroad")
    page.get_by_role("button", name="Remove referee").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Lee Neighbour is no longer a referee")
    page.goto(f"/staff/cases/{household.reference}/referees/{referee.id}")
    expect(page.get_by_text("Not taken up: Declined: moved abroad")).to_be_visible()
    axe(page)
    db.session.expire_all()
    assert db.session.scalar(select(Referee.withdrawn_reason).where(
        Referee.id == referee.id)) == "Declined: moved abroad"
