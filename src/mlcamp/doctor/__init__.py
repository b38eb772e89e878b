"""Environment checks for `mlcamp doctor` (the source document's week 1: set up the environment)."""

from mlcamp.doctor.checks import Check, CheckResult, essentials_ok, run_checks

__all__ = ["Check", "CheckResult", "essentials_ok", "run_checks"]
