"""build_plan remembers plans by their inputs: equal inputs share a plan, any difference
plans again."""

from __future__ import annotations

from datetime import date

from mlcamp.curriculum import shipped_curriculum
from mlcamp.planner.profile import Profile
from mlcamp.planner.progress import Progress
from mlcamp.planner.schedule import build_plan, forget_plans

START = date(2026, 1, 5)


def test_equal_inputs_share_a_plan_and_any_difference_plans_again() -> None:
    curriculum = shipped_curriculum()
    profile = Profile("beginner", 10.0, START)
    first = build_plan(curriculum, profile, Progress({"python-basics": "done"}), START)
    again = build_plan(curriculum, profile, Progress({"python-basics": "done"}), START)
    assert again is first
    for other in (
        build_plan(curriculum, profile, Progress({"python-basics": "learning"}), START),
        build_plan(curriculum, Profile("beginner", 12.0, START), Progress(), START),
        build_plan(curriculum, profile, Progress({"python-basics": "done"}), date(2026, 2, 2)),
        build_plan(
            curriculum, profile, Progress({"python-basics": "done"}, review_dates=(START,)), START
        ),
    ):
        assert other is not first
    forget_plans()
    fresh = build_plan(curriculum, profile, Progress({"python-basics": "done"}), START)
    assert fresh is not first and fresh.weeks == first.weeks
