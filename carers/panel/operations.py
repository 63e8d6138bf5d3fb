"""State changes for the panel. Each public function is one transaction and commits it.

``build_due_packs(now)`` is the sweep the scheduler runs: it claims each queued pack job
atomically (an UPDATE that only succeeds while the job is unclaimed, or its claim has gone
stale), so two scheduler processes never build the same pack.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from pypdf import PdfReader
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from carers.audit.operations import record as audit
from carers.auth.models import User
from carers.cases import operations as cases
from carers.cases.models import Household
from carers.clocks.statutory import FIRST_REVIEW_MONTHS, add_months, clock_setting
from carers.core.changes import Changed, Refusal
from carers.core.database import transaction
from carers.core.dates import format_date, london, today, utcnow
from carers.extensions import db
from carers.panel import pdfs
from carers.panel.models import (
    FOSTERING_TYPE_LABELS,
    AgendaItem,
    MeetingSeat,
    PackCopy,
    PackJob,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    PanelRecommendation,
    QdResponse,
)
from carers.panel.rules import (
    IRM_RECOMMENDATIONS,
    SOCIAL_WORKER_MEMBER_YEARS,
    PanelRole,
    ResponseKind,
    considered_text,
    departs_from_irm,
    irm_papers_problems,
    irm_recommendation_problems,
    leaves_panel_list,
    papers_fingerprint,
    response_problems,
)
from carers.pipeline import Action, Recommendation, Stage, TransitionFacts, TransitionRefused
from carers.settings.registry import agency_settings

__all__ = [
    "CLAIM_STALE_AFTER",
    "CaseChangedMeanwhile",
    "MeetingChanged",
    "PanelRefused",
    "add_member",
    "add_to_agenda",
    "build_due_packs",
    "create_meeting",
    "issue_papers",
    "record_decision",
    "record_irm_papers_sent",
    "record_irm_recommendation",
    "record_qd_response",
    "record_recommendation",
    "remove_from_agenda",
    "take_off_panel_list",
    "save_minutes",
    "set_seats",
    "update_member",
]

# A claim older than this is taken to be a crashed builder; the job may be claimed again.
CLAIM_STALE_AFTER = timedelta(minutes=30)
MAX_ATTEMPTS = 3


class PanelRefused(Refusal):
    """The change may not be made; ``reasons`` says why in plain English."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(*reasons)


class MeetingChanged(Changed):
    """Someone else changed the meeting after this form was opened."""

    message = ("This meeting changed since you opened this page. Check the latest details, "
               "then save again: what you typed is below.")


class CaseChangedMeanwhile(Changed):
    """Someone else changed a case this change moves after the form was opened."""

    message = ("This changed since you opened it, so nothing was saved. What you typed is "
               "kept below: check the latest details, then save again.")


def _check_version(meeting: PanelMeeting, seen_version: int | None) -> None:
    if seen_version is not None and meeting.version != seen_version:
        raise MeetingChanged(version=meeting.version)


@contextmanager
def _change(meeting: PanelMeeting | None = None, household: Household | None = None):
    """One change, all or nothing (``transaction``), with what can refuse it on the way turned
    into the panel's refusals: a pipeline rule (TransitionRefused), the case changed since the
    form was opened (CaseChanged), or a write over someone else's (StaleDataError: the
    meeting's, when the change is to a meeting). The refusal carries the record's version
    now, read after the rollback."""
    try:
        with transaction():
            yield
    except TransitionRefused as refused:
        raise PanelRefused(refused.reasons) from None
    except cases.CaseChanged:
        raise CaseChangedMeanwhile(version=household.version if household else None) from None
    except StaleDataError:
        db.session.rollback()
        if meeting is not None:
            raise MeetingChanged(version=meeting.version) from None
        raise CaseChangedMeanwhile(version=household.version if household else None) from None


# --- the central list ---

