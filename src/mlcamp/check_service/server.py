"""The check service: `python -m mlcamp.check_service.server` (started by `mlcamp check`).

Layout, in processes:

- the **service** imports everything `mlcamp check` needs (NumPy, pydantic, SQLAlchemy and the
  store, Typer and Rich, the grader, every lab's checks), then listens on its socket;
- it forks one **idle worker** ahead of time, which boots its own sandbox (the zygote is the
  worker's child, so every limit stays with the process that grades) and waits for a job;
- a command that connects hands over its terminal (its standard streams, passed as file
  descriptors), arguments, working directory, environment and umask; the service gives them to
  the idle worker, which takes them as its own and runs the ordinary `mlcamp check` code, records
  the attempt itself, and sends back its exit code. One check at a time: a command that finds the
  service busy grades in its own process. The next idle worker is forked when a check ends.

The service exits after `IDLE_SECONDS` without a check; at once if mlcamp's code or content, or
the installed packages, changed since it started (that command is graded in its own process and
starts a fresh service); and if its socket is removed or taken over. Only its own user can
connect: the socket is in a private folder and the peer's uid is checked.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import select
import signal
import site
import socket
import struct
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from mlcamp.check_service.location import PROTOCOL, enabled, socket_path

IDLE_SECONDS = 600.0
"""The service exits after this long without a check (MLCAMP_CHECK_SERVICE_IDLE, in seconds,
sets another time)."""

REQUEST_SECONDS = 2.0
"""How long a connected command may take to send its request."""

MAX_REQUEST_BYTES = 1 << 20

PASSED_ON = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})
"""Signals a command passes on: SIGQUIT as itself, the others as Ctrl-C (the check stops and
cleans up, and ends with code 130)."""

MAX_IDLE_DEATHS = 3
"""The service stops when this many idle workers in a row die before getting a check."""

LOCK_WAIT_SECONDS = 3.0
"""A new service waits this long for the one it replaces to let go of the lock."""

INTERRUPT_GRACE_SECONDS = 5.0
"""A check whose command went away is interrupted (Ctrl-C), then killed after this long."""


def main() -> None:
    """Run the service until it is idle for too long, stale, or replaced."""
    if not enabled(os.environ):
        return
    path = socket_path(os.environ)
    if path is None:
        return
    lock = _take_lock(path.with_suffix(".lock"))
    if lock is None:
        return  # another service for this configuration is running
    os.chdir("/")  # hold no folder of the command that started it
    _log_to(path.with_suffix(".log"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_now)
    try:
        warm_up()
        Service(path, lock).run()
    except Exception:
        traceback.print_exc()  # into the log
        raise


def _take_lock(path: Path) -> Any:
    """The service's lock, holding its pid; None if another service keeps it (one that is
    leaving, replaced by this one, lets go within moments). A leaving service removes the
    file: a lock taken on a file that is no longer at `path` is let go and taken again."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        lock = open(path, "a+")  # noqa: SIM115 (held for the service's life)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
            continue
        if _identity(path) == _identity_of(lock.fileno()):
            break
        lock.close()
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def _log_to(path: Path) -> None:
    """Send this process's standard error (tracebacks) to the service's log file."""
    with contextlib.suppress(OSError):
        log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(log, 2)
        os.close(log)


def _exit_now(signum: int, frame: object) -> None:
    raise SystemExit(0)


def warm_up() -> None:
    """Import what `mlcamp check` uses and every lab's checks, then rehearse once what a check
    does around its grading, on throwaway things: a forked worker finds it all warm."""
    import mlcamp.cli
    from mlcamp.labs.registry import all_labs

    labs = all_labs()
    for lab in labs:
        with contextlib.suppress(Exception):  # a broken lab is reported by the check itself
            lab.load_checks()
    with contextlib.suppress(Exception):
        _rehearse(mlcamp.cli, labs[0])


