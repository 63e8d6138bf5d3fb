"""No lost updates: when two people change the same case, the second is told the case changed
and their change is not applied.

Each person has their own test client whose requests run in their own application context
(a fresh database session per request, as in production), so nothing is shared between
them but the database. The races where both pass the version check at once are run on the
operations directly, with separate sessions and with threads; they must end in
``CaseChanged`` on SQLite and on PostgreSQL alike."""

import re
import threading
from datetime import date, datetime

import pytest
import time_machine
from markupsafe import escape
from sqlalchemy import func, select

import carers.cases.operations as operations
from carers.audit.models import AuditEvent
from carers.auth.models import User
from carers.cases.models import CaseEvent, Household, case_worker
from carers.cases.operations import CaseChanged
from carers.core.dates import LONDON, today
from carers.extensions import db
from carers.pipeline import TransitionFacts
from tests.factories import make_household, make_referee, make_staff, make_team
from tests.helpers import client_for, csrf_token

CHANGED = "This case changed since you opened it."


@pytest.fixture(autouse=True)
def tuesday_1_june_2027():
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=True):
        yield


@pytest.fixture
def team():
    return make_team("North team")


@pytest.fixture
def sam(team):
    return make_staff("assessing_social_worker", name="Sam Jones", team=team)


@pytest.fixture
def alex(team):
    return make_staff("assessing_social_worker", name="Alex Green", team=team)


@pytest.fixture
def case(team, sam, alex):
    """A case at initial contact, allocated to both Sam and Alex."""
    return make_household("mainstream", "initial_contact", team=team, workers=[sam, alex],
                          received_on=date(2027, 5, 4), stage_since=date(2027, 5, 5),
                          first_response_on=date(2027, 5, 5))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def flashes(page: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(
        r'govuk-notification-banner__heading">(.*?)</p>', page, re.S)]


