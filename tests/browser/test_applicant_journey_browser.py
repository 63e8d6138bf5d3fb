"""The applicants' whole journey in real browsers, one browser context per person.

A joint couple apply from their invitation to submission: the caseworker invites each of
them from the case page, each signs in with the code emailed to them, one leaves part way
through a task and finds their answers when they come back, one hits the address-gap error
and fixes it, one uploads a program renamed .pdf and then a real PDF; they fill in every
task through its pages, both declare, and the case shows the application, the household and
the checks for each person. Their progress page then changes when the caseworker starts
Stage 1. Another adult of a household gives their own details and consents through their
own invitation.

axe-core checks every applicant page visited (and the staff pages on the way), error states
included: ``Person`` runs it on each page before leaving it. Withdrawing is
test_portal_browser.py's ``test_an_applicant_withdraws`` (every page of it, with axe)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carers.applicants.models import Applicant
from carers.application.models import Application
from carers.application.rules import in_words, years_before
from carers.cases.models import Household
from carers.checks.models import Check
from carers.core.dates import today
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from tests import upload_files as files
from tests.browser.helpers import fill_date, open_page, sign_in, sign_in_with_code
from tests.factories import make_applicant, make_household, make_member, make_staff, make_team

pytestmark = pytest.mark.browser

APPLY = "Apply to foster"
ALEX_BORN, SAM_BORN, MIA_BORN = date(1984, 6, 12), date(1986, 2, 3), date(2015, 9, 1)


class Person:
    """One person's browser. Each step checks the page it is on (its heading, then axe)
    before acting on it, so every page the person visits is checked."""

    def __init__(self, page: Page, axe, name: str = ""):
        self.page, self.axe, self.name = page, axe, name

    def at(self, heading: str) -> Person:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.axe(self.page)
        return self

    def error(self, text: str) -> Person:
        """The page shows an error: the summary says ``text``, and the page still passes."""
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(text)
        assert self.page.title().startswith("Error: "), self.page.title()
        self.axe(self.page)
        return self

    def press(self, name: str = "Continue") -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def answer(self, heading: str, value: str) -> None:
        """A page with one text question, which is its heading."""
        self.at(heading)
        self.page.get_by_label(heading).fill(value)
        self.press()

    def choose(self, heading: str, option: str) -> None:
        """A page with one set of radios, whose legend is its heading."""
        self.at(heading)
        self.page.get_by_label(option, exact=True).check()
        self.press()

    def radio(self, legend: str, option: str) -> None:
        self.page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()

    def none_to_add(self, heading: str, legend: str) -> None:
        """An "add another" list with nothing (more) to add."""
        self.at(heading)
        self.radio(legend, "No")
        self.press()

    def add_item(self, heading: str, legend: str, item_heading: str, fill) -> None:
        """An "add another" list: say yes, then fill in the item's page."""
        self.at(heading)
        self.radio(legend, "Yes")
        self.press()
        self.at(item_heading)
        fill(self.page)
        self.press()

    def open_task(self, title: str) -> None:
        self.at(APPLY)
        self.page.get_by_role("link", name=title, exact=True).click()

    def complete(self, title: str) -> None:
        """The task's answers: "Yes, I've completed this section", back to the task list."""
        self.at("Check your answers")
        self.page.get_by_label("Yes, I've completed this section").check()
        self.press()
        self.at(APPLY)
        expect(self.status(title)).to_have_text("Completed")

    def status(self, title: str):
        item = self.page.locator(".govuk-task-list__item").filter(
            has=self.page.get_by_text(title, exact=True))
        return item.locator(".govuk-task-list__status")


# --- the tasks, through their pages ---

def about_you_first_pages(p: Person, name: str, born: date) -> None:
    p.open_task(f"About you – {p.name}")
    p.answer("What is your full name?", name)
    p.answer("What name do you like to be called? (optional)", "")
    p.none_to_add("Previous names", "Have you been known by any other names?")
    p.at("What is your date of birth?")
    fill_date(p.page, born)
    p.press()
    p.at("Where were you born?")
    p.page.get_by_label("Town or city").fill("Leeds")
    p.page.get_by_label("Country").fill("England")
    p.press()


