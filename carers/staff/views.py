"""Staff accounts, for administrators: invite, change roles and team, deactivate."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from carers.auth.forms import ConfirmForm
from carers.auth.models import User
from carers.auth.roles import ROLE_NAMES, RoleKey
from carers.cases.models import Team
from carers.extensions import db
from carers.staff import operations
from carers.staff.forms import InviteForm, StaffForm

bp = Blueprint("staff", __name__, url_prefix="/staff/admin/staff")


def _teams(form):
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    form.team.choices = [("", "No team")] + [(str(i), n) for i, n in teams]


def _team_id(form):
    return int(form.team.data) if form.team.data else None


def _get(user_id) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def index():
    people = list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))
    return render_template("staff/index.html", people=people, role_names=ROLE_NAMES)


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    form = InviteForm()
    _teams(form)
    if form.validate_on_submit():
        try:
            user, _token = operations.invite(form.name.data, form.email.data, form.roles.data,
                                             _team_id(form), current_user)
        except ValueError:
            db.session.rollback()
            form.email.errors.append("There is already an account with this email address")
        else:
            flash(f"Invitation sent to {user.email}")
            return redirect(url_for("staff.index"))
    return render_template("staff/invite.html", form=form, invite_days=operations.INVITE_DAYS)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    user = _get(user_id)
    form = StaffForm()
    _teams(form)
    if request.method == "GET":
        form.roles.data = sorted(user.role_keys)
        form.team.data = str(user.team_id or "")
    elif form.validate():
        roles = form.roles.data
        if user.id == current_user.id and RoleKey.ADMINISTRATOR not in roles:
            form.roles.errors.append("You cannot remove your own administrator role")
        else:
            changed = operations.change_access(user, roles, _team_id(form), current_user)
            flash("Changes saved" if changed else "Nothing changed")
            return redirect(url_for("staff.edit", user_id=user.id))
    return render_template("staff/edit.html", form=form, person=user, confirm=ConfirmForm())


def _confirmed(user):
    if not ConfirmForm().validate():
        abort(400)
    if user.id == current_user.id:
        flash("You cannot do that to your own account", "warning")
        return False
    return True


def _account_change(user_id, change, message):
    """One change to someone else's account, confirmed on the edit page, then back to it."""
    user = _get(user_id)
    if _confirmed(user):
        change(user, current_user)
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
