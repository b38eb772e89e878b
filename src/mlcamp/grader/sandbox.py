"""Run learner code in a sandbox: bubblewrap where it works, rlimits and a process group otherwise.

The grader starts one *zygote* per `Sandbox`: a Python process inside the sandbox that imports
NumPy once and forks a fresh child per submission (a few milliseconds instead of a cold start).
The zygote holds no secrets: it never sees the checks, the oracle or the reference.

Every limit is enforced here, in the grader process: the wall clock (SIGKILL of everything the
submission started, found by walking the process tree), the size of the output and of each
result, and, through the child's rlimits, CPU time, memory, file size and open files.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import util as importlib_util
from pathlib import Path
from typing import Any, Literal

from mlcamp.grader import harness
from mlcamp.grader.harness import (
    Blob,
    BufferWriter,
    FrameReader,
    MessageTooLarge,
    ProtocolError,
    message_buffers,
)

IsolationMode = Literal["bwrap", "fallback"]

HARNESS_FILE = Path(harness.__file__)
SANDBOX_ROOT = "/sandbox"
SANDBOX_LIB = f"{SANDBOX_ROOT}/lib"
NOBODY = 65534
WATCH_INTERVAL = 0.1
"""Seconds between checks of the number of processes a submission runs."""
_SPARE_CORE = (os.cpu_count() or 1) >= 2
SPIN_SECONDS = 0.002 if _SPARE_CORE else 0.0
"""How long the grader polls for a reply, and the sandbox for the next request, before sleeping,
when a core is spare. Checks send a request every few hundred microseconds to a few
milliseconds, and a process that went to sleep wakes up late on a virtual machine: measured on
a 2-core VM, polling 2 ms instead of 0.3 ms made a warm grading's sandbox overhead about 20%
smaller."""
SHORT_SPIN_SECONDS = 0.0003 if _SPARE_CORE else 0.0
"""The polling when no core is spare: while another submission of this process runs (the web
app grades two at once on two cores: polling 2 ms made its checks 40% slower under load), and
for `mlcamp check`, which loads the store in another process meanwhile (7-9% slower)."""


class _Running:
    """How many submissions this process runs at the moment (each on a core of its own)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self) -> int:
        """Count one more; how many ran before it."""
        with self._lock:
            self.count += 1
            return self.count - 1

    def remove(self) -> None:
        """Count one fewer."""
        with self._lock:
            self.count -= 1


_RUNNING = _Running()


@dataclass(frozen=True)
class Limits:
    """Limits for one submission."""

    seconds_per_call: float = 5.0
    seconds_total: float = 30.0
    memory_bytes: int = 1024 * 1024 * 1024
    file_bytes: int = 16 * 1024 * 1024
    output_keep_bytes: int = 8 * 1024
    output_max_bytes: int = 2 * 1024 * 1024
    result_max_bytes: int = 256 * 1024 * 1024
    processes: int = 32


