import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.exceptions import TooManyRequests

from carers.audit.operations import record as audit
from carers.auth import policy, sessions, throttle
from carers.auth import second_factor as second_factor_codes
from carers.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    NewRecoveryCodesForm,
    RecoveryCodeForm,
    SetPasswordForm,
    SetUpForm,
    SignInForm,
    SignOutForm,
    TurnOffForm,
)
from carers.auth.models import User, check_dummy_password
from carers.auth.passwords import password_problem
from carers.core.dates import utcnow
from carers.core.numbers import plain_number
from carers.core.templating import staff_pages
from carers.extensions import db, limiter, login_manager
from carers.settings.registry import agency_settings

bp = Blueprint("auth", __name__, url_prefix="/staff")

_UNSAFE_IN_NEXT = re.compile(r"[\\\x00-\x20\x7f]")


def _account(user_id: str):
    # The id carries the account's session version, so changing it ends every session at once.
    ident, _, token = str(user_id).partition(":")
    number = plain_number(ident)
    if number is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in user, only while this browser's session is live on the server."""
    user = _account(user_id)
    if user is None:
        return None
    row = sessions.find(session.get("sid"), user.id)
    if row is None:
        return None
    g.staff_session = row
    return user


def _staff_session():
    """This browser's live server-side session (None if it has ended)."""
    row = g.get("staff_session")
    if row is None or row.user_id != current_user.id or row.ended_at is not None:
        row = g.staff_session = sessions.find(session.get("sid"), current_user.id)
    return row


def _start_session(user) -> None:
    """Sign the user in on this browser with a new server-side session (the caller has
    added everything else to the transaction; this commits it)."""
    token = sessions.start(user)
    db.session.commit()
    session.pop("pending_sign_in", None)
    login_user(user)
    session["sid"] = token


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


def complete_sign_in(user, how: str, email: str, next_: str | None = None):
    """Both factors given (or only one needed): the session starts afresh. Only now are
    the address's failures forgotten, so entering the password again does not forgive
    wrong codes."""
    next_ = next_ or session.pop("pending_next", None)
    throttle.succeeded(email)
    user.last_sign_in_at = utcnow()
    audit("sign_in", "user", user.id, {"with": how}, user=user)
    _start_session(user)
    return redirect(safe_next(next_))


def _refuse_busy_address():
    """Too many failed sign-ins from this network address: the staff "too many attempts"
    page, with the real wait."""
    if request.method == "POST":
        wait = throttle.address_wait(request.remote_addr)
        if wait:
            raise TooManyRequests(retry_after=wait)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    _refuse_busy_address()
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
            if user.has_second_factor:
                session["pending_sign_in"] = {"user": user.get_id(), "email": email,
                                              "at": utcnow().timestamp()}
                session["pending_next"] = request.args.get("next")
                db.session.commit()
                return redirect(url_for("auth.second_factor"))
            return complete_sign_in(user, "password", email, request.args.get("next"))
        now_locked = throttle.failed(email, address=request.remote_addr)
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
    user = _account(pending["user"])
    return user, pending["email"]


def _second_step(form, check, template):
    user, email = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        flash("Sign in again: the time to enter a code ran out", "warning")
        return redirect(url_for("auth.sign_in"))
    _refuse_busy_address()
    if throttle.locked(email):
        session.pop("pending_sign_in", None)
        return render_template(template, form=form, locked=LOCKED_MESSAGE.format(
            minutes=throttle.lockout_minutes()))
    if form.validate_on_submit():
        how = check(user, form.code.data)
        if how:
            return complete_sign_in(user, how, email)
        if throttle.failed(email, address=request.remote_addr):
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
def second_factor():
    def check(user, code):
        return "authenticator" if second_factor_codes.check_code(user, code) else None

    return _second_step(CodeForm(), check, "auth/code.html")


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
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
        sessions.end(_staff_session())
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


