"""An applicant runs "About you" through in a real browser on a narrow phone: the task list,
each one-question page (a mistake first), an "add another" list, the task's answers and
"Have you completed this section?". axe checks every page, the error state included, and
no page scrolls sideways at 320 CSS pixels."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carers.application.models import ApplicationTask
from carers.extensions import db
from tests.browser.helpers import fill_date, sign_in_applicant_cookie
from tests.factories import make_applicant, make_household, make_member

pytestmark = pytest.mark.browser




def fits(page: Page) -> None:
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"), \
        f"{page.url} scrolls sideways at 320px"


def check(page: Page, axe) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    fits(page)
    axe(page)


def test_an_applicant_completes_about_you_one_question_at_a_time(page, axe, app, live_server):
    household = make_household("mainstream", "initial_visit")
    partner = make_member(household, "Sam Shah", "partner", is_applicant=True)
    alex = make_applicant(household, name="Alex Shah")
    make_applicant(household, partner, name="Sam Shah")
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in_applicant_cookie(page, app, live_server, alex)

    page.goto("/apply/application")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to foster")
    # On a narrow phone the applicant's navigation folds behind the Menu button.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Your application")).to_be_visible()
    check(page, axe)
    page.get_by_role("link", name="About you – Alex Shah").click()

    # A mistake: the error summary links to the question, which keeps its label.
    expect(page.get_by_role("heading", level=1)).to_have_text("What is your full name?")
    check(page, axe)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your full name")
    assert page.title().startswith("Error: What is your full name?")
    check(page, axe)
    page.get_by_label("What is your full name?").fill("Alex Jordan Shah")
    page.get_by_role("button", name="Continue").click()

    # The name they like to be called: optional, a hint with an example.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What name do you like to be called? (optional)")
    check(page, axe)
    page.get_by_label("What name do you like to be called? (optional)").fill("Lexi")
    page.get_by_role("button", name="Continue").click()

    # Previous names: add one through the "add another" pattern.
    expect(page.get_by_role("heading", level=1)).to_have_text("Previous names")
    check(page, axe)
    page.get_by_role("group", name="Have you been known by any other names?") \
        .get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a name")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name")
    check(page, axe)
    page.get_by_label("Previous name").fill("Alex Brown")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Alex Brown")).to_be_visible()
    check(page, axe)
    page.get_by_role("group", name="Do you need to add another name?").get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What is your date of birth?")
    fill_date(page, date(1985, 3, 27))
    check(page, axe)
    page.get_by_role("button", name="Continue").click()

    # Where they were born: two questions on one page; one missing is an error, the other
    # kept.
    expect(page.get_by_role("heading", level=1)).to_have_text("Where were you born?")
    check(page, axe)
    page.get_by_label("Town or city").fill("Leicester")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the country where you were born")
    expect(page.get_by_label("Town or city")).to_have_value("Leicester")
    check(page, axe)
    summary.get_by_role("link", name="Enter the country where you were born").click()
    expect(page.get_by_label("Country")).to_be_focused()
    page.get_by_label("Country").fill("England")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Female").check()
    check(page, axe)
    page.get_by_role("button", name="Continue").click()
    for label, value in [("What is your nationality?", "British"),
                         ("Which languages do you speak?", "English and Gujarati"),
                         ("What is your religion, if you have one? (optional)", "Hindu")]:
        page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Continue").click()

    # Named, a religion is followed by whether they practise it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Do you practise your religion?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select yes if you practise your religion")
    check(page, axe)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is your ethnic group? (optional)").fill("")
    page.get_by_role("button", name="Continue").click()

    # A disability: details are asked only under "Yes", and are optional.
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you registered as disabled?")
    details = page.get_by_label("Tell us about your disability (optional)")
    expect(details).to_be_hidden()
    check(page, axe)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select yes if you are registered as disabled")
    check(page, axe)
    page.get_by_label("Yes").check()
    expect(details).to_be_visible()
    check(page, axe)
    details.fill("Partially sighted")
    page.get_by_role("button", name="Continue").click()

    for label, value in [("What is your email address?", "alex@example.com"),
                         ("What is your telephone number?", "07700 900 982")]:
        page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("27 March 1985")).to_be_visible()
    expect(page.get_by_text("Partially sighted")).to_be_visible()
    check(page, axe)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether you have completed this section")
    check(page, axe)
    page.get_by_label("Yes, I've completed this section").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to foster")
    item = page.locator(".govuk-task-list__item", has_text="About you – Alex Shah")
    expect(item.locator(".govuk-task-list__status")).to_have_text("Completed")
    check(page, axe)
    db.session.expire_all()
    row = db.session.scalar(select(ApplicationTask).where(
        ApplicationTask.task == "about_you", ApplicationTask.applicant_id == alex.id))
    assert row.answers["previous_names"] == ["Alex Brown"]
    assert row.answers["date_of_birth"] == "1985-03-27" and row.status == "completed"
    assert (row.answers["known_as"], row.answers["birth_town"], row.answers["birth_country"],
            row.answers["practising"], row.answers["registered_disabled"]) == \
        ("Lexi", "Leicester", "England", True, "yes")


def test_a_partner_s_details_are_asked_only_under_yes(page, axe, app, live_server):
    household = make_household("mainstream", "initial_visit")
    alex = make_applicant(household, name="Alex Shah")
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in_applicant_cookie(page, app, live_server, alex)

    page.goto("/apply/tasks/relationships/partner")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your partner")
    partner = page.get_by_role("group", name="Do you have a partner?")
    name = page.get_by_label("Your partner's full name")
    since = page.get_by_role("group", name="When did your relationship start?")
    expect(name).to_be_hidden()
    expect(since).to_be_hidden()
    check(page, axe)

    # "Yes" reveals the two questions, right after it for the keyboard, labelled.
    partner.get_by_label("Yes").check()
    expect(partner.get_by_label("Yes")).to_have_attribute("aria-controls",
                                                          "conditional-has_partner")
    expect(name).to_be_visible()
    expect(since).to_be_visible()
    page.keyboard.press("Tab")
    expect(name).to_be_focused()
    check(page, axe)

    # Asked for only under "Yes": missing, they are errors linked from the summary.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your partner's full name")
    expect(summary).to_contain_text("Enter when your relationship started")
    expect(name).to_be_visible()
    check(page, axe)
    summary.get_by_role("link", name="Enter your partner's full name").click()
    expect(name).to_be_focused()
    name.fill("Sam Shah")
    fill_date(since, date(2010, 6, 1))
    page.get_by_role("button", name="Continue").click()

    # With a partner: what kind of partnership, since when, and where they married.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your relationship")
    check(page, axe)
    page.get_by_label("Where did you marry or register your civil partnership? (optional)") \
        .fill("Leicester Register Office")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select which describes your relationship")
    expect(summary).to_contain_text("Enter the date you married")
    expect(page.get_by_label("Where did you marry or register your civil partnership? "
                             "(optional)")).to_have_value("Leicester Register Office")
    check(page, axe)
    page.get_by_label("We are married").check()
    fill_date(page.get_by_role("group", name="When did you marry, register your civil "
                                             "partnership or start living together?"),
              date(2012, 9, 6))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Significant past partners")

    # "No" hides them again, and nothing is asked of them.
    page.goto("/apply/tasks/relationships/partner")
    expect(name).to_have_value("Sam Shah")
    page.get_by_role("group", name="Do you have a partner?").get_by_label("No").check()
    expect(name).to_be_hidden()
    check(page, axe)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Significant past partners")
    db.session.expire_all()
    row = db.session.scalar(select(ApplicationTask).where(
        ApplicationTask.task == "relationships", ApplicationTask.applicant_id == alex.id))
    assert row.answers["current_partner"] is None

    # Pets: the one follow-up question is revealed under "Yes", errors included.
    page.goto("/apply/tasks/home/pets")
    pets = page.get_by_label("Tell us about your pets")
    expect(pets).to_be_hidden()
    check(page, axe)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tell us about your pets")
    expect(pets).to_be_visible()
    check(page, axe)
    pets.fill("A dog called Biscuit")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Does anyone in your home smoke or vape?")
