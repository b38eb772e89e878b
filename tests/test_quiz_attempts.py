"""A quiz attempt is recorded with its answers and read back as the result page shows it,
also when the record comes from elsewhere (an import, an older mlcamp)."""

from __future__ import annotations

import pytest

from mlcamp.assessment.quiz import read_quiz
from mlcamp.assessment.scoring import score
from mlcamp.assessment.service import UnknownAttempt, apply_result, recorded_attempt
from mlcamp.store import open_store


def test_an_attempt_reads_back_with_its_scores_and_missed_questions() -> None:
    areas, _ = read_quiz()
    numpy = next(area for area in areas if area.area == "numpy")
    first, second = numpy.items[0], numpy.items[1]
    wrong_choice = (second.answer + 1) % len(second.choices)
    given = {first.id: first.answer, second.id: wrong_choice}
    with open_store() as store:
        applied = apply_result(store, score([numpy], given), adopt_background=False, answers=given)
        attempt = recorded_attempt(store, applied.attempt_id, areas)
    assert [a.area for a in attempt.areas] == ["numpy"]
    assert [(s.area, s.correct, s.total) for s in attempt.scores] == [
        ("numpy", 1, len(numpy.items))
    ]
    assert [(m.number, m.chosen) for m in attempt.wrong] == [(2, wrong_choice)]
    assert len(attempt.unanswered) == len(numpy.items) - 2
    assert attempt.answers_kept and not attempt.adopted and attempt.passed_areas() == []


def test_foreign_or_old_records_are_read_without_trusting_them() -> None:
    areas, _ = read_quiz()
    with open_store() as store:
        learner = store.get_or_create_learner("me").id
        record = store.record_assessment(
            learner,
            {
                "areas": [
                    {"area": "numpy", "correct": 9, "total": 10, "passed": True},
                    {"area": "astrology", "correct": 1, "total": 1, "passed": True},
                    {"area": "python", "correct": "many"},
                    "not an area",
                ],
                "changed_topics": "not a list",
            },
            "beginner",
        )
        attempt = recorded_attempt(store, record.id, areas)
        assert [s.area for s in attempt.scores] == ["numpy"]
        assert not attempt.answers_kept and attempt.wrong == [] and attempt.unanswered == []
        assert attempt.changed_topics == []
        with pytest.raises(UnknownAttempt, match="take the quiz at /assess"):
            recorded_attempt(store, record.id + 1, areas)
