"""Looking up the panel's records for the pages: meetings, members, agenda items, packs,
recommendations and decisions. A record that is not there raises NotFound (404). The lists
are queries (and their counts) that the pages paginate."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.auth.models import User
from carers.cases.models import Household
from carers.extensions import db
from carers.panel.models import (
    AgendaItem,
    MeetingSeat,
    PackCopy,
    PackJob,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    PanelRecommendation,
)
from carers.panel.rules import PanelRole, can_see_meeting
from carers.pipeline import Stage

# The longest pick lists on the panel administrator's forms.
CHOICES_LIMIT = 500
AGENDA_CHOICES_LIMIT = 200


def _found(record):
    if record is None:
        raise NotFound()
    return record


# --- single records ---

def get_meeting(meeting_id: int) -> PanelMeeting:
    """The meeting with its seats and agenda."""
    return _found(db.session.scalar(
        select(PanelMeeting).where(PanelMeeting.id == meeting_id)
        .options(selectinload(PanelMeeting.seats), selectinload(PanelMeeting.agenda))))


def membership(user) -> PanelMember | None:
    """The account's place on the central list, if it has one."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(PanelMember).where(PanelMember.user_id == user.id))


def seat_for(meeting: PanelMeeting, member: PanelMember | None) -> MeetingSeat | None:
    if member is None:
        return None
    return next((s for s in meeting.seats if s.member_id == member.id), None)


def visible_meeting(meeting_id: int, user, today: date, settings) -> tuple[PanelMeeting,
                                                                           PanelMember]:
    """The meeting and the user's membership, or NotFound: not invited and expired meetings
    look the same as meetings that do not exist."""
    member = membership(user)
    meeting = db.session.get(PanelMeeting, meeting_id)
    if member is None or meeting is None:
        raise NotFound()
    if not can_see_meeting(seat_for(meeting, member) is not None, meeting.meets_on, today,
                           settings):
        raise NotFound()
    return meeting, member


def get_member(member_id: int) -> PanelMember:
    return _found(db.session.get(PanelMember, member_id))


def get_agenda_item(meeting: PanelMeeting, item_id: int) -> AgendaItem:
    return _found(next((i for i in meeting.agenda if i.id == item_id), None))


def agenda_item_for(meeting: PanelMeeting, reference: str) -> AgendaItem:
    """The meeting's agenda item for the case ``reference``."""
    return _found(next((i for i in meeting.agenda if i.household.reference == reference),
                       None))


def get_decision(decision_id: int) -> PanelDecision:
    return _found(db.session.get(PanelDecision, decision_id))


def decision_case(decision: PanelDecision) -> Household:
    return db.session.get(Household, decision.household_id)


def get_pack_job(job_id: int | None) -> PackJob | None:
    return db.session.get(PackJob, job_id) if job_id is not None else None


def latest_job(meeting_id: int) -> PackJob | None:
    return db.session.scalar(select(PackJob).where(PackJob.meeting_id == meeting_id)
                             .order_by(PackJob.queued_at.desc(), PackJob.id.desc()).limit(1))


def has_pack_jobs(meeting_id: int) -> bool:
    return bool(db.session.scalar(
        select(func.count(PackJob.id)).where(PackJob.meeting_id == meeting_id)))


def own_copy(meeting: PanelMeeting, member: PanelMember) -> PackCopy | None:
    """The member's copy of the latest pack built for the meeting, if it has been made."""
    return db.session.scalar(
        select(PackCopy).join(PackJob, PackCopy.job_id == PackJob.id)
        .where(PackJob.meeting_id == meeting.id, PackJob.built_at.is_not(None),
               PackCopy.member_id == member.id)
        .order_by(PackJob.built_at.desc(), PackJob.id.desc()).limit(1))


def recommendations(meeting_id: int) -> dict[int, PanelRecommendation]:
    """The meeting's recommendations, by case id."""
    return {r.household_id: r for r in db.session.scalars(
        select(PanelRecommendation).where(PanelRecommendation.meeting_id == meeting_id))}


