"""The learner's pace over time: hours the first plan promised versus hours of work finished.

The first saved plan is the learner's original promise to themselves. Week by week it expected a
growing total of study and lab hours; week by week the learner finished topics and passed labs,
each worth the hours the curriculum estimates for their background. Putting the two cumulative
curves side by side shows, better than any single number, whether the pace holds.

Rules:

- **Planned** hours are the first plan's topic and lab items, added up to the end of each week.
  Reviews are left out: finished work is counted from topics and labs only, so both curves
  measure the same thing.
- **Done** hours count a topic's study when it is ``done`` now (dated by the change that made it
  done) and a lab when it was passed (dated by its first pass). Skipped and placed-out topics
  count nothing: no work went into them. Work that the content no longer has counts nothing.
- A topic's hours split between its study and its labs as the planner splits them
  (:data:`~mlcamp.planner.schedule.LAB_SHARE`), so finishing everything adds up to the path's
  hours, and the done curve never exceeds that total.
- Work finished before the first week counts in the first week; work recorded after ``today``
  (the clock moved with ``MLCAMP_TODAY``) counts in today's week. Weeks after today have no
  done value.

Everything here but :func:`learner_history` is a pure function of its arguments.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from mlcamp.planner.schedule import LAB_SHARE, Plan

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Background, Curriculum
    from mlcamp.store import Store
    from mlcamp.store.records import LabAttemptRecord, PlanRecord, TopicEventRecord

__all__ = [
    "HoursHistory",
    "LearnerHistory",
    "PartLabs",
    "WeekHours",
    "WorkKey",
    "finish_dates",
    "hours_history",
    "labs_by_part",
    "learner_history",
    "planned_hours",
    "work_hours",
]

WorkKey = tuple[Literal["topic", "lab"], str]
"""A piece of work: ``("topic", topic id)`` for a topic's study, ``("lab", lab id)``."""

WEEK = timedelta(days=7)


# -- what each piece of work is worth ---------------------------------------------------------


def work_hours(curriculum: Curriculum, background: Background) -> dict[WorkKey, float]:
    """The hours of every topic's study and every lab of the path, for one background.

    A topic with labs keeps ``1 - LAB_SHARE`` of its estimate for study and shares the rest
    equally among its labs; a lab served by several topics collects a share from each. The values
    add up to :meth:`Curriculum.total_hours` for the background.
    """
    hours: dict[WorkKey, float] = {}
    for topic in curriculum.topics():
        estimate = topic.hours.for_background(background)
        if not topic.labs:
            hours[("topic", topic.id)] = estimate
            continue
        hours[("topic", topic.id)] = estimate * (1 - LAB_SHARE)
        for lab in topic.labs:
            key: WorkKey = ("lab", lab)
            hours[key] = hours.get(key, 0.0) + estimate * LAB_SHARE / len(topic.labs)
    return hours


# -- when each piece of work was finished -----------------------------------------------------


def finish_dates(
    topic_events: Iterable[TopicEventRecord],
    lab_attempts: Iterable[LabAttemptRecord],
    canonical: Callable[[str], str | None] = lambda topic_id: topic_id,
) -> dict[WorkKey, date]:
    """When each piece of work was finished (UTC dates), from the store's history.

    ``topic_events`` must come oldest first (as the store returns them): a topic counts when its
    last event leaves it ``done``, dated by the event that made it done; a topic marked done and
    later reopened does not count. A lab counts from its first passing attempt. ``canonical``
    maps a stored topic id to the content's current id (``None``: no longer in the content).
    """
    done_since: dict[str, date] = {}
    for event in topic_events:
        topic_id = canonical(event.topic_id)
        if topic_id is None:
            continue
        if event.state == "done":
            done_since.setdefault(topic_id, event.created_at.date())
        else:
            done_since.pop(topic_id, None)
    finished: dict[WorkKey, date] = {("topic", t): day for t, day in done_since.items()}
    for attempt in lab_attempts:
        if attempt.status == "pass":
            key: WorkKey = ("lab", attempt.lab_id)
            day = attempt.created_at.date()
            if key not in finished or day < finished[key]:
                finished[key] = day
    return finished


def planned_hours(record: PlanRecord) -> list[tuple[date, float]]:
    """The ``(week start, hours)`` of a saved plan's topic and lab items (reviews left out)."""
    return [(item.week_start, item.hours) for item in record.items if item.kind != "review"]


# -- the two curves ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekHours:
    """One week of the history: cumulative hours by the end of the week starting on ``start``."""

    start: date
    planned: float
    """Hours of work the first plan expected to be finished by the end of this week."""
    done: float | None
    """Hours of work finished by the end of this week (``None`` for weeks after today)."""

    @property
    def end(self) -> date:
        """The week's last day."""
        return self.start + timedelta(days=6)


