"""Which checks a household needs, for households of different shapes, on fixed dates; and
where each check stands (the Stage 1 and panel gates, expiring and lapsed checks)."""

from datetime import date

import pytest

from carers.checks.rules import (
    AddressPeriod,
    CheckKind,
    CheckState,
    HouseholdFacts,
    Outcome,
    Person,
    RefereeInfo,
    Status,
    add_years,
    attention_on,
    check_status,
    done_on,
    expiring,
    expiry_for,
    lapsed,
    last_stage1_received_on,
    next_action,
    outstanding,
    required_checks,
    stage1_complete,
    stage1_outstanding,
)

D = date
TODAY = D(2027, 3, 1)
JO = Person(1, "Jo Bloggs", D(1985, 4, 2), is_applicant=True, relationship="applicant")
ALEX = Person(2, "Alex Bloggs", D(1983, 9, 30), is_applicant=True, relationship="partner")
HOME = AddressPeriod("Northmoor Council", D(2012, 6, 1), None)
TWO_REFEREES = (RefereeInfo(11, "Pat Friend"), RefereeInfo(12, "Lee Neighbour"))


def household(*people, addresses=(HOME,), referees=TWO_REFEREES, **kw) -> HouseholdFacts:
    return HouseholdFacts(people=tuple(people), addresses=tuple(addresses),
                          referees=tuple(referees), **kw)


def keys(requirements) -> list[str]:
    return [c.key for c in requirements.checks]


def of_kind(requirements, kind: CheckKind) -> list:
    return [c for c in requirements.checks if c.kind is kind]


def test_a_single_applicant_needs_the_statutory_checks_and_two_references():
    needs = required_checks(household(JO), TODAY)
    assert keys(needs) == [
        "dbs:p1", "la:northmoor council", "medical:p1", "reference:r11", "reference:r12",
        "home_safety",
    ]
    stage1 = {c.key for c in needs.checks if c.stage1}
    assert stage1 == {"dbs:p1", "la:northmoor council", "medical:p1", "reference:r11",
                      "reference:r12"}
    dbs = of_kind(needs, CheckKind.DBS)[0]
    assert dbs.label == "Enhanced DBS with children's barred list: Jo Bloggs"
    assert dbs.renewal_years == 3 and not dbs.reg24 and dbs.required_from is None
    assert needs.warnings == ()


def test_a_couple_each_need_a_dbs_check_medical_and_employer_reference():
    alex = Person(2, "Alex Bloggs", D(1983, 9, 30), is_applicant=True, relationship="partner",
                  employer="Northmoor Hospital")
    needs = required_checks(household(JO, alex), TODAY)
    assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs", "Alex Bloggs"]
    assert [c.subject for c in of_kind(needs, CheckKind.MEDICAL)] == ["Jo Bloggs",
                                                                      "Alex Bloggs"]
    employer = of_kind(needs, CheckKind.EMPLOYER)
    assert [c.subject for c in employer] == ["Northmoor Hospital for Alex Bloggs"]
    assert not employer[0].stage1


def test_an_adult_son_living_at_home_needs_a_dbs_check_but_not_a_medical():
    son = Person(3, "Sam Bloggs", D(2004, 1, 15), relationship="child")
    needs = required_checks(household(JO, son), TODAY)
    assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs", "Sam Bloggs"]
    assert [c.subject for c in of_kind(needs, CheckKind.MEDICAL)] == ["Jo Bloggs"]
    assert not of_kind(needs, CheckKind.SCHOOL)


def test_an_adult_son_who_has_moved_out_needs_no_dbs_check():
    son = Person(3, "Sam Bloggs", D(2004, 1, 15), relationship="child",
                 lives_in_household=False)
    needs = required_checks(household(JO, son), TODAY)
    assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs"]


