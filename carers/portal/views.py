"""The applicant's own pages beyond the application form: their progress (stage, what happens
next and by when, tasks, visits, checks), asking for a visit to be rearranged, withdrawing,
and their details. Every page acts on the signed-in applicant's household only."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from carers.applicants.sessions import current_applicant
from carers.audit.operations import record_view
from carers.core.changes import Refusal, refused
from carers.core.downloads import private_download
from carers.documents.pdf import render_pdf
from carers.pipeline import PRE_APPLICATION_STAGES, Stage
from carers.portal import forms, information, operations, queries, words
from carers.visits.operations import calendar_file
from carers.visits.rules import KINDS, PLACES, format_when

bp = Blueprint("portal", __name__, url_prefix="/apply")
# What an applicant's own pages say about their information (page, JSON and PDF).
INFORMATION = "applicant_information"


@bp.app_template_filter("visit_words")
def visit_words(visit) -> dict:
    """A visit as the household reads it: what, when, where and who is coming."""
    place = PLACES.get(visit.place, "")
    if visit.place == "home":
        where = "At your home"
    elif visit.place == "online":
        where = "Online (the link is in your invitation email)"
    else:
        where = f"{place}: {visit.location}"
    return {"what": KINDS.get(visit.kind, "Visit"),
            "when": format_when(visit.starts_at_utc, visit.duration_minutes),
            "where": where,
            "who": ", ".join(w.name for w in visit.workers) or "Your social worker"}


def _ended_page(household):
    return render_template("portal/ended.html", household=household,
                           words=words.stage_words(household.pathway, household.stage))


# --- progress ---

@bp.get("/progress")
def progress():
    applicant = current_applicant()
    page = queries.progress(applicant)
    html = render_template("portal/progress.html", progress=page, applicant=applicant)
    record_view("view", "applicant_progress", page.household.id,
                {"applicant": applicant.id})
    return html


@bp.get("/visits/<int:visit_id>/calendar.ics")
def visit_calendar(visit_id):
    """One of the household's visits as a calendar file."""
    applicant = current_applicant()
    visit = queries.own_visit(applicant, visit_id)
    body = calendar_file(visit)
    record_view("download", "visit_calendar", visit.id, {"applicant": applicant.id})
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="visit-{visit.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/visits/<int:visit_id>/rearrange", methods=["GET", "POST"])
def rearrange(visit_id):
    applicant = current_applicant()
    visit = queries.own_visit(applicant, visit_id)
    if queries.is_ended(visit.household):
        return _ended_page(visit.household)
    form = forms.RearrangeForm()
    context = {"visit": visit, "asked": queries.rearrange_requests(visit.household)
               .get(visit.id), "gone": not queries.is_upcoming(visit)}
    if request.method == "POST" and form.validate():
        try:
            operations.ask_to_rearrange(applicant, visit, form.reason.data,
                                        form.preferred_times.data)
        except Refusal as refusal:
            return refused(refusal, "portal/rearrange.html", form=form, **context)
        flash("We have told your social worker. They will contact you to agree a new time.")
        return redirect(url_for("portal.progress"))
    return render_template("portal/rearrange.html", form=form, **context)


# --- withdrawing ---

def _withdraw_context(household) -> dict:
    return {"household": household,
            "before_application": Stage(household.stage) in PRE_APPLICATION_STAGES,
            "reason_items": [{"hint": {"text": hint}} if hint else {}
                             for _label, hint in words.WITHDRAWAL_CHOICES.values()]}


@bp.route("/withdraw", methods=["GET", "POST"])
def withdraw():
    household = queries.household_of(current_applicant())
    if queries.is_ended(household):
        return _ended_page(household)
    if household.stage == Stage.APPROVED:
        flash("You are approved, so there is no application to withdraw. If you want to stop "
              "fostering, talk to your supervising social worker.", "warning")
        return redirect(url_for("portal.progress"))
    form = forms.WithdrawForm()
    if request.method == "POST" and form.validate():
        confirm = forms.ConfirmWithdrawForm(formdata=None, reason=form.reason.data,
                                            details=form.details.data or "")
        return render_template("portal/withdraw_confirm.html", form=confirm,
                               label=words.withdrawal_label(form.reason.data),
                               details=form.details.data, **_withdraw_context(household))
    return render_template("portal/withdraw.html", form=form, **_withdraw_context(household))


