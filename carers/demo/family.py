"""The family tree and ecomap a demo assessor draws before writing the report: for a kinship
case three generations (the carer, their former partner, the child's parent, who has died
or lives elsewhere, and the subject child); for a mainstream case the applicants and the
household's children, with the household's supports on the ecomap. Seeded: the same demo
draws the same families."""

from __future__ import annotations

import random

from carers.family import operations as family
from carers.family.genogram import PARENT_OF, PARTNERS

SUPPORTS = [("Grandparents", "family", "strong"), ("Church friends", "faith", "moderate"),
            ("Primary school", "school", "strong"), ("GP surgery", "health", "moderate"),
            ("Work", "work", "stressful"), ("Neighbours", "community", "tenuous")]


def _year(born) -> int | None:
    return born.year if born else None


def _person(h, user, name: str, sex: str, year: int | None, **extra):
    return family.save_person(h, user, None, {
        "name": name, "sex": sex, "birth_year": year, "died": False, "died_year": None,
        "in_household": False, "subject_child": False, "member_id": None, **extra})


def draw_family(h, user, rng: random.Random) -> None:
    if h.child_name:
        _kinship(h, user, rng)
    else:
        _mainstream(h, user, rng)


def _kinship(h, user, rng: random.Random) -> None:
    carer = h.members[0]
    surname = carer.name.rsplit(" ", 1)[-1]
    born = _year(carer.date_of_birth) or rng.randint(1958, 1975)
    grandparent = _person(h, user, carer.name, rng.choice(["female", "male"]), born,
                          in_household=True, member_id=carer.id)
    other = _person(h, user, f"{rng.choice(['Dean', 'Lorraine', 'Gary', 'Tracey'])} "
                    f"{surname}", "male" if grandparent.sex == "female" else "female",
                    born - rng.randint(-3, 3))
    family.save_link(h, user, PARTNERS, grandparent, other,
                     rng.choice(["separated", "divorced"]))
    child_year = _year(h.child_date_of_birth) or 2018
    died = rng.random() < 0.3
    parent = _person(h, user, f"{rng.choice(['Kelly', 'Jade', 'Ryan', 'Liam'])} {surname}",
                     rng.choice(["female", "male"]), child_year - rng.randint(18, 30),
                     died=died, died_year=child_year + 1 if died else None)
    for elder in (grandparent, other):
        family.save_link(h, user, PARENT_OF, elder, parent, None)
    child = _person(h, user, h.child_name, rng.choice(["female", "male"]), child_year,
                    in_household=bool(h.child_placed_on), subject_child=True)
    family.save_link(h, user, PARENT_OF, parent, child, None)
    for name, kind, strength in rng.sample(SUPPORTS, 3):
        family.save_entry(h, user, None, {"name": name, "kind": kind, "strength": strength})


def _mainstream(h, user, rng: random.Random) -> None:
    sexes = rng.sample(["female", "male"], 2)
    people = {}
    for n, member in enumerate(h.members):
        sex = sexes[n % 2] if member.is_applicant else rng.choice(["female", "male"])
        people[member.id] = _person(h, user, member.name, sex, _year(member.date_of_birth),
                                    in_household=member.lives_in_household is not False,
                                    member_id=member.id)
    applicants = [people[m.id] for m in h.members if m.is_applicant]
    if len(applicants) == 2:
        family.save_link(h, user, PARTNERS, applicants[0], applicants[1],
                         rng.choice(["married", "cohabiting", "civil_partnership"]))
    for member in h.members:
        if member.relationship_to_applicant == "child":
            for parent in applicants:
                family.save_link(h, user, PARENT_OF, parent, people[member.id], None)
    for name, kind, strength in rng.sample(SUPPORTS, 4):
        family.save_entry(h, user, None, {"name": name, "kind": kind, "strength": strength})
