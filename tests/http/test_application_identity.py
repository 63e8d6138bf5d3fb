"""The questions Form F's Section A part 1 needs of each person: the name they go by, where
they were born, whether they practise their religion, a disability, and their partnership,
asked page by page with the GOV.UK error summary and what was typed kept, then carried by
the submission into the report's application facts."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from carers.application.submission import submit_application
from carers.core.database import transaction
from carers.extensions import db
from carers.reports.models import ApplicationFacts
from tests.factories import make_application
from tests.helpers import applicant_client, csrf_token, html_of
from tests.http.test_application_submission import (
    TODAY,
    frozen,  # noqa: F401
    full_answers,
)
from tests.http.test_application_submission import couple as applying_couple
from tests.http.test_application_tasks import complete_directly, couple, row, send

ABOUT = "/apply/tasks/about_you"
RELATIONSHIPS = "/apply/tasks/relationships"


def post_date(client, url, household, applicant, task, name, parts, **more):
    """Post a page with a date field typed as ``parts`` (day, month, year)."""
    html = html_of(client.get(url))
    return client.post(url, data=MultiDict([
        ("csrf_token", csrf_token(html)), ("version", str(row(household, task,
                                                               applicant).version)),
        *((name, part) for part in parts), *more.items()]))


def test_the_name_they_go_by_and_where_they_were_born(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    send(client, f"{ABOUT}/full-name", {"full_name": "Elizabeth Ann Shah"})
    page = html_of(client.get(f"{ABOUT}/known-as"))
    assert "What name do you like to be called? (optional)" in page
    assert "Liz for Elizabeth" in page

    # Optional: left blank it is an answer ("not given"), and the journey goes on.
    skipped = send(client, f"{ABOUT}/known-as", {"known_as": " "})
    assert skipped.headers["Location"].endswith(f"{ABOUT}/previous-names")
    assert row(household, "about_you", alex).answers["known_as"] is None
    too_long = send(client, f"{ABOUT}/known-as", {"known_as": "L" * 201})
    assert too_long.status_code == 200
    assert "must be 200 characters or fewer" in html_of(too_long)
    assert 'href="#known_as"' in html_of(too_long)
    send(client, f"{ABOUT}/known-as", {"known_as": "Liz"})
    assert row(household, "about_you", alex).answers["known_as"] == "Liz"

    # Where they were born: town and country, each asked for by name, the other kept.
    url = f"{ABOUT}/place-of-birth"
    page = html_of(client.get(url))
    assert '<h1 class="govuk-heading-l">Where were you born?</h1>' in page
    refused = send(client, url, {"birth_town": "Leicester", "birth_country": ""})
    html = html_of(refused)
    assert refused.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#birth_country"' in html
    assert "Enter the country where you were born" in html
    assert 'value="Leicester"' in html  # what they typed is kept
    assert "birth_town" not in row(household, "about_you", alex).answers
    saved = send(client, url, {"birth_town": "Leicester", "birth_country": "England"})
    assert saved.headers["Location"].endswith(f"{ABOUT}/sex")
    answers = row(household, "about_you", alex).answers
    assert (answers["birth_town"], answers["birth_country"]) == ("Leicester", "England")


def test_practising_is_asked_only_of_someone_who_names_a_religion(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    client.get("/apply/application")
    complete_directly(household, alex, "about_you", {
        "full_name": "Alex Shah", "known_as": None, "previous_names": [],
        "date_of_birth": "1980-06-12", "birth_town": "Leeds", "birth_country": "England",
        "sex": "female", "nationality": "British", "languages": "English", "religion": None,
        "practising": None, "ethnicity": None, "registered_disabled": "no",
        "disability_details": None, "email": "alex@example.com", "phone": "07700 900982"})
    row(household, "about_you", alex).status = "in_progress"
    db.session.commit()

    no_religion = send(client, f"{ABOUT}/religion", {"religion": "No religion"})
    assert no_religion.headers["Location"].endswith(f"{ABOUT}/ethnicity")
    assert row(household, "about_you", alex).answers["practising"] is None

    named = send(client, f"{ABOUT}/religion", {"religion": "Sikh"})
    assert named.headers["Location"].endswith(f"{ABOUT}/practising")
    page = html_of(client.get(f"{ABOUT}/practising"))
    assert "Do you practise your religion?" in page
    refused = send(client, f"{ABOUT}/practising", {})
    assert refused.status_code == 200
    assert "Select yes if you practise your religion" in html_of(refused)
    assert 'href="#practising"' in html_of(refused)
    send(client, f"{ABOUT}/practising", {"practising": "yes"})
    assert row(household, "about_you", alex).answers["practising"] is True

    # Changing the religion to none clears the answer: nothing stale is left.
    send(client, f"{ABOUT}/religion", {"religion": ""})
    assert row(household, "about_you", alex).answers["practising"] is None
    # Naming one again from the check-answers page asks the question again.
    changed = send(client, f"{ABOUT}/religion?change=1", {"religion": "Buddhist"},
                   page=f"{ABOUT}/religion?change=1")
    assert changed.headers["Location"].endswith(f"{ABOUT}/practising?change=1")
    assert "practising" not in row(household, "about_you", alex).answers


def test_a_disability_with_details_only_under_yes(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    url = f"{ABOUT}/disability"
    page = html_of(client.get(url))
    assert "Are you registered as disabled?" in page and "I prefer not to say" in page
    assert 'id="conditional-registered_disabled"' in page  # details revealed under "Yes"

    refused = send(client, url, {})
    assert refused.status_code == 200
    assert "Select yes if you are registered as disabled" in html_of(refused)
    unknown = send(client, url, {"registered_disabled": "sometimes"})
    assert unknown.status_code == 200 and "govuk-error-summary" in html_of(unknown)

    too_long = send(client, url, {"registered_disabled": "yes",
                                  "disability_details": "x" * 1001})
    assert too_long.status_code == 200
    assert "must be 1000 characters or fewer" in html_of(too_long)
    assert "x" * 1001 in html_of(too_long)  # kept

    send(client, url, {"registered_disabled": "yes",
                       "disability_details": "Partially sighted; I use a screen reader"})
    answers = row(household, "about_you", alex).answers
    assert answers["registered_disabled"] == "yes"
    assert answers["disability_details"] == "Partially sighted; I use a screen reader"
    # Details typed under "Yes" are not kept with another answer.
    send(client, url, {"registered_disabled": "prefer_not", "disability_details": "stale"})
    answers = row(household, "about_you", alex).answers
    assert answers["registered_disabled"] == "prefer_not"
    assert answers["disability_details"] is None


def _has_partner(client, household, alex):
    saved = post_date(client, f"{RELATIONSHIPS}/partner", household, alex, "relationships",
                      "partner_since", ("1", "4", "2005"), has_partner="yes",
                      partner_name="Sam Shah")
    assert saved.headers["Location"].endswith(f"{RELATIONSHIPS}/partnership")


def test_the_partnership_is_asked_of_someone_with_a_partner(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    client.get("/apply/application")
    complete_directly(household, alex, "about_you", {"date_of_birth": "1980-06-12"})
    url = f"{RELATIONSHIPS}/partnership"

    single = send(client, f"{RELATIONSHIPS}/partner", {"has_partner": "no"})
    assert single.headers["Location"].endswith(f"{RELATIONSHIPS}/past-partners")
    assert row(household, "relationships", alex).answers["partnership_kind"] is None

    _has_partner(client, household, alex)
    page = html_of(client.get(url))
    assert '<h1 class="govuk-heading-l">Your relationship</h1>' in page
    assert "We are in a civil partnership" in page
    assert "We are in a relationship but do not live together" in page

    refused = send(client, url, {"partnership_place": "Leicester"})
    html = html_of(refused)
    assert refused.status_code == 200
    assert "Select which describes your relationship" in html
    assert "Enter the date you married, registered your civil partnership or started " \
           "living together" in html
    assert 'value="Leicester"' in html

    future = post_date(client, url, household, alex, "relationships",
                       "partnership_since", ("6", "9", "2099"),
                       partnership_kind="married", partnership_place="Leicester")
    html = html_of(future)
    assert future.status_code == 200 and "The date must be today or in the past" in html
    assert 'value="2099"' in html and 'value="Leicester"' in html
    not_a_date = post_date(client, url, household, alex, "relationships",
                           "partnership_since", ("31", "2", "2008"),
                           partnership_kind="married")
    assert "The date must be a real date" in html_of(not_a_date)

    saved = post_date(client, url, household, alex, "relationships", "partnership_since",
                      ("6", "9", "2008"), partnership_kind="married",
                      partnership_place="Leicester Register Office")
    assert saved.headers["Location"].endswith(f"{RELATIONSHIPS}/past-partners")
    answers = row(household, "relationships", alex).answers
    assert (answers["partnership_kind"], answers["partnership_since"],
            answers["partnership_place"]) == ("married", "2008-09-06",
                                              "Leicester Register Office")

    # Living together: no place of marriage is kept.
    post_date(client, url, household, alex, "relationships", "partnership_since",
              ("6", "9", "2008"), partnership_kind="cohabiting", partnership_place="Leeds")
    assert row(household, "relationships", alex).answers["partnership_place"] is None
    check = html_of(client.get(f"{RELATIONSHIPS}/check-answers"))
    assert "We live together but are not married or in a civil partnership" in check
    assert "6 September 2008" in check

    # No partner any more: the partnership goes with them.
    send(client, f"{RELATIONSHIPS}/partner", {"has_partner": "no"})
    answers = row(household, "relationships", alex).answers
    assert answers["partnership_kind"] is None and answers["partnership_since"] is None


def test_a_partnership_before_the_date_of_birth_stops_the_task_being_completed(app):
    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    client.get("/apply/application")
    complete_directly(household, alex, "about_you", {"date_of_birth": "1980-06-12"})
    _has_partner(client, household, alex)
    post_date(client, f"{RELATIONSHIPS}/partnership", household, alex, "relationships",
              "partnership_since", ("1", "1", "1979"), partnership_kind="civil_partnership")
    send(client, f"{RELATIONSHIPS}/past-partners", {"add": "no"})

    refused = send(client, f"{RELATIONSHIPS}/check-answers", {"completed": "yes"})
    assert refused.status_code == 200
    assert "The date you registered your civil partnership must be after your date of " \
           "birth, 12 June 1980" in html_of(refused)
    assert row(household, "relationships", alex).status == "in_progress"

    post_date(client, f"{RELATIONSHIPS}/partnership", household, alex, "relationships",
              "partnership_since", ("19", "7", "2014"), partnership_kind="civil_partnership")
    send(client, f"{RELATIONSHIPS}/check-answers", {"completed": "yes"})
    assert row(household, "relationships", alex).status == "completed"


def test_the_submission_puts_the_answers_in_the_report_s_facts(app, frozen):  # noqa: F811
    household, _worker, alex, sam = applying_couple()
    answers = full_answers(alex, sam)
    answers["about_you"][alex].update(
        known_as="Lexi", birth_town="Leicester", birth_country="England", practising=True,
        registered_disabled="yes", disability_details="Deaf in one ear")
    answers["about_you"][sam].update(
        birth_town="Cork", birth_country="Ireland", registered_disabled="prefer_not")
    for person in (alex, sam):
        answers["relationships"][person].update(
            partnership_kind="married", partnership_since="2008-09-06",
            partnership_place="Leicester Register Office")
    application = make_application(household, answers, [alex, sam])
    with transaction():
        submit_application(application, alex, TODAY)

    facts = db.session.get(ApplicationFacts, household.id).facts
    first, second = facts["applicants"]
    assert (first["name"], second["name"]) == ("Alex Smith", "Sam Smith")
    assert first["known_as"] == "Lexi" and second["known_as"] is None
    assert first["place_of_birth"] == "Leicester, England"
    assert second["place_of_birth"] == "Cork, Ireland"
    assert first["religion"] == "Christian" and first["practising"] is True
    assert second["practising"] is None  # no religion named
    assert (first["registered_disabled"], first["disability_details"]) == \
        ("yes", "Deaf in one ear")
    assert (second["registered_disabled"], second["disability_details"]) == \
        ("prefer_not", None)
    assert first["partnership"] == second["partnership"] == {
        "kind": "married", "since": "2008-09-06", "place": "Leicester Register Office"}
    assert first["past_partners"][0]["name"] == "Chris Brown"
    assert first["past_partners"][0]["ended_on"] == "2003-06-30"
    robin = {"name": "Robin Smith", "date_of_birth": "2001-08-20", "relationship": "Son",
             "lives_with": "His partner, in Leeds"}
    assert facts["children_elsewhere"] == [robin]
    assert first["children_elsewhere"] == second["children_elsewhere"] == [robin]


def test_the_new_pages_survive_generated_input(app):
    from tests.http.test_fuzz_forms import fuzz_page

    household, alex, _sam = couple()
    client = applicant_client(app, alex)
    client.get("/apply/application")
    complete_directly(household, alex, "about_you", {"religion": "Sikh"})
    complete_directly(household, alex, "relationships",
                      {"current_partner": {"name": "Sam Shah", "since": "2005-04-01"}})
    for task, slug in (("about_you", "known-as"), ("about_you", "place-of-birth"),
                       ("about_you", "practising"), ("about_you", "disability"),
                       ("relationships", "partnership")):
        row(household, task, alex).status = "in_progress"
        db.session.commit()
        assert fuzz_page(client, f"/apply/tasks/{task}/{slug}", 15) == 1, slug
