"""An applicant's account, its one-time sign-in codes and its server-side sessions."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db


class Applicant(db.Model):
    """One person who signs in to a household's own pages: a joint applicant, or another
    adult of the household who gives their own details and consents."""

    __tablename__ = "applicant"

    APPLICANT = "applicant"  # applies to foster (or to be a kinship carer)
    ADULT = "adult"  # another adult (18+) who lives in the household
    ROLES = (APPLICANT, ADULT)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    # The household member this person is (their details flow there on submission).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=APPLICANT)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household = relationship("Household", lazy="joined")
    member = relationship("HouseholdMember")

    # An applicant is never a member of staff: staff rules refuse them.
    is_applicant = True

    @property
    def is_joint_applicant(self) -> bool:
        return self.role == self.APPLICANT


class SignInCode(db.Model):
    """A six-digit code sent to an applicant's email: single use, short-lived, and dead after
    too many wrong tries. Only its hash is kept."""

    __tablename__ = "applicant_sign_in_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"),
                                              index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)


class ApplicantSession(db.Model):
    """A signed-in applicant's session, kept on the server; the cookie holds only a random
    token whose hash is stored here."""

    __tablename__ = "applicant_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"),
                                              index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Why it ended ("signed out", "timed out"), for the page the applicant sees next.
    ended_because: Mapped[str | None] = mapped_column(Text)
    # A page posted after the time-out, not saved: its path and fields ([name, value]
    # pairs), kept for this person only, shown again on that page once they sign in on
    # this browser, then cleared (``sessions.hold``).
    held_path: Mapped[str | None] = mapped_column(String(500))
    held_form: Mapped[list | None] = mapped_column(JSON(none_as_null=True))

    applicant: Mapped[Applicant] = relationship()
