"""A household's case as it moves through assessment, and everything recorded on it."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db

case_worker = Table(
    "case_worker",
    db.metadata,
    Column("household_id", Integer, ForeignKey("household.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    # The case's team (0: none), pathway and stage, and whether it is not erased: copied from
    # ``household`` by database triggers (migration 0035) when the allocation is made and on
    # every change to the case, in the same transaction. So a person's own cases are counted
    # from their allocations alone (the board, my work), not by reading each case; a worker
    # may hold thousands over the years. Never written by the application.
    Column("team_key", Integer, nullable=False, server_default="0"),
    Column("pathway", String(20), nullable=False, server_default=""),
    Column("stage", String(40), nullable=False, server_default=""),
    Column("live", Boolean, nullable=False, server_default=true()),
    Index("ix_case_worker_board", "user_id", "live", "team_key", "pathway", "stage"),
)


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The pathway whose new enquiries this team takes (None: not a front-door team), and its
    # inbox: a kinship enquiry goes to the kinship team's address.
    pathway: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))


class Household(db.Model):
    """One household's case. Date columns are named as in ``carers.pipeline.CaseState`` so a
    transition's changes can be written straight onto the row."""

    __tablename__ = "household"
    __table_args__ = (
        # Covers the board's counts per stage under any deadline filter, and its list for
        # one stage in deadline order, without reading the household rows.
        Index("ix_household_pathway_stage_due", "pathway", "stage", "next_due_on"),
        Index("ix_household_next_due_on", "next_due_on"),
        # The managers' figures: open cases and their next deadlines, by team, without
        # reading the household rows.
        Index("ix_household_open", "stage", "id", "next_due_on", "team_id", "pathway"),
        Index("ix_household_team_due", "team_id", "next_due_on", "pathway", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    pathway: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(40))
    stage_since: Mapped[date | None] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiry.id"), unique=True)
    # Raised on every change: a form posted from an older version is refused, never applied.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set by every change to the case, so that each change raises the version.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(400))
    postcode: Mapped[str | None] = mapped_column(String(10))

    # The earliest due date among the case's running clocks: lets lists sort and filter by
    # "overdue" or "due soon" with an index instead of computing every case's clocks.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_due_label: Mapped[str | None] = mapped_column(String(100))

    enquiry_received_on: Mapped[date | None] = mapped_column(Date)
    first_response_on: Mapped[date | None] = mapped_column(Date)
    initial_visit_on: Mapped[date | None] = mapped_column(Date)
    application_received_on: Mapped[date | None] = mapped_column(Date)
    stage1_last_item_on: Mapped[date | None] = mapped_column(Date)
    stage1_completed_on: Mapped[date | None] = mapped_column(Date)
    stage2_started_on: Mapped[date | None] = mapped_column(Date)
    referral_received_on: Mapped[date | None] = mapped_column(Date)
    viability_started_on: Mapped[date | None] = mapped_column(Date)
    viability_completed_on: Mapped[date | None] = mapped_column(Date)
    reg24_approved_on: Mapped[date | None] = mapped_column(Date)
    # The nominated officer who approved temporary approval (reg 24) and its extension
    # (reg 25), and the day each approved.
    reg24_officer_name: Mapped[str | None] = mapped_column(String(200))
    reg24_officer_on: Mapped[date | None] = mapped_column(Date)
    reg24_extension_weeks: Mapped[int | None] = mapped_column(Integer)
    reg24_extended_on: Mapped[date | None] = mapped_column(Date)
    reg25_officer_name: Mapped[str | None] = mapped_column(String(200))
    reg25_officer_on: Mapped[date | None] = mapped_column(Date)
    reg24_ended_on: Mapped[date | None] = mapped_column(Date)
    # The latest regulation 24 visit to the child that took place (from the visits): the
    # next one is due a week or 4 weeks after it.
    reg24_last_visit_on: Mapped[date | None] = mapped_column(Date)
    assessment_completed_on: Mapped[date | None] = mapped_column(Date)
    brief_report_shared_on: Mapped[date | None] = mapped_column(Date)
    brief_report_comments_on: Mapped[date | None] = mapped_column(Date)
    panel_date: Mapped[date | None] = mapped_column(Date)
    panel_papers_sent_on: Mapped[date | None] = mapped_column(Date)
    recommended_on: Mapped[date | None] = mapped_column(Date)
    recommendation: Mapped[str | None] = mapped_column(String(20))
    minutes_received_on: Mapped[date | None] = mapped_column(Date)
    qd_issued_on: Mapped[date | None] = mapped_column(Date)
    qd_responded_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    first_review_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_code: Mapped[str | None] = mapped_column(String(3))
    # The end of approval (resignation or termination), recorded by a manager: an approved
    # carer's records are kept from this day (carers.retention.rules).
    approval_ended_on: Mapped[date | None] = mapped_column(Date)
    approval_ended_reason: Mapped[str | None] = mapped_column(String(20))
    # Set when the household's personal data was erased (carers.retention.erasure): the row
    # stays, empty of it, for the figures.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Connected person: the named child.
    child_name: Mapped[str | None] = mapped_column(String(200))
    child_date_of_birth: Mapped[date | None] = mapped_column(Date)
    child_la_reference: Mapped[str | None] = mapped_column(String(50))
    child_relationship: Mapped[str | None] = mapped_column(String(100))
    child_placed_on: Mapped[date | None] = mapped_column(Date)  # came to live with the carer
    child_placing_authority: Mapped[str | None] = mapped_column(String(100))
    child_first_review_on: Mapped[date | None] = mapped_column(Date)  # looked-after review
    # The visit that the "initial visit" stage records.
    initial_visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit.id", ondelete="SET NULL", use_alter=True,
                   name="fk_household_initial_visit"))

    __mapper_args__ = {"version_id_col": version}

    team: Mapped[Team | None] = relationship()
    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="household", cascade="all, delete-orphan",
        order_by="HouseholdMember.position")
    workers = relationship("User", secondary=case_worker, order_by="User.name")

    @property
    def joint_application(self) -> bool:
        """More than one person applying: "Priya Shah and Raj Shah have applied"."""
        return sum(1 for m in self.members if m.is_applicant) > 1


