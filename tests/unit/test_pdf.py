"""The PDF renderer: tagged A4 with our stylesheet, and a fetcher that reads nothing but our
own print assets (proved with a local HTTP server that records every request)."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from carers.documents.pdf import PRINT_DIR, StaticOnlyFetcher, render_pdf


@pytest.fixture
def recorder():
    """An HTTP server on localhost that answers every request and remembers it."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.seen = seen
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def page(body: str, lang="en-GB") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<title>Test</title><link rel="stylesheet" href="document.css"></head>'
            f'<body><div class="doc-body"><p class="doc-reference">FC-2026-0042</p>'
            f'{body}</div></body></html>')


def test_a4_tagged_with_metadata_and_markings():
    pdf = render_pdf(page("<h1>Report</h1>" + "<p>Words.</p>" * 120),
                     title="Assessment report", author="Sam Worker")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Assessment report"
    assert reader.metadata.author == "Sam Worker"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # a tagged PDF
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    total = len(reader.pages)
    assert total >= 2
    for number, pdf_page in enumerate(reader.pages, start=1):
        box = pdf_page.mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) \
            == (210, 297)
        text = pdf_page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert "FC-2026-0042" in text
        assert f"Page {number} of {total}" in text


def test_user_markup_fetches_nothing(recorder, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    body = (f'<img src="{recorder.url}/img" alt="x">'
            f'<link rel="stylesheet" href="{recorder.url}/style.css">'
            f'<link rel="stylesheet" href="file:///etc/passwd">'
            f'<link rel="stylesheet" href="{secret.as_uri()}">'
            f'<link rel="stylesheet" href="../application.css">'
            f'<img src="data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E"'
            f' alt="y">'
            f'<div style="background: url({recorder.url}/bg.png)">Text</div>'
            f'<link rel="attachment" href="{recorder.url}/attach.txt">')
    fetcher = StaticOnlyFetcher()
    pdf = render_pdf(page(body), title="T", author="A", fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert recorder.seen == []
    assert [u.rsplit("/", 1)[-1] for u in fetcher.served] == ["document.css"]
    refused = " ".join(fetcher.refused)
    for url in ("/img", "/style.css", "/etc/passwd", "secret.css", "application.css",
                "data:image/svg", "/bg.png"):
        assert url in refused


def test_only_print_assets_are_served():
    local = StaticOnlyFetcher._local_path
    assert local((PRINT_DIR / "document.css").as_uri()) == PRINT_DIR / "document.css"
    assert local(PRINT_DIR.as_uri() + "/../application.css") is None
    assert local(PRINT_DIR.as_uri() + "/%2e%2e/application.css") is None
    assert local(PRINT_DIR.as_uri() + "/missing.css") is None
    assert local("file://evil.example" + str(PRINT_DIR / "document.css")) is None
    assert local("https://example.com/document.css") is None


def test_refusing_does_not_stop_rendering_even_with_a_base_url(recorder):
    fetcher = StaticOnlyFetcher()
    pdf = render_pdf(page('<img src="x.png" alt="x"><p>Still here</p>'), title="T",
                     author="A", base_url=recorder.url + "/", fetcher=fetcher)
    assert "Still here" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert recorder.seen == []
    assert fetcher.served == []  # document.css resolved against the server: refused too


def _struct_elements(reader, kind: str) -> list:
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == kind:
            found.append(node)
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int):
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_table_headers_keep_their_scope_in_the_tagged_pdf():
    pdf = render_pdf(page(
        '<table class="doc-summary"><tbody><tr><th scope="row">Applicants</th>'
        '<td>Kit Rowan</td></tr></tbody></table>'
        '<table class="doc-table"><thead><tr><th scope="col">Check</th>'
        '<th scope="col">Received</th></tr></thead>'
        '<tbody><tr><td>DBS</td><td>1 March 2027</td></tr></tbody></table>'),
        title="Scope", author="Test")
    headers = _struct_elements(PdfReader(io.BytesIO(pdf)), "/TH")
    scopes = sorted(str(h["/A"]["/Scope"]) for h in headers)
    assert scopes == ["/Column", "/Column", "/Row"]


def test_long_unbroken_text_wraps_inside_the_page():
    pasted = "Flat12TheOldMillHouseRiversideLaneNorthmoorNM24QT" * 4  # no spaces at all
    pdf = render_pdf(page(
        f'<div class="doc-narrative"><p>{pasted}</p></div>'
        f'<table class="doc-table"><thead><tr><th scope="col">Address</th>'
        f'<th scope="col">From</th></tr></thead><tbody><tr><td>{pasted}</td>'
        f'<td>2015</td></tr></tbody></table>'),
        title="Wrap", author="Test")
    reader = PdfReader(io.BytesIO(pdf))
    page_width = float(reader.pages[0].mediabox.width)
    line_starts = []

    def visit(text, cm, tm, font_dict, font_size):
        if "Northmoor" in text or "Mill" in text:
            line_starts.append((tm[4] * cm[0] + cm[4], text))

    text = reader.pages[0].extract_text(visitor_text=visit)
    # The pasted text is printed in full, split over several lines...
    assert "".join(text.split()).count(pasted) == 2
    assert pasted not in text
    # ...and every piece of it starts inside the page.
    assert line_starts and all(0 <= x < page_width for x, _ in line_starts)
