"""`mlcamp content check`: clean on the shipped content, precise on broken content."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from content_edit import edit_topic, line_of, read_topic, topic_file, write_topic
from typer.testing import CliRunner

from mlcamp.cli import app
from mlcamp.curriculum import check_content, default_content_root, load_curriculum
from mlcamp.curriculum.problems import ContentError

runner = CliRunner()


def messages(root: Path) -> list[str]:
    """Every problem of a content tree, rendered relative to it."""
    return [problem.render(relative_to=root) for problem in check_content(root)]


def run_check(root: Path, *extra: str) -> tuple[int, str]:
    """Run `mlcamp content check`; labs are proven only when asked (test_shipped_labs does)."""
    options = list(extra) or ["--no-labs"]
    result = runner.invoke(app, ["content", "check", "--root", str(root), *options])
    return result.exit_code, result.output


def first_part_topics(root: Path, part: str) -> list[str]:
    data = yaml.safe_load((root / "parts" / part / "part.yaml").read_text())
    return [topic for section in data["sections"] for topic in section["topics"]]


def test_shipped_content_is_clean() -> None:
    code, output = run_check(default_content_root())
    assert code == 0, output
    assert "Content OK" in output


def test_clean_copy_is_clean(content_copy: Path) -> None:
    assert messages(content_copy) == []


def test_prerequisite_cycle_is_printed(content_copy: Path) -> None:
    a, b, c = first_part_topics(content_copy, "01-ml-fundamentals")[:3]
    edit_topic(content_copy, a, prerequisites=[b])
    edit_topic(content_copy, b, prerequisites=[c])
    edit_topic(content_copy, c, prerequisites=[a])
    code, output = run_check(content_copy)
    assert code == 1
    cycle = [a, b, c]
    start = cycle.index(min(cycle))
    rotated = cycle[start:] + cycle[:start]
    expected = " -> ".join([*rotated, rotated[0]])
    assert f"prerequisite cycle: {expected}" in output
    assert f"{min(cycle)}.md:" in output


def test_self_prerequisite_is_a_cycle(content_copy: Path) -> None:
    edit_topic(content_copy, "linear-regression", prerequisites=["linear-regression"])
    assert any(
        "prerequisite cycle: linear-regression -> linear-regression" in m
        for m in messages(content_copy)
    )


def test_unknown_prerequisite_names_file_and_line(content_copy: Path) -> None:
    file = edit_topic(
        content_copy, "k-means-clustering", prerequisites=["vectors-and-matrices", "no-such-topic"]
    )
    line = line_of(file, "no-such-topic")
    found = messages(content_copy)
    expected = (
        f"parts/01-ml-fundamentals/topics/k-means-clustering.md:{line}: "
        "unknown prerequisite topic id 'no-such-topic'"
    )
    assert expected in found


def test_missing_field_names_file_and_field(content_copy: Path) -> None:
    edit_topic(content_copy, "decision-trees", objectives=None)
    found = messages(content_copy)
    assert any(
        m.startswith("parts/01-ml-fundamentals/topics/decision-trees.md:")
        and "missing field 'objectives'" in m
        for m in found
    ), found


def test_invalid_yaml_names_file_and_line(content_copy: Path) -> None:
    part = content_copy / "parts" / "02-data-engineering" / "part.yaml"
    lines = part.read_text().splitlines()
    lines.insert(3, "title: [unclosed")
    part.write_text("\n".join(lines) + "\n")
    code, output = run_check(content_copy)
    assert code == 1
    assert re.search(r"parts/02-data-engineering/part\.yaml:\d+: invalid YAML", output), output


def test_invalid_yaml_in_front_matter_has_file_line(content_copy: Path) -> None:
    file = topic_file(content_copy, "random-forests")
    text = file.read_text().replace("title:", "title: : : [", 1)
    file.write_text(text)
    found = messages(content_copy)
    assert any(
        re.match(r"parts/01-ml-fundamentals/topics/random-forests\.md:\d+: invalid YAML", m)
        for m in found
    ), found


def test_duplicate_url_names_both_resources(content_copy: Path) -> None:
    extra = content_copy / "resources" / "zz-extra.yaml"
    extra.write_text(
        "- id: mml-book-again\n"
        "  title: Same book\n"
        "  url: https://mml-book.github.io\n"
        "  kind: book\n"
        "  free: true\n"
        "  note: A second entry for a URL the library already has.\n"
    )
    found = messages(content_copy)
    assert any(
        m.startswith("resources/zz-extra.yaml:3: duplicate URL https://mml-book.github.io")
        and "'mml-book'" in m
        and "seed.yaml" in m
        for m in found
    ), found


def test_duplicate_topic_id(content_copy: Path) -> None:
    source = topic_file(content_copy, "naive-bayes")
    front, body = read_topic(source)
    copy = content_copy / "parts" / "02-data-engineering" / "topics" / "naive-bayes.md"
    write_topic(copy, front, body)
    found = messages(content_copy)
    assert any("duplicate topic id 'naive-bayes'" in m for m in found), found


def test_hours_out_of_range(content_copy: Path) -> None:
    file = edit_topic(
        content_copy,
        "softmax-regression",
        hours={"beginner": 0, "math-stats": 3, "software-engineer": 400},
    )
    found = [m for m in messages(content_copy) if "softmax-regression.md" in m]
    assert any(
        f":{line_of(file, 'beginner')}: hours.beginner: hours out of range: 0" in m for m in found
    ), found
    assert any("hours out of range: 400" in m for m in found), found


def test_module_hours_must_fit_the_seed_weeks(content_copy: Path) -> None:
    for topic_id in first_part_topics(content_copy, "04-model-evaluation"):
        edit_topic(
            content_copy,
            topic_id,
            hours={"beginner": 20, "math-stats": 20, "software-engineer": 20},
        )
    found = messages(content_copy)
    assert any(
        m.startswith("parts/04-model-evaluation/part.yaml:")
        and "hours out of range" in m
        and "6-8 weeks" in m
        for m in found
    ), found


def test_pathway_must_fit_the_seed_months(content_copy: Path) -> None:
    for topic_id in first_part_topics(content_copy, "00-prerequisites"):
        edit_topic(
            content_copy,
            topic_id,
            hours={"beginner": 60, "math-stats": 60, "software-engineer": 60},
        )
    found = messages(content_copy)
    assert any(m.startswith("overview/pathways.yaml:") and "18-24 months" in m for m in found), (
        found
    )


def test_empty_section(content_copy: Path) -> None:
    part = content_copy / "parts" / "05-advanced-techniques" / "part.yaml"
    data = yaml.safe_load(part.read_text())
    data["sections"].append({"id": "nothing-here", "title": "Nothing here", "topics": []})
    part.write_text(yaml.safe_dump(data, sort_keys=False))
    found = messages(content_copy)
    assert any(
        m.startswith("parts/05-advanced-techniques/part.yaml:")
        and "empty section 'nothing-here'" in m
        for m in found
    ), found


def test_orphan_topic_file_and_unlisted_topic(content_copy: Path) -> None:
    source = topic_file(content_copy, "gradient-boosting")
    front, body = read_topic(source)
    front["id"] = "gradient-boosting-extra"
    write_topic(source.with_name("gradient-boosting-extra.md"), front, body)
    found = messages(content_copy)
    assert any("'gradient-boosting-extra' is not listed in any section" in m for m in found)


def test_id_must_match_file_name(content_copy: Path) -> None:
    edit_topic(content_copy, "k-nearest-neighbors", id="knn")
    found = messages(content_copy)
    assert any("topic id 'knn' differs from its file name" in m for m in found), found


def test_checkable_objectives_and_summary_length(content_copy: Path) -> None:
    file = topic_file(content_copy, "logistic-regression")
    front, _ = read_topic(file)
    front["objectives"] = ["Understand everything", *front["objectives"][1:]]
    write_topic(file, front, "Too short a summary.\n")
    found = [m for m in messages(content_copy) if "logistic-regression.md" in m]
    assert any("does not start with a checkable verb" in m for m in found), found
    assert any("summary too short: 4 words" in m for m in found), found


def test_unknown_resource_tag_and_lab(content_copy: Path) -> None:
    edit_topic(
        content_copy,
        "support-vector-machines",
        resources=["no-such-resource"],
        tags=["not-a-tag"],
        labs=["no-such-lab"],
    )
    found = [m for m in messages(content_copy) if "support-vector-machines.md" in m]
    assert any("unknown resource id 'no-such-resource'" in m for m in found), found
    assert any("unknown tag 'not-a-tag'" in m for m in found), found
    assert any("unknown lab id 'no-such-lab'" in m for m in found), found


def test_prerequisite_from_a_later_part(content_copy: Path) -> None:
    edit_topic(content_copy, "vectors-and-matrices", prerequisites=["linear-regression"])
    found = messages(content_copy)
    assert any("prerequisite 'linear-regression' belongs to a later part" in m for m in found)


def test_unknown_field_is_reported(content_copy: Path) -> None:
    edit_topic(content_copy, "eigendecomposition", objectivs=["Derive x."])
    found = messages(content_copy)
    assert any("unknown field 'objectivs'" in m for m in found), found


def test_alias_rules(content_copy: Path) -> None:
    (content_copy / "aliases.yaml").write_text(
        "old-linear-regression: linear-regression\n"
        "k-means-clustering: principal-component-analysis\n"
        "gone: no-such-topic\n"
    )
    found = messages(content_copy)
    assert any("alias 'k-means-clustering' is the id of a current topic" in m for m in found)
    assert any("alias 'gone' points to unknown topic id 'no-such-topic'" in m for m in found)
    assert not any("old-linear-regression" in m for m in found)


def test_renamed_prerequisite_points_at_new_id(content_copy: Path) -> None:
    (content_copy / "aliases.yaml").write_text("lin-reg: linear-regression\n")
    edit_topic(content_copy, "regularized-linear-models", prerequisites=["lin-reg"])
    found = messages(content_copy)
    assert any("renamed to 'linear-regression'" in m for m in found), found


def test_every_problem_is_listed_not_just_the_first(content_copy: Path) -> None:
    edit_topic(content_copy, "naive-bayes", prerequisites=["missing-one"])
    edit_topic(content_copy, "decision-trees", objectives=None)
    edit_topic(content_copy, "random-forests", tags=["bogus"])
    (content_copy / "resources" / "zz.yaml").write_text(
        "- id: dup\n  title: t\n  url: https://mml-book.github.io/\n  kind: book\n"
        "  free: true\n  note: n\n"
    )
    code, output = run_check(content_copy)
    assert code == 1
    for needle in (
        "missing-one",
        "missing field 'objectives'",
        "unknown tag 'bogus'",
        "duplicate URL",
    ):
        assert needle in output, needle


def test_load_curriculum_raises_with_every_problem(content_copy: Path) -> None:
    edit_topic(content_copy, "naive-bayes", prerequisites=["missing-one", "missing-two"])
    try:
        load_curriculum(content_copy)
    except ContentError as exc:
        assert len([p for p in exc.problems if "missing-" in p.message]) == 2
    else:  # pragma: no cover - the assertion below explains the failure
        raise AssertionError("broken content loaded without error")


def test_missing_required_file(content_copy: Path) -> None:
    (content_copy / "overview" / "milestones.yaml").unlink()
    found = messages(content_copy)
    assert any(m.startswith("overview/milestones.yaml: required file is missing") for m in found)


def test_lab_proof_reports_a_wrong_variant_that_passes(content_copy: Path) -> None:
    lab = content_copy / "labs" / "pairwise-distances"
    (lab / "wrong" / "not_squared.py").write_text((lab / "reference.py").read_text())
    code, output = run_check(content_copy, "--lab", "pairwise-distances")
    assert code == 1
    assert "wrong/not_squared.py: this known-wrong variant passes every check" in output


def test_lab_proof_reports_a_failing_reference(content_copy: Path) -> None:
    lab = content_copy / "labs" / "pairwise-distances"
    reference = lab / "reference.py"
    reference.write_text(reference.read_text().replace("2.0 * (A @ B.T)", "(A @ B.T)"))
    code, output = run_check(content_copy, "--lab", "pairwise-distances")
    assert code == 1
    assert "reference.py: the reference does not pass" in output


def test_broken_lab_yaml_is_reported_with_its_line(content_copy: Path) -> None:
    spec = content_copy / "labs" / "pairwise-distances" / "lab.yaml"
    text = spec.read_text().replace("difficulty: intro", "difficulty: easy")
    spec.write_text(text)
    code, output = run_check(content_copy)
    assert code == 1
    line = text.splitlines().index("difficulty: easy") + 1
    assert f"labs/pairwise-distances/lab.yaml:{line}: difficulty" in output
