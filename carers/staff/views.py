"""Staff accounts, for administrators: invite, change roles and team, deactivate."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from carers.auth.forms import ConfirmForm
from carers.auth.operations import INVITE_DAYS
from carers.auth.roles import ROLE_NAMES
from carers.staff import operations, queries
from carers.staff.forms import InviteForm, StaffForm
from carers.staff.operations import AccountExists, OwnAccount

bp = Blueprint("staff", __name__, url_prefix="/staff/admin/staff")


def _team_id(form):
    return int(form.team.data) if form.team.data else None


@bp.get("/")
def index():
    return render_template("staff/index.html", people=queries.everyone(), role_names=ROLE_NAMES)


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    form = InviteForm()
    form.team.choices = queries.team_choices()
    if form.validate_on_submit():
        try:
            user, _token = operations.invite(form.name.data, form.email.data, form.roles.data,
                                             _team_id(form), current_user)
        except AccountExists as refusal:
            form.email.errors.extend(refusal.reasons)  # the reason is the address's
        else:
            flash(f"Invitation sent to {user.email}")
            return redirect(url_for("staff.index"))
    return render_template("staff/invite.html", form=form, invite_days=INVITE_DAYS)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    user = queries.get_account(user_id)
    form = StaffForm()
    form.team.choices = queries.team_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.role_keys)
        form.team.data = str(user.team_id or "")
    elif form.validate():
        try:
            changed = operations.change_access(user, form.roles.data, _team_id(form),
                                               current_user)
        except OwnAccount as refusal:
            form.roles.errors.extend(refusal.reasons)  # the reason is the roles'
        else:
            flash("Changes saved" if changed else "Nothing changed")
            return redirect(url_for("staff.edit", user_id=user.id))
    return render_template("staff/edit.html", form=form, person=user, confirm=ConfirmForm())


def _account_change(user_id, change, message):
    """One change to someone else's account, confirmed by a button on the edit page, then
    back to it (a button has nothing typed to keep, so a refusal is a message there)."""
    user = queries.get_account(user_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        change(user, current_user)
    except OwnAccount as refusal:
        flash(refusal.reasons[0], "warning")
    else:
        flash(message(user))
    return redirect(url_for("staff.edit", user_id=user.id))


@bp.post("/<int:user_id>/deactivate")
def deactivate(user_id):
    return _account_change(user_id, operations.deactivate,
                           lambda u: f"{u.name} can no longer sign in. Their sessions have ended.")


@bp.post("/<int:user_id>/reactivate")
def reactivate(user_id):
    return _account_change(user_id, operations.reactivate,
                           lambda u: f"{u.name} can sign in again")


@bp.post("/<int:user_id>/reset-two-step")
def reset_second_factor(user_id):
    return _account_change(user_id, operations.reset_second_factor,
                           lambda u: f"Two-step sign in reset for {u.name}")


@bp.post("/<int:user_id>/invite-again")
def invite_again(user_id):
    return _account_change(user_id, operations.resend_invite,
                           lambda u: f"Invitation sent again to {u.email}")
