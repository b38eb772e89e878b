"""The grading report (DESIGN §3): one versioned, machine-readable result for every interface."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

REPORT_SCHEMA = 1

ErrorKind = Literal[
    "syntax",
    "missing",
    "not_attempted",
    "forbidden_import",
    "timeout",
    "memory",
    "crash",
    "exited",
    "bad_result",
    "output_limit",
]
ERROR_KINDS: tuple[str, ...] = ErrorKind.__args__  # type: ignore[attr-defined]

OUTPUT_IN_REPORT = 500
"""How many characters of the learner's prints each test keeps."""


class ReportError(BaseModel):
    """Why no test could run."""

    kind: ErrorKind
    message: str


class TestResult(BaseModel):
    """One test: its task, its outcome and, when it did not pass, what was wrong."""

    name: str
    task: int
    status: Literal["pass", "fail", "error"]
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    kind: str | None = None


class Scaling(BaseModel):
    """Measured time against problem size, and the fitted exponent."""

    sizes: list[int]
    seconds: list[float]
    exponent: float | None
    expected: float | None
    reference_exponent: float | None = None


class PerformanceResult(BaseModel):
    """Speed on the performance case, beside the reference solution's, in the same sandbox."""

    size: int | None = None
    seconds: float | None = None
    reference_seconds: float | None = None
    ratio: float | None = None
    scaling: Scaling | None = None
    advice: list[str] = Field(default_factory=list)
    skipped: str | None = None


class Report(BaseModel):
    """The whole result of one `mlcamp check`."""

    schema_version: int = REPORT_SCHEMA
    lab: str
    status: Literal["pass", "fail", "error"]
    score: float
    tests: list[TestResult] = Field(default_factory=list)
    performance: PerformanceResult | None = None
    error: ReportError | None = None
    isolation: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when every test passed."""
        return self.status == "pass"
