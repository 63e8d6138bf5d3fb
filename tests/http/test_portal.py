"""The applicant's own place beyond the application form: their progress (stage in plain
words, what happens next and by when, visits with calendar files, checks still to come, never
their outcomes), asking for a visit to be rearranged, withdrawing, and telling the team about
their contact details and changes at home. An applicant reaches only their own household."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from carers.applicants.models import Applicant
from carers.cases.models import CaseEvent, Household, HouseholdMember, Task
from carers.checks import operations as checks
from carers.checks.models import Address, Check
from carers.clocks.statutory import add_months
from carers.core.dates import LONDON
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from carers.pipeline import PATHWAY_STAGES, Pathway, Stage
from carers.portal.words import long_day, stage_words
from carers.visits.operations import cancel_visit
from tests.factories import (
    make_address,
    make_applicant,
    make_household,
    make_member,
    make_staff,
    make_team,
    make_visit,
)
from tests.helpers import (
    applicant_client,
    client_for,
    csrf_token,
    html_of,
    isolated_client,
    post_form,
)

TODAY = date(2027, 3, 1)  # a Monday


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=LONDON), tick=True) as t:
        yield t


def text(response) -> str:
    """The page's words, without tags, entities decoded and spaces collapsed."""
    body = re.sub(r"<script.*?</script>", " ", html_of(response), flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def team(app):
    return make_team("Recruitment")


@pytest.fixture
def worker(team):
    return make_staff("assessing_social_worker", name="Alex Assessor", team=team)


def household_with_applicant(pathway="mainstream", stage="stage1", workers=(), team=None,
                             **fields):
    fields = {"address": "1 High Street, Northmoor", "postcode": "NM1 1AA", **fields}
    household = make_household(pathway, stage, team=team, workers=list(workers), **fields)
    member = household.members[0]
    member.name, member.date_of_birth = "Priya Shah", date(1985, 6, 1)
    db.session.commit()
    return household, make_applicant(household, member, name="Priya Shah",
                                     email=f"priya-{household.reference.lower()}@example.com")


def fields(page: str, **data) -> dict:
    return {"csrf_token": csrf_token(page), **data}


def date_parts(name: str, d: date) -> dict:
    return {name: [str(d.day), str(d.month), str(d.year)]}


# --- progress: the stage in plain words ---

ALL_STAGES = [(pathway, stage) for pathway, stages in PATHWAY_STAGES.items()
              for stage in stages] + [
    (Pathway.MAINSTREAM, Stage.WITHDRAWN), (Pathway.MAINSTREAM, Stage.NOT_SUITABLE_STAGE1),
    (Pathway.MAINSTREAM, Stage.NOT_APPROVED), (Pathway.MAINSTREAM,
                                               Stage.CLOSED_BEFORE_APPLICATION),
    (Pathway.CONNECTED_PERSON, Stage.WITHDRAWN), (Pathway.CONNECTED_PERSON,
                                                  Stage.CLOSED_BEFORE_APPLICATION)]


@pytest.mark.parametrize(("pathway", "stage"), ALL_STAGES,
                         ids=[f"{p.value}-{s.value}" for p, s in ALL_STAGES])
def test_the_progress_page_says_each_stage_in_plain_words(app, pathway, stage):
    household, applicant = household_with_applicant(pathway, stage)
    response = applicant_client(app, applicant).get("/apply/progress")
    assert response.status_code == 200
    page = text(response)
    words = stage_words(pathway, stage)
    assert words.title in page and words.now in page and words.next in page
    assert household.reference in page
    # The staff's name for the stage is not what the household reads.
    assert "regulation 24" not in page.lower() and "Form F" not in page


def test_the_mainstream_and_kinship_words_differ_where_the_pathways_do(app):
    assert stage_words("mainstream", "approved").title != \
        stage_words("connected_person", "approved").title
    assert stage_words("connected_person", "referral").title == \
        "We know you may care for a child you know"


def test_the_progress_page_changes_when_a_caseworker_moves_the_case(app, team, worker):
    household, applicant = household_with_applicant(
        "mainstream", "application_received", [worker], team,
        application_received_on=TODAY - timedelta(days=3))
    browser = applicant_client(app, applicant)
    assert "We have your application" in text(browser.get("/apply/progress"))

    staff = client_for(app, worker)
    url = f"/staff/cases/{household.reference}/move/start_stage1"
    page = html_of(staff.get(url))
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                        page)
    data = fields(page, reason="", confirm="y", **date_parts("on", TODAY))
    if version:
        data["version"] = version.group(1) or version.group(2)
    moved = staff.post(url, data=data)
    assert moved.status_code == 302, text(moved)

    page = text(browser.get("/apply/progress"))
    assert "Checks and references (Stage 1)" in page
    assert "We have your application" not in page


