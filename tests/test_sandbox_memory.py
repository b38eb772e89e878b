"""Memory in the sandbox, measured in page faults in each isolation mode.

- Large arrays freed by the learner's code are reused, not mapped afresh: glibc's default maps
  each large array on its own and unmaps it when freed, so that every copy of an argument and
  every temporary array of the code being timed pays a page fault per 4 KB (the sandbox's
  processes keep freed memory instead, see `MALLOC_ENVIRONMENT`).
- A garbage collection in a child does not copy the zygote's pages: the zygote freezes its
  objects before it forks, so that a collection does not write to (and copy) every one of them.
"""

from __future__ import annotations

import pytest
from sandboxed_code import load

from mlcamp.grader.sandbox import Limits, Sandbox, isolation

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
            faults = load(submission, SOURCE, "memory").faults_of_a_second_allocation(16)
        finally:
            submission.close()
    # 16 MB mapped afresh costs hundreds of page faults (thousands without huge pages); memory
    # used again costs next to none.
    assert faults < 200, f"{faults} page faults: freed memory was given back and mapped again"


GC_SOURCE = """
import gc, resource

def faults_of_a_collection():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    gc.collect()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_collection_in_a_child_copies_few_of_the_zygote_s_pages(mode: str) -> None:
    with Sandbox(mode) as box:  # type: ignore[arg-type]
        submission = box.submit(Limits())
        try:
            faults = load(submission, GC_SOURCE, "collect").faults_of_a_collection()
        finally:
            submission.close()
    # Unfrozen, NumPy's and Python's objects make a collection copy over a thousand pages.
    assert faults < 300, f"{faults} page faults: the collection wrote to the zygote's objects"
