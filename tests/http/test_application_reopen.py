"""A task a caseworker reopens after submission, completed again by the applicant, feeds the
case again with nothing typed twice: the part of the feed that task drives, the checks
derived again, a line on the case's timeline and a task for the allocated worker."""

from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from carers.application.models import Application, ApplicationTask
from carers.cases.models import CaseEvent, HouseholdMember, Task
from carers.checks.models import Address, Referee
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from carers.reports.models import ApplicationFacts
from tests.factories import make_application
from tests.helpers import applicant_client, client_for, csrf_token, html_of
from tests.http.test_application_submission import (
    LINK,
    NOW,
    TODAY,
    checks_by_key,
    couple,
    full_answers,
    submit,
)
from tests.http.test_application_tasks import date_fields, send


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sent_application():
    """Alex and Sam Smith's application, sent; their worker is allocated."""
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    submit(application, alex)
    return household, worker, alex, sam


def task_row(household, key, applicant=None):
    db.session.expire_all()
    application = db.session.scalar(select(Application).where(
        Application.household_id == household.id))
    return db.session.scalar(select(ApplicationTask).where(
        ApplicationTask.application_id == application.id, ApplicationTask.task == key,
        (ApplicationTask.applicant_id == applicant.id) if applicant
        else ApplicationTask.applicant_id.is_(None)))


def reopen(app, household, worker, key, applicant=None):
    target = task_row(household, key, applicant)
    response = send(client_for(app, worker),
                    f"/staff/cases/{household.reference}/application/reopen",
                    {"task": str(target.id), "reason": "Please check this again"})
    assert response.status_code == 302
    assert task_row(household, key, applicant).status == "in_progress"


def save_item(client, task_key, slug, index, fields):
    url = f"/apply/tasks/{task_key}/{slug}/{index}"
    opened = html_of(client.get(url))
    version = opened.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = client.post(url, data=MultiDict(
        [("csrf_token", csrf_token(opened)), ("version", version), *fields]))
    assert response.status_code == 302, html_of(response)


def complete(client, task_key, slug=None):
    """No more to add to the list (if any), then "Yes, I've completed this section"."""
    if slug:
        response = send(client, f"/apply/tasks/{task_key}/{slug}", {"add": "no"})
        assert response.status_code == 302, html_of(response)
    response = send(client, f"/apply/tasks/{task_key}/check-answers", {"completed": "yes"})
    assert response.status_code == 302, html_of(response)
    return response


def address(line_1, town, postcode, area, lived_from, lived_to):
    return [("line_1", line_1), ("town", town), ("postcode", postcode),
            ("local_authority", area), *date_fields("lived_from", lived_from),
            *date_fields("lived_to", lived_to)]


def worker_tasks(household, worker):
    return db.session.scalars(select(Task).where(Task.household_id == household.id,
                                                 Task.owner_id == worker.id)).all()


def test_an_address_added_after_reopening_reaches_the_case_and_its_checks(app, frozen):
    household, worker, alex, sam = sent_application()
    assert "East Devon" not in {c.subject for c in checks_by_key(household).values()}
    emails = db.session.scalar(select(func.count(OutboxMessage.id)))
    reopen(app, household, worker, "addresses", alex)

    # Alex lived in Seaton for two of the years given to Leeds: the Leeds address ends
    # earlier and the flat in Seaton fills the time.
    client = applicant_client(app, alex)
    save_item(client, "addresses", "addresses", 1, address(
        "22 Canal Road", "Leeds", "LS1 4AP", "Leeds", date(2012, 1, 1), date(2017, 6, 30)))
    save_item(client, "addresses", "addresses", 2, address(
        "Flat 3, Harbour Road", "Seaton", "EX12 2LT", "East Devon", date(2017, 7, 1),
        date(2019, 4, 30)))
    complete(client, "addresses", "addresses")

    db.session.expire_all()
    assert task_row(household, "addresses", alex).status == "completed"
    stored = {(a.member.name, a.line_1): a for a in db.session.scalars(
        select(Address).where(Address.household_id == household.id))}
    assert sorted(stored) == [
        ("Alex Smith", "22 Canal Road"), ("Alex Smith", "4 Mill Lane"),
        ("Alex Smith", "Flat 3, Harbour Road"), ("Sam Smith", "4 Mill Lane"),
        ("Sam Smith", "9 Park Street")]
    assert stored[("Alex Smith", "22 Canal Road")].lived_to == date(2017, 6, 30)
    assert stored[("Alex Smith", "Flat 3, Harbour Road")].local_authority == "East Devon"
    # The checks ledger asks East Devon now, beside the areas it asked before.
    subjects = {c.subject for c in checks_by_key(household).values() if c.kind == "la_check"}
    assert subjects == {"Northmoor", "Leeds", "York", "East Devon"}

    # The timeline says what changed, and the worker has a task to review it.
    event = db.session.scalar(select(CaseEvent).where(
        CaseEvent.household_id == household.id,
        CaseEvent.summary == "Alex Smith changed “Where you have lived” after it was "
                             "reopened"))
    assert event is not None and event.happened_on == TODAY
    [task] = worker_tasks(household, worker)
    assert task.title == "Review Alex Smith's changes to “Where you have lived”"
    assert task.due_on == date(2027, 3, 8) and task.done_at is None
    case = html_of(client_for(app, worker).get(f"/staff/cases/{household.reference}"))
    assert "Alex Smith changed “Where you have lived” after it was reopened" in case
    # Nobody was emailed again: the referees already have their links.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == emails
    # Done once: the task is read-only again, and nothing more is added.
    assert client.get("/apply/tasks/addresses/addresses").status_code == 302
    assert len(worker_tasks(household, worker)) == 1


