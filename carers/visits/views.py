"""Visit pages: a case's visits, booking, rearranging, cancelling and writing up; a worker's
diary week; and the worker's private calendar feed."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from carers.audit.operations import record_view
from carers.cases.access import can_change, is_manager
from carers.cases.queries import get_case, team_staff
from carers.core.changes import Refusal, refused
from carers.core.dates import london, today, utcnow
from carers.core.pagination import paginate
from carers.extensions import limiter
from carers.settings.registry import agency_settings
from carers.visits import ics, operations, queries
from carers.visits.access import can_change_visit
from carers.visits.forms import CancelForm, FeedForm, RevokeForm, VisitForm, WriteUpForm
from carers.visits.models import Visit
from carers.visits.queries import get_visit
from carers.visits.rules import (
    KINDS,
    PLACES,
    STATUS_TAGS,
    STATUSES,
    AmbiguousTime,
    TimeProblem,
    format_time,
    format_when,
    local_start,
    repeated_choices,
    week_bounds,
    week_start,
    which_time,
)

bp = Blueprint("visits", __name__)

DIARY_LIMIT = 500


@bp.app_template_global()
def visit_kind(value: str) -> str:
    return KINDS.get(value, "Visit")


@bp.app_template_global()
def visit_status_tag(value: str) -> dict:
    return {"text": STATUSES.get(value, value), "classes": STATUS_TAGS.get(value, "")}


@bp.app_template_global()
def visit_when(visit) -> str:
    return format_when(visit.starts_at, visit.duration_minutes)


def _visit_form(household, visit: Visit | None = None):
    form = VisitForm()
    staff = {str(u.id): u for u in team_staff(current_user)}
    for worker in [*household.workers, *(visit.workers if visit else [])]:
        staff.setdefault(str(worker.id), worker)
    form.workers.choices = [(k, u.name) for k, u in staff.items()]
    members = {str(m.id): m for m in household.members}
    form.members.choices = [(k, m.name) for k, m in members.items()]
    home = ", ".join(p for p in (household.address, household.postcode) if p)
    office = agency_settings().get("office_address")
    form.place.choices = [
        ("home", f"{PLACES['home']} ({home})" if home else
         f"{PLACES['home']} (no address on record)"),
        ("office", f"{PLACES['office']} ({office})" if office else PLACES["office"]),
        ("online", PLACES["online"]),
    ]
    return form, staff, members


def _ask_which_time(form, at) -> None:
    """Show the 'which 01:30?' question (the night the clocks go back)."""
    form.which_time.choices = repeated_choices(at)
    form.which_time.label.text = f"Which {at:%H:%M} do you mean?"


def _details(form, household, staff, members):
    """The visit the form describes, or None with errors added to the form."""
    try:
        starts_at = local_start(form.day.data, form.start_time.parsed, form.which_time.data)
    except AmbiguousTime as problem:
        _ask_which_time(form, problem.at)
        form.which_time.errors.append(str(problem))
        return None
    except TimeProblem as problem:
        form.start_time.errors.append(str(problem))
        return None
    if which_time(starts_at):
        _ask_which_time(form, form.start_time.parsed)
    details = operations.VisitDetails(
        kind=form.kind.data, starts_at=starts_at, duration_minutes=form.duration.data,
        place=form.place.data, meeting_link=form.meeting_link.data,
        workers=[staff[k] for k in form.workers.data], notes=form.notes.data,
        members=[members[k] for k in form.members.data or []])
    try:
        operations.place_location(household, details.place, details.meeting_link)
    except operations.NoAddress as problem:
        form.place.errors.append(str(problem))
        return None
    return details


def _clashed(form, problem) -> list:
    """The clash message on the form (what was typed is kept), and the clashes to list."""
    form.confirm_clash.errors.append(
        f"{problem.clashes[0].text}. Change the time, or confirm the clash to book it anyway")
    return problem.clashes


@bp.get("/staff/cases/<reference>/visits")
def case_visits(reference):
    household = get_case(reference)
    page = paginate(*queries.case_visits(household), current_app.config["PAGE_SIZE"])
    html = render_template("visits/case.html", household=household, page=page,
                           can_change=can_change(current_user, household))
    record_view("view", "household_visits", household.id)
    return html


@bp.route("/staff/cases/<reference>/visits/new", methods=["GET", "POST"])
def book(reference):
    household = get_case(reference)
    form, staff, members = _visit_form(household)
    clashes = []
    if request.method == "GET":
        form.workers.data = [str(current_user.id)] if str(current_user.id) in staff else []
        form.place.data = "home" if household.address else None
        form.duration.data = 90
    elif form.validate():
        details = _details(form, household, staff, members)
        if details is not None:
            try:
                visit = operations.book_visit(household, current_user, details,
                                              accept_clashes=form.confirm_clash.data)
            except operations.VisitClashes as problem:
                clashes = _clashed(form, problem)
            else:
                flash(f"{visit_kind(visit.kind)} booked for {visit_when(visit)}. Invitations "
                      "will be sent to everyone attending.")
                return redirect(url_for("visits.visit", visit_id=visit.id))
    return render_template("visits/form.html", form=form, household=household,
                           clashes=clashes, title="Book a visit", visit=None)


@bp.get("/staff/visits/<int:visit_id>")
def visit(visit_id):
    visit = get_visit(visit_id)
    html = render_template("visits/visit.html", visit=visit, household=visit.household,
                           can_change=can_change_visit(current_user, visit),
                           started=visit.starts_at_utc <= utcnow())
    record_view("view", "visit", visit.id)
    return html


@bp.get("/staff/visits/<int:visit_id>/calendar.ics")
def visit_calendar(visit_id):
    """The visit as a calendar file, for whoever may see the visit."""
    visit = get_visit(visit_id)
    body = operations.calendar_file(visit)
    record_view("download", "visit_calendar", visit.id)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="visit-{visit.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/staff/visits/<int:visit_id>/rearrange", methods=["GET", "POST"])
def rearrange(visit_id):
    visit = get_visit(visit_id)
    if not visit.is_active:
        flash("Only a booked visit can be rearranged", "warning")
        return redirect(url_for("visits.visit", visit_id=visit.id))
    household = visit.household
    form, staff, members = _visit_form(household, visit)
    form.submit.label.text = "Rearrange visit"
    clashes = []
    if request.method == "GET":
        local = london(visit.starts_at)
        form.version.data = str(visit.version)
        form.kind.data = visit.kind
        form.day.data = local.date()
        form.start_time.data = f"{local:%H:%M}"
        if which_time(visit.starts_at):
            _ask_which_time(form, local.time())
            form.which_time.data = which_time(visit.starts_at)
        form.duration.data = visit.duration_minutes
        form.place.data = visit.place
        form.meeting_link.data = visit.location if visit.place == "online" else ""
        form.workers.data = [str(w.id) for w in visit.workers]
        form.members.data = [str(m.id) for m in visit.members]
        form.notes.data = visit.notes
    elif form.validate():
        details = _details(form, household, staff, members)
        if details is not None:
            try:
                operations.rearrange_visit(visit, current_user, details, form.seen_version(),
                                           accept_clashes=form.confirm_clash.data)
            except operations.VisitClashes as problem:
                clashes = _clashed(form, problem)
            except Refusal as refusal:
                return refused(refusal, "visits/form.html", form=form, household=household,
                               clashes=[], title="Rearrange the visit", visit=visit)
            else:
                flash(f"Visit rearranged to {visit_when(visit)}. Everyone concerned will be "
                      "sent the new details.")
                return redirect(url_for("visits.visit", visit_id=visit_id))
    return render_template("visits/form.html", form=form, household=household,
                           clashes=clashes, title="Rearrange the visit", visit=visit)


@bp.route("/staff/visits/<int:visit_id>/cancel", methods=["GET", "POST"])
def cancel(visit_id):
    visit = get_visit(visit_id)
    if not visit.is_active:
        flash("This visit is not booked, so it cannot be cancelled", "warning")
        return redirect(url_for("visits.visit", visit_id=visit.id))
    form = CancelForm()
    if request.method == "GET":
        form.version.data = str(visit.version)
    elif form.validate():
        try:
            operations.cancel_visit(visit, current_user, form.reason.data, form.seen_version())
        except Refusal as refusal:
            return refused(refusal, "visits/simple_form.html", form=form, visit=visit,
                           household=visit.household, title="Cancel the visit")
        else:
            flash("Visit cancelled. Everyone concerned will be sent the cancellation.")
            return redirect(url_for("visits.visit", visit_id=visit_id))
    return render_template("visits/simple_form.html", form=form, visit=visit,
                           household=visit.household, title="Cancel the visit")


@bp.route("/staff/visits/<int:visit_id>/write-up", methods=["GET", "POST"])
def write_up(visit_id):
    visit = get_visit(visit_id)
    if visit.status == Visit.CANCELLED or visit.starts_at_utc > utcnow():
        flash("You can write up a visit once it has started", "warning")
        return redirect(url_for("visits.visit", visit_id=visit.id))
    form = WriteUpForm()
    if request.method == "GET":
        form.version.data = str(visit.version)
        if visit.write_up:
            form.write_up.data = visit.write_up
            form.outcome.data = visit.status if not visit.is_active else None
    elif form.validate():
        try:
            operations.record_outcome(visit, current_user, form.outcome.data == "took_place",
                                      form.write_up.data, form.seen_version())
        except Refusal as refusal:
            return refused(refusal, "visits/simple_form.html", form=form, visit=visit,
                           household=visit.household, title="Write up the visit")
        else:
            flash("Write-up saved")
            return redirect(url_for("visits.visit", visit_id=visit_id))
    return render_template("visits/simple_form.html", form=form, visit=visit,
                           household=visit.household, title="Write up the visit")


def _week_param() -> date:
    raw = request.args.get("week", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = today()
    if not 2000 <= day.year <= 2100:
        day = today()
    return week_start(day)


def _diary_owner():
    """The signed-in worker, or (for a team manager or administrator) one of their staff
    named by ``?worker=<id>``."""
    raw = request.args.get("worker", "")
    if not raw or raw == str(current_user.id):
        return current_user, []
    if not is_manager(current_user):
        abort(403)
    staff = {str(u.id): u for u in team_staff(current_user)}
    if raw not in staff:
        abort(404)
    return staff[raw], staff


@bp.get("/staff/diary")
def diary():
    monday = _week_param()
    start, end = week_bounds(monday)
    owner, _ = _diary_owner()
    staff = team_staff(current_user) if is_manager(current_user) else []
    visits = queries.diary_visits(owner, start, end, DIARY_LIMIT)
    days = [(monday + timedelta(days=i), []) for i in range(7)]
    for item in visits:
        index = (london(item.starts_at).date() - monday).days
        if 0 <= index < 7:
            days[index][1].append(item)
    html = render_template("visits/diary.html", days=days, monday=monday,
                           previous=monday - timedelta(days=7), next=monday + timedelta(days=7),
                           this_week=week_start(today()), today_date=today(),
                           format_time=format_time, truncated=len(visits) >= DIARY_LIMIT,
                           owner=owner, staff=staff,
                           worker_arg=owner.id if owner.id != current_user.id else None)
    record_view("view", "diary", owner.id, {"week": monday.isoformat()})
    return html


@bp.route("/staff/calendar-feed", methods=["GET", "POST"])
def calendar_feed():
    form, revoke_form = FeedForm(), RevokeForm()
    address = None
    if request.method == "POST" and form.validate():
        token = operations.create_feed(current_user)
        address = (current_app.config["PUBLIC_BASE_URL"].rstrip("/")
                   + url_for("visits.feed", token=token))
    return render_template("visits/feed.html", form=form, revoke_form=revoke_form,
                           feed_row=queries.calendar_feed(current_user), address=address,
                           past_days=operations.FEED_PAST_DAYS)


@bp.post("/staff/calendar-feed/revoke")
def revoke_calendar_feed():
    if RevokeForm().validate() and operations.revoke_feed(current_user):
        flash("Your calendar address is turned off. Calendars using it will stop updating.")
    return redirect(url_for("visits.calendar_feed"))


def _feed_limit():
    return current_app.config["ENQUIRY_PAGE_RATE_LIMIT"]


@bp.get("/calendar/<token>.ics")
@limiter.limit(_feed_limit)
def feed(token):
    user = operations.feed_owner(token)
    if user is None:
        abort(404)
    visits = operations.feed_visits(user)
    body = ics.feed(visits, f"Visits: {user.name}")
    # Also saves when the feed was last used (set by feed_owner).
    record_view("download", "calendar_feed", user.id, {"visits": len(visits)}, user=user)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="visits.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
