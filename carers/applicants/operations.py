"""Applicants' state changes: sign-in codes, sessions and invitations. One transaction each.

A sign-in code is six random digits, emailed through the outbox, kept only as a keyed hash,
good for CODE_MINUTES and once, and dead after MAX_WRONG_TRIES wrong tries; asking for a new
one kills the older ones. Code requests are counted per email address and per network
address (carers.auth.throttle), whether or not the address has an account, and the answer
is the same either way: nothing says which addresses have accounts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from carers.applicants import hooks, rules, sessions
from carers.applicants.models import Applicant, ApplicantSession, SignInCode
from carers.audit.operations import record as audit
from carers.auth import throttle
from carers.cases.models import Household, HouseholdMember
from carers.cases.operations import _event
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import today, utcnow
from carers.extensions import db
from carers.notifications.operations import public_url, queue_email
from carers.settings.registry import agency_settings

# The kind of the line an invitation puts on the case's timeline.
INVITATION = "invitation"
CODES = "applicant-codes"  # code requests, per email address
NETWORK = "applicant-network"  # code requests and refused codes, per network address


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _period() -> timedelta:
    return timedelta(minutes=current_app.config["APPLICANT_SIGN_IN_PERIOD_MINUTES"])


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> Applicant | None:
    return db.session.scalar(select(Applicant).where(Applicant.email == normal_email(email)))


# --- sign-in codes ---

class TooManyCodes(Refusal):
    """This email address has asked for as many codes as it may for now."""

    status = 429

    def __init__(self, wait_seconds: int):
        super().__init__(f"You have asked for a code too many times. Wait "
                         f"{_minutes(wait_seconds)}, then ask for a new code.")


def network_wait(address: str | None) -> int:
    """Seconds this network address must wait before asking for or entering a code (0: none)."""
    return throttle.wait(NETWORK, address)


def _code_hash(applicant_id: int, code: str) -> str:
    # Keyed with the app's secret: a copy of the database alone gives no code away, and six
    # digits hashed without a key would be read back by trying all million.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{applicant_id}:{code}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10 ** rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}"


def request_code(email: str, address: str | None, now: datetime | None = None) -> None:
    """Email a new sign-in code to ``email`` if it is an active applicant's, killing any older
    code; counted against the email address and the network address either way."""
    now = now or utcnow()
    email = normal_email(email)
    config = current_app.config
    with transaction():
        wait = throttle.wait(CODES, email, now)
        if wait:
            raise TooManyCodes(wait)
        throttle.hit(NETWORK, address, config["APPLICANT_SIGN_IN_PER_NETWORK"], _period(), now)
        throttle.hit(CODES, email, config["APPLICANT_CODES_PER_ADDRESS"], _period(), now)
        applicant = find_by_email(email)
        if applicant is None or not applicant.active:
            return  # the same answer: "we have sent a code if ..."
        db.session.execute(update(SignInCode)
                           .where(SignInCode.applicant_id == applicant.id,
                                  SignInCode.used_at.is_(None), SignInCode.expires_at > now)
                           .values(expires_at=now))
        code = new_code()
        row = SignInCode(applicant_id=applicant.id, code_hash=_code_hash(applicant.id, code),
                         created_at=now, expires_at=now + timedelta(minutes=rules.CODE_MINUTES))
        db.session.add(row)
        db.session.flush()
        queue_email(applicant.email, "applicant_sign_in_code", f"applicant-code:{row.id}",
                    applicant=applicant, code=code, minutes=rules.CODE_MINUTES,
                    sign_in=public_url("applicants.sign_in"), settings=agency_settings())


class CodeNotAccepted(Refusal):
    """The code did not sign the person in: ``kind`` says why (one of the constants), and
    ``tries`` is how many wrong tries this code has had."""

    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    DEAD = "dead"  # too many wrong tries

    def __init__(self, kind: str, tries: int):
        self.kind, self.tries = kind, tries
        left = rules.MAX_WRONG_TRIES - tries
        message = {
            self.WRONG: (f"The code is not right. Check the email and try again: you can try "
                         f"{left} more time{'s' if left != 1 else ''} before you need a new "
                         "code."),
            self.EXPIRED: (f"The code has expired: codes work for {rules.CODE_MINUTES} "
                           "minutes. Ask for a new code."),
            self.USED: "This code has already been used. Ask for a new code.",
            self.DEAD: ("You have entered a wrong code too many times, so this code no longer "
                        "works. Ask for a new code."),
        }[kind]
        super().__init__(message)

    @property
    def needs_new_code(self) -> bool:
        return self.kind != self.WRONG


def _latest_code(applicant: Applicant) -> SignInCode | None:
    return db.session.scalar(select(SignInCode).where(SignInCode.applicant_id == applicant.id)
                             .order_by(SignInCode.id.desc()).limit(1).with_for_update())


def _without_code(requested_at: datetime, tries: int, now: datetime) -> CodeNotAccepted:
    """The answer when there is no live code to compare with (an address with no account, or
    a code already used): worked out from this browser's own request, as a real code's would
    be, so it says nothing about whether the address has an account."""
    if tries >= rules.MAX_WRONG_TRIES:
        return CodeNotAccepted(CodeNotAccepted.DEAD, tries)
    if now - requested_at > timedelta(minutes=rules.CODE_MINUTES):
        return CodeNotAccepted(CodeNotAccepted.EXPIRED, tries)
    tries += 1
    kind = CodeNotAccepted.DEAD if tries >= rules.MAX_WRONG_TRIES else CodeNotAccepted.WRONG
    return CodeNotAccepted(kind, tries)


def _check(applicant: Applicant | None, code: str, requested_at: datetime, tries: int,
           now: datetime) -> CodeNotAccepted | None:
    row = _latest_code(applicant) if applicant is not None and applicant.active else None
    if row is None:
        return _without_code(requested_at, tries, now)
    right = hmac.compare_digest(row.code_hash, _code_hash(applicant.id, code))
    if row.used_at is not None:
        return CodeNotAccepted(CodeNotAccepted.USED, tries) if right else \
            _without_code(requested_at, tries, now)
    if row.wrong_tries >= rules.MAX_WRONG_TRIES:
        return CodeNotAccepted(CodeNotAccepted.DEAD, row.wrong_tries)
    if now >= _aware(row.expires_at):
        return CodeNotAccepted(CodeNotAccepted.EXPIRED, row.wrong_tries)
    if right:
        row.used_at = now
        return None
    row.wrong_tries += 1
    kind = CodeNotAccepted.DEAD if row.wrong_tries >= rules.MAX_WRONG_TRIES else \
        CodeNotAccepted.WRONG
    return CodeNotAccepted(kind, row.wrong_tries)


def sign_in_with_code(email: str, code: str, address: str | None, *, requested_at: datetime,
                      tries: int, previous: ApplicantSession | None = None,
                      held: ApplicantSession | None = None,
                      now: datetime | None = None) -> Applicant:
    """Sign this browser in with the code sent to ``email``, or raise CodeNotAccepted (a wrong
    try is counted, and kept, either way). ``requested_at`` and ``tries`` are this browser's
    own request for a code, used when there is no code to compare with. A session this
    browser still had (``previous``) ends. A page this browser posted after a time-out
    (kept on ``held``) goes to the new session if it is the same person's."""
    now = now or utcnow()
    with transaction():
        applicant = find_by_email(email)
        refusal = _check(applicant, code, requested_at, tries, now)
        if refusal is not None:
            throttle.hit(NETWORK, address, current_app.config["APPLICANT_SIGN_IN_PER_NETWORK"],
                         _period(), now)
            audit("sign_in_failed", "applicant", applicant.id if applicant else None,
                  {"reason": refusal.kind})
        else:
            sessions.end(previous, "signed out", now)
            sessions.claim_held(held, sessions.start(applicant, now))
            applicant.last_sign_in_at = now
            throttle.clear(CODES, applicant.email)
            audit("sign_in", "applicant", applicant.id)
    if refusal is not None:
        raise refusal
    return applicant


