"""A fully assessed household with a written report: for tests, the benchmark and demos.

Everything goes through the real models and the checks ledger's own operations, so the
report prints what a real case would.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from carers.cases.models import Household, HouseholdMember
from carers.cases.operations import new_case_reference
from carers.checks import operations as checks
from carers.checks.models import Address, Check, Referee, ReferenceResponse
from carers.extensions import db
from carers.pipeline import Pathway
from carers.reports import structure
from carers.reports.document import applicants_of
from carers.reports.models import AssessmentReport, ReportSection, TrainingRecord

PARAGRAPH = (
    "During our sessions the applicants spoke openly about their own childhoods and how these "
    "shape the way they would care for a child who has experienced loss. They gave examples "
    "from their work and family life of staying calm, setting clear routines and asking for "
    "help early, and they reflected on what they learned at the preparation training."
)


def assessed_household(worker, *, team=None, pathway: str = Pathway.MAINSTREAM.value,
                       name: str = "Alex and Sam Taylor", paragraphs: int = 3,
                       received_on: date = date(2026, 9, 14), recommendation="suitable",
                       narrative: str | None = None) -> Household:
    """A household with two applicants and a child, two addresses, two referees who replied,
    every required check received (on dates one day apart from ``received_on``), training,
    and a draft report with ``paragraphs`` paragraphs in each section (or ``narrative``)."""
    kinship = pathway == Pathway.CONNECTED_PERSON.value
    first, _, second = name.partition(" and ")
    surname = name.split()[-1]
    household = Household(
        reference=new_case_reference(), name=name, pathway=pathway, stage="stage2",
        stage_since=received_on - timedelta(days=60), team=team,
        application_received_on=received_on - timedelta(days=120),
        address="4 Mill Lane, Northmoor", postcode="NM2 4QT", phone="01632 960 001",
        email="taylors@example.com")
    if kinship:
        household.stage = "full_assessment"
        household.referral_received_on = received_on - timedelta(days=100)
        household.child_name = "Amy Smith"
        household.child_date_of_birth = date(2019, 5, 2)
        household.child_la_reference = "LA-12345"
        household.child_relationship = "Maternal grandmother"
    household.members.append(HouseholdMember(
        position=0, name=f"{first} {surname}" if second else name,
        relationship_to_applicant="applicant", date_of_birth=date(1981, 3, 9),
        is_applicant=True, employer="Northmoor Primary School"))
    if second:
        household.members.append(HouseholdMember(
            position=1, name=second, relationship_to_applicant="partner",
            date_of_birth=date(1983, 11, 21), is_applicant=True, employer="NHS Trust"))
    household.members.append(HouseholdMember(
        position=2, name=f"Jordan {surname}", relationship_to_applicant="child",
        date_of_birth=date(2006, 6, 30), is_applicant=False, school="Northmoor College"))
    if worker is not None:
        household.workers.append(worker)
    db.session.add(household)
    db.session.flush()
    db.session.add_all([
        Address(household_id=household.id, line_1="4 Mill Lane", town="Northmoor",
                postcode="NM2 4QT", local_authority="Northmoor Council",
                lived_from=date(2015, 4, 1)),
        Address(household_id=household.id, line_1="22 Canal Road", town="Leeds",
                postcode="LS1 4AB", local_authority="Leeds City Council",
                lived_from=date(2009, 8, 1), lived_to=date(2015, 3, 31)),
    ])
    for n, (referee_name, relationship) in enumerate(
            (("Pat Friend", "Friend"), ("Lee Neighbour", "Neighbour"))):
        referee = Referee(household_id=household.id, name=referee_name,
                          relationship_to_applicant=relationship, known_since_years=8,
                          interviewed_on=received_on + timedelta(days=n))
        referee.response = ReferenceResponse(
            relationship_to_applicant=relationship, years_known=8,
            observations="Kind, patient and reliable.", has_concerns=False)
        db.session.add(referee)
    db.session.add(TrainingRecord(household_id=household.id, course="Skills to Foster",
                                  provider="Northmoor Council", attended_by=name,
                                  completed_on=received_on - timedelta(days=30)))
    db.session.commit()

    checks.sync_required_checks(household, worker)
    db.session.commit()
    rows = db.session.scalars(select(Check).where(
        Check.household_id == household.id, Check.required.is_(True)).order_by(Check.id))
    for n, row in enumerate(rows):
        on = received_on + timedelta(days=n)
        dbs = {"certificate_number": f"{1000 + n:012d}", "issued_on": on - timedelta(days=2),
               "update_service": n % 2 == 0, "update_checked_on": None
               } if row.kind == "dbs" else None
        checks.record_check(row, worker, requested_on=on - timedelta(days=21),
                            requested_from="", received_on=on, outcome="clear",
                            verified=True, expires_on=None, notes="", dbs=dbs)
    db.session.commit()

    form = structure.form_for(pathway)
    report = AssessmentReport(household_id=household.id, number=1, form=form.value,
                              recommendation=recommendation, author_id=worker.id if worker
                              else None,
                              terms="One child, aged 0 to 18, short-term and long-term"
                              if not kinship else "Amy Smith, the named child")
    body = narrative if narrative is not None else "\n\n".join([PARAGRAPH] * paragraphs)
    for key in structure.current_keys(form, applicants_of(household)):
        report.sections.append(ReportSection(key=key, body=body, revision=1))
    db.session.add(report)
    db.session.commit()
    return household
