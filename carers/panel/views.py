"""Panel pages: the central list, meetings and agendas (panel administrator), the member's
own meetings and papers, the chair's recommendation and minutes, the agency decision.

Who may use each page is declared in carers/panel/access.py; a view reads its form, calls
one operation (carers/panel/operations.py) and shows the result, or the page again with the
operation's refusal (carers.core.changes.refused)."""

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
from flask_login import current_user
from werkzeug.exceptions import NotFound

from carers.audit.operations import record_view
from carers.auth.roles import PANEL_ADMINS
from carers.cases.access import can_change
from carers.cases.queries import get_case
from carers.clocks.statutory import adm_decision_clock, irm_papers_clock, qd_response_clock
from carers.core.changes import Refusal, refused
from carers.core.dates import format_date, today
from carers.core.pagination import paginate
from carers.panel import operations as ops
from carers.panel import pdfs, queries
from carers.panel.access import chairs_meeting, writes_minutes
from carers.panel.forms import (
    AgendaForm,
    ConfirmForm,
    DecisionForm,
    IrmPapersForm,
    IrmRecommendationForm,
    MeetingForm,
    MemberEditForm,
    MemberForm,
    MinutesForm,
    QdResponseForm,
    RecommendationForm,
    SeatsForm,
)
from carers.panel.models import PackJob, PanelRecommendation
from carers.panel.rules import (
    IRM_RECOMMENDATIONS,
    PanelRole,
    ResponseKind,
    access_ends_on,
    considered_text,
    papers_due_on,
    papers_fingerprint,
    quorum,
    response_window_closes,
)
from carers.pipeline import Recommendation, Stage
from carers.settings.registry import agency_settings

bp = Blueprint("panel", __name__)


def _page_size() -> int:
    return current_app.config.get("PAGE_SIZE", 25)


def _form_page(form, page_title: str, back: str, **context):
    return render_template("panel/form.html", form=form, page_title=page_title, back=back,
                           **context)


# --- the central list ---

@bp.get("/staff/panel/members")
def members():
    page = paginate(*queries.central_list(), _page_size())
    on = today()
    return render_template("panel/members.html", page=page, today_date=on,
                           has_sw=queries.has_social_worker(on),
                           pagination=page.govuk_params("panel.members"))


@bp.route("/staff/panel/members/new", methods=["GET", "POST"])
def add_member():
    form = MemberForm()
    people = {str(u.id): u for u in queries.candidates()}
    form.user.choices = [("", "Select a person")] + [
        (k, f"{u.name} ({u.email})") for k, u in people.items()]
    page = {"page_title": "Add someone to the central list", "back": url_for("panel.members")}
    if request.method == "GET":
        form.joined_on.data = today()
    elif form.validate():
        person = people[form.user.data]
        try:
            ops.add_member(current_user, person, PanelRole(form.panel_role.data),
                           form.joined_on.data, form.qualified_on.data)
        except Refusal as error:
            return refused(error, "panel/form.html", form=form, **page)
        flash(f"{person.name} added to the central list")
        return redirect(url_for("panel.members"))
    return _form_page(form, **page)


@bp.route("/staff/panel/members/<int:member_id>", methods=["GET", "POST"])
def edit_member(member_id):
    member = queries.get_member(member_id)
    form = MemberEditForm()
    page = {"page_title": f"{member.user.name}: panel membership",
            "back": url_for("panel.members")}
    if request.method == "GET":
        form.panel_role.data = member.panel_role
        form.qualified_on.data = member.qualified_on
        form.left_on.data = member.left_on
    elif form.validate():
        name = member.user.name
        try:
            ops.update_member(current_user, member, PanelRole(form.panel_role.data),
                              form.qualified_on.data, form.left_on.data)
        except Refusal as error:
            return refused(error, "panel/form.html", form=form, **page)
        flash(f"{name}'s details saved")
        return redirect(url_for("panel.members"))
    return _form_page(form, **page)


# --- meetings ---