def about_you_rest(p: Person, sex: str, email: str) -> None:
    p.choose("What is your sex?", sex)
    p.answer("What is your nationality?", "British")
    p.answer("Which languages do you speak?", "English")
    p.answer("What is your religion, if you have one? (optional)", "")
    p.answer("What is your ethnic group? (optional)", "White British")
    p.choose("Are you registered as disabled?", "No")
    p.answer("What is your email address?", email)
    p.answer("What is your telephone number?", "07700 900 982")
    p.complete(f"About you – {p.name}")


def work(p: Person, employed: bool) -> None:
    p.open_task(f"Work and income – {p.name}")
    p.choose("What is your work situation?", "Employed" if employed else "Self-employed")
    p.at("Your job")
    p.page.get_by_label("Job title").fill("Staff nurse" if employed else "Joiner")
    p.page.get_by_label("Employer or business name").fill(
        "Northmoor NHS Trust" if employed else "Smith Joinery")
    p.press()
    if employed:
        p.at("Your employer's contact details")
        p.page.get_by_label("Email address (optional)").fill("hr@example.com")
        p.page.get_by_label("Address", exact=True).fill("Northmoor Hospital, NM1 1AA")
        p.press()
    p.at("Your income")
    p.page.get_by_label("Your yearly income before tax, in pounds (optional)").fill("31000")
    p.press()
    p.complete(f"Work and income – {p.name}")


def health(p: Person) -> None:
    p.open_task(f"Your health – {p.name}")
    p.choose("Would you say you are in good health?", "Yes")
    p.answer("What medication do you take, if any? (optional)", "")
    p.at("Your GP")
    p.page.get_by_label("GP surgery name").fill("Mill Lane Surgery")
    p.page.get_by_label("GP surgery address").fill("1 Mill Lane, Northmoor NM1 2AA")
    p.press()
    p.complete(f"Your health – {p.name}")


def relationships(p: Person, partner: str) -> None:
    p.open_task(f"Relationships – {p.name}")
    p.at("Your partner")
    p.radio("Do you have a partner?", "Yes")
    p.page.get_by_label("Your partner's full name").fill(partner)
    fill_date(p.page.get_by_role("group", name="When did your relationship start?"),
              date(2010, 5, 1))
    p.press()
    p.at("Your relationship")
    p.radio("Which describes your relationship?", "We are married")
    fill_date(p.page.get_by_role("group", name="When did you marry, register your civil "
                                               "partnership or start living together?"),
              date(2013, 8, 17))
    p.press()
    p.none_to_add("Significant past partners", "Have you had any significant past partners?")
    p.complete(f"Relationships – {p.name}")


def address(line_1: str, town: str, postcode: str, council: str, lived_from: date,
            lived_to: date | None = None):
    def fill(page: Page) -> None:
        page.get_by_label("Building and street").fill(line_1)
        page.get_by_label("Town or city").fill(town)
        page.get_by_label("Postcode").fill(postcode)
        page.get_by_label("Council area").fill(council)
        fill_date(page.get_by_role("group", name="When did you move in?"), lived_from)
        if lived_to:
            fill_date(page.get_by_role("group", name="When did you move out?"), lived_to)
    return fill


def addresses(p: Person, *fills) -> None:
    p.open_task(f"Where you have lived – {p.name}")
    first, *more = fills
    p.add_item("Your addresses", "Add the addresses you have lived at in the last 10 years",
               "Add an address", first)
    for fill in more:
        p.add_item("Your addresses", "Do you need to add another address?", "Add an address",
                   fill)
    p.none_to_add("Your addresses", "Do you need to add another address?")


def earlier_applications(p: Person) -> None:
    p.open_task(f"Earlier applications to foster, adopt or childmind – {p.name}")
    p.choose("Have you applied before to foster, adopt or be a childminder?", "No")
    p.complete(f"Earlier applications to foster, adopt or childmind – {p.name}")


def consents(p: Person) -> None:
    p.open_task(f"Consent to checks – {p.name}")
    p.at("Do you consent to these checks?")
    for box in p.page.get_by_role("checkbox").all():
        box.check()
    p.press()
    p.complete(f"Consent to checks – {p.name}")


