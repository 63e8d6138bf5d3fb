"""Administrators' view of the scheduler: each job and its last run, and failed messages."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import func, select

from carers.audit.operations import record as audit
from carers.auth.access import roles_required
from carers.auth.roles import RoleKey
from carers.core.pagination import paginate
from carers.extensions import db
from carers.notifications.dispatch import resend
from carers.notifications.models import OutboxMessage
from carers.scheduler.jobs import JOBS
from carers.scheduler.runner import last_runs

bp = Blueprint("scheduler", __name__, url_prefix="/staff/admin")


@bp.route("/jobs")
@roles_required(RoleKey.ADMINISTRATOR)
def jobs():
    runs = last_runs()
    rows = [{"job": job, "schedule": job.schedule(current_app.config),
             "run": runs.get(job.name)} for job in JOBS]
    return render_template("scheduler/jobs.html", rows=rows)


@bp.route("/messages")
@roles_required(RoleKey.ADMINISTRATOR)
def messages():
    failed = OutboxMessage.status == OutboxMessage.FAILED
    page = paginate(select(OutboxMessage).where(failed).order_by(OutboxMessage.id.desc()),
                    select(func.count(OutboxMessage.id)).where(failed),
                    current_app.config["PAGE_SIZE"])
    audit("view", "failed_messages", None, {"ids": [m.id for m in page.items]})
    db.session.commit()
    return render_template("scheduler/messages.html", page=page)


@bp.post("/messages/<int:message_id>/resend")
@roles_required(RoleKey.ADMINISTRATOR)
def resend_message(message_id):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status != OutboxMessage.FAILED:
        flash("That message is no longer failed: nothing to resend")
        return redirect(url_for("scheduler.messages"))
    resend(message)
    audit("update", "outbox_message", message.id, {"resend": True})
    db.session.commit()
    flash(f"Message to {message.to_address} queued to send again")
    return redirect(url_for("scheduler.messages"))
