"""Record a graded attempt as evidence: the attempt itself, then the topics a pass completes.

Light on purpose (no grader, no NumPy): `mlcamp check` records from a process that loads only
this and the store (see :mod:`mlcamp.practice.recorder`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlcamp.learner import LEARNER as LEARNER
from mlcamp.planner.progress import FINISHED_STATES

if TYPE_CHECKING:
    from mlcamp.grader.report import Report
    from mlcamp.labs.registry import Lab
    from mlcamp.store import Store


@dataclass(frozen=True)
class GradedAttempt:
    """What the store keeps of one grading: the lab and its topics, the verdict, the report."""

    lab_id: str
    lab_topics: tuple[str, ...]
    status: str
    score: float
    passed: bool
    report_json: str
    code_sha256: str

    @classmethod
    def of(cls, lab: Lab, report: Report, source: str) -> GradedAttempt:
        """The attempt of grading `source` for `lab` with this `report`."""
        return cls(
            lab_id=lab.id,
            lab_topics=tuple(lab.spec.topics),
            status=report.status,
            score=report.score,
            passed=report.passed,
            report_json=report.model_dump_json(),
            code_sha256=hashlib.sha256(source.encode()).hexdigest(),
        )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (for the recorder's pipe)."""
        return {**self.__dict__, "lab_topics": list(self.lab_topics)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradedAttempt:
        """The attempt written by :meth:`to_json`."""
        return cls(
            lab_id=str(data["lab_id"]),
            lab_topics=tuple(str(topic) for topic in data["lab_topics"]),
            status=str(data["status"]),
            score=float(data["score"]),
            passed=bool(data["passed"]),
            report_json=str(data["report_json"]),
            code_sha256=str(data["code_sha256"]),
        )


def learner_id(store: Store) -> int:
    """The local learner's id (created on first use)."""
    return store.get_or_create_learner(LEARNER).id


def record_graded(store: Store, attempt: GradedAttempt) -> list[str]:
    """Record the attempt (status, score, the whole report, the code's digest); after a pass,
    complete the topics it finishes. Returns the ids of the topics completed."""
    store.record_lab_attempt(
        learner_id(store),
        attempt.lab_id,
        attempt.status,
        attempt.score,
        attempt.report_json,
        code_sha256=attempt.code_sha256,
    )
    if not attempt.passed:
        return []
    return complete_topics(store, attempt.lab_id, attempt.lab_topics)


def warm_up(store: Store) -> None:
    """Read what :func:`record_graded` reads, so that its first use in a process is fast."""
    learner = learner_id(store)
    store.passed_labs(learner)
    store.topic_statuses(learner)


def complete_topics(store: Store, lab_id: str, topics: tuple[str, ...] | list[str]) -> list[str]:
    """After a pass of `lab_id`: each of its `topics` whose labs are now all passed becomes done,
    with the lab as evidence (a topic already done, skipped or placed out is left as it is)."""
    learner = learner_id(store)
    statuses = store.topic_statuses(learner)

    def finished(topic_id: str) -> bool:
        current = statuses.get(topic_id)
        return current is not None and current.state in FINISHED_STATES

    open_topics = [topic_id for topic_id in topics if not finished(topic_id)]
    if not open_topics:
        return []
    labs_of = _labs_of_topics(open_topics)
    passed = store.passed_labs(learner)
    completed = []
    for topic_id, labs in labs_of.items():
        if finished(topic_id) or not set(labs) <= passed:
            continue
        from mlcamp.review.service import introduce_topic_cards  # only when a topic completes

        store.set_topic_status(
            learner, topic_id, "done", evidence="lab-passed", evidence_ref=lab_id
        )
        introduce_topic_cards(store, topic_id)
        completed.append(topic_id)
    return completed


def _labs_of_topics(topic_ids: list[str]) -> dict[str, list[str]]:
    """Each topic's labs by current topic id (topics no longer in the path are left out)."""
    from mlcamp.curriculum.topic_files import topic_labs

    quick = topic_labs(topic_ids)  # a few files instead of the whole path, when it can
    if quick is not None:
        return quick
    from mlcamp.curriculum import shipped_curriculum

    curriculum = shipped_curriculum()
    found: dict[str, list[str]] = {}
    for topic_id in topic_ids:
        try:
            topic = curriculum.topic(topic_id)
        except KeyError:
            continue
        found[topic.id] = list(topic.labs)
    return found
