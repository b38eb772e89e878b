"""The planner with the learner's data: profile and progress from the store, plans saved back.

Every command that shows the plan re-plans from the current progress and profile; a plan that
differs from the last saved one is saved (numbered), so the history of plans is the history of
the learner's pace. "Behind" compares the work done with the plan the learner last accepted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from mlcamp.learner import LEARNER as LEARNER
from mlcamp.planner.profile import Profile
from mlcamp.planner.progress import Progress
from mlcamp.planner.schedule import Plan, build_plan

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Curriculum
    from mlcamp.store import Store
    from mlcamp.store.records import PlanRecord


@dataclass(frozen=True)
class Standing:
    """How the learner stands against the plan they accepted last."""

    behind_hours: float
    ahead_hours: float
    baseline_end: date | None
    hours_per_week: float

    @property
    def behind_weeks(self) -> float:
        """Hours behind in weeks of the learner's pace."""
        return round(self.behind_hours / self.hours_per_week, 1)

    @property
    def is_behind(self) -> bool:
        """Behind by at least half a week."""
        return self.behind_hours >= self.hours_per_week / 2


@dataclass(frozen=True)
class Option:
    """A way to catch up, with the profile it leads to and the plan end it gives."""

    name: str
    description: str
    profile: Profile
    end: date


def learner_profile(store: Store) -> Profile:
    """The local learner's profile (created with defaults on first use)."""
    record = store.get_or_create_learner(LEARNER)
    return Profile(
        background=record.background,
        hours_per_week=record.hours_per_week,
        start_date=record.start_date,
        target_date=record.target_date,
        specialization=record.specialization,
        include_optional=bool(getattr(record, "include_optional", True)),
    )


def learner_progress(store: Store, curriculum: Curriculum) -> Progress:
    """The learner's progress, with renamed topic ids mapped through the content's aliases."""
    learner = store.get_or_create_learner(LEARNER).id
    states: dict[str, str] = {}
    completed: dict[str, date] = {}
    for topic_id, status in store.topic_statuses(learner).items():
        canonical = _canonical(curriculum, topic_id)
        if canonical is None:
            continue  # a topic no longer in the content: kept in the store, ignored here
        states[canonical] = status.state
        completed[canonical] = status.updated_at.date()
    passed = store.passed_labs(learner)
    review_dates: tuple[date, ...] = ()
    cards = getattr(store, "review_cards", None)
    if cards is not None:
        review_dates = tuple(card.due.date() for card in cards(learner))
    return Progress(states, passed, completed, review_dates)


def _canonical(curriculum: Curriculum, topic_id: str) -> str | None:
    try:
        return curriculum.topic(topic_id).id
    except KeyError:
        return None


def make_plan(
    curriculum: Curriculum,
    profile: Profile,
    progress: Progress,
    today: date,
    *,
    lab_titles: dict[str, str] | None = None,
    cards_per_topic: dict[str, int] | None = None,
) -> Plan:
    """The plan from today (or from the start date, if that is later)."""
    return build_plan(
        curriculum,
        profile,
        progress,
        today,
        lab_titles=lab_titles,
        cards_per_topic=cards_per_topic,
    )


def save_if_changed(store: Store, plan: Plan, reason: str) -> PlanRecord:
    """Save the plan unless it equals the latest saved plan; return the current saved plan."""
    from mlcamp.store.records import PlanItemRecord

    learner = store.get_or_create_learner(LEARNER).id
    items = [
        PlanItemRecord(week.start, position, item.kind, item.id, item.hours)
        for week in plan.weeks
        for position, item in enumerate(week.items)
    ]
    latest = store.latest_plan(learner)
    if latest is not None and list(latest.items) == items and latest.end_date == plan.end:
        return latest
    return store.save_plan(
        learner, start_date=plan.start, end_date=plan.end, reason=reason, items=items
    )


