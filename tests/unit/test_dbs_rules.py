"""The DBS certificate's details, the date of birth a DBS check needs, and where a personal
reference stands (one answer for both of the report's tables)."""

from datetime import date

import pytest

from carers.checks.rules import (
    dbs_certificate_number_problem,
    dbs_date_of_birth_needed,
    dbs_details_problems,
    dbs_issue_date_problem,
    normalise_dbs_certificate_number,
    reference_standing,
)

TODAY = date(2027, 3, 1)


@pytest.mark.parametrize("typed", ["001234567890", "0012 3456 7890", "001-234-567-890", ""])
def test_a_twelve_digit_certificate_number_is_accepted_as_people_type_it(typed):
    assert dbs_certificate_number_problem(typed) is None


def test_the_number_is_kept_without_spaces_or_dashes():
    assert normalise_dbs_certificate_number(" 0012 3456-7890 ") == "001234567890"


@pytest.mark.parametrize(("typed", "message"), [
    ("12345", "Certificate number must be 12 digits, like 001234567890"),
    ("0012345678901", "Certificate number must be 12 digits, like 001234567890"),
    ("00123456789O", "Certificate number must only include numbers 0 to 9"),
    ("١٢٣٤٥٦٧٨٩٠١٢", "Certificate number must only include numbers 0 to 9"),
])
def test_anything_else_is_refused_with_a_clear_message(typed, message):
    assert dbs_certificate_number_problem(typed) == message


def test_the_issue_date_is_not_in_the_future_nor_before_the_request():
    assert dbs_issue_date_problem(date(2027, 2, 1), date(2027, 1, 10), TODAY) is None
    assert dbs_issue_date_problem(TODAY, None, TODAY) is None
    assert dbs_issue_date_problem(date(2027, 3, 2), None, TODAY) == (
        "Date of issue must be today or in the past")
    assert dbs_issue_date_problem(date(2027, 1, 9), date(2027, 1, 10), TODAY) == (
        "Date of issue must be on or after the date requested")


def test_a_received_certificate_needs_its_number_date_and_update_service_answer():
    assert dbs_details_problems(received_on=None, certificate_number="", issued_on=None,
                                update_service=None) == {}
    assert dbs_details_problems(received_on=TODAY, certificate_number="", issued_on=None,
                                update_service=None) == {
        "certificate_number": "Enter the certificate number",
        "issued_on": "Enter the certificate's date of issue",
        "update_service": "Select yes if they use the DBS Update Service"}
    assert dbs_details_problems(received_on=TODAY, certificate_number="001234567890",
                                issued_on=TODAY, update_service=False) == {}


def test_a_dbs_check_is_not_recorded_without_the_persons_date_of_birth():
    message = ("Enter Sam Smith's date of birth on the household page before recording their "
               "DBS check")
    assert dbs_date_of_birth_needed("Sam Smith", None, requested_on=TODAY,
                                    received_on=None) == message
    assert dbs_date_of_birth_needed("Sam Smith", None, requested_on=None,
                                    received_on=TODAY) == message
    # Nothing recorded yet (notes only), or the date of birth is known: fine.
    assert dbs_date_of_birth_needed("Sam Smith", None, requested_on=None,
                                    received_on=None) is None
    assert dbs_date_of_birth_needed("Sam Smith", date(1990, 1, 1), requested_on=TODAY,
                                    received_on=TODAY) is None


def test_a_reference_stands_as_received_outstanding_or_not_taken_up_and_why():
    def fmt(d):
        return d.isoformat()

    assert reference_standing(received_on=date(2027, 1, 5), interviewed_on=date(2027, 1, 9),
                              withdrawn_on=None, fmt=fmt) == (
        "Received 2027-01-05, interviewed 2027-01-09")
    assert reference_standing(received_on=date(2027, 1, 5), interviewed_on=None,
                              withdrawn_on=None, fmt=fmt) == (
        "Received 2027-01-05, interview outstanding")
    assert reference_standing(received_on=None, interviewed_on=date(2027, 1, 9),
                              withdrawn_on=None, fmt=fmt) == (
        "Interviewed 2027-01-09, written reference outstanding")
    assert reference_standing(received_on=None, interviewed_on=None,
                              withdrawn_on=None) == "Outstanding"
    # Withdrawn wins over anything received: the panel reads why it was not taken up.
    assert reference_standing(received_on=date(2027, 1, 5), interviewed_on=None,
                              withdrawn_on=date(2027, 1, 20),
                              withdrawn_reason="declined to give a reference") == (
        "Not taken up: declined to give a reference")
    assert reference_standing(received_on=None, interviewed_on=None,
                              withdrawn_on=date(2027, 1, 20), withdrawn_reason="  ") == (
        "Not taken up: no longer used as a referee")
