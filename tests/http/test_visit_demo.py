"""The demo agency has visits: upcoming ones in the workers' diaries, earlier ones written
up, and no emails queued for them."""

from sqlalchemy import func, select

from carers.demo.data import load_demo
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.visits.models import Visit
from carers.visits.operations import send_visit_reminders


def test_the_demo_has_visits(app):
    assert load_demo(households=60) is not None
    visits = list(db.session.scalars(select(Visit)))
    assert visits
    assert any(v.status == "took_place" and v.write_up for v in visits)
    assert any(v.status == "booked" for v in visits)
    assert all(v.workers for v in visits)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.idempotency_key.like("visit%"))) == 0
    # Reminders already due when the demo was made are marked sent, not sent in a burst.
    assert send_visit_reminders()["reminded"] == 0
