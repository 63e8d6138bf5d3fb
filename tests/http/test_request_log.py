"""The per-request log line (JSON on the carers.requests logger) and X-Request-Id."""

import json
import logging
import re

import pytest

from tests.factories import make_applicant, make_household
from tests.helpers import sign_in_applicant

FIELDS = {"request_id", "user", "route", "method", "status", "duration_ms", "queries"}


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="carers.requests")

    def read():
        return [json.loads(r.getMessage()) for r in caplog.records
                if r.name == "carers.requests"]

    return read


def test_one_request_gives_one_line_with_the_rule_not_the_path(client, lines):
    response = client.get("/enquiry/sian-obrien-07700900982?email=sian%40example.com")
    assert response.status_code == 404
    [line] = lines()
    assert set(line) == FIELDS
    assert line["route"] == "/enquiry/<slug>"
    assert line["method"] == "GET"
    assert line["status"] == 404
    assert line["user"] == "public"
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    text = json.dumps(line)
    for personal in ("sian", "07700900982", "example.com"):
        assert personal not in text


def test_a_signed_in_member_of_staff_is_named_by_id_with_the_queries_counted(
        client, signed_in, lines):
    user = signed_in("recruitment_officer")
    before = len(lines())
    response = client.get("/staff/account")
    assert response.status_code == 200
    [line] = lines()[before:]
    assert line["user"] == f"staff:{user.id}"
    assert line["route"] == "/staff/account"
    assert line["queries"] > 0
    assert user.email not in json.dumps(line)


def test_a_signed_in_applicant_is_named_by_id(client, lines):
    applicant = make_applicant(make_household())
    sign_in_applicant(client, applicant)
    before = len(lines())
    response = client.get("/apply/progress")
    [line] = lines()[before:]
    assert line["user"] == f"applicant:{applicant.id}"
    assert response.status_code == 200 and line["route"] == "/apply/progress"
    assert applicant.email not in json.dumps(line)


def test_an_unknown_address_has_no_route(client, lines):
    client.get("/no-such-page")
    [line] = lines()
    assert line["route"] is None and line["status"] == 404


def test_a_sane_incoming_request_id_is_kept(client, lines):
    response = client.get("/", headers={"X-Request-Id": "lb-1a2b.3c_4d"})
    assert response.headers["X-Request-Id"] == "lb-1a2b.3c_4d"
    assert lines()[-1]["request_id"] == "lb-1a2b.3c_4d"


@pytest.mark.parametrize("bad", ["", "a" * 129, "has space", "<script>", "x\u00e9", "a;b"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, lines, bad):
    headers = {"X-Request-Id": bad} if bad else {}
    response = client.get("/", headers=headers)
    new = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", new)
    assert lines()[-1]["request_id"] == new


def test_each_request_gets_its_own_id(client):
    first = client.get("/").headers["X-Request-Id"]
    second = client.get("/").headers["X-Request-Id"]
    assert first != second


def test_refused_and_static_requests_carry_an_id_too(client):
    refused = client.get("/staff/account")  # not signed in: sent to sign in
    assert refused.status_code == 302 and refused.headers["X-Request-Id"]
    asset = client.get("/assets/application.css")
    assert asset.status_code == 200 and asset.headers["X-Request-Id"]
