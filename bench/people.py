"""Names, addresses and enquiry rows: pools drawn once from Faker (en_GB, fixed seed), then
combined with ``random`` so that generating 100,000 households stays fast."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker

from carers.enquiries import choices
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry, response_working_days

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as carers.enquiries.operations


@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[str, ...]
    postcodes: tuple[str, ...]
    phones: tuple[str, ...]


def make_pools(seed: int) -> Pools:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return Pools(
        first_names=tuple({fake.first_name() for _ in range(1500)}),
        last_names=tuple({fake.last_name() for _ in range(1500)}),
        streets=tuple(fake.street_address() for _ in range(3000)),
        towns=tuple({fake.city() for _ in range(600)}),
        postcodes=tuple(fake.postcode() for _ in range(3000)),
        phones=tuple(fake.phone_number() for _ in range(3000)),
    )


def scrambled_reference(prefix: str, n: int, length: int) -> str:
    """A unique, random-looking reference for id ``n``: multiplying by an odd number is a
    bijection modulo a power of two, so different ids never share a reference."""
    modulus = 32 ** length
    value = (n * 0x9E3779B1) % modulus
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return prefix + "".join(chars)


def case_reference(household_id: int) -> str:
    return scrambled_reference("FC-", household_id, 6)


def enquiry_reference(enquiry_id: int) -> str:
    raw = scrambled_reference("", enquiry_id, 8)
    return f"ENQ-{raw[:4]}-{raw[4:]}"


def at_office_hours(rng: random.Random, on: date) -> datetime:
    return datetime.combine(on, time(rng.randint(8, 17), rng.randint(0, 59)), UTC)


@dataclass
class Person:
    first: str
    last: str
    born: date

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def person(rng: random.Random, pools: Pools, today: date, last: str | None = None,
           min_age: int = 23, max_age: int = 66) -> Person:
    born = today - timedelta(days=rng.randint(min_age * 365, max_age * 365))
    return Person(rng.choice(pools.first_names), last or rng.choice(pools.last_names), born)


def enquiry_row(rng: random.Random, pools: Pools, *, enquiry_id: int, enquirer: Person,
                received: datetime, kinship: bool, responded: datetime | None,
                responder_id: int | None, child_name: str | None = None) -> dict:
    bedrooms = rng.choice([2, 3, 3, 3, 4, 4, 5])
    has_pets = rng.random() < 0.4
    return {
        "id": enquiry_id,
        "reference": enquiry_reference(enquiry_id),
        "received_at": received,
        "source": "web",
        "pathway": KINSHIP if kinship else MAINSTREAM,
        "status": Enquiry.CONTACTED if responded else Enquiry.NEW,
        "first_name": enquirer.first,
        "last_name": enquirer.last,
        "other_names": None,
        "date_of_birth": enquirer.born,
        "email": f"{enquirer.first}.{enquirer.last}{enquiry_id % 997}@example.com".lower()
        .replace(" ", "").replace("'", ""),
        "phone": rng.choice(pools.phones),
        "preferred_contact": rng.choice(["phone", "email"]),
        "address_line_1": rng.choice(pools.streets),
        "address_line_2": None,
        "town": rng.choice(pools.towns),
        "county": None,
        "postcode": rng.choice(pools.postcodes),
        "property_type": rng.choice([c[0] for c in choices.PROPERTY_TYPES]),
        "tenure": rng.choice([c[0] for c in choices.TENURES]),
        "bedrooms": bedrooms,
        "spare_bedrooms": rng.randint(0 if kinship else 1, bedrooms - 1),
        "has_pets": has_pets,
        "pets_details": rng.choice(["A dog", "Two cats", "A dog and a rabbit"]) if has_pets
        else None,
        "fostering_types": rng.sample([c[0] for c in choices.FOSTERING_TYPES[:-1]],
                                      rng.randint(1, 3)),
        "knows_child": kinship,
        "child_name": child_name if kinship else None,
        "child_relationship": rng.choice([c[0] for c in choices.CHILD_RELATIONSHIPS])
        if kinship else None,
        "child_details": None,
        "heard_about": rng.choice([c[0] for c in choices.HEARD_ABOUT]),
        "heard_about_other": None,
        "privacy_consent_at": received,
        "keep_in_touch": rng.random() < 0.5,
        "first_response_at": responded,
        "first_response_working_days": response_working_days(received, responded)
        if responded else None,
        "first_response_by_id": responder_id if responded else None,
        "first_response_note": "Phoned and talked through the next steps." if responded
        else None,
    }


def enquiry_person_row(enquiry_id: int, position: int, name: str, relationship: str, age: int,
                       applying: bool) -> dict:
    return {"enquiry_id": enquiry_id, "position": position, "name": name,
            "relationship_to_enquirer": relationship, "age": age, "applying": applying}
