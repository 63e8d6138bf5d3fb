"""The household's people who sign in (or could), with where their invitation stands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carers.applicants import operations, rules
from carers.applicants.models import Applicant
from carers.cases.models import Household, HouseholdMember
from carers.core.dates import today
from carers.extensions import db


@dataclass(frozen=True)
class Invitee:
    member: HouseholdMember | None
    name: str
    role: str | None  # "applicant", "adult", or None when they cannot be invited
    account: Applicant | None
    why_not: str | None  # why they cannot be invited, in plain words

    @property
    def role_label(self) -> str:
        if self.role == Applicant.APPLICANT:
            return "Joint applicant"
        return "Adult in the household"

    @property
    def state(self) -> str:
        if self.account is None:
            return "Not invited"
        if not self.account.active:
            return "Account closed"
        if self.account.last_sign_in_at is not None:
            return "Signed in"
        return "Invited"


def invitees(household: Household) -> list[Invitee]:
    """The joint applicants and the other adults who live in the household (and anyone of
    unknown age living there, who might be one), with their accounts."""
    on = today()
    accounts = list(db.session.scalars(select(Applicant)
                                       .where(Applicant.household_id == household.id)
                                       .order_by(Applicant.id)))
    by_member = {a.member_id: a for a in accounts if a.member_id is not None}
    people = []
    for member in household.members:
        adult = rules.is_adult(member.date_of_birth, member.age_at_enquiry, on)
        role = rules.invited_role(member.is_applicant, member.lives_in_household, adult)
        maybe = member.lives_in_household and adult is None
        if role is None and not maybe and member.id not in by_member:
            continue  # a child, or someone who lives elsewhere: not invited
        people.append(Invitee(member, member.name, role, by_member.get(member.id),
                              operations.member_refusal(member, on)))
    people += [Invitee(None, a.name, a.role, a, None) for a in accounts if a.member_id is None]
    return people


def get_member(household: Household, member_id: int) -> HouseholdMember:
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.household_id != household.id:
        raise NotFound()
    return member
