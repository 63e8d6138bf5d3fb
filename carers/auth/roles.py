"""Staff roles. Held in the database (seeded by migration); these are their keys."""

from enum import StrEnum


class RoleKey(StrEnum):
    RECRUITMENT_OFFICER = "recruitment_officer"
    ASSESSING_SOCIAL_WORKER = "assessing_social_worker"
    SUPERVISING_SOCIAL_WORKER = "supervising_social_worker"
    TEAM_MANAGER = "team_manager"
    SERVICE_MANAGER = "service_manager"
    PANEL_ADMINISTRATOR = "panel_administrator"
    PANEL_MEMBER = "panel_member"
    AGENCY_DECISION_MAKER = "agency_decision_maker"
    ADMINISTRATOR = "administrator"
    INFORMATION_GOVERNANCE = "information_governance"


ROLE_NAMES = {
    RoleKey.RECRUITMENT_OFFICER: "Recruitment officer",
    RoleKey.ASSESSING_SOCIAL_WORKER: "Assessing social worker",
    RoleKey.SUPERVISING_SOCIAL_WORKER: "Supervising social worker",
    RoleKey.TEAM_MANAGER: "Team manager",
    RoleKey.SERVICE_MANAGER: "Service manager",
    RoleKey.PANEL_ADMINISTRATOR: "Panel administrator",
    RoleKey.PANEL_MEMBER: "Panel member",
    RoleKey.AGENCY_DECISION_MAKER: "Agency decision maker",
    RoleKey.ADMINISTRATOR: "Administrator",
    RoleKey.INFORMATION_GOVERNANCE: "Information governance officer",
}

# Staff who work with enquiries and families day to day.
FOSTERING_TEAM = frozenset({
    RoleKey.RECRUITMENT_OFFICER,
    RoleKey.ASSESSING_SOCIAL_WORKER,
    RoleKey.SUPERVISING_SOCIAL_WORKER,
    RoleKey.TEAM_MANAGER,
    RoleKey.SERVICE_MANAGER,
    RoleKey.ADMINISTRATOR,
})

# The role sets that access rules are written with. Which records a role reaches is decided
# by each feature's record rules (its access.py).
ALL_STAFF = frozenset(RoleKey)
# Staff who see the pipeline and case pages at all.
CASE_READERS = FOSTERING_TEAM | {RoleKey.AGENCY_DECISION_MAKER, RoleKey.PANEL_ADMINISTRATOR}
MANAGERS = frozenset({RoleKey.TEAM_MANAGER, RoleKey.SERVICE_MANAGER, RoleKey.ADMINISTRATOR})
# Staff who work across the whole agency rather than in one team: the service manager runs
# every fostering team.
AGENCY_WIDE = frozenset({RoleKey.ADMINISTRATOR, RoleKey.AGENCY_DECISION_MAKER,
                         RoleKey.PANEL_ADMINISTRATOR, RoleKey.SERVICE_MANAGER})
# Who reads the recruitment figures and the Ofsted return: a team manager for their own
# team, the service manager and the agency decision maker for the whole agency.
FIGURE_READERS = frozenset({RoleKey.TEAM_MANAGER, RoleKey.SERVICE_MANAGER,
                            RoleKey.AGENCY_DECISION_MAKER})
ADMINISTRATORS = frozenset({RoleKey.ADMINISTRATOR})
PANEL_ADMINS = frozenset({RoleKey.PANEL_ADMINISTRATOR, RoleKey.ADMINISTRATOR})
DECISION_MAKERS = frozenset({RoleKey.AGENCY_DECISION_MAKER})
# Who keeps the records: reviews what is due for deletion (and holds it), answers subject
# access requests and reads the register of approved carers. Records work is agency-wide: the
# information governance officer is not part of any team and reads no case pages.
RECORDS_OFFICERS = frozenset({RoleKey.TEAM_MANAGER, RoleKey.SERVICE_MANAGER,
                              RoleKey.INFORMATION_GOVERNANCE})
# Who reads the register of approved carers (regulation 30): the records officers, and those
# who bring households to panel and decide on them.
REGISTER_READERS = RECORDS_OFFICERS | {RoleKey.AGENCY_DECISION_MAKER,
                                       RoleKey.PANEL_ADMINISTRATOR}
