"""The pipeline pages issue the same number of SQL statements however much data there is:
10 cases or 1,000, 10 timeline entries or 200, 10 tasks or 50; and so do the applicants' own
pages, with 1 visit or 12, 1 message or 80, a few checks or 30, 2 addresses or 15. A count
that grows with the data is an N+1 (a lazy load per row) and will make the page slow for a
real agency.

Requests run in their own application context (as in production), so nothing is served
from a previous request's identity map."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from carers.application.models import Application, ApplicationTask
from carers.cases.models import CaseEvent, Household
from carers.checks.operations import sync_required_checks
from carers.core.dates import LONDON, utcnow
from carers.extensions import db
from carers.messages.models import Message
from carers.panel.models import PanelDecision
from carers.portal.queries import APPLICANT_EVENT, REARRANGE
from carers.uploads.models import DocumentRequest, UploadedDocument
from tests.factories import (
    bulk_events,
    bulk_households,
    bulk_insert,
    bulk_tasks,
    make_address,
    make_applicant,
    make_check,
    make_household,
    make_member,
    make_staff,
    make_team,
    make_visit,
)
from tests.helpers import applicant_client, counting, isolated_client, sign_in

# Days from today to each case's next deadline, in turn: every deadline filter (overdue, due
# soon, on track, none) has cases even in the small data set.
DUE_OFFSETS = [None, -1, -20, 0, 2, 9, 60]
STAGES = [("mainstream", "enquiry"), ("mainstream", "stage1"), ("mainstream", "stage2"),
          ("connected_person", "referral"), ("connected_person", "full_assessment"),
          ("mainstream", "withdrawn")]


@pytest.fixture(autouse=True)
def tuesday_1_june_2027():
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=True):
        yield


def queries_for(client, url: str, rows_at_least: int = 0) -> list[str]:
    client.get(url)  # warm up anything cached per process (holiday tables, templates)
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # An empty list would skip its loaders and prove nothing.
    shown = response.get_data(as_text=True).count('href="/staff/cases/')
    assert shown >= rows_at_least, f"{url} lists {shown} cases"
    return statements


def explain(small: list[str], large: list[str]) -> str:
    grown = Counter(large) - Counter(small)
    shrunk = Counter(small) - Counter(large)
    lines = [f"{len(small)} statements with the small data set, {len(large)} with the large"]
    lines += [f"+{n} x {s[:300]}" for s, n in grown.most_common(5)]
    lines += [f"-{n} x {s[:300]}" for s, n in shrunk.most_common(5)]
    return "\n".join(lines)


class World:
    """A team with four workers (Sam signed in on ``client``) and cases spread across
    stages, pathways, teams, workers and deadlines."""

    def __init__(self, app):
        self.team = make_team("North team")
        self.south = make_team("South team")
        self.sam = make_staff("assessing_social_worker", name="Sam Jones", team=self.team)
        self.others = [make_staff(role, team=team) for role, team in [
            ("recruitment_officer", self.team), ("assessing_social_worker", self.south),
            ("team_manager", self.team)]]
        self.client = isolated_client(app)
        sign_in(self.client, self.sam)
        self.cases = 0

    def add_cases(self, total: int) -> None:
        """Bring the number of cases up to ``total``, in bulk."""
        batches = []
        for i in range(self.cases, total):
            pathway, stage = STAGES[i % len(STAGES)]
            workers = [self.sam] + ([self.others[i % 3]] if i % 2 else [])
            team = self.team if i % 4 else self.south
            offset = DUE_OFFSETS[i % len(DUE_OFFSETS)]
            due = None if offset is None else date(2027, 6, 1) + timedelta(days=offset)
            batches.append(((pathway, stage, team.id, tuple(w.id for w in workers)), due))
        groups: dict[tuple, list] = {}
        for key, due in batches:
            groups.setdefault(key, []).append(due)
        teams = {self.team.id: self.team, self.south.id: self.south}
        users = {u.id: u for u in [self.sam, *self.others]}
        for (pathway, stage, team_id, worker_ids), dues in groups.items():
            bulk_households(len(dues), pathway, stage, team=teams[team_id],
                            workers=[users[w] for w in worker_ids],
                            next_due_on=lambda i, dues=dues: dues[i],
                            next_due_label="Panel recommendation within 8 months")
        self.cases = total

    def some_case_ids(self, n: int) -> list[int]:
        return db.session.scalars(select(Household.id).order_by(Household.id).limit(n)).all()


@pytest.fixture
def world(app):
    return World(app)


BOARD_URLS = [
    "/staff/pipeline",
    "/staff/pipeline?page=2",
    "/staff/pipeline?pathway=mainstream&stage=stage1",
    "/staff/pipeline?clock=overdue",
    "/staff/pipeline?clock=due_soon",
    "/staff/pipeline?clock=on_track",
    "/staff/pipeline?clock=none",
    "/staff/pipeline?worker={sam}",
    "/staff/pipeline?team={team}&pathway=connected_person",
    "/staff/pipeline?worker={sam}&team={team}&clock=overdue&pathway=mainstream",
    "/staff/pipeline?worker={other}&team={team}",
]


def test_the_board_issues_the_same_queries_for_10_cases_as_for_1000(world):
    urls = [u.format(sam=world.sam.id, team=world.team.id, other=world.others[0].id)
            for u in BOARD_URLS]
    world.add_cases(10)
    small = {url: queries_for(world.client, url, rows_at_least=1) for url in urls}
    world.add_cases(1000)
    assert db.session.scalar(select(db.func.count(Household.id))) == 1000
    for url in urls:
        large = queries_for(world.client, url, rows_at_least=1)
        assert len(large) == len(small[url]), f"{url}\n{explain(small[url], large)}"
        assert len(large) <= 12, f"{url}: {len(large)} statements\n" + "\n".join(large)


def test_my_work_issues_the_same_queries_for_10_cases_as_for_1000(world):
    world.add_cases(10)
    ids = world.some_case_ids(10)
    for hid in ids[:5]:
        bulk_tasks(hid, world.sam, 2, due_on=date(2027, 5, 20))
    small = queries_for(world.client, "/staff/my-work", rows_at_least=10)
    world.add_cases(1000)
    for hid in world.some_case_ids(60)[10:]:
        bulk_tasks(hid, world.sam, 2, due_on=date(2027, 6, 20))
    large = queries_for(world.client, "/staff/my-work")
    assert len(large) == len(small), explain(small, large)
    page = world.client.get("/staff/my-work").get_data(as_text=True)
    assert page.count("Mark as done") == 100  # the first 100 open tasks
    assert "1000 cases allocated to you" in page


def test_a_case_page_issues_the_same_queries_however_long_its_history(world):
    """10 timeline entries and 10 tasks, then 200 entries and 50 tasks, by several people,
    with 10 and then 1,000 cases in the database."""
    world.add_cases(10)
    people = [world.sam, *world.others]
    busy = make_household("mainstream", "stage1", team=world.team, workers=people[:3],
                          application_received_on=date(2027, 2, 1))
    quiet = make_household("connected_person", "full_assessment", team=world.team,
                           workers=[world.sam], reg24_approved_on=date(2027, 4, 1))
    for household in (busy, quiet):
        for i, person in enumerate(people):
            bulk_events(household.id, 3 if i < 2 else 2, user=person)
            bulk_tasks(household.id, person, 3 if i < 2 else 2, created_by=world.sam)
    urls = [f"/staff/cases/{busy.reference}", f"/staff/cases/{quiet.reference}",
            f"/staff/cases/{busy.reference}?page=2"]
    small = {url: queries_for(world.client, url) for url in urls}

    world.add_cases(1000)
    for household in (busy, quiet):
        for person in people:
            bulk_events(household.id, 190 // len(people) + 1, user=person,
                        kind=CaseEvent.TRANSITION)
            bulk_tasks(household.id, person, 10, created_by=people[-1])
    assert db.session.scalar(select(db.func.count(CaseEvent.id)).where(
        CaseEvent.household_id == busy.id)) >= 200
    for url in urls:
        large = queries_for(world.client, url)
        assert len(large) == len(small[url]), f"{url}\n{explain(small[url], large)}"
    page = world.client.get(urls[0]).get_data(as_text=True)
    assert page.count('class="carers-timeline__item"') == 50  # one page of the timeline
    assert page.count("Mark as done<span") == 50


# --- the applicants' own pages ---

APPLICANT_URLS = {
    # url: what shows once per item, so an empty page cannot pass
    "/apply/progress": "Add to your calendar",
    "/apply/application": 'class="govuk-task-list__item',
    "/apply/tasks/addresses/addresses": "High Street",
    "/apply/tasks/addresses/check-answers": "High Street",
    "/apply/tasks/referees/referees": "Referee ",
}


def applicant_queries(client, url: str, shown: str) -> tuple[list[str], int]:
    client.get(url)
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements, response.get_data(as_text=True).count(shown)


def addresses(count: int) -> list[dict]:
    """``count`` addresses covering the last ten years and more, newest first."""
    out, end = [], None
    for n in range(count):
        start = date(2027, 6, 1) - timedelta(days=(n + 1) * 3700 // count)
        out.append({"line_1": f"{n + 1} High Street", "town": "Northmoor",
                    "postcode": "NM1 1AA", "local_authority": "Northmoor",
                    "lived_from": start.isoformat(),
                    "lived_to": end.isoformat() if end else None})
        end = start - timedelta(days=1)
    return out


def referees(count: int) -> list[dict]:
    return [{"name": f"Referee {n}", "relationship": "Friend", "is_relative": n == 0,
             "email": f"referee{n}@example.com", "phone": None, "address": "1 Lane",
             "known_years": 5} for n in range(count)]


def test_the_applicants_pages_issue_the_same_queries_however_much_the_household_has(app):
    """The progress page, the task list and a task's pages, for a joint applicant whose
    household has 1 visit, 1 message, its checks and 2 addresses; then 12 visits with
    several workers, 80 messages, 30 more checks, 15 addresses in the answers and on the
    case, 5 requests to rearrange, 10 document requests with files and another adult."""
    team = make_team("North team")
    workers = [make_staff("assessing_social_worker", team=team) for _ in range(4)]
    household = make_household("mainstream", "stage1", team=team, workers=workers[:1],
                               address="1 High Street, Northmoor", postcode="NM1 1AA")
    partner = make_member(household, "Sam Shah", is_applicant=True)
    priya = make_applicant(household)
    make_applicant(household, partner)
    browser = applicant_client(app, priya)
    browser.get("/apply/application")  # the application and its rows, as on a first visit
    application = db.session.scalar(select(Application).where(
        Application.household_id == household.id))
    rows = {(t.task, t.applicant_id): t for t in application.tasks}

    def answer(list_length: int) -> None:
        rows[("addresses", priya.id)].answers = {"addresses": addresses(list_length)}
        rows[("referees", None)].answers = {"referees": referees(list_length + 1)}
        for row in rows.values():
            row.status = ApplicationTask.IN_PROGRESS
        db.session.commit()

    def busy(count: int, first_day: int) -> None:
        for n in range(count):
            make_visit(household, workers[n % len(workers)],
                       day=date(2027, 6, 2) + timedelta(days=first_day + n))
        now = utcnow()
        bulk_insert(Message, [{"household_id": household.id, "author_user_id": workers[0].id,
                               "author_name": workers[0].name, "body": f"Message {n}",
                               "sent_at": now} for n in range(count * 6)])
        bulk_insert(CaseEvent, [{"household_id": household.id, "at": now,
                                 "happened_on": date(2027, 6, 1), "kind": APPLICANT_EVENT,
                                 "summary": "Asked to rearrange",
                                 "details": {"request": REARRANGE, "visit_id": 0}}
                                for _ in range(count // 2)])
        for n in range(count):
            make_address(household, line_1=f"{n + 2} Mill Lane", lived_to=date(2020, 1, 1),
                         local_authority=f"Council {n}")
            make_check(household, "personal_reference")
            make_check(household, "la_check", subject=f"Council {n}",
                       requested_on=date(2027, 5, 1))
        for _ in range(count):
            request = DocumentRequest(household_id=household.id, kind="identity",
                                      requested_by_id=workers[0].id)
            db.session.add(request)
            db.session.flush()
            db.session.add(UploadedDocument(
                household_id=household.id, request_id=request.id, uploaded_by_id=priya.id,
                original_name="passport.pdf", stored_name=f"{request.id:032x}",
                content_type="application/pdf", size=1000, sha256="0" * 64))
        db.session.commit()

    make_address(household)
    answer(2)
    busy(1, 0)
    sync_required_checks(household)
    db.session.commit()
    small = {url: applicant_queries(browser, url, shown)
             for url, shown in APPLICANT_URLS.items()}

    dev = make_member(household, "Dev Shah", "other", date_of_birth=date(1990, 1, 1))
    make_applicant(household, dev, role="adult")
    browser.get("/apply/application")  # the adult's rows
    rows = {(t.task, t.applicant_id): t for t in db.session.scalars(select(
        ApplicationTask).where(ApplicationTask.application_id == application.id))}
    answer(14)
    busy(12, 5)
    sync_required_checks(household)
    db.session.commit()
    for url, shown in APPLICANT_URLS.items():
        large, items = applicant_queries(browser, url, shown)
        assert items > small[url][1], f"{url} shows no more with more data"
        assert len(large) == len(small[url][0]), f"{url}\n{explain(small[url][0], large)}"


def test_the_register_issues_the_same_queries_for_3_households_as_for_300(app):
    client = isolated_client(app)
    sign_in(client, make_staff("information_governance"))

    def approve(count: int, pathway: str) -> None:
        ids = bulk_households(count, pathway, "approved", decided_on=date(2027, 1, 4),
                              child_name="A child" if pathway == "connected_person" else None)
        bulk_insert(PanelDecision, [
            {"household_id": i, "kind": PanelDecision.APPROVE, "decided_on": date(2027, 1, 4),
             "reasons": "Suitable", "recorded_at": utcnow(),
             "terms": {"children": 2, "age_from": 0, "age_to": 18,
                       "fostering_types": ["short_term"]}} for i in ids])

    urls = ["/staff/records/register", "/staff/records/register?page=2",
            "/staff/records/register?pathway=connected_person&status=approved"]
    approve(2, "mainstream")
    approve(1, "connected_person")
    bulk_households(1, "connected_person", "full_assessment", reg24_approved_on=date(2027, 5, 4))
    small = {url: queries_for(client, url, rows_at_least=1) for url in urls}
    approve(150, "mainstream")
    approve(150, "connected_person")
    for url in urls:
        large = queries_for(client, url, rows_at_least=1)
        assert len(large) == len(small[url]), f"{url}\n{explain(small[url], large)}"
        assert len(large) <= 10, f"{url}: {len(large)} statements\n" + "\n".join(large)
