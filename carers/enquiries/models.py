from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.clocks.workdays import working_days_between
from carers.core.dates import london, utcnow
from carers.extensions import db

MAINSTREAM = "mainstream"
KINSHIP = "kinship"


class EnquiryDraft(db.Model):
    """Answers saved page by page while someone fills in the public enquiry form, so a
    validation error, the back button or a refresh never loses what they typed."""

    __tablename__ = "enquiry_draft"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Valid answers by page, and the raw form values as typed (even when invalid).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )


class Enquiry(db.Model):
    """A register of interest in fostering, as submitted by the public."""

    __tablename__ = "enquiry"
    # The managers' figures count enquiries by when they came, their pathway, source and
    # first response, from this index alone.
    # The inbox counts the enquiries it lists (of a status, a pathway; not erased) from the
    # second alone, rather than reading every enquiry's row.
    __table_args__ = (Index("ix_enquiry_received_figures", "received_at", "pathway",
                            "heard_about", "first_response_at",
                            "first_response_working_days"),
                      Index("ix_enquiry_inbox_count", "status", "pathway", "erased_at"))

    NEW = "new"
    CONTACTED = "contacted"
    STATUS_LABELS = {NEW: "New", CONTACTED: "Contacted"}

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                  index=True)
    source: Mapped[str] = mapped_column(String(20), default="web")
    pathway: Mapped[str] = mapped_column(String(20), default=MAINSTREAM, index=True)
    status: Mapped[str] = mapped_column(String(20), default=NEW, index=True)

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    other_names: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)  # None once erased
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(30))
    preferred_contact: Mapped[str] = mapped_column(String(20))

    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    county: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10))

    property_type: Mapped[str] = mapped_column(String(30))
    tenure: Mapped[str] = mapped_column(String(30))
    bedrooms: Mapped[int] = mapped_column(Integer)
    spare_bedrooms: Mapped[int] = mapped_column(Integer)
    has_pets: Mapped[bool] = mapped_column(Boolean, default=False)
    pets_details: Mapped[str | None] = mapped_column(Text)

    fostering_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    knows_child: Mapped[bool] = mapped_column(Boolean, default=False)
    child_name: Mapped[str | None] = mapped_column(String(200))
    child_relationship: Mapped[str | None] = mapped_column(String(40))
    child_details: Mapped[str | None] = mapped_column(Text)
    # Kinship: whether the child lives with the enquirer now and since when, their age, and
    # the council whose social worker is involved.
    child_lives_with_enquirer: Mapped[bool | None] = mapped_column(Boolean)
    child_living_since: Mapped[date | None] = mapped_column(Date)
    child_age: Mapped[int | None] = mapped_column(Integer)
    child_council: Mapped[str | None] = mapped_column(String(100))

    heard_about: Mapped[str] = mapped_column(String(40))
    heard_about_other: Mapped[str | None] = mapped_column(String(200))
    privacy_consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    keep_in_touch: Mapped[bool] = mapped_column(Boolean, default=False)

    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    first_response_note: Mapped[str | None] = mapped_column(Text)
    # Working days from the day it was received to the first response (London days), for
    # the managers' figures against the agency's target.
    first_response_working_days: Mapped[int | None] = mapped_column(Integer)
    # Set when its personal data was erased (carers.retention.erasure); the row stays for the
    # figures.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    people: Mapped[list["EnquiryPerson"]] = relationship(
        back_populates="enquiry", cascade="all, delete-orphan", order_by="EnquiryPerson.position"
    )
    first_response_by = relationship("User")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def response_working_days(received_at: datetime, responded_at: datetime) -> int:
    """Working days from the London day an enquiry arrived to the day it was answered."""
    return working_days_between(london(received_at).date(), london(responded_at).date())


@event.listens_for(Enquiry, "before_insert")
@event.listens_for(Enquiry, "before_update")
def _response_time(_mapper, _connection, enquiry: Enquiry) -> None:
    """Keep the response time in step wherever the first response is written."""
    if enquiry.first_response_at is None:
        enquiry.first_response_working_days = None
    else:
        enquiry.first_response_working_days = response_working_days(
            enquiry.received_at or utcnow(), enquiry.first_response_at)


class EnquiryPerson(db.Model):
    """Someone else who lives in the enquirer's home."""

    __tablename__ = "enquiry_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiry.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_enquirer: Mapped[str] = mapped_column(String(40))
    age: Mapped[int] = mapped_column(Integer)
    applying: Mapped[bool] = mapped_column(Boolean, default=False)

    enquiry: Mapped[Enquiry] = relationship(back_populates="people")
