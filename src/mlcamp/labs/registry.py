"""Find the labs shipped under `content/labs/`, read their files and load their checks."""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from mlcamp.curriculum.located import default_content_root, validate_model
from mlcamp.curriculum.problems import ContentError, ContentProblem
from mlcamp.curriculum.yaml_source import read_yaml_file
from mlcamp.labs.checking import LabChecks
from mlcamp.labs.spec import LabSpec

LAB_FILES = ("lab.yaml", "README.md", "starter.py", "reference.py", "checks.py", "hints.md")


class UnknownLabError(LookupError):
    """No lab has the id asked for; the message lists the ones that exist."""

    def __init__(self, lab_id: str, known: list[str]) -> None:
        close = [lab for lab in known if lab_id in lab or lab in lab_id]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"There is no lab '{lab_id}'.{hint} Run `mlcamp labs` to list them.")
        self.lab_id = lab_id


@dataclass(frozen=True)
class Lab:
    """One lab folder: its spec and the files a learner and the grader need."""

    spec: LabSpec
    folder: Path

    @property
    def id(self) -> str:
        """The lab's id (its folder name)."""
        return self.spec.id

    @property
    def readme(self) -> str:
        """The task statement, Markdown with `$...$` math."""
        return (self.folder / "README.md").read_text(encoding="utf-8")

    @property
    def starter(self) -> str:
        """The starter file the learner fills in."""
        return (self.folder / "starter.py").read_text(encoding="utf-8")

    @property
    def reference(self) -> str:
        """The reference solution (shown after a pass)."""
        return (self.folder / "reference.py").read_text(encoding="utf-8")

    @property
    def checks_file(self) -> Path:
        """The file with the lab's tests and oracle."""
        return self.folder / "checks.py"

    @property
    def wrong_files(self) -> list[Path]:
        """Known-wrong implementations, each of which must fail the checks."""
        return sorted((self.folder / "wrong").glob("*.py"))

    @cached_property
    def hints(self) -> list[str]:
        """The progressive hints, in order: each `## ` section of `hints.md` is one hint."""
        return split_hints((self.folder / "hints.md").read_text(encoding="utf-8"))

    def load_checks(self) -> LabChecks:
        """Import `checks.py` and return its `checks` object (a `LabChecks`)."""
        return _load_checks(self.checks_file)


def split_hints(text: str) -> list[str]:
    """Split `hints.md` into hints: one per `## ` heading, the heading line dropped."""
    parts = re.split(r"^## .*$", text, flags=re.MULTILINE)
    return [part.strip() for part in parts[1:] if part.strip()]


LAB_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What a lab id looks like (and so a folder name under the labs folder, never a path)."""


@lru_cache(maxsize=64)
def _load_checks(file: Path) -> LabChecks:
    name = f"mlcamp_lab_checks_{file.parent.name.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    checks = getattr(module, "checks", None)
    if not isinstance(checks, LabChecks):
        raise ImportError(f"{file} must define `checks = LabChecks()`")
    return checks


def labs_root(content_root: Path | None = None) -> Path:
    """The folder holding one sub-folder per lab."""
    return (content_root or default_content_root()) / "labs"


def read_labs(content_root: Path | None = None) -> tuple[list[Lab], list[ContentProblem]]:
    """Read every lab folder, returning the valid labs and every problem found."""
    root = labs_root(content_root)
    labs: list[Lab] = []
    problems: list[ContentProblem] = []
    if not root.is_dir():
        return labs, problems
    for folder in sorted(child for child in root.iterdir() if child.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        lab = _read_lab(folder, problems)
        if lab is not None:
            labs.append(lab)
    return labs, problems


@lru_cache(maxsize=128)
def _read_lab_once(folder: Path) -> tuple[Lab | None, tuple[ContentProblem, ...]]:
    """One lab folder, read once per process (the lab, or None, and the problems found)."""
    problems: list[ContentProblem] = []
    lab = _read_lab(folder, problems)
    return lab, tuple(problems)


def _read_lab(folder: Path, problems: list[ContentProblem]) -> Lab | None:
    missing = [name for name in LAB_FILES if not (folder / name).is_file()]
    for name in missing:
        problems.append(ContentProblem(folder / name, None, f"lab file missing: {name}"))
    if "lab.yaml" in missing:
        return None
    document = read_yaml_file(folder / "lab.yaml", problems)
    if document is None:
        return None
    located = validate_model(LabSpec, document.data, document, problems)
    if located is None:
        return None
    spec = located.model
    if spec.id != folder.name:
        problems.append(
            ContentProblem(
                document.file,
                document.line_of(("id",)),
                f"lab id '{spec.id}' must equal its folder name '{folder.name}'",
            )
        )
        return None
    if missing:
        return None
    if (folder / "hints.md").is_file() and len(split_hints((folder / "hints.md").read_text())) < 3:
        problems.append(
            ContentProblem(folder / "hints.md", None, "a lab needs at least 3 hints (## sections)")
        )
    if len(list((folder / "wrong").glob("*.py"))) < 3:
        problems.append(
            ContentProblem(folder / "wrong", None, "a lab needs at least 3 known-wrong variants")
        )
    return Lab(spec, folder)


@lru_cache(maxsize=4)
def _read_cached(content_root: Path | None) -> tuple[tuple[Lab, ...], tuple[ContentProblem, ...]]:
    labs, problems = read_labs(content_root)
    return tuple(labs), tuple(problems)


def lab_problems(content_root: Path | None = None) -> list[ContentProblem]:
    """Problems of lab folders that could not be read (the other labs stay usable)."""
    return list(_read_cached(content_root)[1])


def all_labs(content_root: Path | None = None) -> list[Lab]:
    """Every lab whose files are valid, sorted by part then id (broken ones are left out:
    `lab_problems` lists them, and `mlcamp content check` reports them)."""
    labs, problems = _read_cached(content_root)
    broken = {problem.file.parent for problem in problems} | {problem.file for problem in problems}
    usable = [lab for lab in labs if lab.folder not in broken]
    return sorted(usable, key=lambda lab: (lab.spec.part, lab.id))


def get_lab(lab_id: str, content_root: Path | None = None) -> Lab:
    """The lab with this id; `ContentError` if its folder is broken, `UnknownLabError` if none."""
    if LAB_ID.fullmatch(lab_id):
        # The common case reads one folder, not all of them (`mlcamp check` starts faster).
        folder = labs_root(content_root) / lab_id
        if folder.is_dir():
            lab, problems = _read_lab_once(folder)
            if lab is not None and not problems:
                return lab
    labs = {lab.id: lab for lab in all_labs(content_root)}
    if lab_id in labs:
        return labs[lab_id]
    own = [
        problem
        for problem in lab_problems(content_root)
        if lab_id in problem.file.parts or problem.file.name == lab_id
    ]
    if own:
        raise ContentError(own)
    raise UnknownLabError(lab_id, sorted(labs))
