"""The public enquiry journey in a real browser, the way a person uses it: labels, buttons,
links and the keyboard. Every page is checked with axe, and no page may log a console error
(so the GOV.UK scripts really ran under the CSP)."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carers.enquiries.models import Enquiry
from carers.extensions import db

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"ENQ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def continue_(page: Page):
    page.get_by_role("button", name="Continue").click()


def heading(page: Page, text: str):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def choose(page: Page, question: str, answer: str):
    """Tick the radio or checkbox labelled `answer` in the fieldset `question`."""
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def answer(page: Page, key: str):
    """The value shown against `key` on a summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key").get_by_text(key, exact=True))
    return row.locator(".govuk-summary-list__value")


def test_someone_registers_their_interest_from_start_to_finish(page, axe):
    page.goto("/")
    heading(page, "Register your interest in fostering")
    # The GOV.UK inline script ran: the CSP allows it by its hash.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    axe(page)
    page.get_by_role("button", name="Start now").click()

    # About you: a date that does not exist and no last name.
    heading(page, "About you")
    axe(page)
    page.get_by_label("First name").fill("Siân")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1990")
    continue_(page)

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: About you"))
    # GOV.UK Frontend moves focus to the summary: proof that its script ran under the CSP.
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Enter your last name", "Date of birth must be a real date"])
    assert [link.get_attribute("href") for link in links.all()] == ["#last_name",
                                                                    "#date_of_birth-day"]
    expect(page.get_by_label("First name")).to_have_value("Siân")
    expect(page.get_by_label("Day")).to_have_value("31")
    axe(page)
    # Each link takes you to the field that needs fixing.
    links.get_by_text("Enter your last name").click()
    expect(page.get_by_label("Last name")).to_be_focused()
    links.get_by_text("Date of birth must be a real date").click()
    expect(page.get_by_label("Day")).to_be_focused()

    page.get_by_label("Last name").fill("O'Brien")
    page.get_by_label("Day").fill("14")
    continue_(page)

    heading(page, "Your contact details")
    axe(page)
    page.get_by_label("Email address").fill("sian.obrien@example.com")
    page.get_by_label("Telephone number").fill("07700 900 982")
    choose(page, "How would you like us to contact you?", "Phone")
    continue_(page)

    heading(page, "Your address")
    axe(page)
    page.get_by_label("Address line 1").fill("12 Chapel Street")
    page.get_by_label("Town or city").fill("Northmoor")
    page.get_by_label("Postcode").fill("nm12ab")
    continue_(page)

    heading(page, "Who lives with you")
    axe(page)
    choose(page, "Does anyone else live with you?", "Yes")
    continue_(page)

    heading(page, "Someone who lives with you")
    axe(page)
    page.get_by_label("Their full name").fill("Dafydd O'Brien")
    choose(page, "How are they related to you?", "Partner, husband or wife")
    page.get_by_label("Their age in years").fill("44")
    choose(page, "Will they apply to foster with you?", "Yes")
    continue_(page)

    heading(page, "Who lives with you")
    expect(page.get_by_text("Partner, husband or wife, aged 44, applying with you")).to_be_visible()
    axe(page)
    choose(page, "Does anyone else live with you?", "No")
    continue_(page)

    heading(page, "Your home")
    axe(page)
    choose(page, "What type of home do you live in?", "House")
    choose(page, "Do you own or rent your home?", "I own it (with or without a mortgage)")
    page.get_by_label("How many bedrooms does your home have?").fill("4")
    page.get_by_label("How many of these bedrooms are spare?").fill("2")
    choose(page, "Do you have any pets?", "No")
    continue_(page)

    heading(page, "Do you already care for, or know, a child who needs a home?")
    axe(page)
    choose(page, "Do you already care for, or know, a child who needs a home?", "No")
    continue_(page)

    heading(page, "What kind of fostering interests you?")
    axe(page)
    choose(page, "What kind of fostering interests you?", "Short-term")
    choose(page, "What kind of fostering interests you?", "Long-term")
    continue_(page)

    heading(page, "How did you hear about fostering with us?")
    axe(page)
    choose(page, "How did you hear about fostering with us?", "Friend or family member")
    continue_(page)

    heading(page, "How we use your information")
    axe(page)
    page.get_by_label("I have read the privacy notice").check()
    continue_(page)

    heading(page, "Check your answers before sending your enquiry")
    axe(page)
    expect(answer(page, "Name")).to_have_text("Siân O'Brien")
    expect(answer(page, "Address")).to_contain_text("NM1 2AB")
    expect(answer(page, "Bedrooms")).to_have_text("4")

    # Change the number of bedrooms, and come straight back.
    page.get_by_role("link", name="Change bedrooms").click()
    heading(page, "Your home")
    bedrooms = page.get_by_label("How many bedrooms does your home have?")
    expect(bedrooms).to_have_value("4")
    bedrooms.fill("3")
    continue_(page)
    heading(page, "Check your answers before sending your enquiry")
    expect(answer(page, "Bedrooms")).to_have_text("3")

    page.get_by_role("button", name="Send enquiry").click()

    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading")).to_have_text("Enquiry sent")
    expect(panel.locator("strong")).to_have_text(REFERENCE)  # markup, not "<strong>" text
    expect(page.get_by_text("We will contact you within 1 working day")).to_be_visible()
    axe(page)

    reference = REFERENCE.search(panel.inner_text()).group()
    db.session.rollback()  # see what the server committed
    enquiry = db.session.scalar(select(Enquiry).where(Enquiry.reference == reference))
    assert enquiry is not None
    assert (enquiry.first_name, enquiry.last_name) == ("Siân", "O'Brien")
    assert enquiry.postcode == "NM1 2AB"
    assert enquiry.bedrooms == 3
    assert [(p.name, p.applying) for p in enquiry.people] == [("Dafydd O'Brien", True)]


