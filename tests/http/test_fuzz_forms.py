"""Generated input (hypothesis) posted to every public and staff form the app shows: never a
500, and markup in what was typed never comes back unescaped."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carers.enquiries.journey import PAGES
from tests.factories import make_member, make_staff
from tests.helpers import csrf_token, isolated_client, sign_in, sign_in_applicant
from tests.http.test_access_matrix import app_endpoints, url_for_rule, world  # noqa: F401

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
NASTY = [SCRIPT, IMG, "=HYPERLINK(\"http://evil.example\")", "'; DROP TABLE user; --",
         "\x00", "\u202e\u0000", "9" * 400, "-1", "31", "2", "2027", "yes", "no", "", " ",
         "ñandú 🦊", "a@b", "0", "99999999999999999999"]
# Posting these would end the session or change the account being tested, not a form bug.
SKIPPED = {"auth.sign_out", "auth.sign_out_everywhere", "auth.turn_off_second_factor",
           "auth.new_recovery_codes", "staff.deactivate", "staff.reset_second_factor",
           # Wrong current passwords lock the account and end its sessions: fuzzed on their
           # own below.
           "auth.change_password", "auth.set_up_second_factor"}
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=120))


class Forms(HTMLParser):
    """The POST forms on a page: their action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action"), "fields": set()}
            self.forms.append(self.current)
        elif tag in ("input", "select", "textarea") and self.current is not None:
            name = attrs.get("name")
            if name and name != "csrf_token" and attrs.get("type") != "file":
                self.current["fields"].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_on(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def assert_safe(response, where):
    assert response.status_code != 500, where
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert SCRIPT not in html, where
        assert "<img src=x onerror" not in html, where


def fuzz_page(client, url, max_examples):
    page = client.get(url)
    if page.status_code != 200 or page.mimetype != "text/html":
        return 0
    html = page.get_data(as_text=True)
    token = csrf_token(html) if "csrf_token" in html else ""
    fuzzed = 0
    for form in forms_on(html):
        action = form["action"] or url
        if any(action.endswith(suffix) for suffix in ("/sign-out", "/sign-out-everywhere",
                                                      "/turn-off", "/recovery-codes",
                                                      "/deactivate", "/reset-two-step")):
            continue
        fuzz_form(client, action, sorted(form["fields"]) or ["anything"], token, max_examples)
        fuzzed += 1
    return fuzzed


def fuzz_form(client, action, fields, token, max_examples):
    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({name: st.one_of(values, st.lists(values, max_size=3))
                                  for name in fields}))
    def post(data):
        response = client.post(action, data={"csrf_token": token, **data})
        assert_safe(response, f"{action} {data!r}")
        if response.status_code == 302:
            assert_safe(client.get(response.headers["Location"]), action)

    post()


def test_public_forms_survive_generated_input(app):
    client = isolated_client(app)
    urls = ["/staff/sign-in"] + [f"/enquiry/{p.slug}" for p in PAGES] + \
        ["/enquiry/household/person", "/enquiry/check-answers"]
    assert sum(fuzz_page(client, url, 12) for url in urls) >= 5


@pytest.mark.parametrize("role", ["administrator"])
def test_staff_forms_survive_generated_input(app, world, role):  # noqa: F811
    admin = make_staff(role, team=world.values["team"])
    # The administrator works the case, so every case form is open to them.
    from carers.cases.models import Household
    from carers.extensions import db

    household = db.session.scalar(db.select(Household).where(
        Household.reference == world.values["reference"]))
    household.workers.append(admin)
    db.session.commit()
    client = isolated_client(app)
    sign_in(client, admin)
    fuzzed = 0
    for endpoint in app_endpoints(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if endpoint in SKIPPED or "GET" not in rule.methods or endpoint.split(".")[0] not in {
                "cases", "checks", "inbox", "settings", "staff", "audit", "auth", "visits",
                "reports", "panel", "scheduler"}:
            continue
        url, _ = url_for_rule(app, endpoint, world)
        fuzzed += fuzz_page(client, url, 8)
    assert fuzzed >= 15, fuzzed


def test_forms_asking_for_the_current_password_survive_generated_input(app):
    app.config["SIGN_IN_MAX_FAILURES"] = 10_000  # fuzzing is not guessing
    client = isolated_client(app)
    sign_in(client, make_staff("administrator"))
    assert sum(fuzz_page(client, url, 12) for url in (
        "/staff/account/password", "/staff/account/two-step/set-up")) == 2


def test_the_referee_form_survives_generated_input(app, world):  # noqa: F811
    assert fuzz_page(isolated_client(app), f"/reference/{world.own_token}", 20) == 1


def test_the_applicants_own_forms_survive_generated_input(app, world):  # noqa: F811
    applicant = world.applicants["own"]
    make_member(applicant.household, "Lee Lodger", "lodger")  # someone who could move out
    client = isolated_client(app)
    sign_in_applicant(client, applicant)
    fuzzed = 0
    for endpoint in app_endpoints(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if endpoint.split(".")[0] == "portal" and "GET" in rule.methods:
            fuzzed += fuzz_page(client, url_for_rule(app, endpoint, world)[0], 10)
    assert fuzzed >= 6, fuzzed


def test_the_subject_access_forms_survive_generated_input(app, world):  # noqa: F811
    client = isolated_client(app)
    sign_in(client, make_staff("information_governance"))
    sar = world.values["sar_id"]
    base = "/staff/records/subject-access"
    urls = [f"{base}/search?name=own", f"{base}/{sar}/extend",
            f"{base}/{sar}/release?item=referee:{world.values['referee_id']}", f"{base}/{sar}"]
    assert sum(fuzz_page(client, url, 10) for url in urls) == 4
    # Searches made of generated input: never a 500, nothing typed shown unescaped.
    for name in NASTY:
        response = client.get(f"{base}/search", query_string={
            "name": name, "email": name, "born": [name, "2", "1980"]})
        assert_safe(response, name)
