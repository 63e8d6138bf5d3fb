"""What the applicants' own pages say, in plain words: where their case is, what happens
next and by when, the checks still to come in, and the reasons they may give for
withdrawing. Plain Python (the domain core): no Flask, no database.

Staff words (stage labels, clock names, check kinds) live beside the pipeline, the clocks and
the checks; these are the same facts said to the household, never their outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from carers.checks.rules import CheckKind, CheckState, Status, check_status
from carers.clocks.statutory import Clock, ClockStatus
from carers.pipeline.next_steps import case_clocks
from carers.pipeline.stages import (
    CLOSED_STAGES,
    PATHWAY_STAGES,
    WITHDRAWAL_REASONS,
    Pathway,
    Stage,
)
from carers.pipeline.state import CaseState

__all__ = [
    "WITHDRAWAL_CHOICES",
    "StageWords",
    "check_line",
    "clock_lines",
    "long_day",
    "stage_words",
    "step_of",
    "withdrawal_label",
]

S = Stage


def long_day(d: date) -> str:
    """'3 August 2027', as GOV.UK writes dates for the public."""
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True)
class StageWords:
    title: str  # where they are, as a heading
    now: str  # what is happening now
    next: str  # what happens next


_SHARED = {
    S.READY_FOR_PANEL: StageWords(
        "Your assessment is going to the fostering panel",
        "Your social worker has finished your assessment report. The fostering panel, a "
        "group of people with experience of fostering, will read it and recommend whether "
        "you should be approved.",
        "You can go to the panel meeting, speak to the panel and bring someone to support "
        "you. Your social worker will tell you the date and what to expect."),
    S.PANEL_RECOMMENDED: StageWords(
        "The fostering panel has made its recommendation",
        "The panel has met and made its recommendation about your approval.",
        "The panel's recommendation and its minutes go to the agency decision maker, a "
        "senior manager who makes the final decision."),
    S.AGENCY_DECISION: StageWords(
        "Waiting for the decision",
        "The agency decision maker is looking at the panel's recommendation and your "
        "assessment.",
        "We will tell you the decision as soon as it is made, by phone and in writing."),
    S.WITHDRAWN: StageWords(
        "You have withdrawn your application",
        "Your application has stopped. Thank you for the time you gave it.",
        "You do not need to do anything else. We keep your records safely for the time the "
        "law asks. If things change, you are welcome to contact us again."),
    S.NOT_SUITABLE_STAGE1: StageWords(
        "Your application has ended",
        "We have written to you to explain why your application cannot go on.",
        "If you are unhappy with how we dealt with your application, you can use our "
        "complaints procedure."),
    S.NOT_APPROVED: StageWords(
        "Your application has ended",
        "The agency decision maker decided not to approve you. We have written to you with "
        "the reasons.",
        "If you are unhappy with how we dealt with your application, you can use our "
        "complaints procedure."),
    S.CLOSED_BEFORE_APPLICATION: StageWords(
        "Your enquiry is closed",
        "You did not go on to apply, so we have closed your enquiry.",
        "If things change, you are welcome to contact us again."),
}

_MAINSTREAM = {
    S.ENQUIRY: StageWords(
        "We have your enquiry",
        "Thank you for asking about fostering. A member of our team will contact you to talk "
        "about it and answer your questions.",
        "After that first talk we can visit you at home, or invite you to an information "
        "session."),
    S.INITIAL_CONTACT: StageWords(
        "We have talked about fostering",
        "We have been in touch about fostering with you.",
        "Next, a social worker visits you at home to talk about fostering, see the spare "
        "bedroom and meet the people you live with."),
    S.INITIAL_VISIT: StageWords(
        "We have visited you at home",
        "A social worker has visited you at home.",
        "If you want to go ahead, fill in your application. Once you send it, your "
        "assessment starts."),
    S.APPLICATION_RECEIVED: StageWords(
        "We have your application",
        "Thank you for applying to foster. We have your application.",
        "Next, we start the checks and references (Stage 1)."),
    S.STAGE1: StageWords(
        "Checks and references (Stage 1)",
        "We are doing checks on everyone in your household aged 18 or over, asking for your "
        "medical report and talking to your referees.",
        "When the checks and references are in, we decide whether your application goes on "
        "to the full assessment (Stage 2). Your social worker may start Stage 2 alongside."),
    S.STAGE2: StageWords(
        "Your assessment (Stage 2)",
        "Your social worker visits you several times to get to know you and your family, "
        "and writes your assessment report. You also go to preparation training.",
        "When the report is finished your social worker shares it with you for your "
        "comments, then it goes to the fostering panel."),
    S.APPROVED: StageWords(
        "You are approved as foster carers",
        "Congratulations: the agency has approved you to foster.",
        "Your supervising social worker will agree the terms of your approval with you and "
        "ask you to sign the foster care agreement."),
}

_KINSHIP = {
    S.REFERRAL: StageWords(
        "We know you may care for a child you know",
        "We have been told you may be able to care for a child you know.",
        "A social worker will contact you to start a first assessment (a viability "
        "assessment)."),
    S.VIABILITY_ASSESSMENT: StageWords(
        "First assessment (viability)",
        "A social worker is meeting you to see whether you could care for the child, and "
        "whether your home is right for them.",
        "If it is, a full assessment follows. If the child needs to come to live with you "
        "before then, you may be approved for a time (temporary approval)."),
    S.REG24_TEMPORARY_APPROVAL: StageWords(
        "You have temporary approval",
        "You are approved for now to care for the child while we do a full assessment.",
        "Your full assessment starts straight away. A social worker will visit the child "
        "regularly while they live with you."),
    S.FULL_ASSESSMENT: StageWords(
        "Your full assessment",
        "Your social worker visits you several times to get to know you and your family, "
        "and writes your assessment report.",
        "When the report is finished your social worker shares it with you for your "
        "comments, then it goes to the fostering panel."),
    S.APPROVED: StageWords(
        "You are approved as foster carers for the child",
        "Congratulations: the agency has approved you to care for the child.",
        "Your supervising social worker will agree the terms of your approval with you and "
        "ask you to sign the foster care agreement."),
}

_WORDS = {Pathway.MAINSTREAM: _MAINSTREAM | _SHARED, Pathway.CONNECTED_PERSON: _KINSHIP | _SHARED}


def stage_words(pathway: Pathway | str, stage: Stage | str) -> StageWords:
    """Where the case is, as the household would say it."""
    return _WORDS[Pathway(pathway)][Stage(stage)]


def step_of(pathway: Pathway | str, stage: Stage | str) -> tuple[int, int] | None:
    """("Step 3 of 10"): the stage's place on its pathway, or None once it has closed."""
    stages = PATHWAY_STAGES[Pathway(pathway)]
    stage = Stage(stage)
    if stage in CLOSED_STAGES or stage not in stages:
        return None
    return stages.index(stage) + 1, len(stages)


