"""Alembic migrations: they agree with the models, and they go up and down cleanly."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from carers import create_app
from carers.extensions import db

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCRATCH_SCHEMA = "carers_migration_check"
SEEDED_ROLES = {"recruitment_officer", "assessing_social_worker", "supervising_social_worker",
                "team_manager", "panel_administrator", "panel_member",
                "agency_decision_maker", "administrator", "service_manager",
                "information_governance"}


def differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def model_tables() -> set[str]:
    return {t.name for t in db.metadata.sorted_tables}


def test_the_migrations_match_the_models(app):
    """What `flask db migrate` would write now: nothing. On SQLite or on PostgreSQL
    (TEST_DATABASE_URL), whichever the suite is running on."""
    diffs = differences(db.engine)
    assert diffs == [], "migrations and models disagree; run `flask db migrate`:\n" + \
        "\n".join(map(str, diffs))


def test_the_migrations_seed_the_roles(app):
    keys = set(db.session.scalars(text("SELECT key FROM role")))
    assert keys == SEEDED_ROLES


def test_the_migrations_go_down_and_up_again_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        try:
            round_trip()
        finally:
            db.engine.dispose()


def round_trip():
    """Upgrade, check, downgrade to nothing, upgrade again: in the app's database."""
    upgrade()
    assert model_tables() <= set(inspect(db.engine).get_table_names())
    assert differences(db.engine) == []
    assert set(db.session.scalars(text("SELECT key FROM role"))) == SEEDED_ROLES
    db.session.remove()

    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()
    assert model_tables() <= set(inspect(db.engine).get_table_names())
    db.session.remove()


def postgres_url() -> str:
    """TEST_DATABASE_URL, or the local server; skip (fail in CI) when it is not there."""
    url = os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable at {engine.url.host}:{engine.url.port} "
                        f"in CI: {error}")
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432: start it or set "
                    "TEST_DATABASE_URL to run the PostgreSQL tests")
    finally:
        engine.dispose()
    return url


def public_tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names(schema="public"))


@pytest.mark.postgres
def test_the_migrations_go_up_and_down_on_postgresql():
    """In a scratch schema, so neither the `public` schema nor the suite's tables are
    touched, whether or not the suite itself is running on PostgreSQL."""
    url = postgres_url()
    admin = create_engine(url)
    public_before = public_tables(admin)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA}"))
    try:
        app = create_app({
            "SECRET_KEY": "test",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"-csearch_path={SCRATCH_SCHEMA}"}},
        })
        with app.app_context():
            try:
                assert db.session.scalar(text("SELECT current_schema()")) == SCRATCH_SCHEMA
                db.session.remove()
                round_trip()
                tables = set(inspect(db.engine).get_table_names(schema=SCRATCH_SCHEMA))
                assert model_tables() | {"alembic_version"} == tables
                downgrade(revision="base")
                assert set(inspect(db.engine).get_table_names(schema=SCRATCH_SCHEMA)) <= {
                    "alembic_version"}
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        assert public_tables(admin) == public_before
        admin.dispose()
