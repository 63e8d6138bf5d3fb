"""The dashboard's standard views, worked out by the scheduler so that managers open them at
once at any size of agency; anything else is worked out when asked."""

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carers.core.dates import utcnow
from carers.extensions import db


class FiguresSnapshot(db.Model):
    __tablename__ = "figures_snapshot"

    # The view: its period's first and last day and its team ("all": every team).
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    html: Mapped[str] = mapped_column(Text)
