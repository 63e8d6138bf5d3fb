"""A synthetic agency for demonstrations and manual testing (Faker en_GB, fixed seeds).

Northmoor's fostering service has two teams, staff in every role, a few hundred enquiries
and the cases opened from most of them, plus kinship referrals made by staff. Every case was
moved along the real pipeline: each stage change goes through
``carers.cases.operations.move`` with dated ``TransitionFacts``, so the guards, the clocks
and the case history are what the app would hold had the team recorded each step on the
day it happened. A case stops where its story reaches today.

Cases waiting for their Stage 1 decision have their Stage 1 checks and references recorded
in the checks ledger, which starts the decision clock. Older cases carry the date their last
Stage 1 item came in but not the checks themselves: recording every check through the
ledger's operations would make loading take minutes.

The same seed gives the same agency (names, references, stories); dates are relative to
today. Loading is done once: a marker account says the demo is already there.
"""

import math
import random
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker
from sqlalchemy import event, func, select, update

from carers.audit.operations import record as audit
from carers.auth.models import Role, User
from carers.auth.roles import ROLE_NAMES, RoleKey
from carers.cases import operations
from carers.cases.models import CaseEvent, Household, OversightRecord, Task, Team
from carers.cases.state import next_due
from carers.checks import operations as checks
from carers.checks.models import Check as CheckRow
from carers.checks.models import Referee as RefereeRow
from carers.clocks.statutory import PANEL_PAPERS_WORKING_DAYS, reg24_due
from carers.clocks.workdays import add_working_days, is_working_day
from carers.core.dates import LONDON, london, today, utcnow
from carers.demo.applicants import load_demo_applicants
from carers.demo.family import draw_family
from carers.demo.narratives import applicant_comments, report_terms, report_texts
from carers.enquiries import choices
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry, EnquiryPerson
from carers.enquiries.operations import open_case_from_enquiry
from carers.extensions import db
from carers.panel import operations as panel
from carers.panel.models import PanelMeeting
from carers.panel.rules import PanelRole
from carers.pipeline import (
    Action,
    ChildDetails,
    Pathway,
    Recommendation,
    Stage,
    TransitionFacts,
    TransitionRefused,
)
from carers.reports import operations as reports
from carers.reports.models import AssessmentReport, ReportSection
from carers.settings.registry import agency_settings
from carers.visits.demo import load_demo_visits

DEMO_PASSWORD = "demo-fostering-2026"  # noqa: S105 (published in the README)
# Every demo account has two-step sign in set up with this published key: add it to an
# authenticator app, or run `flask demo code` for the current code.
DEMO_TOTP_SECRET = "NORTHMOORFOSTERINGDEMOTWOSTEPKEY"  # noqa: S105 (published in the README)
MARKER_EMAIL = "admin@demo.carers.example"
HOUSEHOLDS = 300

RECRUITMENT_TEAM = "Recruitment and assessment"
KINSHIP_TEAM = "Kinship assessment"
# The senior officer who approves temporary approval and its extension (CPPCR regs 24, 25).
NOMINATED_OFFICER = "Helen Marsh, Head of Children's Placements"
# The enquiries each team takes, and the kinship team's own inbox for their alerts.
TEAM_INBOXES = {
    RECRUITMENT_TEAM: {"pathway": Pathway.MAINSTREAM.value},
    KINSHIP_TEAM: {"pathway": Pathway.CONNECTED_PERSON.value,
                   "email": "kinship.team@example.gov.uk"},
}

A = Action


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    roles: tuple[RoleKey, ...]
    team: str | None = None  # panel members and agency-wide roles belong to no team


def demo_staff() -> list[DemoPerson]:
    """Everyone who can sign in to the demo: one or more people in every role."""
    return [
        DemoPerson(MARKER_EMAIL, "Alex Morgan", (RoleKey.ADMINISTRATOR,)),
        DemoPerson("recruitment@demo.carers.example", "Priya Shah",
                   (RoleKey.RECRUITMENT_OFFICER,), RECRUITMENT_TEAM),
        DemoPerson("assessor@demo.carers.example", "Tom Okafor",
                   (RoleKey.ASSESSING_SOCIAL_WORKER,), RECRUITMENT_TEAM),
        DemoPerson("assessor2@demo.carers.example", "Hannah Lewis",
                   (RoleKey.ASSESSING_SOCIAL_WORKER,), RECRUITMENT_TEAM),
        DemoPerson("supervising@demo.carers.example", "Grace Murphy",
                   (RoleKey.SUPERVISING_SOCIAL_WORKER,), RECRUITMENT_TEAM),
        DemoPerson("manager@demo.carers.example", "Sam Patel", (RoleKey.TEAM_MANAGER,),
                   RECRUITMENT_TEAM),
        DemoPerson("kinship.manager@demo.carers.example", "Aisha Rahman",
                   (RoleKey.TEAM_MANAGER,), KINSHIP_TEAM),
        DemoPerson("service.manager@demo.carers.example", "Ruth Adebayo",
                   (RoleKey.SERVICE_MANAGER,)),
        DemoPerson("records@demo.carers.example", "Helen Brooks",
                   (RoleKey.INFORMATION_GOVERNANCE,)),
        DemoPerson("kinship.assessor@demo.carers.example", "Owen Price",
                   (RoleKey.ASSESSING_SOCIAL_WORKER,), KINSHIP_TEAM),
        DemoPerson("kinship.assessor2@demo.carers.example", "Bethan Jones",
                   (RoleKey.ASSESSING_SOCIAL_WORKER,), KINSHIP_TEAM),
        DemoPerson("panel.admin@demo.carers.example", "Jo Clarke",
                   (RoleKey.PANEL_ADMINISTRATOR,)),
        DemoPerson("panel.chair@demo.carers.example", "Margaret Hughes", (RoleKey.PANEL_MEMBER,)),
        DemoPerson("panel.member@demo.carers.example", "David Evans", (RoleKey.PANEL_MEMBER,)),
        DemoPerson("panel.vicechair@demo.carers.example", "Linda Carter", (RoleKey.PANEL_MEMBER,)),
        DemoPerson("panel.sw@demo.carers.example", "Femi Adeyemi", (RoleKey.PANEL_MEMBER,)),
        DemoPerson("panel.independent@demo.carers.example", "Karen Walsh",
                   (RoleKey.PANEL_MEMBER,)),
        DemoPerson("panel.independent2@demo.carers.example", "Imran Hussain",
                   (RoleKey.PANEL_MEMBER,)),
        DemoPerson("panel.medical@demo.carers.example", "Dr Helen Brooks",
                   (RoleKey.PANEL_MEMBER,)),
        DemoPerson("adm@demo.carers.example", "Ruth Campbell", (RoleKey.AGENCY_DECISION_MAKER,)),
    ]


# --- what people write -------------------------------------------------------------------

