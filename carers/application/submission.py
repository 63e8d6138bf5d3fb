"""Sending the application: what happens when the last joint applicant declares.

A placeholder until submission into the case lands: it records the application date (which
starts the 8-month clock) inside the caller's transaction, and nothing more. The caller
(``operations.declare``) commits, or rolls everything back if this raises a Refusal.
"""

from carers.core.dates import today, utcnow


def submit_application(application, applicant) -> None:
    """Send ``application``: ``applicant`` made the last declaration. Raises
    carers.core.changes.Refusal, with reasons, if it cannot be sent."""
    application.submitted_at = utcnow()
    household = application.household
    if household.application_received_on is None:
        household.application_received_on = today()
