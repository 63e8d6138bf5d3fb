from datetime import timedelta

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
from werkzeug.exceptions import TooManyRequests

from carers.auth import operations, policy, sessions, throttle
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
from carers.auth.navigation import staff_pages
from carers.auth.operations import (
    IdentityNotConfirmed,
    PasswordNotAllowed,
    SignInLocked,
    WrongCode,
    locked_message,
)
from carers.core.changes import Refusal
from carers.core.dates import utcnow
from carers.core.requestlog import known_as
from carers.core.requests import local_path
from carers.extensions import limiter, login_manager
from carers.settings.registry import agency_settings

bp = Blueprint("auth", __name__, url_prefix="/staff")


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in user, only while this browser's session is live on the server."""
    user = operations.find_account(user_id)
    if user is None:
        return None
    row = sessions.find(session.get("sid"), user.id)
    if row is None:
        return None
    g.staff_session = row
    known_as(f"staff:{user.id}")
    return user


def _staff_session():
    """This browser's live server-side session (None if it has ended)."""
    row = g.get("staff_session")
    if row is None or row.user_id != current_user.id or row.ended_at is not None:
        row = g.staff_session = sessions.find(session.get("sid"), current_user.id)
    return row


def _signed_in(user, token: str) -> None:
    """This browser is signed in to the account's new server-side session."""
    session.pop("pending_sign_in", None)
    login_user(user)
    session["sid"] = token


def safe_next(target: str | None) -> str:
    """Only ever redirect to a path on this site."""
    return local_path(target) or url_for("auth.home")


def sign_in_limit():
    return current_app.config["SIGN_IN_RATE_LIMIT"]


PENDING_LIFETIME = 300  # seconds to give the second factor after the password


def _complete_sign_in(user, token: str, next_: str | None = None):
    """Both factors given (or only one needed): on to the page the person asked for."""
    next_ = next_ or session.pop("pending_next", None)
    _signed_in(user, token)
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
        try:
            user, token = operations.sign_in(email, form.password.data, request.remote_addr)
        except Refusal as refusal:
            # Locked, or the same message whether or not the account exists.
            form.email.errors.extend(refusal.reasons)
            return render_template("auth/sign_in.html", form=form)
        if token is not None:
            return _complete_sign_in(user, token, request.args.get("next"))
        session["pending_sign_in"] = {"user": user.get_id(), "email": email,
                                      "at": utcnow().timestamp()}
        session["pending_next"] = request.args.get("next")
        return redirect(url_for("auth.second_factor"))
    return render_template("auth/sign_in.html", form=form)


def _pending_user():
    pending = session.get("pending_sign_in")
    if not pending or utcnow().timestamp() - pending.get("at", 0) > PENDING_LIFETIME:
        return None, None
    user = operations.find_account(pending["user"])
    return user, pending["email"]


def _second_step(form, template, recovery=False):
    user, email = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        flash("Sign in again: the time to enter a code ran out", "warning")
        return redirect(url_for("auth.sign_in"))
    _refuse_busy_address()
    if throttle.locked(email):
        session.pop("pending_sign_in", None)
        return render_template(template, form=form, locked=locked_message())
    if form.validate_on_submit():
        try:
            token = operations.sign_in_with_code(user, email, form.code.data,
                                                 request.remote_addr, recovery=recovery)
        except SignInLocked as refusal:
            session.pop("pending_sign_in", None)
            return render_template(template, form=form, locked=refusal.reasons[0])
        except WrongCode as refusal:
            form.code.errors.extend(refusal.reasons)
        else:
            return _complete_sign_in(user, token)
    return render_template(template, form=form, locked=None)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def second_factor():
    return _second_step(CodeForm(), "auth/code.html")


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
def recovery_code():
    return _second_step(RecoveryCodeForm(), "auth/recovery_code.html", recovery=True)


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
        operations.sign_out(current_user, _staff_session())
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


