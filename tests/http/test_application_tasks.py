"""The application as applicants fill it in: a task list, one-question pages saved as they
go, each task's answers and "Have you completed this section?", joint applicants sharing the
household's tasks without overwriting each other, the declaration that sends it, answers
read-only afterwards, and a caseworker reopening a task with a reason the applicant sees."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from carers.applicants.models import Applicant, ApplicantSession
from carers.application import journey, rules
from carers.application.models import Application, ApplicationTask, Declaration
from carers.core.dates import today
from carers.extensions import db
from tests.factories import (
    make_applicant,
    make_household,
    make_member,
    make_staff,
    make_team,
    set_setting,
)
from tests.helpers import (
    applicant_client,
    client_for,
    csrf_token,
    html_of,
    isolated_client,
    sign_in_applicant_with_code,
)


def fresh(model, **where):
    db.session.expire_all()
    return db.session.scalar(select(model).filter_by(**where))


def send(client, url, data, page=None):
    """Post ``data`` to ``url`` with the CSRF token and version of the page as it shows."""
    opened = client.get(page or url)
    assert opened.status_code == 200, f"GET {page or url} gave {opened.status_code}"
    html = html_of(opened)
    fields = {"csrf_token": csrf_token(html)}
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html) or \
        re.search(r'type="hidden" name="version" value="(\d+)"', html)
    if version:
        fields["version"] = version.group(1)
    return client.post(url, data={**fields, **data})


def day(d: date) -> dict:
    return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}


def date_fields(name: str, d: date) -> list[tuple[str, str]]:
    return [(name, str(d.day)), (name, str(d.month)), (name, str(d.year))]


def couple(pathway="mainstream"):
    household = make_household(pathway, "initial_visit" if pathway == "mainstream"
                               else "viability_assessment")
    partner = make_member(household, "Sam Shah", "partner", is_applicant=True)
    alex = make_applicant(household, name="Alex Shah")
    sam = make_applicant(household, partner, name="Sam Shah")
    return household, alex, sam


def row(household, key, applicant=None):
    db.session.expire_all()
    application = db.session.scalar(select(Application).where(
        Application.household_id == household.id))
    return db.session.scalar(select(ApplicationTask).where(
        ApplicationTask.application_id == application.id, ApplicationTask.task == key,
        (ApplicationTask.applicant_id == applicant.id) if applicant
        else ApplicationTask.applicant_id.is_(None)))


def test_the_task_list_makes_the_application_once_with_a_row_per_person(app):
    household, alex, sam = couple()
    adult = make_applicant(household, role=Applicant.ADULT, name="Jordan Shah")
    client = applicant_client(app, alex)
    html = html_of(client.get("/apply/application"))
    assert "Apply to foster" in html and 'class="govuk-task-list' in html
    assert "About you – Alex Shah" in html and "About you – Sam Shah" in html
    assert "About you – Jordan Shah" in html and "For Sam Shah to complete" in html
    assert "Not started" in html and "Cannot start yet" in html
    client.get("/apply/application")  # a second visit makes nothing more
    applications = db.session.scalars(select(Application)).all()
    assert len(applications) == 1 and applications[0].form == "foster"
    tasks = db.session.scalars(select(ApplicationTask)).all()
    personal = [t for t in rules.TASKS if t.personal]
    expected = sum(len(t.roles & {"applicant"}) * 2 + len(t.roles & {"adult"})
                   for t in personal) + sum(1 for t in rules.TASKS if not t.personal)
    assert len(tasks) == expected
    # The adult sees only their own two tasks; an applicant invited later gets their rows.
    adult_html = html_of(applicant_client(app, adult).get("/apply/application"))
    assert "About you" in adult_html and "Consent to checks" in adult_html
    assert "Your home" not in adult_html and "Referees" not in adult_html
    assert applicant_client(app, adult).get("/apply/tasks/home/tenure").status_code == 403
    late = make_applicant(household, role=Applicant.ADULT, name="Robin Shah")
    applicant_client(app, late).get("/apply/application")
    assert row(household, "about_you", late) is not None


def test_a_kinship_household_applies_on_the_kinship_form(app):
    household, alex, _sam = couple("connected_person")
    html = html_of(applicant_client(app, alex).get("/apply/application"))
    assert "Kinship carer assessment" in html
    assert fresh(Application, household_id=household.id).form == "kinship"


def test_about_you_saves_each_page_as_you_go_and_completes(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    start = client.get("/apply/tasks/about_you")
    assert start.headers["Location"].endswith("/apply/tasks/about_you/full-name")
    page = html_of(client.get("/apply/tasks/about_you/full-name"))
    assert '<label class="govuk-label govuk-label--l" for="full_name">' in page
    assert "About you – Alex Shah" in page and "Save and come back later" in page

    # An empty answer: the GOV.UK error summary, linked to the field.
    wrong = send(client, "/apply/tasks/about_you/full-name", {"full_name": " "})
    assert wrong.status_code == 200
    assert 'href="#full_name"' in html_of(wrong) and "Enter your full name" in html_of(wrong)

    saved = send(client, "/apply/tasks/about_you/full-name", {"full_name": "Alex Jordan Shah"})
    assert saved.headers["Location"].endswith("/apply/tasks/about_you/known-as")
    # Whether they practise a religion does not apply until they name one.
    assert row(household, "about_you", alex).answers == {"full_name": "Alex Jordan Shah",
                                                         "practising": None}
    assert row(household, "about_you", alex).status == "in_progress"
    send(client, "/apply/tasks/about_you/known-as", {"known_as": "Lexi"})

    # Previous names: add one, then say there are no more.
    send(client, "/apply/tasks/about_you/previous-names", {"add": "yes"})
    send(client, "/apply/tasks/about_you/previous-names/0", {"name": "Alex Brown"})
    done = send(client, "/apply/tasks/about_you/previous-names", {"add": "no"})
    assert done.headers["Location"].endswith("/apply/tasks/about_you/date-of-birth")
    born = client.post("/apply/tasks/about_you/date-of-birth", data=MultiDict([
        ("csrf_token", csrf_token(html_of(client.get("/apply/tasks/about_you/date-of-birth")))),
        ("version", str(row(household, "about_you", alex).version)),
        *date_fields("date_of_birth", date(1985, 3, 27))]))
    assert born.headers["Location"].endswith("/apply/tasks/about_you/place-of-birth")
    send(client, "/apply/tasks/about_you/place-of-birth",
         {"birth_town": "Leicester", "birth_country": "England"})
    # "Save and come back later" keeps the answer and goes to the task list.
    later = send(client, "/apply/tasks/about_you/sex", {"sex": "female", "later": "1"})
    assert later.headers["Location"].endswith("/apply/application")
    for slug, data in [("nationality", {"nationality": "British"}),
                       ("languages", {"languages": "English, Gujarati"}),
                       ("religion", {"religion": ""}), ("ethnicity", {"ethnicity": ""}),
                       ("disability", {"registered_disabled": "no"}),
                       ("email", {"email": "alex@example.com"}),
                       ("phone", {"phone": "07700 900 982"})]:
        response = send(client, f"/apply/tasks/about_you/{slug}", data)
        assert response.status_code == 302, (slug, html_of(response))
    assert response.headers["Location"].endswith("/apply/tasks/about_you/check-answers")
    answers = row(household, "about_you", alex).answers
    assert answers == {
        "full_name": "Alex Jordan Shah", "known_as": "Lexi", "previous_names": ["Alex Brown"],
        "date_of_birth": "1985-03-27", "birth_town": "Leicester", "birth_country": "England",
        "sex": "female", "nationality": "British",
        "languages": "English, Gujarati", "religion": None, "practising": None,
        "ethnicity": None, "registered_disabled": "no", "disability_details": None,
        "email": "alex@example.com", "phone": "07700 900 982"}

    check = html_of(client.get("/apply/tasks/about_you/check-answers"))
    assert "27 March 1985" in check and "Alex Brown" in check
    assert "/apply/tasks/about_you/sex?change=1" in check
    assert "Have you completed this section?" in check
    send(client, "/apply/tasks/about_you/check-answers", {"completed": "yes"})
    assert row(household, "about_you", alex).status == "completed"
    task_list = html_of(client.get("/apply/application"))
    assert re.search(r"About you – Alex Shah.*?Completed", task_list, re.S)


def test_home_asks_for_landlord_consent_only_when_rented(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    response = send(client, "/apply/tasks/home/tenure", {"tenure": "rented"})
    assert response.headers["Location"].endswith("/apply/tasks/home/landlord-consent")
    send(client, "/apply/tasks/home/landlord-consent", {"landlord_consent": "yes"})
    assert row(household, "home").answers["landlord_consent"] is True
    # Owning the home after all: no landlord question, and the old answer is gone.
    response = send(client, "/apply/tasks/home/tenure?change=1", {"tenure": "owned"})
    assert "landlord" not in response.headers["Location"]
    assert row(household, "home").answers["landlord_consent"] is None
    assert client.get("/apply/tasks/home/landlord-consent").status_code == 404


def test_details_are_asked_under_the_answer_they_follow_and_only_kept_for_it(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    page = html_of(client.get("/apply/tasks/home/pets"))
    # One page: "Tell us about your pets" is revealed under "Yes" (the GOV.UK radios'
    # conditional reveal); the question is the page's heading.
    assert 'data-module="govuk-radios"' in page and 'id="conditional-has_pets"' in page
    assert re.search(r'<h1 class="govuk-fieldset__heading">\s*Do you have any pets\?', page)
    assert page.index('id="conditional-has_pets"') < page.index('value="no"')
    missing = send(client, "/apply/tasks/home/pets", {"has_pets": "yes", "pets_details": ""})
    assert missing.status_code == 200 and "Tell us about your pets" in html_of(missing)
    assert 'href="#pets_details"' in html_of(missing)
    response = send(client, "/apply/tasks/home/pets", {"has_pets": "yes",
                                                       "pets_details": "Two cats"})
    assert response.headers["Location"].endswith("/apply/tasks/home/smoking")
    assert row(household, "home").answers["pets_details"] == "Two cats"
    # "No" does not ask, so what is left in the hidden box is not kept, nor listed.
    send(client, "/apply/tasks/home/pets?change=1", {"has_pets": "no",
                                                     "pets_details": "Two cats"})
    answers = row(household, "home").answers
    assert answers["has_pets"] is False and answers["pets_details"] is None
    check = html_of(client.get("/apply/tasks/home/check-answers"))
    assert "Do you have any pets?" in check and "Tell us about your pets" not in check
    # Health: the conditions are asked under "No".
    send(client, "/apply/tasks/health/good-health", {"good_health": "no",
                                                     "conditions": "Asthma"})
    assert row(household, "health", alex).answers["conditions"] == "Asthma"


def add_address(client, line_1, lived_from, lived_to=None, postcode="LS1 4AP"):
    page = html_of(client.get("/apply/tasks/addresses/addresses"))
    index = page.count("Change<span")
    opened = html_of(client.get(f"/apply/tasks/addresses/addresses/{index}"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', opened).group(1)
    data = [("csrf_token", csrf_token(opened)), ("version", version), ("line_1", line_1),
            ("town", "Leeds"), ("postcode", postcode), ("local_authority", "Leeds"),
            *date_fields("lived_from", lived_from)]
    data += date_fields("lived_to", lived_to) if lived_to else [("lived_to", "")] * 3
    return client.post(f"/apply/tasks/addresses/addresses/{index}", data=MultiDict(data))


def test_an_address_history_with_a_gap_is_refused_naming_the_dates(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    ten_years = today() - timedelta(days=365 * 10 + 30)
    assert add_address(client, "1 New Street", date(2019, 6, 1)).status_code == 302
    assert add_address(client, "2 Old Road", ten_years, date(2019, 3, 3)).status_code == 302
    send(client, "/apply/tasks/addresses/addresses", {"add": "no"})
    refused = send(client, "/apply/tasks/addresses/check-answers", {"completed": "yes"})
    assert refused.status_code == 200
    assert "There is a gap between 3 March 2019 and 1 June 2019" in html_of(refused)
    assert 'class="govuk-error-summary' in html_of(refused)
    assert row(household, "addresses", alex).status == "in_progress"

    # Closing the gap (the next address from the day after the move) completes it.
    answers = row(household, "addresses", alex).answers
    assert answers["addresses"][0]["lived_to"] is None
    assert answers["addresses"][1] == {
        "line_1": "2 Old Road", "town": "Leeds", "postcode": "LS1 4AP",
        "local_authority": "Leeds", "lived_from": ten_years.isoformat(),
        "lived_to": "2019-03-03"}
    opened = html_of(client.get("/apply/tasks/addresses/addresses/0"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', opened).group(1)
    client.post("/apply/tasks/addresses/addresses/0", data=MultiDict([
        ("csrf_token", csrf_token(opened)), ("version", version), ("line_1", "1 New Street"),
        ("town", "Leeds"), ("postcode", "LS1 4AP"), ("local_authority", "Leeds"),
        *date_fields("lived_from", date(2019, 3, 4)), ("lived_to", ""), ("lived_to", ""),
        ("lived_to", "")]))
    done = send(client, "/apply/tasks/addresses/check-answers", {"completed": "yes"})
    assert done.status_code == 302, html_of(done)
    assert row(household, "addresses", alex).status == "completed"


def add_referee(client, name, relative, email="ref@example.com"):
    page = html_of(client.get("/apply/tasks/referees/referees"))
    index = page.count("Change<span")
    return send(client, f"/apply/tasks/referees/referees/{index}", {
        "name": name, "relationship": "Friend", "is_relative": "yes" if relative else "no",
        "email": email, "phone": "", "address": "1 High Street, Leeds", "known_years": "8"})


def test_referees_need_three_and_a_relative(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    # Each referee needs a way to contact them.
    no_contact = add_referee(client, "Pat Friend", False, email="")
    assert "Enter an email address or telephone number for the referee" in html_of(no_contact)
    add_referee(client, "Pat Friend", False)
    add_referee(client, "Lee Neighbour", False)
    send(client, "/apply/tasks/referees/referees", {"add": "no"})
    refused = html_of(send(client, "/apply/tasks/referees/check-answers", {"completed": "yes"}))
    assert "Add at least 3 referees. You have added 2" in refused
    assert "At least 1 referee must be a relative" in refused
    add_referee(client, "Kim Shah", True)
    send(client, "/apply/tasks/referees/check-answers", {"completed": "yes"})
    assert row(household, "referees").status == "completed"
    assert row(household, "referees").answers["referees"][2] == {
        "name": "Kim Shah", "relationship": "Friend", "is_relative": True,
        "email": "ref@example.com", "phone": None, "address": "1 High Street, Leeds",
        "known_years": 8}


def test_two_joint_applicants_editing_the_home_get_a_conflict_and_keep_their_text(app):
    household, alex, sam = couple()
    alex_client, sam_client = applicant_client(app, alex), applicant_client(app, sam)
    send(alex_client, "/apply/tasks/home/tenure", {"tenure": "owned"})
    send(alex_client, "/apply/tasks/home/bedrooms", {"bedrooms": "3"})
    # Both open the spare bedrooms page; Alex saves first.
    sam_page = html_of(sam_client.get("/apply/tasks/home/spare-bedrooms"))
    sam_version = re.search(r'name="version" type="hidden" value="(\d+)"', sam_page).group(1)
    send(alex_client, "/apply/tasks/home/spare-bedrooms",
         {"spare_bedrooms": "1", "spare_bedroom_details": "The box room"})
    refused = sam_client.post("/apply/tasks/home/spare-bedrooms", data={
        "csrf_token": csrf_token(sam_page), "version": sam_version, "spare_bedrooms": "2",
        "spare_bedroom_details": "The big back bedroom and the loft"})
    html = html_of(refused)
    assert refused.status_code == 409
    assert ("Alex Shah changed this while you were editing; here is what they saved; your "
            "answer is kept below") in html
    assert "The box room" in html  # what Alex saved
    assert "The big back bedroom and the loft" in html  # what Sam typed, kept
    assert row(household, "home").answers["spare_bedroom_details"] == "The box room"
    # Saving again, having seen Alex's answer, is a deliberate choice: it goes through.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    sam_client.post("/apply/tasks/home/spare-bedrooms", data={
        "csrf_token": csrf_token(html), "version": new_version, "spare_bedrooms": "2",
        "spare_bedroom_details": "The big back bedroom and the loft"})
    assert row(household, "home").answers["spare_bedrooms"] == 2
    # Each joint applicant's personal tasks are their own.
    send(sam_client, "/apply/tasks/about_you/full-name", {"full_name": "Sam Shah"})
    send(alex_client, "/apply/tasks/about_you/full-name", {"full_name": "Alex Shah"})
    assert row(household, "about_you", sam).answers["full_name"] == "Sam Shah"
    assert row(household, "about_you", alex).answers["full_name"] == "Alex Shah"


# --- filling in everything, declaring and sending ---

def complete_directly(household, applicant, key, answers):
    """A task's answers as if filled in page by page (the pages are tested above)."""
    task = row(household, key, applicant if rules.BY_KEY[key].personal else None)
    task.answers = answers
    task.status = rules.COMPLETED
    db.session.commit()


