"""What the caseworker sees: the clocks running on a case and the next things to do."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from carers.clocks.reg24_visits import reg24_visit_schedule, reg24_visits_clock
from carers.clocks.statutory import (
    APPLICATION_TO_PANEL_MONTHS,
    PANEL_PAPERS_WORKING_DAYS,
    REG25_EXTENSION_MAX_WEEKS,
    RETENTION_REFUSED_WITHDRAWN_YEARS,
    Clock,
    ClockStatus,
    add_years,
    adm_decision_clock,
    application_to_panel_clock,
    brief_report_comments_clock,
    clock_setting,
    first_annual_review_clock,
    first_response_clock,
    initial_visit_clock,
    panel_papers_clock,
    qd_response_clock,
    reg24_clock,
    stage1_notice_clock,
    viability_clock,
)
from carers.clocks.words import plural
from carers.clocks.workdays import fmt_day
from carers.pipeline.stages import Pathway, Stage
from carers.pipeline.state import CaseState

__all__ = ["case_clocks", "next_actions", "reg24_visits", "stage_summary"]

Settings = Mapping[str, object] | None
S = Stage

# The stages in which each clock is live; outside them only a met clock is worth showing.
_LIVE: dict[str, frozenset[Stage]] = {
    "first_response": frozenset({S.ENQUIRY}),
    "initial_visit": frozenset({S.ENQUIRY, S.INITIAL_CONTACT}),
    "application_to_panel": frozenset({S.APPLICATION_RECEIVED, S.STAGE1, S.STAGE2,
                                       S.READY_FOR_PANEL}),
    "stage1_notice": frozenset({S.STAGE1}),
    "brief_report_comments": frozenset({S.STAGE2, S.FULL_ASSESSMENT, S.READY_FOR_PANEL}),
    "panel_papers": frozenset({S.READY_FOR_PANEL}),
    "adm_decision": frozenset({S.AGENCY_DECISION}),
    "qd_response": frozenset({S.AGENCY_DECISION}),
    "viability": frozenset({S.VIABILITY_ASSESSMENT}),
    "reg24": frozenset({S.REG24_TEMPORARY_APPROVAL, S.FULL_ASSESSMENT, S.READY_FOR_PANEL,
                        S.PANEL_RECOMMENDED, S.AGENCY_DECISION, S.WITHDRAWN, S.NOT_APPROVED}),
    "reg24_visits": frozenset({S.REG24_TEMPORARY_APPROVAL, S.FULL_ASSESSMENT,
                               S.READY_FOR_PANEL, S.PANEL_RECOMMENDED, S.AGENCY_DECISION,
                               S.WITHDRAWN, S.NOT_APPROVED}),
    "first_annual_review": frozenset({S.APPROVED}),
}


def case_clocks(case: CaseState, today: date, settings: Settings = None) -> list[Clock]:
    """The clocks that matter to this case now, plus any already met (its history)."""
    c = case
    stage1_decided = c.stage1_completed_on or (
        c.closed_on if c.stage is S.NOT_SUITABLE_STAGE1 else None)
    extensions = [c.reg24_extension_weeks] if c.reg24_extension_weeks else []
    clocks = [
        first_response_clock(c.enquiry_received_on, today, c.first_response_on, settings),
        initial_visit_clock(c.enquiry_received_on, today, c.initial_visit_on, settings),
        application_to_panel_clock(c.application_received_on, today, c.recommended_on, settings),
        stage1_notice_clock(c.stage1_last_item_on, today, stage1_decided, settings),
        brief_report_comments_clock(c.brief_report_shared_on, today, c.brief_report_comments_on,
                                    settings),
        panel_papers_clock(c.panel_date, today, c.panel_papers_sent_on, settings),
        # A qualifying determination is the decision maker's (proposed) decision in time.
        adm_decision_clock(c.recommended_on, c.minutes_received_on, today,
                           c.qd_issued_on or c.decided_on, settings),
        qd_response_clock(c.qd_issued_on, today, c.qd_responded_on, settings),
        viability_clock(c.viability_started_on, today, c.viability_completed_on, settings),
        reg24_clock(c.reg24_start, today, extensions, c.reg24_ended_on, settings),
        reg24_visits_clock(reg24_visits(c, today), today, settings),
        first_annual_review_clock(c.decided_on if c.stage is S.APPROVED else None, today,
                                  c.first_review_on, settings),
    ]
    mainstream_only = {"first_response", "initial_visit", "application_to_panel",
                       "stage1_notice"}
    kinship_only = {"viability", "reg24", "reg24_visits"}
    # The visits clock never stops as met: it only runs while the child is placed.
    only_if_it_happens = {"brief_report_comments", "qd_response", "reg24_visits"}
    shown = []
    for clock in clocks:
        if c.pathway is Pathway.CONNECTED_PERSON and clock.key in mainstream_only:
            continue
        if c.pathway is Pathway.MAINSTREAM and clock.key in kinship_only:
            continue
        if clock.status is ClockStatus.NOT_STARTED and clock.key in only_if_it_happens:
            continue
        met = clock.status in (ClockStatus.MET, ClockStatus.MET_LATE)
        if met or c.stage in _LIVE[clock.key]:
            shown.append(clock)
    return shown


def reg24_visits(case: CaseState, today: date):
    """The regulation 24 visits schedule as far as the case row knows it: the next visit
    counts from the latest one, so that is the only visit it needs."""
    child = case.child
    return reg24_visit_schedule(
        child.placed_on if child else None, case.reg24_approved_on,
        [case.reg24_last_visit_on] if case.reg24_last_visit_on else [], today,
        first_review_on=child.first_review_on if child else None,
        ended_on=case.reg24_ended_on)


def stage_summary(case: CaseState) -> str:
    """The stage as a caseworker would say it, showing Stage 2 running alongside Stage 1."""
    text = case.stage.label
    if case.stage is S.STAGE1 and case.stage2_started_on:
        text += f" (Stage 2 started {fmt_day(case.stage2_started_on)})"
    placed = case.reg24_approved_on and not case.reg24_ended_on
    if placed and case.stage.is_open and case.stage is not S.REG24_TEMPORARY_APPROVAL:
        text += " (child placed under regulation 24)"
    return text


def _clock_line(clock: Clock, what: str) -> str:
    due = clock.due
    assert due is not None
    if clock.status is ClockStatus.OVERDUE:
        return f"{what}: this was due by {fmt_day(due)} and is overdue."
    return f"{what} by {fmt_day(due)}."


def next_actions(case: CaseState, today: date, settings: Settings = None) -> list[str]:
    """Plain-English next steps for the case's current stage, with due dates where known."""
    clocks = {clock.key: clock for clock in case_clocks(case, today, settings)}

    def running(key: str) -> Clock | None:
        clock = clocks.get(key)
        return clock if clock and clock.is_open else None

    c = case
    steps: list[str] = []
    match c.stage:
        case S.ENQUIRY:
            if clock := running("first_response"):
                steps.append(_clock_line(clock, "Reply to the enquirer"))
            steps.append("Send information about fostering and invite them to an information "
                         "session or offer a home visit.")
        case S.INITIAL_CONTACT:
            if clock := running("initial_visit"):
                steps.append(_clock_line(clock, "Make the initial home visit"))
            steps.append("At the visit, check the spare bedroom, who lives in the household and "
                         "their reasons for fostering.")
        case S.INITIAL_VISIT:
            steps.append("If they want to go ahead, send the application form; otherwise close "
                         "the enquiry with a reason and ask if you may keep in touch.")
        case S.APPLICATION_RECEIVED:
            steps.append("Start Stage 1: request enhanced DBS checks for every adult in the "
                         "household, local authority checks, medicals, and at least 2 personal "
                         "references to interview.")
            steps += _panel_deadline(clocks)
        case S.STAGE1:
            if clock := running("stage1_notice"):
                steps.append(_clock_line(clock, "All Stage 1 items are in: decide whether to "
                                                "give notice of unsuitability or continue to "
                                                "Stage 2"))
            else:
                steps.append("Chase the outstanding Stage 1 checks and references.")
            if not c.stage2_started_on:
                steps.append("Stage 2 can start alongside Stage 1: book preparation training "
                             "(Skills to Foster) and the first home study visits.")
            steps += _panel_deadline(clocks)
        case S.STAGE2 | S.FULL_ASSESSMENT:
            steps += _assessment_steps(c, clocks, settings)
        case S.READY_FOR_PANEL:
            if clock := running("panel_papers"):
                steps.append(_clock_line(clock, "Send the papers to panel members"))
            steps.append("Tell the applicant they may attend panel, be heard and bring a "
                         "supporter (NMS 14.5).")
            steps += _panel_deadline(clocks)
        case S.PANEL_RECOMMENDED:
            steps.append("Get the final panel minutes and send them with the recommendation to "
                         "the agency decision maker.")
        case S.AGENCY_DECISION:
            if clock := running("qd_response"):
                steps.append(_clock_line(clock, "The applicant may make representations or "
                                                "apply to the IRM (not both)"))
            elif clock := running("adm_decision"):
                steps.append(_clock_line(clock, "The agency decision maker should decide"))
            steps.append("Tell the applicant the decision; if refusing, issue a qualifying "
                         "determination with reasons.")
        case S.APPROVED:
            steps.append("Agree the terms of approval, sign the foster care agreement and add "
                         "the household to the register.")
            if clock := running("first_annual_review"):
                steps.append(_clock_line(clock, "Hold the first annual review and take it to "
                                                "panel"))
        case S.REFERRAL:
            steps.append("Confirm the child's details and the carer's relationship to the "
                         "child, then start the viability assessment.")
        case S.VIABILITY_ASSESSMENT:
            if clock := running("viability"):
                steps.append(_clock_line(clock, "Finish the viability assessment"))
            steps.append("If the child must move in before a full assessment is possible, assess "
                         "the carer, the home and every adult in the household against CPPCR "
                         "Schedule 4 and grant temporary approval under regulation 24.")
            steps.append("Otherwise start the full assessment, or close the case if the "
                         "viability assessment is negative.")
        case S.REG24_TEMPORARY_APPROVAL:
            steps.append("Start the full assessment now: regulation 24 requires it to begin "
                         "immediately.")
        case S.WITHDRAWN | S.NOT_APPROVED | S.NOT_SUITABLE_STAGE1:
            if c.stage is S.NOT_SUITABLE_STAGE1:
                steps.append("Send the written notice with reasons. There is no IRM review of a "
                             "Stage 1 decision; only the complaints procedure.")
            if c.closed_on:
                # The agency's period, which the settings page keeps at or above the law's.
                years = int((settings or {}).get("retention_refused_withdrawn_years",
                                                 RETENTION_REFUSED_WITHDRAWN_YEARS))
                # The same day the retention schedule proposes the record for deletion.
                keep = add_years(c.closed_on, years)
                steps.append(f"Keep the record until at least {fmt_day(keep)} "
                             f"({plural(years, 'year')}, FSR 30-32).")
        case S.CLOSED_BEFORE_APPLICATION:
            steps.append("Follow the agency's retention policy for enquiries that did not become "
                         "applications; keep in touch only with their consent.")
    steps += _reg24_steps(c, clocks, today)
    return steps


