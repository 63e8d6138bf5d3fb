"""The pipeline pages issue the same number of SQL statements however much data there is:
10 cases or 1,000, 10 timeline entries or 200, 10 tasks or 50. A count that grows with the
data is an N+1 (a lazy load per row) and will make the page slow for a real agency.

Requests run in their own application context (as in production), so nothing is served
from a previous request's identity map."""

from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, select

from carers.cases.models import CaseEvent, Household
from carers.core.dates import LONDON
from carers.extensions import db
from tests.factories import (
    bulk_events,
    bulk_households,
    bulk_tasks,
    make_household,
    make_staff,
    make_team,
)
from tests.helpers import isolated_client, sign_in

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


@contextmanager
def counting():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


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
