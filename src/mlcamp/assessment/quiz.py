"""Quiz areas and items, read from `content/assessment/<area>.yaml` and validated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlcamp.curriculum.located import default_content_root, validate_model
from mlcamp.curriculum.problems import ContentProblem
from mlcamp.curriculum.yaml_source import read_yaml_file

AREAS = ("linear-algebra", "calculus", "probability-statistics", "python", "numpy", "ml-basics")
MIN_ITEMS = 8
KebabId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class QuizItem(_Strict):
    """One multiple-choice question with exactly one right answer."""

    id: KebabId
    level: int = Field(ge=1, le=3)
    topics: list[KebabId] = Field(min_length=1)
    question: str = Field(min_length=10)
    choices: list[str] = Field(min_length=3, max_length=5)
    answer: int = Field(ge=0)
    explanation: str = Field(min_length=10)

    @model_validator(mode="after")
    def _answer_in_range(self) -> QuizItem:
        if self.answer >= len(self.choices):
            raise ValueError(
                f"answer {self.answer} is not a choice index (0 to {len(self.choices) - 1})"
            )
        if len({choice.strip() for choice in self.choices}) != len(self.choices):
            raise ValueError("choices must be distinct")
        return self


class QuizArea(_Strict):
    """An area of the quiz and the topics a learner places out of by passing it."""

    area: KebabId
    title: str = Field(min_length=3)
    summary: str = Field(min_length=10)
    pass_fraction: float = Field(gt=0, le=1, alias="pass-fraction")
    topics: list[KebabId] = Field(min_length=1)
    items: list[QuizItem] = Field(min_length=MIN_ITEMS)


def read_quiz(
    content_root: Path | None = None, topic_ids: set[str] | None = None
) -> tuple[list[QuizArea], list[ContentProblem]]:
    """Read every area file; check ids, answers, topics and that every area is there."""
    folder = (content_root or default_content_root()) / "assessment"
    areas: list[QuizArea] = []
    problems: list[ContentProblem] = []
    seen_items: dict[str, Path] = {}
    for area_id in AREAS:
        file = folder / f"{area_id}.yaml"
        if not file.is_file():
            problems.append(ContentProblem(file, None, f"quiz area '{area_id}' is missing"))
            continue
        document = read_yaml_file(file, problems)
        if document is None:
            continue
        located = validate_model(QuizArea, document.data, document, problems)
        if located is None:
            continue
        area = located.model
        if area.area != area_id:
            problems.append(
                ContentProblem(file, document.line_of(("area",)), f"area must be '{area_id}'")
            )
        for index, item in enumerate(area.items):
            line = document.line_of(("items", index))
            if not item.id.startswith(area_id + "-"):
                problems.append(ContentProblem(file, line, f"item id must start with '{area_id}-'"))
            if item.id in seen_items:
                problems.append(ContentProblem(file, line, f"duplicate item id '{item.id}'"))
            seen_items[item.id] = file
            if topic_ids is not None:
                for topic in item.topics:
                    if topic not in topic_ids:
                        problems.append(ContentProblem(file, line, f"unknown topic '{topic}'"))
        if topic_ids is not None:
            for topic in area.topics:
                if topic not in topic_ids:
                    problems.append(
                        ContentProblem(
                            file, document.line_of(("topics",)), f"unknown topic '{topic}'"
                        )
                    )
        areas.append(area)
    for extra in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if extra.stem not in AREAS:
            problems.append(
                ContentProblem(extra, None, f"unknown quiz area (areas: {', '.join(AREAS)})")
            )
    return areas, problems
