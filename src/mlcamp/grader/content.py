"""`mlcamp content check` for labs: valid lab files, links to the curriculum, proven checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlcamp.curriculum.models import Curriculum
from mlcamp.curriculum.problems import ContentProblem
from mlcamp.grader.report import Report
from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.labs.registry import Lab, read_labs
from mlcamp.labs.verify import verify_lab

Progress = Callable[[str], None]


def check_lab_links(labs: list[Lab], curriculum: Curriculum) -> list[ContentProblem]:
    """Each lab names an existing part and topics, and those topics link back to the lab."""
    problems: list[ContentProblem] = []
    parts = {part.id for part in curriculum.parts}
    topics = {topic.id: topic for topic in curriculum.topics()}
    for lab in labs:
        file = lab.folder / "lab.yaml"
        if lab.spec.part not in parts:
            problems.append(
                ContentProblem(
                    file,
                    None,
                    f"unknown part '{lab.spec.part}' (parts: {', '.join(sorted(parts))})",
                )
            )
        for topic_id in lab.spec.topics:
            topic = topics.get(topic_id)
            if topic is None:
                problems.append(ContentProblem(file, None, f"unknown topic '{topic_id}'"))
            elif lab.id not in topic.labs:
                problems.append(
                    ContentProblem(
                        file,
                        None,
                        f"topic '{topic_id}' does not list this lab: add '{lab.id}' to its `labs:`",
                    )
                )
    return problems


def check_labs(
    content_root: Path,
    curriculum: Curriculum | None,
    *,
    run: bool = True,
    only: list[str] | None = None,
    progress: Progress | None = None,
    oracle_cache: Path | None = None,
) -> list[ContentProblem]:
    """Validate every lab; with `run`, prove each one (reference passes, wrong variants fail)."""
    labs, problems = read_labs(content_root)
    if only:
        unknown = sorted(set(only) - {lab.id for lab in labs})
        problems += [
            ContentProblem(content_root / "labs", None, f"no lab '{lab}'") for lab in unknown
        ]
        labs = [lab for lab in labs if lab.id in only]
        problems = [p for p in problems if any(name in p.file.parts for name in only)]
    if curriculum is not None:
        problems += check_lab_links(labs, curriculum)
    if not run or not labs:
        return problems
    options = GradeOptions(oracle_cache=oracle_cache, performance=False)
    with Grader() as grader:

        def grade(lab: Lab, source: str, filename: str) -> Report:
            if progress is not None:
                progress(f"{lab.id}: {filename}")
            return grader.grade(
                lab, source, GradeOptions(**{**options.__dict__, "filename": filename})
            )

        for lab in labs:
            try:
                _, found = verify_lab(lab, grade)
            except Exception as error:  # a broken checks.py must be reported, not crash the check
                found = [
                    ContentProblem(
                        lab.checks_file,
                        None,
                        f"the checks crashed: {type(error).__name__}: {error}",
                    )
                ]
            problems += found
    return problems
