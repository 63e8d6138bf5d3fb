"""Agency settings, for administrators: the agency's details and every locally set figure."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from carers.cases.deadlines import refresh_deadlines
from carers.clocks.statutory import CLOCK_DEFAULTS
from carers.settings.forms import ChoicesField, YesNoField, settings_form
from carers.settings.operations import save_settings
from carers.settings.registry import SETTINGS, load_settings

bp = Blueprint("settings", __name__, url_prefix="/staff/admin")


def _value(field):
    return field.value if isinstance(field, (YesNoField, ChoicesField)) else field.data


@bp.route("/settings", methods=["GET", "POST"])
def edit():
    form = settings_form(load_settings())()
    if form.validate_on_submit():
        changed = save_settings({s.key: _value(getattr(form, s.key)) for s in SETTINGS},
                                current_user)
        if set(changed) & set(CLOCK_DEFAULTS):
            refreshed = refresh_deadlines()
            flash(f"Settings saved. Deadlines recalculated on {refreshed} open cases.")
        else:
            flash("Settings saved" if changed else "No settings changed")
        return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form,
                           clock_keys=set(CLOCK_DEFAULTS), settings=SETTINGS)
