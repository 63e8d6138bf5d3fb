"""The application's rules: its tasks and who does them, what must come first, ten years of
addresses with no gaps or overlaps, referees, and the consents each person gives."""

from datetime import date

from carers.application import rules

TODAY = date(2026, 12, 6)


def address(line_1, lived_from, lived_to=None, postcode="LS1 4AP"):
    return {"line_1": line_1, "town": "Leeds", "postcode": postcode, "local_authority": "Leeds",
            "lived_from": lived_from, "lived_to": lived_to}


def test_the_tasks_in_order_with_their_scope_and_people():
    keys = [t.key for t in rules.TASKS]
    assert keys == ["about_you", "household", "home", "work", "health", "relationships",
                    "addresses", "referees", "earlier_applications", "consents"]
    assert {t.key for t in rules.TASKS if not t.personal} == {"household", "home", "referees"}
    assert [t.key for t in rules.tasks_for_role("adult")] == ["about_you", "consents"]
    assert len(rules.tasks_for_role("applicant")) == len(rules.TASKS)


def test_every_person_gets_their_personal_rows_and_the_household_one_set():
    rows = rules.rows_needed([(1, "applicant"), (2, "applicant"), (3, "adult")])
    assert rows.count(("home", None)) == 1
    assert ("about_you", 3) in rows and ("consents", 3) in rows
    assert ("health", 3) not in rows and ("health", 2) in rows
    assert len(rows) == len(set(rows)) == 7 * 2 + 3 + 2


def test_the_kinship_form_has_its_own_title():
    assert rules.FORM_TITLES == {"foster": "Apply to foster",
                                 "kinship": "Kinship carer assessment"}


def test_consents_cannot_start_until_the_persons_own_tasks_are_done():
    consents = rules.BY_KEY["consents"]
    assert rules.shown_status(consents, "applicant", "not_started", {"about_you"}) == \
        rules.CANNOT_START
    done = {"about_you", "work", "relationships", "addresses"}
    assert rules.shown_status(consents, "applicant", "not_started", done) == "not_started"
    # Another adult does only "About you" first.
    assert rules.prerequisites(consents, "adult") == ["about_you"]
    assert rules.can_start(consents, "adult", {"about_you"})
    assert rules.STATUS_LABELS[rules.CANNOT_START] == "Cannot start yet"


def test_answers_are_read_only_after_submission_unless_reopened_and_not_yet_completed():
    assert rules.editable(False, False, "completed")
    assert not rules.editable(True, False, "in_progress")
    assert rules.editable(True, True, "in_progress")
    assert not rules.editable(True, True, "completed")


def test_ten_years_of_addresses_back_to_back_are_fine():
    history = [address("1 New Street", "2019-03-04"),
               address("2 Old Road", "2010-01-01", "2019-03-03")]
    assert rules.address_problems(history, TODAY) == []
    # Moving out and in on the same day is no gap.
    history[0]["lived_from"] = "2019-03-03"
    assert rules.address_problems(history, TODAY) == []


def test_a_gap_is_named_by_its_dates():
    history = [address("1 New Street", "2019-06-01"),
               address("2 Old Road", "2010-01-01", "2019-03-03")]
    assert rules.address_problems(history, TODAY) == [
        "There is a gap between 3 March 2019 and 1 June 2019"]


def test_an_overlap_is_named_by_its_dates():
    history = [address("1 New Street", "2019-01-10"),
               address("2 Old Road", "2010-01-01", "2019-03-03")]
    assert rules.address_problems(history, TODAY) == [
        "Your addresses overlap between 10 January 2019 and 3 March 2019"]


def test_the_history_must_reach_back_ten_years_to_today():
    problems = rules.address_problems([address("1 New Street", "2020-05-01")], TODAY)
    assert problems == ["Your addresses must go back 10 years, to 6 December 2016. The "
                        "earliest starts on 1 May 2020"]
    no_current = rules.address_problems([address("1 Street", "2010-01-01", "2026-01-01")],
                                        TODAY)
    assert no_current[0].startswith("Add the address where you live now")
    assert "There is a gap between 1 January 2026 and 6 December 2026" in no_current
    two_current = rules.address_problems([address("1 Street", "2010-01-01"),
                                          address("2 Street", "2015-01-01")], TODAY)
    assert two_current[0].startswith("Only one address can be where you live now")
    assert rules.address_problems([], TODAY) == [
        "Add the addresses you have lived at in the last 10 years"]


def referee(name, relative=False, email="a@example.com", phone=None, where="1 High St"):
    return {"name": name, "relationship": "Friend", "is_relative": relative, "email": email,
            "phone": phone, "address": where, "known_years": 5}


def test_referees_need_three_one_of_them_a_relative_each_with_contact_details():
    assert rules.referee_problems([referee("A"), referee("B"), referee("C", True)]) == []
    assert rules.referee_problems([referee("A"), referee("B")]) == [
        "Add at least 3 referees. You have added 2", "At least 1 referee must be a relative"]
    assert rules.referee_problems([referee("A"), referee("B", email=None, phone="0113"),
                                   referee("C", True, email=None, where=None)]) == [
        "Add an email address or phone number for C", "Add an address for C"]


