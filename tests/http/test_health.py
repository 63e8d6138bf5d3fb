"""GET /healthz, as a load balancer or monitor asks it: 200 only when the database answers,
its migrations are current and a scheduler beat recently; otherwise 503 saying which check
failed, and never the database's address."""

from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from carers import create_app
from carers.audit.models import AuditEvent
from carers.core.dates import utcnow
from carers.extensions import db
from carers.health.checks import code_head
from carers.scheduler.leader import LEASE_NAME, Leadership
from carers.scheduler.models import SchedulerLease
from tests.conftest import free_port


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_healthy_with_a_leading_scheduler(app, client):
    leadership = Leadership(app)
    assert leadership.acquire() is None  # this process leads, and its heartbeat is written
    try:
        before = audit_count()
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json == {"status": "ok", "checks": {
            "database": "ok", "migrations": "ok", "scheduler": "ok"}}
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers  # no session for a monitor
        assert audit_count() == before
        for _ in range(30):  # monitors ask often: never rate limited
            assert client.get("/healthz").status_code == 200
    finally:
        leadership.release()


def test_unavailable_when_no_scheduler_ever_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "checks": {
        "database": "ok", "migrations": "ok", "scheduler": "no heartbeat"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_unavailable_when_the_heartbeat_is_stale(app, client):
    app.config["HEALTH_SCHEDULER_MAX_AGE_SECONDS"] = 120
    beat = utcnow() - timedelta(seconds=300)
    db.session.add(SchedulerLease(name=LEASE_NAME, holder="old-host:1:abc", acquired_at=beat,
                                  renewed_at=beat, expires_at=beat + timedelta(seconds=30)))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["scheduler"].startswith("last heartbeat 30")
    assert response.json["checks"]["scheduler"].endswith(" s ago")
    assert "old-host" not in response.get_data(as_text=True)


def test_unavailable_when_the_database_is_behind_the_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.sqlite'}"
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="0031")
        head = code_head(app.extensions["migrate"].directory)
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert head != "0031"
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["migrations"] == f"behind: database at 0031, code at {head}"


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://carers:s3cret-word@127.0.0.1:{port}/carers_health",
    "sqlite:////nonexistent-{port}/s3cret-word/carers.sqlite",
])
def test_unavailable_when_the_database_is_unreachable_and_the_address_stays_secret(url):
    port = free_port()  # nothing listens there
    url = url.format(port=port)
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "checks": {
        "database": "unreachable", "migrations": "unknown", "scheduler": "unknown"}}
    body = response.get_data(as_text=True)
    for secret in ("s3cret-word", str(port), "127.0.0.1", "carers_health", "nonexistent"):
        assert secret not in body
