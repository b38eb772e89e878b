"""Tests of mlcamp.store: migrations, SQLite settings, failure modes, concurrency, repository."""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from mlcamp.store import (
    EVIDENCE_KINDS,
    TOPIC_STATES,
    LearnerNotFoundError,
    PlanItemRecord,
    Store,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreTooNewError,
    StoreUnwritableError,
    code_digest,
    head_revision,
    open_store,
)
from mlcamp.store.models import Base, Learner, TopicStatus, UTCDateTime
from mlcamp.store.schema import alembic_config

SRC = Path(__file__).resolve().parents[1] / "src"
TABLES = {
    "learners",
    "topic_statuses",
    "topic_events",
    "lab_attempts",
    "lab_events",
    "plans",
    "plan_items",
    "review_cards",
    "review_logs",
    "assessments",
    "reported_milestones",
}


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(sqlite_url(tmp_path / "store.db"))
    yield opened
    opened.close()


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def run_python(script: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(process: subprocess.Popen[str], timeout: float = 120) -> str:
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"child failed:\n{stderr}"
    return stdout


# -- opening and migrating ----------------------------------------------------------------------


def test_open_creates_home_and_migrates_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "not" / "yet" / "there"
    monkeypatch.setenv("MLCAMP_HOME", str(home))
    with open_store() as opened:
        assert opened.schema_revision() == head_revision()
        assert opened.location == str(home / "mlcamp.db")
    assert (home / "mlcamp.db").is_file()
    assert table_names(home / "mlcamp.db") == TABLES | {"alembic_version"}


def test_an_existing_empty_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with open_store(sqlite_url(path)) as opened:
        assert opened.schema_revision() == head_revision()
    assert table_names(path) >= TABLES


def test_database_url_environment_variable_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    other = tmp_path / "elsewhere" / "progress.db"
    monkeypatch.setenv("MLCAMP_HOME", str(home))
    monkeypatch.setenv("MLCAMP_DATABASE_URL", sqlite_url(other))
    with open_store() as opened:
        learner = opened.get_or_create_learner()
    assert other.is_file()
    assert not (home / "mlcamp.db").exists()
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT id FROM learners").fetchall() == [(learner.id,)]


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "again.db")
    with open_store(url) as first:
        learner = first.get_or_create_learner(background="math-stats")
    with open_store(url) as second:
        assert second.get_learner(learner.id) == learner
        with second.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        assert rows == [(head_revision(),)]


def test_in_memory_database_works() -> None:
    with open_store("sqlite://") as opened:
        learner = opened.get_or_create_learner()
        opened.set_topic_status(learner.id, "t", "done", evidence="self-reported")
        assert opened.topic_statuses(learner.id)["t"].state == "done"
        assert opened.location == "an in-memory SQLite database"


@pytest.mark.parametrize("busy_timeout_ms", [5000, 1234])
def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(
    tmp_path: Path, busy_timeout_ms: int
) -> None:
    url = sqlite_url(tmp_path / "wal.db")
    # Two connections at once: the settings hold for every pooled connection, not the first.
    with (
        open_store(url, busy_timeout_ms=busy_timeout_ms) as opened,
        opened.engine.connect() as first,
        opened.engine.connect() as second,
    ):
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == busy_timeout_ms
    # WAL is persistent: a plain sqlite3 connection sees it too.
    with sqlite3.connect(tmp_path / "wal.db") as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_invalid_url_is_a_store_error() -> None:
    with pytest.raises(StoreError) as info:
        open_store("definitely not a url")
    assert "MLCAMP_DATABASE_URL" in info.value.message


def test_unusable_server_url_is_a_store_error_without_the_password() -> None:
    # Whether or not a PostgreSQL driver is installed, nothing listens on port 1.
    with pytest.raises(StoreError) as info:
        open_store("postgresql://learner:s3cret@127.0.0.1:1/mlcamp")
    assert "127.0.0.1" in info.value.message
    assert "s3cret" not in info.value.message


# -- models and migrations agree ------------------------------------------------------------------


