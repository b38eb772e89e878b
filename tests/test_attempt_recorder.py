"""`mlcamp check` records its attempt from a forked process that opened the store meanwhile:
nothing is lost, failures say why, and nothing is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlcamp.grader.report import Report
from mlcamp.labs import get_lab
from mlcamp.practice.evidence import GradedAttempt
from mlcamp.practice.recorder import AttemptRecorder, RecordingFailed, _Writes
from mlcamp.store import open_store

LAB = "pairwise-distances"


def _attempts() -> list[tuple[str, float]]:
    with open_store() as store:
        learner = store.get_or_create_learner("me").id
        return [(a.status, a.score) for a in store.lab_attempts(learner, LAB)]


def _started() -> tuple[AttemptRecorder, int]:
    """A recorder whose child was forked, and the child's pid."""
    recorder = AttemptRecorder()
    recorder.start()
    assert recorder._pid is not None
    return recorder, recorder._pid


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_forked_recorder_records_the_attempt(isolated_home: Path) -> None:
    recorder = AttemptRecorder()
    recorder.start()
    assert recorder.forked
    pid = recorder._pid
    assert pid is not None
    recorder.submit(get_lab(LAB), Report(lab=LAB, status="fail", score=0.25), "x = 1\n")
    recorder.wait()
    assert _attempts() == [("fail", 0.25)]
    assert _gone(pid)


def test_stopping_before_submitting_records_nothing_and_leaves_nothing(
    isolated_home: Path,
) -> None:
    with AttemptRecorder() as recorder:
        pid = recorder._pid
        assert pid is not None
    assert _gone(pid)
    assert _attempts() == []


def test_a_broken_database_is_reported_with_the_store_message(isolated_home: Path) -> None:
    (isolated_home / "mlcamp.db").write_bytes(b"not a database at all" * 200)
    recorder = AttemptRecorder()
    recorder.start()
    recorder.submit(get_lab(LAB), Report(lab=LAB, status="pass", score=1.0), "x = 1\n")
    with pytest.raises(RecordingFailed) as failure:
        recorder.wait()
    assert failure.value.store_problem
    assert "mlcamp.db" in failure.value.message or "database" in failure.value.message


def test_with_other_threads_running_it_records_in_this_process(isolated_home: Path) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        recorder = AttemptRecorder()
        recorder.start()
        assert not recorder.forked  # forking next to another thread is not safe
        recorder.record(get_lab(LAB), Report(lab=LAB, status="pass", score=1.0), "x = 1\n")
    finally:
        release.set()
        other.join()
    assert _attempts() == [("pass", 1.0)]


def test_a_stop_during_a_write_waits_for_the_write_to_end(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            writes = _Writes()
            signal.signal(signal.SIGTERM, writes.stop)
            with writes.guarded():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                marker.write_text("the write ended")
            marker.write_text("went on after the stop")
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert marker.read_text() == "the write ended"


@given(
    status=st.sampled_from(["pass", "fail", "error"]),
    score=st.floats(0, 1),
    topics=st.lists(st.text(min_size=1, max_size=20), max_size=4),
    report=st.text(max_size=200),
)
def test_a_graded_attempt_crosses_the_pipe_unchanged(
    status: str, score: float, topics: list[str], report: str
) -> None:
    import json

    attempt = GradedAttempt(LAB, tuple(topics), status, score, status == "pass", report, "a" * 64)
    assert GradedAttempt.from_json(json.loads(json.dumps(attempt.to_json()))) == attempt


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environment = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environment:
            found.append(int(entry))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_command_records_and_leaves_no_process_behind(
    isolated_home: Path, tmp_path: Path
) -> None:
    marker = f"mlcamp-test-{uuid.uuid4().hex}"
    environment = {**os.environ, "MLCAMP_TEST_MARKER": marker}
    file = tmp_path / "mine.py"
    file.write_text(get_lab(LAB).reference)
    command = [sys.executable, "-m", "mlcamp", "check"]
    passed = subprocess.run(
        [*command, LAB, str(file), "--no-speed"], env=environment, capture_output=True, text=True
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "not recorded" not in passed.stderr
    assert _attempts() == [("pass", 1.0)]
    for wrong in ([*command, "no-such-lab"], [*command, LAB, str(tmp_path / "none.py")]):
        # Output to a file, not a pipe: `run` returns when the command ends, not when the
        # last process holding its output does.
        with (tmp_path / "output").open("w") as output:
            result = subprocess.run(wrong, env=environment, stdout=output, stderr=output)
        assert result.returncode == 2, (tmp_path / "output").read_text()
        assert _processes_with(marker) == []
    assert _attempts() == [("pass", 1.0)]


def test_before_timing_the_recorder_gets_the_lowest_priority(isolated_home: Path) -> None:
    with AttemptRecorder() as recorder:
        pid = recorder._pid
        assert pid is not None
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0)
        recorder.quiet()
        assert os.getpriority(os.PRIO_PROCESS, pid) == 19


def test_a_recorder_too_slow_to_start_is_replaced_by_this_process(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine busy with other work leaves the low-priority child nothing: after `patience`
    # the parent stops it (it had not begun to record) and records the attempt itself, once.
    from mlcamp.practice import recorder as recorder_module

    def starved(job_fd: int, answer_fd: int) -> dict[str, object]:
        time.sleep(60)
        return {"ok": None}

    monkeypatch.setattr(recorder_module, "_record_from_pipe", starved)
    recorder, pid = _started()
    recorder.submit(get_lab(LAB), Report(lab=LAB, status="fail", score=0.5), "x = 1\n")
    began = time.monotonic()
    recorder.wait(patience=0.3)
    assert time.monotonic() - began < 10
    assert _gone(pid)
    assert _attempts() == [("fail", 0.5)]


def test_a_recorder_stopped_while_it_records_finishes_and_nothing_is_recorded_twice(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlcamp.practice import evidence

    original = evidence.record_graded
    writing = isolated_home / "writing"

    def slow(store, attempt):  # type: ignore[no-untyped-def]
        recorded = original(store, attempt)
        writing.write_text(str(os.getpid()))
        time.sleep(1.0)  # the stop arrives now, in the middle of the write
        return recorded

    monkeypatch.setattr(evidence, "record_graded", slow)
    recorder, pid = _started()
    recorder.submit(get_lab(LAB), Report(lab=LAB, status="pass", score=1.0), "x = 2\n")
    deadline = time.monotonic() + 30
    while not writing.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writing.read_text() == str(pid)  # the child is writing
    recorder.wait(patience=0.01)  # too little: the parent stops it
    assert _gone(pid)
    assert writing.read_text() == str(pid)  # the parent did not record it again
    assert _attempts() == [("pass", 1.0)]
