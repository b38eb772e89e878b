"""Checks for pairwise-distances: SciPy's cdist, computed pair by pair, is the oracle."""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import CheckFailure, expect_array

checks = LabChecks()

RTOL = 1e-9


def _sqeuclidean(A, B):
    from scipy.spatial.distance import cdist

    return cdist(np.asarray(A, dtype=float), np.asarray(B, dtype=float), "sqeuclidean")


def _check(learner, oracle, key, A, B, *, what):
    want = oracle(key, lambda: _sqeuclidean(A, B))
    got = learner.pairwise_sq_dists(A, B)
    # Absolute allowance scaled by the data's spread (not its offset), so that precision lost to
    # a large common offset is not forgiven.
    spread = float(np.var(np.vstack([A, B]).astype(float), axis=0).sum()) if len(A) and len(B) else 1.0
    got = expect_array(got, want, name=f"pairwise_sq_dists on {what}", rtol=RTOL, atol=1e-9 * max(spread, 1.0))
    if got.size and np.min(got) < 0:
        index = np.unravel_index(int(np.argmin(got)), got.shape)
        raise CheckFailure(
            f"pairwise_sq_dists on {what}: squared distances are never negative, got "
            f"{got[index]:.3g} at index [{index[0]}, {index[1]}]; clip with np.maximum(D, 0)"
        )


@checks.test(task=1, name="random points, n != m")
def random_points(learner, oracle):
    rng = np.random.default_rng(1)
    A = rng.normal(size=(7, 3))
    B = rng.normal(size=(5, 3))
    _check(learner, oracle, "random", A, B, what="A (7, 3) and B (5, 3)")


@checks.test(task=1, name="one dimension and many dimensions")
def dimensions(learner, oracle):
    rng = np.random.default_rng(2)
    _check(learner, oracle, "d1", rng.normal(size=(6, 1)), rng.normal(size=(9, 1)), what="d = 1")
    _check(
        learner, oracle, "d50", rng.normal(size=(11, 50)), rng.normal(size=(4, 50)), what="d = 50"
    )


@checks.test(task=1, name="a point against itself is at distance 0")
def self_distance(learner, oracle):
    rng = np.random.default_rng(3)
    A = rng.normal(size=(8, 4)) * 3
    _check(learner, oracle, "self", A, A, what="A against itself")


@checks.test(task=2, name="points far from the origin (offset 1e6)")
def large_offset(learner, oracle):
    rng = np.random.default_rng(4)
    offset = np.full(5, 1e6)
    A = rng.normal(size=(20, 5)) + offset
    B = rng.normal(size=(13, 5)) + offset
    _check(learner, oracle, "offset", A, B, what="points near (1e6, ..., 1e6)")


@checks.test(task=2, name="duplicated points never give negative distances")
def duplicates(learner, oracle):
    rng = np.random.default_rng(5)
    base = rng.normal(size=(4, 6)) * 1e3 + 5e4
    A = np.repeat(base, 3, axis=0)
    _check(learner, oracle, "duplicates", A, base, what="duplicated points")


@checks.test(task=3, name="integer input gives a float result")
def integers(learner, oracle):
    rng = np.random.default_rng(6)
    A = rng.integers(-50_000, 50_000, size=(6, 3))
    B = rng.integers(-50_000, 50_000, size=(4, 3))
    _check(learner, oracle, "integers", A, B, what="integer arrays")


@checks.test(task=3, name="empty sets and a single point")
def edges(learner, oracle):
    rng = np.random.default_rng(7)
    B = rng.normal(size=(3, 2))
    got = learner.pairwise_sq_dists(np.zeros((0, 2)), B)
    expect_array(got, np.zeros((0, 3)), name="pairwise_sq_dists with an empty A (0, 2)")
    got = learner.pairwise_sq_dists(B, np.zeros((0, 2)))
    expect_array(got, np.zeros((3, 0)), name="pairwise_sq_dists with an empty B (0, 2)")
    _check(learner, oracle, "single", B[:1], B, what="a single point A (1, 2)")


@checks.performance(sizes=[100, 200, 400, 800, 1600])
def speed(learner, n, rng):
    learner.pairwise_sq_dists(rng.normal(size=(n, 16)), rng.normal(size=(n, 16)))


def _library():
    from sklearn.metrics.pairwise import euclidean_distances

    return {"pairwise_sq_dists": lambda A, B: euclidean_distances(A, B, squared=True)}


checks.baseline(_library, note="scikit-learn's euclidean_distances(squared=True)")
