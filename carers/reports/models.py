"""A case's assessment report, its sections, preparation training and stored PDFs.

Versions: a report is a draft until a team manager signs it off; a signed-off version is
never edited again. A change after sign-off starts a new version (a draft copied from the
signed-off text), so panel members always read the text the manager signed off.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db


class AssessmentReport(db.Model):
    __tablename__ = "assessment_report"
    __table_args__ = (UniqueConstraint("household_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)  # version 1, 2, ...
    form: Mapped[str] = mapped_column(String(10))  # "form_f" or "form_c"
    recommendation: Mapped[str | None] = mapped_column(String(20))
    terms: Mapped[str | None] = mapped_column(Text)  # proposed terms of approval
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # The applicant's view of the report: recorded at any time, also after sign-off (they are
    # the applicant's words, not the report's).
    shared_on: Mapped[date | None] = mapped_column(Date)
    comments_received_on: Mapped[date | None] = mapped_column(Date)
    applicant_comments: Mapped[str | None] = mapped_column(Text)
    # Shared in the applicants' portal: the version's text and facts as they stood when it
    # was shared (what the applicants read, whatever is written after), and the applicants'
    # comments as they write them online (a draft, then submitted into the report).
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    shared_content: Mapped[dict | None] = deferred(mapped_column(JSON))
    comments_draft: Mapped[str | None] = mapped_column(Text)
    # Rises with every save of the draft: a joint applicant's save from an older page is
    # refused, never written over the other's.
    comments_revision: Mapped[int] = mapped_column(Integer, default=0)
    comments_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comments_submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"))

    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The factual sections (household, people, addresses, checks, referees, training) as
    # they stood at sign-off: a signed-off version prints these, never the case as it is now.
    facts: Mapped[dict | None] = mapped_column(JSON)

    author = relationship("User", foreign_keys=[author_id])
    signed_off_by = relationship("User", foreign_keys=[signed_off_by_id])
    shared_by = relationship("User", foreign_keys=[shared_by_id])
    household = relationship("Household")
    sections: Mapped[list["ReportSection"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportSection.id")

    @property
    def is_shared(self) -> bool:
        """Shared with the applicants in their portal (not only recorded as shared)."""
        return self.shared_at is not None

    @property
    def is_draft(self) -> bool:
        return self.signed_off_at is None

    def text(self, key: str) -> str:
        for section in self.sections:
            if section.key == key:
                return section.body or ""
        return ""

    def section(self, key: str) -> "ReportSection | None":
        return next((s for s in self.sections if s.key == key), None)


class ReportSection(db.Model):
    """One narrative section. ``revision`` rises with every save: an autosave from a page
    opened before someone else's save is refused rather than overwriting it."""

    __tablename__ = "report_section"
    __table_args__ = (UniqueConstraint("report_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_report.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    report: Mapped[AssessmentReport] = relationship(back_populates="sections")
    updated_by = relationship("User")


class TrainingRecord(db.Model):
    """Preparation training someone in the household attended (e.g. Skills to Foster)."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    course: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str | None] = mapped_column(String(200))
    attended_by: Mapped[str] = mapped_column(String(300))
    completed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredPdf(db.Model):
    """A rendered PDF, found again by the SHA-256 of the HTML it was rendered from: an
    unchanged report is served from here instead of being rendered again."""

    __tablename__ = "stored_pdf"

    id: Mapped[int] = mapped_column(primary_key=True)
    html_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApplicationFacts(db.Model):
    """What the household said in its application, for the report's factual sections: the
    application feature writes it when the application is submitted (the report never reads
    the application itself), and a signed-off version keeps a copy with its other facts.

    ``facts`` is plain JSON (dates as ISO text):

    - ``applicants``: one entry per person who applied (``role`` "applicant") or gave their
      own details (``role`` "adult"): ``name``, ``role``, ``known_as`` (the name they like
      to be called), ``previous_names`` [str], ``date_of_birth``, ``place_of_birth``
      ("town, country"), ``sex``, ``nationality``, ``languages``, ``religion``,
      ``practising`` (true/false, None when no religion is named), ``ethnicity``,
      ``registered_disabled`` ("yes", "no" or "prefer_not"), ``disability_details``;
      ``work`` {``status``, ``job_title``, ``employer_name``, ``hours``,
      ``income_annual``, ``other_income``} or None; ``health`` {``good_health``,
      ``conditions``, ``medication``, ``gp_name``, ``gp_address``} or None;
      ``relationships`` (answered or not), ``partnership`` {``kind`` ("married",
      "civil_partnership", "cohabiting", "living_apart_together" or "single"), ``since``
      (the date they married, registered or moved in together; for a couple living apart,
      when the relationship started), ``place`` (where married or registered)} or None,
      ``current_partner`` {``name``, ``since``} or None, ``past_partners`` [{``name``,
      ``period``, ``ended_on`` (the date the relationship ended), ``children_together``}];
      ``earlier_applications`` [{``kind``, ``agency``, ``year``, ``outcome``}] or None
      when not answered; ``children_elsewhere`` (a joint applicant's entry: the
      household's list below; an adult's: []).
    - ``children_elsewhere``: the household's children and adult children who live
      elsewhere, [{``name``, ``date_of_birth``, ``relationship``, ``lives_with``}].
    - ``home``: {``tenure``, ``landlord_consent``, ``bedrooms``, ``spare_bedrooms``,
      ``spare_bedroom_details``, ``has_pets``, ``pets_details``, ``smoking``,
      ``smoking_details``} or None.

    Facts stored before a question was asked lack its key (``known_as``,
    ``place_of_birth``, ``practising``, ``registered_disabled``, ``disability_details``,
    ``partnership``, ``ended_on``, ``children_elsewhere``): read a missing key as not
    answered.
    """

    __tablename__ = "report_application_facts"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    facts: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CarerCharacteristics(db.Model):
    """One applicant's characteristics from their application, for the Ofsted return's
    aggregates of approved carers. Rewritten with ``ApplicationFacts`` in the same
    transaction; a value the application did not ask or the person did not give is None
    ("not recorded"). Sexual orientation and gender identity (asked from 2024-25) are
    None until the application asks them."""

    __tablename__ = "carer_characteristics"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # The 31 March on or after the day they were born, not the date of birth: it gives the
    # return's age band on every 31 March, and is not personal data, so it outlives the
    # household's erasure (carers.retention).
    born_by: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(200))
    disability: Mapped[str | None] = mapped_column(String(20))  # yes, no or prefer_not
    religion: Mapped[str | None] = mapped_column(String(200))
    relationship_status: Mapped[str | None] = mapped_column(String(30))
    sexual_orientation: Mapped[str | None] = mapped_column(String(50))
    gender_identity: Mapped[str | None] = mapped_column(String(50))

    @staticmethod
    def born_by_of(born: date) -> date:
        """The 31 March that ends the year (1 April to 31 March) ``born`` falls in: a person
        is at least N on 31 March of a year exactly when this day is N or more years back."""
        return date(born.year if born.month <= 3 else born.year + 1, 3, 31)

    @staticmethod
    def rows_from(household_id: int, facts: dict) -> list[dict]:
        """The rows for the people who applied, from ``ApplicationFacts.facts``."""
        applicants = [p for p in facts.get("applicants") or [] if p.get("role") == "applicant"]
        rows = []
        for position, person in enumerate(applicants):
            born = person.get("date_of_birth")
            rows.append({
                "household_id": household_id, "position": position,
                "born_by": CarerCharacteristics.born_by_of(date.fromisoformat(born))
                if born else None,
                "sex": person.get("sex"), "ethnicity": person.get("ethnicity"),
                "disability": person.get("registered_disabled"),
                "religion": person.get("religion"),
                "relationship_status": (person.get("partnership") or {}).get("kind")})
        return rows
