"""Bots and scripts: the honeypot field and the rate limits on the public journey."""

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from carers.enquiries.models import Enquiry, EnquiryDraft
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from tests.helpers import assert_in_service_style, csrf_token
from tests.http.journey import (
    ABOUT_YOU,
    ADDRESS,
    CONSENT,
    CONTACT,
    FOSTERING,
    HEARD,
    HOME,
    NO_CHILD,
    PARTNER,
    complete_journey,
)

# Each page with answers a bot would fill in (valid ones: the trap must work regardless).
PAGES = [
    ("about-you", ABOUT_YOU),
    ("contact", CONTACT),
    ("address", ADDRESS),
    ("household/person", PARTNER),
    ("household", {"add_person": "no"}),
    ("home", HOME),
    ("fostering", FOSTERING),
    ("child", NO_CHILD),
    ("child-details", {"child_name": "Mia", "child_relationship": "grandparent"}),
    ("heard", HEARD),
    ("consent", CONSENT),
]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def assert_looks_like_success(client, response):
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enquiry/confirmation")
    page = client.get("/enquiry/confirmation")
    assert page.status_code == 200
    assert "ENQ-" in page.get_data(as_text=True)
    assert count(Enquiry) == 0
    assert count(OutboxMessage) == 0
    assert count(EnquiryDraft) == 0
    # Nothing typed before is shown again: the draft has gone from the session too.
    assert 'value="Siân"' not in client.get("/enquiry/about-you").get_data(as_text=True)


# --- honeypot ---

@pytest.mark.parametrize(("slug", "data"), PAGES, ids=[slug for slug, _ in PAGES])
@pytest.mark.parametrize("valid", [True, False], ids=["valid", "empty"])
def test_a_filled_honeypot_looks_like_success_and_keeps_nothing(client, forms, slug, data,
                                                                valid):
    forms.submit("/enquiry/about-you", ABOUT_YOU)
    forms.submit("/enquiry/contact", CONTACT)
    assert count(EnquiryDraft) == 1
    response = forms.submit(f"/enquiry/{slug}",
                            {**(data if valid else {}), "website": "https://spam.example"})
    assert_looks_like_success(client, response)


def test_a_filled_honeypot_on_the_first_page_of_a_new_visit_keeps_nothing(client, forms):
    response = forms.submit("/enquiry/about-you", {**ABOUT_YOU, "website": "spam"})
    assert_looks_like_success(client, response)


def test_a_filled_honeypot_when_changing_a_person_keeps_nothing(client, forms):
    forms.submit("/enquiry/household/person", PARTNER)
    response = forms.submit("/enquiry/household/person/0", {**PARTNER, "website": "x"})
    assert_looks_like_success(client, response)


def test_a_filled_honeypot_on_check_answers_sends_nothing(client, forms):
    complete_journey(forms)
    response = forms.submit("/enquiry/check-answers", {"website": "http://spam.example"})
    assert_looks_like_success(client, response)


@pytest.mark.parametrize("answered", [0, 3])
def test_a_filled_honeypot_on_check_answers_before_the_end_sends_nothing(client, forms,
                                                                         answered):
    for url, data in [("/enquiry/about-you", ABOUT_YOU), ("/enquiry/contact", CONTACT),
                      ("/enquiry/address", ADDRESS)][:answered]:
        forms.submit(url, data)
    response = forms.submit("/enquiry/check-answers", {"website": "spam"},
                            from_page="/enquiry/about-you")
    assert_looks_like_success(client, response)


def test_a_blank_honeypot_is_not_a_bot(client, forms):
    complete_journey(forms)
    response = forms.submit("/enquiry/check-answers", {"website": "   "})
    assert response.headers["Location"].endswith("/enquiry/confirmation")
    assert count(Enquiry) == 1 and count(OutboxMessage) == 2


def test_the_honeypot_is_on_every_page_and_hidden_from_people(client, forms):
    complete_journey(forms, kinship=True)
    for slug, _ in PAGES:
        html = client.get(f"/enquiry/{slug}").get_data(as_text=True)
        assert 'name="website"' in html, slug
        assert 'aria-hidden="true"' in html and 'tabindex="-1"' in html
    assert 'name="website"' in client.get("/enquiry/check-answers").get_data(as_text=True)


