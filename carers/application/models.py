"""A household's application and each task's answers.

A personal task (about you, health, where you have lived...) has one row per person
(``applicant_id`` set); a household task (your household, your home, referees) has one row
for the household (``applicant_id`` None) that joint applicants share, guarded by
``version`` so one applicant's save never overwrites the other's.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db


class Application(db.Model):
    """One per household, made when the household is first invited to apply."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              unique=True)
    # "foster" (Apply to foster) or "kinship" (Kinship carer assessment), from the pathway.
    form: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    household = relationship("Household")
    tasks: Mapped[list["ApplicationTask"]] = relationship(back_populates="application",
                                                          cascade="all, delete-orphan")
    declarations: Mapped[list["Declaration"]] = relationship(
        back_populates="application", cascade="all, delete-orphan")


class ApplicationTask(db.Model):
    """One task's answers: for one person, or for the household (``applicant_id`` None)."""

    __tablename__ = "application_task"
    __table_args__ = (UniqueConstraint("application_id", "task", "applicant_id",
                                       name="uq_application_task_person"),)

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(40))  # a key of rules.TASKS
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"))
    # A caseworker reopened it after submission: why (the applicant sees this), who, when.
    reopened_reason: Mapped[str | None] = mapped_column(Text)
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship(back_populates="tasks")
    applicant = relationship("Applicant", foreign_keys=[applicant_id])


class Declaration(db.Model):
    """An applicant's declaration that their answers are true, made before submission."""

    __tablename__ = "application_declaration"
    __table_args__ = (UniqueConstraint("application_id", "applicant_id",
                                       name="uq_application_declaration_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="declarations")
    applicant = relationship("Applicant")
