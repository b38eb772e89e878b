"""Grade, hint and show solutions, recording each in the store as evidence of the work done."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlcamp.grader.report import Report
from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.labs.registry import Lab
from mlcamp.paths import mlcamp_home
from mlcamp.planner.progress import FINISHED_STATES

if TYPE_CHECKING:
    from mlcamp.store import Store

LEARNER = "me"
"""The local learner's name in the single-user store."""


class SolutionLocked(Exception):
    """The reference is shown only after a pass, unless forced."""


@dataclass(frozen=True)
class LabProgress:
    """A learner's standing on one lab."""

    lab_id: str
    attempts: int
    best_score: float
    passed: bool
    hints_seen: int
    solution_seen: bool

    @property
    def status(self) -> str:
        """`passed`, `started` or `new`."""
        if self.passed:
            return "passed"
        return "started" if self.attempts else "new"


@dataclass(frozen=True)
class HintView:
    """A hint shown to the learner: its number, how many there are, and its text."""

    number: int
    total: int
    text: str
    repeated: bool


def oracle_cache_dir() -> Path:
    """Where oracle values are cached (inside MLCAMP_HOME, never visible to the sandbox)."""
    return mlcamp_home() / "cache" / "oracle"


def _learner_id(store: Store) -> int:
    return store.get_or_create_learner(LEARNER).id


def check_source(
    lab: Lab,
    source: str,
    *,
    grader: Grader | None = None,
    filename: str | None = None,
    performance: bool = True,
) -> Report:
    """Grade `source` in the sandbox (a fresh one unless a running `grader` is given)."""
    options = GradeOptions(
        oracle_cache=oracle_cache_dir(), performance=performance, filename=filename
    )
    if grader is not None:
        return grader.grade(lab, source, options)
    with Grader() as fresh:
        return fresh.grade(lab, source, options)


def check_file(
    lab: Lab, file: Path, *, grader: Grader | None = None, performance: bool = True
) -> tuple[Report, str]:
    """Grade a file on disk; return the report and the source that was graded."""
    source = file.read_text(encoding="utf-8", errors="replace")
    report = check_source(lab, source, grader=grader, filename=file.name, performance=performance)
    return report, source


def record_attempt(store: Store, lab: Lab, report: Report, source: str) -> None:
    """Record a grading as evidence (status, score, the whole report, the code's digest)."""
    store.record_lab_attempt(
        _learner_id(store),
        lab.id,
        report.status,
        report.score,
        report.model_dump_json(),
        code_sha256=hashlib.sha256(source.encode()).hexdigest(),
    )
    if report.passed:
        complete_lab_topics(store, lab)


def warm_up(store: Store) -> None:
    """Read what :func:`record_attempt` reads, so that its first use in a process is fast."""
    learner = _learner_id(store)
    store.lab_attempts(learner)
    store.topic_statuses(learner)


def complete_lab_topics(store: Store, lab: Lab) -> list[str]:
    """After a pass: each topic the lab serves whose labs are now all passed becomes done, with
    the lab as evidence (a topic already done, skipped or placed out is left as it is)."""
    learner = _learner_id(store)
    statuses = store.topic_statuses(learner)

    def finished(topic_id: str) -> bool:
        current = statuses.get(topic_id)
        return current is not None and current.state in FINISHED_STATES

    open_topics = [topic_id for topic_id in lab.spec.topics if not finished(topic_id)]
    if not open_topics:
        return []
    from mlcamp.review.service import introduce_topic_cards

    labs_of = _labs_of_topics(open_topics)
    passed = {a.lab_id for a in store.lab_attempts(learner) if a.status == "pass"}
    completed = []
    for topic_id, labs in labs_of.items():
        if finished(topic_id) or not set(labs) <= passed:
            continue
        store.set_topic_status(
            learner, topic_id, "done", evidence="lab-passed", evidence_ref=lab.id
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


def lab_progress(store: Store, labs: list[Lab]) -> dict[str, LabProgress]:
    """Each lab's attempts, best score, pass, hints and solution views for the local learner."""
    learner = _learner_id(store)
    attempts = store.lab_attempts(learner)
    events = store.lab_events(learner)
    progress: dict[str, LabProgress] = {}
    for lab in labs:
        mine = [a for a in attempts if a.lab_id == lab.id]
        seen = [e for e in events if e.lab_id == lab.id]
        progress[lab.id] = LabProgress(
            lab_id=lab.id,
            attempts=len(mine),
            best_score=max((a.score for a in mine), default=0.0),
            passed=any(a.status == "pass" for a in mine),
            hints_seen=len({e.detail for e in seen if e.kind == "hint"}),
            solution_seen=any(e.kind == "solution" for e in seen),
        )
    return progress


def next_hint(lab: Lab, store: Store) -> HintView:
    """The next hint not yet seen (the last one again once all are seen); the view is recorded."""
    hints = lab.hints
    learner = _learner_id(store)
    seen = {e.detail for e in store.lab_events(learner, lab.id, "hint")}
    number = next((n for n in range(1, len(hints) + 1) if str(n) not in seen), len(hints))
    repeated = str(number) in seen
    store.record_lab_event(learner, lab.id, "hint", detail=number)
    return HintView(number, len(hints), hints[number - 1], repeated)


def show_solution(lab: Lab, store: Store, *, force: bool) -> str:
    """The reference solution, after a pass or when forced; the view is recorded as such."""
    learner = _learner_id(store)
    passed = any(a.status == "pass" for a in store.lab_attempts(learner, lab.id))
    if not passed and not force:
        raise SolutionLocked(
            f"The solution of {lab.id} opens after you pass the lab. Run `mlcamp hint {lab.id}` "
            f"for a hint, or `mlcamp solution {lab.id} --force` to see it now (recorded as such)."
        )
    store.record_lab_event(learner, lab.id, "solution", forced=not passed)
    return lab.reference


def report_from_json(text: str) -> Report:
    """Read a stored report back."""
    return Report.model_validate(json.loads(text))
