"""Checks for dbscan: scikit-learn's DBSCAN (algorithm="brute") is the oracle.

Clusters are compared up to renaming (`match_labels`), noise must be -1 at exactly the same
points, and `core_sample_indices_` must be equal. A border point within eps of core points of
SEVERAL clusters is ambiguous (scikit-learn gives it to the cluster its search reaches first):
such points are left out of the partition comparison, and are only required to carry the label
of one of the clusters that reach them. The hand-made cases use integer coordinates (and integer
eps), so the distances that equal eps exactly are exact with any formula; random cases are
checked in the oracle for pairs whose distance is within a relative 1e-8 of eps, where rounding
could decide.

The oracle also computes what the usual mistakes give (the point itself not counted, distance
< eps, expansion through border points, border points left as noise), so a failure can name
the mistake.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_same_object,
    match_labels,
)

checks = LabChecks()

EPS_GAP = 1e-8
"""In random data, no pair has |d^2 - eps^2| <= EPS_GAP * eps^2."""


# -- data -----------------------------------------------------------------------------------------


def _balance(X, far=100):
    """Append one far-away point so that every column mean is an integer: then subtracting the
    mean keeps integer coordinates integer, and every formula for the distance is exact."""
    X = np.asarray(X, dtype=np.int64)
    n = len(X) + 1
    top = X.max(axis=0) + far
    # The new point p: (sum + p) divisible by n, and p >= top (far from everything).
    p = top + (-(X.sum(axis=0) + top)) % n
    return np.vstack([X, p])


# Hand-made, eps = 1 (every neighbouring pair below is at distance exactly 1).
GRID = np.array(
    [
        [0, 0],  # 0: centre of a plus sign: 5 points within eps (itself and 4 arms)
        [1, 0],  # 1-4: the arms; (1, 0) also has (2, 0) within eps: 3 points
        [-1, 0],
        [0, 1],
        [0, -1],
        [2, 0],  # 5: within eps of the arm (1, 0) only, 2 away from the centre
        [10, 0],  # 6: centre of a T: 4 points within eps
        [9, 0],  # 7-9: the ends of the T
        [11, 0],
        [10, 1],
        [20, 20],  # 10: alone
        [5, 5],  # 11-12: a pair
        [5, 6],
        [26, 10],  # 13: alone; it makes the column means the integers (7, 3)
    ]
)
GRID_CASES = {
    # min_samples: (labels up to renaming, core_sample_indices_), worked out by hand
    4: ([0, 0, 0, 0, 0, -1, 1, 1, 1, 1, -1, -1, -1, -1], [0, 6]),
    3: ([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1], [0, 1, 6]),
    2: ([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, -1, 2, 2, -1], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]),
    1: ([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 3, 3, 4], list(range(14))),
}

# Hand-made, eps = 5, on 3-4-5 triangles.
TRIANGLES = np.array(
    [
        [0, 0],  # 0: (3, 4), (-3, 4), (4, -3), (3, -4) are exactly 5 away: 5 points within eps
        [3, 4],
        [-3, 4],
        [4, -3],
        [20, 20],  # 4: (23, 24), (17, 24), (20, 15) are exactly 5 away: 4 points within eps
        [23, 24],
        [17, 24],
        [20, 15],
        [3, -4],
        [43, 46],  # 9: alone; it makes the column means the integers (13, 13)
    ]
)
TRIANGLE_CASES = {
    4: ([0, 0, 0, 0, 1, 1, 1, 1, 0, -1], [0, 4]),
    5: ([0, 0, 0, 0, -1, -1, -1, -1, 0, -1], [0]),
}


def _blobs(seed, centres, sizes, spreads, n_noise=0, box=None):
    rng = np.random.default_rng(seed)
    parts = [
        np.asarray(c, dtype=float) + s * rng.normal(size=(m, len(c)))
        for c, m, s in zip(centres, sizes, spreads, strict=True)
    ]
    if n_noise:
        low, high = box
        parts.append(rng.uniform(low, high, size=(n_noise, len(centres[0]))))
    X = np.vstack(parts)
    return X[rng.permutation(len(X))]


# -- oracle ---------------------------------------------------------------------------------------


def _sq_dists(X):
    from scipy.spatial.distance import cdist

    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    return cdist(Xc, Xc, "sqeuclidean")


def _sk(X, eps, min_samples):
    from sklearn.cluster import DBSCAN

    model = DBSCAN(eps=eps, min_samples=min_samples, algorithm="brute").fit(X)
    return model.labels_.astype(np.int64), model.core_sample_indices_.astype(np.int64)


def _chain(near, core):
    """Labels when the search also continues from border points (connected components of the
    eps-graph that contain a core point)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    _, comp = connected_components(csr_matrix(near), directed=False)
    labels = np.full(len(near), -1, dtype=np.int64)
    keep = np.unique(comp[core])
    for new, c in enumerate(keep):
        labels[comp == c] = new
    return labels


