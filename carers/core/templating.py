"""Template filters and globals every page uses: dates, clocks' tags, stage names, scripts;
and the Jinja environment the pages are rendered in."""

from flask.templating import Environment as FlaskEnvironment

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


class Environment(FlaskEnvironment):
    """Flask's environment with each template's globals held in a plain dict.

    Jinja keeps them as a ChainMap over the environment's globals, and on every
    ``{% import %}`` or ``{% from ... import %}`` it works out which of the importing
    template's globals the imported one lacks, one ChainMap lookup per name. The GOV.UK
    components import their helpers inside each macro, so a page of a hundred tags paid for
    thousands of lookups. A dict makes that one set operation in C. The cost: a global added
    to the environment after a template is first loaded would not reach that template; every
    global here is added by ``create_app``, before any page is rendered."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


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
