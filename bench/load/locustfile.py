"""The load test's visitors, for locust (``make load`` runs it through ``python -m bench.load``,
which seeds the database, starts gunicorn and writes the plan this file reads).

- members of the public sending an enquiry (each page's form, then its answers);
- applicants reading their progress and their application, signed in with a session the
  bench started for them (as the emailed code would);
- caseworkers on the pipeline board and case pages, signed in with their password;
- a caseworker downloading an assessment report PDF already in the store.

The plan (JSON, path in BENCH_LOAD_PLAN): staff accounts, case references, the report's
address and the applicants' session cookies.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115, PTH123
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"')
_APPLICANTS = itertools.cycle(PLAN["applicant_cookies"])

JOURNEY = (
    ("/enquiry/about-you", {"first_name": "Siân", "last_name": "O'Brien", "other_names": "",
                            "date_of_birth": ["14", "2", "1984"]}),
    ("/enquiry/contact", {"email": "sian.obrien@example.com", "phone": "07700 900 982",
                          "preferred_contact": "phone"}),
    ("/enquiry/address", {"address_line_1": "12 Chapel Street", "address_line_2": "",
                          "town": "Northmoor", "county": "", "postcode": "nm1 2ab"}),
    ("/enquiry/household/person", {"name": "Dafydd O'Brien", "relationship": "partner",
                                   "age": "44", "applying": "yes"}),
    ("/enquiry/household", {"add_person": "no"}),
    ("/enquiry/home", {"property_type": "house", "tenure": "owned", "bedrooms": "4",
                       "spare_bedrooms": "2", "has_pets": "yes", "pets_details": "A dog"}),
    ("/enquiry/child", {"knows_child": "no"}),
    ("/enquiry/fostering", {"fostering_types": ["short_term", "long_term"]}),
    ("/enquiry/heard", {"heard_about": "friend_family", "heard_about_other": ""}),
    ("/enquiry/consent", {"privacy_consent": "y"}),
)


def get(user: HttpUser, url: str, name: str) -> None:
    """GET ``url``: anything but the page itself (a redirect to sign in, say) is an error."""
    with user.client.get(url, name=name, allow_redirects=False,
                         catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{url} gave {response.status_code} {response.error or ''}")


def token_of(response) -> str:
    match = _CSRF.search(response.text)
    if not match:
        response.failure("no CSRF token on the page")
        return ""
    return match.group(1) or match.group(2)


class Visitor(HttpUser):
    """A member of the public sending an enquiry."""

    weight = 3
    wait_time = between(1, 3)

    @task
    def enquire(self):
        self.client.cookies.clear()
        for url, data in JOURNEY:
            with self.client.get(url, name="enquiry: a page (GET)",
                                 catch_response=True) as page:
                token = token_of(page)
            self.post(url, {"csrf_token": token, **data}, "enquiry: a page (POST)")
        with self.client.get("/enquiry/check-answers", name="enquiry: check answers (GET)",
                             catch_response=True) as page:
            token = token_of(page)
        self.post("/enquiry/check-answers", {"csrf_token": token}, "enquiry: send (POST)")

    def post(self, url: str, data: dict, name: str) -> None:
        with self.client.post(url, data=data, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{url} gave {response.status_code}")


class Applicant(HttpUser):
    """An applicant signed in to their portal."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        cookie = next(_APPLICANTS)
        self.client.cookies.set(cookie["name"], cookie["value"])

    @task(2)
    def progress(self):
        get(self, "/apply/progress", "applicant: progress")

    @task(2)
    def application(self):
        get(self, "/apply/application", "applicant: task list")


def sign_in(user: HttpUser, email: str, password: str) -> None:
    with user.client.get("/staff/sign-in", name="staff: sign-in (GET)",
                         catch_response=True) as page:
        token = token_of(page)
    with user.client.post("/staff/sign-in", name="staff: sign-in (POST)",
                          data={"csrf_token": token, "email": email, "password": password},
                          allow_redirects=False, catch_response=True) as response:
        if response.status_code != 302:
            response.failure(f"sign-in gave {response.status_code}")


class Caseworker(HttpUser):
    """An assessing social worker on the board and their team's cases."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        sign_in(self, PLAN["worker_email"], PLAN["password"])

    @task(2)
    def board(self):
        get(self, "/staff/pipeline", "staff: pipeline board")

    @task(4)
    def case(self):
        reference = random.choice(PLAN["references"])  # noqa: S311 (not for security)
        get(self, f"/staff/cases/{reference}", "staff: case page")


class ReportReader(HttpUser):
    """A caseworker downloading an assessment report the store already holds."""

    weight = 1
    # Below gunicorn's 5 s keep-alive, as for every visitor here: a request sent just as the
    # server closes an idle connection fails, and the test would count the race, not the app.
    wait_time = between(1, 3)

    def on_start(self):
        sign_in(self, PLAN["report_email"], PLAN["report_password"])

    @task
    def report(self):
        get(self, PLAN["report_url"], "staff: report PDF (stored)")
