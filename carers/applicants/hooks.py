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
