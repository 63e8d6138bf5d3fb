"""Subject access requests: the search across the records, the request and its one-month
clock, and the bundle for one of two joint applicants, in both outputs (a tagged PDF, and
JSON in a ZIP checked against its schema): their own answers, documents list, messages and
case history, and not their partner's health answers or the referees' identities until a
records officer releases them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, date, datetime

import jsonschema
import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.cases.models import CaseEvent
from carers.checks.models import ReferenceResponse
from carers.extensions import db
from carers.messages.models import Message
from carers.subject_access import output
from carers.subject_access.models import SubjectAccessRequest
from carers.uploads.models import DocumentRequest, UploadedDocument
from tests.factories import (
    make_applicant,
    make_application,
    make_event,
    make_household,
    make_member,
    make_referee,
    make_staff,
    make_team,
)
from tests.helpers import client_for, html_of, post_form

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
OWN_NAME = "Lakshmi Okonkwo-Bright"
OWN_NATIONALITY = "Zanzibari-British"
OWN_HEALTH = "Mild hay fever in June"
PARTNER_HEALTH = "Partner's arrhythmia medication"
REFEREE_NAME = "Fenwick Marlowe"
REFERENCE_WORDS = "Kind but forgetful with keys"
FILE_NAME = "passport-scan-lakshmi.pdf"
THEIR_MESSAGE = "We have booked the medical for the fourteenth"
CASE_NOTE = "Phoned Lakshmi about the medical"
BASE = "/staff/records/subject-access"


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    text = words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    return text.replace("- ", "-")


@pytest.fixture
def case(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team)
    household = make_household("mainstream", "stage2", team=team, workers=[worker],
                               name="Okonkwo-Bright household")
    first = household.members[0]
    first.name = OWN_NAME
    partner = make_member(household, "Tomasz Okonkwo-Bright", "partner", is_applicant=True)
    me = make_applicant(household, first, name=OWN_NAME, email="lakshmi@example.com")
    other = make_applicant(household, partner, name="Tomasz Okonkwo-Bright")
    make_application(household, {
        "about_you": {me: {"full_name": OWN_NAME, "nationality": OWN_NATIONALITY},
                      other: {"full_name": "Tomasz Okonkwo-Bright", "nationality": "Ruritanian"}},
        "health": {me: {"good_health": True, "conditions": OWN_HEALTH},
                   other: {"good_health": False, "medication": PARTNER_HEALTH}},
        "referees": {"referees": [{"name": REFEREE_NAME, "relationship": "Friend",
                                   "known_years": 12}]},
    })
    asked = DocumentRequest(household_id=household.id, member_id=first.id, kind="identity")
    db.session.add(asked)
    db.session.flush()
    db.session.add_all([
        UploadedDocument(household_id=household.id, request_id=asked.id, uploaded_by_id=me.id,
                         original_name=FILE_NAME, stored_name="c" * 64,
                         content_type="application/pdf", size=2048, sha256="0" * 64),
        Message(household_id=household.id, author_applicant_id=me.id, author_name=OWN_NAME,
                body=THEIR_MESSAGE)])
    make_event(household, worker, CaseEvent.NOTE, summary="Note", body=CASE_NOTE)
    referee = make_referee(household, REFEREE_NAME, email="fenwick@example.com")
    db.session.add(ReferenceResponse(referee_id=referee.id, relationship_to_applicant="Friend",
                                     years_known=12, observations=REFERENCE_WORDS,
                                     has_concerns=False))
    db.session.commit()
    return {"household": household, "me": me, "member": first, "referee": referee,
            "officer": make_staff("information_governance")}


def open_request(client, match_keys, name=OWN_NAME, received=date(2027, 2, 20),
                 search="okonkwo-bright"):
    page = f"{BASE}/search?name={search}"
    return post_form(client, f"{BASE}/search", {
        "q_name": search, "links": match_keys, "requester_name": name,
        "received_on": [str(received.day), str(received.month), str(received.year)]},
        page=page)


def bundle_json(client, sar_id) -> dict:
    response = client.get(f"{BASE}/{sar_id}/bundle.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"README.txt", "subject-access.json",
                                       output.SCHEMA_FILE}
    held = json.loads(archive.read("subject-access.json"))
    schema = json.loads(archive.read(output.SCHEMA_FILE))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(held, schema, format_checker=jsonschema.FormatChecker())
    assert "SHA-256" in archive.read("README.txt").decode()
    return held


def bundle_pdf(client, sar_id) -> str:
    response = client.get(f"{BASE}/{sar_id}/bundle.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, as the reports are
    return pdf_text(response.data)


def test_a_joint_applicants_bundle_withholds_their_partner_and_referees_until_released(
        app, case):
    with time_machine.travel(NOW, tick=True):
        client = client_for(app, case["officer"])
        found = html_of(client.get(f"{BASE}/search?name=okonkwo-bright"))
        member_key = f"household_member:{case['member'].id}"
        applicant_key = f"applicant:{case['me'].id}"
        assert member_key in found and applicant_key in found
        assert "Household member" in found and "Applicant&#39;s account" in found
        response = open_request(client, [member_key, applicant_key])
        assert response.status_code == 302, words(re.sub(r"<[^>]+>", " ", html_of(response)))[:1500]
        sar = db.session.scalar(select(SubjectAccessRequest))
        assert sar.due_on == date(2027, 3, 20)

        held = bundle_json(client, sar.id)
        text = json.dumps(held)
        pdf = bundle_pdf(client, sar.id)
        for shown in (OWN_NATIONALITY, OWN_HEALTH, FILE_NAME, THEIR_MESSAGE, CASE_NOTE):
            assert shown in text, shown
            assert shown in pdf, shown
        for hidden in (PARTNER_HEALTH, REFEREE_NAME, REFERENCE_WORDS, "fenwick@example.com"):
            assert hidden not in text, hidden
            assert hidden not in pdf, hidden
        assert "[withheld: third party]" in pdf and "OFFICIAL-SENSITIVE" in pdf
        items = {i["key"]: i for s in held["sections"] for i in s["items"]}
        assert items[f"referee:{case['referee'].id}"]["withheld"]
        health = next(i for i in items.values() if i["title"] ==
                      "Another applicant's answers: Your health")
        assert health["withheld"] and health["fields"] == []

        # The review page lists what is withheld; releasing two items, with reasons.
        review = html_of(client.get(f"{BASE}/{sar.id}/review"))
        assert "Withheld" in review and health["key"] in review
        for key in (health["key"], f"referee:{case['referee'].id}"):
            released = post_form(client, f"{BASE}/{sar.id}/release",
                                 {"item": key, "reason": "Consent given in writing"},
                                 page=f"{BASE}/{sar.id}/release?item={key}")
            assert released.status_code == 302, html_of(released)
        # Without a reason: the form again, with its error; a made-up item goes back.
        refused = post_form(client, f"{BASE}/{sar.id}/release",
                            {"item": items[f"household_member:{case['member'].id}"]["key"],
                             "reason": ""}, page=f"{BASE}/{sar.id}/review")
        assert refused.status_code == 302  # their own record is not someone else's
        stale = client.get(f"{BASE}/{sar.id}/release?item=referee:999999")
        assert stale.status_code == 302

        text = json.dumps(bundle_json(client, sar.id))
        pdf = bundle_pdf(client, sar.id)
        for shown in (PARTNER_HEALTH, REFEREE_NAME, REFERENCE_WORDS):
            assert shown in text and shown in pdf, shown

    # Audited, with ids and codes only.
    entries = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "subject_access_request")).all()
    actions = [e.action for e in entries]
    assert actions.count("produce") == 4 and actions.count("release") == 2
    assert "create" in actions
    for entry in entries:
        detail = json.dumps(entry.detail or {})
        for personal in (OWN_NAME, "Lakshmi", "lakshmi@example.com", "Consent given"):
            assert personal not in detail


def test_a_release_needs_a_reason(app, case):
    client = client_for(app, case["officer"])
    open_request(client, [f"household_member:{case['member'].id}"], received=date.today())
    sar = db.session.scalar(select(SubjectAccessRequest))
    key = f"referee:{case['referee'].id}"
    page = f"{BASE}/{sar.id}/release?item={key}"
    response = post_form(client, f"{BASE}/{sar.id}/release", {"item": key, "reason": ""},
                         page=page)
    assert response.status_code == 200
    assert "Enter why this item can be released" in html_of(response)


def test_the_deadline_clock_extension_and_overdue(app, case):
    with time_machine.travel(datetime(2027, 1, 31, 9, 0, tzinfo=UTC), tick=False):
        client = client_for(app, case["officer"])
        # Nothing chosen and no date: the form again with its errors, the search kept.
        refused = open_request(client, [], name="", received=date(2027, 1, 31))
        assert refused.status_code == 200
        html = html_of(refused)
        assert "There is a problem" in html
        assert "Select at least one record that is about the person" in html
        assert "Enter the person&#39;s name" in html
        open_request(client, [f"household_member:{case['member'].id}"],
                     received=date(2027, 1, 31))
        sar = db.session.scalar(select(SubjectAccessRequest))
        assert sar.due_on == date(2027, 2, 28)
        page = words(re.sub(r"<[^>]+>", " ", html_of(client.get(f"{BASE}/{sar.id}"))))
        assert "28 February 2027" in page and "28 days left" in page

    with time_machine.travel(datetime(2027, 2, 20, 9, 0, tzinfo=UTC), tick=False):
        client = client_for(app, case["officer"])
        missing = post_form(client, f"{BASE}/{sar.id}/extend", {"months": "2", "reason": ""})
        assert "Enter why more time is needed" in html_of(missing)
        extended = post_form(client, f"{BASE}/{sar.id}/extend",
                             {"months": "2", "reason": "Records held in three teams"})
        assert extended.status_code == 302
        db.session.refresh(sar)
        assert sar.due_on == date(2027, 4, 30) and sar.extension_months == 2
        again = post_form(client, f"{BASE}/{sar.id}/extend",
                          {"months": "1", "reason": "Still more"})
        assert "extended only once" in html_of(again)

    with time_machine.travel(datetime(2027, 5, 3, 9, 0, tzinfo=UTC), tick=False):
        client = client_for(app, case["officer"])
        listing = words(re.sub(r"<[^>]+>", " ", html_of(client.get(f"{BASE}/"))))
        assert sar.reference in listing and "Overdue by 3 days" in listing
        done = post_form(client, f"{BASE}/{sar.id}/complete", {}, page=f"{BASE}/{sar.id}")
        assert done.status_code == 302
        page = words(re.sub(r"<[^>]+>", " ", html_of(client.get(f"{BASE}/{sar.id}"))))
        assert "Completed" in page and "Overdue" not in page
    extend_audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "extend"))
    assert extend_audit.detail == {"months": 2, "due_on": "2027-04-30"}


def test_the_search_finds_people_in_every_source_and_refuses_an_empty_search(app, case):
    client = client_for(app, case["officer"])
    html = html_of(client.get(f"{BASE}/search?name=FENWICK"))
    assert f"referee:{case['referee'].id}" in html
    by_email = html_of(client.get(f"{BASE}/search?email=Lakshmi@Example.com"))
    assert f"applicant:{case['me'].id}" in by_email
    note = html_of(client.get(f"{BASE}/search?name=phoned+lakshmi"))
    assert "case_event:" in note
    empty = client.get(f"{BASE}/search?name=")
    assert empty.status_code == 200
    assert "Enter a name, an email address or a date of birth" in html_of(empty)
    odd = client.get(f"{BASE}/search?name=%25_%25&born=31&born=2&born=1980")
    assert odd.status_code == 200 and "must be a real date" in html_of(odd)


def test_the_named_child_is_withheld_and_a_referee_gets_their_own_reference(app, case):
    kinship = make_household("connected_person", name="Kinship household")
    kinship.members[0].name = "Grandma Ngozi"
    db.session.commit()
    client = client_for(app, case["officer"])
    open_request(client, [f"household_member:{kinship.members[0].id}"], name="Grandma Ngozi",
                 received=date.today(), search="ngozi")
    sar = db.session.scalars(select(SubjectAccessRequest)).all()[-1]
    held = bundle_json(client, sar.id)
    child = next(i for s in held["sections"] for i in s["items"]
                 if i["source"] == "household_child")
    assert child["withheld"] and child["title"] == "The child in this case"
    assert "Amy Smith" not in json.dumps(held)  # the factory's named child

    # The referee asks: their own record and reference are theirs, the household's are not.
    referee = f"referee:{case['referee'].id}"
    open_request(client, [referee], name=REFEREE_NAME, received=date.today(),
                 search="fenwick")
    sar = db.session.scalars(select(SubjectAccessRequest)).all()[-1]
    held = bundle_json(client, sar.id)
    text = json.dumps(held)
    assert REFEREE_NAME in text and REFERENCE_WORDS in text and held["withheld"] == 0
    assert OWN_HEALTH not in text and THEIR_MESSAGE not in text