def _confirm_identity(form):
    """Before a change to how the account signs in: the current password and, where the
    account has one, a current code. Returns None when both are right. Otherwise the form
    carries the errors and None is not returned: a wrong answer counts towards the lockout
    like a wrong sign-in, and the failure that locks the account also ends its sessions, so
    the caller gets a redirect to the sign-in page to return instead."""
    user, email = current_user, current_user.email
    if throttle.locked(email):
        form.current_password.errors.append(
            LOCKED_MESSAGE.format(minutes=throttle.lockout_minutes()))
        return False
    if not user.check_password(form.current_password.data):
        form.current_password.errors.append("Your current password is not right")
    elif user.has_second_factor and not form.current_code.data:
        form.current_code.errors.append("Enter the 6-digit code from your authenticator app")
        return False
    elif user.has_second_factor and not second_factor_codes.check_code(
            user, form.current_code.data):
        form.current_code.errors.append("The code is not right. Check it and try again")
    else:
        throttle.succeeded(email)
        return None
    locked = throttle.failed(email, address=request.remote_addr)
    audit("confirm_identity_failed", "user", user.id, {"locked": locked})
    if not locked:
        db.session.commit()
        return False
    end_every_session(user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(LOCKED_MESSAGE.format(minutes=throttle.lockout_minutes()), "warning")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
def set_up_second_factor():
    # The secret waits on the server-side session until confirmed, never in the cookie.
    row = _staff_session()
    secret = row.totp_setup_secret
    if request.method == "GET" or not secret:
        secret = row.totp_setup_secret = second_factor_codes.new_secret()
        db.session.commit()
    form = SetUpForm()
    if request.method == "POST" and form.validate():
        refused = _confirm_identity(form)
        if refused is None:
            step = second_factor_codes.matching_step(secret, form.code.data)
            if step is not None:
                changed = current_user.has_second_factor
                codes = second_factor_codes.enable(current_user, secret)
                current_user.totp_last_step = step
                row.totp_setup_secret = None
                audit("update", "user", current_user.id,
                      {"second_factor": "changed" if changed else "turned on"})
                db.session.commit()
                return render_template("auth/recovery_codes.html", codes=codes, new=True)
            form.code.errors.append("The code is not right. Check the app shows this "
                                    "service, then enter the code it shows now")
        elif refused is not False:
            return refused
    uri = second_factor_codes.provisioning_uri(current_user, secret,
                                               agency_settings()["agency_name"])
    return render_template("auth/set_up.html", form=form, secret=secret,
                           qr=second_factor_codes.qr_svg_data_uri(uri),
                           required=second_factor_codes.required(current_user))


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
def new_recovery_codes():
    if not current_user.has_second_factor:
        return redirect(url_for("auth.account"))
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        refused = _confirm_identity(form)
        if refused is None:
            codes = second_factor_codes.new_recovery_codes(current_user)
            audit("update", "user", current_user.id, {"recovery_codes": "replaced"})
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, new=False)
        if refused is not False:
            return refused
    return render_template("auth/confirm_identity.html", form=form,
                           title="Get new recovery codes",
                           lead="Your old recovery codes will stop working.")


@bp.route("/account/two-step/turn-off", methods=["GET", "POST"])
def turn_off_second_factor():
    if not current_user.has_second_factor or second_factor_codes.required(current_user):
        return redirect(url_for("auth.account"))
    form = TurnOffForm()
    if form.validate_on_submit():
        refused = _confirm_identity(form)
        if refused is None:
            second_factor_codes.disable(current_user)
            audit("update", "user", current_user.id, {"second_factor": "turned off"})
            db.session.commit()
            flash("Two-step sign in is off")
            return redirect(url_for("auth.account"))
        if refused is not False:
            return refused
    return render_template("auth/confirm_identity.html", form=form,
                           title="Turn off two-step sign in",
                           lead="You will sign in with your password only.")


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        refused = _confirm_identity(form)
        if refused is None:
            problem = password_problem(form.new_password.data, current_user.email)
            if problem:
                form.new_password.errors.append(problem)
            else:
                current_user.set_password(form.new_password.data)
                current_user.password_set_at = utcnow()
                end_every_session(current_user)
                audit("update", "user", current_user.id, {"password": "changed"})
                _start_session(current_user)
                flash("Password changed. Any other sessions you had have ended.")
                return redirect(url_for("auth.account"))
        elif refused is not False:
            return refused
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
    """Change the session version and end every server-side session of this account."""
    user.session_token = secrets.token_hex(16)
    sessions.end_all(user)


# --- before every request: idle timeout and the second factor ---

def idle_timeout():
    if not current_user.is_authenticated:
        return None
    row = _staff_session()
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if row is None or sessions.idle(row, timedelta(minutes=minutes)):
        if row is not None:
            sessions.end(row)
            db.session.commit()
        logout_user()
        session.clear()
        if row is not None:
            flash(f"You were signed out because you had not used the service for "
                  f"{minutes} minutes", "warning")
        if request.endpoint == "auth.keep_alive":
            return "", 401
        rule = policy.rule_for(request.endpoint)
        if rule is not None and rule.audience in (policy.PUBLIC, policy.REFEREE, policy.LINK):
            return None  # a public page or a link is served to anyone, signed in or not
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if request.endpoint != "static" and sessions.touch(row):
        db.session.commit()
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
    from carers.staff.operations import INVITE_DAYS, accept_invite, find_invited

    user = find_invited(token)
    if user is None:
        return render_template("auth/invite_closed.html", invite_days=INVITE_DAYS), 404
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
