"""A manager reads the recruitment figures in a real browser: axe checks the dashboard (its
charts included, and with a filter error), the Ofsted return and what it is missing; the
manager follows an overdue-deadlines figure to the cases behind it, opens one and records
oversight with two actions, which reach their owners' My work."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from carers.core.dates import today
from tests.browser.helpers import fill_date, open_page, sign_in
from tests.factories import make_household, make_staff, make_team

pytestmark = pytest.mark.browser


def test_a_manager_follows_an_overdue_figure_and_records_oversight(
        page, axe, browser, live_server, console_errors):
    team = make_team("Recruitment and assessment")
    manager = make_staff("team_manager", name="Morgan Lee", team=team)
    sam = make_staff("assessing_social_worker", name="Sam Patel", team=team)
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    late = make_household("mainstream", "stage1", team=team, workers=[sam],
                          name="Shah household", next_due_on=today() - timedelta(days=3),
                          next_due_label="Stage 1 decision")
    make_household("mainstream", "stage2", team=team, workers=[sam], name="Okafor household",
                   next_due_on=today() + timedelta(days=60), next_due_label="Panel")

    sign_in(page, manager.email)
    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recruitment figures")
    charts = page.locator(".app-chart svg")
    expect(charts.first).to_be_visible()
    assert charts.count() == 7
    axe(page)

    # The deadlines table by worker: Sam Patel's overdue figure leads to the case.
    table = page.locator("table", has=page.get_by_text("Open deadlines by worker"))
    row = table.get_by_role("row", name="Sam Patel")
    expect(row).to_contain_text("1")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pipeline")
    expect(page.get_by_role("link", name=late.reference)).to_be_visible()
    expect(page.get_by_text("Okafor household")).to_have_count(0)

    page.get_by_role("link", name=late.reference).click()
    page.get_by_role("link", name="Record management oversight").click()
    page.get_by_label("What did you review?").fill("The overdue Stage 1 decision")
    page.get_by_label("Decision").fill("Decide Stage 1 this week")
    page.get_by_label("Reasons").fill("Every Stage 1 item is in; the notice period is over.")
    for n, (title, owner, days) in enumerate((("Write the Stage 1 decision", "Sam Patel", 3),
                                              ("Tell the household", "Alex Green", 5)),
                                             start=1):
        group = page.get_by_role("group", name=f"Action {n}", exact=True)
        group.get_by_label("Action", exact=True).fill(title)
        group.get_by_label("Who will do it").select_option(label=owner)
        fill_date(group, today() + timedelta(days=days))
    page.get_by_role("button", name="Record oversight").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Management oversight recorded")

    for owner, title in ((sam, "Write the Stage 1 decision"), (alex, "Tell the household")):
        theirs = open_page(browser, live_server, console_errors)
        try:
            sign_in(theirs, owner.email)
            theirs.goto("/staff/my-work")
            expect(theirs.locator(".carers-task-list")).to_contain_text(title)
        finally:
            theirs.context.close()


def test_the_return_and_its_gaps_and_a_filter_error_pass_axe(page, axe):
    team = make_team("Kinship")
    manager = make_staff("service_manager", name="Ruth Adebayo")
    make_household("connected_person", "approved", team=team, name="Price household",
                   received_on=today() - timedelta(days=500))
    sign_in(page, manager.email)
    page.goto("/staff/figures/?period=custom")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the start date, or choose another period")
    axe(page)
    page.get_by_role("link", name="Ofsted annual return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ofsted annual fostering return")
    expect(page.get_by_text("Households approved at 31 March").first).to_be_visible()
    axe(page)
    page.get_by_role("link", name="What the return is missing").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is missing")
    axe(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/staff/figures/")
    axe(page)
