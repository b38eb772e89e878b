"""The store's data version and the reads it lets a Store reuse: never stale, whoever writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mlcamp.store import open_store
from mlcamp.store.records import PlanItemRecord


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mlcamp.db'}"


def test_data_version_changes_with_every_commit_from_any_connection(tmp_path: Path) -> None:
    with open_store(_url(tmp_path)) as store, open_store(_url(tmp_path)) as other:
        learner = store.get_or_create_learner("me").id
        first = store.data_version()
        assert first is not None and store.data_version() == first  # reading changes nothing
        store.set_topic_status(learner, "gradient-descent", "learning")
        second = store.data_version()
        assert second != first  # this store's own write
        other.set_topic_status(learner, "gradient-descent", "done")
        assert store.data_version() != second  # another store's write


def test_in_memory_databases_have_no_data_version() -> None:
    with open_store("sqlite://") as store:
        assert store.data_version() is None
        learner = store.get_or_create_learner("me").id
        store.set_topic_status(learner, "gradient-descent", "learning")
        assert store.topic_statuses(learner)["gradient-descent"].state == "learning"


def test_reads_see_writes_of_another_store_and_of_another_process(tmp_path: Path) -> None:
    with open_store(_url(tmp_path)) as store, open_store(_url(tmp_path)) as other:
        learner = store.get_or_create_learner("me").id
        assert store.topic_statuses(learner) == {}
        assert store.topic_statuses(learner) == {}  # remembered
        other.set_topic_status(learner, "gradient-descent", "learning")
        assert store.topic_statuses(learner)["gradient-descent"].state == "learning"

        script = textwrap.dedent(
            f"""
            from mlcamp.store import open_store
            with open_store({_url(tmp_path)!r}) as store:
                store.set_topic_status({learner}, "gradient-descent", "done")
            """
        )
        subprocess.run([sys.executable, "-c", script], check=True)
        assert store.topic_statuses(learner)["gradient-descent"].state == "done"
        assert [e.state for e in store.topic_events(learner)] == ["learning", "done"]


def test_remembered_reads_come_in_new_containers(tmp_path: Path) -> None:
    with open_store(_url(tmp_path)) as store:
        learner = store.get_or_create_learner("me").id
        store.set_topic_status(learner, "gradient-descent", "learning")
        statuses = store.topic_statuses(learner)
        statuses.clear()
        events = store.topic_events(learner)
        events.clear()
        assert "gradient-descent" in store.topic_statuses(learner)
        assert len(store.topic_events(learner)) == 1


def test_review_cards_filters_apply_to_the_remembered_cards(tmp_path: Path) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with open_store(_url(tmp_path)) as store:
        learner = store.get_or_create_learner("me").id
        for hours, card, topic in ((-1, "a-1", "a"), (2, "b-1", "b"), (5, "a-2", "a")):
            store.upsert_review_card(learner, card, topic, "{}", now + timedelta(hours=hours))
        assert [c.card_id for c in store.review_cards(learner)] == ["a-1", "b-1", "a-2"]
        assert [c.card_id for c in store.review_cards(learner, due_before=now)] == ["a-1"]
        assert [c.card_id for c in store.review_cards(learner, topic_id="a")] == ["a-1", "a-2"]
        assert store.next_review_due(learner, now) == now + timedelta(hours=2)
        assert store.next_review_due(learner, now + timedelta(hours=5)) is None


def test_an_existing_learner_is_read_without_taking_the_write_lock(tmp_path: Path) -> None:
    url = _url(tmp_path)
    with open_store(url) as store:
        learner = store.get_or_create_learner("me").id
    blocker = sqlite3.connect(tmp_path / "mlcamp.db", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        with open_store(url, busy_timeout_ms=200) as store:
            assert store.get_or_create_learner("me").id == learner
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_plans_round_trip_through_the_bulk_insert(tmp_path: Path) -> None:
    monday = datetime(2026, 1, 5).date()
    items = [
        PlanItemRecord(monday + timedelta(weeks=week), position, "topic", f"t{week}-{position}", 1)
        for week in (1, 0)
        for position in (1, 0)
    ]
    with open_store(_url(tmp_path)) as store:
        learner = store.get_or_create_learner("me").id
        assert store.latest_plan(learner) is None and not store.has_plan(learner)
        saved = store.save_plan(
            learner,
            start_date=monday,
            end_date=monday + timedelta(weeks=2),
            reason="first plan",
            items=items,
        )
        loaded = store.latest_plan(learner)
        assert loaded == saved and store.has_plan(learner)
        assert [i.ref_id for i in loaded.items] == ["t0-0", "t0-1", "t1-0", "t1-1"]
        assert all(isinstance(i.hours, float) for i in loaded.items)
        assert store.plans(learner) == [saved]