def _dbscan(X, eps, min_samples, *, exact=False):
    """The expected clustering, which clusters reach each point, and the usual mistakes."""
    X = np.asarray(X, dtype=float)
    D = _sq_dists(X)
    if not exact:
        close = np.abs(D - eps * eps) <= EPS_GAP * eps * eps
        if close.any():
            raise RuntimeError("test data: a pair of points at almost exactly eps")
    labels, core_idx = _sk(X, eps, min_samples)
    near = eps * eps >= D
    core = np.zeros(len(X), dtype=bool)
    core[core_idx] = True
    if not np.array_equal(core, near.sum(axis=1) >= min_samples):
        raise RuntimeError("test data: the oracle's neighbourhoods disagree with scikit-learn")
    k = int(labels.max()) + 1
    # reach[i, c]: point i is within eps of a core point of cluster c (or is one).
    reach = np.zeros((len(X), max(k, 1)), dtype=np.int64)
    for c in range(k):
        members = core & (labels == c)
        reach[:, c] = near[:, members].any(axis=1)
    result = {"labels": labels, "core": core_idx, "reach": reach}
    result["self-labels"], result["self-core"] = _sk(X, eps, min_samples + 1)
    result["strict-labels"], result["strict-core"] = _sk(X, np.nextafter(eps, 0), min_samples)
    result["chain-labels"] = _chain(near, core)
    result["border-noise-labels"] = np.where(core, labels, -1)
    return result


MISTAKES = {
    "self": "these are the results when a point does not count itself: min_samples counts "
    "every point within eps INCLUDING the point itself (its distance to itself is 0)",
    "strict": "these are the results for distance < eps: the neighbourhood is distance <= eps, "
    "so points at exactly eps are neighbours",
    "chain": "looks like the search went on from border points: only CORE points pass the "
    "cluster on. A border point joins the cluster but its own neighbours are not added through "
    "it, so two clusters touching the same border point stay apart and a point next to a border "
    "point (but not to a core point) stays noise",
    "border-noise": "the border points are labelled noise: every point within eps of a core "
    "point belongs to that core point's cluster, core or not",
}


# -- comparisons ----------------------------------------------------------------------------------


def _same_partition(got, want):
    """Same noise and the same clusters up to renaming (for the diagnosis only)."""
    if not (isinstance(got, np.ndarray) and got.shape == want.shape and got.dtype.kind in "iu"):
        return False
    if not np.array_equal(got == -1, want == -1):
        return False
    pairs = set(zip(got[want != -1].tolist(), want[want != -1].tolist(), strict=True))
    return len(pairs) == len({g for g, _ in pairs}) == len({w for _, w in pairs})


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def _diagnose(got, want, key, core=None):
    names = ("chain", "border-noise", "self", "strict")
    if key == "labels" and core is not None and np.array_equal(core, want["core"]):
        names = ("chain", "border-noise")  # the core points are right: not a neighbourhood bug
    for name in names:
        alternative = want.get(f"{name}-{key}")
        if alternative is None:
            continue
        if key == "core":
            same = (
                isinstance(got, np.ndarray)
                and got.ndim == 1
                and np.array_equal(np.sort(got), alternative)
            )
        else:
            same = _same_partition(got, alternative)
        if same and not (key == "labels" and _same_partition(want["labels"], alternative)):
            return MISTAKES[name]
    return ""


