"""Tests of the 0002_learning store additions: optional topics, review cards and logs,
assessments, and exporting / importing all of one learner's data."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from mlcamp.store import (
    BACKGROUNDS,
    EVIDENCE_KINDS,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    LAB_EVENT_KINDS,
    LAB_STATUSES,
    PLAN_ITEM_KINDS,
    SPECIALIZATIONS,
    TOPIC_STATES,
    LearnerExistsError,
    LearnerNotFoundError,
    LearnerRecord,
    PlanItemRecord,
    Store,
    StoreError,
    code_digest,
    head_revision,
    open_store,
)
from mlcamp.store.models import ReviewLog
from mlcamp.store.schema import alembic_config

NEW_TABLES = {"review_cards", "review_logs", "assessments"}
ALL_TABLES = {
    "learners",
    "topic_statuses",
    "topic_events",
    "lab_attempts",
    "lab_events",
    "plans",
    "plan_items",
    *NEW_TABLES,
    "reported_milestones",
}
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


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


def row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table: int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
            for table in sorted(ALL_TABLES)
        }


def populate(store: Store, name: str = "me") -> LearnerRecord:
    """A learner with rows in every table."""
    learner = store.get_or_create_learner(
        name,
        background="math-stats",
        hours_per_week=6.5,
        start_date=date(2025, 1, 6),
        target_date=date(2025, 9, 1),
        specialization="cv",
        include_optional=False,
    )
    store.set_topic_status(learner.id, "linear-algebra", "learning")
    store.set_topic_status(
        learner.id, "linear-algebra", "done", evidence="lab-passed", evidence_ref="kmeans"
    )
    store.set_topic_status(learner.id, "probability", "placed-out", evidence="quiz-passed")
    report = {"lab": "kmeans", "score": 0.5, "tests": [{"name": "shape", "ok": True}]}
    store.record_lab_attempt(
        learner.id, "kmeans", "fail", 0.5, report, code_sha256=code_digest("x = 1")
    )
    store.record_lab_attempt(learner.id, "kmeans", "pass", 1.0, "[1, 2, 3]")
    store.record_lab_event(learner.id, "kmeans", "hint", detail=2)
    store.record_lab_event(learner.id, "kmeans", "solution", forced=True)
    week = date(2025, 1, 6)
    for reason in ("initial", "fell behind"):
        store.save_plan(
            learner.id,
            start_date=week,
            end_date=week + timedelta(weeks=4),
            reason=reason,
            items=[
                PlanItemRecord(week + timedelta(weeks=1), 0, "lab", "kmeans", 3.0),
                PlanItemRecord(week, 1, "review", "linear-algebra", 0.5),
                PlanItemRecord(week, 0, "topic", "linear-algebra", 4.0),
            ],
        )
    for number, topic in enumerate(["linear-algebra", "probability", "linear-algebra"]):
        state = {"card_id": number, "state": 2, "stability": 3.5, "due": None}
        store.upsert_review_card(
            learner.id, f"card-{number}", topic, state, T0 + timedelta(days=3 - number)
        )
    store.record_review(learner.id, "card-0", 3, T0, duration_seconds=12.5)
    store.record_review(learner.id, "card-1", 1, T0 - timedelta(hours=1))
    store.record_assessment(learner.id, {"correct": 7, "of": 10}, "math-stats", taken_at=T0)
    store.record_assessment(learner.id, '{"correct": 9}', "software-engineer")
    return learner


# -- migrations ---------------------------------------------------------------------------------


def test_empty_database_migrates_to_head(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    command.upgrade(alembic_config(url=sqlite_url(path)), "head")
    assert table_names(path) == ALL_TABLES | {"alembic_version"}
    assert head_revision() == "0003_reported_milestones"
    with open_store(sqlite_url(path)) as opened:
        assert opened.schema_revision() == "0003_reported_milestones"
        learner = opened.get_or_create_learner()
        assert learner.include_optional is True


def test_0001_database_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    command.upgrade(alembic_config(url=sqlite_url(path)), "0001_initial")
    assert table_names(path) == ALL_TABLES - NEW_TABLES - {"reported_milestones"} | {
        "alembic_version"
    }
    with sqlite3.connect(path) as plain:
        plain.execute(
            "INSERT INTO learners (name, background, hours_per_week, start_date, target_date,"
            " specialization, created_at, updated_at) VALUES ('ada', 'math-stats', 7.5,"
            " '2025-01-06', '2025-06-30', 'nlp', '2025-01-05 10:00:00', '2025-01-05 10:00:00')"
        )
        plain.execute(
            "INSERT INTO topic_statuses (learner_id, topic_id, state, updated_at)"
            " VALUES (1, 'probability', 'done', '2025-01-05 11:00:00')"
        )

    with open_store(sqlite_url(path)) as opened:  # the production path migrates on open
        assert opened.schema_revision() == "0003_reported_milestones"
        learner = opened.get_learner(1)
        assert learner.include_optional is True
        assert (learner.name, learner.background, learner.hours_per_week) == (
            "ada",
            "math-stats",
            7.5,
        )
        assert (learner.start_date, learner.target_date) == (date(2025, 1, 6), date(2025, 6, 30))
        assert learner.specialization == "nlp"
        assert learner.created_at == datetime(2025, 1, 5, 10, tzinfo=UTC)
        assert opened.topic_statuses(1)["probability"].state == "done"
        assert opened.review_cards(1) == []
        opened.upsert_review_card(1, "c", "probability", {}, T0)
        assert opened.update_learner(1, include_optional=False).include_optional is False
    assert table_names(path) == ALL_TABLES | {"alembic_version"}


def test_downgrade_to_0001_restores_its_exact_schema_and_keeps_the_rest(tmp_path: Path) -> None:
    fresh, migrated = tmp_path / "fresh.db", tmp_path / "migrated.db"
    command.upgrade(alembic_config(url=sqlite_url(fresh)), "0001_initial")
    with open_store(sqlite_url(migrated)) as opened:
        learner = populate(opened)
    command.downgrade(alembic_config(url=sqlite_url(migrated)), "0001_initial")

    def schema(path: Path) -> list[tuple[str, str, str]]:
        with sqlite3.connect(path) as plain:
            return sorted(plain.execute("SELECT type, name, sql FROM sqlite_master"))

    assert schema(migrated) == schema(fresh)
    with sqlite3.connect(migrated) as plain:
        # No table rebuild: ON DELETE CASCADE did not wipe the learner's other rows.
        assert plain.execute("SELECT name FROM learners").fetchall() == [(learner.name,)]
        assert plain.execute("SELECT count(*) FROM topic_events").fetchone() == (3,)
        assert plain.execute("SELECT count(*) FROM plan_items").fetchone() == (6,)


# -- include_optional ---------------------------------------------------------------------------


def test_include_optional_preference(store: Store) -> None:
    default = store.get_or_create_learner()
    assert default.include_optional is True
    core_only = store.get_or_create_learner("core", include_optional=False)
    assert core_only.include_optional is False
    assert store.get_or_create_learner("core", include_optional=True) == core_only  # unchanged
    updated = store.update_learner(core_only.id, include_optional=True)
    assert updated.include_optional is True
    assert store.get_learner(core_only.id) == updated
    updated = store.update_learner(core_only.id, hours_per_week=3)
    assert updated.include_optional is True

    with pytest.raises(ValueError, match="include_optional"):
        store.update_learner(core_only.id, include_optional="no")  # type: ignore[typeddict-item]
    with pytest.raises(ValueError, match="include_optional"):
        store.get_or_create_learner("x", include_optional=1)  # type: ignore[arg-type]
    assert store.get_learner(core_only.id) == updated


# -- review cards -------------------------------------------------------------------------------


def test_upsert_review_card_inserts_then_updates(store: Store) -> None:
    learner = store.get_or_create_learner()
    first = store.upsert_review_card(learner.id, "c1", "pca", {"state": 1, "step": 0}, T0)
    assert (first.card_id, first.topic_id, first.due) == ("c1", "pca", T0)
    assert first.state == {"state": 1, "step": 0}
    assert first.created_at == first.updated_at

    paris = timezone(timedelta(hours=1))
    later = datetime(2025, 3, 4, 10, 0, tzinfo=paris)
    second = store.upsert_review_card(learner.id, "c1", "svd", '{"state": 2}', later)
    assert second.id == first.id
    assert (second.topic_id, second.state, second.due) == ("svd", {"state": 2}, later)
    assert second.due.tzinfo is UTC
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    assert store.review_cards(learner.id) == [second]

    other = store.get_or_create_learner("other")
    mine = store.upsert_review_card(other.id, "c1", "pca", {}, T0)  # same card id, own row
    assert mine.id != first.id
    assert store.review_cards(learner.id) == [second]


def test_review_cards_order_and_filters(store: Store) -> None:
    learner = store.get_or_create_learner()
    for card, topic, offset in [("b", "t1", 1), ("a", "t1", 1), ("c", "t2", 0), ("d", "t2", 5)]:
        store.upsert_review_card(learner.id, card, topic, {"n": card}, T0 + timedelta(days=offset))
    assert [card.card_id for card in store.review_cards(learner.id)] == ["c", "a", "b", "d"]
    due = store.review_cards(learner.id, due_before=T0 + timedelta(days=1))  # inclusive
    assert [card.card_id for card in due] == ["c", "a", "b"]
    assert store.review_cards(learner.id, due_before=T0 - timedelta(seconds=1)) == []
    assert [c.card_id for c in store.review_cards(learner.id, topic_id="t2")] == ["c", "d"]
    both = store.review_cards(learner.id, due_before=T0 + timedelta(days=2), topic_id="t1")
    assert [card.card_id for card in both] == ["a", "b"]
    with pytest.raises(ValueError, match="due_before"):
        store.review_cards(learner.id, due_before=datetime(2025, 1, 1))


def test_review_card_validation(store: Store) -> None:
    learner = store.get_or_create_learner()
    with pytest.raises(ValueError, match="state is not valid JSON"):
        store.upsert_review_card(learner.id, "c", "t", "{not json", T0)
    with pytest.raises(ValueError, match="state must be a JSON object"):
        store.upsert_review_card(learner.id, "c", "t", "[1, 2]", T0)
    with pytest.raises(ValueError, match="state must be a mapping"):
        store.upsert_review_card(learner.id, "c", "t", [1, 2], T0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="state cannot be stored as JSON"):
        store.upsert_review_card(learner.id, "c", "t", {"x": object()}, T0)
    with pytest.raises(ValueError, match="state"):
        store.upsert_review_card(learner.id, "c", "t", {"x": float("nan")}, T0)
    with pytest.raises(ValueError, match="state"):
        store.upsert_review_card(learner.id, "c", "t", '{"x": NaN}', T0)
    with pytest.raises(ValueError, match="due must be timezone-aware"):
        store.upsert_review_card(learner.id, "c", "t", {}, datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="due must be a datetime"):
        store.upsert_review_card(learner.id, "c", "t", {}, date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="card_id"):
        store.upsert_review_card(learner.id, " ", "t", {}, T0)
    with pytest.raises(ValueError, match="topic_id"):
        store.upsert_review_card(learner.id, "c", "x" * 201, {}, T0)
    with pytest.raises(LearnerNotFoundError):
        store.upsert_review_card(learner.id + 1, "c", "t", {}, T0)
    with pytest.raises(LearnerNotFoundError):
        store.review_cards(learner.id + 1)
    assert store.review_cards(learner.id) == []


def test_fsrs_card_survives_the_store(store: Store) -> None:
    fsrs = pytest.importorskip("fsrs")
    learner = store.get_or_create_learner()
    scheduler = fsrs.Scheduler()
    card, log = scheduler.review_card(fsrs.Card(), fsrs.Rating.Good, review_datetime=T0)
    saved = store.upsert_review_card(learner.id, "pca-1", "pca", card.to_dict(), card.due)
    assert fsrs.Card.from_dict(saved.state) == card
    assert saved.due == card.due
    review = store.record_review(learner.id, "pca-1", log.rating, log.review_datetime)
    assert (review.rating, review.reviewed_at) == (3, T0)
    assert isinstance(review.rating, int) and not isinstance(review.rating, fsrs.Rating)


# -- review logs --------------------------------------------------------------------------------


def test_review_logs_are_ordered_by_review_time(store: Store) -> None:
    learner = store.get_or_create_learner()
    late = store.record_review(learner.id, "c1", 4, T0 + timedelta(hours=2), duration_seconds=0)
    early = store.record_review(learner.id, "c1", 1, T0, duration_seconds=30)
    other = store.record_review(learner.id, "c2", 2, T0 + timedelta(hours=1))
    assert (early.rating, early.duration_seconds, other.duration_seconds) == (1, 30.0, None)
    assert store.review_logs(learner.id) == [early, other, late]
    assert store.review_logs(learner.id, "c1") == [early, late]
    assert store.review_logs(learner.id, "nope") == []


@pytest.mark.parametrize("rating", [0, 5, -1, True, 2.5, "3", None])
def test_review_rating_must_be_1_to_4(store: Store, rating: object) -> None:
    learner = store.get_or_create_learner()
    with pytest.raises(ValueError, match="rating must be an integer from 1"):
        store.record_review(learner.id, "c", rating, T0)  # type: ignore[arg-type]
    assert store.review_logs(learner.id) == []


def test_review_log_validation(store: Store) -> None:
    learner = store.get_or_create_learner()
    with pytest.raises(ValueError, match="duration_seconds"):
        store.record_review(learner.id, "c", 3, T0, duration_seconds=-1)
    with pytest.raises(ValueError, match="duration_seconds"):
        store.record_review(learner.id, "c", 3, T0, duration_seconds=float("inf"))
    with pytest.raises(ValueError, match="reviewed_at must be timezone-aware"):
        store.record_review(learner.id, "c", 3, datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="card_id"):
        store.record_review(learner.id, "", 3, T0)
    with pytest.raises(LearnerNotFoundError):
        store.record_review(learner.id + 1, "c", 3, T0)
    with pytest.raises(LearnerNotFoundError):
        store.review_logs(learner.id + 1)
    # The database refuses a bad rating even when the checks are bypassed.
    with pytest.raises(sa.exc.IntegrityError), Session(store.engine) as session, session.begin():
        session.add(ReviewLog(learner_id=learner.id, card_id="c", rating=5, reviewed_at=T0))
    assert store.review_logs(learner.id) == []


# -- assessments --------------------------------------------------------------------------------


def test_assessments_oldest_first(store: Store) -> None:
    learner = store.get_or_create_learner()
    now = store.record_assessment(learner.id, {"answers": [1, 2], "score": 0.8}, "math-stats")
    assert now.results == {"answers": [1, 2], "score": 0.8}
    assert now.taken_at.tzinfo is UTC
    assert abs(now.taken_at - datetime.now(UTC)) < timedelta(minutes=5)
    earlier = store.record_assessment(learner.id, '{"score": 0.1}', "beginner", taken_at=T0)
    assert earlier.results_json == '{"score": 0.1}'
    assert store.assessments(learner.id) == [earlier, now]


def test_assessment_validation(store: Store) -> None:
    learner = store.get_or_create_learner()
    with pytest.raises(ValueError, match="recommended_background"):
        store.record_assessment(learner.id, {}, "wizard")
    with pytest.raises(ValueError, match="results is not valid JSON"):
        store.record_assessment(learner.id, "{oops", "beginner")
    with pytest.raises(ValueError, match="results must be a JSON object"):
        store.record_assessment(learner.id, '"just text"', "beginner")
    with pytest.raises(ValueError, match="taken_at"):
        store.record_assessment(learner.id, {}, "beginner", taken_at=datetime(2025, 1, 1))
    with pytest.raises(LearnerNotFoundError):
        store.record_assessment(learner.id + 1, {}, "beginner")
    with pytest.raises(LearnerNotFoundError):
        store.assessments(learner.id + 1)
    assert store.assessments(learner.id) == []


# -- export -------------------------------------------------------------------------------------


def _keys(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_export_holds_everything_without_database_ids(store: Store) -> None:
    learner = populate(store)
    populate(store, "someone-else")
    document = store.export_learner(learner.id)

    assert document["format"] == EXPORT_FORMAT == "mlcamp-export"
    assert document["version"] == EXPORT_VERSION == 1
    assert document["schema_revision"] == head_revision()
    assert json.loads(json.dumps(document, allow_nan=False)) == document  # plain JSON
    assert not {"id", "learner_id", "plan_id"} & set(_keys(document))

    profile = document["learner"]
    assert profile["name"] == "me"
    assert (profile["start_date"], profile["target_date"]) == ("2025-01-06", "2025-09-01")
    assert profile["include_optional"] is False
    assert profile["created_at"].endswith("+00:00")
    assert [row["topic_id"] for row in document["topic_statuses"]] == [
        "linear-algebra",
        "probability",
    ]
    assert [row["state"] for row in document["topic_events"]] == ["learning", "done", "placed-out"]
    assert document["lab_attempts"][0]["report"]["tests"] == [{"name": "shape", "ok": True}]
    assert document["lab_attempts"][1]["report"] == [1, 2, 3]
    assert [event["kind"] for event in document["lab_events"]] == ["hint", "solution"]
    assert [plan["sequence"] for plan in document["plans"]] == [1, 2]
    assert [item["position"] for item in document["plans"][0]["items"]] == [0, 1, 0]
    assert [card["card_id"] for card in document["review_cards"]] == ["card-2", "card-1", "card-0"]
    assert document["review_cards"][0]["state"]["stability"] == 3.5
    assert [log["rating"] for log in document["review_logs"]] == [1, 3]
    assert document["review_logs"][1]["reviewed_at"] == "2025-03-01T09:00:00+00:00"
    assert [a["recommended_background"] for a in document["assessments"]] == [
        "math-stats",
        "software-engineer",
    ]
    with pytest.raises(LearnerNotFoundError):
        store.export_learner(learner.id + 100)


def test_export_import_round_trip_into_an_empty_database(store: Store) -> None:
    document = store.export_learner(populate(store).id)
    as_text = json.dumps(document)
    with open_store("sqlite://") as empty:
        imported = empty.import_learner(json.loads(as_text))
        assert imported.name == "me" and imported.include_optional is False
        assert empty.export_learner(imported.id) == document
        assert len(empty.topic_events(imported.id)) == 3


def test_import_refuses_an_existing_learner_unless_replace(store: Store) -> None:
    learner = populate(store)
    document = store.export_learner(learner.id)
    before = row_counts(store)
    with pytest.raises(LearnerExistsError) as info:
        store.import_learner(document)
    assert "'me'" in info.value.message
    assert isinstance(info.value, ValueError)
    assert row_counts(store) == before

    copy_ = store.import_learner(document, name="copy")
    assert copy_.name == "copy" and copy_.id != learner.id
    copied = store.export_learner(copy_.id)
    assert copied == {**document, "learner": {**document["learner"], "name": "copy"}}

    smaller = copy.deepcopy(document)
    smaller["review_cards"] = smaller["review_cards"][:1]
    smaller["plans"] = []
    replaced = store.import_learner(smaller, replace=True)
    assert replaced.id != learner.id
    with pytest.raises(LearnerNotFoundError):
        store.get_learner(learner.id)
    assert store.export_learner(replaced.id) == smaller
    assert store.export_learner(copy_.id) == copied  # other learners untouched
    with pytest.raises(ValueError, match="name"):
        store.import_learner(document, name="")


def test_import_is_all_or_nothing(store: Store) -> None:
    learner = populate(store)
    document = store.export_learner(learner.id)
    with store.engine.begin() as connection:  # review logs are written after the learner row
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_reviews BEFORE INSERT ON review_logs "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    before = row_counts(store)

    with pytest.raises(StoreError, match="refused by the test"):
        store.import_learner(document, name="copy")
    assert row_counts(store) == before

    # With replace, deleting the existing learner is undone too.
    with pytest.raises(StoreError, match="refused by the test"):
        store.import_learner(document, replace=True)
    assert row_counts(store) == before
    assert store.export_learner(learner.id) == document


# -- malformed documents ------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], Any]


def _set(path: str, value: object) -> Mutation:
    """Return a mutation that sets the field at ``path`` (``a[0].b`` style) to ``value``."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.replace("[", ".").replace("]", "").split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _drop(path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[part[: part.index("[")]][int(part[part.index("[") + 1 : -1])]
        del target[last]

    return mutate


def _repeat(section: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        document[section].append(copy.deepcopy(document[section][0]))

    return mutate


MALFORMED: list[tuple[str, Mutation, str]] = [
    ("format", _set("format", "something-else"), "format must be 'mlcamp-export'"),
    ("version-newer", _set("version", 2), "version 2 is not supported (written by a newer"),
    ("version-type", _set("version", "1"), "version must be an integer"),
    ("schema", _set("schema_revision", 7), "schema_revision must be a non-empty string"),
    ("missing-top", _drop("learner"), "learner is missing"),
    ("unknown-top", _set("colour", "blue"), "colour is not a field"),
    ("learner-type", _set("learner", []), "learner must be an object, got a list"),
    ("background", _set("learner.background", "wizard"), "learner.background must be one of"),
    ("hours-zero", _set("learner.hours_per_week", 0), "learner.hours_per_week must be more"),
    ("hours-text", _set("learner.hours_per_week", "6"), "learner.hours_per_week must be a number"),
    ("dates", _set("learner.target_date", "2024-01-01"), "learner.target_date 2024-01-01 is"),
    ("date-format", _set("learner.start_date", "06/01/2025"), "learner.start_date must be an ISO"),
    ("naive", _set("learner.created_at", "2025-01-01T10:00:00"), "learner.created_at must include"),
    ("datetime", _set("learner.updated_at", 12), "learner.updated_at must be an ISO 8601 date"),
    ("bool", _set("learner.include_optional", "yes"), "learner.include_optional must be true"),
    ("name", _set("learner.name", "   "), "learner.name must be a non-empty string"),
    ("list", _set("topic_statuses", {}), "topic_statuses must be a list, got an object"),
    ("repeat-topic", _repeat("topic_statuses"), "topic_statuses[2] repeats topic_id"),
    ("state", _set("topic_events[1].state", "finished"), "topic_events[1].state must be one of"),
    ("ref", _set("topic_events[0].evidence_ref", "kmeans"), "topic_events[0].evidence_ref needs"),
    ("score", _set("lab_attempts[0].score", 2), "lab_attempts[0].score must be a finite number"),
    ("sha", _set("lab_attempts[0].code_sha256", "abc"), "lab_attempts[0].code_sha256 must be 64"),
    ("report", _set("lab_attempts[1].report", {1, 2}), "lab_attempts[1].report cannot be stored"),
    ("missing", _drop("lab_attempts[0].created_at"), "lab_attempts[0].created_at is missing"),
    ("forced", _set("lab_events[1].forced", 1), "lab_events[1].forced must be true or false"),
    ("unknown", _set("lab_events[0].id", 5), "lab_events[0].id is not a field"),
    ("item-kind", _set("plans[0].items[2].kind", "movie"), "plans[0].items[2].kind must be one"),
    ("items", _set("plans[1].items", "none"), "plans[1].items must be a list"),
    ("position", _set("plans[0].items[1].position", 1.5), "plans[0].items[1].position must be an"),
    ("item-repeat", _set("plans[0].items[1].position", 0), "plans[0].items[1] repeats week_start"),
    ("sequence", _set("plans[1].sequence", 1), "plans[1] repeats sequence 1"),
    ("sequence-0", _set("plans[0].sequence", 0), "plans[0].sequence must be an integer from 1"),
    ("plan-dates", _set("plans[0].end_date", "2024-01-01"), "plans[0].end_date 2024-01-01 is"),
    ("card-state", _set("review_cards[0].state", [1]), "review_cards[0].state must be an object"),
    (
        "card-nan",
        _set("review_cards[0].state", {"s": float("nan")}),
        "review_cards[0].state cannot",
    ),
    ("card-repeat", _repeat("review_cards"), "review_cards[3] repeats card_id"),
    ("card-due", _drop("review_cards[2].due"), "review_cards[2].due is missing"),
    ("rating", _set("review_logs[0].rating", 5), "review_logs[0].rating must be an integer from 1"),
    (
        "rating-bool",
        _set("review_logs[1].rating", True),
        "review_logs[1].rating must be an integer",
    ),
    ("duration", _set("review_logs[0].duration_seconds", -1), "review_logs[0].duration_seconds"),
    ("results", _set("assessments[0].results", "ok"), "assessments[0].results must be an object"),
    ("advice", _set("assessments[1].recommended_background", "x"), "assessments[1].recommended_"),
    ("entry", _set("assessments[0]", None), "assessments[0] must be an object, got null"),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [pytest.param(mutate, message, id=name) for name, mutate, message in MALFORMED],
)
def test_malformed_documents_name_the_bad_field(
    store: Store, mutate: Mutation, message: str
) -> None:
    document = store.export_learner(populate(store).id)
    broken = copy.deepcopy(document)
    mutate(broken)
    before = row_counts(store)
    with pytest.raises(ValueError) as info:
        store.import_learner(broken, name="copy")
    assert message in str(info.value)
    assert not isinstance(info.value, StoreError)  # refused before touching the database
    assert row_counts(store) == before


@pytest.mark.parametrize("data", [None, [], "mlcamp-export", 3])
def test_import_of_something_that_is_not_a_document(store: Store, data: Any) -> None:
    with pytest.raises(ValueError, match="must be a JSON object"):
        store.import_learner(data)


# -- property: export -> import -> export is the identity -----------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
_name = _text.filter(lambda text: text.strip() != "")
_moment = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=7))]
    ),
).map(lambda moment: moment.isoformat())
_day = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
_json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_text, children, max_size=3),
    max_leaves=6,
)
_json_object = st.dictionaries(_text, _json_value, max_size=3)


