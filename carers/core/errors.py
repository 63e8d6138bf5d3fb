"""Error pages in the service's own style. No user input ever reaches a bare 500."""

import math
import time
from datetime import UTC, datetime

from flask import make_response, render_template, request
from flask_wtf.csrf import CSRFError

from carers.extensions import db, limiter


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def not_allowed(error):
        return render_template("errors/405.html"), 405

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def too_many(error):
        if not request.path.startswith("/staff"):
            return render_template("errors/429.html"), 429
        # Staff are told the real wait: the limit's own, not the enquirers' page and hour.
        wait = getattr(error, "retry_after", None)
        if isinstance(wait, datetime):
            wait = (wait - datetime.now(UTC)).total_seconds()
        if wait is None and limiter.current_limit is not None:
            wait = limiter.current_limit.reset_at - time.time()
        wait = max(60, int(wait or 60))
        response = make_response(render_template("errors/429_staff.html",
                                                 minutes=math.ceil(wait / 60)), 429)
        response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500
