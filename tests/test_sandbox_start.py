"""Where bubblewrap is installed the zygote's own start decides the isolation: the separate
probe runs only when that start fails, and then says whether to fall back."""

from __future__ import annotations

import pytest
from sandboxed_code import load

from mlcamp.grader import sandbox as sandbox_module
from mlcamp.grader.sandbox import Isolation, Sandbox, SandboxUnavailable


def _bwrap_that_fails(monkeypatch: pytest.MonkeyPatch, verdict: Isolation) -> list[str]:
    probes: list[str] = []

    def probe() -> Isolation:
        probes.append("probe")
        return verdict

    monkeypatch.setattr(
        sandbox_module,
        "_expected_isolation",
        lambda: (Isolation("bwrap", sandbox_module.BWRAP_WORKS), False),
    )
    monkeypatch.setattr(sandbox_module, "_bwrap_arguments", lambda: ["false"])
    monkeypatch.setattr(sandbox_module, "isolation", probe)
    return probes


def test_a_bwrap_that_cannot_start_falls_back_with_the_probe_s_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    verdict = Isolation("fallback", "bubblewrap cannot create a sandbox here (test)")
    probes = _bwrap_that_fails(monkeypatch, verdict)
    with Sandbox() as box:
        assert box.mode == "fallback" and box.isolation == verdict
        assert probes == ["probe"]
        submission = box.submit(sandbox_module.Limits())
        submission.close()


def test_a_start_failure_that_bwrap_does_not_explain_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _bwrap_that_fails(monkeypatch, Isolation("bwrap", sandbox_module.BWRAP_WORKS))
    box = Sandbox()
    with pytest.raises(SandboxUnavailable, match="did not start"):
        box.start()
    box.close()


def test_a_working_start_needs_no_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = sandbox_module.isolation()
    if expected.mode != "bwrap":
        pytest.skip(f"bubblewrap does not work here: {expected.reason}")

    def probe() -> Isolation:
        raise AssertionError("the probe ran although the sandbox started")

    monkeypatch.setattr(sandbox_module, "isolation", probe)
    monkeypatch.setattr(sandbox_module, "_expected_isolation", lambda: (expected, False))
    with Sandbox() as box:
        assert box.mode == "bwrap" and box.starts == 1


@pytest.mark.parametrize("spin", [0.0, 0.0003, 0.005])
def test_requests_are_answered_whether_or_not_either_side_polls(spin: float) -> None:
    # The zygote gets the polling time from the grader: both sides use the same.
    with Sandbox("fallback", spin_seconds=spin) as box:
        assert box.spin_seconds == spin
        submission = box.submit(sandbox_module.Limits())
        try:
            source = "import time\n\ndef later(s):\n    time.sleep(s)\n    return s\n"
            learner = load(submission, source, "later", timeout=5.0)
            # Replies that come before, during and after the polling.
            assert [learner.later(s) for s in (0.0, 0.001, 0.02)] == [0.0, 0.001, 0.02]
        finally:
            submission.close()


def test_polling_is_short_while_another_submission_runs() -> None:
    # Two sandboxes of one process (the web app's pool): the second submission to start while
    # the first runs has no spare core to poll on; once both end, polling is long again.
    limits = sandbox_module.Limits()
    with Sandbox("fallback", spin_seconds=0.002) as first, Sandbox("fallback") as second:
        alone = first.submit(limits)
        assert alone.spin_seconds == 0.002
        beside = second.submit(limits)
        assert beside.spin_seconds == min(second.spin_seconds, sandbox_module.SHORT_SPIN_SECONDS)
        beside.close()
        alone.close()
        again = second.submit(limits)
        assert again.spin_seconds == second.spin_seconds
        again.close()
