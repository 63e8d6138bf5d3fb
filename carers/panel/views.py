"""Panel pages: the central list, meetings and agendas (panel administrator), the member's
own meetings and papers, the chair's recommendation and minutes, the agency decision."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from carers.audit.operations import record as audit
from carers.auth.models import User
from carers.cases import operations as case_ops
from carers.cases.access import can_read
from carers.cases.models import Household
from carers.cases.queries import get_case
from carers.clocks.statutory import adm_decision_clock, qd_response_clock
from carers.core.changes import CHANGED_MESSAGE
from carers.core.dates import today
from carers.core.pagination import paginate
from carers.extensions import db
from carers.panel import operations as ops
from carers.panel import pdfs
from carers.panel.access import (
    PANEL_ADMINS,
    chairs_meeting,
    membership,
    visible_meeting,
    writes_minutes,
)
from carers.panel.forms import (
    AgendaForm,
    ConfirmForm,
    DecisionForm,
    MeetingForm,
    MemberEditForm,
    MemberForm,
    MinutesForm,
    RecommendationForm,
    SeatsForm,
)
from carers.panel.models import (
    AgendaItem,
    MeetingSeat,
    PackCopy,
    PackJob,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    PanelRecommendation,
)
from carers.panel.rules import (
    PanelRole,
    access_ends_on,
    papers_due_on,
    papers_fingerprint,
    quorum,
)
from carers.pipeline import Recommendation, Stage, TransitionRefused
from carers.settings.registry import agency_settings

bp = Blueprint("panel", __name__)

CHANGED_KEPT = ("This changed since you opened it, so nothing was saved. What you typed is "
                "kept below: check the latest details, then save again.")
MEETING_CHANGED = ("This meeting changed since you opened this page. Check the latest details, "
                   "then save again: what you typed is below.")

AGENDA_CHOICES_LIMIT = 200


def _page_size() -> int:
    return current_app.config.get("PAGE_SIZE", 25)


def _meeting_or_404(meeting_id: int) -> PanelMeeting:
    meeting = db.session.scalar(
        select(PanelMeeting).where(PanelMeeting.id == meeting_id)
        .options(selectinload(PanelMeeting.seats), selectinload(PanelMeeting.agenda)))
    if meeting is None:
        abort(404)
    return meeting


def _refused(reasons):
    return [{"text": r} for r in reasons]


def _attempt(change, done: str, to: str):
    """Make a change from a form. Returns (a redirect to ``to``, []) once it is made; or (None,
    the reasons) when it is refused or the meeting changed meanwhile, to show the form again
    with what was typed."""
    try:
        change()
    except ops.PanelRefused as refused:
        db.session.rollback()
        return None, _refused(refused.reasons)
    except ops.MeetingChanged:
        db.session.rollback()
        return None, [{"text": MEETING_CHANGED}]
    flash(done)
    return redirect(to), []


# --- the central list ---

@bp.get("/staff/panel/members")
def members():
    query = select(PanelMember).join(User, PanelMember.user_id == User.id).order_by(
        PanelMember.left_on.is_not(None), User.name, PanelMember.id)
    page = paginate(query, select(func.count(PanelMember.id)), _page_size())
    on = today()
    has_sw = db.session.scalar(select(func.count(PanelMember.id)).where(
        PanelMember.panel_role == PanelRole.SOCIAL_WORKER.value,
        PanelMember.left_on.is_(None) | (PanelMember.left_on > on)))
    return render_template("panel/members.html", page=page, today_date=on, has_sw=has_sw,
                           pagination=page.govuk_params("panel.members"))


def _candidates() -> list[User]:
    on_list = select(PanelMember.user_id)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id.not_in(on_list))
        .order_by(User.name).limit(500)))


@bp.route("/staff/panel/members/new", methods=["GET", "POST"])
def add_member():
    form = MemberForm()
    people = {str(u.id): u for u in _candidates()}
    form.user.choices = [("", "Select a person")] + [
        (k, f"{u.name} ({u.email})") for k, u in people.items()]
    refusals = []
    if request.method == "GET":
        form.joined_on.data = today()
    elif form.validate():
        response, refusals = _attempt(
            lambda: ops.add_member(current_user, people[form.user.data],
                                   PanelRole(form.panel_role.data), form.joined_on.data,
                                   form.qualified_on.data),
            f"{people[form.user.data].name} added to the central list", url_for("panel.members"))
        if response:
            return response
    return render_template("panel/form.html", form=form, refusals=refusals,
                           page_title="Add someone to the central list",
                           back=url_for("panel.members"))


@bp.route("/staff/panel/members/<int:member_id>", methods=["GET", "POST"])
def edit_member(member_id):
    member = db.session.get(PanelMember, member_id)
    if member is None:
        abort(404)
    form = MemberEditForm()
    refusals = []
    if request.method == "GET":
        form.panel_role.data = member.panel_role
        form.qualified_on.data = member.qualified_on
        form.left_on.data = member.left_on
    elif form.validate():
        response, refusals = _attempt(
            lambda: ops.update_member(current_user, member, PanelRole(form.panel_role.data),
                                      form.qualified_on.data, form.left_on.data),
            f"{member.user.name}'s details saved", url_for("panel.members"))
        if response:
            return response
    return render_template("panel/form.html", form=form, refusals=refusals,
                           page_title=f"{member.user.name}: panel membership",
                           back=url_for("panel.members"))


# --- meetings ---

@bp.get("/staff/panel/meetings")
def meetings():
    on = today()
    past = request.args.get("show") == "past"
    query = select(PanelMeeting)
    count = select(func.count(PanelMeeting.id))
    if past:
        query = query.where(PanelMeeting.meets_on < on).order_by(PanelMeeting.meets_on.desc(),
                                                                 PanelMeeting.id.desc())
        count = count.where(PanelMeeting.meets_on < on)
    else:
        query = query.where(PanelMeeting.meets_on >= on).order_by(PanelMeeting.meets_on,
                                                                  PanelMeeting.id)
        count = count.where(PanelMeeting.meets_on >= on)
    page = paginate(query, count, _page_size())
    ids = [m.id for m in page.items]
    cases = dict(db.session.execute(
        select(AgendaItem.meeting_id, func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id.in_(ids)).group_by(AgendaItem.meeting_id)).all()) \
        if ids else {}
    return render_template("panel/meetings.html", page=page, cases=cases, past=past,
                           papers_due_on=papers_due_on,
                           pagination=page.govuk_params("panel.meetings",
                                                        **({"show": "past"} if past else {})))


@bp.route("/staff/panel/meetings/new", methods=["GET", "POST"])
def new_meeting():
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = ops.create_meeting(current_user, form.meets_on.data, form.starts_at.time,
                                     form.place.data, form.online_link.data)
        flash("Meeting added. Now invite the members and set the agenda.")
        return redirect(url_for("panel.meeting", meeting_id=meeting.id))
    return render_template("panel/form.html", form=form, page_title="Add a panel meeting",
                           back=url_for("panel.meetings"))


@bp.route("/staff/panel/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = MeetingForm()
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.meets_on.data = meeting.meets_on
        form.starts_at.data = meeting.starts_at.strftime("%H:%M")
        form.place.data = meeting.place
        form.online_link.data = meeting.online_link
    elif form.validate():
        try:
            ops.update_meeting(current_user, meeting, form.seen_version(),
                               meets_on=form.meets_on.data, starts_at=form.starts_at.time,
                               place=form.place.data, online_link=form.online_link.data)
        except ops.MeetingChanged:
            db.session.rollback()
            form.version.data = str(meeting.version)  # saving again, after a look, is deliberate
            return render_template("panel/form.html", form=form, page_title="Change the meeting",
                                   refusals=[{"text": MEETING_CHANGED}],
                                   back=url_for("panel.meeting", meeting_id=meeting_id)), 409
        flash("Meeting saved")
        return redirect(url_for("panel.meeting", meeting_id=meeting_id))
    return render_template("panel/form.html", form=form, page_title="Change the meeting",
                           back=url_for("panel.meeting", meeting_id=meeting_id))


def _quorum_for(meeting, settings):
    seats = meeting.seats
    attended = [s.member.role for s in seats if s.attended]
    if attended or meeting.meets_on < today():
        return "attending", quorum(attended, settings)
    return "invited", quorum([s.member.role for s in seats], settings)


def _latest_job(meeting_id: int) -> PackJob | None:
    return db.session.scalar(select(PackJob).where(PackJob.meeting_id == meeting_id)
                             .order_by(PackJob.queued_at.desc(), PackJob.id.desc()).limit(1))


def _fingerprint(job: PackJob | None) -> str | None:
    return papers_fingerprint(job.papers_sha256) if job and job.papers_sha256 else None


def _recommendations(meeting_id: int) -> dict[int, PanelRecommendation]:
    return {r.household_id: r for r in db.session.scalars(
        select(PanelRecommendation).where(PanelRecommendation.meeting_id == meeting_id))}


@bp.get("/staff/panel/meetings/<int:meeting_id>")
def meeting(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    settings = agency_settings()
    basis, q = _quorum_for(meeting, settings)
    audit("view", "panel_meeting", meeting.id)
    db.session.commit()
    meeting = _meeting_or_404(meeting_id)
    job = _latest_job(meeting.id)
    return render_template(
        "panel/meeting.html", meeting=meeting, basis=basis, quorum=q,
        papers_due=papers_due_on(meeting.meets_on), today_date=today(),
        job=job, fingerprint=_fingerprint(job), recommendations=_recommendations(meeting.id),
        outstanding={item.household_id: pdfs.outstanding_checks(item.household)
                     for item in meeting.agenda},
        issue_form=ConfirmForm(formdata=None, version=str(meeting.version)),
        access_ends=access_ends_on(meeting.meets_on, settings))


@bp.route("/staff/panel/meetings/<int:meeting_id>/members", methods=["GET", "POST"])
def meeting_members(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    on_list = [m for m in db.session.scalars(
        select(PanelMember).join(User, PanelMember.user_id == User.id)
        .order_by(User.name).limit(500)) if m.is_current(meeting.meets_on)
        or any(s.member_id == m.id for s in meeting.seats)]
    choices = [(str(m.id), f"{m.user.name}, {m.role.label}") for m in on_list]
    form = SeatsForm()
    form.invited.choices = choices
    form.attended.choices = choices
    refusals = []
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.invited.data = [str(s.member_id) for s in meeting.seats]
        form.attended.data = [str(s.member_id) for s in meeting.seats if s.attended]
    elif form.validate():
        response, refusals = _attempt(
            lambda: ops.set_seats(current_user, meeting,
                                  {int(v) for v in form.invited.data or []},
                                  {int(v) for v in form.attended.data or []},
                                  form.seen_version()),
            "Members saved", url_for("panel.meeting", meeting_id=meeting_id))
        if response:
            return response
    return render_template("panel/form.html", form=form, refusals=refusals,
                           page_title="Members invited and attending",
                           back=url_for("panel.meeting", meeting_id=meeting_id))


@bp.route("/staff/panel/meetings/<int:meeting_id>/agenda", methods=["GET", "POST"])
def add_agenda_item(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    on_agenda = {i.household_id for i in meeting.agenda}
    ready = [h for h in db.session.scalars(
        select(Household).where(Household.stage == Stage.READY_FOR_PANEL.value)
        .order_by(Household.panel_date.is_(None), Household.panel_date, Household.reference)
        .limit(AGENDA_CHOICES_LIMIT)) if h.id not in on_agenda]
    cases = {h.reference: h for h in ready}
    form = AgendaForm()
    form.household.choices = [("", "Select a case")] + [
        (h.reference, f"{h.reference} {h.name}" + (f" (booked for {h.panel_date:%-d %b %Y})"
                                                   if h.panel_date else "")) for h in ready]
    refusals = []
    if request.method == "GET":
        form.version.data = str(meeting.version)
    elif form.validate():
        response, refusals = _attempt(
            lambda: ops.add_to_agenda(current_user, meeting, cases[form.household.data],
                                      form.slot_at.time, form.minutes_slot.data,
                                      form.seen_version()),
            "Case added to the agenda", url_for("panel.meeting", meeting_id=meeting_id))
        if response:
            return response
    return render_template("panel/form.html", form=form, refusals=refusals,
                           page_title="Add a case to the agenda",
                           intro="Only cases at 'Ready for panel' can be added.",
                           back=url_for("panel.meeting", meeting_id=meeting_id))


@bp.post("/staff/panel/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
def remove_agenda_item(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    item = next((i for i in meeting.agenda if i.id == item_id), None)
    if item is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        ops.remove_from_agenda(current_user, meeting, item, form.seen_version())
    except ops.PanelRefused as refused:
        db.session.rollback()
        flash(refused.reasons[0], "warning")
    except ops.MeetingChanged:
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash("Case taken off the agenda")
    return redirect(url_for("panel.meeting", meeting_id=meeting_id))


@bp.post("/staff/panel/meetings/<int:meeting_id>/issue")
def issue_papers(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        ops.issue_papers(current_user, meeting, form.seen_version())
    except ops.PanelRefused as refused:
        db.session.rollback()
        flash(" ".join(refused.reasons), "warning")
    except (ops.MeetingChanged, case_ops.CaseChanged):
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash("Papers issued. Each member's pack is being built and will be ready shortly.")
    return redirect(url_for("panel.meeting", meeting_id=meeting_id))


# --- the panel member's own pages ---

@bp.get("/panel/meetings")
@login_required
def my_meetings():
    member = membership(current_user)
    if member is None:
        abort(403)
    settings = agency_settings()
    days = settings.get("panel_access_days", 30)
    earliest = today() - timedelta(days=days)
    query = (select(PanelMeeting).join(MeetingSeat, MeetingSeat.meeting_id == PanelMeeting.id)
             .where(MeetingSeat.member_id == member.id, PanelMeeting.meets_on >= earliest))
    count = select(func.count()).select_from(query.subquery())
    page = paginate(query.order_by(PanelMeeting.meets_on, PanelMeeting.id), count,
                    _page_size())
    return render_template("panel/my_meetings.html", page=page, member=member,
                           pagination=page.govuk_params("panel.my_meetings"))


@bp.get("/panel/meetings/<int:meeting_id>")
@login_required
def my_meeting(meeting_id):
    settings = agency_settings()
    meeting, member = visible_meeting(meeting_id, current_user, today(), settings)
    copy = _own_copy(meeting, member)
    job = db.session.get(PackJob, copy.job_id) if copy else None
    issued = meeting.papers_issued_at is not None or db.session.scalar(
        select(func.count(PackJob.id)).where(PackJob.meeting_id == meeting.id))
    audit("view", "panel_meeting", meeting.id)
    db.session.commit()
    return render_template(
        "panel/my_meeting.html", meeting=meeting, member=member, job=job, issued=issued,
        fingerprint=_fingerprint(job),
        outstanding={item.household_id: pdfs.outstanding_checks(item.household)
                     for item in meeting.agenda},
        recommendations=_recommendations(meeting.id), chair=chairs_meeting(meeting, member),
        minutes=writes_minutes(meeting, member, current_user),
        access_ends=access_ends_on(meeting.meets_on, settings))


@bp.get("/panel/meetings/<int:meeting_id>/pack.pdf")
@login_required
def pack(meeting_id):
    meeting, member = visible_meeting(meeting_id, current_user, today(), agency_settings())
    copy = _own_copy(meeting, member)
    if copy is None:
        abort(404)
    audit("download", "panel_pack", copy.id, {"meeting": meeting.id})
    db.session.commit()
    return _pdf_download(copy.pdf, f"panel-pack-{meeting.meets_on:%Y-%m-%d}.pdf")


def _own_copy(meeting, member) -> PackCopy | None:
    """The member's copy of the latest pack built for the meeting, if it has been made."""
    return db.session.scalar(
        select(PackCopy).join(PackJob, PackCopy.job_id == PackJob.id)
        .where(PackJob.meeting_id == meeting.id, PackJob.built_at.is_not(None),
               PackCopy.member_id == member.id)
        .order_by(PackJob.built_at.desc(), PackJob.id.desc()).limit(1))


