"""Run a small piece of code in a sandbox submission, for tests of the sandbox itself."""

from __future__ import annotations

from mlcamp.grader.sandbox import Submission
from mlcamp.grader.session import Learner, Session


def load(submission: Submission, source: str, module: str, timeout: float = 10.0) -> Learner:
    """Load `source` as the module `module` (no forbidden imports or calls): its proxy."""
    reply, _ = submission.request(
        {
            "op": "load",
            "source": source,
            "filename": f"{module}.py",
            "module": module,
            "forbidden_imports": [],
            "forbidden_calls": [],
            "entry_points": [],
        },
        [],
        timeout,
    )
    assert reply.get("ok"), reply
    return Learner(Session(submission, timeout), module)
