"""The access policy: for every endpoint, who may use it and which records they may reach.

This is the one place access is decided. ``enforce`` runs before every request (before CSRF
checks, so a refused request learns nothing more) and looks the endpoint up in ``POLICY``:
an endpoint with no entry is refused for everyone, and the access-matrix test fails.

Adding a route is one line in ``POLICY``::

    "visits.diary": staff(CASE_READERS),                  # staff roles only
    "visits.case_visits": staff(CASE_READERS, record=CASE_VISITS),  # and a record rule
    "panel.my_meeting": staff(record=PANEL_MEETING),  # any role; invited to the meeting
    "reports.pdf": staff(CASE_READERS, record=CASE),

A new kind of record (a panel meeting, say) registers its rule once with
``record_rule("panel_meeting")`` on a function ``(user, view_args) -> bool`` that loads the
record from the URL's arguments, aborts 404 when it does not exist and says whether ``user``
may reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import abort, current_app, has_app_context, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from carers.auth.roles import FOSTERING_TEAM, RoleKey
from carers.cases.access import CASE_READERS, MANAGERS

# Audiences
PUBLIC = "public"  # anyone, signed in or not
REFEREE = "referee"  # anyone holding a referee's single-use link (the view checks the token)
LINK = "link"  # anyone holding another single-use link (a staff invitation)
SIGNED_IN = "signed_in"  # any signed-in account, whatever its roles
STAFF = "staff"  # signed-in accounts holding one of the rule's roles

# Record rules (see RECORD_RULES below)
CASE = "case"  # the case named by <reference>: carers.cases.access.can_read
CASE_CHANGE = "case_change"  # the same case, changed: carers.cases.access.can_change
TASK = "task"  # the case of the task named by <task_id>
SELF = "self"  # the signed-in account's own settings
CASE_VISITS = "case_visits"  # the visits of the case named by <reference>
VISIT = "visit"  # the visit named by <visit_id>: carers.visits.access.can_see_visit
VISIT_CHANGE = "visit_change"  # the same visit, changed: carers.visits.access.can_change_visit
PANEL_MEMBERSHIP = "panel_membership"  # the account is on the panel list
PANEL_MEETING = "panel_meeting"  # a panel member's meeting: invited, within the access period
PANEL_CHAIR = "panel_chair"  # the same, chaired by the account (the chair or a vice chair)
PANEL_MINUTES = "panel_minutes"  # the meeting's minutes: panel administrators, chair, minuter
MEETING = "meeting"  # the panel meeting named by <meeting_id>, managed by the panel admin
AGENDA_ITEM = "agenda_item"  # the agenda item <item_id> of the meeting <meeting_id>
PANEL_MEMBER = "panel_member"  # the panel member named by <member_id>
DECISION = "decision"  # the agency decision <decision_id>: its case, as CASE

ALL_STAFF = frozenset(RoleKey)
ADMINISTRATORS = frozenset({RoleKey.ADMINISTRATOR})
PANEL_ADMINS = frozenset({RoleKey.PANEL_ADMINISTRATOR, RoleKey.ADMINISTRATOR})
DECISION_MAKERS = frozenset({RoleKey.AGENCY_DECISION_MAKER})


@dataclass(frozen=True)
class Rule:
    audience: str
    roles: frozenset = field(default_factory=frozenset)
    record: str | None = None
    # Reachable while the second factor is still to be given or set up (sign-in steps).
    before_second_factor: bool = False

    def describe(self) -> str:
        roles = ", ".join(sorted(self.roles)) if self.roles else "any role"
        text = self.audience if self.audience != STAFF else f"staff ({roles})"
        return f"{text}; record rule: {self.record}" if self.record else text


def public() -> Rule:
    return Rule(PUBLIC)


def referee() -> Rule:
    return Rule(REFEREE)


def link() -> Rule:
    return Rule(LINK)


def signed_in(*, before_second_factor: bool = False) -> Rule:
    return Rule(SIGNED_IN, record=SELF, before_second_factor=before_second_factor)


def staff(*role_sets: Iterable[str], record: str | None = None) -> Rule:
    roles = frozenset().union(*[frozenset(r) for r in role_sets]) if role_sets else ALL_STAFF
    return Rule(STAFF, frozenset(RoleKey(r) for r in roles), record)


# Every endpoint of the app. Keep it sorted by blueprint; one line per endpoint.
POLICY: dict[str, Rule] = {
    "static": public(),
    # public pages and the enquiry journey
    "pages.accessibility": public(),
    "pages.privacy": public(),
    "pages.cookies": public(),
    "enquiry.start": public(),
    "enquiry.question": public(),
    "enquiry.person": public(),
    "enquiry.remove_person": public(),
    "enquiry.check_answers": public(),
    "enquiry.confirmation": public(),
    # referees: the single-use link is the key
    "checks.reference_form": referee(),
    "checks.reference_sent": public(),
    # signing in and the account's own settings
    "auth.sign_in": public(),
    "auth.second_factor": public(),  # the password was right; the view checks the code
    "auth.recovery_code": public(),
    "auth.sign_out": public(),
    "auth.keep_alive": signed_in(before_second_factor=True),
    "auth.home": signed_in(),
    "auth.account": signed_in(before_second_factor=True),
    "auth.set_up_second_factor": signed_in(before_second_factor=True),
    "auth.new_recovery_codes": signed_in(),
    "auth.turn_off_second_factor": signed_in(),
    "auth.change_password": signed_in(before_second_factor=True),
    "auth.sign_out_everywhere": signed_in(before_second_factor=True),
    "auth.set_password": link(),
    # enquiries inbox
    "inbox.index": staff(FOSTERING_TEAM),
    "inbox.detail": staff(FOSTERING_TEAM),
    # cases
    "cases.board": staff(CASE_READERS),
    "cases.my_work": staff(CASE_READERS),
    "cases.case": staff(CASE_READERS, record=CASE),
    "cases.move": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.add_note": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.add_task": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.task_done": staff(CASE_READERS, record=TASK),
    "cases.allocation": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.child_details": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.oversight": staff(MANAGERS, record=CASE_CHANGE),
    "cases.open_case": staff(FOSTERING_TEAM),  # as the inbox: who may read the enquiry
    "cases.new_referral": staff(CASE_READERS),
    # checks and references
    "checks.team": staff(CASE_READERS),
    "checks.case_checks": staff(CASE_READERS, record=CASE),
    "checks.check": staff(CASE_READERS, record=CASE),
    "checks.upload": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.document": staff(CASE_READERS, record=CASE),
    "checks.renew": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.person": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.address": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.remove_address": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.details": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.edit_referee": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.referee": staff(CASE_READERS, record=CASE),
    "checks.invite": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.withdraw": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.interview": staff(CASE_READERS, record=CASE_CHANGE),
    # audit trail
    "audit.search": staff(ADMINISTRATORS),
    "audit.export": staff(ADMINISTRATORS),
    "audit.case_viewers": staff(CASE_READERS, record=CASE),
    # administration
    "settings.edit": staff(ADMINISTRATORS),
    "staff.index": staff(ADMINISTRATORS),
    "staff.invite": staff(ADMINISTRATORS),
    "staff.edit": staff(ADMINISTRATORS),
    "staff.deactivate": staff(ADMINISTRATORS),
    "staff.reactivate": staff(ADMINISTRATORS),
    "staff.reset_second_factor": staff(ADMINISTRATORS),
    "staff.invite_again": staff(ADMINISTRATORS),
    # scheduled jobs and the outbox
    "scheduler.jobs": staff(ADMINISTRATORS),
    "scheduler.messages": staff(ADMINISTRATORS),
    "scheduler.resend_message": staff(ADMINISTRATORS),
    "scheduler.correct_address": staff(ADMINISTRATORS),
    # visits
    "visits.case_visits": staff(CASE_READERS, record=CASE_VISITS),
    "visits.book": staff(CASE_READERS, record=CASE_CHANGE),
    "visits.visit": staff(CASE_READERS, record=VISIT),
    "visits.visit_calendar": staff(CASE_READERS, record=VISIT),
    "visits.rearrange": staff(CASE_READERS, record=VISIT_CHANGE),
    "visits.cancel": staff(CASE_READERS, record=VISIT_CHANGE),
    "visits.write_up": staff(CASE_READERS, record=VISIT_CHANGE),
    "visits.diary": staff(CASE_READERS),  # the view lets managers pick one of their staff
    "visits.calendar_feed": staff(CASE_READERS),  # the account's own feed
    "visits.revoke_calendar_feed": staff(CASE_READERS),
    "visits.feed": link(),  # the feed's secret address is the key; the view checks it
    # assessment reports
    "reports.editor": staff(CASE_READERS, record=CASE),
    "reports.pdf": staff(CASE_READERS, record=CASE),
    "reports.save": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.autosave": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.recommendation": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.comments": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.add_training": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.remove_training": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.sign_off": staff(MANAGERS, record=CASE_CHANGE),
    "reports.new_version": staff(CASE_READERS, record=CASE_CHANGE),
    # panel: the panel administrator's pages
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
    # panel: members' own pages (any role; being on the panel list is what counts)
    "panel.my_meetings": staff(record=PANEL_MEMBERSHIP),
    "panel.my_meeting": staff(record=PANEL_MEETING),
    "panel.pack": staff(record=PANEL_MEETING),
    "panel.report": staff(record=PANEL_MEETING),
    "panel.recommendation": staff(record=PANEL_CHAIR),
    "panel.minutes": staff(record=PANEL_MINUTES),
    # panel: the agency decision
    "panel.decisions": staff(DECISION_MAKERS),
    "panel.decide": staff(DECISION_MAKERS, record=CASE),
    "panel.letter": staff(CASE_READERS, record=DECISION),
    "panel.letter_pdf": staff(CASE_READERS, record=DECISION),
}


# --- record rules ---

RecordRule = Callable[[object, dict], bool]
RECORD_RULES: dict[str, RecordRule] = {}


def record_rule(name: str):
    """Register ``fn(user, view_args) -> bool`` as the record rule called ``name``."""

    def decorator(fn: RecordRule) -> RecordRule:
        RECORD_RULES[name] = fn
        return fn

    return decorator


@record_rule(CASE)
def _case(user, args) -> bool:
    from carers.cases.access import can_read
    from carers.cases.models import Household
    from carers.extensions import db

    household = db.session.scalar(db.select(Household).where(
        Household.reference == str(args.get("reference", ""))))
    if household is None:
        abort(404)
    return can_read(user, household)


@record_rule(CASE_CHANGE)
def _case_change(user, args) -> bool:
    from carers.cases.access import can_change
    from carers.cases.models import Household
    from carers.extensions import db

    household = db.session.scalar(db.select(Household).where(
        Household.reference == str(args.get("reference", ""))))
    if household is None:
        abort(404)
    return can_change(user, household)


@record_rule(TASK)
def _task(user, args) -> bool:
    from carers.cases.access import can_read
    from carers.cases.models import Task
    from carers.extensions import db

    task = db.session.get(Task, args.get("task_id"))
    if task is None:
        abort(404)
    return task.owner_id == user.id or can_read(user, task.household)


@record_rule(SELF)
def _self(user, args) -> bool:
    return True  # the account's own pages act only on the signed-in account


@record_rule(CASE_VISITS)
def _case_visits(user, args) -> bool:
    from carers.cases.views import get_case
    from carers.visits.access import can_see_case_visits

    return can_see_case_visits(user, get_case(str(args.get("reference", ""))))


@record_rule(VISIT)
def _visit(user, args) -> bool:
    from carers.visits.access import may_see_visit

    return may_see_visit(user, args.get("visit_id"))


@record_rule(VISIT_CHANGE)
def _visit_change(user, args) -> bool:
    from carers.visits.access import may_change_visit

    return may_change_visit(user, args.get("visit_id"))


@record_rule(PANEL_MEMBERSHIP)
def _panel_membership(user, args) -> bool:
    from carers.panel.access import membership

    return membership(user) is not None


# A meeting a member may not open answers 404, as if it did not exist.
@record_rule(PANEL_MEETING)
def _panel_meeting(user, args) -> bool:
    from carers.panel.access import may_open_meeting

    return may_open_meeting(user, args.get("meeting_id"))


@record_rule(PANEL_CHAIR)
def _panel_chair(user, args) -> bool:
    from carers.panel.access import may_record_recommendation

    return may_record_recommendation(user, args.get("meeting_id"))


@record_rule(PANEL_MINUTES)
def _panel_minutes(user, args) -> bool:
    from carers.panel.access import may_write_minutes

    return may_write_minutes(user, args.get("meeting_id"))


@record_rule(MEETING)
def _meeting(user, args) -> bool:
    from carers.panel.access import meeting_exists

    meeting_exists(args.get("meeting_id"))
    return True  # panel administrators manage every meeting


@record_rule(AGENDA_ITEM)
def _agenda_item(user, args) -> bool:
    from carers.extensions import db
    from carers.panel.models import AgendaItem

    item = db.session.get(AgendaItem, args.get("item_id"))
    if item is None or item.meeting_id != args.get("meeting_id"):
        abort(404)
    return True


@record_rule(PANEL_MEMBER)
def _panel_member(user, args) -> bool:
    from carers.extensions import db
    from carers.panel.models import PanelMember

    if db.session.get(PanelMember, args.get("member_id")) is None:
        abort(404)
    return True


@record_rule(DECISION)
def _decision(user, args) -> bool:
    from carers.cases.access import can_read
    from carers.cases.models import Household
    from carers.extensions import db
    from carers.panel.models import PanelDecision

    decision = db.session.get(PanelDecision, args.get("decision_id"))
    if decision is None:
        abort(404)
    return can_read(user, db.session.get(Household, decision.household_id))


# --- asking the policy ---

def rule_for(endpoint: str | None) -> Rule | None:
    if not endpoint:
        return None
    if has_app_context():
        extra = current_app.extensions.get("access_policy", {})
        if endpoint in extra:
            return extra[endpoint]
    return POLICY.get(endpoint)


def add_rule(app, endpoint: str, rule: Rule) -> None:
    """A rule for one app only (a route a test adds to its own app)."""
    app.extensions.setdefault("access_policy", {})[endpoint] = rule


def may_use(user, endpoint: str, view_args: dict | None = None) -> bool:
    """Whether ``user`` (possibly anonymous) may use ``endpoint`` with these arguments."""
    rule = rule_for(endpoint)
    if rule is None:
        return False
    if rule.audience in (PUBLIC, REFEREE, LINK):
        return True
    if not user.is_authenticated:
        return False
    if rule.audience == STAFF and not user.has_role(*rule.roles):
        return False
    try:
        return not rule.record or RECORD_RULES[rule.record](user, view_args or {})
    except NotFound:  # no such record, or one hidden from this user (a panel meeting)
        return False


# Called before each request by the pending-second-factor check (sign-in hardening): returns
# a response to send instead, or None. Set by carers.auth.views.
second_factor_gate: Callable[[Rule], object] | None = None


def enforce():
    """Before every request: refuse what the policy does not allow."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no such page: routing answers 404 or 405
    rule = rule_for(endpoint)
    if rule is None:
        abort(403)  # a route nobody has written a policy for is open to no one
    if rule.audience in (PUBLIC, REFEREE, LINK):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if second_factor_gate is not None:
        response = second_factor_gate(rule)
        if response is not None:
            return response
    if rule.audience == STAFF and not current_user.has_role(*rule.roles):
        abort(403)
    if rule.record and not RECORD_RULES[rule.record](current_user, request.view_args or {}):
        abort(403)
    return None


def init_app(app):
    # Registered before CSRFProtect's check, so refusals come first.
    app.before_request(enforce)
