"""Who may see and change a case. Views ask here; they do not check roles themselves."""

from carers.auth.roles import FOSTERING_TEAM, RoleKey

# Roles that see the pipeline and case pages at all.
CASE_READERS = FOSTERING_TEAM | {RoleKey.AGENCY_DECISION_MAKER, RoleKey.PANEL_ADMINISTRATOR}
MANAGERS = {RoleKey.TEAM_MANAGER, RoleKey.ADMINISTRATOR}


def is_manager(user) -> bool:
    return user.has_role(*MANAGERS)


def can_change(user, household) -> bool:
    """The case's allocated workers, and managers of its team (administrators anywhere)."""
    if user.has_role(RoleKey.ADMINISTRATOR):
        return True
    if user.has_role(RoleKey.TEAM_MANAGER):
        return household.team_id is None or household.team_id == user.team_id
    return any(worker.id == user.id for worker in household.workers)