# --- sessions ---

def sign_out(row: ApplicantSession | None) -> None:
    if row is None or row.ended_at is not None:
        return
    with transaction():
        sessions.end(row, "signed out")
        audit("sign_out", "applicant", row.applicant_id)


def end_idle_session(row: ApplicantSession, path: str | None = None,
                     fields: list[tuple[str, str]] | None = None) -> bool:
    """End a session that timed out. A page posted to it (``path`` and ``fields``) is kept
    for its person to see again once signed in: True when it was kept."""
    with transaction():
        sessions.end(row, "timed out")
        return bool(fields) and sessions.hold(row, path or "", fields)


def keep_posted(row: ApplicantSession, path: str, fields: list[tuple[str, str]]) -> bool:
    """A page posted to a session that has already timed out (from another tab)."""
    with transaction():
        return sessions.hold(row, path, fields)


def take_held(path: str) -> list[tuple[str, str]] | None:
    """The fields of ``path`` posted after a time-out, for the signed-in person to see again
    (once: they are cleared as they are shown), or None."""
    row = sessions.this_browser()
    if row is None or row.ended_at is not None or row.held_form is None \
            or row.held_path != path:
        return None
    fields = [(str(k), str(v)) for k, v in row.held_form]
    with transaction():
        row.held_path = row.held_form = None
    return fields


