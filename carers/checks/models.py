"""The checks ledger: addresses, referees and their answers, and one row per check.

Everything here hangs off the household (the case), so staff entering details now and an
applicant-facing application form later feed the same records. People are the case's
``HouseholdMember`` rows.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Session, attributes, deferred, mapped_column, relationship

from carers.cases.models import Household
from carers.checks.rules import CheckKind, CheckState, Outcome
from carers.core.dates import utcnow
from carers.extensions import db
from carers.pipeline import CLOSED_STAGES

_CLOSED = frozenset(s.value for s in CLOSED_STAGES)


class Address(db.Model):
    """Somewhere the household (or one person in it) lived: each area means an LA check."""

    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="SET NULL"))
    line_1: Mapped[str] = mapped_column(String(200))
    line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    local_authority: Mapped[str] = mapped_column(String(100))
    lived_from: Mapped[date | None] = mapped_column(Date)
    lived_to: Mapped[date | None] = mapped_column(Date)  # None: lives there now
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    member = relationship("HouseholdMember")

    @property
    def one_line(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    @property
    def person_name(self) -> str:
        """Whose address history it is part of ("" for the household's)."""
        return self.member.name if self.member_id and self.member else ""


class Referee(db.Model):
    """A personal referee. The link to their online form is single use and expires; only a
    hash of its token is stored."""

    __tablename__ = "referee"
    __table_args__ = (Index("ix_referee_invited_at", "invited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    relationship_to_applicant: Mapped[str] = mapped_column(String(100))
    is_family: Mapped[bool] = mapped_column(Boolean, default=False)
    known_since_years: Mapped[int | None] = mapped_column(Integer)

    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A reminder carries a fresh link; the first email's link keeps working too.
    previous_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    interviewed_on: Mapped[date | None] = mapped_column(Date)
    interview_notes: Mapped[str | None] = mapped_column(Text)
    interviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)  # no longer used as a referee
    # Why the reference was not taken up (declined, replaced, not pursued), when withdrawn.
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household = relationship("Household")
    interviewed_by = relationship("User", foreign_keys=[interviewed_by_id])
    response: Mapped["ReferenceResponse | None"] = relationship(
        back_populates="referee", uselist=False, cascade="all, delete-orphan")


class ReferenceResponse(db.Model):
    """What the referee told us on the online form."""

    __tablename__ = "reference_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    referee_id: Mapped[int] = mapped_column(ForeignKey("referee.id", ondelete="CASCADE"),
                                            unique=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    relationship_to_applicant: Mapped[str] = mapped_column(String(200))
    years_known: Mapped[int] = mapped_column(Integer)
    observations: Mapped[str] = mapped_column(Text)
    has_concerns: Mapped[bool] = mapped_column(Boolean)
    concerns: Mapped[str | None] = mapped_column(Text)

    referee: Mapped[Referee] = relationship(back_populates="response")


class Check(db.Model):
    """One check for one person (or the home, or an area) on one case.

    Rows are never deleted: a check no longer needed is marked ``required = False`` and keeps
    its evidence. A renewal is a new row (``renewal_of_id``); once it is received the old row
    is ``superseded``.
    """

    __tablename__ = "household_check"
    __table_args__ = (
        Index("ix_household_check_household_key", "household_id", "key"),
        # The team list: everything needing attention by a date, soonest first. Its filters
        # (outstanding or not, kind, case) are in the index too, so counting never reads
        # the table.
        Index("ix_household_check_attention", "attention_on", "done_on", "kind",
              "household_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="SET NULL"))
    referee_id: Mapped[int | None] = mapped_column(ForeignKey("referee.id", ondelete="SET NULL"))
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    stage1: Mapped[bool] = mapped_column(Boolean, default=False)
    reg24: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_years: Mapped[int | None] = mapped_column(Integer)
    required_from: Mapped[date | None] = mapped_column(Date)

    requested_on: Mapped[date | None] = mapped_column(Date)
    requested_from: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verified_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # An enhanced DBS certificate: its number, issue date, and whether the person keeps it
    # on the DBS Update Service (and when its status was last checked online).
    dbs_certificate_number: Mapped[str | None] = mapped_column(String(12))
    dbs_issued_on: Mapped[date | None] = mapped_column(Date)
    dbs_update_service: Mapped[bool | None] = mapped_column(Boolean)
    dbs_update_checked_on: Mapped[date | None] = mapped_column(Date)

    # Indexed: a check's page looks up its renewal, and deleting a check (a case's erasure)
    # finds the renewals that point at it.
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_check.id", ondelete="SET NULL"), index=True)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Derived from the fields above by the operations (see rules.done_on / attention_on), so
    # the team list can filter and sort with an index. ``attention_on`` is cleared when the
    # case closes (see ``_closed_cases_need_no_attention``).
    done_on: Mapped[date | None] = mapped_column(Date)
    attention_on: Mapped[date | None] = mapped_column(Date)
    expiry_warning_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household = relationship("Household")
    member = relationship("HouseholdMember")
    referee: Mapped[Referee | None] = relationship()
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    documents: Mapped[list["CheckDocument"]] = relationship(
        back_populates="check", order_by="CheckDocument.id", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return CheckKind(self.kind).label

    @property
    def label(self) -> str:
        return f"{self.kind_label}: {self.subject}"

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    def state(self, **overrides) -> CheckState:
        fields = dict(
            kind=CheckKind(self.kind), subject=self.subject, stage1=self.stage1,
            reg24=self.reg24, required=self.required, required_from=self.required_from,
            requested_on=self.requested_on, requested_from=self.requested_from or "",
            received_on=self.received_on,
            outcome=Outcome(self.outcome) if self.outcome else None,
            verified=self.verified_by_id is not None, expires_on=self.expires_on,
            superseded=self.superseded, key=self.key,
            dbs_certificate_number=self.dbs_certificate_number or "",
            dbs_issued_on=self.dbs_issued_on, dbs_update_service=self.dbs_update_service,
        )
        fields.update(overrides)
        if "interviewed_on" not in fields:  # only personal references load their referee
            fields["interviewed_on"] = (self.referee.interviewed_on
                                        if self.referee_id and self.referee else None)
        return CheckState(**fields)

    def listed_state(self) -> CheckState:
        """The state from this row's own columns, for lists that do not load referees: a
        finished reference was interviewed by ``done_on``."""
        return self.state(interviewed_on=self.done_on)


class CheckDocument(db.Model):
    """Evidence attached to a check (a PDF, photo or Word document). The bytes live in the
    database, in the same transaction as the record, and are only ever downloaded."""

    __tablename__ = "check_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("household_check.id", ondelete="CASCADE"),
                                          index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    check: Mapped[Check] = relationship(back_populates="documents")
    uploaded_by = relationship("User")


@event.listens_for(Session, "after_flush")
def _closed_cases_need_no_attention(session, flush_context) -> None:
    """When a case closes (withdrawn, not approved, ...), nobody needs to chase or renew its
    checks: take them off the team list in the same transaction. Closing is final, so
    nothing puts them back."""
    closed = [
        household.id for household in session.dirty
        if isinstance(household, Household) and household.stage in _CLOSED
        and attributes.get_history(household, "stage").has_changes()
    ]
    if closed:
        session.connection().execute(
            Check.__table__.update().where(Check.household_id.in_(closed),
                                           Check.attention_on.is_not(None))
            .values(attention_on=None))
