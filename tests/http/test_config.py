"""Configuration, the database connection, security headers and the error pages."""

import base64
import hashlib
import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from carers import config, create_app
from carers.auth import policy
from carers.extensions import db
from tests.helpers import assert_in_service_style, csrf_token, isolated_client


@pytest.fixture
def clean_env(monkeypatch):
    """No configuration from the environment of whoever runs the tests."""
    for key in (*config.ENV_KEYS, "CARERS_DEV", "FLASK_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    # Where a production service is reached: required outside development (tested below).
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://fostering.example.gov.uk")
    return monkeypatch


# --- configuration ---

def test_create_app_refuses_to_start_without_a_secret_key(clean_env):
    with pytest.raises(RuntimeError, match="SECRET_KEY") as raised:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "environment variable" in str(raised.value)


def test_an_empty_secret_key_is_no_secret_key(clean_env):
    clean_env.setenv("SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": ""})


@pytest.mark.parametrize(("variable", "value"), [("CARERS_DEV", "1"), ("FLASK_DEBUG", "1")])
def test_local_development_gets_a_placeholder_secret_key(clean_env, variable, value):
    clean_env.setenv(variable, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == config.DEV_SECRET_KEY


def test_the_secret_key_comes_from_the_environment(clean_env):
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_production_refuses_to_start_without_its_public_address(clean_env):
    clean_env.delenv("PUBLIC_BASE_URL")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL is not set") as raised:
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "environment variable" in str(raised.value)


@pytest.mark.parametrize(("variable", "value"), [("CARERS_DEV", "1"), ("FLASK_DEBUG", "1")])
def test_local_development_links_to_the_local_server(clean_env, variable, value):
    clean_env.delenv("PUBLIC_BASE_URL")
    clean_env.setenv(variable, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


def test_email_links_use_the_public_address_not_the_address_asked_on(clean_env, tmp_path):
    """An enquiry sent through an internal address still alerts the team with a link to the
    service's public address."""
    from sqlalchemy import select

    from carers.notifications.models import OutboxMessage
    from tests.helpers import Browserless
    from tests.http.journey import complete_journey

    url = f"sqlite:///{tmp_path / 'public.sqlite'}"
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "PUBLIC_BASE_URL": "https://fostering.example.gov.uk",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        client = isolated_client(app)
        client.environ_base["HTTP_HOST"] = "10.0.0.7:8000"
        forms = Browserless(client)
        complete_journey(forms)
        assert forms.submit("/enquiry/check-answers", {}).status_code == 302
        alert = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like("enquiry-alert:%"))).one()
        assert "https://fostering.example.gov.uk/staff/enquiries/ENQ-" in alert.body_text
        assert "10.0.0.7" not in alert.body_text
        db.engine.dispose()


def test_database_url_from_the_environment_is_used(clean_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'from-env.sqlite'}"
    clean_env.setenv("DATABASE_URL", url)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "from-env.sqlite")
        db.engine.dispose()


def test_a_plain_postgresql_url_uses_psycopg_3(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql://carers@db.internal:5432/carers")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://carers@db.internal:5432/carers"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_one_apps_engine_options_do_not_leak_into_the_next(clean_env):
    options = {"echo": False}
    create_app({"SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": options,
                "SQLALCHEMY_DATABASE_URI": "postgresql://carers@db.internal/carers"})
    sqlite_app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "pool_pre_ping" not in sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"echo": False}
    assert config.Defaults.SQLALCHEMY_ENGINE_OPTIONS == {}


def test_the_test_configuration_wins_over_database_url(clean_env):
    clean_env.setenv("DATABASE_URL", "sqlite:////nonexistent/elsewhere.sqlite")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_mail_settings_from_the_environment_have_the_right_types(clean_env):
    clean_env.setenv("MAIL_PORT", "2525")
    clean_env.setenv("MAIL_USE_TLS", "true")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["MAIL_PORT"] == 2525 and app.config["MAIL_USE_TLS"] is True


# --- the database connection ---

def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: the suite is running on PostgreSQL")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_the_database_refuses_a_row_pointing_at_nothing(app):
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("INSERT INTO user_role (user_id, role_id) VALUES (999999, 999999)"))


# --- response headers and cookies ---

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def sha256_source(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("url", ["/", "/enquiry/about-you", "/staff/sign-in", "/nope",
                                 "/accessibility", "/assets/application.css"])
def test_every_response_has_the_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", ["/", "/enquiry/about-you", "/staff/sign-in", "/nope"])
def test_every_inline_script_is_allowed_by_its_hash(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
    scripts = INLINE_SCRIPT.findall(response.get_data(as_text=True))
    assert scripts, "expected the GOV.UK Frontend inline scripts"
    for script in scripts:
        assert sha256_source(script) in script_src, f"inline script not in the CSP: {script}"


def test_pages_are_not_cached(client):
    assert client.get("/enquiry/about-you").headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    response = client.get("/enquiry/about-you")  # the CSRF token starts a session
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie was set"
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


# --- error pages ---

@pytest.mark.parametrize(("url", "data"), [
    ("/enquiry/about-you", {"first_name": "Siân"}),
    ("/enquiry/check-answers", {}),
    ("/staff/sign-in", {"email": "a@example.gov.uk", "password": "x"}),
])
def test_a_post_without_a_csrf_token_gets_the_timed_out_page(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your page timed out" in html
    assert_in_service_style(html)


def test_a_post_with_a_token_from_another_session_gets_the_timed_out_page(app, client):
    other = isolated_client(app)
    token = csrf_token(other.get("/enquiry/about-you").get_data(as_text=True))
    client.get("/enquiry/about-you")
    response = client.post("/enquiry/about-you", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Your page timed out" in response.get_data(as_text=True)


def test_a_forged_token_gets_the_timed_out_page(client):
    client.get("/enquiry/about-you")
    response = client.post("/enquiry/about-you", data={"csrf_token": "forged.token.value"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your page timed out" in html
    assert_in_service_style(html)


def test_an_unknown_page_is_a_404_in_the_service_style(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and html.count("<h1") == 1
    assert "<title>Page not found" in html
    assert_in_service_style(html)


def test_a_wrong_method_is_answered_in_the_service_style(client):
    response = client.delete("/enquiry/about-you")
    assert response.status_code == 405
    assert_in_service_style(response.get_data(as_text=True))


def test_a_crash_is_a_500_in_the_service_style_with_no_details(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/crash")
    def crash():
        raise ValueError("secret internals")

    @app.get("/_test/database-crash")
    def database_crash():
        db.session.execute(text("SELECT * FROM no_such_table"))

    for endpoint in ("crash", "database_crash"):
        policy.add_rule(app, endpoint, policy.public())
    for url in ("/_test/crash", "/_test/database-crash"):
        response = client.get(url)
        assert response.status_code == 500
        html = response.get_data(as_text=True)
        assert "Sorry, there is a problem with the service" in html
        assert "secret internals" not in html and "no_such_table" not in html
        assert "Traceback" not in html
        assert_in_service_style(html)  # the agency's name comes from the database
    # The database session is usable again afterwards.
    assert client.get("/").status_code == 200
