"""`mlcamp doctor`: finds what is there, says how to install the rest, fails without essentials."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mlcamp.cli import app
from mlcamp.doctor import checks
from mlcamp.doctor.checks import Check, CheckResult, check_gpu, check_python, essentials_ok

runner = CliRunner()


def test_version_parsing_and_minimums() -> None:
    present = Check("NumPy", "numpy", ("numpy",), (1, 0), True, "pip install numpy")
    assert present.run().ok
    too_new_minimum = Check("NumPy", "numpy", ("numpy",), (999,), True, "pip install numpy")
    result = too_new_minimum.run()
    assert result.status == "outdated" and result.fix == "pip install -U numpy"
    absent = Check("Nothing", "mlcamp_no_such_module", ("nope",), (1,), True, "pip install nope")
    assert absent.run().status == "missing" and absent.run().fix == "pip install nope"


def test_python_version() -> None:
    assert check_python((3, 11, 2)).ok
    old = check_python((3, 9, 1))
    assert old.status == "outdated" and "3.11" in (old.fix or "")


def test_gpu_is_optional() -> None:
    none = check_gpu(lambda: None)
    assert none.status == "warning" and not none.essential
    assert check_gpu(lambda: "CUDA: test card").ok


def test_essentials() -> None:
    good = CheckResult("a", True, "ok", "1")
    optional_bad = CheckResult("b", False, "missing", "-", "pip install b")
    essential_bad = CheckResult("c", True, "missing", "-", "pip install c")
    assert essentials_ok([good, optional_bad])
    assert not essentials_ok([good, essential_bad])


def test_doctor_exit_code_follows_essentials(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = Check(
        "scikit-learn", "mlcamp_no_such_module", ("nope",), (1,), True, "pip install scikit-learn"
    )
    monkeypatch.setattr(checks, "PACKAGES", (*checks.PACKAGES, missing))
    monkeypatch.setattr(checks, "check_jupyter", lambda: CheckResult("Jupyter", True, "ok", "4"))
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1, result.output
    assert "pip install scikit-learn" in result.output


def test_doctor_passes_with_essentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        checks, "PACKAGES", tuple(p for p in checks.PACKAGES if p.module in {"numpy", "scipy"})
    )
    monkeypatch.setattr(checks, "check_jupyter", lambda: CheckResult("Jupyter", True, "ok", "4"))
    # The kernel may or may not be installed on the machine running the tests: stand one in.
    kernel = Check("Jupyter kernel", "numpy", ("numpy",), (1,), True, "pip install ipykernel")
    monkeypatch.setattr(checks, "JUPYTER_KERNEL", kernel)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "database" in result.output and "mlcamp content" in result.output


def test_doctor_reports_the_sandbox_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlcamp.doctor.environment import check_sandbox
    from mlcamp.grader.sandbox import isolation

    monkeypatch.setenv("MLCAMP_SANDBOX", "fallback")
    result = check_sandbox()
    assert result.status == "warning" and not result.essential
    assert "fallback" in result.found and "MLCAMP_SANDBOX=fallback" in result.found
    assert result.fix is not None and "bubblewrap" in result.fix
    monkeypatch.delenv("MLCAMP_SANDBOX")
    if isolation().mode == "bwrap":
        assert check_sandbox().status == "ok"
