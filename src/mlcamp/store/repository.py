"""The Store: opening the database and the repository functions the rest of mlcamp calls.

Every method runs in its own short transaction (writes take the write lock up front, see
:func:`mlcamp.store.engine.writer`) and returns immutable records from
:mod:`mlcamp.store.records`. Any database failure surfaces as a :class:`StoreError` subclass.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypedDict, TypeVar, Unpack

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from mlcamp.paths import database_url
from mlcamp.store.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    SQLITE_HEADER,
    create_store_engine,
    describe_location,
    sqlite_file,
    writer,
)
from mlcamp.store.errors import (
    LearnerExistsError,
    LearnerNotFoundError,
    StoreCorruptError,
    StoreError,
    StoreUnwritableError,
    classify_database_error,
)
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
    utcnow,
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
from mlcamp.store.schema import current_revisions, ensure_schema, head_revision
from mlcamp.store.transfer import export_document, parse_document
from mlcamp.store.validation import (
    check_choice,
    check_date,
    check_datetime,
    check_json,
    check_number,
    check_sha256,
    check_text,
)

__all__ = ["LearnerChanges", "Store", "open_store"]

T = TypeVar("T")

REMEMBERED_READS = 128
"""Results of read methods a Store keeps (all forgotten at once when full)."""


def _database_errors() -> tuple[type[BaseException], ...]:
    # Alembic is imported only when a migration ran; its errors cannot occur before that.
    alembic_util = sys.modules.get("alembic.util")
    command_error = getattr(alembic_util, "CommandError", None)
    extra: tuple[type[BaseException], ...] = (command_error,) if command_error else ()
    return (SQLAlchemyError, sqlite3.Error, OSError, *extra)


class LearnerChanges(TypedDict, total=False):
    """Profile fields accepted by :meth:`Store.update_learner` (all optional)."""

    name: str
    background: str
    hours_per_week: float
    start_date: date
    target_date: date | None
    specialization: str | None
    include_optional: bool


def open_store(url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Store:
    """Open (creating and migrating if needed) the mlcamp database and return a :class:`Store`.

    ``url`` defaults to :func:`mlcamp.paths.database_url` (MLCAMP_DATABASE_URL, or ``mlcamp.db``
    in MLCAMP_HOME, which is created if missing). The schema is upgraded to the newest revision
    under a write lock, so concurrent first opens are safe. Raises a :class:`StoreError` subclass
    for a database from a newer mlcamp, a locked, corrupt or unwritable database; a corrupt file is
    never modified.
    """
    raw_url = database_url() if url is None else url
    try:
        parsed = make_url(raw_url)
    except ArgumentError as error:
        raise StoreError(
            f"{raw_url!r} is not a valid database URL ({error}). Check MLCAMP_DATABASE_URL; "
            "for a file use sqlite:////absolute/path/to/mlcamp.db."
        ) from error
    location = describe_location(parsed)
    try:
        engine = create_store_engine(parsed, busy_timeout_ms=busy_timeout_ms)
    except (NoSuchModuleError, ImportError, ArgumentError) as error:
        raise StoreError(
            f"mlcamp cannot use the database {location}: {error}. Check MLCAMP_DATABASE_URL and "
            "install the database driver it needs, or unset it to use the local SQLite database.",
            location=location,
        ) from error
    try:
        path = sqlite_file(parsed)
        if path is not None:
            _prepare_sqlite_file(path, location)
        ensure_schema(engine, location)
    except BaseException as error:
        engine.dispose()
        if isinstance(error, _database_errors()):
            raise classify_database_error(error, location) from error
        raise
    return Store(engine, location)


def _prepare_sqlite_file(path: Path, location: str) -> None:
    """Create the database's folder and refuse, without touching it, a file that is not SQLite."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise StoreUnwritableError(
            location, f"cannot create the folder {folder} ({reason})"
        ) from error
    if path.is_dir():
        raise StoreUnwritableError(location, "that path is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreUnwritableError(location, error.strerror or str(error)) from error
    # Empty: SQLite initialises it. All zeros: possibly a database being created by another
    # process right now; SQLite itself decides (and reports a real corruption as such).
    if header.strip(b"\x00") and header != SQLITE_HEADER:
        raise StoreCorruptError(location, "the file is not an SQLite database")


class Store:
    """The learner's progress database. Create it with :func:`open_store`; close it when done.

    Usable as a context manager. Methods are safe to call from several processes at once.
    """

    def __init__(self, engine: Engine, location: str) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self.location = location
        """The database file (or URL without password), for messages."""
        self._watch_lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self._watch_failed = False
        self._reads: dict[Hashable, tuple[int, Any]] = {}
        self._reads_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tools and tests; prefer the repository methods)."""
        return self._engine

    def close(self) -> None:
        """Close every pooled connection. The store must not be used afterwards."""
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            self._watch_failed = True
        self._engine.dispose()

    def data_version(self) -> int | None:
        """A number that changes whenever anything is committed to the database, by any process.

        For caches of what is computed from the database: a result computed while this number
        was ``v`` may be reused as long as it is still ``v``. SQLite files only (``PRAGMA
        data_version`` on a read-only connection that never writes, so every commit of every
        other connection, in this process or another, changes it); None where there is no such
        number (other databases, in-memory SQLite), meaning "do not cache".
        """
        with self._watch_lock:
            if self._watch_failed:
                return None
            try:
                if self._watch is None:
                    self._watch = self._open_watch()
                    if self._watch is None:
                        self._watch_failed = True
                        return None
                row = self._watch.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                # Not worth failing a page for: without the number, callers just do not cache.
                if self._watch is not None:
                    self._watch.close()
                self._watch = None
                return None
            return int(row[0])

    def _open_watch(self) -> sqlite3.Connection | None:
        path = sqlite_file(self._engine.url)
        if self._engine.dialect.name != "sqlite" or path is None:
            return None
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=1.0
        )

    def _remember(self, key: Hashable, read: Callable[[], T]) -> T:
        """``read()``, or what it returned before if nothing was committed since.

        Read methods return immutable records, in a new container per call; they are safe to
        reuse while :meth:`data_version` is unchanged. The version is read before ``read()``, so
        what is kept is never older than the version it is kept under.
        """
        version = self.data_version()
        if version is None:
            return read()
        with self._reads_lock:
            found = self._reads.get(key)
            if found is not None and found[0] == version:
                value: T = found[1]
                return value
        value = read()
        with self._reads_lock:
            if len(self._reads) >= REMEMBERED_READS:
                self._reads.clear()
            self._reads[key] = (version, value)
        return value

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        """Run one transaction; translate database failures into :class:`StoreError`."""
        try:
            with (
                Session(self._writer if write else self._engine, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session
        except _database_errors() as error:
            raise classify_database_error(error, self.location) from error

    def _require_learner(self, session: Session, learner_id: int) -> Learner:
        learner = session.get(Learner, learner_id)
        if learner is None:
            raise LearnerNotFoundError(self.location, learner_id)
        return learner

    # -- schema --------------------------------------------------------------------------------

    def schema_revision(self) -> str | None:
        """Return the database's Alembic revision (None if it was never migrated)."""
        try:
            with self._engine.connect() as connection:
                revisions = current_revisions(connection)
        except _database_errors() as error:
            raise classify_database_error(error, self.location) from error
        return revisions[0] if revisions else None

    def check_integrity(self) -> list[str]:
        """Run SQLite's ``quick_check`` and return the problems found (empty when healthy)."""
        if self._engine.dialect.name != "sqlite":
            return []
        with self._session(write=False) as session:
            rows = session.connection().exec_driver_sql("PRAGMA quick_check").scalars().all()
        return [str(row) for row in rows if row != "ok"]

    # -- learner -------------------------------------------------------------------------------

    def get_or_create_learner(
        self,
        name: str = "me",
        *,
        background: str = "beginner",
        hours_per_week: float = 10.0,
        start_date: date | None = None,
        target_date: date | None = None,
        specialization: str | None = None,
        include_optional: bool = True,
    ) -> LearnerRecord:
        """Return the learner called ``name``, creating it with the given profile if missing.

        The profile arguments are used only when the learner is created (``start_date`` defaults
        to today); an existing learner is returned unchanged (see :meth:`update_learner`).
        """
        start = date.today() if start_date is None else start_date
        _check_profile(
            name, background, hours_per_week, start, target_date, specialization, include_optional
        )
        existing = self._remember(("learner", name), lambda: self._learner_named(name))
        if existing is not None:
            return existing
        for attempt in range(2):
            try:
                with self._session(write=True) as session:
                    learner = session.scalars(
                        select(Learner).where(Learner.name == name)
                    ).one_or_none()
                    if learner is None:
                        now = utcnow()
                        learner = Learner(
                            name=name,
                            background=background,
                            hours_per_week=float(hours_per_week),
                            start_date=start,
                            target_date=target_date,
                            specialization=specialization,
                            include_optional=include_optional,
                            created_at=now,
                            updated_at=now,
                        )
                        session.add(learner)
                        session.flush()
                    return _learner_record(learner)
            except StoreError as error:
                # Two servers creating the same learner at once: the loser reads the winner's row.
                if attempt == 0 and isinstance(error.__cause__, IntegrityError):
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _learner_named(self, name: str) -> LearnerRecord | None:
        with self._session(write=False) as session:
            learner = session.scalars(select(Learner).where(Learner.name == name)).one_or_none()
            return None if learner is None else _learner_record(learner)

    def get_learner(self, learner_id: int) -> LearnerRecord:
        """Return the learner with ``learner_id`` (:class:`LearnerNotFoundError` if none)."""
        with self._session(write=False) as session:
            return _learner_record(self._require_learner(session, learner_id))

    def update_learner(self, learner_id: int, **changes: Unpack[LearnerChanges]) -> LearnerRecord:
        """Change some profile fields of a learner and return the updated profile."""
        unknown = set(changes) - set(LearnerChanges.__annotations__)
        if unknown:
            raise TypeError(f"update_learner() got unknown field(s): {', '.join(sorted(unknown))}")
        with self._session(write=True) as session:
            learner = self._require_learner(session, learner_id)
            merged: dict[str, Any] = {
                "name": learner.name,
                "background": learner.background,
                "hours_per_week": learner.hours_per_week,
                "start_date": learner.start_date,
                "target_date": learner.target_date,
                "specialization": learner.specialization,
                "include_optional": learner.include_optional,
            }
            merged.update(changes)
            _check_profile(**merged)
            merged["hours_per_week"] = float(merged["hours_per_week"])
            for field, value in merged.items():
                setattr(learner, field, value)
            learner.updated_at = utcnow()
            session.flush()
            return _learner_record(learner)

    # -- topics --------------------------------------------------------------------------------

    def set_topic_status(
        self,
        learner_id: int,
        topic_id: str,
        state: str,
        *,
        evidence: str | None = None,
        evidence_ref: str | None = None,
    ) -> TopicStatusRecord:
        """Set a topic's state and append the change to its history, in one transaction.

        ``evidence`` says why (``lab-passed``, ``quiz-passed``, ``self-reported``) and
        ``evidence_ref`` which lab or quiz. Setting exactly the current values records nothing.
        """
        check_text("topic_id", topic_id)
        check_choice("state", state, TOPIC_STATES)
        check_choice("evidence", evidence, EVIDENCE_KINDS, optional=True)
        if evidence_ref is not None:
            check_text("evidence_ref", evidence_ref)
            if evidence is None:
                raise ValueError("evidence_ref needs an evidence kind (e.g. evidence='lab-passed')")
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            status = session.scalars(
                select(TopicStatus).where(
                    TopicStatus.learner_id == learner_id, TopicStatus.topic_id == topic_id
                )
            ).one_or_none()
            if status is not None and (status.state, status.evidence, status.evidence_ref) == (
                state,
                evidence,
                evidence_ref,
            ):
                return _topic_status_record(status)
            now = utcnow()
            if status is None:
                status = TopicStatus(learner_id=learner_id, topic_id=topic_id)
                session.add(status)
            status.state = state
            status.evidence = evidence
            status.evidence_ref = evidence_ref
            status.updated_at = now
            session.add(
                TopicEvent(
                    learner_id=learner_id,
                    topic_id=topic_id,
                    state=state,
                    evidence=evidence,
                    evidence_ref=evidence_ref,
                    created_at=now,
                )
            )
            session.flush()
            return _topic_status_record(status)

    def topic_statuses(self, learner_id: int) -> dict[str, TopicStatusRecord]:
        """Return the current status of every topic the learner has touched, by topic id."""
        found = self._remember(
            ("topic_statuses", learner_id), lambda: self._read_topic_statuses(learner_id)
        )
        return dict(found)

    def _read_topic_statuses(self, learner_id: int) -> dict[str, TopicStatusRecord]:
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(
                select(TopicStatus)
                .where(TopicStatus.learner_id == learner_id)
                .order_by(TopicStatus.topic_id)
            )
            return {row.topic_id: _topic_status_record(row) for row in rows}

    def topic_events(self, learner_id: int, topic_id: str | None = None) -> list[TopicEventRecord]:
        """Return the learner's status changes, oldest first (optionally for one topic)."""
        found = self._remember(
            ("topic_events", learner_id, topic_id),
            lambda: self._read_topic_events(learner_id, topic_id),
        )
        return list(found)

    def _read_topic_events(
        self, learner_id: int, topic_id: str | None = None
    ) -> list[TopicEventRecord]:
        query = select(TopicEvent).where(TopicEvent.learner_id == learner_id)
        if topic_id is not None:
            query = query.where(TopicEvent.topic_id == topic_id)
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(query.order_by(TopicEvent.id))
            return [_topic_event_record(row) for row in rows]

    # -- labs ----------------------------------------------------------------------------------

    def record_lab_attempt(
        self,
        learner_id: int,
        lab_id: str,
        status: str,
        score: float,
        report: Mapping[str, Any] | str,
        *,
        code_sha256: str | None = None,
    ) -> LabAttemptRecord:
        """Record one grading of a lab: its status, score in [0, 1] and the JSON report.

        ``report`` is the report as a mapping or as JSON text; ``code_sha256`` identifies the
        submitted code (see :func:`mlcamp.store.code_digest`).
        """
        check_text("lab_id", lab_id)
        check_choice("status", status, LAB_STATUSES)
        value = check_number("score", score, low=0.0, high=1.0)
        check_sha256(code_sha256)
        report_json = _report_json(report)
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            attempt = LabAttempt(
                learner_id=learner_id,
                lab_id=lab_id,
                status=status,
                score=value,
                report_json=report_json,
                code_sha256=code_sha256,
                created_at=utcnow(),
            )
            session.add(attempt)
            session.flush()
            return _lab_attempt_record(attempt)

    def lab_attempts(self, learner_id: int, lab_id: str | None = None) -> list[LabAttemptRecord]:
        """Return the learner's lab gradings, oldest first (optionally for one lab)."""
        found = self._remember(
            ("lab_attempts", learner_id, lab_id),
            lambda: self._read_lab_attempts(learner_id, lab_id),
        )
        return list(found)

    def passed_labs(self, learner_id: int) -> frozenset[str]:
        """The ids of the labs the learner has passed at least once (no report is read)."""
        return self._remember(("passed_labs", learner_id), lambda: self._read_passed(learner_id))

    def _read_passed(self, learner_id: int) -> frozenset[str]:
        query = (
            select(LabAttempt.lab_id)
            .where(LabAttempt.learner_id == learner_id, LabAttempt.status == "pass")
            .distinct()
        )
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            return frozenset(session.scalars(query))

    def _read_lab_attempts(
        self, learner_id: int, lab_id: str | None = None
    ) -> list[LabAttemptRecord]:
        query = select(LabAttempt).where(LabAttempt.learner_id == learner_id)
        if lab_id is not None:
            query = query.where(LabAttempt.lab_id == lab_id)
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(query.order_by(LabAttempt.id))
            return [_lab_attempt_record(row) for row in rows]

    def record_lab_event(
        self,
        learner_id: int,
        lab_id: str,
        kind: str,
        *,
        detail: str | int | None = None,
        forced: bool = False,
    ) -> LabEventRecord:
        """Record that the learner viewed a hint or the solution of a lab.

        ``detail`` is e.g. the hint number; ``forced`` marks a solution shown before a pass.
        """
        check_text("lab_id", lab_id)
        check_choice("kind", kind, LAB_EVENT_KINDS)
        text = None if detail is None else check_text("detail", str(detail))
        if not isinstance(forced, bool):
            raise ValueError(f"forced must be a bool, got {forced!r}")
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            event = LabEvent(
                learner_id=learner_id,
                lab_id=lab_id,
                kind=kind,
                detail=text,
                forced=forced,
                created_at=utcnow(),
            )
            session.add(event)
            session.flush()
            return _lab_event_record(event)

    def lab_events(
        self, learner_id: int, lab_id: str | None = None, kind: str | None = None
    ) -> list[LabEventRecord]:
        """Return the learner's hint/solution views, oldest first (optionally filtered)."""
        check_choice("kind", kind, LAB_EVENT_KINDS, optional=True)
        query = select(LabEvent).where(LabEvent.learner_id == learner_id)
        if lab_id is not None:
            query = query.where(LabEvent.lab_id == lab_id)
        if kind is not None:
            query = query.where(LabEvent.kind == kind)
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(query.order_by(LabEvent.id))
            return [_lab_event_record(row) for row in rows]

    # -- plans ---------------------------------------------------------------------------------

    def save_plan(
        self,
        learner_id: int,
        *,
        start_date: date,
        end_date: date,
        reason: str,
        items: Iterable[PlanItemRecord],
    ) -> PlanRecord:
        """Save a new plan for the learner (numbered after the previous one) and return it.

        Items must have distinct ``(week_start, position)`` pairs; earlier plans are kept.
        """
        check_date("start_date", start_date)
        check_date("end_date", end_date)
        if end_date < start_date:
            raise ValueError(f"end_date {end_date} is before start_date {start_date}")
        check_text("reason", reason, max_length=10_000)
        entries = list(items)
        _check_plan_items(entries)
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            previous = session.scalar(
                select(func.max(Plan.sequence)).where(Plan.learner_id == learner_id)
            )
            plan = Plan(
                learner_id=learner_id,
                sequence=(previous or 0) + 1,
                start_date=start_date,
                end_date=end_date,
                reason=reason,
                created_at=utcnow(),
            )
            session.add(plan)
            session.flush()
            # One executemany for the items: a plan holds hundreds of them, and ORM objects
            # would cost more than planning itself.
            if entries:
                session.execute(
                    insert(PlanItem),
                    [
                        {
                            "plan_id": plan.id,
                            "week_start": entry.week_start,
                            "position": entry.position,
                            "kind": entry.kind,
                            "ref_id": entry.ref_id,
                            "hours": float(entry.hours),
                        }
                        for entry in entries
                    ],
                )
            stored = [
                PlanItemRecord(e.week_start, e.position, e.kind, e.ref_id, float(e.hours))
                for e in entries
            ]
            return _plan_record(plan, stored)

    def latest_plan(self, learner_id: int) -> PlanRecord | None:
        """Return the learner's most recent plan, or None if no plan was saved yet."""
        found = self._remember(
            ("latest_plan", learner_id), lambda: self._read_latest_plan(learner_id)
        )
        return found

    def _read_latest_plan(self, learner_id: int) -> PlanRecord | None:
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            plan = session.scalars(
                select(Plan)
                .where(Plan.learner_id == learner_id)
                .order_by(Plan.sequence.desc())
                .limit(1)
            ).one_or_none()
            if plan is None:
                return None
            return _plan_record(plan, _plan_items(session, [plan.id])[plan.id])

    def has_plan(self, learner_id: int) -> bool:
        """Whether a plan was ever saved for the learner."""
        found = self._remember(("has_plan", learner_id), lambda: self._read_has_plan(learner_id))
        return found

    def _read_has_plan(self, learner_id: int) -> bool:
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            found = session.scalar(select(Plan.id).where(Plan.learner_id == learner_id).limit(1))
        return found is not None

    def plans(self, learner_id: int, *, limit: int | None = None) -> list[PlanRecord]:
        """Return the plans saved for the learner, oldest first (by sequence number).

        ``limit`` keeps only the oldest ``limit`` plans (``limit=1``: the first plan), since a
        learner's history can hold many plans of hundreds of items each.
        """
        if limit is not None and (isinstance(limit, bool) or limit < 1):
            raise ValueError(f"limit must be a positive integer or None, got {limit!r}")
        query = select(Plan).where(Plan.learner_id == learner_id).order_by(Plan.sequence)
        if limit is not None:
            query = query.limit(limit)
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = list(session.scalars(query))
            items = _plan_items(session, [row.id for row in rows])
            return [_plan_record(row, items[row.id]) for row in rows]

    # -- spaced repetition ---------------------------------------------------------------------

    def upsert_review_card(
        self,
        learner_id: int,
        card_id: str,
        topic_id: str,
        state: Mapping[str, Any] | str,
        due: datetime,
    ) -> ReviewCardRecord:
        """Insert or replace the review card ``card_id`` of the learner and return it.

        ``state`` is the FSRS card as a mapping or JSON text (``fsrs.Card.to_dict()``); the
        store keeps it as opaque JSON but requires a JSON object. ``due`` (timezone-aware) is
        when the card is next due. An existing card keeps its ``created_at``.
        """
        check_text("card_id", card_id)
        check_text("topic_id", topic_id)
        state_json = check_json("state", state)
        due = check_datetime("due", due)
        for attempt in range(2):
            try:
                with self._session(write=True) as session:
                    self._require_learner(session, learner_id)
                    card = session.scalars(
                        select(ReviewCard).where(
                            ReviewCard.learner_id == learner_id, ReviewCard.card_id == card_id
                        )
                    ).one_or_none()
                    now = utcnow()
                    if card is None:
                        card = ReviewCard(learner_id=learner_id, card_id=card_id, created_at=now)
                        session.add(card)
                    card.topic_id = topic_id
                    card.state_json = state_json
                    card.due = due
                    card.updated_at = now
                    session.flush()
                    return _review_card_record(card)
            except StoreError as error:
                # Two servers adding the same card at once: the loser updates the winner's row.
                if attempt == 0 and isinstance(error.__cause__, IntegrityError):
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def review_cards(
        self,
        learner_id: int,
        *,
        due_before: datetime | None = None,
        topic_id: str | None = None,
    ) -> list[ReviewCardRecord]:
        """Return the learner's review cards ordered by due time, then card id.

        ``due_before`` keeps only the cards due at or before that (timezone-aware) moment, so
        ``due_before=now`` gives the cards to review now; ``topic_id`` keeps one topic's cards.
        """
        check_datetime("due_before", due_before, optional=True)
        cards = self._remember(
            ("review_cards", learner_id), lambda: self._read_review_cards(learner_id)
        )
        # A learner has at most a few hundred cards: filtering here lets every caller share one
        # read of them while nothing changes.
        return [
            card
            for card in cards
            if (due_before is None or card.due <= due_before)
            and (topic_id is None or card.topic_id == topic_id)
        ]

    def _read_review_cards(self, learner_id: int) -> list[ReviewCardRecord]:
        query = select(ReviewCard).where(ReviewCard.learner_id == learner_id)
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(query.order_by(ReviewCard.due, ReviewCard.card_id))
            return [_review_card_record(row) for row in rows]

    def next_review_due(self, learner_id: int, after: datetime) -> datetime | None:
        """When the learner's first card due strictly after ``after`` falls due (None: none)."""
        check_datetime("after", after)
        later = (card.due for card in self.review_cards(learner_id) if card.due > after)
        return min(later, default=None)

    def record_review(
        self,
        learner_id: int,
        card_id: str,
        rating: int,
        reviewed_at: datetime,
        *,
        duration_seconds: float | None = None,
    ) -> ReviewLogRecord:
        """Append one review of a card: ``rating`` 1 (again) to 4 (easy), e.g. an fsrs.Rating.

        The card's new state is saved separately with :meth:`upsert_review_card`.
        """
        check_text("card_id", card_id)
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 4:
            raise ValueError(
                f"rating must be an integer from 1 (again) to 4 (easy), got {rating!r}"
            )
        reviewed_at = check_datetime("reviewed_at", reviewed_at)
        duration = (
            None
            if duration_seconds is None
            else check_number("duration_seconds", duration_seconds, low=0.0)
        )
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            log = ReviewLog(
                learner_id=learner_id,
                card_id=card_id,
                rating=int(rating),
                reviewed_at=reviewed_at,
                duration_seconds=duration,
            )
            session.add(log)
            session.flush()
            return _review_log_record(log)

    def review_logs(self, learner_id: int, card_id: str | None = None) -> list[ReviewLogRecord]:
        """Return the learner's reviews, oldest first (by ``reviewed_at``; optionally one card)."""
        query = select(ReviewLog).where(ReviewLog.learner_id == learner_id)
        if card_id is not None:
            query = query.where(ReviewLog.card_id == card_id)
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(query.order_by(ReviewLog.reviewed_at, ReviewLog.id))
            return [_review_log_record(row) for row in rows]

    # -- assessments ---------------------------------------------------------------------------

    def record_assessment(
        self,
        learner_id: int,
        results: Mapping[str, Any] | str,
        recommended_background: str,
        *,
        taken_at: datetime | None = None,
    ) -> AssessmentRecord:
        """Record a readiness / placement quiz: its results (a JSON object) and the background
        it recommends. ``taken_at`` (timezone-aware) defaults to now.
        """
        results_json = check_json("results", results)
        check_choice("recommended_background", recommended_background, BACKGROUNDS)
        taken_at = check_datetime("taken_at", taken_at, optional=True)
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            assessment = Assessment(
                learner_id=learner_id,
                taken_at=utcnow() if taken_at is None else taken_at,
                results_json=results_json,
                recommended_background=recommended_background,
            )
            session.add(assessment)
            session.flush()
            return _assessment_record(assessment)

    def assessments(self, learner_id: int) -> list[AssessmentRecord]:
        """Return the learner's assessments, oldest first."""
        found = self._remember(
            ("assessments", learner_id), lambda: self._read_assessments(learner_id)
        )
        return list(found)

    def _read_assessments(self, learner_id: int) -> list[AssessmentRecord]:
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(
                select(Assessment)
                .where(Assessment.learner_id == learner_id)
                .order_by(Assessment.taken_at, Assessment.id)
            )
            return [_assessment_record(row) for row in rows]

    # -- self-reported milestones --------------------------------------------------------------

    def record_milestone(
        self, learner_id: int, milestone_id: str, note: str, *, recorded_at: datetime | None = None
    ) -> ReportedMilestoneRecord:
        """Record (or replace) the learner's own statement that they reached ``milestone_id``.

        ``note`` says what shows it (a link, a venue); it must not be empty. ``recorded_at``
        (timezone-aware) defaults to now. Checking that the milestone exists and is
        self-reported is the caller's job: the store does not know the curriculum.
        """
        check_text("milestone_id", milestone_id)
        check_text("note", note, max_length=MILESTONE_NOTE_LENGTH)
        recorded_at = check_datetime("recorded_at", recorded_at, optional=True)
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            row = session.scalars(
                select(ReportedMilestone).where(
                    ReportedMilestone.learner_id == learner_id,
                    ReportedMilestone.milestone_id == milestone_id,
                )
            ).one_or_none()
            if row is None:
                row = ReportedMilestone(learner_id=learner_id, milestone_id=milestone_id)
                session.add(row)
            row.note = note
            row.recorded_at = utcnow() if recorded_at is None else recorded_at
            session.flush()
            return _reported_milestone_record(row)

    def milestone_records(self, learner_id: int) -> list[ReportedMilestoneRecord]:
        """Return the learner's self-reported milestones, by milestone id."""
        found = self._remember(
            ("milestone_records", learner_id), lambda: self._read_milestone_records(learner_id)
        )
        return list(found)

    def _read_milestone_records(self, learner_id: int) -> list[ReportedMilestoneRecord]:
        with self._session(write=False) as session:
            self._require_learner(session, learner_id)
            rows = session.scalars(
                select(ReportedMilestone)
                .where(ReportedMilestone.learner_id == learner_id)
                .order_by(ReportedMilestone.milestone_id)
            )
            return [_reported_milestone_record(row) for row in rows]

    def delete_milestone_record(self, learner_id: int, milestone_id: str) -> bool:
        """Delete the learner's record of ``milestone_id``; return whether there was one."""
        with self._session(write=True) as session:
            self._require_learner(session, learner_id)
            result = session.execute(
                delete(ReportedMilestone).where(
                    ReportedMilestone.learner_id == learner_id,
                    ReportedMilestone.milestone_id == milestone_id,
                )
            )
            return bool(getattr(result, "rowcount", 0))

    # -- export and import ---------------------------------------------------------------------

    def export_learner(self, learner_id: int) -> dict[str, Any]:
        """Return all of the learner's data as one JSON-compatible document.

        The layout is described in :mod:`mlcamp.store.transfer`: profile, topic statuses and
        history, lab attempts (reports parsed) and events, plans with items, review cards and
        logs, assessments; ISO 8601 dates and datetimes with offset; no database ids. It is read
        in one transaction, so it is consistent even while other processes write. Lab reports
        that hold NaN keep it (Python's json module writes it as ``NaN``).
        """
        with self._session(write=False) as session:
            learner = self._require_learner(session, learner_id)
            revisions = current_revisions(session.connection())
            revision = revisions[0] if revisions else head_revision()
            return export_document(session, learner, revision)

    def import_learner(
        self, data: Mapping[str, Any], *, name: str | None = None, replace: bool = False
    ) -> LearnerRecord:
        """Recreate a learner and all their data from an :meth:`export_learner` document.

        ``name`` imports under another name than the document's. The whole document is checked
        first (``ValueError`` naming the bad field, e.g. ``plans[0].items[2].kind``), then
        written in one transaction: all or nothing. A learner of that name that already exists
        is refused (:class:`LearnerExistsError`) unless ``replace`` is true, in which case they
        and all their data are deleted and recreated (in the same transaction). The imported
        learner gets new database ids.
        """
        document = parse_document(data)
        if name is not None:
            document.learner["name"] = check_text("name", name)
        final_name = document.learner["name"]
        with self._session(write=True) as session:
            existing = session.scalars(
                select(Learner.id).where(Learner.name == final_name)
            ).one_or_none()
            if existing is not None:
                if not replace:
                    raise LearnerExistsError(self.location, final_name)
                session.execute(delete(Learner).where(Learner.id == existing))
            learner = Learner(**document.learner)
            session.add(learner)
            session.flush()
            session.add_all(document.models(learner.id))
            session.flush()
            return _learner_record(learner)