def household_task(p: Person) -> None:
    p.open_task("Your household")

    def mia(page: Page) -> None:
        page.get_by_label("Full name").fill("Mia Smith")
        fill_date(page.get_by_role("group", name="Date of birth"), MIA_BORN)
        page.get_by_role("group", name="How are they related to you?").get_by_label(
            "Daughter").check()

    p.add_item("People who live with you", "Does anyone else live with you?", "Add a person",
               mia)
    expect(p.page.get_by_text(f"Mia Smith, born {in_words(MIA_BORN)}")).to_be_visible()
    p.none_to_add("People who live with you", "Does anyone else live with you?")
    p.none_to_add("Children who live elsewhere",
                  "Do you have children who do not live with you?")
    p.complete("Your household")


def home(p: Person) -> None:
    p.open_task("Your home")
    p.choose("Do you own or rent your home?", "We own it")
    p.answer("How many bedrooms does your home have?", "3")
    p.answer("How many spare bedrooms do you have?", "1")
    p.choose("Do you have any pets?", "No")
    p.choose("Does anyone in your home smoke or vape?", "No")
    p.complete("Your home")


def referee(name: str, knows: str, relative: bool):
    def fill(page: Page) -> None:
        page.get_by_label("Full name").fill(name)
        page.get_by_label("How do they know you?").fill(knows)
        page.get_by_role("group", name="Are they a relative?").get_by_label(
            "Yes" if relative else "No").check()
        page.get_by_label("Email address (optional)").fill(
            f"{name.split()[0].lower()}@example.com")
        page.get_by_label("Address", exact=True).fill("2 Church Street, Northmoor NM1 3AB")
        page.get_by_label("How many years have they known you?").fill("12")
    return fill


def referees(p: Person) -> None:
    p.open_task("Referees")
    p.add_item("Your referees", "Add a referee", "Add a referee",
               referee("Jo Smith", "My sister", True))
    for fill in (referee("Kim Patel", "A friend from work", False),
                 referee("Lee Brown", "A neighbour", False)):
        p.add_item("Your referees", "Do you need to add another referee?", "Add a referee",
                   fill)
    p.none_to_add("Your referees", "Do you need to add another referee?")
    p.complete("Referees")


def declare(p: Person) -> None:
    p.at(APPLY)
    p.page.get_by_role("link", name="Check your answers and declare").click()
    p.at("Check your answers before sending your application")
    p.page.get_by_role("button", name="Continue to the declaration").click()
    p.at("Declaration")


# --- the couple ---

@pytest.fixture
def couple(app):
    """A mainstream household after its initial visit, with its allocated worker: the
    enquiry recorded the two applicants, and nobody has been invited yet."""
    team = make_team("Recruitment")
    worker = make_staff("assessing_social_worker", name="Wendy Worker", team=team)
    household = make_household("mainstream", "initial_visit", team=team, workers=[worker],
                               name="Alex Smith and Sam Smith", email="alex@example.com",
                               initial_visit_on=today() - timedelta(days=3))
    household.members[0].name = "Alex Smith"
    make_member(household, "Sam Smith", "partner", is_applicant=True, date_of_birth=None)
    return household, worker


def invite(staff: Person, name: str, email: str | None = None) -> None:
    """From the invitations page: invite ``name`` (with ``email``, or the address the
    enquiry gave, already filled in)."""
    staff.at("Applicants' accounts")
    staff.page.get_by_role("link", name=f"Invite {name}").click()
    staff.at(f"Invite {name}")
    if email is not None:
        staff.page.get_by_label("Email address").fill(email)
    staff.press("Send the invitation")
    expect(staff.page.get_by_text(f"Invitation sent to {name}")).to_be_visible()


