"""A submitted application feeds the case, with nothing typed again by staff: the
application date and stage, the household's people and addresses, the checks each person
needs, the referees with their single-use links, and the report's factual sections."""

import io
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select, update

from carers.applicants.models import Applicant
from carers.application.submission import CannotSubmit, submit_application
from carers.cases.models import CaseEvent, Household, HouseholdDetails, HouseholdMember
from carers.cases.state import case_state
from carers.checks.models import Address, Check, Referee
from carers.clocks.statutory import add_months
from carers.core.database import transaction
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from carers.pipeline import case_clocks
from carers.reports.document import freeze_facts, latest_report
from carers.reports.models import ApplicationFacts, AssessmentReport
from tests.factories import (
    make_applicant,
    make_application,
    make_household,
    make_member,
    make_staff,
    make_team,
)
from tests.helpers import client_for, html_of

# A Monday with no bank holiday near.
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
TODAY = date(2027, 3, 1)
SON_BORN = date(2007, 11, 15)  # 19 on TODAY
DAUGHTER_BORN = date(2009, 5, 1)  # 17 years 10 months on TODAY: 18 on 1 May 2027
LINK = re.compile(r"http://[^/\s]+(/reference/[A-Za-z0-9_\-]+)")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def about(name, born, **more):
    return {"full_name": name, "previous_names": [], "date_of_birth": born, "sex": "Female",
            "nationality": "British", "languages": "English", "email": "x@example.com",
            "phone": "07700 900000", **more}


def addresses(*rows):
    return {"addresses": [
        {"line_1": line_1, "town": town, "postcode": postcode, "local_authority": area,
         "lived_from": lived_from, "lived_to": lived_to}
        for line_1, town, postcode, area, lived_from, lived_to in rows]}


HOME = ("4 Mill Lane", "Northmoor", "NM1 2AB", "Northmoor", "2019-05-01", None)


def couple(stage="initial_visit", pathway="mainstream"):
    """A joint couple invited to apply: the enquiry recorded the two of them and their
    son and daughter (with their ages then), and the worker allocated."""
    team = make_team()
    worker = make_staff("assessing_social_worker", name="Sam Worker", team=team)
    household = make_household(pathway, stage, team=team, workers=[worker],
                               name="Alex Smith and Sam Smith", received_on=date(2026, 12, 1))
    first = household.members[0]
    first.name = "Alex Smith"
    sam = make_member(household, "SAM SMITH", "partner", is_applicant=True,
                      date_of_birth=None)
    make_member(household, "Jordan Smith", "child", date_of_birth=None, age_at_enquiry=18)
    make_member(household, "Casey Smith", "child", date_of_birth=None, age_at_enquiry=17)
    alex = make_applicant(household, first, name="Alex Smith", email="alex@example.com")
    sam = make_applicant(household, sam, name="Sam Smith", email="sam@example.com")
    return household, worker, alex, sam


