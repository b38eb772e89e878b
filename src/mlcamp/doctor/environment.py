"""mlcamp's own checks for `mlcamp doctor`: its content, its home folder and its database."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

from mlcamp.curriculum import check_content
from mlcamp.doctor.checks import CheckResult
from mlcamp.paths import database_url, mlcamp_home


def check_content_files() -> CheckResult:
    """The shipped curriculum validates."""
    problems = check_content()
    if problems:
        return CheckResult(
            "mlcamp content",
            True,
            "warning",
            f"{len(problems)} problem(s)",
            "reinstall mlcamp (pip install --force-reinstall mlcamp); see 'mlcamp content check'",
        )
    return CheckResult("mlcamp content", True, "ok", "valid")


def check_home() -> CheckResult:
    """MLCAMP_HOME exists (or can be created) and is writable."""
    home = mlcamp_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".doctor-", delete=True):
            pass
    except OSError as exc:
        return CheckResult(
            "MLCAMP_HOME",
            True,
            "missing",
            f"{home}: {exc.strerror or exc}",
            "set MLCAMP_HOME to a folder you can write to",
        )
    source = "MLCAMP_HOME" if os.environ.get("MLCAMP_HOME") else "default"
    return CheckResult("MLCAMP_HOME", True, "ok", f"{home} ({source})")


def check_database() -> CheckResult:
    """The database opens, is migrated to this mlcamp's schema, and is not locked or damaged."""
    from mlcamp.store import StoreError, open_store

    try:
        store = open_store()
    except StoreError as exc:
        return CheckResult("database", True, "missing", database_url(), exc.message)
    try:
        revision = store.schema_revision()
    finally:
        store.close()
    return CheckResult("database", True, "ok", f"{database_url()} (schema {revision})")


def check_sandbox() -> CheckResult:
    """Which isolation grades learner code here: bubblewrap, or the weaker fallback, and why."""
    from mlcamp.grader.sandbox import SandboxUnavailable, isolation

    try:
        active = isolation()
    except SandboxUnavailable as exc:
        return CheckResult("sandbox", False, "warning", str(exc), "unset MLCAMP_SANDBOX")
    if active.mode == "bwrap":
        return CheckResult("sandbox", False, "ok", f"bwrap: {active.reason}")
    return CheckResult(
        "sandbox",
        False,
        "warning",
        f"fallback (rlimits + process group): {active.reason}",
        "install bubblewrap for the full sandbox (Debian/Ubuntu: sudo apt-get install bubblewrap)",
    )


def mlcamp_checks() -> tuple[Callable[[], CheckResult], ...]:
    """The checks of mlcamp itself, run after the environment's."""
    return (check_content_files, check_home, check_database, check_sandbox)