def _expect_core(got, want, *, what):
    name = f"core_sample_indices_ {what}"
    expected = np.asarray(want["core"])
    if isinstance(got, list | tuple):
        got = np.asarray(got, dtype=np.int64) if len(got) else np.zeros(0, dtype=np.int64)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a NumPy array of indices, got {describe(got)}")
    if got.ndim != 1:
        raise CheckFailure(f"{name}: expected a 1-D array of indices, got shape {got.shape}")
    if got.dtype.kind not in "iu" and not (got.size == 0 and got.dtype.kind in "fb"):
        if got.dtype.kind == "b":
            raise CheckFailure(
                f"{name}: expected the INDICES of the core points (np.flatnonzero of the mask), "
                "got a boolean mask"
            )
        raise CheckFailure(f"{name}: expected integer indices, got dtype {got.dtype}")
    if got.size and np.array_equal(np.sort(got), expected) and not np.array_equal(got, expected):
        raise CheckFailure(f"{name}: the right indices, but not sorted ascending: {got.tolist()}")
    if not np.array_equal(got, expected):
        extra = sorted(set(got.tolist()) - set(expected.tolist()))
        missing = sorted(set(expected.tolist()) - set(got.tolist()))
        message = f"{name}: expected {_plural(len(expected), 'core point')}, got {len(got)}"
        if missing:
            message += f"; missing {_short(missing)}"
        if extra:
            message += f"; not core: {_short(extra)}"
        hint = _diagnose(got, want, "core")
        raise CheckFailure(f"{message}; {hint}" if hint else message)


def _short(items, limit=8):
    shown = ", ".join(str(i) for i in items[:limit])
    return f"[{shown}{', ...' if len(items) > limit else ''}]"


def _expect_labels(got, want, *, what, core=None):
    name = f"labels_ {what}"
    expected = want["labels"]
    n = len(expected)
    if isinstance(got, list | tuple):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a NumPy array of {n} labels, got {describe(got)}")
    if got.shape != (n,):
        raise CheckFailure(f"{name}: expected shape ({n},), got {got.shape}")
    if got.dtype.kind not in "iu":
        raise CheckFailure(f"{name}: expected integer labels, got dtype {got.dtype}")
    try:
        _check_labels(got, want, name)
    except CheckFailure as failure:
        hint = _diagnose(got, want, "labels", core)
        if hint:
            raise CheckFailure(f"{failure}; {hint}") from None
        raise


