from flask import request, url_for
from flask_login import current_user

from carers.auth.roles import FOSTERING_TEAM, RoleKey
from carers.cases.access import CASE_READERS
from carers.clocks.statutory import APPLICATION_TO_PANEL_MONTHS, PANEL_PAPERS_WORKING_DAYS
from carers.core.dates import format_date, format_datetime
from carers.core.numbers import plural
from carers.core.security import INIT_SCRIPT, JS_ENABLED_SCRIPT
from carers.panel.rules import SOCIAL_WORKER_MEMBER_YEARS
from carers.pipeline import Stage
from carers.settings.registry import agency_settings

# Tag colours for a clock's status (GOV.UK tag modifier classes).
CLOCK_TAG_CLASSES = {
    "not_started": "govuk-tag--grey",
    "on_track": "govuk-tag--blue",
    "due_soon": "govuk-tag--yellow",
    "overdue": "govuk-tag--red",
    "met": "govuk-tag--green",
    "met_late": "govuk-tag--orange",
}

# Figures set in law ([V]) that pages state: the constants the code applies, never settings.
LAW = {
    "application_to_panel_months": APPLICATION_TO_PANEL_MONTHS,
    "panel_papers_working_days": PANEL_PAPERS_WORKING_DAYS,
    "social_worker_member_years": SOCIAL_WORKER_MEMBER_YEARS,
}

# Staff navigation: (label, endpoint, roles that see it). Features add their own entries.
STAFF_NAVIGATION = [
    ("My work", "cases.my_work", CASE_READERS),
    ("Pipeline", "cases.board", CASE_READERS),
    ("Checks", "checks.team", CASE_READERS),
    ("Diary", "visits.diary", CASE_READERS),
    ("Enquiries", "inbox.index", FOSTERING_TEAM),
    ("Settings", "settings.edit", {RoleKey.ADMINISTRATOR}),
    ("Jobs", "scheduler.jobs", {RoleKey.ADMINISTRATOR}),
    ("Outbox", "scheduler.messages", {RoleKey.ADMINISTRATOR}),
    ("Panel", "panel.meetings", {RoleKey.PANEL_ADMINISTRATOR, RoleKey.ADMINISTRATOR}),
    ("Decisions", "panel.decisions", {RoleKey.AGENCY_DECISION_MAKER}),
    ("Panel meetings", "panel.my_meetings", {RoleKey.PANEL_MEMBER}),
    ("Staff", "staff.index", {RoleKey.ADMINISTRATOR}),
    ("Audit trail", "audit.search", {RoleKey.ADMINISTRATOR}),
]


def clock_tag_class(clock) -> str:
    return CLOCK_TAG_CLASSES.get(str(clock.status), "")


def staff_pages(user) -> list[tuple[str, str]]:
    """The navigation entries (label, endpoint) that ``user`` may open: their roles show the
    entry and the access policy lets them in (a panel member not on the panel list has no
    meetings page). The first is their start page."""
    from carers.auth.policy import may_use

    if not user.is_authenticated:
        return []
    return [(label, endpoint) for label, endpoint, roles in STAFF_NAVIGATION
            if user.has_role(*roles) and may_use(user, endpoint)]


def staff_navigation() -> list[dict]:
    return [{"href": url_for(endpoint), "text": label, "active": request.endpoint == endpoint}
            for label, endpoint in staff_pages(current_user)]


def stage_label(value: str) -> str:
    return Stage(value).label


def init_app(app):
    app.add_template_global(clock_tag_class)
    app.add_template_global(stage_label)
    app.add_template_filter(stage_label, "stage_label")
    app.add_template_global(staff_navigation)
    app.add_template_global(LAW, "law")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(plural, "plural")

    @app.context_processor
    def globals_():
        return {
            "agency": agency_settings(),
            "js_enabled_script": JS_ENABLED_SCRIPT,
            "init_script": INIT_SCRIPT,
        }
