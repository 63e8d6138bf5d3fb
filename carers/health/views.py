"""GET /healthz: 200 when the database answers, its migrations are current and a scheduler
beat recently; 503 otherwise. JSON naming each check, never a host, address or error text."""

from flask import Blueprint, jsonify

from carers.health.checks import OK, checks

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    results = checks()
    healthy = all(value == OK for value in results.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", "checks": results})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
