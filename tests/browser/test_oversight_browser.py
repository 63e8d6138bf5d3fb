"""A team manager records management oversight with two actions for two people in a real
browser; each person then finds their action on My work. axe checks the form, its error
state, the case page and the list of cases due oversight."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from carers.core.dates import today
from tests.browser.helpers import fill_date, open_page, sign_in
from tests.factories import make_household, make_staff, make_team

pytestmark = pytest.mark.browser


def action_row(page: Page, n: int):
    return page.get_by_role("group", name=f"Action {n}", exact=True)


def test_a_manager_records_oversight_with_actions_that_reach_their_owners(
        page, axe, browser, live_server, console_errors):
    team = make_team("Recruitment and assessment")
    manager = make_staff("team_manager", name="Morgan Lee", team=team)
    sam = make_staff("assessing_social_worker", name="Sam Patel", team=team)
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    case = make_household("mainstream", "stage1", team=team, workers=[sam],
                          name="Shah household")
    neglected = make_household("connected_person", "full_assessment", team=team,
                               name="Ní Bhriain household")

    sign_in(page, manager.email)
    page.goto(f"/staff/cases/{case.reference}")
    page.get_by_role("link", name="Record management oversight").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record management oversight")
    expect(page.get_by_role("group", name="Action 3", exact=True)).to_be_visible()
    axe(page)

    page.get_by_label("What did you review?").fill("The checks ledger and both references")
    page.get_by_label("Decision").fill("Proceed to Stage 2")
    page.get_by_label("Reasons").fill("References are positive; the DBS disclosure is historic.")
    first, second = action_row(page, 1), action_row(page, 2)
    first.get_by_label("Action", exact=True).fill("Book the first Stage 2 session")
    first.get_by_label("Who will do it").select_option(label="Sam Patel")
    fill_date(first, today() + timedelta(days=7))
    # The second action's owner is left out: the error names what is missing.
    second.get_by_label("Action", exact=True).fill("Chase the employer reference")
    fill_date(second, today() + timedelta(days=14))
    page.get_by_role("button", name="Record oversight").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter who will do action 2")
    expect(second.get_by_label("Action", exact=True)).to_have_value(
        "Chase the employer reference")
    axe(page)
    summary.get_by_role("link", name="Enter who will do action 2").click()
    expect(second.get_by_label("Who will do it")).to_be_focused()

    second.get_by_label("Who will do it").select_option(label="Alex Green")
    page.get_by_role("button", name="Record oversight").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Management oversight recorded")
    timeline = page.locator(".carers-timeline")
    expect(timeline).to_contain_text("Management oversight by Morgan Lee: Proceed to Stage 2")
    expect(timeline).to_contain_text("The checks ledger and both references")
    expect(timeline).to_contain_text("Chase the employer reference")
    axe(page)

    # The list of cases due oversight: the other case, never overseen; not this one.
    page.get_by_role("link", name="Oversight due").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversight due")
    expect(page.get_by_role("link", name=neglected.reference)).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_have_count(0)
    axe(page)

    # Each owner finds their action on My work.
    for owner, title, other in ((sam, "Book the first Stage 2 session",
                                 "Chase the employer reference"),
                                (alex, "Chase the employer reference",
                                 "Book the first Stage 2 session")):
        theirs = open_page(browser, live_server, console_errors)
        try:
            sign_in(theirs, owner.email)
            theirs.goto("/staff/my-work")
            tasks = theirs.locator(".carers-task-list")
            expect(tasks).to_contain_text(title)
            expect(tasks).not_to_contain_text(other)
            axe(theirs)
        finally:
            theirs.context.close()
