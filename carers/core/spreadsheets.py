"""Tables of figures and records as downloads: a CSV file or an Excel workbook.

A page builds a `Table` (a title, column headings and rows of plain values) and returns
`csv_response(table, filename)` or `xlsx_response(tables, filename)`. Both are safe to open in
a spreadsheet program: text that a spreadsheet would run as a formula ("=HYPERLINK(...)",
"+1", "@SUM") is kept as text, never evaluated. Numbers stay numbers and dates stay dates, so
people can sort, filter and add up what they download.

Values may be str, int, float, Decimal, date, datetime, bool or None. Datetimes are written in
London time, as the service shows them everywhere (a naive datetime is UTC, as stored); None
is an empty cell and a bool is "Yes" or "No".
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from carers.core.dates import london

# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP's
# "CSV injection" list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel opens a CSV file as UTF-8 (so "£" and "é" survive) only when it starts with this.
BOM = "\ufeff"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Excel's rules for a worksheet's name: at most 31 characters, none of []:*?/\, not starting
# or ending with an apostrophe, not "History" (kept for its change tracking), and no two
# the same whatever their case.
SHEET_NAME_LIMIT = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
RESERVED_SHEET_NAMES = {"history"}

# Columns as wide as their longest value, within reason.
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60

Number = int | float | Decimal


@dataclass
class Table:
    """One table: a CSV file, or one worksheet of a workbook."""

    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)

    def __post_init__(self):
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(f"Row {number} of {self.title!r} has {len(row)} values "
                                 f"for {len(self.columns)} columns")


def _is_number(value: object) -> bool:
    # bool is an int to Python, but not a number to the people reading the table.
    return isinstance(value, Number) and not isinstance(value, bool)


def _plain_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return london(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def safe_cell(value: object) -> str:
    """``value`` as the text of a CSV cell that no spreadsheet program runs as a formula.

    Text starting with a formula character gets a leading apostrophe, which spreadsheet
    programs read as "this is text". Numbers are left alone, so -3 stays -3."""
    text = _plain_text(value)
    if _is_number(value):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(table: Table) -> str:
    """The table as CSV text: the column headings, then a line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(heading) for heading in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def sheet_names(titles: list[str]) -> list[str]:
    """A worksheet name for each title that Excel accepts: forbidden characters dropped, at
    most 31 characters, and unique (a repeated name gets " (2)", " (3)"...)."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", title).split()).strip("'").strip()
        base = base[:SHEET_NAME_LIMIT].rstrip("' ") or "Sheet"
        name, number = base, 1
        while name.casefold() in taken or name.casefold() in RESERVED_SHEET_NAMES:
            number += 1
            suffix = f" ({number})"
            name = base[:SHEET_NAME_LIMIT - len(suffix)].rstrip("' ") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    if value is None or _is_number(value):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        # Excel has no time zones: the time as it was in London.
        cell = WriteOnlyCell(sheet, value=london(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    # openpyxl takes any text starting with "=" for a formula; marking the cell as a string
    # stores it as text, which Excel shows and never runs. Control characters the file format
    # cannot hold are dropped, and line breaks become "\n" (XML would turn a "\r" into one).
    text = _plain_text(value).replace("\r\n", "\n").replace("\r", "\n")
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    return cell


def _width(value: object) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in _plain_text(value).splitlines()), default=0)


def to_xlsx(tables: list[Table]) -> bytes:
    """An Excel workbook with one worksheet per table, in order: its headings in bold (and
    kept in view when scrolling), then its rows."""
    if not tables:
        raise ValueError("A workbook needs at least one table")
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table, name in zip(tables, sheet_names([t.title for t in tables]), strict=True):
        sheet = workbook.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(table.columns, start=1):
            longest = max([_width(heading)] + [_width(row[index - 1]) for row in table.rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(longest + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
        header = []
        for heading in table.columns:
            cell = _xlsx_cell(sheet, heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def safe_filename(filename: str, extension: str) -> str:
    """``filename`` with only letters, digits, dots, hyphens and underscores, ending in
    ``.extension``: safe in a Content-Disposition header on every platform."""
    stem = filename.removesuffix("." + extension)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_") or "download"
    return f"{stem[:100]}.{extension}"


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, headers={
        "Content-Type": mimetype,
        "Content-Disposition": f'attachment; filename="{filename}"',
        # The tables hold personal data: never kept by a browser or a proxy.
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


def csv_response(table: Table, filename: str) -> Response:
    """A download of ``table`` as a UTF-8 CSV file that Excel opens with its accents."""
    body = (BOM + to_csv(table)).encode("utf-8")
    return _download(body, CSV_MIMETYPE, safe_filename(filename, "csv"))


def xlsx_response(tables: list[Table], filename: str) -> Response:
    """A download of ``tables`` as an Excel workbook, a worksheet each."""
    return _download(to_xlsx(tables), XLSX_MIMETYPE, safe_filename(filename, "xlsx"))
