"""A small pool of warm graders for the web app: one sandbox zygote per worker, reused.

A check takes a grader from the pool (waiting if all are busy), so at most ``size`` submissions
run at once, each in its own sandbox; the pool is sized to the machine's cores (at most 2 by
default: grading is CPU-bound and the learner's machine has other work to do).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from mlcamp.grader.runner import Grader

__all__ = ["GraderPool"]


class GraderPool:
    """``size`` graders, each with its own warm sandbox, handed out one check at a time."""

    def __init__(self, size: int | None = None, *, local: bool = False) -> None:
        self.size = size or max(1, min(2, os.cpu_count() or 1))
        self.local = local
        self._idle: queue.LifoQueue[Grader] = queue.LifoQueue()
        self._created = 0
        self._lock = threading.Lock()
        self._all: list[Grader] = []

    @contextmanager
    def grader(self) -> Iterator[Grader]:
        """A grader for one check; it returns to the pool afterwards."""
        grader = self._take()
        try:
            yield grader
        finally:
            self._idle.put(grader)

    def _take(self) -> Grader:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._created < self.size:
                self._created += 1
                grader = Grader(local=self.local)
                self._all.append(grader)
                return grader
        return self._idle.get()

    def close(self) -> None:
        """Stop every sandbox."""
        with self._lock:
            for grader in self._all:
                grader.close()
            self._all.clear()
            self._created = 0
            self._idle = queue.LifoQueue()
