"""The audit trail as a CSV file, safe to open in a spreadsheet program."""

import csv
import io

from carers.core.spreadsheets import safe_cell

COLUMNS = ["Position", "When (UTC)", "Person", "Email", "Action", "Record type",
           "Record number", "From address", "Detail", "Hash"]


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
