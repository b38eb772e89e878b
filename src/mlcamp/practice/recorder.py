"""Record a graded attempt from a process that opened the store while the grading ran.

Opening the store costs a cold `mlcamp check` about as much CPU as grading a whole lab
(SQLAlchemy, the models, the first queries). On a thread it would share the interpreter lock with
the grader, which then waits for the lock on every round trip to the sandbox. A forked child
opens the store on the other core instead and waits: when the report is ready the parent sends
the attempt over a pipe (JSON: the child is our own code, but nothing crosses as pickle), the
child records it and answers with the outcome. Nothing is lost: the parent waits for the answer
before it exits, and a child that fails says why. A parent that loses patience with the child
(at the lowest priority once timing begins, it may starve on a machine busy with other work)
stops it and records the attempt itself, unless the child had begun to: a stop waits for a write
under way and its answer.

Forking needs a process without other threads (a thread could hold a lock the child needs);
otherwise, and where there is no `fork`, the attempt is recorded in this process after grading.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlcamp.grader.harness import write_all
from mlcamp.practice.evidence import GradedAttempt

if TYPE_CHECKING:
    from mlcamp.grader.report import Report
    from mlcamp.labs.registry import Lab


class RecordingFailed(Exception):
    """The attempt was not recorded; `message` says why (and what to do, for store errors)."""

    def __init__(self, message: str, *, store_problem: bool) -> None:
        super().__init__(message)
        self.message = message
        self.store_problem = store_problem


class AttemptRecorder:
    """Records one graded attempt: :meth:`start` it first, :meth:`submit` and :meth:`wait` after.

    Use as a context manager: leaving without recording stops the child (nothing is written).
    The child closes every descriptor it inherits (a sandbox's pipes, say) except the standard
    streams and its own two pipes.
    """

    def __init__(self) -> None:
        self._here: GradedAttempt | None = None
        self._pid: int | None = None
        self._to_child: int | None = None
        self._from_child: int | None = None
        self.forked = False

    def __enter__(self) -> AttemptRecorder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Fork the child that opens the store (when this process can fork safely)."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            _child_main(job_read, answer_write)
        os.close(job_read)
        os.close(answer_write)
        self._pid, self._to_child, self._from_child = pid, job_write, answer_read
        self.forked = True

    def submit(self, lab: Lab, report: Report, source: str) -> None:
        """Hand the attempt over; :meth:`wait` says whether it was recorded."""
        attempt = GradedAttempt.of(lab, report, source)
        self._here = attempt  # recorded here if there is no child, or if it is too slow
        if self._pid is None:
            return
        assert self._to_child is not None
        try:
            # A child that could not open the store has answered already and stopped reading.
            with contextlib.suppress(BrokenPipeError):
                write_all(self._to_child, json.dumps(attempt.to_json()).encode())
        finally:
            os.close(self._to_child)
            self._to_child = None

    def wait(self, patience: float | None = None) -> None:
        """Wait until the submitted attempt is recorded; raise :class:`RecordingFailed` if not.

        With `patience`, a child that has not answered within that many seconds (a machine
        busy with other work leaves little to a low-priority process) is stopped and the
        attempt is recorded in this process instead, unless the child had begun recording it:
        a stop waits for a write under way and its answer, so nothing is recorded twice.
        """
        if self._pid is None:
            self._record_in_this_process()
            return
        assert self._from_child is not None
        if patience is not None and not _readable(self._from_child, patience):
            self._take_over()
            return
        try:
            answer = _read_all(self._from_child)
        except OSError as error:
            self.stop()
            raise RecordingFailed(
                f"the process recording it stopped ({error})", store_problem=False
            ) from error
        self._close_pipes()
        self._reap()  # the child has answered (or ended): it is leaving by itself
        self._here = None
        _raise_unless_recorded(answer)

    def _take_over(self) -> None:
        """Stop the slow child; record here unless its answer says it recorded (or failed)."""
        assert self._from_child is not None
        if self._to_child is not None:
            with contextlib.suppress(OSError):
                os.close(self._to_child)
            self._to_child = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            self._reap()  # a write under way ends first, with its answer
        try:
            answer = _read_all(self._from_child)
        except OSError:
            answer = b""
        self._close_pipes()
        if answer:
            self._here = None
            _raise_unless_recorded(answer)
        else:
            self._record_in_this_process()

    def _record_in_this_process(self) -> None:
        attempt, self._here = self._here, None
        if attempt is None:
            raise RecordingFailed("nothing was submitted", store_problem=False)
        _record_here(attempt)

    def quiet(self) -> None:
        """Give the child the lowest priority (call before the grader times code): it may still
        be loading the store, and a timed child sharing a core with it would be slowed down.

        Only then. At a low priority from the start (niceness 10), `mlcamp check` was 3-9%
        faster on an idle 2-core machine, but with two other busy processes the recorder got
        almost nothing and loaded the store only after the grading (3.7 s instead of 2.0 s).
        Paused instead of reniced during timing, it was robust under load (1.5-1.8 s) but 6%
        slower on an idle machine."""
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self._pid, 19)

    def record(self, lab: Lab, report: Report, source: str) -> None:
        """Submit the attempt and wait until it is recorded."""
        self.submit(lab, report, source)
        self.wait()

    def stop(self) -> None:
        """Stop the child if it is still there, without recording anything (a write to the
        store that has begun, such as creating the database, is finished first)."""
        self._close_pipes()
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            self._reap()

    def _close_pipes(self) -> None:
        for fd in (self._to_child, self._from_child):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to_child = self._from_child = None

    def _reap(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None


def _raise_unless_recorded(answer: bytes) -> None:
    """Read the child's answer: return if it recorded the attempt, raise why not otherwise."""
    try:
        outcome: dict[str, Any] = json.loads(answer)
    except ValueError:
        raise RecordingFailed(
            "the process recording it ended without an answer", store_problem=False
        ) from None
    if not outcome.get("ok"):
        raise RecordingFailed(
            str(outcome.get("error", "unknown error")),
            store_problem=bool(outcome.get("store_problem")),
        )


def _readable(fd: int, seconds: float) -> bool:
    """Whether `fd` has something to read (or is at its end) within `seconds`."""
    return bool(select.select([fd], [], [], max(0.0, seconds))[0])


def _record_here(attempt: GradedAttempt) -> None:
    from mlcamp.practice.evidence import record_graded
    from mlcamp.store import StoreError, open_store

    try:
        with open_store() as store:
            record_graded(store, attempt)
    except StoreError as error:
        raise RecordingFailed(error.message, store_problem=True) from error


def _child_main(job_fd: int, answer_fd: int) -> None:
    """Open the store, wait for the report, record it, answer; always ends with `os._exit`."""
    outcome: dict[str, Any]
    try:
        _close_inherited(keep=(job_fd, answer_fd))
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, _WRITES.stop)
        outcome = _record_from_pipe(job_fd, answer_fd)
    except BaseException:
        outcome = {"ok": False, "error": traceback.format_exc(limit=8).strip()}
    try:
        if outcome.get("ok") is False and not _WRITES.answered:  # a success is answered at once
            write_all(answer_fd, json.dumps(outcome).encode())
    finally:
        os._exit(0)


