"""`mlcamp check` through the warm service, when there is one (standard library only).

:func:`check_through_service` hands the command to the service and relays its exit code; it
returns None, and the command runs in this process as before, whenever the service cannot take
it: none is running, it is busy with another check, its code or content changed since it
started, or anything at all goes wrong before it has begun. Once it has begun, Ctrl-C and
termination signals are passed on, and the check's own exit code is this process's.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
from collections.abc import Iterator
from types import FrameType

from mlcamp.check_service.location import PROTOCOL, enabled, socket_path
from mlcamp.check_service.messages import message_lines, send

HANDOVER_SECONDS = 5.0
"""How long the service may take to say whether it runs the check (it answers at once)."""

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class ServiceStopped(Exception):
    """The service began the check and stopped before it ended (the check may be lost)."""


class Outcome:
    """What became of a check offered to the service."""

    def __init__(self, code: int | None, start_service: bool) -> None:
        self.code = code
        """The check's exit code; None when the check must run in this process."""
        self.start_service = start_service
        """Whether a service should be started after it (none runs, or it is leaving)."""


def check_through_service(arguments: list[str]) -> Outcome:
    """Offer `mlcamp check ARGUMENTS` to the service, which runs it unless it cannot."""
    if not enabled(os.environ):
        return Outcome(None, start_service=False)
    path = socket_path(os.environ)
    if path is None:
        return Outcome(None, start_service=False)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(HANDOVER_SECONDS)
        connection.connect(str(path))
    except OSError:
        connection.close()
        return Outcome(None, start_service=True)  # none runs (or a dead one left its socket)
    try:
        request = {
            "protocol": PROTOCOL,
            "argv": arguments,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": _current_umask(),
        }
        payload = json.dumps(request).encode() + b"\n"
        sys.stdout.flush()
        sys.stderr.flush()
        sent = socket.send_fds(connection, [payload], [0, 1, 2])
        connection.sendall(payload[sent:])
        lines = message_lines(connection)
        first = json.loads(next(lines))
        if not isinstance(first, dict) or not isinstance(first.get("started"), int):
            connection.close()  # busy, or it is leaving because mlcamp changed: graded here
            return Outcome(None, start_service=bool(isinstance(first, dict) and first.get("stale")))
    except (OSError, ValueError, StopIteration):
        connection.close()
        return Outcome(None, start_service=False)
    connection.settimeout(None)
    with _signals_passed_on(connection):
        try:
            return Outcome(_exit_code(lines), start_service=False)
        except ServiceStopped:
            sys.stderr.write(
                "mlcamp: the check service stopped before the check ended. Run the check "
                "again; if this keeps happening, set MLCAMP_CHECK_SERVICE=0 to grade without it.\n"
            )
            return Outcome(1, start_service=False)
        finally:
            connection.close()


def start_service() -> None:
    """Start the service in the background (it exits at once if one is already running)."""
    if not enabled(os.environ) or socket_path(os.environ) is None:
        return
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "mlcamp.check_service.server"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _exit_code(lines: Iterator[bytes]) -> int:
    for line in lines:
        with contextlib.suppress(ValueError):
            message = json.loads(line)
            if isinstance(message, dict) and isinstance(message.get("exit"), int):
                return int(message["exit"])
    raise ServiceStopped


@contextlib.contextmanager
def _signals_passed_on(connection: socket.socket) -> Iterator[None]:
    """While the service runs the check, a signal to this process goes to the check."""

    def pass_on(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            send(connection, {"signal": signum})

    previous = {number: signal.signal(number, pass_on) for number in FORWARDED_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