def test_which_consents_a_person_gives():
    assert rules.consents_needed("adult", {}) == ["dbs", "local_authority"]
    assert rules.consents_needed("applicant", {}) == ["dbs", "local_authority", "health",
                                                      "references"]
    answers = {"work": {"status": "employed"},
               "relationships": {"past_partners": [{"name": "Jo"}]},
               "addresses": {"addresses": [address("Rue 1", "2010-01-01", postcode="")]}}
    assert rules.consents_needed("applicant", answers) == [
        "dbs", "local_authority", "health", "references", "previous_partners", "employers",
        "overseas"]
    given = {**answers, "consents": {k: True for k in rules.CONSENT_LABELS}}
    assert rules.task_problems("consents", "applicant", given, TODAY) == []
    given["consents"]["overseas"] = False
    [problem] = rules.task_problems("consents", "applicant", given, TODAY)
    assert "checks with countries you have lived in outside the UK" in problem


# --- about you: religion and disability; relationships: partnership and past partners ---

def test_only_a_named_religion_is_one_someone_can_practise():
    for named in ("Christian", "Muslim", " sikh ", "Church of England"):
        assert rules.names_a_religion(named), named
    for none in ("", None, "None", "No religion", "n/a", "N/A.", "Atheist", "  no  "):
        assert not rules.names_a_religion(none), none
    assert rules.practising("Muslim", True) is True
    assert rules.practising("Muslim", False) is False
    assert rules.practising("No religion", True) is None
    assert rules.practising("Muslim", None) is None
    assert rules.practising("Muslim", "yes") is None  # only a yes or no answer


def test_a_partnership_as_the_report_gives_it():
    assert rules.partnership(False, None, None, None) == {"kind": "single", "since": None,
                                                          "place": None}
    assert rules.partnership(None, None, None, None) is None  # not answered
    assert rules.partnership(True, None, "2010-05-01", None) is None  # kind not answered
    assert rules.partnership(True, "married", "2010-05-01", "Leeds Town Hall") == {
        "kind": "married", "since": "2010-05-01", "place": "Leeds Town Hall"}
    # Only a marriage or civil partnership has a place.
    assert rules.partnership(True, "cohabiting", "2010-05-01", "Leeds") == {
        "kind": "cohabiting", "since": "2010-05-01", "place": None}
    assert rules.partnership(True, "civil_partnership", "not a date", " ")["since"] is None


def test_a_partnership_date_is_past_after_birth_and_after_the_relationship_started():
    born, started = "1980-06-12", "2005-04-01"
    assert rules.partnership_problems("married", "2008-09-06", born, started, TODAY) == []
    assert rules.partnership_problems("married", "2027-01-01", born, started, TODAY) == [
        "The date you married must be today or in the past"]
    assert rules.partnership_problems("civil_partnership", "1979-01-01", born, None,
                                      TODAY) == [
        "The date you registered your civil partnership must be after your date of birth, "
        "12 June 1980"]
    assert rules.partnership_problems("cohabiting", "2004-01-01", born, started, TODAY) == [
        "The date you started living together must be on or after the date your "
        "relationship started, 1 April 2005"]
    # A couple who live apart give the day their relationship started: any past date.
    assert rules.partnership_problems("living_apart_together", "2004-01-01", born, started,
                                      TODAY) == []
    assert rules.partnership_problems(None, "2004-01-01", born, started, TODAY) == []


def test_a_past_relationship_has_ended_in_the_past_after_it_started():
    assert rules.past_partner_problems([
        {"name": "Chris Brown", "from": "1999-01-01", "to": "2003-06-30"}], TODAY) == []
    assert rules.past_partner_problems([
        {"name": "Chris Brown", "from": "1999-01-01", "to": None},
        {"name": "Jo Green", "from": "2001-01-01", "to": "2027-02-01"},
        {"name": "Lee Black", "from": "2001-01-01", "to": "2000-02-01"}], TODAY) == [
        "Add the date your relationship with Chris Brown ended",
        "The date your relationship with Jo Green ended must be today or in the past",
        "The date your relationship with Lee Black ended must be after it started"]


def test_the_relationships_task_is_checked_against_the_date_of_birth():
    answers = {"about_you": {"date_of_birth": "1990-01-01"}, "relationships": {
        "current_partner": {"name": "Sam", "since": "2012-01-01"},
        "partnership_kind": "married", "partnership_since": "1985-01-01",
        "past_partners": [{"name": "Jo Green", "from": "2008-01-01", "to": "2030-01-01"}]}}
    assert rules.task_problems("relationships", "applicant", answers, TODAY) == [
        "The date you married must be after your date of birth, 1 January 1990",
        "The date your relationship with Jo Green ended must be today or in the past"]
    answers["relationships"].update(partnership_since="2014-07-19", past_partners=[])
    assert rules.task_problems("relationships", "applicant", answers, TODAY) == []
