"""What every interface shows the learner: the plan with its standing, this week, and progress.

The CLI and the web app both call these functions, so that a page and a command never disagree:
each takes an open :class:`~mlcamp.store.Store` and "today", reads the learner's data, re-plans,
saves the plan when it changed, and returns plain dataclasses with a ``to_json`` for the API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from mlcamp.planner.milestones import LabFacts, MilestoneStatus, evaluate
from mlcamp.planner.profile import Profile
from mlcamp.planner.progress import Progress
from mlcamp.planner.schedule import Plan, PlanItem, PlanWeek
from mlcamp.planner.service import (
    LEARNER,
    Option,
    Standing,
    apply_profile,
    catch_up_options,
    hours_to_finish_by,
    learner_profile,
    learner_progress,
    make_plan,
    part_progress,
    save_if_changed,
    standing,
)

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Curriculum, Topic
    from mlcamp.store import Store
    from mlcamp.store.records import PlanRecord

__all__ = [
    "TOPIC_STATES_BY_HAND",
    "PartRow",
    "PlanView",
    "ProgressView",
    "TargetNote",
    "TodayView",
    "UnknownCatchUp",
    "UnknownTopic",
    "activity_days",
    "find_topic",
    "has_plan",
    "mark_topic",
    "plan_calendar_bytes",
    "progress_view",
    "refresh_plan",
    "replan_after_change",
    "streak",
    "today_view",
]

TOPIC_STATES_BY_HAND = ("learning", "done", "skipped", "not-started")
"""States a learner may set by hand (recorded as self-reported)."""


class UnknownCatchUp(ValueError):
    """The catch-up option asked for is not on offer; ``available`` lists those that are."""

    def __init__(self, name: str, available: list[str]) -> None:
        self.available = available
        shown = ", ".join(available) or "none: you are on track"
        super().__init__(f"No catch-up option '{name}'. Available: {shown}")


class UnknownTopic(KeyError):
    """No topic has this id (nor an alias of it); ``close`` holds similar ids."""

    def __init__(self, topic_id: str, close: list[str]) -> None:
        self.topic_id = topic_id
        self.close = close
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"There is no topic '{topic_id}'.{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


def _curriculum() -> Curriculum:
    from mlcamp.curriculum import shipped_curriculum

    return shipped_curriculum()


def _lab_titles() -> dict[str, str]:
    from mlcamp.labs import all_labs

    return {lab.id: lab.spec.title for lab in all_labs()}


# -- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetNote:
    """How the plan stands against the learner's target date."""

    target: date
    on_time: bool
    hours_needed: float | None
    """Weekly hours that would meet the target (None: not even at 40 h/week)."""


@dataclass(frozen=True)
class PlanView:
    """The current plan, how the learner stands against the accepted one, and ways to catch up."""

    plan: Plan
    sequence: int
    standing: Standing
    options: list[Option]
    target: TargetNote | None
    baseline: PlanRecord | None
    """The plan accepted before this one (its items are cancelled in a new calendar)."""

    @property
    def profile(self) -> Profile:
        """The profile the plan was made for."""
        return self.plan.profile

    def to_json(self) -> dict[str, Any]:
        """The documented ``mlcamp plan --json`` document."""
        document: dict[str, Any] = self.plan.to_json()
        document["sequence"] = self.sequence
        if self.target is not None:
            document["target"] = self.target.target.isoformat()
            document["on_target"] = self.target.on_time
            document["hours_for_target"] = self.target.hours_needed
        document["behind_hours"] = self.standing.behind_hours
        document["ahead_hours"] = self.standing.ahead_hours
        document["options"] = [
            {"name": o.name, "description": o.description, "end": o.end.isoformat()}
            for o in self.options
        ]
        return document


