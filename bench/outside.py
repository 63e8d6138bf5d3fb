"""Measuring from outside: the service and a bare Flask app, each under gunicorn in its own
processes, and one client talking HTTP/1.1 keep-alive to them as a browser would (a cookie
jar, each form's CSRF token read from its page).

``Server`` starts gunicorn on a free port and stops it; ``Browser`` is the client.
``python -m bench`` uses both; so does ``python -m bench.load``.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.http.journey import (
    ABOUT_YOU,
    ADDRESS,
    CONSENT,
    CONTACT,
    FOSTERING,
    HEARD,
    HOME,
    NO_CHILD,
    PARTNER,
)

ROOT = Path(__file__).resolve().parent.parent
# As production runs it: two worker processes (one a core here), four threads each.
GUNICORN_ARGS = ("--workers", "2", "--threads", "4", "--worker-class", "gthread",
                 "--keep-alive", "5", "--timeout", "120")
SECRET_KEY = "bench-secret-key-not-secret"  # noqa: S105 (a throwaway database's server)
HIGH = "1000000 per hour"
# The service's own settings, but sign-in and the public enquiry's rate limits high enough
# for one client sending thousands of requests (the limiter still runs on every request),
# and no second sign-in step (the bench accounts have no authenticator).
CONFIG = f"""
SECOND_FACTOR_REQUIRED_ROLES = ()
SIGN_IN_RATE_LIMIT = {HIGH!r}
ENQUIRY_PAGE_RATE_LIMIT = {HIGH!r}
ENQUIRY_SUBMIT_RATE_LIMIT = {HIGH!r}
APPLICANT_SIGN_IN_PER_NETWORK = 1000000
"""
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn() -> list[str]:
    """This interpreter's gunicorn (the one installed beside it)."""
    return [sys.executable, "-m", "gunicorn"]


class Server:
    """gunicorn serving ``app`` ("module:variable") on a free loopback port."""

    def __init__(self, app: str, env: dict | None = None, args=GUNICORN_ARGS):
        self.app, self.args = app, list(args)
        self.port = free_port()
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.process: subprocess.Popen | None = None
        # Kept open while the server runs; closed and removed in __exit__.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="carers-bench-gunicorn-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [*gunicorn(), "--bind", f"127.0.0.1:{self.port}", *self.args, self.app],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited: {self.output()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/")
                connection.getresponse().read()
                connection.close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn {self.app} did not start: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


def service(database_url: str, workdir: str) -> Server:
    """The service (``wsgi:app``) against ``database_url``."""
    config = Path(workdir) / "bench_config.py"
    config.write_text(CONFIG)
    port = free_port()
    server = Server("wsgi:app", {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
                                 "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                                 "CARERS_CONFIG": str(config)})
    server.port = port
    return server


def hello() -> Server:
    return Server("bench.hello:app")


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise AssertionError("page has no CSRF token")
    return match.group(1) or match.group(2)


class Browser:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, fields=None) -> tuple[int, dict, bytes]:
        body, headers = None, {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open another.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                             timeout=120)
                if attempt == 2:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, dict(response.getheaders()), data

    def get(self, path: str, expect: int = 200) -> bytes:
        status, _, data = self.request("GET", path)
        if status != expect:
            raise AssertionError(f"GET {path} gave {status}")
        return data

    def token(self, page: str) -> str:
        return csrf_token(self.get(page).decode())

    def post(self, path: str, fields: dict, token: str, expect: int = 302) -> dict:
        status, headers, data = self.request("POST", path, {"csrf_token": token, **fields})
        if status != expect:
            raise AssertionError(f"POST {path} gave {status}: {data[:300]!r}")
        return headers

    def sign_in(self, email: str, password: str) -> None:
        self.post("/staff/sign-in", {"email": email, "password": password},
                  self.token("/staff/sign-in"))

    def close(self) -> None:
        self.connection.close()


def timed(fn) -> float:
    """Milliseconds ``fn()`` took."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


# --- the public enquiry, with the answers the tests give (tests/http/journey.py) ---

JOURNEY = (("/enquiry/about-you", ABOUT_YOU), ("/enquiry/contact", CONTACT),
           ("/enquiry/address", ADDRESS), ("/enquiry/household/person", PARTNER),
           ("/enquiry/household", {"add_person": "no"}), ("/enquiry/home", HOME),
           ("/enquiry/child", NO_CHILD), ("/enquiry/fostering", FOSTERING),
           ("/enquiry/heard", HEARD), ("/enquiry/consent", CONSENT))
SUBMIT = "/enquiry/check-answers"


def enquiry(browser: Browser) -> tuple[list[float], float]:
    """One whole enquiry from a new visitor: the form's token read once from its first page
    (it holds for the session), each page's answers posted, then the answers sent. Returns
    the milliseconds of each page's POST and of the final one."""
    browser.cookies.clear()
    token = browser.token(JOURNEY[0][0])
    pages = [timed(lambda u=url, d=data: browser.post(u, d, token)) for url, data in JOURNEY]
    sent = timed(lambda: browser.post(SUBMIT, {}, token))
    return pages, sent
