"""Applicants' sign-in by emailed one-time code, their sessions and time-out, and the staff
pages that invite a household's people to apply."""

from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from carers.applicants import hooks, operations, queries, rules, sessions
from carers.applicants.forms import CodeForm, EmailForm, InviteForm, ResendForm, SignOutForm
from carers.applicants.navigation import applicant_pages
from carers.applicants.operations import CodeNotAccepted, TooManyCodes
from carers.audit.operations import record_view
from carers.auth import policy
from carers.cases.access import can_change
from carers.cases.queries import get_case
from carers.core.changes import Refusal, refused
from carers.core.dates import utcnow
from carers.core.requests import local_path
from carers.settings.registry import agency_settings

# The applicants' pages live under /apply; the invitations are staff pages of a case.
bp = Blueprint("applicants", __name__)

# This browser's request for a code: the address typed, when, wrong tries, the page asked for.
PENDING = "applicant_sign_in"


def _too_busy():
    """Too many code requests and wrong codes from this network address: a page saying how
    long to wait (None: carry on)."""
    wait = operations.network_wait(request.remote_addr)
    if not wait:
        return None
    minutes = max(1, -(-wait // 60))
    return (render_template("applicants/too_many.html", minutes=minutes), 429,
            {"Retry-After": str(wait)})


@bp.route("/apply/sign-in", methods=["GET", "POST"])
def sign_in():
    if sessions.current_applicant() is not None:
        return redirect(url_for("applicants.home"))
    form = EmailForm()
    if request.method == "POST" and (busy := _too_busy()) is not None:
        return busy
    if request.method == "GET":
        form.email.data = (session.get(PENDING) or {}).get("email")
    if form.validate_on_submit():
        try:
            operations.request_code(form.email.data, request.remote_addr)
        except TooManyCodes as refusal:
            return refused(refusal, "applicants/sign_in.html", form)
        session[PENDING] = {"email": operations.normal_email(form.email.data),
                            "at": utcnow().timestamp(), "tries": 0,
                            "next": local_path(request.args.get("next"))}
        return redirect(url_for("applicants.code"))
    return render_template("applicants/sign_in.html", form=form)


@bp.route("/apply/sign-in/code", methods=["GET", "POST"])
def code():
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not pending.get("email"):
        return redirect(url_for("applicants.sign_in"))
    if request.method == "POST" and (busy := _too_busy()) is not None:
        return busy
    form = CodeForm()
    context = {"email": pending["email"], "minutes": rules.CODE_MINUTES, "new_code": False}
    if form.validate_on_submit():
        try:
            operations.sign_in_with_code(
                pending["email"], form.code.data, request.remote_addr,
                requested_at=datetime.fromtimestamp(float(pending.get("at", 0)), UTC),
                tries=int(pending.get("tries", 0)), previous=sessions.this_browser(),
                held=sessions.find(session.get(sessions.HELD_KEY)))
        except CodeNotAccepted as refusal:
            session[PENDING] = {**pending, "tries": refusal.tries}
            context["new_code"] = refusal.needs_new_code
            return refused(refusal, "applicants/code.html", form, **context)
        session.pop(PENDING, None)
        session.pop(sessions.HELD_KEY, None)
        return redirect(pending.get("next") or url_for("applicants.home"))
    return render_template("applicants/code.html", form=form, **context)


@bp.post("/apply/sign-out")
def sign_out():
    if SignOutForm().validate():
        operations.sign_out(sessions.this_browser())
        session.pop(sessions.COOKIE_KEY, None)
        session.pop(PENDING, None)
    return redirect(url_for("applicants.signed_out"))


@bp.get("/apply/signed-out")
def signed_out():
    return render_template("applicants/signed_out.html")


@bp.get("/apply/keep-alive")
def keep_alive():
    """Called by the time-out warning's "Stay signed in" button."""
    return "", 204


@bp.get("/apply/")
def home():
    """Where applicants land: the first of their pages (their application)."""
    pages = applicant_pages(sessions.current_applicant())
    if not pages:
        abort(404)
    return redirect(url_for(pages[0][1]))


# --- staff: inviting the household's people ---

@bp.get("/staff/cases/<reference>/invitations")
def invitations(reference):
    household = get_case(reference)
    page = _invitations_page(household)
    record_view("view", "household", household.id, {"page": "invitations"})
    return page


def _invitations_page(household, form=None, refusal=None):
    if refusal is not None:
        return refused(refusal, "applicants/invitations.html", form or ResendForm(),
                       **_invitations_context(household))
    return render_template("applicants/invitations.html", **_invitations_context(household))


def _invitations_context(household) -> dict:
    return {"household": household, "people": queries.invitees(household),
            "blocked": operations.invitation_refusal(household),
            "can_change": can_change(current_user, household), "resend_form": ResendForm()}


@bp.route("/staff/cases/<reference>/invitations/<int:member_id>", methods=["GET", "POST"])
def invite(reference, member_id):
    household = get_case(reference)
    member = queries.get_member(household, member_id)
    if operations.account_of(member) is not None:
        flash(f"{member.name} has already been invited")
        return redirect(url_for("applicants.invitations", reference=reference))
    form = InviteForm()
    first_applicant = next((m for m in household.members if m.is_applicant), None)
    if request.method == "GET" and member is first_applicant:
        form.email.data = household.email  # the address the enquiry gave
    context = {"household": household, "member": member,
               "blocked": operations.invitation_refusal(household)
               or operations.member_refusal(member)}
    if form.validate_on_submit():
        try:
            operations.invite(household, member, form.email.data, current_user)
        except Refusal as refusal:
            return refused(refusal, "applicants/invite.html", form, **context)
        flash(f"Invitation sent to {member.name}")
        return redirect(url_for("applicants.invitations", reference=reference))
    return render_template("applicants/invite.html", form=form, **context)


@bp.post("/staff/cases/<reference>/invitations/<int:member_id>/resend")
def resend_invitation(reference, member_id):
    household = get_case(reference)
    member = queries.get_member(household, member_id)
    form = ResendForm()
    if form.validate():
        try:
            operations.resend_invitation(household, member, current_user)
        except Refusal as refusal:
            return _invitations_page(household, form, refusal)
        flash(f"Invitation sent again to {member.name}")
    return redirect(url_for("applicants.invitations", reference=reference))


def case_section(household, user):
    """The case page's section: who in the household signs in, and where each stands."""
    return "applicants/_case_section.html", {
        "people": queries.invitees(household),
        "blocked": operations.invitation_refusal(household),
        "can_change": can_change(user, household)}


# --- before every request: the time-out ---

def _posted_fields() -> list[tuple[str, str]] | None:
    """What a page posted to an applicant's page that keeps typed answers over a time-out
    (``hooks.keeps_typed``), or None."""
    if request.method != "POST" or request.endpoint not in hooks.keeps_typed:
        return None
    return list(request.form.items(multi=True))


def idle_timeout():
    """End an applicant's session unused for the agency's ``applicant_session_minutes``: the
    next applicant's page goes to sign in, saying why (what they saved is kept: answers are
    saved on every page). A page of answers posted after the time-out is not saved: it is
    kept on the server for the same person, who sees it again on that page once signed in
    on this browser (``sessions.hold``)."""
    if sessions.COOKIE_KEY not in session:
        return None
    row = sessions.this_browser()
    if row is None or row.ended_at is not None:
        # Signed out, or a copy of an old cookie: applicants' pages refuse it. A page posted
        # from another tab after the time-out is kept as below.
        if row is not None and row.ended_because == "timed out" \
                and (fields := _posted_fields()):
            kept = operations.keep_posted(row, request.path, fields)
            flash(NOT_SAVED_KEPT if kept else NOT_SAVED, "warning")
        session.pop(sessions.COOKIE_KEY, None)
        return None
    minutes = agency_settings()["applicant_session_minutes"]
    if sessions.idle(row, timedelta(minutes=minutes)):
        fields = _posted_fields()
        kept = operations.end_idle_session(row, request.path, fields)
        session.pop(sessions.COOKIE_KEY, None)
        flash(f"You were signed out because you had not used the service for {minutes} "
              "minutes. Everything you saved is kept.", "warning")
        if fields:
            flash(NOT_SAVED_KEPT if kept else NOT_SAVED, "warning")
        if request.endpoint == "applicants.keep_alive":
            return "", 401
        rule = policy.rule_for(request.endpoint)
        if rule is None or rule.audience != policy.APPLICANT:
            return None
        return redirect(url_for("applicants.sign_in", next=request.full_path.rstrip("?")))
    if request.endpoint != "static":
        operations.touch_session(row)
    return None


NOT_SAVED_KEPT = ("The page you sent last was not saved. Sign in again to see what you "
                  "typed on it, then save it.")
NOT_SAVED = "The page you sent last was not saved. Sign in again and fill it in again."


def session_timing() -> dict:
    """The time-out warning's figures for the applicants' layout."""
    seconds = agency_settings()["applicant_session_minutes"] * 60
    warning = rules.warning_seconds(seconds // 60)
    return {"idle_seconds": seconds, "warning_seconds": warning,
            "warning_minutes": max(1, warning // 60)}


def init_app(app) -> None:
    """Before the access policy (the app factory calls this first): the time-out, so that the
    policy sees a timed-out applicant as signed out."""
    policy.applicant_loader = sessions.current_applicant
    app.before_request(idle_timeout)
    app.add_template_global(sessions.current_applicant, "signed_in_applicant")
    app.add_template_global(session_timing, "applicant_session_timing")