def _normalized(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().lower()


def test_models_match_migrations(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "compare.db")
    command.upgrade(alembic_config(url=url), "head")  # the developer path: env.py opens the url
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, Base.metadata) == []

            # Alembic does not compare CHECK constraints or ON DELETE rules: do it here.
            inspector = sa.inspect(connection)
            for table in Base.metadata.sorted_tables:
                in_models = {
                    (str(check.name), _normalized(str(check.sqltext)))
                    for check in table.constraints
                    if isinstance(check, sa.CheckConstraint)
                }
                in_database = {
                    (str(check["name"]), _normalized(str(check["sqltext"])))
                    for check in inspector.get_check_constraints(table.name)
                }
                assert in_database == in_models, table.name

                model_fks = {
                    (fk.parent.name, fk.column.table.name, fk.ondelete) for fk in table.foreign_keys
                }
                database_fks = {
                    (
                        fk["constrained_columns"][0],
                        fk["referred_table"],
                        (fk.get("options") or {}).get("ondelete"),
                    )
                    for fk in inspector.get_foreign_keys(table.name)
                }
                assert database_fks == model_fks, table.name
    finally:
        engine.dispose()


def test_migrations_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    path = tmp_path / "roundtrip.db"
    config = alembic_config(url=sqlite_url(path))
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert table_names(path) == {"alembic_version"}
    command.upgrade(config, "head")
    assert table_names(path) >= TABLES


# -- refusing what must not be touched ------------------------------------------------------------


def test_database_from_a_newer_mlcamp_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with open_store(sqlite_url(path)) as opened:
        opened.get_or_create_learner()
    with sqlite3.connect(path) as plain:
        plain.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = path.read_bytes()

    with pytest.raises(StoreTooNewError) as info:
        open_store(sqlite_url(path))

    message = info.value.message
    assert str(path) in message
    assert "newer version of mlcamp" in message
    assert "Upgrade mlcamp" in message and "untouched" in message
    assert "untouched" in message
    assert info.value.revision == "9999_from_the_future"
    assert path.read_bytes() == before
    with sqlite3.connect(path) as plain:
        assert plain.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("9999_from_the_future",)
        ]


def _valid_database_bytes(tmp_path: Path) -> bytes:
    source = tmp_path / "source.db"
    with open_store(sqlite_url(source)) as opened:
        opened.get_or_create_learner()
    return source.read_bytes()


def _corrupt_contents(kind: str, tmp_path: Path) -> bytes:
    if kind == "text":
        return b"these are my notes, not a database\n" * 20
    if kind == "header-then-garbage":
        return b"SQLite format 3\x00" + bytes(range(256)) * 16
    if kind == "damaged-schema":
        data = bytearray(_valid_database_bytes(tmp_path))
        data[100:1000] = b"\xff" * 900  # the schema table's b-tree page, right after the header
        return bytes(data)
    if kind == "truncated":
        return b"SQLite format 3"  # shorter than the header
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["text", "header-then-garbage", "damaged-schema", "truncated"])
def test_corrupt_file_is_reported_and_left_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "mlcamp.db"
    contents = _corrupt_contents(kind, tmp_path)
    path.write_bytes(contents)

    with pytest.raises(StoreCorruptError) as info:
        open_store(sqlite_url(path))

    message = info.value.message
    assert str(path) in message
    assert "untouched" in message
    assert "Move it aside" in message
    assert "export" in message
    assert path.read_bytes() == contents
    assert info.value.__cause__ is None or not isinstance(info.value.__cause__, StoreError)


def test_locked_fresh_database_gives_store_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(StoreLockedError) as info:
            open_store(sqlite_url(path), busy_timeout_ms=100)
        assert time.monotonic() - started < 5
    finally:
        holder.rollback()
        holder.close()
    assert str(path) in info.value.message
    assert "mlcamp start" in info.value.message
    assert "try again" in info.value.message
    with open_store(sqlite_url(path), busy_timeout_ms=100) as opened:  # fine once released
        assert opened.schema_revision() == head_revision()


