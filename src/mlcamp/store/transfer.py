"""Export and import of all of one learner's data as a single JSON-compatible document.

The document (``format`` ``"mlcamp-export"``, ``version`` 1) holds the learner's profile and every
row that belongs to them::

    {"format": "mlcamp-export", "version": 1, "schema_revision": "0003_reported_milestones",
     "learner": {"name": ..., "background": ..., ...},
     "topic_statuses": [...], "topic_events": [...], "lab_attempts": [...], "lab_events": [...],
     "plans": [{..., "items": [...]}], "review_cards": [...], "review_logs": [...],
     "assessments": [...], "reported_milestones": [...]}

Datetimes are ISO 8601 text with a UTC offset, dates ISO 8601 text; the JSON columns (lab reports,
review card states, assessment results) are embedded as parsed JSON, not as strings.

Database ids are never exported: nothing in the document refers to another row by id (plan items
are nested in their plan; cards, labs and topics are named by their curriculum ids). Every list
has a fixed order (histories oldest first) and an import inserts rows in document order, so
exporting, importing into an empty database and exporting again gives an identical document.

:func:`parse_document` validates a whole document before anything is written and raises
``ValueError`` naming the offending field by its path, such as ``plans[0].items[2].kind``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mlcamp.store.models import (
    BACKGROUNDS,
    EVIDENCE_KINDS,
    LAB_EVENT_KINDS,
    LAB_STATUSES,
    PLAN_ITEM_KINDS,
    SPECIALIZATIONS,
    TOPIC_STATES,
    Assessment,
    LabAttempt,
    LabEvent,
    Learner,
    Plan,
    PlanItem,
    ReportedMilestone,
    ReviewCard,
    ReviewLog,
    TopicEvent,
    TopicStatus,
)
from mlcamp.store.validation import (
    check_choice,
    check_number,
    check_sha256,
    check_text,
)

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "SECTIONS",
    "ParsedExport",
    "export_document",
    "parse_document",
]

EXPORT_FORMAT = "mlcamp-export"
"""The value of the document's ``format`` field."""

EXPORT_VERSION = 1
"""The document layout version written by :func:`export_document`."""

SECTIONS: tuple[str, ...] = (
    "topic_statuses",
    "topic_events",
    "lab_attempts",
    "lab_events",
    "plans",
    "review_cards",
    "review_logs",
    "assessments",
    "reported_milestones",
)
"""The lists of learner rows in a document, in the order they are written and imported."""

_TOP_LEVEL = ("format", "version", "schema_revision", "learner", *SECTIONS)
_MAX_INTEGER = 2**63 - 1  # what a database INTEGER column holds
_REASON_LENGTH = 10_000
_NOTE_LENGTH = 2_000  # as MILESTONE_NOTE_LENGTH in the repository


