"""Who may see and change a case's visits. Both follow the case (carers.cases.access): whoever
may read the case sees its visits, and whoever may change it changes them. Anyone attending a
visit may also see and change that visit."""

from carers.auth.policy import link, record_rule, staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE_CHANGE, can_change, can_read
from carers.cases.queries import get_case
from carers.visits.queries import get_visit


def can_see_case_visits(user, household) -> bool:
    return can_read(user, household)


def can_see_visit(user, visit) -> bool:
    return (can_see_case_visits(user, visit.household)
            or any(worker.id == user.id for worker in visit.workers))


def can_change_visit(user, visit) -> bool:
    return can_change(user, visit.household) or any(w.id == user.id for w in visit.workers)


# --- the access policy's record rules and the visit pages' routes ---

CASE_VISITS = "case_visits"  # the visits of the case named by <reference>
VISIT = "visit"  # the visit named by <visit_id>, seen
VISIT_CHANGE = "visit_change"  # the same visit, changed


@record_rule(CASE_VISITS)
def _may_see_case_visits(user, args) -> bool:
    return can_see_case_visits(user, get_case(args.get("reference", "")))


@record_rule(VISIT)
def _may_see_visit(user, args) -> bool:
    return can_see_visit(user, get_visit(args.get("visit_id")))


@record_rule(VISIT_CHANGE)
def _may_change_visit(user, args) -> bool:
    return can_change_visit(user, get_visit(args.get("visit_id")))


ROUTES = {
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
}