def test_write_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with open_store(sqlite_url(path), busy_timeout_ms=100) as opened:
        learner = opened.get_or_create_learner()
        opened.set_topic_status(learner.id, "before", "done", evidence="self-reported")
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreLockedError) as info:
                opened.set_topic_status(learner.id, "during", "learning")
            assert str(path) in info.value.message
            # Readers are not blocked by a writer in WAL mode.
            assert set(opened.topic_statuses(learner.id)) == {"before"}
        finally:
            holder.rollback()
            holder.close()
        opened.set_topic_status(learner.id, "during", "learning")
        assert set(opened.topic_statuses(learner.id)) == {"before", "during"}


def test_unwritable_location_is_a_clear_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLCAMP_HOME", str(blocker / "home"))
    with pytest.raises(StoreUnwritableError) as info:
        open_store()
    assert str(blocker / "home" / "mlcamp.db") in info.value.message
    assert "writable" in info.value.message
    assert blocker.read_text() == "not a folder"


def test_folder_instead_of_database_file(tmp_path: Path) -> None:
    with pytest.raises(StoreUnwritableError) as info:
        open_store(sqlite_url(tmp_path))
    assert "folder" in info.value.message


def test_read_only_database_is_a_store_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "readonly.db"
    path.touch()
    with pytest.raises(StoreUnwritableError) as info:
        open_store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert str(path) in info.value.message
    assert path.read_bytes() == b""


# -- several processes ----------------------------------------------------------------------------

WRITER = """
import sys, time
from mlcamp.store import open_store
url, tag, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start_at:
    time.sleep(0.002)
with open_store(url) as store:
    learner = store.get_or_create_learner()
    for i in range(count):
        store.set_topic_status(learner.id, f"{tag}-topic-{i}", "learning")
        store.record_lab_attempt(learner.id, f"{tag}-lab", "pass", 1.0, {"i": i})
print(learner.id)
"""

OPENER = """
import sys, time
from mlcamp.store import open_store
folder, rounds, start_at, interval = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), 0.15
for i in range(rounds):
    while time.time() < start_at + i * interval:
        time.sleep(0.001)
    with open_store(f"sqlite:///{folder}/fresh-{i}.db") as store:
        learner = store.get_or_create_learner()
        store.record_lab_event(learner.id, "lab", "hint", detail=sys.argv[4])
        print(store.schema_revision())
"""


def test_two_processes_writing_at_the_same_time_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    url = sqlite_url(path)
    count = 150
    start_at = time.time() + 1.5  # both children are past their imports by then
    children = [run_python(WRITER, url, tag, str(count), str(start_at)) for tag in ("a", "b")]
    learner_ids = {finish(child).strip() for child in children}
    assert len(learner_ids) == 1  # both found (or created) the same single local learner

    with open_store(url) as opened:
        learner_id = int(learner_ids.pop())
        statuses = opened.topic_statuses(learner_id)
        assert len(statuses) == 2 * count
        assert len(opened.topic_events(learner_id)) == 2 * count
        for tag in ("a", "b"):
            attempts = opened.lab_attempts(learner_id, f"{tag}-lab")
            assert sorted(attempt.report["i"] for attempt in attempts) == list(range(count))


def test_processes_opening_fresh_databases_at_once_all_succeed(tmp_path: Path) -> None:
    rounds, processes = 12, 3
    start_at = time.time() + 1.5
    children = [
        run_python(OPENER, str(tmp_path), str(rounds), str(start_at), f"p{n}")
        for n in range(processes)
    ]
    for child in children:
        assert finish(child).split() == [head_revision()] * rounds
    for i in range(rounds):
        path = tmp_path / f"fresh-{i}.db"
        with sqlite3.connect(path) as plain:
            assert plain.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (head_revision(),)
            ]
            assert plain.execute("SELECT count(*) FROM learners").fetchone() == (1,)
            details = {detail for (detail,) in plain.execute("SELECT detail FROM lab_events")}
            assert details == {f"p{n}" for n in range(processes)}


# -- repository -----------------------------------------------------------------------------------


