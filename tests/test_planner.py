"""The planner: prerequisite order, every unfinished topic once, weekly budgets, durations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcamp.curriculum import shipped_curriculum
from mlcamp.planner.calendar import plan_calendar
from mlcamp.planner.profile import BACKGROUNDS, Profile, ProfileError
from mlcamp.planner.progress import Progress
from mlcamp.planner.schedule import LAB_SHARE, Plan, build_plan, week_start_for
from mlcamp.planner.service import catch_up_options, standing

CURRICULUM = shipped_curriculum()
TOPICS = [topic for part in CURRICULUM.parts for topic in part.topics()]
TOPIC_IDS = [topic.id for topic in TOPICS]
LAB_IDS = sorted({lab for topic in TOPICS for lab in topic.labs})
MONTHS = {"beginner": (18, 24), "math-stats": (12, 16), "software-engineer": (14, 18)}
START = date(2026, 1, 5)


def months(plan: Plan) -> float:
    return (plan.end - plan.start).days / 30.44


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_default_plans_fit_the_seeds_month_ranges(background: str) -> None:
    plan = build_plan(CURRICULUM, Profile(background, 10.0, START), Progress())
    low, high = MONTHS[background]
    assert low <= months(plan) <= high, months(plan)


profiles = st.builds(
    Profile,
    background=st.sampled_from(BACKGROUNDS),
    hours_per_week=st.floats(3.0, 40.0).map(lambda h: round(h, 1)),
    start_date=st.just(START),
    include_optional=st.booleans(),
    specialization=st.sampled_from([None, "cv", "nlp", "time-series"]),
)
progresses = st.builds(
    Progress,
    topic_states=st.dictionaries(
        st.sampled_from(TOPIC_IDS),
        st.sampled_from(["learning", "done", "skipped", "placed-out"]),
        max_size=40,
    ),
    passed_labs=st.frozensets(st.sampled_from(LAB_IDS), max_size=6)
    if LAB_IDS
    else st.just(frozenset()),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, progresses, st.integers(0, 400))
def test_plan_properties(profile: Profile, progress: Progress, day_offset: int) -> None:
    today = START + timedelta(days=day_offset)
    plan = build_plan(CURRICULUM, profile, progress, today)
    order: dict[str, int] = {}
    for position, item in enumerate(plan.items()):
        order.setdefault(f"{item.kind}:{item.id}", position)
    by_id = {topic.id: topic for topic in TOPICS}
    planned_topics = {key[6:] for key in order if key.startswith("topic:")}
    # Every unfinished topic of the learner's path is planned exactly once (its parts contiguous,
    # summing to its hours); finished ones are not planned.
    for topic in TOPICS:
        wanted = (
            profile.include_optional or not topic.optional or (profile.specialization in topic.tags)
        )
        should = wanted and not progress.topic_finished(topic.id)
        assert (topic.id in planned_topics) == should, topic.id
    for topic_id in planned_topics:
        parts = [i for i in plan.items() if i.kind == "topic" and i.id == topic_id]
        topic = by_id[topic_id]
        hours = topic.hours.for_background(profile.background)  # type: ignore[arg-type]
        expected = hours * (1 - LAB_SHARE) if topic.labs else hours
        assert sum(p.hours for p in parts) == pytest.approx(expected, abs=0.05)
        assert [p.part for p in parts] == list(range(1, len(parts) + 1))
        assert all(p.parts == len(parts) for p in parts)
        # No topic before its prerequisites (those still planned).
        for prerequisite in topic.prerequisites:
            if f"topic:{prerequisite}" in order:
                assert order[f"topic:{prerequisite}"] < order[f"topic:{topic_id}"]
    # Passed labs and labs of skipped or placed-out topics are not planned.
    for key in order:
        if key.startswith("lab:"):
            assert key[4:] not in progress.passed_labs
    # No week over budget, weeks consecutive and aligned to the start date.
    for week in plan.weeks:
        assert week.hours <= profile.hours_per_week + 1e-6
        assert (week.start - profile.start_date).days % 7 == 0
    for before, after in zip(plan.weeks, plan.weeks[1:], strict=False):
        assert after.start - before.start == timedelta(days=7)
    assert plan.start == week_start_for(profile, today)


def test_finished_work_shortens_the_plan() -> None:
    profile = Profile("software-engineer", 10.0, START)
    full = build_plan(CURRICULUM, profile, Progress())
    progress = Progress({topic: "done" for topic in TOPIC_IDS[:20]})
    shorter = build_plan(CURRICULUM, profile, progress)
    assert shorter.end < full.end
    assert shorter.total_hours < full.total_hours


def test_more_hours_end_sooner_and_dropping_optional_topics_too() -> None:
    slow = build_plan(CURRICULUM, Profile("beginner", 8.0, START), Progress())
    fast = build_plan(CURRICULUM, Profile("beginner", 16.0, START), Progress())
    lean = build_plan(
        CURRICULUM, Profile("beginner", 8.0, START, include_optional=False), Progress()
    )
    assert fast.end < slow.end and lean.end < slow.end


def test_profile_errors_say_what_is_allowed() -> None:
    with pytest.raises(ProfileError, match="beginner, math-stats, software-engineer"):
        Profile("expert")
    with pytest.raises(ProfileError, match="between 1 and 80"):
        Profile(hours_per_week=0.5)
    with pytest.raises(ProfileError, match="cv, nlp, time-series"):
        Profile(specialization="robotics")


def test_behind_and_catch_up_options_preview_their_end_dates() -> None:
    from mlcamp.store.records import PlanItemRecord, PlanRecord

    profile = Profile("math-stats", 10.0, START)
    plan = build_plan(CURRICULUM, profile, Progress())
    record = PlanRecord(
        id=1,
        learner_id=1,
        sequence=1,
        start_date=plan.start,
        end_date=plan.end,
        reason="",
        created_at=None,  # type: ignore[arg-type]
        items=tuple(
            PlanItemRecord(week.start, position, item.kind, item.id, item.hours)
            for week in plan.weeks
            for position, item in enumerate(week.items)
        ),
    )
    today = START + timedelta(weeks=8)
    where = standing(record, Progress(), today, profile.hours_per_week)
    assert where.is_behind and where.behind_weeks == pytest.approx(8, abs=1)
    options = catch_up_options(CURRICULUM, profile, Progress(), today, plan.end)
    names = [option.name for option in options]
    assert names == ["extend", "hours", "drop-optional"]
    extend, hours, lean = options
    assert extend.end > plan.end
    assert hours.end <= plan.end and hours.profile.hours_per_week > 10
    assert lean.end < extend.end


def test_calendar_has_stable_uids_and_sequence() -> None:
    from icalendar import Calendar

    profile = Profile("software-engineer", 10.0, START)
    first = build_plan(CURRICULUM, profile, Progress())
    later = build_plan(
        CURRICULUM, profile, Progress({TOPIC_IDS[0]: "done"}), START + timedelta(weeks=2)
    )
    one = Calendar.from_ical(plan_calendar(first, 1))
    two = Calendar.from_ical(
        plan_calendar(later, 2, previous_keys={i.key for i in first.items() if i.kind != "review"})
    )
    events_one = {str(e["uid"]): e for e in one.walk("VEVENT")}
    events_two = {str(e["uid"]): e for e in two.walk("VEVENT")}
    shared = set(events_one) & set(events_two)
    assert shared, "re-planned items keep their UIDs"
    assert all(int(events_two[uid]["sequence"]) == 2 for uid in shared)
    cancelled = [e for e in two.walk("VEVENT") if str(e.get("status", "")) == "CANCELLED"]
    assert any(TOPIC_IDS[0] in str(e["uid"]) for e in cancelled)
    assert len(events_one) == len(set(events_one))  # no duplicate UIDs
