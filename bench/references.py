"""Each lab's reference against the library that implements the same algorithm.

For every lab whose `checks.py` registers a baseline (scikit-learn or SciPy), the lab's
performance case runs at its largest size with the reference (in this process, through the same
encoding the grader uses, timing only the calls) and with the library (timing only the calls),
side by side in one run. Prints the time ratio reference / library and, when the lab defines a
score, both scores and their difference. Target: every ratio <= 3.

Run: python bench/references.py [--repeat N] [--lab ID ...]
"""

from __future__ import annotations

import os

# The sandbox runs learner code and references with one BLAS thread; so does this comparison.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from mlcamp.grader.harness import Code, Encoder, Executor  # noqa: E402
from mlcamp.grader.session import Learner, LocalChannel, Session  # noqa: E402
from mlcamp.labs import Lab, all_labs  # noqa: E402
from mlcamp.labs.checking import Baseline, PerformanceCase  # noqa: E402


class Clock:
    """Seconds spent inside library calls."""

    def __init__(self) -> None:
        self.seconds = 0.0


def _plain(value: Any) -> Any:
    """Turn `Code` arguments into the callables they describe (as the sandbox does)."""
    if isinstance(value, Code):
        encoder = Encoder()
        return Executor().decode(encoder.encode(value), encoder.blobs)
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    return value


class Timed:
    """Wraps the library API: every call is timed, objects it returns are wrapped too."""

    def __init__(self, target: Any, clock: Clock) -> None:
        self._target = target
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        return Timed(value, self._clock) if callable(value) else value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = tuple(_plain(arg) for arg in args)
        kwargs = {key: _plain(value) for key, value in kwargs.items()}
        start = time.perf_counter()
        result = self._target(*args, **kwargs)
        self._clock.seconds += time.perf_counter() - start
        if result is None or isinstance(result, np.ndarray | np.generic | int | float | tuple):
            return result
        if isinstance(result, list | dict | str):
            return result
        return Timed(result, self._clock)


class LibraryLearner:
    """The learner API backed by the library's implementation."""

    def __init__(self, baseline: Baseline, clock: Clock) -> None:
        self._api = baseline.library()
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        return Timed(self._api[name], self._clock)


def reference_learner(lab: Lab) -> Session:
    """A session with the lab's reference loaded in this process."""
    session = Session(LocalChannel(), timeout=3600)
    reply, _ = session.channel.request(
        {
            "op": "load",
            "source": lab.reference,
            "filename": "reference.py",
            "module": lab.spec.module_name,
        },
        [],
        3600,
    )
    if not reply.get("ok"):
        raise SystemExit(f"{lab.id}: the reference does not load: {reply}")
    return session


def time_case(
    run: Callable[[Any, int, np.random.Generator], object],
    learner: Any,
    seconds: Callable[[], float],
    n: int,
    repeat: int,
) -> float:
    """Median seconds spent in calls over `repeat` runs of the performance case at size n."""
    times = []
    for _ in range(repeat):
        before = seconds()
        run(learner, n, np.random.default_rng(1000 + n))
        times.append(seconds() - before)
    return statistics.median(times)


def compare(lab: Lab, baseline: Baseline, case: PerformanceCase, repeat: int) -> tuple[float, str]:
    """Time the reference and the library on the largest performance size; one table row."""
    n = case.sizes[-1]
    session = reference_learner(lab)
    ours = Learner(session, lab.spec.module_name)
    clock = Clock()
    library = LibraryLearner(baseline, clock)

    def ours_seconds() -> float:
        return session.call_seconds

    def library_seconds() -> float:
        return clock.seconds

    time_case(case.function, ours, ours_seconds, n, 1)  # warm-up
    time_case(case.function, library, library_seconds, n, 1)
    ours_time = time_case(case.function, ours, ours_seconds, n, repeat)
    library_time = time_case(case.function, library, library_seconds, n, repeat)
    ratio = ours_time / library_time if library_time > 0 else float("inf")
    score = ""
    if baseline.score is not None:
        ours_score = baseline.score(ours, n, np.random.default_rng(1000 + n))
        library_score = baseline.score(library, n, np.random.default_rng(1000 + n))
        score = (
            f"ours {ours_score:.6g}, library {library_score:.6g}, "
            f"difference {ours_score - library_score:+.3g}"
        )
    line = (
        f"{lab.id:24s} {n:7d} {ours_time * 1000:9.2f}ms {library_time * 1000:9.2f}ms "
        f"{ratio:6.2f}x  {score}"
    )
    if baseline.note:
        line += f"\n{'':24s} note: {baseline.note}"
    return ratio, line


def main() -> None:
    """Print one row per lab with a baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lab", action="append", default=None)
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")  # library deprecation notices would break the table
    header = f"{'lab':24s} {'n':>7s} {'reference':>11s} {'library':>11s} {'ratio':>7s}  score"
    print(header)
    print("-" * len(header))
    ratios = []
    for lab in all_labs():
        if args.lab is not None and lab.id not in args.lab:
            continue
        checks = lab.load_checks()
        baseline = checks.baseline_case
        case: PerformanceCase | None = checks.performance_case
        if baseline is None or case is None:
            print(f"{lab.id:24s} (no library baseline)")
            continue
        ratio, line = compare(lab, baseline, case, args.repeat)
        ratios.append(ratio)
        print(line)
    if ratios:
        print(f"\nworst ratio {max(ratios):.2f}x, median {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