MILESTONE_NOTE_LENGTH = 2_000
"""Longest note accepted for a self-reported milestone."""


# -- helpers ---------------------------------------------------------------------------------


def _check_profile(
    name: object,
    background: object,
    hours_per_week: object,
    start_date: object,
    target_date: object,
    specialization: object,
    include_optional: object,
) -> None:
    check_text("name", name)
    check_choice("background", background, BACKGROUNDS)
    check_number("hours_per_week", hours_per_week, low=0.0, high=168.0)
    if hours_per_week == 0:
        raise ValueError("hours_per_week must be more than 0")
    check_date("start_date", start_date)
    check_date("target_date", target_date, optional=True)
    if isinstance(target_date, date) and isinstance(start_date, date) and target_date < start_date:
        raise ValueError(f"target_date {target_date} is before start_date {start_date}")
    check_choice("specialization", specialization, SPECIALIZATIONS, optional=True)
    if not isinstance(include_optional, bool):
        raise ValueError(f"include_optional must be a bool, got {include_optional!r}")


def _check_plan_items(entries: list[PlanItemRecord]) -> None:
    seen: set[tuple[date, int]] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, PlanItemRecord):
            raise ValueError(f"items[{index}] must be a PlanItemRecord, got {entry!r}")
        check_date(f"items[{index}].week_start", entry.week_start)
        if isinstance(entry.position, bool) or not isinstance(entry.position, int):
            raise ValueError(f"items[{index}].position must be an int, got {entry.position!r}")
        check_choice(f"items[{index}].kind", entry.kind, PLAN_ITEM_KINDS)
        check_text(f"items[{index}].ref_id", entry.ref_id)
        check_number(f"items[{index}].hours", entry.hours, low=0.0)
        key = (entry.week_start, entry.position)
        if key in seen:
            raise ValueError(
                f"items[{index}] repeats position {entry.position} "
                f"in the week of {entry.week_start}"
            )
        seen.add(key)