@st.composite
def _evidence(draw: st.DrawFn) -> dict[str, Any]:
    evidence = draw(st.none() | st.sampled_from(EVIDENCE_KINDS))
    ref = None if evidence is None else draw(st.none() | _name)
    return {"state": draw(st.sampled_from(TOPIC_STATES)), "evidence": evidence, "evidence_ref": ref}


@st.composite
def _plan(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(_day)
    items = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "week_start": _day.map(date.isoformat),
                    "position": st.integers(min_value=-3, max_value=3),
                    "kind": st.sampled_from(PLAN_ITEM_KINDS),
                    "ref_id": _name,
                    "hours": st.floats(min_value=0, max_value=100),
                }
            ),
            max_size=4,
            unique_by=lambda item: (item["week_start"], item["position"]),
        )
    )
    return {
        "sequence": draw(st.integers(min_value=1, max_value=50)),
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=draw(st.integers(0, 400)))).isoformat(),
        "reason": draw(_name),
        "created_at": draw(_moment),
        "items": items,
    }


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(_day)
    target = draw(st.none() | st.integers(0, 1000).map(lambda days: start + timedelta(days=days)))
    return {
        "format": "mlcamp-export",
        "version": 1,
        "schema_revision": "0003_reported_milestones",
        "learner": {
            "name": draw(_name),
            "background": draw(st.sampled_from(BACKGROUNDS)),
            "hours_per_week": draw(st.floats(min_value=0, max_value=168, exclude_min=True)),
            "start_date": start.isoformat(),
            "target_date": None if target is None else target.isoformat(),
            "specialization": draw(st.none() | st.sampled_from(SPECIALIZATIONS)),
            "include_optional": draw(st.booleans()),
            "created_at": draw(_moment),
            "updated_at": draw(_moment),
        },
        "topic_statuses": draw(
            st.lists(
                st.builds(
                    lambda topic, evidence, at: {"topic_id": topic, **evidence, "updated_at": at},
                    _name,
                    _evidence(),
                    _moment,
                ),
                max_size=3,
                unique_by=lambda row: row["topic_id"],
            )
        ),
        "topic_events": draw(
            st.lists(
                st.builds(
                    lambda topic, evidence, at: {"topic_id": topic, **evidence, "created_at": at},
                    _name,
                    _evidence(),
                    _moment,
                ),
                max_size=4,
            )
        ),
        "lab_attempts": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "lab_id": _name,
                        "status": st.sampled_from(LAB_STATUSES),
                        "score": st.floats(min_value=0, max_value=1),
                        "report": _json_value,
                        "code_sha256": st.none() | _text.map(code_digest),
                        "created_at": _moment,
                    }
                ),
                max_size=3,
            )
        ),
        "lab_events": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "lab_id": _name,
                        "kind": st.sampled_from(LAB_EVENT_KINDS),
                        "detail": st.none() | _name,
                        "forced": st.booleans(),
                        "created_at": _moment,
                    }
                ),
                max_size=3,
            )
        ),
        "plans": draw(st.lists(_plan(), max_size=3, unique_by=lambda plan: plan["sequence"])),
        "review_cards": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "card_id": _name,
                        "topic_id": _name,
                        "state": _json_object,
                        "due": _moment,
                        "created_at": _moment,
                        "updated_at": _moment,
                    }
                ),
                max_size=4,
                unique_by=lambda card: card["card_id"],
            )
        ),
        "review_logs": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "card_id": _name,
                        "rating": st.integers(1, 4),
                        "reviewed_at": _moment,
                        "duration_seconds": st.none() | st.floats(min_value=0, max_value=1e6),
                    }
                ),
                max_size=4,
            )
        ),
        "assessments": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "taken_at": _moment,
                        "results": _json_object,
                        "recommended_background": st.sampled_from(BACKGROUNDS),
                    }
                ),
                max_size=3,
            )
        ),
        "reported_milestones": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"milestone_id": _name, "note": _name, "recorded_at": _moment}
                ),
                max_size=3,
                unique_by=lambda row: row["milestone_id"],
            )
        ),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_documents())