FIRST_CONTACT_NOTES = [
    "Phoned and talked through the next steps. Sent the information pack by email.",
    "Spoke for 20 minutes about what fostering involves; keen to have a home visit.",
    "Left a voicemail, then they rang back. Interested in short breaks to start with.",
    "Emailed the information pack and invited them to the next information evening.",
]
VISIT_NOTES = [
    "Initial visit done. Spare bedroom is a good size; both partners keen to go ahead.",
    "Initial visit: warm, settled household. Talked through the assessment and checks.",
    "Visited at home. Eldest child is 15 and positive about fostering; sent application.",
    "Initial visit done. They want to think about timing and will let us know.",
]
CLOSED_EARLY = [
    "The timing is not right: they are caring for a parent. Happy for us to keep in touch.",
    "No spare bedroom until their eldest leaves for university next year.",
    "They would rather adopt; referred to the regional adoption agency.",
    "No reply after three attempts by phone and email.",
    "Decided to foster with an independent agency closer to work.",
    "Moving out of the area later this year.",
    "Want to wait until their youngest starts school.",
]
STAGE1_NOTES = [
    "DBS applications sent for both adults. GP medicals requested.",
    "First personal reference returned; second referee chased by email.",
    "Local authority check from the previous area still outstanding; chased today.",
    "Ex-partner contacted for a reference with the applicant's agreement.",
]
STAGE1_UNSUITABLE = [
    "The local authority check shows recent involvement with children's services that we "
    "cannot work past at this point.",
    "The medical adviser advises against approval while treatment continues.",
    "A personal reference raised safeguarding concerns that the applicant did not disclose.",
]
STAGE2_NOTES = [
    "Home study session 3 of 7: family history and experience of caring for children.",
    "Attended Skills to Foster training on both days; good feedback from the trainers.",
    "Home study session on safer caring; household safer caring policy drafted.",
    "Met the applicants' children separately; both positive about fostering.",
    "Eco-map and support network discussed; two back-up carers identified.",
]
BRIEF_REPORT = [
    "The applicant has not been able to reflect on their own childhood experiences and how "
    "they would affect caring for a child; a brief report goes to panel instead of a full "
    "assessment.",
    "Concerns about the stability of the couple's relationship; brief report to panel.",
]
WITHDRAWALS = [
    ("AW3", "A new baby is on the way; they will think again in a couple of years."),
    ("AW3", "Separated during the assessment."),
    ("AW3", "One applicant has been diagnosed with a serious illness."),
    ("AW1", "Fostering is not what they expected after the preparation training."),
    ("AW2", "Found the home study too intrusive and did not want to continue."),
    ("AW4", "A change of job means they cannot afford to give up work to foster."),
    ("AW5", "Worried about the risk of allegations after hearing a friend's experience."),
    ("AW0", "Stopped replying to calls and emails; closed after a final letter."),
]
KINSHIP_WITHDRAWALS = [
    ("AW3", "The child has returned to their mother under a supervision order."),
    ("AW3", "The carer's own health has deteriorated; the child's plan is changing."),
    ("AW0", "The child is moving to live with their father under a child arrangements order."),
]
NEGATIVE_VIABILITY = [
    "Viability assessment negative: the home has no space for the child and the carer "
    "cannot move.",
    "Viability assessment negative: concerns from the police check about another adult in "
    "the household.",
    "The carer decided they cannot care for the child long term; the child's plan is now "
    "mainstream foster care.",
    "Viability assessment negative: the carer could not keep the child safe from the "
    "parents' contact.",
]
KINSHIP_NOTES = [
    "Weekly visit to the child: settled, attending school, contact with mum going well.",
    "Statutory visit: the child has their own room now; carer asking about financial support.",
    "Spoke to the child's social worker about the care plan and contact arrangements.",
    "Form C session with the carer on their understanding of the child's needs.",
]
RELATIONSHIPS = {
    "grandparent": ["Maternal grandmother", "Paternal grandmother", "Maternal grandfather",
                    "Paternal grandparents"],
    "aunt_uncle": ["Maternal aunt", "Paternal aunt", "Maternal uncle", "Paternal uncle"],
    "sibling": ["Older sister", "Older brother", "Adult half-sister"],
    "other_relative": ["Cousin", "Great-aunt", "Step-grandmother"],
    "family_friend": ["Family friend", "Godmother"],
    "other": ["The child's former childminder", "Teacher at the child's school"],
}
# The case keeps the enquiry's answer as words ("Grandparent"); back to its key.
CHILD_RELATIONSHIP_KEYS = {label: key for key, label in choices.CHILD_RELATIONSHIPS}
# What a worker chases while a case waits for its next step.
WAITING_FOR = {
    A.RECORD_INITIAL_VISIT: "Initial home visit",
    A.RECEIVE_APPLICATION: "Chase the application form",
    A.START_STAGE1: "Request DBS, local authority checks and medicals",
    "stage1_items": "Chase the outstanding Stage 1 references",
    A.COMPLETE_STAGE1: "Stage 1 decision with the team manager",
    A.START_STAGE2: "Book the applicants on Skills to Foster",
    A.COMPLETE_ASSESSMENT: "Finish the assessment report and share it for comments",
    A.SHARE_BRIEF_REPORT: "Write the brief report for panel",
    A.BOOK_PANEL: "Book a panel date with the panel administrator",
    A.RECORD_RECOMMENDATION: "Send the panel papers",
    A.REFER_TO_DECISION_MAKER: "Chase the final panel minutes",
    A.APPROVE: "Send the recommendation and minutes to the decision maker",
    A.ISSUE_QD: "Agency decision maker to decide",
    A.NOT_APPROVE: "Final decision once the 28 days for representations are over",
    "child_details": "Get the child's date of birth and reference from the placing authority",
    A.START_VIABILITY: "Viability visit to the carer",
    A.GRANT_REG24: "Finish the viability assessment",
    A.START_FULL_ASSESSMENT: "Finish the viability assessment",
    A.EXTEND_REG24: "Ask the nominated officer about extending temporary approval",
    A.END_REG24: "Plan the child's move with their social worker",
}

# The central list: (email, panel role, qualified as a social worker).
PANEL_LIST = [
    ("panel.chair@demo.carers.example", PanelRole.CHAIR, None),
    ("panel.vicechair@demo.carers.example", PanelRole.VICE_CHAIR, None),
    ("panel.sw@demo.carers.example", PanelRole.SOCIAL_WORKER, date(2009, 7, 1)),
    ("panel.member@demo.carers.example", PanelRole.INDEPENDENT, None),
    ("panel.independent@demo.carers.example", PanelRole.INDEPENDENT, None),
    ("panel.independent2@demo.carers.example", PanelRole.INDEPENDENT, None),
    ("panel.medical@demo.carers.example", PanelRole.MEDICAL_ADVISER, None),
]
PANEL_JOINED = date(2023, 4, 1)
PANEL_PLACE = "Committee Room 2, Northmoor Civic Centre"
PANEL_REASONS = {
    Recommendation.SUITABLE: "The assessment is thorough and evidences the applicants' "
                             "capacity to care; the panel agreed unanimously.",
    Recommendation.NOT_SUITABLE: "The panel was not satisfied that the applicants could meet "
                                 "the needs of a looked-after child, for the reasons in the "
                                 "report.",
}

# Fostering panel sits every other Thursday, except over Christmas, and hears up to 5 cases.
PANEL_ANCHOR = date(2025, 1, 9)
PANEL_CASES = 5


