"""Every change a caseworker can make to a case, and which stages it goes between.

A transition either moves the case to another stage or, with ``to_stage=None``, records a
milestone within the stage (Stage 2 started alongside Stage 1, reg 24 extended, ...).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from carers.pipeline.stages import CLOSED_STAGES, PRE_APPLICATION_STAGES, Pathway, Stage

__all__ = ["TRANSITIONS", "Action", "Transition"]

M, C = Pathway.MAINSTREAM, Pathway.CONNECTED_PERSON
BOTH = frozenset({M, C})


class Action(StrEnum):
    RECORD_FIRST_CONTACT = "record_first_contact"
    RECORD_INITIAL_VISIT = "record_initial_visit"
    RECEIVE_APPLICATION = "receive_application"
    START_STAGE1 = "start_stage1"
    START_STAGE2 = "start_stage2"
    COMPLETE_STAGE1 = "complete_stage1"
    START_VIABILITY = "start_viability"
    GRANT_REG24 = "grant_reg24"
    START_FULL_ASSESSMENT = "start_full_assessment"
    EXTEND_REG24 = "extend_reg24"
    END_REG24 = "end_reg24"
    COMPLETE_ASSESSMENT = "complete_assessment"
    SHARE_BRIEF_REPORT = "share_brief_report"
    BOOK_PANEL = "book_panel"
    DEFER_PANEL = "defer_panel"
    RECORD_RECOMMENDATION = "record_recommendation"
    REFER_TO_DECISION_MAKER = "refer_to_decision_maker"
    ISSUE_QD = "issue_qd"
    APPROVE = "approve"
    NOT_APPROVE = "not_approve"
    REFER_BACK_TO_PANEL = "refer_back_to_panel"
    WITHDRAW = "withdraw"
    STAGE1_UNSUITABLE = "stage1_unsuitable"
    CLOSE_BEFORE_APPLICATION = "close_before_application"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str  # button text
    from_stages: frozenset[Stage]
    to_stage: Stage | None  # None: a milestone, the case stays where it is
    pathways: frozenset[Pathway] = BOTH
    needs_reason: bool = False

    @property
    def is_milestone(self) -> bool:
        return self.to_stage is None

    @property
    def is_closure(self) -> bool:
        return self.to_stage in CLOSED_STAGES


def _t(action: Action, label: str, from_stages: AbstractSet[Stage], to_stage: Stage | None,
       pathways: AbstractSet[Pathway] = BOTH, needs_reason: bool = False) -> Transition:
    return Transition(action, label, frozenset(from_stages), to_stage, frozenset(pathways),
                      needs_reason)


S = Stage
_MAINSTREAM_OPEN = {S.ENQUIRY, S.INITIAL_CONTACT, S.INITIAL_VISIT, S.APPLICATION_RECEIVED,
                    S.STAGE1, S.STAGE2, S.READY_FOR_PANEL, S.PANEL_RECOMMENDED,
                    S.AGENCY_DECISION}
_KINSHIP_OPEN = {S.REFERRAL, S.VIABILITY_ASSESSMENT, S.REG24_TEMPORARY_APPROVAL,
                 S.FULL_ASSESSMENT, S.READY_FOR_PANEL, S.PANEL_RECOMMENDED, S.AGENCY_DECISION}
_AFTER_REG24 = {S.REG24_TEMPORARY_APPROVAL, S.FULL_ASSESSMENT, S.READY_FOR_PANEL,
                S.PANEL_RECOMMENDED, S.AGENCY_DECISION}

TRANSITIONS: tuple[Transition, ...] = (
    # mainstream front door; an application can follow a phone call or an info session
    _t(Action.RECORD_FIRST_CONTACT, "Record first contact", {S.ENQUIRY}, S.INITIAL_CONTACT, {M}),
    _t(Action.RECORD_INITIAL_VISIT, "Record initial visit", {S.INITIAL_CONTACT},
       S.INITIAL_VISIT, {M}),
    _t(Action.RECEIVE_APPLICATION, "Record application received",
       {S.INITIAL_CONTACT, S.INITIAL_VISIT}, S.APPLICATION_RECEIVED, {M}),
    _t(Action.START_STAGE1, "Start Stage 1 checks", {S.APPLICATION_RECEIVED}, S.STAGE1, {M}),
    _t(Action.START_STAGE2, "Record Stage 2 started alongside Stage 1", {S.STAGE1}, None, {M}),
    _t(Action.COMPLETE_STAGE1, "Complete Stage 1 and continue to Stage 2", {S.STAGE1},
       S.STAGE2, {M}),
    # connected person
    _t(Action.START_VIABILITY, "Start viability assessment", {S.REFERRAL},
       S.VIABILITY_ASSESSMENT, {C}),
    _t(Action.GRANT_REG24, "Grant temporary approval (regulation 24)",
       {S.VIABILITY_ASSESSMENT}, S.REG24_TEMPORARY_APPROVAL, {C}),
    _t(Action.START_FULL_ASSESSMENT, "Start full assessment",
       {S.VIABILITY_ASSESSMENT, S.REG24_TEMPORARY_APPROVAL}, S.FULL_ASSESSMENT, {C}),
    _t(Action.EXTEND_REG24, "Extend temporary approval (regulation 25)", _AFTER_REG24, None,
       {C}, needs_reason=True),
    _t(Action.END_REG24, "Record temporary placement ended",
       _AFTER_REG24 | {S.WITHDRAWN, S.NOT_APPROVED}, None, {C}, needs_reason=True),
    # assessment to panel, both pathways
    _t(Action.COMPLETE_ASSESSMENT, "Record assessment report completed",
       {S.STAGE1, S.STAGE2, S.FULL_ASSESSMENT}, None),
    _t(Action.SHARE_BRIEF_REPORT, "Record brief report shared with applicant",
       {S.STAGE2, S.FULL_ASSESSMENT}, None, needs_reason=True),
    _t(Action.BOOK_PANEL, "Book panel", {S.STAGE2, S.FULL_ASSESSMENT}, S.READY_FOR_PANEL),
    _t(Action.DEFER_PANEL, "Take off the panel list", {S.READY_FOR_PANEL}, S.STAGE2, {M},
       needs_reason=True),
    _t(Action.DEFER_PANEL, "Take off the panel list", {S.READY_FOR_PANEL}, S.FULL_ASSESSMENT,
       {C}, needs_reason=True),
    _t(Action.RECORD_RECOMMENDATION, "Record panel recommendation", {S.READY_FOR_PANEL},
       S.PANEL_RECOMMENDED),
    _t(Action.REFER_TO_DECISION_MAKER, "Send recommendation and final minutes to the decision "
       "maker", {S.PANEL_RECOMMENDED}, S.AGENCY_DECISION),
    _t(Action.ISSUE_QD, "Issue qualifying determination", {S.AGENCY_DECISION}, None,
       needs_reason=True),
    _t(Action.APPROVE, "Record approval", {S.AGENCY_DECISION}, S.APPROVED),
    _t(Action.NOT_APPROVE, "Record final decision not to approve", {S.AGENCY_DECISION},
       S.NOT_APPROVED, needs_reason=True),
    _t(Action.REFER_BACK_TO_PANEL, "Refer back to the fostering panel", {S.AGENCY_DECISION},
       S.READY_FOR_PANEL, needs_reason=True),
    # closures
    _t(Action.WITHDRAW, "Record withdrawal",
       (_MAINSTREAM_OPEN | _KINSHIP_OPEN) - PRE_APPLICATION_STAGES, S.WITHDRAWN,
       needs_reason=True),
    _t(Action.STAGE1_UNSUITABLE, "Give notice: not suitable at Stage 1", {S.STAGE1},
       S.NOT_SUITABLE_STAGE1, {M}, needs_reason=True),
    _t(Action.CLOSE_BEFORE_APPLICATION, "Close before application", PRE_APPLICATION_STAGES,
       S.CLOSED_BEFORE_APPLICATION, needs_reason=True),
    # A household that withdrew comes back: a new application (mainstream) or a new full
    # assessment (connected person), with its own clocks, counted again in the figures.
    _t(Action.REOPEN, "Re-open: the household applies again", {S.WITHDRAWN},
       S.APPLICATION_RECEIVED, {M}, needs_reason=True),
    _t(Action.REOPEN, "Re-open: the household applies again", {S.WITHDRAWN},
       S.FULL_ASSESSMENT, {C}, needs_reason=True),
)
