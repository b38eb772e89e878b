"""Time grading, per lab, beside an unsandboxed in-process run of the same checks.

For each lab, with the reference solution as the submission:
- `mlcamp check` end to end (a new process: CLI start-up, sandbox start, tests, speed phase),
  and with `--no-speed`;
- a warm grading call in this process (the sandbox's zygote already running), and the same
  checks run in-process without a sandbox: their difference is the sandbox's overhead.

Targets (2-core machine): `mlcamp check` <= 0.8 s median; warm sandbox overhead <= 20 ms. The
summary gives both over the six labs the targets were set for (ISSUE_LABS) and over all labs.

Run: python bench/grading.py [--repeat N] [--lab ID ...]
"""

from __future__ import annotations

import os

# In-process runs use one BLAS thread, as the sandbox does: the comparison is like for like.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

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


def measure(function: Callable[[], object], repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` calls of `function`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def cli_check(lab: Lab, home: Path, *extra: str) -> Callable[[], object]:
    """A function running `mlcamp check LAB` on the reference in a fresh process."""
    file = home / f"{lab.spec.module_name}.py"
    file.write_text(lab.reference)
    environment = {**os.environ, "MLCAMP_HOME": str(home)}
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


def numpy_start_ms() -> float:
    """Milliseconds a fresh `python -c "import numpy"` takes (best of 3): the machine's speed
    at the moment, since these machines' speed drifts (DESIGN §4 measured ~110 ms)."""
    command = [sys.executable, "-c", "import numpy"]
    return 1000 * min(measure(lambda: subprocess.run(command, check=True), 3))


def main() -> None:
    """Print the table for every lab (or the ones named)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--lab", action="append", default=None)
    args = parser.parse_args()
    labs = [lab for lab in all_labs() if args.lab is None or lab.id in args.lab]
    home = Path(tempfile.mkdtemp(prefix="mlcamp-bench-"))
    options = GradeOptions(oracle_cache=home / "cache", performance=False)
    overheads: dict[str, float] = {}
    cli_medians: dict[str, float] = {}
    try:
        with Grader() as sandboxed, Grader(local=True) as local:
            print(f"isolation: {sandboxed.isolation}; {args.repeat} runs each")
            print(f'machine: a fresh `python -c "import numpy"` takes {numpy_start_ms():.0f} ms\n')
            for lab in labs:
                # Warm-up: fills the oracle cache and starts the zygote.
                sandboxed.grade(lab, lab.reference, options)
                local.grade(lab, lab.reference, options)
                cli_check(lab, home)()
                in_process = measure(grading(local, lab, options), args.repeat)
                warm = measure(grading(sandboxed, lab, options), args.repeat)
                cli_full = measure(cli_check(lab, home), args.repeat)
                cli_fast = measure(cli_check(lab, home, "--no-speed"), args.repeat)
                overhead = statistics.median(warm) - statistics.median(in_process)
                overheads[lab.id] = overhead
                cli_medians[lab.id] = statistics.median(cli_full)
                print(lab.id)
                print(row("in-process, no sandbox (baseline)", in_process))
                print(row("warm sandboxed grading call", warm, in_process))
                print(row("mlcamp check --no-speed", cli_fast, in_process))
                print(row("mlcamp check (with speed phase)", cli_full, in_process))
                print(f"  sandbox overhead per submission: {overhead * 1000:.1f} ms\n")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f'machine at the end: `python -c "import numpy"` takes {numpy_start_ms():.0f} ms\n')
    groups = [("the six labs of the targets", ISSUE_LABS), ("all labs measured", tuple(overheads))]
    for title, ids in groups:
        measured = [lab_id for lab_id in ids if lab_id in overheads]
        if not measured:
            continue
        overhead = statistics.median(overheads[lab_id] for lab_id in measured)
        check = statistics.median(cli_medians[lab_id] for lab_id in measured)
        print(f"{title} ({len(measured)}):")
        print(f"  median sandbox overhead:          {overhead * 1000:.1f} ms")
        print(f"  median of `mlcamp check` medians: {check:.2f} s")


if __name__ == "__main__":
    main()
