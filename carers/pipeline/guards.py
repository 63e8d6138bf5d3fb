"""Why a change may not be made, in words a caseworker can act on.

``unavailable`` looks only at the case (is this change possible at all right now?);
``problems`` also looks at the facts supplied with the request. Both return plain English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from carers.clocks.statutory import (
    PANEL_PAPERS_WORKING_DAYS,
    REG25_EXTENSION_MAX_WEEKS,
    clock_setting,
    reg24_due,
)
from carers.clocks.words import plural
from carers.clocks.workdays import add_working_days, fmt_day
from carers.pipeline.actions import Action, Transition
from carers.pipeline.stages import WITHDRAWAL_REASONS, Pathway, Recommendation
from carers.pipeline.state import CaseState, TransitionFacts

__all__ = ["problems", "unavailable"]

Settings = Mapping[str, object] | None
Guard = Callable[[CaseState, TransitionFacts, Settings], list[str]]


def unavailable(case: CaseState, action: Action) -> str | None:
    """Why ``action`` cannot happen on this case whatever the facts, or None."""
    if action is Action.START_STAGE2 and case.stage2_started_on:
        return f"Stage 2 already started on {fmt_day(case.stage2_started_on)}."
    if action is Action.COMPLETE_ASSESSMENT:
        if case.assessment_completed_on:
            return ("The assessment report was already completed on "
                    f"{fmt_day(case.assessment_completed_on)}.")
        if case.pathway is Pathway.MAINSTREAM and not case.stage2_started_on:
            return "Stage 2 has not started yet."
    if action is Action.SHARE_BRIEF_REPORT and case.brief_report_shared_on:
        return f"A brief report was already shared on {fmt_day(case.brief_report_shared_on)}."
    if action is Action.ISSUE_QD and case.qd_issued_on:
        return f"A qualifying determination was already issued on {fmt_day(case.qd_issued_on)}."
    if action is Action.REFER_BACK_TO_PANEL and not case.qd_issued_on:
        return ("A case goes back to panel for further consideration only after a "
                "qualifying determination.")
    if action in (Action.EXTEND_REG24, Action.END_REG24):
        if not case.reg24_approved_on:
            return "There is no regulation 24 temporary approval on this case."
        if case.reg24_ended_on:
            return f"Temporary approval already ended on {fmt_day(case.reg24_ended_on)}."
    if action is Action.EXTEND_REG24 and case.reg24_extension_weeks:
        return ("Temporary approval has already been extended once; regulation 25 allows only "
                "one extension.")
    return None


def problems(case: CaseState, transition: Transition, facts: TransitionFacts,
             settings: Settings = None) -> list[str]:
    """Every reason to refuse this change; empty means it may go ahead."""
    found = _common(case, transition, facts)
    guard = _GUARDS.get(transition.action)
    if guard:
        found += guard(case, facts, settings)
    return found


def _common(case: CaseState, transition: Transition, facts: TransitionFacts) -> list[str]:
    found = []
    if not facts.by.strip():
        found.append("Record who is making this change.")
    if facts.on > facts.today:
        found.append(f"The date {fmt_day(facts.on)} is in the future.")
    # Milestones may be recorded late (Stage 2 work done while Stage 1 was open), so only a
    # stage change must not predate the current stage.
    if not transition.is_milestone and case.stage_since and facts.on < case.stage_since:
        found.append(f"The date {fmt_day(facts.on)} is before the case reached "
                     f"'{case.stage.label}' on {fmt_day(case.stage_since)}.")
    if transition.needs_reason and not facts.reason.strip():
        found.append("Give a reason: it is kept on the case record.")
    return found


def _not_before(when: date, earlier: date | None, what: str, advice: str = "") -> list[str]:
    if earlier and when < earlier:
        text = f"The date {fmt_day(when)} is before {what} on {fmt_day(earlier)}."
        return [f"{text} {advice}" if advice else text]
    return []


# --- mainstream ---

def _first_contact(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    return _not_before(facts.on, case.enquiry_received_on, "the enquiry was received")


def _start_stage2(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    return _not_before(facts.on, case.application_received_on, "the application was received",
                       "Stage 2 cannot start before the application.")


def _complete_stage1(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    found = _not_before(facts.on, case.application_received_on, "the application was received")
    found += _not_before(facts.on, case.stage1_last_item_on, "the last Stage 1 item arrived")
    if not facts.stage1_items_complete:
        waiting = f": {', '.join(facts.stage1_outstanding)}" if facts.stage1_outstanding else ""
        found.append(f"Stage 1 is not complete until every Stage 1 item is received{waiting}.")
    return found


def _stage1_unsuitable(case: CaseState, facts: TransitionFacts, settings: Settings,
                       ) -> list[str]:
    if not case.stage1_last_item_on:
        return []
    n = clock_setting(settings, "stage1_notice_working_days")
    deadline = add_working_days(case.stage1_last_item_on, n)
    if facts.on > deadline:
        return [f"A Stage 1 notice had to be given by {fmt_day(deadline)} ({n} working days "
                f"after the last Stage 1 item). The case has moved to Stage 2: take a brief "
                "report to panel instead."]
    return []


# --- connected person ---

def _child(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    if case.child is None:
        return ["Enter the details of the child this referral is about."]
    return case.child.problems(facts.today)


def _nominated_officer(facts: TransitionFacts, what: str) -> list[str]:
    found = []
    if not facts.nominated_officer.strip():
        found.append(f"Enter the name of the nominated officer who approved {what}.")
    if facts.nominated_officer_on is None:
        found.append(f"Enter the date the nominated officer approved {what}.")
    elif facts.nominated_officer_on > facts.today:
        found.append(f"The date the nominated officer approved {what} "
                     f"({fmt_day(facts.nominated_officer_on)}) is in the future.")
    return found


def _grant_reg24(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    found = _child(case, facts, settings)
    found += _nominated_officer(facts, "temporary approval")
    placed = facts.placed_on
    if placed is None:
        found.append("Enter the date the child was placed with the carer.")
    elif placed > facts.today:
        found.append(f"The date the child was placed ({fmt_day(placed)}) is in the future.")
    elif case.child and case.child.date_of_birth and placed < case.child.date_of_birth:
        found.append("The child cannot have been placed before they were born.")
    if not facts.household_assessed:
        found.append("Before temporary approval, assess the carer, the home and every adult "
                     "in the household against CPPCR Schedule 4.")
    if facts.reg24_outstanding:
        found.append("Temporary approval waits for the connected-person checks: "
                     f"{', '.join(facts.reg24_outstanding)}.")
    return found


def _extend_reg24(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    start = case.reg24_start
    assert start is not None  # unavailable() has already said so
    weeks = facts.extension_weeks
    if weeks is None:
        return [f"Enter the length of the extension (up to {REG25_EXTENSION_MAX_WEEKS} weeks)."]
    found = []
    try:
        reg24_due(start, [weeks], settings)
    except ValueError as error:
        found.append(str(error))
    lapses = reg24_due(start, (), settings)
    if facts.on > lapses:
        found.append(f"Temporary approval lapsed on {fmt_day(lapses)}; it cannot be extended "
                     "after that.")
    missing = [text for done, text in (
        (facts.placement_reconsidered, "reconsider whether the placement is still the most "
                                       "appropriate"),
        (facts.panel_views_sought, "seek the fostering panel's views"),
        (facts.iro_informed, "inform the independent reviewing officer"),
    ) if not done]
    if missing:
        found.append("Before extending (CPPCR reg 25): " + "; ".join(missing) + ".")
    found += _nominated_officer(facts, "the extension")
    approved = facts.nominated_officer_on
    earlier = case.reg24_officer_on or case.reg24_approved_on
    if approved is not None and earlier is not None and approved < earlier:
        found.append(f"The nominated officer cannot have approved the extension on "
                     f"{fmt_day(approved)}, before temporary approval on {fmt_day(earlier)}.")
    return found


def _end_reg24(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    return _not_before(facts.on, case.reg24_approved_on, "temporary approval was granted")


# --- both pathways ---

def _complete_assessment(case: CaseState, facts: TransitionFacts, settings: Settings,
                         ) -> list[str]:
    found = _not_before(facts.on, case.application_received_on, "the application was received",
                        "The assessment cannot finish before the application.")
    return found + _not_before(facts.on, case.stage2_started_on, "Stage 2 started")


def _book_panel(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    found = []
    meeting = facts.panel_date
    if meeting is None:
        found.append("Enter the panel date.")
    elif add_working_days(meeting, -PANEL_PAPERS_WORKING_DAYS) < facts.today:
        found.append(f"Panel papers must reach members {PANEL_PAPERS_WORKING_DAYS} working days "
                     f"before the meeting (NMS 14.3); for {fmt_day(meeting)} that was "
                     f"{fmt_day(add_working_days(meeting, -PANEL_PAPERS_WORKING_DAYS))}. "
                     "Choose a later panel.")
    if not case.assessment_completed_on and not case.brief_report_shared_on:
        found.append("Complete the assessment report, or share a brief report, before booking "
                     "panel.")
    elif not case.assessment_completed_on and meeting and not (
            case.brief_report_comments_on or facts.brief_report_comments_received):
        n = clock_setting(settings, "brief_report_comment_working_days")
        assert case.brief_report_shared_on is not None
        until = add_working_days(case.brief_report_shared_on, n)
        if meeting <= until:
            found.append(f"The applicant has until {fmt_day(until)} to comment on the brief "
                         "report; book a later panel or record their comments first.")
    if facts.outstanding_checks:
        checks = ", ".join(facts.outstanding_checks)
        if not facts.override_reason.strip():
            found.append(f"Required checks are outstanding: {checks}. A manager can book "
                         "panel anyway by giving a reason.")
        elif not facts.actor_is_manager:
            found.append(f"Required checks are outstanding: {checks}. Only a manager can "
                         "override this.")
    return found


def _recommendation(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    found = _not_before(facts.on, case.panel_date, "the panel meeting")
    if not isinstance(facts.recommendation, Recommendation):
        found.append("Choose the panel's recommendation.")
    return found


def _refer_to_adm(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    return _not_before(facts.on, case.recommended_on, "the panel recommendation")


def _qd_window(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    """After a qualifying determination the final decision waits for the applicant's
    response: until the day after written representations arrive, until the IRM panel's
    recommendation is recorded, or, with no response, until the window has closed."""
    if not case.qd_issued_on or facts.qd_review_concluded:
        return []
    if facts.irm_applied_on:
        if not facts.irm_recommended_on:
            return [f"The applicant applied to the IRM on {fmt_day(facts.irm_applied_on)}: "
                    "the final decision waits for the IRM panel's recommendation. Record it "
                    "on the case first."]
        return _not_before(facts.on, facts.irm_recommended_on, "the IRM panel's "
                           "recommendation")
    if facts.representations_on:
        if facts.on <= facts.representations_on:
            return [f"Representations were received on {fmt_day(facts.representations_on)}; "
                    "the final decision can be made from "
                    f"{fmt_day(facts.representations_on + timedelta(days=1))}."]
        return []
    if facts.qd_response_received:
        return ["The applicant has responded to the qualifying determination; record the "
                "outcome of the representations or IRM review first."]
    closes = case.qd_issued_on + timedelta(days=clock_setting(settings, "qd_response_days"))
    if facts.on <= closes:
        return [f"The applicant has until {fmt_day(closes)} to make representations or apply "
                "to the IRM; the final decision comes after that."]
    return []


def _refer_back(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    """After a qualifying determination (``unavailable`` says so before), the decision
    maker may send the case back to panel for further consideration, but not while the IRM
    is reviewing it."""
    if facts.irm_applied_on and not facts.irm_recommended_on:
        return [f"The applicant applied to the IRM on {fmt_day(facts.irm_applied_on)}: wait "
                "for the IRM panel's recommendation."]
    return []


def _not_approve(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    if not case.qd_issued_on:
        days = plural(clock_setting(settings, "qd_response_days"), "day")
        return [f"Issue a qualifying determination first: the applicant then has {days} to "
                "make representations or apply to the IRM."]
    return _qd_window(case, facts, settings)


def _withdraw(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    if facts.withdrawal_code not in WITHDRAWAL_REASONS:
        codes = "; ".join(f"{code} {label}" for code, label in WITHDRAWAL_REASONS.items())
        return [f"Choose the Ofsted withdrawal reason ({codes})."]
    return []


def _reopen(case: CaseState, facts: TransitionFacts, settings: Settings) -> list[str]:
    if not facts.actor_is_manager:
        return ["Only a manager can re-open a withdrawn case."]
    return []


_GUARDS: dict[Action, Guard] = {
    Action.REOPEN: _reopen,
    Action.RECORD_FIRST_CONTACT: _first_contact,
    Action.START_STAGE2: _start_stage2,
    Action.COMPLETE_STAGE1: _complete_stage1,
    Action.STAGE1_UNSUITABLE: _stage1_unsuitable,
    Action.START_VIABILITY: _child,
    Action.GRANT_REG24: _grant_reg24,
    Action.EXTEND_REG24: _extend_reg24,
    Action.END_REG24: _end_reg24,
    Action.COMPLETE_ASSESSMENT: _complete_assessment,
    Action.BOOK_PANEL: _book_panel,
    Action.RECORD_RECOMMENDATION: _recommendation,
    Action.REFER_TO_DECISION_MAKER: _refer_to_adm,
    Action.APPROVE: _qd_window,
    Action.NOT_APPROVE: _not_approve,
    Action.REFER_BACK_TO_PANEL: _refer_back,
    Action.WITHDRAW: _withdraw,
}