def test_a_new_referee_gets_a_link_and_the_others_are_not_asked_again(app, client, mailbox,
                                                                       frozen):
    household, worker, alex, sam = sent_application()
    assert send_due()["sent"] == 3  # the three referees named at submission
    reopen(app, household, worker, "referees")

    sam_client = applicant_client(app, sam)
    save_item(sam_client, "referees", "referees", 3, [
        ("name", "Kim Cousin"), ("relationship", "Sam's cousin"), ("is_relative", "yes"),
        ("email", "kim@example.com"), ("phone", ""), ("address", "8 Beech Road"),
        ("known_years", "30")])
    complete(sam_client, "referees", "referees")

    referees = db.session.scalars(select(Referee).where(
        Referee.household_id == household.id).order_by(Referee.id)).all()
    assert [r.name for r in referees] == ["Pat Friend", "Lee Neighbour", "Jan Smith",
                                          "Kim Cousin"]
    kim = referees[-1]
    assert kim.is_family and kim.known_since_years == 30 and kim.invited_at is not None
    assert checks_by_key(household)[f"reference:r{kim.id}"].requested_from == \
        "kim@example.com"
    # Only Kim is emailed, with a link of her own that opens her form.
    assert send_due()["sent"] == 1
    assert [m["To"] for m in mailbox.messages[3:]] == ["kim@example.com"]
    body = mailbox.messages[3].get_body(("plain",)).get_content()
    assert client.get(LINK.search(body).group(1)).status_code == 200
    assert len(worker_tasks(household, worker)) == 1


def test_changed_health_and_work_reach_the_report_the_case_and_its_checks(app, frozen):
    household, worker, alex, sam = sent_application()
    facts = db.session.get(ApplicationFacts, household.id)
    assert facts.facts["applicants"][1]["work"]["status"] == "self_employed"
    reopen(app, household, worker, "health", sam)
    reopen(app, household, worker, "work", sam)

    sam_client = applicant_client(app, sam)
    send(sam_client, "/apply/tasks/health/good-health",
         {"good_health": "no", "conditions": "Asthma, now with a yearly review"})
    complete(sam_client, "health")
    db.session.expire_all()
    facts = db.session.get(ApplicationFacts, household.id)
    sam_facts = facts.facts["applicants"][1]
    assert sam_facts["name"] == "Sam Smith"
    assert sam_facts["health"]["conditions"] == "Asthma, now with a yearly review"
    assert facts.submitted_on == TODAY  # still the day the application was sent

    send(sam_client, "/apply/tasks/work/status", {"status": "employed"})
    send(sam_client, "/apply/tasks/work/job", {"job_title": "Site joiner",
                                               "employer_name": "Northmoor Builders",
                                               "hours": "40 a week"})
    send(sam_client, "/apply/tasks/work/employer", {
        "employer_email": "office@builders.example", "employer_phone": "",
        "employer_address": "1 Yard Lane, Northmoor"})
    complete(sam_client, "work")

    db.session.expire_all()
    facts = db.session.get(ApplicationFacts, household.id)
    assert facts.facts["applicants"][1]["work"]["employer_name"] == "Northmoor Builders"
    sam_member = db.session.scalar(select(HouseholdMember).where(
        HouseholdMember.household_id == household.id, HouseholdMember.name == "Sam Smith"))
    assert sam_member.employer == "Northmoor Builders"
    employer = checks_by_key(household)[f"employer:p{sam_member.id}"]
    assert employer.subject == "Northmoor Builders for Sam Smith"
    assert "office@builders.example" in employer.notes
    titles = sorted(t.title for t in worker_tasks(household, worker))
    assert titles == ["Review Sam Smith's changes to “Work and income”",
                      "Review Sam Smith's changes to “Your health”"]
