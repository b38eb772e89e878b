"""SQLAlchemy 2 models of the learner's progress: profile, topics, labs, plans, reviews, quizzes.

Every table except ``learners`` references ``learner_id`` so that a multi-user server can hold many
learners in one database; local mode has exactly one. Enumerations are plain strings guarded by
CHECK constraints (portable, and readable with any SQLite browser). Datetimes are stored in UTC and
always come back timezone-aware.

The Alembic migrations in ``migrations/versions`` are written by hand to match these models; a test
proves they agree, so change both together.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "BACKGROUNDS",
    "EVIDENCE_KINDS",
    "LAB_EVENT_KINDS",
    "LAB_STATUSES",
    "NAMING_CONVENTION",
    "PLAN_ITEM_KINDS",
    "SPECIALIZATIONS",
    "TOPIC_STATES",
    "Assessment",
    "Base",
    "LabAttempt",
    "LabEvent",
    "Learner",
    "Plan",
    "PlanItem",
    "ReportedMilestone",
    "ReviewCard",
    "ReviewLog",
    "TopicEvent",
    "TopicStatus",
    "UTCDateTime",
    "utcnow",
]

BACKGROUNDS: tuple[str, ...] = ("beginner", "math-stats", "software-engineer")
SPECIALIZATIONS: tuple[str, ...] = ("cv", "nlp", "time-series")
TOPIC_STATES: tuple[str, ...] = ("not-started", "learning", "done", "skipped", "placed-out")
EVIDENCE_KINDS: tuple[str, ...] = ("lab-passed", "quiz-passed", "self-reported")
LAB_STATUSES: tuple[str, ...] = ("pass", "fail", "error")
LAB_EVENT_KINDS: tuple[str, ...] = ("hint", "solution")
PLAN_ITEM_KINDS: tuple[str, ...] = ("topic", "lab", "review")

#: Deterministic constraint names, needed by Alembic's batch mode on SQLite.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 200
"""Maximum length of curriculum identifiers (topic, lab, quiz ids) and short texts."""


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    """Return the SQL text of a CHECK that ``column`` holds one of ``values``."""
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    condition = f"{column} IN ({quoted})"
    return f"{column} IS NULL OR {condition}" if nullable else condition


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored in UTC and returned timezone-aware.

    Naive datetimes are refused on write: their time zone is unknown. SQLite has no time zone
    type, so values are stored there as naive UTC text (which also sorts correctly).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC before it is written."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing to store naive datetime {value!r}: attach a time zone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return stored values as aware UTC datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every mlcamp table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def _learner_fk() -> Mapped[int]:
    """Return a ``learner_id`` column that is deleted together with its learner."""
    return mapped_column(Integer, ForeignKey("learners.id", ondelete="CASCADE"), nullable=False)


class Learner(Base):
    """A learner and their profile (background, weekly hours, dates, specialization)."""

    __tablename__ = "learners"
    __table_args__ = (
        CheckConstraint(_one_of("background", BACKGROUNDS), name="background"),
        CheckConstraint(_one_of("specialization", SPECIALIZATIONS, nullable=True), name="spec"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 168", name="hours"),
        CheckConstraint("target_date IS NULL OR target_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True, default="me")
    background: Mapped[str] = mapped_column(String(32))
    hours_per_week: Mapped[float] = mapped_column(Float)
    start_date: Mapped[date] = mapped_column(Date)
    target_date: Mapped[date | None] = mapped_column(Date)
    specialization: Mapped[str | None] = mapped_column(String(32))
    include_optional: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TopicStatus(Base):
    """The current state of one topic for one learner; its history is in :class:`TopicEvent`."""

    __tablename__ = "topic_statuses"
    __table_args__ = (
        UniqueConstraint("learner_id", "topic_id"),
        CheckConstraint(_one_of("state", TOPIC_STATES), name="state"),
        CheckConstraint(_one_of("evidence", EVIDENCE_KINDS, nullable=True), name="evidence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    topic_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    state: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str | None] = mapped_column(String(32))
    evidence_ref: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicEvent(Base):
    """One change of a topic's state (append-only history)."""

    __tablename__ = "topic_events"
    __table_args__ = (
        Index(None, "learner_id", "topic_id"),
        Index(None, "learner_id", "created_at"),
        CheckConstraint(_one_of("state", TOPIC_STATES), name="state"),
        CheckConstraint(_one_of("evidence", EVIDENCE_KINDS, nullable=True), name="evidence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    topic_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    state: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str | None] = mapped_column(String(32))
    evidence_ref: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabAttempt(Base):
    """One grading of a learner's submission to a lab, with the full JSON report."""

    __tablename__ = "lab_attempts"
    __table_args__ = (
        Index(None, "learner_id", "lab_id", "created_at"),
        CheckConstraint(_one_of("status", LAB_STATUSES), name="status"),
        CheckConstraint("score >= 0 AND score <= 1", name="score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    lab_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    report_json: Mapped[str] = mapped_column(Text)
    code_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabEvent(Base):
    """A hint or solution view for a lab (``forced``: the solution was shown before a pass)."""

    __tablename__ = "lab_events"
    __table_args__ = (
        Index(None, "learner_id", "lab_id", "kind"),
        CheckConstraint(_one_of("kind", LAB_EVENT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    lab_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Plan(Base):
    """A dated study plan; each re-plan adds a new plan with the next ``sequence`` number."""

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("learner_id", "sequence"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("sequence >= 1", name="sequence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    sequence: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(PlanItem.week_start, PlanItem.position)",
    )


class PlanItem(Base):
    """One entry of a plan: a topic, lab or review scheduled in the week starting ``week_start``."""

    __tablename__ = "plan_items"
    __table_args__ = (
        UniqueConstraint("plan_id", "week_start", "position"),
        CheckConstraint(_one_of("kind", PLAN_ITEM_KINDS), name="kind"),
        CheckConstraint("hours >= 0", name="hours"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    week_start: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    hours: Mapped[float] = mapped_column(Float)

    plan: Mapped[Plan] = relationship(back_populates="items")


class ReviewCard(Base):
    """The spaced-repetition state of one review card (an FSRS card, kept as JSON text).

    ``due`` duplicates the card's due time as a column so that due cards can be queried.
    """

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "card_id"),
        Index(None, "learner_id", "due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    card_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    topic_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    state_json: Mapped[str] = mapped_column(Text)
    due: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReviewLog(Base):
    """One review of a card: the rating (1 again, 2 hard, 3 good, 4 easy), append-only."""

    __tablename__ = "review_logs"
    __table_args__ = (
        Index(None, "learner_id", "card_id", "reviewed_at"),
        CheckConstraint("rating >= 1 AND rating <= 4", name="rating"),
        CheckConstraint("duration_seconds IS NULL OR duration_seconds >= 0", name="duration"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    card_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column()
    duration_seconds: Mapped[float | None] = mapped_column(Float)


class Assessment(Base):
    """One readiness / placement quiz: its results (JSON text) and the background it suggests."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index(None, "learner_id", "taken_at"),
        CheckConstraint(_one_of("recommended_background", BACKGROUNDS), name="background"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    results_json: Mapped[str] = mapped_column(Text)
    recommended_background: Mapped[str] = mapped_column(String(32))


class ReportedMilestone(Base):
    """A milestone the learner attests themselves (a paper, a contribution), with their note.

    Only milestones whose evidence is self-reported are recorded here; the others follow from
    topic statuses, lab attempts and assessments. One record per learner and milestone.
    """

    __tablename__ = "reported_milestones"
    __table_args__ = (UniqueConstraint("learner_id", "milestone_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = _learner_fk()
    milestone_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
