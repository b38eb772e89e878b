"""Milestones only the learner can attest (a paper, a contribution, mentoring): their records.

``mlcamp milestone`` and the progress page both go through these functions, so that the same
milestone is refused for the same reason with the same words in either place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlcamp.planner.service import LEARNER

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Milestone
    from mlcamp.store import Store

__all__ = [
    "MilestoneNotReportable",
    "UnknownMilestone",
    "UnusableNote",
    "record_reported_milestone",
    "remove_reported_milestone",
    "reportable_milestone",
    "shipped_milestones",
]


class UnknownMilestone(KeyError):
    """No milestone has this id; the message lists those that exist."""

    def __init__(self, milestone_id: str, known: list[str]) -> None:
        self.milestone_id = milestone_id
        super().__init__(f"There is no milestone '{milestone_id}'. Milestones: {', '.join(known)}.")

    def __str__(self) -> str:
        return str(self.args[0])


class MilestoneNotReportable(ValueError):
    """The milestone follows from evidence mlcamp records itself: nothing to record by hand."""


class UnusableNote(ValueError):
    """The note is empty or cannot be kept; the message says what to write."""


def shipped_milestones() -> dict[str, Milestone]:
    """The path's milestones by id."""
    from mlcamp.curriculum import shipped_curriculum

    return {milestone.id: milestone for milestone in shipped_curriculum().overview.milestones}


def reportable_milestone(milestone_id: str) -> Milestone:
    """The self-reported milestone with this id (:class:`UnknownMilestone`, or
    :class:`MilestoneNotReportable` for one that mlcamp evidences itself)."""
    milestones = shipped_milestones()
    milestone = milestones.get(milestone_id)
    if milestone is None:
        raise UnknownMilestone(milestone_id, sorted(milestones))
    if milestone.evidence.kind != "self-reported":
        raise MilestoneNotReportable(
            f"'{milestone.title}' is shown by evidence mlcamp records itself "
            f"({milestone.evidence.description}); there is nothing to record by hand."
        )
    return milestone


def record_reported_milestone(store: Store, milestone_id: str, note: str) -> Milestone:
    """Record (or replace) the learner's note on a self-reported milestone.

    :class:`UnusableNote` says what to write when the note is empty or cannot be kept.
    """
    milestone = reportable_milestone(milestone_id)
    text = note.strip()
    if not text:
        raise UnusableNote(f"Say what shows it: {milestone.evidence.prompt}")
    learner = store.get_or_create_learner(LEARNER).id
    try:
        store.record_milestone(learner, milestone.id, text)
    except ValueError as exc:
        raise UnusableNote(f"Not recorded: {exc}") from exc
    return milestone


def remove_reported_milestone(store: Store, milestone_id: str) -> Milestone:
    """Remove the learner's record of a self-reported milestone (nothing happens if none)."""
    milestone = reportable_milestone(milestone_id)
    store.delete_milestone_record(store.get_or_create_learner(LEARNER).id, milestone.id)
    return milestone
