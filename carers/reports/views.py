"""The report editor, its autosave, sign-off and the PDF download.

Who: anyone who may read case pages reads the report and downloads the PDF; the case's
allocated workers and their team managers change it; only a team manager (or administrator)
for the case signs it off (declared in carers/reports/access.py). Every view, change and
download is in the audit trail. A refused change shows the editor again with the reason.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from carers.applicants.sessions import current_applicant
from carers.audit.operations import record_view
from carers.cases.access import can_change, is_manager
from carers.cases.queries import get_case
from carers.checks.forms import RELATIONSHIP_LABELS
from carers.core.changes import Refusal, refused
from carers.core.dates import format_date, format_datetime
from carers.core.numbers import plain_number
from carers.corrections.queries import household_disputes
from carers.pipeline import Recommendation
from carers.reports import operations, queries, structure
from carers.reports.document import (
    applicants_of,
    frozen_applicants,
    latest_report,
    outstanding_checks,
    report_outline,
    report_pdf,
    shared_report,
    thaw_copy,
)
from carers.reports.forms import (
    MAX_COMMENTS,
    ApplicantCommentsForm,
    AutosaveForm,
    ButtonForm,
    CommentsForm,
    RecommendationForm,
    TrainingForm,
    sections_form,
)

bp = Blueprint("reports", __name__, url_prefix="/staff/cases/<reference>")
# The applicants' own reading of the version shared with them (carers/reports/access.py).
shared_bp = Blueprint("shared_report", __name__, url_prefix="/apply")


def _revision(raw) -> int | None:
    return plain_number((raw or "").strip())


def _editor_page(household, *, sections=None, recommendation=None, training=None,
                 comments=None) -> dict:
    """What the editor shows: the latest version, with any of its forms as posted."""
    report = latest_report(household)
    form_kind = structure.Form(report.form) if report else structure.form_for(household.pathway)
    changer = can_change(current_user, household)
    editable = changer and (report is None or report.is_draft)
    applicants = applicants_of(household)
    texts = {s.key: s.body for s in report.sections} if report else {}
    shown = {e.key for e in structure.written_entries(form_kind, texts, applicants)}
    if sections is not None:  # a box refused as posted is shown with its error
        shown |= set(sections.errors)
    if sections is None:
        sections = sections_form(form_kind, applicants)(formdata=None)
        for key in structure.narrative_keys(form_kind, applicants):
            section = report.section(key) if report else None
            sections[key].data = section.body if section else ""
            sections[f"{key}__revision"].data = str(section.revision if section else 0)
    if recommendation is None:
        recommendation = RecommendationForm(formdata=None, obj=report)
    if comments is None:
        comments = CommentsForm(formdata=None, obj=report)
    errors = []
    for form in (sections, recommendation, training, comments):
        if form is not None and form.errors:
            errors.extend(form.error_list())
    return dict(
        household=household, report=report, form_kind=form_kind,
        structure=structure, sections=sections, recommendation_form=recommendation,
        entries_for=lambda section: [e for e in structure.section_entries(section, applicants)
                                     if e.key in shown],
        training_form=training or TrainingForm(formdata=None), comments_form=comments,
        button_form=ButtonForm(formdata=None), training=queries.training_for(household),
        can_change=changer, comments_clock=operations.comments_clock(report),
        outstanding=outstanding_checks(household) if report and report.is_draft else [],
        editable=editable, can_sign_off=editable and report is not None and is_manager(
            current_user), outline=report_outline(household, report), errors=errors,
        problems=structure.sign_off_problems(
            form_kind, texts, report.recommendation if report else None, applicants))


def _editor(household, refusal: Refusal | None = None, form=None, **forms):
    """The editor page; with ``refusal``, shown again with ``form`` as it was posted and the
    refusal's reasons in the error summary. Every showing is in the audit trail."""
    context = _editor_page(household, **forms)
    report = context["report"]
    if refusal is None:
        page = render_template("reports/editor.html", **context)
    else:
        page = refused(refusal, "reports/editor.html", form=form, **context)
    # Recorded after the page is made: the commit expires what the page loaded.
    record_view("view", "assessment_report", report.id if report else None,
                {"household": household.id})
    return page