def standing(
    baseline: PlanRecord | None, progress: Progress, today: date, hours_per_week: float
) -> Standing:
    """Behind: work the accepted plan put before this week that is not done yet. Ahead: work
    it put in later weeks that is already done."""
    if baseline is None:
        return Standing(0.0, 0.0, None, hours_per_week)
    behind = ahead = 0.0
    for item in baseline.items:
        if item.kind == "review":
            continue
        finished = (
            progress.topic_finished(item.ref_id)
            if item.kind == "topic"
            else item.ref_id in progress.passed_labs
        )
        if item.week_start + timedelta(days=7) <= today and not finished:
            behind += item.hours
        elif item.week_start > today and finished:
            ahead += item.hours
    return Standing(round(behind, 2), round(ahead, 2), baseline.end_date, hours_per_week)


def catch_up_options(
    curriculum: Curriculum,
    profile: Profile,
    progress: Progress,
    today: date,
    baseline_end: date,
    **plan_options: dict[str, str] | dict[str, int] | None,
) -> list[Option]:
    """Ways to catch up, each previewed: a later end date, more hours, or fewer topics."""

    def end_with(candidate: Profile) -> date:
        return build_plan(curriculum, candidate, progress, today, **plan_options).end  # type: ignore[arg-type]

    options = [
        Option(
            "extend",
            f"keep {profile.hours_per_week:g} h/week and move the end date",
            profile,
            end_with(profile),
        )
    ]
    hours = _hours_to_finish_by(end_with, profile, baseline_end)
    if hours is not None and hours > profile.hours_per_week:
        faster = replace(profile, hours_per_week=hours)
        options.append(
            Option(
                "hours",
                f"study {hours:g} h/week instead of {profile.hours_per_week:g} and keep the "
                "end date",
                faster,
                end_with(faster),
            )
        )
    if profile.include_optional:
        lighter = replace(profile, include_optional=False)
        options.append(
            Option(
                "drop-optional",
                "leave out the optional topics (your specialization's stay)",
                lighter,
                end_with(lighter),
            )
        )
    return options


def _hours_to_finish_by(
    end_with: object, profile: Profile, deadline: date, ceiling: float = 40.0
) -> float | None:
    """The fewest hours per week (in half hours) that end the plan by `deadline`, if any."""
    assert callable(end_with)
    low, high = profile.hours_per_week, ceiling
    if end_with(replace(profile, hours_per_week=high)) > deadline:
        return None
    while high - low > 0.5:
        middle = (low + high) / 2
        if end_with(replace(profile, hours_per_week=middle)) <= deadline:
            high = middle
        else:
            low = middle
    return float(round(high * 2 + 0.499) / 2)


def hours_to_finish_by(
    curriculum: Curriculum, profile: Profile, progress: Progress, today: date, deadline: date
) -> float | None:
    """The fewest weekly hours (in half hours, at most 40) that end the plan by `deadline`."""

    def end_with(candidate: Profile) -> date:
        return build_plan(curriculum, candidate, progress, today).end

    if end_with(profile) <= deadline:
        return profile.hours_per_week
    return _hours_to_finish_by(end_with, profile, deadline)


def apply_profile(store: Store, profile: Profile) -> None:
    """Save a changed profile (hours, optional topics, background, dates)."""
    learner = store.get_or_create_learner(LEARNER).id
    changes: dict[str, object] = {
        "background": profile.background,
        "hours_per_week": profile.hours_per_week,
        "start_date": profile.start_date,
        "target_date": profile.target_date,
        "specialization": profile.specialization,
    }
    record = store.get_learner(learner)
    if hasattr(record, "include_optional"):
        changes["include_optional"] = profile.include_optional
    store.update_learner(learner, **changes)  # type: ignore[arg-type]


def part_progress(curriculum: Curriculum, progress: Progress) -> list[tuple[str, int, int, int]]:
    """Per part: title, topics finished (done or placed out), skipped, and total."""
    rows = []
    for part in curriculum.parts:
        topics = part.topics()
        counts: dict[str, int] = defaultdict(int)
        for topic in topics:
            counts[progress.state(topic.id)] += 1
        finished = counts["done"] + counts["placed-out"]
        rows.append((part.display_title, finished, counts["skipped"], len(topics)))
    return rows