def test_learner_round_trip(store: Store) -> None:
    created = store.get_or_create_learner(
        background="software-engineer",
        hours_per_week=7.5,
        start_date=date(2025, 1, 6),
        target_date=date(2025, 6, 30),
        specialization="nlp",
    )
    assert created.name == "me"
    assert (created.background, created.hours_per_week) == ("software-engineer", 7.5)
    assert (created.start_date, created.target_date) == (date(2025, 1, 6), date(2025, 6, 30))
    assert created.specialization == "nlp"
    assert created.created_at.tzinfo is not None
    assert created.created_at.utcoffset() == timedelta(0)

    again = store.get_or_create_learner(background="beginner", hours_per_week=1)
    assert again == created  # existing profile is not overwritten
    assert store.get_learner(created.id) == created

    updated = store.update_learner(created.id, hours_per_week=12, specialization=None)
    assert (updated.hours_per_week, updated.specialization) == (12.0, None)
    assert updated.background == "software-engineer"
    assert updated.updated_at >= created.updated_at
    assert store.get_learner(created.id) == updated

    other = store.get_or_create_learner("alice")
    assert other.id != created.id


def test_learner_validation(store: Store) -> None:
    with pytest.raises(ValueError, match="background"):
        store.get_or_create_learner(background="wizard")
    with pytest.raises(ValueError, match="hours_per_week"):
        store.get_or_create_learner(hours_per_week=0)
    with pytest.raises(ValueError, match="target_date"):
        store.get_or_create_learner(start_date=date(2025, 2, 1), target_date=date(2025, 1, 1))
    learner = store.get_or_create_learner()
    with pytest.raises(ValueError, match="specialization"):
        store.update_learner(learner.id, specialization="robotics")
    with pytest.raises(TypeError, match="colour"):
        store.update_learner(learner.id, colour="blue")  # type: ignore[call-arg]
    assert store.get_learner(learner.id) == learner
    with pytest.raises(LearnerNotFoundError) as info:
        store.get_learner(learner.id + 100)
    assert str(learner.id + 100) in info.value.message


def test_topic_status_and_history(store: Store) -> None:
    learner = store.get_or_create_learner()
    assert store.topic_statuses(learner.id) == {}
    store.set_topic_status(learner.id, "linear-algebra", "learning")
    current = store.set_topic_status(
        learner.id, "linear-algebra", "done", evidence="lab-passed", evidence_ref="kmeans"
    )
    same = store.set_topic_status(
        learner.id, "linear-algebra", "done", evidence="lab-passed", evidence_ref="kmeans"
    )
    assert same == current  # nothing changed: no new event
    store.set_topic_status(learner.id, "probability", "placed-out", evidence="quiz-passed")

    statuses = store.topic_statuses(learner.id)
    assert set(statuses) == {"linear-algebra", "probability"}
    assert statuses["linear-algebra"] == current
    assert (current.evidence, current.evidence_ref) == ("lab-passed", "kmeans")
    history = store.topic_events(learner.id, "linear-algebra")
    assert [(event.state, event.evidence) for event in history] == [
        ("learning", None),
        ("done", "lab-passed"),
    ]
    assert history[-1].created_at == current.updated_at
    assert len(store.topic_events(learner.id)) == 3

    with pytest.raises(ValueError, match="state"):
        store.set_topic_status(learner.id, "x", "finished")
    with pytest.raises(ValueError, match="evidence"):
        store.set_topic_status(learner.id, "x", "done", evidence="a-friend-said-so")
    with pytest.raises(ValueError, match="evidence_ref"):
        store.set_topic_status(learner.id, "x", "done", evidence_ref="kmeans")
    with pytest.raises(LearnerNotFoundError):
        store.set_topic_status(learner.id + 1, "x", "done")
    assert "x" not in store.topic_statuses(learner.id)


