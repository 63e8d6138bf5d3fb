"""Administration: staff invited by email (real SMTP) choose a password through the link;
roles, teams and deactivation (sessions end at once); retention settings; all audited."""

import re

from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.auth.models import User
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.settings.registry import load_settings
from tests.factories import make_staff, make_team
from tests.helpers import isolated_client, post_form, sign_in
from tests.http.test_settings import all_settings

LINK = re.compile(r"http://[^/\s]+(/staff/set-password/[A-Za-z0-9_\-]+)")


def audited(action="update", object_type="user", object_id=None):
    query = select(AuditEvent).where(AuditEvent.action == action,
                                     AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == str(object_id))
    return list(db.session.scalars(query))


def test_an_invited_member_of_staff_sets_a_password_and_signs_in(app, mailbox):
    admin = make_staff("administrator")
    team = make_team("North team")
    client = isolated_client(app)
    sign_in(client, admin)
    response = post_form(client, "/staff/admin/staff/invite", {
        "name": "Nia Jones", "email": "Nia.Jones@example.gov.uk",
        "roles": ["assessing_social_worker", "supervising_social_worker"],
        "team": str(team.id)})
    assert response.status_code == 302
    send_due()
    [message] = mailbox.messages
    assert message["To"] == "nia.jones@example.gov.uk"
    path = LINK.search(message.get_body(("plain",)).get_content()).group(1)
    user = db.session.scalar(select(User).where(User.email == "nia.jones@example.gov.uk"))
    assert user.team_id == team.id
    assert user.role_keys == {"assessing_social_worker", "supervising_social_worker"}
    assert audited("create", "user", user.id)

    newcomer = isolated_client(app)
    refused = post_form(newcomer, path, {"new_password": "password123"})
    assert "too easy to guess" in refused.get_data(as_text=True)
    assert post_form(newcomer, path, {"new_password": "heather moss lantern"}).status_code == 302
    assert newcomer.get(path).status_code == 404  # the link works once
    sign_in(newcomer, "nia.jones@example.gov.uk", "heather moss lantern")
    assert newcomer.get("/staff/my-work").status_code == 200


def test_a_duplicate_invitation_is_an_error_not_a_crash(app):
    admin = make_staff("administrator")
    existing = make_staff("recruitment_officer")
    client = isolated_client(app)
    sign_in(client, admin)
    response = post_form(client, "/staff/admin/staff/invite", {
        "name": "Again", "email": existing.email, "roles": ["recruitment_officer"]})
    html = response.get_data(as_text=True)
    assert "already an account" in html and "There is a problem" in html
    assert 'value="Again"' in html  # what was typed is kept
    response = post_form(client, "/staff/admin/staff/invite", {"name": "", "email": "x"})
    html = response.get_data(as_text=True)
    assert "Enter their full name" in html and "Select at least one role" in html


def test_roles_and_team_changes_are_audited(app):
    admin = make_staff("administrator")
    person = make_staff("recruitment_officer")
    team = make_team()
    client = isolated_client(app)
    sign_in(client, admin)
    url = f"/staff/admin/staff/{person.id}"
    post_form(client, url, {"roles": ["team_manager"], "team": str(team.id)})
    db.session.expire_all()
    assert db.session.get(User, person.id).role_keys == {"team_manager"}
    [change] = audited("update", "user", person.id)
    assert change.detail["from"]["roles"] == ["recruitment_officer"]
    assert change.detail["to"] == {"roles": ["team_manager"], "team": team.id}
    # An administrator cannot remove their own administrator role.
    refused = post_form(client, f"/staff/admin/staff/{admin.id}", {"roles": ["team_manager"]})
    assert "cannot remove your own administrator role" in refused.get_data(as_text=True)


def test_deactivating_an_account_ends_its_sessions_at_once(app):
    admin = make_staff("administrator")
    person = make_staff("assessing_social_worker")
    theirs = isolated_client(app)
    sign_in(theirs, person)
    assert theirs.get("/staff/my-work").status_code == 200
    client = isolated_client(app)
    sign_in(client, admin)
    post_form(client, f"/staff/admin/staff/{person.id}/deactivate", {},
              page=f"/staff/admin/staff/{person.id}")
    assert theirs.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")
    assert audited("update", "user", person.id)[0].detail == {"active": False}
    sign_in(isolated_client(app), person, expect=200)  # refused


def test_only_administrators_manage_staff(app):
    client = isolated_client(app)
    sign_in(client, make_staff("team_manager"))
    assert client.get("/staff/admin/staff/").status_code == 403


def test_retention_periods_cannot_go_below_the_law(app):
    admin = make_staff("administrator")
    client = isolated_client(app)
    sign_in(client, admin)
    page = client.get("/staff/admin/settings").get_data(as_text=True)
    assert "Keep an approved carer" in page and "[V] minimum" in page
    response = post_form(client, "/staff/admin/settings",
                         all_settings(retention_approved_carer_years=5))
    assert "must be between 10 and 1000" in response.get_data(as_text=True)
    response = post_form(client, "/staff/admin/settings",
                         all_settings(retention_approved_carer_years=15, team_read_access=False))
    assert response.status_code == 302
    settings = load_settings()
    assert settings["retention_approved_carer_years"] == 15
    assert settings["team_read_access"] is False
    [change] = audited("update", "agency_setting")
    assert set(change.detail) == {"retention_approved_carer_years", "team_read_access"}
