"""Erasure: a confirmed batch of proposals deleted in one transaction, by the registry in
``carers.retention.coverage``; uploaded files' stored bytes with their rows.

What is left of each record is its tombstone (``ErasedRecord``) and the rows the figures
read, emptied of personal data, so that past Ofsted returns and the dashboard count the
same afterwards.
"""

from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select, update

from carers.applicants.models import Applicant
from carers.audit.operations import record as audit
from carers.cases.models import Household
from carers.checks.models import Referee
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import london, utcnow
from carers.enquiries.models import Enquiry
from carers.extensions import db
from carers.retention import coverage
from carers.retention.coverage import ENQUIRY, HOUSEHOLD, Erased, Matched, Scrubbed
from carers.retention.models import ErasedRecord, RetentionProposal
from carers.retention.operations import (
    DUE_CLASSES,
    active_hold,
    enquiry_retention,
    household_retention,
)
from carers.retention.rules import is_due
from carers.uploads.models import UploadedDocument


class NothingChosen(Refusal):
    message = "Select the records to delete"


@dataclass
class Erasure:
    erased: list[str] = field(default_factory=list)  # references
    skipped: list[str] = field(default_factory=list)  # held or no longer due
    files: list[str] = field(default_factory=list)


@dataclass
class People:
    """What identifies the record's people, to find them where no key leads."""

    reference: str
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)

    def add(self, name=None, email=None) -> None:
        if name and len(name.strip()) > 2:
            self.names.add(name.strip())
        if email:
            self.emails.add(email.strip())


def table(name: str):
    return db.metadata.tables[name]


def _owned(name: str, owner: str, owner_id: int, column: str = "id"):
    """SELECT ``column`` FROM the table's rows that belong to the owner."""
    t = table(name)
    entry = coverage.REGISTRY[name]
    if isinstance(entry, Erased) and entry.via is not None:
        fk, parent, parent_column = entry.via
        return select(t.c[column]).where(t.c[fk].in_(_owned(parent, owner, owner_id,
                                                             parent_column)))
    return select(t.c[column]).where(t.c[f"{owner}_id"] == owner_id)


def _erase_owned(owner: str, owner_id: int) -> None:
    for name in coverage.erased_tables(owner):
        t = table(name)
        entry = coverage.REGISTRY[name]
        if entry.via is None:
            condition = t.c[f"{owner}_id"] == owner_id
        else:
            fk, parent, parent_column = entry.via
            condition = t.c[fk].in_(_owned(parent, owner, owner_id, parent_column))
        db.session.execute(delete(t).where(condition).execution_options(
            synchronize_session=False))


def _scrub(owner: str, owner_id: int) -> None:
    for name, entry in coverage.REGISTRY.items():
        if isinstance(entry, Scrubbed) and entry.owner == owner:
            t = table(name)
            key = t.c.id if name == owner else t.c[f"{owner}_id"]
            db.session.execute(update(t).where(key == owner_id).values(entry.columns)
                               .execution_options(synchronize_session=False))


def _matched(people: People) -> None:
    """Rows with no key to the record that name its people: deleted, or the names replaced
    by the reference."""
    needles = people.names | people.emails
    if not needles:
        return
    for name, entry in coverage.REGISTRY.items():
        if not isinstance(entry, Matched):
            continue
        t = table(name)
        if entry.delete and name == "figures_snapshot":
            # Worked out again by the scheduler from what is left.
            db.session.execute(delete(t))
            continue
        condition = or_(*(t.c[c].contains(n, autoescape=True)
                          for c in entry.columns for n in needles))
        if entry.delete:
            db.session.execute(delete(t).where(condition))
            continue
        key = list(t.primary_key.columns)[0]
        for row in db.session.execute(select(key, *(t.c[c] for c in entry.columns))
                                      .where(condition)).all():
            values = {}
            for column, text in zip(entry.columns, row[1:], strict=True):
                for needle in sorted(needles, key=len, reverse=True):
                    text = text.replace(needle, people.reference) if text else text
                values[column] = text
            db.session.execute(update(t).where(key == row[0]).values(values))


def _enquiry_people(enquiry: Enquiry, people: People) -> None:
    people.add(f"{enquiry.first_name} {enquiry.last_name}", enquiry.email)
    people.add(enquiry.other_names)
    people.add(enquiry.child_name)
    for person in enquiry.people:
        people.add(person.name)