def _panel_deadline(clocks: dict[str, Clock]) -> list[str]:
    clock = clocks.get("application_to_panel")
    if clock and clock.is_open:
        return [_clock_line(clock, f"Panel should recommend ({APPLICATION_TO_PANEL_MONTHS} "
                                   "months from application, NMS 14.4)")]
    return []


def _assessment_steps(case: CaseState, clocks: dict[str, Clock], settings: Settings,
                      ) -> list[str]:
    form = "Form F" if case.pathway is Pathway.MAINSTREAM else "Form C"
    if case.assessment_completed_on or case.brief_report_shared_on:
        steps = []
        comments = clocks.get("brief_report_comments")
        if comments and comments.is_open:
            steps.append(_clock_line(comments, "The applicant may comment on the brief report"))
        steps.append(f"Book a panel date at least {PANEL_PAPERS_WORKING_DAYS} working days "
                     "ahead so the papers can go out in time.")
        return steps + _panel_deadline(clocks)
    n = clock_setting(settings, "final_report_comment_working_days")
    steps = [f"Complete the assessment report ({form}) and share it with the applicant for "
             f"comments (usually {n} working days)."]
    if case.pathway is Pathway.MAINSTREAM:
        steps.append("Make sure preparation training is complete. If the applicant looks "
                     "unlikely to be suitable, consider a brief report to panel instead.")
    return steps + _panel_deadline(clocks)


