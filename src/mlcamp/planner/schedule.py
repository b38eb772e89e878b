"""Build a dated weekly plan: topics, labs and reviews, in prerequisite order, up to the hours.

The planner is a pure function of the curriculum, the profile, the progress and the date: the
same inputs give the same plan, which makes re-planning cheap and plans comparable.

Rules (documented in docs/plan.md):
- Topics come in the curriculum's order (parts, then sections), moved later only when a
  prerequisite requires it. Done, skipped and placed-out topics are left out; skipped and
  placed-out topics take their labs with them.
- A topic's hours are its estimate for the learner's background. When it has labs, `LAB_SHARE`
  of those hours go to its labs, planned right after the last of the topics each lab serves.
- Each week holds up to the learner's hours. Reviews come first (projected with FSRS, capped at
  half the week), then study; an item that does not fit continues the next week (its parts are
  numbered), and a week's last half hour is not filled with a sliver of a new item.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from mlcamp.curriculum.graph import study_order
from mlcamp.planner.profile import Profile
from mlcamp.planner.progress import Progress
from mlcamp.planner.reviews import MAX_REVIEW_SHARE, REVIEW_MINUTES, projected_reviews

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Curriculum, Topic

ItemKind = Literal["topic", "lab", "review"]

LAB_SHARE = 0.4
"""Share of a topic's hours spent on its labs, when it has labs."""

MIN_CHUNK = 0.5
"""Hours: a week's remainder smaller than this is left free rather than starting a new item."""

CARDS_PER_TOPIC = 2
"""Concept cards assumed for a topic when the content gives none."""


@dataclass(frozen=True)
class WorkItem:
    """A unit of work before it is placed in weeks."""

    kind: ItemKind
    id: str
    title: str
    hours: float
    cards: int = 0
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanItem:
    """One item of one week; a large item is split into numbered parts over several weeks."""

    kind: ItemKind
    id: str
    title: str
    hours: float
    part: int = 1
    parts: int = 1

    @property
    def key(self) -> str:
        """A stable identity across re-plans (calendar UIDs use it)."""
        return f"{self.kind}-{self.id}-{self.part}"


@dataclass
class PlanWeek:
    """A week of the plan, starting on `start`."""

    start: date
    items: list[PlanItem] = field(default_factory=list)

    @property
    def hours(self) -> float:
        """Hours planned this week."""
        return round(sum(item.hours for item in self.items), 2)

    @property
    def end(self) -> date:
        """The week's last day."""
        return self.start + timedelta(days=6)