# -- export ------------------------------------------------------------------------------------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def export_document(session: Session, learner: Learner, schema_revision: str) -> dict[str, Any]:
    """Return every row of ``learner`` as an export document (see the module docstring)."""
    owner = learner.id
    statuses = session.scalars(
        select(TopicStatus).where(TopicStatus.learner_id == owner).order_by(TopicStatus.topic_id)
    )
    topic_events = session.scalars(
        select(TopicEvent).where(TopicEvent.learner_id == owner).order_by(TopicEvent.id)
    )
    attempts = session.scalars(
        select(LabAttempt).where(LabAttempt.learner_id == owner).order_by(LabAttempt.id)
    )
    lab_events = session.scalars(
        select(LabEvent).where(LabEvent.learner_id == owner).order_by(LabEvent.id)
    )
    plans = session.scalars(
        select(Plan)
        .where(Plan.learner_id == owner)
        .order_by(Plan.sequence)
        .options(selectinload(Plan.items))
    )
    cards = session.scalars(
        select(ReviewCard)
        .where(ReviewCard.learner_id == owner)
        .order_by(ReviewCard.due, ReviewCard.card_id)
    )
    logs = session.scalars(
        select(ReviewLog)
        .where(ReviewLog.learner_id == owner)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    )
    assessments = session.scalars(
        select(Assessment)
        .where(Assessment.learner_id == owner)
        .order_by(Assessment.taken_at, Assessment.id)
    )
    reported = session.scalars(
        select(ReportedMilestone)
        .where(ReportedMilestone.learner_id == owner)
        .order_by(ReportedMilestone.milestone_id)
    )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "schema_revision": schema_revision,
        "learner": {
            "name": learner.name,
            "background": learner.background,
            "hours_per_week": learner.hours_per_week,
            "start_date": learner.start_date.isoformat(),
            "target_date": None if learner.target_date is None else learner.target_date.isoformat(),
            "specialization": learner.specialization,
            "include_optional": learner.include_optional,
            "created_at": _iso(learner.created_at),
            "updated_at": _iso(learner.updated_at),
        },
        "topic_statuses": [
            {
                "topic_id": row.topic_id,
                "state": row.state,
                "evidence": row.evidence,
                "evidence_ref": row.evidence_ref,
                "updated_at": _iso(row.updated_at),
            }
            for row in statuses
        ],
        "topic_events": [
            {
                "topic_id": row.topic_id,
                "state": row.state,
                "evidence": row.evidence,
                "evidence_ref": row.evidence_ref,
                "created_at": _iso(row.created_at),
            }
            for row in topic_events
        ],
        "lab_attempts": [
            {
                "lab_id": row.lab_id,
                "status": row.status,
                "score": row.score,
                "report": json.loads(row.report_json),
                "code_sha256": row.code_sha256,
                "created_at": _iso(row.created_at),
            }
            for row in attempts
        ],
        "lab_events": [
            {
                "lab_id": row.lab_id,
                "kind": row.kind,
                "detail": row.detail,
                "forced": row.forced,
                "created_at": _iso(row.created_at),
            }
            for row in lab_events
        ],
        "plans": [
            {
                "sequence": plan.sequence,
                "start_date": plan.start_date.isoformat(),
                "end_date": plan.end_date.isoformat(),
                "reason": plan.reason,
                "created_at": _iso(plan.created_at),
                "items": [
                    {
                        "week_start": item.week_start.isoformat(),
                        "position": item.position,
                        "kind": item.kind,
                        "ref_id": item.ref_id,
                        "hours": item.hours,
                    }
                    for item in sorted(
                        plan.items, key=lambda item: (item.week_start, item.position)
                    )
                ],
            }
            for plan in plans
        ],
        "review_cards": [
            {
                "card_id": row.card_id,
                "topic_id": row.topic_id,
                "state": json.loads(row.state_json),
                "due": _iso(row.due),
                "created_at": _iso(row.created_at),
                "updated_at": _iso(row.updated_at),
            }
            for row in cards
        ],
        "review_logs": [
            {
                "card_id": row.card_id,
                "rating": row.rating,
                "reviewed_at": _iso(row.reviewed_at),
                "duration_seconds": row.duration_seconds,
            }
            for row in logs
        ],
        "assessments": [
            {
                "taken_at": _iso(row.taken_at),
                "results": json.loads(row.results_json),
                "recommended_background": row.recommended_background,
            }
            for row in assessments
        ],
        "reported_milestones": [
            {
                "milestone_id": row.milestone_id,
                "note": row.note,
                "recorded_at": _iso(row.recorded_at),
            }
            for row in reported
        ],
    }


# -- import: field converters --------------------------------------------------------------------

_Convert = Callable[[str, object], Any]


