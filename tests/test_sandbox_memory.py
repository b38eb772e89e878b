"""Memory in the sandbox: large arrays freed by the learner's code are reused, not mapped afresh.

glibc's default maps each large array on its own and unmaps it when freed, so that every copy of
an argument and every temporary array of the code being timed pays a page fault per 4 KB. The
sandbox's processes keep freed memory instead (see `MALLOC_ENVIRONMENT`); this checks the effect,
in each isolation mode, by counting the page faults of a second, identical allocation.
"""

from __future__ import annotations

import pytest

from mlcamp.grader.sandbox import Limits, Sandbox, isolation
from mlcamp.grader.session import Learner, Session

MODES = ["bwrap", "fallback"] if isolation().mode == "bwrap" else ["fallback"]

SOURCE = """
import resource
import numpy as np

def faults_of_a_second_allocation(megabytes):
    size = int(megabytes * 2**20 / 8)
    first = np.ones(size)
    del first
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    second = np.ones(size)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_freed_large_array_is_reused_without_page_faults(mode: str) -> None:
    with Sandbox(mode) as box:  # type: ignore[arg-type]
        submission = box.submit(Limits(memory_bytes=512 * 2**20))
        try:
            session = Session(submission, 10.0)
            reply, _ = submission.request(
                {
                    "op": "load",
                    "source": SOURCE,
                    "filename": "memory.py",
                    "module": "memory",
                    "forbidden_imports": [],
                    "forbidden_calls": [],
                    "entry_points": ["faults_of_a_second_allocation"],
                },
                [],
                10.0,
            )
            assert reply.get("ok"), reply
            faults = Learner(session, "memory").faults_of_a_second_allocation(16)
        finally:
            submission.close()
    # 16 MB mapped afresh costs hundreds of page faults (thousands without huge pages); memory
    # used again costs next to none.
    assert faults < 200, f"{faults} page faults: freed memory was given back and mapped again"