def next_panel(earliest: date) -> date:
    """The first panel meeting on or after ``earliest``."""
    gap = (earliest - PANEL_ANCHOR).days
    meeting = PANEL_ANCHOR + timedelta(days=-(-gap // 14) * 14)
    if (meeting.month, meeting.day) >= (12, 20) or (meeting.month, meeting.day) <= (1, 3):
        return next_panel(meeting + timedelta(days=1))
    return meeting if is_working_day(meeting) else add_working_days(meeting, 1)


def _workday(d: date) -> date:
    return d if is_working_day(d) else add_working_days(d, 1)


def _days(start: date, rng: random.Random, lo: int, hi: int) -> date:
    """A working day some calendar days after ``start``."""
    return _workday(start + timedelta(days=rng.randint(lo, hi)))


def _wds(start: date, rng: random.Random, lo: int, hi: int) -> date:
    """Some working days after ``start``."""
    return add_working_days(start, rng.randint(lo, hi))


def _reference(rng: random.Random, taken: set[str], make) -> str:
    while True:
        reference = make("".join(rng.choice(operations.REFERENCE_ALPHABET) for _ in range(8)))
        if reference not in taken:
            taken.add(reference)
            return reference


def _as_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, LONDON).astimezone(UTC)


# --- enquiries ----------------------------------------------------------------------------

def _enquiry(fake: Faker, rng: random.Random, received: datetime, reference: str,
             responders: dict[str, list[User]]) -> Enquiry:
    knows_child = rng.random() < 0.2
    bedrooms = rng.choice([2, 3, 3, 3, 4, 4, 5])
    last_name = fake.last_name()
    enquiry = Enquiry(
        reference=reference,
        received_at=received,
        pathway=KINSHIP if knows_child else MAINSTREAM,
        first_name=fake.first_name(),
        last_name=last_name,
        date_of_birth=fake.date_of_birth(minimum_age=23, maximum_age=66),
        email=fake.unique.email(),
        phone=fake.phone_number(),
        preferred_contact=rng.choice(["phone", "email"]),
        address_line_1=fake.street_address(),
        town=fake.city(),
        postcode=fake.postcode(),
        property_type=rng.choice([c[0] for c in choices.PROPERTY_TYPES]),
        tenure=rng.choice([c[0] for c in choices.TENURES]),
        bedrooms=bedrooms,
        spare_bedrooms=rng.randint(0 if knows_child else 1, bedrooms - 1),
        has_pets=rng.random() < 0.4,
        fostering_types=rng.sample([c[0] for c in choices.FOSTERING_TYPES[:-1]],
                                   rng.randint(1, 3)),
        knows_child=knows_child,
        heard_about=rng.choice([c[0] for c in choices.HEARD_ABOUT]),
        privacy_consent_at=received,
        keep_in_touch=rng.random() < 0.5,
    )
    if knows_child:
        enquiry.child_relationship = rng.choice([c[0] for c in choices.CHILD_RELATIONSHIPS])
        family = enquiry.child_relationship in {"grandparent", "aunt_uncle", "sibling"}
        surname = last_name if family and rng.random() < 0.6 else fake.last_name()
        enquiry.child_name = f"{fake.first_name()} {surname}"
    if enquiry.has_pets:
        enquiry.pets_details = rng.choice(["A dog", "Two cats", "A dog and a rabbit", "Fish"])
    if rng.random() < 0.6:
        enquiry.people.append(EnquiryPerson(
            position=0, name=f"{fake.first_name()} {last_name}",
            relationship_to_enquirer="partner", age=rng.randint(25, 65), applying=True))
    for position in range(1, rng.choice([1, 1, 2, 3])):
        enquiry.people.append(EnquiryPerson(
            position=position, name=f"{fake.first_name()} {last_name}",
            relationship_to_enquirer="child", age=rng.randint(1, 24), applying=False))
    # Most older enquiries have had their first response; a few were late.
    received_on = london(received).date()
    if (today() - received_on).days > 2 or rng.random() < 0.5:
        delay = rng.choice([0, 1, 1, 1, 2, 4])
        responded_on = add_working_days(received_on, delay)
        if responded_on <= today():
            enquiry.status = Enquiry.CONTACTED
            enquiry.first_response_at = _as_utc(
                responded_on, time(rng.randint(9, 16), rng.randint(0, 59)))
            enquiry.first_response_by = rng.choice(responders[enquiry.pathway])
            enquiry.first_response_note = "Phoned and talked through the next steps."
    return enquiry


def _triangular(p: float, low: float, high: float, mode: float) -> float:
    """The value below which a fraction ``p`` of a triangular distribution lies."""
    split = (mode - low) / (high - low)
    if p < split:
        return low + math.sqrt(p * (high - low) * (mode - low))
    return high - math.sqrt((1 - p) * (high - low) * (high - mode))


def _spread(rng: random.Random, n: int, quantile) -> list[float]:
    """n values from a distribution, one from each n-th of it (in random order), so that
    even a small demo has cases of every age."""
    values = [quantile((k + rng.random()) / n) for k in range(n)]
    rng.shuffle(values)
    return values


def _enquiry_age(p: float) -> float:
    """Days since an enquiry came in: lots of recent ones, and a tail going back about
    16 months."""
    if p < 0.4:
        return -30 * math.log(1 - p / 0.4)
    return _triangular((p - 0.4) / 0.6, 20, 480, 120)


def _received_at(rng: random.Random, now: datetime, age: float) -> datetime:
    """Mostly sent in the day or the evening."""
    day = now.date() - timedelta(days=int(age))
    received = _as_utc(day, time(rng.randint(7, 22), rng.randint(0, 59)))
    return min(received, now.astimezone(UTC) - timedelta(minutes=rng.randint(5, 90)))


# --- case stories ---------------------------------------------------------------------------

class _StoryEnds(Exception):
    """The next step of a case's story falls after today: the case waits there."""

    def __init__(self, step, on: date) -> None:
        super().__init__(step)
        self.step = step
        self.on = on


class DemoStoryError(RuntimeError):
    """The pipeline refused a demo step: the demo's story, not the app, needs fixing."""


class _Agency:
    """Plays each case's story through the real operations, dating every step."""

    def __init__(self, users: dict[str, User], fake: Faker) -> None:
        self.today = today()
        self.fake = fake
        self.settings = agency_settings()
        self.emails = list(users)
        self._cast(users)
        self.households: list[int] = []
        self.event_dates: dict[int, date] = {}  # non-transition events and the day they happened
        self.latest: dict[int, date] = {}  # each case's most recent event, to keep them in order
        self.tasks: list[tuple[int, date, date | None]] = []  # task id, created on, done on
        self.panels: dict[date, int] = {}  # cases booked for each panel meeting
        self.meetings: dict[date, int] = {}  # panel meeting ids by date
        self.members: dict[int, PanelRole] = {}  # the central list: member id, panel role
        self.report_dates: dict[int, tuple[date, date | None]] = {}  # written on, signed on
        self.represented = False  # one proposed refusal met with written representations

    def _cast(self, u: dict[str, User]) -> None:
        self.recruiter = u["recruitment@demo.carers.example"]
        self.assessors = [u["assessor@demo.carers.example"], u["assessor2@demo.carers.example"]]
        self.supervisor = u["supervising@demo.carers.example"]
        self.manager = u["manager@demo.carers.example"]
        self.kin_manager = u["kinship.manager@demo.carers.example"]
        self.kin_assessors = [u["kinship.assessor@demo.carers.example"],
                              u["kinship.assessor2@demo.carers.example"]]
        self.adm = u["adm@demo.carers.example"]
        self.panel_admin = u["panel.admin@demo.carers.example"]
        self.chair = u["panel.chair@demo.carers.example"]

    def fresh_session(self) -> None:
        """Forget the last case's objects: each flush and commit works through everything
        the session holds, so a session that only grows makes each one slower."""
        db.session.expunge_all()
        self._cast({u.email: u for u in db.session.scalars(
            select(User).where(User.email.in_(self.emails)))})

    # -- one step each, through the app's own operations --

    def move(self, h: Household, action: Action, on: date, user: User,
             as_of: date | None = None, **facts) -> None:
        """``as_of`` is the day the step was recorded, when a guard looks at it (booking a
        panel); otherwise steps are recorded as of today."""
        if on > self.today:
            raise _StoryEnds(action, on)
        transition_facts = TransitionFacts(by=user.name, on=on, today=as_of or self.today,
                                           **facts)
        try:
            operations.move(h, action, transition_facts, user, seen_version=h.version)
        except TransitionRefused as refused:
            db.session.rollback()
            raise DemoStoryError(f"{h.name}: {action} on {on} refused: "
                                 f"{' '.join(refused.reasons)}") from None
        self.latest[h.id] = on

    def _dated(self, h: Household, on: date) -> None:
        last = db.session.scalar(select(func.max(CaseEvent.id))
                                 .where(CaseEvent.household_id == h.id))
        self.event_dates[last] = on
        self.latest[h.id] = on

    def note(self, h: Household, user: User, on: date, text: str) -> None:
        if on <= self.today:
            operations.add_note(h, user, text)
            self._dated(h, on)

    def allocate(self, h: Household, by: User, workers: list[User], on: date) -> None:
        if on > self.today:
            raise _StoryEnds("allocation", on)
        operations.allocate(h, by, workers, seen_version=h.version)
        self._dated(h, on)

    def oversight(self, h: Household, manager: User, on: date, reviewed: str, decision: str,
                  reasons: str, actions: tuple[tuple[str, User, date], ...] = ()) -> None:
        """A manager's oversight on ``on``; each action (what, who, due) is done on its due
        day if that has come."""
        if on > self.today:
            return
        record = operations.record_oversight(
            h, manager, reviewed, decision, reasons,
            [operations.OversightAction(title, owner, due) for title, owner, due in actions],
            seen_version=h.version)
        self._dated(h, on)
        db.session.execute(update(OversightRecord.__table__)
                           .where(OversightRecord.__table__.c.id == record.id)
                           .values(recorded_on=on, recorded_at=_as_utc(on, time(15, 0))))
        db.session.commit()
        for task in db.session.scalars(select(Task).where(Task.oversight_id == record.id)
                                       .order_by(Task.id)):
            done = task.due_on if task.due_on <= self.today else None
            if done is not None:
                operations.complete_task(task, task.owner)
                self._dated(h, done)
            self.tasks.append((task.id, on, done))

    def task(self, h: Household, by: User, owner: User, title: str, due: date, created: date,
             done: date | None = None) -> None:
        created = min(max(created, self.latest[h.id]), self.today)
        task = operations.add_task(h, by, title, owner, due)
        self._dated(h, created)
        if done is not None and done > self.today:
            done = None
        if done is not None:
            operations.complete_task(task, owner)
            self._dated(h, done)
        self.tasks.append((task.id, created, done))

    def record(self, h: Household, user: User, on: date, step: str, changes: dict,
               note: str) -> None:
        """Facts on the case that no transition sets (when the last Stage 1 item came in;
        the child's details, which the app has no form to change yet), written as the
        operations write the case, with a note saying what happened."""
        if on > self.today:
            raise _StoryEnds(step, on)
        for name, value in changes.items():
            setattr(h, name, value)
        h.updated_at = utcnow()
        h.next_due_on, h.next_due_label = next_due(h, self.today, self.settings)
        audit("update", "household", h.id, {"demo": sorted(changes)}, user=user)
        db.session.commit()
        self.note(h, user, on, note)

    def representations(self, h: Household, received: date, user: User) -> None:
        """The applicants' written representations after a qualifying determination."""
        if received > self.today:
            raise _StoryEnds("representations", received)
        panel.record_qd_response(
            user, h, kind="representations", received_on=received, seen_version=h.version,
            summary="The applicants say the panel gave too much weight to the gap in their "
                    "employment history, and send a letter from their GP about their health.")
        self.latest[h.id] = received

    def book_panel(self, h: Household, booked: date, user: User, rng: random.Random,
                   slack: tuple[int, int], **facts) -> date:
        """Book the first panel whose papers can still go out in time, as of the day it was
        booked (and, for a meeting still to come, as of today). Returns the meeting."""
        meeting = next_panel(add_working_days(booked, PANEL_PAPERS_WORKING_DAYS
                                              + rng.randint(*slack)))
        while self.panels.get(meeting, 0) >= PANEL_CASES or (
                meeting > self.today
                and add_working_days(meeting, -PANEL_PAPERS_WORKING_DAYS) < self.today):
            meeting = next_panel(meeting + timedelta(days=1))
        self.move(h, A.BOOK_PANEL, booked, user, as_of=booked, panel_date=meeting, **facts)
        self.panels[meeting] = self.panels.get(meeting, 0) + 1
        return meeting

    # -- the assessment report and the panel, through their own operations --

    def write_report(self, h: Household, worker: User, manager: User, completed: date) -> None:
        """The finished report: written, shared with the applicants for their comments, and
        signed off by the manager the day the assessment is complete."""
        rng = random.Random(f"report-{h.id}")
        draw_family(h, worker, random.Random(f"family-{h.id}"))
        reports.save_sections(h, {k: (v, None) for k, v in report_texts(h, rng).items()},
                              worker)
        reports.set_recommendation(h, Recommendation.SUITABLE.value, report_terms(h), worker)
        shared = add_working_days(completed, -rng.randint(10, 15))
        reports.record_comments(h, shared, add_working_days(shared, rng.randint(3, 8)),
                                applicant_comments(rng), worker)
        report = reports.sign_off(h, manager)
        self._dated(h, completed)
        self.report_dates[report.id] = (add_working_days(shared, -rng.randint(10, 30)),
                                        completed)

    def draft_report(self, h: Household, rng: random.Random) -> None:
        """A report still being written: the first few sections."""
        worker = h.workers[0] if h.workers else self.assessors[0]
        count = len(report_texts(h, random.Random(0)))
        texts = report_texts(h, random.Random(f"report-{h.id}"), rng.randint(1, count - 1))
        reports.save_sections(h, {k: (v, None) for k, v in texts.items()}, worker)
        started = h.stage2_started_on or h.stage_since or self.today
        written = min(_days(started, rng, 20, 60), self.today)
        report = db.session.scalar(select(AssessmentReport)
                                   .where(AssessmentReport.household_id == h.id))
        self.report_dates[report.id] = (written, None)

    def add_panel_members(self) -> None:
        for email, role, qualified in PANEL_LIST:
            user = db.session.scalar(select(User).where(User.email == email))
            member = panel.add_member(self.panel_admin, user, role, PANEL_JOINED, qualified)
            self.members[member.id] = role

    def meeting(self, on: date, held: bool) -> PanelMeeting:
        """The panel meeting on ``on``, with every member invited; one independent member
        sometimes sent apologies (the quorum is still met)."""
        if on in self.meetings:
            return db.session.get(PanelMeeting, self.meetings[on])
        meeting = panel.create_meeting(self.panel_admin, on, time(10, 0), PANEL_PLACE, None)
        invited = set(self.members)
        attended = set()
        if held:
            rng = random.Random(f"panel-{on}")
            independents = sorted(m for m, r in self.members.items()
                                  if r is PanelRole.INDEPENDENT)
            attended = invited - ({rng.choice(independents)} if rng.random() < 0.4 else set())
        panel.set_seats(self.panel_admin, meeting, invited, attended, None)
        self.meetings[on] = meeting.id
        return meeting

    def on_agenda(self, h: Household, meeting: PanelMeeting) -> None:
        slot = (datetime.combine(meeting.meets_on, time(10, 0))
                + timedelta(minutes=45 * len(meeting.agenda))).time()
        panel.add_to_agenda(self.panel_admin, meeting, h, slot, 45, None)

    def panel_hears(self, h: Household, on: date, recommendation: Recommendation) -> None:
        """The panel hears the case; the chair records its recommendation."""
        if on > self.today:
            raise _StoryEnds(A.RECORD_RECOMMENDATION, on)
        meeting = self.meeting(on, held=True)
        self.on_agenda(h, meeting)
        rng = random.Random(f"recommendation-{h.id}")
        if h.child_date_of_birth:  # the named child
            age = max(0, (on - h.child_date_of_birth).days // 365)
            terms = {"children": 1, "age_from": age, "age_to": 18,
                     "fostering_types": ["long_term"]}
        else:
            terms = {"children": rng.choice([1, 2, 2, 3]), "age_from": 0,
                     "age_to": rng.choice([10, 12, 18]),
                     "fostering_types": rng.choice([["short_term", "long_term"],
                                                    ["emergency", "short_term"],
                                                    ["short_breaks"], ["long_term"]])}
        try:
            panel.record_recommendation(self.chair, meeting, h, recommendation=recommendation,
                                        reasons=PANEL_REASONS[recommendation],
                                        seen_version=h.version, **terms)
        except TransitionRefused as refused:
            raise DemoStoryError(f"{h.name}: panel recommendation on {on} refused: "
                                 f"{' '.join(refused.reasons)}") from None
        self.latest[h.id] = on

    def finish_panels(self, rng: random.Random) -> None:
        """Minutes for the meetings held (final once the minutes went to the decision
        maker), reports being written, and the coming meetings with their agendas."""
        self.fresh_session()
        written = set(db.session.scalars(select(AssessmentReport.household_id)))
        for h in list(db.session.scalars(select(Household).where(
                Household.id.in_(self.households),
                Household.stage.in_([Stage.STAGE2.value, Stage.FULL_ASSESSMENT.value])))):
            if h.id not in written:  # a deferred case keeps its signed-off report
                self.draft_report(h, rng)
        for on, meeting_id in sorted(self.meetings.items()):
            meeting = db.session.get(PanelMeeting, meeting_id)
            waiting = any(i.household.stage == Stage.PANEL_RECOMMENDED.value
                          for i in meeting.agenda)
            heard = ", ".join(i.household.name for i in meeting.agenda)
            text = (f"Present: see attendance. The panel heard {heard}. Each case was "
                    "discussed with the assessing social worker and the applicants; the "
                    "recommendations and reasons are recorded against each case.")
            panel.save_minutes(self.panel_admin, meeting, text, not waiting,
                               min(add_working_days(on, 4), self.today), None)
        booked = list(db.session.scalars(select(Household).where(
            Household.id.in_(self.households), Household.stage == Stage.READY_FOR_PANEL.value,
            Household.panel_date > self.today).order_by(Household.panel_date, Household.id)))
        for h in booked:
            self.on_agenda(h, self.meeting(h.panel_date, held=False))

    def settle_reports(self) -> None:
        """Reports dated when they were written and signed off, not when the demo loaded."""
        now = utcnow()
        for report_id, (written, signed) in self.report_dates.items():
            written_at = min(_as_utc(written, time(11, 0)), now)
            last_at = min(_as_utc(signed, time(15, 0)), now) if signed else written_at
            values = {"created_at": written_at, "updated_at": last_at}
            if signed:
                values["signed_off_at"] = last_at
            db.session.execute(update(AssessmentReport.__table__)
                               .where(AssessmentReport.__table__.c.id == report_id)
                               .values(**values))
            db.session.execute(update(ReportSection.__table__)
                               .where(ReportSection.__table__.c.report_id == report_id)
                               .values(updated_at=last_at))
        db.session.commit()

    def withdraw(self, h: Household, on: date, user: User, rng: random.Random,
                 reasons=WITHDRAWALS) -> None:
        code, reason = rng.choice(reasons)
        self.move(h, A.WITHDRAW, on, user, withdrawal_code=code, reason=reason)

    # -- the stories --

    def play(self, h: Household, story, rng: random.Random, *args) -> None:
        self.households.append(h.id)
        self.latest[h.id] = h.stage_since
        try:
            story(h, rng, *args)
        except _StoryEnds as waiting:
            self.waiting(h, rng, waiting)
        self.fresh_session()

    def waiting(self, h: Household, rng: random.Random, waiting: _StoryEnds) -> None:
        """A case waiting for its next step: often a task for it, sometimes overdue."""
        title = WAITING_FOR.get(waiting.step)
        db.session.refresh(h)
        if title is None or not h.workers or rng.random() < 0.35:
            return
        owner = h.workers[0]
        due = waiting.on
        if waiting.step is A.RECORD_RECOMMENDATION:  # the panel is coming: papers first
            due = add_working_days(due, -PANEL_PAPERS_WORKING_DAYS)
        due = min(due, add_working_days(self.today, rng.randint(10, 25)))  # a month at most
        if rng.random() < 0.3:  # the worker has let it slip
            due = add_working_days(self.today, -rng.randint(1, 12))
        created = add_working_days(min(due, self.today), -rng.randint(3, 15))
        self.task(h, owner, owner, title, due, created)

    def mainstream(self, h: Household, rng: random.Random, enquiry: Enquiry) -> None:
        rec, manager = self.recruiter, self.manager
        received = london(enquiry.received_at).date()
        if enquiry.first_response_at is None:
            return  # a new enquiry: the first-response clock is running
        # The case opens at initial contact: the enquiry's first response is its first contact.
        responded = london(enquiry.first_response_at).date()
        self.note(h, rec, responded, rng.choice(FIRST_CONTACT_NOTES))
        fate = rng.random()
        visited = max(_wds(received, rng, 3, 12), _wds(responded, rng, 1, 3))
        if fate < 0.15:
            self.move(h, A.CLOSE_BEFORE_APPLICATION, _wds(responded, rng, 3, 25), rec,
                      reason=rng.choice(CLOSED_EARLY))
            return
        if fate < 0.23:  # came to an information evening, then applied
            evening = _days(responded, rng, 4, 14)
            self.note(h, rec, evening, "Came to the information evening with their partner; "
                                       "took an application form.")
            applied = _days(evening, rng, 7, 30)
        else:
            self.move(h, A.RECORD_INITIAL_VISIT, visited, rec)
            self.note(h, rec, visited, rng.choice(VISIT_NOTES))
            if rng.random() < 0.42:
                self.move(h, A.CLOSE_BEFORE_APPLICATION, _days(visited, rng, 5, 40), rec,
                          reason=rng.choice(CLOSED_EARLY))
                return
            applied = _days(visited, rng, 10, 45)
        self.move(h, A.RECEIVE_APPLICATION, applied, rec)
        assessor = rng.choice(self.assessors)
        self.allocate(h, manager, [assessor], _wds(applied, rng, 0, 2))
        started = _wds(applied, rng, 3, 8)
        self.move(h, A.START_STAGE1, started, assessor)
        self.stage1(h, rng, assessor, started)

    def stage1(self, h: Household, rng: random.Random, assessor: User, started: date) -> None:
        manager = self.manager
        self.note(h, assessor, _wds(started, rng, 1, 5), rng.choice(STAGE1_NOTES))
        last_item = _days(started, rng, 42, 100)
        if rng.random() < 0.5:
            chased = _wds(started, rng, 8, 15)
            self.task(h, assessor, assessor, "Chase the local authority check from the "
                      "previous area", _wds(chased, rng, 5, 10), chased,
                      done=_wds(chased, rng, 3, 20) if chased <= self.today else None)
        fate = rng.random()
        if fate < 0.1:
            self.withdraw(h, _days(started, rng, 14, 60), assessor, rng)
            return
        stage2 = _days(started, rng, 21, 56)
        if rng.random() < 0.55 and stage2 < last_item:
            self.move(h, A.START_STAGE2, stage2, assessor)
            self.note(h, assessor, stage2, "First home study visit while the Stage 1 checks "
                                           "come back.")
        unsuitable = fate < 0.16
        slow = rng.random() < 0.25  # a manager who has not got round to it
        if unsuitable:
            decided = _wds(last_item, rng, 2, 9)
        else:
            decided = _wds(last_item, rng, 12, 40) if slow else _wds(last_item, rng, 1, 8)
        if last_item > self.today:
            raise _StoryEnds("stage1_items", last_item)
        if decided > self.today:
            # Waiting for the Stage 1 decision: the checks ledger holds the Stage 1 items and
            # starts the decision clock, as it would for a real case.
            self.stage1_checks(h, assessor, started, last_item, rng)
            raise _StoryEnds(A.COMPLETE_STAGE1, decided)
        # Decided already: record when the last item came, which the ledger would have set
        # (and which it leaves alone once Stage 1 is decided).
        self.record(h, assessor, last_item, "stage1_items", {"stage1_last_item_on": last_item},
                    "All Stage 1 checks and references are back.")
        if unsuitable:
            self.move(h, A.STAGE1_UNSUITABLE, decided, manager,
                      reason=rng.choice(STAGE1_UNSUITABLE))
            return
        self.move(h, A.COMPLETE_STAGE1, decided, manager, stage1_items_complete=True)
        if rng.random() < 0.12:
            self.oversight(h, manager, decided,
                           "The Stage 1 checks ledger, both personal references and the "
                           "preparation training record.", "Proceed to Stage 2",
                           "All checks are clear and both references are positive. The "
                           "applicants have done the preparation training.",
                           (("Book the first Stage 2 home study session", assessor,
                             add_working_days(decided, 5)),))
        self.stage2(h, rng, assessor, decided)

    def stage1_checks(self, h: Household, worker: User, started: date, last_item: date,
                      rng: random.Random) -> None:
        """Record every Stage 1 item in the checks ledger, the last arriving on
        ``last_item``: address, two personal referees (interviewed), DBS, local authority
        check and medicals, each requested and received on its own day."""
        fake = self.fake
        line_1, _, town = (h.address or "1 High Street, Northmoor").partition(", ")
        checks.save_address(h, worker, None, {
            "line_1": line_1, "town": town or "Northmoor", "postcode": h.postcode,
            "local_authority": "Northmoor", "lived_to": None,
            "lived_from": started - timedelta(days=365 * rng.randint(10, 25)),
        }, seen_version=h.version)
        second = rng.choice(["Sister", "Brother", "Cousin", "Colleague", "Neighbour"])
        for relationship in ("Friend", second):
            checks.save_referee(h, worker, None, {
                "name": fake.name(), "email": fake.unique.email(), "phone": fake.phone_number(),
                "relationship_to_applicant": relationship,
                "is_family": relationship in {"Sister", "Brother", "Cousin"},
                "known_since_years": rng.randint(3, 25),
            }, seen_version=h.version)
            self._dated(h, _wds(started, rng, 0, 3))
        rows = list(db.session.scalars(select(CheckRow).where(
            CheckRow.household_id == h.id, CheckRow.required.is_(True),
            CheckRow.stage1.is_(True)).order_by(CheckRow.id)))
        last = rng.randrange(len(rows))
        source = {"dbs": "DBS Update Service", "la_check": "Northmoor children's services",
                  "medical": "The applicant's GP"}
        for n, row in enumerate(rows):
            requested = _wds(started, rng, 0, 5)
            received = last_item if n == last else _days(
                requested, rng, 14, max(14, (last_item - requested).days))
            received = min(received, last_item)
            referee = db.session.get(RefereeRow, row.referee_id) if row.referee_id else None
            if referee is not None:
                checks.record_interview(referee, worker, received,
                                        "Knows the family well; no concerns about the "
                                        "applicants caring for children.")
            dbs = None
            if row.kind == "dbs":
                if row.member is not None and row.member.date_of_birth is None:
                    row.member.date_of_birth = self.fake.date_of_birth(minimum_age=23,
                                                                       maximum_age=66)
                uses_update_service = rng.random() < 0.4
                dbs = {"certificate_number": f"{rng.randrange(10 ** 12):012d}",
                       "issued_on": max(requested, received - timedelta(days=rng.randint(2, 6))),
                       "update_service": uses_update_service,
                       "update_checked_on": received if uses_update_service else None}
            checks.record_check(
                row, worker, requested_on=requested,
                requested_from=referee.email if referee else source.get(row.kind, ""),
                received_on=received, outcome="clear", verified=True, expires_on=None,
                notes=None, dbs=dbs)

    def stage2(self, h: Household, rng: random.Random, assessor: User, decided: date) -> None:
        manager = self.manager
        self.note(h, assessor, _days(decided, rng, 5, 18), rng.choice(STAGE2_NOTES))
        fate = rng.random()
        if fate < 0.13:
            self.withdraw(h, _days(decided, rng, 20, 110), assessor, rng)
            return
        if fate < 0.18:
            shared = _days(decided, rng, 28, 70)
            self.move(h, A.SHARE_BRIEF_REPORT, shared, assessor, reason=rng.choice(BRIEF_REPORT))
            booked = _wds(shared, rng, 10, 18)
            recommendation = (Recommendation.NOT_SUITABLE if rng.random() < 0.8
                              else Recommendation.SUITABLE)
            meeting = self.book_panel(h, booked, assessor, rng, (5, 25),
                                      brief_report_comments_received=True)
        else:
            slow = rng.random() < 0.1
            completed = _days(decided, rng, 200, 270) if slow else _days(decided, rng, 70, 140)
            self.move(h, A.COMPLETE_ASSESSMENT, completed, assessor)
            self.write_report(h, assessor, manager, completed)
            self.note(h, assessor, completed, "Form F shared with the applicants for comments.")
            booked = _wds(completed, rng, 5, 15)
            recommendation = (Recommendation.SUITABLE if rng.random() < 0.96
                              else Recommendation.NOT_SUITABLE)
            meeting = self.book_panel(h, booked, assessor, rng, (5, 30))
            if rng.random() < 0.06:
                deferred = _wds(booked, rng, 1, 4)
                if deferred < meeting:
                    self.move(h, A.DEFER_PANEL, deferred, assessor,
                              reason="The applicants' second medical is not back; the medical "
                                     "adviser asked for it before panel.")
                    meeting = self.book_panel(h, _wds(deferred, rng, 8, 20), assessor, rng,
                                              (2, 8))
        self.after_panel(h, rng, meeting, recommendation, manager)

    def after_panel(self, h: Household, rng: random.Random, meeting: date,
                    recommendation: Recommendation, manager: User) -> None:
        self.panel_hears(h, meeting, recommendation)
        minutes = _wds(meeting, rng, 4, 12)
        self.move(h, A.REFER_TO_DECISION_MAKER, minutes, manager)
        if recommendation is Recommendation.SUITABLE:
            decided = _wds(minutes, rng, 1, 9)
            self.move(h, A.APPROVE, decided, manager,
                      reason=f"{self.adm.name}, agency decision maker, agreed with the panel's "
                             "recommendation.")
            # A supervising social worker takes the new carers on.
            handed = _wds(decided, rng, 2, 10)
            self.allocate(h, manager, [self.supervisor], handed)
            visit = _wds(handed, rng, 5, 15)
            self.task(h, self.supervisor, self.supervisor,
                      "Sign the foster care agreement and first supervision visit", visit,
                      handed, done=visit)
            return
        issued = _wds(minutes, rng, 2, 7)
        self.move(h, A.ISSUE_QD, issued, manager,
                  reason=f"{self.adm.name}, agency decision maker, proposes not to approve, for "
                         "the reasons in the panel minutes.")
        self.oversight(h, manager, issued,
                       "The panel minutes, the agency decision maker's reasons and the "
                       "qualifying determination letter.", "Qualifying determination issued",
                       "Letter sent with the panel minutes and how to ask for a review by the "
                       "IRM or make representations to the agency.",
                       (("Check whether the applicants have asked for an IRM review or made "
                         "representations", manager, add_working_days(issued, 20)),))
        if not self.represented and issued < self.today:
            # The first applicants refused make written representations; the decision maker
            # decides after them rather than waiting out the 28 days.
            self.represented = True
            own = random.Random(f"representations-{h.id}")
            received = min(_days(issued, own, 8, 16), self.today)
            self.representations(h, received, manager)
            self.move(h, A.NOT_APPROVE, _days(received, own, 3, 9), manager,
                      representations_on=received,
                      reason=f"{self.adm.name}, agency decision maker, considered the written "
                             f"representations received on {received:%-d %B %Y}; they do not "
                             "answer the panel's concerns, so the decision not to approve is "
                             "final.")
        else:
            self.move(h, A.NOT_APPROVE, _days(issued, rng, 29, 40), manager,
                      reason="No representations or IRM application within 28 days; the "
                             "decision not to approve is final.")
        if h.reg24_approved_on and not h.reg24_ended_on:
            self.move(h, A.END_REG24, _days(h.decided_on, rng, 3, 20), manager,
                      reason="The child moved to mainstream foster carers.")

    def recent_reg24(self, h: Household, rng: random.Random, from_enquiry: bool) -> None:
        """A referral of the last fortnight whose child moved in under temporary approval a
        few working days ago, the full assessment still to start: whatever today's date,
        the demo shows a case at regulation 24."""
        manager, worker = self.kin_manager, rng.choice(self.kin_assessors)
        received = h.referral_received_on
        self.allocate(h, manager, [worker], received)
        viability = add_working_days(received, 1)
        self.move(h, A.START_VIABILITY, viability, worker)
        granted = max(viability, add_working_days(self.today, -2))
        self.move(h, A.GRANT_REG24, granted, manager, household_assessed=True,
                  placed_on=granted, nominated_officer=NOMINATED_OFFICER,
                  nominated_officer_on=granted,
                  reason="The child needed to move in at once; the carer, the home and "
                         "every adult in it were assessed first.")
        raise _StoryEnds(A.START_FULL_ASSESSMENT, add_working_days(self.today, 1))

    def kinship(self, h: Household, rng: random.Random, from_enquiry: bool) -> None:
        manager, worker = self.kin_manager, rng.choice(self.kin_assessors)
        received = h.referral_received_on
        if from_enquiry:  # the placing authority fills in what the enquiry did not ask
            confirmed = _wds(received, rng, 1, 6)
            self.record(h, manager, confirmed, "child_details", {
                "child_date_of_birth": _born_before(self.fake, received),
                "child_la_reference": f"NM{rng.randint(100000, 999999)}",
                "child_relationship": rng.choice(RELATIONSHIPS[CHILD_RELATIONSHIP_KEYS.get(
                    h.child_relationship, "other")]),
            }, "The child's date of birth and reference confirmed with the placing authority.")
        else:
            confirmed = received
        self.allocate(h, manager, [worker], max(_wds(received, rng, 0, 2), confirmed))
        viability = max(_wds(received, rng, 1, 5), confirmed)
        self.move(h, A.START_VIABILITY, viability, worker)
        fate = rng.random()
        if fate < 0.22:
            self.move(h, A.CLOSE_BEFORE_APPLICATION, _days(viability, rng, 14, 40), worker,
                      reason=rng.choice(NEGATIVE_VIABILITY))
            return
        reg24 = fate < 0.72
        if reg24:
            granted = _days(viability, rng, 0, 7)
            self.move(h, A.GRANT_REG24, granted, manager, household_assessed=True,
                      placed_on=granted, nominated_officer=NOMINATED_OFFICER,
                      nominated_officer_on=granted,
                      reason="The child needed to move in at once; the carer, the home and "
                             "every adult in it were assessed first.")
            started = _wds(granted, rng, 1, 8)
        else:
            started = _days(viability, rng, 14, 35)
        self.move(h, A.START_FULL_ASSESSMENT, started, worker)
        self.note(h, worker, _days(started, rng, 7, 21), rng.choice(KINSHIP_NOTES))
        if rng.random() < 0.1:
            withdrawn = _days(started, rng, 25, 70)
            self.withdraw(h, withdrawn, worker, rng, KINSHIP_WITHDRAWALS)
            if reg24:
                self.move(h, A.END_REG24, _days(withdrawn, rng, 0, 14), worker,
                          reason="The child has moved out of the carer's home.")
            return
        plan = rng.random()
        if not reg24:
            completed = _days(started, rng, 70, 112)
        elif plan < 0.4:
            lapses = reg24_due(granted, (), self.settings)
            asked = min(_days(granted, rng, 84, 105), add_working_days(lapses, -1))
            weeks = rng.choice([4, 6, 8, 8])
            self.move(h, A.EXTEND_REG24, asked, manager, extension_weeks=weeks,
                      placement_reconsidered=True, panel_views_sought=True,
                      iro_informed=True, nominated_officer=NOMINATED_OFFICER,
                      nominated_officer_on=asked,
                      reason="Form C will not be finished in time: the carer's medical "
                             "and a reference are outstanding.")
            self.oversight(h, manager, asked,
                           "The regulation 24 visit records, the Form C so far and the "
                           "child's looked-after review.",
                           f"Extend temporary approval by {weeks} weeks",
                           "The placement is still the right one for the child; the panel "
                           "chair and the IRO agree; the nominated officer approved.",
                           (("Get the carer's medical back from the GP", worker,
                             add_working_days(asked, 10)),
                            ("Chase the outstanding reference", worker,
                             add_working_days(asked, 15))))
            new_lapse = reg24_due(granted, [weeks], self.settings)
            completed = max(_workday(new_lapse - timedelta(days=rng.randint(25, 40))),
                            _days(asked, rng, 7, 14))
        elif plan < 0.52:  # running late, with no extension asked for
            completed = _days(granted, rng, 125, 170)
        else:
            completed = _days(started, rng, 50, 70)
        self.move(h, A.COMPLETE_ASSESSMENT, completed, worker)
        self.write_report(h, worker, manager, completed)
        self.note(h, worker, completed, "Form C shared with the carer for comments.")
        meeting = self.book_panel(h, _wds(completed, rng, 3, 8), worker, rng, (0, 15))
        recommendation = (Recommendation.SUITABLE if rng.random() < 0.94
                          else Recommendation.NOT_SUITABLE)
        self.after_panel(h, rng, meeting, recommendation, manager)

    # -- last touches --

    def settle_timestamps(self, rng: random.Random) -> None:
        """Give every event, task and case the time of day it happened, not when the demo
        was loaded, so the case history reads as it would have been recorded."""
        ids = self.households
        if not ids:
            return
        now = utcnow()
        rows = db.session.execute(
            select(CaseEvent.id, CaseEvent.household_id, CaseEvent.happened_on)
            .where(CaseEvent.household_id.between(min(ids), max(ids)))
            .order_by(CaseEvent.household_id, CaseEvent.id)).all()
        # In the order things happened (a task done weeks later was written straight away).
        events = sorted(((household_id, self.event_dates.get(event_id, happened_on), event_id)
                         for event_id, household_id, happened_on in rows))
        changes, previous, first_at, last_at = [], None, {}, {}
        for household_id, on, event_id in events:
            at = _as_utc(on, time(rng.randint(9, 16), rng.randint(0, 59)))
            if previous and previous[0] == household_id and at <= previous[1]:
                at = previous[1] + timedelta(minutes=rng.randint(3, 40))
            at = min(at, now)
            changes.append({"id": event_id, "happened_on": on, "at": at})
            previous = (household_id, at)
            first_at.setdefault(household_id, at)
            last_at[household_id] = at
        db.session.execute(update(CaseEvent), changes)
        for household_id in ids:
            db.session.execute(
                update(Household.__table__).where(Household.__table__.c.id == household_id)
                .values(created_at=first_at[household_id], updated_at=last_at[household_id]))
        for task_id, created, done in self.tasks:
            values = {"created_at": min(_as_utc(created, time(9, 30)), now)}
            if done is not None:
                values["done_at"] = min(_as_utc(done, time(16, 0)), now)
            db.session.execute(update(Task.__table__).where(Task.__table__.c.id == task_id)
                               .values(**values))
        db.session.commit()

    def settle_references(self, rng: random.Random) -> None:
        """Case references from the seed, so the same demo has the same references."""
        taken = set(db.session.scalars(select(Household.reference)))
        for household_id in self.households:
            reference = _reference(rng, taken, lambda chars: f"FC-{chars[:6]}")
            db.session.execute(update(Household.__table__)
                               .where(Household.__table__.c.id == household_id)
                               .values(reference=reference))
        db.session.commit()


# --- loading ------------------------------------------------------------------------------

def _born_before(fake: Faker, referred: date) -> date:
    """A child's date of birth: up to 15 years before the referral, at least a month before
    it (the child is placed after the referral, never before they were born)."""
    return fake.date_between(start_date=referred - timedelta(days=15 * 365),
                             end_date=referred - timedelta(days=30))


def _kinship_referral(agency: _Agency, fake: Faker, rng: random.Random,
                      age: float) -> Household:
    received = _workday(agency.today - timedelta(days=int(age)))
    if received > agency.today:
        received = add_working_days(agency.today, -1)
    last_name = fake.last_name()
    relationship = rng.choice([r for rs in RELATIONSHIPS.values() for r in rs])
    surname = last_name if rng.random() < 0.6 else fake.last_name()
    child = ChildDetails(
        name=f"{fake.first_name()} {surname}",
        date_of_birth=_born_before(fake, received),
        la_reference=f"NM{rng.randint(100000, 999999)}",
        relationship=relationship,
    )
    return operations.open_kinship_referral(
        agency.kin_manager, carer_name=f"{fake.first_name()} {last_name}", child=child,
        received_on=received, phone=fake.phone_number(), email=fake.unique.email(),
        address=f"{fake.street_address()}, {fake.city()}", postcode=fake.postcode())


def _add_staff(person: DemoPerson, team: Team | None, password_hash: str) -> User:
    """As ``create_user`` does, but with one password hash for everyone: hashing is slow on
    purpose, and every demo account has the same published password (and the same
    published two-step sign-in key)."""
    keys = [r.value for r in person.roles]
    roles = list(db.session.scalars(select(Role).where(Role.key.in_(keys))))
    if len(roles) != len(keys):
        raise RuntimeError("The roles are missing: run `flask db upgrade` first.")
    user = User(email=person.email, name=person.name, roles=roles, team=team,
                session_token=secrets.token_hex(16), password_hash=password_hash,
                totp_secret=DEMO_TOTP_SECRET, totp_enabled_at=utcnow())
    db.session.add(user)
    return user


def _get_team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, **TEAM_INBOXES.get(name, {}))
        db.session.add(team)
        db.session.flush()
    return team


@contextmanager
def _unhurried_sqlite():
    """Commit without waiting for the disk while the demo loads (SQLite only).

    The operations commit every step, and each commit on SQLite waits for the write-ahead
    log to reach the disk: thousands of waits. ``synchronous=NORMAL`` in WAL mode (the
    app's journal mode) is still safe from corruption; a power cut could only lose the
    last commits, and the demo can be loaded again. The previous setting is put back."""
    def relax(dbapi_connection, record, proxy):
        if isinstance(dbapi_connection, sqlite3.Connection):
            record.info["demo_synchronous"] = dbapi_connection.execute(
                "PRAGMA synchronous").fetchone()[0]
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    def restore(dbapi_connection, record):
        previous = record.info.pop("demo_synchronous", None)
        if previous is not None and isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute(f"PRAGMA synchronous={int(previous)}")

    db.session.commit()  # return any connection, so every checkout from here is relaxed
    event.listen(db.engine, "checkout", relax)
    event.listen(db.engine, "checkin", restore)
    try:
        yield
    finally:
        db.session.rollback()  # ends the transaction (all committed by now), putting it back
        event.remove(db.engine, "checkout", relax)
        event.remove(db.engine, "checkin", restore)


def load_demo(households: int = HOUSEHOLDS, seed: int = 2026):
    """Load the demo agency once: ``households`` enquiries, cases opened from most of them,
    and about one staff kinship referral for every ten enquiries.

    Returns the staff sign-ins as (email, role, team) or None if the demo is already there.
    """
    people = demo_staff()
    if db.session.scalar(select(User.id).where(User.email == MARKER_EMAIL)):
        return None
    emails = [p.email for p in people]
    if db.session.scalar(select(User.id).where(User.email.in_(emails))):
        raise RuntimeError("An earlier demo load stopped part way. Start again from an empty "
                           "database.")
    # Each operation commits; with nobody else writing these rows, there is no need to
    # reload every object from the database after each commit.
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        with _unhurried_sqlite():
            _load(people, households, seed)
    finally:
        session.expire_on_commit = expire_on_commit
        db.session.expire_all()
    return [(p.email, ROLE_NAMES[p.roles[0]], p.team or "") for p in people]


def _load(people: list[DemoPerson], households: int, seed: int) -> None:
    teams = {name: _get_team(name) for name in (RECRUITMENT_TEAM, KINSHIP_TEAM)}
    hashed = User()
    hashed.set_password(DEMO_PASSWORD)
    # The marker account is made last, so an interrupted load is never taken as complete.
    users = {p.email: _add_staff(p, teams.get(p.team), hashed.password_hash) for p in people[1:]}
    db.session.commit()

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    agency = _Agency(users, fake)
    agency.add_panel_members()
    rng = random.Random(seed)
    responders = {MAINSTREAM: [agency.recruiter, *agency.assessors],
                  KINSHIP: [agency.kin_manager, *agency.kin_assessors]}
    now = datetime.now(LONDON)
    taken = set(db.session.scalars(select(Enquiry.reference)))
    enquiries = []
    for age in _spread(rng, households, _enquiry_age):
        reference = _reference(rng, taken, lambda c: f"ENQ-{c[:4]}-{c[4:]}")
        enquiries.append(_enquiry(fake, rng, _received_at(rng, now, age), reference,
                                  responders))
    db.session.add_all(enquiries)
    db.session.commit()
    enquiry_ids = list(db.session.scalars(select(Enquiry.id).where(
        Enquiry.reference.in_([e.reference for e in enquiries]))
        .order_by(Enquiry.received_at, Enquiry.id)))
    agency.fresh_session()

    for number, enquiry_id in enumerate(enquiry_ids):
        story_rng = random.Random(f"{seed}-enquiry-{number}")
        enquiry = db.session.get(Enquiry, enquiry_id)
        contacted = enquiry.first_response_at is not None
        if story_rng.random() > (0.9 if contacted else 0.5):
            continue  # stays in the inbox only
        if enquiry.pathway == KINSHIP:
            household = open_case_from_enquiry(enquiry, agency.kin_manager)
            agency.play(household, agency.kinship, story_rng, True)
        else:
            household = open_case_from_enquiry(enquiry, agency.recruiter)
            agency.play(household, agency.mainstream, story_rng, enquiry)
    referral_ages = _spread(rng, households // 10, lambda p: _triangular(p, 0, 330, 45))
    for number, age in enumerate(referral_ages):
        story_rng = random.Random(f"{seed}-referral-{number}")
        if number == 0:  # the one always at regulation 24
            household = _kinship_referral(agency, fake, story_rng, 10)
            agency.play(household, agency.recent_reg24, story_rng, False)
            continue
        household = _kinship_referral(agency, fake, story_rng, age)
        agency.play(household, agency.kinship, story_rng, False)

    agency.settle_timestamps(random.Random(f"{seed}-times"))
    agency.settle_references(random.Random(f"{seed}-references"))
    agency.finish_panels(random.Random(f"{seed}-panels"))
    agency.settle_reports()
    load_demo_visits(random.Random(f"{seed}-visits"))
    # The households' own accounts, applications, documents and messages.
    load_demo_applicants(agency.households, seed)
    # Store every open case's checks as the nightly refresh would, so the demo starts
    # complete rather than on the morning after.
    checks.refresh_all_checks()
    _add_staff(people[0], None, hashed.password_hash)
    db.session.commit()


def demo_summary() -> list[tuple[str, str, int]]:
    """(pathway, stage, cases) for every stage that has cases, in pipeline order."""
    rows = db.session.execute(select(Household.pathway, Household.stage,
                                     func.count(Household.id))
                              .group_by(Household.pathway, Household.stage)).all()
    order = {stage.value: n for n, stage in enumerate(Stage)}
    rows = sorted(rows, key=lambda r: (r[0] != Pathway.MAINSTREAM, order.get(r[1], 99)))
    return [(Pathway(p).label, Stage(s).label, n) for p, s, n in rows]
