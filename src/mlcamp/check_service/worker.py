"""The check service's workers: each boots a sandbox, then runs one command's check.

A worker is forked from the warm service, so it has everything loaded. While idle it launches
its own sandbox (it is the zygote's parent, and so enforces every limit itself), then waits for a
job: the command's connection, its three standard streams, and its request (arguments, working
folder, environment, umask). It takes all of these as its own, runs the ordinary `mlcamp check`
code, sends the exit code back and exits. Signals the command passes on arrive as messages on
its connection; a connection that closes before the check ends interrupts the check.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import struct
import sys
import threading
import traceback
from typing import Any

from mlcamp.check_service.messages import message_lines, send

MAX_JOB_BYTES = 1 << 20

PASSED_ON = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})
"""Signals a command passes on: SIGQUIT as itself, the others as Ctrl-C (the check stops and
cleans up, and ends with code 130)."""

INTERRUPT_GRACE_SECONDS = 5.0
"""A check whose command went away is interrupted (Ctrl-C), then killed after this long."""


class Worker:
    """A process forked from the service that boots a sandbox and runs one check."""

    def __init__(self, pid: int, jobs: socket.socket) -> None:
        self.pid = pid
        self.jobs = jobs

    @classmethod
    def fork(cls, close: tuple[Any, ...]) -> Worker:
        """Fork an idle worker (which first closes the service's `close`: its socket, its
        lock); it boots its sandbox and waits for :meth:`hand_over`."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                for held in close:
                    held.close()
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
    # The service ignores Ctrl-C; the sandbox must not inherit that (an ignored signal stays
    # ignored across exec), nor the check (the command passes its Ctrl-C on as SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
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
    message, fds, _, _ = socket.recv_fds(jobs, MAX_JOB_BYTES + 4, 4)
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
        send(connection, {"busy": True})  # the command grades in its own process
        return 0
    send(connection, {"started": os.getpid()})
    finished = threading.Event()
    threading.Thread(target=_follow_command, args=(connection, finished), daemon=True).start()
    code = _run_cli(argv)
    finished.set()
    with contextlib.suppress(OSError):
        sys.stdout.flush()
        sys.stderr.flush()
    with contextlib.suppress(OSError):
        send(connection, {"exit": code})
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
    for line in message_lines(connection):
        if finished.is_set():
            return
        with contextlib.suppress(ValueError, TypeError, KeyError, OSError):
            number = int(json.loads(line)["signal"])
            if number in PASSED_ON:
                os.kill(os.getpid(), signal.SIGINT if number != signal.SIGQUIT else number)
    if finished.is_set():
        return
    os.kill(os.getpid(), signal.SIGINT)  # nobody is waiting for this check any more
    if not finished.wait(INTERRUPT_GRACE_SECONDS):
        os._exit(130)