@dataclass
class Plan:
    """A dated plan: its weeks, from the week containing its start to the week it ends."""

    profile: Profile
    start: date
    weeks: list[PlanWeek]

    @property
    def end(self) -> date:
        """The last day of the last week with work (the start when nothing is left)."""
        working = [week for week in self.weeks if week.items]
        return working[-1].end if working else self.start

    @property
    def total_hours(self) -> float:
        """Hours of all items."""
        return round(sum(week.hours for week in self.weeks), 2)

    def items(self) -> list[PlanItem]:
        """Every item in order."""
        return [item for week in self.weeks for item in week.items]

    def week_of(self, day: date) -> PlanWeek | None:
        """The week containing `day`, if the plan has one."""
        for week in self.weeks:
            if week.start <= day <= week.end:
                return week
        return None

    def to_json(self) -> dict[str, object]:
        """The documented JSON form: start, end and weeks of items."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "background": self.profile.background,
            "hours_per_week": self.profile.hours_per_week,
            "total_hours": self.total_hours,
            "weeks": [
                {
                    "start": week.start.isoformat(),
                    "items": [
                        {
                            "kind": item.kind,
                            "id": item.id,
                            "hours": item.hours,
                            "title": item.title,
                            "part": item.part,
                            "parts": item.parts,
                        }
                        for item in week.items
                    ],
                }
                for week in self.weeks
            ],
        }


def week_start_for(profile: Profile, day: date) -> date:
    """The start of the plan week containing `day` (weeks begin on the start date's weekday)."""
    offset = (day - profile.start_date).days
    return profile.start_date + timedelta(days=7 * (offset // 7))


def kept_topics(curriculum: Curriculum, profile: Profile, progress: Progress) -> list[Topic]:
    """The topics in the learner's path, in study order (prerequisites first)."""
    topics = [t for part in curriculum.parts for t in part.topics()]
    keep = [t for t in topics if not progress.topic_excluded(t.id) and _wanted(t, profile)]
    by_id = {t.id: t for t in keep}
    order = study_order([t.id for t in keep], {t.id: t.prerequisites for t in keep})
    return [by_id[topic_id] for topic_id in order]


def _wanted(topic: Topic, profile: Profile) -> bool:
    if profile.include_optional or not topic.optional:
        return True
    return profile.specialization is not None and profile.specialization in topic.tags


def work_items(
    curriculum: Curriculum,
    profile: Profile,
    progress: Progress,
    *,
    lab_titles: dict[str, str] | None = None,
    cards_per_topic: dict[str, int] | None = None,
) -> list[WorkItem]:
    """The unfinished topics and labs, in order, with their hours for the learner's background."""
    topics = kept_topics(curriculum, profile, progress)
    titles = lab_titles or {}
    cards = cards_per_topic or {}
    last_topic_of_lab: dict[str, str] = {}
    lab_hours: dict[str, float] = defaultdict(float)
    lab_topics: dict[str, list[str]] = defaultdict(list)
    for topic in topics:
        hours = topic.hours.for_background(profile.background)  # type: ignore[arg-type]
        for lab in topic.labs:
            last_topic_of_lab[lab] = topic.id
            lab_hours[lab] += hours * LAB_SHARE / len(topic.labs)
            lab_topics[lab].append(topic.id)
    items: list[WorkItem] = []
    for topic in topics:
        hours = topic.hours.for_background(profile.background)  # type: ignore[arg-type]
        study = hours * (1 - LAB_SHARE) if topic.labs else hours
        if not progress.topic_finished(topic.id):
            items.append(
                WorkItem(
                    "topic",
                    topic.id,
                    topic.title,
                    round(study, 2),
                    cards=cards.get(topic.id, CARDS_PER_TOPIC),
                    topics=(topic.id,),
                )
            )
        for lab in topic.labs:
            if last_topic_of_lab.get(lab) == topic.id and lab not in progress.passed_labs:
                items.append(
                    WorkItem(
                        "lab",
                        lab,
                        titles.get(lab, lab),
                        round(lab_hours[lab], 2),
                        topics=tuple(lab_topics[lab]),
                    )
                )
    return items


PLANS_REMEMBERED = 64
"""Plans kept by :func:`build_plan` for identical inputs (catch-up previews and the search for
the hours that meet a target date build many plans that differ only in the profile)."""

_remembered: OrderedDict[Hashable, tuple[Curriculum, Plan]] = OrderedDict()
_remembered_lock = threading.Lock()


def forget_plans() -> None:
    """Forget the plans :func:`build_plan` remembers (benchmarks time the planning itself)."""
    with _remembered_lock:
        _remembered.clear()


def _frozen(mapping: dict[str, Any] | None) -> tuple[tuple[str, Any], ...] | None:
    return None if mapping is None else tuple(sorted(mapping.items()))


def build_plan(
    curriculum: Curriculum,
    profile: Profile,
    progress: Progress,
    today: date | None = None,
    *,
    lab_titles: dict[str, str] | None = None,
    cards_per_topic: dict[str, int] | None = None,
) -> Plan:
    """Plan the remaining work from the week containing `today` (default: the start date).

    A pure function of its inputs, so the plan of inputs equal to a recent call's is that call's
    plan (not to be modified by callers): pages and commands that re-plan from the same progress
    do the work once.
    """
    key = (
        id(curriculum),
        profile,
        progress.fingerprint(),
        today,
        _frozen(lab_titles),
        _frozen(cards_per_topic),
    )
    with _remembered_lock:
        found = _remembered.get(key)
        if found is not None and found[0] is curriculum:
            _remembered.move_to_end(key)
            return found[1]
    plan = _build_plan(
        curriculum,
        profile,
        progress,
        today,
        lab_titles=lab_titles,
        cards_per_topic=cards_per_topic,
    )
    with _remembered_lock:
        _remembered[key] = (curriculum, plan)
        _remembered.move_to_end(key)
        while len(_remembered) > PLANS_REMEMBERED:
            _remembered.popitem(last=False)
    return plan


def _build_plan(
    curriculum: Curriculum,
    profile: Profile,
    progress: Progress,
    today: date | None,
    *,
    lab_titles: dict[str, str] | None,
    cards_per_topic: dict[str, int] | None,
) -> Plan:
    day = max(today or profile.start_date, profile.start_date)
    first_week = week_start_for(profile, day)
    budget = profile.hours_per_week
    review_load: dict[date, int] = defaultdict(int)
    for review_day in progress.review_dates:
        review_load[week_start_for(profile, max(review_day, first_week))] += 1
    queue = work_items(
        curriculum, profile, progress, lab_titles=lab_titles, cards_per_topic=cards_per_topic
    )
    weeks: list[PlanWeek] = []
    parts_of: dict[tuple[str, str], int] = defaultdict(int)
    index = 0
    remaining = queue[0].hours if queue else 0.0
    week = first_week
    while index < len(queue):
        current = PlanWeek(week)
        reviews = review_load.pop(week, 0) * REVIEW_MINUTES / 60
        review_hours = round(min(reviews, budget * MAX_REVIEW_SHARE), 2)
        if review_hours > 0:
            current.items.append(PlanItem("review", "reviews", "Spaced review", review_hours))
        room = budget - review_hours
        while index < len(queue) and room > 1e-9:
            item = queue[index]
            if room < MIN_CHUNK and remaining > room:
                break
            take = round(min(room, remaining), 2)
            parts_of[(item.kind, item.id)] += 1
            current.items.append(
                PlanItem(item.kind, item.id, item.title, take, parts_of[(item.kind, item.id)])
            )
            room -= take
            remaining = round(remaining - take, 2)
            if remaining <= 1e-9:
                if item.kind == "topic" and item.cards:
                    introduced = week + timedelta(days=7)
                    for review_day in projected_reviews(introduced, item.cards):
                        review_load[week_start_for(profile, review_day)] += 1
                index += 1
                remaining = queue[index].hours if index < len(queue) else 0.0
        weeks.append(current)
        week += timedelta(days=7)
    plan = Plan(profile, first_week, weeks)
    _number_parts(plan, parts_of)
    return plan


def _number_parts(plan: Plan, parts_of: dict[tuple[str, str], int]) -> None:
    for week in plan.weeks:
        week.items = [
            item
            if item.kind == "review"
            else PlanItem(
                item.kind,
                item.id,
                item.title,
                item.hours,
                item.part,
                parts_of[(item.kind, item.id)],
            )
            for item in week.items
        ]
