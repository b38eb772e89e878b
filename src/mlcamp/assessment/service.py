"""Apply a quiz result: record it, place the learner out of passed areas' topics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mlcamp.assessment.scoring import QuizResult

if TYPE_CHECKING:
    from mlcamp.store import Store

LEARNER = "me"


def apply_result(
    store: Store,
    result: QuizResult,
    *,
    adopt_background: bool,
    answers: Mapping[str, int] | None = None,
) -> list[str]:
    """Record the attempt and mark passed areas' topics placed out (never over done topics).

    Topics placed out by an earlier attempt whose area is no longer passed go back to
    not-started. Returns the topics whose state changed. The record keeps the result, the
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
    store.record_assessment(learner, document, result.recommended_background)
    return changed
