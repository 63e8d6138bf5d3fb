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


# Roles that work across the whole agency rather than in one team.
AGENCY_WIDE = {RoleKey.ADMINISTRATOR, RoleKey.AGENCY_DECISION_MAKER, RoleKey.PANEL_ADMINISTRATOR}

# Other features add rules that open a case to more people, each ``fn(user, household) ->
# bool`` (the panel: members of a meeting with the case on its agenda, during the access
# period).
EXTRA_READERS: list = []


def same_team(user, household) -> bool:
    """Teams apply when both the case and the person have one (a one-team agency has none)."""
    return household.team_id is None or user.team_id is None or \
        household.team_id == user.team_id


def can_read(user, household, settings=None) -> bool:
    """Who may see a case: those who may change it; staff working agency-wide; other staff of
    the case's team, read-only, when the agency's settings allow it; and any extra rule."""
    if user.has_role(*CASE_READERS):
        if can_change(user, household) or user.has_role(*AGENCY_WIDE):
            return True
        if settings is None:
            from carers.settings.registry import agency_settings

            settings = agency_settings()
        if settings.get("team_read_access", True) and same_team(user, household):
            return True
    return any(rule(user, household) for rule in EXTRA_READERS)


def readable_cases(user, settings=None):
    """The cases ``user`` may read, as a condition on Household for lists (None: every case).
    The same rule as ``can_read``, for the pipeline board's queries."""
    from sqlalchemy import or_, select

    from carers.cases.models import Household, case_worker

    if user.has_role(*AGENCY_WIDE):
        return None
    if settings is None:
        from carers.settings.registry import agency_settings

        settings = agency_settings()
    allocated = Household.id.in_(select(case_worker.c.household_id)
                                 .where(case_worker.c.user_id == user.id))
    team_wide = settings.get("team_read_access", True) or user.has_role(RoleKey.TEAM_MANAGER)
    if not team_wide:
        return allocated
    if user.team_id is None:
        return None if settings.get("team_read_access", True) else or_(
            Household.team_id.is_(None), allocated)
    return or_(Household.team_id.is_(None), Household.team_id == user.team_id, allocated)
