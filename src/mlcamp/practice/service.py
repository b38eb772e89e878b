"""Grade, hint and show solutions, recording each in the store as evidence of the work done."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlcamp.grader.report import Report
from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.labs.registry import Lab
from mlcamp.paths import mlcamp_home
from mlcamp.practice.evidence import (
    GradedAttempt,
    complete_topics,
    learner_id,
    record_graded,
)

if TYPE_CHECKING:
    from mlcamp.store import Store


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


def check_source(
    lab: Lab,
    source: str,
    *,
    grader: Grader | None = None,
    filename: str | None = None,
    performance: bool = True,
    before_timing: Callable[[], None] | None = None,
) -> Report:
    """Grade `source` in the sandbox (a fresh one unless a running `grader` is given);
    `before_timing` runs before the speed measurements (see GradeOptions)."""
    options = GradeOptions(
        oracle_cache=oracle_cache_dir(),
        performance=performance,
        filename=filename,
        before_timing=before_timing,
    )
    if grader is not None:
        return grader.grade(lab, source, options)
    with Grader() as fresh:
        return fresh.grade(lab, source, options)


def check_file(
    lab: Lab,
    file: Path,
    *,
    grader: Grader | None = None,
    performance: bool = True,
    before_timing: Callable[[], None] | None = None,
) -> tuple[Report, str]:
    """Grade a file on disk; return the report and the source that was graded."""
    source = file.read_text(encoding="utf-8", errors="replace")
    report = check_source(
        lab,
        source,
        grader=grader,
        filename=file.name,
        performance=performance,
        before_timing=before_timing,
    )
    return report, source


def record_attempt(store: Store, lab: Lab, report: Report, source: str) -> None:
    """Record a grading as evidence (status, score, the whole report, the code's digest); a pass
    completes the lab's topics whose labs are all passed."""
    record_graded(store, GradedAttempt.of(lab, report, source))


def complete_lab_topics(store: Store, lab: Lab) -> list[str]:
    """After a pass: each topic the lab serves whose labs are now all passed becomes done."""
    return complete_topics(store, lab.id, lab.spec.topics)


def lab_progress(store: Store, labs: list[Lab]) -> dict[str, LabProgress]:
    """Each lab's attempts, best score, pass, hints and solution views for the local learner."""
    learner = learner_id(store)
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
    learner = learner_id(store)
    seen = {e.detail for e in store.lab_events(learner, lab.id, "hint")}
    number = next((n for n in range(1, len(hints) + 1) if str(n) not in seen), len(hints))
    repeated = str(number) in seen
    store.record_lab_event(learner, lab.id, "hint", detail=number)
    return HintView(number, len(hints), hints[number - 1], repeated)


def show_solution(lab: Lab, store: Store, *, force: bool) -> str:
    """The reference solution, after a pass or when forced; the view is recorded as such."""
    learner = learner_id(store)
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
