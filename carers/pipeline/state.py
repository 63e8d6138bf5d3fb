"""Plain, frozen values the web layer builds from database rows and persists back.

- ``CaseState``: where a case is and the dates that matter to its guards and clocks.
- ``TransitionFacts``: who is acting, when, why, and what they know right now (checks
  outstanding, Stage 1 items received, ...) that the case row does not hold.
- ``TransitionRecord``: the audit entry for one change, plus the field ``changes`` to save.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from carers.clocks.workdays import fmt_day
from carers.pipeline.stages import Pathway, Recommendation, Stage

__all__ = ["CaseState", "ChildDetails", "TransitionFacts", "TransitionRecord"]


@dataclass(frozen=True)
class ChildDetails:
    """The named child a connected-person referral is about."""

    name: str = ""
    date_of_birth: date | None = None
    la_reference: str = ""  # the placing local authority's reference for the child
    relationship: str = ""  # the carer's relationship to the child, e.g. "maternal aunt"
    placed_on: date | None = None  # when the child came to live with the carer, if they have
    placing_authority: str = ""  # the council whose child it is (its social worker)
    # The child's first looked-after review, when the placing council has set it: regulation
    # 24 visits are weekly until then (CPPCR 28(4)).
    first_review_on: date | None = None

    def problems(self, today: date) -> list[str]:
        found = []
        if not self.name.strip():
            found.append("Enter the child's name.")
        if self.date_of_birth is None:
            found.append("Enter the child's date of birth.")
        elif self.date_of_birth > today:
            found.append("The child's date of birth cannot be in the future.")
        if not self.la_reference.strip():
            found.append("Enter the local authority's reference for the child.")
        if not self.relationship.strip():
            found.append("Enter the carer's relationship to the child.")
        if self.placed_on is not None:
            if self.placed_on > today:
                found.append("The date the child came to live with the carer cannot be in the "
                             "future.")
            elif self.date_of_birth is not None and self.placed_on < self.date_of_birth:
                found.append("The child cannot have come to live with the carer before they "
                             "were born.")
        if self.first_review_on is not None and self.placed_on is not None \
                and self.first_review_on < self.placed_on:
            found.append("The child's first review cannot be before the child came to live "
                         "with the carer.")
        return found


@dataclass(frozen=True)
class CaseState:
    pathway: Pathway
    stage: Stage
    stage_since: date | None = None  # when the case entered its current stage
    # mainstream front door
    enquiry_received_on: date | None = None
    first_response_on: date | None = None
    initial_visit_on: date | None = None
    application_received_on: date | None = None
    # Stage 1 and Stage 2 (mainstream); see stages.py for how parallel running is modelled
    stage1_last_item_on: date | None = None  # from the checks table: the last Stage 1 item
    stage1_completed_on: date | None = None  # Stage 1 decision: continue to Stage 2
    stage2_started_on: date | None = None
    # connected person
    child: ChildDetails | None = None
    referral_received_on: date | None = None
    viability_started_on: date | None = None
    viability_completed_on: date | None = None  # temporary approval, full assessment or closed
    reg24_approved_on: date | None = None
    # The nominated officer who approved the temporary approval, and the day they did.
    reg24_officer_name: str | None = None
    reg24_officer_on: date | None = None
    reg24_extension_weeks: int | None = None
    reg24_extended_on: date | None = None
    reg25_officer_name: str | None = None  # the nominated officer who approved the extension
    reg25_officer_on: date | None = None
    reg24_ended_on: date | None = None  # full approval, or the temporary placement ended
    reg24_last_visit_on: date | None = None  # the latest regulation 24 visit to the child
    # both pathways
    assessment_completed_on: date | None = None  # Stage 2 report or Form C finished
    brief_report_shared_on: date | None = None
    brief_report_comments_on: date | None = None
    panel_date: date | None = None
    panel_papers_sent_on: date | None = None
    recommended_on: date | None = None
    recommendation: Recommendation | None = None
    minutes_received_on: date | None = None  # final minutes reached the decision maker
    qd_issued_on: date | None = None
    qd_responded_on: date | None = None  # representations made or IRM applied to
    decided_on: date | None = None
    first_review_on: date | None = None
    closed_on: date | None = None
    withdrawal_code: str | None = None

    @classmethod
    def new_enquiry(cls, received_on: date) -> CaseState:
        return cls(Pathway.MAINSTREAM, Stage.ENQUIRY, stage_since=received_on,
                   enquiry_received_on=received_on)

    @classmethod
    def new_referral(cls, received_on: date, child: ChildDetails) -> CaseState:
        return cls(Pathway.CONNECTED_PERSON, Stage.REFERRAL, stage_since=received_on,
                   referral_received_on=received_on, child=child)

    @property
    def reg24_start(self) -> date | None:
        """When temporary approval starts to count: the approval, or the child's placement
        under it if that came later."""
        if self.reg24_approved_on is None:
            return None
        placed = self.child.placed_on if self.child else None
        return max(self.reg24_approved_on, placed) if placed else self.reg24_approved_on

    def updated(self, record: TransitionRecord) -> CaseState:
        """This case with a transition's changes applied."""
        return dataclasses.replace(self, **record.changes)


@dataclass(frozen=True)
class TransitionFacts:
    by: str  # who is making the change (user name or id)
    on: date  # the date it happened (may be earlier than today, never later)
    today: date
    reason: str = ""
    at: datetime | None = None  # when it was recorded, for the audit trail
    # Stage 1 and checks, from the checks table
    stage1_items_complete: bool = False
    stage1_outstanding: tuple[str, ...] = ()  # names, for the refusal message
    outstanding_checks: tuple[str, ...] = ()  # required checks not yet received
    actor_is_manager: bool = False
    override_reason: str = ""  # a manager booking panel despite outstanding checks
    # panel and decision
    panel_date: date | None = None
    recommendation: Recommendation | None = None
    brief_report_comments_received: bool = False
    qd_response_received: bool = False
    qd_review_concluded: bool = False
    # the applicant's response to a qualifying determination, from the panel's records
    representations_on: date | None = None  # written representations received
    irm_applied_on: date | None = None  # applied to the Independent Review Mechanism
    irm_recommended_on: date | None = None  # the IRM panel's recommendation
    # withdrawal
    withdrawal_code: str | None = None
    # connected person
    household_assessed: bool = False  # carer, home and all adults 18+ against CPPCR Sch 4
    reg24_outstanding: tuple[str, ...] = ()  # connected-person checks not yet received
    extension_weeks: int | None = None
    placement_reconsidered: bool = False  # reg 25 conditions for an extension
    panel_views_sought: bool = False
    iro_informed: bool = False
    # The nominated officer's name and the day they approved (reg 24 approval, reg 25
    # extension), and the day the child was placed (reg 24).
    nominated_officer: str = ""
    nominated_officer_on: date | None = None
    placed_on: date | None = None


@dataclass(frozen=True)
class TransitionRecord:
    """What the app persists for every change: who, when, why, and what changed."""

    action: str
    label: str
    pathway: Pathway
    from_stage: Stage
    to_stage: Stage  # the same as from_stage for a milestone within a stage
    on: date
    by: str
    reason: str
    at: datetime | None = None
    details: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    changes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def summary(self) -> str:
        """One line for the case history."""
        line = f"{self.label} by {self.by} on {fmt_day(self.on)}"
        if "withdrawal_code" in self.details:
            line += f" ({self.details['withdrawal_code']}: {self.details['withdrawal_label']})"
        return f"{line}: {self.reason}" if self.reason else line
