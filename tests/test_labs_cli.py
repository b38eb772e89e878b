"""`mlcamp labs / get / check / hint / solution`, with every action recorded in the store."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mlcamp.cli import app
from mlcamp.labs import get_lab
from mlcamp.store import open_store

runner = CliRunner()
LAB = "pairwise-distances"


def workspace_file(home: Path) -> Path:
    return home / "workspace" / LAB / "pairwise_distances.py"


def attempts() -> list[str]:
    with open_store() as store:
        learner = store.get_or_create_learner("me")
        return [attempt.status for attempt in store.lab_attempts(learner.id, LAB)]


def test_labs_lists_every_shipped_lab_with_status() -> None:
    result = runner.invoke(app, ["labs", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert LAB in rows and rows[LAB]["status"] == "new"
    assert rows[LAB]["part"] == "prerequisites"


def test_labs_rejects_an_unknown_part() -> None:
    result = runner.invoke(app, ["labs", "--module", "nope"])
    assert result.exit_code == 2
    assert "ml-fundamentals" in result.output or "prerequisites" in result.output


def test_get_writes_readme_and_starter_and_keeps_work(isolated_home: Path) -> None:
    result = runner.invoke(app, ["get", LAB])
    assert result.exit_code == 0, result.output
    file = workspace_file(isolated_home)
    assert file.read_text() == get_lab(LAB).starter
    assert (file.parent / "README.md").read_text() == get_lab(LAB).readme
    file.write_text("# my work\n")
    result = runner.invoke(app, ["get", LAB])
    assert "kept your work" in result.output
    assert file.read_text() == "# my work\n"


def test_get_into_another_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["get", LAB, "--dir", str(tmp_path / "here")])
    assert result.exit_code == 0
    assert (tmp_path / "here" / "pairwise_distances.py").is_file()


def test_unknown_lab_is_a_usage_error() -> None:
    for command in (["get", "kmean"], ["check", "nope"], ["hint", "nope"], ["solution", "nope"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert "mlcamp labs" in result.output


def test_check_without_get_says_what_to_do() -> None:
    result = runner.invoke(app, ["check", LAB])
    assert result.exit_code == 2
    assert f"mlcamp get {LAB}" in result.output


def test_check_grades_records_and_exits_by_status(isolated_home: Path) -> None:
    runner.invoke(app, ["get", LAB])
    result = runner.invoke(app, ["check", LAB, "--json"])
    assert result.exit_code == 1, (result.output, result.stderr)
    assert json.loads(result.output)["error"]["kind"] == "not_attempted"
    wrong = get_lab(LAB).folder / "wrong" / "no_shift.py"
    workspace_file(isolated_home).write_text(wrong.read_text())
    result = runner.invoke(app, ["check", LAB])
    assert result.exit_code == 1
    assert "far from the origin" in result.output and "tolerance" in result.output
    workspace_file(isolated_home).write_text(get_lab(LAB).reference)
    result = runner.invoke(app, ["check", LAB, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "pass" and report["performance"]["ratio"] > 0
    assert attempts() == ["error", "fail", "pass"]
    listed = {row["id"]: row for row in json.loads(runner.invoke(app, ["labs", "--json"]).output)}
    assert listed[LAB]["status"] == "passed" and listed[LAB]["best_score"] == 1.0


def test_check_a_given_file(tmp_path: Path) -> None:
    file = tmp_path / "mine.py"
    file.write_text(get_lab(LAB).reference)
    result = runner.invoke(app, ["check", LAB, str(file), "--no-speed"])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(app, ["check", LAB, str(tmp_path / "nope.py")])
    assert missing.exit_code == 2
    assert "Check the path" in missing.output and f"mlcamp check {LAB}" in missing.output
    folder = runner.invoke(app, ["check", LAB, str(tmp_path)])
    assert folder.exit_code == 2
    assert "is a directory" in folder.output  # Typer refuses it before grading starts


def test_check_still_grades_when_the_database_is_broken(
    isolated_home: Path, tmp_path: Path
) -> None:
    (isolated_home / "mlcamp.db").write_bytes(b"this is not a database" * 100)
    file = tmp_path / "mine.py"
    file.write_text(get_lab(LAB).reference)
    result = runner.invoke(app, ["check", LAB, str(file), "--no-speed"])
    assert result.exit_code == 0
    assert "not recorded" in result.output


def test_hints_are_progressive_and_recorded() -> None:
    total = len(get_lab(LAB).hints)
    seen = []
    for _ in range(total + 1):
        result = runner.invoke(app, ["hint", LAB])
        assert result.exit_code == 0, result.output
        seen.append(result.output.splitlines()[0])
    assert seen[0].startswith(f"Hint 1 of {total}")
    assert seen[1].startswith(f"Hint 2 of {total}")
    assert "seen every hint" in seen[-1]
    with open_store() as store:
        learner = store.get_or_create_learner("me")
        assert len(store.lab_events(learner.id, LAB, "hint")) == total + 1


def test_solution_opens_after_a_pass_or_when_forced(tmp_path: Path) -> None:
    locked = runner.invoke(app, ["solution", LAB])
    assert locked.exit_code == 1 and "--force" in locked.output
    forced = runner.invoke(app, ["solution", LAB, "--force"])
    assert forced.exit_code == 0 and "def pairwise_sq_dists" in forced.output
    file = tmp_path / "mine.py"
    file.write_text(get_lab(LAB).reference)
    assert runner.invoke(app, ["check", LAB, str(file), "--no-speed"]).exit_code == 0
    unlocked = runner.invoke(app, ["solution", LAB])
    assert unlocked.exit_code == 0
    with open_store() as store:
        learner = store.get_or_create_learner("me")
        events = store.lab_events(learner.id, LAB, "solution")
    assert [event.forced for event in events] == [True, False]


def _console_script(*arguments: str) -> tuple[int, str]:
    """Run `mlcamp` as the console script does (through `main`), in a new process."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from mlcamp.launch import main; main()", *arguments],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "COLUMNS": "100", "NO_COLOR": "1"},
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def test_check_run_on_its_own_takes_the_same_arguments_as_in_the_group() -> None:
    # `main` runs `mlcamp check` as an app of its own (faster to start): same parameters, same
    # help, same usage errors as the command in the full app.
    grouped = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    code, alone = _console_script("check", "--help")
    assert code == 0 and grouped.exit_code == 0
    for text in ("--json", "--speed", "--no-speed", "lab_id", "file", "exit 0 pass"):
        assert text in alone and text in grouped.output
    assert "mlcamp check [OPTIONS]" in alone
    assert _console_script("check")[0] == 2  # the lab is missing
    code, output = _console_script("check", LAB, "--fast")
    assert code == 2 and "No such option: --fast" in output
    code, output = _console_script("check", "no-such-lab")
    assert code == 2 and "no lab 'no-such-lab'" in output