class SubmissionEnded(Exception):
    """The submission's process ended or was stopped; `kind` is a report error kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class SandboxUnavailable(RuntimeError):
    """The sandbox could not be started; the message says why and what to do."""


@dataclass(frozen=True)
class Isolation:
    """Which isolation is active, and why."""

    mode: IsolationMode
    reason: str


def isolation() -> Isolation:
    """Decide the isolation mode: `MLCAMP_SANDBOX` (bwrap / fallback) or detection (cached)."""
    wanted = os.environ.get("MLCAMP_SANDBOX", "auto").strip().lower()
    if wanted == "fallback":
        return Isolation("fallback", "MLCAMP_SANDBOX=fallback asks for it")
    result = _probe_bwrap()
    if wanted == "bwrap" and result.mode != "bwrap":
        raise SandboxUnavailable(
            f"MLCAMP_SANDBOX=bwrap, but bubblewrap does not work: {result.reason}"
        )
    return result


BWRAP_WORKS = "bubblewrap sandbox works (no network, private file system)"


def _expected_isolation() -> tuple[Isolation, bool]:
    """The isolation to try first, and whether it is already known to work.

    Where bubblewrap is installed, the zygote's own start is the test: the separate probe (a
    sandboxed interpreter started only to print "ok") runs only if that start fails.
    """
    wanted = os.environ.get("MLCAMP_SANDBOX", "auto").strip().lower()
    if wanted == "fallback" or _probe_bwrap.cache_info().currsize:
        return isolation(), True
    if sys.platform.startswith("linux") and shutil.which("bwrap") is not None:
        return Isolation("bwrap", BWRAP_WORKS), False
    return isolation(), True


@lru_cache(maxsize=1)
def _probe_bwrap() -> Isolation:
    if not sys.platform.startswith("linux"):
        return Isolation("fallback", f"bubblewrap needs Linux (this is {sys.platform})")
    if shutil.which("bwrap") is None:
        return Isolation(
            "fallback",
            "bubblewrap is not installed (Debian/Ubuntu: sudo apt-get install bubblewrap)",
        )
    command = [*_bwrap_arguments(), _python_executable(), "-I", "-S", "-c", "print('ok')"]
    try:
        probe = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Isolation("fallback", f"bubblewrap failed to start: {error}")
    if probe.returncode != 0 or probe.stdout.strip() != "ok":
        detail = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return Isolation(
            "fallback",
            f"bubblewrap cannot create a sandbox here ({detail}); on Ubuntu 24.04 AppArmor "
            "blocks unprivileged user namespaces: see docs/labs.md",
        )
    return Isolation("bwrap", BWRAP_WORKS)


def _python_executable() -> str:
    """The real interpreter (not a venv's symlink), run with -I -S inside the sandbox."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(base)


def _numpy_paths() -> tuple[Path, Path | None]:
    spec = importlib_util.find_spec("numpy")
    if spec is None or not spec.submodule_search_locations:
        raise SandboxUnavailable("NumPy is not installed: pip install numpy")
    package = Path(next(iter(spec.submodule_search_locations))).resolve()
    libs = package.parent / "numpy.libs"
    return package, libs if libs.is_dir() else None


def _hidden_paths() -> list[Path]:
    """Folders that must not be visible in the sandbox even when inside a bound tree."""
    from mlcamp.paths import mlcamp_home

    paths = set(sysconfig.get_paths().get(key, "") for key in ("purelib", "platlib"))
    try:
        import site

        paths.update(site.getsitepackages())
        paths.add(site.getusersitepackages())
    except AttributeError:
        pass
    paths.add(str(Path(harness.__file__).resolve().parents[1]))  # the mlcamp package itself
    paths.add(str(mlcamp_home()))
    paths.add(str(Path.home()))
    return sorted({Path(p).resolve() for p in paths if p})


MALLOC_ENVIRONMENT = {
    # Arrays up to 32 MB come from the heap, and freed memory stays there to be used again:
    # glibc otherwise maps each large array afresh and unmaps it when freed, so that every copy
    # of an argument, and every temporary array of the code being timed, pays a page fault per
    # 4 KB (milliseconds per megabyte on a virtual machine), and the same code's time varies
    # with where its arrays happened to land.
    "MALLOC_MMAP_THRESHOLD_": str(32 * 1024 * 1024),
    "MALLOC_TRIM_THRESHOLD_": str(256 * 1024 * 1024),
}


def _bwrap_arguments() -> list[str]:
    """The bubblewrap command line: an empty root with the system and Python read-only."""
    arguments = [
        "bwrap",
        "--unshare-all",
        "--unshare-user",
        "--uid",
        str(NOBODY),
        "--gid",
        str(NOBODY),
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        "--setenv",
        "OMP_NUM_THREADS",
        "1",
        "--setenv",
        "MKL_NUM_THREADS",
        "1",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "PYTHONHASHSEED",
        "0",
    ]
    for name, value in MALLOC_ENVIRONMENT.items():
        arguments += ["--setenv", name, value]
    arguments += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            arguments += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            arguments += ["--ro-bind", top, top]
    for item in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"):
        arguments += ["--ro-bind-try", item, item]
    arguments += ["--proc", "/proc", "--dev", "/dev", "--size", str(256 * 1024 * 1024)]
    arguments += ["--tmpfs", "/tmp"]
    prefix = Path(sys.base_prefix).resolve()
    bound = [Path("/usr")]
    if not str(prefix).startswith("/usr/"):
        arguments += ["--ro-bind", str(prefix), str(prefix)]
        bound.append(prefix)
    interpreter = Path(_python_executable())
    if not any(interpreter.is_relative_to(tree) for tree in bound):
        arguments += ["--ro-bind", str(interpreter), str(interpreter)]
    for hidden in _hidden_paths():
        if hidden.is_dir() and any(hidden.is_relative_to(tree) for tree in bound):
            arguments += ["--tmpfs", str(hidden)]
    numpy_package, numpy_libs = _numpy_paths()
    arguments += ["--ro-bind", str(numpy_package), f"{SANDBOX_LIB}/numpy"]
    if numpy_libs is not None:
        arguments += ["--ro-bind", str(numpy_libs), f"{SANDBOX_LIB}/numpy.libs"]
    arguments += ["--ro-bind", str(HARNESS_FILE), f"{SANDBOX_ROOT}/harness.py", "--chdir", "/tmp"]
    if os.geteuid() == 0:
        arguments += ["--cap-drop", "ALL"]
    return arguments


def _fallback_environment() -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "LANG": "C.UTF-8",
        **MALLOC_ENVIRONMENT,
    }