class _Writes:
    """Defers a stop (SIGTERM from the parent, Ctrl-C) while the child writes to the store.

    Creating or migrating the database on first use must not be cut in half; outside a write
    the child stops at once.
    """

    def __init__(self) -> None:
        self.active = False
        self.stop_asked = False
        self.answered = False

    def stop(self, signum: int, frame: object) -> None:
        """The signal handler."""
        if self.active:
            self.stop_asked = True
        else:
            os._exit(0)

    @contextlib.contextmanager
    def guarded(self) -> Iterator[None]:
        """Run the block to its end even if a stop arrives meanwhile; then honour it."""
        self.active = True
        try:
            yield
        finally:
            self.active = False
            if self.stop_asked:
                os._exit(0)


_WRITES = _Writes()


def _close_inherited(keep: tuple[int, ...]) -> None:
    """Close the parent's descriptors (its sandbox's pipes above all) except `keep` and 0-2."""
    try:
        inherited = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        inherited = list(range(3, 256))
    for fd in inherited:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _record_from_pipe(job_fd: int, answer_fd: int) -> dict[str, Any]:
    from mlcamp.practice.evidence import record_graded, warm_up
    from mlcamp.store import StoreError, open_store

    try:
        with _WRITES.guarded():
            store = open_store()  # creates or migrates the database when needed
        with store:
            with contextlib.suppress(Exception):  # the same calls run, and fail, when recording
                warm_up(store)
            data = _read_all(job_fd)
            if not data:  # the parent stopped before grading ended: nothing to record
                return {"ok": None}
            attempt = GradedAttempt.from_json(json.loads(data))
            with _WRITES.guarded():  # a stop now waits for the answer too: never recorded twice
                record_graded(store, attempt)
                write_all(answer_fd, json.dumps({"ok": True}).encode())
                _WRITES.answered = True
    except StoreError as error:
        return {"ok": False, "error": error.message, "store_problem": True}
    return {"ok": None}  # answered


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
