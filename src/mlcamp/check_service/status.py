"""The check service's line in `mlcamp doctor`."""

from __future__ import annotations

import os

from mlcamp.check_service.location import SWITCH, enabled, running_service_pid, socket_path
from mlcamp.doctor.checks import CheckResult


def service_check() -> CheckResult:
    """Whether `mlcamp check` runs in the warm check service here (and how to turn it off)."""
    if not enabled(os.environ):
        return CheckResult("check service", False, "ok", f"off ({SWITCH}=0, or not Linux)")
    if socket_path(os.environ) is None:
        return CheckResult(
            "check service",
            False,
            "warning",
            "no private folder for its socket: every check starts from cold",
            "set XDG_RUNTIME_DIR to a folder only you can use",
        )
    pid = running_service_pid(os.environ)
    found = (
        f"running (pid {pid}); it stops after 10 idle minutes, or now with: kill {pid}"
        if pid
        else "not running (the next `mlcamp check` starts it)"
    )
    return CheckResult("check service", False, "ok", f"{found}; {SWITCH}=0 turns it off")