def test_export_import_export_is_identical(document: dict[str, Any]) -> None:
    with open_store("sqlite://") as first:
        exported = first.export_learner(first.import_learner(document).id)
    # The import kept everything (export normalises order and time zones only).
    for section in (
        "topic_events",
        "lab_attempts",
        "lab_events",
        "review_logs",
        "assessments",
        "reported_milestones",
    ):
        assert len(exported[section]) == len(document[section]), section
    assert len(exported["review_cards"]) == len(document["review_cards"])
    assert sorted(plan["sequence"] for plan in exported["plans"]) == sorted(
        plan["sequence"] for plan in document["plans"]
    )
    assert [event["topic_id"] for event in exported["topic_events"]] == [
        event["topic_id"] for event in document["topic_events"]
    ]
    assert json.loads(json.dumps(exported, allow_nan=False)) == exported

    with open_store("sqlite://") as second:
        again = second.export_learner(second.import_learner(exported).id)
    assert again == exported


# -- plan history ---------------------------------------------------------------------------------


def test_plans_lists_every_saved_plan_oldest_first(store: Store) -> None:
    learner = store.get_or_create_learner("me")
    other = store.get_or_create_learner("other")
    assert store.plans(learner.id) == []
    week = date(2025, 1, 6)
    saved = [
        store.save_plan(
            owner.id,
            start_date=week,
            end_date=week + timedelta(weeks=weeks),
            reason=reason,
            items=[
                PlanItemRecord(week + timedelta(weeks=1), 0, "lab", "kmeans", 3.0),
                PlanItemRecord(week, 0, "topic", "linear-algebra", float(weeks)),
            ],
        )
        for owner, weeks, reason in [
            (learner, 4, "first plan"),
            (other, 2, "someone else's"),
            (learner, 6, "profile changed"),
        ]
    ]
    plans = store.plans(learner.id)
    assert plans == [saved[0], saved[2]]
    assert [plan.sequence for plan in plans] == [1, 2]
    assert [item.week_start for item in plans[0].items] == [week, week + timedelta(weeks=1)]
    assert plans[-1] == store.latest_plan(learner.id)
    assert store.plans(learner.id, limit=1) == [saved[0]]
    assert store.plans(learner.id, limit=5) == plans
    assert [plan.reason for plan in store.plans(other.id)] == ["someone else's"]
    with pytest.raises(ValueError, match="limit"):
        store.plans(learner.id, limit=0)
    with pytest.raises(LearnerNotFoundError):
        store.plans(learner.id + other.id + 100)


