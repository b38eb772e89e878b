"""The lab specification: what `lab.yaml` holds, validated with pydantic."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LAB_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

ALWAYS_FORBIDDEN_IMPORTS: tuple[str, ...] = ("sklearn", "scipy", "statsmodels", "torch")
"""Packages no from-scratch lab may use: they would do the work the lab asks for."""

LabId = Annotated[str, Field(pattern=LAB_ID_PATTERN, max_length=80)]
DottedName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]


class Strict(BaseModel):
    """Base for lab file models: unknown keys are errors, and keys use dashes."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Task(Strict):
    """One numbered task of the lab, as the README states it."""

    number: int = Field(ge=1)
    title: str = Field(min_length=3)


class EntryPoint(Strict):
    """A name the learner's file must define: a function or an estimator class."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    kind: Literal["function", "class"]
    task: int = Field(ge=1)


class Limits(Strict):
    """Resource limits for one submission; the grader process enforces every one of them."""

    seconds_per_test: float = Field(default=5.0, gt=0, le=120, alias="seconds-per-test")
    seconds_total: float = Field(default=30.0, gt=0, le=600, alias="seconds-total")
    memory_mb: int = Field(default=1024, ge=128, le=16384, alias="memory-mb")


class Forbidden(Strict):
    """What the learner's code may not use, on top of `ALWAYS_FORBIDDEN_IMPORTS`."""

    imports: list[DottedName] = Field(default_factory=list)
    calls: list[DottedName] = Field(default_factory=list)

    @field_validator("calls")
    @classmethod
    def _calls_are_qualified(cls, calls: list[str]) -> list[str]:
        for call in calls:
            if "." not in call:
                raise ValueError(
                    f"forbidden call '{call}' must be qualified, e.g. numpy.linalg.lstsq"
                )
        return calls


class Performance(Strict):
    """How the lab measures speed: the scaling exponent the algorithm should show."""

    expected_exponent: float = Field(gt=0, le=4, alias="expected-exponent")
    variable: str = Field(default="n", min_length=1)


class LabSpec(Strict):
    """Everything `lab.yaml` says about a lab."""

    id: LabId
    title: str = Field(min_length=3)
    part: Annotated[str, Field(pattern=LAB_ID_PATTERN)]
    topics: list[Annotated[str, Field(pattern=LAB_ID_PATTERN)]] = Field(min_length=1)
    difficulty: Literal["intro", "core", "stretch"]
    summary: str = Field(min_length=20)
    from_scratch: bool = Field(default=True, alias="from-scratch")
    tags: list[str] = Field(default_factory=list)
    file: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*\.py$")]
    tasks: list[Task] = Field(min_length=1)
    entry_points: list[EntryPoint] = Field(min_length=1, alias="entry-points")
    forbidden: Forbidden = Field(default_factory=Forbidden)
    limits: Limits = Field(default_factory=Limits)
    performance: Performance | None = None

    @model_validator(mode="after")
    def _consistent(self) -> LabSpec:
        numbers = [task.number for task in self.tasks]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"tasks must be numbered 1, 2, 3, ... in order, got {numbers}")
        for entry in self.entry_points:
            if entry.task > len(numbers):
                raise ValueError(
                    f"entry point '{entry.name}' names task {entry.task}, which is missing"
                )
        names = [entry.name for entry in self.entry_points]
        if len(set(names)) != len(names):
            raise ValueError("entry point names must be unique")
        return self

    @property
    def forbidden_imports(self) -> tuple[str, ...]:
        """Every module the learner's code may not import (top-level or dotted names)."""
        always = ALWAYS_FORBIDDEN_IMPORTS if self.from_scratch else ()
        return tuple(dict.fromkeys([*always, *self.forbidden.imports]))

    @property
    def module_name(self) -> str:
        """The module name of the learner's file (its file name without `.py`)."""
        return re.sub(r"\.py$", "", self.file)
