"""Who may see what on the panel. Views ask here.

- The panel administrator (and administrators) manage the list, meetings and papers.
- A panel member sees a meeting, its pack and its case reports only if invited to it, and
  only until the access period after the meeting (an agency setting) has passed.
- The chair or a vice chair invited to the meeting records recommendations; they, the
  minute taker and the panel administrator write the minutes.
- The agency decision maker decides.
"""

from carers.auth.policy import record_rule, staff
from carers.auth.roles import CASE_READERS, DECISION_MAKERS, PANEL_ADMINS
from carers.cases.access import CASE, CASE_CHANGE, can_read
from carers.core.dates import today
from carers.panel.models import PanelMeeting, PanelMember
from carers.panel.queries import (
    decision_case,
    get_agenda_item,
    get_decision,
    get_meeting,
    get_member,
    membership,
    seat_for,
    visible_meeting,
)
from carers.panel.rules import PanelRole
from carers.settings.registry import agency_settings


def chairs_meeting(meeting: PanelMeeting, member: PanelMember) -> bool:
    return seat_for(meeting, member) is not None and member.role.chairs


def writes_minutes(meeting: PanelMeeting, member: PanelMember | None, user) -> bool:
    if user.has_role(*PANEL_ADMINS):
        return True
    return (member is not None and seat_for(meeting, member) is not None
            and (member.role.chairs or member.role is PanelRole.MINUTE_TAKER))


# --- the access policy's record rules and the panel pages' routes ---

PANEL_MEMBERSHIP = "panel_membership"  # the account is on the panel list
PANEL_MEETING = "panel_meeting"  # a panel member's meeting: invited, within the access period
PANEL_CHAIR = "panel_chair"  # the same, chaired by the account (the chair or a vice chair)
PANEL_MINUTES = "panel_minutes"  # the meeting's minutes: panel administrators, chair, minuter
MEETING = "meeting"  # the panel meeting named by <meeting_id>, managed by the panel admin
AGENDA_ITEM = "agenda_item"  # the agenda item <item_id> of the meeting <meeting_id>
PANEL_MEMBER = "panel_member"  # the panel member named by <member_id>
DECISION = "decision"  # the agency decision <decision_id>: whoever may read its case


@record_rule(PANEL_MEMBERSHIP)
def _on_the_panel(user, args) -> bool:
    return membership(user) is not None


# A meeting a member may not open answers 404, as if it did not exist.
@record_rule(PANEL_MEETING)
def may_open_meeting(user, args) -> bool:
    """A panel member's own meeting pages: invited and within the access period, else 404."""
    visible_meeting(args.get("meeting_id"), user, today(), agency_settings())
    return True


@record_rule(PANEL_CHAIR)
def may_record_recommendation(user, args) -> bool:
    meeting, member = visible_meeting(args.get("meeting_id"), user, today(), agency_settings())
    return chairs_meeting(meeting, member)


@record_rule(PANEL_MINUTES)
def may_write_minutes(user, args) -> bool:
    if user.has_role(*PANEL_ADMINS):
        get_meeting(args.get("meeting_id"))
        return True
    meeting, member = visible_meeting(args.get("meeting_id"), user, today(), agency_settings())
    return writes_minutes(meeting, member, user)


@record_rule(MEETING)
def _meeting(user, args) -> bool:
    get_meeting(args.get("meeting_id"))
    return True  # panel administrators manage every meeting


@record_rule(AGENDA_ITEM)
def _agenda_item(user, args) -> bool:
    get_agenda_item(get_meeting(args.get("meeting_id")), args.get("item_id"))
    return True


@record_rule(PANEL_MEMBER)
def _panel_member(user, args) -> bool:
    get_member(args.get("member_id"))
    return True


@record_rule(DECISION)
def _decision(user, args) -> bool:
    return can_read(user, decision_case(get_decision(args.get("decision_id"))))


ROUTES = {
    # the panel administrator's pages
    "panel.members": staff(PANEL_ADMINS),
    "panel.add_member": staff(PANEL_ADMINS),
    "panel.edit_member": staff(PANEL_ADMINS, record=PANEL_MEMBER),
    "panel.meetings": staff(PANEL_ADMINS),
    "panel.new_meeting": staff(PANEL_ADMINS),
    "panel.edit_meeting": staff(PANEL_ADMINS, record=MEETING),
    "panel.meeting": staff(PANEL_ADMINS, record=MEETING),
    "panel.meeting_members": staff(PANEL_ADMINS, record=MEETING),
    "panel.add_agenda_item": staff(PANEL_ADMINS, record=MEETING),
    "panel.remove_agenda_item": staff(PANEL_ADMINS, record=AGENDA_ITEM),
    "panel.issue_papers": staff(PANEL_ADMINS, record=MEETING),
    # members' own pages (any role; being on the panel list is what counts)
    "panel.my_meetings": staff(record=PANEL_MEMBERSHIP),
    "panel.my_meeting": staff(record=PANEL_MEETING),
    "panel.pack": staff(record=PANEL_MEETING),
    "panel.report": staff(record=PANEL_MEETING),
    "panel.recommendation": staff(record=PANEL_CHAIR),
    "panel.minutes": staff(record=PANEL_MINUTES),
    # the agency decision
    "panel.decisions": staff(DECISION_MAKERS),
    "panel.decide": staff(DECISION_MAKERS, record=CASE),
    "panel.letter": staff(CASE_READERS, record=DECISION),
    "panel.letter_pdf": staff(CASE_READERS, record=DECISION),
    # after a qualifying determination: the case's team records the applicant's response
    "panel.qd_response": staff(CASE_READERS, record=CASE_CHANGE),
    "panel.irm_papers": staff(CASE_READERS, record=CASE_CHANGE),
    "panel.irm_recommendation": staff(CASE_READERS, record=CASE_CHANGE),
    "panel.qd_acknowledgement": staff(CASE_READERS, record=CASE),
}
