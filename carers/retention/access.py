"""Who reviews retention and holds records: the records officers (team managers, the service
manager and the information governance officer), agency-wide. Recording the end of a
household's approval is a manager's, on a case they may change."""

from carers.auth.policy import staff
from carers.auth.roles import RECORDS_OFFICERS, RoleKey
from carers.cases.access import CASE_CHANGE

APPROVAL_ENDERS = frozenset({RoleKey.TEAM_MANAGER, RoleKey.SERVICE_MANAGER})

ROUTES = {
    "retention.review": staff(RECORDS_OFFICERS),
    "retention.confirm": staff(RECORDS_OFFICERS),
    "retention.delete": staff(RECORDS_OFFICERS),
    "retention.holds": staff(RECORDS_OFFICERS),
    "retention.new_hold": staff(RECORDS_OFFICERS),
    "retention.lift_hold": staff(RECORDS_OFFICERS),
    "retention.approval_ended": staff(APPROVAL_ENDERS, record=CASE_CHANGE),
}