def open_form(client, url: str) -> dict:
    """What a browser holds after opening a form: its CSRF token and the case version."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = text_of(response)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf_token(page), "version": version}


def parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def fresh(household_id: int) -> Household:
    db.session.expire_all()
    return db.session.get(Household, household_id)


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    db.session.expire_all()
    return db.session.scalar(query)


def assert_refused_as_changed(client, response, reference, *typed):
    """The form again, with an error summary saying why and everything that was typed."""
    assert response.status_code == 409
    page = text_of(response)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary and CHANGED in summary.group(0), page
    assert 'name="version" type="hidden"' in page and f"/staff/cases/{reference}" in page
    for text in typed:
        assert str(escape(text)) in page, text


# --- through the web: the second to post is told, and nothing of theirs is kept ---

@pytest.mark.parametrize("sams_action, alexs_action", [
    ("record_initial_visit", "record_initial_visit"),  # the same change twice
    ("record_initial_visit", "receive_application"),  # both valid from the new stage too
    ("receive_application", "close_before_application"),
])
def test_two_workers_move_the_same_case_and_the_second_is_refused(
        app, case, sam, alex, sams_action, alexs_action):
    sams, alexs = client_for(app, sam), client_for(app, alex)
    url = f"/staff/cases/{case.reference}/move/"
    sams_form = open_form(sams, url + sams_action)
    alexs_form = open_form(alexs, url + alexs_action)
    assert sams_form["version"] == alexs_form["version"]

    response = sams.post(url + sams_action, data={
        **sams_form, "on": parts(date(2027, 5, 20)), "confirm": "y", "reason": "Sam's"})
    assert response.status_code == 302
    after_sam = fresh(case.id)
    assert after_sam.stage != "initial_contact"

    response = alexs.post(url + alexs_action, data={
        **alexs_form, "on": parts(date(2027, 5, 21)), "confirm": "y", "reason": "Alex's"})
    assert_refused_as_changed(alexs, response, case.reference, "Alex's")

    after_alex = fresh(case.id)
    assert (after_alex.stage, after_alex.version, after_alex.stage_since) == (
        after_sam.stage, after_sam.version, date(2027, 5, 20))
    assert after_alex.closed_on is None
    transitions = db.session.scalars(select(CaseEvent).where(
        CaseEvent.household_id == case.id, CaseEvent.kind == CaseEvent.TRANSITION)).all()
    assert [(e.action, e.user_id, e.body) for e in transitions] == [
        (sams_action, sam.id, "Sam's")]
    assert count(AuditEvent, action="update", user_id=alex.id) == 0

    # Alex reopens the form, sees the new version, and can go ahead if it still makes sense.
    if alexs_action == "receive_application":
        form = open_form(alexs, url + alexs_action)
        response = alexs.post(url + alexs_action, data={
            **form, "on": parts(date(2027, 5, 21)), "confirm": "y", "reason": ""})
        assert response.status_code == 302
        assert fresh(case.id).stage == "application_received"


def test_two_workers_change_the_allocation_and_the_second_is_refused(app, case, sam, alex,
                                                                     team):
    kim = make_staff("recruitment_officer", name="Kim Patel", team=team)
    sams, alexs = client_for(app, sam), client_for(app, alex)
    url = f"/staff/cases/{case.reference}/allocation"
    sams_form, alexs_form = open_form(sams, url), open_form(alexs, url)

    response = sams.post(url, data={**sams_form, "workers": [str(sam.id), str(alex.id),
                                                             str(kim.id)]})
    assert response.status_code == 302
    assert "Allocation saved" in flashes(text_of(sams.get(response.headers["Location"])))

    response = alexs.post(url, data={**alexs_form, "workers": [str(alex.id)]})
    assert_refused_as_changed(alexs, response, case.reference)

    workers = db.session.scalars(select(case_worker.c.user_id).where(
        case_worker.c.household_id == case.id)).all()
    assert sorted(workers) == sorted([sam.id, alex.id, kim.id])
    allocations = db.session.scalars(select(CaseEvent.user_id).where(
        CaseEvent.household_id == case.id, CaseEvent.kind == CaseEvent.ALLOCATION)).all()
    assert allocations == [sam.id]


def test_two_managers_record_oversight_and_the_second_is_refused(app, case, team):
    first = make_staff("team_manager", name="Morgan Lee", team=team)
    second = make_staff("team_manager", name="Jo Shah", team=team)
    firsts, seconds = client_for(app, first), client_for(app, second)
    url = f"/staff/cases/{case.reference}/oversight"
    first_form, second_form = open_form(firsts, url), open_form(seconds, url)

    response = firsts.post(url, data={**first_form, "reviewed": "The visit record",
                                      "decision": "Proceed", "reasons": "Visit went well"})
    assert response.status_code == 302
    response = seconds.post(url, data={**second_form, "reviewed": "The checks ledger",
                                       "decision": "Pause", "reasons": "Wait for the DBS"})
    assert_refused_as_changed(seconds, response, case.reference, "The checks ledger", "Pause",
                              "Wait for the DBS")

    oversight = db.session.scalars(select(CaseEvent).where(
        CaseEvent.household_id == case.id, CaseEvent.kind == CaseEvent.OVERSIGHT)).all()
    assert [(e.user_id, e.body) for e in oversight] == [(first.id, "Visit went well")]


def test_any_change_makes_an_open_form_out_of_date(app, case, sam, team):
    manager = make_staff("team_manager", name="Morgan Lee", team=team)
    sams, managers = client_for(app, sam), client_for(app, manager)
    move_url = f"/staff/cases/{case.reference}/move/record_initial_visit"
    sams_form = open_form(sams, move_url)
    oversight_url = f"/staff/cases/{case.reference}/oversight"
    response = managers.post(oversight_url, data={
        **open_form(managers, oversight_url), "reviewed": "The address history",
        "decision": "Hold", "reasons": "Check the address history first"})
    assert response.status_code == 302

    response = sams.post(move_url, data={**sams_form, "on": parts(date(2027, 5, 20)),
                                         "confirm": "y"})
    assert_refused_as_changed(sams, response, case.reference)
    assert fresh(case.id).stage == "initial_contact"


def test_notes_and_tasks_do_not_make_open_forms_out_of_date(app, case, sam, alex):
    """Adding to the timeline is not a change to the case: no one's form is refused."""
    sams, alexs = client_for(app, sam), client_for(app, alex)
    move_url = f"/staff/cases/{case.reference}/move/record_initial_visit"
    sams_form = open_form(sams, move_url)
    page = text_of(alexs.get(f"/staff/cases/{case.reference}"))
    alexs.post(f"/staff/cases/{case.reference}/notes",
               data={"csrf_token": csrf_token(page), "text": "Left a voicemail"})
    response = sams.post(move_url, data={**sams_form, "on": parts(date(2027, 5, 20)),
                                         "confirm": "y"})
    assert response.status_code == 302
    assert not any(CHANGED in m for m in flashes(text_of(sams.get(response.headers["Location"]))))
    assert fresh(case.id).stage == "initial_visit"


# --- the race: both pass the version check before either writes ---

def facts(user, on=date(2027, 5, 20)) -> TransitionFacts:
    return TransitionFacts(by=user.name, on=on, today=today(), reason="")


CHANGES = {
    "move": lambda household, user: operations.move(
        household, "record_initial_visit", facts(user), user, household.version),
    "oversight": lambda household, user: operations.record_oversight(
        household, user, "The file", "Proceed", "Because", [], household.version),
    "allocation": lambda household, user: operations.allocate(
        household, user, [user], household.version),
}


