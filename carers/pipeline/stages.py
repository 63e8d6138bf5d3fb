"""Pathways, stages and the fixed vocabularies (withdrawal codes, panel recommendations).

One ``Stage`` enum serves both pathways so a case row needs a single ``stage`` column;
``PATHWAY_STAGES`` says which stages each pathway uses, in order.

Stage 1 and Stage 2 (mainstream). Stage 2 may run alongside Stage 1 (docs/domain.md section 1),
but the Stage 1 decision is a real event: once the last Stage 1 item is in, the manager has
10 working days to give notice of unsuitability, and after that the case is in Stage 2. So
the case's *stage* follows the Stage 1 decision, and parallel Stage 2 work is recorded as a
date on the case rather than a stage:

- ``STAGE1`` = Stage 1 open. Stage 2 work may have started too (``stage2_started_on`` set);
  caseworkers see "Stage 1 (Stage 2 started ...)". Only here can a Stage 1 notice be given.
- ``STAGE2`` = Stage 1 decided "continue"; the home study and training carry on.
- ``ASSESSMENT_STAGES`` groups both (and the connected-person full assessment) for lists and
  reports that just want "in assessment".
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ASSESSMENT_STAGES",
    "CLOSED_STAGES",
    "PATHWAY_STAGES",
    "PRE_APPLICATION_STAGES",
    "WITHDRAWAL_REASONS",
    "Pathway",
    "Recommendation",
    "Stage",
]


class Pathway(StrEnum):
    MAINSTREAM = "mainstream"
    CONNECTED_PERSON = "connected_person"

    @property
    def label(self) -> str:
        return {"mainstream": "Mainstream fostering",
                "connected_person": "Connected person (kinship)"}[self.value]


class Stage(StrEnum):
    # mainstream front door
    ENQUIRY = "enquiry"
    INITIAL_CONTACT = "initial_contact"
    INITIAL_VISIT = "initial_visit"
    APPLICATION_RECEIVED = "application_received"
    STAGE1 = "stage1"
    STAGE2 = "stage2"
    # connected person
    REFERRAL = "referral"
    VIABILITY_ASSESSMENT = "viability_assessment"
    REG24_TEMPORARY_APPROVAL = "reg24_temporary_approval"
    FULL_ASSESSMENT = "full_assessment"
    # both
    READY_FOR_PANEL = "ready_for_panel"
    PANEL_RECOMMENDED = "panel_recommended"
    AGENCY_DECISION = "agency_decision"
    APPROVED = "approved"
    # closed outcomes
    WITHDRAWN = "withdrawn"
    NOT_SUITABLE_STAGE1 = "not_suitable_stage1"
    NOT_APPROVED = "not_approved"
    CLOSED_BEFORE_APPLICATION = "closed_before_application"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def is_closed(self) -> bool:
        """Ended without approval."""
        return self in CLOSED_STAGES

    @property
    def is_open(self) -> bool:
        """Still being worked on: neither approved nor closed."""
        return self is not Stage.APPROVED and self not in CLOSED_STAGES


_STAGE_LABELS = {
    Stage.ENQUIRY: "Enquiry",
    Stage.INITIAL_CONTACT: "Initial contact",
    Stage.INITIAL_VISIT: "Initial visit",
    Stage.APPLICATION_RECEIVED: "Application received",
    Stage.STAGE1: "Stage 1: checks and references",
    Stage.STAGE2: "Stage 2: assessment and training",
    Stage.REFERRAL: "Referral",
    Stage.VIABILITY_ASSESSMENT: "Viability assessment",
    Stage.REG24_TEMPORARY_APPROVAL: "Temporary approval (regulation 24)",
    Stage.FULL_ASSESSMENT: "Full assessment",
    Stage.READY_FOR_PANEL: "Ready for panel",
    Stage.PANEL_RECOMMENDED: "Panel recommendation made",
    Stage.AGENCY_DECISION: "With the agency decision maker",
    Stage.APPROVED: "Approved",
    Stage.WITHDRAWN: "Withdrawn",
    Stage.NOT_SUITABLE_STAGE1: "Not suitable at Stage 1",
    Stage.NOT_APPROVED: "Not approved",
    Stage.CLOSED_BEFORE_APPLICATION: "Closed before application",
}

CLOSED_STAGES = frozenset({Stage.WITHDRAWN, Stage.NOT_SUITABLE_STAGE1, Stage.NOT_APPROVED,
                           Stage.CLOSED_BEFORE_APPLICATION})

PATHWAY_STAGES: dict[Pathway, tuple[Stage, ...]] = {
    Pathway.MAINSTREAM: (
        Stage.ENQUIRY, Stage.INITIAL_CONTACT, Stage.INITIAL_VISIT, Stage.APPLICATION_RECEIVED,
        Stage.STAGE1, Stage.STAGE2, Stage.READY_FOR_PANEL, Stage.PANEL_RECOMMENDED,
        Stage.AGENCY_DECISION, Stage.APPROVED,
    ),
    Pathway.CONNECTED_PERSON: (
        Stage.REFERRAL, Stage.VIABILITY_ASSESSMENT, Stage.REG24_TEMPORARY_APPROVAL,
        Stage.FULL_ASSESSMENT, Stage.READY_FOR_PANEL, Stage.PANEL_RECOMMENDED,
        Stage.AGENCY_DECISION, Stage.APPROVED,
    ),
}

ASSESSMENT_STAGES = frozenset({Stage.STAGE1, Stage.STAGE2, Stage.FULL_ASSESSMENT})

# Before a formal application. For connected persons the full assessment is treated as the
# application (some councils do the same, docs/domain.md section 2), so a negative viability
# assessment closes the case "before application".
PRE_APPLICATION_STAGES = frozenset({Stage.ENQUIRY, Stage.INITIAL_CONTACT, Stage.INITIAL_VISIT,
                                    Stage.REFERRAL, Stage.VIABILITY_ASSESSMENT})

# Ofsted fostering data return, reasons for withdrawing before panel (from 2023-24).
WITHDRAWAL_REASONS: dict[str, str] = {
    "AW1": "Fostering not as expected",
    "AW2": "Assessment not as expected",
    "AW3": "Household circumstances changed (non-financial)",
    "AW4": "Financial",
    "AW5": "Worried about allegations",
    "AW0": "Other/unknown",
}


class Recommendation(StrEnum):
    SUITABLE = "suitable"
    NOT_SUITABLE = "not_suitable"

    @property
    def label(self) -> str:
        return {"suitable": "Suitable to foster",
                "not_suitable": "Not suitable to foster"}[self.value]
