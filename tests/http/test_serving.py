"""Production serving: PostgreSQL's connection pool from settings, and two gunicorn processes
started from the shipped config that share their rate limits through Redis."""

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from carers import config, create_app
from carers.core import gunicorn_conf
from carers.extensions import db
from tests.conftest import ROOT, free_port
from tests.helpers import assert_in_service_style, csrf_token

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def clean_env(monkeypatch):
    for key in (*config.ENV_KEYS, "CARERS_DEV", "FLASK_DEBUG", "CARERS_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://fostering.example.gov.uk")
    return monkeypatch


# --- the database pool ---

@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_postgresql_gets_the_pool_the_settings_ask_for(clean_env):
    clean_env.setenv("DATABASE_POOL_SIZE", "3")
    clean_env.setenv("DATABASE_MAX_OVERFLOW", "2")
    clean_env.setenv("DATABASE_POOL_TIMEOUT", "7")
    clean_env.setenv("DATABASE_POOL_RECYCLE", "600")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": PG_URL})
    with app.app_context():
        pool = db.engine.pool
        try:
            assert pool.size() == 3
            assert pool._max_overflow == 2
            assert pool._timeout == 7
            assert pool._recycle == 600
            assert pool._pre_ping is True
        finally:
            db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_a_request_for_a_connection_beyond_the_pool_waits_then_fails(clean_env):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": PG_URL,
                      "DATABASE_POOL_SIZE": 1, "DATABASE_MAX_OVERFLOW": 0,
                      "DATABASE_POOL_TIMEOUT": 1})
    with app.app_context():
        try:
            with db.engine.connect() as held:
                held.execute(text("SELECT 1"))
                with pytest.raises(PoolTimeout):
                    db.engine.connect()
            with db.engine.connect() as again:  # given back: the next one gets it
                assert again.execute(text("SELECT 1")).scalar() == 1
        finally:
            db.engine.dispose()


def test_sqlite_keeps_its_own_pool_setup(clean_env, tmp_path):
    clean_env.setenv("DATABASE_POOL_SIZE", "3")
    app = create_app({"SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert not {"pool_size", "max_overflow", "pool_timeout", "pool_recycle"} & set(options)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        db.engine.dispose()


# --- gunicorn's settings ---

def test_gunicorn_workers_default_to_twice_the_cores_plus_one_at_most_eight():
    assert gunicorn_conf.default_workers(1) == 3
    assert gunicorn_conf.default_workers(2) == 5
    assert gunicorn_conf.default_workers(64) == 8


# --- two web processes, one Redis ---

def _redis_or_skip(url):
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def _start_gunicorn(tmp_path, name, database_url, config_file):
    port = free_port()
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                         if p),
           "SECRET_KEY": "shared-by-both-processes",
           # http, so the session cookie is not marked Secure for this plain-http test.
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "DATABASE_URL": database_url,
           "CARERS_INSTANCE_PATH": str(tmp_path / "instance"),
           "CARERS_CONFIG": str(config_file),
           "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1", "WEB_THREADS": "2"}
    for key in ("TEST_DATABASE_URL", "CARERS_DEV", "FLASK_DEBUG", "RATELIMIT_STORAGE_URI"):
        env.pop(key, None)
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed when the process ends)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:carers.core.gunicorn_conf"],
        env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    process.log_file, process.log_path = log, tmp_path / f"{name}.log"
    process.base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise AssertionError(process.log_path.read_text())
        try:
            if requests.get(process.base + "/", timeout=30).status_code == 200:
                return process
        except (requests.ConnectionError, requests.Timeout):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} did not start:\n{process.log_path.read_text()}")
        time.sleep(0.2)


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log_file.close()


def test_two_web_processes_share_one_rate_limit_through_redis(tmp_path, database_url):
    redis_url = "redis://127.0.0.1:6379/11"
    store = _redis_or_skip(redis_url)
    prefix = f"carers-test-{uuid.uuid4().hex}"
    config_file = tmp_path / "carers.cfg"
    config_file.write_text(f'ENQUIRY_PAGE_RATE_LIMIT = "4 per hour"\n'
                           f'RATELIMIT_STORAGE_URI = "{redis_url}"\n'
                           f'RATELIMIT_KEY_PREFIX = "{prefix}"\n')
    a = _start_gunicorn(tmp_path, "a", database_url, config_file)
    try:
        b = _start_gunicorn(tmp_path, "b", database_url, config_file)
        try:
            # One browser, sent to either process by a load balancer: the same cookies.
            browser = requests.Session()

            def post(process):
                url = process.base + "/enquiry/about-you"
                page = browser.get(url, timeout=10)
                assert page.status_code == 200  # reading a page is never limited
                return browser.post(url, data={"csrf_token": csrf_token(page.text)},
                                    timeout=10)

            # Four answers with mistakes (each counts): two on each process. Were the counts
            # kept in each process, the fifth would be only the third either had seen.
            for process in (a, b, a, b):
                assert post(process).status_code == 200
            for process in (a, b):
                refused = post(process)
                assert refused.status_code == 429
                assert "Sorry, you have sent too many requests" in refused.text
                assert_in_service_style(refused.text)
                assert refused.headers["X-Request-Id"]
        finally:
            _stop(b)
    finally:
        _stop(a)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)

    # Each process wrote its own line per request to standard error, and no access log.
    lines = [json.loads(line) for line in a.log_path.read_text().splitlines()
             if line.startswith("{")]
    posts = [line for line in lines if line["method"] == "POST"]
    assert [line["status"] for line in posts] == [200, 200, 429]
    assert {line["route"] for line in posts} == {"/enquiry/<slug>"}
    assert all(line["user"] == "public" for line in posts)
    assert "/enquiry/about-you" not in a.log_path.read_text()
