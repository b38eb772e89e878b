"""What a lab's `checks.py` uses: test registration, the performance case and the oracle cache.

A `checks.py` runs in the grader process, never in the sandbox. It builds inputs, calls the
learner's code through a `learner` proxy (every call crosses into the sandbox and back as data),
asks an independent oracle for the expected values, and compares with `mlcamp.labs.compare`:

    checks = LabChecks()

    @checks.test(task=1, name="small random matrices")
    def small(learner, oracle):
        A, B = ...
        want = oracle("small", lambda: cdist(A, B, "sqeuclidean"))
        expect_array(learner.pairwise_sq_dists(A, B), want, name="pairwise_sq_dists(A, B)")

    @checks.performance(sizes=[125, 250, 500, 1000, 2000])
    def speed(learner, n, rng):
        learner.pairwise_sq_dists(rng.normal(size=(n, 8)), rng.normal(size=(n, 8)))

Oracle values are cached on disk by lab, `checks.py` content and library versions, so a slow
oracle import (scikit-learn) is paid once, not at every check. An oracle's inputs must not depend
on the learner's outputs; pass `cache=False` when they do.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import util as importlib_util
from pathlib import Path
from typing import Any

import numpy as np

TestFunction = Callable[[Any, "Oracle"], None]
PerformanceFunction = Callable[[Any, int, np.random.Generator], None]

_ORACLE_LIBRARIES = ("numpy", "scipy", "sklearn")


class LearnerError(Exception):
    """The learner's code raised an exception (or was stopped); carries the report message.

    `message` is what the report shows (with the trimmed traceback); `exception_type` and
    `exception_text` are the exception's class name and its own text, for checks that add advice.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        name: str = "",
        exception_type: str = "",
        exception_text: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.name = name
        self.exception_type = exception_type
        self.exception_text = exception_text


@dataclass(frozen=True)
class TestCase:
    """One registered test: its task number, its name and the function that runs it."""

    task: int
    name: str
    function: TestFunction


@dataclass(frozen=True)
class PerformanceCase:
    """The performance case: sizes spanning at least 16x and the function that runs one size."""

    sizes: tuple[int, ...]
    function: PerformanceFunction
    repeats: int = 3


@dataclass(frozen=True)
class Baseline:
    """The library implementation of the same algorithm, for `bench/references.py`.

    `library()` returns the learner API implemented with the library (names to callables, e.g.
    `{"KMeans": lambda **kw: sklearn.cluster.KMeans(n_init=1, **kw)}`); the performance case is
    timed with it beside the reference. `score(learner, n, rng)`, when given, fits on the
    performance case's data and returns one number (an objective, an accuracy) so the bench can
    show how close the reference's result is to the library's.
    """

    library: Callable[[], dict[str, Any]]
    score: Callable[[Any, int, np.random.Generator], float] | None = None
    note: str = ""


@dataclass
class LabChecks:
    """The tests, the performance case and the library baseline a lab's `checks.py` registers."""

    tests: list[TestCase] = field(default_factory=list)
    performance_case: PerformanceCase | None = None
    baseline_case: Baseline | None = None

    def baseline(
        self,
        library: Callable[[], dict[str, Any]],
        *,
        score: Callable[[Any, int, np.random.Generator], float] | None = None,
        note: str = "",
    ) -> None:
        """Register the library equivalent (scikit-learn, SciPy) of the lab's API."""
        self.baseline_case = Baseline(library, score, note)

    def test(self, *, task: int, name: str) -> Callable[[TestFunction], TestFunction]:
        """Register a test for a task; tests run in task order, then in registration order."""

        def register(function: TestFunction) -> TestFunction:
            self.tests.append(TestCase(task, name, function))
            return function

        return register

    def performance(
        self, *, sizes: list[int], repeats: int = 3
    ) -> Callable[[PerformanceFunction], PerformanceFunction]:
        """Register the performance case; `sizes` must span a factor of at least 16."""
        if len(sizes) < 3 or max(sizes) < 16 * min(sizes):
            raise ValueError("performance sizes need at least 3 values spanning a factor of 16")

        def register(function: PerformanceFunction) -> PerformanceFunction:
            self.performance_case = PerformanceCase(tuple(sorted(sizes)), function, repeats)
            return function

        return register

    def ordered_tests(self) -> list[TestCase]:
        """The tests in task order (stable within a task)."""
        return sorted(self.tests, key=lambda test: test.task)


OracleValue = Any


class Oracle:
    """Computes expected values with an independent implementation, cached on disk.

    Call it as `oracle(key, compute)`: `compute` runs only when `key` is not cached for this
    version of the checks and of the oracle libraries. Values may be arrays, numbers, or dicts
    of those.
    """

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self._values: dict[str, OracleValue] | None = None
        self._dirty = False

    def __call__(self, key: str, compute: Callable[[], OracleValue], *, cache: bool = True) -> Any:
        if not cache or self.cache_file is None:
            return _quietly(compute)
        values = self._load()
        if key not in values:
            values[key] = _normalise(_quietly(compute))
            self._dirty = True
        return values[key]

    def _load(self) -> dict[str, OracleValue]:
        if self._values is None:
            self._values = _read_cache(self.cache_file) if self.cache_file else {}
        return self._values

    def save(self) -> None:
        """Write new oracle values to the cache file (atomically; errors are ignored)."""
        if not self._dirty or self.cache_file is None or self._values is None:
            return
        try:
            _write_cache(self.cache_file, self._values)
            self._dirty = False
        except (OSError, ValueError, TypeError):
            pass  # a value the cache cannot hold is recomputed next time


