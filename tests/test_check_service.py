"""The check service: `mlcamp check` handed to a warm process, with the same result as alone.

Each test runs real processes: the command (`python -m mlcamp`), the service it starts, the
service's worker and its sandbox. The service of a test has the test's own MLCAMP_HOME, so it is
a service of its own, stopped when the test ends; no process of it may outlive the test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlcamp.check_service.location import (
    PROTOCOL,
    lock_holder,
    private_dir,
    running_service_pid,
    socket_path,
)
from mlcamp.check_service.warm import fingerprint
from mlcamp.grader import harness
from mlcamp.grader.sandbox import _children
from mlcamp.labs import get_lab
from mlcamp.store import open_store

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the check service runs on Linux"
)

LAB = "pairwise-distances"
REFERENCE = get_lab(LAB).folder / "reference.py"
WRONG = sorted((get_lab(LAB).folder / "wrong").glob("*.py"))[0]

SERVED = (
    "import sys\n"
    "from mlcamp.check_service.client import check_through_service\n"
    "outcome = check_through_service(sys.argv[1:])\n"
    "sys.exit(99 if outcome.code is None else outcome.code)\n"
)
"""A command that only offers the check to the service: exit 99 when it was not taken."""

NOT_SERVED = 99

SLOW_BODY = (
    "import time\n\n"
    "def pairwise_sq_dists(A, B):\n"
    "    time.sleep(30)\n"
    "    raise ValueError('too late')\n"
)


@pytest.fixture
def service_env(isolated_home: Path) -> Iterator[dict[str, str]]:
    """The environment of commands that use (and start) the test's own service."""
    env = {**os.environ, "MLCAMP_CHECK_SERVICE": "1", "COLUMNS": "100", "NO_COLOR": "1"}
    yield env
    _stop_service(env)


def _mlcamp(
    env: dict[str, str], *arguments: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlcamp", *arguments],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _served(
    env: dict[str, str], *arguments: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SERVED, *arguments],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _served_in_background(env: dict[str, str], *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SERVED, *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds:g} s for {what}")


