"""Who may see what on the panel. Views ask here.

- The panel administrator (and administrators) manage the list, meetings and papers.
- A panel member sees a meeting, its pack and its case reports only if invited to it, and
  only until the access period after the meeting (an agency setting) has passed.
- The chair or a vice chair invited to the meeting records recommendations; they, the
  minute taker and the panel administrator write the minutes.
- The agency decision maker decides.
"""

from datetime import date

from flask import abort
from sqlalchemy import select

from carers.auth.roles import RoleKey
from carers.extensions import db
from carers.panel.models import MeetingSeat, PanelMeeting, PanelMember
from carers.panel.rules import PanelRole, can_see_meeting

PANEL_ADMINS = frozenset({RoleKey.PANEL_ADMINISTRATOR, RoleKey.ADMINISTRATOR})
DECISION_MAKERS = frozenset({RoleKey.AGENCY_DECISION_MAKER})


def membership(user) -> PanelMember | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(PanelMember).where(PanelMember.user_id == user.id))


def seat_for(meeting: PanelMeeting, member: PanelMember | None) -> MeetingSeat | None:
    if member is None:
        return None
    return next((s for s in meeting.seats if s.member_id == member.id), None)


def visible_meeting(meeting_id: int, user, today: date, settings) -> tuple[PanelMeeting,
                                                                           PanelMember]:
    """The meeting and the user's membership, or 404: not invited and expired meetings
    look the same as meetings that do not exist."""
    member = membership(user)
    meeting = db.session.get(PanelMeeting, meeting_id)
    if member is None or meeting is None:
        abort(404)
    seat = seat_for(meeting, member)
    if not can_see_meeting(seat is not None, meeting.meets_on, today, settings):
        abort(404)
    return meeting, member


def chairs_meeting(meeting: PanelMeeting, member: PanelMember) -> bool:
    return seat_for(meeting, member) is not None and member.role.chairs


def writes_minutes(meeting: PanelMeeting, member: PanelMember | None, user) -> bool:
    if user.has_role(*PANEL_ADMINS):
        return True
    return (member is not None and seat_for(meeting, member) is not None
            and (member.role.chairs or member.role is PanelRole.MINUTE_TAKER))


# --- the access policy's record rules (carers.auth.policy) ---

def meeting_exists(meeting_id) -> PanelMeeting:
    meeting = db.session.get(PanelMeeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def may_open_meeting(user, meeting_id) -> bool:
    """A panel member's own meeting pages: invited and within the access period, else 404."""
    from carers.core.dates import today
    from carers.settings.registry import agency_settings

    visible_meeting(meeting_id, user, today(), agency_settings())
    return True


def may_record_recommendation(user, meeting_id) -> bool:
    from carers.core.dates import today
    from carers.settings.registry import agency_settings

    meeting, member = visible_meeting(meeting_id, user, today(), agency_settings())
    return chairs_meeting(meeting, member)


def may_write_minutes(user, meeting_id) -> bool:
    from carers.core.dates import today
    from carers.settings.registry import agency_settings

    if user.has_role(*PANEL_ADMINS):
        meeting_exists(meeting_id)
        return True
    meeting, member = visible_meeting(meeting_id, user, today(), agency_settings())
    return writes_minutes(meeting, member, user)