def _describe(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def _text(*, optional: bool = False, max_length: int | None = None) -> _Convert:
    def convert(path: str, value: object) -> str | None:
        if value is None and optional:
            return None
        if max_length is None:
            return check_text(path, value)
        return check_text(path, value, max_length=max_length)

    return convert


def _choice(allowed: tuple[str, ...], *, optional: bool = False) -> _Convert:
    def convert(path: str, value: object) -> object:
        check_choice(path, value, allowed, optional=optional)
        return value

    return convert


def _number(*, low: float, high: float = math.inf, optional: bool = False) -> _Convert:
    def convert(path: str, value: object) -> float | None:
        if value is None and optional:
            return None
        return check_number(path, value, low=low, high=high)

    return convert


def _integer(*, low: int = -_MAX_INTEGER - 1, high: int = _MAX_INTEGER) -> _Convert:
    def convert(path: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{path} must be an integer, got {_describe(value)} ({value!r})")
        if not low <= value <= high:
            raise ValueError(f"{path} must be an integer from {low} to {high}, got {value!r}")
        return value

    return convert


def _boolean(path: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{path} must be true or false, got {_describe(value)} ({value!r})")
    return value


def _date(*, optional: bool = False) -> _Convert:
    def convert(path: str, value: object) -> date | None:
        if value is None and optional:
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError(f"{path} must be an ISO 8601 date such as '2025-01-31', got {value!r}")

    return convert


def _datetime(path: str, value: object) -> datetime:
    parsed: datetime | None = None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValueError(
            f"{path} must be an ISO 8601 date and time such as '2025-01-31T09:30:00+00:00', "
            f"got {value!r}"
        )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{path} must include a UTC offset (such as +00:00), got {value!r}")
    return parsed.astimezone(UTC)


def _json(*, object_only: bool, allow_nan: bool = False) -> _Convert:
    def convert(path: str, value: object) -> str:
        if object_only and not isinstance(value, Mapping):
            raise ValueError(f"{path} must be an object, got {_describe(value)}")
        try:
            return json.dumps(
                dict(value) if isinstance(value, Mapping) else value,
                ensure_ascii=False,
                allow_nan=allow_nan,
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path} cannot be stored as JSON: {error}") from error

    return convert


def _sha256(path: str, value: object) -> str | None:
    try:
        check_sha256(value)
    except ValueError:
        raise ValueError(f"{path} must be 64 lowercase hex digits or null, got {value!r}") from None
    return None if value is None else str(value)


_LEARNER: dict[str, _Convert] = {
    "name": _text(),
    "background": _choice(BACKGROUNDS),
    "hours_per_week": _number(low=0.0, high=168.0),
    "start_date": _date(),
    "target_date": _date(optional=True),
    "specialization": _choice(SPECIALIZATIONS, optional=True),
    "include_optional": _boolean,
    "created_at": _datetime,
    "updated_at": _datetime,
}
_TOPIC_STATUS: dict[str, _Convert] = {
    "topic_id": _text(),
    "state": _choice(TOPIC_STATES),
    "evidence": _choice(EVIDENCE_KINDS, optional=True),
    "evidence_ref": _text(optional=True),
    "updated_at": _datetime,
}
_TOPIC_EVENT: dict[str, _Convert] = {
    **{key: _TOPIC_STATUS[key] for key in ("topic_id", "state", "evidence", "evidence_ref")},
    "created_at": _datetime,
}
_LAB_ATTEMPT: dict[str, _Convert] = {
    "lab_id": _text(),
    "status": _choice(LAB_STATUSES),
    "score": _number(low=0.0, high=1.0),
    # Grading reports may hold NaN (Python's json writes and reads it); kept as they were stored.
    "report": _json(object_only=False, allow_nan=True),
    "code_sha256": _sha256,
    "created_at": _datetime,
}
_LAB_EVENT: dict[str, _Convert] = {
    "lab_id": _text(),
    "kind": _choice(LAB_EVENT_KINDS),
    "detail": _text(optional=True),
    "forced": _boolean,
    "created_at": _datetime,
}
_PLAN: dict[str, _Convert] = {
    "sequence": _integer(low=1),
    "start_date": _date(),
    "end_date": _date(),
    "reason": _text(max_length=_REASON_LENGTH),
    "created_at": _datetime,
    "items": lambda path, value: value,  # checked by _plan_items
}
_PLAN_ITEM: dict[str, _Convert] = {
    "week_start": _date(),
    "position": _integer(),
    "kind": _choice(PLAN_ITEM_KINDS),
    "ref_id": _text(),
    "hours": _number(low=0.0),
}
_REVIEW_CARD: dict[str, _Convert] = {
    "card_id": _text(),
    "topic_id": _text(),
    "state": _json(object_only=True),
    "due": _datetime,
    "created_at": _datetime,
    "updated_at": _datetime,
}
_REVIEW_LOG: dict[str, _Convert] = {
    "card_id": _text(),
    "rating": _integer(low=1, high=4),
    "reviewed_at": _datetime,
    "duration_seconds": _number(low=0.0, optional=True),
}
_ASSESSMENT: dict[str, _Convert] = {
    "taken_at": _datetime,
    "results": _json(object_only=True),
    "recommended_background": _choice(BACKGROUNDS),
}
_REPORTED_MILESTONE: dict[str, _Convert] = {
    "milestone_id": _text(),
    "note": _text(max_length=_NOTE_LENGTH),
    "recorded_at": _datetime,
}

# Document field -> model attribute, where they differ (the JSON columns).
_RENAMES: dict[str, dict[str, str]] = {
    "lab_attempts": {"report": "report_json"},
    "review_cards": {"state": "state_json"},
    "assessments": {"results": "results_json"},
}


# -- import: structure -----------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _record(
    path: str,
    value: object,
    fields: Mapping[str, _Convert],
    renames: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check that ``value`` is an object with exactly ``fields`` and convert each field.

    ``path`` locates the object in the document (empty for the document itself); the result
    uses the keys in ``renames`` instead of the document's field names.
    """
    renames = renames or {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{path} must be an object, got {_describe(value)}")
    for key in fields:
        if key not in value:
            raise ValueError(f"{_join(path, key)} is missing")
    unknown = sorted(str(key) for key in value if key not in fields)
    if unknown:
        raise ValueError(
            f"{_join(path, unknown[0])} is not a field of an mlcamp export "
            f"(expected: {', '.join(fields)})"
        )
    return {
        renames.get(key, key): convert(_join(path, key), value[key])
        for key, convert in fields.items()
    }


def _items(path: str, value: object) -> list[object]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{path} must be a list, got {_describe(value)}")
    return list(value)


def _records(path: str, value: object, fields: Mapping[str, _Convert]) -> list[dict[str, Any]]:
    renames = _RENAMES.get(path)
    return [
        _record(f"{path}[{index}]", entry, fields, renames)
        for index, entry in enumerate(_items(path, value))
    ]


def _refuse_repeats(path: str, rows: list[dict[str, Any]], *keys: str) -> None:
    seen: set[tuple[Any, ...]] = set()
    for index, row in enumerate(rows):
        key = tuple(row[name] for name in keys)
        if key in seen:
            shown = ", ".join(f"{name} {row[name]!s}" for name in keys)
            raise ValueError(f"{path}[{index}] repeats {shown} of an earlier entry")
        seen.add(key)


def _check_evidence(path: str, rows: list[dict[str, Any]]) -> None:
    for index, row in enumerate(rows):
        if row["evidence_ref"] is not None and row["evidence"] is None:
            raise ValueError(f"{path}[{index}].evidence_ref needs {path}[{index}].evidence")


def _check_dates(path: str, start: date, end: date | None, end_name: str, start_name: str) -> None:
    if end is not None and end < start:
        raise ValueError(f"{path}.{end_name} {end} is before {path}.{start_name} {start}")


@dataclass
class ParsedExport:
    """A validated export document, converted to model column values."""

    learner: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Rows of each section in :data:`SECTIONS`; each plan has an ``items`` list of rows."""

    def models(self, learner_id: int) -> list[Any]:
        """Return new ORM objects for every row, in document order, owned by ``learner_id``."""
        kinds: dict[str, type[Any]] = {
            "topic_statuses": TopicStatus,
            "topic_events": TopicEvent,
            "lab_attempts": LabAttempt,
            "lab_events": LabEvent,
            "review_cards": ReviewCard,
            "review_logs": ReviewLog,
            "assessments": Assessment,
            "reported_milestones": ReportedMilestone,
        }
        objects: list[Any] = []
        for section in SECTIONS:
            for row in self.rows[section]:
                if section == "plans":
                    values = {key: value for key, value in row.items() if key != "items"}
                    items = [PlanItem(**item) for item in row["items"]]
                    objects.append(Plan(learner_id=learner_id, items=items, **values))
                else:
                    objects.append(kinds[section](learner_id=learner_id, **row))
        return objects


def parse_document(data: object) -> ParsedExport:
    """Validate an export document and convert it; raise ``ValueError`` naming the bad path."""
    if not isinstance(data, Mapping):
        raise ValueError(f"an mlcamp export must be a JSON object, got {_describe(data)}")
    if data.get("format") != EXPORT_FORMAT:
        raise ValueError(
            f"format must be {EXPORT_FORMAT!r}, got {data.get('format')!r}: "
            "this is not an mlcamp export"
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"version must be an integer, got {version!r}")
    if version != EXPORT_VERSION:
        newer = " (written by a newer mlcamp; upgrade mlcamp)" if version > EXPORT_VERSION else ""
        raise ValueError(
            f"version {version} is not supported{newer}; this mlcamp reads version {EXPORT_VERSION}"
        )
    if "reported_milestones" not in data:  # exports made before 0003_reported_milestones
        data = {**data, "reported_milestones": []}
    fields: dict[str, _Convert] = dict.fromkeys(_TOP_LEVEL, lambda path, value: value)
    fields["schema_revision"] = _text()
    _record("", data, fields)  # missing and unknown top-level fields

    learner = _record("learner", data["learner"], _LEARNER)
    if learner["hours_per_week"] == 0:
        raise ValueError("learner.hours_per_week must be more than 0")
    _check_dates(
        "learner", learner["start_date"], learner["target_date"], "target_date", "start_date"
    )

    rows: dict[str, list[dict[str, Any]]] = {}
    rows["topic_statuses"] = _records("topic_statuses", data["topic_statuses"], _TOPIC_STATUS)
    _refuse_repeats("topic_statuses", rows["topic_statuses"], "topic_id")
    _check_evidence("topic_statuses", rows["topic_statuses"])
    rows["topic_events"] = _records("topic_events", data["topic_events"], _TOPIC_EVENT)
    _check_evidence("topic_events", rows["topic_events"])
    rows["lab_attempts"] = _records("lab_attempts", data["lab_attempts"], _LAB_ATTEMPT)
    rows["lab_events"] = _records("lab_events", data["lab_events"], _LAB_EVENT)

    rows["plans"] = _records("plans", data["plans"], _PLAN)
    _refuse_repeats("plans", rows["plans"], "sequence")
    for index, plan in enumerate(rows["plans"]):
        path = f"plans[{index}]"
        _check_dates(path, plan["start_date"], plan["end_date"], "end_date", "start_date")
        plan["items"] = _records(f"{path}.items", plan["items"], _PLAN_ITEM)
        _refuse_repeats(f"{path}.items", plan["items"], "week_start", "position")

    rows["review_cards"] = _records("review_cards", data["review_cards"], _REVIEW_CARD)
    _refuse_repeats("review_cards", rows["review_cards"], "card_id")
    rows["review_logs"] = _records("review_logs", data["review_logs"], _REVIEW_LOG)
    rows["assessments"] = _records("assessments", data["assessments"], _ASSESSMENT)
    rows["reported_milestones"] = _records(
        "reported_milestones", data["reported_milestones"], _REPORTED_MILESTONE
    )
    _refuse_repeats("reported_milestones", rows["reported_milestones"], "milestone_id")
    return ParsedExport(learner=learner, rows=rows)