class TestSeventeenYearOldTurningEighteenDuringTheAssessment:
    KIM = Person(4, "Kim Bloggs", D(2009, 8, 20), relationship="child", school="Northmoor College")

    def test_at_17_years_5_months_nothing_yet(self):
        needs = required_checks(household(JO, self.KIM), D(2027, 1, 19))
        assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs"]
        assert not any("Kim" in w for w in needs.warnings)

    def test_from_17_years_9_months_a_warning_and_a_check_due_from_the_birthday(self):
        on = D(2027, 5, 20)  # exactly 17 years 9 months
        needs = required_checks(household(JO, self.KIM), on)
        dbs = [c for c in of_kind(needs, CheckKind.DBS) if c.subject == "Kim Bloggs"]
        assert len(dbs) == 1 and dbs[0].required_from == D(2027, 8, 20)
        assert "Kim Bloggs turns 18 on Fri 20 Aug 2027: request an enhanced DBS check." \
            in needs.warnings
        # Not due yet: it does not hold up Stage 1 or panel, but it is shown.
        state = CheckState(CheckKind.DBS, "Kim Bloggs", stage1=True,
                           required_from=dbs[0].required_from)
        assert check_status(state, on) is Status.UPCOMING
        assert outstanding([state], on) == []
        assert next_action(state, on) == "Needed from Fri 20 Aug 2027: request it now"

    def test_the_day_before_17_years_9_months_nothing_yet(self):
        needs = required_checks(household(JO, self.KIM), D(2027, 5, 19))
        assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs"]

    def test_on_the_18th_birthday_the_check_is_outstanding(self):
        on = D(2027, 8, 20)
        needs = required_checks(household(JO, self.KIM), on)
        dbs = [c for c in of_kind(needs, CheckKind.DBS) if c.subject == "Kim Bloggs"][0]
        state = CheckState(CheckKind.DBS, "Kim Bloggs", stage1=True,
                           required_from=dbs.required_from)
        assert [c.label for c in outstanding([state], on)] == [
            "Enhanced DBS with children's barred list: Kim Bloggs"]
        # An 18-year-old is no longer asked about a school.
        assert not of_kind(needs, CheckKind.SCHOOL)

    def test_the_setting_moves_the_warning(self):
        needs = required_checks(household(JO, self.KIM), D(2027, 2, 21),
                                {"dbs_warning_months": 6})
        assert any(c.subject == "Kim Bloggs" for c in of_kind(needs, CheckKind.DBS))

    def test_born_on_29_february(self):
        leap = Person(5, "Lee Bloggs", D(2008, 2, 29), relationship="child")
        needs = required_checks(household(JO, leap), D(2026, 1, 1))
        dbs = [c for c in of_kind(needs, CheckKind.DBS) if c.subject == "Lee Bloggs"][0]
        assert dbs.required_from == D(2026, 2, 28)


def test_pets_need_an_assessment_unless_the_agency_switched_it_off():
    needs = required_checks(household(JO, has_pets=True), TODAY)
    pets = of_kind(needs, CheckKind.PETS)
    assert [c.subject for c in pets] == ["the household's pets"]
    assert pets[0].renewal_years == 1 and not pets[0].stage1
    assert not of_kind(required_checks(household(JO), TODAY), CheckKind.PETS)
    off = required_checks(household(JO, has_pets=True), TODAY, {"require_pets_assessment": 0})
    assert not of_kind(off, CheckKind.PETS)


def test_a_move_from_another_area_4_years_ago_means_two_local_authority_checks():
    addresses = (AddressPeriod("Northmoor Council", D(2023, 3, 1), None),
                 AddressPeriod("Leeds City Council", D(2014, 5, 1), D(2023, 2, 28)))
    needs = required_checks(household(JO, addresses=addresses), TODAY)
    la = of_kind(needs, CheckKind.LA_CHECK)
    assert [c.subject for c in la] == ["Northmoor Council", "Leeds City Council"]
    assert all(c.stage1 and c.renewal_years == 3 for c in la)
    assert not any("addresses" in w for w in needs.warnings)