def full_answers(alex, sam):
    return {
        "about_you": {alex: about("Alex Smith", "1980-06-12", previous_names=["Alex Jones"],
                                  religion="Christian"),
                      sam: about("Sam Smith", "1982-02-03", sex="Male")},
        "household": {
            "people": [
                {"name": "jordan smith", "date_of_birth": SON_BORN.isoformat(),
                 "relationship": "Son", "lives_here": True},
                {"name": "Casey Smith", "date_of_birth": DAUGHTER_BORN.isoformat(),
                 "relationship": "Daughter", "lives_here": True},
            ],
            "children_elsewhere": [
                {"name": "Robin Smith", "date_of_birth": "2001-08-20", "relationship": "Son",
                 "lives_with": "His partner, in Leeds"},
            ],
        },
        "home": {"tenure": "owned", "landlord_consent": None, "bedrooms": 4,
                 "spare_bedrooms": 1, "spare_bedroom_details": "The back bedroom, 3m by 3m",
                 "has_pets": True, "pets_details": "A Labrador called Biscuit",
                 "smoking": False, "smoking_details": ""},
        "work": {
            alex: {"status": "employed", "job_title": "Staff nurse",
                   "employer_name": "Northmoor NHS Trust", "employer_email": "hr@trust.example",
                   "employer_phone": "01632 960000", "employer_address": "Northmoor Hospital",
                   "hours": "37.5 a week", "income_annual": 38000, "other_income": ""},
            sam: {"status": "self_employed", "job_title": "Joiner", "employer_name": "",
                  "hours": "Flexible", "income_annual": 24000, "other_income": ""},
        },
        "health": {
            alex: {"good_health": True, "conditions": "", "medication": "",
                   "gp_name": "Dr Patel", "gp_address": "Mill Lane Surgery"},
            sam: {"good_health": False, "conditions": "Asthma, well controlled",
                  "medication": "A preventer inhaler", "gp_name": "Dr Patel",
                  "gp_address": "Mill Lane Surgery"},
        },
        "relationships": {
            alex: {"current_partner": {"name": "Sam Smith", "since": "2005-04-01"},
                   "past_partners": [
                       {"name": "Chris Brown", "from": "1999-01-01", "to": "2003-06-30",
                        "email": "chris@example.com", "phone": "07700 900111",
                        "address": "1 Elm Road, Leeds", "children_together": False}]},
            sam: {"current_partner": {"name": "Alex Smith", "since": "2005-04-01"},
                  "past_partners": []},
        },
        "addresses": {
            alex: addresses(HOME, ("22 Canal Road", "Leeds", "LS1 4AP", "Leeds",
                                   "2012-01-01", "2019-04-30")),
            sam: addresses(HOME, ("9 Park Street", "York", "YO1 7EF", "York",
                                  "2014-03-01", "2019-04-30")),
        },
        "referees": {"referees": [
            {"name": "Pat Friend", "relationship": "Friend from work", "is_relative": False,
             "email": "Pat@Example.com", "phone": "07700 900222", "address": "2 Oak Road",
             "known_years": 12},
            {"name": "Lee Neighbour", "relationship": "Neighbour", "is_relative": False,
             "email": "lee@example.com", "phone": "", "address": "6 Mill Lane",
             "known_years": 8},
            {"name": "Jan Smith", "relationship": "Alex's sister", "is_relative": True,
             "email": "jan@example.com", "phone": "", "address": "3 Ash Grove",
             "known_years": 40},
        ]},
        "earlier_applications": {
            alex: {"any": False, "applications": []},
            sam: {"any": True, "applications": [
                {"kind": "foster", "agency": "Brightfutures Fostering", "year": 2016,
                 "outcome": "Approved; resigned in 2026"}]},
        },
        "consents": {alex: {"dbs": True, "consented_on": "2027-02-27"},
                     sam: {"dbs": True, "consented_on": "2027-02-27"}},
    }


def submit(application, applicant, on=TODAY):
    with transaction():
        submit_application(application, applicant, on)


def case_counts(household):
    return {
        "members": db.session.scalar(select(func.count(HouseholdMember.id)).where(
            HouseholdMember.household_id == household.id)),
        "addresses": db.session.scalar(select(func.count(Address.id)).where(
            Address.household_id == household.id)),
        "referees": db.session.scalar(select(func.count(Referee.id)).where(
            Referee.household_id == household.id)),
        "checks": db.session.scalar(select(func.count(Check.id)).where(
            Check.household_id == household.id)),
        "emails": db.session.scalar(select(func.count(OutboxMessage.id))),
        "events": db.session.scalar(select(func.count(CaseEvent.id)).where(
            CaseEvent.household_id == household.id)),
        "report_facts": db.session.scalar(select(func.count(ApplicationFacts.household_id))),
    }


def checks_by_key(household):
    return {c.key: c for c in db.session.scalars(select(Check).where(
        Check.household_id == household.id, Check.required.is_(True)))}