def _check_labels(got, want, name):
    expected = want["labels"]
    noise = expected == -1
    if not np.any(got == -1) and noise.any():
        shifted = np.array_equal(got == 0, noise) and (
            not np.any(got < 0) and _same_partition(got - 1, expected)
        )
        raise CheckFailure(
            f"{name}: expected -1 (noise) for {_plural(int(noise.sum()), 'point')}, got no -1 "
            "at all"
            + (
                "; your noise is labelled 0 and the clusters 1, 2, ...: noise must be -1, and "
                "the clusters are numbered from 0"
                if shifted
                else ""
            )
        )
    wrong_noise = np.flatnonzero((got == -1) != noise)
    if len(wrong_noise):
        i = int(wrong_noise[0])
        kind = "noise (-1)" if noise[i] else "in a cluster"
        raise CheckFailure(
            f"{name}: noise differs at {_plural(len(wrong_noise), 'point')}; first at index "
            f"{i}: "
            f"expected it {kind}, got label {int(got[i])}"
        )
    clusters = sorted(set(got[~noise].tolist()))
    k = int(expected.max()) + 1
    if clusters != list(range(len(clusters))):
        raise CheckFailure(
            f"{name}: the cluster labels should be 0, 1, ..., K-1 (any order); got the labels "
            f"{_short(clusters)}"
        )
    if len(clusters) != k:
        raise CheckFailure(f"{name}: expected {k} clusters, got {len(clusters)}")
    reach = want["reach"]
    ambiguous = (reach.sum(axis=1) > 1) & ~np.isin(np.arange(len(expected)), want["core"])
    graded = ~noise & ~ambiguous
    mapping = match_labels(got[graded], expected[graded], name=f"{name} (non-noise points)")
    for i in np.flatnonzero(ambiguous & ~noise):
        allowed = set(np.flatnonzero(reach[i]).tolist())
        label = mapping.get(int(got[i]))
        if label not in allowed:
            raise CheckFailure(
                f"{name}: point {i} is a border point within eps of core points of "
                f"{len(allowed)} clusters, so any of them is fine, but its label {int(got[i])} "
                "is none of them"
            )


def _expect_model(model, want, *, what):
    core = model.core_sample_indices_
    _expect_core(core, want, what=what)
    _expect_labels(model.labels_, want, what=what, core=core)


def _hand(X, cases, eps, min_samples):
    """The hand-worked answer, confirmed by scikit-learn, with the usual mistakes."""
    result = _dbscan(X, eps, min_samples, exact=True)
    labels, core = cases[min_samples]
    if not (_same_partition(np.array(labels), result["labels"])) or list(result["core"]) != core:
        raise RuntimeError("scikit-learn disagrees with the hand-worked clustering")
    return result


# -- task 1: neighbourhoods and core points -------------------------------------------------------


@checks.test(task=1, name="fit returns self; core points on the hand-made grid (eps = 1)")
def grid_core(learner, oracle):
    want = oracle("grid-4", lambda: _hand(GRID, GRID_CASES, 1.0, 4))
    model = learner.DBSCAN(eps=1.0, min_samples=4)
    expect_same_object(model.fit(GRID), model, name="fit(X)")
    _expect_core(
        model.core_sample_indices_,
        want,
        what="on the README's grid, eps=1, min_samples=4 (expected [0, 6])",
    )


@checks.test(task=1, name="min_samples counts the point itself (min_samples = 1, 2, 3)")
def grid_min_samples(learner, oracle):
    for m in (3, 2, 1):
        want = oracle(f"grid-{m}", lambda m=m: _hand(GRID, GRID_CASES, 1.0, m))
        model = learner.DBSCAN(eps=1.0, min_samples=m).fit(GRID)
        what = f"on the README's grid, eps=1, min_samples={m} (expected {GRID_CASES[m][1]})"
        _expect_core(model.core_sample_indices_, want, what=what)


@checks.test(task=1, name="points at exactly eps are neighbours (3-4-5 triangles, eps = 5)")
def triangles(learner, oracle):
    for m in (4, 5):
        want = oracle(f"triangles-{m}", lambda m=m: _hand(TRIANGLES, TRIANGLE_CASES, 5.0, m))
        model = learner.DBSCAN(eps=5.0, min_samples=m).fit(TRIANGLES)
        what = f"on the README's triangles, eps=5, min_samples={m}"
        _expect_model(model, want, what=what)


# -- task 2: clusters -----------------------------------------------------------------------------


@checks.test(task=2, name="labels_ on the hand-made grid: border points join, the next is noise")
def grid_labels(learner, oracle):
    for m in (4, 3, 2, 1):
        want = oracle(f"grid-{m}", lambda m=m: _hand(GRID, GRID_CASES, 1.0, m))
        model = learner.DBSCAN(eps=1.0, min_samples=m).fit(GRID)
        what = f"on the README's grid, eps=1, min_samples={m} (expected {GRID_CASES[m][0]})"
        _expect_labels(model.labels_, want, what=what)


