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
    "LabAttemptRecord",
    "LabEventRecord",
    "LearnerRecord",
    "PlanItemRecord",
    "PlanRecord",
    "TopicEventRecord",
    "TopicStatusRecord",
]


@dataclass(frozen=True, slots=True)
class LearnerRecord:
    """A learner's profile."""

    id: int
    name: str
    background: str
    hours_per_week: float
    start_date: date
    target_date: date | None
    specialization: str | None
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