@bp.post("/withdraw/confirm")
def confirm_withdraw():
    applicant = current_applicant()
    household = queries.household_of(applicant)
    if queries.is_ended(household):
        return _ended_page(household)
    confirm = forms.ConfirmWithdrawForm()
    # Back to the first step, with what was chosen, if anything is wrong.
    form = forms.WithdrawForm(formdata=None, reason=confirm.reason.data,
                              details=confirm.details.data)
    if not confirm.validate() or confirm.reason.data not in words.WITHDRAWAL_CHOICES:
        form.reason.errors = ["Select why you are withdrawing"]
        return render_template("portal/withdraw.html", form=form,
                               **_withdraw_context(household))
    details = (confirm.details.data or "").strip()[:2000] or None
    try:
        operations.withdraw(applicant, confirm.reason.data, details)
    except Refusal as refusal:
        return refused(refusal, "portal/withdraw.html", form=form,
                       **_withdraw_context(household))
    return redirect(url_for("portal.withdrawn"))


@bp.get("/withdrawn")
def withdrawn():
    household = queries.household_of(current_applicant())
    if not queries.is_ended(household):
        return redirect(url_for("portal.progress"))
    return render_template("portal/withdrawn.html", household=household,
                           closed_early=household.stage == Stage.CLOSED_BEFORE_APPLICATION)


# --- their details ---

@bp.get("/details")
def details():
    applicant = current_applicant()
    household = queries.household_of(applicant)
    html = render_template(
        "portal/details.html", applicant=applicant, household=household,
        people=queries.people_living_there(household),
        addresses=queries.current_addresses(household),
        told=[e for e in queries.applicant_requests(household)
              if (e.details or {}).get("change")],
        ended=queries.is_ended(household), disputes=queries.disputes_shown(household))
    record_view("view", "applicant_details", applicant.id, {"applicant": applicant.id})
    return html


@bp.route("/details/contact", methods=["GET", "POST"])
def contact():
    applicant = current_applicant()
    household = queries.household_of(applicant)
    if queries.is_ended(household):
        return _ended_page(household)
    form = forms.ContactDetailsForm(
        data={"email": applicant.email, "phone": applicant.phone or household.phone or ""})
    if request.method == "POST" and form.validate():
        try:
            operations.update_contact_details(applicant, form.email.data, form.phone.data)
        except Refusal as refusal:
            return refused(refusal, "portal/form.html", form=form,
                           title="Your contact details")
        flash("Your contact details have been saved.")
        return redirect(url_for("portal.details"))
    return render_template("portal/form.html", form=form, title="Your contact details")


_CHANGE_PAGES = {"moving_in": "portal.moving_in", "moving_out": "portal.moving_out",
                 "moving_house": "portal.moving_house"}


@bp.route("/details/change", methods=["GET", "POST"])
def change():
    household = queries.household_of(current_applicant())
    if queries.is_ended(household):
        return _ended_page(household)
    form = forms.ChangeKindForm()
    if request.method == "POST" and form.validate():
        return redirect(url_for(_CHANGE_PAGES[form.kind.data]))
    return render_template("portal/form.html", form=form,
                           title="Tell us about a change in your household")


def _told(message: str):
    flash(message)
    return redirect(url_for("portal.details"))


