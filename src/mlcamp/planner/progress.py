"""What the learner has done, as the planner needs it: topic states, passed labs, reviews."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

FINISHED_STATES = frozenset({"done", "skipped", "placed-out"})
"""Topic states that take a topic's study out of the plan."""

EXCLUDED_STATES = frozenset({"skipped", "placed-out"})
"""Topic states that take a topic's labs out of the plan as well."""


@dataclass(frozen=True)
class Progress:
    """A snapshot of the learner's progress."""

    topic_states: dict[str, str] = field(default_factory=dict)
    passed_labs: frozenset[str] = frozenset()
    completed_on: dict[str, date] = field(default_factory=dict)
    review_dates: tuple[date, ...] = ()

    def fingerprint(self) -> Hashable:
        """A hashable value equal for equal snapshots (to remember what was computed from one)."""
        return (
            tuple(sorted(self.topic_states.items())),
            self.passed_labs,
            tuple(sorted(self.completed_on.items())),
            self.review_dates,
        )

    def state(self, topic_id: str) -> str:
        """The topic's state (`not-started` when never touched)."""
        return self.topic_states.get(topic_id, "not-started")

    def topic_finished(self, topic_id: str) -> bool:
        """Whether the topic's study is over (done, skipped or placed out)."""
        return self.state(topic_id) in FINISHED_STATES

    def topic_excluded(self, topic_id: str) -> bool:
        """Whether the topic is out of the learner's path altogether (skipped or placed out)."""
        return self.state(topic_id) in EXCLUDED_STATES