def _rehearse(cli: Any, lab: Any) -> None:
    """Parse a check's command line (Typer builds its pydantic adapters on the first parse),
    render a report into nothing, and record it in a store in memory."""
    import io

    import typer
    from rich.console import Console

    from mlcamp.grader.render import render_report
    from mlcamp.grader.report import PerformanceResult, Report, Scaling, TestResult
    from mlcamp.practice.evidence import GradedAttempt, record_graded, warm_up
    from mlcamp.store import open_store

    command = typer.main.get_command(cli.check_app())
    command.make_context("mlcamp check", [lab.id, "rehearsal.py", "--json"])
    test = TestResult(name="rehearsal", task=1, status="pass", seconds=0.001)
    scaling = Scaling(sizes=[1, 2], seconds=[0.1, 0.2], exponent=1.0, expected=1.0)
    performance = PerformanceResult(size=2, seconds=0.2, reference_seconds=0.2, ratio=1.0)
    performance.scaling = scaling
    report = Report(lab=lab.id, status="pass", score=1.0, tests=[test], performance=performance)
    Console(file=io.StringIO(), width=100).print(render_report(report))
    report.model_dump_json(indent=2)
    with open_store("sqlite://") as store:
        warm_up(store)
        record_graded(store, GradedAttempt.of(lab, report, "rehearsal"))


def fingerprint() -> tuple[Any, ...]:
    """What must not change under a running service: every file of the mlcamp package (code and
    content) and the folders packages are installed in (an install or upgrade changes them)."""
    package = Path(__file__).resolve().parent.parent
    files: list[tuple[str, int, int]] = []
    for root, folders, names in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(names):
            with contextlib.suppress(OSError):
                info = os.stat(os.path.join(root, name))
                files.append((os.path.join(root, name), info.st_mtime_ns, info.st_size))
    installed: list[tuple[str, int]] = []
    for folder in [*site.getsitepackages(), site.getusersitepackages()]:
        with contextlib.suppress(OSError):
            installed.append((folder, os.stat(folder).st_mtime_ns))
    return tuple(files), tuple(installed)


class Service:
    """The listening socket, the idle worker, and the check under way."""

    def __init__(self, path: Path, lock: Any) -> None:
        self.path = path
        self.lock = lock
        self.fingerprint = fingerprint()
        self.listener = _listen(path)
        self.identity = _identity(path)
        self.idle: Worker | None = None
        self.busy: Worker | None = None
        self.last_used = time.monotonic()
        self.idle_seconds = _idle_seconds()
        self.idle_deaths = 0

    def run(self) -> None:
        """Serve until it is time to stop; then remove the socket if it is still ours."""
        try:
            self.idle = Worker.fork(self)
            while self._serve_once():
                pass
        finally:
            if _identity(self.path) == self.identity:
                with contextlib.suppress(OSError):
                    self.path.unlink()
            self.listener.close()
            for worker in (self.idle, self.busy):
                if worker is not None:
                    worker.stop()
            self._tidy()

    def _tidy(self) -> None:
        """Remove the lock file (still locked: see `_take_lock`) and an empty log."""
        lock_path = self.path.with_suffix(".lock")
        if _identity(lock_path) == _identity_of(self.lock.fileno()):
            with contextlib.suppress(OSError):
                lock_path.unlink()
        log = self.path.with_suffix(".log")
        with contextlib.suppress(OSError):
            if os.stat(log).st_size == 0:
                log.unlink()

    def _serve_once(self) -> bool:
        watched: list[Any] = [self.listener]
        if self.busy is not None:
            watched.append(self.busy.jobs)
        ready, _, _ = select.select(watched, [], [], 1.0)
        if self.busy is not None and self.busy.jobs in ready:
            self.busy.reap()  # the check ended (its worker closed its end and exited)
            self.busy = None
            self.last_used = time.monotonic()
        if self.idle is not None and not self.idle.alive():
            self.idle = None  # it died waiting: another is forked, up to a point
            self.idle_deaths += 1
            if self.idle_deaths >= MAX_IDLE_DEATHS:
                print("idle workers keep dying: the service stops", file=sys.stderr)
                return False
        if self.busy is None and self.idle is None:
            self.idle = Worker.fork(self)
        if self.listener not in ready:
            idle_for = time.monotonic() - self.last_used
            return idle_for < self.idle_seconds and _identity(self.path) == self.identity
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return True
        with connection:
            try:
                return self._answer(connection)
            except OSError:  # the command went away meanwhile
                return True

    def _answer(self, connection: socket.socket) -> bool:
        if _peer_uid(connection) != os.getuid():
            return True
        try:
            request, streams = _read_request(connection)
        except (OSError, ValueError):
            return True
        try:
            if request.get("protocol") != PROTOCOL or self.fingerprint != fingerprint():
                _send(connection, {"stale": True})
                return False  # this command grades by itself and starts a fresh service
            argv = request.get("argv")
            if not isinstance(argv, list) or argv[:1] != ["check"] or self.idle is None:
                _send(connection, {"busy": True})
                return True
            worker, self.idle = self.idle, None
            try:
                worker.hand_over(connection, streams, request)
            except OSError:  # it died just now: that command grades by itself
                worker.reap()
                _send(connection, {"busy": True})
                return True
            self.busy = worker
            self.idle_deaths = 0
            self.last_used = time.monotonic()
            return True
        finally:
            for stream in streams:
                os.close(stream)


