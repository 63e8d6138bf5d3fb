"""A social worker writes the assessment report in a real browser: sections autosave as they
type (no button pressed), a mistake gets a GOV.UK error summary, the manager signs the report
off and the editor locks; the PDF downloads. axe checks each state of the page."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from carers.extensions import db
from carers.reports.models import AssessmentReport
from carers.reports.sample import assessed_household
from tests.browser.helpers import fill_date, sign_in
from tests.factories import make_staff, make_team

pytestmark = pytest.mark.browser


def stored_text(key: str) -> str:
    db.session.rollback()
    report = db.session.scalar(select(AssessmentReport).order_by(AssessmentReport.id.desc()))
    return report.text(key)


def test_a_worker_writes_the_report_and_a_manager_signs_it_off(page, axe, browser,
                                                               live_server):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team, name="Sam Worker")
    manager = make_staff("team_manager", team=team, name="Morgan Manager")
    household = assessed_household(worker, team=team)
    alex = household.members[0]
    key = f"applicant_history_{alex.id}"
    report = db.session.scalar(select(AssessmentReport))
    report.section(key).body = ""
    db.session.commit()

    sign_in(page, worker.email)
    page.goto(f"/staff/cases/{household.reference}")
    page.get_by_role("link", name="Assessment report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Prospective foster carer report (Form F)")
    axe(page)

    # Typing saves by itself; the status is announced.
    # Each applicant's history has its own box.
    history = page.get_by_label("Section B, Part 1: History: Alex Taylor")
    expect(page.get_by_label("Section B, Part 1: History: Sam")).to_be_visible()
    history.fill("Alex grew up in Leeds, the eldest of three.\n\nAlex trained as a nurse.")
    expect(page.locator(f"#{key}-status")).to_contain_text("Saved", timeout=15_000)
    assert stored_text(key) == ("Alex grew up in Leeds, the eldest of three.\n\n"
                                "Alex trained as a nurse.")
    # Typing <script> is just text.
    history.press("End")
    history.type("\n\n<script>alert(1)</script>")
    history.blur()
    expect(page.locator(f"#{key}-status")).to_contain_text("Saved")
    assert stored_text(key).endswith("<script>alert(1)</script>")

    # Leaving the page straight after typing still saves.
    lifestyle = page.get_by_label("Section B, Part 1: Family and lifestyle")
    lifestyle.fill("They walk the dog every evening.")
    page.goto(f"/staff/cases/{household.reference}")
    for _ in range(50):
        if stored_text("lifestyle") == "They walk the dog every evening.":
            break
        page.wait_for_timeout(200)
    assert stored_text("lifestyle") == "They walk the dog every evening."
    page.goto(f"/staff/cases/{household.reference}/report")

    # A mistake on the training form.
    page.locator("summary", has_text="Add training").click()
    page.get_by_label("Course").fill("")
    page.get_by_label("Who attended").fill("Alex and Sam")
    fill_date(page.get_by_role("group", name="Date completed"),
              SimpleNamespace(day=31, month=2, year=2026))
    page.get_by_role("button", name="Add training").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the course name")
    expect(summary).to_contain_text("Date completed must be a real date")
    axe(page)

    # The page after a reload keeps everything; the full-form save still works too.
    page.goto(f"/staff/cases/{household.reference}/report")
    expect(history).to_have_value(stored_text(key))
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Report saved")

    # The manager signs off; the editor then locks.
    context = browser.new_context(base_url=live_server)
    manager_page = context.new_page()
    sign_in(manager_page, manager.email)
    manager_page.goto(f"/staff/cases/{household.reference}/report")
    axe(manager_page)
    manager_page.get_by_role("button", name="Sign off this version").click()
    expect(manager_page.get_by_role("alert", name="Success")).to_contain_text(
        "Version 1 signed off")
    expect(manager_page.get_by_text("This version is signed off and locked")).to_be_visible()
    expect(manager_page.get_by_label("Section B, Part 1: History: Alex Taylor")).to_have_count(0)
    axe(manager_page)
    with manager_page.expect_download() as download:
        manager_page.get_by_role("link", name="Download the report as a PDF").click()
    assert download.value.suggested_filename == f"{household.reference}-assessment-report.pdf"
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    context.close()


def test_a_kinship_report_is_written_in_form_cs_boxes(page, axe):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team, name="Sam Worker")
    household = assessed_household(worker, team=team, pathway="connected_person",
                                   name="Maureen Hall")
    sign_in(page, worker.email)
    page.goto(f"/staff/cases/{household.reference}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Connected person report (Form C)")
    contact = page.get_by_label("The plan for contact with the birth family")
    contact.fill("Amy sees her mother every other Saturday.")
    expect(page.locator("#contact-status")).to_contain_text("Saved", timeout=15_000)
    assert stored_text("contact") == "Amy sees her mother every other Saturday."
    expect(page.get_by_label("The carers' capacity to meet the child's needs")).to_be_visible()
    axe(page)