# -- reported milestones (0003) -------------------------------------------------------------------


def test_reported_milestones_are_recorded_replaced_and_deleted(store: Store) -> None:
    learner = store.get_or_create_learner("me")
    other = store.get_or_create_learner("other")
    assert store.milestone_records(learner.id) == []
    first = store.record_milestone(
        learner.id, "publish-research", "arXiv:2601.00001", recorded_at=T0
    )
    assert (first.milestone_id, first.note, first.recorded_at) == (
        "publish-research",
        "arXiv:2601.00001",
        T0,
    )
    store.record_milestone(learner.id, "publish-research", "NeurIPS workshop paper")
    store.record_milestone(learner.id, "mentor-others", "taught a study group")
    store.record_milestone(other.id, "mentor-others", "someone else's")
    records = store.milestone_records(learner.id)
    assert [(r.milestone_id, r.note) for r in records] == [
        ("mentor-others", "taught a study group"),
        ("publish-research", "NeurIPS workshop paper"),
    ]
    assert store.delete_milestone_record(learner.id, "mentor-others") is True
    assert store.delete_milestone_record(learner.id, "mentor-others") is False
    assert [r.milestone_id for r in store.milestone_records(learner.id)] == ["publish-research"]
    assert [r.note for r in store.milestone_records(other.id)] == ["someone else's"]


