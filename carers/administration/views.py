"""Administration pages: the agency's settings, the audit trail for administrators (search
and CSV export), and on each case the list of who has looked at it. Two blueprints, named
for what they show, so their endpoints and templates read settings.* and audit.*."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from carers.administration import queries
from carers.administration.export import audit_csv
from carers.administration.forms import (
    ACTIONS,
    AuditSearchForm,
    ChoicesField,
    YesNoField,
    settings_form,
)
from carers.administration.operations import change_settings
from carers.audit.operations import record_view
from carers.cases.queries import get_case
from carers.clocks.statutory import CLOCK_DEFAULTS
from carers.core.pagination import paginate
from carers.settings.registry import SETTINGS, load_settings

settings_bp = Blueprint("settings", __name__, url_prefix="/staff/admin")
audit_bp = Blueprint("audit", __name__, url_prefix="/staff")


# --- the agency's settings ---

def _value(field):
    return field.value if isinstance(field, (YesNoField, ChoicesField)) else field.data


@settings_bp.route("/settings", methods=["GET", "POST"])
def edit():
    form = settings_form(load_settings())()
    if form.validate_on_submit():
        changed, refreshed = change_settings(
            {s.key: _value(getattr(form, s.key)) for s in SETTINGS}, current_user)
        if refreshed is not None:
            flash(f"Settings saved. Deadlines recalculated on {refreshed} open cases.")
        else:
            flash("Settings saved" if changed else "No settings changed")
        return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form,
                           clock_keys=set(CLOCK_DEFAULTS), settings=SETTINGS)


# --- the audit trail ---

def _search_form():
    form = AuditSearchForm(request.args)
    if request.args.get("action") not in {"", None, *ACTIONS}:
        form.action.data = ""
    form.validate()
    form.action.errors = []  # an unknown action is ignored, as the board's filters are
    return form


@audit_bp.get("/admin/audit")
def search():
    form = _search_form()
    query, args = queries.audit_search(form)
    page = paginate(queries.newest_first(query), queries.count(query),
                    current_app.config["PAGE_SIZE"])
    record_view("view", "audit_trail", None, args or None)
    return render_template("audit/search.html", form=form, page=page, args=args)


@audit_bp.get("/admin/audit/export.csv")
def export():
    query, args = queries.audit_search(_search_form())
    body = audit_csv(queries.for_export(query))
    record_view("export", "audit_trail", None, args or None)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=audit-trail.csv",
        "Cache-Control": "no-store"})


@audit_bp.get("/cases/<reference>/viewers")
def case_viewers(reference):
    """Who has looked at this case: each person, how often and when last."""
    household = get_case(reference)
    people = queries.case_viewers(household)
    record_view("view", "household_viewers", household.id)
    return render_template("audit/case_viewers.html", household=household, people=people)