class BoardCount(db.Model):
    """How many cases (not erased) each team (0: no team) has in each pathway and stage, for
    the pipeline board. Kept by database triggers on ``household`` (migration 0034), in the
    same transaction as the change, so it is right whichever process or bulk load wrote."""

    __tablename__ = "board_count"
    team_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    pathway: Mapped[str] = mapped_column(String(20), primary_key=True)
    stage: Mapped[str] = mapped_column(String(40), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)


class HouseholdMember(db.Model):
    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_applicant: Mapped[str] = mapped_column(String(40))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    age_at_enquiry: Mapped[int | None] = mapped_column(Integer)
    is_applicant: Mapped[bool] = mapped_column(Boolean, default=False)
    # Added by the checks ledger: an ex-partner or a son who moved out is on the case but not
    # in the household; employer and school drive the employer and school references.
    lives_in_household: Mapped[bool] = mapped_column(Boolean, default=True,
                                                     server_default=true())
    employer: Mapped[str | None] = mapped_column(String(200))
    school: Mapped[str | None] = mapped_column(String(200))

    household: Mapped[Household] = relationship(back_populates="members")


class HouseholdDetails(db.Model):
    """Facts about the household as a whole that decide which checks it needs."""

    __tablename__ = "household_details"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    has_pets: Mapped[bool] = mapped_column(Boolean, default=False)
    pets_details: Mapped[str | None] = mapped_column(Text)
    # Another fostering provider the applicants fostered for, and when that ended (blank while
    # they still foster for them). FSR 26(1A)(b): a reference if within the last 12 months.
    previous_provider: Mapped[str | None] = mapped_column(String(200))
    fostered_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseEvent(db.Model):
    """One line of a case's timeline: a stage change, note, allocation, task or a manager's
    oversight decision. Never edited."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_household_at", "household_id", "at"),)

    TRANSITION = "transition"
    NOTE = "note"
    ALLOCATION = "allocation"
    OVERSIGHT = "oversight"
    TASK = "task"
    CREATED = "created"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    happened_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user = relationship("User", lazy="joined")


class OversightRecord(db.Model):
    """A manager's oversight of a case, as an inspector reads it: what they reviewed, what
    they decided and why, on which day, and the actions they set (tasks, each with an owner
    and a due date). Never edited; the actions are done as any task is."""

    __tablename__ = "oversight_record"
    __table_args__ = (
        # The latest record of each case, for the list of cases due a manager's oversight.
        Index("ix_oversight_record_household_recorded", "household_id", "recorded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_on: Mapped[date] = mapped_column(Date)  # the London day it was recorded
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(300))
    reasons: Mapped[str] = mapped_column(Text)
    # Its entry on the case's timeline.
    event_id: Mapped[int] = mapped_column(ForeignKey("case_event.id", ondelete="CASCADE"),
                                          unique=True)

    user = relationship("User", lazy="joined")
    household: Mapped[Household] = relationship()
    event: Mapped[CaseEvent] = relationship()
    actions: Mapped[list["Task"]] = relationship(back_populates="oversight",
                                                 order_by="Task.id")


class Task(db.Model):
    __tablename__ = "task"
    __table_args__ = (Index("ix_task_owner_open", "owner_id", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The management oversight that set this task as one of its actions, if one did.
    oversight_id: Mapped[int | None] = mapped_column(
        ForeignKey("oversight_record.id", ondelete="SET NULL"), index=True)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    household: Mapped[Household] = relationship()
    oversight: Mapped[OversightRecord | None] = relationship(back_populates="actions")


class StageSpell(db.Model):
    """One time a case entered a stage, and when it left (``carers.pipeline.spells``). Kept
    in the same transaction as the stage change, for the managers' figures; never edited
    otherwise. ``carers.cases.spells.rebuild`` makes the table again from the timeline."""

    __tablename__ = "stage_spell"
    # Each figure reads one of these without touching the table (covering indexes): what
    # entered a stage in a period; what left one; what was in a stage on a day; and a
    # case's open spell.
    __table_args__ = (
        Index("ix_stage_spell_entered", "stage", "entered_on", "pathway", "forward",
              "from_stage", "withdrawal_code", "household_id"),
        Index("ix_stage_spell_left", "left_on", "stage", "pathway", "working_days", "days",
              "household_id"),
        Index("ix_stage_spell_in_stage", "stage", "pathway", "left_on", "entered_on",
              "household_id", "working_days", "days"),
        Index("ix_stage_spell_household", "household_id", "left_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    pathway: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(40))
    # Progress along the pathway, not a case taken off the panel list or referred back.
    forward: Mapped[bool] = mapped_column(Boolean, default=True)
    entered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    working_days: Mapped[int | None] = mapped_column(Integer)
    days: Mapped[int | None] = mapped_column(Integer)
    withdrawal_code: Mapped[str | None] = mapped_column(String(3))
    application_on: Mapped[date | None] = mapped_column(Date)
    days_from_application: Mapped[int | None] = mapped_column(Integer)
    within_target: Mapped[bool | None] = mapped_column(Boolean)
