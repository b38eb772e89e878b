"""Time planning the whole path from scratch, and re-planning after one change of progress.

Target: <= 50 ms each (median). Both are measured side by side in one run, for each background.

Run: python bench/planner.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from mlcamp.curriculum import shipped_curriculum
from mlcamp.planner.profile import BACKGROUNDS, Profile
from mlcamp.planner.progress import Progress
from mlcamp.planner.reviews import review_offsets
from mlcamp.planner.schedule import build_plan, forget_plans


def main() -> None:
    """Print median and p95 of a plan from scratch and of a re-plan, per background."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    curriculum = shipped_curriculum()
    review_offsets()  # computed once per process, as in every command
    start = date(2026, 1, 5)
    topics = [topic.id for part in curriculum.parts for topic in part.topics()]
    for background in BACKGROUNDS:
        profile = Profile(background, 10.0, start)
        scratch, replan = [], []
        for index in range(args.repeat):
            forget_plans()  # build_plan remembers plans of equal inputs: time the work itself
            began = time.perf_counter()
            build_plan(curriculum, profile, Progress())
            scratch.append(time.perf_counter() - began)
            progress = Progress({topics[index % 20]: "done"})  # one topic finished
            forget_plans()
            began = time.perf_counter()
            build_plan(curriculum, profile, progress, start + timedelta(weeks=3))
            replan.append(time.perf_counter() - began)
        for name, times in (("plan from scratch", scratch), ("re-plan after a change", replan)):
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            print(
                f"{background:18s} {name:24s} median {statistics.median(times) * 1000:6.2f} ms"
                f"  p95 {p95 * 1000:6.2f} ms"
            )


if __name__ == "__main__":
    main()