@bp.route("/details/someone-moving-in", methods=["GET", "POST"])
def moving_in():
    applicant = current_applicant()
    household = queries.household_of(applicant)
    if queries.is_ended(household):
        return _ended_page(household)
    form = forms.MovingInForm()
    title = "Someone moving in"
    if request.method == "POST" and form.validate():
        try:
            operations.report_moving_in(applicant, form.name.data, form.relationship.data,
                                        form.date_of_birth.data, form.moved_on.data)
        except Refusal as refusal:
            return refused(refusal, "portal/form.html", form=form, title=title)
        return _told(f"Thank you. We have told your social worker that {form.name.data} is "
                     "moving in. They need a DBS check, and your social worker will contact "
                     "you about it.")
    return render_template("portal/form.html", form=form, title=title,
                           lead="Everyone aged 18 or over who lives with you needs a DBS "
                                "check, so we need to know who is moving in.")


@bp.route("/details/someone-moving-out", methods=["GET", "POST"])
def moving_out():
    applicant = current_applicant()
    household = queries.household_of(applicant)
    if queries.is_ended(household):
        return _ended_page(household)
    people = [m for m in queries.people_living_there(household)
              if m.id != applicant.member_id]
    form = forms.MovingOutForm()
    form.member.choices = [("", "Select a person")] + [(str(m.id), m.name) for m in people]
    title = "Someone moving out"
    if not people:
        return render_template("portal/form.html", form=None, title=title,
                               lead="We do not have anyone else recorded as living with you. "
                                    "Send your social worker a message if this is wrong.")
    if request.method == "POST" and form.validate():
        member = next(m for m in people if str(m.id) == form.member.data)
        try:
            operations.report_moving_out(applicant, member, form.moved_on.data)
        except Refusal as refusal:
            return refused(refusal, "portal/form.html", form=form, title=title)
        return _told(f"Thank you. We have told your social worker that {member.name} is "
                     "moving out.")
    return render_template("portal/form.html", form=form, title=title)


@bp.route("/details/moving-house", methods=["GET", "POST"])
def moving_house():
    applicant = current_applicant()
    household = queries.household_of(applicant)
    if queries.is_ended(household):
        return _ended_page(household)
    form = forms.MovingHouseForm()
    title = "Moving house"
    if request.method == "POST" and form.validate():
        fields = {name: getattr(form, name).data
                  for name in ("line_1", "line_2", "town", "postcode", "local_authority")}
        try:
            operations.report_moving_house(applicant, fields, form.moved_on.data)
        except Refusal as refusal:
            return refused(refusal, "portal/form.html", form=form, title=title)
        return _told("Thank you. We have told your social worker about your move and updated "
                     "your address.")
    return render_template("portal/form.html", form=form, title=title,
                           lead="Tell us your new address. Your social worker will need to "
                                "see your new home.")


# --- their information ---

@bp.get("/your-information")
def your_information():
    """What the service holds about them and why, and their two downloads."""
    applicant = current_applicant()
    held = information.gather(applicant)
    html = render_template("portal/information.html", applicant=applicant, held=held)
    record_view("view", INFORMATION, applicant.id, {"applicant": applicant.id})
    return html



@bp.get("/your-information.json")
def information_json():
    applicant = current_applicant()
    held = information.gather(applicant)
    body = json.dumps(held, ensure_ascii=False, indent=2).encode()
    response = private_download(body, "application/json; charset=utf-8",
                         f"{held['case']['reference']}-your-information.json")
    record_view("download", INFORMATION, applicant.id,
                {"applicant": applicant.id, "format": "json"})
    return response


@bp.get("/your-information.pdf")
def information_pdf():
    applicant = current_applicant()
    held = information.gather(applicant)
    title = f"Your information: {applicant.name}"
    html = render_template("portal/information_pdf.html", held=held, doc_title=title,
                           doc_author=held["agency"], doc_reference=held["case"]["reference"],
                           field_label=information.field_label, when=information.when,
                           day=information.day)
    content = render_pdf(html, title=title, author=held["agency"] or "")
    response = private_download(content, "application/pdf",
                         f"{held['case']['reference']}-your-information.pdf")
    record_view("download", INFORMATION, applicant.id,
                {"applicant": applicant.id, "format": "pdf"})
    return response
