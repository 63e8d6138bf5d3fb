"""The two assessment pathways as a state machine: plain Python, no Flask or database.

Typical use from the web layer::

    case = CaseState(...)                       # built from the case row
    for t in allowed_transitions(case): ...     # buttons to offer
    reasons = check_transition(case, Action.BOOK_PANEL, facts)   # [] means allowed
    record = apply_transition(case, Action.BOOK_PANEL, facts)    # raises TransitionRefused
    save(record.changes); audit(record)
"""

from carers.pipeline.actions import TRANSITIONS, Action, Transition
from carers.pipeline.machine import (
    TransitionRefused,
    allowed_transitions,
    apply_transition,
    check_transition,
    find_transition,
)
from carers.pipeline.next_steps import case_clocks, next_actions, stage_summary
from carers.pipeline.stages import (
    ASSESSMENT_STAGES,
    CLOSED_STAGES,
    PATHWAY_STAGES,
    PRE_APPLICATION_STAGES,
    WITHDRAWAL_REASONS,
    Pathway,
    Recommendation,
    Stage,
)
from carers.pipeline.state import CaseState, ChildDetails, TransitionFacts, TransitionRecord

__all__ = [
    "ASSESSMENT_STAGES",
    "CLOSED_STAGES",
    "PATHWAY_STAGES",
    "PRE_APPLICATION_STAGES",
    "TRANSITIONS",
    "WITHDRAWAL_REASONS",
    "Action",
    "CaseState",
    "ChildDetails",
    "Pathway",
    "Recommendation",
    "Stage",
    "Transition",
    "TransitionFacts",
    "TransitionRecord",
    "TransitionRefused",
    "allowed_transitions",
    "apply_transition",
    "case_clocks",
    "check_transition",
    "find_transition",
    "next_actions",
    "stage_summary",
]
