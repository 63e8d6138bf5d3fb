import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from carers.audit.operations import record as audit
from carers.auth.forms import SignInForm, SignOutForm
from carers.auth.models import User, check_dummy_password
from carers.core.dates import utcnow
from carers.core.templating import STAFF_NAVIGATION
from carers.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__, url_prefix="/staff")

_UNSAFE_IN_NEXT = re.compile(r"[\\\x00-\x20\x7f]")


@login_manager.user_loader
def load_user(user_id: str):
    # The id carries the session token, so changing the token ends every session at once.
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def safe_next(target: str | None) -> str:
    """Only ever redirect to a path on this site."""
    # Browsers read "/\\evil.example" as "//evil.example" and drop tabs and newlines, so
    # a backslash or any control character or space is refused outright.
    if target and not _UNSAFE_IN_NEXT.search(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and \
                not target.startswith("//"):
            return target
    return url_for("auth.home")


def sign_in_limit():
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            check_dummy_password(form.password.data)
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            user.last_sign_in_at = utcnow()
            audit("sign_in", "user", user.id, user=user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        # The same message whether or not the account exists.
        form.email.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@bp.get("/")
@login_required
def home():
    """Where staff land: the first page their roles give them."""
    for _label, endpoint, roles in STAFF_NAVIGATION:
        if current_user.has_role(*roles):
            return redirect(url_for(endpoint))
    return render_template("auth/home.html")


@bp.post("/sign-out")
def sign_out():
    form = SignOutForm()
    if form.validate() and current_user.is_authenticated:
        audit("sign_out", "user", current_user.id)
        db.session.commit()
        logout_user()
        flash("You have signed out")
    return redirect(url_for("auth.sign_in"))
