"""The access policy: for every endpoint, who may use it and which records they may reach.

This is the one place access is enforced. Each feature declares the rule for each of its
routes once, in its own access.py (``ROUTES``), and the app factory hands them to
``declare``. ``enforce`` runs before every request (before CSRF checks, so a refused request
learns nothing more) and looks the endpoint up: an endpoint with no rule is refused to
everyone, and the access-matrix test fails. Auth knows no feature: it only runs the rules.

A route's rule in its feature's access.py::

    "visits.diary": staff(CASE_READERS),                  # staff roles only
    "visits.case_visits": staff(CASE_READERS, record=CASE_VISITS),  # and a record rule
    "panel.my_meeting": staff(record=PANEL_MEETING),  # any role; invited to the meeting
    "reports.pdf": staff(CASE_READERS, record=CASE),

A kind of record (a panel meeting, say) registers its rule once, beside its feature, with
``@record_rule("panel_meeting")`` on a function ``(user, view_args) -> bool`` that loads the
record from the URL's arguments, raises NotFound (404) when it does not exist and says
whether ``user`` may reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import abort, current_app, has_app_context, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from carers.auth.roles import ALL_STAFF, RoleKey

# Audiences
PUBLIC = "public"  # anyone, signed in or not
REFEREE = "referee"  # anyone holding a referee's single-use link (the view checks the token)
LINK = "link"  # anyone holding another single-use link (a staff invitation)
SIGNED_IN = "signed_in"  # any signed-in account, whatever its roles
STAFF = "staff"  # signed-in accounts holding one of the rule's roles
# A signed-in applicant (carers.applicants): never a staff account, and staff are never one.
# Their record rules take the applicant in place of the user.
APPLICANT = "applicant"

# The one record rule auth itself knows; features register theirs (see ``record_rule``).
SELF = "self"  # the signed-in account's own settings

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


def applicant(*, record: str | None = None) -> Rule:
    return Rule(APPLICANT, record=record)


def staff(*role_sets: Iterable[str], record: str | None = None) -> Rule:
    roles = frozenset().union(*[frozenset(r) for r in role_sets]) if role_sets else ALL_STAFF
    return Rule(STAFF, frozenset(RoleKey(r) for r in roles), record)


RecordRule = Callable[[object, dict], bool]
# Filled by the features: every endpoint's rule, and every record rule by name.
POLICY: dict[str, Rule] = {}
RECORD_RULES: dict[str, RecordRule] = {}


def record_rule(name: str):
    """Register ``fn(user, view_args) -> bool`` as the record rule called ``name``. It loads
    the record from the URL's arguments, raises NotFound when there is none (or it is hidden
    from ``user``) and says whether ``user`` may reach it."""

    def decorator(fn: RecordRule) -> RecordRule:
        if RECORD_RULES.get(name, fn) is not fn:
            raise ValueError(f"record rule {name!r} is declared twice")
        RECORD_RULES[name] = fn
        return fn

    return decorator


def declare(routes: dict[str, Rule]) -> None:
    """A feature's rules for its routes (its access.py ``ROUTES``). One rule per endpoint:
    declaring an endpoint again with another rule is a mistake and fails at start-up."""
    for endpoint, rule in routes.items():
        if POLICY.get(endpoint, rule) != rule:
            raise ValueError(f"access to {endpoint!r} is declared twice")
        if rule.record and rule.record not in RECORD_RULES:
            raise ValueError(f"{endpoint!r} names an unknown record rule {rule.record!r}")
        POLICY[endpoint] = rule


@record_rule(SELF)
def _self(user, args) -> bool:
    return True  # the account's own pages act only on the signed-in account


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
    if (rule.audience == APPLICANT) != bool(getattr(user, "is_applicant", False)):
        return False  # applicants' pages are for applicants only, and only theirs
    if rule.audience != APPLICANT and not user.is_authenticated:
        return False
    if rule.audience == STAFF and not user.has_role(*rule.roles):
        return False
    try:
        return not rule.record or RECORD_RULES[rule.record](user, view_args or {})
    except NotFound:  # no such record, or one hidden from this user (a panel meeting)
        return False


# The signed-in applicant for this request, or None: set by carers.applicants, which sits
# above auth. With nothing set, no one reaches an applicant's page.
applicant_loader: Callable[[], object | None] | None = None
# Where an applicant who is not signed in is sent (an endpoint taking ``next``).
APPLICANT_SIGN_IN = "applicants.sign_in"

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
    if rule.audience == APPLICANT:
        return _enforce_applicant(rule)
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


def _enforce_applicant(rule: Rule):
    person = applicant_loader() if applicant_loader is not None else None
    if person is None:
        return redirect(url_for(APPLICANT_SIGN_IN, next=request.full_path.rstrip("?")))
    if rule.record and not RECORD_RULES[rule.record](person, request.view_args or {}):
        abort(403)
    return None


def init_app(app):
    # Registered before CSRFProtect's check, so refusals come first.
    app.before_request(enforce)
