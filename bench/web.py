"""Latency of the local web app over HTTP on loopback, with concurrent clients.

Starts ``mlcamp start --no-browser`` in its own process (one uvicorn process, exactly what the
learner runs) over a fresh MLCAMP_HOME, onboards a learner, then measures from this process:

- pages: each client (``--clients``, default 20, all at once) requests every main page in turn,
  ``--rounds`` times; p50 and p95 per page. Target: p95 <= 100 ms.
- pages after a change: ``--rounds`` times, the learner changes a topic's state (which
  invalidates every cached page), then every client requests every page once; p50 and p95 over
  all pages, so each page's first render after the change is among them.
- checks: the clients post the reference solution of ``--lab`` to ``POST /api/labs/{id}/check``
  (``--checks`` requests in all, all clients at once); p50 and p95. Checks are CPU-bound and run
  in a pool of warm sandboxes (2 on a 2-core machine), so with 20 clients most of a check's
  latency is its wait in the queue: the single-client figure is printed beside it.

Run: python bench/web.py [--clients 20] [--rounds 5] [--checks 20] [--lab pairwise-distances]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

PAGES = (
    "/",
    "/path",
    "/topics/gradient-descent",
    "/labs",
    "/labs/kmeans",
    "/plan",
    "/progress",
    "/review",
    "/settings",
)
URL_LINE = re.compile(r"(http://127\.0\.0\.1:(\d+))/\?token=(\S+)")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Server:
    """``mlcamp start --no-browser`` in a child process; its base URL and token once it listens."""

    def __init__(self, home: str) -> None:
        env = dict(os.environ, MLCAMP_HOME=home)
        env.pop("MLCAMP_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mlcamp", "start", "--no-browser", "--port", "8765"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found = URL_LINE.search(line)
            if found:
                self.base_url, self.token = found.group(1), found.group(3)
                break
        else:
            raise SystemExit(f"mlcamp start exited with {self.process.wait()} before serving")

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"authorization": f"Bearer {self.token}"}, timeout=300.0
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _run_together(clients: int, work: object) -> None:
    barrier = threading.Barrier(clients)

    def run(index: int) -> None:
        barrier.wait()
        work(index)  # type: ignore[operator]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _browse_all(server: Server, clients: int, rounds: int) -> dict[str, list[float]]:
    """Every client requests every page in turn, ``rounds`` times; the latencies by page."""
    timings: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def browse(index: int) -> None:
        with server.client() as client:
            for round_ in range(rounds):
                for offset in range(len(PAGES)):
                    page = PAGES[(index + offset + round_) % len(PAGES)]
                    began = time.perf_counter()
                    response = client.get(page)
                    elapsed = time.perf_counter() - began
                    assert response.status_code == 200, (page, response.status_code)
                    with lock:
                        timings[page].append(elapsed)

    _run_together(clients, browse)
    return timings


def _change_something(server: Server, number: int) -> None:
    """One change by the learner (a topic's state), which invalidates every cached page."""
    state = ("not-started", "learning")[number % 2]
    with server.client() as client:
        response = client.post("/topics/gradient-descent/status", data={"state": state})
        assert response.status_code in (200, 303), response.status_code


def _row(name: str, values: list[float], note: str = "") -> str:
    return (
        f"{name:28} {len(values):4d} {statistics.median(values) * 1000:8.1f} "
        f"{_percentile(values, 0.95) * 1000:8.1f}{note}"
    )


def main() -> None:
    """Print p50/p95 per page and for checks, with concurrent clients."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--lab", default="pairwise-distances")
    args = parser.parse_args()

    from mlcamp.labs import get_lab

    home = tempfile.mkdtemp(prefix="mlcamp-bench-web-")
    reference = (get_lab(args.lab).folder / "reference.py").read_text()
    server = Server(home)
    threading.Thread(target=server.process.stdout.read, daemon=True).start()  # type: ignore[union-attr]
    try:
        with server.client() as warm:
            onboard = {"background": "beginner", "hours_per_week": "10", "start_date": "2026-01-05"}
            warm.post("/onboarding", data=onboard)
            # A learner at work has review cards due: the review page shows one (never cached).
            warm.post("/topics/gradient-descent/status", data={"state": "learning"})
            began = time.perf_counter()
            response = warm.post(f"/api/labs/{args.lab}/check", json={"code": reference})
            single_check = time.perf_counter() - began
            assert response.json()["status"] == "pass", response.text[:500]
            for page in PAGES:  # first renders since the last change
                response = warm.get(page)
                assert response.status_code == 200, (page, response.status_code)

        timings = _browse_all(server, args.clients, args.rounds)

        after_change: dict[str, list[float]] = defaultdict(list)
        for number in range(args.rounds):
            _change_something(server, number)
            for page, values in _browse_all(server, args.clients, 1).items():
                after_change[page] += values

        check_times: list[float] = []
        lock = threading.Lock()

        def check(index: int) -> None:
            with server.client() as client:
                for _ in range(index, args.checks, args.clients):
                    began = time.perf_counter()
                    response = client.post(f"/api/labs/{args.lab}/check", json={"code": reference})
                    elapsed = time.perf_counter() - began
                    assert response.json()["status"] == "pass"
                    with lock:
                        check_times.append(elapsed)

        _run_together(min(args.clients, args.checks), check)
    finally:
        server.stop()

    print(f"web bench: {args.clients} concurrent clients on loopback, {os.cpu_count()} cores")
    print(f"{'page':28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    every: list[float] = []
    for page in PAGES:
        every += timings[page]
        print(_row(page, timings[page]))
    print(_row("all pages", every, "   (target p95 <= 100 ms)"))
    print(f"\nright after a change (a topic's state changed before each of {args.rounds} rounds):")
    changed: list[float] = []
    for page in PAGES:
        changed += after_change[page]
        print(_row(page, after_change[page]))
    print(_row("all pages, after a change", changed))
    print()
    print(
        _row(
            "check " + args.lab,
            check_times,
            f"   (one client alone: {single_check * 1000:.0f} ms)",
        )
    )
    Path(home, "mlcamp.db").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