def test_an_area_left_more_than_10_years_ago_needs_no_check():
    addresses = (AddressPeriod("Northmoor Council", D(2018, 3, 1), None),
                 AddressPeriod("Leeds City Council", D(2013, 5, 1), D(2018, 2, 28)),
                 AddressPeriod("York Council", D(2001, 5, 1), D(2013, 4, 30)))
    needs = required_checks(household(JO, addresses=addresses), TODAY)
    assert [c.subject for c in of_kind(needs, CheckKind.LA_CHECK)] == [
        "Northmoor Council", "Leeds City Council"]
    # ... and with a 15-year look-back it does.
    longer = required_checks(household(JO, addresses=addresses), TODAY, {"la_check_years": 15})
    assert len(of_kind(longer, CheckKind.LA_CHECK)) == 3


def test_the_same_area_twice_is_one_check():
    addresses = (AddressPeriod("Northmoor Council", D(2020, 1, 1), None),
                 AddressPeriod("northmoor  council", D(2015, 1, 1), D(2019, 12, 31)))
    needs = required_checks(household(JO, addresses=addresses), TODAY)
    assert len(of_kind(needs, CheckKind.LA_CHECK)) == 1


def test_missing_addresses_still_need_a_home_area_check_and_a_warning():
    needs = required_checks(household(JO, addresses=()), TODAY)
    assert [c.key for c in of_kind(needs, CheckKind.LA_CHECK)] == ["la:home"]
    assert any("Record the addresses" in w for w in needs.warnings)
    short = required_checks(household(JO, addresses=(
        AddressPeriod("Northmoor Council", D(2024, 1, 1), None),)), TODAY)
    assert any("do not cover the last 10 years" in w for w in short.warnings)


def test_referees_missing_are_placeholders_and_the_minimum_is_never_below_two():
    needs = required_checks(household(JO, referees=()), TODAY)
    assert [c.key for c in of_kind(needs, CheckKind.PERSONAL_REFERENCE)] == [
        "reference:slot1", "reference:slot2"]
    assert "Name 2 more personal referees (at least 2 are interviewed)." in needs.warnings
    one = required_checks(household(JO, referees=()), TODAY, {"personal_referees_required": 1})
    assert len(of_kind(one, CheckKind.PERSONAL_REFERENCE)) == 2  # FSR 26(1A)(c) floor
    three = required_checks(household(JO), TODAY, {"personal_referees_required": 3})
    assert [c.key for c in of_kind(three, CheckKind.PERSONAL_REFERENCE)] == [
        "reference:r11", "reference:r12", "reference:slot3"]


def test_a_family_referee_when_the_agency_asks_for_one():
    settings = {"family_referee_required": 1}
    needs = required_checks(household(JO), TODAY, settings)
    assert [c.key for c in of_kind(needs, CheckKind.PERSONAL_REFERENCE)] == [
        "reference:r11", "reference:r12", "reference:family"]
    with_family = household(JO, referees=(RefereeInfo(11, "Pat Friend"),
                                          RefereeInfo(13, "Chris Bloggs", is_family=True)))
    needs = required_checks(with_family, TODAY, settings)
    assert [c.subject for c in of_kind(needs, CheckKind.PERSONAL_REFERENCE)] == [
        "Pat Friend", "Chris Bloggs (family)"]


def test_previous_fostering_provider_only_within_12_months():
    now = household(JO, previous_provider="Bright Futures Fostering")
    assert [c.subject for c in of_kind(required_checks(now, TODAY),
                                       CheckKind.PREVIOUS_PROVIDER)] == [
        "Bright Futures Fostering"]
    recent = household(JO, previous_provider="Bright Futures", fostered_until=D(2026, 3, 1))
    assert of_kind(required_checks(recent, TODAY), CheckKind.PREVIOUS_PROVIDER)[0].stage1
    long_ago = household(JO, previous_provider="Bright Futures", fostered_until=D(2026, 2, 28))
    assert not of_kind(required_checks(long_ago, TODAY), CheckKind.PREVIOUS_PROVIDER)


