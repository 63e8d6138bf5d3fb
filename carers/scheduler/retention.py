"""The nightly retention job: lists the records past their retention date for a records
officer to review (carers.retention; nothing is deleted without their confirmation), and
keeps the job log itself short (a run every 10 seconds adds up)."""

from datetime import timedelta

from sqlalchemy import delete

from carers.core.dates import london
from carers.extensions import db
from carers.retention.operations import propose_due
from carers.scheduler.models import JobRun
from carers.settings.registry import load_settings

JOB_LOG_DAYS = 30


def apply_retention(now) -> str:
    proposals = propose_due(london(now).date(), load_settings())
    pruned = db.session.execute(
        delete(JobRun).where(JobRun.started_at < now - timedelta(days=JOB_LOG_DAYS))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return (f"Records due for deletion: {proposals['added']} newly proposed, "
            f"{proposals['kept']} still proposed, {proposals['dropped']} no longer due or "
            f"held. Nothing is deleted until a records officer confirms it. Job log: {pruned} "
            f"runs older than {JOB_LOG_DAYS} days removed.")
