"""Every page each kind of staff user can reach holds together for assistive technology:
no id is used twice, every label names the form control it is for, and every element an
ARIA attribute or in-page link points at is there.

(axe in the browser tests does not catch a label whose `for` finds a heading of the same id
first: the control is left with no name, and the label looks fine.)

The pages are found as a person finds them: signed in as each kind of user on the access
matrix's data (a case with its checks, visits, report, panel meeting and decision), starting
from every GET route of the app and following the links on each page."""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from carers.auth.roles import RoleKey
from tests.factories import make_staff
from tests.helpers import isolated_client, sign_in
from tests.http.test_access_matrix import url_for_rule, world  # noqa: F401  (the fixture)

# Elements a <label for> can name (HTML's "labelable elements").
LABELABLE = {"button", "input", "meter", "output", "progress", "select", "textarea"}
ID_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls")
# Pages a crawl does not open: they end the session or are not pages (the health check
# answers 503 without a scheduler, by design).
SKIPPED_PREFIXES = ("/assets/", "/staff/sign-out", "/staff/keep-alive", "/healthz")
MAX_VARIANTS_PER_PATH = 4  # the same page with other filters or page numbers


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: (v or "") for k, v in attrs}))

    handle_startendtag = handle_starttag


def problems_on(html: str) -> tuple[list[str], list[str]]:
    """The page's structural problems, and the links it offers."""
    parser = Elements()
    parser.feed(html)
    elements = parser.elements
    by_id = {}
    counts = Counter(attrs["id"] for _, attrs in elements if attrs.get("id"))
    problems = [f"id {i!r} is used {n} times" for i, n in counts.items() if n > 1]
    for tag, attrs in elements:
        if attrs.get("id"):
            by_id.setdefault(attrs["id"], (tag, attrs))
    links = []
    for tag, attrs in elements:
        if tag == "label" and "for" in attrs:
            target = by_id.get(attrs["for"])
            if target is None:
                problems.append(f"label for={attrs['for']!r} names no element")
            elif target[0] not in LABELABLE or target[1].get("type") == "hidden":
                problems.append(f"label for={attrs['for']!r} names a <{target[0]}>, "
                                "not a form control")
        for name in ID_REFERENCES:
            for ref in attrs.get(name, "").split():
                if ref not in by_id:
                    problems.append(f"<{tag} {name}={ref!r}> points at no element")
        href = attrs.get("href", "")
        if tag == "a" and href.startswith("#") and len(href) > 1 and href[1:] not in by_id:
            problems.append(f"in-page link {href!r} goes nowhere")
        if tag == "a" and href.startswith("/") and "download" not in attrs:
            links.append(urldefrag(href)[0])
    return problems, links


def start_urls(app, data) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            url, _ = url_for_rule(app, rule.endpoint, data)
            urls.append(url)
    return sorted(set(urls))


def crawl(client, start: list[str]) -> dict[str, list[str]]:
    """Open every page reachable from ``start``; the problems found on each."""
    found, seen, variants = {}, set(), Counter()
    queue = deque(start)
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIPPED_PREFIXES):
            continue
        seen.add(url)
        variants[path] += 1
        if variants[path] > MAX_VARIANTS_PER_PATH:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        problems, links = problems_on(response.get_data(as_text=True))
        if problems:
            found[url] = problems
        queue.extend(link for link in links if link not in seen)
    return found


def kinds(data):
    """One user of each role (in the case's team), the case's worker and the panel chair."""
    team = data.values["team"]
    users = {role.value: make_staff(role, team=team) for role in RoleKey
             if role != RoleKey.PANEL_MEMBER}
    users["allocated worker"] = data.values["worker"]
    users["panel chair invited to the meeting"] = data.panel_users["chair"]
    return users


def test_every_reachable_page_has_unique_ids_and_labels_that_name_their_controls(app, request):
    data = request.getfixturevalue("world")  # the access matrix's case, meeting and decision
    start = start_urls(app, data)
    failures = []
    for kind, user in kinds(data).items():
        client = isolated_client(app)
        sign_in(client, user)
        for url, problems in crawl(client, start).items():
            failures += [f"{kind}: {url}: {problem}" for problem in problems]
    # The public pages (the enquiry journey) too, signed out.
    for url, problems in crawl(isolated_client(app), start).items():
        failures += [f"signed out: {url}: {problem}" for problem in problems]
    assert not failures, "\n".join(sorted(set(failures)))


def test_no_two_routes_answer_the_same_address_and_method(app):
    """Two features declaring the same path would leave one of them unreachable: the first
    registered answers every request, whatever the other's access rule or form."""
    seen = {}
    for rule in app.url_map.iter_rules():
        # The path's shape, whatever the features named its variables.
        shape = "/".join("<>" if part.startswith("<") else part
                         for part in rule.rule.split("/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            other = seen.setdefault((shape, method), rule.endpoint)
            assert other == rule.endpoint, f"{method} {rule.rule}: {other} and {rule.endpoint}"
