"""A caseworker invites the household's people to sign in from the case: each joint applicant
to apply, every other adult (18+) who lives there to give their own details and consents.
A mainstream household after its initial visit, a kinship household at any time. The email
says what happens next and how to sign in; each invitation is on the case's timeline and in
the audit trail."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from carers.applicants import hooks
from carers.applicants.models import Applicant
from carers.application.models import Application
from carers.audit.models import AuditEvent
from carers.cases.models import CaseEvent
from carers.core.dates import today
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from tests.factories import make_applicant, make_household, make_member, make_staff
from tests.helpers import (
    client_for,
    html_of,
    isolated_client,
    post_form,
    sign_in_applicant_with_code,
)


def years_ago(years: int, days: int = 0) -> date:
    on = today()
    return on.replace(year=on.year - years) - timedelta(days=days)


@pytest.fixture
def worker(app):
    return make_staff("assessing_social_worker", name="Wendy Worker")


@pytest.fixture
def staff(app, worker):
    return client_for(app, worker)


def case(worker, pathway="mainstream", stage="initial_visit", **fields):
    fields.setdefault("name", "Priya Shah")
    fields.setdefault("email", "priya@example.com")
    return make_household(pathway, stage, workers=[worker], **fields)


def invite(staff, household, member, email, **kwargs):
    url = f"/staff/cases/{household.reference}/invitations/{member.id}"
    return post_form(staff, url, {"email": email}, **kwargs)


def accounts(household) -> list[Applicant]:
    db.session.expire_all()
    return db.session.scalars(select(Applicant).where(Applicant.household_id == household.id)
                              .order_by(Applicant.id)).all()


def invitation_emails() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.like("applicant-invitation:%"))
        .order_by(OutboxMessage.id)).all()


def test_a_mainstream_household_is_invited_after_its_initial_visit(app, worker, staff):
    household = case(worker, initial_visit_on=today())
    priya = household.members[0]
    page = html_of(staff.get(f"/staff/cases/{household.reference}/invitations/{priya.id}"))
    assert 'value="priya@example.com"' in page  # the enquiry's address, to confirm
    done = invite(staff, household, priya, "Priya@Example.com")
    assert done.headers["Location"] == f"/staff/cases/{household.reference}/invitations"
    [account] = accounts(household)
    assert (account.email, account.role, account.member_id) == (
        "priya@example.com", "applicant", priya.id)
    assert account.invited_at is not None and account.invited_by_id == worker.id
    listing = html_of(staff.get(done.headers["Location"]))
    assert "Invitation sent to Priya Shah" in listing and "Invited" in listing
    assert "Send the invitation again" in listing
    # On the case's timeline, and in the audit trail.
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.household_id == household.id,
                                                      CaseEvent.kind == "invitation"))
    assert event.summary == "Priya Shah invited to sign in as a joint applicant by Wendy Worker"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "create", AuditEvent.object_type == "applicant",
        AuditEvent.object_id == str(account.id))) == 1
    assert "Priya Shah invited to sign in" in html_of(
        staff.get(f"/staff/cases/{household.reference}"))


def test_a_mainstream_household_past_the_initial_visit_stage_may_be_invited(app, worker, staff):
    household = case(worker, stage="application_received")
    assert invite(staff, household, household.members[0], "p@example.com").status_code == 302
    assert len(accounts(household)) == 1


@pytest.mark.parametrize("stage", ["enquiry", "initial_contact", "initial_visit"])
def test_a_mainstream_household_is_not_invited_before_its_initial_visit(app, worker, staff,
                                                                        stage):
    household = case(worker, stage=stage)
    priya = household.members[0]
    url = f"/staff/cases/{household.reference}/invitations/{priya.id}"
    page = html_of(staff.get(url))
    reason = ("A mainstream household is invited to apply after the initial visit. Record the "
              "initial visit first.")
    assert reason in page and 'name="email"' not in page
    # Sent anyway (a form opened before), it is refused with the reason in the error summary.
    refused = invite(staff, household, priya, "priya@example.com",
                     page=f"/staff/cases/{household.reference}/invitations")
    assert refused.status_code == 200
    assert "There is a problem" in html_of(refused) and reason in html_of(refused)
    assert accounts(household) == [] and invitation_emails() == []


@pytest.mark.parametrize("stage", ["referral", "viability_assessment", "full_assessment"])
def test_a_kinship_household_is_invited_at_any_time(app, worker, staff, stage):
    household = case(worker, "connected_person", stage, name="Gran Smith")
    done = invite(staff, household, household.members[0], "gran@example.com")
    assert done.status_code == 302 and len(accounts(household)) == 1
    [message] = invitation_emails()
    assert message.subject == "Your kinship carer assessment: Northmoor Council Fostering"
    assert "kinship carer assessment" in message.body_text


def test_a_closed_case_is_not_invited(app, worker, staff):
    household = case(worker, stage="withdrawn", initial_visit_on=today())
    refused = invite(staff, household, household.members[0], "p@example.com",
                     page=f"/staff/cases/{household.reference}/invitations")
    assert "The case is closed (Withdrawn): nobody can be invited to apply." in html_of(refused)
    assert accounts(household) == []


def test_joint_applicants_and_adults_are_invited_children_are_not(app, worker, staff):
    household = case(worker, initial_visit_on=today())
    raj = make_member(household, "Raj Shah", "partner", is_applicant=True)
    son = make_member(household, "Dev Shah", "child", date_of_birth=years_ago(19))
    lodger = make_member(household, "Lou Lodger", "lodger", date_of_birth=None,
                         age_at_enquiry=40)
    girl = make_member(household, "Asha Shah", "child", date_of_birth=years_ago(18, -60))
    unknown = make_member(household, "Sam Shah", "other", date_of_birth=None)
    away = make_member(household, "Ravi Shah", "child", date_of_birth=years_ago(25),
                       lives_in_household=False)
    listing = html_of(staff.get(f"/staff/cases/{household.reference}/invitations"))
    for name in ("Priya Shah", "Raj Shah", "Dev Shah", "Lou Lodger", "Sam Shah"):
        assert name in listing
    assert "Asha Shah" not in listing and "Ravi Shah" not in listing
    assert "We do not know Sam Shah&#39;s age" in listing

    assert invite(staff, household, raj, "raj@example.com").status_code == 302
    assert invite(staff, household, son, "dev@example.com").status_code == 302
    assert invite(staff, household, lodger, "lou@example.com").status_code == 302
    roles = {a.name: a.role for a in accounts(household)}
    assert roles == {"Raj Shah": "applicant", "Dev Shah": "adult", "Lou Lodger": "adult"}
    base = f"/staff/cases/{household.reference}/invitations"
    for member, reason in [
            (girl, "Asha Shah is under 18: only adults (18 or over) are invited."),
            (unknown, "We do not know Sam Shah's age. Record their date of birth on the checks "
                      "page first"),
            (away, "Ravi Shah does not live in the household")]:
        refused = html_of(invite(staff, household, member, f"{member.id}@example.com", page=base))
        assert reason.replace("'", "&#39;") in refused
    assert len(accounts(household)) == 3
    # The adult's invitation says what they are asked to do.
    dev_email = next(m for m in invitation_emails() if m.to_address == "dev@example.com")
    assert "Every adult who lives in the household gives their own details and consent" in \
        dev_email.body_text
    assert dev_email.subject == ("Your details for Priya Shah's application to foster: "
                                 "Northmoor Council Fostering")


def test_an_email_address_used_by_another_applicant_is_refused_clearly(app, worker, staff):
    elsewhere = make_household("mainstream", "stage1")
    make_applicant(elsewhere, email="taken@example.com")
    household = case(worker, initial_visit_on=today())
    raj = make_member(household, "Raj Shah", "partner", is_applicant=True)
    invite(staff, household, household.members[0], "priya@example.com")
    for email in ("Taken@example.com", "priya@example.com"):
        refused = invite(staff, household, raj, email)
        page = html_of(refused)
        assert refused.status_code == 200
        assert "This email address is already used by another applicant&#39;s account" in page
        assert f'value="{email}"' in page  # what was typed is kept
    assert [a.name for a in accounts(household)] == ["Priya Shah"]


def test_an_email_address_in_the_wrong_format_is_explained(app, worker, staff):
    household = case(worker, initial_visit_on=today())
    page = html_of(invite(staff, household, household.members[0], "priya at example"))
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert 'href="#email"' in page and accounts(household) == []


def test_an_invitation_is_sent_again(app, worker, staff):
    household = case(worker, initial_visit_on=today())
    priya = household.members[0]
    invite(staff, household, priya, "priya@example.com")
    listing = f"/staff/cases/{household.reference}/invitations"
    again = post_form(staff, f"{listing}/{priya.id}/resend", {}, page=listing)
    assert again.headers["Location"] == listing
    assert "Invitation sent again to Priya Shah" in html_of(staff.get(listing))
    assert [m.to_address for m in invitation_emails()] == ["priya@example.com"] * 2
    summaries = db.session.scalars(select(CaseEvent.summary).where(
        CaseEvent.household_id == household.id, CaseEvent.kind == "invitation")).all()
    assert "Invitation sent again to Priya Shah by Wendy Worker" in summaries
    # Inviting again instead goes back to the list.
    assert staff.get(f"{listing}/{priya.id}").headers["Location"] == listing
    assert accounts(household)[0].email == "priya@example.com"
    # Nobody invited yet: nothing to send again, said plainly.
    raj = make_member(household, "Raj Shah", "partner", is_applicant=True)
    refused = post_form(staff, f"{listing}/{raj.id}/resend", {}, page=listing)
    assert "Raj Shah has not been invited yet." in html_of(refused)


def test_the_case_page_lists_who_signs_in_and_where_each_stands(app, worker, staff):
    household = case(worker, initial_visit_on=today())
    make_member(household, "Raj Shah", "partner", is_applicant=True)
    make_member(household, "Dev Shah", "child", date_of_birth=years_ago(20))
    make_member(household, "Asha Shah", "child", date_of_birth=years_ago(10))
    invite(staff, household, household.members[0], "priya@example.com")
    page = html_of(staff.get(f"/staff/cases/{household.reference}"))
    section = page[page.index("<h2 class=\"govuk-heading-m\">Applicants' accounts"):]
    assert "Joint applicant: invited" in section and "Joint applicant: not invited" in section
    assert "Adult in the household: not invited" in section
    assert "Asha Shah" not in section[:section.index("Checks and references")]
    assert "Invite the household to apply" in section
    # Before the initial visit, the section says why nobody can be invited yet.
    early = case(worker, stage="initial_contact", name="Early Household")
    page = html_of(staff.get(f"/staff/cases/{early.reference}"))
    assert "A mainstream household is invited to apply after the initial visit" in page


def test_the_invitation_email_says_what_happens_next_and_how_to_sign_in(app, worker, staff,
                                                                       mailbox):
    household = case(worker, initial_visit_on=today())
    make_member(household, "Raj Shah", "partner", is_applicant=True)
    invite(staff, household, household.members[0], "priya@example.com")
    assert send_due()["sent"] == 1
    [message] = mailbox.messages
    assert message["To"] == "priya@example.com"
    assert message["Subject"] == "Your application to foster: Northmoor Council Fostering"
    body = message.get_body(("plain",)).get_content()
    assert "invites you to apply to foster" in body
    assert "Fill in the application online" in body
    assert "The assessment: a social worker visits you at home" in body
    assert "they get their own invitation" in body  # a joint application
    sign_in = app.config["PUBLIC_BASE_URL"].rstrip("/") + "/apply/sign-in"
    assert f"Go to {sign_in} and enter this email address: priya@example.com" in body
    assert "We will email you a 6-digit code to sign in with" in body
    html = message.get_body(("html",)).get_content()
    assert f'href="{sign_in}"' in html
    # Following it: the person signs in with the code emailed to them.
    person = isolated_client(app)
    path = re.search(r"https?://[^/]+(/apply/sign-in)", body).group(1)
    assert person.get(path).status_code == 200
    sign_in_applicant_with_code(person, "priya@example.com")
    assert "Signed in as Priya Shah" in html_of(person.get("/apply/", follow_redirects=True))


def test_what_features_do_on_invitation_is_in_the_same_transaction(app, worker, staff,
                                                                   monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "on_invited", [lambda applicant: seen.append(applicant.id)])
    household = case(worker, initial_visit_on=today())
    invite(staff, household, household.members[0], "priya@example.com")
    assert seen == [accounts(household)[0].id]

    def fails(applicant):
        raise RuntimeError("the application could not be made")

    monkeypatch.setattr(hooks, "on_invited", [fails])
    raj = make_member(household, "Raj Shah", "partner", is_applicant=True)
    with pytest.raises(RuntimeError):
        invite(staff, household, raj, "raj@example.com")
    assert [a.name for a in accounts(household)] == ["Priya Shah"]
    assert len(invitation_emails()) == 1


def test_staff_who_may_only_read_the_case_see_the_invitations_but_cannot_send_them(app, worker):
    household = case(worker, initial_visit_on=today())
    reader = client_for(app, make_staff("recruitment_officer"))
    listing = html_of(reader.get(f"/staff/cases/{household.reference}/invitations"))
    assert "Priya Shah" in listing and "Invite" not in listing.split("<h1")[1].split("</table>")[0]
    assert reader.get(f"/staff/cases/{household.reference}/invitations/"
                      f"{household.members[0].id}").status_code == 403


def test_an_invitation_makes_the_application_with_the_persons_tasks(app, worker, staff):
    household = case(worker, initial_visit_on=today())
    son = make_member(household, "Ravi Shah", "son", date_of_birth=years_ago(20))
    invite(staff, household, household.members[0], "priya@example.com")
    invite(staff, household, son, "ravi@example.com")

    db.session.expire_all()
    application = db.session.scalar(select(Application)
                                    .where(Application.household_id == household.id))
    assert application.form == "foster" and application.submitted_at is None
    priya, ravi = accounts(household)
    tasks = {(t.task, t.applicant_id) for t in application.tasks}
    assert {("about_you", priya.id), ("health", priya.id), ("home", None)} <= tasks
    # Another adult gives only their own details and consents.
    assert {t for t, who in tasks if who == ravi.id} == {"about_you", "consents"}
