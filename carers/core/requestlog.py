"""One line per request on the ``carers.requests`` logger, and the request's id.

Each request gets an id: the incoming ``X-Request-Id`` when it is a plain token (1 to 128 of
letters, digits, ``.``, ``_`` and ``-``, as a proxy or load balancer sets), else a new random
one. It goes back on every response as ``X-Request-Id``, so a person's report of a problem can
be matched to the log.

The line is JSON: the request id, who made the request (``staff:<id>``, ``applicant:<id>`` or
``public``), the route's URL rule (never the path itself, which may hold a name or a
reference), the method, the status, the time taken in milliseconds and the number of SQL
statements run. Never the query string, the form or anything a person typed."""

import json
import logging
import re
import time
import uuid

from flask import (
    g,
    has_app_context,
    has_request_context,
    request,
    request_finished,
    request_started,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine

logger = logging.getLogger("carers.requests")

HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id() -> str:
    """This request's id (made on first use, so it is there even for a request refused before
    any other code runs)."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def known_as(person: str) -> None:
    """Name who is making this request, for its log line (``staff:12``, ``applicant:7``):
    called where the request finds its signed-in person, so the log never reads the
    database itself."""
    if has_request_context():
        g.request_person = person


def signed_in() -> str:
    """Who made the request, as the request itself found out, else "public"."""
    return g.get("request_person", "public")


@event.listens_for(Engine, "before_cursor_execute")
def _count_query(*_args, **_kwargs):
    if has_app_context() and "query_count" in g:
        g.query_count += 1


def _started(app, **_kwargs):
    g.request_started = time.perf_counter()
    g.query_count = 0
    request_id()


def _finished(app, response, **_kwargs):
    started = g.pop("request_started", None)
    queries = g.pop("query_count", 0)
    rule = request.url_rule.rule if request.url_rule is not None else None
    logger.info(json.dumps({
        "request_id": request_id(),
        "user": signed_in(),
        "route": rule,
        "method": request.method,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "queries": queries,
    }))


def init_app(app):
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)

    @app.after_request
    def send_request_id(response):
        response.headers[HEADER] = request_id()
        return response

    @app.context_processor
    def the_request_id():
        # For an error page to quote; emails rendered by the scheduler have no request.
        return {"request_id": request_id() if has_request_context() else None}