def test_ex_partners_and_childrens_schools():
    ex = Person(6, "Robin Smith", None, relationship="ex_partner", lives_in_household=False)
    child = Person(7, "Ava Bloggs", D(2019, 6, 1), relationship="child",
                   school="Northmoor Primary")
    toddler = Person(8, "Max Bloggs", D(2025, 6, 1), relationship="child")
    pupil = Person(9, "Ivy Bloggs", D(2016, 6, 1), relationship="child")
    needs = required_checks(household(JO, ex, child, toddler, pupil), TODAY)
    assert [c.subject for c in of_kind(needs, CheckKind.EX_PARTNER)] == ["Robin Smith"]
    assert [c.subject for c in of_kind(needs, CheckKind.SCHOOL)] == [
        "Northmoor Primary for Ava Bloggs"]
    assert "Record the school or nursery Ivy Bloggs goes to." in needs.warnings
    assert not any("Max" in w for w in needs.warnings)
    # The ex-partner does not live here: no DBS check for them.
    assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs"]


def test_people_of_unknown_age():
    lodger = Person(10, "Dee Lodger", None, relationship="lodger")
    teen = Person(11, "Tia Bloggs", None, age=17, relationship="child")
    small = Person(12, "Bo Bloggs", None, age=6, relationship="child")
    needs = required_checks(household(JO, lodger, teen, small), TODAY)
    assert [c.subject for c in of_kind(needs, CheckKind.DBS)] == ["Jo Bloggs", "Dee Lodger"]
    assert "Record Dee Lodger's date of birth: the DBS check needs it." in needs.warnings
    assert any(w.startswith("Record Tia Bloggs's date of birth") for w in needs.warnings)
    assert not any("Bo Bloggs's date" in w for w in needs.warnings)


def test_kinship_households_get_the_regulation_24_checks():
    gran = Person(1, "Mary Jones", D(1960, 2, 2), is_applicant=True, relationship="applicant")
    uncle = Person(2, "Owen Jones", D(1990, 2, 2), relationship="relative")
    grandchild = Person(3, "Tom Jones", D(2012, 2, 2), relationship="relative")
    needs = required_checks(household(gran, uncle, grandchild, pathway="connected_person"),
                            TODAY)
    reg24 = [c for c in needs.checks if c.reg24]
    assert [c.label for c in reg24] == [
        "Enhanced DBS with children's barred list: Mary Jones",
        "Enhanced DBS with children's barred list: Owen Jones",
        "Accommodation (regulation 24): the home",
    ]
    assert not any(c.stage1 for c in needs.checks)  # no Stage 1 on this pathway
    assert of_kind(needs, CheckKind.MEDICAL)  # the full assessment still needs the rest


# --- the ledger helpers ---

JAN_10 = D(2027, 1, 10)


def received(kind=CheckKind.DBS, subject="Jo", on=JAN_10, **kw) -> CheckState:
    return CheckState(kind, subject, stage1=True, requested_on=D(2026, 12, 1), received_on=on,
                      **kw)


def test_stage1_is_complete_only_when_every_item_is_received():
    waiting = CheckState(CheckKind.MEDICAL, "Jo", stage1=True, requested_on=D(2027, 1, 2))
    later = CheckState(CheckKind.HOME_SAFETY, "the home")  # not a Stage 1 item
    items = [received(), waiting, later]
    assert not stage1_complete(items, TODAY)
    assert stage1_outstanding(items, TODAY) == ["Medical report: Jo"]
    assert last_stage1_received_on(items, TODAY) is None
    items[1] = received(CheckKind.MEDICAL, on=D(2027, 2, 3))
    assert stage1_complete(items, TODAY)
    assert last_stage1_received_on(items, TODAY) == D(2027, 2, 3)
    # Nothing stored at all is not "complete".
    assert not stage1_complete([], TODAY)


def test_a_personal_reference_counts_once_written_and_interviewed():
    written = received(CheckKind.PERSONAL_REFERENCE, "Pat", on=D(2027, 2, 1))
    assert done_on(written) is None
    assert check_status(written, TODAY) is Status.INTERVIEW_TO_RECORD
    assert next_action(written, TODAY) == "Record the referee interview"
    interviewed_first = CheckState(CheckKind.PERSONAL_REFERENCE, "Pat", stage1=True,
                                   interviewed_on=D(2027, 1, 20), requested_on=D(2027, 1, 5))
    assert check_status(interviewed_first, TODAY) is Status.REQUESTED
    assert next_action(interviewed_first, TODAY) == "Waiting for the written reference"
    both = received(CheckKind.PERSONAL_REFERENCE, "Pat", on=D(2027, 2, 1),
                    interviewed_on=D(2027, 1, 20))
    assert done_on(both) == D(2027, 2, 1)
    assert last_stage1_received_on([both, received()], TODAY) == D(2027, 2, 1)


