"""Plain, immutable records returned by the store (never live ORM objects).

Records can be kept, compared and passed between layers after the database session is closed;
nothing on them touches the database lazily.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

__all__ = [
    "AssessmentRecord",
    "LabAttemptRecord",
    "LabEventRecord",
    "LearnerRecord",
    "PlanItemRecord",
    "PlanRecord",
    "ReportedMilestoneRecord",
    "ReviewCardRecord",
    "ReviewLogRecord",
    "TopicEventRecord",
    "TopicStatusRecord",
]


@dataclass(frozen=True, slots=True)
class LearnerRecord:
    """A learner's profile (``include_optional``: plan optional topics too)."""

    id: int
    name: str
    background: str
    hours_per_week: float
    start_date: date
    target_date: date | None
    specialization: str | None
    include_optional: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TopicStatusRecord:
    """The current state of one topic for one learner."""

    learner_id: int
    topic_id: str
    state: str
    evidence: str | None
    evidence_ref: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TopicEventRecord:
    """One recorded change of a topic's state."""

    id: int
    learner_id: int
    topic_id: str
    state: str
    evidence: str | None
    evidence_ref: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LabAttemptRecord:
    """One grading of a lab submission; ``report_json`` is the grader's JSON report."""

    id: int
    learner_id: int
    lab_id: str
    status: str
    score: float
    report_json: str
    code_sha256: str | None
    created_at: datetime

    @property
    def report(self) -> Any:
        """The grading report, decoded from JSON."""
        return json.loads(self.report_json)


@dataclass(frozen=True, slots=True)
class LabEventRecord:
    """A hint or solution view (``detail``: e.g. the hint number; ``forced``: before a pass)."""

    id: int
    learner_id: int
    lab_id: str
    kind: str
    detail: str | None
    forced: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PlanItemRecord:
    """One entry of a plan; also the input type of :meth:`Store.save_plan`."""

    week_start: date
    position: int
    kind: str
    ref_id: str
    hours: float


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """A saved plan with its items, ordered by week and position."""

    id: int
    learner_id: int
    sequence: int
    start_date: date
    end_date: date
    reason: str
    created_at: datetime
    items: tuple[PlanItemRecord, ...]


@dataclass(frozen=True, slots=True)
class ReviewCardRecord:
    """The spaced-repetition state of one card; ``state_json`` is the FSRS card as JSON.

    ``due`` is when the card is next due (the same instant as the card's own ``due``).
    """

    id: int
    learner_id: int
    card_id: str
    topic_id: str
    state_json: str
    due: datetime
    created_at: datetime
    updated_at: datetime

    @property
    def state(self) -> dict[str, Any]:
        """The card's state, decoded from JSON (e.g. for ``fsrs.Card.from_dict``)."""
        value: dict[str, Any] = json.loads(self.state_json)
        return value


@dataclass(frozen=True, slots=True)
class ReviewLogRecord:
    """One review of a card: ``rating`` 1 (again), 2 (hard), 3 (good) or 4 (easy)."""

    id: int
    learner_id: int
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_seconds: float | None


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """One readiness / placement quiz; ``results_json`` holds its results as a JSON object."""

    id: int
    learner_id: int
    taken_at: datetime
    results_json: str
    recommended_background: str

    @property
    def results(self) -> dict[str, Any]:
        """The quiz results, decoded from JSON."""
        value: dict[str, Any] = json.loads(self.results_json)
        return value


@dataclass(frozen=True, slots=True)
class ReportedMilestoneRecord:
    """A self-reported milestone: the learner's note on what shows it, and when they said so."""

    id: int
    learner_id: int
    milestone_id: str
    note: str
    recorded_at: datetime