def _pdf_download(content: bytes, filename: str):
    """A member's papers: an attachment that no browser or proxy keeps a copy of."""
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                         download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/panel/meetings/<int:meeting_id>/cases/<reference>/report.pdf")
@login_required
def report(meeting_id, reference):
    meeting, member = visible_meeting(meeting_id, current_user, today(), agency_settings())
    item = next((i for i in meeting.agenda if i.household.reference == reference), None)
    if item is None:
        abort(404)
    household = item.household
    pdf = pdfs.member_report_pdf(household, member.user.name, today())
    audit("download", "household_report", household.id, {"meeting": meeting.id})
    db.session.commit()
    return _pdf_download(pdf, f"report-{household.reference}.pdf")


# --- the chair's recommendation and the minutes ---

@bp.route("/panel/meetings/<int:meeting_id>/cases/<reference>/recommendation",
          methods=["GET", "POST"])
@login_required
def recommendation(meeting_id, reference):
    meeting, member = visible_meeting(meeting_id, current_user, today(), agency_settings())
    if not chairs_meeting(meeting, member):
        abort(403)
    item = next((i for i in meeting.agenda if i.household.reference == reference), None)
    if item is None:
        abort(404)
    household = item.household
    if household.id in _recommendations(meeting.id):
        flash("The panel's recommendation on this case is already recorded.", "warning")
        return redirect(url_for("panel.my_meeting", meeting_id=meeting_id))
    form = RecommendationForm()
    refusals = []
    if request.method == "GET":
        form.version.data = str(household.version)
    elif form.validate():
        try:
            ops.record_recommendation(
                current_user, meeting, household,
                recommendation=Recommendation(form.recommendation.data),
                reasons=form.reasons.data, children=form.children.data,
                age_from=form.age_from.data, age_to=form.age_to.data,
                fostering_types=list(form.fostering_types.data or []),
                seen_version=form.seen_version())
        except ops.PanelRefused as refused:
            db.session.rollback()
            refusals = _refused(refused.reasons)
        except TransitionRefused as refused:
            refusals = _refused(refused.reasons)
        except case_ops.CaseChanged:
            refusals = _changed_since_opened(form, household)
        else:
            flash(f"Recommendation on {household.reference} recorded")
            return redirect(url_for("panel.my_meeting", meeting_id=meeting_id))
    return render_template("panel/recommendation.html", form=form, refusals=refusals,
                           meeting=meeting, household=household)