def test_statuses_and_next_actions():
    new = CheckState(CheckKind.MEDICAL, "Jo")
    assert check_status(new, TODAY) is Status.TO_REQUEST and next_action(new, TODAY) == \
        "Request it"
    asked = CheckState(CheckKind.MEDICAL, "Jo", requested_on=D(2027, 2, 1),
                       requested_from="Dr Patel")
    assert check_status(asked, TODAY) is Status.REQUESTED
    assert next_action(asked, TODAY) == "Chase if needed (requested Mon 1 Feb 2027 from Dr Patel)"
    got = received(CheckKind.MEDICAL)
    assert check_status(got, TODAY) is Status.RECEIVED
    assert next_action(got, TODAY) == "Record the outcome"
    clear = received(outcome=Outcome.CLEAR)
    assert next_action(clear, TODAY) == "Verify it"
    verified = received(outcome=Outcome.CLEAR, verified=True, expires_on=D(2030, 1, 10))
    assert check_status(verified, TODAY) is Status.COMPLETE
    assert check_status(received(required=False), TODAY) is Status.NOT_NEEDED


def test_expiring_and_lapsed():
    soon = received(outcome=Outcome.CLEAR, verified=True, expires_on=D(2027, 6, 1))
    gone = received(outcome=Outcome.CLEAR, verified=True, expires_on=D(2027, 2, 1))
    fine = received(outcome=Outcome.CLEAR, verified=True, expires_on=D(2029, 2, 1))
    items = [soon, gone, fine]
    assert expiring(items, TODAY, 120) == [soon]
    assert lapsed(items, TODAY) == [gone]
    assert check_status(soon, TODAY) is Status.EXPIRING
    assert next_action(soon, TODAY) == "Renew by Tue 1 Jun 2027"
    assert check_status(gone, TODAY) is Status.LAPSED
    assert next_action(gone, TODAY) == "Lapsed on Mon 1 Feb 2027: renew it now"
    # A lapsed check holds up panel like a missing one; a superseded one does not count.
    assert outstanding(items, TODAY) == [gone]
    assert lapsed([received(expires_on=D(2027, 2, 1), superseded=True)], TODAY) == []


def test_attention_dates_for_the_team_list():
    assert attention_on(CheckState(CheckKind.MEDICAL, "Jo"), D(2027, 1, 1)) == D(2027, 1, 1)
    upcoming = CheckState(CheckKind.DBS, "Kim", required_from=D(2027, 8, 20))
    assert attention_on(upcoming, D(2027, 5, 20)) == D(2027, 8, 20)
    assert attention_on(received(expires_on=D(2030, 1, 10)), D(2027, 1, 1)) == D(2030, 1, 10)
    assert attention_on(received(), D(2027, 1, 1)) is None
    assert attention_on(CheckState(CheckKind.MEDICAL, "Jo", required=False), TODAY) is None


@pytest.mark.parametrize(("start", "years", "expected"), [
    (D(2024, 2, 29), 3, D(2027, 2, 28)),
    (D(2024, 2, 29), 4, D(2028, 2, 29)),
    (D(2027, 1, 10), 3, D(2030, 1, 10)),
])
def test_add_years(start, years, expected):
    assert add_years(start, years) == expected


def test_expiry_from_the_renewal_period():
    assert expiry_for(D(2027, 1, 10), 3) == D(2030, 1, 10)
    assert expiry_for(D(2027, 1, 10), None) is None
    assert expiry_for(None, 3) is None


def test_settings_must_be_whole_numbers():
    with pytest.raises(ValueError, match="whole number"):
        required_checks(household(JO), TODAY, {"la_check_years": "ten"})