def test_a_joint_application_feeds_the_case(app, frozen):
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])

    submit(application, sam)
    db.session.expire_all()

    # The application date starts the 8-month clock, and the case has moved on, as by Sam.
    assert application.submitted_at is not None
    assert household.application_received_on == TODAY
    assert household.stage == "application_received"
    clock = next(c for c in case_clocks(case_state(household), TODAY)
                 if c.key == "application_to_panel")
    assert clock.due == add_months(TODAY, 8)
    event = db.session.scalar(select(CaseEvent).where(
        CaseEvent.household_id == household.id, CaseEvent.action == "receive_application"))
    assert event.summary == "Application submitted by Sam Smith"
    assert event.user_id is None and event.to_stage == "application_received"

    # Everyone is on the case once, with what the application says about them.
    members = {m.name: m for m in household.members}
    assert sorted(members) == ["Alex Smith", "Casey Smith", "Chris Brown", "Jordan Smith",
                               "Robin Smith", "Sam Smith"]
    assert members["Alex Smith"].date_of_birth == date(1980, 6, 12)
    assert members["Sam Smith"].date_of_birth == date(1982, 2, 3)
    assert members["Sam Smith"].is_applicant and members["Alex Smith"].is_applicant
    assert alex.member_id == members["Alex Smith"].id and sam.member_id == members["Sam Smith"].id
    assert members["Jordan Smith"].date_of_birth == SON_BORN
    assert members["Jordan Smith"].relationship_to_applicant == "child"
    assert members["Robin Smith"].lives_in_household is False
    assert members["Robin Smith"].relationship_to_applicant == "child"
    assert members["Chris Brown"].relationship_to_applicant == "ex_partner"
    assert members["Chris Brown"].lives_in_household is False
    assert members["Alex Smith"].employer == "Northmoor NHS Trust"
    assert members["Sam Smith"].employer is None  # self-employed: no employer to ask

    # Each person's addresses, theirs; where they live now is the case's address.
    stored = db.session.scalars(select(Address).where(Address.household_id == household.id)
                                .order_by(Address.id)).all()
    assert sorted((a.member.name, a.line_1) for a in stored) == [
        ("Alex Smith", "22 Canal Road"), ("Alex Smith", "4 Mill Lane"),
        ("Sam Smith", "4 Mill Lane"), ("Sam Smith", "9 Park Street")]
    assert household.address == "4 Mill Lane, Northmoor" and household.postcode == "NM1 2AB"

    # The checks each person needs, from the household's make-up.
    checks = checks_by_key(household)
    jordan, casey = members["Jordan Smith"], members["Casey Smith"]
    son_dbs = checks[f"dbs:p{jordan.id}"]
    assert son_dbs.kind == "dbs" and son_dbs.required_from is None  # 19: needed now
    daughter_dbs = checks[f"dbs:p{casey.id}"]
    assert daughter_dbs.required_from == date(2027, 5, 1)  # due on her 18th birthday
    assert f"dbs:p{members['Robin Smith'].id}" not in checks  # lives elsewhere
    for name in ("Alex Smith", "Sam Smith"):
        assert f"dbs:p{members[name].id}" in checks
        assert f"medical:p{members[name].id}" in checks
    assert {c.subject for c in checks.values() if c.kind == "la_check"} == {
        "Northmoor", "Leeds", "York"}
    employer = checks[f"employer:p{members['Alex Smith'].id}"]
    assert employer.subject == "Northmoor NHS Trust for Alex Smith"
    assert "hr@trust.example" in employer.notes and "01632 960000" in employer.notes
    ex_partner = checks[f"ex_partner:p{members['Chris Brown'].id}"]
    assert "chris@example.com" in ex_partner.notes
    assert checks["pets"].kind == "pets"
    assert checks["previous_provider"].subject == "Brightfutures Fostering"
    details = db.session.get(HouseholdDetails, household.id)
    assert details.pets_details == "A Labrador called Biscuit"

    # The three referees, each asked by email with a link of their own.
    referees = db.session.scalars(select(Referee).where(
        Referee.household_id == household.id).order_by(Referee.id)).all()
    assert [(r.name, r.email, r.is_family, r.known_since_years) for r in referees] == [
        ("Pat Friend", "pat@example.com", False, 12),
        ("Lee Neighbour", "lee@example.com", False, 8),
        ("Jan Smith", "jan@example.com", True, 40)]
    assert all(r.invited_at and r.token_hash for r in referees)
    for referee in referees:
        check = checks[f"reference:r{referee.id}"]
        assert check.requested_on == TODAY and check.requested_from == referee.email
    assert not any(k.startswith("reference:slot") for k in checks)  # no unnamed slots left


def test_referees_get_their_single_use_links_by_email(app, client, mailbox, frozen):
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    submit(application, alex)

    assert send_due()["sent"] == 3
    by_address = {m["To"]: m for m in mailbox.messages}
    assert sorted(by_address) == ["jan@example.com", "lee@example.com", "pat@example.com"]
    body = by_address["pat@example.com"].get_body(("plain",)).get_content()
    assert "Alex Smith and Sam Smith have applied to foster" in body
    path = LINK.search(body).group(1)
    form = client.get(path)
    assert form.status_code == 200
    assert "Alex Smith and Sam Smith have applied" in html_of(form)
    # Each link is Pat's own: the others' links are different.
    others = {LINK.search(m.get_body(("plain",)).get_content()).group(1)
              for m in mailbox.messages}
    assert len(others) == 3