def add_member(by: User, user: User, panel_role: PanelRole, joined_on: date,
               qualified_on: date | None = None) -> PanelMember:
    with transaction():
        if db.session.scalar(select(PanelMember.id).where(PanelMember.user_id == user.id)):
            raise PanelRefused([f"{user.name} is already on the central list."])
        _check_member(panel_role, qualified_on, joined_on)
        member = PanelMember(user_id=user.id, panel_role=PanelRole(panel_role).value,
                             joined_on=joined_on, qualified_on=qualified_on)
        db.session.add(member)
        db.session.flush()
        audit("create", "panel_member", member.id, {"role": member.panel_role}, user=by)
    return member


def update_member(by: User, member: PanelMember, panel_role: PanelRole,
                  qualified_on: date | None, left_on: date | None) -> None:
    with transaction():
        _check_member(panel_role, qualified_on, member.joined_on)
        if left_on is not None and left_on < member.joined_on:
            raise PanelRefused(["The date they leave the list cannot be before they joined."])
        member.panel_role = PanelRole(panel_role).value
        member.qualified_on = qualified_on
        member.left_on = left_on
        audit("update", "panel_member", member.id, {"role": member.panel_role}, user=by)


def _check_member(panel_role, qualified_on, on: date) -> None:
    if PanelRole(panel_role) is PanelRole.SOCIAL_WORKER:
        if qualified_on is None:
            raise PanelRefused(["Enter the date the social worker member qualified."])
        if qualified_on > _years_before(on, SOCIAL_WORKER_MEMBER_YEARS):
            raise PanelRefused(["A social worker member needs at least "
                                f"{SOCIAL_WORKER_MEMBER_YEARS} years' post-qualifying "
                                "experience (FSR 23)."])


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


# --- meetings ---

def create_meeting(by: User, meets_on: date, starts_at: time, place: str | None,
                   online_link: str | None) -> PanelMeeting:
    with transaction():
        meeting = PanelMeeting(meets_on=meets_on, starts_at=starts_at, place=place or None,
                               online_link=online_link or None)
        db.session.add(meeting)
        db.session.flush()
        audit("create", "panel_meeting", meeting.id, None, user=by)
    return meeting


def update_meeting(by: User, meeting: PanelMeeting, seen_version: int | None, *,
                   meets_on: date, starts_at: time, place: str | None,
                   online_link: str | None) -> None:
    with _change(meeting):
        _check_version(meeting, seen_version)
        meeting.meets_on, meeting.starts_at = meets_on, starts_at
        meeting.place, meeting.online_link = place or None, online_link or None
        audit("update", "panel_meeting", meeting.id, None, user=by)


def set_seats(by: User, meeting: PanelMeeting, invited_ids: set[int], attended_ids: set[int],
              seen_version: int | None) -> None:
    """Who is invited and who attended. Only invited members can have attended."""
    with _change(meeting):
        _check_version(meeting, seen_version)
        if attended_ids - invited_ids:
            raise PanelRefused(["Only members invited to the meeting can be recorded as "
                                "attending."])
        members = {m.id: m for m in db.session.scalars(
            select(PanelMember).where(PanelMember.id.in_(invited_ids)))} if invited_ids else {}
        if set(members) != invited_ids:
            raise PanelRefused(["Choose members from the central list."])
        gone = [m.user.name for m in members.values() if not m.is_current(meeting.meets_on)]
        if gone:
            raise PanelRefused([f"Not on the central list on the meeting date: {', '.join(gone)}."])
        seats = {s.member_id: s for s in meeting.seats}
        if invited_ids - set(seats) and meeting.papers_issued_at and not meeting.minutes_final_on:
            # Papers already issued: a member invited now gets their copy of a pack built again.
            db.session.add(PackJob(meeting_id=meeting.id, queued_at=utcnow(), queued_by_id=by.id))
        for member_id in set(seats) - invited_ids:
            meeting.seats.remove(seats[member_id])
        for member_id in invited_ids:
            seat = seats.get(member_id) or MeetingSeat(member_id=member_id)
            seat.attended = member_id in attended_ids
            if member_id not in seats:
                meeting.seats.append(seat)
        _bump(meeting)
        audit("update", "panel_meeting", meeting.id,
              {"invited": sorted(invited_ids), "attended": sorted(attended_ids)}, user=by)