def test_lab_attempts_and_events(store: Store) -> None:
    learner = store.get_or_create_learner()
    report = {"lab": "kmeans", "status": "fail", "score": 0.5, "tests": [], "error": None}
    digest = code_digest("def fit(X): ...")
    first = store.record_lab_attempt(learner.id, "kmeans", "fail", 0.5, report, code_sha256=digest)
    second = store.record_lab_attempt(learner.id, "kmeans", "pass", 1.0, json.dumps(report))
    store.record_lab_attempt(learner.id, "pca", "error", 0.0, {"error": {"kind": "syntax"}})

    assert first.report == report
    assert first.code_sha256 == digest
    assert second.code_sha256 is None
    assert [a.id for a in store.lab_attempts(learner.id, "kmeans")] == [first.id, second.id]
    assert len(store.lab_attempts(learner.id)) == 3
    assert store.lab_attempts(learner.id, "kmeans")[0] == first
    assert store.passed_labs(learner.id) == {"kmeans"}  # pca errored; kmeans passed once
    store.record_lab_attempt(learner.id, "kmeans", "fail", 0.5, report)  # a pass stays a pass
    store.record_lab_attempt(learner.id, "pca", "pass", 1.0, report)
    assert store.passed_labs(learner.id) == {"kmeans", "pca"}
    other = store.get_or_create_learner("someone-else")
    assert store.passed_labs(other.id) == frozenset()

    with pytest.raises(ValueError, match="status"):
        store.record_lab_attempt(learner.id, "kmeans", "passed", 1.0, {})
    with pytest.raises(ValueError, match="score"):
        store.record_lab_attempt(learner.id, "kmeans", "pass", 1.5, {})
    with pytest.raises(ValueError, match="score"):
        store.record_lab_attempt(learner.id, "kmeans", "pass", float("nan"), {})
    with pytest.raises(ValueError, match="JSON"):
        store.record_lab_attempt(learner.id, "kmeans", "pass", 1.0, "{not json")
    with pytest.raises(ValueError, match="code_sha256"):
        store.record_lab_attempt(learner.id, "kmeans", "pass", 1.0, {}, code_sha256="abc")

    hint = store.record_lab_event(learner.id, "kmeans", "hint", detail=1)
    solution = store.record_lab_event(learner.id, "kmeans", "solution", forced=True)
    assert (hint.detail, hint.forced) == ("1", False)
    assert (solution.kind, solution.forced) == ("solution", True)
    assert store.lab_events(learner.id, "kmeans", "hint") == [hint]
    assert store.lab_events(learner.id) == [hint, solution]
    with pytest.raises(ValueError, match="kind"):
        store.record_lab_event(learner.id, "kmeans", "peek")


def test_plans_are_numbered_and_latest_is_returned(store: Store) -> None:
    learner = store.get_or_create_learner()
    assert store.latest_plan(learner.id) is None
    week = date(2025, 1, 6)
    items = [
        PlanItemRecord(week + timedelta(weeks=1), 0, "lab", "kmeans", 3.0),
        PlanItemRecord(week, 1, "review", "linear-algebra", 0.5),
        PlanItemRecord(week, 0, "topic", "linear-algebra", 4.0),
    ]
    first = store.save_plan(
        learner.id,
        start_date=week,
        end_date=week + timedelta(weeks=8),
        reason="initial",
        items=items,
    )
    assert first.sequence == 1
    assert first.items == tuple(sorted(items, key=lambda item: (item.week_start, item.position)))
    second = store.save_plan(
        learner.id, start_date=week, end_date=week, reason="fell behind", items=items[:1]
    )
    assert second.sequence == 2
    latest = store.latest_plan(learner.id)
    assert latest == second
    assert latest is not None and latest.items == (items[0],)

    with pytest.raises(ValueError, match="repeats position"):
        store.save_plan(
            learner.id, start_date=week, end_date=week, reason="dup", items=[items[1], items[1]]
        )
    with pytest.raises(ValueError, match="end_date"):
        store.save_plan(
            learner.id, start_date=week, end_date=week - timedelta(days=1), reason="x", items=[]
        )
    with pytest.raises(ValueError, match="kind"):
        bad = PlanItemRecord(week, 5, "movie", "x", 1.0)
        store.save_plan(learner.id, start_date=week, end_date=week, reason="x", items=[bad])
    assert store.latest_plan(learner.id) == second