def test_the_progress_page_says_by_when_from_the_pipeline_clock(app):
    received = date(2026, 12, 3)
    household, applicant = household_with_applicant("mainstream", "stage1",
                                                    application_received_on=received)
    page = text(applicant_client(app, applicant).get("/apply/progress"))
    due = add_months(received, 8)  # NMS 14.4: panel within 8 months of the application
    assert due == date(2027, 8, 3)
    assert "We aim to finish your assessment by 3 August 2027." in page


def test_a_late_clock_is_said_with_an_apology_not_a_status(app):
    household, applicant = household_with_applicant(
        "mainstream", "enquiry", enquiry_received_on=TODAY - timedelta(days=14))
    page = text(applicant_client(app, applicant).get("/apply/progress"))
    assert "We aimed to contact you by" in page and "sorry" in page
    assert "overdue" not in page.lower()


def test_kinship_temporary_approval_shows_when_it_ends(app):
    household, applicant = household_with_applicant(
        "connected_person", "reg24_temporary_approval",
        reg24_approved_on=TODAY - timedelta(days=7))
    page = text(applicant_client(app, applicant).get("/apply/progress"))
    ends = long_day(TODAY - timedelta(days=7) + timedelta(weeks=16))
    assert f"Your temporary approval lasts until {ends}." in page


def test_the_tasks_still_to_do_come_from_the_application(app):
    household, applicant = household_with_applicant("mainstream", "initial_visit")
    response = applicant_client(app, applicant).get("/apply/progress")
    page = text(response)
    assert "Tasks you still have to do" in page
    assert "About you Not started" in page and "Consent to checks" in page
    assert 'href="/apply/tasks/about_you"' in html_of(response)


# --- visits ---

