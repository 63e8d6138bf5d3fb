"""The assessment pathways: every transition allowed and refused, on both pathways."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from carers.pipeline import (
    CLOSED_STAGES,
    PATHWAY_STAGES,
    TRANSITIONS,
    WITHDRAWAL_REASONS,
    Action,
    CaseState,
    ChildDetails,
    Pathway,
    Recommendation,
    Stage,
    TransitionFacts,
    TransitionRefused,
    allowed_transitions,
    apply_transition,
    case_clocks,
    check_transition,
    next_actions,
    stage_summary,
)

D = date
A, S = Action, Stage
M, C = Pathway.MAINSTREAM, Pathway.CONNECTED_PERSON
TODAY = D(2027, 6, 1)  # Tue; Mon 31 May 2027 is the spring bank holiday
ENQUIRED = D(2027, 1, 4)
APPLIED = D(2027, 2, 1)
REG24_ON = D(2027, 3, 1)  # temporary approval lapses Mon 21 Jun 2027
CHILD = ChildDetails("Amy Smith", D(2019, 5, 2), "LA-12345", "Maternal grandmother")
FRONT_DOOR = {S.ENQUIRY, S.INITIAL_CONTACT, S.INITIAL_VISIT}


def facts(on: date = TODAY, **kw: object) -> TransitionFacts:
    kw.setdefault("by", "Sam Jones")
    return TransitionFacts(on=on, today=TODAY, **kw)  # type: ignore[arg-type]


def mainstream(stage: Stage, **kw: object) -> CaseState:
    base: dict[str, object] = {"stage_since": ENQUIRED, "enquiry_received_on": ENQUIRED}
    if stage not in FRONT_DOOR:
        base |= {"stage_since": APPLIED, "application_received_on": APPLIED}
    if stage is S.STAGE2:
        base |= {"stage2_started_on": D(2027, 3, 1), "stage1_completed_on": D(2027, 4, 1)}
    return CaseState(M, stage, **(base | kw))  # type: ignore[arg-type]


def kinship(stage: Stage, **kw: object) -> CaseState:
    base: dict[str, object] = {"stage_since": ENQUIRED, "referral_received_on": ENQUIRED,
                               "child": CHILD}
    if stage is S.REG24_TEMPORARY_APPROVAL:
        base |= {"reg24_approved_on": REG24_ON, "stage_since": REG24_ON}
    return CaseState(C, stage, **(base | kw))  # type: ignore[arg-type]


OFFICER = {"nominated_officer": "Jo Patel", "nominated_officer_on": D(2027, 5, 20)}
REG25_DONE = {"placement_reconsidered": True, "panel_views_sought": True,
              "iro_informed": True, **OFFICER}
REG24_DONE = {"household_assessed": True, "placed_on": TODAY, **OFFICER}


# --- the shape of the machine ---

def test_every_transition_stays_within_its_pathway() -> None:
    for t in TRANSITIONS:
        reachable = set(CLOSED_STAGES)
        for pathway in t.pathways:
            stages = set(PATHWAY_STAGES[pathway]) | CLOSED_STAGES
            reachable |= stages
            assert t.from_stages & stages, (t.action, pathway)
            assert t.to_stage is None or t.to_stage in stages, (t.action, pathway)
        assert t.from_stages <= reachable, t.action


def test_labels() -> None:
    assert S.STAGE1.label == "Stage 1: checks and references"
    assert S.REG24_TEMPORARY_APPROVAL.label == "Temporary approval (regulation 24)"
    assert M.label == "Mainstream fostering" and C.label == "Connected person (kinship)"
    assert Recommendation.SUITABLE.label == "Suitable to foster"
    assert all(stage.label for stage in Stage)
    assert WITHDRAWAL_REASONS["AW4"] == "Financial"
    assert sorted(WITHDRAWAL_REASONS) == ["AW0", "AW1", "AW2", "AW3", "AW4", "AW5"]
    assert S.WITHDRAWN.is_closed and not S.APPROVED.is_open and S.STAGE1.is_open


ALLOWED = [
    (mainstream(S.ENQUIRY), {A.RECORD_FIRST_CONTACT, A.CLOSE_BEFORE_APPLICATION}),
    (mainstream(S.INITIAL_CONTACT), {A.RECORD_INITIAL_VISIT, A.RECEIVE_APPLICATION,
                                     A.CLOSE_BEFORE_APPLICATION}),
    (mainstream(S.INITIAL_VISIT), {A.RECEIVE_APPLICATION, A.CLOSE_BEFORE_APPLICATION}),
    (mainstream(S.APPLICATION_RECEIVED), {A.START_STAGE1, A.WITHDRAW}),
    (mainstream(S.STAGE1), {A.START_STAGE2, A.COMPLETE_STAGE1, A.WITHDRAW,
                            A.STAGE1_UNSUITABLE}),
    (mainstream(S.STAGE1, stage2_started_on=D(2027, 3, 1)),
     {A.COMPLETE_STAGE1, A.COMPLETE_ASSESSMENT, A.WITHDRAW, A.STAGE1_UNSUITABLE}),
    (mainstream(S.STAGE2), {A.COMPLETE_ASSESSMENT, A.SHARE_BRIEF_REPORT, A.BOOK_PANEL,
                            A.WITHDRAW}),
    (mainstream(S.STAGE2, assessment_completed_on=D(2027, 5, 1)),
     {A.SHARE_BRIEF_REPORT, A.BOOK_PANEL, A.WITHDRAW}),
    (mainstream(S.READY_FOR_PANEL), {A.DEFER_PANEL, A.RECORD_RECOMMENDATION, A.WITHDRAW}),
    (mainstream(S.PANEL_RECOMMENDED), {A.REFER_TO_DECISION_MAKER, A.WITHDRAW}),
    (mainstream(S.AGENCY_DECISION), {A.ISSUE_QD, A.APPROVE, A.NOT_APPROVE, A.WITHDRAW}),
    (mainstream(S.AGENCY_DECISION, qd_issued_on=D(2027, 4, 1)),
     {A.APPROVE, A.NOT_APPROVE, A.REFER_BACK_TO_PANEL, A.WITHDRAW}),
    (mainstream(S.APPROVED), set()),
    *[(mainstream(stage), set()) for stage in sorted(CLOSED_STAGES - {S.WITHDRAWN})],
    (mainstream(S.WITHDRAWN), {A.REOPEN}),
    (kinship(S.REFERRAL), {A.START_VIABILITY, A.CLOSE_BEFORE_APPLICATION}),
    (kinship(S.VIABILITY_ASSESSMENT), {A.GRANT_REG24, A.START_FULL_ASSESSMENT,
                                       A.CLOSE_BEFORE_APPLICATION}),
    (kinship(S.REG24_TEMPORARY_APPROVAL), {A.START_FULL_ASSESSMENT, A.EXTEND_REG24,
                                           A.END_REG24, A.WITHDRAW}),
    (kinship(S.FULL_ASSESSMENT), {A.COMPLETE_ASSESSMENT, A.SHARE_BRIEF_REPORT, A.BOOK_PANEL,
                                  A.WITHDRAW}),
    (kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON),
     {A.COMPLETE_ASSESSMENT, A.SHARE_BRIEF_REPORT, A.BOOK_PANEL, A.WITHDRAW, A.EXTEND_REG24,
      A.END_REG24}),
    (kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON, reg24_extension_weeks=4),
     {A.COMPLETE_ASSESSMENT, A.SHARE_BRIEF_REPORT, A.BOOK_PANEL, A.WITHDRAW, A.END_REG24}),
    (kinship(S.READY_FOR_PANEL), {A.DEFER_PANEL, A.RECORD_RECOMMENDATION, A.WITHDRAW}),
    (kinship(S.PANEL_RECOMMENDED), {A.REFER_TO_DECISION_MAKER, A.WITHDRAW}),
    (kinship(S.AGENCY_DECISION), {A.ISSUE_QD, A.APPROVE, A.NOT_APPROVE, A.WITHDRAW}),
    (kinship(S.APPROVED, reg24_approved_on=REG24_ON, reg24_ended_on=D(2027, 5, 1)), set()),
    (kinship(S.WITHDRAWN), {A.REOPEN}),
    (kinship(S.WITHDRAWN, reg24_approved_on=REG24_ON), {A.END_REG24, A.REOPEN}),
    (kinship(S.NOT_APPROVED, reg24_approved_on=REG24_ON), {A.END_REG24}),
]


@pytest.mark.parametrize(("case", "expected"), ALLOWED,
                         ids=[f"{c.pathway}-{c.stage}-{i}" for i, (c, _) in enumerate(ALLOWED)])
def test_allowed_transitions(case: CaseState, expected: set[Action]) -> None:
    assert {t.action for t in allowed_transitions(case)} == expected


# --- every transition: one case where it is allowed, one where it is refused and why ---

# (id, case, target, facts that allow it, expected stage afterwards,
#  facts or case that refuse it, words expected in the refusal)
TABLE = [
    ("first contact", mainstream(S.ENQUIRY), A.RECORD_FIRST_CONTACT, facts(D(2027, 1, 5)),
     S.INITIAL_CONTACT, facts(D(2027, 1, 1)), "before the enquiry was received"),
    ("initial visit", mainstream(S.INITIAL_CONTACT), A.RECORD_INITIAL_VISIT, facts(),
     S.INITIAL_VISIT, facts(D(2027, 6, 2)), "is in the future"),
    ("application after contact", mainstream(S.INITIAL_CONTACT), A.RECEIVE_APPLICATION,
     facts(), S.APPLICATION_RECEIVED, facts(by=" "), "Record who"),
    ("application after visit", mainstream(S.INITIAL_VISIT), A.RECEIVE_APPLICATION, facts(),
     S.APPLICATION_RECEIVED, facts(D(2027, 1, 3)), "before the case reached 'Initial visit'"),
    ("start stage 1", mainstream(S.APPLICATION_RECEIVED), A.START_STAGE1, facts(), S.STAGE1,
     facts(D(2027, 1, 31)), "before the case reached"),
    ("stage 2 alongside stage 1", mainstream(S.STAGE1), A.START_STAGE2, facts(), S.STAGE1,
     facts(D(2027, 1, 20)), "Stage 2 cannot start before the application"),
    ("complete stage 1", mainstream(S.STAGE1), A.COMPLETE_STAGE1,
     facts(stage1_items_complete=True), S.STAGE2,
     facts(stage1_outstanding=("Reference 2", "Medical")),
     "every Stage 1 item is received: Reference 2, Medical"),
    ("complete stage 2", mainstream(S.STAGE2), A.COMPLETE_ASSESSMENT, facts(), S.STAGE2,
     facts(D(2027, 1, 20)), "The assessment cannot finish before the application"),
    ("complete stage 2 alongside stage 1", mainstream(S.STAGE1, stage2_started_on=APPLIED),
     A.COMPLETE_ASSESSMENT, facts(), S.STAGE1, facts(D(2027, 7, 1)), "in the future"),
    ("brief report", mainstream(S.STAGE2), A.SHARE_BRIEF_REPORT,
     facts(reason="Concerns about capacity"), S.STAGE2, facts(), "Give a reason"),
    ("book panel", mainstream(S.STAGE2, assessment_completed_on=D(2027, 5, 20)), A.BOOK_PANEL,
     facts(panel_date=D(2027, 6, 17)), S.READY_FOR_PANEL,
     facts(panel_date=D(2027, 6, 17), outstanding_checks=("Enhanced DBS: Jo Smith",)),
     "Required checks are outstanding: Enhanced DBS: Jo Smith. A manager can"),
    ("take off panel list", mainstream(S.READY_FOR_PANEL, panel_date=D(2027, 6, 17)),
     A.DEFER_PANEL, facts(reason="Applicant ill"), S.STAGE2, facts(), "Give a reason"),
    ("recommendation", mainstream(S.READY_FOR_PANEL, panel_date=D(2027, 5, 20)),
     A.RECORD_RECOMMENDATION, facts(D(2027, 5, 20), recommendation=Recommendation.SUITABLE),
     S.PANEL_RECOMMENDED, facts(D(2027, 5, 20)), "Choose the panel's recommendation"),
    ("to decision maker", mainstream(S.PANEL_RECOMMENDED, recommended_on=D(2027, 5, 20)),
     A.REFER_TO_DECISION_MAKER, facts(D(2027, 5, 24)), S.AGENCY_DECISION,
     facts(D(2027, 5, 19)), "before the panel recommendation"),
    ("qualifying determination", mainstream(S.AGENCY_DECISION), A.ISSUE_QD,
     facts(reason="Proposes refusal"), S.AGENCY_DECISION, facts(), "Give a reason"),
    ("approve", mainstream(S.AGENCY_DECISION), A.APPROVE, facts(), S.APPROVED,
     facts(D(2027, 6, 5)), "in the future"),
    ("not approve", mainstream(S.AGENCY_DECISION, qd_issued_on=D(2027, 4, 1)), A.NOT_APPROVE,
     facts(reason="No response to QD"), S.NOT_APPROVED, facts(),
     "Give a reason"),
    ("withdraw", mainstream(S.STAGE2), A.WITHDRAW,
     facts(reason="Moving abroad", withdrawal_code="AW3"), S.WITHDRAWN,
     facts(reason="Moving abroad", withdrawal_code="AW9"), "Choose the Ofsted withdrawal reason"),
    ("stage 1 notice", mainstream(S.STAGE1, stage1_last_item_on=D(2027, 5, 20)),
     A.STAGE1_UNSUITABLE, facts(reason="Disqualifying offence"), S.NOT_SUITABLE_STAGE1,
     facts(), "Give a reason"),
    ("close enquiry", mainstream(S.ENQUIRY), A.CLOSE_BEFORE_APPLICATION,
     facts(reason="No spare bedroom"), S.CLOSED_BEFORE_APPLICATION, facts(), "Give a reason"),
    # connected person
    ("viability", kinship(S.REFERRAL), A.START_VIABILITY, facts(), S.VIABILITY_ASSESSMENT,
     facts(D(2026, 12, 1)), "before the case reached 'Referral'"),
    ("grant reg 24", kinship(S.VIABILITY_ASSESSMENT), A.GRANT_REG24,
     facts(**REG24_DONE), S.REG24_TEMPORARY_APPROVAL, facts(),
     "every adult in the household against CPPCR Schedule 4"),
    ("full assessment after viability", kinship(S.VIABILITY_ASSESSMENT),
     A.START_FULL_ASSESSMENT, facts(), S.FULL_ASSESSMENT, facts(D(2027, 6, 9)), "future"),
    ("full assessment after reg 24", kinship(S.REG24_TEMPORARY_APPROVAL),
     A.START_FULL_ASSESSMENT, facts(REG24_ON), S.FULL_ASSESSMENT, facts(D(2027, 2, 26)),
     "before the case reached 'Temporary approval (regulation 24)'"),
    ("extend reg 24", kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON), A.EXTEND_REG24,
     facts(reason="Assessment delayed", extension_weeks=8, **REG25_DONE), S.FULL_ASSESSMENT,
     facts(reason="Assessment delayed", extension_weeks=9, **REG25_DONE),
     "at most 8 weeks; 9 weeks were given"),
    ("end reg 24 placement", kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON),
     A.END_REG24, facts(reason="Child returned home"), S.FULL_ASSESSMENT,
     facts(D(2027, 2, 1), reason="Child returned home"), "before temporary approval was granted"),
    ("complete form C", kinship(S.FULL_ASSESSMENT), A.COMPLETE_ASSESSMENT, facts(),
     S.FULL_ASSESSMENT, facts(D(2028, 1, 1)), "future"),
    ("kinship brief report", kinship(S.FULL_ASSESSMENT), A.SHARE_BRIEF_REPORT,
     facts(reason="Unlikely to be suitable"), S.FULL_ASSESSMENT, facts(), "Give a reason"),
    ("kinship book panel", kinship(S.FULL_ASSESSMENT, assessment_completed_on=D(2027, 5, 3)),
     A.BOOK_PANEL, facts(panel_date=D(2027, 6, 24)), S.READY_FOR_PANEL, facts(),
     "Enter the panel date"),
    ("kinship take off panel list", kinship(S.READY_FOR_PANEL), A.DEFER_PANEL,
     facts(reason="Awaiting medical"), S.FULL_ASSESSMENT, facts(), "Give a reason"),
    ("kinship recommendation", kinship(S.READY_FOR_PANEL, panel_date=D(2027, 5, 20)),
     A.RECORD_RECOMMENDATION, facts(recommendation=Recommendation.NOT_SUITABLE),
     S.PANEL_RECOMMENDED, facts(D(2027, 5, 19), recommendation=Recommendation.SUITABLE),
     "before the panel meeting"),
    ("kinship to decision maker", kinship(S.PANEL_RECOMMENDED), A.REFER_TO_DECISION_MAKER,
     facts(), S.AGENCY_DECISION, facts(by=""), "Record who"),
    ("kinship qualifying determination", kinship(S.AGENCY_DECISION), A.ISSUE_QD,
     facts(reason="Proposes refusal"), S.AGENCY_DECISION, facts(), "Give a reason"),
    ("kinship approve", kinship(S.AGENCY_DECISION, qd_issued_on=D(2027, 5, 10)), A.APPROVE,
     facts(qd_review_concluded=True), S.APPROVED, facts(),
     "until Mon 7 Jun 2027 to make representations or apply to the IRM"),
    ("kinship not approve", kinship(S.AGENCY_DECISION, qd_issued_on=D(2027, 4, 1)),
     A.NOT_APPROVE, facts(reason="IRM upheld", qd_response_received=True,
                          qd_review_concluded=True), S.NOT_APPROVED,
     facts(reason="IRM upheld", qd_response_received=True),
     "record the outcome of the representations or IRM review first"),
    ("refer back to panel", mainstream(S.AGENCY_DECISION, qd_issued_on=D(2027, 4, 1),
                                       panel_date=D(2027, 3, 18)),
     A.REFER_BACK_TO_PANEL, facts(reason="Representations raise new facts",
                                  representations_on=D(2027, 4, 20)), S.READY_FOR_PANEL,
     facts(reason="New facts", irm_applied_on=D(2027, 4, 20)),
     "wait for the IRM panel's recommendation"),
    ("kinship refer back to panel", kinship(S.AGENCY_DECISION, qd_issued_on=D(2027, 4, 1)),
     A.REFER_BACK_TO_PANEL, facts(reason="IRM found them suitable",
                                  irm_applied_on=D(2027, 4, 20),
                                  irm_recommended_on=D(2027, 5, 28)), S.READY_FOR_PANEL,
     facts(), "Give a reason"),
    ("kinship withdraw", kinship(S.REG24_TEMPORARY_APPROVAL), A.WITHDRAW,
     facts(reason="Child going home", withdrawal_code="AW0"), S.WITHDRAWN,
     facts(reason="Child going home"), "AW0 Other/unknown"),
    ("kinship close before application", kinship(S.VIABILITY_ASSESSMENT),
     A.CLOSE_BEFORE_APPLICATION, facts(reason="Viability assessment negative"),
     S.CLOSED_BEFORE_APPLICATION, facts(), "Give a reason"),
    ("close referral", kinship(S.REFERRAL), A.CLOSE_BEFORE_APPLICATION,
     facts(reason="Carer declined"), S.CLOSED_BEFORE_APPLICATION, facts(reason="  "),
     "Give a reason"),
    ("re-open", mainstream(S.WITHDRAWN, withdrawal_code="AW4", closed_on=APPLIED),
     A.REOPEN, facts(reason="Finances settled", actor_is_manager=True), S.APPLICATION_RECEIVED,
     facts(reason="Finances settled"), "Only a manager can re-open"),
    ("kinship re-open", kinship(S.WITHDRAWN), A.REOPEN,
     facts(reason="Child coming back", actor_is_manager=True), S.FULL_ASSESSMENT,
     facts(actor_is_manager=True), "Give a reason"),
]


@pytest.mark.parametrize(("case", "target", "good", "stage_after"),
                         [row[1:5] for row in TABLE], ids=[row[0] for row in TABLE])
def test_transition_allowed(case: CaseState, target: Action, good: TransitionFacts,
                            stage_after: Stage) -> None:
    assert check_transition(case, target, good) == []
    record = apply_transition(case, target, good)
    assert record.action is target
    assert (record.from_stage, record.to_stage) == (case.stage, stage_after)
    assert (record.by, record.on, record.reason) == (good.by, good.on, good.reason)
    after = case.updated(record)
    assert after.stage is stage_after
    if stage_after is not case.stage:
        assert after.stage_since == good.on


@pytest.mark.parametrize(("case", "target", "bad", "words"),
                         [(row[1], row[2], row[5], row[6]) for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_transition_refused(case: CaseState, target: Action, bad: TransitionFacts,
                            words: str) -> None:
    reasons = check_transition(case, target, bad)
    assert any(words in reason for reason in reasons), reasons
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(case, target, bad)
    assert refused.value.reasons == reasons


def test_table_covers_every_transition() -> None:
    covered = {(row[2], row[1].pathway) for row in TABLE}
    every = {(t.action, p) for t in TRANSITIONS for p in t.pathways}
    assert every == covered


# --- guards in more detail ---

def test_reopening_starts_a_new_application() -> None:
    withdrawn = mainstream(S.WITHDRAWN, withdrawal_code="AW4", closed_on=D(2027, 3, 1),
                           stage1_completed_on=D(2027, 2, 1), recommended_on=D(2027, 2, 20))
    record = apply_transition(withdrawn, A.REOPEN,
                              facts(reason="Finances settled", actor_is_manager=True))
    after = withdrawn.updated(record)
    assert after.application_received_on == TODAY
    assert after.closed_on is None and after.withdrawal_code is None
    assert after.stage1_completed_on is None and after.recommended_on is None


def test_target_may_be_a_stage_or_a_string() -> None:
    case = mainstream(S.ENQUIRY)
    good = facts(D(2027, 1, 5))
    assert check_transition(case, S.INITIAL_CONTACT, good) == []
    assert check_transition(case, "record_first_contact", good) == []
    assert check_transition(case, "initial_contact", good) == []
    assert apply_transition(case, S.INITIAL_CONTACT, good).action is A.RECORD_FIRST_CONTACT
    assert check_transition(case, "fly_to_the_moon", good) == [
        "Unknown action or stage 'fly_to_the_moon'."]


def test_impossible_moves_say_why() -> None:
    assert check_transition(mainstream(S.ENQUIRY), S.APPROVED, facts()) == [
        "'Approved' is not possible from 'Enquiry' on the mainstream fostering pathway."]
    assert check_transition(mainstream(S.ENQUIRY), A.BOOK_PANEL, facts()) == [
        "'book panel' is not possible from 'Enquiry' on the mainstream fostering pathway."]
    closed = check_transition(mainstream(S.WITHDRAWN), A.RECEIVE_APPLICATION, facts())
    assert "The case is closed" in closed[0]
    assert "closed before application" in check_transition(
        mainstream(S.INITIAL_VISIT), A.WITHDRAW, facts(withdrawal_code="AW1", reason="x"))[0]
    assert "closed before application" in check_transition(
        kinship(S.VIABILITY_ASSESSMENT), S.WITHDRAWN, facts())[0]
    assert "record a withdrawal instead" in check_transition(
        mainstream(S.STAGE1), A.CLOSE_BEFORE_APPLICATION, facts(reason="x"))[0]
    assert "only the agency decision maker" in check_transition(
        mainstream(S.STAGE2), A.NOT_APPROVE, facts(reason="x"))[0].lower()


def test_stage1_notice_only_while_stage1_open_and_in_time() -> None:
    assert "only while Stage 1 is open" in check_transition(
        mainstream(S.STAGE2), A.STAGE1_UNSUITABLE, facts(reason="x"))[0]
    assert "mainstream applicants only" in check_transition(
        kinship(S.FULL_ASSESSMENT), A.STAGE1_UNSUITABLE, facts(reason="x"))[0]
    # Last item Sat 1 May 2027: 10 working days, skipping the early May bank holiday.
    late = mainstream(S.STAGE1, stage1_last_item_on=D(2027, 5, 1))
    assert check_transition(late, A.STAGE1_UNSUITABLE, facts(reason="x")) == [
        "A Stage 1 notice had to be given by Mon 17 May 2027 (10 working days after the last "
        "Stage 1 item). The case has moved to Stage 2: take a brief report to panel instead."]
    assert check_transition(late, A.STAGE1_UNSUITABLE, facts(D(2027, 5, 17), reason="x")) == []
    # Stage 2 running alongside does not stop a Stage 1 notice.
    parallel = mainstream(S.STAGE1, stage2_started_on=D(2027, 3, 1))
    assert check_transition(parallel, A.STAGE1_UNSUITABLE, facts(reason="x")) == []


def test_complete_stage1_cannot_predate_the_last_item() -> None:
    case = mainstream(S.STAGE1, stage1_last_item_on=D(2027, 5, 20))
    reasons = check_transition(case, A.COMPLETE_STAGE1,
                               facts(D(2027, 5, 19), stage1_items_complete=True))
    assert reasons == ["The date Wed 19 May 2027 is before the last Stage 1 item arrived on "
                       "Thu 20 May 2027."]


def test_complete_stage1_keeps_an_earlier_stage2_start() -> None:
    case = mainstream(S.STAGE1, stage2_started_on=D(2027, 3, 1))
    record = apply_transition(case, A.COMPLETE_STAGE1, facts(stage1_items_complete=True))
    assert record.changes["stage2_started_on"] == D(2027, 3, 1)
    fresh = apply_transition(mainstream(S.STAGE1), A.COMPLETE_STAGE1,
                             facts(stage1_items_complete=True))
    assert fresh.changes["stage2_started_on"] == TODAY


def test_milestones_cannot_repeat() -> None:
    started = mainstream(S.STAGE1, stage2_started_on=D(2027, 3, 1))
    assert check_transition(started, A.START_STAGE2, facts()) == [
        "Stage 2 already started on Mon 1 Mar 2027."]
    done = mainstream(S.STAGE2, assessment_completed_on=D(2027, 5, 1))
    assert "already completed" in check_transition(done, A.COMPLETE_ASSESSMENT, facts())[0]
    assert "Stage 2 has not started" in check_transition(
        mainstream(S.STAGE1), A.COMPLETE_ASSESSMENT, facts())[0]
    shared = mainstream(S.STAGE2, brief_report_shared_on=D(2027, 5, 1))
    assert "already shared" in check_transition(shared, A.SHARE_BRIEF_REPORT,
                                                facts(reason="x"))[0]
    issued = mainstream(S.AGENCY_DECISION, qd_issued_on=D(2027, 5, 1))
    assert "already issued" in check_transition(issued, A.ISSUE_QD, facts(reason="x"))[0]


class TestBookPanel:
    ready = mainstream(S.STAGE2, assessment_completed_on=D(2027, 5, 20))

    def test_manager_override_with_reason(self) -> None:
        override = facts(panel_date=D(2027, 6, 17), outstanding_checks=("Medical: Jo",),
                         override_reason="Medical adviser has seen GP letter",
                         actor_is_manager=True)
        record = apply_transition(self.ready, A.BOOK_PANEL, override)
        assert record.details["override_reason"] == "Medical adviser has seen GP letter"
        assert record.details["outstanding_checks"] == ("Medical: Jo",)
        assert record.changes["panel_date"] == D(2027, 6, 17)

    def test_override_needs_a_manager(self) -> None:
        not_manager = facts(panel_date=D(2027, 6, 17), outstanding_checks=("Medical: Jo",),
                            override_reason="Fine")
        assert check_transition(self.ready, A.BOOK_PANEL, not_manager) == [
            "Required checks are outstanding: Medical: Jo. Only a manager can override this."]

    def test_panel_too_soon_for_papers(self) -> None:
        # Tue 1 Jun 2027 is today; a panel on Mon 7 Jun needed papers out by Fri 28 May.
        reasons = check_transition(self.ready, A.BOOK_PANEL, facts(panel_date=D(2027, 6, 7)))
        assert reasons == [
            "Panel papers must reach members 5 working days before the meeting (NMS 14.3); "
            "for Mon 7 Jun 2027 that was Fri 28 May 2027. Choose a later panel."]
        assert check_transition(self.ready, A.BOOK_PANEL, facts(panel_date=D(2027, 6, 8))) == []

    def test_needs_assessment_or_brief_report(self) -> None:
        reasons = check_transition(mainstream(S.STAGE2), A.BOOK_PANEL,
                                   facts(panel_date=D(2027, 7, 1)))
        assert reasons == ["Complete the assessment report, or share a brief report, before "
                           "booking panel."]

    def test_brief_report_comment_period(self) -> None:
        # Shared Thu 27 May 2027: 10 working days skipping Mon 31 May end Fri 11 Jun.
        brief = mainstream(S.STAGE2, brief_report_shared_on=D(2027, 5, 27))
        early = facts(panel_date=D(2027, 6, 10))
        assert check_transition(brief, A.BOOK_PANEL, early) == [
            "The applicant has until Fri 11 Jun 2027 to comment on the brief report; book a "
            "later panel or record their comments first."]
        assert check_transition(brief, A.BOOK_PANEL, facts(panel_date=D(2027, 6, 14))) == []
        commented = dataclasses.replace(early, brief_report_comments_received=True)
        assert check_transition(brief, A.BOOK_PANEL, commented) == []


class TestRegulation24:
    case = kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON)

    def test_extension_recorded(self) -> None:
        record = apply_transition(self.case, A.EXTEND_REG24, facts(
            reason="Assessment delayed", extension_weeks=6, **REG25_DONE))
        assert record.details == {"extension_weeks": 6, "nominated_officer": "Jo Patel",
                                  "nominated_officer_on": D(2027, 5, 20)}
        after = self.case.updated(record)
        assert (after.reg24_extension_weeks, after.reg24_extended_on) == (6, TODAY)
        assert check_transition(after, A.EXTEND_REG24, facts(
            reason="Again", extension_weeks=2, **REG25_DONE)) == [
            "Temporary approval has already been extended once; regulation 25 allows only one "
            "extension."]
        clock = next(c for c in case_clocks(after, TODAY) if c.key == "reg24")
        assert clock.due == D(2027, 8, 2)  # 16 + 6 weeks from Mon 1 Mar 2027

    def test_extension_needs_the_reg25_steps(self) -> None:
        reasons = check_transition(self.case, A.EXTEND_REG24, facts(
            reason="Delayed", extension_weeks=8, iro_informed=True))
        assert reasons == [
            "Before extending (CPPCR reg 25): reconsider whether the placement is still the "
            "most appropriate; seek the fostering panel's views.",
            "Enter the name of the nominated officer who approved the extension.",
            "Enter the date the nominated officer approved the extension."]

    def test_extension_needs_weeks_and_a_live_approval(self) -> None:
        assert "Enter the length" in check_transition(self.case, A.EXTEND_REG24, facts(
            reason="Delayed", **REG25_DONE))[0]
        lapsed = TransitionFacts(by="Sam", on=D(2027, 6, 22), today=D(2027, 6, 22),
                                 reason="Delayed", extension_weeks=4, **REG25_DONE)
        assert check_transition(self.case, A.EXTEND_REG24, lapsed) == [
            "Temporary approval lapsed on Mon 21 Jun 2027; it cannot be extended after that."]

    def test_extension_not_available_without_reg24(self) -> None:
        assert check_transition(kinship(S.FULL_ASSESSMENT), A.EXTEND_REG24, facts()) == [
            "There is no regulation 24 temporary approval on this case."]
        ended = kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON,
                        reg24_ended_on=D(2027, 5, 1))
        assert "already ended" in check_transition(ended, A.END_REG24, facts(reason="x"))[0]

    def test_approval_ends_temporary_approval(self) -> None:
        case = kinship(S.AGENCY_DECISION, reg24_approved_on=REG24_ON)
        record = apply_transition(case, A.APPROVE, facts())
        assert record.changes["reg24_ended_on"] == TODAY
        assert apply_transition(kinship(S.AGENCY_DECISION), A.APPROVE,
                                facts()).changes["reg24_ended_on"] is None

    def test_child_details_are_required(self) -> None:
        case = kinship(S.REFERRAL, child=ChildDetails("", D(2030, 1, 1), "", ""))
        assert check_transition(case, A.START_VIABILITY, facts()) == [
            "Enter the child's name.",
            "The child's date of birth cannot be in the future.",
            "Enter the local authority's reference for the child.",
            "Enter the carer's relationship to the child."]
        assert check_transition(kinship(S.REFERRAL, child=None), A.START_VIABILITY,
                                facts()) == ["Enter the details of the child this referral "
                                             "is about."]
        assert ChildDetails("A", None, "R", "Aunt").problems(TODAY) == [
            "Enter the child's date of birth."]


class TestDecision:
    def test_not_approve_needs_a_qualifying_determination(self) -> None:
        assert check_transition(mainstream(S.AGENCY_DECISION), A.NOT_APPROVE,
                                facts(reason="x")) == [
            "Issue a qualifying determination first: the applicant then has 28 days to make "
            "representations or apply to the IRM."]

    def test_final_decision_waits_for_the_28_days(self) -> None:
        case = mainstream(S.AGENCY_DECISION, qd_issued_on=D(2027, 5, 4))  # window to 1 Jun
        assert check_transition(case, A.NOT_APPROVE, facts(reason="x")) == [
            "The applicant has until Tue 1 Jun 2027 to make representations or apply to the "
            "IRM; the final decision comes after that."]
        later = TransitionFacts(by="Sam", on=D(2027, 6, 2), today=D(2027, 6, 2), reason="x")
        assert check_transition(case, A.NOT_APPROVE, later) == []


# --- records ---

def test_record_keeps_who_when_why() -> None:
    at = datetime(2027, 6, 1, 14, 30)
    record = apply_transition(mainstream(S.STAGE2), A.WITHDRAW, facts(
        D(2027, 5, 28), reason=" Money worries ", withdrawal_code="AW4", at=at))
    assert (record.by, record.on, record.at, record.reason) == (
        "Sam Jones", D(2027, 5, 28), at, "Money worries")
    assert record.pathway is M and record.label == "Record withdrawal"
    assert dict(record.details) == {"withdrawal_code": "AW4", "withdrawal_label": "Financial"}
    assert record.summary == ("Record withdrawal by Sam Jones on Fri 28 May 2027 "
                              "(AW4: Financial): Money worries")
    assert dict(record.changes) == {"closed_on": D(2027, 5, 28), "withdrawal_code": "AW4",
                                    "stage": S.WITHDRAWN, "stage_since": D(2027, 5, 28)}
    plain = apply_transition(mainstream(S.APPLICATION_RECEIVED), A.START_STAGE1, facts())
    assert plain.summary == "Start Stage 1 checks by Sam Jones on Tue 1 Jun 2027"


def _walk(case: CaseState, steps: list[tuple[Action, TransitionFacts]]) -> CaseState:
    for action, step_facts in steps:
        case = case.updated(apply_transition(case, action, step_facts))
    return case


def test_mainstream_from_enquiry_to_approval() -> None:
    def on(d: date, **kw: object) -> TransitionFacts:
        return TransitionFacts(by="Sam", on=d, today=d, **kw)  # type: ignore[arg-type]

    case = _walk(CaseState.new_enquiry(D(2027, 1, 4)), [
        (A.RECORD_FIRST_CONTACT, on(D(2027, 1, 5))),
        (A.RECORD_INITIAL_VISIT, on(D(2027, 1, 11))),
        (A.RECEIVE_APPLICATION, on(D(2027, 2, 1))),
        (A.START_STAGE1, on(D(2027, 2, 2))),
        (A.START_STAGE2, on(D(2027, 3, 1))),
        (A.COMPLETE_STAGE1, on(D(2027, 4, 1), stage1_items_complete=True)),
        (A.COMPLETE_ASSESSMENT, on(D(2027, 6, 1))),
        (A.BOOK_PANEL, on(D(2027, 6, 2), panel_date=D(2027, 7, 1))),
        (A.RECORD_RECOMMENDATION, on(D(2027, 7, 1), recommendation=Recommendation.SUITABLE)),
        (A.REFER_TO_DECISION_MAKER, on(D(2027, 7, 6))),
        (A.APPROVE, on(D(2027, 7, 12))),
    ])
    assert case.stage is S.APPROVED
    assert (case.application_received_on, case.stage1_completed_on, case.stage2_started_on,
            case.panel_date, case.recommended_on, case.minutes_received_on, case.decided_on) == (
        D(2027, 2, 1), D(2027, 4, 1), D(2027, 3, 1), D(2027, 7, 1), D(2027, 7, 1),
        D(2027, 7, 6), D(2027, 7, 12))
    clocks = {c.key: c for c in case_clocks(case, D(2027, 7, 12))}
    assert clocks["application_to_panel"].status == "met"
    assert clocks["adm_decision"].status == "met"  # due Thu 15 Jul 2027
    assert clocks["first_annual_review"].due == D(2028, 7, 12)


def test_connected_person_from_referral_to_approval() -> None:
    def on(d: date, **kw: object) -> TransitionFacts:
        return TransitionFacts(by="Ali", on=d, today=d, **kw)  # type: ignore[arg-type]

    case = _walk(CaseState.new_referral(D(2027, 2, 22), CHILD), [
        (A.START_VIABILITY, on(D(2027, 2, 23))),
        (A.GRANT_REG24, on(REG24_ON, household_assessed=True, placed_on=REG24_ON,
                           nominated_officer="Jo Patel", nominated_officer_on=REG24_ON)),
        (A.START_FULL_ASSESSMENT, on(REG24_ON)),
        (A.EXTEND_REG24, on(D(2027, 6, 14), reason="Form C delayed", extension_weeks=8,
                            **REG25_DONE)),
        (A.COMPLETE_ASSESSMENT, on(D(2027, 7, 1))),
        (A.BOOK_PANEL, on(D(2027, 7, 2), panel_date=D(2027, 7, 22))),
        (A.RECORD_RECOMMENDATION, on(D(2027, 7, 22), recommendation=Recommendation.SUITABLE)),
        (A.REFER_TO_DECISION_MAKER, on(D(2027, 7, 26))),
        (A.APPROVE, on(D(2027, 8, 2))),
    ])
    assert case.stage is S.APPROVED and case.reg24_ended_on == D(2027, 8, 2)
    reg24 = next(c for c in case_clocks(case, D(2027, 8, 2)) if c.key == "reg24")
    assert (reg24.due, reg24.status) == (D(2027, 8, 16), "met")


# --- what the caseworker sees ---

EVERY_STAGE = [*[(M, s) for s in PATHWAY_STAGES[M]], *[(C, s) for s in PATHWAY_STAGES[C]],
               *[(M, s) for s in sorted(CLOSED_STAGES)], (C, S.WITHDRAWN)]


@pytest.mark.parametrize(("pathway", "stage"), EVERY_STAGE)
def test_next_actions_for_every_stage(pathway: Pathway, stage: Stage) -> None:
    build = mainstream if pathway is M else kinship
    steps = next_actions(build(stage, closed_on=D(2027, 5, 1)), TODAY)
    assert steps and all(isinstance(s, str) and s.endswith(".") for s in steps)


def test_next_actions_give_due_dates() -> None:
    assert next_actions(CaseState.new_enquiry(D(2027, 3, 25)), D(2027, 3, 25))[0] == (
        "Reply to the enquirer by Tue 30 Mar 2027.")
    assert next_actions(CaseState.new_enquiry(D(2027, 3, 25)), D(2027, 3, 31))[0] == (
        "Reply to the enquirer: this was due by Tue 30 Mar 2027 and is overdue.")
    stage1 = mainstream(S.STAGE1, stage1_last_item_on=D(2027, 5, 20))
    assert any("Fri 4 Jun 2027" in s for s in next_actions(stage1, TODAY))
    panel = mainstream(S.READY_FOR_PANEL, panel_date=D(2027, 6, 17))
    assert next_actions(panel, TODAY)[0] == (
        "Send the papers to panel members by Thu 10 Jun 2027.")
    withdrawn = mainstream(S.WITHDRAWN, closed_on=D(2027, 5, 28))
    assert any("Tue 28 May 2030 (3 years" in s for s in next_actions(withdrawn, TODAY))


def test_next_actions_for_temporary_approval() -> None:
    steps = next_actions(kinship(S.REG24_TEMPORARY_APPROVAL), D(2027, 6, 1))
    assert steps[0].startswith("Start the full assessment now")
    assert "ends on Mon 21 Jun 2027" in steps[1]
    assert any("extend once by up to 8 weeks" in s for s in steps)
    lapsed = next_actions(kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON),
                          D(2027, 6, 22))
    assert any("lapsed on Mon 21 Jun 2027" in s for s in lapsed)
    closed = next_actions(kinship(S.NOT_APPROVED, reg24_approved_on=REG24_ON,
                                  closed_on=D(2027, 5, 1)), TODAY)
    assert any("still placed under regulation 24" in s for s in closed)


def test_case_clocks_by_pathway_and_stage() -> None:
    stage1 = mainstream(S.STAGE1, stage1_last_item_on=D(2027, 5, 20),
                        first_response_on=ENQUIRED)
    keys = [c.key for c in case_clocks(stage1, TODAY)]
    assert keys == ["first_response", "application_to_panel", "stage1_notice"]
    kin = kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON)
    assert [c.key for c in case_clocks(kin, TODAY)] == ["reg24"]
    decision = mainstream(S.AGENCY_DECISION, recommended_on=D(2027, 5, 20),
                          minutes_received_on=D(2027, 5, 24), qd_issued_on=D(2027, 5, 25))
    # Met clocks stay in the list as history; live ones are those of the current stage.
    assert [(c.key, c.status) for c in case_clocks(decision, TODAY)] == [
        ("application_to_panel", "met"), ("adm_decision", "met"),
        ("qd_response", "on_track")]
    waiting = dataclasses.replace(decision, qd_issued_on=None)  # due Thu 3 Jun 2027
    assert [(c.key, c.status) for c in case_clocks(waiting, TODAY)] == [
        ("application_to_panel", "met"), ("adm_decision", "due_soon")]


def test_stage_summary_shows_parallel_work() -> None:
    assert stage_summary(mainstream(S.STAGE1, stage2_started_on=D(2027, 3, 1))) == (
        "Stage 1: checks and references (Stage 2 started Mon 1 Mar 2027)")
    assert stage_summary(kinship(S.FULL_ASSESSMENT, reg24_approved_on=REG24_ON)) == (
        "Full assessment (child placed under regulation 24)")
    assert stage_summary(mainstream(S.STAGE2)) == "Stage 2: assessment and training"


# --- the final decision after a qualifying determination ---

QD_ON = D(2027, 3, 1)  # the window closes on Mon 29 Mar 2027 (28 days)


def _decide(on: date, action: Action = A.NOT_APPROVE, **kw: object) -> list[str]:
    case = mainstream(S.AGENCY_DECISION, qd_issued_on=QD_ON)
    return check_transition(case, action, TransitionFacts(by="Dana", on=on, today=on,
                                                          reason="Reasons", **kw))


def test_representations_let_the_decision_maker_decide_from_the_next_day() -> None:
    day10 = QD_ON + timedelta(days=10)
    refused = _decide(day10, representations_on=day10)
    assert refused == ["Representations were received on Thu 11 Mar 2027; the final decision "
                       "can be made from Fri 12 Mar 2027."]
    assert _decide(day10 + timedelta(days=1), representations_on=day10) == []
    assert _decide(day10 + timedelta(days=1), A.APPROVE, representations_on=day10) == []


def test_without_a_response_the_decision_waits_for_the_window_to_close() -> None:
    assert "until Mon 29 Mar 2027" in _decide(QD_ON + timedelta(days=11))[0]
    assert "until Mon 29 Mar 2027" in _decide(QD_ON + timedelta(days=28))[0]
    assert _decide(QD_ON + timedelta(days=29)) == []


def test_an_irm_application_holds_the_decision_until_its_recommendation() -> None:
    applied = QD_ON + timedelta(days=20)
    months_later = QD_ON + timedelta(days=140)
    held = _decide(months_later, irm_applied_on=applied)
    assert held == ["The applicant applied to the IRM on Sun 21 Mar 2027: the final decision "
                    "waits for the IRM panel's recommendation. Record it on the case first."]
    recommended = QD_ON + timedelta(days=130)
    assert _decide(months_later, irm_applied_on=applied, irm_recommended_on=recommended) == []
    assert "before the IRM panel's recommendation" in _decide(
        recommended - timedelta(days=1), irm_applied_on=applied,
        irm_recommended_on=recommended)[0]


def test_referral_back_needs_a_qualifying_determination() -> None:
    case = mainstream(S.AGENCY_DECISION)
    assert A.REFER_BACK_TO_PANEL not in {t.action for t in allowed_transitions(case)}
    assert check_transition(case, A.REFER_BACK_TO_PANEL, facts(reason="x")) == [
        "A case goes back to panel for further consideration only after a qualifying "
        "determination."]
