"""An applicant's "Your information" page and their two downloads (JSON and PDF): everything
held about them (account, answers, documents list, messages, visits, stage history, their
checks' names), and nothing about other people: not referees' words, interview notes, another
adult's personal answers, staff notes, panel minutes or check outcomes. Downloads are
attachments, never cached, audited, and always of the signed-in person's own information."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import event, select

from carers.applicants.models import Applicant
from carers.audit.models import AuditEvent
from carers.cases.models import CaseEvent
from carers.checks.models import ReferenceResponse
from carers.extensions import db
from carers.messages.models import Message
from carers.uploads.models import DocumentRequest, UploadedDocument
from tests.factories import (
    make_applicant,
    make_application,
    make_check,
    make_decision,
    make_event,
    make_household,
    make_meeting,
    make_member,
    make_referee,
    make_staff,
    make_team,
    make_visit,
)
from tests.helpers import applicant_client, html_of, isolated_client

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)

# Theirs: must be in their copy.
OWN_NAME = "Lakshmi Okonkwo-Bright"
OWN_NATIONALITY = "Zanzibari-British"
HOME_PETS = "Two tortoises named Tolstoy and Dostoevsky"
REFEREE_NAME = "Fenwick Marlowe"
FILE_NAME = "passport-scan-lakshmi.pdf"
THEIR_MESSAGE = "We have booked the medical for the fourteenth"
WORKER_REPLY = "Thank you, the medical form is on its way"
WORKER_NAME = "Oluwaseun Castellano"
VISIT_PLACE = "Quince Lodge, 9 Orchard Row"
CHECK_SUBJECT = "Lakshmi DBS subject"
# Other people's, or staff's: never in it.
PARTNER_NATIONALITY = "Ruritanian"
PARTNER_HEALTH = "Partner's arrhythmia medication"
ADULT_NATIONALITY = "Freedonian"
REFERENCE_WORDS = "Referee observation: kind but forgetful with keys"
REFERENCE_CONCERNS = "Referee concern about the garden pond"
INTERVIEW_NOTES = "Interview notes: referee hesitated over the question on temper"
CASE_NOTE = "Staff note: manager wants a second opinion"
STAGE_REASON = "Staff reasoning for the stage change: strong references"
VISIT_NOTES = "Visit notes: bring the fire blanket checklist"
VISIT_WRITE_UP = "Write-up: the spare room was damp in one corner"
CHECK_NOTES = "Check note: police disclosed a 2009 caution"
PANEL_MINUTES = "Panel minutes: the chair asked about respite"
ADM_REASONS = "Decision maker reasons: panel view accepted"
OTHER_HOUSEHOLD_MESSAGE = "Another household's private message"

NEVER = [PARTNER_NATIONALITY, PARTNER_HEALTH, ADULT_NATIONALITY, REFERENCE_WORDS,
         REFERENCE_CONCERNS, INTERVIEW_NOTES, CASE_NOTE, STAGE_REASON, VISIT_NOTES,
         VISIT_WRITE_UP, CHECK_NOTES, PANEL_MINUTES, ADM_REASONS, OTHER_HOUSEHOLD_MESSAGE]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    """The PDF's words; a word broken after a hyphen at the end of a line is joined again."""
    text = words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    return text.replace("- ", "-")


