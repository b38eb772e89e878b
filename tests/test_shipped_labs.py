"""Every shipped lab is proven: valid files, linked topics, reference passes, wrong ones fail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlcamp.curriculum import default_content_root, shipped_curriculum
from mlcamp.grader.content import check_lab_links
from mlcamp.grader.report import Report
from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.labs import Lab, all_labs, read_labs
from mlcamp.labs.verify import verify_lab

REQUIRED = {
    "pairwise-distances",
    "softmax",
    "linear-regression",
    "logistic-regression",
    "kmeans",
    "pca",
}


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    with Grader() as instance:
        yield instance


def test_lab_files_are_valid_and_linked() -> None:
    labs, problems = read_labs(default_content_root())
    assert problems == []
    assert {lab.id for lab in labs} >= REQUIRED
    assert check_lab_links(labs, shipped_curriculum()) == []


@pytest.mark.parametrize("lab", all_labs(), ids=lambda lab: lab.id)
def test_lab_is_proven(lab: Lab, grader: Grader) -> None:
    def grade(lab: Lab, source: str, filename: str) -> Report:
        return grader.grade(lab, source, GradeOptions(performance=False, filename=filename))

    verified, problems = verify_lab(lab, grade)
    assert problems == [], [p.message for p in problems]
    assert len(verified.wrong) >= 3
    assert len(lab.hints) >= 3
    for name, report in verified.wrong.items():
        failing = [t for t in report.tests if t.status != "pass"]
        messages = [t.message for t in failing] or [report.error.message if report.error else ""]
        assert all(len(m) > 20 for m in messages), (name, messages)
