"""Time loading and checking the shipped curriculum (the cost every mlcamp command pays once).

Run: python bench/content.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from mlcamp.curriculum import check_content, load_curriculum


def measure(function: object, repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` calls of `function`."""
    assert callable(function)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print median and p95 of load and check, and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    load = measure(load_curriculum, args.repeat)
    check = measure(check_content, args.repeat)
    for name, times in (("load_curriculum", load), ("check_content", check)):
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"{name:16s} median {statistics.median(times) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
        )
    print(f"check/load ratio {statistics.median(check) / statistics.median(load):.2f}")


if __name__ == "__main__":
    main()