# What each clock means to the household: (while it runs, once it is late). Clocks that are
# the team's own business (panel papers) say nothing to them.
_CLOCKS = {
    "first_response": ("We aim to contact you by {due}.",
                       "We aimed to contact you by {due}. We are sorry for the wait: "
                       "we will be in touch as soon as we can."),
    "initial_visit": ("We aim to visit you at home by {due}.",
                      "We aimed to visit you at home by {due}. We are sorry for the wait: "
                      "we will contact you to arrange it."),
    "application_to_panel": ("We aim to finish your assessment by {due}.",
                             "We aimed to finish your assessment by {due}. We are sorry it "
                             "is taking longer: your social worker will keep you updated."),
    "stage1_notice": ("We aim to tell you by {due} whether your application goes on to the "
                      "full assessment.",
                      "We aimed to tell you by {due} whether your application goes on to the "
                      "full assessment. Your social worker will be in touch."),
    "brief_report_comments": ("You can send us your comments on the report until {due}.",
                              "The time to comment on the report ended on {due}."),
    "adm_decision": ("The agency decision maker aims to decide by {due}.",
                     "The agency decision maker aimed to decide by {due}. We are sorry for "
                     "the wait: we will tell you as soon as the decision is made."),
    "qd_response": ("If you disagree with the proposed decision, you have until {due} to "
                    "write to us or to ask the Independent Review Mechanism to look at it "
                    "again (one or the other, not both).",
                    "The time to respond to the proposed decision ended on {due}."),
    "reg24": ("Your temporary approval lasts until {due}.",
              "Your temporary approval ended on {due}. Your social worker will talk to you "
              "about what happens next."),
    "first_annual_review": ("Your first annual review will be held by {due}.",
                            "Your first annual review was due by {due}. Your supervising "
                            "social worker will arrange it."),
}