@bp.get("/report")
def editor(reference):
    return _editor(get_case(reference))


@bp.post("/report")
def save(reference):
    """The whole report, posted without JavaScript."""
    household = get_case(reference)
    report = latest_report(household)
    form_kind = structure.Form(report.form) if report else structure.form_for(household.pathway)
    applicants = applicants_of(household)
    form = sections_form(form_kind, applicants)()
    if not form.validate():
        return _editor(household, sections=form)
    # Only the boxes the page showed: an earlier edition's box not shown keeps its text.
    texts = {key: (form[key].data or "", _revision(form[f"{key}__revision"].data))
             for key in structure.narrative_keys(form_kind, applicants) if key in request.form}
    try:
        conflicts = operations.save_sections(household, texts, current_user)
    except Refusal as error:
        return _editor(household, error, form, sections=form)
    for conflict in conflicts:
        flash(conflict.reasons[0], "warning")
    if not conflicts:
        flash("Report saved")
    return redirect(url_for("reports.editor", reference=reference))


@bp.post("/report/sections/<key>")
def autosave(reference, key):
    """One section, saved as the worker types (carers/static/report-autosave.js)."""
    household = get_case(reference)
    report = latest_report(household)
    form_kind = report.form if report else structure.form_for(household.pathway)
    section = structure.narrative_entry(form_kind, key, applicants_of(household))
    if section is None:
        return jsonify(error="There is no such section"), 404
    form = AutosaveForm()
    if not form.validate():
        return jsonify(error=(f"{section.title} must be "
                              f"{structure.MAX_SECTION_CHARS:,} characters or fewer")), 400
    try:
        saved = operations.save_section(household, key, form.body.data or "",
                                        _revision(form.revision.data), current_user)
    except Refusal as error:
        return jsonify(error=error.reasons[0]), 409
    return jsonify(saved=True, revision=saved.revision,
                   message=f"Saved {format_datetime(saved.updated_at)}")


@bp.post("/report/recommendation")
def recommendation(reference):
    household = get_case(reference)
    form = RecommendationForm()
    if not form.validate():
        return _editor(household, recommendation=form)
    try:
        operations.set_recommendation(household, form.recommendation.data, form.terms.data,
                                      current_user)
    except Refusal as error:
        return _editor(household, error, form, recommendation=form)
    flash("Recommendation saved")
    return redirect(url_for("reports.editor", reference=reference, _anchor="recommendation"))


@bp.post("/report/comments")
def comments(reference):
    household = get_case(reference)
    form = CommentsForm()
    if not form.validate():
        return _editor(household, comments=form)
    operations.record_comments(household, form.shared_on.data, form.comments_received_on.data,
                               form.applicant_comments.data, current_user)
    flash("The applicants' comments are saved")
    return redirect(url_for("reports.editor", reference=reference, _anchor="comments"))


@bp.post("/report/training")
def add_training(reference):
    household = get_case(reference)
    form = TrainingForm()
    if not form.validate():
        return _editor(household, training=form)
    operations.add_training(household, current_user, course=form.course.data,
                            provider=form.provider.data or None,
                            attended_by=form.attended_by.data,
                            completed_on=form.completed_on.data)
    flash(f"Added training: {form.course.data}")
    return redirect(url_for("reports.editor", reference=reference, _anchor="training"))


@bp.post("/report/training/<int:training_id>/remove")
def remove_training(reference, training_id):
    household = get_case(reference)
    item = queries.get_training(household, training_id)
    if not ButtonForm().validate():
        abort(400)
    course = item.course
    operations.remove_training(household, item, current_user)
    flash(f"Removed training: {course}")
    return redirect(url_for("reports.editor", reference=reference, _anchor="training"))


