"""The retention job's place. Retention rules for personal data come in a later piece of
work; until then the job deletes nothing of anyone's and says so in the job log. It does keep
the job log itself short (a run every 10 seconds adds up)."""

from datetime import timedelta

from sqlalchemy import delete

from carers.extensions import db
from carers.scheduler.models import JobRun

JOB_LOG_DAYS = 30


def apply_retention(now) -> str:
    pruned = db.session.execute(
        delete(JobRun).where(JobRun.started_at < now - timedelta(days=JOB_LOG_DAYS))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return (f"No retention rules yet: no personal data deleted. Job log: {pruned} runs older "
            f"than {JOB_LOG_DAYS} days removed.")
