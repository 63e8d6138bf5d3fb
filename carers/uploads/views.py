"""Documents: applicants see what the team asked for and upload files (/apply/documents);
staff ask for documents, see and download what was sent and accept it
(/staff/cases/<reference>/documents)."""

import io

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from carers.applicants.sessions import current_applicant
from carers.audit.operations import record_view
from carers.cases.access import can_change
from carers.cases.queries import get_case
from carers.core.changes import Refusal
from carers.extensions import csrf
from carers.settings.registry import setting
from carers.uploads import operations, queries, rules, storage
from carers.uploads.forms import ActionForm, RequestForm, UploadForm
from carers.uploads.inspection import download_name
from carers.uploads.operations import MB

bp = Blueprint("uploads", __name__)

# Room in an upload's body for its other fields and the multipart framing, beyond the file.
FORM_ALLOWANCE = 256 * 1024


def limit_mb() -> int:
    return max(1, int(setting("upload_max_mb")))


@bp.app_template_global()
def document_status(item):
    """A request's status as a tag's text and classes, for staff and applicants."""
    status = item.status
    return {"staff": rules.STAFF_LABELS[status], "applicant": rules.APPLICANT_LABELS[status],
            "classes": rules.TAG_CLASSES[status], "open": rules.may_accept(status)}


# --- applicants ---

@bp.get("/apply/documents")
def index():
    return _applicant_page(current_applicant())


def _applicant_page(applicant, failed: UploadForm | None = None, failed_id=None):
    """The household's requests, each open one with its upload form (``failed``, as sent,
    for the request whose upload was refused)."""
    items = queries.household_requests(applicant.household_id)
    forms = {item.id: (failed if item.id == failed_id else
                       UploadForm(formdata=None, prefix=f"request-{item.id}"))
             for item in items if rules.may_upload(item.status) or item.id == failed_id}
    html = render_template("uploads/index.html", groups=queries.by_person(items),
                           forms=forms, form=failed, limit_mb=limit_mb())
    record_view("view", "household_documents", applicant.household_id,
                {"applicant": applicant.id})
    return html


# The form's own CSRF check runs in the view instead of before it, so that the body is not
# read (the form parsed) before its size is checked against the agency's limit.
@csrf.exempt
@bp.post("/apply/documents/<int:request_id>")
def upload(request_id):
    applicant = current_applicant()
    item = queries.household_request(applicant.household_id, request_id)
    most = limit_mb()
    request.max_content_length = most * MB + FORM_ALLOWANCE
    prefix = f"request-{item.id}"
    if (request.content_length or 0) > request.max_content_length:
        return _too_large(applicant, item, most)  # refused unread: nothing of it is kept
    try:
        form = UploadForm(prefix=prefix)
    except RequestEntityTooLarge:  # a body sent without its length, larger than allowed
        return _too_large(applicant, item, most)
    if not form.validate():
        if form.csrf_token.errors:
            raise CSRFError(form.csrf_token.errors[0])
        return _applicant_page(applicant, form, item.id)
    data = form.document.data.stream.read(most * MB + 1)
    try:
        operations.upload(applicant, item, form.file_name, data, most, form.comment.data)
    except Refusal as refusal:
        form.document.errors = [*form.document.errors, *refusal.reasons]
        return _applicant_page(applicant, form, item.id)
    flash(f"{form.file_name} sent for {item.title.lower()}")
    return redirect(url_for("uploads.index", _anchor=prefix))


def _too_large(applicant, item, most):
    form = UploadForm(formdata=None, prefix=f"request-{item.id}")
    form.document.errors = [operations.too_large_message(None, most)]
    return _applicant_page(applicant, form, item.id)


@bp.get("/apply/documents/files/<int:upload_id>")
def download(upload_id):
    applicant = current_applicant()
    row = queries.household_upload(applicant.household_id, upload_id)
    return _send(row, {"applicant": applicant.id})


def _send(row, detail: dict):
    """The file, always as a download (never shown in the browser), never cached, with the
    type its content was found to have."""
    try:
        data = storage.read(row.stored_name)  # 10 MB at most: held as bytes, sent at once
    except storage.Missing:
        raise NotFound() from None
    response = send_file(io.BytesIO(data), mimetype=row.content_type,
                         as_attachment=True, max_age=0, conditional=False, etag=False,
                         download_name=download_name(row.original_name, row.content_type))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    record_view("download", "uploaded_document", row.id,
                {"household": row.household_id, **detail})
    return response


# --- staff ---

def _member_choices(household) -> list[tuple[str, str]]:
    return [(str(m.id), m.name) for m in queries.household_members(household)]


def _staff_page(household, form: RequestForm | None = None):
    changer = can_change(current_user, household)
    if form is None:
        form = RequestForm(formdata=None)
        form.member.choices = _member_choices(household)
    items = queries.household_requests(household.id)
    html = render_template("uploads/case.html", household=household,
                           groups=queries.by_person(items), form=form, can_change=changer,
                           action_form=ActionForm(formdata=None))
    record_view("view", "household_documents", household.id)
    return html


@bp.get("/staff/cases/<reference>/documents")
def case_documents(reference):
    return _staff_page(get_case(reference))


# Seeing the documents and asking for one are two endpoints on one address, so that the
# access policy asks to read the case for the one and to change it for the other.
@bp.post("/staff/cases/<reference>/documents", endpoint="ask")
def ask(reference):
    household = get_case(reference)
    form = RequestForm()
    form.member.choices = _member_choices(household)
    if not form.validate():
        return _staff_page(household, form)
    member = next(m for m in household.members if str(m.id) == form.member.data)
    item = operations.ask(household, current_user, member, form.kind.data,
                          form.description.data, form.note.data)
    flash(f"Asked the household for {item.title.lower()} ({member.name})")
    return redirect(url_for("uploads.case_documents", reference=reference))


def _change(reference, request_id, change, done: str):
    household = get_case(reference)
    item = queries.household_request(household.id, request_id)
    try:
        change(item, current_user)
    except Refusal as refusal:
        flash(refusal.reasons[0], "warning")
    else:
        flash(done.format(title=item.title, person=getattr(item.member, "name", "")))
    return redirect(url_for("uploads.case_documents", reference=reference,
                            _anchor=f"request-{request_id}"))


@bp.post("/staff/cases/<reference>/documents/requests/<int:request_id>/accept")
def accept(reference, request_id):
    return _change(reference, request_id, operations.accept,
                   "{title} ({person}) marked received and accepted")


@bp.post("/staff/cases/<reference>/documents/requests/<int:request_id>/cancel")
def cancel(reference, request_id):
    return _change(reference, request_id, operations.cancel,
                   "{title} ({person}) is no longer asked for")


@bp.get("/staff/cases/<reference>/documents/files/<int:upload_id>")
def staff_download(reference, upload_id):
    household = get_case(reference)
    row = queries.household_upload(household.id, upload_id)
    return _send(row, {})


