"""The assessment report as a PDF, read back with pypdf: names, checks and their dates, the
recommendation and the page markings on the right pages; contents, bookmarks and page count
agreeing; user input printed as text and fetching nothing; stored PDFs; decision letters."""

import io
import re
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from carers.audit.models import AuditEvent
from carers.checks.models import Check
from carers.core.dates import format_date
from carers.documents import pdf as pdf_module
from carers.extensions import db
from carers.reports.document import (
    letter_pdf,
    report_body_html,
    report_html,
    report_outline,
    report_pdf,
)
from carers.reports.models import StoredPdf
from carers.reports.sample import assessed_household
from tests.factories import make_staff, make_team
from tests.helpers import client_for

RECEIVED = date(2026, 9, 14)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def bookmarks(reader):
    """(level, title, page index) for every outline entry, in order."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return out


def contents_entries(text: str) -> list[tuple[str, int]]:
    """The contents page's lines: title ..... page."""
    return [(m.group(1).strip(), int(m.group(2)))
            for m in re.finditer(r"^(.+?)\s*\.{3,}\s*(\d+)\s*$", text, re.M)]


@pytest.fixture
def worker(app):
    return make_staff("assessing_social_worker", name="Sam Worker")


def test_the_report_prints_the_case_on_the_right_pages(app, worker):
    household = assessed_household(worker, paragraphs=6)
    pdf, stored = report_pdf(household)
    assert not stored
    reader = PdfReader(io.BytesIO(pdf))
    texts = [flat(t) for t in pages_text(pdf)]
    total = len(texts)
    title = "Prospective foster carer report (Form F)"
    assert reader.metadata.title == f"{title}: {household.reference}"
    assert reader.metadata.author == "Sam Worker"

    # Every page: marking at top and bottom, the case reference, page N of M, DRAFT.
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, number
        assert household.reference in text
        assert f"Page {number} of {total}" in text
        assert "DRAFT" in text

    # The front sheet: names and the recommendation.
    assert "Alex and Sam Taylor" in texts[0]
    assert "Suitable to foster" in texts[0]
    assert "One child, aged 0 to 18" in texts[0]
    # The contents page agrees with the bookmarks and with where things are.
    contents_page = next(i for i, t in enumerate(texts) if "Contents" in t)
    assert contents_page >= 1
    entries = contents_entries(pages_text(pdf)[contents_page])
    outline = report_outline(household)
    assert [title for title, _ in entries] == [e["title"] for e in outline]
    marks = bookmarks(reader)
    assert marks[0][:2] == (1, f"Prospective foster carer report (Form F): {household.name}")
    assert [(title, page + 1) for level, title, page in marks[1:]] == entries
    assert all(level == 2 for level, _, _ in marks[1:])
    assert entries[-1] == ("Sign-off", total)  # the last section ends the document
    by_title = dict(entries)

    # The household page lists everyone; the checks page each check with its date.
    applicants = by_title["Section A, Part 1: The applicants"] - 1
    applicant_pages = " ".join(texts[applicants:applicants + 2])
    assert "Alex Taylor" in applicant_pages and "Sam Taylor" in applicant_pages
    home_page = by_title["Section A, Part 1: The household, children and former partners"]
    household_pages = " ".join(texts[home_page - 1:home_page + 1])
    for fact in ("Jordan Taylor", "4 Mill Lane", "22 Canal Road"):
        assert fact in household_pages
    checks = db.session.scalars(select(Check).where(
        Check.household_id == household.id, Check.required.is_(True))).all()
    assert len(checks) >= 6
    start = by_title["Section A, Part 2: Verification and statutory checks"] - 1
    end = by_title["Section A, Part 2: Medical adviser's summary"]
    checks_text = " ".join(texts[start:end])
    for check in checks:
        assert check.subject in checks_text
        assert format_date(check.received_on) in checks_text, check.label
    references = by_title["Section C: Referees' reports and interviews"] - 1
    references_text = " ".join(texts[references:references + 2])
    assert "Pat Friend" in references_text and "Lee Neighbour" in references_text
    preparation = by_title["Section B, Part 3: Preparation for fostering"] - 1
    assert "Skills to Foster" in " ".join(texts[preparation:preparation + 2])
    # Pages before the contents: the front sheet only.
    assert all(page <= contents_page for _, page in entries[:2])


def test_a_signed_off_report_has_no_draft_mark(app, worker):
    from carers.core.dates import utcnow

    household = assessed_household(worker)
    manager = make_staff("team_manager", name="Morgan Manager")
    report = db.session.scalar(select(StoredPdf)) or None
    assert report is None
    from carers.reports.document import latest_report

    latest = latest_report(household)
    latest.signed_off_at = utcnow()
    latest.signed_off_by_id = manager.id
    db.session.commit()
    texts = pages_text(report_pdf(household)[0])
    assert not any("DRAFT" in t for t in texts)
    assert "Signed off by Morgan Manager" in flat(" ".join(texts))


def test_kinship_report_follows_form_c(app, worker):
    household = assessed_household(worker, pathway="connected_person",
                                   recommendation="not_suitable")
    pdf, _ = report_pdf(household)
    reader = PdfReader(io.BytesIO(pdf))
    texts = [flat(t) for t in pages_text(pdf)]
    assert "Connected person report (Form C)" in texts[0]
    assert "Not suitable to foster" in texts[0]
    titles = [title for _, title, _ in bookmarks(reader)[1:]]
    assert titles == [e["title"] for e in report_outline(household)]
    assert "The child, their relationship to the carers and their needs" in titles
    assert "The birth family" in titles and "Regulation 24 history" in titles
    assert "Amy Smith" in " ".join(texts)


