"""Pages every visitor can read: accessibility statement, privacy notice, cookies."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)

# Every page here is open to everyone (the app factory declares them public).
PAGES = ("accessibility", "privacy", "cookies")


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/cookies")
def cookies():
    return render_template("pages/cookies.html")