def _reg24_steps(case: CaseState, clocks: dict[str, Clock], today: date) -> list[str]:
    clock = clocks.get("reg24")
    if not clock or not clock.is_open or clock.due is None:
        return []
    if not case.stage.is_open:
        return ["The child is still placed under regulation 24: arrange another placement and "
                "record when the temporary placement ends."]
    if clock.status is ClockStatus.OVERDUE:
        steps = [f"Temporary approval (regulation 24) lapsed on {fmt_day(clock.due)}: the "
                 "placement must end once another has been arranged."]
    else:
        steps = [f"Temporary approval (regulation 24) ends on {fmt_day(clock.due)}: finish the "
                 "full assessment and panel before then."]
    visits = clocks.get("reg24_visits")
    if visits and visits.is_open:
        steps.append(_clock_line(visits, "Visit the child (weekly until the first review, then "
                                         "at least every 4 weeks, CPPCR 28(4))"))
    else:
        steps.append("Visit the child at least weekly until the first review, then at least "
                     "every 4 weeks (CPPCR 28(4)).")
    # An extension needs panel views and a nominated officer, so raise it in good time.
    if not case.reg24_extension_weeks and today <= clock.due <= today + timedelta(weeks=4):
        steps.append("If the assessment will not finish in time, extend once by up to "
                     f"{REG25_EXTENSION_MAX_WEEKS} weeks: reconsider the placement, seek the "
                     "panel's views, inform the IRO and get the nominated officer's approval "
                     "(CPPCR reg 25).")
    return steps
