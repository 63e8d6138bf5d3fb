import re
import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from carers.audit.operations import record as audit
from carers.auth import policy, throttle
from carers.auth import second_factor as second_factor_codes
from carers.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    RecoveryCodeForm,
    SetPasswordForm,
    SetUpForm,
    SignInForm,
    SignOutForm,
)
from carers.auth.models import User, check_dummy_password
from carers.auth.passwords import password_problem
from carers.core.dates import utcnow
from carers.core.templating import staff_pages
from carers.extensions import db, limiter, login_manager
from carers.settings.registry import agency_settings

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


LOCKED_MESSAGE = ("There have been too many attempts to sign in with this email address. "
                  "Wait {minutes} minutes, then try again.")
WRONG_MESSAGE = "Enter a correct email address and password"
PENDING_LIFETIME = 300  # seconds to give the second factor after the password


def _locked_error(form, field):
    message = LOCKED_MESSAGE.format(minutes=throttle.lockout_minutes())
    field.errors.append(message)
    return render_template("auth/sign_in.html", form=form)


def complete_sign_in(user, how: str, next_: str | None = None):
    """Both factors given (or only one needed): the session starts afresh."""
    next_ = next_ or session.pop("pending_next", None)
    session.pop("pending_sign_in", None)
    login_user(user)
    session["seen"] = utcnow().timestamp()
    user.last_sign_in_at = utcnow()
    audit("sign_in", "user", user.id, {"with": how}, user=user)
    db.session.commit()
    return redirect(safe_next(next_))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if throttle.locked(email):
            check_dummy_password(form.password.data)
            return _locked_error(form, form.email)
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            check_dummy_password(form.password.data)
        if user is not None and user.active and user.check_password(form.password.data):
            throttle.succeeded(email)
            if user.has_second_factor:
                session["pending_sign_in"] = {"user": user.get_id(), "email": email,
                                              "at": utcnow().timestamp()}
                session["pending_next"] = request.args.get("next")
                db.session.commit()
                return redirect(url_for("auth.second_factor"))
            return complete_sign_in(user, "password", request.args.get("next"))
        now_locked = throttle.failed(email)
        audit("sign_in_failed", "sign_in", None, {"locked": now_locked})
        db.session.commit()
        if now_locked:
            return _locked_error(form, form.email)
        # The same message whether or not the account exists.
        form.email.errors.append(WRONG_MESSAGE)
    return render_template("auth/sign_in.html", form=form)


def _pending_user():
    pending = session.get("pending_sign_in")
    if not pending or utcnow().timestamp() - pending.get("at", 0) > PENDING_LIFETIME:
        return None, None
    user = load_user(pending["user"])
    return user, pending["email"]


def _second_step(form, check, template):
    user, email = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        flash("Sign in again: the time to enter a code ran out", "warning")
        return redirect(url_for("auth.sign_in"))
    if throttle.locked(email):
        session.pop("pending_sign_in", None)
        return render_template(template, form=form, locked=LOCKED_MESSAGE.format(
            minutes=throttle.lockout_minutes()))
    if form.validate_on_submit():
        how = check(user, form.code.data)
        if how:
            throttle.succeeded(email)
            return complete_sign_in(user, how)
        if throttle.failed(email):
            session.pop("pending_sign_in", None)
            audit("sign_in_failed", "sign_in", None, {"locked": True, "step": "code"},
                  user=user)
            db.session.commit()
            return render_template(template, form=form, locked=LOCKED_MESSAGE.format(
                minutes=throttle.lockout_minutes()))
        audit("sign_in_failed", "sign_in", None, {"step": "code"}, user=user)
        db.session.commit()
        form.code.errors.append("The code is not right. Check it and try again"
                                if isinstance(form, CodeForm) else
                                "That recovery code is not right, or it has been used")
    return render_template(template, form=form, locked=None)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def second_factor():
    def check(user, code):
        return "authenticator" if second_factor_codes.check_code(user, code) else None

    return _second_step(CodeForm(), check, "auth/code.html")


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def recovery_code():
    def check(user, code):
        if second_factor_codes.use_recovery_code(user, code):
            return "recovery_code"
        return None

    return _second_step(RecoveryCodeForm(), check, "auth/recovery_code.html")


@bp.get("/")
def home():
    """Where staff land: the first page of the navigation they may open."""
    for _label, endpoint in staff_pages(current_user):
        return redirect(url_for(endpoint))
    return render_template("auth/home.html")


