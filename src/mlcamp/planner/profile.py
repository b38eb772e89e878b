"""The learner's profile as the planner sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BACKGROUNDS = ("beginner", "math-stats", "software-engineer")
SPECIALIZATIONS = ("cv", "nlp", "time-series")
MIN_HOURS, MAX_HOURS = 1.0, 80.0


class ProfileError(ValueError):
    """A profile value is out of range; the message says which values are allowed."""


@dataclass(frozen=True)
class Profile:
    """Background, weekly hours, dates and choices that shape the plan."""

    background: str = "beginner"
    hours_per_week: float = 10.0
    start_date: date = date(2026, 1, 5)
    target_date: date | None = None
    specialization: str | None = None
    include_optional: bool = True

    def __post_init__(self) -> None:
        if self.background not in BACKGROUNDS:
            raise ProfileError(
                f"unknown background '{self.background}': use one of {', '.join(BACKGROUNDS)}"
            )
        if not MIN_HOURS <= self.hours_per_week <= MAX_HOURS:
            raise ProfileError(
                f"hours per week must be between {MIN_HOURS:g} and {MAX_HOURS:g}, "
                f"got {self.hours_per_week:g}"
            )
        if self.specialization is not None and self.specialization not in SPECIALIZATIONS:
            raise ProfileError(
                f"unknown specialization '{self.specialization}': use one of "
                f"{', '.join(SPECIALIZATIONS)}"
            )
        if self.target_date is not None and self.target_date <= self.start_date:
            raise ProfileError("the target date must be after the start date")
