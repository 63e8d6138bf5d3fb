"""The staff pages run the same number of SQL statements for an agency of 100 households as
for one of 10,000, with the bench's realistic data (histories, allocations across four
teams, enquiries, checks): the same page, the same person, the same case. A count that grows
with the data is a lazy load per row, and the page slows as the agency grows.

The households are written with the bench's bulk seeding (bench/seed.py, bench/checks.py)
into the test database: 100 first, then 9,900 more next to them."""

from collections import Counter

from sqlalchemy import delete, select, text

from bench import seed as bench_seed
from bench.checks import seed_checks
from bench.people import make_pools
from carers.auth.models import User
from carers.cases.models import Household
from carers.checks.models import Check
from carers.core.dates import today
from carers.extensions import db
from carers.settings.registry import load_settings
from tests.helpers import counting, isolated_client, sign_in

SEED = 2026
SMALL, LARGE = 100, 10_000
CHUNK = 5_000


class Agency:
    """The bench's staff in four teams, and households added in bulk."""

    def __init__(self):
        pools = make_pools(SEED)
        teams, _ = bench_seed.create_staff(pools, SEED)
        self.context = bench_seed.Context(SEED, today(), load_settings(), pools, teams)
        self.households = 0

    def grow_to(self, households: int) -> None:
        bench_seed._DIALECT = db.engine.dialect
        bench_seed._init_worker(self.context)
        first = self.households + 1
        while first <= households:
            count = min(CHUNK, households - first + 1)
            chunk = bench_seed.generate_chunk(("households", first // CHUNK, first, count))
            bench_seed.write_chunk(chunk, {})
            first += count
        self.households = households
        if db.engine.dialect.name == "postgresql":
            for table in ("household", "household_member", "case_event", "task"):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"))
            db.session.commit()
        # Every case's checks, afresh (the bench writes them for every household there is).
        db.session.execute(delete(Check))
        db.session.commit()
        seed_checks(today(), SEED, log=lambda *a, **k: None)


def pages(worker_id: int, reference: str) -> list[str]:
    return [
        "/staff/pipeline",
        "/staff/pipeline?pathway=mainstream&stage=stage1",
        f"/staff/pipeline?worker={worker_id}",
        "/staff/pipeline?clock=overdue",
        f"/staff/cases/{reference}",
        "/staff/checks",
        f"/staff/checks?worker={worker_id}",
        "/staff/my-work",
        "/staff/enquiries/",
    ]


def statements_of(client, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        client.get(url)  # anything cached per process (templates, holidays) is cached now
        with counting() as statements:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found[url] = statements
    return found


def explain(url: str, small: list[str], large: list[str]) -> str:
    grown = Counter(large) - Counter(small)
    lines = [f"{url}: {len(small)} statements at {SMALL} households, {len(large)} at {LARGE}"]
    lines += [f"+{n} x {s[:300]}" for s, n in grown.most_common(5)]
    return "\n".join(lines)


def test_the_staff_pages_run_as_many_queries_for_10000_households_as_for_100(app):
    app.config["SECOND_FACTOR_REQUIRED_ROLES"] = ()
    agency = Agency()
    agency.grow_to(SMALL)
    worker = db.session.scalar(select(User).where(User.email == bench_seed.BENCH_EMAIL))
    worker_id = worker.id
    # A case the worker reads, in the first hundred: the same case at both sizes.
    reference = db.session.scalar(
        select(Household.reference).where(Household.team_id == worker.team_id)
        .order_by(Household.id))
    db.session.remove()
    client = isolated_client(app)
    sign_in(client, bench_seed.BENCH_EMAIL, bench_seed.PASSWORD)
    urls = pages(worker_id, reference)
    small = statements_of(client, urls)

    agency.grow_to(LARGE)
    assert db.session.scalar(select(db.func.count(Household.id))) == LARGE
    db.session.remove()
    large = statements_of(client, urls)

    grown = [explain(url, small[url], large[url]) for url in urls
             if len(small[url]) != len(large[url])]
    assert not grown, "\n\n".join(grown)
