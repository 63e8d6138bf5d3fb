"""The demo's applicants: the households' own accounts, their applications, documents and
messages.

Every demo household at a stage where its people would have been invited to apply (a
mainstream household from its initial visit on, a kinship household from its viability
assessment on; closed-before-application cases never were) has an account for each joint
applicant and for each other adult (18+) who lives there. Before the application is sent
the answers are part done (some tasks completed, one in progress, the rest not started);
after it, every task is completed, each joint applicant has declared and the application
was sent on the day the case records it (``application_received_on``). The team has asked
for documents, some of them sent as real small PDF and PNG files through
``carers.uploads``; each household has a thread of messages with its worker, some unread on
one side or the other.

Answers follow the application's contract (carers/application/rules.py, journey.py).
Accounts, invitations, document requests and messages are written as rows, dated when they
happened, and no email is queued: the demo's outbox starts empty, so the first email to a
demo applicant is the sign-in code they ask for. Each file is checked by the uploads'
inspection and kept by their storage, so it is really stored like any upload. The report
shared with the memorable household in assessment is shared by the reports' own operation.

Three households have memorable addresses, listed in the README (``MEMORABLE``).
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker
from faker.providers.person.en_GB import Provider as Names
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carers.applicants.models import Applicant
from carers.applicants.operations import INVITATION, member_role
from carers.applicants.rules import age_on
from carers.application import journey, rules
from carers.application.feed import children_elsewhere_facts, home_facts, person_facts
from carers.application.models import Application, ApplicationTask, Declaration
from carers.auth.models import User
from carers.cases.models import CaseEvent, Household, HouseholdDetails, HouseholdMember
from carers.cases.state import next_due
from carers.clocks.workdays import add_working_days
from carers.core.dates import LONDON, today, utcnow
from carers.demo.narratives import report_terms, report_texts
from carers.enquiries.models import Enquiry
from carers.extensions import db
from carers.messages.models import Message, MessageReader
from carers.pipeline import Pathway, Recommendation, Stage
from carers.reports import operations as reports
from carers.reports.models import AssessmentReport
from carers.settings.registry import load_settings
from carers.uploads import inspection, storage
from carers.uploads.models import DocumentRequest, UploadedDocument
from carers.uploads.rules import DocumentKind

DOMAIN = "demo.carers.example"

# The memorable demo applicants (the README lists them): which household each is, and the
# address of each of its joint applicants in order.
COUPLE = "couple"
ASSESSMENT = "assessment"
KINSHIP = "kinship"
MEMORABLE = {
    COUPLE: (f"couple.applying@{DOMAIN}", f"couple.partner@{DOMAIN}"),
    ASSESSMENT: (f"in.assessment@{DOMAIN}",),
    KINSHIP: (f"kinship.carer@{DOMAIN}",),
}
MEMORABLE_SITUATIONS = {
    COUPLE: "A couple filling in their application to foster (mainstream, after the "
            "initial visit)",
    ASSESSMENT: "A household in Stage 2 of its assessment, whose Form F report is shared "
                "with them for their comments",
    KINSHIP: "A kinship carer filling in the Kinship carer assessment",
}

# Where applicants have accounts, and whether their application has been sent by then.
BEFORE_APPLICATION = {
    Pathway.MAINSTREAM.value: {Stage.INITIAL_VISIT.value},
    Pathway.CONNECTED_PERSON.value: {Stage.VIABILITY_ASSESSMENT.value,
                                     Stage.REG24_TEMPORARY_APPROVAL.value},
}
AFTER_APPLICATION = {
    Pathway.MAINSTREAM.value: {
        Stage.APPLICATION_RECEIVED.value, Stage.STAGE1.value, Stage.STAGE2.value,
        Stage.NOT_SUITABLE_STAGE1.value, Stage.READY_FOR_PANEL.value,
        Stage.PANEL_RECOMMENDED.value, Stage.AGENCY_DECISION.value, Stage.APPROVED.value,
        Stage.NOT_APPROVED.value, Stage.WITHDRAWN.value},
    Pathway.CONNECTED_PERSON.value: {
        Stage.FULL_ASSESSMENT.value, Stage.READY_FOR_PANEL.value,
        Stage.PANEL_RECOMMENDED.value, Stage.AGENCY_DECISION.value, Stage.APPROVED.value,
        Stage.NOT_APPROVED.value, Stage.WITHDRAWN.value},
}
# A kinship carer whose full assessment started less than this long ago is still filling
# in the application (it joins the assessment when it is sent).
KINSHIP_STILL_APPLYING_DAYS = 21
# How far the memorable couple have got: each one's own tasks completed (the next one in
# progress), and the household's shared tasks.
MEMORABLE_PROGRESS = {COUPLE: (4, 1)}
MEMORABLE_SHARED_PROGRESS = {COUPLE: 1}

FEMALE = frozenset(Names.first_names_female)

WORKER_MESSAGES = [
    "Hello {first}, thank you for meeting me. I have sent you the invitation to apply: "
    "you can fill in the application a bit at a time, and it saves as you go.",
    "Hi {first}, just checking in. Let me know if any of the questions are unclear; "
    "the part about where you have lived often takes longest.",
    "Thanks {first}. I have asked for a couple of documents on the Documents page: a "
    "photo or scan from your phone is fine.",
    "Hello {first}, I would like to book our next session for the week after next. Does a "
    "morning suit you, or is after school better?",
    "Thank you for sending those. I have everything I need for now and will be in touch "
    "about the next visit.",
    "Hi {first}, a quick note that the DBS forms are on their way by email. They take about "
    "ten minutes to fill in.",
]
HOUSEHOLD_MESSAGES = [
    "Thank you. Do we each need to fill in our own part, or can one of us do it for both?",
    "We have started the application. How far back do the addresses need to go?",
    "I have uploaded my passport. My partner's will follow at the weekend.",
    "Mornings are better for us, any day apart from Wednesday.",
    "Is there anything we should read before the training days?",
    "Our eldest is home from university next month: would you like to meet him then?",
]
REPORT_SHARED_MESSAGE = (
    "Hello {first}, I have shared your assessment report with you: you can read it under "
    "Your assessment report. Please send me your comments within 10 working days, and "
    "tell me if anything in it is wrong.")


@dataclass
class _Person:
    member: HouseholdMember
    role: str
    name: str
    born: date
    sex: str
    email: str
    phone: str
    answers: dict[str, dict] = field(default_factory=dict)
    done: int = 0  # personal tasks completed, in order (before the application is sent)
    applicant: Applicant | None = None


def _first(name: str) -> str:
    return name.split()[0] if name else name


def _sex(name: str, rng: random.Random) -> str:
    first = _first(name)
    return "female" if first in FEMALE else "male" if first else rng.choice(["female", "male"])


def _address_slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return ".".join(re.sub(r"[^a-z]", "", part) for part in plain.split()
                    if re.sub(r"[^a-z]", "", part)) or "applicant"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _at(day: date, rng: random.Random, now: datetime) -> datetime:
    at = datetime.combine(day, time(rng.randint(8, 20), rng.randint(0, 59)), LONDON)
    return min(at.astimezone(UTC), now - timedelta(minutes=rng.randint(5, 60)))


def _born(member: HouseholdMember, enquired: date, rng: random.Random) -> date:
    if member.date_of_birth:
        return member.date_of_birth
    age = member.age_at_enquiry if member.age_at_enquiry is not None else rng.randint(40, 66)
    return enquired - timedelta(days=365 * age + rng.randint(30, 330))


def _phone(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"  # Ofcom's numbers for drama: never real


# --- small real files --------------------------------------------------------------------

def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with some text (Helvetica), written out by hand: a real file any PDF
    reader opens, a few hundred bytes."""
    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT", "/F1 18 Tf", "50 780 Td", f"({escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        body += ["0 -22 Td", f"({escape(line)}) Tj"]
    body.append("ET")
    stream = "\n".join(body).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    return bytes(out)


def demo_png(seed: int, width: int = 48, height: int = 32) -> bytes:
    """A small PNG (a card-like picture in two colours), written with zlib: a real image."""
    rng = random.Random(seed)
    back = (rng.randint(180, 240), rng.randint(180, 240), rng.randint(180, 240))
    band = (rng.randint(20, 120), rng.randint(20, 120), rng.randint(60, 160))
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            photo = 4 <= x < 16 and 8 <= y < 26
            stripe = y < 6 or (x >= 20 and y in (12, 16, 20))
            rows += bytes(band if photo or stripe else back)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


# --- answers -----------------------------------------------------------------------------

class _Answers:
    """Each task's answers for the demo's people, in the application's shapes."""

    def __init__(self, fake: Faker, rng: random.Random, on: date) -> None:
        self.fake, self.rng, self.today = fake, rng, on

    def about_you(self, p: _Person) -> dict:
        rng = self.rng
        previous = []
        if p.sex == "female" and p.role == rules.APPLICANT and rng.random() < 0.4:
            previous = [f"{_first(p.name)} {self.fake.last_name()}"]
        answers = {
            "full_name": p.name, "previous_names": previous,
            "date_of_birth": _iso(p.born), "sex": p.sex,
            "nationality": rng.choice(["British"] * 8 + ["Irish", "Polish", "Nigerian"]),
            "languages": rng.choice(["English"] * 6 + ["English and Welsh",
                                                       "English and Polish",
                                                       "English and Urdu"]),
            "religion": rng.choice([None, None, "Christian", "Muslim", "No religion",
                                    "Sikh"]),
            "ethnicity": rng.choice([None, "White British", "White British", "Indian",
                                     "Black Caribbean", "Mixed White and Asian"]),
            "email": p.email, "phone": p.phone,
        }
        return journey.tidy("about_you", {**answers, **self._identity(p, answers)})

    @staticmethod
    def _identity(p: _Person, answers: dict) -> dict:
        """The name they go by, where they were born, whether they practise their religion
        and any disability: from their own seed, so the rest of the demo stays as it was."""
        rng = random.Random(f"identity:{p.name}:{p.born}")
        first = _first(p.name)
        known_as = {"Elizabeth": "Liz", "Margaret": "Maggie", "William": "Bill",
                    "Robert": "Rob", "Jennifer": "Jen", "Christopher": "Chris",
                    "Katherine": "Kate", "Michael": "Mike"}.get(first)
        town, country = rng.choice([("Leeds", "England"), ("Bradford", "England"),
                                    ("Manchester", "England"), ("Cardiff", "Wales"),
                                    ("Glasgow", "Scotland"), ("Belfast", "Northern Ireland")])
        if answers.get("nationality") == "Irish":
            town, country = "Dublin", "Ireland"
        elif answers.get("nationality") == "Polish":
            town, country = "Kraków", "Poland"
        elif answers.get("nationality") == "Nigerian":
            town, country = "Lagos", "Nigeria"
        disabled = rng.choice(["no"] * 12 + ["yes", "prefer_not"])
        return {
            "known_as": known_as, "birth_town": town, "birth_country": country,
            "practising": rng.random() < 0.5, "registered_disabled": disabled,
            "disability_details": "Partially sighted; I use a screen reader at work"
            if disabled == "yes" else None,
        }

    def work(self, p: _Person) -> dict:
        rng, fake = self.rng, self.fake
        age = age_on(p.born, self.today)
        if age >= 63 and rng.random() < 0.7:
            status = "retired"
        else:
            status = rng.choice(["employed"] * 6 + ["self_employed"] * 2 + ["not_working"])
        answers = {"status": status, "job_title": None, "employer_name": None,
                   "hours": None, "employer_email": None, "employer_phone": None,
                   "employer_address": None,
                   "income_annual": None, "other_income": None}
        if status in rules.EMPLOYED:
            answers.update(job_title=fake.job()[:200], employer_name=fake.company(),
                           hours=rng.choice(["9am to 5pm Monday to Friday", "Shifts",
                                             "Three days a week", None]),
                           income_annual=rng.randrange(16_000, 62_000, 500))
        if status == "employed":
            answers.update(employer_email=fake.email(),
                           employer_phone=f"0113 496 0{rng.randint(0, 999):03d}",
                           employer_address=fake.address())
        if status == "retired":
            answers["other_income"] = "State pension and a workplace pension"
        if status == "not_working":
            answers["other_income"] = rng.choice([None, "Child benefit"])
        return journey.tidy("work", answers)

    def health(self) -> dict:
        rng = self.rng
        good = rng.random() < 0.88
        return {"good_health": good,
                "conditions": None if good else rng.choice([
                    "Type 2 diabetes, managed with diet and tablets",
                    "Asthma, well controlled with an inhaler",
                    "A knee replacement last year; walking well now"]),
                "medication": None if good else rng.choice(["Metformin", "An inhaler", None]),
                "gp_name": f"{self.fake.city()} Health Centre",
                "gp_address": self.fake.address()}

    def relationships(self, p: _Person, partner: _Person | None) -> dict:
        rng, fake = self.rng, self.fake
        current, partnership = None, {}
        if partner is not None:
            since = max(p.born, partner.born) + timedelta(days=365 * rng.randint(19, 26))
            since = min(since, self.today - timedelta(days=400))
            current = {"name": partner.name, "since": _iso(since)}
            partnership = self._partnership(p, partner)
        past = []
        if rng.random() < 0.25:
            start = p.born + timedelta(days=365 * rng.randint(18, 24))
            end = start + timedelta(days=rng.randint(400, 2500))
            if end < self.today - timedelta(days=400):
                past.append({"name": fake.name(), "from": _iso(start), "to": _iso(end),
                             "email": fake.email(), "phone": _phone(rng),
                             "address": fake.address(),
                             "children_together": rng.random() < 0.3})
        return journey.tidy("relationships", {"current_partner": current, **partnership,
                                              "past_partners": past})

    def _partnership(self, p: _Person, partner: _Person) -> dict:
        """The couple's partnership, the same in both partners' answers (seeded by the
        couple, so the rest of the demo stays as it was), after their relationship started
        (at most 26 years after the younger was born, and 400 days ago)."""
        couple = sorted([p.name, partner.name])
        rng = random.Random(f"partnership:{couple}")
        kind = rng.choice(["married"] * 5 + ["civil_partnership", "cohabiting", "cohabiting"])
        since = min(max(p.born, partner.born) + timedelta(days=365 * 27 + rng.randint(0, 1500)),
                    self.today - timedelta(days=200))
        return {"partnership_kind": kind, "partnership_since": _iso(since),
                "partnership_place": rng.choice(["Leeds Register Office",
                                                 "St Mary's Church, Harrogate",
                                                 "Bradford City Hall"])
                if kind in rules.REGISTERED else None}

    def addresses(self, h: Household) -> dict:
        """Ten years and more with no gap: where they live now, then one or two before."""
        rng, fake = self.rng, self.fake
        line_1, _, town = (h.address or "1 High Street, Northmoor").partition(", ")
        ten_years = rules.years_before(self.today, rules.ADDRESS_YEARS)
        start = self.today - timedelta(days=rng.randint(300, 5000))
        addresses = [{"line_1": line_1, "town": town or "Northmoor",
                      "postcode": h.postcode or fake.postcode(),
                      "local_authority": "Northmoor Council",
                      "lived_from": _iso(start), "lived_to": None}]
        while start > ten_years:
            end = start - timedelta(days=1)
            start = end - timedelta(days=rng.randint(700, 3000))
            abroad = rng.random() < 0.04
            city = fake.city()
            addresses.append({
                "line_1": fake.street_address(), "town": "Dublin" if abroad else city,
                "postcode": None if abroad else fake.postcode(),
                "local_authority": "Ireland" if abroad else f"{city} Council",
                "lived_from": _iso(start), "lived_to": _iso(end)})
        return {"addresses": addresses}

    def earlier_applications(self) -> dict:
        if self.rng.random() < 0.06:
            return {"any": True, "applications": [{
                "kind": "foster", "agency": f"{self.fake.city()} Council",
                "year": self.today.year - self.rng.randint(6, 15),
                "outcome": "Withdrawn before the assessment finished"}]}
        return {"any": False, "applications": []}

    def household(self, h: Household, people: list[_Person],
                  others: list[HouseholdMember], enquired: date) -> dict:
        rng = self.rng
        living = []
        for member in others:
            born = _born(member, enquired, rng)
            if member.relationship_to_applicant == "child":
                relationship = "daughter" if _sex(member.name, rng) == "female" else "son"
            elif member.relationship_to_applicant in ("partner", "parent", "lodger"):
                relationship = member.relationship_to_applicant
            else:
                relationship = "other"
            living.append({"name": member.name, "date_of_birth": _iso(born),
                           "relationship": relationship, "lives_here": True})
        if h.child_name and h.child_date_of_birth and h.reg24_approved_on:
            grand = "grand" in (h.child_relationship or "").lower()
            living.append({"name": h.child_name, "date_of_birth": _iso(h.child_date_of_birth),
                           "relationship": "grandchild" if grand else "other",
                           "lives_here": True})
        elsewhere = []
        if people and rng.random() < 0.15:
            born = people[0].born + timedelta(days=365 * rng.randint(22, 30))
            if age_on(born, self.today) >= 18:
                last = people[0].name.split()[-1]
                elsewhere.append({"name": f"{self.fake.first_name()} {last}",
                                  "date_of_birth": _iso(born),
                                  "relationship": rng.choice(["son", "daughter"]),
                                  "lives_with": rng.choice(["On their own in Leeds",
                                                            "Their partner, in Bristol"])})
        return {"people": living, "children_elsewhere": elsewhere}

    def home(self, enquiry: Enquiry | None, has_pets: bool, pets: str | None) -> dict:
        rng = self.rng
        tenure = {"owned": "owned", "social_rent": "rented", "private_rent": "rented"}.get(
            enquiry.tenure if enquiry else None, rng.choice(["owned", "owned", "rented"]))
        bedrooms = enquiry.bedrooms if enquiry and enquiry.bedrooms else rng.randint(2, 4)
        spare = enquiry.spare_bedrooms if enquiry and enquiry.spare_bedrooms is not None \
            else rng.randint(0, bedrooms - 1)
        smoking = rng.random() < 0.08
        return journey.tidy("home", {
            "tenure": tenure, "landlord_consent": True if tenure == "rented" else None,
            "bedrooms": bedrooms, "spare_bedrooms": spare,
            "spare_bedroom_details": rng.choice([
                None, "A single room at the back, used as a study now",
                "A double room with a window onto the garden"]) if spare else None,
            "has_pets": has_pets,
            "pets_details": (pets or "A dog, good with children") if has_pets else None,
            "smoking": smoking,
            "smoking_details": "One of us vapes, outside only" if smoking else None})

    def referees(self) -> dict:
        rng, fake = self.rng, self.fake
        relative = rng.choice(["My sister", "My brother", "My cousin", "My aunt"])
        kinds = [relative, rng.choice(["A friend from work", "A close friend"]),
                 rng.choice(["Our neighbour", "A friend from church", "A friend from school"])]
        if rng.random() < 0.3:
            kinds.append("My daughter's godmother")
        return {"referees": [
            {"name": fake.name(), "relationship": kind, "is_relative": n == 0,
             "email": fake.email(), "phone": _phone(rng), "address": fake.address(),
             "known_years": rng.randint(4, 30)} for n, kind in enumerate(kinds)]}

    def consents(self, p: _Person, on: date) -> dict:
        needed = rules.consents_needed(p.role, p.answers)
        return {**{key: True for key in needed}, "consented_on": _iso(on)}


def _partly(task_key: str, answers: dict) -> dict:
    """Some of a task's answers, as when someone stopped part way through it."""
    pages = journey.pages_for(task_key, answers)
    if len(pages) > 1:
        keep = set().union(*(page.keys() for page in pages[:max(1, len(pages) // 2)]))
        return {k: v for k, v in answers.items() if k in keep}
    out = dict(answers)
    for key, value in answers.items():
        if isinstance(value, list) and len(value) > 1:
            out[key] = value[:1]
            return out
    return {k: v for k, v in list(answers.items())[:1]}


# --- the households ------------------------------------------------------------------------

@dataclass
class _Plan:
    household: Household
    submitted_on: date | None  # None: still applying
    invited_on: date
    memorable: str | None = None


class DemoApplicants:
    def __init__(self, household_ids: list[int], seed: int) -> None:
        self.seed = seed
        self.today = today()
        self.now = utcnow()
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed + 14)
        self.ids = household_ids
        self.settings = load_settings()
        self.numbered = 0

    # -- which households, and when --

    def plans(self) -> list[_Plan]:
        households = list(db.session.scalars(
            select(Household).where(Household.id.in_(self.ids))
            .options(selectinload(Household.members), selectinload(Household.workers))
            .order_by(Household.id)))
        reached = {}  # (household, stage) -> the first day it got there
        for household_id, stage, on in db.session.execute(
                select(CaseEvent.household_id, CaseEvent.to_stage, CaseEvent.happened_on)
                .where(CaseEvent.household_id.in_(self.ids),
                       CaseEvent.kind == CaseEvent.TRANSITION)
                .order_by(CaseEvent.id)):
            reached.setdefault((household_id, stage), on)
        plans = []
        for h in households:
            rng = random.Random(f"{self.seed}-applicants-{h.id}")
            before = h.stage in BEFORE_APPLICATION[h.pathway]
            after = h.stage in AFTER_APPLICATION[h.pathway]
            if not (before or after) or not h.members:
                continue
            if h.pathway == Pathway.MAINSTREAM.value:
                if h.application_received_on is None and not before:
                    continue  # closed without an application
                visited = h.initial_visit_on or reached.get((h.id, Stage.INITIAL_VISIT.value))
                sent = h.application_received_on if after else None
                invited = add_working_days(visited, rng.randint(1, 3)) if visited else \
                    add_working_days(sent, -rng.randint(8, 20))
            else:
                viability = reached.get((h.id, Stage.VIABILITY_ASSESSMENT.value))
                full = reached.get((h.id, Stage.FULL_ASSESSMENT.value))
                if viability is None:
                    continue
                invited = add_working_days(viability, rng.randint(0, 2))
                sent = None
                if after and full is not None and (
                        h.stage != Stage.FULL_ASSESSMENT.value
                        or (self.today - full).days > KINSHIP_STILL_APPLYING_DAYS):
                    sent = h.application_received_on or add_working_days(full, rng.randint(0, 3))
            invited = min(invited, self.today)
            if sent is not None:
                sent = min(max(sent, invited), self.today)
            plans.append(_Plan(h, sent, invited))
        self._choose_memorable(plans)
        return plans

    def _choose_memorable(self, plans: list[_Plan]) -> None:
        def couple(p: _Plan) -> bool:
            return sum(m.is_applicant for m in p.household.members) == 2

        def pick(kind, *tests):
            for test in tests:
                found = next((p for p in plans if p.memorable is None and test(p)), None)
                if found:
                    found.memorable = kind
                    return

        mainstream, kinship = Pathway.MAINSTREAM.value, Pathway.CONNECTED_PERSON.value
        pick(COUPLE,
             lambda p: p.household.pathway == mainstream and p.submitted_on is None
             and couple(p) and p.household.stage == Stage.INITIAL_VISIT.value,
             lambda p: p.household.pathway == mainstream and p.submitted_on is None)
        drafts = set(db.session.scalars(select(AssessmentReport.household_id).where(
            AssessmentReport.signed_off_at.is_(None))))
        pick(ASSESSMENT,
             lambda p: p.household.stage == Stage.STAGE2.value and p.household.workers
             and p.household.id in drafts,
             lambda p: p.household.stage == Stage.FULL_ASSESSMENT.value and p.household.workers
             and p.household.id in drafts and p.submitted_on is not None)
        pick(KINSHIP,
             lambda p: p.household.stage in BEFORE_APPLICATION[kinship]
             and len(p.household.members) == 1,
             lambda p: p.household.pathway == kinship and p.submitted_on is None
             and len(p.household.members) == 1,
             lambda p: p.household.pathway == kinship and p.submitted_on is None,
             lambda p: p.household.pathway == kinship)

    # -- everything for one household --

    def load(self) -> None:
        for plan in self.plans():
            self.household(plan)
            db.session.expunge_all()

    def _people(self, plan: _Plan, rng: random.Random) -> tuple[list[_Person],
                                                                  list[HouseholdMember]]:
        """The household's joint applicants (first) and other adults, who have accounts,
        and everyone else who lives there."""
        h = plan.household
        enquired = h.enquiry_received_on or h.referral_received_on or self.today
        people, others = [], []
        memorable = list(MEMORABLE.get(plan.memorable, ()))
        for member in h.members:
            if not member.lives_in_household:
                continue
            role = member_role(member, self.today)
            if role is None:
                others.append(member)
                continue
            if role == rules.APPLICANT and memorable:
                email = memorable.pop(0)
            else:
                self.numbered += 1
                email = f"{_address_slug(member.name)}.{self.numbered:03d}@{DOMAIN}"
            people.append(_Person(
                member=member, role=role, name=member.name, born=_born(member, enquired, rng),
                sex=_sex(member.name, rng), email=email,
                phone=h.phone if not people and h.phone else _phone(rng)))
        people.sort(key=lambda p: p.role != rules.APPLICANT)
        return people, others

    def household(self, plan: _Plan) -> None:
        rng = random.Random(f"{self.seed}-applicants-{plan.household.id}")
        people, others = self._people(plan, rng)
        joint = [p for p in people if p.role == rules.APPLICANT]
        if not joint:
            return
        # The plan's objects were read before earlier households were put away: read the
        # case and its worker again to change them.
        h = db.session.get(Household, plan.household.id)
        worker = db.session.get(User, plan.household.workers[0].id) \
            if plan.household.workers else None
        make = _Answers(self.fake, rng, self.today)
        enquiry = db.session.get(Enquiry, h.enquiry_id) if h.enquiry_id else None
        pets = _pets_of(h)
        where = make.addresses(h)  # joint applicants live together
        sent = plan.submitted_on
        for n, person in enumerate(people):
            person.answers["about_you"] = make.about_you(person)
            if person.role == rules.APPLICANT:
                partner = joint[1 - n] if len(joint) == 2 else None
                person.answers["work"] = make.work(person)
                person.answers["health"] = make.health()
                person.answers["relationships"] = make.relationships(person, partner)
                person.answers["addresses"] = where
                person.answers["earlier_applications"] = make.earlier_applications()
            person.answers["consents"] = make.consents(person, sent or self.today)
        enquired = h.enquiry_received_on or h.referral_received_on or self.today
        shared = {"household": make.household(h, people, others, enquired),
                  "home": make.home(enquiry, *pets), "referees": make.referees()}
        if sent is None:
            # Part way: how many of their own tasks each person has completed, in order.
            levels = MEMORABLE_PROGRESS.get(plan.memorable, ())
            for n, person in enumerate(people):
                own = len([t for t in rules.tasks_for_role(person.role) if t.personal])
                person.done = levels[n] if n < len(levels) else rng.randint(0, own - 1)
            shared_done = MEMORABLE_SHARED_PROGRESS.get(plan.memorable, rng.randint(0, 2))
        else:
            shared_done = len([t for t in rules.TASKS if not t.personal])
            self._facts(h, people, shared, sent)
        if plan.memorable == ASSESSMENT and worker is not None:
            self._share_report(h, worker)  # before the accounts exist: see there
        self._accounts(plan, people, worker, rng)
        self._application(plan, people, shared, shared_done, rng)
        if sent is not None and h.pathway == Pathway.CONNECTED_PERSON.value \
                and h.application_received_on is None:
            # A kinship application starts (or joins) the full assessment: the submission
            # records the day it came, as here.
            h.application_received_on = sent
            h.next_due_on, h.next_due_label = next_due(h, self.today, self.settings)
        stored: list[str] = []  # files written, removed again if the household is not saved
        try:
            if worker is not None:
                self._documents(plan, h, people, worker, pets[0], stored, rng)
                self._messages(plan, people, worker, rng)
            db.session.commit()  # the household's accounts, application, documents, messages
        except BaseException:
            db.session.rollback()  # the files' rows too: nothing is left behind
            raise

    def _accounts(self, plan: _Plan, people: list[_Person], worker: User | None,
                  rng: random.Random) -> list[Applicant]:
        h = plan.household
        invited_at = _at(plan.invited_on, rng, self.now)
        accounts = []
        for person in people:
            signed_in = min(invited_at + timedelta(days=rng.randint(0, 20), hours=3),
                            self.now - timedelta(hours=rng.randint(2, 200)))
            account = Applicant(household_id=h.id, member_id=person.member.id,
                                role=person.role, name=person.name, email=person.email,
                                phone=person.phone, active=True, invited_at=invited_at,
                                invited_by_id=worker.id if worker else None,
                                last_sign_in_at=max(signed_in, invited_at),
                                created_at=invited_at)
            db.session.add(account)
            accounts.append(account)
            person.applicant = account
        db.session.flush()
        for person in people:
            what = "a joint applicant" if person.role == rules.APPLICANT else "an adult"
            by = f" by {worker.name}" if worker else ""
            db.session.add(CaseEvent(
                household_id=h.id, at=invited_at, happened_on=plan.invited_on,
                user_id=worker.id if worker else None, kind=INVITATION,
                summary=f"{person.name} invited to sign in as {what}{by}"[:500],
                details={"applicant_id": person.applicant.id, "role": person.role}))
        return accounts

    def _application(self, plan: _Plan, people: list[_Person], shared: dict,
                     shared_done: int, rng: random.Random) -> None:
        h = plan.household
        form = rules.KINSHIP if h.pathway == Pathway.CONNECTED_PERSON.value else rules.FOSTER
        started = _at(plan.invited_on, rng, self.now)
        sent_at = _at(plan.submitted_on, rng, self.now) if plan.submitted_on else None
        if sent_at is not None and sent_at < started:
            sent_at = started + timedelta(minutes=30)
        application = Application(household_id=h.id, form=form, started_at=started,
                                  submitted_at=sent_at)
        db.session.add(application)
        last = sent_at or self.now
        span = max((last - started).total_seconds(), 60)

        def when(fraction: float) -> datetime:
            return started + timedelta(seconds=span * min(fraction, 0.99))

        by_id = {p.applicant.id: p for p in people}
        first = people[0].applicant  # a joint applicant: they come first
        everyone = [(p.applicant.id, p.role) for p in people]
        for key, person_id in rules.rows_needed(everyone):
            task = rules.BY_KEY[key]
            if person_id is not None:
                person = by_id[person_id]
                order = [t.key for t in rules.tasks_for_role(person.role) if t.personal]
                position, done, author = order.index(key), person.done, person.applicant
                answers = person.answers[key]
            else:
                order = [t.key for t in rules.TASKS if not t.personal]
                position, done, author = order.index(key), shared_done, first
                answers = shared[key]
            if plan.submitted_on is not None or position < done:
                status, saved = rules.COMPLETED, answers
            elif position == done:
                status, saved = rules.IN_PROGRESS, _partly(task.key, answers)
            else:
                status, saved = rules.NOT_STARTED, {}
            row = ApplicationTask(task=key, applicant_id=person_id, answers=saved,
                                  status=status)
            if status != rules.NOT_STARTED:
                row.updated_at = when((position + 1) / (len(order) + 1))
                row.updated_by_id = author.id
            application.tasks.append(row)
        if sent_at is not None:
            for n, person in enumerate(p for p in people if p.role == rules.APPLICANT):
                application.declarations.append(Declaration(
                    applicant_id=person.applicant.id,
                    declared_at=sent_at - timedelta(minutes=5 * (2 - n))))

    def _facts(self, h: Household, people: list[_Person], shared: dict, sent: date) -> None:
        """What the submission gives the report's factual sections."""
        elsewhere = children_elsewhere_facts(shared["household"])
        facts = {"applicants": [
            person_facts(p.name, p.role, p.answers.get("about_you"), p.answers.get("work"),
                         p.answers.get("health"), p.answers.get("relationships"),
                         p.answers.get("earlier_applications"), p.born, elsewhere)
            for p in people],
            "home": home_facts(shared["home"]), "children_elsewhere": elsewhere}
        reports.record_application_facts(h, facts, sent)

    def _share_report(self, h: Household, worker: User) -> None:
        """The memorable household in assessment: its report finished and shared with the
        applicants today, their comments still to come. Shared through the reports'
        own operation before the household's accounts are made, so that it emails nobody
        (the demo queues no email)."""
        report = db.session.scalar(select(AssessmentReport).where(
            AssessmentReport.household_id == h.id).order_by(AssessmentReport.number.desc()))
        if report is None or not report.is_draft:
            return
        texts = report_texts(h, random.Random(f"report-{h.id}"))
        reports.save_sections(h, {k: (v, None) for k, v in texts.items()}, worker)
        reports.set_recommendation(h, Recommendation.SUITABLE.value, report_terms(h), worker)
        reports.share_with_applicants(h, worker)

    # -- documents --

    def _documents(self, plan: _Plan, h: Household, people: list[_Person], worker: User,
                   has_pets: bool, stored: list[str], rng: random.Random) -> None:
        """What the team has asked the household for, and the files sent: each file
        checked by the uploads' own inspection and kept by their storage, under a random
        key (``stored`` gathers their keys). The rows are written
        dated, in the household's one transaction (the uploads' operations would date them
        today, one transaction each)."""
        asked_on = min(add_working_days(plan.invited_on, rng.randint(2, 8)), self.today)
        wanted = []
        for person in people:
            wanted.append((person, DocumentKind.IDENTITY))
            if person.role == rules.APPLICANT and rng.random() < 0.5:
                wanted.append((person, DocumentKind.DRIVING_LICENCE))
        wanted.append((people[0], DocumentKind.PROOF_OF_ADDRESS))
        if has_pets:
            wanted.append((people[0], DocumentKind.PET_INSURANCE))
        if plan.memorable is None and rng.random() < 0.5:
            wanted = wanted[:2]  # a household the team has asked for less, so far
        sent = plan.submitted_on
        for n, (person, kind) in enumerate(wanted):
            asked_at = _at(asked_on, rng, self.now)
            item = DocumentRequest(household_id=h.id, member_id=person.member.id,
                                   kind=kind, requested_by_id=worker.id,
                                   requested_at=asked_at,
                                   note="A photo or scan is fine." if n == 0 else None)
            db.session.add(item)
            # Sent: most documents of a household past its application; some before.
            chance = 0.9 if sent else 0.45
            if plan.memorable in (COUPLE, KINSHIP) and n == len(wanted) - 1:
                chance = 0  # something still to send
            if rng.random() >= chance:
                continue
            name, data = self._file(kind, person, h, rng)
            uploaded_at = min(asked_at + timedelta(days=rng.randint(1, 12),
                                                   hours=rng.randint(1, 8)),
                              self.now - timedelta(minutes=rng.randint(30, 600)))
            content_type = inspection.inspect(data)
            stored.append(storage.save(data))
            item.uploads.append(UploadedDocument(
                household_id=h.id, uploaded_by_id=person.applicant.id,
                original_name=name, stored_name=stored[-1], content_type=content_type,
                size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                uploaded_at=uploaded_at))
            if sent and rng.random() < 0.8 and plan.memorable != ASSESSMENT:
                item.fulfilled_by_id = worker.id
                item.fulfilled_at = min(uploaded_at + timedelta(days=rng.randint(1, 6)),
                                        self.now - timedelta(minutes=10))

    def _file(self, kind: str, person: _Person, h: Household,
              rng: random.Random) -> tuple[str, bytes]:
        first = _first(person.name).lower() or "document"
        if kind in (DocumentKind.IDENTITY, DocumentKind.DRIVING_LICENCE) and rng.random() < 0.7:
            return (f"{first}-{kind.replace('_', '-')}.png",
                    demo_png(rng.randint(0, 10 ** 6)))
        title = {DocumentKind.PROOF_OF_ADDRESS: "Council tax bill",
                 DocumentKind.PET_INSURANCE: "Pet insurance certificate",
                 DocumentKind.IDENTITY: "Passport (scanned)",
                 DocumentKind.DRIVING_LICENCE: "Driving licence (scanned)"}.get(kind, "Document")
        lines = [f"Name: {person.name}", f"Address: {h.address or ''} {h.postcode or ''}",
                 f"Issued: {rules.in_words(self.today - timedelta(days=rng.randint(20, 300)))}",
                 "Demo document made for Northmoor Council Fostering."]
        stem = title.lower().split(" (")[0].replace(" ", "-")
        return f"{stem}-{first}.pdf", demo_pdf(title, lines)

    # -- messages --

    def _messages(self, plan: _Plan, people: list[_Person], worker: User,
                  rng: random.Random) -> None:
        """A thread with the worker since the invitation. The side that did not write last
        has often not read it yet; a memorable household always has the worker's latest
        message unread."""
        h = plan.household
        joint = [p for p in people if p.role == rules.APPLICANT]
        first = _first(joint[0].name)
        count = rng.randint(1, 5)
        start = datetime.combine(plan.invited_on, time(10, 0), LONDON).astimezone(UTC)
        span = max((self.now - start).total_seconds() - 7200, 600)
        messages = []
        for n in range(count):
            at = start + timedelta(seconds=span * (n + rng.random() * 0.8) / count)
            if n % 2 == 0:
                messages.append(Message(household_id=h.id, author_user_id=worker.id,
                                        author_name=worker.name, sent_at=at,
                                        body=rng.choice(WORKER_MESSAGES).format(first=first)))
            else:
                author = rng.choice(joint)
                messages.append(Message(household_id=h.id, author_name=author.name,
                                        author_applicant_id=author.applicant.id, sent_at=at,
                                        body=rng.choice(HOUSEHOLD_MESSAGES)))
        if plan.memorable is not None:
            text = REPORT_SHARED_MESSAGE if plan.memorable == ASSESSMENT else \
                WORKER_MESSAGES[3]
            messages.append(Message(household_id=h.id, author_user_id=worker.id,
                                    author_name=worker.name, body=text.format(first=first),
                                    sent_at=self.now - timedelta(minutes=45)))
        db.session.add_all(messages)
        db.session.flush()
        last = messages[-1]
        before = messages[-2].id if len(messages) > 1 else 0
        from_staff = last.author_user_id is not None
        unread_by_household = from_staff and (plan.memorable is not None or rng.random() < 0.6)
        unread_by_staff = not from_staff and rng.random() < 0.7
        for person in people:
            if person.role != rules.APPLICANT:
                continue  # another adult has not opened the messages
            upto = before if unread_by_household else last.id
            if upto:
                db.session.add(MessageReader(household_id=h.id,
                                             applicant_id=person.applicant.id,
                                             last_read_message_id=upto,
                                             last_read_at=self.now - timedelta(hours=6)))
        upto = before if unread_by_staff else last.id
        if upto:
            db.session.add(MessageReader(household_id=h.id, user_id=worker.id,
                                         last_read_message_id=upto,
                                         last_read_at=self.now - timedelta(hours=3)))


def _pets_of(h: Household) -> tuple[bool, str | None]:
    details = db.session.get(HouseholdDetails, h.id)
    return (bool(details and details.has_pets), details.pets_details if details else None)


def load_demo_applicants(household_ids: list[int], seed: int) -> None:
    DemoApplicants(household_ids, seed).load()


def memorable_applicants() -> list[tuple[str, str, str, str]]:
    """(email, name, household reference, situation) of the memorable demo applicants that
    were loaded, in the README's order."""
    out = []
    for kind, emails in MEMORABLE.items():
        for email in emails:
            row = db.session.execute(
                select(Applicant.email, Applicant.name, Household.reference)
                .join(Household, Household.id == Applicant.household_id)
                .where(Applicant.email == email)).first()
            if row is not None:
                out.append((row[0], row[1], row[2], MEMORABLE_SITUATIONS[kind]))
    return out
