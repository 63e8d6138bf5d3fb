"""The family tree and ecomap recorded on a case: the people of the tree, the links between
them (a parent and their child, or two partners), and the household's connections."""

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.cases.models import HouseholdMember
from carers.extensions import db


class FamilyPerson(db.Model):
    """Someone drawn in the family tree. Siblings are not recorded: they are the people who
    share parents."""

    __tablename__ = "family_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(10), default="unknown")  # female, male, unknown
    birth_year: Mapped[int | None] = mapped_column(Integer)
    died: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    died_year: Mapped[int | None] = mapped_column(Integer)
    in_household: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    subject_child: Mapped[bool] = mapped_column(Boolean, default=False,
                                                server_default=false())
    # The household member this person is, so an applicant is not typed twice.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="SET NULL"), index=True)

    member: Mapped[HouseholdMember | None] = relationship()


class FamilyLink(db.Model):
    """``parent_of`` (from the parent to the child) or ``partners`` (with their status)."""

    __tablename__ = "family_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_person_id: Mapped[int] = mapped_column(
        ForeignKey("family_person.id", ondelete="CASCADE"), index=True)
    to_person_id: Mapped[int] = mapped_column(
        ForeignKey("family_person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str | None] = mapped_column(String(30))

    from_person: Mapped[FamilyPerson] = relationship(foreign_keys=[from_person_id])
    to_person: Mapped[FamilyPerson] = relationship(foreign_keys=[to_person_id])


class EcomapEntry(db.Model):
    __tablename__ = "ecomap_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    strength: Mapped[str] = mapped_column(String(20))
