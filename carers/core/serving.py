"""The local web server (`flask serve`): Werkzeug's, without its name and version.

Werkzeug's server announces "Server: Werkzeug/3.x Python/3.11" on every response whatever the
application says; this one says only the service's name. Production runs under gunicorn,
which says "gunicorn" without a version."""

import click
from flask import current_app
from werkzeug.serving import WSGIRequestHandler, run_simple

SERVER = "carers"


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return SERVER


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host, port):
    """Serve the service locally (like `flask run`, without announcing server versions)."""
    app = current_app._get_current_object()
    run_simple(host, port, app, use_reloader=app.debug, use_debugger=app.debug, threaded=True,
               request_handler=QuietRequestHandler)
