"""What a learner's machine needs for the path, and how to install whatever is missing."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Literal

Status = Literal["ok", "missing", "outdated", "warning"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: what was found and, if anything is wrong, how to fix it."""

    name: str
    essential: bool
    status: Status
    found: str
    fix: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing needs doing."""
        return self.status == "ok"


@dataclass(frozen=True)
class Check:
    """A package the path uses: its import name, distribution name and minimum version."""

    name: str
    module: str
    distributions: tuple[str, ...]
    minimum: tuple[int, ...]
    essential: bool
    install: str

    def run(self) -> CheckResult:
        """Look the package up without importing it (fast, and safe for broken installs)."""
        if importlib.util.find_spec(self.module) is None:
            return CheckResult(self.name, self.essential, "missing", "not installed", self.install)
        found = _installed_version(self.distributions)
        if found is None:
            return CheckResult(self.name, self.essential, "ok", "installed (version unknown)")
        if _version_tuple(found) < self.minimum:
            wanted = ".".join(map(str, self.minimum))
            return CheckResult(
                self.name,
                self.essential,
                "outdated",
                f"{found} (needs {wanted} or newer)",
                self.install.replace("pip install ", "pip install -U "),
            )
        return CheckResult(self.name, self.essential, "ok", found)


PACKAGES: tuple[Check, ...] = (
    Check("NumPy", "numpy", ("numpy",), (1, 26), True, "pip install numpy"),
    Check("SciPy", "scipy", ("scipy",), (1, 11), True, "pip install scipy"),
    Check("scikit-learn", "sklearn", ("scikit-learn",), (1, 4), True, "pip install scikit-learn"),
    Check("pandas", "pandas", ("pandas",), (2, 0), True, "pip install pandas"),
    Check("matplotlib", "matplotlib", ("matplotlib",), (3, 7), True, "pip install matplotlib"),
    Check("PyTorch", "torch", ("torch",), (2, 0), False, "pip install torch   (for Module 3 on)"),
)

MINIMUM_PYTHON = (3, 11)

JUPYTER_KERNEL = Check(
    "Jupyter kernel", "ipykernel", ("ipykernel",), (6, 0), True, "pip install ipykernel"
)

JUPYTER_FRONT_ENDS: tuple[Check, ...] = (
    Check("Jupyter", "jupyterlab", ("jupyterlab",), (4, 0), True, "pip install jupyterlab"),
    Check("Jupyter", "notebook", ("notebook",), (7, 0), True, "pip install notebook"),
)


def check_jupyter() -> CheckResult:
    """Check for a Jupyter front end: JupyterLab 4+ or Notebook 7+, whichever is installed."""
    results = [front_end.run() for front_end in JUPYTER_FRONT_ENDS]
    for result, front_end in zip(results, JUPYTER_FRONT_ENDS, strict=True):
        if result.ok:
            return CheckResult("Jupyter", True, "ok", f"{front_end.module} {result.found}")
    outdated = [r for r in results if r.status == "outdated"]
    if outdated:
        return outdated[0]
    return CheckResult(
        "Jupyter",
        True,
        "missing",
        "not installed",
        "pip install jupyterlab ipykernel",
    )


def check_python(version: tuple[int, ...] | None = None) -> CheckResult:
    """Check that Python is new enough for mlcamp."""
    current = version or tuple(sys.version_info[:3])
    shown = ".".join(map(str, current))
    if current[:2] < MINIMUM_PYTHON:
        return CheckResult(
            "Python",
            True,
            "outdated",
            f"{shown} (needs 3.11 or newer)",
            "install Python 3.11 or newer from python.org or your package manager",
        )
    return CheckResult("Python", True, "ok", shown)


def check_gpu(probe: Callable[[], str | None] | None = None) -> CheckResult:
    """Report a CUDA GPU if PyTorch can use one, or an NVIDIA driver if one is present."""
    found = (probe or _probe_gpu)()
    if found is None:
        return CheckResult(
            "GPU",
            False,
            "warning",
            "none found",
            "deep-learning topics run on the CPU (slower) or on Google Colab",
        )
    return CheckResult("GPU", False, "ok", found)


def _probe_gpu() -> str | None:
    if importlib.util.find_spec("torch") is not None:
        try:
            import torch

            if torch.cuda.is_available():
                return f"CUDA: {torch.cuda.get_device_name(0)}"
        except Exception:  # a broken torch install must not break the doctor
            return None
        return None
    if shutil.which("nvidia-smi"):
        return "NVIDIA driver present (install PyTorch to use it)"
    return None


def run_checks(extra: tuple[Callable[[], CheckResult], ...] = ()) -> list[CheckResult]:
    """Run every environment check, essentials first."""
    results = [
        check_python(),
        *(package.run() for package in PACKAGES if package.essential),
        check_jupyter(),
        JUPYTER_KERNEL.run(),
        *(package.run() for package in PACKAGES if not package.essential),
        check_gpu(),
    ]
    results.extend(check() for check in extra)
    return results


def essentials_ok(results: list[CheckResult]) -> bool:
    """True when every essential check passed (optional ones may fail)."""
    return all(result.ok for result in results if result.essential)


def _installed_version(distributions: tuple[str, ...]) -> str | None:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _version_tuple(version: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for piece in version.split("."):
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        numbers.append(int(digits))
    return tuple(numbers)
