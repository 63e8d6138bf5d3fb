"""Applicants' sign-in by emailed one-time code."""

from flask import Blueprint, render_template

from carers.applicants import sessions
from carers.auth import policy

bp = Blueprint("applicants", __name__, url_prefix="/apply")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    return render_template("applicants/sign_in.html")


def init_app(app) -> None:
    policy.applicant_loader = sessions.current_applicant