def _household_people(household: Household) -> People:
    people = People(household.reference)
    people.add(household.name, household.email)
    people.add(household.child_name)
    for member in household.members:
        people.add(member.name)
    for applicant in db.session.scalars(select(Applicant).where(
            Applicant.household_id == household.id)):
        people.add(applicant.name, applicant.email)
    for referee in db.session.scalars(select(Referee).where(
            Referee.household_id == household.id)):
        people.add(referee.name, referee.email)
    return people


def _tombstone(kind, record_id, reference, retention, user, **facts) -> None:
    db.session.add(ErasedRecord(kind=kind, record_id=record_id, reference=reference,
                                retention_class=retention.kind.value, due_on=retention.due_on,
                                erased_at=utcnow(), erased_by_id=user.id if user else None,
                                **facts))


def erase_household(household: Household, retention, user, result: Erasure) -> None:
    people = _household_people(household)
    enquiry = db.session.get(Enquiry, household.enquiry_id) if household.enquiry_id else None
    if enquiry is not None:
        _enquiry_people(enquiry, people)
    result.files += db.session.scalars(select(UploadedDocument.stored_name).where(
        UploadedDocument.household_id == household.id)).all()
    _tombstone(HOUSEHOLD, household.id, household.reference, retention, user,
               pathway=household.pathway, stage=household.stage,
               received_on=household.enquiry_received_on or household.referral_received_on,
               ended_on=household.approval_ended_on or household.closed_on
               or household.reg24_ended_on, withdrawal_code=household.withdrawal_code)
    household_id = household.id
    db.session.flush()
    _erase_owned(HOUSEHOLD, household_id)
    _scrub(HOUSEHOLD, household_id)
    db.session.execute(update(Household).where(Household.id == household_id).values(
        erased_at=utcnow(), version=Household.version + 1))
    if enquiry is not None:
        _erase_owned(ENQUIRY, enquiry.id)
        _scrub(ENQUIRY, enquiry.id)
        db.session.execute(update(Enquiry).where(Enquiry.id == enquiry.id)
                           .values(erased_at=utcnow()))
    _matched(people)
    audit("erase", "household", household_id,
          {"reference": people.reference, "class": retention.kind.value,
           "files": len(result.files)}, user=user)


def erase_enquiry(enquiry: Enquiry, retention, user) -> None:
    people = People(enquiry.reference)
    _enquiry_people(enquiry, people)
    _tombstone(ENQUIRY, enquiry.id, enquiry.reference, retention, user,
               pathway=enquiry.pathway, received_on=london(enquiry.received_at).date())
    enquiry_id = enquiry.id
    db.session.flush()
    _erase_owned(ENQUIRY, enquiry_id)
    _scrub(ENQUIRY, enquiry_id)
    db.session.execute(update(Enquiry).where(Enquiry.id == enquiry_id)
                       .values(erased_at=utcnow()))
    _matched(people)
    audit("erase", "enquiry", enquiry_id,
          {"reference": people.reference, "class": retention.kind.value}, user=user)


def erase(proposal_ids: list[int], user, today, settings) -> Erasure:
    """Delete the chosen proposals' records, each checked again first (still due, not held),
    in one transaction, their uploaded files' stored bytes with them."""
    if not proposal_ids:
        raise NothingChosen
    result = Erasure()
    with transaction():
        proposals = db.session.scalars(select(RetentionProposal).where(
            RetentionProposal.id.in_(proposal_ids)).order_by(RetentionProposal.id)).all()
        if not proposals:
            raise NothingChosen("The records chosen are no longer proposed for deletion")
        work = [(p.household_id, p.enquiry_id, p.reference) for p in proposals]
        for household_id, enquiry_id, reference in work:
            if household_id is not None:
                household = db.session.get(Household, household_id)
                retention = household_retention(household, settings)
                if (active_hold(household_id=household_id) or household.erased_at
                        or retention.kind not in DUE_CLASSES or not is_due(retention, today)):
                    result.skipped.append(reference)
                    continue
                erase_household(household, retention, user, result)
            else:
                enquiry = db.session.get(Enquiry, enquiry_id)
                has_case = db.session.scalar(select(Household.id).where(
                    Household.enquiry_id == enquiry_id)) is not None
                retention = enquiry_retention(enquiry, has_case, settings)
                if (active_hold(enquiry_id=enquiry_id) or enquiry.erased_at
                        or not is_due(retention, today)):
                    result.skipped.append(reference)
                    continue
                erase_enquiry(enquiry, retention, user)
            result.erased.append(reference)
        audit("confirm_deletion", "retention", None,
              {"proposals": sorted(proposal_ids), "erased": len(result.erased),
               "skipped": len(result.skipped)}, user=user)
    return result