@pytest.mark.parametrize(
    ("milestone_id", "note", "message"),
    [("", "x", "milestone_id"), ("m", "   ", "note"), ("m", "x" * 2001, "at most 2000")],
)
def test_reported_milestone_bad_values_are_refused(
    store: Store, milestone_id: str, note: str, message: str
) -> None:
    learner = store.get_or_create_learner("me")
    with pytest.raises(ValueError, match=message):
        store.record_milestone(learner.id, milestone_id, note)
    assert store.milestone_records(learner.id) == []


def test_reported_milestones_travel_with_export_and_old_exports_still_import(store: Store) -> None:
    learner = populate(store)
    store.record_milestone(learner.id, "publish-research", "a paper", recorded_at=T0)
    document = store.export_learner(learner.id)
    assert document["reported_milestones"] == [
        {"milestone_id": "publish-research", "note": "a paper", "recorded_at": T0.isoformat()}
    ]
    with open_store("sqlite://") as empty:
        copy = empty.import_learner(document)
        assert [r.note for r in empty.milestone_records(copy.id)] == ["a paper"]
        older = {key: value for key, value in document.items() if key != "reported_milestones"}
        again = empty.import_learner(older, name="older-export")
        assert empty.milestone_records(again.id) == []
    repeated = {**document, "reported_milestones": document["reported_milestones"] * 2}
    with pytest.raises(ValueError, match=r"reported_milestones\[1\] repeats milestone_id"):
        store.import_learner(repeated, name="x")