def _two_blobs():
    return _blobs(1, [[0, 0], [4, 1]], [60, 50], [0.5, 0.6], n_noise=25, box=([-3, -3], [7, 5]))


@checks.test(task=2, name="two blobs with noise; fit_predict returns the same labels")
def two_blobs(learner, oracle):
    X = _two_blobs()
    want = oracle("two-blobs", lambda: _dbscan(X, 0.5, 5))
    model = learner.DBSCAN(eps=0.5, min_samples=5).fit(X)
    what = "on 2 blobs + 25 uniform noise points (135 points, eps=0.5, min_samples=5)"
    _expect_model(model, want, what=what)
    got = learner.DBSCAN(eps=0.5, min_samples=5).fit_predict(X)
    _expect_labels(got, want, what=f"returned by fit_predict {what}")


@checks.test(task=2, name="clusters of different densities (3-D), min_samples 5 and 10")
def densities(learner, oracle):
    X = _blobs(
        2,
        [[0, 0, 0], [5, 0, 0], [0, 6, 0]],
        [80, 60, 40],
        [0.25, 0.6, 1.2],
        n_noise=30,
        box=([-3, -3, -3], [8, 9, 3]),
    )
    for m in (5, 10):
        want = oracle(f"densities-{m}", lambda m=m: _dbscan(X, 0.7, m))
        model = learner.DBSCAN(eps=0.7, min_samples=m).fit(X)
        what = f"on 3 blobs of spreads 0.25, 0.6, 1.2 in 3-D with noise, eps=0.7, min_samples={m}"
        _expect_model(model, want, what=what)


@checks.test(task=2, name="a border point within eps of two clusters may join either")
def ambiguous(learner, oracle):
    # Two plus signs with centres (0, 0) and (0, 2); (0, 1) is within 1 of both centres but has
    # only 3 points within eps (itself and the two centres): a border point of both clusters.
    X = np.array(
        [
            [0, 1],  # 0: the shared border point
            [0, 0],  # 1-4: the first plus sign, centre (0, 0)
            [-1, 0],
            [1, 0],
            [0, -1],
            [0, 2],  # 5-8: the second plus sign, centre (0, 2)
            [-1, 2],
            [1, 2],
            [0, 3],
            [5, 5],  # 9: alone
            [6, 8],  # 10: alone; it makes the column means the integers (1, 2)
        ]
    )

    def compute():
        result = _dbscan(X, 1.0, 4, exact=True)
        if int(result["reach"][0].sum()) != 2:
            raise RuntimeError("test data: point 0 should be reached by both clusters")
        return result

    want = oracle("ambiguous", compute)
    for order in (np.arange(11), np.r_[5:9, 0:5, 9, 10]):
        model = learner.DBSCAN(eps=1.0, min_samples=4).fit(X[order])
        position = np.argsort(order)  # where each original point went
        reordered = {
            key: np.sort(position[value]) if key.endswith("core") else value[order]
            for key, value in want.items()
        }
        what = "on two plus signs sharing the border point (0, 1)" + (
            "" if order[0] == 0 else " (points listed in another order)"
        )
        _expect_model(model, reordered, what=what)


# -- task 3: hard data ----------------------------------------------------------------------------


@checks.test(task=3, name="noise everywhere: all labels -1 and no core points")
def all_noise(learner, oracle):
    X = np.random.default_rng(3).uniform(0, 50, size=(40, 2))
    want = oracle("all-noise", lambda: _dbscan(X, 0.5, 3))
    if len(want["core"]):
        raise RuntimeError("test data: expected no core points")
    model = learner.DBSCAN(eps=0.5, min_samples=3).fit(X)
    _expect_model(model, want, what="on 40 sparse points (eps=0.5, min_samples=3)")


