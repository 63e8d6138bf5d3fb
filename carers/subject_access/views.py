"""Subject access pages for records officers: the open requests and their deadlines, the
search, a request with its clock, the review of third parties' items, and the bundle."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from carers.audit.operations import record_view
from carers.core.changes import refused
from carers.core.dates import format_date, format_datetime, today
from carers.core.downloads import private_download
from carers.core.pagination import Page, page_number
from carers.extensions import db
from carers.subject_access import bundle as bundles
from carers.subject_access import operations, output, rules, search
from carers.subject_access.forms import (
    CompleteForm,
    ExtendForm,
    OpenRequestForm,
    ReleaseForm,
    SearchForm,
)
from carers.subject_access.models import SubjectAccessRequest

bp = Blueprint("subject_access", __name__, url_prefix="/staff/records/subject-access")

OBJECT = operations.OBJECT
PER_PAGE = 25


def _get(sar_id: int) -> SubjectAccessRequest:
    found = db.session.get(SubjectAccessRequest, sar_id)
    if found is None:
        abort(404)
    return found


def _clock(sar: SubjectAccessRequest) -> rules.Clock:
    return rules.clock(sar.due_on, today(), completed=not sar.is_open)


@bp.get("/")
def requests():
    rows = db.session.scalars(
        select(SubjectAccessRequest).where(SubjectAccessRequest.status == rules.OPEN)
        .order_by(SubjectAccessRequest.due_on, SubjectAccessRequest.id).limit(500)).all()
    completed = db.session.scalar(select(func.count()).select_from(SubjectAccessRequest)
                                  .where(SubjectAccessRequest.status == rules.COMPLETED))
    record_view("view", OBJECT, None, {"page": "open requests", "open": len(rows)})
    return render_template("subject_access/requests.html",
                           rows=[(r, _clock(r)) for r in rows], completed=completed)


def _choice(match: search.Match) -> tuple[str, str]:
    """A match as a checkbox: its source, the record, its case and its date."""
    parts = [f"{match.source_label}: {match.name}" if match.name else match.source_label,
             match.detail]
    if match.case:
        parts.append(f"case {match.case}")
    if match.on is not None:
        parts.append(format_datetime(match.on) if isinstance(match.on, datetime)
                     else format_date(match.on))
    return match.key, " – ".join(parts)


def _search_page(form: SearchForm, open_form: OpenRequestForm | None, status=200):
    matches: list[search.Match] = []
    page = None
    if form.validate():
        matches = search.find(form.name.data, form.email.data, form.born.data)
        number = min(page_number(), max(1, -(-len(matches) // PER_PAGE)))
        page = Page(items=matches[(number - 1) * PER_PAGE:number * PER_PAGE], number=number,
                    per_page=PER_PAGE, total=len(matches))
        if open_form is None:
            open_form = OpenRequestForm(formdata=None, q_name=form.name.data or "",
                                        q_email=form.email.data or "",
                                        q_born=form.born.data.isoformat()
                                        if form.born.data else "",
                                        requester_email=form.email.data or "")
        open_form.links.choices = [_choice(m) for m in page.items]
        record_view("search", OBJECT, None, {"name": bool(form.name.data),
                                             "email": bool(form.email.data),
                                             "born": bool(form.born.data),
                                             "matches": len(matches)})
    # Every value of each argument: a date of birth comes as three "born" values.
    args = {k: v for k, v in request.args.lists() if k != "page"}
    return render_template("subject_access/search.html", form=form, search_form=form,
                           open_form=open_form, page=page, here=args,
                           sources=search.SOURCES, searched=bool(request.args)), status


@bp.get("/search")
def search_page():
    form = SearchForm(request.args, meta={"csrf": False})
    if not request.args:
        return render_template("subject_access/search.html", search_form=form, page=None,
                               open_form=None, searched=False, here={})
    return _search_page(form, None)


@bp.post("/search")
def open_request():
    form = OpenRequestForm()
    born = None
    try:
        born = date.fromisoformat(form.q_born.data) if form.q_born.data else None
    except ValueError:
        born = None
    search_form = SearchForm(formdata=None, name=form.q_name.data or "",
                             email=form.q_email.data or "", born=born, meta={"csrf": False})
    matches = search.find(search_form.name.data or None, search_form.email.data or None, born)
    form.links.choices = [_choice(m) for m in matches]
    if not form.validate():
        return _search_again(search_form, form, matches)
    try:
        sar = operations.open_request(
            current_user, name=form.requester_name.data, email=form.requester_email.data,
            born=born, received_on=form.received_on.data, links=form.links.data)
    except operations.RequestRefused as refusal:
        form.form_errors.extend(refusal.reasons)
        return _search_again(search_form, form, matches)
    flash(f"Subject access request {sar.reference} opened")
    return redirect(url_for("subject_access.request", sar_id=sar.id))


def _search_again(search_form, form, matches):
    # Every match is shown again on one page, so that what was ticked stays ticked.
    page = Page(items=matches, number=1, per_page=max(1, len(matches)), total=len(matches))
    return render_template("subject_access/search.html", form=form, search_form=search_form,
                           open_form=form, page=page, here={}, searched=True)


def _request_page(sar, extend_form=None, status=200):
    links = [search.describe(link["source"], link["id"]) or
             search.Match(link["source"], link["id"], "(no longer held)", None,
                          search.SOURCES.get(link["source"], link["source"]), None)
             for link in sar.links or []]
    return render_template("subject_access/request.html", sar=sar, clock=_clock(sar),
                           links=links, form=extend_form, complete_form=CompleteForm(),
                           statuses=rules.STATUSES), status


@bp.get("/<int:sar_id>", endpoint="request")
def show(sar_id):
    sar = _get(sar_id)
    record_view("view", OBJECT, sar.id)
    return _request_page(sar)


@bp.route("/<int:sar_id>/extend", methods=["GET", "POST"])
def extend(sar_id):
    sar = _get(sar_id)
    form = ExtendForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("subject_access/extend.html", sar=sar, form=form,
                               clock=_clock(sar))
    try:
        operations.extend(sar, current_user, int(form.months.data), form.reason.data)
    except operations.RequestRefused as refusal:
        return refused(refusal, "subject_access/extend.html", form, sar=_get(sar_id),
                       clock=_clock(_get(sar_id)))
    flash(f"Deadline extended to {sar.due_on.strftime('%-d %B %Y')}")
    return redirect(url_for("subject_access.request", sar_id=sar.id))


@bp.post("/<int:sar_id>/complete")
def complete(sar_id):
    sar = _get(sar_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.complete(sar, current_user)
    except operations.RequestRefused as refusal:
        flash(refusal.reasons[0])
        return redirect(url_for("subject_access.request", sar_id=sar_id))
    flash(f"Subject access request {sar.reference} marked as completed")
    return redirect(url_for("subject_access.request", sar_id=sar.id))


def _bundle(sar):
    items = bundles.gather_items(sar)
    return items, bundles.build(sar, items)


@bp.get("/<int:sar_id>/review")
def review(sar_id):
    sar = _get(sar_id)
    items, bundle = _bundle(sar)
    marked = [i for s in bundle["sections"] for i in s["items"] if i["third_party"]]
    contents = {i.key: i for i in items}
    record_view("view", OBJECT, sar.id, {"page": "review", "marked": len(marked),
                                         "withheld": bundle["withheld"]})
    return render_template("subject_access/review.html", sar=sar, marked=marked,
                           contents=contents, bundle=bundle, text=bundles.text_of)


@bp.route("/<int:sar_id>/release", methods=["GET", "POST"])
def release(sar_id):
    sar = _get(sar_id)
    form = ReleaseForm()
    key = request.args.get("item") if request.method == "GET" else form.item.data
    items = bundles.gather_items(sar)
    marked = {i.key: i for i in items if i.third_party}
    released = {r.item_key for r in sar.releases}
    item = marked.get(key or "")
    if item is None or item.key in released:
        # A stale or made-up link: back to the list of what is withheld now.
        flash("That item is not withheld from this request's bundle")
        return redirect(url_for("subject_access.review", sar_id=sar.id))
    page = {"sar": sar, "item": item, "text": bundles.text_of}
    if request.method == "GET":
        form.item.data = item.key
        return render_template("subject_access/release.html", form=form, **page)
    if not form.validate_on_submit():
        return render_template("subject_access/release.html", form=form, **page)
    try:
        operations.release(sar, current_user, item.key, form.reason.data, set(marked))
    except operations.RequestRefused as refusal:
        return refused(refusal, "subject_access/release.html", form, **page)
    flash(f"Released: {item.title}")
    return redirect(url_for("subject_access.review", sar_id=sar.id))



@bp.get("/<int:sar_id>/bundle.pdf")
def bundle_pdf(sar_id):
    sar = _get(sar_id)
    _items, bundle = _bundle(sar)
    content = output.pdf(bundle)
    operations.produced(sar, current_user, "pdf", bundle)
    return private_download(content, "application/pdf", f"{sar.reference}-subject-access.pdf")


@bp.get("/<int:sar_id>/bundle.zip")
def bundle_zip(sar_id):
    sar = _get(sar_id)
    _items, bundle = _bundle(sar)
    content = output.zip_archive(bundle)
    operations.produced(sar, current_user, "zip", bundle)
    return private_download(content, "application/zip", f"{sar.reference}-subject-access.zip")