@dataclass
class Output:
    """What the learner's code printed: the first bytes kept, the total counted."""

    keep: int
    data: bytearray = field(default_factory=bytearray)
    total: int = 0

    def add(self, chunk: bytes) -> None:
        """Count a chunk and keep what fits."""
        self.total += len(chunk)
        room = self.keep - len(self.data)
        if room > 0:
            self.data += chunk[:room]

    def take(self) -> str:
        """The kept text since the last take (marked when some was dropped)."""
        text = self.data.decode("utf-8", errors="replace")
        self.data.clear()
        return text


class Sandbox:
    """A zygote in the sandbox; forks one `Submission` at a time."""

    def __init__(
        self, mode: IsolationMode | None = None, *, spin_seconds: float | None = None
    ) -> None:
        self.spin_seconds = SPIN_SECONDS if spin_seconds is None else max(0.0, spin_seconds)
        """How long both sides poll before sleeping (see `SPIN_SECONDS`)."""
        if mode is None:
            self.isolation, self._isolation_known = _expected_isolation()
        else:
            self.isolation, self._isolation_known = Isolation(mode, "chosen by the caller"), True
        self.mode: IsolationMode = self.isolation.mode
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._zygote_pid: int | None = None
        self._init_pid: int | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._cleanup_pending = False
        self.starts = 0
        self.spare_pid: int | None = None
        """The child the zygote made ahead for the next submission (as its last cleanup said)."""

    # lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the zygote (if it is not running) and wait until it has NumPy loaded."""
        if (
            self._zygote_pid is not None
            and self._process is not None
            and self._process.poll() is None
        ):
            return
        if self._process is None or self._process.poll() is not None:
            self.launch()
        try:
            self._wait_ready()
        except SandboxUnavailable:
            if self._isolation_known:
                raise
            # bubblewrap did not start: the probe says why, and whether to fall back.
            self._isolation_known = True
            found = isolation()
            if found.mode == self.mode:
                raise
            self.isolation, self.mode = found, found.mode
            self.launch()
            self._wait_ready()
        self._isolation_known = True

    def launch(self) -> None:
        """Start the zygote process without waiting for it (it boots while the caller works)."""
        if self._process is not None and self._process.poll() is None:
            return
        self._stop_process()
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config: dict[str, Any]
        if self.mode == "bwrap":
            config = {
                "sys_path": [SANDBOX_LIB],
                "scratch": "/tmp",
                "spin_seconds": self.spin_seconds,
            }
            command = [*_bwrap_arguments(), _python_executable(), "-I", "-S"]
            command += [f"{SANDBOX_ROOT}/harness.py", str(child_end.fileno()), json.dumps(config)]
            environment: dict[str, str] | None = None
        else:
            self._scratch = tempfile.TemporaryDirectory(prefix="mlcamp-sandbox-")
            if os.geteuid() == 0:
                os.chmod(self._scratch.name, 0o1777)
            numpy_package, _ = _numpy_paths()
            config = {
                "sys_path": [str(numpy_package.parent)],
                "scratch": self._scratch.name,
                "spin_seconds": self.spin_seconds,
            }
            command = [_python_executable(), "-I", "-S", str(HARNESS_FILE)]
            command += [str(child_end.fileno()), json.dumps(config)]
            environment = _fallback_environment()
        try:
            self._process = subprocess.Popen(
                command,
                pass_fds=(child_end.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=environment,
                cwd=self._scratch.name if self._scratch else None,
                start_new_session=True,
            )
        except OSError as error:
            parent_end.close()
            raise SandboxUnavailable(f"cannot start the grading sandbox: {error}") from error
        finally:
            child_end.close()
        self._control = parent_end

    def _wait_ready(self) -> None:
        control = self._control
        assert control is not None
        control.settimeout(30)
        try:
            ready = json.loads(control.recv(4096) or b"{}")
        except (OSError, ValueError) as error:
            ready = {"error": str(error)}
        if not ready.get("ready"):
            detail = self._stderr_tail()
            self._stop_process()
            raise SandboxUnavailable(f"the grading sandbox did not start: {detail or ready}")
        self._zygote_pid = self._find_zygote_pid()
        self.starts += 1

    def _stderr_tail(self) -> str:
        process = self._process
        if process is None or process.stderr is None:
            return ""
        try:
            process.kill()
            return process.stderr.read().decode(errors="replace").strip()[-2000:]
        except OSError:
            return ""

    def _find_zygote_pid(self) -> int:
        assert self._process is not None
        if self.mode == "fallback":
            return self._process.pid
        # bwrap -> its namespace's init -> the zygote.
        for _ in range(100):
            chain = [self._process.pid]
            for _depth in range(2):
                children = _children(chain[-1])
                if len(children) != 1:
                    break
                chain.append(children[0])
            if len(chain) == 3:
                self._init_pid = chain[1]
                return chain[-1]
            time.sleep(0.002)
        return self._process.pid

    def close(self) -> None:
        """Stop the zygote and everything in the sandbox."""
        self._stop_process()

    def _stop_process(self) -> None:
        if self._init_pid is not None:
            # Killing a PID namespace's init makes the kernel kill every process in it at once:
            # nothing the submission started can outrun this (fork bombs included).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self._init_pid, signal.SIGKILL)
        elif self._zygote_pid is not None:
            harness.kill_descendants(self._zygote_pid)
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            self._process.wait()
            if self._process.stderr is not None:
                self._process.stderr.close()
        if self._control is not None:
            self._control.close()
        if self._scratch is not None:
            self._scratch.cleanup()
        self._process = None
        self._control = None
        self._zygote_pid = None
        self._init_pid = None
        self._scratch = None
        self._cleanup_pending = False

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # submissions -------------------------------------------------------------------------------

    def submit(self, limits: Limits) -> Submission:
        """Fork a fresh child for one submission (restarting the zygote if it died)."""
        for attempt in range(2):
            self.settle()
            self.start()
            try:
                return self._fork(limits)
            except (OSError, ValueError) as error:
                self._stop_process()
                if attempt == 1:
                    raise SandboxUnavailable(f"the grading sandbox failed: {error}") from error
        raise AssertionError("unreachable")

    def _fork(self, limits: Limits) -> Submission:
        assert self._control is not None
        self.settle()
        if self._control is None:  # the last cleanup failed: the sandbox was stopped
            raise OSError("the sandbox stopped after the last submission")
        request_r, request_w = os.pipe()
        response_r, response_w = os.pipe()
        output_r, output_w = os.pipe()
        # Polling for long only while this is the one submission running: with another one,
        # the core it would poll on is not spare.
        spin = min(self.spin_seconds, SHORT_SPIN_SECONDS) if _RUNNING.count else self.spin_seconds
        config = {
            "op": "fork",
            "spin_seconds": spin,
            "memory_bytes": limits.memory_bytes,
            "cpu_seconds": limits.seconds_total + 1,
            "file_bytes": limits.file_bytes,
            "processes": limits.processes,
            "drop_uid": NOBODY if self.mode == "fallback" and os.geteuid() == 0 else None,
        }
        try:
            socket.send_fds(
                self._control, [json.dumps(config).encode()], [request_r, response_w, output_w]
            )
            reply = json.loads(self._control.recv(4096) or b"{}")
        finally:
            for fd in (request_r, response_w, output_w):
                os.close(fd)
        if "pid" not in reply:
            for fd in (request_w, response_r, output_r):
                os.close(fd)
            raise ValueError(f"zygote refused to fork: {reply}")
        return Submission(self, request_w, response_r, output_r, limits, spin)

    def too_many_processes(self, limit: int) -> bool:
        """Whether the sandbox holds more than `limit` processes besides the zygote."""
        if self._zygote_pid is None:
            return False
        return harness.count_descendants(self._zygote_pid, limit) > limit

    def finish(self, submission: Submission, *, kill: bool, wait: bool = True) -> int | None:
        """End a submission: close its pipes, kill whatever it left running, clear scratch.

        Returns the child's wait status when the zygote could report it. With `wait=False`
        (a submission that ended normally), the zygote cleans up while the caller goes on: the
        next submission, or :meth:`settle`, waits for the zygote's answer and checks that
        nothing survived before anything else runs in the sandbox.
        """
        submission.close_pipes()
        self.settle()
        if kill and self._init_pid is not None:
            self._stop_process()  # the whole namespace goes; the next submission restarts it
            return None
        if kill and self._zygote_pid is not None:
            harness.kill_descendants(self._zygote_pid)
        control = self._control
        if control is None:
            return None
        try:
            control.settimeout(2)
            control.send(json.dumps({"op": "cleanup"}).encode())
        except OSError:
            self._stop_process()
            return None
        self._cleanup_pending = True
        return self.settle() if wait else None

    def settle(self) -> int | None:
        """Wait for the zygote's answer to the last cleanup, if it is still to come, and restart
        the sandbox if anything of the last submission survived it; the child's wait status."""
        if not self._cleanup_pending:
            return None
        self._cleanup_pending = False
        control = self._control
        if control is None:
            return None
        try:
            control.settimeout(2)
            reply = json.loads(control.recv(4096) or b"{}")
        except (OSError, ValueError):
            self._stop_process()
            return None
        status = reply.get("status")
        spare = reply.get("spare")
        self.spare_pid = None
        # The zygote is a subreaper: whatever survived its cleanup is still in its tree, which
        # its `children` files list without reading every process of the machine (1.5 ms with
        # 70 processes, several times that on a desktop). The one process allowed there is the
        # spare child the zygote made after its cleanup (and says it made), with nothing below.
        if self._zygote_pid is not None:
            survived, self.spare_pid = _survivors(
                self._zygote_pid, spare if type(spare) is int else None
            )
            if survived:
                # Something survived the zygote's cleanup: trust nothing, restart the sandbox.
                self._stop_process()
        return status if isinstance(status, int) else None


PIPE_BYTES = 1024 * 1024


def _enlarge_pipe(fd: int) -> None:
    """Ask for a 1 MB pipe buffer: large arrays then cross in a few writes, not hundreds."""
    with contextlib.suppress(OSError, AttributeError):
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)


