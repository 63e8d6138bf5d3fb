"""The register's rows: every household approved in full or temporarily, with the decision
that approved it (its terms), in two queries a page (the count and the page)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from carers.cases.models import Household
from carers.panel.models import PanelDecision
from carers.pipeline import Pathway, Stage
from carers.register.rules import Approval, Entry, Status, entry

PATHWAYS = tuple(p.value for p in Pathway)
STATUSES = tuple(s.value for s in Status)


@dataclass(frozen=True)
class Filters:
    pathway: str | None = None
    status: str | None = None


def _latest_approvals():
    """Each household's latest decision to approve (a household is approved once, but a
    decision may be recorded again after a referral back)."""
    return (select(PanelDecision.household_id, func.max(PanelDecision.id).label("id"))
            .where(PanelDecision.kind == PanelDecision.APPROVE)
            .group_by(PanelDecision.household_id).subquery())


def register_query(filters: Filters):
    """(rows, count) queries: each row is a Household and its approving decision, or None
    for a temporary approval."""
    latest = _latest_approvals()
    approved = Household.stage == Stage.APPROVED.value
    temporary = and_(Household.stage != Stage.APPROVED.value,
                     Household.reg24_approved_on.is_not(None))
    conditions = [or_(approved, temporary)]
    if filters.pathway in PATHWAYS:
        conditions.append(Household.pathway == filters.pathway)
    if filters.status == Status.APPROVED:
        conditions.append(approved)
    elif filters.status == Status.TEMPORARY:
        conditions.append(and_(temporary, Household.reg24_ended_on.is_(None)))
    elif filters.status == Status.ENDED:
        conditions.append(and_(temporary, Household.reg24_ended_on.is_not(None)))
    rows = (select(Household, PanelDecision)
            .outerjoin(latest, latest.c.household_id == Household.id)
            .outerjoin(PanelDecision, PanelDecision.id == latest.c.id)
            .where(*conditions)
            .order_by(func.coalesce(Household.decided_on, Household.reg24_approved_on).desc(),
                      Household.reference))
    count = select(func.count()).select_from(Household).where(*conditions)
    return rows, count


def register_entry(household: Household, settings) -> Entry:
    return entry(Approval(
        approved=household.stage == Stage.APPROVED.value, decided_on=household.decided_on,
        first_review_on=household.first_review_on,
        reg24_approved_on=household.reg24_approved_on,
        reg24_ended_on=household.reg24_ended_on,
        reg24_extension_weeks=household.reg24_extension_weeks), settings)
