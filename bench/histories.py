"""Synthetic case histories, each walked through the real pipeline state machine.

Every stage change and milestone goes through ``carers.pipeline.apply_transition`` (dated in
the past, with ``today`` set to the day it happened), so the dates on a household row obey
the same guards as a caseworker's changes. A few fields that no transition sets (the last
Stage 1 item, panel papers sent, brief report comments, first review) are set directly.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from carers.clocks.workdays import add_working_days
from carers.pipeline import (
    WITHDRAWAL_REASONS,
    Action,
    CaseState,
    ChildDetails,
    Pathway,
    Recommendation,
    Stage,
    TransitionFacts,
    TransitionRecord,
    apply_transition,
)

S, A = Stage, Action
M, C = Pathway.MAINSTREAM, Pathway.CONNECTED_PERSON

# Where households are now, in per cent of their pathway. Most are early on or closed
# before applying; few reach panel.
MIX: dict[Pathway, dict[Stage, float]] = {
    M: {
        S.ENQUIRY: 12, S.INITIAL_CONTACT: 9, S.INITIAL_VISIT: 7, S.APPLICATION_RECEIVED: 4,
        S.STAGE1: 7, S.STAGE2: 7, S.READY_FOR_PANEL: 1.5, S.PANEL_RECOMMENDED: 0.7,
        S.AGENCY_DECISION: 0.8, S.APPROVED: 9, S.CLOSED_BEFORE_APPLICATION: 30,
        S.WITHDRAWN: 10, S.NOT_SUITABLE_STAGE1: 1.5, S.NOT_APPROVED: 0.5,
    },
    C: {
        S.REFERRAL: 10, S.VIABILITY_ASSESSMENT: 14, S.REG24_TEMPORARY_APPROVAL: 6,
        S.FULL_ASSESSMENT: 14, S.READY_FOR_PANEL: 3, S.PANEL_RECOMMENDED: 1.5,
        S.AGENCY_DECISION: 1.5, S.APPROVED: 18, S.CLOSED_BEFORE_APPLICATION: 18,
        S.WITHDRAWN: 12, S.NOT_APPROVED: 2,
    },
}

# The stage a closed case was in when it closed.
CLOSED_FROM: dict[tuple[Pathway, Stage], dict[Stage, float]] = {
    (M, S.CLOSED_BEFORE_APPLICATION): {S.ENQUIRY: 3, S.INITIAL_CONTACT: 4, S.INITIAL_VISIT: 3},
    (M, S.WITHDRAWN): {S.APPLICATION_RECEIVED: 15, S.STAGE1: 35, S.STAGE2: 35,
                       S.READY_FOR_PANEL: 5, S.PANEL_RECOMMENDED: 4, S.AGENCY_DECISION: 6},
    (C, S.CLOSED_BEFORE_APPLICATION): {S.REFERRAL: 4, S.VIABILITY_ASSESSMENT: 6},
    (C, S.WITHDRAWN): {S.REG24_TEMPORARY_APPROVAL: 25, S.FULL_ASSESSMENT: 55,
                       S.READY_FOR_PANEL: 8, S.PANEL_RECOMMENDED: 5, S.AGENCY_DECISION: 7},
}

# Mean days a case has been in its current (open) stage.
MEAN_AGE = {
    S.ENQUIRY: 2, S.INITIAL_CONTACT: 8, S.INITIAL_VISIT: 20, S.APPLICATION_RECEIVED: 10,
    S.STAGE1: 45, S.STAGE2: 70, S.READY_FOR_PANEL: 15, S.PANEL_RECOMMENDED: 6,
    S.AGENCY_DECISION: 5, S.REFERRAL: 4, S.VIABILITY_ASSESSMENT: 15,
    S.REG24_TEMPORARY_APPROVAL: 5, S.FULL_ASSESSMENT: 45,
}
OLDEST_DAYS = 1100  # approvals and closures spread over about three years

SPINE = {
    M: (S.ENQUIRY, S.INITIAL_CONTACT, S.INITIAL_VISIT, S.APPLICATION_RECEIVED, S.STAGE1,
        S.STAGE2, S.READY_FOR_PANEL, S.PANEL_RECOMMENDED, S.AGENCY_DECISION, S.APPROVED),
    C: (S.REFERRAL, S.VIABILITY_ASSESSMENT, S.REG24_TEMPORARY_APPROVAL, S.FULL_ASSESSMENT,
        S.READY_FOR_PANEL, S.PANEL_RECOMMENDED, S.AGENCY_DECISION, S.APPROVED),
}

REASONS = {
    A.CLOSE_BEFORE_APPLICATION: [
        "Decided fostering is not right for them at the moment.",
        "No spare bedroom yet; they will get back in touch after moving.",
        "No reply after three attempts to contact them.",
        "Viability assessment negative: the home cannot meet the child's needs.",
        "The child's plan changed; a family placement is no longer needed.",
    ],
    A.WITHDRAW: [
        "The applicants withdrew after Stage 1 training.",
        "A change in the family's circumstances; they may reapply next year.",
        "Withdrew for financial reasons.",
        "The assessment was not what they expected.",
    ],
    A.STAGE1_UNSUITABLE: [
        "Local authority check raised concerns that cannot be mitigated.",
        "References did not support the application.",
    ],
    A.SHARE_BRIEF_REPORT: ["Significant concerns from the home study; brief report to panel."],
    A.EXTEND_REG24: ["The full assessment will not finish in time; panel views sought."],
    A.END_REG24: ["The child moved to another placement.", "Placement ended after closure."],
    A.ISSUE_QD: ["Panel recommended not suitable; decision maker minded to agree."],
    A.NOT_APPROVE: ["No representations received within 28 days."],
}


@dataclass
class Step:
    """One dated change: a pipeline action, or a field no transition sets."""

    gap: int  # days after the previous step
    action: Action | None = None
    field_name: str = ""
    options: dict = field(default_factory=dict)


@dataclass
class History:
    state: CaseState
    created_on: date
    records: list[TransitionRecord]
    # index into ``records`` of the first change made by the assessing worker
    assessment_from: int | None


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _age(rng: random.Random, stage: Stage) -> int:
    mean = MEAN_AGE[stage]
    return min(int(rng.expovariate(1 / mean)), mean * 4)


def _spine_steps(rng: random.Random, pathway: Pathway, upto: Stage,
                 recommendation: Recommendation) -> list[Step]:
    """The changes that take a new case to ``upto`` (inclusive of entering it)."""
    order = SPINE[pathway]
    reach = order.index(upto)

    def beyond(stage: Stage) -> bool:
        return reach >= order.index(stage)

    steps: list[Step] = []
    if pathway is M:
        if beyond(S.INITIAL_CONTACT):
            steps.append(Step(rng.choice([0, 0, 1, 1, 1, 2, 3, 5]), A.RECORD_FIRST_CONTACT))
        skip_visit = reach > order.index(S.INITIAL_VISIT) and rng.random() < 0.1
        if beyond(S.INITIAL_VISIT) and not skip_visit:
            steps.append(Step(rng.randint(2, 21), A.RECORD_INITIAL_VISIT))
        if beyond(S.APPLICATION_RECEIVED):
            steps.append(Step(rng.randint(7, 60), A.RECEIVE_APPLICATION))
        if beyond(S.STAGE1):
            steps.append(Step(rng.randint(1, 14), A.START_STAGE1))
        if beyond(S.STAGE2):
            if rng.random() < 0.5:
                steps.append(Step(rng.randint(10, 40), A.START_STAGE2))
            steps.append(Step(rng.randint(20, 70), field_name="stage1_last_item_on"))
            steps.append(Step(rng.randint(1, 12), A.COMPLETE_STAGE1))
    else:
        if beyond(S.VIABILITY_ASSESSMENT):
            steps.append(Step(rng.randint(1, 10), A.START_VIABILITY))
        via_reg24 = upto is S.REG24_TEMPORARY_APPROVAL or (
            reach > order.index(S.REG24_TEMPORARY_APPROVAL) and rng.random() < 0.55)
        if via_reg24:
            steps.append(Step(rng.randint(1, 21), A.GRANT_REG24))
        if beyond(S.FULL_ASSESSMENT):
            gap = rng.randint(0, 7) if via_reg24 else rng.randint(10, 45)
            steps.append(Step(gap, A.START_FULL_ASSESSMENT))
    if beyond(S.READY_FOR_PANEL):
        if rng.random() < 0.05:
            steps.append(Step(rng.randint(40, 120), A.SHARE_BRIEF_REPORT))
            steps.append(Step(rng.randint(10, 20), field_name="brief_report_comments_on"))
        else:
            low, high = (60, 160) if pathway is M else (50, 100)
            steps.append(Step(rng.randint(low, high), A.COMPLETE_ASSESSMENT))
        panel_gap = rng.randint(21, 60)
        steps.append(Step(rng.randint(1, 25), A.BOOK_PANEL, options={"panel_gap": panel_gap}))
        if beyond(S.PANEL_RECOMMENDED):
            steps.append(Step(panel_gap, A.RECORD_RECOMMENDATION,
                              options={"recommendation": recommendation}))
        if beyond(S.AGENCY_DECISION):
            steps.append(Step(rng.randint(2, 20), A.REFER_TO_DECISION_MAKER))
        if beyond(S.APPROVED):
            steps.append(Step(rng.randint(1, 12), A.APPROVE))
    return steps


def plan(rng: random.Random, pathway: Pathway, target: Stage) -> tuple[list[Step], Stage]:
    """The dated steps to reach ``target``, and the open stage the case was last in."""
    recommendation = Recommendation.SUITABLE
    if target in (S.CLOSED_BEFORE_APPLICATION, S.WITHDRAWN):
        before = pick(rng, CLOSED_FROM[(pathway, target)])
        steps = _spine_steps(rng, pathway, before, recommendation)
        if before is S.STAGE1 and rng.random() < 0.4:
            steps.append(Step(rng.randint(10, 40), A.START_STAGE2))
        action = A.WITHDRAW if target is S.WITHDRAWN else A.CLOSE_BEFORE_APPLICATION
        steps.append(Step(rng.randint(3, 120), action))
        return steps, before
    if target is S.NOT_SUITABLE_STAGE1:
        steps = _spine_steps(rng, pathway, S.STAGE1, recommendation)
        steps.append(Step(rng.randint(20, 80), field_name="stage1_last_item_on"))
        steps.append(Step(rng.randint(1, 7), A.STAGE1_UNSUITABLE))
        return steps, S.STAGE1
    if target is S.NOT_APPROVED:
        steps = _spine_steps(rng, pathway, S.AGENCY_DECISION, Recommendation.NOT_SUITABLE)
        steps.append(Step(rng.randint(1, 7), A.ISSUE_QD))
        steps.append(Step(rng.randint(29, 60), A.NOT_APPROVE))
        return steps, S.AGENCY_DECISION
    if target is S.AGENCY_DECISION and rng.random() < 0.1:
        recommendation = Recommendation.NOT_SUITABLE
    return _spine_steps(rng, pathway, target, recommendation), target


def _facts(step: Step, on: date, by: str, rng: random.Random) -> TransitionFacts:
    action = step.action
    panel_gap = step.options.get("panel_gap")
    return TransitionFacts(
        by=by, on=on, today=on,
        reason=rng.choice(REASONS[action]) if action in REASONS else "",
        stage1_items_complete=True,
        panel_date=on + timedelta(days=panel_gap) if panel_gap else None,
        recommendation=step.options.get("recommendation"),
        withdrawal_code=rng.choice(list(WITHDRAWAL_REASONS)) if action is A.WITHDRAW else None,
        household_assessed=True,
        extension_weeks=step.options.get("extension_weeks"),
        placement_reconsidered=True, panel_views_sought=True, iro_informed=True,
        # Temporary approval and its extension: the nominated officer approves that day, and
        # the child is placed the day approval is granted.
        nominated_officer="Nominated Officer", nominated_officer_on=on, placed_on=on,
        actor_is_manager=True,
    )


ASSESSMENT_STARTS = {A.START_STAGE1, A.START_VIABILITY}


class Walker:
    """Applies steps to a case, keeping the transition records."""

    def __init__(self, state: CaseState, rng: random.Random, names: dict[str, str]):
        self.state = state
        self.rng = rng
        self.names = names  # "early" and "assessor" worker names, "manager"
        self.records: list[TransitionRecord] = []
        self.assessment_from: int | None = None

    def apply(self, step: Step, on: date) -> None:
        if step.action is None:
            self.state = dataclasses.replace(self.state, **{step.field_name: on})
            return
        if step.action in ASSESSMENT_STARTS:
            self.assessment_from = len(self.records)
        by = self.names["early"] if self.assessment_from is None else self.names["assessor"]
        if step.action in (A.APPROVE, A.NOT_APPROVE, A.ISSUE_QD):
            by = self.names["manager"]
        record = apply_transition(self.state, step.action, _facts(step, on, by, self.rng))
        self.state = self.state.updated(record)
        self.records.append(record)


def child_details(rng: random.Random, child_name: str, today: date) -> ChildDetails:
    born = today - timedelta(days=rng.randint(30, 16 * 365))
    relationship = rng.choice(["Grandmother", "Grandfather", "Maternal aunt", "Paternal aunt",
                               "Uncle", "Older sibling", "Family friend", "Cousin"])
    return ChildDetails(name=child_name, date_of_birth=born,
                        la_reference=f"LA-{rng.randint(100000, 999999)}",
                        relationship=relationship)


def walk(rng: random.Random, pathway: Pathway, target: Stage, today: date,
         names: dict[str, str], child: ChildDetails | None) -> History:
    steps, last_open = plan(rng, pathway, target)
    closed_or_done = target.is_closed or target is S.APPROVED
    age = rng.randint(0, OLDEST_DAYS) if closed_or_done else _age(rng, target)
    end_on = today - timedelta(days=age)
    created_on = end_on - timedelta(days=sum(s.gap for s in steps))
    if pathway is M:
        state = CaseState.new_enquiry(created_on)
    else:
        # The child's date of birth must not be after the referral.
        if child is not None and child.date_of_birth and child.date_of_birth > created_on:
            child = dataclasses.replace(child, date_of_birth=created_on - timedelta(days=30))
        state = CaseState.new_referral(created_on, child or ChildDetails())
    walker = Walker(state, rng, names)
    on = created_on
    for step in steps:
        on += timedelta(days=step.gap)
        walker.apply(step, on)
    if not closed_or_done:
        _in_stage_milestones(walker, target, end_on, today)
    _after(walker, target, today)
    return History(walker.state, created_on, walker.records, walker.assessment_from)


def between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _in_stage_milestones(walker: Walker, stage: Stage, since: date, today: date) -> None:
    """Things recorded while a case sits in its current stage."""
    rng, state = walker.rng, walker.state
    days = (today - since).days
    pending: list[tuple[date, Step]] = []
    if stage is S.STAGE1:
        if rng.random() < 0.55:
            last_item = today - timedelta(days=min(days, rng.randint(0, 20)))
            pending.append((last_item, Step(0, field_name="stage1_last_item_on")))
        if rng.random() < 0.4:
            pending.append((between(rng, since, today), Step(0, A.START_STAGE2)))
    elif stage in (S.STAGE2, S.FULL_ASSESSMENT) and days > 30 and rng.random() < 0.3:
        pending.append((since + timedelta(days=rng.randint(30, days)),
                        Step(0, A.COMPLETE_ASSESSMENT)))
    if stage is S.FULL_ASSESSMENT and state.reg24_approved_on and rng.random() < 0.5:
        lapses = state.reg24_approved_on + timedelta(weeks=16)
        extend_on = lapses - timedelta(days=rng.randint(1, 14))
        if since <= extend_on <= today:
            pending.append((extend_on, Step(0, A.EXTEND_REG24,
                                            options={"extension_weeks": rng.randint(4, 8)})))
    if stage is S.AGENCY_DECISION and state.recommendation is Recommendation.NOT_SUITABLE:
        qd_on = since + timedelta(days=rng.randint(1, 5))
        if qd_on <= today:
            pending.append((qd_on, Step(0, A.ISSUE_QD)))
    for on, step in sorted(pending, key=lambda p: p[0]):
        walker.apply(step, on)


def _after(walker: Walker, target: Stage, today: date) -> None:
    """Fields that no transition sets, and a temporary placement ending after closure."""
    rng, state = walker.rng, walker.state
    if state.panel_date and state.panel_papers_sent_on is None and rng.random() < 0.92:
        sent = add_working_days(state.panel_date, -rng.randint(5, 7))
        if sent <= min(today, state.closed_on or today):
            walker.state = state = dataclasses.replace(state, panel_papers_sent_on=sent)
    if target is S.APPROVED and state.decided_on:
        review = state.decided_on + timedelta(days=rng.randint(300, 365))
        if review <= today and rng.random() < 0.85:
            walker.state = state = dataclasses.replace(state, first_review_on=review)
    if (target.is_closed and state.reg24_approved_on and not state.reg24_ended_on
            and rng.random() < 0.9):
        ended = state.closed_on + timedelta(days=rng.randint(0, 14))
        if ended <= today:
            walker.apply(Step(0, A.END_REG24), ended)
