"""Time grading, per lab, beside an unsandboxed in-process run of the same checks.

For each lab, with the reference solution as the submission:
- `mlcamp check` end to end, graded in its own process (the check service off: CLI start-up,
  sandbox start, tests, speed phase), and with `--no-speed`;
- `mlcamp check` end to end through the check service (docs/labs.md), which the first check
  starts, with a pause of `--pause` seconds between checks (a learner edits code between two
  checks; back to back, each check would also wait for the next worker's sandbox to boot);
- a warm grading call in this process (the sandbox's zygote already running), and the same
  checks run in-process without a sandbox: their difference is the sandbox's overhead.

Targets (2-core machine): `mlcamp check` <= 0.8 s median; warm sandbox overhead <= 20 ms. The
summary gives both over the six labs the targets were set for (ISSUE_LABS) and over all labs.

Run: python bench/grading.py [--repeat N] [--pause SECONDS] [--lab ID ...]
"""

from __future__ import annotations

import os

# In-process runs use one BLAS thread, as the sandbox does: the comparison is like for like.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from mlcamp.check_service.location import lock_holder, running_service_pid  # noqa: E402
from mlcamp.grader.runner import GradeOptions, Grader  # noqa: E402
from mlcamp.labs import Lab, all_labs  # noqa: E402

ISSUE_LABS = (
    "pairwise-distances",
    "softmax",
    "linear-regression",
    "logistic-regression",
    "kmeans",
    "pca",
)
"""The labs the grading targets were first set on."""


def percentile(times: list[float], q: float) -> float:
    """The q-quantile of `times` (nearest rank)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(function: Callable[[], object], repeat: int, pause: float = 0.0) -> list[float]:
    """Seconds taken by each of `repeat` calls of `function` (`pause` seconds apart)."""
    times = []
    for _ in range(repeat):
        time.sleep(pause)
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def check_environment(home: Path, service: bool) -> dict[str, str]:
    """The environment of the benchmark's `mlcamp check` commands."""
    return {**os.environ, "MLCAMP_HOME": str(home), "MLCAMP_CHECK_SERVICE": "1" if service else "0"}


def cli_check(lab: Lab, home: Path, *extra: str, service: bool = False) -> Callable[[], object]:
    """A function running `mlcamp check LAB` on the reference in a fresh process (which hands
    the check to the check service, with `service`)."""
    file = home / f"{lab.spec.module_name}.py"
    file.write_text(lab.reference)
    environment = check_environment(home, service)
    command = [sys.executable, "-m", "mlcamp", "check", lab.id, str(file), *extra]

    def run() -> object:
        result = subprocess.run(command, env=environment, capture_output=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"mlcamp check {lab.id} failed:\n{result.stdout.decode()}")
        return result

    return run


def grading(grader: Grader, lab: Lab, options: GradeOptions) -> Callable[[], object]:
    """A function grading the lab's reference with `grader`."""
    return lambda: grader.grade(lab, lab.reference, options)


def row(name: str, times: list[float], baseline: list[float] | None = None) -> str:
    """One table row: median, p95 and the ratio of medians to the baseline."""
    median = statistics.median(times)
    ratio = f"{median / statistics.median(baseline):6.2f}x" if baseline else "       "
    p95 = percentile(times, 0.95)
    return f"  {name:34s} median {median * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  {ratio}"


def wait_for_service(home: Path) -> None:
    """Wait until the check service started by a first check listens."""
    deadline = time.monotonic() + 120
    while running_service_pid(check_environment(home, True)) is None:
        if time.monotonic() > deadline:
            raise SystemExit("the check service did not start (see its log in /tmp/mlcamp-*)")
        time.sleep(0.1)


def stop_service(home: Path) -> None:
    """Stop the benchmark's check service, if it runs."""
    pid = lock_holder(check_environment(home, True))  # listening or still loading
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def numpy_start_ms() -> float:
    """Milliseconds a fresh `python -c "import numpy"` takes (best of 3): the machine's speed
    at the moment, since these machines' speed drifts (DESIGN §4 measured ~110 ms)."""
    command = [sys.executable, "-c", "import numpy"]
    return 1000 * min(measure(lambda: subprocess.run(command, check=True), 3))


def main() -> None:
    """Print the table for every lab (or the ones named)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("--lab", action="append", default=None)
    args = parser.parse_args()
    labs = [lab for lab in all_labs() if args.lab is None or lab.id in args.lab]
    home = Path(tempfile.mkdtemp(prefix="mlcamp-bench-"))
    options = GradeOptions(oracle_cache=home / "cache", performance=False)
    overheads: dict[str, float] = {}
    cli_medians: dict[str, float] = {}
    served_medians: dict[str, float] = {}
    try:
        with Grader() as sandboxed, Grader(local=True) as local:
            print(f"isolation: {sandboxed.isolation}; {args.repeat} runs each")
            print(f'machine: a fresh `python -c "import numpy"` takes {numpy_start_ms():.0f} ms\n')
            for lab in labs:
                # Warm-up: fills the oracle cache and starts the zygote.
                sandboxed.grade(lab, lab.reference, options)
                local.grade(lab, lab.reference, options)
                cli_check(lab, home)()
                served_check = cli_check(lab, home, service=True)
                served_check()  # the first one starts the service
                wait_for_service(home)
                in_process = measure(grading(local, lab, options), args.repeat)
                warm = measure(grading(sandboxed, lab, options), args.repeat)
                cli_full = measure(cli_check(lab, home), args.repeat)
                cli_fast = measure(cli_check(lab, home, "--no-speed"), args.repeat)
                served = measure(served_check, args.repeat, pause=args.pause)
                overhead = statistics.median(warm) - statistics.median(in_process)
                overheads[lab.id] = overhead
                cli_medians[lab.id] = statistics.median(cli_full)
                served_medians[lab.id] = statistics.median(served)
                print(lab.id)
                print(row("in-process, no sandbox (baseline)", in_process))
                print(row("warm sandboxed grading call", warm, in_process))
                print(row("mlcamp check --no-speed, alone", cli_fast, in_process))
                print(row("mlcamp check, alone", cli_full, in_process))
                print(row("mlcamp check, check service", served, in_process))
                print(f"  sandbox overhead per submission: {overhead * 1000:.1f} ms\n")
    finally:
        stop_service(home)
        shutil.rmtree(home, ignore_errors=True)
    print(f'machine at the end: `python -c "import numpy"` takes {numpy_start_ms():.0f} ms\n')
    groups = [("the six labs of the targets", ISSUE_LABS), ("all labs measured", tuple(overheads))]
    for title, ids in groups:
        measured = [lab_id for lab_id in ids if lab_id in overheads]
        if not measured:
            continue
        overhead = statistics.median(overheads[lab_id] for lab_id in measured)
        check = statistics.median(cli_medians[lab_id] for lab_id in measured)
        served = statistics.median(served_medians[lab_id] for lab_id in measured)
        print(f"{title} ({len(measured)}):")
        print(f"  median sandbox overhead:                  {overhead * 1000:.1f} ms")
        print(f"  median of `mlcamp check` medians, alone:  {check:.2f} s")
        print(f"  ... through the check service:            {served:.2f} s ({served / check:.2f}x)")


if __name__ == "__main__":
    main()