def _identity_form(form):
    """What the person typed to confirm who they are, for an operation."""
    return {"password": form.current_password.data, "code": form.current_code.data,
            "address": request.remote_addr}


def _not_confirmed(refusal: IdentityNotConfirmed, form):
    """The current password or code was not right: the reason goes on its field, and the page
    is shown again (None returned). When this failure locked the account, every session has
    ended: the person is signed out and sent to the sign-in page instead."""
    if not refusal.signed_out:
        getattr(form, refusal.field).errors.extend(refusal.reasons)
        return None
    logout_user()
    session.clear()
    flash(refusal.reasons[0], "warning")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
def set_up_second_factor():
    # The secret waits on the server-side session until confirmed, never in the cookie.
    row = _staff_session()
    secret = row.totp_setup_secret
    if request.method == "GET" or not secret:
        secret = operations.new_setup_secret(row)
    form = SetUpForm()
    if request.method == "POST" and form.validate():
        try:
            codes = operations.turn_on_second_factor(current_user, row, secret, form.code.data,
                                                     **_identity_form(form))
        except IdentityNotConfirmed as refusal:
            if (response := _not_confirmed(refusal, form)) is not None:
                return response
        except WrongCode as refusal:
            form.code.errors.extend(refusal.reasons)
        else:
            return render_template("auth/recovery_codes.html", codes=codes, new=True)
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
        try:
            codes = operations.replace_recovery_codes(current_user, **_identity_form(form))
        except IdentityNotConfirmed as refusal:
            if (response := _not_confirmed(refusal, form)) is not None:
                return response
        else:
            return render_template("auth/recovery_codes.html", codes=codes, new=False)
    return render_template("auth/confirm_identity.html", form=form,
                           title="Get new recovery codes",
                           lead="Your old recovery codes will stop working.")


@bp.route("/account/two-step/turn-off", methods=["GET", "POST"])
def turn_off_second_factor():
    if not current_user.has_second_factor or second_factor_codes.required(current_user):
        return redirect(url_for("auth.account"))
    form = TurnOffForm()
    if form.validate_on_submit():
        try:
            operations.turn_off_second_factor(current_user, **_identity_form(form))
        except IdentityNotConfirmed as refusal:
            if (response := _not_confirmed(refusal, form)) is not None:
                return response
        else:
            flash("Two-step sign in is off")
            return redirect(url_for("auth.account"))
    return render_template("auth/confirm_identity.html", form=form,
                           title="Turn off two-step sign in",
                           lead="You will sign in with your password only.")


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            token = operations.change_password(current_user, form.new_password.data,
                                               **_identity_form(form))
        except IdentityNotConfirmed as refusal:
            if (response := _not_confirmed(refusal, form)) is not None:
                return response
        except PasswordNotAllowed as refusal:
            form.new_password.errors.extend(refusal.reasons)
        else:
            _signed_in(current_user, token)
            flash("Password changed. Any other sessions you had have ended.")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    if ConfirmForm().validate():
        operations.sign_out_everywhere(current_user)
        logout_user()
        session.clear()
        flash("You have signed out on every device")
    return redirect(url_for("auth.sign_in"))


# --- before every request: idle timeout and the second factor ---

def idle_timeout():
    if not current_user.is_authenticated:
        return None
    row = _staff_session()
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if row is None or sessions.idle(row, timedelta(minutes=minutes)):
        if row is not None:
            operations.end_idle_session(row)
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
    if request.endpoint != "static":
        operations.touch_session(row)
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
    user = operations.find_invited(token)
    if user is None:
        return render_template("auth/invite_closed.html", invite_days=operations.INVITE_DAYS), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            operations.accept_invite(user, form.new_password.data)
        except PasswordNotAllowed as refusal:
            form.new_password.errors.extend(refusal.reasons)
        else:
            flash("Your password is set. Sign in to continue.")
            return redirect(url_for("auth.sign_in"))
    response = current_app.make_response(render_template("auth/set_password.html", form=form,
                                                         person=user))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
