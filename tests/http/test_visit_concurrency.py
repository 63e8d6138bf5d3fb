"""Two people booking the same worker into the same hour at the same moment, for real:
concurrent HTTP requests to the app served from threads, on the test database (SQLite file
or PostgreSQL). Exactly one booking is made; everyone else sees the clash, with what they
typed kept."""

import threading
from datetime import date

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from carers import create_app
from carers.extensions import db
from carers.visits.models import Visit
from tests.conftest import free_port
from tests.factories import PASSWORD, make_household
from tests.helpers import csrf_token
from tests.http.visit_data import visit_case

PEOPLE = 6  # booking at the same moment


@pytest.fixture
def served(app, app_config):
    """The app served over HTTP from threads (its own app object and database engine)."""
    server_app = create_app(dict(app_config))
    server = make_server("127.0.0.1", free_port(), server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with server_app.app_context():
        db.engine.dispose()


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/staff/sign-in", timeout=30)
    response = session.post(f"{base}/staff/sign-in", allow_redirects=False, timeout=30, data={
        "csrf_token": csrf_token(page.text), "email": email, "password": PASSWORD})
    assert response.status_code == 302, "sign in failed"
    return session


def test_one_worker_booked_into_one_hour_by_several_people_at_once_gets_one_visit(app,
                                                                                 served):
    team, worker, household = visit_case()
    other = make_household("mainstream", "stage1", team=team, workers=[worker],
                           name="The Okafor family", address="3 Mill Lane")
    when = date(2030, 6, 4)
    cases = [household.reference, other.reference]
    sessions = [signed_in(served, worker.email) for _ in range(PEOPLE)]
    forms = []
    for n, session in enumerate(sessions):
        url = f"{served}/staff/cases/{cases[n % 2]}/visits/new"
        page = session.get(url, timeout=30)
        assert page.status_code == 200
        forms.append((url, {
            "csrf_token": csrf_token(page.text), "kind": "assessment_session",
            "day": [str(when.day), str(when.month), str(when.year)],
            "start_time": "10:00", "duration": "60", "place": "home", "meeting_link": "",
            "workers": [str(worker.id)], "notes": f"Booked by person {n}"}))
    start = threading.Barrier(PEOPLE)
    results: list = [None] * PEOPLE

    def book(n):
        session, (url, data) = sessions[n], forms[n]
        start.wait()
        results[n] = session.post(url, data=data, allow_redirects=False, timeout=60)

    threads = [threading.Thread(target=book, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    db.session.commit()  # a fresh snapshot
    assert db.session.scalar(select(func.count(Visit.id))) == 1
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * (PEOPLE - 1) + [302]
    for n, response in enumerate(results):
        if response.status_code == 200:
            assert "Aled Jones already has assessment session" in response.text
            assert "There is a problem" in response.text
            assert f"Booked by person {n}" in response.text  # what they typed is kept
            assert 'value="10:00"' in response.text


@pytest.mark.postgres
def test_on_postgresql_the_database_itself_refuses_one_worker_in_two_overlapping_visits(app):
    """Whatever the application does: a second blocking attendance of the worker in an
    overlapping hour breaks the exclusion constraint. A clash booked on purpose does not
    block, and neither does a cancelled visit."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's (SQLite relies on the lock)")
    from datetime import time

    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from carers.visits.models import visit_worker
    from carers.visits.operations import cancel_visit
    from tests.factories import make_visit

    team, worker, household = visit_case()
    first = make_visit(household, worker, date(2030, 6, 4), time(10, 0), minutes=60)
    on_purpose = make_visit(household, worker, date(2030, 6, 4), time(10, 30), accept_clashes=True)
    rows = dict(db.session.execute(
        select(visit_worker.c.visit_id, visit_worker.c.blocks)).all())
    assert rows == {first.id: True, on_purpose.id: False}
    with pytest.raises(IntegrityError, match="ex_visit_worker_no_overlap"):
        db.session.execute(update(visit_worker).where(
            visit_worker.c.visit_id == on_purpose.id).values(blocks=True))
        db.session.flush()
    db.session.rollback()
    cancel_visit(first, worker, "Moved")
    assert not db.session.scalar(select(visit_worker.c.blocks).where(
        visit_worker.c.visit_id == first.id))
    later = make_visit(household, worker, date(2030, 6, 4), time(10, 0), minutes=30)
    assert db.session.scalar(select(visit_worker.c.blocks).where(
        visit_worker.c.visit_id == later.id))
