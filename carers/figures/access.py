"""Who reads the recruitment figures: team managers (their own team's), the service manager
and the agency decision maker (the whole agency)."""

from werkzeug.exceptions import Forbidden

from carers.auth.policy import staff
from carers.auth.roles import FIGURE_READERS, RoleKey

ROUTES = {
    "figures.dashboard": staff(FIGURE_READERS),
    "figures.dashboard_download": staff(FIGURE_READERS),
    "figures.cases": staff(FIGURE_READERS),
    "figures.cases_download": staff(FIGURE_READERS),
    "figures.ofsted": staff(FIGURE_READERS),
    "figures.ofsted_download": staff(FIGURE_READERS),
    "figures.ofsted_gaps": staff(FIGURE_READERS),
}


def sees_every_team(user) -> bool:
    return user.has_role(RoleKey.SERVICE_MANAGER, RoleKey.AGENCY_DECISION_MAKER)


def team_for(user, requested: int | None) -> int | None:
    """The team whose figures ``user`` reads: any they ask for (None: every team) if they
    see every team; otherwise their own, and asking for another is refused."""
    if sees_every_team(user):
        return requested
    if requested is not None and requested != user.team_id:
        raise Forbidden("You can only see your own team's figures.")
    return user.team_id if user.team_id is not None else -1  # in no team: nothing
