"""Legal holds, the nightly job's proposals for deletion, and the tombstones erasure leaves."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carers.core.dates import utcnow
from carers.extensions import db

HOUSEHOLD = "household"
ENQUIRY = "enquiry"
# Exactly one of household and enquiry.
_ONE_RECORD = "(household_id IS NULL) <> (enquiry_id IS NULL)"


class LegalHold(db.Model):
    """A household or an enquiry kept past its date because of a complaint, an investigation
    or litigation: never proposed for deletion nor deleted until the hold is lifted."""

    __tablename__ = "legal_hold"
    __table_args__ = (CheckConstraint(_ONE_RECORD, name="one_record"),)

    COMPLAINT = "complaint"
    INVESTIGATION = "investigation"
    LITIGATION = "litigation"
    REASONS = {COMPLAINT: "A complaint", INVESTIGATION: "An investigation",
               LITIGATION: "Litigation"}

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("enquiry.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def reason_label(self) -> str:
        return self.REASONS.get(self.reason, self.reason)


class RetentionProposal(db.Model):
    """A record the nightly job found past its date, waiting for a records officer to confirm
    its deletion. The job re-checks every proposal on each run."""

    __tablename__ = "retention_proposal"
    __table_args__ = (CheckConstraint(_ONE_RECORD, name="one_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), unique=True)
    enquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("enquiry.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(String(20))
    retention_class: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    why: Mapped[str] = mapped_column(Text)  # dates and the rule: never names
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def kind(self) -> str:
        return HOUSEHOLD if self.household_id is not None else ENQUIRY


class ErasedRecord(db.Model):
    """What is left of an erased household or enquiry: its reference, pathway, class and
    dates, and the Ofsted codes the returns need; no personal data. The household and enquiry
    rows stay too, emptied of personal data (carers.retention.coverage), so past returns and
    the dashboard count the same."""

    __tablename__ = "erased_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # household or enquiry
    record_id: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    pathway: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str | None] = mapped_column(String(40))
    retention_class: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_code: Mapped[str | None] = mapped_column(String(3))
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