def refresh_plan(
    store: Store,
    today: date,
    *,
    changes: Mapping[str, object] | None = None,
    catch_up: str | None = None,
) -> PlanView:
    """Re-plan from the learner's progress, after applying profile ``changes`` and ``catch_up``.

    ``changes`` holds :class:`Profile` fields (``background``, ``hours_per_week``,
    ``start_date``, ``target_date``, ``specialization``, ``include_optional``); a bad value raises
    :class:`~mlcamp.planner.profile.ProfileError` before anything is saved. While the learner is
    behind, the plan they accepted stays the baseline until they choose a catch-up option
    (``catch_up``: ``extend``, ``hours`` or ``drop-optional``; :class:`UnknownCatchUp` otherwise).
    """
    curriculum = _curriculum()
    lab_titles = _lab_titles()
    profile = learner_profile(store)
    new_profile = replace(profile, **dict(changes or {}))  # type: ignore[arg-type]  # validates
    reason = "profile changed" if new_profile != profile else "progress"
    if new_profile != profile:
        apply_profile(store, new_profile)
    progress = learner_progress(store, curriculum)
    learner = store.get_or_create_learner(LEARNER).id
    baseline = store.latest_plan(learner)
    where = standing(baseline, progress, today, new_profile.hours_per_week)
    options: list[Option] = []
    if where.is_behind and where.baseline_end is not None:
        options = catch_up_options(
            curriculum, new_profile, progress, today, where.baseline_end, lab_titles=lab_titles
        )
    if catch_up is not None:
        chosen = [option for option in options if option.name == catch_up]
        if not chosen:
            raise UnknownCatchUp(catch_up, [option.name for option in options])
        new_profile = chosen[0].profile
        apply_profile(store, new_profile)
        reason = f"catch up: {catch_up}"
        options = []
        where = Standing(0.0, where.ahead_hours, None, new_profile.hours_per_week)
    plan = make_plan(curriculum, new_profile, progress, today, lab_titles=lab_titles)
    if options and baseline is not None:
        saved = baseline  # behind: the accepted plan stays until an option is chosen
    else:
        saved = save_if_changed(store, plan, "first plan" if baseline is None else reason)
    target = None
    if new_profile.target_date is not None:
        needed = hours_to_finish_by(
            curriculum, new_profile, progress, today, new_profile.target_date
        )
        target = TargetNote(new_profile.target_date, plan.end <= new_profile.target_date, needed)
    previous = baseline if baseline is not None and baseline.sequence != saved.sequence else None
    return PlanView(plan, saved.sequence, where, options, target, previous)


def _record_keys(record: PlanRecord) -> set[str]:
    """Calendar keys of a saved plan's items (to cancel the events that left the plan)."""
    parts: Counter[tuple[str, str]] = Counter()
    keys = set()
    for item in record.items:
        if item.kind == "review":
            keys.add(f"review-{item.week_start.isoformat()}")
            continue
        parts[(item.kind, item.ref_id)] += 1
        keys.add(f"{item.kind}-{item.ref_id}-{parts[(item.kind, item.ref_id)]}")
    return keys


def plan_calendar_bytes(store: Store, view: PlanView) -> bytes:
    """The plan as an iCalendar file: stable UIDs, SEQUENCE = plan number, and every item of an
    earlier saved plan that is no longer planned sent as cancelled. The learner may have imported
    any earlier calendar, so importing this one updates theirs in place whichever it was."""
    from mlcamp.planner.calendar import plan_calendar

    learner = store.get_or_create_learner(LEARNER).id
    previous: set[str] = set()
    for record in store.plans(learner):
        if record.sequence != view.sequence:
            previous |= _record_keys(record)
    return plan_calendar(view.plan, view.sequence, previous_keys=previous)


# -- this week ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodayView:
    """What to do now: this week's items, the next lab, reviews due, behind or ahead."""

    day: date
    week: PlanWeek | None
    next_lab: PlanItem | None
    reviews_due: int
    standing: Standing
    plan_end: date

    @property
    def items(self) -> list[PlanItem]:
        """This week's items (none when the plan is finished)."""
        return self.week.items if self.week is not None else []

    def to_json(self) -> dict[str, Any]:
        """The documented ``mlcamp today --json`` document."""
        return {
            "date": self.day.isoformat(),
            "week_start": self.week.start.isoformat() if self.week else None,
            "items": [
                {"kind": i.kind, "id": i.id, "title": i.title, "hours": i.hours} for i in self.items
            ],
            "next_lab": self.next_lab.id if self.next_lab else None,
            "reviews_due": self.reviews_due,
            "behind_hours": self.standing.behind_hours,
            "ahead_hours": self.standing.ahead_hours,
            "plan_end": self.plan_end.isoformat(),
        }


def today_view(store: Store, today: date) -> TodayView:
    """This week's work from a fresh plan (nothing is saved)."""
    from mlcamp.review.service import due_cards

    curriculum = _curriculum()
    profile = learner_profile(store)
    progress = learner_progress(store, curriculum)
    plan = make_plan(curriculum, profile, progress, today, lab_titles=_lab_titles())
    learner = store.get_or_create_learner(LEARNER).id
    where = standing(store.latest_plan(learner), progress, today, profile.hours_per_week)
    week = plan.week_of(today) or (plan.weeks[0] if plan.weeks else None)
    next_lab = next((item for item in plan.items() if item.kind == "lab"), None)
    return TodayView(today, week, next_lab, len(due_cards(store)), where, plan.end)


