"""The learner's workspace: one folder per lab with the README and the file they edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlcamp.labs.registry import Lab
from mlcamp.paths import workspace_dir


@dataclass(frozen=True)
class WorkspaceFiles:
    """What `write_lab_files` did: the folder, the learner's file, and whether it was kept."""

    folder: Path
    readme: Path
    solution_file: Path
    kept_existing: bool


def lab_workspace(lab: Lab, directory: Path | None = None) -> Path:
    """The folder a lab's files go to: `directory` or `MLCAMP_HOME/workspace/<lab-id>`."""
    return directory if directory is not None else workspace_dir() / lab.id


def write_lab_files(lab: Lab, directory: Path | None = None) -> WorkspaceFiles:
    """Write README.md and the starter file; an existing solution file is never overwritten."""
    folder = lab_workspace(lab, directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(f"cannot create {folder}: {error.strerror or error}") from error
    readme = folder / "README.md"
    readme.write_text(lab.readme, encoding="utf-8")
    solution_file = folder / lab.spec.file
    kept = solution_file.exists()
    if not kept:
        solution_file.write_text(lab.starter, encoding="utf-8")
    return WorkspaceFiles(folder, readme, solution_file, kept)
