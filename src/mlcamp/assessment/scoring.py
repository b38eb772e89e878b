"""Score a quiz attempt, recommend a pathway and list the topics to place out of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mlcamp.assessment.quiz import QuizArea

MATH_AREAS = ("linear-algebra", "calculus", "probability-statistics")
CODE_AREAS = ("python", "numpy")


@dataclass(frozen=True)
class AreaResult:
    """One area's score."""

    area: str
    correct: int
    total: int
    passed: bool

    @property
    def fraction(self) -> float:
        """Share of right answers."""
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class QuizResult:
    """Every area's score, the recommended background and the topics placed out of."""

    areas: list[AreaResult]
    recommended_background: str
    placed_out: list[str]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready summary (stored with the attempt)."""
        return {
            "areas": [
                {"area": a.area, "correct": a.correct, "total": a.total, "passed": a.passed}
                for a in self.areas
            ],
            "recommended_background": self.recommended_background,
            "placed_out": self.placed_out,
        }


def score(areas: list[QuizArea], answers: Mapping[str, int]) -> QuizResult:
    """Score answers (item id -> chosen index); unanswered items count as wrong.

    The recommendation: strong mathematics (all three math areas passed) -> `math-stats`;
    otherwise strong programming (Python and NumPy passed) -> `software-engineer`; otherwise
    `beginner`. Every passed area places the learner out of its topics.
    """
    results = []
    placed: list[str] = []
    for area in areas:
        correct = sum(1 for item in area.items if answers.get(item.id) == item.answer)
        passed = correct / len(area.items) >= area.pass_fraction
        results.append(AreaResult(area.area, correct, len(area.items), passed))
        if passed:
            placed.extend(topic for topic in area.topics if topic not in placed)
    passed_areas = {result.area for result in results if result.passed}
    if set(MATH_AREAS) <= passed_areas:
        background = "math-stats"
    elif set(CODE_AREAS) <= passed_areas:
        background = "software-engineer"
    else:
        background = "beginner"
    return QuizResult(results, background, placed)