class Worker:
    """A process forked from the service that boots a sandbox and runs one check."""

    def __init__(self, pid: int, jobs: socket.socket) -> None:
        self.pid = pid
        self.jobs = jobs

    @classmethod
    def fork(cls, service: Service) -> Worker:
        """Fork an idle worker; it boots its sandbox and waits for :meth:`hand_over`."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                service.listener.close()
                service.lock.close()
                _worker_main(theirs)
            finally:
                os._exit(70)
        theirs.close()
        return cls(pid, ours)

    def hand_over(
        self, connection: socket.socket, streams: list[int], request: dict[str, Any]
    ) -> None:
        """Give the worker the command's connection, streams and request."""
        payload = json.dumps(request).encode()
        header = struct.pack("!I", len(payload))
        sent = socket.send_fds(self.jobs, [header + payload], [connection.fileno(), *streams])
        self.jobs.sendall((header + payload)[sent:])

    def alive(self) -> bool:
        """Whether the worker is still there (an idle one may have failed to boot)."""
        with contextlib.suppress(ChildProcessError):
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return True
        self.jobs.close()
        return False

    def reap(self) -> None:
        """Wait for a worker that has finished its check."""
        self.jobs.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def stop(self) -> None:
        """Stop an idle worker (its sandbox dies with it) or leave a busy one to finish."""
        self.jobs.close()  # an idle worker reads the end of its jobs and exits


def _worker_main(jobs: socket.socket) -> None:
    from mlcamp.cli import check_head_start
    from mlcamp.grader.sandbox import Sandbox, SandboxUnavailable

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sandbox: Sandbox | None = Sandbox()
    try:
        assert sandbox is not None
        sandbox.launch()  # it boots while no check waits (the check waits if it must)
    except SandboxUnavailable:
        sandbox = None  # the check starts one itself and reports the problem
    try:
        job = _receive_job(jobs)
    except (OSError, ValueError):
        job = None
    if job is None:  # the service is gone or stopped this worker
        if sandbox is not None:
            sandbox.close()
        os._exit(0)
    connection, request = job
    if sandbox is not None:
        check_head_start().adopt(sandbox)
    code = _run_check(connection, request)
    os._exit(code)


def _receive_job(jobs: socket.socket) -> tuple[socket.socket, dict[str, Any]] | None:
    message, fds, _, _ = socket.recv_fds(jobs, MAX_REQUEST_BYTES + 4, 4)
    if not message:
        return None
    if len(fds) != 4:
        for fd in fds:
            os.close(fd)
        raise ValueError("a job comes with four descriptors")
    (length,) = struct.unpack("!I", message[:4])
    payload = message[4:]
    while len(payload) < length:
        chunk = jobs.recv(length - len(payload))
        if not chunk:
            raise ValueError("the job was cut short")
        payload += chunk
    connection_fd, *streams = fds
    for target, stream in enumerate(streams):
        os.dup2(stream, target)
        os.close(stream)
    return socket.socket(fileno=connection_fd), json.loads(payload)


