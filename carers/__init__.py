"""carers: recruit and assess foster carers and kinship carers.

``create_app`` (carers/app.py) builds the web app; ``flask --app carers`` and gunicorn's
``carers:create_app()`` find it here."""

from carers.app import create_app

__all__ = ["create_app"]
