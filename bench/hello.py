"""The machine's ceiling: a bare Flask app with one route, served by gunicorn with the same
settings as the service (``python -m bench`` times it beside the pages)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
