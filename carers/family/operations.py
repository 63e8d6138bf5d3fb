"""Every change to a case's family tree and ecomap: one transaction each, audited."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select

from carers.audit.operations import record as audit
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.extensions import db
from carers.family import genogram
from carers.family.figures import family_facts
from carers.family.models import EcomapEntry, FamilyLink, FamilyPerson


class FamilyRefused(Refusal):
    message = "This change to the family tree could not be saved."


def _next_position(model, household) -> int:
    last = db.session.scalar(select(func.max(model.position))
                             .where(model.household_id == household.id))
    return (last if last is not None else -1) + 1


def _member(household, member_id):
    if member_id is None:
        return None
    member = next((m for m in household.members if m.id == member_id), None)
    if member is None:
        raise FamilyRefused("Select someone in this household")
    return member


PERSON_FIELDS = ("name", "sex", "birth_year", "died", "died_year", "in_household",
                 "subject_child", "member_id")


def save_person(household, user, person: FamilyPerson | None, fields: dict) -> FamilyPerson:
    """Add someone to the family tree, or change what is recorded about them."""
    fields = {k: fields.get(k) for k in PERSON_FIELDS}
    if not fields["died"]:
        fields["died_year"] = None
    with transaction():
        _member(household, fields["member_id"])
        if person is None:
            person = FamilyPerson(household_id=household.id,
                                  position=_next_position(FamilyPerson, household), **fields)
            db.session.add(person)
            db.session.flush()
            audit("create", "family_person", person.id, {"household": household.id},
                  user=user)
        else:
            changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
            for name, value in fields.items():
                setattr(person, name, value)
            audit("update", "family_person", person.id,
                  {"household": household.id, "changed": changed}, user=user)
    return person


def remove_person(household, user, person: FamilyPerson) -> None:
    """Take someone out of the family tree, with their links to others."""
    with transaction():
        db.session.execute(delete(FamilyLink).where(or_(
            FamilyLink.from_person_id == person.id, FamilyLink.to_person_id == person.id)))
        db.session.delete(person)
        audit("delete", "family_person", person.id, {"household": household.id}, user=user)


def missing_from_tree(household, existing) -> tuple[list, str | None]:
    """Who on the case is not in the family tree yet: household members not linked to
    anyone in it and, on a kinship case, the child the assessment is about (unless someone
    in the tree is marked as that child or has their name)."""
    linked = {p.member_id for p in existing}
    members = [m for m in household.members if m.id not in linked]
    names = {p.name.casefold() for p in existing}
    child = None
    if (household.pathway == "connected_person" and household.child_name
            and household.child_name.casefold() not in names
            and not any(p.subject_child for p in existing)):
        child = household.child_name
    return members, child


def add_household_people(household, user) -> list[FamilyPerson]:
    """Put the case's people in the tree without typing them again: each household member
    not yet in it (with their year of birth, and whether they live in the household) and,
    on a kinship case, the child the assessment is about."""
    with transaction():
        existing = db.session.scalars(select(FamilyPerson).where(
            FamilyPerson.household_id == household.id)).all()
        members, child = missing_from_tree(household, existing)
        position = _next_position(FamilyPerson, household)
        added = [FamilyPerson(
            household_id=household.id, position=position + index, name=member.name,
            sex="unknown", member_id=member.id, in_household=member.lives_in_household,
            birth_year=member.date_of_birth.year if member.date_of_birth else None)
            for index, member in enumerate(members)]
        if child:
            added.append(FamilyPerson(
                household_id=household.id, position=position + len(added), name=child,
                sex="unknown", subject_child=True,
                in_household=household.child_placed_on is not None,
                birth_year=(household.child_date_of_birth.year
                            if household.child_date_of_birth else None)))
        db.session.add_all(added)
        db.session.flush()
        for person in added:
            audit("create", "family_person", person.id,
                  {"household": household.id, "from_case": True}, user=user)
    return added


def save_link(household, user, kind: str, from_person: FamilyPerson,
              to_person: FamilyPerson, status: str | None) -> FamilyLink:
    """Record that one person is the other's parent, or that two people are partners."""
    with transaction():
        try:
            genogram.check_relationship(family_facts(household), kind, from_person.id,
                                        to_person.id)
        except genogram.TreeProblem as problem:
            raise FamilyRefused(str(problem)) from None
        link = FamilyLink(household_id=household.id, kind=kind,
                          from_person_id=from_person.id, to_person_id=to_person.id,
                          status=status if kind == genogram.PARTNERS else None)
        db.session.add(link)
        db.session.flush()
        audit("create", "family_link", link.id, {"household": household.id, "kind": kind},
              user=user)
    return link


def remove_link(household, user, link: FamilyLink) -> None:
    with transaction():
        db.session.delete(link)
        audit("delete", "family_link", link.id, {"household": household.id}, user=user)


def save_entry(household, user, entry: EcomapEntry | None, fields: dict) -> EcomapEntry:
    """Add a connection to the ecomap, or change one."""
    fields = {k: fields[k] for k in ("name", "kind", "strength")}
    with transaction():
        if entry is None:
            entry = EcomapEntry(household_id=household.id,
                                position=_next_position(EcomapEntry, household), **fields)
            db.session.add(entry)
            db.session.flush()
            audit("create", "ecomap_entry", entry.id, {"household": household.id}, user=user)
        else:
            changed = sorted(k for k, v in fields.items() if getattr(entry, k) != v)
            for name, value in fields.items():
                setattr(entry, name, value)
            audit("update", "ecomap_entry", entry.id,
                  {"household": household.id, "changed": changed}, user=user)
    return entry


def remove_entry(household, user, entry: EcomapEntry) -> None:
    with transaction():
        db.session.delete(entry)
        audit("delete", "ecomap_entry", entry.id, {"household": household.id}, user=user)