def clock_line(clock: Clock) -> str | None:
    """One running clock in the household's terms, or None if it is not theirs to know."""
    words = _CLOCKS.get(clock.key)
    if words is None or not clock.is_open or clock.due is None:
        return None
    late = clock.status is ClockStatus.OVERDUE
    return words[late].format(due=long_day(clock.due))


def clock_lines(case: CaseState, today: date,
                settings: Mapping[str, object] | None = None) -> list[str]:
    """What happens by when, from the pipeline's running clocks (and the panel's date)."""
    lines = []
    if case.stage is S.READY_FOR_PANEL and case.panel_date and case.panel_date >= today:
        lines.append(f"Your assessment goes to the fostering panel on "
                     f"{long_day(case.panel_date)}.")
    return lines + [line for clock in case_clocks(case, today, settings)
                    if (line := clock_line(clock)) is not None]


# --- checks, without their outcomes ---

_PERSONAL = {CheckKind.DBS: "DBS check", CheckKind.MEDICAL: "medical report"}
_OTHER = {
    CheckKind.LA_CHECK: "Check with {subject} children's services",
    CheckKind.PERSONAL_REFERENCE: "Reference from {subject}",
    CheckKind.PREVIOUS_PROVIDER: "Reference from your previous fostering service, {subject}",
    CheckKind.EMPLOYER: "Employer's reference: {subject}",
    CheckKind.EX_PARTNER: "Reference from {subject}",
    CheckKind.SCHOOL: "Reference from {subject}",
    CheckKind.HOME_SAFETY: "Home health and safety check",
    CheckKind.PETS: "Pets assessment",
    CheckKind.ACCOMMODATION: "Check of your home",
}
# Where an outstanding check stands, as the household would want to know it.
_STANDING = {
    Status.UPCOMING: "we will ask for it from {from_}",
    Status.TO_REQUEST: "we will ask for it soon",
    Status.REQUESTED: "we are waiting for it",
    Status.INTERVIEW_TO_RECORD: "we are waiting to talk to them",
    Status.LAPSED: "it needs renewing, and we will ask for a new one",
}


def check_line(check: CheckState, today: date, own: bool) -> str | None:
    """One outstanding check in plain words ("Your DBS check: we are waiting for it"), or
    None once it is done. Never its outcome. ``own``: the check is about the reader."""
    status = check_status(check, today)
    standing = _STANDING.get(status)
    if standing is None:
        return None
    kind = CheckKind(check.kind)
    subject = check.subject
    if kind in _PERSONAL:
        what = f"Your {_PERSONAL[kind]}" if own else f"{subject}'s {_PERSONAL[kind]}"
    elif kind is CheckKind.PERSONAL_REFERENCE and "(not yet named)" in subject:
        who = subject.replace(" (not yet named)", "")
        who = "another referee" if who.startswith("referee ") else who
        return f"Reference from {who}: you have not named them yet"
    else:
        what = _OTHER[kind].format(subject=subject.replace(" (family)", ""))
    from_ = long_day(check.required_from) if check.required_from else ""
    return f"{what}: {standing.format(from_=from_)}"


# --- withdrawing, in plain words mapped to the Ofsted codes (domain.md section 6) ---

WITHDRAWAL_CHOICES: dict[str, tuple[str, str]] = {
    "AW1": ("Fostering is not what I expected", ""),
    "AW2": ("The assessment is not what I expected",
            "For example, it takes too long or asks too much"),
    "AW3": ("Things have changed at home", "For example, health, work or family"),
    "AW4": ("Money worries", ""),
    "AW5": ("I am worried about allegations being made against me", ""),
    "AW0": ("Another reason, or I would rather not say", ""),
}
assert set(WITHDRAWAL_CHOICES) == set(WITHDRAWAL_REASONS)


def withdrawal_label(code: str) -> str:
    return WITHDRAWAL_CHOICES[code][0]
