"""Template filters and globals every page uses: dates, clocks' tags, stage names, scripts."""

from carers.core.dates import format_date, format_datetime
from carers.core.security import INIT_SCRIPT, JS_ENABLED_SCRIPT
from carers.pipeline import Stage

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
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")

    @app.context_processor
    def globals_():
        return {
            "js_enabled_script": JS_ENABLED_SCRIPT,
            "init_script": INIT_SCRIPT,
        }
