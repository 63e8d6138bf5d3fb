"""Retention: the nightly proposals as time passes, legal holds, erasure leaving no personal
data anywhere while past Ofsted returns and the audit chain stay as they were."""

import hashlib
from datetime import date, datetime
from datetime import date as D

import pytest
import time_machine
from flask import current_app
from sqlalchemy import JSON, Date, LargeBinary, String, Text, select

from carers.audit.chain import verify
from carers.cases.models import Household, StageSpell
from carers.core.dates import LONDON, today
from carers.corrections import operations as corrections
from carers.enquiries.models import Enquiry
from carers.extensions import db
from carers.figures import ofsted
from carers.figures.measures import Scope
from carers.messages.models import Message
from carers.panel.models import PackCopy, PackJob
from carers.pipeline.stages import Pathway
from carers.reports.models import ApplicationFacts, CarerCharacteristics, StoredPdf
from carers.retention import coverage, erasure, operations
from carers.retention.models import ErasedRecord, RetentionProposal
from carers.settings.registry import load_settings
from carers.subject_access import operations as subject_access
from carers.subject_access.models import SubjectAccessRelease
from carers.uploads import storage
from carers.uploads.models import StoredFile, UploadedDocument
from tests.factories import (
    make_applicant,
    make_decision,
    make_enquiry,
    make_event,
    make_household,
    make_meeting,
    make_member,
    make_message,
    make_panel_member,
    make_referee,
    make_staff,
    set_setting,
)


