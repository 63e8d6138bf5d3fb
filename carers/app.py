"""The application factory: one Flask app with every feature's blueprint, access rules,
tables and commands. The only module that knows every feature; it imports them inside
``create_app`` so that importing a feature never builds an app."""

import os

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from carers import config
from carers.core.paths import instance_path, shipped
from carers.extensions import csrf, db, limiter, login_manager, migrate


def create_app(test_config=None) -> Flask:
    app = Flask(
        "carers",
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=shipped("templates"),
        static_url_path="/assets",
    )
    from carers.core.requests import CarersRequest
    from carers.core.templating import Environment

    app.request_class = CarersRequest
    app.jinja_environment = Environment
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
    from carers.applicants import views as applicants_views
    from carers.auth import policy
    from carers.auth import views as auth_views

    auth_views.init_app(app)  # idle timeouts first (staff, then applicants), then the access
    applicants_views.init_app(app)  # policy, then CSRF: a refused request is refused before
    policy.init_app(app)  # anything else
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page"

    _register_models()
    _register_features(app)

    from carers.core import errors, requestlog, security, templating
    from carers.settings import registry

    requestlog.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    registry.init_app(app)
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
    from carers.applicants import models as _applicants  # noqa: F401
    from carers.application import models as _application  # noqa: F401
    from carers.audit import models as _audit  # noqa: F401
    from carers.auth import models as _auth  # noqa: F401
    from carers.cases import models as _cases  # noqa: F401
    from carers.checks import models as _checks  # noqa: F401
    from carers.corrections import models as _corrections  # noqa: F401
    from carers.enquiries import models as _enquiries  # noqa: F401
    from carers.family import models as _family  # noqa: F401
    from carers.figures import models as _figures  # noqa: F401
    from carers.messages import models as _messages  # noqa: F401
    from carers.notifications import models as _notifications  # noqa: F401
    from carers.panel import models as _panel  # noqa: F401
    from carers.reports import models as _reports  # noqa: F401
    from carers.retention import models as _retention  # noqa: F401
    from carers.scheduler import models as _scheduler  # noqa: F401
    from carers.settings import models as _settings  # noqa: F401
    from carers.subject_access import models as _subject_access  # noqa: F401
    from carers.uploads import models as _uploads  # noqa: F401
    from carers.visits import models as _visits  # noqa: F401