@checks.test(task=3, name="one cluster holding every point (1-D), and a single point")
def one_cluster(learner, oracle):
    x = np.sort(np.random.default_rng(4).uniform(0, 10, size=50))[:, None]
    want = oracle("one-cluster", lambda: _dbscan(x, 1.0, 2))
    model = learner.DBSCAN(eps=1.0, min_samples=2).fit(x)
    _expect_model(model, want, what="on 50 points in [0, 10] in 1-D (eps=1, min_samples=2)")
    model = learner.DBSCAN(eps=1.0, min_samples=1).fit(np.array([[3.0, 4.0]]))
    single = {
        "labels": np.array([0]),
        "core": np.array([0]),
        "reach": np.ones((1, 1), int),
        "self-labels": np.array([-1]),
        "self-core": np.zeros(0, int),
    }
    _expect_model(model, single, what="on a single point with min_samples=1 (its own cluster)")
    model = learner.DBSCAN(eps=1.0, min_samples=2).fit(np.array([[3.0, 4.0]]))
    single = {"labels": np.array([-1]), "core": np.zeros(0, int), "reach": np.zeros((1, 1), int)}
    _expect_model(model, single, what="on a single point with min_samples=2 (noise)")


@checks.test(task=3, name="repeated points count once per copy (integer data)")
def duplicates(learner, oracle):
    rng = np.random.default_rng(5)
    base = np.vstack([rng.integers(0, 6, size=(25, 2)), rng.integers(20, 40, size=(15, 2))])
    counts = rng.integers(1, 4, size=len(base))
    X = _balance(np.repeat(base, counts, axis=0))
    for m in (3, 4):
        want = oracle(f"duplicates-{m}", lambda m=m: _dbscan(X, 1.0, m, exact=True))
        model = learner.DBSCAN(eps=1.0, min_samples=m).fit(X)
        what = f"on integer points repeated 1 to 3 times (eps=1, min_samples={m})"
        _expect_model(model, want, what=what)


@checks.test(task=3, name="data far from the origin (offset 1e7)")
def offset(learner, oracle):
    near = _two_blobs()
    shift = np.array([1e7, -3e7])
    X = near + shift
    # The same points moved to the origin, exactly (x - shift is exact for x near shift).
    moved = X - shift
    want = oracle("offset", lambda: _dbscan(moved, 0.5, 5))
    model = learner.DBSCAN(eps=0.5, min_samples=5).fit(X)
    what = "on the two blobs moved to (1e7, -3e7)"
    try:
        _expect_model(model, want, what=what)
    except CheckFailure as failure:
        model_near = learner.DBSCAN(eps=0.5, min_samples=5).fit(moved)
        try:
            _expect_model(model_near, want, what=what)
        except CheckFailure:
            raise failure from None
        raise CheckFailure(
            f"{failure}. The same points near the origin pass, so precision is lost to the "
            "offset: in ||a||^2 - 2 a.b + ||b||^2 each term is about 1e15 while eps^2 is "
            "0.25. Subtract a common vector (the mean of X) from the points first"
        ) from None


# -- performance ----------------------------------------------------------------------------------


def _perf_data(n, rng):
    # About 4 points per unit area whatever n: the box grows with n.
    side = np.sqrt(n / 4.0)
    return rng.uniform(0.0, side, size=(n, 2))


@checks.performance(sizes=[200, 400, 800, 1600, 3200])
def speed(learner, n, rng):
    learner.DBSCAN(eps=0.5, min_samples=4).fit(_perf_data(n, rng))


def _library():
    from sklearn.cluster import DBSCAN

    return {
        "DBSCAN": lambda eps=0.5, min_samples=5: DBSCAN(
            eps=eps, min_samples=min_samples, algorithm="brute"
        )
    }


def _score(learner, n, rng):
    labels = learner.DBSCAN(eps=0.5, min_samples=4).fit(_perf_data(n, rng)).labels_
    return float(np.mean(labels == -1))


checks.baseline(
    _library, score=_score, note="scikit-learn DBSCAN(algorithm='brute'); score = noise share"
)