def at(day: date):
    """The London morning of ``day`` (the nightly job runs at 03:00)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 3, 0, tzinfo=LONDON),
                               tick=False)


def proposed(kind: str) -> set[int]:
    column = RetentionProposal.household_id if kind == "household" else \
        RetentionProposal.enquiry_id
    return set(db.session.scalars(select(column).where(column.is_not(None))))


def run(day: date) -> set[int]:
    with at(day):
        operations.propose_due(today(), load_settings())
    return proposed("household") | {-e for e in proposed("enquiry")}


def test_every_table_is_classified_for_erasure(app):
    """A new table must say what erasure does with it (carers/retention/coverage.py)."""
    tables = db.metadata.tables
    missing = coverage.unclassified(tables)
    assert not missing, f"classify these tables in carers/retention/coverage.py: {missing}"
    assert not set(coverage.REGISTRY) - set(tables), "classified tables that do not exist"
    for name, entry in coverage.REGISTRY.items():
        columns = tables[name].c
        if isinstance(entry, coverage.Scrubbed):
            assert set(entry.columns) <= set(columns.keys()), name
        if isinstance(entry, coverage.Erased):
            if entry.via is not None:
                fk, parent, parent_column = entry.via
                assert fk in columns and parent_column in tables[parent].c, name
            else:
                owners = ("household", "enquiry") if entry.owner == coverage.EITHER \
                    else (entry.owner,)
                assert all(f"{o}_id" in columns for o in owners), name
        if isinstance(entry, coverage.Matched):
            assert set(entry.columns) <= set(columns.keys()), name


def test_withdrawn_three_years_on_not_a_day_earlier_and_a_hold_keeps_it_off(app):
    manager = make_staff("team_manager")
    withdrawn = make_household("mainstream", "withdrawn", closed_on=D(2023, 5, 10),
                               withdrawal_code="AW2")
    assert withdrawn.id not in run(D(2026, 5, 9))
    assert withdrawn.id in run(D(2026, 5, 10))
    assert withdrawn.id in run(D(2026, 5, 11))  # running again changes nothing
    assert db.session.scalar(select(RetentionProposal).where(
        RetentionProposal.household_id == withdrawn.id)).why.startswith(
        "The application was withdrawn on Wed 10 May 2023")
    hold = operations.place_hold(manager, "complaint", "Complaint C-17",
                                 household_id=withdrawn.id)
    assert withdrawn.id not in proposed("household")
    assert withdrawn.id not in run(D(2027, 1, 1))
    operations.lift_hold(manager, hold)
    assert withdrawn.id in run(D(2027, 1, 2))


def test_an_approved_carer_ten_years_after_approval_ends(app):
    manager = make_staff("service_manager")
    approved = make_household("mainstream", "approved", decided_on=D(2014, 6, 1))
    assert approved.id not in run(D(2040, 1, 1))  # approval continuing: kept
    with at(D(2015, 7, 1)):
        operations.record_approval_end(approved, manager, D(2015, 6, 30), "resigned", today(),
                                       approved.version)
    assert approved.approval_ended_on == D(2015, 6, 30)
    assert approved.id not in run(D(2025, 6, 29))
    assert approved.id in run(D(2025, 6, 30))
    # An agency keeping records longer than the law's minimum moves the date on.
    set_setting("retention_approved_carer_years", 12)
    assert approved.id not in run(D(2025, 7, 1))


def test_an_enquiry_only_record_after_the_agency_period_later_with_consent(app):
    received = datetime(2024, 1, 15, 11, 0, tzinfo=LONDON)
    plain = make_enquiry(received_at=received)
    in_touch = make_enquiry(received_at=received, keep_in_touch=True)
    with_case = make_enquiry(received_at=received)
    make_household("mainstream", "withdrawn", closed_on=D(2024, 3, 1), enquiry_id=with_case.id)
    assert -plain.id not in run(D(2025, 1, 14))
    found = run(D(2025, 1, 15))
    assert -plain.id in found and -in_touch.id not in found and -with_case.id not in found
    assert -in_touch.id not in run(D(2026, 1, 14))
    assert -in_touch.id in run(D(2026, 1, 15))
    # An enquiry is held as a household is.
    operations.place_hold(make_staff("information_governance"), "investigation", "INV-3",
                          enquiry_id=in_touch.id)
    assert -in_touch.id not in run(D(2026, 1, 16))


# --- erasure ---

NAME = "Perpetua Quillfeather"
EMAIL = "perpetua.quillfeather@example.com"
BORN = D(1970, 8, 19)
# The date of birth as the app stores or shows it.
BORN_FORMS = ("1970-08-19", "19/08/1970", "19 08 1970", "19 August 1970", "19 Aug 1970")


def personal_household(manager) -> Household:
    """An approved household (approved in 2014-15, approval ended in June 2015) with the
    person's name, email and date of birth in every kind of place the service keeps them."""
    enquiry = make_enquiry(first_name="Perpetua", last_name="Quillfeather", email=EMAIL,
                           date_of_birth=BORN, received_at=datetime(2014, 5, 1, tzinfo=LONDON))
    household = make_household("mainstream", "approved", name=NAME, email=EMAIL,
                               enquiry_id=enquiry.id, received_on=D(2014, 10, 1),
                               decided_on=D(2014, 10, 1), approval_ended_on=D(2015, 6, 30),
                               approval_ended_reason="resigned", address="1 Lark Rise")
    household.members[0].date_of_birth = BORN
    make_member(household, "Quentin Quillfeather", date_of_birth=D(1972, 3, 3),
                is_applicant=True)
    applicant = make_applicant(household, email=EMAIL)
    make_referee(household, "Rowena Friend", email="rowena@example.com")
    make_event(household, manager, body=f"Met {NAME} at home")
    facts = {"applicants": [
        {"name": NAME, "role": "applicant", "date_of_birth": BORN.isoformat(), "sex": "female",
         "ethnicity": "White British", "registered_disabled": "no",
         "partnership": {"kind": "married"}},
        {"name": "Quentin Quillfeather", "role": "applicant", "date_of_birth": "1972-03-03",
         "sex": "male", "ethnicity": "White Irish", "registered_disabled": "no"}]}
    db.session.add(ApplicationFacts(household_id=household.id, submitted_on=D(2014, 6, 1),
                                    facts=facts))
    for row in CarerCharacteristics.rows_from(household.id, facts):
        db.session.add(CarerCharacteristics(**row))
    with current_app.test_request_context():
        stored_name = storage.save(f"%PDF-1.4 passport of {NAME}".encode())
    db.session.add(UploadedDocument(household_id=household.id, original_name=f"{NAME}.pdf",
                                    stored_name=stored_name, content_type="application/pdf",
                                    size=30, sha256="0" * 64))
    pdf = f"%PDF-1.4 Form F for {NAME}, born 19/08/1970".encode()
    db.session.add(StoredPdf(html_sha256=hashlib.sha256(pdf).hexdigest(),
                             household_id=household.id, kind="report", size=len(pdf),
                             content=pdf))
    db.session.add(Message(household_id=household.id, author_applicant_id=applicant.id,
                           author_name=NAME, body="Thank you"))
    make_decision(household, decided_on=D(2014, 10, 1), reasons=f"{NAME} is suitable",
                  terms={"children": 2}, letter_pdf=pdf, letter_size=len(pdf))
    meeting = make_meeting([], [household], meets_on=D(2014, 9, 20),
                           minutes=f"The panel recommended {NAME} for approval.")
    job = PackJob(meeting_id=meeting.id, pages=1)
    db.session.add(job)
    db.session.flush()
    seat = make_panel_member()
    db.session.add(PackCopy(job_id=job.id, member_id=seat.id, size=len(pdf),
                            sha256=hashlib.sha256(pdf).hexdigest(), pdf=pdf))
    make_message(to_address=EMAIL, subject="Your application", body_text=f"Dear {NAME}")
    db.session.commit()
    # A correction (the old value kept), a dispute and a subject access request with a
    # release: each holds the person's details.
    member = household.members[0]
    member.name = "Perpetua Quilfeather"
    db.session.commit()
    corrections.correct(member, "household_member", {"name": NAME}, f"Was misspelt for {NAME}",
                        manager, household_id=household.id)
    corrections.record_dispute("household_member", member.id, manager, disputed_by=NAME,
                               what="Date of birth", account=f"{NAME} was born in August",
                               household_id=household.id)
    request = subject_access.open_request(manager, name=NAME, email=EMAIL, born=BORN,
                                          received_on=today(),
                                          links=[f"household:{household.id}"])
    db.session.add(SubjectAccessRelease(request_id=request.id, item_key="referee:1",
                                        reason=f"{NAME} knows the referee"))
    db.session.commit()
    return household


