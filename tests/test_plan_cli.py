"""`mlcamp plan / today / progress / done / learning / skip / assess / review / export / import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcamp.assessment.quiz import read_quiz
from mlcamp.cli import app
from mlcamp.labs import get_lab

runner = CliRunner()
MONTHS = {"beginner": (18, 24), "math-stats": (12, 16), "software-engineer": (14, 18)}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCAMP_TODAY", "2026-01-05")


def plan_json(*options: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["plan", "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("background", sorted(MONTHS))
def test_default_plan_json_shape_and_duration(background: str) -> None:
    plan = plan_json("--background", background, "--hours", "10", "--start", "2026-01-05")
    assert plan["start"] == "2026-01-05"
    low, high = MONTHS[background]
    from datetime import date

    months = (date.fromisoformat(plan["end"]) - date.fromisoformat(plan["start"])).days / 30.44
    assert low <= months <= high
    item = plan["weeks"][0]["items"][0]
    assert set(item) >= {"kind", "id", "hours"} and item["kind"] in {"topic", "lab", "review"}


def test_bad_plan_arguments_are_usage_errors() -> None:
    for options in (["--background", "wizard"], ["--hours", "0"], ["--start", "05/01/2026"]):
        result = runner.invoke(app, ["plan", *options])
        assert result.exit_code == 2, options
        assert "Traceback" not in result.output


def test_progress_changes_replan_and_are_recorded() -> None:
    first = plan_json("--background", "software-engineer", "--start", "2026-01-05")
    assert runner.invoke(app, ["done", "vectors-and-matrices"]).exit_code == 0
    second = plan_json()
    assert second["sequence"] == first["sequence"] + 1
    ids = [i["id"] for w in second["weeks"] for i in w["items"]]
    assert "vectors-and-matrices" not in ids
    assert runner.invoke(app, ["skip", "eigendecomposition"]).exit_code == 0
    ids = [i["id"] for w in plan_json()["weeks"] for i in w["items"]]
    assert "eigendecomposition" not in ids
    unknown = runner.invoke(app, ["done", "vectors"])
    assert unknown.exit_code == 2 and "vectors-and-matrices" in unknown.output


def test_behind_offers_options_that_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    plan_json("--background", "math-stats", "--start", "2026-01-05")
    monkeypatch.setenv("MLCAMP_TODAY", "2026-03-16")
    late = plan_json()
    assert late["behind_hours"] >= 50
    assert plan_json()["behind_hours"] == late["behind_hours"]  # looking does not forgive
    names = [o["name"] for o in late["options"]]
    assert names == ["extend", "hours", "drop-optional"]
    result = runner.invoke(app, ["plan", "--catch-up", "hours"])
    assert result.exit_code == 0, result.output
    profile_hours = plan_json()["hours_per_week"]
    assert profile_hours > 10
    bad = runner.invoke(app, ["plan", "--catch-up", "sleep-less"])
    assert bad.exit_code == 2


def test_ics_export_is_a_calendar(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    result = runner.invoke(app, ["plan", "--ics", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert text.startswith("BEGIN:VCALENDAR") and "SEQUENCE:1" in text and "UID:me-topic-" in text


def test_today_lists_this_weeks_items() -> None:
    plan_json("--background", "beginner", "--start", "2026-01-05")
    result = runner.invoke(app, ["today", "--json"])
    assert result.exit_code == 0, result.output
    today = json.loads(result.output)
    assert today["week_start"] == "2026-01-05" and today["items"]
    assert today["next_lab"] is not None


def test_lab_pass_marks_topics_done_and_milestone(tmp_path: Path) -> None:
    lab = get_lab("pairwise-distances")
    file = tmp_path / "mine.py"
    file.write_text(lab.reference)
    assert runner.invoke(app, ["check", lab.id, str(file), "--no-speed"]).exit_code == 0
    progress = json.loads(runner.invoke(app, ["progress", "--json"]).output)
    # vectors-and-matrices has only this lab: done. numpy-vectorization also has softmax: not yet.
    assert progress["topics"]["vectors-and-matrices"] == "done"
    assert "numpy-vectorization" not in progress["topics"]
    first = next(m for m in progress["milestones"] if m["id"] == "first-from-scratch-algorithm")
    assert first["reached"]


def test_assess_places_out_and_recommends(tmp_path: Path) -> None:
    areas, _ = read_quiz()
    right = {item.id: item.answer + 1 for area in areas for item in area.items}
    math_only = {
        k: v
        for k, v in right.items()
        if k.startswith(("linear-algebra", "calculus", "probability-statistics"))
    }
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(math_only))
    result = runner.invoke(app, ["assess", "--answers", str(answers), "--json"])
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["recommended_background"] == "math-stats"
    assert "eigendecomposition" in outcome["placed_out"]
    progress = json.loads(runner.invoke(app, ["progress", "--json"]).output)
    assert progress["topics"]["eigendecomposition"] == "placed-out"
    # Retaken with nothing right: the quiz's placements are withdrawn.
    answers.write_text("{}")
    outcome = json.loads(runner.invoke(app, ["assess", "--answers", str(answers), "--json"]).output)
    assert outcome["recommended_background"] == "beginner"
    progress = json.loads(runner.invoke(app, ["progress", "--json"]).output)
    assert progress["topics"]["eigendecomposition"] == "not-started"


def test_review_session_rates_cards() -> None:
    assert runner.invoke(app, ["learning", "k-means-clustering"]).exit_code == 0
    today = json.loads(runner.invoke(app, ["today", "--json"]).output)
    due = today["reviews_due"]
    assert due >= 2
    result = runner.invoke(app, ["review", "--limit", "2"], input="\n3\n\n4\n")
    assert result.exit_code == 0, result.output
    assert "good: next review" in result.output and "easy: next review" in result.output
    after = json.loads(runner.invoke(app, ["today", "--json"]).output)
    assert after["reviews_due"] == due - 2


def test_export_import_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_json("--background", "software-engineer", "--start", "2026-01-05")
    runner.invoke(app, ["learning", "k-means-clustering"])
    exported = tmp_path / "me.json"
    assert runner.invoke(app, ["export", str(exported)]).exit_code == 0
    monkeypatch.setenv("MLCAMP_HOME", str(tmp_path / "other-home"))
    assert runner.invoke(app, ["import", str(exported)]).exit_code == 0
    again = tmp_path / "again.json"
    assert runner.invoke(app, ["export", str(again)]).exit_code == 0
    first, second = json.loads(exported.read_text()), json.loads(again.read_text())
    for document in (first, second):
        document["learner"].pop("created_at", None)
        document["learner"].pop("updated_at", None)
    assert first == second
    twice = runner.invoke(app, ["import", str(exported)])
    assert twice.exit_code == 1 and "--replace" in twice.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else"}')
    assert runner.invoke(app, ["import", str(broken), "--replace"]).exit_code == 1


def test_renamed_topics_keep_their_progress(content_copy: Path) -> None:
    from mlcamp.curriculum import load_curriculum
    from mlcamp.planner.service import learner_progress
    from mlcamp.store import open_store

    (content_copy / "aliases.yaml").write_text("old-vectors-topic: vectors-and-matrices\n")
    curriculum = load_curriculum(content_copy)
    with open_store() as store:
        learner = store.get_or_create_learner("me").id
        store.set_topic_status(learner, "old-vectors-topic", "done", evidence="self-reported")
        store.set_topic_status(learner, "a-topic-that-was-removed", "done")
        progress = learner_progress(store, curriculum)
        assert progress.state("vectors-and-matrices") == "done"
        assert "a-topic-that-was-removed" not in progress.topic_states
        # Nothing is erased: the stored rows are still there.
        assert set(store.topic_statuses(learner)) == {
            "old-vectors-topic",
            "a-topic-that-was-removed",
        }


def test_target_date_says_what_it_takes() -> None:
    early = plan_json("--background", "beginner", "--start", "2026-01-05", "--target", "2027-01-04")
    assert early["on_target"] is False and early["hours_for_target"] > 10
    assert plan_json("--target", "2029-01-01")["on_target"] is True
    bad = runner.invoke(app, ["plan", "--target", "2025-01-01"])
    assert bad.exit_code == 2 and "after the start date" in bad.output


def test_self_reported_milestones_are_recorded_as_such() -> None:
    from mlcamp.curriculum import shipped_curriculum

    milestones = shipped_curriculum().overview.milestones
    own = next(m for m in milestones if m.evidence.kind == "self-reported")
    automatic = next(m for m in milestones if m.evidence.kind == "labs-passed")
    assert runner.invoke(app, ["milestone", own.id]).exit_code == 2  # the note is required
    result = runner.invoke(app, ["milestone", own.id, "--note", "https://example.org/pr/1"])
    assert result.exit_code == 0, result.output
    progress = json.loads(runner.invoke(app, ["progress", "--json"]).output)
    status = next(m for m in progress["milestones"] if m["id"] == own.id)
    assert status["reached"] and status["evidence"] == "self-reported"
    assert runner.invoke(app, ["milestone", automatic.id, "--note", "trust me"]).exit_code == 2
    assert runner.invoke(app, ["milestone", "no-such-milestone", "--note", "x"]).exit_code == 2
    assert runner.invoke(app, ["milestone", own.id, "--remove"]).exit_code == 0
    progress = json.loads(runner.invoke(app, ["progress", "--json"]).output)
    assert not next(m for m in progress["milestones"] if m["id"] == own.id)["reached"]