@pytest.fixture
def recorder():
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.seen = seen
    yield server
    server.shutdown()
    server.server_close()


def test_markup_in_a_narrative_is_printed_as_text_and_fetches_nothing(app, worker, recorder,
                                                                      monkeypatch):
    port = recorder.server_address[1]
    hostile = ("<script>alert(1)</script>\n\n"
               f'<img src="http://127.0.0.1:{port}/x">\n\n'
               '<link href="file:///etc/passwd">\n\n'
               '<img src="http://127.0.0.1:9/x">')
    household = assessed_household(worker, narrative=hostile)
    # See every URL the renderer asks for.
    fetchers = []

    class Recording(pdf_module.StaticOnlyFetcher):
        def __init__(self):
            super().__init__()
            fetchers.append(self)

    monkeypatch.setattr(pdf_module, "StaticOnlyFetcher", Recording)
    html = report_html(household)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pdf, _ = report_pdf(household)
    text = flat(" ".join(pages_text(pdf)))
    assert "<script>alert(1)</script>" in text
    assert f'<img src="http://127.0.0.1:{port}/x">' in text
    assert '<link href="file:///etc/passwd">' in text
    assert "root:x:0" not in text
    assert recorder.seen == []
    (fetcher,) = fetchers
    assert fetcher.refused == []
    assert {u.rsplit("/", 1)[-1] for u in fetcher.served} == {"document.css", "draft.svg"}


def test_an_unchanged_report_is_served_from_the_store(app, worker):
    household = assessed_household(worker)
    first, stored = report_pdf(household)
    db.session.commit()
    assert not stored
    again, stored = report_pdf(household)
    assert stored and again == first
    assert db.session.scalar(select(func.count(StoredPdf.id))) == 1
    # Any change to what is printed makes a new PDF.
    from carers.reports.document import latest_report

    latest_report(household).sections[0].body = "Changed."
    db.session.commit()
    changed, stored = report_pdf(household)
    db.session.commit()
    assert not stored and changed != first
    # Only the latest rendering is kept.
    assert db.session.scalars(select(StoredPdf.size)).all() == [len(changed)]


def test_the_download_is_audited_and_served_as_an_attachment(app, worker):
    team = make_team()
    worker.team_id = team.id
    db.session.commit()
    household = assessed_household(worker, team=team)
    client = client_for(app, worker)
    url = f"/staff/cases/{household.reference}/report.pdf"
    first = client.get(url)
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.headers["Content-Disposition"].startswith("attachment")
    second = client.get(url)
    assert second.data == first.data
    downloads = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "download", AuditEvent.object_type == "assessment_report")).all()
    assert [d.detail["stored"] for d in downloads] == [False, True]
    assert all(d.user_id == worker.id for d in downloads)


def test_a_pack_can_include_several_reports(app, worker):
    from flask import render_template_string

    one = assessed_household(worker, name="Alex and Sam Taylor")
    two = assessed_household(worker, name="Chris and Dee Patel", pathway="connected_person")
    html = render_template_string(
        '{% extends "documents/_document.html" %}'
        '{% from "documents/_macros.html" import contents %}'
        '{% block doc_title %}Panel pack{% endblock %}'
        '{% block content %}<div class="doc-part"><h1>Panel pack</h1>'
        '{{ contents(entries) }}</div>{{ one | safe }}{{ two | safe }}{% endblock %}',
        doc_copy_line="Copy for Pat Panel, 5 December 2026",
        entries=[{"id": "r-" + one.reference, "title": one.name,
                  "children": report_outline(one)},
                 {"id": "r-" + two.reference, "title": two.name,
                  "children": report_outline(two)}],
        one=report_body_html(one, draft=False), two=report_body_html(two, draft=True))
    pdf = pdf_module.render_pdf(html, title="Panel pack", author="Panel administrator")
    texts = [flat(t) for t in pages_text(pdf)]
    assert all("Copy for Pat Panel, 5 December 2026" in t for t in texts)
    first_two = next(i for i, t in enumerate(texts) if "Chris and Dee Patel" in t
                     and "Form C" in t)
    # The contents may run over more than one page; the first report starts after it.
    first_one = next(i for i, t in enumerate(texts)
                     if "Prospective foster carer report (Form F): Alex and Sam Taylor" in t)
    assert first_one >= 1
    assert all(one.reference in t for t in texts[first_one:first_two])
    assert all(two.reference in t for t in texts[first_two:])
    assert not any("DRAFT" in t for t in texts[:first_two])
    assert all("DRAFT" in t for t in texts[first_two:])


def test_decision_letters(app, worker):
    household = assessed_household(worker)
    approval = flat(" ".join(pages_text(letter_pdf(
        household, "approval", terms="One child aged 0 to 18, short-term",
        decided_on=date(2026, 12, 1), first_review_by=date(2027, 12, 1),
        signed_by="Dana Decider"))))
    assert "Dear Alex Taylor and Sam" in approval
    assert "One child aged 0 to 18, short-term" in approval
    assert "1 December 2027" in approval and "Dana Decider" in approval
    assert household.reference in approval and "OFFICIAL-SENSITIVE" in approval
    determination = flat(" ".join(pages_text(letter_pdf(
        household, "qualifying_determination", reasons="<b>Not</b> enough space",
        decided_on=date(2026, 12, 1), respond_by=date(2026, 12, 29)))))
    assert "qualifying determination" in determination
    assert "<b>Not</b> enough space" in determination
    assert "29 December 2026" in determination and "Independent Review Mechanism" in determination
    with pytest.raises(ValueError):
        letter_pdf(household, "nonsense")