def last_recommendation(household: Household) -> PanelRecommendation | None:
    return db.session.scalar(
        select(PanelRecommendation).where(PanelRecommendation.household_id == household.id)
        .order_by(PanelRecommendation.recorded_at.desc(), PanelRecommendation.id.desc())
        .limit(1))


# --- lists ---

def central_list():
    """The central list, current members first: (query, count)."""
    query = select(PanelMember).join(User, PanelMember.user_id == User.id).order_by(
        PanelMember.left_on.is_not(None), User.name, PanelMember.id)
    return query, select(func.count(PanelMember.id))


def has_social_worker(on: date) -> bool:
    """Whether a social worker member is on the central list on ``on``."""
    return bool(db.session.scalar(select(func.count(PanelMember.id)).where(
        PanelMember.panel_role == PanelRole.SOCIAL_WORKER.value,
        PanelMember.left_on.is_(None) | (PanelMember.left_on > on))))


def candidates() -> list[User]:
    """Active accounts not yet on the central list."""
    on_list = select(PanelMember.user_id)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id.not_in(on_list))
        .order_by(User.name).limit(CHOICES_LIMIT)))


def members_for(meeting: PanelMeeting) -> list[PanelMember]:
    """Who can be invited to the meeting: those on the list on its date, and those already
    seated."""
    seated = {s.member_id for s in meeting.seats}
    return [m for m in db.session.scalars(
        select(PanelMember).join(User, PanelMember.user_id == User.id)
        .order_by(User.name).limit(CHOICES_LIMIT))
        if m.is_current(meeting.meets_on) or m.id in seated]


def meetings(on: date, past: bool):
    """Meetings from ``on`` onwards, soonest first; or, ``past``, before it, latest first:
    (query, count)."""
    if past:
        where = PanelMeeting.meets_on < on
        order = (PanelMeeting.meets_on.desc(), PanelMeeting.id.desc())
    else:
        where = PanelMeeting.meets_on >= on
        order = (PanelMeeting.meets_on, PanelMeeting.id)
    return (select(PanelMeeting).where(where).order_by(*order),
            select(func.count(PanelMeeting.id)).where(where))


def agenda_counts(meeting_ids: list[int]) -> dict[int, int]:
    """How many cases are on each meeting's agenda."""
    if not meeting_ids:
        return {}
    return dict(db.session.execute(
        select(AgendaItem.meeting_id, func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id.in_(meeting_ids)).group_by(AgendaItem.meeting_id)).all())


def ready_for_agenda(meeting: PanelMeeting) -> list[Household]:
    """Cases at 'Ready for panel' not on the meeting's agenda yet, booked dates first."""
    on_agenda = {i.household_id for i in meeting.agenda}
    return [h for h in db.session.scalars(
        select(Household).where(Household.stage == Stage.READY_FOR_PANEL.value)
        .order_by(Household.panel_date.is_(None), Household.panel_date, Household.reference)
        .limit(AGENDA_CHOICES_LIMIT)) if h.id not in on_agenda]


def member_meetings(member: PanelMember, earliest: date):
    """The meetings ``member`` is invited to, from ``earliest``: (query, count)."""
    query = (select(PanelMeeting).join(MeetingSeat, MeetingSeat.meeting_id == PanelMeeting.id)
             .where(MeetingSeat.member_id == member.id, PanelMeeting.meets_on >= earliest))
    return (query.order_by(PanelMeeting.meets_on, PanelMeeting.id),
            select(func.count()).select_from(query.subquery()))


def awaiting_decision():
    """Cases waiting for the agency decision, the most urgent first: (query, count)."""
    at_decision = Household.stage == Stage.AGENCY_DECISION.value
    query = (select(Household).where(at_decision)
             .order_by(Household.next_due_on.is_(None), Household.next_due_on, Household.id))
    return query, select(func.count(Household.id)).where(at_decision)