def test_a_joint_couple_apply_from_invitation_to_submission(
        page, browser, live_server, axe, console_errors, couple, tmp_path):
    household, worker = couple
    case_url = f"/staff/cases/{household.reference}"

    # The caseworker invites both of them from the case page, each to their own address.
    staff = Person(page, axe)
    sign_in(page, worker)
    page.goto(case_url)
    staff.at("Alex Smith and Sam Smith")
    page.get_by_role("link", name="Invite the household to apply").click()
    invite(staff, "Alex Smith")  # the enquiry's address, already there
    invite(staff, "Sam Smith", "sam@example.com")
    db.session.expire_all()
    invited = db.session.scalars(select(OutboxMessage.to_address).where(
        OutboxMessage.idempotency_key.like("applicant-invitation:%"))).all()
    assert sorted(invited) == ["alex@example.com", "sam@example.com"]

    # Alex signs in with their own code and starts "About you", then closes the browser
    # part way through (on the sex question, after saving their date of birth).
    alex = Person(open_page(browser, live_server, console_errors), axe, "Alex Smith")
    sign_in_with_code(alex.page, "alex@example.com", axe)
    alex.at(APPLY)
    expect(alex.status("About you – Alex Smith")).to_have_text("Not started")
    expect(alex.status("Consent to checks – Alex Smith")).to_have_text("Cannot start yet")
    about_you_first_pages(alex, "Alex Jordan Smith", ALEX_BORN)
    alex.at("What is your sex?")
    alex.page.context.close()

    # Sam signs in in a browser of their own and does their own tasks and the home.
    sam = Person(open_page(browser, live_server, console_errors), axe, "Sam Smith")
    sign_in_with_code(sam.page, "sam@example.com", axe)
    expect(sam.status("About you – Alex Smith")).to_have_text("In progress")  # Alex's
    about_you_first_pages(sam, "Sam Smith", SAM_BORN)
    about_you_rest(sam, "Male", "sam@example.com")
    work(sam, employed=False)
    health(sam)
    relationships(sam, "Alex Jordan Smith")
    addresses(sam, address("4 Mill Lane", "Northmoor", "NM1 2AB", "Northmoor Council",
                           years_before(today(), 11)))
    sam.complete(f"Where you have lived – {sam.name}")
    earlier_applications(sam)
    home(sam)

    # The caseworker asks for Sam's proof of identity; Sam first sends a Windows program
    # renamed .pdf, is told clearly, then sends a real PDF.
    page.goto(f"{case_url}/documents")
    staff.at("Documents")
    page.get_by_role("group", name="Who is it about?").get_by_label("Sam Smith").check()
    page.get_by_role("group", name="Which document?").get_by_label(
        "Proof of identity (such as a passport)").check()
    staff.press("Ask for this document")
    expect(page.get_by_role("heading", name="Proof of identity (such as a passport)")
           ).to_be_visible()
    sam.page.get_by_role("link", name="Documents").click()
    sam.at("Documents")
    program = tmp_path / "passport.pdf"
    program.write_bytes(files.EXECUTABLE)
    upload = sam.page.get_by_label("Upload a file: Proof of identity (such as a passport)")
    upload.set_input_files(str(program))
    sam.press("Upload file")
    expect(sam.page.get_by_role("alert")).to_contain_text(
        "passport.pdf must be a PDF, JPEG, PNG or Word (.docx) file")
    sam.axe(sam.page)
    real = tmp_path / "passport-scan.pdf"
    real.write_bytes(files.pdf())
    upload.set_input_files(str(real))
    sam.press("Upload file")
    expect(sam.page.get_by_text("passport-scan.pdf sent for proof of identity")).to_be_visible()
    expect(sam.page.get_by_role("link", name="passport-scan.pdf")).to_be_visible()
    sam.axe(sam.page)
    sam.page.get_by_role("link", name="Your application").click()

    # Alex comes back another day, in a new browser with a new code: "About you" is in
    # progress, opens where they left off, and what they saved is there.
    alex = Person(open_page(browser, live_server, console_errors), axe, "Alex Smith")
    sign_in_with_code(alex.page, "alex@example.com", axe)
    alex.at(APPLY)
    expect(alex.status("About you – Alex Smith")).to_have_text("In progress")
    expect(alex.status("Your home")).to_have_text("Completed")  # Sam's, shared
    alex.page.get_by_role("link", name="About you – Alex Smith").click()
    alex.at("What is your sex?")
    alex.page.get_by_role("link", name="Back").click()
    alex.at("Where were you born?")
    expect(alex.page.get_by_label("Country")).to_have_value("England")
    alex.page.get_by_role("link", name="Back").click()
    alex.at("What is your date of birth?")
    expect(alex.page.get_by_label("Day")).to_have_value(str(ALEX_BORN.day))
    expect(alex.page.get_by_label("Year")).to_have_value(str(ALEX_BORN.year))
    alex.press()
    alex.at("Where were you born?")
    alex.press()
    about_you_rest(alex, "Female", "alex@example.com")
    # Of the application's 17 sections: Sam's six, the home, and Alex's "About you".
    expect(alex.page.get_by_text("Your household has completed 8 of 17 sections")).to_be_visible()

    # Alex's addresses leave a gap: completing the task names its dates; Alex fixes the
    # earlier address's move-out date.
    moved_in = years_before(today(), 6)
    gap_from = moved_in - timedelta(days=61)
    addresses(alex,
              address("4 Mill Lane", "Northmoor", "NM1 2AB", "Northmoor Council", moved_in),
              address("9 Station Road", "Leeds", "LS1 4AB", "Leeds City Council",
                      years_before(today(), 12), gap_from))
    alex.at("Check your answers")
    alex.page.get_by_label("Yes, I've completed this section").check()
    alex.press()
    alex.error(f"There is a gap between {in_words(gap_from)} and {in_words(moved_in)}")
    alex.page.get_by_role("link", name="Change your addresses").click()
    alex.at("Your addresses")
    alex.page.get_by_role("link", name="Change address 2").click()
    alex.at("Change an address")
    expect(alex.page.get_by_label("Building and street")).to_have_value("9 Station Road")
    fill_date(alex.page.get_by_role("group", name="When did you move out?"),
              moved_in - timedelta(days=1))
    alex.press()
    alex.none_to_add("Your addresses", "Do you need to add another address?")
    alex.complete("Where you have lived – Alex Smith")

    work(alex, employed=True)
    health(alex)
    relationships(alex, "Sam Smith")
    earlier_applications(alex)
    household_task(alex)
    referees(alex)
    consents(alex)
    expect(alex.page.get_by_role("link", name="Check your answers and declare")).to_have_count(0)

    # Sam gives consent: now everything is done, by everyone.
    sam.page.reload()
    consents(sam)

    # Alex declares (forgetting the box first), then waits for Sam.
    alex.page.reload()
    declare(alex)
    alex.press("Accept and send")
    alex.error("Confirm that your answers are true and complete")
    alex.page.get_by_label("I confirm that the answers I have given are true and complete"
                           ).check()
    alex.press("Accept and send")
    alex.at(APPLY)
    expect(alex.page.get_by_text("Waiting for Sam Smith to declare")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Application.submitted_at)) is None

    # Sam declares, which sends the application.
    sam.page.reload()
    declare(sam)
    sam.page.get_by_label("I confirm that the answers I have given are true and complete"
                          ).check()
    sam.press("Accept and send")
    sam.at(APPLY)
    expect(sam.page.get_by_text("You sent your application on")).to_be_visible()
    sam.page.get_by_role("link", name="About you – Sam Smith").click()
    sam.at("Check your answers")  # read-only now
    expect(sam.page.get_by_text("You cannot change these answers now")).to_be_visible()
    expect(sam.page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)

    # The case: application received, the household from the answers, checks per person.
    page.goto(case_url)
    staff.at("Alex Smith and Sam Smith")
    expect(page.get_by_text(re.compile(r"^Application received"))).to_be_visible()
    expect(page.get_by_text(f"Sent on {in_words(today())}")).to_be_visible()
    people = page.locator(".govuk-summary-list").filter(has_text="Mia Smith").first
    expect(people).to_contain_text(f"Child, born {in_words(MIA_BORN)}")
    expect(people).to_contain_text(f"Applicant, born {in_words(ALEX_BORN)}")
    expect(people).to_contain_text(f"Applicant, born {in_words(SAM_BORN)}")
    page.get_by_role("link", name="Checks and references", exact=True).click()
    staff.at("Checks and references")
    # Alex's checks are in the full name Alex gave.
    for name in ("Alex Jordan Smith", "Sam Smith"):
        for kind in ("Enhanced DBS with children's barred list", "Medical report"):
            expect(page.get_by_role("row").filter(has_text=kind).filter(has_text=name)
                   .first).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Jo Smith").first).to_be_visible()
    db.session.expire_all()
    case = db.session.get(Household, household.id)
    assert case.stage == "application_received" and case.application_received_on == today()
    subjects = set(db.session.scalars(select(Check.subject).where(
        Check.household_id == household.id, Check.kind == "dbs")))
    assert {"Alex Jordan Smith", "Sam Smith"} <= subjects

    # Alex's progress page says the application is in; when the caseworker starts Stage 1
    # it says so. (test_portal_browser.py covers the same change for a case made directly.)
    alex.page.get_by_role("link", name="Progress").click()
    alex.at("Your progress")
    expect(alex.page.get_by_role("heading", name="We have your application")).to_be_visible()
    page.goto(case_url)
    page.get_by_role("button", name="Start Stage 1 checks", exact=True).click()
    page.get_by_label("I have checked these details are correct").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Start Stage 1 checks")
    alex.page.reload()
    alex.at("Your progress")
    expect(alex.page.get_by_role("heading", name="Checks and references (Stage 1)")
           ).to_be_visible()
    expect(alex.page.get_by_role("heading", name="We have your application")).to_have_count(0)
    alex.page.context.close()
    sam.page.context.close()