@dataclass(frozen=True)
class HoursHistory:
    """Planned versus finished hours, week by week, from the first plan's first week."""

    weeks: list[WeekHours]
    planned_total: float
    """All the hours of work the first plan held."""
    total: float
    """All the hours of work the path holds: the most the done curve can reach."""
    today: date

    @property
    def current(self) -> WeekHours | None:
        """The week containing today (``None`` when today is before the first week)."""
        known = [week for week in self.weeks if week.done is not None]
        return known[-1] if known else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form: totals and one row per week."""
        return {
            "today": self.today.isoformat(),
            "planned_total": self.planned_total,
            "total": self.total,
            "weeks": [
                {"start": week.start.isoformat(), "planned": week.planned, "done": week.done}
                for week in self.weeks
            ],
        }


def _week_index(first_week: date, day: date) -> int:
    return (day - first_week).days // 7


def hours_history(
    planned: Iterable[tuple[date, float]],
    finished: Mapping[WorkKey, date],
    hours: Mapping[WorkKey, float],
    today: date,
    first_week: date,
) -> HoursHistory:
    """Cumulative planned and finished hours for each week from ``first_week``.

    ``planned`` holds the first plan's ``(week start, hours)`` entries, ``finished`` when each
    piece of work was finished and ``hours`` what each piece is worth (pieces missing from
    ``hours`` count nothing). The weeks run from ``first_week`` to the later of the plan's last
    week and the week containing ``today``. Planned hours before ``first_week`` count in the first
    week. Sums are exact (:func:`math.fsum`), then rounded to hundredths of an hour.
    """
    planned_by_week: dict[int, list[float]] = {}
    for week_start, amount in planned:
        index = max(0, _week_index(first_week, week_start))
        planned_by_week.setdefault(index, []).append(amount)
    today_index = _week_index(first_week, today)
    done_by_week: dict[int, list[float]] = {}
    for key, day in finished.items():
        if key not in hours:
            continue
        index = min(max(0, _week_index(first_week, day)), max(0, today_index))
        done_by_week.setdefault(index, []).append(hours[key])
    last = max([today_index, *planned_by_week, 0])
    weeks: list[WeekHours] = []
    planned_so_far: list[float] = []
    done_so_far: list[float] = []
    for index in range(last + 1):
        planned_so_far.extend(planned_by_week.get(index, []))
        done_so_far.extend(done_by_week.get(index, []))
        done = round(math.fsum(done_so_far), 2) if index <= today_index else None
        weeks.append(
            WeekHours(first_week + index * WEEK, round(math.fsum(planned_so_far), 2), done)
        )
    planned_total = round(math.fsum(a for amounts in planned_by_week.values() for a in amounts), 2)
    return HoursHistory(weeks, planned_total, round(math.fsum(hours.values()), 2), today)


# -- labs per part ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartLabs:
    """The labs of one part of the path: how many there are and how many the learner passed."""

    part_id: str
    title: str
    short: str
    """A short label for a chart axis ("Prereq.", "M1", ... "M5")."""
    passed: int
    total: int


def labs_by_part(
    curriculum: Curriculum, labs: Iterable[tuple[str, str]], passed: Collection[str]
) -> list[PartLabs]:
    """Labs passed and labs in total for each part of the path, in the path's order.

    ``labs`` holds ``(lab id, part id)`` pairs; a lab naming a part the path lacks is ignored.
    """
    totals: dict[str, int] = {part.id: 0 for part in curriculum.parts}
    wins: dict[str, int] = dict.fromkeys(totals, 0)
    for lab_id, part_id in labs:
        if part_id not in totals:
            continue
        totals[part_id] += 1
        wins[part_id] += int(lab_id in passed)
    return [
        PartLabs(
            part.id,
            part.display_title,
            "Prereq." if part.number == 0 else f"M{part.number}",
            wins[part.id],
            totals[part.id],
        )
        for part in curriculum.parts
    ]


# -- with the learner's data ------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerHistory:
    """What the progress charts show: the pace against the first plan, labs per part, and the
    current plan's weeks."""

    hours: HoursHistory | None
    """``None`` until a plan has been saved."""
    first_plan: PlanRecord | None
    labs: list[PartLabs]
    plan: Plan


def learner_history(store: Store, today: date) -> LearnerHistory:
    """The local learner's history from the store (reads only; the current plan is not saved)."""
    from mlcamp.curriculum import shipped_curriculum
    from mlcamp.labs import all_labs
    from mlcamp.planner.service import LEARNER, learner_profile, learner_progress, make_plan

    curriculum = shipped_curriculum()
    learner = store.get_or_create_learner(LEARNER).id
    profile = learner_profile(store)
    progress = learner_progress(store, curriculum)
    labs = all_labs()

    def canonical(topic_id: str) -> str | None:
        try:
            return curriculum.topic(topic_id).id
        except KeyError:
            return None

    plans = store.plans(learner, limit=1)
    first = plans[0] if plans else None
    history = None
    if first is not None:
        history = hours_history(
            planned_hours(first),
            finish_dates(store.topic_events(learner), store.lab_attempts(learner), canonical),
            work_hours(curriculum, profile.background),  # type: ignore[arg-type]
            today,
            first.start_date,
        )
    per_part = labs_by_part(
        curriculum, [(lab.id, lab.spec.part) for lab in labs], progress.passed_labs
    )
    titles = {lab.id: lab.spec.title for lab in labs}
    plan = make_plan(curriculum, profile, progress, today, lab_titles=titles)
    return LearnerHistory(history, first, per_part, plan)