def add_to_agenda(by: User, meeting: PanelMeeting, household: Household, slot_at: time,
                  minutes_slot: int, seen_version: int | None) -> AgendaItem:
    with _change(meeting):
        _check_version(meeting, seen_version)
        if household.stage != Stage.READY_FOR_PANEL.value:
            raise PanelRefused([f"{household.reference} is not ready for panel: it is at "
                                f"'{Stage(household.stage).label}'."])
        if any(item.household_id == household.id for item in meeting.agenda):
            raise PanelRefused([f"{household.reference} is already on this agenda."])
        clash = [item for item in meeting.agenda if item.slot_at == slot_at]
        if clash:
            raise PanelRefused([f"{clash[0].household.reference} already has the "
                                f"{slot_at:%H:%M} slot."])
        item = AgendaItem(household_id=household.id, slot_at=slot_at, minutes_slot=minutes_slot)
        meeting.agenda.append(item)
        _bump(meeting)
        audit("update", "panel_meeting", meeting.id, {"agenda_add": household.reference}, user=by)
    return item


def remove_from_agenda(by: User, meeting: PanelMeeting, item: AgendaItem,
                       seen_version: int | None) -> None:
    with _change(meeting):
        _check_version(meeting, seen_version)
        if db.session.scalar(select(PanelRecommendation.id).where(
                PanelRecommendation.meeting_id == meeting.id,
                PanelRecommendation.household_id == item.household_id)):
            raise PanelRefused(["The panel has made a recommendation on this case; it stays on "
                                "the agenda."])
        reference = item.household.reference
        meeting.agenda.remove(item)
        _bump(meeting)
        audit("update", "panel_meeting", meeting.id, {"agenda_remove": reference}, user=by)


def issue_papers(by: User, meeting: PanelMeeting, seen_version: int | None,
                 now: datetime | None = None) -> PackJob:
    """Issue the papers: queue the pack build (same transaction) and record the papers as
    sent on every case on the agenda."""
    with _change(meeting):
        _check_version(meeting, seen_version)
        now = now or utcnow()
        problems = []
        if not meeting.agenda:
            problems.append("Add at least one case to the agenda before issuing the papers.")
        if not meeting.seats:
            problems.append("Invite the panel members before issuing the papers.")
        if meeting.minutes_final_on:
            problems.append("The minutes of this meeting are final; its papers cannot change.")
        if problems:
            raise PanelRefused(problems)
        job = PackJob(meeting_id=meeting.id, queued_at=now, queued_by_id=by.id)
        db.session.add(job)
        meeting.papers_issued_at = now
        _bump(meeting)
        on = london(now).date()
        for item in meeting.agenda:
            household = item.household
            if household.stage == Stage.READY_FOR_PANEL.value:
                cases.record_panel_papers_sent(household, by, on)
        audit("update", "panel_meeting", meeting.id, {"papers_issued": True}, user=by)
    return job


def _bump(meeting: PanelMeeting) -> None:
    # Changing a seat or agenda row does not touch the meeting row; this does, so the
    # version rises and a form opened before the change is refused.
    flag_modified(meeting, "created_at")


# --- the pack sweep ---

@dataclass(frozen=True)
class BuiltPack:
    job_id: int
    meeting_id: int
    pages: int
    copies: int