# Each question page with nothing filled in, and the errors that come back first.
EMPTY_PAGE_ERRORS = [
    ("/enquiry/contact", "Enter your email address"),
    ("/enquiry/address", "Enter address line 1, typically the building and street"),
    ("/enquiry/household", "Select yes if anyone else lives with you"),
    ("/enquiry/household/person", "Enter their full name"),
    ("/enquiry/home", "Select the type of home you live in"),
    ("/enquiry/fostering", "Select the kinds of fostering that interest you, or 'I'm not sure "
                           "yet'"),
    ("/enquiry/child", "Select yes if you already care for, or know, a child who needs a home"),
    ("/enquiry/child-details", "Enter the child's full name"),
    ("/enquiry/child-living", "Select yes if the child is living with you now"),
    ("/enquiry/heard", "Select how you heard about fostering with us"),
    ("/enquiry/consent", "Confirm you have read the privacy notice to continue"),
]


@pytest.mark.parametrize("path,first_error", EMPTY_PAGE_ERRORS)
def test_every_error_summary_link_leads_to_its_field(page, axe, path, first_error):
    page.goto(path)
    continue_(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links.first).to_have_text(first_error)
    for link in links.all():
        target = link.get_attribute("href")
        field = page.locator(target)
        expect(field).to_have_count(1)
        link.click()
        expect(field).to_be_focused()
        # The field shows the same message beside it.
        expect(page.locator(".govuk-form-group--error").filter(has=field)).to_contain_text(
            link.inner_text())
    axe(page)


def test_the_keyboard_reaches_the_skip_link_first_and_never_the_honeypot(page):
    page.goto("/enquiry/about-you")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    continue_button = page.get_by_role("button", name="Continue")
    focused_names = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused_names.append(page.evaluate("document.activeElement.name || ''"))
        if continue_button.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tabbing never reached the Continue button")
    assert "first_name" in focused_names
    assert focused_names.index("first_name") < focused_names.index("last_name")
    assert "website" not in focused_names, "the honeypot took keyboard focus"


def test_the_content_security_policy_blocks_an_injected_inline_script(page, console_errors):
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }""")
    assert page.evaluate("window.injected") is None
    # The page fixture saw it too: anywhere else it would fail the test.
    assert any("Content Security Policy" in error for error in console_errors), console_errors
    console_errors.clear()


def test_the_honeypot_is_hidden_from_sight_and_from_screen_readers(page):
    page.goto("/enquiry/about-you")
    honeypot = page.locator("input[name=website]")
    expect(honeypot).to_have_attribute("tabindex", "-1")
    # Not in the accessibility tree: a screen reader never announces it.
    expect(page.get_by_role("textbox", name="Leave this field empty")).to_have_count(0)
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the honeypot is on screen"


@pytest.mark.parametrize("path,title", [
    ("/accessibility", "Accessibility statement for Foster with us"),
    ("/privacy", "Privacy notice: fostering enquiries and assessments"),
    ("/cookies", "Cookies"),
])
def test_information_pages_are_accessible(page, axe, path, title):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    axe(page)
    # And they are linked from the footer of every page.
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    expect(footer.locator(f"a[href='{path}']")).to_be_visible()


def test_a_missing_page_explains_itself_accessibly(page, axe, console_errors):
    response = page.goto("/enquiry/no-such-page")
    assert response.status == 404
    heading(page, "Page not found")
    expect(page.get_by_role("link", name="register your interest in fostering")).to_be_visible()
    axe(page)
    # Chromium logs the 404 status of the page itself; that is the only error allowed.
    assert all("404" in error for error in console_errors), console_errors
    console_errors.clear()