@bp.get("/staff/panel/meetings")
def meetings():
    past = request.args.get("show") == "past"
    page = paginate(*queries.meetings(today(), past), _page_size())
    return render_template("panel/meetings.html", page=page, past=past,
                           cases=queries.agenda_counts([m.id for m in page.items]),
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
    return _form_page(form, "Add a panel meeting", url_for("panel.meetings"))


@bp.route("/staff/panel/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id):
    meeting = queries.get_meeting(meeting_id)
    form = MeetingForm()
    page = {"page_title": "Change the meeting",
            "back": url_for("panel.meeting", meeting_id=meeting_id)}
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
        except Refusal as error:
            return refused(error, "panel/form.html", form=form, **page)
        flash("Meeting saved")
        return redirect(url_for("panel.meeting", meeting_id=meeting_id))
    return _form_page(form, **page)


def _quorum_for(meeting, settings):
    seats = meeting.seats
    attended = [s.member.role for s in seats if s.attended]
    if attended or meeting.meets_on < today():
        return "attending", quorum(attended, settings)
    return "invited", quorum([s.member.role for s in seats], settings)


def _fingerprint(job: PackJob | None) -> str | None:
    return papers_fingerprint(job.papers_sha256) if job and job.papers_sha256 else None


def _outstanding(meeting) -> dict[int, list[str]]:
    return {item.household_id: pdfs.outstanding_checks(item.household)
            for item in meeting.agenda}


def _meeting_page(meeting, issue_form=None) -> dict:
    """What the panel administrator's meeting page shows; ``issue_form`` is the button form
    posted, when a refused change shows the page again."""
    settings = agency_settings()
    basis, q = _quorum_for(meeting, settings)
    job = queries.latest_job(meeting.id)
    return {
        "meeting": meeting, "basis": basis, "quorum": q,
        "papers_due": papers_due_on(meeting.meets_on), "today_date": today(),
        "job": job, "fingerprint": _fingerprint(job),
        "recommendations": queries.recommendations(meeting.id),
        "outstanding": _outstanding(meeting),
        "issue_form": issue_form or ConfirmForm(formdata=None, version=str(meeting.version)),
        "access_ends": access_ends_on(meeting.meets_on, settings)}


def _show_meeting(meeting, refusal: Refusal | None = None, form=None):
    """The meeting page; with ``refusal``, shown again after a button on it (``form``) was
    refused, the reason in its error summary."""
    if refusal is None:
        page = render_template("panel/meeting.html", **_meeting_page(meeting))
    else:
        page = refused(refusal, "panel/meeting.html", form=form,
                       **_meeting_page(meeting, issue_form=form))
    # Recorded after the page is made: the commit expires what the page loaded.
    record_view("view", "panel_meeting", meeting.id)
    return page


@bp.get("/staff/panel/meetings/<int:meeting_id>")
def meeting(meeting_id):
    return _show_meeting(queries.get_meeting(meeting_id))


@bp.route("/staff/panel/meetings/<int:meeting_id>/members", methods=["GET", "POST"])
def meeting_members(meeting_id):
    meeting = queries.get_meeting(meeting_id)
    choices = [(str(m.id), f"{m.user.name}, {m.role.label}")
               for m in queries.members_for(meeting)]
    form = SeatsForm()
    form.invited.choices = choices
    form.attended.choices = choices
    page = {"page_title": "Members invited and attending",
            "back": url_for("panel.meeting", meeting_id=meeting_id)}
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.invited.data = [str(s.member_id) for s in meeting.seats]
        form.attended.data = [str(s.member_id) for s in meeting.seats if s.attended]
    elif form.validate():
        try:
            ops.set_seats(current_user, meeting, {int(v) for v in form.invited.data or []},
                          {int(v) for v in form.attended.data or []}, form.seen_version())
        except Refusal as error:
            return refused(error, "panel/form.html", form=form, **page)
        flash("Members saved")
        return redirect(url_for("panel.meeting", meeting_id=meeting_id))
    return _form_page(form, **page)


@bp.route("/staff/panel/meetings/<int:meeting_id>/agenda", methods=["GET", "POST"])
def add_agenda_item(meeting_id):
    meeting = queries.get_meeting(meeting_id)
    ready = queries.ready_for_agenda(meeting)
    cases = {h.reference: h for h in ready}
    form = AgendaForm()
    form.household.choices = [("", "Select a case")] + [
        (h.reference, f"{h.reference} {h.name}" + (f" (booked for {h.panel_date:%-d %b %Y})"
                                                   if h.panel_date else "")) for h in ready]
    page = {"page_title": "Add a case to the agenda",
            "intro": "Only cases at 'Ready for panel' can be added.",
            "back": url_for("panel.meeting", meeting_id=meeting_id)}
    if request.method == "GET":
        form.version.data = str(meeting.version)
    elif form.validate():
        try:
            ops.add_to_agenda(current_user, meeting, cases[form.household.data],
                              form.slot_at.time, form.minutes_slot.data, form.seen_version())
        except Refusal as error:
            return refused(error, "panel/form.html", form=form, **page)
        flash("Case added to the agenda")
        return redirect(url_for("panel.meeting", meeting_id=meeting_id))
    return _form_page(form, **page)


@bp.post("/staff/panel/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
def remove_agenda_item(meeting_id, item_id):
    meeting = queries.get_meeting(meeting_id)
    item = queries.get_agenda_item(meeting, item_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        ops.remove_from_agenda(current_user, meeting, item, form.seen_version())
    except Refusal as error:
        return _show_meeting(meeting, error, form)
    flash("Case taken off the agenda")
    return redirect(url_for("panel.meeting", meeting_id=meeting_id))


@bp.post("/staff/panel/meetings/<int:meeting_id>/issue")
def issue_papers(meeting_id):
    meeting = queries.get_meeting(meeting_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        ops.issue_papers(current_user, meeting, form.seen_version())
    except Refusal as error:
        return _show_meeting(meeting, error, form)
    flash("Papers issued. Each member's pack is being built and will be ready shortly.")
    return redirect(url_for("panel.meeting", meeting_id=meeting_id))


# --- the panel member's own pages ---

@bp.get("/panel/meetings")
def my_meetings():
    member = queries.membership(current_user)
    days = agency_settings().get("panel_access_days", 30)
    page = paginate(*queries.member_meetings(member, today() - timedelta(days=days)),
                    _page_size())
    return render_template("panel/my_meetings.html", page=page, member=member,
                           pagination=page.govuk_params("panel.my_meetings"))


@bp.get("/panel/meetings/<int:meeting_id>")
def my_meeting(meeting_id):
    settings = agency_settings()
    meeting, member = queries.visible_meeting(meeting_id, current_user, today(), settings)
    copy = queries.own_copy(meeting, member)
    job = queries.get_pack_job(copy.job_id if copy else None)
    issued = meeting.papers_issued_at is not None or queries.has_pack_jobs(meeting.id)
    page = render_template(
        "panel/my_meeting.html", meeting=meeting, member=member, job=job, issued=issued,
        fingerprint=_fingerprint(job), outstanding=_outstanding(meeting),
        recommendations=queries.recommendations(meeting.id),
        chair=chairs_meeting(meeting, member),
        minutes=writes_minutes(meeting, member, current_user),
        access_ends=access_ends_on(meeting.meets_on, settings))
    record_view("view", "panel_meeting", meeting_id)
    return page


@bp.get("/panel/meetings/<int:meeting_id>/pack.pdf")
def pack(meeting_id):
    meeting, member = queries.visible_meeting(meeting_id, current_user, today(),
                                              agency_settings())
    copy = queries.own_copy(meeting, member)
    if copy is None:
        raise NotFound()
    response = _pdf_download(copy.pdf, f"panel-pack-{meeting.meets_on:%Y-%m-%d}.pdf")
    record_view("download", "panel_pack", copy.id, {"meeting": meeting_id})
    return response


def _pdf_download(content: bytes, filename: str):
    """A member's papers: an attachment that no browser or proxy keeps a copy of."""
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                         download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/panel/meetings/<int:meeting_id>/cases/<reference>/report.pdf")
def report(meeting_id, reference):
    meeting, member = queries.visible_meeting(meeting_id, current_user, today(),
                                              agency_settings())
    household = queries.agenda_item_for(meeting, reference).household
    response = _pdf_download(pdfs.member_report_pdf(household, member.user.name, today()),
                             f"report-{household.reference}.pdf")
    record_view("download", "household_report", household.id, {"meeting": meeting_id})
    return response


# --- the chair's recommendation and the minutes ---

@bp.route("/panel/meetings/<int:meeting_id>/cases/<reference>/recommendation",
          methods=["GET", "POST"])
def recommendation(meeting_id, reference):
    meeting = queries.get_meeting(meeting_id)
    household = queries.agenda_item_for(meeting, reference).household
    if household.id in queries.recommendations(meeting.id):
        flash("The panel's recommendation on this case is already recorded.", "warning")
        return redirect(url_for("panel.my_meeting", meeting_id=meeting_id))
    form = RecommendationForm()
    page = {"meeting": meeting, "household": household}
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
        except Refusal as error:
            return refused(error, "panel/recommendation.html", form=form, **page)
        flash(f"Recommendation on {household.reference} recorded")
        return redirect(url_for("panel.my_meeting", meeting_id=meeting_id))
    return render_template("panel/recommendation.html", form=form, **page)


@bp.route("/panel/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
def minutes(meeting_id):
    # The access rule let the user in: a panel administrator (any meeting), or the chair or
    # minute taker of a meeting they may open. Only the way back differs.
    meeting = queries.get_meeting(meeting_id)
    back = url_for("panel.meeting" if current_user.has_role(*PANEL_ADMINS)
                   else "panel.my_meeting", meeting_id=meeting_id)
    if meeting.minutes_final_on:
        flash("The minutes are final and can no longer be changed.", "warning")
        return redirect(back)
    form = MinutesForm()
    page = {"page_title": f"Minutes of the panel on {meeting.meets_on:%-d %B %Y}",
            "back": back}
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.minutes.data = meeting.minutes
    elif form.validate():
        final = form.final.data == "final"
        try:
            sent = ops.save_minutes(current_user, meeting, form.minutes.data, final, today(),
                                    form.seen_version())
        except Refusal as error:
            return refused(error, "panel/form.html", form=form, **page)
        flash(f"Minutes are final: {sent} {'case' if sent == 1 else 'cases'} sent to the "
              "agency decision maker" if final else "Draft minutes saved")
        return redirect(back)
    return _form_page(form, **page)


# --- the agency decision ---

def _decision_clock(household, on, settings):
    if household.qd_issued_on:
        return qd_response_clock(household.qd_issued_on, on, household.qd_responded_on,
                                 settings)
    return adm_decision_clock(household.recommended_on, household.minutes_received_on, on,
                              None, settings)


@bp.get("/staff/panel/decisions")
def decisions():
    page = paginate(*queries.awaiting_decision(), _page_size())
    settings = agency_settings()
    on = today()
    return render_template("panel/decisions.html", page=page,
                           clocks={h.id: _decision_clock(h, on, settings) for h in page.items},
                           pagination=page.govuk_params("panel.decisions"))


def _terms(rec: PanelRecommendation | None) -> dict | None:
    if rec is None or not rec.children:
        return None
    return {"children": rec.children, "age_from": rec.age_from, "age_to": rec.age_to,
            "fostering_types": rec.fostering_types}


@bp.route("/staff/panel/decisions/<reference>", methods=["GET", "POST"])
def decide(reference):
    household = get_case(reference)
    if household.stage != Stage.AGENCY_DECISION.value:
        flash("This case is not waiting for an agency decision.", "warning")
        return redirect(url_for("panel.decisions"))
    rec = queries.last_recommendation(household)
    form = DecisionForm()
    page = None
    if request.method == "GET":
        form.version.data = str(household.version)
        form.on.data = today()
        if rec is not None and rec.recommendation == Recommendation.SUITABLE.value:
            form.children.data, form.age_from.data = rec.children, rec.age_from
            form.age_to.data, form.fostering_types.data = rec.age_to, rec.fostering_types
    elif form.validate():
        try:
            decision = ops.record_decision(
                current_user, household, form.decision.data, on=form.on.data,
                reasons=form.reasons.data, terms=form.terms(),
                seen_version=form.seen_version(),
                departure_reasons=form.departure_reasons.data or "")
        except Refusal as error:
            page = refused(error, "panel/decide.html", form=form,
                           **_decision_page(household, rec))
        else:
            flash("Decision recorded. The letter to the applicant is ready to download.")
            return redirect(url_for("panel.letter", decision_id=decision.id))
    if page is None:
        page = render_template("panel/decide.html", form=form, **_decision_page(household, rec))
    record_view("view", "household", household.id, {"page": "decision"})
    return page


def _decision_page(household, rec) -> dict:
    return {"household": household, "rec": rec,
            "clock": _decision_clock(household, today(), agency_settings()),
            "rec_terms": ops.terms_text(_terms(rec)),
            "response": ops.qd_response_for(household) if household.qd_issued_on else None,
            "irm_recommendations": IRM_RECOMMENDATIONS}


@bp.get("/staff/panel/decisions/letters/<int:decision_id>")
def letter(decision_id):
    decision = queries.get_decision(decision_id)
    response = decision.considered_response
    considered = considered_text(response.kind, response.received_on,
                                 response.irm_recommended_on, fmt=format_date) \
        if response else ""
    page = render_template("panel/letter.html", decision=decision, considered=considered,
                           household=queries.decision_case(decision))
    record_view("view", "panel_decision", decision_id)
    return page


@bp.get("/staff/panel/decisions/letters/<int:decision_id>/letter.pdf")
def letter_pdf(decision_id):
    decision = queries.get_decision(decision_id)
    if decision.letter_pdf is None:
        raise NotFound()
    household = queries.decision_case(decision)
    response = send_file(io.BytesIO(decision.letter_pdf), mimetype="application/pdf",
                         as_attachment=True, max_age=0,
                         download_name=f"decision-letter-{household.reference}.pdf")
    record_view("download", "decision_letter", decision_id, {"household": household.reference})
    return response


# --- after a qualifying determination: the applicant's response, recorded on the case ---

def _qd_case(reference):
    """The case, if it is waiting for the final decision after a qualifying determination;
    otherwise None (the page sends the worker back to the case)."""
    household = get_case(reference)
    if household.stage != Stage.AGENCY_DECISION.value or not household.qd_issued_on:
        return household, False
    return household, True


def _not_waiting(household):
    flash("There is no qualifying determination waiting for a response on this case.",
          "warning")
    return redirect(url_for("cases.case", reference=household.reference))


def _qd_page(household, form, page_title: str, response=None):
    closes = response_window_closes(household.qd_issued_on, agency_settings())
    return {"form": form, "household": household, "page_title": page_title,
            "back": url_for("cases.case", reference=household.reference),
            "qd_issued_on": household.qd_issued_on, "closes": closes, "response": response,
            "irm_recommendations": IRM_RECOMMENDATIONS}


def _qd_form(reference, form_class, page_title: str, save, done: str, needs_irm: bool):
    """One of the three forms after a qualifying determination: read it, call ``save`` (one
    operation), show the case again, or the form with the refusal and what was typed."""
    household, waiting = _qd_case(reference)
    if not waiting:
        return _not_waiting(household)
    response = ops.qd_response_for(household)
    if needs_irm and (response is None or not response.is_irm):
        flash("The applicant has not applied to the IRM on this case.", "warning")
        return redirect(url_for("cases.case", reference=reference))
    form = form_class()
    context = _qd_page(household, form, page_title, response)
    page = None
    if request.method == "GET":
        form.version.data = str(household.version)
    elif form.validate():
        try:
            save(household, form)
        except Refusal as error:
            page = refused(error, "panel/qd_form.html", **context)
        else:
            flash(done)
            return redirect(url_for("cases.case", reference=reference))
    if page is None:
        page = render_template("panel/qd_form.html", **context)
    record_view("view", "household", household.id, {"page": "qd_response"})
    return page


@bp.route("/staff/cases/<reference>/qualifying-determination/response",
          methods=["GET", "POST"])
def qd_response(reference):
    def save(household, form):
        ops.record_qd_response(current_user, household, kind=form.kind.data,
                               received_on=form.received_on.data,
                               summary=form.summary.data or "",
                               seen_version=form.seen_version())
    return _qd_form(reference, QdResponseForm,
                    "The applicant's response to the qualifying determination", save,
                    "Response recorded", needs_irm=False)


@bp.route("/staff/cases/<reference>/qualifying-determination/irm-papers",
          methods=["GET", "POST"])
def irm_papers(reference):
    def save(household, form):
        ops.record_irm_papers_sent(current_user, household, sent_on=form.sent_on.data,
                                   seen_version=form.seen_version())
    return _qd_form(reference, IrmPapersForm, "Papers sent to the IRM", save,
                    "Papers sent to the IRM recorded", needs_irm=True)


@bp.route("/staff/cases/<reference>/qualifying-determination/irm-recommendation",
          methods=["GET", "POST"])
def irm_recommendation(reference):
    def save(household, form):
        ops.record_irm_recommendation(current_user, household, on=form.on.data,
                                      recommendation=form.recommendation.data,
                                      terms=form.terms.data or "",
                                      reasons=form.reasons.data or "",
                                      seen_version=form.seen_version())
    return _qd_form(reference, IrmRecommendationForm, "The IRM panel's recommendation", save,
                    "The IRM panel's recommendation is recorded: the agency decision maker "
                    "can now make the final decision", needs_irm=True)


@bp.get("/staff/cases/<reference>/qualifying-determination/acknowledgement.pdf")
def qd_acknowledgement(reference):
    household = get_case(reference)
    response = ops.qd_response_for(household)
    if response is None or response.letter_pdf is None:
        raise NotFound()
    result = send_file(io.BytesIO(response.letter_pdf), mimetype="application/pdf",
                       as_attachment=True, max_age=0,
                       download_name=f"representations-acknowledged-{household.reference}.pdf")
    record_view("download", "qd_response_letter", response.id,
                {"household": household.reference})
    return result


def qd_next_steps(household, on) -> list[str]:
    """The case's next actions after the applicant responded to a qualifying determination
    (a cases hook)."""
    if household.stage != Stage.AGENCY_DECISION.value or not household.qd_issued_on:
        return []
    response = ops.qd_response_for(household)
    if response is None:
        return ["If the applicant makes written representations or applies to the IRM, "
                "record it on the case."]
    if response.kind == ResponseKind.REPRESENTATIONS:
        return [f"Representations were received on {format_date(response.received_on)}: the "
                "agency decision maker may make the final decision from "
                f"{format_date(response.received_on + timedelta(days=1))}, considering them, "
                "or refer the case back to the panel."]
    if response.irm_recommended_on:
        label = IRM_RECOMMENDATIONS.get(response.irm_recommendation or "", "").lower()
        return [f"The IRM panel recommended on {format_date(response.irm_recommended_on)} "
                f"({label}): the agency decision maker may now make the final decision, "
                "considering it."]
    steps = []
    clock = irm_papers_clock(response.received_on, on, response.irm_papers_sent_on,
                             agency_settings())
    if clock.is_open:
        overdue = " This is overdue." if clock.status.value == "overdue" else ""
        steps.append(f"Send the papers to the IRM by {format_date(clock.due)} (10 working days, "
                     f"FSR 29).{overdue}")
    steps.append("Wait for the IRM panel's recommendation (it usually takes about 4 months) "
                 "and record it: the final decision waits for it.")
    return steps


def qd_case_section(household, user):
    """The qualifying determination and the applicant's response, on the staff case page
    (a cases hook)."""
    if not household.qd_issued_on:
        return None
    response = ops.qd_response_for(household)
    waiting = household.stage == Stage.AGENCY_DECISION.value
    return "panel/_qd_section.html", {
        "response": response, "waiting": waiting,
        "may_record": waiting and can_change(user, household),
        "closes": response_window_closes(household.qd_issued_on, agency_settings()),
        "irm_recommendations": IRM_RECOMMENDATIONS,
        "papers_clock": irm_papers_clock(response.received_on, today(),
                                         response.irm_papers_sent_on, agency_settings())
        if response is not None and response.is_irm else None}
