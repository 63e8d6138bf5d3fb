"""Security headers on staff pages too, HSTS only over HTTPS, and no inline script or style
that the Content-Security-Policy would have to allow with 'unsafe-inline'."""

import pytest

from tests.factories import make_household, make_staff
from tests.helpers import isolated_client, sign_in
from tests.http.test_config import INLINE_SCRIPT, sha256_source

STAFF_PAGES = ["/staff/pipeline", "/staff/my-work", "/staff/checks", "/staff/enquiries/",
               "/staff/admin/settings", "/staff/admin/audit", "/staff/account",
               "/staff/account/two-step/set-up", "/staff/account/password"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://fostering.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("https", [False, True])
def test_staff_pages_carry_every_header_and_need_no_unsafe_inline(app, https):
    admin = make_staff("administrator")
    household = make_household("mainstream", "stage1", workers=[admin])
    client = isolated_client(app)
    base = "https://localhost" if https else "http://localhost"
    page = client.get("/staff/sign-in", base_url=base)
    assert page.status_code == 200
    sign_in(client, admin)
    for url in [*STAFF_PAGES, f"/staff/cases/{household.reference}",
                f"/staff/cases/{household.reference}/checks",
                f"/staff/cases/{household.reference}/viewers"]:
        response = client.get(url, base_url=base)
        assert response.status_code == 200, url
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert ("Strict-Transport-Security" in headers) is https
        html = response.get_data(as_text=True)
        assert " style=" not in html and "<style" not in html, url
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
        for script in INLINE_SCRIPT.findall(html):
            assert sha256_source(script) in script_src, (url, script)


def test_the_local_server_does_not_announce_its_name_and_version(database_url, tmp_path):
    """Werkzeug's server says "Server: Werkzeug/3.x Python/3.11" whatever the application
    sets; `flask serve` (what `make run` starts) names only the service."""
    import http.client
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, free_port

    port = free_port()
    env = {**os.environ, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    process = subprocess.Popen([flask, "--app", "carers", "serve", "--port", str(port)],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        for path in ("/", "/no/such/page", "/assets/govuk-frontend.min.js"):
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    conn.request("GET", path)
                    response = conn.getresponse()
                    break
                except ConnectionRefusedError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            response.read()
            conn.close()
            servers = response.headers.get_all("Server") or []
            assert response.status in (200, 404), path
            assert servers == ["carers"], (path, servers)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_audit_export_is_never_cached(app):
    client = isolated_client(app)
    sign_in(client, make_staff("administrator"))
    export = client.get("/staff/admin/audit/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "no-store" in export.headers["Cache-Control"]


def test_a_wrong_method_has_its_own_page_not_page_not_found(client):
    response = client.delete("/enquiry/about-you")
    assert response.status_code == 405
    html = response.get_data(as_text=True)
    assert "Page not found" not in html
    assert "<title>This page cannot be used in that way" in html
    assert html.count("<h1") == 1
