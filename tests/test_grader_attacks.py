"""Hostile submissions: each must get its verdict, leak nothing, and leave no process behind."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlcamp.grader import harness
from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.grader.sandbox import Sandbox, isolation
from mlcamp.labs import Lab, get_lab

FIXTURES = Path(__file__).parent / "fixtures" / "content"
GOOD_BODY = """
import numpy as np

def double(x):
    return 2.0 * np.asarray(x, dtype=float)

class Scaler:
    def __init__(self, factor=2.0):
        self.factor = factor
    def fit(self, X):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self
    def transform(self, X):
        return self.factor * np.asarray(X, dtype=float)
"""

RETURN = "return 2.0 * np.asarray"


def before_return(lines: str) -> str:
    """The good submission with `lines` run inside `double` before it returns."""
    return GOOD_BODY.replace(RETURN, lines + "\n    " + RETURN)


BWRAP = isolation().mode == "bwrap"
needs_bwrap = pytest.mark.skipif(not BWRAP, reason="needs the bubblewrap sandbox")


@pytest.fixture(scope="module")
def lab() -> Lab:
    return get_lab("toy-double", FIXTURES)


@pytest.fixture(scope="module", params=["bwrap", "fallback"] if BWRAP else ["fallback"])
def grader(request: pytest.FixtureRequest) -> Iterator[Grader]:
    instance = Grader(Sandbox(request.param))
    yield instance
    instance.close()
    assert not _sandbox_processes(), "a sandbox process outlived the grader"


def _sandbox_processes() -> list[int]:
    """Sandbox processes started by this test process (other programs may grade meanwhile)."""
    found = []
    for pid in harness._descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"harness.py" in command or command.startswith(b"bwrap"):
            found.append(pid)
    return found


def grade(grader: Grader, lab: Lab, code: str):  # type: ignore[no-untyped-def]
    report = grader.grade(lab, code, GradeOptions(performance=False))
    sandbox = grader.sandbox
    assert sandbox is not None
    sandbox.settle()  # what the next submission waits for: the last one's cleanup
    zygote = sandbox._zygote_pid
    if zygote is not None:  # only the spare child made for the next submission may be there
        left = [pid for pid in harness._descendants(zygote) if pid != sandbox.spare_pid]
        assert left == [], "the submission left processes behind"
    return report


def verdict(report) -> str:  # type: ignore[no-untyped-def]
    if report.error is not None:
        return str(report.error.kind)
    kinds = {test.kind for test in report.tests if test.status != "pass"}
    return ",".join(sorted(k or "fail" for k in kinds)) or "pass"


def test_the_good_submission_passes(grader: Grader, lab: Lab) -> None:
    assert verdict(grade(grader, lab, GOOD_BODY)) == "pass"


def test_infinite_loop_at_import_times_out(grader: Grader, lab: Lab) -> None:
    report = grade(grader, lab, GOOD_BODY + "\nwhile True:\n    pass\n")
    assert verdict(report) == "timeout"
    assert "1.5 s" in report.error.message


def test_infinite_loop_in_a_function_times_out_that_test(grader: Grader, lab: Lab) -> None:
    code = before_return("while True: pass")
    report = grade(grader, lab, code)
    assert report.status == "fail"
    assert [t.kind for t in report.tests][:2] == ["timeout", "timeout"]
    assert report.tests[2].status == "pass"  # a fresh process ran the class's test


def test_ignoring_sigterm_does_not_help(grader: Grader, lab: Lab) -> None:
    code = "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    assert verdict(grade(grader, lab, GOOD_BODY + code)) == "timeout"


def test_memory_bomb_is_stopped(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY + "\nblocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))\n"
    assert verdict(grade(grader, lab, code)) == "memory"


def test_fork_bomb_is_contained(grader: Grader, lab: Lab) -> None:
    if grader.sandbox is not None and grader.sandbox.mode == "fallback" and os.geteuid() != 0:
        pytest.skip("without bubblewrap or root, the process limit counts all the user's processes")
    code = (
        GOOD_BODY + "\nimport os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n"
        "        pass\n"
    )
    report = grade(grader, lab, code)
    assert verdict(report) in {"timeout", "crash", "exited"}


def test_daemon_does_not_outlive_the_check(grader: Grader, lab: Lab, tmp_path: Path) -> None:
    code = GOOD_BODY + (
        "\nimport os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(30)\n"
        "    os._exit(0)\n"
    )
    report = grade(grader, lab, code)
    assert verdict(report) == "pass"  # the daemon does not change the result, and is killed


def test_flooding_stdout_hits_the_output_limit(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY + "\nwhile True:\n    print('x' * 10000)\n"
    assert verdict(grade(grader, lab, code)) == "output_limit"


def test_prints_are_captured_and_capped(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY.replace(
        "def double(x):\n", "def double(x):\n    print('hello from double', 'y' * 2000)\n"
    )
    report = grade(grader, lab, code)
    assert report.status == "pass"
    assert report.tests[0].output.startswith("hello from double")
    assert len(report.tests[0].output) < 600


def test_os_exit_is_reported_as_exited(grader: Grader, lab: Lab) -> None:
    code = before_return("import os; os._exit(3)")
    report = grade(grader, lab, code)
    assert report.tests[0].kind == "exited"
    assert "exit code 3" in report.tests[0].message


def test_sys_exit_at_import_is_reported_as_exited(grader: Grader, lab: Lab) -> None:
    report = grade(grader, lab, GOOD_BODY + "\nimport sys\nsys.exit(0)\n")
    assert verdict(report) == "exited"


def test_dynamic_import_of_a_forbidden_module_is_caught(grader: Grader, lab: Lab) -> None:
    code = before_return("import importlib\n    importlib.import_module('sk' + 'learn')")
    report = grade(grader, lab, code)
    assert report.tests[0].kind == "forbidden_import"
    assert "sklearn" in report.tests[0].message


def test_forbidden_import_caught_even_when_the_error_is_swallowed(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY.replace(
        "return 2.0 * np.asarray",
        "try:\n        __import__('pan' + 'das')\n    except ImportError:\n        pass\n"
        "    return 2.0 * np.asarray",
    )
    report = grade(grader, lab, code)
    assert report.tests[0].kind == "forbidden_import"


def test_a_module_name_that_lies_about_itself_is_still_caught(grader: Grader, lab: Lab) -> None:
    # A str subclass whose comparisons always say "not that one", through both ways in.
    sneaky = (
        "import importlib\n\n"
        "class Sneaky(str):\n"
        "    def __eq__(self, other):\n        return False\n"
        "    __hash__ = str.__hash__\n"
        "    def startswith(self, *args):\n        return False\n"
    )
    attempts = [
        ("__import__(Sneaky('pan' + 'das'))", "pandas"),
        ("importlib.import_module(Sneaky('sk' + 'learn'))", "sklearn"),
    ]
    for attempt, module in attempts:
        code = sneaky + GOOD_BODY.replace(
            "return 2.0 * np.asarray",
            f"try:\n        {attempt}\n    except ImportError:\n        pass\n"
            "    return 2.0 * np.asarray",
        )
        report = grade(grader, lab, code)
        assert report.tests[0].kind == "forbidden_import", (attempt, report.tests[0])
        assert module in report.tests[0].message


def test_forbidden_call_through_an_alias_is_caught(grader: Grader, lab: Lab) -> None:
    code = before_return("f = getattr(np.linalg, 'lst' + 'sq')\n    f(np.eye(2), np.ones(2))")
    report = grade(grader, lab, code)
    assert report.tests[0].kind == "forbidden_import"
    assert "numpy.linalg.lstsq" in report.tests[0].message


def test_objects_that_lie_about_equality_fail(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY.replace(
        "def double(x):\n    return 2.0 * np.asarray(x, dtype=float)",
        "class Liar:\n    def __eq__(self, other):\n        return True\n"
        "    def __array__(self, *a, **k):\n        raise RuntimeError\n\n"
        "def double(x):\n    return Liar()",
    )
    report = grade(grader, lab, code)
    assert report.tests[0].status == "fail"
    assert "Liar" in report.tests[0].message


def test_an_array_subclass_cannot_fake_its_values(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY.replace(
        "def double(x):\n    return 2.0 * np.asarray(x, dtype=float)",
        "class Fake(np.ndarray):\n    def __eq__(self, other):\n        return True\n\n"
        "def double(x):\n    return np.zeros(np.shape(x)).view(Fake)",
    )
    report = grade(grader, lab, code)
    assert report.tests[0].status == "fail"
    assert "values are off" in report.tests[0].message


def test_a_pickled_payload_is_never_unpickled(grader: Grader, lab: Lab, tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    code = GOOD_BODY.replace(
        "def double(x):\n    return 2.0 * np.asarray(x, dtype=float)",
        "import os\nclass Evil:\n    def __reduce__(self):\n"
        f"        return (os.mkdir, ({str(marker)!r},))\n\n"
        "def double(x):\n    return np.array([Evil(), Evil()], dtype=object)",
    )
    report = grade(grader, lab, code)
    assert report.tests[0].kind == "bad_result"
    assert not marker.exists()


@needs_bwrap
def test_mlcamp_home_and_the_reference_are_invisible(lab: Lab, tmp_path: Path) -> None:
    home = Path(os.environ["MLCAMP_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "secret.txt").write_text("TOPSECRET")
    targets = [home / "secret.txt", lab.folder / "reference.py", lab.folder / "checks.py"]
    with Grader(Sandbox("bwrap")) as grader:
        for target in targets:
            code = GOOD_BODY + f"\nLEAK = open({str(target)!r}).read()\n"
            report = grade(grader, lab, code)
            assert verdict(report) == "crash", target
            assert "No such file" in report.error.message
            assert "TOPSECRET" not in report.model_dump_json()


@needs_bwrap
def test_the_network_is_unreachable(lab: Lab) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(5)
    port = server.getsockname()[1]
    accepted: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            accepted.append(server.accept())

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    code = GOOD_BODY + f"\nimport socket\nsocket.create_connection(('127.0.0.1', {port}), 2)\n"
    with Grader(Sandbox("bwrap")) as grader:
        report = grade(grader, lab, code)
    server.close()
    thread.join(6)
    assert verdict(report) == "crash"
    assert not accepted


@needs_bwrap
def test_writing_outside_scratch_is_refused(lab: Lab, tmp_path: Path) -> None:
    target = tmp_path / "written-by-submission"
    code = GOOD_BODY + (
        f"\nfor path in [{str(target)!r}, '/usr/pwned', '/etc/pwned']:\n"
        "    try:\n        open(path, 'w').write('x')\n    except OSError:\n        pass\n"
        "open('scratch-is-fine.txt', 'w').write('ok')\n"
    )
    with Grader(Sandbox("bwrap")) as grader:
        report = grade(grader, lab, code)
    assert verdict(report) == "pass"
    assert not target.exists()
    assert not Path("/usr/pwned").exists() and not Path("/etc/pwned").exists()


def test_a_submissions_files_are_gone_after_it(grader: Grader, lab: Lab) -> None:
    # Each submission works in a folder of its own, inside the sandbox's scratch space, which
    # the zygote clears after it. (In the fallback, these folders once went to the machine's
    # /tmp, and stayed there with whatever the code wrote.)
    code = before_return("print('cwd', os.getcwd()); open('left.txt', 'w').write('x')")
    report = grade(grader, lab, "import os\n" + code)
    assert verdict(report) == "pass", report
    folder = Path(report.tests[0].output.split()[1])
    sandbox = grader.sandbox
    assert sandbox is not None
    if sandbox.mode == "fallback":  # bubblewrap's /tmp is a tmpfs that only the sandbox sees
        assert sandbox._scratch is not None
        assert folder.parent == Path(sandbox._scratch.name)
        assert not folder.exists()
    else:
        assert folder.parent == Path("/tmp")


def test_killing_the_parent_does_not_stop_grading(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY + (
        f"\nimport os, signal\n"
        f"for pid in (os.getppid(), {os.getpid()}):\n"
        "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
    )
    report = grade(grader, lab, code)
    # Killing the zygote takes the submission's own sandbox down with it (in bubblewrap the
    # namespace ends with it): that submission is an error, never a hang or a grader crash.
    assert report.status == "pass" or verdict(report) in {"exited", "crash"}, report
    time.sleep(0.05)
    # The grader (this process) is alive and grades the next submission normally.
    assert verdict(grade(grader, lab, GOOD_BODY)) == "pass"


def test_a_segfault_is_a_crash(grader: Grader, lab: Lab) -> None:
    code = GOOD_BODY + "\nimport ctypes\nctypes.string_at(0)\n"
    report = grade(grader, lab, code)
    assert verdict(report) == "crash"
    assert "SIGSEGV" in report.error.message


def test_keyboard_interrupt_in_learner_code_is_an_error_not_a_grader_crash(
    grader: Grader, lab: Lab
) -> None:
    code = before_return("raise KeyboardInterrupt")
    report = grade(grader, lab, code)
    assert report.tests[0].status == "error"
    assert "KeyboardInterrupt" in report.tests[0].message


def test_each_submission_draws_its_own_random_numbers(grader: Grader, lab: Lab) -> None:
    # The zygote loads numpy.random once; every forked child must still start from fresh
    # entropy, as a new interpreter would, not replay the zygote's stream.
    code = GOOD_BODY.replace(
        "def double(x):\n",
        "def double(x):\n    print('draws', np.random.random())\n",
    )
    outputs = [grade(grader, lab, code).tests[0].output.split("\n")[0] for _ in range(3)]
    assert all(line.startswith("draws") for line in outputs)
    assert len(set(outputs)) == 3, outputs


def test_the_zygote_s_function_index_forbids_a_call_everywhere_it_is_bound() -> None:
    # The guard finds forbidden functions through an index the zygote builds once, and scans
    # only the modules loaded after it: both kinds of binding must refuse. (A separate
    # interpreter: the guard rebinds names in NumPy itself.)
    script = textwrap.dedent(
        """
        import sys, types
        import numpy as np
        from mlcamp.grader import harness

        import numpy.random

        harness.index_functions()
        late = types.ModuleType("late")
        late.solve = np.linalg.lstsq  # a module loaded after the index
        sys.modules["late"] = late
        forbidden = ["numpy.linalg.lstsq", "numpy.random.Generator"]  # a class: not indexed
        harness.install_guard(harness.Executor(), [], forbidden)
        for name, f, args in [
            ("np.linalg", np.linalg.lstsq, (np.eye(2), np.ones(2))),
            ("late", late.solve, (np.eye(2), np.ones(2))),
            ("_linalg", sys.modules["numpy.linalg._linalg"].lstsq, (np.eye(2), np.ones(2))),
            ("Generator", np.random.Generator, (np.random.PCG64(),)),
        ]:
            try:
                f(*args)
                print(name, "ran")
            except harness.ForbiddenError:
                print(name, "refused")
        print("solve", np.linalg.solve(np.eye(2), np.ones(2)).tolist())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:5] == [
        "np.linalg refused",
        "late refused",
        "_linalg refused",
        "Generator refused",
        "solve [1.0, 1.0]",
    ]