def _survivors(zygote: int, spare: int | None) -> tuple[bool, int | None]:
    """Whether the zygote's tree holds anything but its spare child (`spare` is the pid the
    zygote gave it, in the sandbox's PID namespace), and the spare's pid here."""
    try:
        tasks = os.listdir(f"/proc/{zygote}/task")
    except OSError:
        return False, None  # the zygote is gone: the next submission restarts the sandbox
    children: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{zygote}/task/{task}/children") as file:
                children += [int(child) for child in file.read().split()]
        except (OSError, ValueError):
            return True, None  # unreadable: assume the worst
    if not children:
        return False, None
    if spare is None or len(children) != 1 or _pid_inside(children[0]) != spare:
        return True, None
    return harness.count_descendants(children[0], 0) > 0, children[0]


def _pid_inside(pid: int) -> int | None:
    """The pid that process `pid` has in its own (innermost) PID namespace."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(p) for p in file.read().split()]
    except OSError:
        return [child for child in harness._descendants(pid) if _parent(child) == pid]


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


class Submission:
    """The pipes to one forked child: send requests, read replies and output, within limits."""

    def __init__(
        self,
        sandbox: Sandbox,
        request_w: int,
        response_r: int,
        output_r: int,
        limits: Limits,
        spin_seconds: float = 0.0,
    ) -> None:
        self.sandbox = sandbox
        self.limits = limits
        self.spin_seconds = spin_seconds
        """How long to poll for a reply before sleeping (the child polls as long for requests)."""
        _RUNNING.add()
        self._running = True
        self.request_w = request_w
        self.response_r = response_r
        self.output_r = output_r
        self.output = Output(limits.output_keep_bytes)
        self.started = time.monotonic()
        self.ended: SubmissionEnded | None = None
        self._reader = FrameReader(limits.result_max_bytes)
        self._last_watch = 0.0
        for fd in (request_w, response_r, output_r):
            os.set_blocking(fd, False)
            _enlarge_pipe(fd)
        # One selector for the submission's life (a call is a few hundred microseconds: making
        # one per request would be a noticeable part of it).
        self._selector = selectors.DefaultSelector()
        self._selector.register(response_r, selectors.EVENT_READ, "response")
        self._selector.register(output_r, selectors.EVENT_READ, "output")
        self._output_poll = select.poll()
        self._output_poll.register(output_r, select.POLLIN)

    def request(
        self, header: dict[str, Any], blobs: list[Blob], timeout: float
    ) -> tuple[dict[str, Any], list[Blob]]:
        """Send a request and wait for its reply, enforcing time, output and size limits."""
        if self.ended is not None:
            raise self.ended
        pending = BufferWriter(message_buffers(header, blobs))
        total_deadline = self.started + self.limits.seconds_total
        deadline = min(time.monotonic() + timeout, total_deadline)
        selector = self._selector
        writing = False
        try:
            try:  # most requests fit in the pipe at once: no need to wait to write them
                pending.write_to(self.request_w)
            except BlockingIOError:
                pass
            except BrokenPipeError:
                pending = BufferWriter([])  # the child is gone: reading says how it ended
            if not pending.done:
                selector.register(self.request_w, selectors.EVENT_WRITE, "request")
                writing = True
            else:
                self._spin_for_response()
            while True:
                message = self._take()
                if message is not None:
                    self._drain_output()
                    return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    limit = timeout if deadline < total_deadline else self.limits.seconds_total
                    raise self._end(
                        "timeout",
                        f"stopped after {limit:g} s: look for a loop that never ends, or an "
                        "algorithm much slower than it needs to be",
                    )
                if self._watch_due() and self.sandbox.too_many_processes(self.limits.processes):
                    raise self._end(
                        "crash",
                        f"the code started more than {self.limits.processes} processes (a fork "
                        "bomb?): labs need no processes of their own",
                    )
                for key, _ in selector.select(min(remaining, WATCH_INTERVAL)):
                    if key.data == "request":
                        try:
                            pending.write_to(self.request_w)
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            selector.unregister(self.request_w)
                            writing = False
                            continue
                        if pending.done:
                            selector.unregister(self.request_w)
                            writing = False
                    elif key.data == "output":
                        if not self._read_output():
                            selector.unregister(self.output_r)
                    elif self._read_response() is False:
                        self._drain_output()
                        raise self._end_from_exit()
        finally:
            if writing and self.request_w is not None:
                with contextlib.suppress(KeyError, ValueError, OSError):
                    selector.unregister(self.request_w)

    def _spin_for_response(self) -> None:
        """Poll for the reply for a moment before sleeping: most replies come within
        microseconds, and a sleeping process wakes up late (a tenth of a millisecond or more on
        a virtual machine), which would make every small call pay that delay."""
        spin = self.spin_seconds
        if spin <= 0:
            return
        end = time.perf_counter() + spin
        while time.perf_counter() < end:
            if self._read_response() is not None:
                return  # part of the reply came (or the child ended: the select loop says how)

    def _watch_due(self) -> bool:
        now = time.monotonic()
        if now - self._last_watch < WATCH_INTERVAL:
            return False
        self._last_watch = now
        return True

    def _take(self) -> tuple[dict[str, Any], list[Blob]] | None:
        try:
            return self._reader.take()
        except MessageTooLarge as error:
            raise self._too_large() from error
        except ProtocolError as error:
            raise self._end("bad_result", f"the result could not be read: {error}") from error

    def _read_response(self) -> bool | None:
        """Read what the child sent: True (some bytes), None (nothing yet), False (it ended)."""
        try:
            if not self._reader.read_from(self.response_r):
                return False
        except BlockingIOError:
            return None
        except ProtocolError as error:
            raise self._too_large() from error
        return True

    def _too_large(self) -> SubmissionEnded:
        return self._end(
            "bad_result",
            f"the result is too large (over {self.limits.result_max_bytes // 2**20} MB)",
        )

    def _read_output(self) -> bool:
        try:
            chunk = os.read(self.output_r, 1 << 16)
        except BlockingIOError:
            return True
        except OSError as error:
            if error.errno == errno.EBADF:
                return False
            raise
        if not chunk:
            return False
        self.output.add(chunk)
        if self.output.total > self.limits.output_max_bytes:
            raise self._end(
                "output_limit",
                f"the code printed more than {self.limits.output_max_bytes // 1024} KB: remove "
                "prints inside loops",
            )
        return True

    def _drain_output(self) -> None:
        for _ in range(64):
            try:
                if not self._read_output():
                    return
                chunk_available = self._poll_output()
            except SubmissionEnded:
                raise
            if not chunk_available:
                return

    def _poll_output(self) -> bool:
        if self.output_r is None:
            return False
        try:
            return bool(self._output_poll.poll(0))
        except (ValueError, OSError):
            return False

    def take_output(self) -> str:
        """What was printed since the last call (capped)."""
        return self.output.take()

    def _end(self, kind: str, message: str) -> SubmissionEnded:
        self.ended = SubmissionEnded(kind, message)
        self.sandbox.finish(self, kill=True)
        return self.ended

    def _end_from_exit(self) -> SubmissionEnded:
        # The child is gone already: the zygote reaps it (its status tells why) and clears up.
        status = self.sandbox.finish(self, kill=False)
        kind, message = describe_exit(status, self.limits)
        self.ended = SubmissionEnded(kind, message)
        return self.ended

    def close_pipes(self) -> None:
        """Close the grader's ends of the pipes (the child sees end of file and exits)."""
        if self._running:
            self._running = False
            _RUNNING.remove()
        self._selector.close()
        for name in ("request_w", "response_r", "output_r"):
            fd = getattr(self, name)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, None)

    def close(self) -> None:
        """Finish normally: the child stops, anything it started is killed."""
        if self.request_w is None and self.response_r is None:
            return
        if self.ended is None:
            self.sandbox.finish(self, kill=False, wait=False)


def describe_exit(status: int | None, limits: Limits) -> tuple[str, str]:
    """Name what ended a child from its wait status."""
    if status is None:
        return "exited", "the code ended the process before answering (os._exit or a crash)"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return "timeout", f"used more than {limits.seconds_total:g} s of CPU time"
        if number == signal.SIGXFSZ:
            return "output_limit", "wrote a file larger than the limit"
        if number == signal.SIGKILL:
            return "memory", (
                "the process was killed (most often for using too much memory, "
                f"limit {limits.memory_bytes // 2**20} MB)"
            )
        name = (
            signal.Signals(number).name if number in signal.Signals._value2member_map_ else number
        )
        return "crash", f"the process crashed with signal {name}"
    code = os.WEXITSTATUS(status)
    return "exited", f"the code ended the process early (exit code {code}) before answering"
