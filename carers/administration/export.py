"""The audit trail as a CSV file, safe to open in a spreadsheet program."""

import csv
import io

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ["Position", "When (UTC)", "Person", "Email", "Action", "Record type",
           "Record number", "From address", "Detail", "Hash"]


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_csv(events) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in events:
        writer.writerow([safe_cell(v) for v in (
            e.seq, e.at.isoformat() if e.at else "", e.user.name if e.user else "",
            e.user.email if e.user else "", e.action, e.object_type, e.object_id,
            e.ip_address, "" if e.detail is None else e.detail, e.hash)])
    return out.getvalue()