@bp.route("/panel/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(meeting_id):
    member = membership(current_user)
    if current_user.has_role(*PANEL_ADMINS):
        meeting = _meeting_or_404(meeting_id)
        back = url_for("panel.meeting", meeting_id=meeting_id)
    else:
        meeting, member = visible_meeting(meeting_id, current_user, today(), agency_settings())
        back = url_for("panel.my_meeting", meeting_id=meeting_id)
    if not writes_minutes(meeting, member, current_user):
        abort(403)
    if meeting.minutes_final_on:
        flash("The minutes are final and can no longer be changed.", "warning")
        return redirect(back)
    form = MinutesForm()
    refusals = []
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.minutes.data = meeting.minutes
    elif form.validate():
        final = form.final.data == "final"
        try:
            sent = ops.save_minutes(current_user, meeting, form.minutes.data, final, today(),
                                    form.seen_version())
        except ops.PanelRefused as refused:
            db.session.rollback()
            refusals = _refused(refused.reasons)
        except TransitionRefused as refused:
            refusals = _refused(refused.reasons)
        except (ops.MeetingChanged, case_ops.CaseChanged):
            refusals = _changed_since_opened(form, meeting)
        else:
            flash(f"Minutes are final: {sent} {'case' if sent == 1 else 'cases'} sent to the "
                  "agency decision maker" if final else "Draft minutes saved")
            return redirect(back)
    return render_template("panel/form.html", form=form, refusals=refusals,
                           page_title=f"Minutes of the panel on {meeting.meets_on:%-d %B %Y}",
                           back=back)


# --- the agency decision ---

@bp.get("/staff/panel/decisions")
def decisions():
    query = (select(Household).where(Household.stage == Stage.AGENCY_DECISION.value)
             .order_by(Household.next_due_on.is_(None), Household.next_due_on, Household.id))
    count = select(func.count(Household.id)).where(
        Household.stage == Stage.AGENCY_DECISION.value)
    page = paginate(query, count, _page_size())
    settings = agency_settings()
    on = today()
    clocks = {h.id: (qd_response_clock(h.qd_issued_on, on, h.qd_responded_on, settings)
                     if h.qd_issued_on else
                     adm_decision_clock(h.recommended_on, h.minutes_received_on, on, None,
                                        settings)) for h in page.items}
    return render_template("panel/decisions.html", page=page, clocks=clocks,
                           pagination=page.govuk_params("panel.decisions"))


def _last_recommendation(household) -> PanelRecommendation | None:
    return db.session.scalar(
        select(PanelRecommendation).where(PanelRecommendation.household_id == household.id)
        .order_by(PanelRecommendation.recorded_at.desc(), PanelRecommendation.id.desc())
        .limit(1))


@bp.route("/staff/panel/decisions/<reference>", methods=["GET", "POST"])
def decide(reference):
    household = get_case(reference)
    if household.stage != Stage.AGENCY_DECISION.value:
        flash("This case is not waiting for an agency decision.", "warning")
        return redirect(url_for("panel.decisions"))
    rec = _last_recommendation(household)
    form = DecisionForm()
    refusals = []
    settings = agency_settings()
    on = today()
    if request.method == "GET":
        form.version.data = str(household.version)
        form.on.data = on
        if rec is not None and rec.recommendation == Recommendation.SUITABLE.value:
            form.children.data, form.age_from.data = rec.children, rec.age_from
            form.age_to.data, form.fostering_types.data = rec.age_to, rec.fostering_types
    elif form.validate():
        terms = None
        if form.decision.data == PanelDecision.APPROVE:
            problems = []
            if not form.children.data:
                problems.append({"text": "Enter the number of children", "href": "#children"})
            if form.age_from.data is None or form.age_to.data is None:
                problems.append({"text": "Enter the age range", "href": "#age_from"})
            elif form.age_from.data > form.age_to.data:
                problems.append({"text": "The youngest age must not be more than the oldest",
                                 "href": "#age_from"})
            if not form.fostering_types.data:
                problems.append({"text": "Choose the types of fostering",
                                 "href": "#fostering_types"})
            refusals = problems
            terms = {"children": form.children.data, "age_from": form.age_from.data,
                     "age_to": form.age_to.data,
                     "fostering_types": list(form.fostering_types.data or [])}
        if not refusals:
            try:
                decision = ops.record_decision(
                    current_user, household, form.decision.data, on=form.on.data,
                    reasons=form.reasons.data, terms=terms, seen_version=form.seen_version())
            except ops.PanelRefused as refused:
                db.session.rollback()
                refusals = _refused(refused.reasons)
            except TransitionRefused as refused:
                refusals = _refused(refused.reasons)
            except case_ops.CaseChanged:
                refusals = _changed_since_opened(form, household)
            else:
                flash("Decision recorded. The letter to the applicant is ready to download.")
                return redirect(url_for("panel.letter", decision_id=decision.id))
    audit("view", "household", household.id, {"page": "decision"})
    db.session.commit()
    clock = (qd_response_clock(household.qd_issued_on, on, household.qd_responded_on, settings)
             if household.qd_issued_on else
             adm_decision_clock(household.recommended_on, household.minutes_received_on, on,
                                None, settings))
    return render_template("panel/decide.html", form=form, refusals=refusals,
                           household=household, rec=rec, clock=clock,
                           rec_terms=ops.terms_text(_terms(rec)))


def _changed_since_opened(form, record) -> list[dict]:
    """Someone else saved first: nothing was saved, what was typed stays on the page, and the
    form now carries the latest version, so saving again is a choice made after a look."""
    db.session.rollback()
    form.version.data = str(record.version)
    return [{"text": CHANGED_KEPT}]


def _terms(rec: PanelRecommendation | None) -> dict | None:
    if rec is None or not rec.children:
        return None
    return {"children": rec.children, "age_from": rec.age_from, "age_to": rec.age_to,
            "fostering_types": rec.fostering_types}


@bp.get("/staff/panel/decisions/letters/<int:decision_id>")
def letter(decision_id):
    decision = db.session.get(PanelDecision, decision_id)
    if decision is None:
        abort(404)
    household = db.session.get(Household, decision.household_id)
    if not can_read(current_user, household):
        abort(403)
    return render_template("panel/letter.html", decision=decision, household=household)


@bp.get("/staff/panel/decisions/letters/<int:decision_id>/letter.pdf")
def letter_pdf(decision_id):
    decision = db.session.get(PanelDecision, decision_id)
    if decision is None or decision.letter_pdf is None:
        abort(404)
    household = db.session.get(Household, decision.household_id)
    if not can_read(current_user, household):
        abort(403)
    audit("download", "decision_letter", decision.id, {"household": household.reference})
    db.session.commit()
    return send_file(io.BytesIO(decision.letter_pdf), mimetype="application/pdf",
                     as_attachment=True, max_age=0,
                     download_name=f"decision-letter-{household.reference}.pdf")