def _register_features(app):
    """Every feature's blueprint and the access rules for its routes, and the public pages."""
    from carers.administration import access as administration_access
    from carers.administration import views as administration_views
    from carers.applicants import access as applicants_access
    from carers.applicants import hooks as applicants_hooks
    from carers.applicants import navigation as applicant_navigation
    from carers.applicants import views as applicants_views
    from carers.application import access as application_access
    from carers.application import operations as application_operations
    from carers.application import views as application_views
    from carers.auth import access as auth_access
    from carers.auth import navigation, policy
    from carers.auth import views as auth_views
    from carers.auth.roles import (
        ADMINISTRATORS,
        CASE_READERS,
        DECISION_MAKERS,
        FIGURE_READERS,
        FOSTERING_TEAM,
        MANAGERS,
        PANEL_ADMINS,
        RECORDS_OFFICERS,
        REGISTER_READERS,
        RoleKey,
    )
    from carers.cases import access as cases_access
    from carers.cases import hooks as cases_hooks
    from carers.cases import views as cases_views
    from carers.checks import access as checks_access
    from carers.checks import hooks as checks_hooks
    from carers.checks import ledger as checks_ledger
    from carers.checks import views as checks_views
    from carers.core import pages
    from carers.enquiries import access as enquiries_access
    from carers.enquiries import inbox
    from carers.enquiries import views as enquiry_views
    from carers.family import access as family_access
    from carers.family import views as family_views
    from carers.figures import access as figures_access
    from carers.figures import views as figures_views
    from carers.health import access as health_access
    from carers.health import views as health_views
    from carers.messages import access as messages_access
    from carers.messages import views as messages_views
    from carers.panel import access as panel_access
    from carers.panel import operations as panel_operations
    from carers.panel import views as panel_views
    from carers.portal import access as portal_access
    from carers.portal import views as portal_views
    from carers.register import access as register_access
    from carers.register import views as register_views
    from carers.reports import access as reports_access
    from carers.reports import views as reports_views
    from carers.retention import access as retention_access
    from carers.retention import views as retention_views
    from carers.scheduler import access as scheduler_access
    from carers.scheduler import views as scheduler_views
    from carers.staff import access as staff_access
    from carers.staff import views as staff_views
    from carers.subject_access import access as subject_access_access
    from carers.subject_access import views as subject_access_views
    from carers.uploads import access as uploads_access
    from carers.uploads import sections as uploads_sections
    from carers.uploads import views as uploads_views
    from carers.visits import access as visits_access
    from carers.visits import operations as visits_operations
    from carers.visits import reg24 as visits_reg24
    from carers.visits import views as visits_views

    policy.declare({"static": policy.public(),
                    **{f"pages.{page}": policy.public() for page in pages.PAGES}})
    for blueprints, access in [
        ((pages.bp,), None),
        ((enquiry_views.bp, inbox.bp), enquiries_access),
        ((auth_views.bp,), auth_access),
        ((applicants_views.bp,), applicants_access),
        ((application_views.bp,), application_access),
        ((cases_views.bp,), cases_access),
        ((administration_views.settings_bp, administration_views.audit_bp),
         administration_access),
        ((checks_views.bp,), checks_access),
        ((staff_views.bp,), staff_access),
        ((scheduler_views.bp,), scheduler_access),
        ((visits_views.bp,), visits_access),
        ((family_views.bp,), family_access),
        ((reports_views.bp, reports_views.shared_bp), reports_access),
        ((messages_views.bp,), messages_access),
        ((panel_views.bp,), panel_access),
        ((uploads_views.bp,), uploads_access),
        ((portal_views.bp,), portal_access),
        ((figures_views.bp,), figures_access),
        ((subject_access_views.bp,), subject_access_access),
        ((register_views.bp,), register_access),
        ((retention_views.bp,), retention_access),
        ((health_views.bp,), health_access),
    ]:
        for bp in blueprints:
            app.register_blueprint(bp)
        if access is not None:
            policy.declare(access.ROUTES)

    # What checks and visits tell a case about moving on (cases cannot import them).
    cases_hooks.register_readiness(checks_ledger.readiness_facts)
    cases_hooks.register_initial_visits(visits_operations.initial_visit_options)
    # The application's progress on the case page.
    cases_hooks.register_case_section(application_views.case_section)
    # The household's documents on the case page and beside its checks on the ledger.
    cases_hooks.register_case_section(uploads_sections.case_section)
    checks_hooks.register_ledger_section(uploads_sections.ledger_section)
    # The family tree and ecomap on the case page.
    cases_hooks.register_case_section(family_views.case_section)
    # The household's messages on the staff case page, with the reader's unread count.
    cases_hooks.register_case_section(messages_views.case_section)
    cases_hooks.register_case_list_notes(messages_views.case_list_notes)
    # A case leaving the panel list comes off its agendas and out of members' papers; the
    # applicant's response to a qualifying determination shows on the case.
    cases_hooks.register_on_moved(panel_operations.take_off_panel_list)
    cases_hooks.register_readiness(panel_operations.qd_readiness)
    cases_hooks.register_case_section(panel_views.qd_case_section)
    cases_hooks.register_next_steps(panel_views.qd_next_steps)
    # A kinship case's regulation 24 approvals and the schedule of visits to the child.
    cases_hooks.register_case_section(visits_reg24.case_section)
    # The household's retention class, due date and why, and any legal hold.
    cases_hooks.register_case_section(retention_views.case_section)

    # The applicants' navigation, in this order; the first is their home page.
    applicant_navigation.init_app(app, [
        ("Your application", "application.task_list"),
        ("Progress", "portal.progress"),
        ("Documents", "uploads.index"),
        (messages_views.navigation_label, "messages.thread"),
        ("Your assessment report", "shared_report.read"),
        ("Your details", "portal.details"),
        ("Your information", "portal.your_information"),
    ])
    # The case page's section listing who in the household is invited to sign in.
    cases_hooks.register_case_section(applicants_views.case_section)
    # An invitation makes the household's application, with the new person's tasks.
    applicants_hooks.register_on_invited(application_operations.prepare_application)
    applicants_hooks.register_keeps_typed("application.question", "application.item")

    # The staff navigation, in this order; the first page a person may open is their home.
    navigation.init_app(app, [
        ("My work", "cases.my_work", CASE_READERS),
        ("Pipeline", "cases.board", CASE_READERS),
        ("Oversight due", "cases.oversight_due", MANAGERS),
        ("Checks", "checks.team", CASE_READERS),
        ("Diary", "visits.diary", CASE_READERS),
        ("Enquiries", "inbox.index", FOSTERING_TEAM),
        ("Figures", "figures.dashboard", FIGURE_READERS),
        ("Subject access", "subject_access.requests", RECORDS_OFFICERS),
        ("Register", "register.index", REGISTER_READERS),
        ("Records", "retention.review", RECORDS_OFFICERS),
        ("Settings", "settings.edit", ADMINISTRATORS),
        ("Jobs", "scheduler.jobs", ADMINISTRATORS),
        ("Outbox", "scheduler.messages", ADMINISTRATORS),
        ("Panel", "panel.meetings", PANEL_ADMINS),
        ("Decisions", "panel.decisions", DECISION_MAKERS),
        ("Panel meetings", "panel.my_meetings", {RoleKey.PANEL_MEMBER}),
        ("Staff", "staff.index", ADMINISTRATORS),
        ("Audit trail", "audit.search", ADMINISTRATORS),
    ])


def _register_commands(app):
    from carers.audit.cli import audit_cli
    from carers.auth.cli import users_cli
    from carers.backup.cli import backup_command, restore_command
    from carers.cases.cli import teams_cli
    from carers.core.serving import serve_command
    from carers.demo.cli import demo_cli
    from carers.notifications.cli import outbox_cli
    from carers.panel.cli import panel_cli
    from carers.scheduler.cli import scheduler_cli

    for group in (users_cli, outbox_cli, demo_cli, audit_cli, scheduler_cli, panel_cli,
                  serve_command, teams_cli, backup_command, restore_command):
        app.cli.add_command(group)