def leftovers() -> list[str]:
    """Every text, JSON, binary and date value of every table holding the person's name,
    email or date of birth, and every uploaded file."""
    needles = [NAME, NAME.lower(), EMAIL, *BORN_FORMS]
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if isinstance(c.type, (String, Text, JSON, LargeBinary, Date))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, date):
                    if value == BORN:
                        found.append(f"{table.name}.{column.name}")
                    continue
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                if any(n in text for n in needles):
                    found.append(f"{table.name}.{column.name}")
    for key in db.session.scalars(select(StoredFile.key)):
        if NAME.encode() in storage.read(key):
            found.append(f"file {key}")
    return found


def figures(year: int):
    return {pathway: (ofsted.recruitment(year, pathway, Scope()),
                      ofsted.approved_carers(year, pathway, Scope()))
            for pathway in Pathway} | {"gaps": ofsted.gaps(year, Scope())}


def test_erasure_leaves_no_personal_data_and_the_same_return(app):
    manager = make_staff("team_manager")
    with at(D(2025, 7, 1)):
        household = personal_household(manager)
        # The same person's earlier enquiry, which never became an application.
        earlier = make_enquiry(first_name="Perpetua", last_name="Quillfeather", email=EMAIL,
                               date_of_birth=BORN, other_names="Perpetua Smith",
                               received_at=datetime(2013, 5, 1, tzinfo=LONDON))
        withdrawn = make_household("mainstream", "withdrawn", received_on=D(2015, 1, 10),
                                   closed_on=D(2015, 1, 10), withdrawal_code="AW3")
        db.session.execute(StageSpell.__table__.update().where(
            StageSpell.household_id == withdrawn.id).values(withdrawal_code="AW3"))
        db.session.commit()
        before = figures(2014)
        before_2013 = figures(2013)
        assert before_2013[Pathway.MAINSTREAM][0]["enquiries"] == 1
        recruitment, approved = before[Pathway.MAINSTREAM]
        assert (recruitment["approved"], recruitment["withdrawn_AW3"]) == (1, 1)
        assert (approved["households"], approved["carers"], approved["places"]) == (1, 2, 2)
        ages = dict(dict((c.key, v) for c, v in approved["characteristics"])["age"])
        assert ages == {"35 to 44": 2, "Not recorded": 0}  # 44 and 43 on 31 March 2015
        assert leftovers()  # the scan finds what is there
        operations.propose_due(today(), load_settings())
        ids = list(db.session.scalars(select(RetentionProposal.id)))
        assert len(ids) == 3
        result = erasure.erase(ids, manager, today(), load_settings())
    assert sorted(result.erased) == sorted([household.reference, withdrawn.reference,
                                            earlier.reference])
    db.session.expire_all()
    assert leftovers() == []
    assert figures(2014) == before
    assert figures(2013) == before_2013
    assert verify().ok
    tomb = db.session.scalar(select(ErasedRecord).where(
        ErasedRecord.reference == household.reference))
    assert (tomb.retention_class, tomb.due_on, tomb.ended_on) == (
        "approved_ended", D(2025, 6, 30), D(2015, 6, 30))
    assert db.session.get(Household, household.id).erased_at is not None
    assert db.session.get(Enquiry, household.enquiry_id).erased_at is not None
    assert not db.session.scalars(select(RetentionProposal)).all()
    # The case page is gone; the audit trail says who erased what, by ids and codes.
    client_manager = make_staff("service_manager")
    from tests.helpers import isolated_client, sign_in
    client = isolated_client(app)
    sign_in(client, client_manager)
    assert client.get(f"/staff/cases/{household.reference}").status_code == 404


