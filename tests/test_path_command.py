"""`mlcamp path`: the tree, and the JSON with its documented schema."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mlcamp.cli import app
from mlcamp.curriculum import BACKGROUNDS, shipped_curriculum
from mlcamp.curriculum.models import MIN_SUMMARY_WORDS, Curriculum
from mlcamp.curriculum.schema import path_json_schema_text

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[1] / "docs"

SEED_PARTS = [
    ("Prerequisites and Foundation", None),
    ("ML Fundamentals", (8, 10)),
    ("Data Engineering", (6, 8)),
    ("Model Development", (10, 12)),
    ("Model Evaluation", (6, 8)),
    ("Advanced Techniques", (10, 14)),
]


def path_json() -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["path", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_six_parts_with_the_seed_week_ranges() -> None:
    data = path_json()
    assert data["schema_version"] == 1
    found = [
        (part["title"], (part["weeks"]["min"], part["weeks"]["max"]) if part["weeks"] else None)
        for part in data["parts"]
    ]
    assert found == SEED_PARTS
    assert [part["number"] for part in data["parts"]] == [0, 1, 2, 3, 4, 5]


def test_json_has_at_least_70_complete_topics() -> None:
    data = path_json()
    topics = [t for p in data["parts"] for s in p["sections"] for t in s["topics"]]
    assert len(topics) >= 70
    resource_ids = {r["id"] for r in data["resources"]}
    for topic in topics:
        assert len(topic["summary"].split()) >= MIN_SUMMARY_WORDS, topic["id"]
        assert len(topic["objectives"]) >= 3, topic["id"]
        assert set(topic["hours"]) == set(BACKGROUNDS), topic["id"]
        assert topic["resources"] and set(topic["resources"]) <= resource_ids, topic["id"]
    with_prerequisites = [t for t in topics if t["prerequisites"]]
    assert len(with_prerequisites) * 2 >= len(topics)


def test_json_round_trips_through_the_model() -> None:
    data = path_json()
    assert Curriculum.model_validate(data) == shipped_curriculum()


def test_pathways_carry_the_seed_durations() -> None:
    months = {
        p["id"]: (p["months"]["min"], p["months"]["max"])
        for p in path_json()["overview"]["pathways"]
    }
    assert months == {"beginner": (18, 24), "math-stats": (12, 16), "software-engineer": (14, 18)}


def test_pathway_durations_fit_at_default_hours() -> None:
    curriculum = shipped_curriculum()
    for pathway in curriculum.overview.pathways:
        months = (
            curriculum.total_hours(pathway.id)
            / curriculum.default_hours_per_week
            / curriculum.weeks_per_month
        )
        assert pathway.months.min <= months <= pathway.months.max, (pathway.id, months)


def test_documented_schema_is_current() -> None:
    stored = (DOCS / "path.schema.json").read_text()
    assert stored == path_json_schema_text(), "run: mlcamp content schema > docs/path.schema.json"


def test_tree_shows_modules_sections_topics_and_hours() -> None:
    result = runner.invoke(app, ["path", "--background", "beginner"])
    assert result.exit_code == 0, result.output
    for title in (
        "Module 1: ML Fundamentals",
        "Module 5: Advanced Techniques",
        "Linear models",
        "linear-regression",
    ):
        assert title in result.output
    assert " h" in result.output


def test_unknown_background_is_a_usage_error() -> None:
    result = runner.invoke(app, ["path", "--background", "wizard"])
    assert result.exit_code == 2
    assert "Unknown background 'wizard'" in result.output


def test_path_on_broken_content_points_at_the_check(content_copy: Path) -> None:
    (content_copy / "path.yaml").write_text("id: [\n")
    result = runner.invoke(app, ["path", "--root", str(content_copy)])
    assert result.exit_code == 1
    assert "mlcamp content check" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("mlcamp ")