# -- progress -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRow:
    """One part of the path: topics finished (done or placed out), skipped, and in total."""

    title: str
    finished: int
    skipped: int
    total: int


@dataclass(frozen=True)
class ProgressView:
    """Progress by part, the evidence behind it, and the milestones."""

    parts: list[PartRow]
    progress: Progress
    milestones: list[MilestoneStatus]
    reported: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The documented ``mlcamp progress --json`` document."""
        return {
            "parts": [
                {"title": r.title, "finished": r.finished, "skipped": r.skipped, "topics": r.total}
                for r in self.parts
            ],
            "topics": dict(self.progress.topic_states),
            "labs_passed": sorted(self.progress.passed_labs),
            "milestones": [status.to_json() for status in self.milestones],
        }


def progress_view(store: Store) -> ProgressView:
    """The learner's progress and milestones, evaluated from the evidence in the store."""
    import json

    from mlcamp.labs import all_labs

    curriculum = _curriculum()
    progress = learner_progress(store, curriculum)
    learner = store.get_or_create_learner(LEARNER).id
    attempts = store.assessments(learner)
    reported = {r.milestone_id: r.note for r in store.milestone_records(learner)}
    passed_areas: frozenset[str] = frozenset()
    if attempts:
        results = json.loads(attempts[-1].results_json)
        passed_areas = frozenset(a["area"] for a in results.get("areas", []) if a.get("passed"))
    facts = [LabFacts(lab.id, tuple(lab.spec.tags), lab.spec.from_scratch) for lab in all_labs()]
    milestones = evaluate(curriculum, facts, progress, passed_areas=passed_areas, reported=reported)
    rows = [PartRow(*row) for row in part_progress(curriculum, progress)]
    return ProgressView(rows, progress, milestones, reported)


# -- topic status by hand ---------------------------------------------------------------------


def find_topic(topic_id: str) -> Topic:
    """The topic with this id or alias; :class:`UnknownTopic` (with similar ids) otherwise."""
    curriculum = _curriculum()
    try:
        return curriculum.topic(topic_id)
    except KeyError:
        close = [t.id for t in curriculum.topics() if topic_id in t.id][:5]
        raise UnknownTopic(topic_id, close) from None


def mark_topic(store: Store, topic_id: str, state: str) -> tuple[Topic, int]:
    """Set a topic's state by hand (self-reported); return the topic and how many concept
    cards joined the learner's reviews (cards arrive when a topic is being learned or done)."""
    from mlcamp.review.service import introduce_topic_cards

    if state not in TOPIC_STATES_BY_HAND:
        raise ValueError(f"state must be one of {', '.join(TOPIC_STATES_BY_HAND)}, got {state!r}")
    topic = find_topic(topic_id)
    learner = store.get_or_create_learner(LEARNER).id
    evidence = None if state == "not-started" else "self-reported"
    store.set_topic_status(learner, topic.id, state, evidence=evidence)
    added = introduce_topic_cards(store, topic.id) if state in ("learning", "done") else 0
    return topic, added


def replan_after_change(store: Store, today: date) -> PlanView | None:
    """Re-plan (saving the plan if it changed) right after the learner's progress changed.

    Interfaces call it after a change (a topic's state, a passed lab) so that the views read
    afterwards find the plan up to date instead of each saving it on first sight. None before
    the learner has made a plan.
    """
    return refresh_plan(store, today) if has_plan(store) else None


# -- activity -----------------------------------------------------------------------------------


def activity_days(store: Store) -> set[date]:
    """Days (UTC) on which the learner did something mlcamp recorded: a topic status change, a
    lab check, a hint or solution view, a review."""
    learner = store.get_or_create_learner(LEARNER).id
    days = {event.created_at.date() for event in store.topic_events(learner)}
    days |= {attempt.created_at.date() for attempt in store.lab_attempts(learner)}
    days |= {event.created_at.date() for event in store.lab_events(learner)}
    days |= {log.reviewed_at.date() for log in store.review_logs(learner)}
    return days


def streak(days: set[date], today: date) -> int:
    """Consecutive active days ending today (or yesterday: today is not over yet)."""
    from datetime import timedelta

    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def has_plan(store: Store) -> bool:
    """Whether the learner has made a plan yet (the web app onboards them until then)."""
    learner = store.get_or_create_learner(LEARNER).id
    return store.has_plan(learner)
