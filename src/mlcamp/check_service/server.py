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
import json
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from mlcamp.check_service.location import PROTOCOL, enabled, socket_path
from mlcamp.check_service.messages import send
from mlcamp.check_service.warm import fingerprint, warm_up
from mlcamp.check_service.worker import Worker

IDLE_SECONDS = 600.0
"""The service exits after this long without a check (MLCAMP_CHECK_SERVICE_IDLE, in seconds,
sets another time)."""

REQUEST_SECONDS = 2.0
"""How long a connected command may take to send its request."""

MAX_REQUEST_BYTES = 1 << 20

MAX_IDLE_DEATHS = 3
"""The service stops when this many idle workers in a row die before getting a check."""

LOCK_WAIT_SECONDS = 3.0
"""A new service waits this long for the one it replaces to let go of the lock."""


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
    signal.signal(signal.SIGTERM, _STOP.ask)
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


class _StopRequest:
    """SIGTERM asks the service to stop: noted here (a handler that raised could strike inside
    a fork's bookkeeping, where the exception is ignored), seen by the loop within moments."""

    def __init__(self) -> None:
        self.asked = False
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_write, False)

    def ask(self, signum: int, frame: object) -> None:
        """The signal handler."""
        self.asked = True
        with contextlib.suppress(OSError):
            os.write(self.wake_write, b"!")

    def close(self) -> None:
        """Close the pipe (in a forked worker)."""
        os.close(self.wake_read)
        os.close(self.wake_write)


_STOP = _StopRequest()


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
            self.idle = Worker.fork(close=(self.listener, self.lock, _STOP))
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
        watched: list[Any] = [self.listener, _STOP.wake_read]
        if self.busy is not None:
            watched.append(self.busy.jobs)
        if _STOP.asked:
            return False
        ready, _, _ = select.select(watched, [], [], 1.0)
        if _STOP.asked:
            return False
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
            self.idle = Worker.fork(close=(self.listener, self.lock, _STOP))
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
                send(connection, {"stale": True})
                return False  # this command grades by itself and starts a fresh service
            argv = request.get("argv")
            if not isinstance(argv, list) or argv[:1] != ["check"] or self.idle is None:
                send(connection, {"busy": True})
                return True
            worker, self.idle = self.idle, None
            try:
                worker.hand_over(connection, streams, request)
            except OSError:  # it died just now: that command grades by itself
                worker.reap()
                send(connection, {"busy": True})
                return True
            self.busy = worker
            self.idle_deaths = 0
            self.last_used = time.monotonic()
            return True
        finally:
            for stream in streams:
                os.close(stream)


def _idle_seconds() -> float:
    value = os.environ.get("MLCAMP_CHECK_SERVICE_IDLE", str(IDLE_SECONDS))
    try:
        return max(0.0, float(value))
    except ValueError:
        print(  # into the service's log: nobody else would see it
            f"MLCAMP_CHECK_SERVICE_IDLE must be a number of seconds, got {value!r}: "
            f"using {IDLE_SECONDS:g}",
            file=sys.stderr,
        )
        return IDLE_SECONDS


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