def touch_session(row: ApplicantSession) -> None:
    """Note that the session is in use (written now and then, not on every request)."""
    if sessions.touch(row):
        db.session.commit()


# --- invitations ---

class InvitationRefused(Refusal):
    """The household, or this person, cannot be invited (yet)."""


class EmailInUse(Refusal):
    message = ("This email address is already used by another applicant's account. Each "
               "person needs their own email address: ask them for another one.")


def invitation_refusal(household: Household) -> str | None:
    return rules.invitation_refusal(household.pathway, household.stage,
                                     household.initial_visit_on)


def member_role(member: HouseholdMember, on=None) -> str | None:
    adult = rules.is_adult(member.date_of_birth, member.age_at_enquiry, on or today())
    return rules.invited_role(member.is_applicant, member.lives_in_household, adult)


def member_refusal(member: HouseholdMember, on=None) -> str | None:
    """Why this member cannot be invited (None: they can)."""
    adult = rules.is_adult(member.date_of_birth, member.age_at_enquiry, on or today())
    if rules.invited_role(member.is_applicant, member.lives_in_household, adult) is not None:
        return None
    return rules.not_invitable(member.name, member.lives_in_household, adult)


def account_of(member: HouseholdMember) -> Applicant | None:
    return db.session.scalar(select(Applicant).where(Applicant.member_id == member.id))


def _send_invitation(applicant: Applicant, household: Household, user, now) -> None:
    applicant.invited_at = now
    applicant.invited_by_id = user.id
    queue_email(applicant.email, "applicant_invitation",
                f"applicant-invitation:{applicant.id}:{now.isoformat()}",
                applicant=applicant, household=household,
                kinship=household.pathway == "connected_person",
                joint=applicant.role == Applicant.APPLICANT,
                sign_in=public_url("applicants.sign_in"), minutes=rules.CODE_MINUTES,
                settings=agency_settings())


def _timeline(household: Household, user, summary: str, applicant: Applicant) -> None:
    _event(household, user, INVITATION, summary,
           details={"applicant_id": applicant.id, "role": applicant.role})


def invite(household: Household, member: HouseholdMember, email: str, user,
           now: datetime | None = None) -> Applicant:
    """Invite one person of the household to apply (a joint applicant) or to give their own
    details and consents (another adult): their account, the invitation email, a line on
    the case's timeline and the audit entry, together."""
    now = now or utcnow()
    email = normal_email(email)
    reason = invitation_refusal(household) or member_refusal(member)
    if reason:
        raise InvitationRefused(reason)
    if account_of(member) is not None:
        raise InvitationRefused(f"{member.name} has already been invited. Send the invitation "
                                "again from the invitations page if they need it.")
    try:
        with transaction():
            if find_by_email(email) is not None:
                raise EmailInUse
            applicant = Applicant(household_id=household.id, member_id=member.id,
                                  role=member_role(member), name=member.name, email=email)
            db.session.add(applicant)
            db.session.flush()
            hooks.invited(applicant)
            _send_invitation(applicant, household, user, now)
            role = "joint applicant" if applicant.role == Applicant.APPLICANT else "adult"
            _timeline(household, user,
                      f"{member.name} invited to sign in as a {role} by {user.name}", applicant)
            audit("create", "applicant", applicant.id,
                  {"household": household.reference, "role": applicant.role}, user=user)
    except IntegrityError:
        # Another invitation took the address (or this person) a moment ago.
        raise EmailInUse from None
    return applicant


def resend_invitation(household: Household, member: HouseholdMember, user,
                      now: datetime | None = None) -> Applicant:
    now = now or utcnow()
    applicant = account_of(member)
    if applicant is None:
        raise InvitationRefused(f"{member.name} has not been invited yet.")
    reason = invitation_refusal(household)
    if reason:
        raise InvitationRefused(reason)
    with transaction():
        _send_invitation(applicant, household, user, now)
        _timeline(household, user, f"Invitation sent again to {member.name} by {user.name}",
                  applicant)
        audit("update", "applicant", applicant.id, {"invitation_resent": True}, user=user)
    return applicant
