"""Applicants' rules: their sign-in codes, when a household may be invited to apply, and who
in it is invited. Plain Python: values in, values out."""

from __future__ import annotations

from datetime import date

from carers.pipeline.stages import CLOSED_STAGES, PATHWAY_STAGES, Pathway, Stage

CODE_DIGITS = 6
CODE_MINUTES = 15  # a code works this long after it is sent
MAX_WRONG_TRIES = 5  # wrong codes before a code is dead and a new one is needed

ADULT_AGE = 18  # every household member aged 18+ gives their own details and consents

# A warning before the time-out, and never more than half of it (WCAG 2.2.1).
WARNING_MINUTES = 5

APPLICANT = "applicant"  # a joint applicant
ADULT = "adult"  # another adult of the household


def warning_seconds(session_minutes: int, warning_minutes: int = WARNING_MINUTES) -> int:
    return min(warning_minutes * 60, session_minutes * 60 // 2)


def invitation_refusal(pathway: str, stage: str, initial_visit_on: date | None) -> str | None:
    """Why the household may not be invited to apply yet, or None when it may: a mainstream
    household after its initial visit, a kinship household at any time; never a closed case."""
    stage = Stage(stage)
    if stage in CLOSED_STAGES:
        return f"The case is closed ({stage.label}): nobody can be invited to apply."
    if pathway == Pathway.CONNECTED_PERSON.value:
        return None
    order = PATHWAY_STAGES[Pathway.MAINSTREAM]
    past_visit = stage in order and order.index(stage) > order.index(Stage.INITIAL_VISIT)
    if initial_visit_on is None and not past_visit:
        return ("A mainstream household is invited to apply after the initial visit. Record the "
                "initial visit first.")
    return None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def is_adult(date_of_birth: date | None, age_at_enquiry: int | None, on: date) -> bool | None:
    """Whether the person is 18 or over: from their date of birth, or the age they gave at the
    enquiry; None when neither is known."""
    if date_of_birth is not None:
        return age_on(date_of_birth, on) >= ADULT_AGE
    if age_at_enquiry is not None:
        return age_at_enquiry >= ADULT_AGE
    return None


def invited_role(is_applicant: bool, lives_here: bool, adult: bool | None) -> str | None:
    """The role a household member is invited in: a joint applicant, or another adult who lives
    there; None for anyone else (a child, someone who lives elsewhere)."""
    if is_applicant:
        return APPLICANT
    if lives_here and adult:
        return ADULT
    return None


def not_invitable(name: str, lives_here: bool, adult: bool | None) -> str:
    """Why a member who is not a joint applicant cannot be invited, in plain words."""
    if not lives_here:
        return f"{name} does not live in the household: only people who live there are invited."
    if adult is None:
        return (f"We do not know {name}'s age. Record their date of birth on the checks page "
                "first: only adults (18 or over) are invited.")
    return f"{name} is under 18: only adults (18 or over) are invited."