@pytest.mark.parametrize("ids", [[], [999999]])
def test_erasing_nothing_is_refused(app, ids):
    with pytest.raises(erasure.NothingChosen):
        erasure.erase(ids, make_staff("team_manager"), today(), load_settings())


def test_a_held_record_is_never_deleted_even_if_chosen(app):
    manager = make_staff("team_manager")
    withdrawn = make_household("mainstream", "withdrawn", closed_on=D(2020, 1, 1))
    with at(D(2024, 1, 1)):
        operations.propose_due(today(), load_settings())
        [proposal_id] = db.session.scalars(select(RetentionProposal.id))
        # Held after the page was opened: the proposal goes, so nothing is erased.
        operations.place_hold(manager, "litigation", "Claim 42", household_id=withdrawn.id)
        with pytest.raises(erasure.NothingChosen):
            erasure.erase([proposal_id], manager, today(), load_settings())
    assert db.session.get(Household, withdrawn.id).erased_at is None


def test_the_case_page_shows_retention_and_a_manager_records_the_end_of_approval(app):
    from markupsafe import escape

    from tests.helpers import client_for, html_of, post_form

    team = make_staff("team_manager").team
    manager = make_staff("team_manager", team=team)
    approved = make_household("mainstream", "approved", decided_on=D(2020, 3, 2), team=team)
    client = client_for(app, manager)
    page = html_of(client.get(f"/staff/cases/{approved.reference}"))
    assert "Records retention" in page and "Approved: approval continuing" in page
    assert "No date yet: kept" in page
    url = f"/staff/cases/{approved.reference}/approval-ended"
    refused = post_form(client, url, {"ended_on": ["1", "1", "2019"],
                                      "reason": "resigned"},
                        page=url)
    html = html_of(refused)
    assert "There is a problem" in html and str(escape(
        "The day approval ended must be on or after the day it was approved")) in html
    assert 'value="2019"' in html  # what was typed is kept
    done = post_form(client, url, {"ended_on": ["30", "6", "2021"],
                                   "reason": "terminated", "version": str(approved.version)},
                     page=url, follow=True)
    page = html_of(done)
    assert "End of approval recorded" in page and "Approved carer: approval ended" in page
    assert "Wed 30 Jun 2031" in page or "30 June 2031" in page
    assert "regulation 32" in page
