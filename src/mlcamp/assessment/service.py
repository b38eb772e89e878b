"""Apply a quiz result: record it, place the learner out of passed areas' topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlcamp.assessment.scoring import QuizResult

if TYPE_CHECKING:
    from mlcamp.store import Store

LEARNER = "me"


def apply_result(store: Store, result: QuizResult, *, adopt_background: bool) -> list[str]:
    """Record the attempt and mark passed areas' topics placed out (never over done topics).

    Topics placed out by an earlier attempt whose area is no longer passed go back to
    not-started. Returns the topics whose state changed.
    """
    learner = store.get_or_create_learner(LEARNER).id
    store.record_assessment(learner, result.to_json(), result.recommended_background)
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
    return changed