# --- another adult of the household ---

def test_a_household_adult_gives_their_details_and_consents_through_their_invitation(
        page, browser, live_server, axe, console_errors):
    worker = make_staff("assessing_social_worker", name="Wendy Worker")
    household = make_household("mainstream", "initial_visit", workers=[worker],
                               name="Priya Shah", initial_visit_on=today() - timedelta(days=3))
    household.members[0].name = "Priya Shah"
    make_applicant(household, name="Priya Shah", email="priya@example.com")
    dev_born = years_before(today(), 19)
    make_member(household, "Dev Shah", "son", date_of_birth=dev_born)

    # The caseworker invites Dev (a typo in the address first) from the case page.
    staff = Person(page, axe)
    sign_in(page, worker)
    page.goto(f"/staff/cases/{household.reference}")
    staff.at("Priya Shah")
    page.get_by_role("link", name="Invite the household to apply").click()
    staff.at("Applicants' accounts")
    page.get_by_role("link", name="Invite Dev Shah").click()
    staff.at("Invite Dev Shah")
    expect(page.get_by_text("As an adult in the household, Dev Shah will give their own "
                            "details and consent to the checks")).to_be_visible()
    page.get_by_label("Email address").fill("dev at example.com")
    staff.press("Send the invitation")
    staff.error("Enter an email address in the correct format")
    page.get_by_label("Email address").fill("dev@example.com")
    staff.press("Send the invitation")
    expect(page.get_by_text("Invitation sent to Dev Shah")).to_be_visible()

    # Dev signs in with his own code: his own two tasks, and nothing to declare.
    dev = Person(open_page(browser, live_server, console_errors), axe, "Dev Shah")
    sign_in_with_code(dev.page, "dev@example.com", axe)
    dev.at(APPLY)
    expect(dev.page.get_by_text("You live with people who are applying")).to_be_visible()
    expect(dev.page.locator(".govuk-task-list__item")).to_have_count(2)
    expect(dev.status("Consent to checks – Dev Shah")).to_have_text("Cannot start yet")
    expect(dev.page.get_by_role("heading", name="Send your application")).to_have_count(0)
    about_you_first_pages(dev, "Dev Shah", dev_born)
    about_you_rest(dev, "Male", "dev@example.com")

    # Consents: sent with none ticked, completing says which are missing.
    dev.open_task("Consent to checks – Dev Shah")
    dev.at("Do you consent to these checks?")
    boxes = dev.page.get_by_role("checkbox")
    expect(boxes).to_have_count(2)  # an adult's: the DBS and local authority checks
    dev.press()
    dev.at("Check your answers")
    dev.page.get_by_label("Yes, I've completed this section").check()
    dev.press()
    dev.error("We cannot assess you without your consent to every check. Confirm an enhanced "
              "DBS check, with the children's barred list; checks with the local authorities")
    dev.page.get_by_role("link", name=re.compile("^Change")).first.click()
    dev.at("Do you consent to these checks?")
    for box in boxes.all():
        box.check()
    dev.press()
    dev.complete("Consent to checks – Dev Shah")
    expect(dev.status("About you – Dev Shah")).to_have_text("Completed")

    db.session.expire_all()
    account = db.session.scalar(select(Applicant).where(Applicant.email == "dev@example.com"))
    assert account.role == "adult" and account.member.name == "Dev Shah"

    # The case shows Dev's tasks done.
    page.goto(f"/staff/cases/{household.reference}")
    staff.at("Priya Shah")
    for task in ("About you", "Consent to checks"):
        expect(page.get_by_role("row").filter(has_text=task).filter(has_text="Dev Shah")
               ).to_contain_text("Completed")
    dev.page.context.close()
