"""The bundle's two outputs: a tagged PDF, and a ZIP holding the JSON, its schema and a
README that lists the files with their SHA-256 digests.

Both are made on the request: one person's records are those of the few cases they are part
of (hundreds of rows, a PDF of tens of pages, made in seconds), unlike a panel's packs,
which are a PDF per member of every case on the agenda and are built in the background."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from flask import render_template

from carers.core.dates import format_date, format_datetime
from carers.documents.pdf import render_pdf

SCHEMA_FILE = "subject-access.schema.json"


def schema_text() -> str:
    """The schema the JSON follows (docs/subject-access.md describes it). It ships with the
    package's static files, so it is also published at /static/schemas/."""
    return (Path(__file__).parent.parent / "static" / "schemas" / SCHEMA_FILE).read_text(
        encoding="utf-8")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00")


def readable(value: str | None) -> str | None:
    """A date or moment as people read it ("7 December 2026 at 4:16am", London time); any
    other value as it is. The JSON keeps ISO 8601."""
    if value and _ISO_DAY.fullmatch(value):
        return format_date(date.fromisoformat(value))
    if value and _ISO_MOMENT.fullmatch(value):
        return format_datetime(datetime.fromisoformat(value))
    return value


def pdf(bundle: dict) -> bytes:
    title = f"Subject access: {bundle['request']['reference']}"
    html = render_template("subject_access/bundle_pdf.html", bundle=bundle, doc_title=title,
                           readable=readable,
                           doc_author=bundle["agency"],
                           doc_reference=bundle["request"]["reference"])
    return render_pdf(html, title=title, author=bundle["agency"] or "")


def zip_archive(bundle: dict) -> bytes:
    body = json.dumps(bundle, ensure_ascii=False, indent=2).encode()
    schema = schema_text().encode()
    readme = _readme(bundle, {"subject-access.json": body, SCHEMA_FILE: schema}).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("subject-access.json", body)
        archive.writestr(SCHEMA_FILE, schema)
    return out.getvalue()


def _readme(bundle: dict, files: dict[str, bytes]) -> str:
    request = bundle["request"]
    lines = [
        f"Subject access request {request['reference']}",
        f"From {bundle['agency'] or 'the fostering service'}",
        f"Made {bundle['generated_at']} (UTC)",
        f"Request received {readable(request['received_on'])}",
        "",
        "What this archive holds:",
        "  subject-access.json   everything held about the person, item by item, with each",
        "                        item's source (table and record number), date and case",
        f"  {SCHEMA_FILE}  the JSON Schema (draft 2020-12) that",
        "                        subject-access.json follows",
        "  README.txt            this file",
        "",
        "Items marked third_party hold other people's information. Unless released, their",
        'fields are left out and their note reads "[withheld: third party]".',
        f"Items withheld: {bundle['withheld']}.",
        "Files that were uploaded are listed by name, type, size and date, not included.",
        "",
        "SHA-256 of each file:",
    ]
    lines += [f"  {hashlib.sha256(data).hexdigest()}  {name}" for name, data in files.items()]
    return "\n".join(lines) + "\n"
