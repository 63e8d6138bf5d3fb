from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from carers.extensions import db


class AgencySetting(db.Model):
    """One agency setting that an administrator has changed from its default."""

    __tablename__ = "agency_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
