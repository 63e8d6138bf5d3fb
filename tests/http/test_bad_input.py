"""Bad input, tried as a new user (or a script) would: every page of the enquiry journey
answers with a GOV.UK error, never a 500, and never echoes markup unescaped."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from carers.core.dates import today
from carers.enquiries.models import Enquiry, EnquiryDraft
from carers.extensions import db
from tests.helpers import assert_in_service_style, html_of
from tests.http.journey import (
    ABOUT_YOU,
    ADDRESS,
    CHILD_LIVING,
    CONSENT,
    CONTACT,
    FOSTERING,
    HEARD,
    HOME,
    PARTNER,
)

QUESTION_PAGES = ["about-you", "contact", "address", "household/person", "household", "home",
                  "fostering", "child", "child-details", "child-living", "heard", "consent"]

SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)


def title_of(html: str) -> str:
    return re.search(r"<title[^>]*>(.*?)</title>", html, re.S).group(1).strip()


def summary_links(html: str) -> list[tuple[str, str]]:
    """(anchor, message) for each link in the error summary."""
    match = SUMMARY.search(html)
    assert match, "no GOV.UK error summary on the page"
    links = re.findall(r'<a href="#([^"]*)"[^>]*>(.*?)</a>', match.group(0), re.S)
    return [(anchor, " ".join(text.split())) for anchor, text in links]


def summary_messages(html: str) -> list[str]:
    return [message for _, message in summary_links(html)]


def element_ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def assert_error_page(response):
    assert response.status_code == 200
    html = html_of(response)
    assert "There is a problem" in html
    assert title_of(html).startswith("Error: ")
    links = summary_links(html)
    assert links, "the error summary lists no errors"
    ids = element_ids(html)
    for anchor, _ in links:
        assert anchor in ids, f"error summary links to #{anchor}, which is not on the page"
    return html


def answer_everything(forms, about=None, address=None, person=None, home=None,
                      child=None, heard=None):
    """A kinship journey (so every page is answered), with some answers replaced."""
    steps = [
        ("/enquiry/about-you", {**ABOUT_YOU, **(about or {})}),
        ("/enquiry/contact", CONTACT),
        ("/enquiry/address", {**ADDRESS, **(address or {})}),
        ("/enquiry/household/person", {**PARTNER, **(person or {})}),
        ("/enquiry/household", {"add_person": "no"}),
        ("/enquiry/home", {**HOME, **(home or {})}),
        ("/enquiry/fostering", FOSTERING),
        ("/enquiry/child", {"knows_child": "yes"}),
        ("/enquiry/child-details", {"child_name": "Mia", "child_relationship": "grandparent",
                                    **(child or {})}),
        ("/enquiry/child-living", CHILD_LIVING),
        ("/enquiry/heard", {**HEARD, **(heard or {})}),
        ("/enquiry/consent", CONSENT),
    ]
    for url, data in steps:
        response = forms.submit(url, data)
        assert response.status_code == 302, (url, summary_messages(html_of(response)))


def submit_and_open_in_inbox(client, forms, signed_in) -> tuple[Enquiry, str]:
    assert forms.submit("/enquiry/check-answers", {}).status_code == 302
    enquiry = db.session.scalar(select(Enquiry))
    signed_in()
    detail = client.get(f"/staff/enquiries/{enquiry.reference}")
    assert detail.status_code == 200
    return enquiry, html_of(detail)


# --- empty pages ---

@pytest.mark.parametrize("slug", QUESTION_PAGES)
def test_an_empty_page_gives_an_error_summary_linked_to_its_fields(forms, slug):
    html = assert_error_page(forms.submit(f"/enquiry/{slug}", {}))
    assert "csrf" not in " ".join(summary_messages(html)).lower()


def test_the_date_error_links_to_the_day_input(forms):
    html = assert_error_page(forms.submit("/enquiry/about-you", {}))
    assert ("date_of_birth-day", "Enter your date of birth") in summary_links(html)


def test_check_answers_with_nothing_answered_goes_to_the_first_question(client, forms):
    response = forms.submit("/enquiry/check-answers", {}, from_page="/enquiry/about-you")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enquiry/about-you")
    assert db.session.scalar(select(Enquiry)) is None


def test_check_answers_with_pages_missing_goes_to_the_first_missing_page(client, forms):
    forms.submit("/enquiry/about-you", ABOUT_YOU)
    forms.submit("/enquiry/contact", CONTACT)
    response = forms.submit("/enquiry/check-answers", {}, from_page="/enquiry/about-you")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enquiry/address")
    assert db.session.scalar(select(Enquiry)) is None


# --- 10,000 characters ---

TEXT_FIELDS = [
    ("about-you", "first_name", "First name must be 100 characters or fewer"),
    ("about-you", "last_name", "Last name must be 100 characters or fewer"),
    ("about-you", "other_names", "Other names must be 200 characters or fewer"),
    ("contact", "email", "Email address must be 254 characters or fewer"),
    ("contact", "phone", "Telephone number must be 30 characters or fewer"),
    ("address", "address_line_1", "Address line 1 must be 200 characters or fewer"),
    ("address", "address_line_2", "Address line 2 must be 200 characters or fewer"),
    ("address", "town", "Town or city must be 100 characters or fewer"),
    ("address", "county", "County must be 100 characters or fewer"),
    # A postcode has no length of its own to tell people about: it is simply not real.
    ("address", "postcode", "Enter a real postcode, like SW1A 1AA"),
    ("household/person", "name", "Their full name must be 200 characters or fewer"),
    ("household/person", "age", "Age must be a whole number of years, like 7"),
    ("home", "bedrooms", "Number of bedrooms must be a whole number, like 3"),
    ("home", "spare_bedrooms", "Spare bedrooms must be a whole number, like 1"),
    ("home", "pets_details", "Details of your pets must be 1000 characters or fewer"),
    ("child-details", "child_name", "The child's full name must be 200 characters or fewer"),
    ("child-details", "child_details", "The child's situation must be 2000 characters or fewer"),
    ("heard", "heard_about_other", "Where you heard about us must be 200 characters or fewer"),
]


@pytest.mark.parametrize(("slug", "field", "message"), TEXT_FIELDS)
@pytest.mark.parametrize("char", ["a", "🙂"])
def test_10000_characters_in_a_text_field_get_a_clear_error(forms, slug, field, message,
                                                             char):
    html = assert_error_page(forms.submit(f"/enquiry/{slug}", {field: char * 10_000}))
    assert (field, str(escape(message))) in summary_links(html)


def test_text_at_the_limit_is_accepted(forms):
    response = forms.submit("/enquiry/about-you", {**ABOUT_YOU, "first_name": "é" * 100,
                                                   "other_names": "🙂" * 200})
    assert response.status_code == 302
    answers = db.session.scalar(select(EnquiryDraft)).answers["about-you"]
    assert answers["first_name"] == "é" * 100 and answers["other_names"] == "🙂" * 200


REQUIRED_TEXT = [
    ("about-you", ABOUT_YOU, "first_name", "Enter your first name"),
    ("about-you", ABOUT_YOU, "last_name", "Enter your last name"),
    ("contact", CONTACT, "email", "Enter your email address"),
    ("contact", CONTACT, "phone", "Enter a telephone number"),
    ("address", ADDRESS, "address_line_1",
     "Enter address line 1, typically the building and street"),
    ("address", ADDRESS, "town", "Enter town or city"),
    ("address", ADDRESS, "postcode", "Enter postcode"),
    ("household/person", PARTNER, "name", "Enter their full name"),
    ("child-details", {"child_name": "Mia", "child_relationship": "grandparent"}, "child_name",
     "Enter the child&#39;s full name"),
]


@pytest.mark.parametrize(("slug", "valid", "field", "message"), REQUIRED_TEXT)
@pytest.mark.parametrize("blank", ["   ", "\t \u00a0", "\x00\x01"])
def test_an_answer_of_only_spaces_is_no_answer(forms, slug, valid, field, message, blank):
    html = assert_error_page(forms.submit(f"/enquiry/{slug}", {**valid, field: blank}))
    assert summary_links(html) == [(field, message)]
    assert db.session.scalar(select(EnquiryDraft)).answers.get(slug.split("/")[0]) is None


# --- names from everywhere ---

NAMES = ["Zoë O'Neill-Łukasz 🙂", "مريم", "Nguyễn Thị Minh Khai", "Siobhán Ó Súilleabháin",
         "李小龍", "D'Arcy-Smyth Jr.", "אברהם"]


@pytest.mark.parametrize("name", NAMES)
def test_names_are_accepted_stored_exactly_and_shown_escaped(client, forms, signed_in, name):
    answer_everything(forms, about={"first_name": name, "last_name": name},
                      person={"name": name}, child={"child_name": name})
    shown = str(escape(name))
    check = html_of(client.get("/enquiry/check-answers"))
    assert f"{shown} {shown}" in check
    assert check.count(shown) >= 4  # the enquirer's two names, the partner and the child
    assert shown in html_of(client.get("/enquiry/household"))

    enquiry, detail = submit_and_open_in_inbox(client, forms, signed_in)
    assert enquiry.first_name == name and enquiry.last_name == name
    assert enquiry.people[0].name == name and enquiry.child_name == name
    assert f"{shown} {shown}" in detail
    assert detail.count(shown) >= 4
    assert shown in html_of(client.get("/staff/enquiries/"))


# --- markup never comes back unescaped ---

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
DANGER = ["<script>alert", "<img src=x", "onerror=alert(1)>"]


def assert_not_echoed_raw(html: str, payload: str):
    for fragment in DANGER:
        assert fragment not in html
    assert payload not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_free_text_answer_is_escaped_on_check_answers_and_in_the_inbox(
        client, forms, signed_in, payload):
    answer_everything(
        forms,
        about={"first_name": payload, "last_name": payload, "other_names": payload},
        address={"address_line_1": payload, "address_line_2": payload, "town": payload,
                 "county": payload},
        person={"name": payload},
        home={"pets_details": payload},
        child={"child_name": payload, "child_details": payload},
        heard={"heard_about": "other", "heard_about_other": payload},
    )
    shown = str(escape(payload))
    for url in ("/enquiry/check-answers", "/enquiry/household", "/enquiry/about-you",
                "/enquiry/address", "/enquiry/child-details", "/enquiry/home"):
        html = html_of(client.get(url))
        assert_not_echoed_raw(html, payload)
        assert shown in html, url
    enquiry, detail = submit_and_open_in_inbox(client, forms, signed_in)
    assert enquiry.first_name == payload and enquiry.heard_about_other == payload
    assert_not_echoed_raw(detail, payload)
    assert detail.count(shown) >= 11
    index = html_of(client.get("/staff/enquiries/"))
    assert_not_echoed_raw(index, payload)
    assert shown in index


# Every text field of each page, and something else wrong so the page comes back with errors.
TEXT_FIELDS_BY_PAGE = {
    "about-you": ["first_name", "last_name", "other_names"],
    "contact": ["email", "phone"],
    "address": ["address_line_1", "address_line_2", "town", "county", "postcode"],
    "household/person": ["name", "age"],
    "home": ["bedrooms", "spare_bedrooms", "pets_details"],
    "child-details": ["child_name", "child_details"],
    "heard": ["heard_about_other"],
}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("slug", list(TEXT_FIELDS_BY_PAGE))
def test_markup_is_escaped_on_the_page_after_an_error_and_after_a_refresh(
        client, forms, slug, payload):
    data = {field: payload for field in TEXT_FIELDS_BY_PAGE[slug]}
    html = assert_error_page(forms.submit(f"/enquiry/{slug}", data))
    assert_not_echoed_raw(html, payload)
    assert str(escape(payload)) in html
    again = html_of(client.get(f"/enquiry/{slug}"))
    assert_not_echoed_raw(again, payload)
    assert str(escape(payload)) in again


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_an_unknown_choice_is_not_echoed(forms, payload):
    for slug, data in [("contact", {"preferred_contact": payload}),
                       ("fostering", {"fostering_types": [payload, "emergency"]}),
                       ("household", {"add_person": payload})]:
        html = assert_error_page(forms.submit(f"/enquiry/{slug}", data))
        assert_not_echoed_raw(html, payload)


# --- dates ---

def years_ago(years: int, days: int = 0) -> date:
    """The day someone born then turns ``years`` today, moved on by ``days``."""
    now = today()
    try:
        born = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        born = now.replace(year=now.year - years, day=28)
    return born + timedelta(days=days)


def parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


NEXT_YEAR = date(today().year + 1, 1, 15)

DATES = [
    (["31", "2", "1990"], "day", "Date of birth must be a real date"),
    (["29", "2", "1990"], "day", "Date of birth must be a real date"),
    (["1", "13", "1990"], "month", "Date of birth must be a real date"),
    (["0", "1", "1990"], "day", "Date of birth must be a real date"),
    (["", "2", "1990"], "day", "Date of birth must include a day"),
    (["14", "", "1990"], "month", "Date of birth must include a month"),
    (["14", "2", ""], "year", "Date of birth must include a year"),
    (["", "", "1990"], "day", "Date of birth must include a day and month"),
    (["14", "", ""], "month", "Date of birth must include a month and year"),
    (["a", "2", "1990"], "day", "Date of birth must be a real date, in numbers"),
    (["14", "Feb", "1990"], "month", "Date of birth must be a real date, in numbers"),
    (["14", "2", "19x0"], "year", "Date of birth must be a real date, in numbers"),
    (["1.5", "2", "1990"], "day", "Date of birth must be a real date, in numbers"),
    (["-1", "2", "1990"], "day", "Date of birth must be a real date, in numbers"),
    (["²", "2", "1990"], "day", "Date of birth must be a real date, in numbers"),
    (["١٤", "٢", "١٩٩٠"], "day", "Date of birth must be a real date, in numbers"),
    (["14", "2", "90"], "year", "Year must include 4 numbers"),
    (["14", "2", "01990"], "year", "Year must include 4 numbers"),
    (["14", "2", "9" * 5000], "year", "Year must include 4 numbers"),
    (["9" * 20, "2", "1990"], "day", "Date of birth must be a real date"),
    (["14", "9" * 20, "1990"], "month", "Date of birth must be a real date"),
    (["100", "2", "1990"], "day", "Date of birth must be a real date"),
    (parts(NEXT_YEAR), "day", "Date of birth must be in the past"),
    (parts(today()), "day", "Date of birth must be in the past"),
    (["31", "12", "1899"], "day", "Date of birth must be after 1900"),
    (["1", "1", "1000"], "day", "Date of birth must be after 1900"),
    (parts(years_ago(17)), "day", "You must be 18 or over to foster"),
    (parts(years_ago(18, days=1)), "day", "You must be 18 or over to foster"),
]


@pytest.mark.parametrize(("typed", "part", "message"), DATES)
def test_a_wrong_date_of_birth_gets_its_own_error(forms, typed, part, message):
    html = assert_error_page(forms.submit("/enquiry/about-you",
                                          {**ABOUT_YOU, "date_of_birth": typed}))
    assert summary_links(html) == [(f"date_of_birth-{part}", message)]


def test_someone_who_turned_18_today_can_enquire(forms):
    now = today()
    if (now.month, now.day) == (2, 29):
        pytest.skip("no 29 February 18 years ago")
    born = date(now.year - 18, now.month, now.day)
    response = forms.submit("/enquiry/about-you", {**ABOUT_YOU, "date_of_birth": parts(born)})
    assert response.status_code == 302


def test_leading_zeros_and_spaces_in_a_date_are_fine(forms):
    response = forms.submit("/enquiry/about-you",
                            {**ABOUT_YOU, "date_of_birth": [" 04 ", "007", " 1984"]})
    assert response.status_code == 302
    answers = db.session.scalar(select(EnquiryDraft)).answers["about-you"]
    assert answers["date_of_birth"] == "1984-07-04"


@pytest.mark.parametrize(("date_parts", "message"), [
    (None, "Enter your date of birth"),
    ([], "Enter your date of birth"),
    (["14"], "Date of birth must include a month and year"),
    (["14", "2"], "Date of birth must include a year"),
    (["14", "2", "1984", "1", "1"], "Date of birth must be a real date"),
    (["", "", "", "", ""], "Date of birth must be a real date"),
])
def test_a_tampered_date_field_gets_a_field_error(forms, date_parts, message):
    data = {k: v for k, v in ABOUT_YOU.items() if k != "date_of_birth"}
    if date_parts is not None:
        data["date_of_birth"] = date_parts
    html = assert_error_page(forms.submit("/enquiry/about-you", data))
    assert summary_messages(html) == [message]


# --- postcodes ---

@pytest.mark.parametrize(("typed", "stored"), [
    ("sw1a1aa", "SW1A 1AA"),
    ("  sw1a   1aa ", "SW1A 1AA"),
    ("SW1A 1AA", "SW1A 1AA"),
    ("m11ae", "M1 1AE"),
    ("b338th", "B33 8TH"),
    ("cr26xh", "CR2 6XH"),
    ("dn551pt", "DN55 1PT"),
    ("ec1a1bb", "EC1A 1BB"),
    ("gir0aa", "GIR 0AA"),
])
def test_a_postcode_is_accepted_in_any_case_and_spacing_and_stored_in_capitals(
        forms, typed, stored):
    response = forms.submit("/enquiry/address", {**ADDRESS, "postcode": typed})
    assert response.status_code == 302
    assert db.session.scalar(select(EnquiryDraft)).answers["address"]["postcode"] == stored


@pytest.mark.parametrize("typed", ["12345", "SW1A", "SW1A 1AAA", "not a postcode", "QQ1 1AA",
                                   "SW1A-1AA", "SW1A 1AÅ", "<b>SW1A 1AA</b>"])
def test_a_bad_postcode_is_refused(forms, typed):
    html = assert_error_page(forms.submit("/enquiry/address", {**ADDRESS, "postcode": typed}))
    assert summary_links(html) == [("postcode", "Enter a real postcode, like SW1A 1AA")]


# --- choices that are not on the page ---

UNKNOWN_CHOICES = [
    ("contact", {**CONTACT, "preferred_contact": "fax"}, "preferred_contact",
     "Select how you would like us to contact you"),
    ("household/person", {**PARTNER, "relationship": "boss"}, "relationship",
     "Select how they are related to you"),
    ("household/person", {**PARTNER, "applying": "maybe"}, "applying",
     "Select yes if they will apply to foster with you"),
    ("household", {"add_person": "maybe"}, "add_person",
     "Select yes if anyone else lives with you"),
    ("home", {**HOME, "property_type": "castle"}, "property_type",
     "Select the type of home you live in"),
    ("home", {**HOME, "tenure": "squat"}, "tenure", "Select whether you own or rent your home"),
    ("home", {**HOME, "has_pets": "YES"}, "has_pets", "Select yes if you have any pets"),
    ("fostering", {"fostering_types": ["astronaut"]}, "fostering_types",
     "Select the kinds of fostering that interest you, or &#39;I&#39;m not sure yet&#39;"),
    ("fostering", {"fostering_types": ["emergency", ""]}, "fostering_types",
     "Select the kinds of fostering that interest you, or &#39;I&#39;m not sure yet&#39;"),
    ("child", {"knows_child": "perhaps"}, "knows_child",
     "Select yes if you already care for, or know, a child who needs a home"),
    ("child-details", {"child_name": "Mia", "child_relationship": "x"}, "child_relationship",
     "Select how you know the child"),
    ("heard", {"heard_about": "carrier pigeon"}, "heard_about",
     "Select how you heard about fostering with us"),
]


@pytest.mark.parametrize(("slug", "data", "field", "message"), UNKNOWN_CHOICES)
def test_a_value_that_is_not_one_of_the_choices_gets_an_error(forms, slug, data, field,
                                                              message):
    html = assert_error_page(forms.submit(f"/enquiry/{slug}", data))
    assert (field, message) in summary_links(html)
    assert "Not a valid choice" not in html and "not a valid choice" not in html


def test_two_values_for_one_radio_question_count_as_the_first(forms):
    # A browser sends one value; a tampered form with both is read as its first answer.
    response = forms.submit("/enquiry/child", {"knows_child": ["yes", "no"]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enquiry/child-details")


# --- unknown pages ---

@pytest.mark.parametrize("url", ["/enquiry/nope", "/enquiry/household/person/7",
                                 "/enquiry/household/person/99999999999999999999",
                                 "/enquiry/%3Cscript%3E"])
def test_an_unknown_page_is_a_404_in_the_service_style(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = html_of(response)
    assert "Page not found" in html
    assert_in_service_style(html)
    assert "&lt;script" not in html and "%3Cscript" not in html


def test_posting_to_an_unknown_page_is_a_404(forms):
    response = forms.submit("/enquiry/nope", {"first_name": "x"},
                            from_page="/enquiry/about-you")
    assert response.status_code == 404
    assert "Page not found" in html_of(response)


# --- generated text ---

GENERATED = st.one_of(
    st.text(),  # surrogates are never generated: they cannot reach us as UTF-8 form data
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"])),
    st.text(min_size=1, max_size=8).map(lambda s: s * 2000),
    st.sampled_from(PAYLOADS + ["<SCRIPT>", "<scr<script>ipt>", "\x00<script>",
                                "</textarea><script>", "{{ 7*7 }}", "%s%n", "\u202e",
                                "'; DROP TABLE x;--"]),
)


def script_tags(html: str) -> int:
    return html.lower().count("<script")


@pytest.mark.parametrize("slug", ["about-you", "address"])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_text_never_breaks_a_page_or_comes_back_unescaped(client, forms, slug,
                                                                    data):
    fields = TEXT_FIELDS_BY_PAGE[slug]
    valid = {"about-you": ABOUT_YOU, "address": ADDRESS}[slug]
    values = {field: data.draw(GENERATED, label=field) for field in fields}
    baseline = html_of(client.get(f"/enquiry/{slug}"))
    response = forms.submit(f"/enquiry/{slug}", {**valid, **values})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        response = client.get(f"/enquiry/{slug}")  # shown again from what was saved
        assert response.status_code == 200
    html = html_of(response)
    assert script_tags(html) == script_tags(baseline)
    assert html.lower().count("<img") == baseline.lower().count("<img")
