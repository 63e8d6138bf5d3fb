"""What the applicant's own pages read: their household's progress, its upcoming visits, the
checks still to come in and the requests they have made. Everything starts from the
signed-in applicant's household; nothing takes a household from the URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.application.queries import outstanding_tasks
from carers.cases.models import CaseEvent, Household, HouseholdMember
from carers.cases.state import case_state
from carers.checks.ledger import case_ledger
from carers.checks.models import Address
from carers.core.dates import today, utcnow
from carers.corrections.queries import household_disputes
from carers.extensions import db
from carers.pipeline import PRE_APPLICATION_STAGES, Pathway, Stage
from carers.portal import words
from carers.reports.document import shared_report
from carers.settings.registry import agency_settings
from carers.visits.models import Visit
from carers.visits.queries import get_visit

# The case timeline's kind for what the household tells the team from their own pages.
APPLICANT_EVENT = "applicant"
REARRANGE = "rearrange_visit"
# Before these stages no checks have started: listing them all as "to come" would alarm.
BEFORE_CHECKS = frozenset({Stage.ENQUIRY, Stage.INITIAL_CONTACT, Stage.INITIAL_VISIT,
                           Stage.REFERRAL})


@dataclass
class Progress:
    household: Household
    pathway: Pathway
    stage: Stage
    words: words.StageWords
    step: tuple[int, int] | None
    when: list[str]
    tasks: list = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    asked: dict[int, date] = field(default_factory=dict)  # visit id -> asked to rearrange on
    checks: list[str] = field(default_factory=list)
    checks_done: int = 0

    @property
    def ended(self) -> bool:
        return self.stage.is_closed

    @property
    def before_application(self) -> bool:
        return self.stage in PRE_APPLICATION_STAGES


def household_of(applicant) -> Household:
    household = db.session.get(Household, applicant.household_id)
    if household is None:
        raise NotFound()
    return household


def is_ended(household: Household) -> bool:
    """The case has closed (withdrawn, refused or closed before applying): their pages are
    read-only from then on."""
    return Stage(household.stage).is_closed


def tasks_to_do(applicant) -> list:
    """The application's tasks this applicant still has to do (their own, not completed),
    each with its title, status and link, from the application feature."""
    return outstanding_tasks(applicant)


def upcoming_visits(household: Household) -> list[Visit]:
    """The household's booked visits still to come, soonest first, with their workers."""
    return list(db.session.scalars(
        select(Visit).where(Visit.household_id == household.id,
                            Visit.status.in_(Visit.ACTIVE), Visit.ends_at >= utcnow())
        .options(selectinload(Visit.workers)).order_by(Visit.starts_at, Visit.id)))


def is_upcoming(visit: Visit) -> bool:
    """Booked (or rearranged) and not over yet: a visit the household may ask to move."""
    ends = visit.starts_at_utc + timedelta(minutes=visit.duration_minutes)
    return visit.is_active and ends >= utcnow()


def own_visit(applicant, visit_id) -> Visit:
    """One of the applicant's household's visits; NotFound for any other."""
    visit = get_visit(visit_id)
    if visit.household_id != applicant.household_id:
        raise NotFound()
    return visit


def applicant_requests(household: Household) -> list[CaseEvent]:
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.household_id == household.id,
                                CaseEvent.kind == APPLICANT_EVENT)
        .order_by(CaseEvent.at, CaseEvent.id)))


def rearrange_requests(household: Household) -> dict[int, date]:
    """The visits the household asked to rearrange, and the day they last asked."""
    asked = {}
    for event in applicant_requests(household):
        details = event.details or {}
        if details.get("request") == REARRANGE and details.get("visit_id"):
            asked[int(details["visit_id"])] = event.happened_on
    return asked


def outstanding_checks(household: Household, applicant, on: date, settings) -> tuple[list, int]:
    """The checks still to come in, in plain words, and how many are done (no outcomes)."""
    ledger = case_ledger(household, on, settings)
    lines, done = [], 0
    for entry in ledger.current:
        state = entry.state
        if not state.required or state.superseded:
            continue
        person = entry.required.person_id if entry.required else (
            entry.row.member_id if entry.row else None)
        own = applicant.member_id is not None and person == applicant.member_id
        if not (own or applicant.is_joint_applicant):
            continue  # another adult of the household sees only their own checks
        line = words.check_line(state, on, own)
        if line is None:
            done += 1
        else:
            lines.append(line)
    return lines, done


def progress(applicant) -> Progress:
    household = household_of(applicant)
    on, settings = today(), agency_settings()
    case = case_state(household)
    stage = Stage(household.stage)
    result = Progress(
        household=household, pathway=case.pathway, stage=stage,
        words=words.stage_words(case.pathway, stage), step=words.step_of(case.pathway, stage),
        when=words.clock_lines(case, on, settings) if stage.is_open else [],
    )
    if stage.is_closed:
        return result
    result.tasks = tasks_to_do(applicant)
    result.visits = upcoming_visits(household)
    result.asked = rearrange_requests(household)
    if stage not in BEFORE_CHECKS:
        result.checks, result.checks_done = outstanding_checks(household, applicant, on,
                                                               settings)
    return result


def people_living_there(household: Household) -> list[HouseholdMember]:
    return [m for m in household.members if m.lives_in_household is not False]


def current_addresses(household: Household) -> list[Address]:
    return list(db.session.scalars(
        select(Address).where(Address.household_id == household.id, Address.lived_to.is_(None))
        .order_by(Address.id)))


def disputes_shown(household: Household) -> list:
    """The household's disputes about records its applicants can see: their people's details,
    their contact details, the case, and the assessment report once it is shared with them."""
    people = {m.id for m in people_living_there(household)}
    shared = shared_report(household.id) is not None
    return [d for d in household_disputes(household.id)
            if (d.object_type == "household_member" and d.object_id in people)
            or (d.object_type == "household"
                and (d.field != "assessment_report" or shared))]