def _quietly(compute: Callable[[], OracleValue]) -> OracleValue:
    """Run an oracle without its libraries' warnings reaching the learner's terminal."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute()


def oracle_cache_file(cache_dir: Path, lab_id: str, checks_file: Path) -> Path:
    """The cache file for a lab's oracle values, named by everything the values depend on."""
    digest = hashlib.sha256(checks_file.read_bytes())
    digest.update(_library_versions().encode())
    return cache_dir / f"{lab_id}-{digest.hexdigest()[:20]}.npz"


@lru_cache(maxsize=1)
def _library_versions() -> str:
    """What the oracle libraries installed are: each package's `__init__.py`, by path, size and
    modification time (installing any other version rewrites it). Asking importlib.metadata
    for the versions would scan every installed distribution on each `mlcamp check`."""
    found = []
    for library in _ORACLE_LIBRARIES:
        try:
            spec = importlib_util.find_spec(library)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        try:
            stat = os.stat(origin) if origin else None
        except OSError:
            stat = None
        stamp = f"{origin}:{stat.st_size}:{stat.st_mtime_ns}" if stat else "none"
        found.append(f"{library}={stamp}")
    return ";".join(found)


def _normalise(value: OracleValue) -> OracleValue:
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        array = np.asarray(value) if _all_plain(value) else None
        if array is not None and not array.dtype.hasobject:
            return array
        return [_normalise(item) for item in value]  # kept as a list (stored as JSON)
    raise TypeError(
        "oracle values must be arrays, numbers, strings, None, or lists and dicts of those, "
        f"not {type(value).__name__}"
    )


def _all_plain(values: list[Any] | tuple[Any, ...]) -> bool:
    """Whether a list holds only numbers (or nested lists of numbers): then it is an array."""
    return all(
        isinstance(v, bool | int | float | np.generic)
        or (isinstance(v, list | tuple) and _all_plain(v))
        or isinstance(v, np.ndarray)
        for v in values
    )


_MEMORY: dict[Path, tuple[float, dict[str, OracleValue]]] = {}
"""Oracle files already read by this process, with their modification time."""


def _read_cache(file: Path) -> dict[str, OracleValue]:
    try:
        stamp = file.stat().st_mtime
    except OSError:
        return {}
    known = _MEMORY.get(file)
    if known is not None and known[0] == stamp:
        return dict(known[1])
    values = _read_cache_file(file)
    _freeze(values)
    _MEMORY[file] = (stamp, values)
    return dict(values)


def _freeze(value: OracleValue) -> None:
    """Make cached arrays read-only: a check that modifies an expected value fails loudly."""
    if isinstance(value, dict):
        for item in value.values():
            _freeze(item)
    elif isinstance(value, np.ndarray):
        value.flags.writeable = False


def _read_cache_file(file: Path) -> dict[str, OracleValue]:
    try:
        with np.load(file, allow_pickle=False) as archive:
            layout = json.loads(str(archive["__layout__"]))
            arrays = {name: archive[name] for name in archive.files if name != "__layout__"}
    except (OSError, ValueError, KeyError, json.JSONDecodeError):
        return {}
    return {key: _rebuild(spec, arrays) for key, spec in layout.items()}


def _rebuild(spec: Any, arrays: dict[str, np.ndarray]) -> OracleValue:
    kind = spec["kind"]
    if kind == "dict":
        return {k: _rebuild(v, arrays) for k, v in spec["items"].items()}
    if kind == "array":
        return arrays[spec["name"]]
    if kind == "list":
        return [_rebuild(item, arrays) for item in spec["items"]]
    return spec["value"]


def _write_cache(file: Path, values: dict[str, OracleValue]) -> None:
    arrays: dict[str, np.ndarray] = {}

    def layout_of(value: OracleValue) -> dict[str, Any]:
        if isinstance(value, dict):
            return {"kind": "dict", "items": {k: layout_of(v) for k, v in value.items()}}
        if isinstance(value, np.ndarray):
            name = f"a{len(arrays)}"
            arrays[name] = value
            return {"kind": "array", "name": name}
        if isinstance(value, list):
            return {"kind": "list", "items": [layout_of(item) for item in value]}
        return {"kind": "value", "value": value}

    layout = {key: layout_of(value) for key, value in values.items()}
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            payload: dict[str, Any] = {"__layout__": np.asarray(json.dumps(layout)), **arrays}
            np.savez(out, allow_pickle=False, **payload)
        os.replace(temporary, file)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
