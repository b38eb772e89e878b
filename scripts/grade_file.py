"""Developer tool: grade a file (or the reference) for a lab and print the JSON report.

    python scripts/grade_file.py LAB [FILE|ref] [--local] [--no-perf]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mlcamp.grader.runner import GradeOptions, Grader
from mlcamp.labs import get_lab
from mlcamp.paths import mlcamp_home


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    lab = get_lab(args[0])
    target = args[1] if len(args) > 1 else "ref"
    source = lab.reference if target == "ref" else Path(target).read_text()
    options = GradeOptions(
        oracle_cache=mlcamp_home() / "cache" / "oracle",
        performance="--no-perf" not in flags,
        filename=Path(target).name if target != "ref" else "reference.py",
    )
    with Grader(local="--local" in flags) as grader:
        started = time.perf_counter()
        report = grader.grade(lab, source, options)
        print(report.model_dump_json(indent=2))
        print(f"graded in {time.perf_counter() - started:.2f} s ({grader.isolation})", file=sys.stderr)


if __name__ == "__main__":
    main()