def test_consents_not_given_are_named_in_the_error_as_written(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    client.get("/apply/application")
    complete_directly(household, alex, "about_you", {"full_name": "Alex Shah"})
    complete_directly(household, alex, "work", {"status": "retired"})
    complete_directly(household, alex, "relationships", {"current_partner": None,
                                                         "past_partners": []})
    complete_directly(household, alex, "addresses", {"addresses": []})
    assert send(client, "/apply/tasks/consents/consents", {"dbs": "y"}).status_code == 302
    refused = html_of(send(client, "/apply/tasks/consents/check-answers",
                           {"completed": "yes"}))
    # Each missing check as it reads on the consents page, in a sentence: DBS and GP kept.
    assert ("We cannot assess you without your consent to every check. Confirm checks with "
            "the local authorities where you have lived; a medical report from your GP; "
            "contacting and interviewing your referees") in refused
    assert row(household, "consents", alex).status == "in_progress"
    send(client, "/apply/tasks/consents/consents", {"dbs": ""})
    refused = html_of(send(client, "/apply/tasks/consents/check-answers",
                           {"completed": "yes"}))
    assert "Confirm an enhanced DBS check, with the children" in refused


def fill_everything(app, household, people):
    for person in people:
        applicant_client(app, person).get("/apply/application")
    for person in people:
        complete_directly(household, person, "about_you",
                          {"full_name": person.name, "date_of_birth": "1985-04-02"})
        if person.role != Applicant.APPLICANT:
            complete_directly(household, person, "consents", {"dbs": True})
            continue
        for key in ("work", "health", "relationships", "addresses", "earlier_applications",
                    "consents"):
            complete_directly(household, person, key, {"any": False})
    for key in ("household", "home", "referees"):
        complete_directly(household, None, key, {})


def test_the_last_declaration_sends_the_application_and_answers_become_read_only(app):
    household, alex, sam = couple()
    fill_everything(app, household, [alex, sam])
    # Not ready until Sam's relationships task is done too.
    task = row(household, "relationships", sam)
    task.status = rules.IN_PROGRESS
    db.session.commit()
    alex_client, sam_client = applicant_client(app, alex), applicant_client(app, sam)
    not_ready = html_of(send(alex_client, "/apply/declaration", {"confirm": "y"}))
    assert "Complete “Relationships – Sam Shah” first" in not_ready
    task = row(household, "relationships", sam)
    task.status = rules.COMPLETED
    db.session.commit()

    assert "Continue to the declaration" in html_of(alex_client.get("/apply/check-your-answers"))
    unticked = html_of(send(alex_client, "/apply/declaration", {}))
    assert "Confirm that your answers are true and complete" in unticked
    token = csrf_token(html_of(alex_client.get("/apply/tasks/about_you/check-answers")))
    send(alex_client, "/apply/declaration", {"confirm": "y"})
    assert fresh(Declaration, applicant_id=alex.id) is not None
    assert fresh(Application, household_id=household.id).submitted_at is None
    assert "Waiting for Sam Shah to declare" in html_of(alex_client.get("/apply/application"))
    send(sam_client, "/apply/declaration", {"confirm": "y"})
    application = fresh(Application, household_id=household.id)
    assert application.submitted_at is not None
    db.session.refresh(household)
    assert household.application_received_on == today()

    # Read-only: the page shows the answers, no form; a POST is refused with a message.
    page = alex_client.get("/apply/tasks/about_you/full-name")
    assert page.headers["Location"].endswith("/apply/tasks/about_you/check-answers")
    answers = html_of(alex_client.get("/apply/tasks/about_you/check-answers"))
    assert "Alex Shah" in answers and "<form" not in answers.split("govuk-main-wrapper")[1]
    refused = alex_client.post("/apply/tasks/about_you/full-name", data={
        "csrf_token": token, "full_name": "Someone Else"})
    assert refused.status_code == 409
    assert "Your application has been sent, so you cannot change your answers" in \
        html_of(refused)
    assert row(household, "about_you", alex).answers["full_name"] == "Alex Shah"


def test_a_caseworker_reopens_a_task_with_a_reason_the_applicant_sees(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team)
    household, alex, sam = couple()
    household.team_id = team.id
    household.workers.append(worker)
    db.session.commit()
    fill_everything(app, household, [alex, sam])
    for person in (alex, sam):
        send(applicant_client(app, person), "/apply/declaration", {"confirm": "y"})
    assert fresh(Application, household_id=household.id).submitted_at is not None

    staff = client_for(app, worker)
    case = html_of(staff.get(f"/staff/cases/{household.reference}"))
    assert "Application" in case and "Sent on" in case
    answers = html_of(staff.get(f"/staff/cases/{household.reference}/application"))
    assert "About you – Alex Shah" in answers
    target = row(household, "addresses", alex)
    missing_reason = send(staff, f"/staff/cases/{household.reference}/application/reopen",
                          {"task": str(target.id), "reason": ""})
    assert "Enter why the task is reopened" in html_of(missing_reason)
    send(staff, f"/staff/cases/{household.reference}/application/reopen",
         {"task": str(target.id), "reason": "Please add the flat you rented in 2017"})
    reopened = row(household, "addresses", alex)
    assert reopened.status == "in_progress" and reopened.reopened_by_id == worker.id

    alex_client = applicant_client(app, alex)
    task_list = html_of(alex_client.get("/apply/application"))
    assert "Reopened by your social worker: Please add the flat you rented in 2017" in task_list
    check = html_of(alex_client.get("/apply/tasks/addresses/check-answers"))
    assert "Please add the flat you rented in 2017" in check
    assert add_address(alex_client, "3 Flat Lane", date(2017, 1, 1), date(2017, 6, 1)) \
        .status_code == 302
    # Other tasks stay read-only.
    assert alex_client.get("/apply/tasks/health/good-health").status_code == 302
    # Sam's own row of the same task was not reopened.
    assert row(household, "addresses", sam).status == "completed"


def test_an_applicant_of_another_household_cannot_read_or_change_answers(app):
    household, alex, _sam = couple()
    send(applicant_client(app, alex), "/apply/tasks/about_you/full-name",
         {"full_name": "Alex Private-Name"})
    send(applicant_client(app, alex), "/apply/tasks/home/tenure", {"tenure": "rented"})
    other_household, stranger, _ = couple()
    client = applicant_client(app, stranger)
    for url in ("/apply/application", "/apply/tasks/about_you/full-name",
                "/apply/tasks/home/tenure", "/apply/tasks/about_you/check-answers",
                "/apply/check-your-answers"):
        assert "Alex Private-Name" not in html_of(client.get(url)), url
    send(client, "/apply/tasks/home/tenure", {"tenure": "owned"})
    assert row(household, "home").answers["tenure"] == "rented"
    assert row(other_household, "home").answers["tenure"] == "owned"
    # Staff pages of Alex's case, and a task row named by id, are not for applicants.
    for url in (f"/staff/cases/{household.reference}/application",
                f"/staff/cases/{household.reference}/application/reopen"):
        assert client.get(url).status_code in (302, 403)
    # Unknown tasks and pages are not found; a list item past the end too.
    assert client.get("/apply/tasks/nonsense/full-name").status_code == 404
    assert client.get("/apply/tasks/about_you/nonsense").status_code == 404
    assert client.get("/apply/tasks/about_you/previous-names/5").status_code == 404
    # Someone not signed in is sent to sign in.
    anonymous = app.test_client()
    assert "/apply/sign-in" in anonymous.get("/apply/application").headers["Location"]


def test_first_visits_at_once_make_one_application(app):
    household, alex, sam = couple()
    clients = [applicant_client(app, alex), applicant_client(app, sam)]
    start = threading.Barrier(len(clients))
    statuses = []

    def visit(client):
        start.wait()
        statuses.append(client.get("/apply/application").status_code)

    threads = [threading.Thread(target=visit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    db.session.expire_all()
    assert len(db.session.scalars(select(Application)).all()) == 1
    household_rows = db.session.scalars(select(ApplicationTask).where(
        ApplicationTask.applicant_id.is_(None))).all()
    assert sorted(t.task for t in household_rows) == ["home", "household", "referees"]


def test_no_answer_on_any_page_reaches_an_error_page(app):
    """Tampered and nonsense answers on every page of every task: refused on the page,
    never a server error, and nothing stored that the page would not store."""
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    client.get("/apply/application")
    junk = MultiDict([("version", "abc"), ("remove", "x"), ("add", "maybe"),
                      ("completed", "perhaps"), ("date_of_birth", "99"),
                      ("lived_from", "1"), ("lived_from", "2"), ("lived_from", "3"),
                      ("lived_from", "4"), ("bedrooms", "9" * 30), ("tenure", "castle"),
                      ("full_name", "x" * 5000), ("known_years", "-1"), ("year", "1e9"),
                      ("income_annual", "lots"), ("dbs", "yes"), ("has_partner", "yes")])
    token = csrf_token(html_of(client.get("/apply/tasks/about_you/full-name")))
    for key, pages in journey.PAGES.items():
        urls = [f"/apply/tasks/{key}/check-answers", "/apply/declaration"]
        for p in pages:
            urls.append(f"/apply/tasks/{key}/{p.slug}")
            if p.is_list:
                urls += [f"/apply/tasks/{key}/{p.slug}/0", f"/apply/tasks/{key}/{p.slug}/9"]
        for url in urls:
            response = client.post(url, data=MultiDict([("csrf_token", token),
                                                        *junk.items(multi=True)]))
            assert response.status_code < 500, (url, response.status_code)
    # A stale or missing version is a conflict, never a silent overwrite.
    response = client.post("/apply/tasks/about_you/full-name", data={
        "csrf_token": token, "full_name": "Alex Shah"})
    assert response.status_code == 409
    assert row(household, "about_you", alex).answers.get("full_name") is None


DATE_OF_BIRTH = "/apply/tasks/about_you/date-of-birth"


def typed_after_time_out(app, traveller, person):
    """``person`` signs in, saves their name, opens the date of birth page and leaves it
    open past the agency's time-out; then sends it. Returns their browser and the answer."""
    client = isolated_client(app)
    sign_in_applicant_with_code(client, person)
    assert send(client, "/apply/tasks/about_you/full-name",
                {"full_name": "Alex Shah"}).status_code == 302
    opened = html_of(client.get(DATE_OF_BIRTH))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', opened).group(1)
    traveller.shift(timedelta(minutes=10, seconds=1))
    response = client.post(DATE_OF_BIRTH, data=MultiDict([
        ("csrf_token", csrf_token(opened)), ("version", version),
        *date_fields("date_of_birth", date(1984, 7, 21))]))
    return client, response


def test_nothing_typed_is_lost_when_the_session_times_out(app):
    set_setting("applicant_session_minutes", 10)
    household, alex, _sam = couple()
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client, response = typed_after_time_out(app, traveller, alex)
        # The date of birth arrived after the time-out: not saved, and they are asked to
        # sign in, told plainly what happened to what they saved and what they typed.
        assert response.headers["Location"] == f"/apply/sign-in?next={DATE_OF_BIRTH}"
        assert "date_of_birth" not in row(household, "about_you", alex).answers
        page = html_of(client.get(response.headers["Location"]))
        assert ("You were signed out because you had not used the service for 10 minutes. "
                "Everything you saved is kept.") in page
        assert ("The page you sent last was not saved. Sign in again to see what you typed "
                "on it, then save it.") in page
        # Nothing of it is in the browser's cookie: it is kept on the server.
        assert "1984" not in str(client.get_cookie("session").value)

        back = sign_in_applicant_with_code(client, alex, next_=DATE_OF_BIRTH)
        assert back.headers["Location"] == DATE_OF_BIRTH
        page = html_of(client.get(DATE_OF_BIRTH))
        assert "You were signed out before this page was saved" in page
        assert 'value="21"' in page and 'value="7"' in page and 'value="1984"' in page
        assert "date_of_birth" not in row(household, "about_you", alex).answers
        # Continue saves it; what was saved before the time-out is there too.
        assert send(client, DATE_OF_BIRTH, {"date_of_birth": ["21", "7", "1984"]}) \
            .status_code == 302
        answers = row(household, "about_you", alex).answers
        assert answers["date_of_birth"] == "1984-07-21" and answers["full_name"] == "Alex Shah"
        assert 'value="Alex Shah"' in html_of(client.get("/apply/tasks/about_you/full-name"))
        # Shown once: the page reads as saved from now on.
        assert "You were signed out before" not in html_of(client.get(DATE_OF_BIRTH))


def test_what_was_typed_before_a_time_out_is_never_shown_to_someone_else(app):
    set_setting("applicant_session_minutes", 10)
    household, alex, sam = couple()
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client, response = typed_after_time_out(app, traveller, alex)
        assert response.status_code == 302
        # Sam signs in on the same computer: Sam's own page, without Alex's date of birth.
        sign_in_applicant_with_code(client, sam, next_=DATE_OF_BIRTH)
        page = html_of(client.get(DATE_OF_BIRTH))
        assert "You were signed out before" not in page and 'value="1984"' not in page
        # And Alex's typed page is gone from the server.
        db.session.expire_all()
        assert db.session.scalar(select(ApplicantSession).where(
            ApplicantSession.held_form.is_not(None))) is None