@bp.post("/report/sign-off")
def sign_off(reference):
    household = get_case(reference)
    form = ButtonForm()
    if not form.validate():
        abort(400)
    try:
        report = operations.sign_off(household, current_user)
    except Refusal as error:
        return _editor(household, error, form)
    flash(f"Version {report.number} signed off. It is no longer a draft.")
    return redirect(url_for("reports.editor", reference=reference))


@bp.post("/report/new-version")
def new_version(reference):
    household = get_case(reference)
    form = ButtonForm()
    if not form.validate():
        abort(400)
    try:
        report = operations.new_version(household, current_user)
    except Refusal as error:
        return _editor(household, error, form)
    flash(f"Version {report.number} started as a draft")
    return redirect(url_for("reports.editor", reference=reference))


@bp.post("/report/share")
def share(reference):
    household = get_case(reference)
    form = ButtonForm()
    if not form.validate():
        abort(400)
    try:
        report = operations.share_with_applicants(household, current_user)
    except Refusal as error:
        return _editor(household, error, form)
    due = operations.comments_clock(report).due
    flash(f"Version {report.number} is shared with the applicants. Their comments are due "
          f"by {format_date(due)}.")
    return redirect(url_for("reports.editor", reference=reference, _anchor="comments"))


@bp.get("/report.pdf")
def pdf(reference):
    household = get_case(reference)
    report = latest_report(household)
    content, stored = report_pdf(household, report)
    response = pdf_response(content, f"{household.reference}-assessment-report.pdf")
    record_view("download", "assessment_report", report.id if report else None,
                {"household": household.id, "stored": stored})
    return response


def pdf_response(content: bytes, filename: str):
    """A PDF download: never shown inline, never cached."""
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the applicants' pages ---

_SHARED_FACTS = (structure.Kind.RECOMMENDATION, structure.Kind.HOUSEHOLD,
                 structure.Kind.CHILD, structure.Kind.CHECKS, structure.Kind.TRAINING)


def _shared_page(person, form=None, refusal: Refusal | None = None):
    report = shared_report(person.household_id)
    if form is None:
        form = ApplicantCommentsForm(formdata=None)
        form.comments.data = report.comments_draft or ""
        form.version.data = str(report.comments_revision or 0)
    copy = thaw_copy(report.shared_content or {})
    applicants = frozen_applicants(getattr(copy, "people", []))
    written = (report.shared_content or {}).get("sections") or {}

    def entries_for(section):
        return [e for e in structure.section_entries(section, applicants)
                if not section.legacy or (written.get(e.key) or "").strip()]

    context = dict(
        report=report, copy=copy, clock=operations.comments_clock(report),
        entries_for=entries_for, written=written,
        # What the applicants read: the worker's words and their own household's facts;
        # never what referees or others said, nor the chronology kept for the panel.
        sections=[s for s in structure.sections(report.form) if s.kind in _SHARED_FACTS
                  or entries_for(s)],
        title=structure.TITLES[structure.Form(report.form)],
        recommendation_label=(Recommendation(copy.recommendation).label
                              if copy.recommendation else ""),
        relationship_labels=RELATIONSHIP_LABELS, max_comments=MAX_COMMENTS, person=person,
        disputes=[d for d in household_disputes(person.household_id)
                  if d.object_type == "household" and d.field == "assessment_report"])
    if refusal is not None:
        return refused(refusal, "reports/shared.html", form=form, **context)
    return render_template("reports/shared.html", form=form, **context)


@shared_bp.get("/report")
def read():
    return _shared_page(current_applicant())


@shared_bp.post("/report")
def comments_online():
    person = current_applicant()
    form = ApplicantCommentsForm()
    if not form.validate():
        return _shared_page(person, form)
    send = bool(form.send.data)
    try:
        report = operations.save_applicant_comments(person, form.comments.data or "",
                                                    form.seen_revision(), send)
    except Refusal as error:
        return _shared_page(person, form, error)
    if send:
        flash("Your comments have been sent. They are now part of your assessment report.")
    else:
        due = operations.comments_clock(report).due
        flash(f"Your comments are saved as a draft. Send them by {format_date(due)}.")
    return redirect(url_for("shared_report.read", _anchor="your-comments"))
