"""mlcamp's persistence layer: the learner's profile, progress evidence, labs, plans and reviews.

Open the database with :func:`open_store` (it creates and migrates it on first use) and call the
repository methods on the returned :class:`Store`. Every failure is a :class:`StoreError` with a
``message`` meant for the learner.
"""

from __future__ import annotations

from mlcamp.store.engine import DEFAULT_BUSY_TIMEOUT_MS
from mlcamp.store.errors import (
    LearnerExistsError,
    LearnerNotFoundError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreTooNewError,
    StoreUnwritableError,
)
from mlcamp.store.models import (
    BACKGROUNDS,
    EVIDENCE_KINDS,
    LAB_EVENT_KINDS,
    LAB_STATUSES,
    PLAN_ITEM_KINDS,
    SPECIALIZATIONS,
    TOPIC_STATES,
)
from mlcamp.store.records import (
    AssessmentRecord,
    LabAttemptRecord,
    LabEventRecord,
    LearnerRecord,
    PlanItemRecord,
    PlanRecord,
    ReportedMilestoneRecord,
    ReviewCardRecord,
    ReviewLogRecord,
    TopicEventRecord,
    TopicStatusRecord,
)
from mlcamp.store.repository import LearnerChanges, Store, open_store
from mlcamp.store.schema import head_revision
from mlcamp.store.transfer import EXPORT_FORMAT, EXPORT_VERSION
from mlcamp.store.validation import code_digest

__all__ = [
    "BACKGROUNDS",
    "DEFAULT_BUSY_TIMEOUT_MS",
    "EVIDENCE_KINDS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "LAB_EVENT_KINDS",
    "LAB_STATUSES",
    "PLAN_ITEM_KINDS",
    "SPECIALIZATIONS",
    "TOPIC_STATES",
    "AssessmentRecord",
    "LabAttemptRecord",
    "LabEventRecord",
    "LearnerChanges",
    "LearnerExistsError",
    "LearnerNotFoundError",
    "LearnerRecord",
    "PlanItemRecord",
    "PlanRecord",
    "ReportedMilestoneRecord",
    "ReviewCardRecord",
    "ReviewLogRecord",
    "Store",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "StoreTooNewError",
    "StoreUnwritableError",
    "TopicEventRecord",
    "TopicStatusRecord",
    "code_digest",
    "head_revision",
    "open_store",
]