def _run_check(connection: socket.socket, request: dict[str, Any]) -> int:
    """Become the command (directory, environment, umask), run the check, send its code."""
    try:
        os.chdir(str(request["cwd"]))
        os.umask(int(request.get("umask", 0o022)))
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})
        argv = [str(argument) for argument in request["argv"]]
    except (OSError, KeyError, TypeError, ValueError):
        _send(connection, {"busy": True})  # the command grades in its own process
        return 0
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _send(connection, {"started": os.getpid()})
    finished = threading.Event()
    threading.Thread(target=_follow_command, args=(connection, finished), daemon=True).start()
    code = _run_cli(argv)
    finished.set()
    with contextlib.suppress(OSError):
        sys.stdout.flush()
        sys.stderr.flush()
    with contextlib.suppress(OSError):
        _send(connection, {"exit": code})
    return code


def _run_cli(argv: list[str]) -> int:
    import mlcamp.cli as cli

    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(line_buffering=stream.isatty())
    cli.use_new_consoles()  # the command's terminal and settings, not the service's
    sys.argv = ["mlcamp", *argv]
    try:
        cli.main()
    except SystemExit as exit_:
        code = exit_.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _follow_command(connection: socket.socket, finished: threading.Event) -> None:
    """Pass the command's signals on to this process; interrupt the check if it goes away."""
    buffered = b""
    while not finished.is_set():
        try:
            chunk = connection.recv(4096)
        except OSError:
            chunk = b""
        if not chunk:
            break
        buffered += chunk
        while b"\n" in buffered:
            line, buffered = buffered.split(b"\n", 1)
            with contextlib.suppress(ValueError, TypeError, KeyError, OSError):
                number = int(json.loads(line)["signal"])
                if not finished.is_set() and number in PASSED_ON:
                    os.kill(os.getpid(), signal.SIGINT if number != signal.SIGQUIT else number)
    if finished.is_set():
        return
    os.kill(os.getpid(), signal.SIGINT)  # nobody is waiting for this check any more
    if not finished.wait(INTERRUPT_GRACE_SECONDS):
        os._exit(130)


def _idle_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("MLCAMP_CHECK_SERVICE_IDLE", IDLE_SECONDS)))
    except ValueError:
        return IDLE_SECONDS


def _send(connection: socket.socket, message: dict[str, Any]) -> None:
    connection.sendall(json.dumps(message).encode() + b"\n")


def _read_request(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    connection.settimeout(REQUEST_SECONDS)
    message, streams, _, _ = socket.recv_fds(connection, 65536, 3)
    if len(streams) != 3:
        for stream in streams:
            os.close(stream)
        raise ValueError("a request comes with the three standard streams")
    data = message
    try:
        while not data.endswith(b"\n"):
            if len(data) > MAX_REQUEST_BYTES:
                raise ValueError("request too large")
            chunk = connection.recv(65536)
            if not chunk:
                raise ValueError("request cut short")
            data += chunk
        request = json.loads(data)
        if not isinstance(request, dict):
            raise ValueError("a request is an object")
    except (OSError, ValueError):
        for stream in streams:
            os.close(stream)
        raise
    connection.settimeout(None)
    return request, streams


def _listen(path: Path) -> socket.socket:
    """Bind a fresh socket and put it in place atomically (replacing a dead service's)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    listener.bind(str(temporary))
    os.chmod(temporary, 0o600)
    listener.listen(16)
    os.replace(temporary, path)
    return listener


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _identity_of(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def _peer_uid(connection: socket.socket) -> int:
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
    )
    _, uid, _ = struct.unpack("3i", credentials)
    return int(uid)


if __name__ == "__main__":
    main()
