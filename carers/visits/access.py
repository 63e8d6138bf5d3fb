"""Who may see and change a case's visits. Changing follows the case (its allocated workers,
their team manager, administrators); seeing also admits the case's own team and anyone
attending the visit. Staff outside the case's team see nothing."""

from carers.auth.roles import RoleKey
from carers.cases.access import CASE_READERS, can_change

VISIT_READERS = CASE_READERS


def can_see_case_visits(user, household) -> bool:
    if can_change(user, household):
        return True
    if user.has_role(RoleKey.AGENCY_DECISION_MAKER):
        return True
    return household.team_id is not None and household.team_id == user.team_id


def can_see_visit(user, visit) -> bool:
    return (can_see_case_visits(user, visit.household)
            or any(worker.id == user.id for worker in visit.workers))


def can_change_visit(user, visit) -> bool:
    return can_change(user, visit.household) or any(w.id == user.id for w in visit.workers)


# --- the access policy's record rules (carers.auth.policy) ---

def _visit(visit_id):
    from carers.visits.views import get_visit

    return get_visit(visit_id)  # 404 when there is no such visit


def may_see_visit(user, visit_id) -> bool:
    return can_see_visit(user, _visit(visit_id))


def may_change_visit(user, visit_id) -> bool:
    return can_change_visit(user, _visit(visit_id))
