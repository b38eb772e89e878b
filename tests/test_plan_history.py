"""The history behind the progress charts (mlcamp.planner.history): planned versus done hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcamp.curriculum import shipped_curriculum
from mlcamp.curriculum.models import BACKGROUNDS
from mlcamp.planner.history import (
    WorkKey,
    finish_dates,
    hours_history,
    labs_by_part,
    learner_history,
    planned_hours,
    work_hours,
)
from mlcamp.planner.overview import refresh_plan
from mlcamp.store import PlanItemRecord, open_store
from mlcamp.store.records import LabAttemptRecord, PlanRecord, TopicEventRecord

START = date(2026, 1, 5)


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def event(topic_id: str, state: str, day: date, number: int = 0) -> TopicEventRecord:
    return TopicEventRecord(number, 1, topic_id, state, None, None, moment(day))


def attempt(lab_id: str, status: str, day: date, number: int = 0) -> LabAttemptRecord:
    return LabAttemptRecord(number, 1, lab_id, status, 1.0, "{}", None, moment(day))


# -- work hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_work_hours_add_up_to_the_path(background: str) -> None:
    curriculum = shipped_curriculum()
    hours = work_hours(curriculum, background)  # type: ignore[arg-type]
    assert sum(hours.values()) == pytest.approx(curriculum.total_hours(background))  # type: ignore[arg-type]
    assert all(value > 0 for value in hours.values())
    topic = next(t for t in curriculum.topics() if len(t.labs) == 1)
    estimate = topic.hours.for_background(background)  # type: ignore[arg-type]
    assert hours[("topic", topic.id)] == pytest.approx(0.6 * estimate)
    assert hours[("lab", topic.labs[0])] >= 0.4 * estimate - 1e-9


# -- finish dates -------------------------------------------------------------------------------


def test_topics_count_while_done_dated_by_the_change_that_made_them_done() -> None:
    day = START
    events = [
        event("a", "learning", day),
        event("a", "done", day + timedelta(days=3)),
        event("b", "done", day + timedelta(days=1)),
        event("b", "not-started", day + timedelta(days=2)),  # reopened: no longer counts
        event("c", "done", day + timedelta(days=1)),
        event("c", "learning", day + timedelta(days=5)),
        event("c", "done", day + timedelta(days=9)),  # done again: dated by this change
        event("d", "placed-out", day),  # placed out: no work went into it
        event("old-name", "done", day + timedelta(days=4)),
        event("gone", "done", day),
    ]
    aliases = {"old-name": "e", "gone": None}
    finished = finish_dates(events, [], lambda topic_id: aliases.get(topic_id, topic_id))
    assert finished == {
        ("topic", "a"): day + timedelta(days=3),
        ("topic", "c"): day + timedelta(days=9),
        ("topic", "e"): day + timedelta(days=4),
    }


def test_labs_count_from_their_first_pass() -> None:
    attempts = [
        attempt("kmeans", "fail", START),
        attempt("kmeans", "pass", START + timedelta(days=2)),
        attempt("kmeans", "pass", START + timedelta(days=9)),
        attempt("pca", "error", START),
    ]
    assert finish_dates([], attempts) == {("lab", "kmeans"): START + timedelta(days=2)}


# -- the two curves -----------------------------------------------------------------------------


def test_hours_history_by_hand() -> None:
    planned = [(START, 6.0), (START, 4.0), (START + timedelta(weeks=1), 10.0)]
    hours: dict[WorkKey, float] = {("topic", "a"): 6.0, ("lab", "x"): 4.0, ("topic", "b"): 10.0}
    finished: dict[WorkKey, date] = {
        ("topic", "a"): START - timedelta(days=3),  # before the plan: counts in week 1
        ("lab", "x"): START + timedelta(days=8),
        ("topic", "zzz"): START,  # not in the content any more: counts nothing
    }
    today = START + timedelta(weeks=2, days=1)
    history = hours_history(planned, finished, hours, today, START)
    rows = [(w.start, w.planned, w.done) for w in history.weeks]
    assert rows == [
        (START, 10.0, 6.0),
        (START + timedelta(weeks=1), 20.0, 10.0),
        (START + timedelta(weeks=2), 20.0, 10.0),  # today's week: past the plan's end
    ]
    assert (history.planned_total, history.total) == (20.0, 20.0)
    assert history.current is not None and history.current.start == START + timedelta(weeks=2)
    assert history.to_json()["weeks"][0] == {"start": "2026-01-05", "planned": 10.0, "done": 6.0}


def test_weeks_after_today_have_no_done_value_and_late_records_count_today() -> None:
    planned = [(START + timedelta(weeks=n), 5.0) for n in range(4)]
    hours: dict[WorkKey, float] = {("topic", "a"): 5.0}
    finished: dict[WorkKey, date] = {("topic", "a"): START + timedelta(weeks=30)}
    history = hours_history(planned, finished, hours, START + timedelta(days=8), START)
    assert [w.done for w in history.weeks] == [0.0, 5.0, None, None]
    assert history.weeks[-1].end == START + timedelta(weeks=3, days=6)
    before = hours_history(planned, finished, hours, START - timedelta(days=1), START)
    assert [w.done for w in before.weeks] == [None] * 4 and before.current is None


keys = st.tuples(st.sampled_from(["topic", "lab"]), st.sampled_from("abcdefghij"))
days = st.integers(min_value=-30, max_value=400).map(lambda n: START + timedelta(days=n))
amounts = st.floats(min_value=0, max_value=40, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    planned=st.lists(st.tuples(days, amounts), max_size=40),
    finished=st.dictionaries(keys, days, max_size=20),
    hours=st.dictionaries(keys, amounts, max_size=20),
    today=days,
)
def test_curves_never_go_down_and_done_never_exceeds_the_total(
    planned: list[tuple[date, float]],
    finished: dict[WorkKey, date],
    hours: dict[WorkKey, float],
    today: date,
) -> None:
    history = hours_history(planned, finished, hours, today, START)
    weeks = history.weeks
    assert weeks[0].start == START
    assert all(b.start - a.start == timedelta(days=7) for a, b in pairwise(weeks))
    assert all(a.planned <= b.planned for a, b in pairwise(weeks))
    assert weeks[-1].planned == history.planned_total
    done = [w.done for w in weeks]
    known = [value for value in done if value is not None]
    assert done == known + [None] * (len(done) - len(known))  # no gap: None only after today
    assert all(a <= b for a, b in pairwise(known))
    assert all(0 <= value <= history.total for value in known)
    for week in weeks:
        assert (week.done is None) == (week.start > today)
    if today >= START:
        assert weeks[-1].end >= today


def test_planned_hours_leave_reviews_out() -> None:
    record = PlanRecord(
        1,
        1,
        1,
        START,
        START + timedelta(weeks=2),
        "first plan",
        moment(START),
        (
            PlanItemRecord(START, 0, "review", "reviews", 0.5),
            PlanItemRecord(START, 1, "topic", "a", 9.5),
            PlanItemRecord(START + timedelta(weeks=1), 0, "lab", "x", 3.0),
        ),
    )
    assert planned_hours(record) == [(START, 9.5), (START + timedelta(weeks=1), 3.0)]


# -- labs per part ------------------------------------------------------------------------------


def test_labs_by_part_counts_passed_and_all_in_path_order() -> None:
    curriculum = shipped_curriculum()
    labs = [("a", "prerequisites"), ("b", "prerequisites"), ("c", "model-evaluation"), ("d", "x")]
    rows = labs_by_part(curriculum, labs, {"b", "c", "d", "e"})
    assert [row.part_id for row in rows] == [part.id for part in curriculum.parts]
    by_id = {row.part_id: row for row in rows}
    assert (by_id["prerequisites"].passed, by_id["prerequisites"].total) == (1, 2)
    assert (by_id["model-evaluation"].passed, by_id["model-evaluation"].total) == (1, 1)
    assert (by_id["ml-fundamentals"].passed, by_id["ml-fundamentals"].total) == (0, 0)
    assert rows[0].short == "Prereq." and rows[1].short == "M1"


# -- with the store -----------------------------------------------------------------------------


def test_learner_history_follows_the_first_plan() -> None:
    store = open_store("sqlite://")
    try:
        empty = learner_history(store, START)
        assert empty.hours is None and empty.first_plan is None and empty.plan.weeks
        refresh_plan(store, START, changes={"background": "beginner", "start_date": START})
        learner = store.get_or_create_learner("me").id
        store.set_topic_status(learner, "vectors-and-matrices", "done", evidence="self-reported")
        refresh_plan(store, START, changes={"hours_per_week": 20.0})  # a second plan
        later = START + timedelta(weeks=3)
        history = learner_history(store, later)
        assert history.first_plan is not None and history.first_plan.sequence == 1
        assert history.hours is not None
        last_week = max(i.week_start for i in history.first_plan.items if i.kind != "review")
        assert history.hours.weeks[0].start == START
        assert history.hours.weeks[-1].start == last_week
        # The first plan ran at 10 h/week (reviews aside): about 10 h per week.
        assert 8 <= history.hours.weeks[0].planned <= 10
        expected = work_hours(shipped_curriculum(), "beginner")[("topic", "vectors-and-matrices")]
        assert history.hours.weeks[3].done == pytest.approx(expected)
        assert history.plan.profile.hours_per_week == 20.0
        assert sum(row.total for row in history.labs) > 0
    finally:
        store.close()
