"""Management oversight with actions, through the web: the record, its actions as tasks for
the people chosen (on their My work and in their morning digest when due), the case's
timeline, the form's errors, a stale form, who may record it, and the list of open cases
due a manager's oversight.

Every test runs on Tuesday 1 June 2027; Monday 31 May 2027 is the spring bank holiday."""

import html as htmllib
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from markupsafe import escape
from sqlalchemy import select, update

from carers.cases import operations
from carers.cases.models import CaseEvent, Household, OversightRecord, Task
from carers.clocks.workdays import add_working_days
from carers.core.dates import LONDON
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.scheduler.digest import send_clock_digests
from tests.factories import make_household, make_staff, make_team, set_setting
from tests.helpers import csrf_token, html_of, isolated_client, sign_in

TODAY = date(2027, 6, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=True) as traveller:
        yield traveller


@pytest.fixture
def north(app):
    team = make_team("North team")
    people = {
        "manager": make_staff("team_manager", name="Morgan Lee", team=team),
        "sam": make_staff("assessing_social_worker", name="Sam Patel", team=team),
        "alex": make_staff("recruitment_officer", name="Alex Green", team=team),
    }
    case = make_household("mainstream", "stage1", team=team, workers=[people["sam"]],
                          name="Shah household", application_received_on=date(2027, 2, 1))
    return team, people, case


