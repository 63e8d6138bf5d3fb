"""The state machine: what can happen next, whether it may, and the record when it does."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from carers.pipeline.actions import TRANSITIONS, Action, Transition
from carers.pipeline.guards import problems, unavailable
from carers.pipeline.stages import PRE_APPLICATION_STAGES, WITHDRAWAL_REASONS, Pathway, Stage
from carers.pipeline.state import CaseState, ChildDetails, TransitionFacts, TransitionRecord

__all__ = [
    "TransitionRefused",
    "allowed_transitions",
    "apply_transition",
    "check_transition",
    "find_transition",
]

Settings = Mapping[str, object] | None


class TransitionRefused(ValueError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def _candidates(case: CaseState) -> list[Transition]:
    return [t for t in TRANSITIONS
            if case.pathway in t.pathways and case.stage in t.from_stages]


def allowed_transitions(case: CaseState) -> list[Transition]:
    """Changes possible from where the case is now, before looking at any facts.

    ``check_transition`` may still refuse one (a date in the future, checks outstanding).
    """
    return [t for t in _candidates(case) if unavailable(case, t.action) is None]


def find_transition(case: CaseState, target: Action | Stage | str,
                    ) -> tuple[Transition | None, str | None]:
    """The transition meant by ``target`` (an action, or a stage to move to), or why none."""
    if not isinstance(target, Action | Stage):
        try:
            target = Action(target)
        except ValueError:
            try:
                target = Stage(target)
            except ValueError:
                return None, f"Unknown action or stage {target!r}."
    for t in _candidates(case):
        if t.action is target or (t.to_stage is target):
            reason = unavailable(case, t.action)
            return (None, reason) if reason else (t, None)
    return None, _impossible(case, target)


def _impossible(case: CaseState, target: Action | Stage) -> str:
    where = f"'{case.stage.label}'"
    if not case.stage.is_open:
        return f"The case is closed at {where}; nothing more can change in its pipeline."
    if target in (Action.WITHDRAW, Stage.WITHDRAWN) and case.stage in PRE_APPLICATION_STAGES:
        return ("There is no application yet, so this is not an Ofsted withdrawal: close the "
                "case as 'closed before application' instead.")
    if target in (Action.CLOSE_BEFORE_APPLICATION, Stage.CLOSED_BEFORE_APPLICATION):
        return "An application has been made: record a withdrawal instead."
    if target in (Action.STAGE1_UNSUITABLE, Stage.NOT_SUITABLE_STAGE1):
        if case.pathway is Pathway.CONNECTED_PERSON:
            return "A Stage 1 notice applies to mainstream applicants only."
        return ("A Stage 1 notice can be given only while Stage 1 is open; after that take a "
                "brief report to panel.")
    if target in (Action.NOT_APPROVE, Stage.NOT_APPROVED):
        return "Only the agency decision maker can decide not to approve, after panel."
    name = target.label if isinstance(target, Stage) else str(target).replace("_", " ")
    return (f"'{name}' is not possible from {where} on the "
            f"{case.pathway.label.lower()} pathway.")


def check_transition(case: CaseState, target: Action | Stage | str, facts: TransitionFacts,
                     settings: Settings = None) -> list[str]:
    """Reasons to refuse, in plain English; an empty list means the change may be made."""
    transition, reason = find_transition(case, target)
    if transition is None:
        return [reason or "Not possible."]
    return problems(case, transition, facts, settings)


def apply_transition(case: CaseState, target: Action | Stage | str, facts: TransitionFacts,
                     settings: Settings = None) -> TransitionRecord:
    """The audit record for the change, with the case fields to update in ``changes``.

    Raises ``TransitionRefused`` (a ValueError with ``.reasons``) if it may not be made.
    Use ``case.updated(record)`` for the new state.
    """
    reasons = check_transition(case, target, facts, settings)
    if reasons:
        raise TransitionRefused(reasons)
    transition, _ = find_transition(case, target)
    assert transition is not None
    to_stage = transition.to_stage or case.stage
    changes = _changes(case, transition.action, facts)
    if transition.to_stage:
        changes |= {"stage": to_stage, "stage_since": facts.on}
    return TransitionRecord(
        action=transition.action, label=transition.label, pathway=case.pathway,
        from_stage=case.stage, to_stage=to_stage, on=facts.on, by=facts.by,
        reason=facts.reason.strip(), at=facts.at,
        details=MappingProxyType(_details(transition.action, facts)),
        changes=MappingProxyType(changes),
    )


def _details(action: Action, facts: TransitionFacts) -> dict[str, object]:
    """Extra audit facts worth keeping beyond who, when and why."""
    details: dict[str, object] = {}
    if action is Action.WITHDRAW and facts.withdrawal_code:
        details["withdrawal_code"] = facts.withdrawal_code
        details["withdrawal_label"] = WITHDRAWAL_REASONS[facts.withdrawal_code]
    if action is Action.BOOK_PANEL and facts.outstanding_checks:
        details["override_reason"] = facts.override_reason.strip()
        details["outstanding_checks"] = facts.outstanding_checks
    if action is Action.EXTEND_REG24:
        details["extension_weeks"] = facts.extension_weeks
    if action in (Action.GRANT_REG24, Action.EXTEND_REG24):
        details["nominated_officer"] = facts.nominated_officer.strip()
        details["nominated_officer_on"] = facts.nominated_officer_on
    if action is Action.GRANT_REG24:
        details["placed_on"] = facts.placed_on
    if action is Action.RECORD_RECOMMENDATION and facts.recommendation:
        details["recommendation"] = facts.recommendation
    if action is Action.BOOK_PANEL and facts.panel_date:
        details["panel_date"] = facts.panel_date
    return details


def _changes(case: CaseState, action: Action, facts: TransitionFacts) -> dict[str, object]:
    on = facts.on
    match action:
        case Action.RECORD_FIRST_CONTACT:
            return {"first_response_on": on}
        case Action.RECORD_INITIAL_VISIT:
            return {"initial_visit_on": on}
        case Action.RECEIVE_APPLICATION:
            return {"application_received_on": on}
        case Action.START_STAGE2:
            return {"stage2_started_on": on}
        case Action.COMPLETE_STAGE1:
            return {"stage1_completed_on": on, "stage2_started_on": case.stage2_started_on or on}
        case Action.START_VIABILITY:
            return {"viability_started_on": on}
        case Action.GRANT_REG24:
            child = case.child or ChildDetails()
            return {"reg24_approved_on": on,
                    "reg24_officer_name": facts.nominated_officer.strip(),
                    "reg24_officer_on": facts.nominated_officer_on,
                    "child": dataclasses.replace(child, placed_on=facts.placed_on),
                    **_viability_done(case, on)}
        case Action.START_FULL_ASSESSMENT:
            return _viability_done(case, on)
        case Action.EXTEND_REG24:
            return {"reg24_extension_weeks": facts.extension_weeks, "reg24_extended_on": on,
                    "reg25_officer_name": facts.nominated_officer.strip(),
                    "reg25_officer_on": facts.nominated_officer_on}
        case Action.END_REG24:
            return {"reg24_ended_on": on}
        case Action.COMPLETE_ASSESSMENT:
            return {"assessment_completed_on": on}
        case Action.SHARE_BRIEF_REPORT:
            return {"brief_report_shared_on": on}
        case Action.BOOK_PANEL:
            return {"panel_date": facts.panel_date, "panel_papers_sent_on": None}
        case Action.DEFER_PANEL | Action.REFER_BACK_TO_PANEL:
            return {"panel_date": None, "panel_papers_sent_on": None}
        case Action.RECORD_RECOMMENDATION:
            return {"recommended_on": on, "recommendation": facts.recommendation}
        case Action.REFER_TO_DECISION_MAKER:
            return {"minutes_received_on": on}
        case Action.ISSUE_QD:
            return {"qd_issued_on": on}
        case Action.APPROVE:
            # Full approval ends any temporary (reg 24) approval.
            ended = case.reg24_ended_on or (on if case.reg24_approved_on else None)
            return {"decided_on": on, "reg24_ended_on": ended}
        case Action.NOT_APPROVE:
            return {"decided_on": on, "closed_on": on}
        case Action.WITHDRAW:
            return {"closed_on": on, "withdrawal_code": facts.withdrawal_code}
        case Action.CLOSE_BEFORE_APPLICATION:
            return {"closed_on": on, **_viability_done(case, on)}
        case Action.STAGE1_UNSUITABLE:
            return {"closed_on": on}
        case Action.REOPEN:
            # The new application starts its own 8-month clock; the last one's end and
            # withdrawal stay on the timeline and in the figures.
            fresh = {"closed_on": None, "withdrawal_code": None, "application_received_on": on,
                     "assessment_completed_on": None, "brief_report_shared_on": None,
                     "brief_report_comments_on": None, "panel_date": None,
                     "panel_papers_sent_on": None, "recommended_on": None,
                     "recommendation": None, "minutes_received_on": None,
                     "qd_issued_on": None, "qd_responded_on": None}
            if case.pathway is Pathway.MAINSTREAM:
                fresh |= {"stage1_last_item_on": None, "stage1_completed_on": None,
                          "stage2_started_on": None}
            return fresh
    return {}


def _viability_done(case: CaseState, on) -> dict[str, object]:
    """Leaving the viability assessment, whichever way, completes it."""
    if case.stage is Stage.VIABILITY_ASSESSMENT and not case.viability_completed_on:
        return {"viability_completed_on": on}
    return {}