def pdf_text(client, household) -> str:
    response = client.get(f"/staff/cases/{household.reference}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_report_prints_the_application_s_facts(app, frozen):
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    submit(application, alex)

    text = pdf_text(client_for(app, worker), household)
    after_contents = text.index("Sign-off")
    household_part = text[text.index("Section A, Part 1: The applicants", after_contents):
                          text.index("Section B, Part 1: History", after_contents)]
    for fact in (
        # the household and addresses
        "Jordan Smith", "Casey Smith", "Robin Smith", "15 November 2007", "22 Canal Road",
        "9 Park Street", "From the application submitted on 1 March 2027",
        "Alex Smith, Sam Smith",  # the home they share is one row, with both names
        # about the applicants
        "Alex Jones", "12 June 1980", "Christian",
        # employment
        "Staff nurse", "Northmoor NHS Trust", "£38,000", "Self-employed", "Joiner",
        # health, in their own words
        "Asthma, well controlled", "A preventer inhaler", "Dr Patel, Mill Lane Surgery",
        # relationships and earlier applications
        "Chris Brown", "January 1999 to June 2003", "Brightfutures Fostering",
        # the home
        "Owned (with or without a mortgage)", "1: The back bedroom, 3m by 3m",
        "Yes: A Labrador called Biscuit", "Smoking in the household No",
    ):
        assert fact in household_part, fact


def test_a_signed_off_report_keeps_the_application_s_facts(app, frozen):
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    submit(application, alex)
    manager = make_staff("team_manager", name="Morgan Manager", team=household.team)
    report = AssessmentReport(household_id=household.id, form="form_f", number=1,
                              signed_off_at=NOW, signed_off_by_id=manager.id,
                              facts=freeze_facts(household))
    db.session.add(report)
    db.session.commit()
    # The application's facts change later (here: gone); the signed-off version does not.
    db.session.delete(db.session.get(ApplicationFacts, household.id))
    db.session.commit()
    assert latest_report(household).facts["application"]["home"]["bedrooms"] == 4
    text = pdf_text(client_for(app, worker), household)
    assert "A Labrador called Biscuit" in text and "Asthma, well controlled" in text


def test_an_adult_in_the_household_with_their_own_account_is_one_person(app, frozen):
    household, worker, alex, sam = couple()
    jordan = make_applicant(household, None, role=Applicant.ADULT, name="Jordan Smith",
                            email="jordan@example.com")
    answers = full_answers(alex, sam)
    answers["about_you"][jordan] = about("Jordan Smith", SON_BORN.isoformat(), sex="Male")
    answers["addresses"][jordan] = addresses(
        ("4 Mill Lane", "Northmoor", "NM1 2AB", "Northmoor", "2007-11-15", None))
    application = make_application(household, answers, [alex, sam, jordan])
    submit(application, alex)
    db.session.expire_all()

    jordans = [m for m in household.members if m.name == "Jordan Smith"]
    assert len(jordans) == 1
    assert jordan.member_id == jordans[0].id
    assert jordans[0].relationship_to_applicant == "child" and not jordans[0].is_applicant
    assert f"dbs:p{jordans[0].id}" in checks_by_key(household)
    assert db.session.scalar(select(func.count(Address.id)).where(
        Address.member_id == jordans[0].id)) == 1


def test_people_already_on_the_case_are_updated_not_added_again(app, frozen):
    household, worker, alex, sam = couple()
    # The worker already recorded the son, a referee and the home address.
    pat = Referee(household_id=household.id, name="PAT FRIEND",
                  relationship_to_applicant="Friend")
    db.session.add_all([pat, Address(household_id=household.id, line_1="4 Mill Lane",
                                     town="Northmoor", postcode="NM1 2AB",
                                     local_authority="Northmoor",
                                     lived_from=date(2019, 5, 1))])
    db.session.commit()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    submit(application, alex)
    db.session.expire_all()

    assert [m.name for m in household.members].count("Jordan Smith") == 1
    assert [m.name for m in household.members].count("Sam Smith") == 1
    referees = db.session.scalars(select(Referee).where(
        Referee.household_id == household.id)).all()
    assert len(referees) == 3
    assert pat.name == "Pat Friend" and pat.email == "pat@example.com" and pat.invited_at
    # Alex's home address is the one the worker typed; Sam's is Sam's own row.
    homes = db.session.scalars(select(Address).where(Address.line_1 == "4 Mill Lane")).all()
    assert len(homes) == 2 and {a.member.name for a in homes} == {"Alex Smith", "Sam Smith"}


def test_a_refused_submission_changes_nothing(app, frozen):
    household, worker, alex, sam = couple()
    answers = full_answers(alex, sam)
    answers["about_you"][sam] = about("Sam Smith", "")  # no date of birth
    answers["addresses"][alex]["addresses"][1]["local_authority"] = ""
    application = make_application(household, answers, [alex, sam])
    before = case_counts(household)
    version = household.version

    with pytest.raises(CannotSubmit) as refused:
        submit(application, alex)

    assert refused.value.reasons == [
        "Sam Smith: give your full name and date of birth in ‘About you’.",
        "Alex Smith: give the first line, town and council of every address in ‘Where you "
        "have lived’."]
    db.session.expire_all()
    assert application.submitted_at is None
    assert household.stage == "initial_visit" and household.application_received_on is None
    assert household.version == version
    assert case_counts(household) == before
    assert alex.member_id == household.members[0].id


def test_nothing_is_saved_when_the_rest_of_the_transaction_fails(app, frozen):
    """The submission never commits on its own: if the caller's transaction fails after it,
    nothing of the feed is left behind."""
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    before = case_counts(household)

    with pytest.raises(RuntimeError), transaction():
        submit_application(application, alex, TODAY)
        assert db.session.scalar(select(func.count(Referee.id))) == 3  # fed, not committed
        raise RuntimeError("the declaration could not be saved")

    db.session.expire_all()
    assert application.submitted_at is None and household.stage == "initial_visit"
    assert case_counts(household) == before


def test_a_case_changed_at_the_same_moment_is_a_clear_refusal(app, frozen):
    household, worker, alex, sam = couple()
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    before = case_counts(household)
    with pytest.raises(CannotSubmit, match="your case changed at the same moment"), \
            transaction():
        # The other applicant's submission (or a worker's change) lands first.
        db.session.execute(update(Household).where(Household.id == household.id)
                           .values(version=Household.version + 1)
                           .execution_options(synchronize_session=False))
        submit_application(application, alex, TODAY)
    db.session.expire_all()
    assert application.submitted_at is None and case_counts(household) == before


@pytest.mark.parametrize(("stage", "reason"), [
    ("enquiry", "The fostering team needs to talk to you before you send your application."),
    ("stage1", "The fostering team has already recorded your application."),
    ("withdrawn", "Your case has closed, so the application cannot be sent."),
])
def test_an_application_is_refused_where_it_is_not_the_next_step(app, frozen, stage, reason):
    household, worker, alex, sam = couple(stage)
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    before = case_counts(household)
    with pytest.raises(CannotSubmit) as refused:
        submit(application, alex)
    assert refused.value.reasons[0].startswith(reason)
    db.session.expire_all()
    assert household.stage == stage and case_counts(household) == before


def test_only_a_joint_applicant_sends_it_and_only_once(app, frozen):
    household, worker, alex, sam = couple()
    adult = make_applicant(household, None, role=Applicant.ADULT, email="adult@example.com")
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    with pytest.raises(CannotSubmit, match="Only the people applying"):
        submit(application, adult)
    submit(application, alex)
    with pytest.raises(CannotSubmit, match="already been sent"):
        submit(application, sam)


def test_a_kinship_application_starts_the_full_assessment(app, frozen):
    household, worker, alex, sam = couple("viability_assessment", "connected_person")
    application = make_application(household, full_answers(alex, sam), [alex, sam])
    submit(application, alex)
    db.session.expire_all()
    assert household.stage == "full_assessment"
    assert household.application_received_on == TODAY
    event = db.session.scalar(select(CaseEvent).where(
        CaseEvent.household_id == household.id, CaseEvent.to_stage == "full_assessment"))
    assert event.summary == "Application submitted by Alex Smith" and event.user_id is None
    assert application.form == "kinship"
    text = pdf_text(client_for(app, worker), household)
    after_contents = text.index("Sign-off")
    part = text[text.index("The carers", after_contents):text.index("Checks", after_contents)]
    assert "Asthma, well controlled" in part and "A Labrador called Biscuit" in part
    # Regulation 24: every adult in the household, the 19-year-old son included.
    jordan = next(m for m in household.members if m.name == "Jordan Smith")
    assert checks_by_key(household)[f"dbs:p{jordan.id}"].required_from is None
