"""Template filters and globals every page uses: dates, clocks' tags, stage names, scripts."""

from carers.clocks.statutory import APPLICATION_TO_PANEL_MONTHS, PANEL_PAPERS_WORKING_DAYS
from carers.clocks.words import plural
from carers.core.dates import format_date, format_datetime
from carers.core.security import INIT_SCRIPT, JS_ENABLED_SCRIPT
from carers.panel.rules import SOCIAL_WORKER_MEMBER_YEARS
from carers.pipeline import Stage

# Figures set in law ([V]) that pages state: the constants the code applies, never settings.
LAW = {
    "application_to_panel_months": APPLICATION_TO_PANEL_MONTHS,
    "panel_papers_working_days": PANEL_PAPERS_WORKING_DAYS,
    "social_worker_member_years": SOCIAL_WORKER_MEMBER_YEARS,
}

# Tag colours for a clock's status (GOV.UK tag modifier classes).
CLOCK_TAG_CLASSES = {
    "not_started": "govuk-tag--grey",
    "on_track": "govuk-tag--blue",
    "due_soon": "govuk-tag--yellow",
    "overdue": "govuk-tag--red",
    "met": "govuk-tag--green",
    "met_late": "govuk-tag--orange",
}

def clock_tag_class(clock) -> str:
    return CLOCK_TAG_CLASSES.get(str(clock.status), "")


def stage_label(value: str) -> str:
    return Stage(value).label


def init_app(app):
    app.add_template_global(clock_tag_class)
    app.add_template_global(stage_label)
    app.add_template_filter(stage_label, "stage_label")
    app.add_template_global(LAW, "law")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(plural, "plural")

    @app.context_processor
    def globals_():
        return {
            "js_enabled_script": JS_ENABLED_SCRIPT,
            "init_script": INIT_SCRIPT,
        }