def _claim(job_id: int, now: datetime) -> str | None:
    """Claim one job; the token if this process won it, None if another process did."""
    token = secrets.token_hex(16)
    result = db.session.execute(
        update(PackJob)
        .where(PackJob.id == job_id, PackJob.built_at.is_(None),
               or_(PackJob.claimed_at.is_(None), PackJob.claimed_at < now - CLAIM_STALE_AFTER))
        .values(claimed_at=now, claim_token=token, attempts=PackJob.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return token if result.rowcount == 1 else None


def build_due_packs(now: datetime, limit: int = 20) -> list[BuiltPack]:
    """Build every queued panel pack: one PDF per meeting (the agenda, then each case's
    report, bookmarked per case), stamped for each invited member with their name and the
    date on every page, and stored. Returns what it built."""
    due = list(db.session.scalars(
        select(PackJob.id)
        .where(PackJob.built_at.is_(None), PackJob.attempts < MAX_ATTEMPTS,
               or_(PackJob.claimed_at.is_(None), PackJob.claimed_at < now - CLAIM_STALE_AFTER))
        .order_by(PackJob.queued_at, PackJob.id).limit(limit)))
    db.session.rollback()
    built = []
    for job_id in due:
        token = _claim(job_id, now)
        if token is None:
            continue
        try:
            built.append(_build(job_id, token, now))
        except Exception:  # noqa: BLE001 - recorded on the job; retried up to MAX_ATTEMPTS
            db.session.rollback()
            db.session.execute(update(PackJob).where(
                PackJob.id == job_id, PackJob.claim_token == token).values(
                error=traceback.format_exc()[-4000:], claimed_at=None, claim_token=None))
            db.session.commit()
            current_app.logger.exception("Panel pack %s failed", job_id)
    return built


def _build(job_id: int, token: str, now: datetime) -> BuiltPack:
    job = db.session.get(PackJob, job_id)
    meeting = job.meeting
    settings = agency_settings()
    issued_on = london(meeting.papers_issued_at or job.queued_at).date()
    base = pdfs.render_pdf(pdfs.pack_html(meeting, meeting.agenda, settings["agency_name"],
                                          issued_on),
                           title=f"Panel pack {meeting.meets_on:%Y-%m-%d}",
                           author=settings["agency_name"])
    pages = len(PdfReader(io.BytesIO(base)).pages)
    papers_sha256 = hashlib.sha256(base).hexdigest()
    on = london(now).date()
    seats = list(meeting.seats)
    stamped = pdfs.stamped_copies(base, [seat.member.user.name for seat in seats], on,
                                  note=f"Fingerprint {papers_fingerprint(papers_sha256)}")
    for seat, pdf in zip(seats, stamped, strict=True):
        db.session.add(PackCopy(job_id=job.id, member_id=seat.member_id, made_at=now,
                                size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
                                pdf=pdf))
    copies = len(stamped)
    finished = db.session.execute(
        update(PackJob).where(PackJob.id == job_id, PackJob.claim_token == token,
                              PackJob.built_at.is_(None))
        .values(built_at=now, pages=pages, error=None, papers_sha256=papers_sha256)
        .execution_options(synchronize_session=False))
    if finished.rowcount != 1:
        # Our claim went stale and another builder took the job over: keep theirs.
        db.session.rollback()
        return BuiltPack(job_id, meeting.id, pages, 0)
    audit("create", "panel_pack", job_id, {"meeting": meeting.id, "copies": copies})
    db.session.commit()
    return BuiltPack(job_id, meeting.id, pages, copies)


# --- recommendation, minutes, decision ---

def _facts(by: User, on: date, **kwargs) -> TransitionFacts:
    return TransitionFacts(by=by.name, on=on, today=today(), at=utcnow(), **kwargs)


def record_recommendation(by: User, meeting: PanelMeeting, household: Household, *,
                          recommendation: Recommendation, reasons: str,
                          children: int | None, age_from: int | None, age_to: int | None,
                          fostering_types: list[str], seen_version: int) -> PanelRecommendation:
    """The chair records the panel's recommendation on a case it heard; the case moves to
    'Panel recommendation made' in the same transaction."""
    with _change(household=household):
        if not any(item.household_id == household.id for item in meeting.agenda):
            raise PanelRefused([f"{household.reference} is not on this meeting's agenda."])
        problems = []
        if recommendation is Recommendation.SUITABLE:
            if not children:
                problems.append("Enter the number of children the approval is for.")
            if age_from is None or age_to is None:
                problems.append("Enter the age range of children.")
            elif age_from > age_to:
                problems.append("The youngest age must not be more than the oldest age.")
            if not fostering_types:
                problems.append("Choose the types of fostering.")
        if problems:
            raise PanelRefused(problems)
        suitable = recommendation is Recommendation.SUITABLE
        row = PanelRecommendation(
            meeting_id=meeting.id, household_id=household.id,
            recommendation=recommendation.value, children=children if suitable else None,
            age_from=age_from if suitable else None, age_to=age_to if suitable else None,
            fostering_types=fostering_types if suitable else None, reasons=reasons,
            recorded_by_id=by.id)
        db.session.add(row)
        cases.move(household, Action.RECORD_RECOMMENDATION,
                   _facts(by, meeting.meets_on, recommendation=recommendation, reason=""),
                   by, seen_version, commit=False)
    return row


def recommended_cases(meeting: PanelMeeting) -> set[int]:
    """The ids of the cases the meeting has made its recommendation on."""
    return set(db.session.scalars(select(PanelRecommendation.household_id)
                                  .where(PanelRecommendation.meeting_id == meeting.id)))


def save_minutes(by: User, meeting: PanelMeeting, text: str, final: bool, on: date,
                 seen_version: int | None) -> int:
    """Save the draft minutes, or make them final. Final minutes send every case the panel
    recommended on to the agency decision maker (one transaction). Returns cases sent."""
    sent = 0
    with _change(meeting):
        _check_version(meeting, seen_version)
        if meeting.minutes_final_on:
            raise PanelRefused(["The minutes are already final."])
        meeting.minutes = text
        if final:
            if on < meeting.meets_on:
                raise PanelRefused(["The minutes cannot be final before the meeting."])
            recommended = recommended_cases(meeting)
            waiting = [i.household.reference for i in meeting.agenda
                       if i.household_id not in recommended]
            if waiting:
                raise PanelRefused([f"Record the panel's recommendation on "
                                    f"{', '.join(waiting)} (or take the case off the agenda) "
                                    "before the minutes are final."])
            meeting.minutes_final_on = on
            for item in meeting.agenda:
                household = item.household
                if household.stage == Stage.PANEL_RECOMMENDED.value:
                    cases.move(household, Action.REFER_TO_DECISION_MAKER, _facts(by, on), by,
                               household.version, commit=False)
                    sent += 1
        audit("update", "panel_meeting", meeting.id, {"minutes_final": final}, user=by)
    return sent


def terms_text(terms: dict | None) -> str:
    if not terms:
        return ""
    kinds = ", ".join(FOSTERING_TYPE_LABELS.get(t, t) for t in terms.get("fostering_types")
                      or [])
    n = terms.get("children")
    return (f"Up to {n} {'child' if n == 1 else 'children'}, aged {terms.get('age_from')} to "
            f"{terms.get('age_to')}; {kinds}.")


def qd_response_for(household: Household) -> QdResponse | None:
    return db.session.scalar(select(QdResponse).where(QdResponse.household_id == household.id))


def _response_facts(response: QdResponse | None) -> dict:
    """What the pipeline needs to know of the applicant's response to a qualifying
    determination before the final decision."""
    if response is None:
        return {}
    if response.is_irm:
        return {"irm_applied_on": response.received_on,
                "irm_recommended_on": response.irm_recommended_on}
    return {"representations_on": response.received_on}


def qd_readiness(household: Household, on: date, settings) -> dict:
    """The applicant's response to a qualifying determination, for any move of the case
    (a cases readiness hook), so the final decision waits for it however it is recorded."""
    if not household.qd_issued_on:
        return {}
    return _response_facts(qd_response_for(household))


def record_decision(by: User, household: Household, kind: str, *, on: date, reasons: str,
                    terms: dict | None, seen_version: int,
                    departure_reasons: str = "") -> PanelDecision:
    """The agency decision maker decides: approve; a qualifying determination (proposed
    refusal, the 28-day window opens); after it, the final refusal, or a referral back to
    the panel for further consideration. A final decision considers the applicant's response
    (representations, or the IRM panel's recommendation: departing from that needs reasons).
    The case moves, the letter is made, all in one transaction."""
    action = {PanelDecision.APPROVE: Action.APPROVE,
              PanelDecision.QUALIFYING_DETERMINATION: Action.ISSUE_QD,
              PanelDecision.NOT_APPROVE: Action.NOT_APPROVE,
              PanelDecision.REFER_BACK: Action.REFER_BACK_TO_PANEL}.get(kind)
    if action is None:
        raise PanelRefused(["Choose the decision."])
    if kind == PanelDecision.APPROVE and not terms:
        raise PanelRefused(["Enter the terms of approval."])
    with _change(household=household):
        response = qd_response_for(household) if household.qd_issued_on else None
        final = kind in (PanelDecision.APPROVE, PanelDecision.NOT_APPROVE)
        considered = response if final or kind == PanelDecision.REFER_BACK else None
        departure = departure_reasons.strip()
        if (final and response is not None and response.is_irm
                and departs_from_irm(kind, response.irm_recommendation) and not departure):
            raise PanelRefused([
                "This decision departs from the IRM panel's recommendation ("
                f"{IRM_RECOMMENDATIONS.get(response.irm_recommendation or '', '').lower()}): "
                "give your reasons for departing from it."])
        decision = PanelDecision(household_id=household.id, kind=kind, decided_on=on,
                                 terms=terms if kind == PanelDecision.APPROVE else None,
                                 reasons=reasons, decided_by_id=by.id,
                                 considered_response_id=considered.id if considered else None,
                                 departure_reasons=departure or None)
        cases.move(household, action, _facts(by, on, reason=reasons, **_response_facts(response)),
                   by, seen_version, commit=False)
        settings = agency_settings()
        letter_kind = {PanelDecision.APPROVE: "approval",
                       PanelDecision.QUALIFYING_DETERMINATION: "qualifying_determination",
                       PanelDecision.NOT_APPROVE: "refusal",
                       PanelDecision.REFER_BACK: "referred_back"}[kind]
        cited = considered_text(considered.kind, considered.received_on,
                                considered.irm_recommended_on, fmt=format_date) \
            if considered else ""
        with db.session.no_autoflush:
            pdf = pdfs.letter_pdf(
                household, letter_kind, decided_on=on, signed_by=by.name, reasons=reasons,
                terms=terms_text(decision.terms), qd_issued_on=household.qd_issued_on,
                first_review_by=add_months(on, FIRST_REVIEW_MONTHS), considered=cited,
                departure_reasons=departure,
                respond_by=on + timedelta(days=clock_setting(settings, "qd_response_days")))
        decision.letter_pdf = pdf
        decision.letter_size = len(pdf)
        db.session.add(decision)
    return decision


# --- after a qualifying determination: the applicant's response ---

def _awaiting_decision(household: Household) -> None:
    if household.stage != Stage.AGENCY_DECISION.value:
        raise PanelRefused([f"{household.reference} is not waiting for an agency decision: it "
                            f"is at '{Stage(household.stage).label}'."])


def record_qd_response(by: User, household: Household, *, kind: str | None,
                       received_on: date | None, summary: str, seen_version: int | None,
                       ) -> QdResponse:
    """The applicant responded to the qualifying determination within the window: written
    representations received (the decision maker may decide from the next day; the
    applicant gets an acknowledgement), or an application to the IRM (the papers go to it
    within 10 working days; the decision waits for its recommendation)."""
    with _change(household=household):
        _awaiting_decision(household)
        existing = qd_response_for(household)
        problems = response_problems(kind, household.qd_issued_on, received_on, today(),
                                     summary, existing.kind if existing else None,
                                     agency_settings())
        if problems:
            raise PanelRefused(problems)
        assert received_on is not None and kind is not None
        response = QdResponse(household_id=household.id, kind=kind, received_on=received_on,
                              summary=summary.strip() or None, recorded_by_id=by.id)
        if kind == ResponseKind.REPRESENTATIONS:
            headline = f"Written representations received on {format_date(received_on)}"
        else:
            headline = ("Applied to the Independent Review Mechanism on "
                        f"{format_date(received_on)}")
        cases.record_event(household, by, headline, received_on, body=response.summary,
                           changes={"qd_responded_on": received_on}, seen_version=seen_version)
        if kind == ResponseKind.REPRESENTATIONS:
            with db.session.no_autoflush:
                response.letter_pdf = pdfs.letter_pdf(
                    household, "representations_acknowledged", received_on=received_on,
                    qd_issued_on=household.qd_issued_on)
        db.session.add(response)
    return response


def _irm_response(household: Household) -> QdResponse:
    _awaiting_decision(household)
    response = qd_response_for(household)
    if response is None or not response.is_irm:
        raise PanelRefused(["The applicant has not applied to the IRM on this case."])
    return response


def record_irm_papers_sent(by: User, household: Household, *, sent_on: date | None,
                           seen_version: int | None) -> QdResponse:
    with _change(household=household):
        response = _irm_response(household)
        if response.irm_recommended_on:
            raise PanelRefused(["The IRM panel has already made its recommendation."])
        problems = irm_papers_problems(response.received_on, sent_on, today())
        if problems:
            raise PanelRefused(problems)
        response.irm_papers_sent_on = sent_on
        cases.record_event(household, by, f"Papers sent to the IRM on {format_date(sent_on)}",
                           sent_on, seen_version=seen_version)
    return response


def record_irm_recommendation(by: User, household: Household, *, on: date | None,
                              recommendation: str | None, terms: str, reasons: str,
                              seen_version: int | None) -> QdResponse:
    """The IRM panel's recommendation: the agency decision maker may now make the final
    decision, considering it."""
    with _change(household=household):
        response = _irm_response(household)
        if response.irm_recommended_on:
            raise PanelRefused(["The IRM panel's recommendation is already recorded."])
        problems = irm_recommendation_problems(response.received_on, response.irm_papers_sent_on,
                                               on, today(), recommendation, reasons)
        if problems:
            raise PanelRefused(problems)
        assert on is not None and recommendation is not None
        suitable = recommendation == "suitable"
        response.irm_recommended_on = on
        response.irm_recommendation = recommendation
        response.irm_terms = (terms.strip() or None) if suitable else None
        response.irm_reasons = reasons.strip()
        cases.record_event(household, by, f"IRM panel's recommendation of {format_date(on)}: "
                           f"{IRM_RECOMMENDATIONS[recommendation].lower()}", on,
                           body=response.irm_reasons, seen_version=seen_version)
    return response


# --- a case taken off the panel list ---

def take_off_panel_list(household: Household, record, user) -> None:
    """When a case leaves the panel list other than by the panel's recommendation (it is
    withdrawn, closed, or taken back into assessment), it comes off the agenda of every
    meeting that has not heard it and whose minutes are not final; the members' copies of
    those meetings' packs, which hold its papers, are deleted and the pack is built again
    without it. Runs inside the move's transaction (a cases hook)."""
    if not leaves_panel_list(record.from_stage.value, record.to_stage.value):
        return
    with db.session.no_autoflush:
        heard = select(PanelRecommendation.meeting_id).where(
            PanelRecommendation.household_id == household.id)
        items = list(db.session.scalars(
            select(AgendaItem).join(PanelMeeting, AgendaItem.meeting_id == PanelMeeting.id)
            .where(AgendaItem.household_id == household.id,
                   PanelMeeting.minutes_final_on.is_(None),
                   AgendaItem.meeting_id.not_in(heard))))
        for item in items:
            meeting = item.meeting
            meeting.agenda.remove(item)
            db.session.execute(
                delete(PackCopy).where(PackCopy.job_id.in_(
                    select(PackJob.id).where(PackJob.meeting_id == meeting.id)))
                .execution_options(synchronize_session=False))
            if meeting.papers_issued_at is not None and meeting.agenda:
                db.session.add(PackJob(meeting_id=meeting.id, queued_at=utcnow(),
                                       queued_by_id=user.id if user else None))
            _bump(meeting)
            audit("update", "panel_meeting", meeting.id,
                  {"agenda_remove": household.reference, "because": str(record.action)},
                  user=user)
