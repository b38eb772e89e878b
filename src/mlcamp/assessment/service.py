"""Apply a quiz result: record it, place the learner out of passed areas' topics; read a
recorded attempt back (the result page shows it from the record)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlcamp.assessment.scoring import AreaResult, QuizResult
from mlcamp.learner import LEARNER as LEARNER

if TYPE_CHECKING:
    from mlcamp.assessment.quiz import QuizArea, QuizItem
    from mlcamp.store import Store


@dataclass(frozen=True)
class Applied:
    """What applying a quiz result did."""

    changed: list[str]
    """Topics whose state changed (placed out, or back to not-started)."""
    attempt_id: int
    """The recorded attempt (see :func:`recorded_attempt`)."""


@dataclass(frozen=True)
class Missed:
    """A question answered wrongly (``chosen``) or not at all (``chosen`` None)."""

    area_title: str
    number: int
    item: QuizItem
    chosen: int | None


@dataclass(frozen=True)
class RecordedAttempt:
    """A quiz attempt as recorded: scores, recommendation, what changed, the questions missed."""

    id: int
    scores: list[AreaResult]
    areas: list[QuizArea]
    """The quiz areas the attempt covered, as the content has them now."""
    recommended: str
    adopted: bool
    changed_topics: list[str]
    answers_kept: bool
    """False for attempts recorded before the answers were kept: no questions to list then."""
    unanswered: list[Missed] = field(default_factory=list)
    wrong: list[Missed] = field(default_factory=list)

    def passed_areas(self) -> list[QuizArea]:
        """The covered areas the attempt passed."""
        passed = {score.area for score in self.scores if score.passed}
        return [area for area in self.areas if area.area in passed]


def apply_result(
    store: Store,
    result: QuizResult,
    *,
    adopt_background: bool,
    answers: Mapping[str, int] | None = None,
) -> Applied:
    """Record the attempt and mark passed areas' topics placed out (never over done topics).

    Topics placed out by an earlier attempt whose area is no longer passed go back to
    not-started. Returns the topics whose state changed and the attempt's id. The record keeps the
    result, the
    ``answers`` given (item id -> chosen index), the topics changed and whether the recommended
    background was adopted, so that the result can be shown again later.
    """
    learner = store.get_or_create_learner(LEARNER).id
    statuses = store.topic_statuses(learner)
    changed = []
    for topic in result.placed_out:
        current = statuses.get(topic)
        if current is None or current.state in ("not-started", "learning"):
            store.set_topic_status(learner, topic, "placed-out", evidence="quiz-passed")
            changed.append(topic)
    for topic, status in statuses.items():
        if (
            status.state == "placed-out"
            and status.evidence == "quiz-passed"
            and topic not in result.placed_out
        ):
            store.set_topic_status(learner, topic, "not-started", evidence="quiz-passed")
            changed.append(topic)
    if adopt_background:
        store.update_learner(learner, background=result.recommended_background)
    document = {
        **result.to_json(),
        "answers": dict(answers or {}),
        "changed_topics": changed,
        "adopted": adopt_background,
    }
    record = store.record_assessment(learner, document, result.recommended_background)
    return Applied(changed, record.id)


class UnknownAttempt(KeyError):
    """The learner has no quiz attempt with this id."""

    def __str__(self) -> str:
        return f"There is no quiz attempt {self.args[0]}: take the quiz at /assess."


def recorded_attempt(store: Store, attempt_id: int, areas: list[QuizArea]) -> RecordedAttempt:
    """The attempt ``attempt_id`` read back from the store, its questions matched with ``areas``
    (the quiz content). Entries the content no longer has, and records written by other versions
    (imported, say), are skipped rather than trusted."""
    learner = store.get_or_create_learner(LEARNER).id
    attempt = next((a for a in store.assessments(learner) if a.id == attempt_id), None)
    if attempt is None:
        raise UnknownAttempt(attempt_id)
    recorded = attempt.results
    by_id = {area.area: area for area in areas}
    scores = [score for score in map(_area_result, recorded.get("areas", [])) if score is not None]
    scores = [score for score in scores if score.area in by_id]
    covered = [by_id[score.area] for score in scores]
    kept = recorded.get("answers")
    answers: dict[str, Any] = kept if isinstance(kept, dict) else {}
    unanswered: list[Missed] = []
    wrong: list[Missed] = []
    for area in covered if isinstance(kept, dict) else []:
        for number, item in enumerate(area.items, start=1):
            answer = answers.get(item.id)
            if not isinstance(answer, int) or not 0 <= answer < len(item.choices):
                unanswered.append(Missed(area.title, number, item, None))
            elif answer != item.answer:
                wrong.append(Missed(area.title, number, item, answer))
    changed = recorded.get("changed_topics", [])
    return RecordedAttempt(
        id=attempt.id,
        scores=scores,
        areas=covered,
        recommended=attempt.recommended_background,
        adopted=recorded.get("adopted") is True,
        changed_topics=[str(t) for t in changed] if isinstance(changed, list) else [],
        answers_kept=isinstance(kept, dict),
        unanswered=unanswered,
        wrong=wrong,
    )


def _area_result(entry: Any) -> AreaResult | None:
    if not isinstance(entry, dict):
        return None
    try:
        return AreaResult(
            str(entry["area"]), int(entry["correct"]), int(entry["total"]), entry["passed"] is True
        )
    except (KeyError, TypeError, ValueError):
        return None
