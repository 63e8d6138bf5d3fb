"""The documents a household is asked for and the files its applicants send.

The files' bytes are kept apart from these rows, in ``stored_file`` under a random key (see
``storage``); these rows say whose each file is and what it really is."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db
from carers.uploads import rules


class DocumentRequest(db.Model):
    """The team asks the household for one document about one person."""

    __tablename__ = "document_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # rules.DocumentKind
    description: Mapped[str | None] = mapped_column(String(200))  # for "something else"
    note: Mapped[str | None] = mapped_column(Text)  # to the household, optional
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Marked received and accepted by the team.
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fulfilled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    member = relationship("HouseholdMember")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    fulfilled_by = relationship("User", foreign_keys=[fulfilled_by_id])
    uploads: Mapped[list["UploadedDocument"]] = relationship(
        back_populates="request", order_by="UploadedDocument.uploaded_at")

    @property
    def title(self) -> str:
        return rules.request_title(self.kind, self.description)

    @property
    def status(self) -> rules.Status:
        return rules.request_status(accepted=self.fulfilled_at is not None,
                                    cancelled=self.cancelled_at is not None,
                                    files=len(self.uploads))


class UploadedDocument(db.Model):
    """A file an applicant sent: its name as they had it, the random name it is stored
    under, and what its content showed it to be."""

    __tablename__ = "uploaded_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_request.id", ondelete="SET NULL"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))  # detected from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)  # what the applicant said about it
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[DocumentRequest | None] = relationship(back_populates="uploads")
    uploaded_by = relationship("Applicant")


class StoredFile(db.Model):
    """The bytes of one stored file, under a random key (see ``storage``). The content is
    loaded only when asked for."""

    __tablename__ = "stored_file"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
