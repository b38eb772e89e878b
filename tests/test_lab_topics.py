"""Recording a pass completes topics (read from the topics' own files when it can), and a lab
is found by reading its own folder: both shortcuts agree with the full, validated content."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlcamp.curriculum import shipped_curriculum
from mlcamp.curriculum.problems import ContentError
from mlcamp.curriculum.topic_files import topic_labs
from mlcamp.grader.report import Report
from mlcamp.labs import UnknownLabError, get_lab
from mlcamp.practice import record_attempt
from mlcamp.store import open_store


def test_topic_labs_read_from_the_files_agree_with_the_curriculum() -> None:
    topics = shipped_curriculum().topics()
    assert topic_labs([t.id for t in topics]) == {t.id: list(t.labs) for t in topics}


def test_topic_labs_gives_up_on_anything_unusual(content_copy: Path) -> None:
    assert topic_labs(["no-such-topic"], content_copy) is None
    assert topic_labs(["../parts"], content_copy) is None
    file = next(content_copy.glob("parts/*/topics/decision-trees.md"))
    text = file.read_text()
    file.write_text(text.replace("labs: [decision-tree]", "labs: decision-tree"))
    assert topic_labs(["decision-trees"], content_copy) is None  # not a list
    file.write_text(text.replace("id: decision-trees", "id: trees"))
    assert topic_labs(["decision-trees"], content_copy) is None  # the file is another topic
    file.write_text(text.replace("---\nid:", "id:", 1))
    assert topic_labs(["decision-trees"], content_copy) is None  # no front matter
    file.write_text(text)
    assert topic_labs(["decision-trees"], content_copy) == {"decision-trees": ["decision-tree"]}


def _passed(lab_id: str) -> Report:
    return Report(lab=lab_id, status="pass", score=1.0)


def test_a_pass_completes_only_the_topics_whose_labs_all_passed() -> None:
    # numpy-vectorization needs pairwise-distances and softmax; softmax-regression needs softmax
    # and softmax-regression (see the topics' `labs:`).
    with open_store() as store:
        learner = store.get_or_create_learner("me").id
        record_attempt(store, get_lab("pairwise-distances"), _passed("pairwise-distances"), "x")
        assert "numpy-vectorization" not in store.topic_statuses(learner)
        record_attempt(store, get_lab("softmax"), _passed("softmax"), "x")
        statuses = store.topic_statuses(learner)
        done = statuses["numpy-vectorization"]
        assert (done.state, done.evidence, done.evidence_ref) == ("done", "lab-passed", "softmax")
        assert "softmax-regression" not in statuses  # its own lab is not passed yet
        assert store.review_cards(learner, topic_id="numpy-vectorization")  # cards introduced
        failed = Report(lab="softmax-regression", status="fail", score=0.5)
        record_attempt(store, get_lab("softmax-regression"), failed, "x")
        assert "softmax-regression" not in store.topic_statuses(learner)


def test_a_topic_the_learner_skipped_stays_skipped() -> None:
    with open_store() as store:
        learner = store.get_or_create_learner("me").id
        store.set_topic_status(learner, "k-means-clustering", "skipped")
        record_attempt(store, get_lab("kmeans"), _passed("kmeans"), "x")
        assert store.topic_statuses(learner)["k-means-clustering"].state == "skipped"


def test_get_lab_reads_one_folder_but_still_reports_broken_and_unknown_labs(
    content_copy: Path,
) -> None:
    assert get_lab("kmeans", content_copy).id == "kmeans"
    (content_copy / "labs" / "knn" / "lab.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ContentError) as broken:
        get_lab("knn", content_copy)
    assert any(problem.file.name == "lab.yaml" for problem in broken.value.problems)
    with pytest.raises(UnknownLabError) as unknown:
        get_lab("kmean", content_copy)
    assert "kmeans" in str(unknown.value)
    with pytest.raises(UnknownLabError):
        get_lab("../labs/kmeans", content_copy)