# --- rate limits ---

def post_page(client, url, data, remote_addr="127.0.0.1"):
    """GET (never limited) then POST, from one address."""
    environ = {"REMOTE_ADDR": remote_addr}
    page = client.get(url, environ_base=environ)
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, environ_base=environ)


def assert_too_many(response):
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Sorry, you have sent too many requests" in html
    assert "Your answers so far have been saved" in html
    assert "Too many attempts" in html  # the page title
    assert_in_service_style(html)


class TestPageRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "ENQUIRY_PAGE_RATE_LIMIT": "3 per hour"}

    def test_the_fourth_post_in_an_hour_gets_a_429_and_earlier_answers_are_kept(
            self, client):
        for url, data in [("/enquiry/about-you", ABOUT_YOU), ("/enquiry/contact", CONTACT),
                          ("/enquiry/address", ADDRESS)]:
            assert post_page(client, url, data).status_code == 302
        assert_too_many(post_page(client, "/enquiry/household", {"add_person": "no"}))
        answers = db.session.scalar(select(EnquiryDraft)).answers
        assert set(answers) == {"about-you", "contact", "address"}
        # Their answers are still there to see.
        page = client.get("/enquiry/about-you").get_data(as_text=True)
        assert 'value="Siân"' in page

    def test_posts_with_errors_count_too(self, client):
        for _ in range(3):
            assert post_page(client, "/enquiry/about-you", {}).status_code == 200
        assert_too_many(post_page(client, "/enquiry/about-you", {}))

    def test_pages_can_still_be_read_when_the_limit_is_reached(self, client):
        for _ in range(4):
            post_page(client, "/enquiry/about-you", ABOUT_YOU)
        for _ in range(10):
            for url in ("/enquiry/about-you", "/enquiry/contact", "/"):
                assert client.get(url).status_code == 200

    def test_another_address_is_not_limited(self, client):
        for _ in range(4):
            post_page(client, "/enquiry/about-you", ABOUT_YOU)
        response = post_page(client, "/enquiry/contact", CONTACT, remote_addr="192.0.2.7")
        assert response.status_code == 302

    def test_the_limit_lifts_after_an_hour(self, client):
        start = datetime.now().astimezone()
        with time_machine.travel(start, tick=False):
            for _ in range(4):
                response = post_page(client, "/enquiry/about-you", ABOUT_YOU)
            assert response.status_code == 429
        with time_machine.travel(start + timedelta(minutes=61), tick=False):
            assert post_page(client, "/enquiry/contact", CONTACT).status_code == 302

    def test_people_in_the_household_are_limited_too(self, client):
        for _ in range(3):
            assert post_page(client, "/enquiry/household/person", PARTNER).status_code == 302
        assert_too_many(post_page(client, "/enquiry/household/person", PARTNER))


class TestSubmitRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "ENQUIRY_SUBMIT_RATE_LIMIT": "1 per hour"}

    def test_a_second_enquiry_from_the_same_address_within_the_hour_gets_a_429(
            self, client, forms):
        complete_journey(forms)
        assert forms.submit("/enquiry/check-answers", {}).status_code == 302
        complete_journey(forms)
        assert client.get("/enquiry/check-answers").status_code == 200  # reading is fine
        assert_too_many(forms.submit("/enquiry/check-answers", {}))
        assert count(Enquiry) == 1
        assert count(OutboxMessage) == 2
        assert count(EnquiryDraft) == 1  # the second enquiry's answers are kept


class TestSignInRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 3}

    def test_repeated_failed_sign_ins_from_one_address_are_limited(self, client, make_user):
        user = make_user()
        for _ in range(3):
            response = post_page(client, "/staff/sign-in",
                                 {"email": user.email, "password": "wrong password"})
            assert response.status_code == 200
        response = post_page(client, "/staff/sign-in",
                             {"email": user.email, "password": "correct horse battery"})
        assert response.status_code == 429
        assert "too many attempts from this network" in response.get_data(as_text=True)
