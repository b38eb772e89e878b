"""The zygote's spare child: made while the grader goes on, it runs the next submission; the
grader's check that nothing survived a submission lets exactly that process through."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.grader.sandbox import Sandbox, _children, _pid_inside, _survivors, isolation
from mlcamp.labs import Lab, get_lab

FIXTURES = Path(__file__).parent / "fixtures" / "content"
MODES = ["bwrap", "fallback"] if isolation().mode == "bwrap" else ["fallback"]


@pytest.fixture(scope="module")
def lab() -> Lab:
    return get_lab("toy-double", FIXTURES)


@pytest.fixture(params=MODES)
def grader(request: pytest.FixtureRequest) -> Iterator[Grader]:
    with Grader(Sandbox(request.param)) as instance:
        yield instance


def _graded_pid(grader: Grader, lab: Lab) -> int:
    """Grade the lab's reference, made to print its process id; return that id."""
    code = "import os\n" + lab.reference.replace(
        "def double(x):\n", "def double(x):\n    print('pid', os.getpid())\n"
    )
    assert code.count("os.getpid()") == 1
    report = grader.grade(lab, code, GradeOptions(performance=False))
    assert report.status == "pass", report
    return int(report.tests[0].output.split()[1])


def test_the_next_submission_runs_in_the_spare_the_cleanup_made(grader: Grader, lab: Lab) -> None:
    sandbox = grader.sandbox
    assert sandbox is not None
    first = _graded_pid(grader, lab)
    sandbox.settle()
    spare = sandbox.spare_pid
    assert spare is not None
    starts = sandbox.starts
    deadline = time.monotonic() + 5
    while Path(f"/proc/{spare}/comm").read_text().strip() != "mlcamp-spare":
        assert time.monotonic() < deadline, "the spare never named itself"
        time.sleep(0.01)
    second = _graded_pid(grader, lab)
    assert second != first and second == _pid_inside(spare)
    assert sandbox.starts == starts  # the spare was let through, the sandbox was not restarted


TREE = """
import os, sys, time
children = int(sys.argv[1])
grandchild = sys.argv[2] == "yes"
for index in range(children):
    if os.fork() == 0:
        if grandchild and index == 0 and os.fork() == 0:
            time.sleep(60)
        time.sleep(60)
print("ready", flush=True)
time.sleep(60)
"""


def _tree(children: int, grandchild: bool) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(TREE), str(children), "yes" if grandchild else "no"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # one process group: killed together
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    time.sleep(0.1)  # the grandchild's fork
    return process


@pytest.mark.parametrize(
    ("children", "grandchild", "named", "survived"),
    [
        (0, False, False, False),  # nothing there
        (1, False, True, False),  # only the spare the zygote named
        (1, False, False, True),  # a child, but not the one named: a survivor
        (2, False, True, True),  # the spare and another process
        (1, True, True, True),  # the spare has a child: a survivor hid under it
    ],
)
def test_only_the_named_spare_with_nothing_below_it_passes(
    children: int, grandchild: bool, named: bool, survived: bool
) -> None:
    process = _tree(children, grandchild)
    try:
        found = _children(process.pid)
        spare = _pid_inside(found[0]) if named and found else None
        if named and not found:
            spare = 999_999
        assert _survivors(process.pid, spare)[0] is survived
        if named and not survived:
            assert _survivors(process.pid, spare)[1] == found[0]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
