"""Security headers on staff pages too, HSTS only over HTTPS, and no inline script or style
that the Content-Security-Policy would have to allow with 'unsafe-inline'."""

import pytest

from tests.factories import isolated_client, make_household, make_staff, sign_in
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
