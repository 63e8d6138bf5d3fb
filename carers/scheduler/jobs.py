"""Every timed job, in one list. Add a job with one line:

    Job("visit_reminders", "Send visit reminders", send_visit_reminders, every=60),
    Job("panel_packs", "Build panel packs", build_due_packs, every=60),
    Job("clock_digest", "Morning digest of deadlines", send_clock_digests, daily="07:00"),

``func(now)`` gets the run's time (an aware UTC datetime) and returns what it did: a dict of
counts (``{"sent": 3}``), a number, a short sentence or None. It must be a sweep over our own
tables that claims each row atomically, so that a restart or a second scheduler can neither
skip nor repeat anything. ``every`` is in seconds; ``daily`` is a time in Europe/London.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from carers.checks import operations as checks
from carers.clocks.words import plural
from carers.core.database import refresh_statistics
from carers.enquiries.operations import delete_abandoned_drafts
from carers.figures import snapshots
from carers.notifications.dispatch import send_due
from carers.panel.operations import build_due_packs
from carers.scheduler.digest import send_clock_digests
from carers.scheduler.retention import apply_retention
from carers.visits.operations import send_visit_reminders


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    func: Callable[[datetime], object]
    every: int | None = None  # seconds between runs
    daily: str | None = None  # "HH:MM", Europe/London

    def __post_init__(self):
        if (self.every is None) == (self.daily is None):
            raise ValueError(f"Job {self.name!r}: give exactly one of every= or daily=")

    def seconds(self, config=None) -> int | None:
        """The interval, after any SCHEDULER_INTERVALS override in the app's config."""
        if self.every is None:
            return None
        return (config or {}).get("SCHEDULER_INTERVALS", {}).get(self.name, self.every)

    def schedule(self, config=None) -> str:
        if self.daily:
            return f"Every day at {self.daily}"
        seconds = self.seconds(config)
        if seconds % 3600 == 0:
            return f"Every {plural(seconds // 3600, 'hour')}"
        if seconds % 60 == 0:
            return f"Every {plural(seconds // 60, 'minute')}"
        return f"Every {seconds:g} second{'s' if seconds != 1 else ''}"


def _reference_reminders(now):
    return {"reminded": checks.send_reference_reminders(now)}


def _expiring_checks(now):
    return {"warned": checks.warn_expiring_checks(now)}


def _panel_packs(now):
    return {"packs built": len(build_due_packs(now))}


def _enquiry_drafts(now):
    return {"unsent enquiry forms deleted": delete_abandoned_drafts(now)}


def _refresh_checks(now):
    return {"cases changed": checks.refresh_all_checks()}


JOBS: list[Job] = [
    Job("send_outbox", "Send queued emails", send_due, every=10),
    Job("clock_digest", "Morning digest of deadlines due soon or overdue", send_clock_digests,
        daily="07:00"),
    Job("visit_reminders", "Remind households and workers of visits", send_visit_reminders,
        every=60),
    Job("panel_packs", "Build the panel packs of issued papers", _panel_packs, every=60),
    Job("reference_reminders", "Remind referees who have not replied", _reference_reminders,
        every=3600),
    Job("expiring_checks", "Warn about checks about to expire", _expiring_checks,
        daily="06:30"),
    Job("refresh_checks", "Bring every open case's checks up to date", _refresh_checks,
        daily="02:00"),
    Job("retention", "List records past their retention period for review", apply_retention,
        daily="03:00"),
    Job("enquiry_drafts", "Delete unsent enquiry forms left for the agency's period",
        _enquiry_drafts, every=3600),
    Job("figures", "Work out the managers' standard figures", snapshots.refresh,
        every=snapshots.INTERVAL_MINUTES * 60),
    Job("statistics", "Refresh the database's statistics for its query planner",
        lambda now: refresh_statistics(), daily="04:00"),
]


def job(name: str) -> Job:
    for candidate in JOBS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
