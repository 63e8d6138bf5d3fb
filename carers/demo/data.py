"""A synthetic agency for demonstrations and manual testing (Faker en_GB, fixed seed)."""

import random
from datetime import datetime, time, timedelta

from faker import Faker
from sqlalchemy import select

from carers.auth.models import User
from carers.auth.operations import create_user
from carers.auth.roles import ROLE_NAMES, RoleKey
from carers.clocks.workdays import add_working_days
from carers.core.dates import LONDON, today
from carers.enquiries import choices
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry, EnquiryPerson
from carers.enquiries.operations import new_reference
from carers.extensions import db

DEMO_PASSWORD = "demo-fostering-2026"
MARKER_EMAIL = "admin@demo.carers.example"
HOUSEHOLDS = 300


def demo_staff() -> list[tuple[str, str, list[str]]]:
    """(email, name, roles) for one or two people in every role."""
    return [
        (MARKER_EMAIL, "Alex Morgan", [RoleKey.ADMINISTRATOR]),
        ("recruitment@demo.carers.example", "Priya Shah", [RoleKey.RECRUITMENT_OFFICER]),
        ("assessor@demo.carers.example", "Tom Okafor", [RoleKey.ASSESSING_SOCIAL_WORKER]),
        ("assessor2@demo.carers.example", "Hannah Lewis", [RoleKey.ASSESSING_SOCIAL_WORKER]),
        ("supervising@demo.carers.example", "Grace Murphy",
         [RoleKey.SUPERVISING_SOCIAL_WORKER]),
        ("manager@demo.carers.example", "Sam Patel", [RoleKey.TEAM_MANAGER]),
        ("panel.admin@demo.carers.example", "Jo Clarke", [RoleKey.PANEL_ADMINISTRATOR]),
        ("panel.chair@demo.carers.example", "Margaret Hughes", [RoleKey.PANEL_MEMBER]),
        ("panel.member@demo.carers.example", "David Evans", [RoleKey.PANEL_MEMBER]),
        ("adm@demo.carers.example", "Ruth Campbell", [RoleKey.AGENCY_DECISION_MAKER]),
    ]


def _enquiry(fake: Faker, rng: random.Random, received: datetime, responders) -> Enquiry:
    knows_child = rng.random() < 0.2
    bedrooms = rng.choice([2, 3, 3, 3, 4, 4, 5])
    enquiry = Enquiry(
        reference=new_reference(),
        received_at=received,
        pathway=KINSHIP if knows_child else MAINSTREAM,
        first_name=fake.first_name(),
        last_name=fake.last_name(),
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
        child_name=fake.name() if knows_child else None,
        child_relationship=rng.choice([c[0] for c in choices.CHILD_RELATIONSHIPS])
        if knows_child else None,
        heard_about=rng.choice([c[0] for c in choices.HEARD_ABOUT]),
        privacy_consent_at=received,
        keep_in_touch=rng.random() < 0.5,
    )
    if enquiry.has_pets:
        enquiry.pets_details = rng.choice(["A dog", "Two cats", "A dog and a rabbit", "Fish"])
    if rng.random() < 0.6:
        enquiry.people.append(EnquiryPerson(
            position=0, name=f"{fake.first_name()} {enquiry.last_name}",
            relationship_to_enquirer="partner", age=rng.randint(25, 65), applying=True))
    for position in range(1, rng.choice([1, 1, 2, 3])):
        enquiry.people.append(EnquiryPerson(
            position=position, name=f"{fake.first_name()} {enquiry.last_name}",
            relationship_to_enquirer="child", age=rng.randint(1, 24), applying=False))
    # Most older enquiries have had their first response; a few were late.
    age_days = (today() - received.astimezone(LONDON).date()).days
    if age_days > 2 or rng.random() < 0.5:
        delay = rng.choice([0, 1, 1, 1, 2, 4])
        responded_on = add_working_days(received.astimezone(LONDON).date(), delay)
        if responded_on <= today():
            enquiry.status = Enquiry.CONTACTED
            enquiry.first_response_at = datetime.combine(
                responded_on, time(rng.randint(9, 16), rng.randint(0, 59)), LONDON)
            enquiry.first_response_by = rng.choice(responders)
            enquiry.first_response_note = "Phoned and talked through the next steps."
    return enquiry


def load_demo(households: int = HOUSEHOLDS, seed: int = 2026):
    """Load the demo agency once. Returns the staff sign-ins, or None if already loaded."""
    if db.session.scalar(select(User.id).where(User.email == MARKER_EMAIL)):
        return None
    staff = []
    users = {}
    for email, name, roles in demo_staff():
        users[email] = create_user(email, name, DEMO_PASSWORD, [r.value for r in roles])
        staff.append((email, ROLE_NAMES[roles[0]]))
    responders = [users["recruitment@demo.carers.example"],
                  users["assessor@demo.carers.example"]]
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    now = datetime.now(LONDON)
    for _ in range(households):
        received = now - timedelta(days=rng.expovariate(1 / 60), minutes=rng.randint(0, 600))
        db.session.add(_enquiry(fake, rng, received, responders))
    db.session.commit()
    return staff