def plain(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def summary_links(page: str) -> list[tuple[str, str]]:
    """The GOV.UK error summary's (message, link) pairs."""
    block = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert block, "no error summary on the page"
    return [(plain(text), href) for href, text in
            re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', block.group(0), re.S)]


def client_for(app, user):
    client = isolated_client(app)
    sign_in(client, user)
    return client


def parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def open_form(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = html_of(response)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf_token(page), "version": version}


def url_of(case) -> str:
    return f"/staff/cases/{case.reference}/oversight"


TWO_ACTIONS = {
    "reviewed": "The checks ledger, both references and the last visit write-up",
    "decision": "Proceed to Stage 2",
    "reasons": "References are positive and the DBS disclosure is historic.",
}


def test_oversight_with_two_actions_makes_the_record_the_tasks_and_the_timeline_entry(
        app, north):
    _, people, case = north
    manager, sam, alex = people["manager"], people["sam"], people["alex"]
    managers = client_for(app, manager)
    page = html_of(managers.get(url_of(case)))
    # Without JavaScript: three blank action rows, and a way to add another.
    assert [n for n in range(1, 6) if f'name="action_{n}"' in page] == [1, 2, 3]
    assert "Add another action" in page
    response = managers.post(url_of(case), data={
        **open_form(managers, url_of(case)), **TWO_ACTIONS,
        "action_1": "Book the first Stage 2 session", "owner_1": str(sam.id),
        "due_on_1": parts(date(2027, 6, 8)),
        "action_2": "Chase the employer reference", "owner_2": str(alex.id),
        "due_on_2": parts(date(2027, 6, 15)),
        "action_3": "", "owner_3": "", "due_on_3": ["", "", ""],  # left blank: ignored
    })
    assert response.status_code == 302, summary_links(html_of(response))

    [record] = db.session.scalars(select(OversightRecord)).all()
    assert (record.household_id, record.user_id, record.recorded_on) == (case.id, manager.id,
                                                                          TODAY)
    assert (record.reviewed, record.decision, record.reasons) == (
        TWO_ACTIONS["reviewed"], TWO_ACTIONS["decision"], TWO_ACTIONS["reasons"])
    tasks = db.session.scalars(select(Task).order_by(Task.id)).all()
    assert [(t.title, t.owner_id, t.due_on, t.created_by_id, t.oversight_id) for t in tasks] == [
        ("Book the first Stage 2 session", sam.id, date(2027, 6, 8), manager.id, record.id),
        ("Chase the employer reference", alex.id, date(2027, 6, 15), manager.id, record.id)]

    # One timeline entry (no task entries), naming what was reviewed and the actions.
    events = db.session.scalars(select(CaseEvent).where(
        CaseEvent.household_id == case.id)).all()
    [event] = events
    assert event.kind == CaseEvent.OVERSIGHT and record.event_id == event.id
    assert event.summary == "Management oversight by Morgan Lee: Proceed to Stage 2"
    assert event.body == TWO_ACTIONS["reasons"]
    assert event.details["reviewed"] == TWO_ACTIONS["reviewed"]
    assert [(a["title"], a["owner"], a["due_on"]) for a in event.details["actions"]] == [
        ("Book the first Stage 2 session", "Sam Patel", "2027-06-08"),
        ("Chase the employer reference", "Alex Green", "2027-06-15")]

    # The case page shows the whole record, and whether each action is done.
    case_page = plain(html_of(managers.get(f"/staff/cases/{case.reference}")))
    assert "Management oversight recorded" in case_page
    assert TWO_ACTIONS["reviewed"] in case_page and TWO_ACTIONS["reasons"] in case_page
    assert ("Book the first Stage 2 session Sam Patel, due 8 June 2027 Not done"
            in case_page)
    assert ("Chase the employer reference Alex Green, due 15 June 2027 Not done"
            in case_page)

    # Each owner sees their action on My work, with its due date.
    sams_work = plain(html_of(client_for(app, sam).get("/staff/my-work")))
    assert "Book the first Stage 2 session – due 8 June 2027" in sams_work
    assert "Chase the employer reference" not in sams_work
    alexs = client_for(app, alex)
    alexs_work = plain(html_of(alexs.get("/staff/my-work")))
    assert "Chase the employer reference – due 15 June 2027" in alexs_work

    # Done by its owner, it shows as done on the record.
    alexs.post(f"/staff/tasks/{tasks[1].id}/done?next=my-work",
               data={"csrf_token": csrf_token(html_of(alexs.get("/staff/my-work")))})
    case_page = plain(html_of(managers.get(f"/staff/cases/{case.reference}")))
    assert "Chase the employer reference Alex Green, due 15 June 2027 Done" in case_page


def test_a_partly_filled_action_says_what_is_missing_and_keeps_what_was_typed(app, north):
    _, people, case = north
    managers = client_for(app, people["manager"])
    response = managers.post(url_of(case), data={
        **open_form(managers, url_of(case)), **TWO_ACTIONS,
        "action_1": "Book the first Stage 2 session", "owner_1": str(people["sam"].id),
        "due_on_1": parts(date(2027, 6, 8)),
        "action_2": "Chase the <employer> reference", "owner_2": "",
        "due_on_2": ["", "", ""],
        "action_3": "Ring the GP", "owner_3": str(people["alex"].id),
        "due_on_3": parts(date(2027, 5, 28)),
    })
    assert response.status_code == 200
    page = html_of(response)
    assert summary_links(page) == [
        ("Enter who will do action 2", "#owner_2"),
        ("Enter the due date for action 2", "#due_on_2-day"),
        ("The due date for action 3 must be today or later", "#due_on_3-day"),
    ]
    # Every linked field is on the page, and everything typed is kept.
    for _, href in summary_links(page):
        assert f'id="{href[1:]}"' in page
    for typed in (TWO_ACTIONS["reviewed"], TWO_ACTIONS["decision"], TWO_ACTIONS["reasons"],
                  "Book the first Stage 2 session", "Chase the <employer> reference",
                  "Ring the GP"):
        assert str(escape(typed)) in page, typed
    assert re.search(rf'<option selected value="{people["sam"].id}"|'
                     rf'<option value="{people["sam"].id}" selected', page)
    assert 'name="due_on_3-year" type="text" value="2027"' in page or \
        re.search(r'id="due_on_3-day"[^>]*value="28"|value="28"[^>]*id="due_on_3-day"', page)
    assert db.session.scalars(select(OversightRecord)).all() == []
    assert db.session.scalars(select(Task)).all() == []


def test_a_partly_filled_action_without_its_text_or_a_whole_date(app, north):
    _, people, case = north
    managers = client_for(app, people["manager"])
    response = managers.post(url_of(case), data={
        **open_form(managers, url_of(case)), **TWO_ACTIONS,
        "owner_1": str(people["sam"].id), "due_on_1": ["8", "", "2027"],
    })
    assert response.status_code == 200
    assert summary_links(html_of(response)) == [
        ("Enter action 1", "#action_1"),
        ("The due date for action 1 must include a month", "#due_on_1-month"),
    ]


def test_add_another_action_shows_one_more_row_and_keeps_what_was_typed(app, north):
    _, people, case = north
    managers = client_for(app, people["manager"])
    response = managers.post(url_of(case), data={
        **open_form(managers, url_of(case)), **TWO_ACTIONS, "rows": "3",
        "action_1": "Book the first Stage 2 session", "add_action": "Add another action"})
    assert response.status_code == 200
    page = html_of(response)
    assert 'class="govuk-error-summary' not in page
    assert [n for n in range(1, 6) if f'name="action_{n}"' in page] == [1, 2, 3, 4]
    assert "Book the first Stage 2 session" in page and TWO_ACTIONS["reasons"] in page
    assert db.session.scalars(select(OversightRecord)).all() == []


def test_a_stale_form_is_refused_and_keeps_what_was_typed(app, north):
    _, people, case = north
    managers = client_for(app, people["manager"])
    opened = open_form(managers, url_of(case))
    # Someone else changes the case meanwhile.
    other = client_for(app, make_staff("team_manager", team=north[0]))
    assert other.post(url_of(case), data={
        **open_form(other, url_of(case)), "reviewed": "File", "decision": "Hold",
        "reasons": "Wait"}).status_code == 302
    response = managers.post(url_of(case), data={
        **opened, **TWO_ACTIONS, "action_1": "Book the first Stage 2 session",
        "owner_1": str(people["sam"].id), "due_on_1": parts(date(2027, 6, 8))})
    assert response.status_code == 409
    page = html_of(response)
    assert "This case changed since you opened it" in plain(page)
    for typed in (TWO_ACTIONS["reviewed"], TWO_ACTIONS["decision"], TWO_ACTIONS["reasons"],
                  "Book the first Stage 2 session"):
        assert str(escape(typed)) in page, typed
    db.session.expire_all()
    assert [r.decision for r in db.session.scalars(select(OversightRecord))] == ["Hold"]
    assert db.session.scalars(select(Task)).all() == []
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert version == str(db.session.get(Household, case.id).version)


def test_only_managers_record_oversight(app, north):
    _, people, case = north
    for who in (people["sam"], people["alex"]):  # the allocated worker too
        client = client_for(app, who)
        assert client.get(url_of(case)).status_code == 403
        token = csrf_token(html_of(client.get(f"/staff/cases/{case.reference}")))
        assert client.post(url_of(case), data={
            "csrf_token": token, **TWO_ACTIONS, "version": "1"}).status_code == 403
        assert client.get("/staff/cases/oversight-due").status_code == 403
    assert db.session.scalars(select(OversightRecord)).all() == []


def test_the_owners_offered_are_the_cases_team_and_its_workers(app, north):
    team, people, case = north
    elsewhere = make_staff("assessing_social_worker", name="Eli Elsewhere",
                           team=make_team("South team"))
    case.workers.append(elsewhere)
    db.session.commit()
    gone = make_staff("assessing_social_worker", name="Gil Gone", team=team)
    gone.active = False
    db.session.commit()
    page = html_of(client_for(app, people["manager"]).get(url_of(case)))
    owner_1 = re.search(r'<select[^>]*id="owner_1".*?</select>', page, re.S).group(0)
    names = [plain(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", owner_1, re.S)]
    assert names == ["Select a person", "Alex Green", "Eli Elsewhere", "Morgan Lee",
                     "Sam Patel"]


def test_the_oversight_due_list_shows_open_cases_of_the_managers_team_with_no_recent_record(
        app, north):
    team, people, case = north
    manager = people["manager"]
    south = make_team("South team")
    recent = make_household("mainstream", "stage2", team=team, name="Recent household",
                            workers=[people["sam"]])
    lapsed = make_household("connected_person", "full_assessment", team=team,
                            name="Lapsed household")
    approved = make_household("mainstream", "approved", team=team, name="Approved household")
    withdrawn = make_household("mainstream", "withdrawn", team=team, name="Gone household")
    southern = make_household("mainstream", "stage1", team=south, name="Southern household")
    managers = client_for(app, manager)

    def record(household, on):
        operations.record_oversight(household, manager, "File", "Carry on", "On track", [],
                                    household.version)
        db.session.execute(update(OversightRecord).where(
            OversightRecord.household_id == household.id).values(recorded_on=on))
        db.session.commit()

    cutoff = add_working_days(TODAY, -20)  # 20 working days: the default
    record(lapsed, cutoff - timedelta(days=1))
    record(recent, cutoff)

    page = html_of(managers.get("/staff/cases/oversight-due"))
    rows = [[plain(c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", page.split("<tbody", 1)[1], re.S)]
    # Never first, then the longest since the last.
    assert rows == [
        [case.reference, "Shah household", "Stage 1: checks and references", "Never",
         "Sam Patel"],
        [lapsed.reference, "Lapsed household", "Full assessment",
         f"{(cutoff - timedelta(days=1)).day} {(cutoff - timedelta(days=1)):%B %Y}",
         "Not allocated"],
    ]
    for hidden in (recent, approved, withdrawn, southern):
        assert hidden.reference not in page
    # Managers find it in their navigation; workers do not.
    assert 'href="/staff/cases/oversight-due"' in page
    assert 'href="/staff/cases/oversight-due"' not in html_of(
        client_for(app, people["sam"]).get("/staff/my-work"))

    # The other team's manager sees only theirs; an administrator sees every team's.
    sues = client_for(app, make_staff("team_manager", team=south))
    sues_page = html_of(sues.get("/staff/cases/oversight-due"))
    assert southern.reference in sues_page and case.reference not in sues_page
    admins = html_of(client_for(app, make_staff("administrator")).get(
        "/staff/cases/oversight-due"))
    assert southern.reference in admins and case.reference in admins

    # A longer interval in the agency's settings: the lapsed case is not yet due.
    set_setting("oversight_interval_working_days", 30)
    page = html_of(managers.get("/staff/cases/oversight-due"))
    assert lapsed.reference not in page and case.reference in page


def test_an_oversight_action_is_in_its_owners_morning_digest_when_due(app, north):
    _, people, case = north
    managers = client_for(app, people["manager"])
    due = date(2027, 6, 3)
    assert managers.post(url_of(case), data={
        **open_form(managers, url_of(case)), **TWO_ACTIONS,
        "action_1": "Book the first Stage 2 session", "owner_1": str(people["alex"].id),
        "due_on_1": parts(due)}).status_code == 302
    morning = datetime(2027, 6, 3, 7, 0, tzinfo=LONDON)
    with time_machine.travel(morning, tick=False):
        send_clock_digests(morning)
    body = db.session.scalar(select(OutboxMessage.body_text).where(
        OutboxMessage.to_address == people["alex"].email))
    assert body and "Book the first Stage 2 session, due today" in body