def _wait_for_service(env: dict[str, str]) -> int:
    pid: int = _wait_for(lambda: running_service_pid(env), 120, "the service to listen")
    _wait_for(lambda: len(_children(pid)) == 1, 30, "the service's idle worker")
    return pid


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _submissions(service: int) -> list[int]:
    """Processes running a submission in a sandbox of the service (the sandbox names them; a
    spare child waiting for the next submission is named otherwise)."""

    def name(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            return ""

    return [pid for pid in harness._descendants(service) if name(pid) == "mlcamp-submit"]


def _slow_check_under_way(env: dict[str, str], folder: Path) -> tuple[int, subprocess.Popen[str]]:
    """Start the service, then a served check of a submission that sleeps; return the
    service's pid and the command, once the submission runs."""
    _mlcamp(env, "check", LAB, str(REFERENCE))
    service = _wait_for_service(env)
    slow = folder / "slow.py"
    slow.write_text(SLOW_BODY)
    command = _served_in_background(env, "check", LAB, str(slow))
    _wait_for(lambda: _submissions(service), 60, "the slow submission to run")
    return service, command


def _stop_service(env: dict[str, str]) -> None:
    pid = lock_holder(env)
    if pid is None:
        return
    family = [pid, *harness._descendants(pid)]
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    _wait_for(lambda: all(_gone(member) for member in family), 30, "the service to stop")


# -- the tests -------------------------------------------------------------------------------------


def test_a_check_in_the_service_gives_what_a_check_alone_gives(
    service_env: dict[str, str],
) -> None:
    alone = _mlcamp(service_env, "check", LAB, str(REFERENCE), "--json")
    assert alone.returncode == 0, alone.stderr
    service = _wait_for_service(service_env)  # the check alone started it, for the next ones

    served = _served(service_env, "check", LAB, str(REFERENCE), "--json")
    assert served.returncode == 0, served.stderr
    first, second = json.loads(alone.stdout), json.loads(served.stdout)
    for key in ("lab", "status", "score", "isolation", "error"):
        assert first[key] == second[key]
    assert [(t["name"], t["status"]) for t in first["tests"]] == [
        (t["name"], t["status"]) for t in second["tests"]
    ]
    assert second["performance"]["ratio"] is not None
    with open_store() as store:  # both recorded, as passes
        learner = store.get_or_create_learner("me")
        assert [a.status for a in store.lab_attempts(learner.id, LAB)] == ["pass", "pass"]

    # The worker that ran it is gone, the next one is waiting, nothing else runs.
    _wait_for(lambda: len(_children(service)) == 1, 30, "a new idle worker")
    assert _submissions(service) == []
    folder = private_dir()
    assert folder is not None and (os.stat(folder).st_mode & 0o777) == 0o700
    path = socket_path(service_env)
    assert path is not None and (os.stat(path).st_mode & 0o777) == 0o600


def test_the_service_works_in_the_commands_folder_and_answers_on_its_streams(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    _mlcamp(service_env, "check", LAB, str(REFERENCE))
    _wait_for_service(service_env)
    shutil.copy(REFERENCE, tmp_path / "mine.py")

    relative = _served(service_env, "check", LAB, "mine.py", cwd=tmp_path)
    assert relative.returncode == 0, relative.stderr
    assert "Passed." in relative.stdout

    _wait_for_service(service_env)
    unknown = _served(service_env, "check", "no-such-lab")
    assert unknown.returncode == 2
    assert "There is no lab 'no-such-lab'" in unknown.stderr and unknown.stdout == ""

    _wait_for_service(service_env)
    wrong = _served(service_env, "check", LAB, str(WRONG))
    assert wrong.returncode == 1
    assert "Stuck? mlcamp hint" in wrong.stdout


def test_a_busy_service_leaves_a_second_check_to_its_own_process_and_ctrl_c_reaches_the_first(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    service, first = _slow_check_under_way(service_env, tmp_path)
    try:
        started = time.monotonic()
        second = _served(service_env, "check", LAB, str(REFERENCE))
        assert second.returncode == NOT_SERVED  # busy: that command grades by itself
        assert time.monotonic() - started < 10

        first.send_signal(signal.SIGINT)  # Ctrl-C in the first command's terminal
        assert first.wait(timeout=30) == 130
    finally:
        first.kill()
        first.communicate()
    _wait_for(lambda: _submissions(service) == [], 30, "the slow submission to be killed")
    _wait_for(lambda: len(_children(service)) == 1, 30, "a new idle worker")


def test_a_command_killed_mid_check_takes_its_check_with_it(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    service, command = _slow_check_under_way(service_env, tmp_path)
    worker = _children(service)[0]
    command.kill()  # SIGKILL: it cannot tell the service anything
    command.communicate()
    _wait_for(lambda: _gone(worker), 30, "the worker to give up the check")
    _wait_for(lambda: _submissions(service) == [], 30, "the submission to be killed")
    assert _served(service_env, "check", LAB, str(REFERENCE)).returncode == 0  # still serving


def test_a_service_of_another_protocol_hands_the_check_back_and_leaves(
    service_env: dict[str, str],
) -> None:
    _mlcamp(service_env, "check", LAB, str(REFERENCE))
    service = _wait_for_service(service_env)
    family = [service, *harness._descendants(service)]
    path = socket_path(service_env)
    assert path is not None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(str(path))
        request = {"protocol": PROTOCOL + 1000, "argv": ["check", LAB], "cwd": "/", "env": {}}
        with open(os.devnull, "w") as null:
            socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [null.fileno()] * 3)
        answer = connection.makefile().readline()
    assert json.loads(answer) == {"stale": True}
    _wait_for(lambda: all(_gone(member) for member in family), 30, "the service to leave")
    assert not path.exists()


def test_an_idle_service_stops_by_itself(service_env: dict[str, str]) -> None:
    env = {**service_env, "MLCAMP_CHECK_SERVICE_IDLE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mlcamp.check_service.server"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        service = _wait_for_service(env)
        assert service == server.pid
        family = [service, *harness._descendants(service)]
        assert server.wait(timeout=60) == 0
        _wait_for(lambda: all(_gone(member) for member in family), 30, "its worker to stop")
        path = socket_path(env)
        assert path is not None and not path.exists()
    finally:
        server.kill()
        server.wait()


def test_switched_off_no_service_is_started(isolated_home: Path) -> None:
    env = {**os.environ, "MLCAMP_CHECK_SERVICE": "0"}
    assert _mlcamp(env, "check", LAB, str(REFERENCE)).returncode == 0
    assert _served(env, "check", LAB, str(REFERENCE)).returncode == NOT_SERVED
    time.sleep(1.0)
    assert lock_holder({**env, "MLCAMP_CHECK_SERVICE": "1"}) is None


def test_any_change_to_mlcamps_files_makes_a_running_service_stale() -> None:
    before = fingerprint()
    hints = get_lab(LAB).folder / "hints.md"
    info = os.stat(hints)
    try:
        os.utime(hints, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert fingerprint() != before
    finally:
        os.utime(hints, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert fingerprint() == before


def test_doctor_says_whether_the_service_runs(
    service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlcamp.check_service.status import service_check

    monkeypatch.setenv("MLCAMP_CHECK_SERVICE", "1")
    assert "not running" in service_check().found
    _mlcamp(service_env, "check", LAB, str(REFERENCE))
    pid = _wait_for_service(service_env)
    assert f"running (pid {pid})" in service_check().found
    monkeypatch.setenv("MLCAMP_CHECK_SERVICE", "0")
    assert service_check().found.startswith("off")
