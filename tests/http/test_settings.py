from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.extensions import db
from carers.settings.registry import SETTINGS, load_settings


def as_posted(value) -> str | list[str]:
    if isinstance(value, list):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def all_settings(**changes):
    values = {s.key: as_posted(s.default) for s in SETTINGS}
    values.update({k: as_posted(v) for k, v in changes.items()})
    return values


def test_only_administrators_reach_the_settings(client, signed_in):
    signed_in("team_manager")
    assert client.get("/staff/admin/settings").status_code == 403


def test_an_administrator_changes_the_first_response_target_and_the_public_pages_follow(
        client, forms, signed_in):
    signed_in("administrator")
    page = client.get("/staff/admin/settings").get_data(as_text=True)
    assert "Reply to a new enquiry within" in page and "[S]" in page
    response = forms.submit("/staff/admin/settings",
                            all_settings(first_response_working_days=2), follow=True)
    assert "Settings saved" in response.get_data(as_text=True)
    assert load_settings()["first_response_working_days"] == 2
    assert "within 2 working days" in client.get("/").get_data(as_text=True)
    change = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "agency_setting")).one()
    assert change.detail["first_response_working_days"] == {"from": 1, "to": 2}


def test_settings_refuse_bad_numbers_with_a_clear_message(client, forms, signed_in):
    signed_in("administrator")
    response = forms.submit("/staff/admin/settings",
                            all_settings(first_response_working_days="soon", agency_name=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "must be a whole number" in page
    assert "Enter agency name" in page
    assert load_settings()["first_response_working_days"] == 1