def test_only_the_households_own_upcoming_visits_are_listed_with_calendar_files(
        app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage2", [worker], team)
    other, _ = household_with_applicant("mainstream", "stage2", [worker], team)
    other.name = "The Other Family"
    db.session.commit()
    ours = make_visit(household, worker, TODAY + timedelta(days=2), time(14, 30),
                      place="office")
    theirs = make_visit(other, worker, TODAY + timedelta(days=3), time(10, 0))
    browser = applicant_client(app, applicant)
    page = text(browser.get("/apply/progress"))
    assert "Wednesday 3 March 2027, 2:30pm to 4:00pm" in page
    assert "Alex Assessor" in page and "Town Hall" in page  # the office address
    assert "Thursday 4 March 2027" not in page and "The Other Family" not in page

    ics = browser.get(f"/apply/visits/{ours.id}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    body = ics.get_data(as_text=True)
    assert f"UID:{ours.uid}" in body and "BEGIN:VEVENT" in body

    # Another household's visit, by changing the id: refused; a made-up one: not found.
    assert browser.get(f"/apply/visits/{theirs.id}/calendar.ics").status_code == 403
    assert browser.get(f"/apply/visits/{theirs.id}/rearrange").status_code == 403
    assert browser.post(f"/apply/visits/{theirs.id}/rearrange").status_code == 403
    assert browser.get(f"/apply/visits/{theirs.id + 1000}/calendar.ics").status_code == 404


def test_asking_to_rearrange_a_visit_raises_a_task_for_the_allocated_worker(
        app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage2", [worker], team)
    visit = make_visit(household, worker, TODAY + timedelta(days=2), time(14, 30))
    browser = applicant_client(app, applicant)
    url = f"/apply/visits/{visit.id}/rearrange"

    refused = post_form(browser, url, {"reason": "", "preferred_times": "Mornings"})
    assert refused.status_code == 200
    page = text(refused)
    assert "There is a problem" in page and "Enter why you need to change this visit" in page
    assert 'value="Mornings"' in html_of(refused) or ">Mornings<" in html_of(refused)

    done = post_form(browser, url, {"reason": "My shift changed",
                                    "preferred_times": "Any weekday morning"})
    assert done.status_code == 302
    [task] = db.session.scalars(select(Task).where(Task.household_id == household.id)).all()
    assert task.owner_id == worker.id and task.created_by_id is None
    assert "Rearrange" in task.title and "Priya Shah" in task.title
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.household_id == household.id,
                                                      CaseEvent.kind == "applicant"))
    assert "My shift changed" in event.body and "Any weekday morning" in event.body
    page = text(browser.get("/apply/progress"))
    assert "You asked to rearrange this visit on 1 March 2027" in page
    # A visit that has been cancelled can no longer be moved.
    cancel_visit(visit, worker, "Worker unwell")
    gone = browser.get(url)
    assert "can no longer be rearranged" in text(gone) and 'name="reason"' not in html_of(gone)
    # The worker sees the request on the case and in their work.
    staff = client_for(app, worker)
    case = text(staff.get(f"/staff/cases/{household.reference}"))
    assert "Priya Shah asked to rearrange" in case


# --- checks, without their outcomes ---

def test_outstanding_checks_are_listed_in_plain_words_without_outcomes(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    make_member(household, "Sam Shah", "partner", date_of_birth=date(1983, 1, 1))
    make_address(household, lived_from=date(2010, 1, 1))
    checks.sync_required_checks(household)
    db.session.commit()
    rows = {row.key: row for row in db.session.scalars(
        select(Check).where(Check.household_id == household.id))}
    priya = next(m for m in household.members if m.name == "Priya Shah")
    sam = next(m for m in household.members if m.name == "Sam Shah")
    own_dbs, sam_dbs = rows[f"dbs:p{priya.id}"], rows[f"dbs:p{sam.id}"]
    own_dbs.requested_on = TODAY - timedelta(days=10)
    sam_dbs.requested_on = TODAY - timedelta(days=20)
    sam_dbs.received_on = TODAY - timedelta(days=2)
    sam_dbs.outcome = "not_clear"
    db.session.commit()

    page = text(applicant_client(app, applicant).get("/apply/progress"))
    assert "Your DBS check: we are waiting for it" in page
    assert "Your medical report: we will ask for it soon" in page
    assert "Check with Northmoor children's services" in page
    assert "Sam Shah's DBS check" not in page  # received: no longer outstanding
    for outcome in ("Not clear", "not clear", "Clear", "Information to consider"):
        assert outcome not in page
    assert "already done" in page


def test_another_adult_of_the_household_sees_only_their_own_checks_and_cannot_withdraw(
        app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    son = make_member(household, "Dev Shah", "son", date_of_birth=date(2005, 1, 1))
    checks.sync_required_checks(household)
    db.session.commit()
    adult = make_applicant(household, son, role=Applicant.ADULT, name="Dev Shah")
    browser = applicant_client(app, adult)
    page = text(browser.get("/apply/progress"))
    assert "Your DBS check: we will ask for it soon" in page
    assert "Priya Shah" not in page  # not the applicants' own checks
    assert "Withdraw" not in page
    assert browser.get("/apply/withdraw").status_code == 403
    assert browser.post("/apply/withdraw/confirm").status_code == 403
    db.session.expire_all()
    assert db.session.get(Household, household.id).stage == "stage1"


# --- withdrawing ---

def withdraw(browser, code="AW3", details="My mother needs care at home"):
    first = post_form(browser, "/apply/withdraw", {"reason": code, "details": details})
    assert first.status_code == 200
    page = html_of(first)
    assert "Are you sure" in page
    return browser.post("/apply/withdraw/confirm", data={
        "csrf_token": csrf_token(page), "reason": code, "details": details})


def test_withdrawing_moves_the_case_and_emails_the_worker(app, mailbox, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage2", [worker], team)
    browser = applicant_client(app, applicant)

    # No reason chosen: the error summary, and what was typed is kept.
    refused = post_form(browser, "/apply/withdraw", {"details": "Kept text"})
    assert "Select why you are withdrawing" in text(refused) and "Kept text" in text(refused)

    done = withdraw(browser)
    assert done.status_code == 302 and done.headers["Location"].endswith("/apply/withdrawn")
    db.session.expire_all()
    household = db.session.get(Household, household.id)
    assert household.stage == "withdrawn" and household.withdrawal_code == "AW3"
    assert household.closed_on == TODAY
    event = db.session.scalar(select(CaseEvent).where(
        CaseEvent.household_id == household.id, CaseEvent.to_stage == "withdrawn"))
    assert event.user_id is None and "by the applicant" in event.summary
    assert "AW3" in event.summary
    assert "Withdrawn by the applicant" in event.body and "My mother needs care" in event.body

    confirmation = text(browser.get("/apply/withdrawn"))
    assert "You have withdrawn your application" in confirmation
    assert household.reference in confirmation

    send_due(limit=100)
    [email] = [m for m in mailbox.messages if m["To"] == worker.email]
    assert household.reference in email["Subject"]
    body = email.get_body(("plain",)).get_content()
    assert household.reference in body
    # Nothing personal beyond the reference: no name, no reason.
    assert "Priya" not in body and "mother" not in body and household.name not in body

    # Afterwards the pages are read-only.
    assert "Nothing can be changed here" in text(browser.get("/apply/withdraw"))
    assert "Nothing can be changed here" in text(browser.get("/apply/details/contact"))
    page = text(browser.get("/apply/progress"))
    assert "You have withdrawn your application" in page and "Ask to rearrange" not in page
    assert "Withdraw your application" not in page


def test_before_an_application_withdrawing_closes_the_enquiry(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "initial_visit", [worker],
                                                    team)
    browser = applicant_client(app, applicant)
    assert "Withdraw your enquiry" in text(browser.get("/apply/withdraw"))
    done = withdraw(browser, "AW1", "")
    assert done.status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, household.id)
    assert household.stage == "closed_before_application"
    assert household.withdrawal_code is None
    assert "Your enquiry is closed" in text(browser.get("/apply/withdrawn"))
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == worker.email


def test_an_approved_household_has_no_application_to_withdraw(app):
    household, applicant = household_with_applicant("mainstream", "approved")
    browser = applicant_client(app, applicant)
    assert "Withdraw" not in text(browser.get("/apply/progress"))
    response = browser.get("/apply/withdraw", follow_redirects=True)
    assert "there is no application to withdraw" in text(response)


def test_a_tampered_withdrawal_reason_is_refused_without_closing_the_case(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    browser = applicant_client(app, applicant)
    page = html_of(browser.get("/apply/withdraw"))
    response = browser.post("/apply/withdraw/confirm", data={
        "csrf_token": csrf_token(page), "reason": "AW9", "details": "x"})
    assert response.status_code == 200 and "Select why you are withdrawing" in text(response)
    db.session.expire_all()
    assert db.session.get(Household, household.id).stage == "stage1"


# --- their details ---

def test_an_applicant_updates_their_contact_details(app, team, worker):
    household, applicant = household_with_applicant(
        "mainstream", "stage1", [worker], team)
    household.email = applicant.email
    db.session.commit()
    other_household, other = household_with_applicant("mainstream", "stage1")
    browser = applicant_client(app, applicant)

    taken = post_form(browser, "/apply/details/contact",
                      {"email": other.email, "phone": "07700 900 123"})
    assert "Another account already uses this email address" in text(taken)
    assert "07700 900 123" in html_of(taken)

    saved = post_form(browser, "/apply/details/contact",
                      {"email": "Priya.New@example.com", "phone": "07700 900 123"})
    assert saved.status_code == 302
    db.session.expire_all()
    person = db.session.get(Applicant, applicant.id)
    assert person.email == "priya.new@example.com" and person.phone == "07700 900 123"
    household = db.session.get(Household, household.id)
    assert household.email == "priya.new@example.com" and household.phone == "07700 900 123"
    page = text(browser.get("/apply/details"))
    assert "priya.new@example.com" in page


def test_a_new_adult_moving_in_raises_a_task_and_needs_a_dbs_check(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    browser = applicant_client(app, applicant)

    choose = post_form(browser, "/apply/details/change", {"kind": "moving_in"})
    assert choose.headers["Location"].endswith("/apply/details/someone-moving-in")

    too_young = post_form(browser, "/apply/details/someone-moving-in", {
        "name": "Dev Shah", "relationship": "Son", **date_parts("date_of_birth",
                                                                 date(2012, 1, 1)),
        **date_parts("moved_on", TODAY)})
    assert "They must be 18 or over" in text(too_young) and "Dev Shah" in html_of(too_young)

    done = post_form(browser, "/apply/details/someone-moving-in", {
        "name": "Dev Shah", "relationship": "Son", **date_parts("date_of_birth",
                                                                 date(2007, 1, 2)),
        **date_parts("moved_on", TODAY + timedelta(days=14))})
    assert done.status_code == 302
    db.session.expire_all()
    dev = db.session.scalar(select(HouseholdMember).where(
        HouseholdMember.household_id == household.id, HouseholdMember.name == "Dev Shah"))
    assert dev.date_of_birth == date(2007, 1, 2) and dev.lives_in_household
    dbs = db.session.scalar(select(Check).where(Check.household_id == household.id,
                                                Check.key == f"dbs:p{dev.id}"))
    assert dbs is not None and dbs.kind == "dbs" and dbs.required
    [task] = db.session.scalars(select(Task).where(Task.household_id == household.id)).all()
    assert task.owner_id == worker.id and "Dev Shah" in task.title
    assert "Dev Shah's DBS check: we will ask for it soon" in text(browser.get("/apply/progress"))
    assert "Dev Shah" in text(browser.get("/apply/details"))
    # The worker's checks page shows the new adult's DBS.
    staff = client_for(app, worker)
    assert "Dev Shah" in text(staff.get(f"/staff/cases/{household.reference}/checks"))


def test_moving_house_records_the_new_address_and_its_area_check(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    old = make_address(household, lived_from=date(2015, 1, 1))
    browser = applicant_client(app, applicant)
    done = post_form(browser, "/apply/details/moving-house", {
        "line_1": "4 River Lane", "line_2": "", "town": "Eastbridge", "postcode": "eb1 2ab",
        "local_authority": "Eastshire", **date_parts("moved_on", TODAY - timedelta(days=1))})
    assert done.status_code == 302, text(done)
    db.session.expire_all()
    addresses = db.session.scalars(select(Address).where(
        Address.household_id == household.id).order_by(Address.id)).all()
    assert [a.lived_to for a in addresses] == [TODAY - timedelta(days=1), None]
    assert addresses[0].id == old.id and addresses[1].postcode == "EB1 2AB"
    assert db.session.get(Household, household.id).postcode == "EB1 2AB"
    assert db.session.scalar(select(Check).where(Check.household_id == household.id,
                                                 Check.key == "la:eastshire")) is not None
    assert db.session.scalar(select(Task).where(Task.household_id == household.id))


def test_someone_moving_out_raises_a_task(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    lodger = make_member(household, "Lee Lodger", "lodger")
    browser = applicant_client(app, applicant)
    page = html_of(browser.get("/apply/details/someone-moving-out"))
    assert "Lee Lodger" in page and f'value="{applicant.member_id}"' not in page
    done = post_form(browser, "/apply/details/someone-moving-out", {
        "member": str(lodger.id), **date_parts("moved_on", TODAY)})
    assert done.status_code == 302
    task = db.session.scalar(select(Task).where(Task.household_id == household.id))
    assert "Lee Lodger moving out" in task.title


# --- one household only ---

def test_another_households_data_is_never_shown(app, team, worker):
    household, applicant = household_with_applicant("mainstream", "stage1", [worker], team)
    other, other_applicant = household_with_applicant("connected_person", "full_assessment",
                                                      [worker], team)
    make_member(household, "Lee Lodger", "lodger")
    other.name = "Zed Family"
    member = make_member(other, "Zara Zed", "partner")
    make_visit(other, worker, TODAY + timedelta(days=2), time(9, 0))
    checks.sync_required_checks(other)
    db.session.commit()
    browser = applicant_client(app, applicant)
    for url in ("/apply/progress", "/apply/details", "/apply/details/someone-moving-out"):
        page = text(browser.get(url))
        for secret in (other.reference, "Zed Family", "Zara Zed", other_applicant.email):
            assert secret not in page, (url, secret)
    # Naming the other household's member is refused as an unknown choice.
    refused = post_form(browser, "/apply/details/someone-moving-out", {
        "member": str(member.id), **date_parts("moved_on", TODAY)})
    assert refused.status_code == 200 and "Select who is moving out" in text(refused)
    assert db.session.scalar(select(Task).where(Task.household_id == other.id)) is None


def test_applicant_pages_need_an_applicant(app, worker):
    anonymous = isolated_client(app)
    response = anonymous.get("/apply/progress")
    assert response.status_code == 302 and "/apply/sign-in" in response.headers["Location"]
    staff = client_for(app, worker)
    response = staff.get("/apply/details")
    assert response.status_code == 302 and "/apply/sign-in" in response.headers["Location"]
