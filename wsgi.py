"""The WSGI entry point for production servers: ``gunicorn wsgi:app``.

The scheduler is never started here: run ``flask --app carers scheduler run`` as its own
process beside the web workers.
"""

from carers import create_app

app = create_app()
