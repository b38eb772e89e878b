"""What the check service loads before its first check, and what must not change under it."""

from __future__ import annotations

import contextlib
import os
import site
from pathlib import Path
from typing import Any


def warm_up() -> None:
    """Import what `mlcamp check` uses and every lab's checks, then rehearse once what a check
    does around its grading, on throwaway things: a forked worker finds it all warm."""
    import mlcamp.cli
    from mlcamp.labs.registry import all_labs

    labs = all_labs()
    for lab in labs:
        with contextlib.suppress(Exception):  # a broken lab is reported by the check itself
            lab.load_checks()
    with contextlib.suppress(Exception):
        _rehearse(mlcamp.cli, labs[0])


def _rehearse(cli: Any, lab: Any) -> None:
    """Parse a check's command line (Typer builds its pydantic adapters on the first parse),
    render a report into nothing, and record it in a store in memory."""
    import io

    import typer
    from rich.console import Console

    from mlcamp.grader.render import render_report
    from mlcamp.grader.report import PerformanceResult, Report, Scaling, TestResult
    from mlcamp.practice.evidence import GradedAttempt, record_graded, warm_up
    from mlcamp.store import open_store

    command = typer.main.get_command(cli.check_app())
    command.make_context("mlcamp check", [lab.id, "rehearsal.py", "--json"])
    test = TestResult(name="rehearsal", task=1, status="pass", seconds=0.001)
    scaling = Scaling(sizes=[1, 2], seconds=[0.1, 0.2], exponent=1.0, expected=1.0)
    performance = PerformanceResult(size=2, seconds=0.2, reference_seconds=0.2, ratio=1.0)
    performance.scaling = scaling
    report = Report(lab=lab.id, status="pass", score=1.0, tests=[test], performance=performance)
    Console(file=io.StringIO(), width=100).print(render_report(report))
    report.model_dump_json(indent=2)
    with open_store("sqlite://") as store:
        warm_up(store)
        record_graded(store, GradedAttempt.of(lab, report, "rehearsal"))


def fingerprint() -> tuple[Any, ...]:
    """What must not change under a running service: every file of the mlcamp package (code and
    content) and the folders packages are installed in (an install or upgrade changes them)."""
    package = Path(__file__).resolve().parent.parent
    files: list[tuple[str, int, int]] = []
    for root, folders, names in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(names):
            with contextlib.suppress(OSError):
                info = os.stat(os.path.join(root, name))
                files.append((os.path.join(root, name), info.st_mtime_ns, info.st_size))
    installed: list[tuple[str, int]] = []
    for folder in [*site.getsitepackages(), site.getusersitepackages()]:
        with contextlib.suppress(OSError):
            installed.append((folder, os.stat(folder).st_mtime_ns))
    return tuple(files), tuple(installed)
