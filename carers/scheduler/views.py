"""Administrators' view of the scheduler: each job and its last run, and the outbox."""

from flask import (
    Blueprint,
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
from carers.core.changes import refused
from carers.scheduler import operations, queries
from carers.scheduler.forms import AddressForm
from carers.scheduler.jobs import JOBS
from carers.scheduler.leader import heartbeat
from carers.scheduler.operations import NothingToResend
from carers.scheduler.queries import QUEUE_FILTERS
from carers.scheduler.runner import last_runs

bp = Blueprint("scheduler", __name__, url_prefix="/staff/admin")


@bp.route("/jobs")
def jobs():
    runs = last_runs()
    rows = [{"job": job, "schedule": job.schedule(current_app.config),
             "run": runs.get(job.name)} for job in JOBS]
    return render_template("scheduler/jobs.html", rows=rows, leader=heartbeat())


@bp.route("/messages")
def messages():
    """The outbox: every message not yet sent (waiting, retrying, sending or failed) with its
    last error, newest first, filtered by ``?status=``."""
    status = request.args.get("status", "")
    if status not in QUEUE_FILTERS:
        status = ""
    page = queries.unsent_page(status)
    counts = queries.unsent_counts()
    record_view("view", "outbox_messages", None, {"ids": [m.id for m in page.items]})
    return render_template("scheduler/messages.html", page=page, status=status,
                           filters=QUEUE_FILTERS, counts=counts,
                           stalled=queries.stalled_check())


@bp.post("/messages/<int:message_id>/resend")
def resend_message(message_id):
    """The button beside a failed message: nothing is typed, so a refusal is a message on
    the outbox page."""
    try:
        message = operations.resend(message_id, current_user)
    except NothingToResend as refusal:
        flash(refusal.reasons[0])
        return redirect(url_for("scheduler.messages"))
    return _queued(message)


def _queued(message):
    if message is None:
        abort(404)
    flash(f"Message to {message.to_address} queued to send again")
    return redirect(url_for("scheduler.messages"))


@bp.route("/messages/<int:message_id>/address", methods=["GET", "POST"])
def correct_address(message_id):
    """Correct the address a failed email was refused at, then send it again."""
    message = queries.get_email(message_id)
    form = AddressForm()
    if request.method == "GET":
        form.to_address.data = message.to_address
    elif form.validate():
        try:
            resent = operations.resend(message_id, current_user, form.to_address.data)
        except NothingToResend as refusal:
            return refused(refusal, "scheduler/address.html", form=form, message=message)
        return _queued(resent)
    return render_template("scheduler/address.html", form=form, message=message)