@pytest.mark.parametrize("second", CHANGES)
@pytest.mark.parametrize("first", CHANGES)
def test_a_change_made_from_a_stale_copy_of_the_case_raises_case_changed(
        app, case, sam, alex, first, second):
    """Sam's request loads the case; Alex's request changes and commits it; then Sam's
    request writes. Sam's in-memory version still matches what Sam's form said, so only the
    database (version_id_col -> StaleDataError) can catch it."""
    before = fresh(case.id).version
    with app.app_context():  # Sam's request: its own session, its own g
        stale = db.session.get(Household, case.id)
        stale_user = db.session.get(User, sam.id)
        assert stale.version == before and len(stale.workers) == 2

        with app.app_context():  # Alex's request, meanwhile
            household = db.session.get(Household, case.id)
            CHANGES[first](household, db.session.get(User, alex.id))

        with pytest.raises(CaseChanged):
            CHANGES[second](stale, stale_user)
        assert not db.session.new and not db.session.dirty

    after = fresh(case.id)
    assert after.version > before
    events = db.session.scalars(select(CaseEvent).where(
        CaseEvent.household_id == case.id)).all()
    assert [e.user_id for e in events] == [alex.id]
    assert count(AuditEvent, action="update", user_id=sam.id) == 0
    workers = db.session.scalars(select(case_worker.c.user_id).where(
        case_worker.c.household_id == case.id)).all()
    assert sorted(workers) == sorted([alex.id] if first == "allocation" else [sam.id, alex.id])
    if first != "move":
        assert after.stage == "initial_contact"


@pytest.mark.parametrize("change", CHANGES)
def test_two_requests_writing_at_the_same_moment_one_wins_one_is_told(app, case, sam, alex,
                                                                      change, monkeypatch):
    """Two threads, each a request with its own connection. Both load the case and pass the
    version check; a barrier holds them until both are about to commit."""
    barrier = threading.Barrier(2, timeout=20)
    real_audit = operations.audit

    def audit_then_wait(*args, **kwargs):
        event = real_audit(*args, **kwargs)
        barrier.wait()
        return event

    monkeypatch.setattr(operations, "audit", audit_then_wait)
    outcomes = {}

    def request(user_id):
        with app.app_context():
            household = db.session.get(Household, case.id)
            user = db.session.get(User, user_id)
            try:
                CHANGES[change](household, user)
            except CaseChanged:
                outcomes[user_id] = "changed"
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcomes[user_id] = repr(error)
                barrier.abort()
            else:
                outcomes[user_id] = "saved"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=request, args=(uid,)) for uid in (sam.id, alex.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert sorted(outcomes.values()) == ["changed", "saved"], outcomes
    winner = next(uid for uid, outcome in outcomes.items() if outcome == "saved")
    events = db.session.scalars(select(CaseEvent.user_id).where(
        CaseEvent.household_id == case.id)).all()
    assert events == [winner]
    assert count(AuditEvent, action="update") == 1
    if change == "allocation":
        workers = db.session.scalars(select(case_worker.c.user_id).where(
            case_worker.c.household_id == case.id)).all()
        assert workers == [winner]


def test_two_workers_withdraw_the_same_case_and_the_second_keeps_what_they_typed(
        app, team, sam, alex):
    case = make_household("mainstream", "stage1", team=team, workers=[sam, alex])
    sams, alexs = client_for(app, sam), client_for(app, alex)
    url = f"/staff/cases/{case.reference}/move/withdraw"
    sams_form, alexs_form = open_form(sams, url), open_form(alexs, url)
    response = sams.post(url, data={**sams_form, "on": parts(date(2027, 6, 1)), "confirm": "y",
                                    "reason": "They moved away", "withdrawal_code": "AW1"})
    assert response.status_code == 302, text_of(response)
    response = alexs.post(url, data={**alexs_form, "on": parts(date(2027, 6, 1)),
                                     "confirm": "y", "withdrawal_code": "AW2",
                                     "reason": "A long explanation Alex typed"})
    assert_refused_as_changed(alexs, response, case.reference,
                              "A long explanation Alex typed")
    withdrawals = db.session.scalars(select(CaseEvent.body).where(
        CaseEvent.household_id == case.id, CaseEvent.kind == CaseEvent.TRANSITION)).all()
    assert withdrawals == ["They moved away"]


@pytest.mark.parametrize("version", ["²", "٣", "9" * 40])
def test_a_version_that_is_not_a_plain_number_is_read_as_none_not_a_server_error(
        app, case, sam, version):
    """A tampered version field ("²" is a digit to Python but not a number to int(), and 40
    digits overflow the column) counts as no version, as if the field were missing."""
    referee = make_referee(case)
    sams = client_for(app, sam)
    page = text_of(sams.get(f"/staff/cases/{case.reference}/checks"))
    response = sams.post(f"/staff/cases/{case.reference}/referees/{referee.id}/withdraw",
                         data={"csrf_token": csrf_token(page), "version": version},
                         follow_redirects=True)
    assert response.status_code == 200
    assert "Pat Friend is no longer a referee" in flashes(text_of(response))
