"""Extension points: what features above applicants do when someone is invited to apply,
without applicants importing them (the app factory registers the providers).

The application feature registers one that makes the household's application (one per
household, with all its task rows) the first time anyone in it is invited, in the same
transaction as the invitation: so the application exists before anyone signs in."""

from collections.abc import Callable
from typing import Any

# Each provider takes the new Applicant (its household loaded) and adds rows in the
# caller's transaction; it never commits.
Invited = Callable[[Any], None]

on_invited: list[Invited] = []


def register_on_invited(provider: Invited) -> None:
    # The app is built more than once in one process (tests, the scheduler): once is enough.
    if provider not in on_invited:
        on_invited.append(provider)


def invited(applicant) -> None:
    for provider in on_invited:
        provider(applicant)


# The endpoints of applicants' pages that show again, once the person signs in, what was
# posted to them after the time-out (``sessions.hold``); a page posted to any other is
# lost, and the person is told so.
keeps_typed: set[str] = set()


def register_keeps_typed(*endpoints: str) -> None:
    keeps_typed.update(endpoints)
