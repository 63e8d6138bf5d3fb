"""Who may see and change a case's visits. Both follow the case (carers.cases.access): whoever
may read the case sees its visits, and whoever may change it changes them. Anyone attending a
visit may also see and change that visit."""

from carers.cases.access import CASE_READERS, can_change, can_read

VISIT_READERS = CASE_READERS


def can_see_case_visits(user, household) -> bool:
    return can_read(user, household)


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