def test_deleting_a_learner_cascades(store: Store) -> None:
    learner = store.get_or_create_learner()
    keep = store.get_or_create_learner("other")
    for who in (learner, keep):
        store.set_topic_status(who.id, "t", "done", evidence="self-reported")
        store.record_lab_attempt(who.id, "lab", "pass", 1.0, {})
        store.record_lab_event(who.id, "lab", "hint", detail=1)
        item = PlanItemRecord(date(2025, 1, 6), 0, "topic", "t", 1.0)
        store.save_plan(
            who.id, start_date=date(2025, 1, 6), end_date=date(2025, 2, 1), reason="r", items=[item]
        )
        now = datetime.now(UTC)
        store.upsert_review_card(who.id, "card", "t", {"state": 1}, now)
        store.record_review(who.id, "card", 3, now)
        store.record_assessment(who.id, {"score": 1}, "beginner")
        store.record_milestone(who.id, "publish-research", "a paper")
    with Session(store.engine) as session, session.begin():
        session.execute(sa.delete(Learner).where(Learner.id == learner.id))
    with store.engine.connect() as connection:
        for table in sorted(TABLES - {"learners", "plan_items"}):
            owners = connection.exec_driver_sql(f"SELECT DISTINCT learner_id FROM {table}").all()
            assert owners == [(keep.id,)], table
        assert connection.exec_driver_sql("SELECT count(*) FROM plan_items").scalar() == 1


def test_database_enforces_check_constraints(store: Store) -> None:
    learner = store.get_or_create_learner()
    with pytest.raises(sa.exc.IntegrityError), Session(store.engine) as session, session.begin():
        session.add(
            TopicStatus(
                learner_id=learner.id,
                topic_id="t",
                state="finished",
                updated_at=datetime.now(UTC),
            )
        )


def test_datetimes_are_stored_in_utc_and_naive_ones_refused() -> None:
    column = UTCDateTime()
    sqlite = sa.create_engine("sqlite://").dialect
    paris = timezone(timedelta(hours=1))
    stored = column.process_bind_param(datetime(2025, 1, 1, 13, 0, tzinfo=paris), sqlite)
    assert stored == datetime(2025, 1, 1, 12, 0)
    loaded = column.process_result_value(stored, sqlite)
    assert loaded == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert loaded is not None and loaded.tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2025, 1, 1, 12, 0), sqlite)


def test_integrity_check_of_a_healthy_database(store: Store) -> None:
    store.get_or_create_learner()
    assert store.check_integrity() == []


# -- property: the current status is the last event -----------------------------------------------

_learner_names = (f"learner-{n}" for n in itertools.count())


@st.composite
def _changes(draw: st.DrawFn) -> tuple[str, str, str | None, str | None]:
    topic = draw(st.sampled_from(["a", "b", "c"]))
    state = draw(st.sampled_from(TOPIC_STATES))
    evidence = draw(st.none() | st.sampled_from(EVIDENCE_KINDS))
    ref = None if evidence is None else draw(st.none() | st.sampled_from(["lab-1", "quiz-2"]))
    return topic, state, evidence, ref


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = open_store(sqlite_url(tmp_path_factory.mktemp("property") / "property.db"))
    yield opened
    opened.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(_changes(), max_size=12))
def test_current_status_equals_last_event(
    shared_store: Store, changes: list[tuple[str, str, str | None, str | None]]
) -> None:
    learner = shared_store.get_or_create_learner(next(_learner_names))
    expected: dict[str, tuple[str, str | None, str | None]] = {}
    expected_events = 0
    for topic, state, evidence, ref in changes:
        shared_store.set_topic_status(learner.id, topic, state, evidence=evidence, evidence_ref=ref)
        if expected.get(topic) != (state, evidence, ref):
            expected_events += 1
        expected[topic] = (state, evidence, ref)

    statuses = shared_store.topic_statuses(learner.id)
    events = shared_store.topic_events(learner.id)
    assert len(events) == expected_events
    assert [event.id for event in events] == sorted(event.id for event in events)
    assert set(statuses) == expected.keys()
    for topic, status in statuses.items():
        last = [event for event in events if event.topic_id == topic][-1]
        assert (status.state, status.evidence, status.evidence_ref) == expected[topic]
        assert (last.state, last.evidence, last.evidence_ref) == expected[topic]
        assert last.created_at == status.updated_at