@bp.post("/sign-out")
def sign_out():
    form = SignOutForm()
    if form.validate() and current_user.is_authenticated:
        audit("sign_out", "user", current_user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out")
    return redirect(url_for("auth.sign_in"))


@bp.get("/keep-alive")
def keep_alive():
    """Called by the idle-timeout warning's "Stay signed in" button."""
    return "", 204


# --- the account's own settings ---

@bp.get("/account")
def account():
    return render_template("auth/account.html", confirm=ConfirmForm(),
                           required=second_factor_codes.required(current_user),
                           codes_left=second_factor_codes.recovery_codes_left(current_user))


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
def set_up_second_factor():
    secret = session.get("totp_setup_secret")
    if request.method == "GET" or not secret:
        secret = session["totp_setup_secret"] = second_factor_codes.new_secret()
    form = SetUpForm()
    if request.method == "POST" and form.validate():
        step = second_factor_codes.matching_step(secret, form.code.data)
        if step is not None:
            codes = second_factor_codes.enable(current_user, secret)
            current_user.totp_last_step = step
            session.pop("totp_setup_secret", None)
            audit("update", "user", current_user.id, {"second_factor": "turned on"})
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, new=True)
        form.code.errors.append("The code is not right. Check the app shows this service, "
                                "then enter the code it shows now")
    uri = second_factor_codes.provisioning_uri(current_user, secret,
                                               agency_settings()["agency_name"])
    return render_template("auth/set_up.html", form=form, secret=secret,
                           qr=second_factor_codes.qr_svg_data_uri(uri),
                           required=second_factor_codes.required(current_user))


@bp.post("/account/two-step/recovery-codes")
def new_recovery_codes():
    if not ConfirmForm().validate() or not current_user.has_second_factor:
        return redirect(url_for("auth.account"))
    codes = second_factor_codes.new_recovery_codes(current_user)
    audit("update", "user", current_user.id, {"recovery_codes": "replaced"})
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, new=False)


@bp.post("/account/two-step/turn-off")
def turn_off_second_factor():
    if ConfirmForm().validate() and not second_factor_codes.required(current_user):
        second_factor_codes.disable(current_user)
        audit("update", "user", current_user.id, {"second_factor": "turned off"})
        db.session.commit()
        flash("Two-step sign in is off")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("Your current password is not right")
        else:
            problem = password_problem(form.new_password.data, current_user.email)
            if problem:
                form.new_password.errors.append(problem)
            else:
                current_user.set_password(form.new_password.data)
                current_user.password_set_at = utcnow()
                end_every_session(current_user)
                audit("update", "user", current_user.id, {"password": "changed"})
                db.session.commit()
                login_user(current_user)
                session["seen"] = utcnow().timestamp()
                flash("Password changed. Any other sessions you had have ended.")
                return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    if ConfirmForm().validate():
        end_every_session(current_user)
        audit("sign_out", "user", current_user.id, {"everywhere": True})
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out on every device")
    return redirect(url_for("auth.sign_in"))


def end_every_session(user) -> None:
    """Change the session version: every session of this account ends on its next request."""
    user.session_token = secrets.token_hex(16)


# --- before every request: idle timeout and the second factor ---

def idle_timeout():
    if not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    seen = session.get("seen")
    limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if seen is not None and now - seen > limit:
        logout_user()
        session.clear()
        flash(f"You were signed out because you had not used the service for "
              f"{current_app.config['SESSION_IDLE_MINUTES']} minutes", "warning")
        if request.endpoint == "auth.keep_alive":
            return "", 401
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if request.endpoint != "static":
        session["seen"] = now
    return None


def second_factor_gate(rule):
    """Accounts that must use a second factor set one up before anything else."""
    if current_user.has_second_factor or rule.before_second_factor or \
            not second_factor_codes.required(current_user):
        return None
    flash("Your role needs two-step sign in. Set it up to continue.", "warning")
    return redirect(url_for("auth.set_up_second_factor"))


def init_app(app):
    app.before_request(idle_timeout)
    policy.second_factor_gate = second_factor_gate


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def set_password(token):
    """The link in a staff invitation: the new member of staff chooses their password."""
    from carers.staff.operations import accept_invite, find_invited

    user = find_invited(token)
    if user is None:
        return render_template("auth/invite_closed.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, user.email)
        if problem:
            form.new_password.errors.append(problem)
        else:
            accept_invite(user, form.new_password.data)
            flash("Your password is set. Sign in to continue.")
            return redirect(url_for("auth.sign_in"))
    response = current_app.make_response(render_template("auth/set_password.html", form=form,
                                                         person=user))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
