"""Latency of the local web app over HTTP on loopback, with concurrent clients.

Serves the app (uvicorn, one process, as `mlcamp start` does) on 127.0.0.1 over a fresh
MLCAMP_HOME with an onboarded learner, then:

- pages: each client (``--clients``, default 20, all at once) requests every main page in turn,
  ``--rounds`` times; p50 and p95 per page. Target: p95 <= 100 ms.
- checks: the clients post the reference solution of ``--lab`` to ``POST /api/labs/{id}/check``
  (``--checks`` requests in all, all clients at once); p50 and p95. Checks are CPU-bound and run
  in a pool of warm sandboxes (2 on a 2-core machine), so with 20 clients most of a check's
  latency is its wait in the queue: the single-client figure is printed beside it.

Run: python bench/web.py [--clients 20] [--rounds 5] [--checks 20] [--lab pairwise-distances]
"""

from __future__ import annotations

import argparse
import os
import statistics
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
TOKEN = "bench-token"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _client(base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, headers={"authorization": f"Bearer {TOKEN}"}, timeout=300.0
    )


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


def main() -> None:
    """Print p50/p95 per page and for checks, with concurrent clients."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--lab", default="pairwise-distances")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="mlcamp-bench-web-")
    os.environ["MLCAMP_HOME"] = home
    os.environ.pop("MLCAMP_DATABASE_URL", None)
    from mlcamp.labs import get_lab
    from mlcamp.store import open_store
    from mlcamp.web.app import create_app
    from mlcamp.web.security import Secrets
    from mlcamp.web.server import BackgroundServer

    store = open_store()
    app = create_app(store, Secrets(TOKEN))
    reference = (get_lab(args.lab).folder / "reference.py").read_text()
    with BackgroundServer(app) as server:
        with _client(server.base_url) as warm:
            onboard = {"background": "beginner", "hours_per_week": "10", "start_date": "2026-01-05"}
            warm.post("/onboarding", data=onboard)
            for page in PAGES:  # warm caches (curriculum, labs, templates)
                response = warm.get(page)
                assert response.status_code == 200, (page, response.status_code)
            began = time.perf_counter()
            response = warm.post(f"/api/labs/{args.lab}/check", json={"code": reference})
            single_check = time.perf_counter() - began
            assert response.json()["status"] == "pass", response.text[:500]

        timings: dict[str, list[float]] = defaultdict(list)
        lock = threading.Lock()

        def browse(index: int) -> None:
            with _client(server.base_url) as client:
                for round_ in range(args.rounds):
                    for offset in range(len(PAGES)):
                        page = PAGES[(index + offset + round_) % len(PAGES)]
                        began = time.perf_counter()
                        response = client.get(page)
                        elapsed = time.perf_counter() - began
                        assert response.status_code == 200, (page, response.status_code)
                        with lock:
                            timings[page].append(elapsed)

        _run_together(args.clients, browse)
        check_times: list[float] = []

        def check(index: int) -> None:
            with _client(server.base_url) as client:
                for _ in range(index, args.checks, args.clients):
                    began = time.perf_counter()
                    response = client.post(f"/api/labs/{args.lab}/check", json={"code": reference})
                    elapsed = time.perf_counter() - began
                    assert response.json()["status"] == "pass"
                    with lock:
                        check_times.append(elapsed)

        _run_together(min(args.clients, args.checks), check)
    store.close()

    print(f"web bench: {args.clients} concurrent clients on loopback, {os.cpu_count()} cores")
    print(f"{'page':28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    every: list[float] = []
    for page in PAGES:
        values = timings[page]
        every += values
        print(
            f"{page:28} {len(values):4d} {statistics.median(values) * 1000:8.1f} "
            f"{_percentile(values, 0.95) * 1000:8.1f}"
        )
    print(
        f"{'all pages':28} {len(every):4d} {statistics.median(every) * 1000:8.1f} "
        f"{_percentile(every, 0.95) * 1000:8.1f}   (target p95 <= 100 ms)"
    )
    print(
        f"{'check ' + args.lab:28} {len(check_times):4d} "
        f"{statistics.median(check_times) * 1000:8.1f} {_percentile(check_times, 0.95) * 1000:8.1f}"
        f"   (one client alone: {single_check * 1000:.0f} ms)"
    )
    Path(home, "mlcamp.db").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
