"""Administrators' view of the scheduler: each job and its last run, and the outbox."""

from datetime import timedelta

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
from sqlalchemy import func, select

from carers.audit.operations import record as audit
from carers.core.dates import london, utcnow
from carers.core.pagination import paginate
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.notifications.operations import NotFailed, resend_failed
from carers.scheduler.forms import AddressForm
from carers.scheduler.jobs import JOBS
from carers.scheduler.runner import last_runs

bp = Blueprint("scheduler", __name__, url_prefix="/staff/admin")


@bp.route("/jobs")
def jobs():
    runs = last_runs()
    rows = [{"job": job, "schedule": job.schedule(current_app.config),
             "run": runs.get(job.name)} for job in JOBS]
    return render_template("scheduler/jobs.html", rows=rows)


QUEUE_FILTERS = {
    "": ("Every message not yet sent", (OutboxMessage.PENDING, OutboxMessage.SENDING,
                                        OutboxMessage.FAILED)),
    "waiting": ("Waiting or retrying", (OutboxMessage.PENDING,)),
    "sending": ("Sending", (OutboxMessage.SENDING,)),
    "failed": ("Failed", (OutboxMessage.FAILED,)),
}


@bp.route("/messages")
def messages():
    """The outbox: every message not yet sent (waiting, retrying, sending or failed) with its
    last error, newest first, filtered by ``?status=``."""
    status = request.args.get("status", "")
    if status not in QUEUE_FILTERS:
        status = ""
    shown = OutboxMessage.status.in_(QUEUE_FILTERS[status][1])
    page = paginate(select(OutboxMessage).where(shown).order_by(OutboxMessage.id.desc()),
                    select(func.count(OutboxMessage.id)).where(shown),
                    current_app.config["PAGE_SIZE"])
    by_status = dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.status != OutboxMessage.SENT).group_by(OutboxMessage.status)).all())
    counts = {key: sum(by_status.get(s, 0) for s in statuses)
              for key, (_label, statuses) in QUEUE_FILTERS.items()}
    stale_before = utcnow() - timedelta(seconds=current_app.config["OUTBOX_STALE_CLAIM_SECONDS"])

    def stalled(message) -> bool:
        """Claimed by a dispatcher that has stopped: it will be sent again shortly."""
        return (message.status == OutboxMessage.SENDING and message.claimed_at is not None
                and london(message.claimed_at) < stale_before)

    audit("view", "outbox_messages", None, {"ids": [m.id for m in page.items]})
    db.session.commit()
    return render_template("scheduler/messages.html", page=page, status=status,
                           filters=QUEUE_FILTERS, counts=counts, stalled=stalled)


def _resend(message_id, to_address=None):
    try:
        message = resend_failed(message_id, current_user, to_address)
    except NotFailed:
        flash("That message is no longer failed: nothing to resend")
        return redirect(url_for("scheduler.messages"))
    if message is None:
        abort(404)
    flash(f"Message to {message.to_address} queued to send again")
    return redirect(url_for("scheduler.messages"))


@bp.post("/messages/<int:message_id>/resend")
def resend_message(message_id):
    return _resend(message_id)


@bp.route("/messages/<int:message_id>/address", methods=["GET", "POST"])
def correct_address(message_id):
    """Correct the address a failed email was refused at, then send it again."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != "email":
        abort(404)
    form = AddressForm()
    if request.method == "GET":
        form.to_address.data = message.to_address
    elif form.validate():
        return _resend(message_id, form.to_address.data)
    return render_template("scheduler/address.html", form=form, message=message)
