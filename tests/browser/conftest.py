"""Browser fixtures: the app on a real port, Debian's Chromium driven by Playwright, a check
that no page logs a console error (a CSP violation or a script error) and an axe-core check.

Run with `pytest tests/browser`. Needs Debian's chromium package; Playwright must not
download a browser of its own.
"""

import threading
from functools import cache
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from carers import create_app
from carers.extensions import db
from tests.browser.helpers import open_page
from tests.conftest import IN_CI, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_SOURCE = Path(__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CONSOLE_ERRORS = pytest.StashKey[list]()


@pytest.fixture
def live_server(app, app_config):
    """The app served over HTTP from a thread, on the test database.

    It is a second app object (with its own database engine) built from the same config,
    so the test can still use the `app` fixture's context to look in the database. It
    depends on `app` so that it is stopped, and its engine disposed, before `app` empties
    the tables."""
    config = {**app_config, "MAIL_PORT": app.config["MAIL_PORT"]}
    server_app = create_app(config)
    server = make_server("127.0.0.1", free_port(), server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with server_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = ("Chromium not found: install Debian's chromium package "
                   "(apt-get install chromium) to run the browser tests")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: a busy machine should make the tests slower, not fail them.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_errors(request):
    """Console errors and uncaught exceptions on the test's page. A test that expects one
    (say, the 404 status of a missing page) checks and clears it."""
    errors = []
    request.node.stash[CONSOLE_ERRORS] = errors
    return errors


@pytest.fixture
def page(browser, live_server, console_errors):
    """A fresh browser (no cookies) on the live server. CSP is enforced: the context is
    never created with bypass_csp, so a blocked inline script shows up as a console error."""
    page = open_page(browser, live_server, console_errors)
    yield page
    page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test whose pages logged console errors, even if its own assertions passed."""
    try:
        result = yield
    except BaseException:
        if errors := item.stash.get(CONSOLE_ERRORS, []):
            item.add_report_section("call", "browser console errors", "\n".join(errors))
        raise
    if errors := item.stash.get(CONSOLE_ERRORS, []):
        pytest.fail("The browser logged errors:\n" + "\n".join(errors), pytrace=False)
    return result


def check_axe(page):
    """Run axe-core on the page as it is now and fail on any WCAG 2.2 A or AA violation.

    axe is evaluated through the DevTools protocol (page.evaluate), which the page's CSP
    does not apply to. Adding it as a <script> tag would be blocked by the CSP, and turning
    the CSP off for the context would hide violations by the app's own scripts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
                     .then(results => results.violations)""",
        AXE_TAGS,
    )
    assert not violations, format_violations(page.url, violations)


@cache
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def format_violations(url, violations) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n         ")
                lines.append(f"         {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """check_axe as a fixture, so tests need not import from conftest."""
    return check_axe
