"""carers: recruit and assess foster carers and kinship carers."""

import os

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from carers import config
from carers.extensions import csrf, db, limiter, login_manager, migrate

PACKAGE = os.path.dirname(os.path.abspath(__file__))
# An installed package carries the top-level templates/ and migrations/ inside it (setup.py
# copies them in as _templates and _migrations); a source checkout reads them where they are.
INSTALLED = os.path.isdir(os.path.join(PACKAGE, "_templates"))
SOURCE_ROOT = os.path.dirname(PACKAGE)


def shipped(name: str) -> str:
    """The path of a top-level folder of the source tree (templates, migrations)."""
    return os.path.join(PACKAGE, f"_{name}") if INSTALLED else os.path.join(SOURCE_ROOT, name)


def instance_path() -> str | None:
    """instance/ beside the code in a checkout; CARERS_INSTANCE_PATH or Flask's own choice
    (``<prefix>/var/carers-instance``) for an installed package."""
    if os.environ.get("CARERS_INSTANCE_PATH"):
        return os.path.abspath(os.environ["CARERS_INSTANCE_PATH"])
    return None if INSTALLED else os.path.join(SOURCE_ROOT, "instance")


def create_app(test_config=None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=shipped("templates"),
        static_url_path="/assets",
    )
    from carers.core.requests import CarersRequest

    app.request_class = CarersRequest
    os.makedirs(app.instance_path, exist_ok=True)
    config.load(app, test_config)
    _trust_proxies(app)

    # Our templates first, then the GOV.UK Jinja components and their WTForms widgets.
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(shipped("templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])

    from carers.core import database

    database.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=shipped("migrations"),
                     render_as_batch=True)
    from carers.auth import policy
    from carers.auth import views as auth_views

    auth_views.init_app(app)  # idle timeout first, then the access policy,
    policy.init_app(app)  # then CSRF: a refused request is refused before anything else
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page"

    _register_models()
    _register_blueprints(app)

    from carers.core import errors, security, templating

    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    _register_commands(app)
    return app


def _trust_proxies(app):
    """Read the client's address, scheme and host from the proxies' X-Forwarded-* headers,
    trusting as many hops as configured (none by default)."""
    hops = {name: int(app.config[f"PROXY_FIX_X_{name.upper()}"] or 0)
            for name in ("for", "proto", "host")}
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"],
                                x_host=hops["host"])


def _register_models():
    # Imported for their side effect: SQLAlchemy and Alembic see every table.
    from carers.audit import models as _audit  # noqa: F401
    from carers.auth import models as _auth  # noqa: F401
    from carers.cases import models as _cases  # noqa: F401
    from carers.checks import models as _checks  # noqa: F401
    from carers.enquiries import models as _enquiries  # noqa: F401
    from carers.notifications import models as _notifications  # noqa: F401
    from carers.panel import models as _panel  # noqa: F401
    from carers.reports import models as _reports  # noqa: F401
    from carers.scheduler import models as _scheduler  # noqa: F401
    from carers.settings import models as _settings  # noqa: F401
    from carers.visits import models as _visits  # noqa: F401


def _register_blueprints(app):
    from carers.audit.views import bp as audit_bp
    from carers.auth.views import bp as auth_bp
    from carers.cases.views import bp as cases_bp
    from carers.checks.views import bp as checks_bp
    from carers.core.pages import bp as pages_bp
    from carers.enquiries.inbox import bp as inbox_bp
    from carers.enquiries.views import bp as enquiry_bp
    from carers.panel.views import bp as panel_bp
    from carers.reports.views import bp as reports_bp
    from carers.scheduler.views import bp as scheduler_bp
    from carers.settings.views import bp as settings_bp
    from carers.staff.views import bp as staff_bp
    from carers.visits.views import bp as visits_bp

    for bp in (pages_bp, enquiry_bp, auth_bp, inbox_bp, cases_bp, settings_bp, checks_bp,
               audit_bp, staff_bp, scheduler_bp, visits_bp, reports_bp, panel_bp):
        app.register_blueprint(bp)


def _register_commands(app):
    from carers.audit.cli import audit_cli
    from carers.auth.cli import users_cli
    from carers.cases.cli import teams_cli
    from carers.core.serving import serve_command
    from carers.demo.cli import demo_cli
    from carers.notifications.cli import outbox_cli
    from carers.panel.cli import panel_cli
    from carers.scheduler.cli import scheduler_cli

    for group in (users_cli, outbox_cli, demo_cli, audit_cli, scheduler_cli, panel_cli,
                  serve_command, teams_cli):
        app.cli.add_command(group)
