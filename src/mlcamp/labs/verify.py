"""Prove a lab's checks: the reference must pass and every known-wrong variant must fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlcamp.curriculum.problems import ContentProblem

if TYPE_CHECKING:
    from mlcamp.grader.report import Report
    from mlcamp.labs.registry import Lab

GradeFunction = Callable[["Lab", str, str], "Report"]


@dataclass(frozen=True)
class VerifiedLab:
    """The outcome of proving one lab: the reference's report and each wrong variant's."""

    lab: str
    reference: Report
    wrong: dict[str, Report]


def verify_lab(lab: Lab, grade: GradeFunction) -> tuple[VerifiedLab, list[ContentProblem]]:
    """Grade the reference and every wrong variant; return the reports and the problems found.

    `grade(lab, source, filename)` grades one file (in the sandbox, without timing).
    """
    problems: list[ContentProblem] = []
    reference = grade(lab, lab.reference, "reference.py")
    if not reference.passed:
        problems.append(
            ContentProblem(
                lab.folder / "reference.py", None, f"the reference does not pass: {_why(reference)}"
            )
        )
    wrong: dict[str, Report] = {}
    for file in lab.wrong_files:
        report = grade(lab, file.read_text(encoding="utf-8"), file.name)
        wrong[file.name] = report
        if report.passed:
            problems.append(
                ContentProblem(
                    file,
                    None,
                    "this known-wrong variant passes every check: add a test that catches it",
                )
            )
        elif (
            report.status == "error"
            and report.error
            and report.error.kind in ("syntax", "not_attempted")
        ):
            problems.append(
                ContentProblem(
                    file,
                    None,
                    f"this wrong variant does not even run ({report.error.kind}): "
                    "it must be a plausible mistake, not a broken file",
                )
            )
    return VerifiedLab(lab.id, reference, wrong), problems


def _why(report: Report) -> str:
    if report.error is not None:
        return f"{report.error.kind}: {report.error.message}"
    failed = [t for t in report.tests if t.status != "pass"]
    return "; ".join(f"{t.name}: {t.message}" for t in failed[:3])


def relative(file: Path, root: Path) -> str:
    """A file's path relative to `root` when inside it."""
    try:
        return str(file.relative_to(root))
    except ValueError:
        return str(file)
