"""Lab work for one learner: the workspace, grading with recorded attempts, hints and solutions."""

from mlcamp.practice.service import (
    HintView,
    LabProgress,
    SolutionLocked,
    check_file,
    check_source,
    lab_progress,
    next_hint,
    record_attempt,
    show_solution,
)
from mlcamp.practice.workspace import WorkspaceFiles, lab_workspace, write_lab_files

__all__ = [
    "HintView",
    "LabProgress",
    "SolutionLocked",
    "WorkspaceFiles",
    "check_file",
    "check_source",
    "lab_progress",
    "lab_workspace",
    "next_hint",
    "record_attempt",
    "show_solution",
    "write_lab_files",
]