def _report_json(report: Mapping[str, Any] | str) -> str:
    if isinstance(report, str):
        try:
            json.loads(report)
        except ValueError as error:
            raise ValueError(f"report is not valid JSON: {error}") from error
        return report
    if not isinstance(report, Mapping):
        raise ValueError(f"report must be a mapping or JSON text, got {type(report).__name__}")
    try:
        return json.dumps(dict(report), ensure_ascii=False)
    except TypeError as error:
        raise ValueError(f"report cannot be stored as JSON: {error}") from error


def _learner_record(row: Learner) -> LearnerRecord:
    return LearnerRecord(
        id=row.id,
        name=row.name,
        background=row.background,
        hours_per_week=row.hours_per_week,
        start_date=row.start_date,
        target_date=row.target_date,
        specialization=row.specialization,
        include_optional=row.include_optional,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _topic_status_record(row: TopicStatus) -> TopicStatusRecord:
    return TopicStatusRecord(
        learner_id=row.learner_id,
        topic_id=row.topic_id,
        state=row.state,
        evidence=row.evidence,
        evidence_ref=row.evidence_ref,
        updated_at=row.updated_at,
    )


def _topic_event_record(row: TopicEvent) -> TopicEventRecord:
    return TopicEventRecord(
        id=row.id,
        learner_id=row.learner_id,
        topic_id=row.topic_id,
        state=row.state,
        evidence=row.evidence,
        evidence_ref=row.evidence_ref,
        created_at=row.created_at,
    )


def _lab_attempt_record(row: LabAttempt) -> LabAttemptRecord:
    return LabAttemptRecord(
        id=row.id,
        learner_id=row.learner_id,
        lab_id=row.lab_id,
        status=row.status,
        score=row.score,
        report_json=row.report_json,
        code_sha256=row.code_sha256,
        created_at=row.created_at,
    )


def _lab_event_record(row: LabEvent) -> LabEventRecord:
    return LabEventRecord(
        id=row.id,
        learner_id=row.learner_id,
        lab_id=row.lab_id,
        kind=row.kind,
        detail=row.detail,
        forced=row.forced,
        created_at=row.created_at,
    )


_PLAN_ITEM_COLUMNS = (
    PlanItem.plan_id,
    PlanItem.week_start,
    PlanItem.position,
    PlanItem.kind,
    PlanItem.ref_id,
    PlanItem.hours,
)


def _plan_items(session: Session, plan_ids: list[int]) -> dict[int, list[PlanItemRecord]]:
    """The items of each plan, read as plain rows (hundreds per plan: no ORM objects)."""
    found: dict[int, list[PlanItemRecord]] = {plan_id: [] for plan_id in plan_ids}
    if not plan_ids:
        return found
    rows = session.execute(
        select(*_PLAN_ITEM_COLUMNS)
        .where(PlanItem.plan_id.in_(plan_ids))
        .order_by(PlanItem.plan_id, PlanItem.week_start, PlanItem.position)
    )
    for plan_id, week_start, position, kind, ref_id, hours in rows:
        found[plan_id].append(PlanItemRecord(week_start, position, kind, ref_id, hours))
    return found


def _plan_record(row: Plan, items: Iterable[PlanItemRecord]) -> PlanRecord:
    return PlanRecord(
        id=row.id,
        learner_id=row.learner_id,
        sequence=row.sequence,
        start_date=row.start_date,
        end_date=row.end_date,
        reason=row.reason,
        created_at=row.created_at,
        items=tuple(sorted(items, key=lambda item: (item.week_start, item.position))),
    )


def _review_card_record(row: ReviewCard) -> ReviewCardRecord:
    return ReviewCardRecord(
        id=row.id,
        learner_id=row.learner_id,
        card_id=row.card_id,
        topic_id=row.topic_id,
        state_json=row.state_json,
        due=row.due,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _review_log_record(row: ReviewLog) -> ReviewLogRecord:
    return ReviewLogRecord(
        id=row.id,
        learner_id=row.learner_id,
        card_id=row.card_id,
        rating=row.rating,
        reviewed_at=row.reviewed_at,
        duration_seconds=row.duration_seconds,
    )


def _assessment_record(row: Assessment) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        learner_id=row.learner_id,
        taken_at=row.taken_at,
        results_json=row.results_json,
        recommended_background=row.recommended_background,
    )


def _reported_milestone_record(row: ReportedMilestone) -> ReportedMilestoneRecord:
    return ReportedMilestoneRecord(
        id=row.id,
        learner_id=row.learner_id,
        milestone_id=row.milestone_id,
        note=row.note,
        recorded_at=row.recorded_at,
    )
