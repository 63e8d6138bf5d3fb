"""Tables as CSV files and Excel workbooks: formulas kept as text, numbers and dates typed,
worksheet names Excel accepts, and downloads that are never cached."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from openpyxl import load_workbook

from carers.core.spreadsheets import (
    Table,
    csv_response,
    safe_cell,
    safe_filename,
    sheet_names,
    to_csv,
    to_xlsx,
    xlsx_response,
)

FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1", "-2+3", "@SUM(A1)", "\tx",
            "\rx", "=1+1"]


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_text_that_looks_like_a_formula_is_neutralised_in_csv():
    table = Table("Enquiries", ["Name"], [[value] for value in FORMULAS])
    rows = read_csv(to_csv(table))
    assert rows[0] == ["Name"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in FORMULAS]


def test_headings_are_neutralised_too():
    assert read_csv(to_csv(Table("T", ["=cmd", "Fine"])))[0] == ["'=cmd", "Fine"]


def test_numbers_are_never_neutralised():
    table = Table("Figures", ["Whole", "Fraction", "Money"], [[-3, -0.5, Decimal("-12.50")]])
    assert read_csv(to_csv(table))[1] == ["-3", "-0.5", "-12.50"]
    assert safe_cell(-3) == "-3" and safe_cell("-3") == "'-3"


def test_csv_writes_dates_iso_none_empty_and_bools_in_words():
    table = Table("Mixed", ["Date", "When", "Nothing", "Approved", "Refused"], [
        [date(2025, 4, 1), datetime(2025, 7, 1, 9, 30, tzinfo=UTC), None, True, False]])
    # In London time, as the service shows times (British Summer Time in July).
    assert read_csv(to_csv(table))[1] == ["2025-04-01", "2025-07-01T10:30:00+01:00", "", "Yes",
                                          "No"]


def test_csv_keeps_commas_quotes_and_new_lines_in_one_cell():
    table = Table("Notes", ["Note"], [['Said "yes", then\nno']])
    assert read_csv(to_csv(table))[1] == ['Said "yes", then\nno']


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="Row 1"):
        Table("T", ["A", "B"], [["only one"]])


def test_xlsx_keeps_formula_like_text_as_text():
    sheet = read_xlsx(to_xlsx([Table("Enquiries", ["Name"], [[v] for v in FORMULAS]
                                     + [["plain"]])])).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # Kept as typed (a carriage return becomes a line break, as the file format has it).
    assert [cell.value for cell in cells] == [v.replace("\r", "\n") for v in FORMULAS] + [
        "plain"]
    assert all(cell.data_type == "s" for cell in cells)


def test_xlsx_drops_control_characters_the_format_cannot_hold():
    sheet = read_xlsx(to_xlsx([Table("T", ["A"], [["bell\x07 and null\x00 gone"]])])).active
    assert sheet["A2"].value == "bell and null gone"


def test_xlsx_types_numbers_dates_and_times():
    table = Table("Figures", ["Count", "Rate", "Money", "Date", "When", "Nothing", "Flag"], [
        [-3, 0.25, Decimal("12.50"), date(2025, 4, 1), datetime(2025, 1, 15, 14, 5), None,
         True]])
    sheet = read_xlsx(to_xlsx([table])).active
    count, rate, money, day, when, nothing, flag = next(sheet.iter_rows(min_row=2))
    assert (count.value, count.data_type) == (-3, "n")
    assert (rate.value, rate.data_type) == (0.25, "n")
    assert (money.value, money.data_type) == (12.5, "n")
    assert day.is_date and day.value.date() == date(2025, 4, 1)
    assert day.number_format == "yyyy-mm-dd"
    # A naive datetime is UTC as stored; in January London is on UTC.
    assert when.is_date and when.value == datetime(2025, 1, 15, 14, 5)
    assert when.number_format == "yyyy-mm-dd hh:mm"
    assert nothing.value is None
    assert flag.value == "Yes"


def test_xlsx_writes_aware_datetimes_in_london_time():
    table = Table("Times", ["When"], [[datetime(2025, 7, 1, 9, 30, tzinfo=UTC)]])
    sheet = read_xlsx(to_xlsx([table])).active
    assert sheet["A2"].value == datetime(2025, 7, 1, 10, 30)


def test_xlsx_has_a_sheet_per_table_with_a_bold_header():
    workbook = read_xlsx(to_xlsx([
        Table("Enquiries by month", ["Month", "Enquiries"], [["April", 12], ["May", 0]]),
        Table("Approvals", ["Month", "Approved"], []),
    ]))
    assert workbook.sheetnames == ["Enquiries by month", "Approvals"]
    first = workbook["Enquiries by month"]
    assert [c.value for c in first[1]] == ["Month", "Enquiries"]
    assert all(c.font.bold for c in first[1])
    assert [[c.value for c in row] for row in first.iter_rows(min_row=2)] == [
        ["April", 12], ["May", 0]]
    assert [c.value for c in workbook["Approvals"][1]] == ["Month", "Approved"]


def test_a_workbook_needs_a_table():
    with pytest.raises(ValueError):
        to_xlsx([])


def test_sheet_names_are_made_safe_and_unique():
    names = sheet_names([
        "Enquiries [2025/26]: who? *all*",
        "A title far longer than Excel's limit of thirty-one characters",
        "A title far longer than Excel's limit of thirty-one characters",
        "Approvals",
        "approvals",
        "",
        "'Quoted'",
        "History",
    ])
    assert names == [
        "Enquiries 2025 26 who all",
        "A title far longer than Excel's",
        "A title far longer than Exc (2)",
        "Approvals",
        "approvals (2)",
        "Sheet",
        "Quoted",
        "History (2)",
    ]
    assert all(len(name) <= 31 for name in names)
    assert len({name.casefold() for name in names}) == len(names)


def test_unsafe_titles_still_make_a_workbook_excel_opens():
    tables = [Table("Same/name", ["A"], [[1]]), Table("Same\\name", ["A"], [[2]])]
    assert read_xlsx(to_xlsx(tables)).sheetnames == ["Same name", "Same name (2)"]


def test_filenames_are_made_safe():
    assert safe_filename("recruitment 2025/26.csv", "csv") == "recruitment-2025-26.csv"
    assert safe_filename('"; evil=1\r\nX: y', "xlsx") == "evil-1-X-y.xlsx"
    assert safe_filename("../../etc/passwd", "csv") == "etc-passwd.csv"
    assert safe_filename("£££", "csv") == "download.csv"


@pytest.fixture
def request_context():
    with Flask(__name__).test_request_context():
        yield


def test_csv_response_is_utf8_with_a_bom_and_never_cached(request_context):
    response = csv_response(Table("Fees", ["Item", "Cost"], [["Café £", 12]]), "fees report")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="fees-report.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert read_csv(body.decode("utf-8-sig")) == [["Item", "Cost"], ["Café £", "12"]]


def test_xlsx_response_is_a_workbook_and_never_cached(request_context):
    response = xlsx_response([Table("Fees", ["Item"], [["=1+1"]])], "fees")
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == 'attachment; filename="fees.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    cell = read_xlsx(response.get_data()).active["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
