"""The panel's records: the central list, meetings, agendas, packs, recommendations,
minutes and decisions."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from carers.core.dates import utcnow
from carers.enquiries.choices import FOSTERING_TYPES
from carers.extensions import db
from carers.panel.rules import PanelRole, ResponseKind

# The types of fostering a panel recommends and an approval's terms name (stored in their
# ``fostering_types``): not "I'm not sure yet", which only an enquirer says.
FOSTERING_TYPE_LABELS = {key: label for key, label, _ in FOSTERING_TYPES if key != "not_sure"}


class PanelMember(db.Model):
    """One person on the central list (FSR 23), with their role on the panel."""

    __tablename__ = "panel_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         unique=True)
    panel_role: Mapped[str] = mapped_column(String(30))
    # FSR 23: the list includes a social worker with 3+ years' post-qualifying experience.
    qualified_on: Mapped[date | None] = mapped_column(Date)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User", lazy="joined")

    @property
    def role(self) -> PanelRole:
        return PanelRole(self.panel_role)

    def is_current(self, on: date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)


class PanelMeeting(db.Model):
    __tablename__ = "panel_meeting"
    __table_args__ = (Index("ix_panel_meeting_meets_on", "meets_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meets_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    papers_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_final_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    seats: Mapped[list["MeetingSeat"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="(AgendaItem.slot_at, AgendaItem.id)")


class MeetingSeat(db.Model):
    """A member invited to a meeting, and whether they attended."""

    __tablename__ = "meeting_seat"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"),
                                           index=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="seats")
    member: Mapped[PanelMember] = relationship(lazy="joined")


class AgendaItem(db.Model):
    """A case to be heard at a meeting, with its time slot."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    slot_at: Mapped[time] = mapped_column(Time)
    minutes_slot: Mapped[int] = mapped_column(Integer, default=45)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="agenda")
    household = relationship("Household", lazy="joined")


class PackJob(db.Model):
    """A panel pack to build: queued when the papers are issued, claimed by one sweep."""

    __tablename__ = "pack_job"
    __table_args__ = (Index("ix_pack_job_due", "built_at", "claimed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"),
                                            index=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    queued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the papers (the pack before any member's stamp): every copy of this pack
    # prints its short form, so two copies can be seen to hold the same papers.
    papers_sha256: Mapped[str | None] = mapped_column(String(64))

    meeting: Mapped[PanelMeeting] = relationship()


class PackCopy(db.Model):
    """One member's copy of a built pack: their name and the date on every page."""

    __tablename__ = "pack_copy"
    __table_args__ = (UniqueConstraint("job_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("pack_job.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"),
                                           index=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class PanelRecommendation(db.Model):
    """The panel's recommendation on one case at one meeting (NMS 14.7: with reasons)."""

    __tablename__ = "panel_recommendation"
    __table_args__ = (UniqueConstraint("meeting_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    recommendation: Mapped[str] = mapped_column(String(20))
    children: Mapped[int | None] = mapped_column(Integer)
    age_from: Mapped[int | None] = mapped_column(Integer)
    age_to: Mapped[int | None] = mapped_column(Integer)
    fostering_types: Mapped[list[str] | None] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household = relationship("Household", lazy="joined")


class QdResponse(db.Model):
    """The applicant's response to a qualifying determination: written representations to
    the decision maker, or an application to the Independent Review Mechanism (then the
    papers sent to it and its panel's recommendation). One per case: they may do one, not
    both."""

    __tablename__ = "qd_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # rules.ResponseKind
    received_on: Mapped[date] = mapped_column(Date)  # representations received / IRM applied
    summary: Mapped[str | None] = mapped_column(Text)
    irm_papers_sent_on: Mapped[date | None] = mapped_column(Date)
    irm_recommended_on: Mapped[date | None] = mapped_column(Date)
    irm_recommendation: Mapped[str | None] = mapped_column(String(20))
    irm_terms: Mapped[str | None] = mapped_column(Text)
    irm_reasons: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The acknowledgement of the representations sent to the applicant.
    letter_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    @property
    def kind_enum(self) -> ResponseKind:
        return ResponseKind(self.kind)

    @property
    def is_irm(self) -> bool:
        return self.kind == ResponseKind.IRM


class PanelDecision(db.Model):
    """The agency decision maker's decision, or a qualifying determination (proposed
    refusal), on one case."""

    __tablename__ = "panel_decision"

    APPROVE = "approve"
    QUALIFYING_DETERMINATION = "qualifying_determination"
    NOT_APPROVE = "not_approve"
    REFER_BACK = "refer_back"  # back to the panel for further consideration

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(30))
    decided_on: Mapped[date] = mapped_column(Date)
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    letter_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    letter_size: Mapped[int | None] = mapped_column(Integer)
    # A final decision after a qualifying determination: the applicant's response it
    # considered, and why it departs from the IRM panel's recommendation if it does.
    considered_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("qd_response.id", ondelete="SET NULL"))
    departure_reasons: Mapped[str | None] = mapped_column(Text)

    decided_by = relationship("User", lazy="joined")
    considered_response: Mapped[QdResponse | None] = relationship(lazy="joined")
