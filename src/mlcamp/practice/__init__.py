"""Lab work for one learner: the workspace, grading with recorded attempts, hints and solutions.

The names load on first use: `mlcamp check` imports the light modules (workspace, recorder)
before the grader and NumPy, so that it can fork its recorder early.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "HintView": "service",
    "LabProgress": "service",
    "SolutionLocked": "service",
    "check_file": "service",
    "check_source": "service",
    "lab_progress": "service",
    "next_hint": "service",
    "record_attempt": "service",
    "show_solution": "service",
    "WorkspaceFiles": "workspace",
    "lab_workspace": "workspace",
    "write_lab_files": "workspace",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mlcamp.practice' has no attribute {name!r}")
    value = getattr(import_module(f"mlcamp.practice.{home}"), name)
    globals()[name] = value
    return value
