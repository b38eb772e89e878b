"""Evaluate the seed's milestones from the learner's evidence, and say what is still missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlcamp.planner.progress import Progress

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Curriculum, Milestone


@dataclass(frozen=True)
class LabFacts:
    """What the milestone rules need to know about a lab."""

    id: str
    tags: tuple[str, ...]
    from_scratch: bool


@dataclass(frozen=True)
class MilestoneStatus:
    """A milestone, whether it is reached, and what is missing otherwise."""

    milestone: Milestone
    reached: bool
    have: int
    need: int
    missing: str

    def to_json(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "id": self.milestone.id,
            "title": self.milestone.title,
            "kind": self.milestone.kind,
            "reached": self.reached,
            "have": self.have,
            "need": self.need,
            "missing": self.missing,
            "evidence": self.milestone.evidence.kind,
        }


def evaluate(
    curriculum: Curriculum,
    labs: Iterable[LabFacts],
    progress: Progress,
    *,
    passed_areas: frozenset[str] = frozenset(),
    reported: Mapping[str, str] | None = None,
) -> list[MilestoneStatus]:
    """Each milestone of the overview with its status (reported: milestone id -> the note)."""
    lab_facts = {lab.id: lab for lab in labs}
    notes = reported or {}
    statuses = []
    for milestone in curriculum.overview.milestones:
        evidence = milestone.evidence
        if evidence.kind == "labs-passed":
            tag = evidence.lab_tag
            counted = [
                lab
                for lab in progress.passed_labs
                if lab in lab_facts
                and (
                    tag is None
                    or tag in lab_facts[lab].tags
                    or (tag == "from-scratch" and lab_facts[lab].from_scratch)
                )
            ]
            have, need = len(counted), evidence.min_count
            missing = (
                ""
                if have >= need
                else f"pass {need - have} more lab(s)" + (f" tagged {tag}" if tag else "")
            )
        elif evidence.kind == "topics-done":
            topics = list(evidence.topics)
            if evidence.part:
                topics += [
                    t.id for p in curriculum.parts if p.id == evidence.part for t in p.topics()
                ]
            finished = [t for t in topics if progress.state(t) in ("done", "placed-out")]
            have, need = len(finished), len(topics)
            left = [t for t in topics if t not in finished]
            missing = (
                ""
                if not left
                else "finish "
                + ", ".join(left[:5])
                + (f" and {len(left) - 5} more" if len(left) > 5 else "")
            )
        elif evidence.kind == "quiz-passed":
            have, need = int(evidence.quiz in passed_areas), 1
            missing = "" if have else f"pass the {evidence.quiz} area of mlcamp assess"
        else:
            have, need = int(milestone.id in notes), 1
            missing = "" if have else f"record it: {evidence.prompt}"
        statuses.append(MilestoneStatus(milestone, have >= need, have, need, missing))
    return statuses