@pytest.fixture
def case(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", name=WORKER_NAME, team=team)
    household = make_household("mainstream", "stage2", team=team, workers=[worker],
                               name="Okonkwo-Bright household")
    first = household.members[0]
    first.name = OWN_NAME
    partner = make_member(household, "Tomasz Okonkwo-Bright", "partner", is_applicant=True)
    son = make_member(household, "Kit Okonkwo-Bright", "son", date_of_birth=date(2006, 1, 2))
    me = make_applicant(household, first, name=OWN_NAME, phone="07700 900123",
                        last_sign_in_at=NOW)
    other = make_applicant(household, partner, name="Tomasz Okonkwo-Bright")
    adult = make_applicant(household, son, role=Applicant.ADULT, name="Kit Okonkwo-Bright")

    make_application(household, {
        "about_you": {me: {"full_name": OWN_NAME, "nationality": OWN_NATIONALITY,
                           "previous_names": ["Lakshmi Bright"]},
                      other: {"full_name": "Tomasz Okonkwo-Bright",
                              "nationality": PARTNER_NATIONALITY},
                      adult: {"full_name": "Kit Okonkwo-Bright",
                              "nationality": ADULT_NATIONALITY}},
        "health": {me: {"good_health": True, "conditions": ""},
                   other: {"good_health": False, "medication": PARTNER_HEALTH}},
        "home": {"tenure": "owned", "bedrooms": 4, "has_pets": True, "pets_details": HOME_PETS},
        "referees": {"referees": [{"name": REFEREE_NAME, "relationship": "Friend",
                                   "is_relative": False, "email": "fm@example.com",
                                   "known_years": 12}]},
    })

    request = DocumentRequest(household_id=household.id, member_id=first.id, kind="identity",
                              requested_by_id=worker.id)
    partner_request = DocumentRequest(household_id=household.id, member_id=partner.id,
                                      kind="driving_licence", requested_by_id=worker.id)
    db.session.add_all([request, partner_request])
    db.session.flush()
    db.session.add_all([
        UploadedDocument(household_id=household.id, request_id=request.id,
                         uploaded_by_id=me.id, original_name=FILE_NAME,
                         stored_name="a" * 64, content_type="application/pdf", size=204_800,
                         sha256="0" * 64, comment="The photo page"),
        UploadedDocument(household_id=household.id, request_id=partner_request.id,
                         uploaded_by_id=other.id, original_name="tomasz-licence.jpg",
                         stored_name="b" * 64, content_type="image/jpeg", size=1000,
                         sha256="1" * 64),
        Message(household_id=household.id, author_applicant_id=me.id, author_name=OWN_NAME,
                body=THEIR_MESSAGE),
        Message(household_id=household.id, author_user_id=worker.id, author_name=WORKER_NAME,
                body=WORKER_REPLY),
    ])
    db.session.commit()

    visit = make_visit(household, worker, date(2027, 3, 10), place="office", notes=VISIT_NOTES)
    visit.location, visit.write_up = VISIT_PLACE, VISIT_WRITE_UP
    make_event(household, worker, CaseEvent.TRANSITION, from_stage="application_received",
               to_stage="stage2", summary="Moved to stage 2", body=STAGE_REASON,
               happened_on=date(2027, 2, 1))
    make_event(household, worker, CaseEvent.NOTE, summary="Note", body=CASE_NOTE)
    make_event(household, worker, CaseEvent.OVERSIGHT, summary="Oversight", body=CASE_NOTE)
    make_check(household, "dbs", member_id=first.id, subject=CHECK_SUBJECT, outcome="not_clear",
               notes=CHECK_NOTES, done_on=date(2027, 2, 20))
    make_check(household, "dbs", member_id=partner.id, subject="Tomasz DBS subject")
    referee = make_referee(household, REFEREE_NAME, interview_notes=INTERVIEW_NOTES)
    db.session.add(ReferenceResponse(referee_id=referee.id, relationship_to_applicant="Friend",
                                     years_known=12, observations=REFERENCE_WORDS,
                                     has_concerns=True, concerns=REFERENCE_CONCERNS))
    db.session.commit()
    make_meeting(households=[household], minutes=PANEL_MINUTES)
    make_decision(household, reasons=ADM_REASONS)

    elsewhere = make_household("mainstream", "stage1", name="Elsewhere household")
    stranger = make_applicant(elsewhere, name="Stranger Danger")
    db.session.add(Message(household_id=elsewhere.id, author_applicant_id=stranger.id,
                           author_name="Stranger Danger", body=OTHER_HOUSEHOLD_MESSAGE))
    db.session.commit()
    return {"household": household, "me": me, "other": other, "adult": adult,
            "stranger": stranger, "worker": worker}


def download_json(client) -> tuple[dict, object]:
    response = client.get("/apply/your-information.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True)), response


def download_pdf(client) -> tuple[str, object]:
    response = client.get("/apply/your-information.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    return pdf_text(response.data), response


def test_the_page_explains_what_is_held_and_links_the_privacy_notice_and_downloads(app, case):
    client = applicant_client(app, case["me"])
    page = client.get("/apply/your-information")
    assert page.status_code == 200
    html = html_of(page)
    assert "<h1 class=\"govuk-heading-l\">Your information</h1>" in html
    assert 'href="/privacy#applicants"' in html
    assert 'href="/apply/your-information.json"' in html
    assert 'href="/apply/your-information.pdf"' in html
    assert "2 messages" in words(re.sub(r"<[^>]+>", " ", html))
    # In their navigation, last.
    nav = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html)
    assert nav[-1] == "/apply/your-information"


def test_the_json_has_their_own_answers_documents_messages_visits_and_history(app, case):
    held, response = download_json(applicant_client(app, case["me"]))
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"].endswith('-your-information.json"')
    assert "no-store" in response.headers["Cache-Control"]

    assert held["schema"] == "carers.your-information.v1"
    assert abs((datetime.fromisoformat(held["generated_at"]) - NOW).total_seconds()) < 60
    assert held["person"]["name"] == OWN_NAME
    assert held["person"]["email"] == case["me"].email
    assert held["person"]["phone"] == "07700 900123"
    assert held["person"]["role"] == "applicant"
    assert held["person"]["last_sign_in_at"].startswith("2027-03-01T10:00")

    tasks = {t["key"]: t for t in held["application"]["tasks"]}
    assert tasks["about_you"]["answers"]["nationality"] == OWN_NATIONALITY
    assert tasks["about_you"]["shared"] is False
    assert tasks["home"]["answers"]["pets_details"] == HOME_PETS
    assert tasks["home"]["shared"] is True
    assert tasks["referees"]["answers"]["referees"][0]["name"] == REFEREE_NAME
    assert tasks["health"]["status_label"] == "Completed"
    # One row per task: not the partner's or the adult's rows as well.
    assert len(held["application"]["tasks"]) == len(tasks) == 4

    files = held["documents"]["files"]
    assert [f["name"] for f in files] == [FILE_NAME]
    assert files[0]["size_bytes"] == 204_800
    assert files[0]["type"] == "application/pdf"
    assert files[0]["for_request"] == "Proof of identity (such as a passport)"
    assert [r["about"] for r in held["documents"]["requested"]] == [OWN_NAME]

    assert [(m["from"], m["text"]) for m in held["messages"]] == [
        (OWN_NAME, THEIR_MESSAGE), (WORKER_NAME, WORKER_REPLY)]
    assert held["messages"][0]["from_household"] is True
    assert held["messages"][1]["from_household"] is False

    [visit] = held["visits"]
    assert visit["location"] == VISIT_PLACE
    assert visit["workers"] == [WORKER_NAME]
    assert visit["status"] == "booked"
    assert visit["starts_at"].startswith("2027-03-10T10:00")

    assert [(s["on"], s["from_stage"], s["to_stage"]) for s in held["stage_history"]] == [
        ("2027-02-01", "application_received", "stage2")]

    names = {c["name"]: c["done"] for c in held["checks"]}
    assert any(CHECK_SUBJECT in name and done for name, done in names.items())
    assert not any("Tomasz" in name for name in names)
    assert all(set(c) == {"name", "done"} for c in held["checks"])

    text = json.dumps(held, ensure_ascii=False)
    for secret in NEVER:
        assert secret not in text, secret
    assert "not_clear" not in text
    assert "tomasz-licence.jpg" not in text


def test_the_pdf_has_the_same_and_nothing_of_other_peoples(app, case):
    text, response = download_pdf(applicant_client(app, case["me"]))
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    for mine in [OWN_NAME, OWN_NATIONALITY, HOME_PETS, REFEREE_NAME, FILE_NAME, THEIR_MESSAGE,
                 WORKER_REPLY, VISIT_PLACE, CHECK_SUBJECT]:
        assert words(mine) in text, (mine, text)
    assert "Lakshmi Bright" in text  # a list answer
    for secret in NEVER:
        assert secret not in text, secret
    assert "Not clear" not in text
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == f"Your information: {OWN_NAME}"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, like the other PDFs


def test_an_adult_gets_only_their_own_answers(app, case):
    held, _ = download_json(applicant_client(app, case["adult"]))
    tasks = held["application"]["tasks"]
    assert [t["key"] for t in tasks] == ["about_you"]
    assert tasks[0]["answers"]["nationality"] == ADULT_NATIONALITY
    assert held["person"]["role"] == "adult"
    text = json.dumps(held, ensure_ascii=False)
    others = [s for s in NEVER if s != ADULT_NATIONALITY]
    for theirs in [OWN_NATIONALITY, PARTNER_NATIONALITY, HOME_PETS, REFEREE_NAME, FILE_NAME,
                   CHECK_SUBJECT, *others]:
        assert theirs not in text, theirs
    pdf, _ = download_pdf(applicant_client(app, case["adult"]))
    assert ADULT_NATIONALITY in pdf
    for theirs in [OWN_NATIONALITY, PARTNER_NATIONALITY, HOME_PETS, *others]:
        assert theirs not in pdf, theirs


def test_the_joint_applicant_gets_their_own_not_their_partners(app, case):
    held, _ = download_json(applicant_client(app, case["other"]))
    text = json.dumps(held, ensure_ascii=False)
    assert PARTNER_NATIONALITY in text and PARTNER_HEALTH in text
    assert HOME_PETS in text  # shared
    assert OWN_NATIONALITY not in text and ADULT_NATIONALITY not in text
    assert FILE_NAME not in text and "tomasz-licence.jpg" in text


def test_another_households_applicant_gets_only_their_own(app, case):
    held, _ = download_json(applicant_client(app, case["stranger"]))
    text = json.dumps(held, ensure_ascii=False)
    assert held["person"]["name"] == "Stranger Danger"
    assert held["application"] is None
    assert OTHER_HOUSEHOLD_MESSAGE in text
    for theirs in [OWN_NAME, OWN_NATIONALITY, HOME_PETS, THEIR_MESSAGE, VISIT_PLACE]:
        assert theirs not in text, theirs
    pdf, _ = download_pdf(applicant_client(app, case["stranger"]))
    assert OWN_NAME not in pdf and THEIR_MESSAGE not in pdf


def test_nobody_signed_in_is_sent_to_sign_in(app, case):
    client = isolated_client(app)
    for url in ("/apply/your-information", "/apply/your-information.json",
                "/apply/your-information.pdf"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/apply/sign-in" in response.headers["Location"], url


def test_each_download_is_audited_as_the_applicant(app, case):
    client = applicant_client(app, case["me"])
    download_json(client)
    download_pdf(client)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "applicant_information", AuditEvent.action == "download")
        .order_by(AuditEvent.id)).all()
    assert [e.detail["format"] for e in events] == ["json", "pdf"]
    assert all(e.object_id == str(case["me"].id) and e.user_id is None for e in events)
    assert all(e.detail["applicant"] == case["me"].id for e in events)


def test_the_privacy_notice_tells_applicants_what_why_who_how_long_and_their_rights(app):
    page = isolated_client(app).get("/privacy")
    assert page.status_code == 200
    html = html_of(page)
    section = words(re.sub(r"<[^>]+>", " ", html.split('id="applicants"', 1)[1]))
    assert "Fostering Services (England) Regulations 2011" in section
    assert "Care Planning, Placement and Case Review (England) Regulations 2010" in section
    assert "fostering panel" in section and "agency decision maker" in section
    assert "Your referees see nothing of your application" in section
    assert "at least 10 years after your approval ends" in section
    assert "at least 10 years after the child's placement with you ends" in section
    assert "if you withdraw or are not approved: at least 3 years" in section
    assert 'href="/apply/your-information"' in html and 'href="/apply/details"' in html


def test_the_json_takes_the_same_number_of_queries_however_much_is_held(app, case):
    client = applicant_client(app, case["me"])

    def queries() -> int:
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            download_json(client)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    download_json(client)  # anything cached per process
    before = queries()
    household, me, worker = case["household"], case["me"], case["worker"]
    request = db.session.scalars(select(DocumentRequest).where(
        DocumentRequest.member_id == me.member_id)).first()
    for i in range(5):
        make_visit(household, worker, date(2027, 4, 1 + i), place="office")
        db.session.add(UploadedDocument(
            household_id=household.id, request_id=request.id, uploaded_by_id=me.id,
            original_name=f"page-{i}.pdf", stored_name=f"{i}" * 64,
            content_type="application/pdf", size=10, sha256="2" * 64))
        db.session.add(Message(household_id=household.id, author_user_id=worker.id,
                               author_name=WORKER_NAME, body=f"Message {i}"))
    db.session.commit()
    assert queries() == before
