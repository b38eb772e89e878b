"""Checks for kmeans: scikit-learn's Lloyd k-means (from the same initial centres) is the oracle.

With an init array k-means is deterministic, so the learner's centres, labels, inertia and
iteration count are compared with `sklearn.cluster.KMeans(init=C0, n_init=1, algorithm="lloyd")`.
The oracle also records the centres after every round (runs with max_iter = 1, 2, ...), which
lets a failure say "your centres are the ones after 1 round" instead of only "values are off",
and it proves that each test's data has no near-tie (no point almost equidistant from two
centres, no centre shift almost equal to the threshold) so that rounding cannot flip a result.
With k-means++ the result is random, so it is checked for self-consistency and for an inertia
within INERTIA_FACTOR of scikit-learn's best of 10 runs, on blobs far apart.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_array,
    expect_same_object,
    expect_scalar,
    expect_true,
)

checks = LabChecks()

CENTRE_RTOL = 1e-9
CENTRE_ATOL = 1e-7  # times the spread of the data (sqrt of the total variance)
INERTIA_RTOL = 1e-7
INERTIA_FACTOR = 1.10
GAP = 1e-6  # the smallest allowed (second-nearest - nearest) squared distance, times the spread^2
SHIFT_MARGIN = 0.05  # a centre shift must be at least 5% away from the threshold


# -- data ---------------------------------------------------------------------------------------


def _blobs(seed, centres, sizes, spread):
    """Gaussian blobs around `centres`, stacked in order (sorted by blob)."""
    rng = np.random.default_rng(seed)
    parts = [
        np.asarray(c, dtype=float) + spread * rng.normal(size=(m, len(c)))
        for c, m in zip(centres, sizes, strict=True)
    ]
    return np.vstack(parts)


def _spread(X):
    return float(np.sqrt(np.var(np.asarray(X, dtype=float), axis=0).sum()))


# -- oracle -------------------------------------------------------------------------------------


def _sq_dists(X, C):
    # Differences first, then squares: exact enough to judge near-ties, unlike the expanded
    # |x|^2 - 2x.c + |c|^2 (and without importing SciPy into every check).
    X = np.asarray(X, dtype=float)
    C = np.asarray(C, dtype=float)
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def _sk_kmeans(X, C0, tol, max_iter):
    from sklearn.cluster import KMeans

    model = KMeans(
        n_clusters=len(C0),
        init=np.asarray(C0, dtype=float),
        n_init=1,
        algorithm="lloyd",
        tol=tol,
        max_iter=max_iter,
    )
    return model.fit(np.asarray(X, dtype=float))


def _sk_lloyd(X, C0, *, tol=1e-4, max_iter=300, X_new=None, gap=GAP):
    """scikit-learn's Lloyd from C0, the centres after each round, and a robustness proof."""
    X = np.asarray(X, dtype=float)
    C0 = np.asarray(C0, dtype=float)
    model = _sk_kmeans(X, C0, tol, max_iter)
    n_iter = int(model.n_iter_)
    # trace[m] = centres after m rounds (tol=0 only stops when the labels stop changing).
    trace = [C0] + [_sk_kmeans(X, C0, 0.0, m).cluster_centers_ for m in range(1, n_iter + 3)]
    # The data must have no near-ties along the way, or rounding could change the answer.
    scale = float(np.var(X, axis=0).sum())
    if len(C0) > 1:
        for m, centres in enumerate(trace[: n_iter + 1]):
            D = np.sort(_sq_dists(X, centres), axis=1)
            if np.min(D[:, 1] - D[:, 0]) <= gap * scale:
                raise RuntimeError(f"test data has a near-tie after {m} rounds")
    threshold = tol * float(np.mean(np.var(X, axis=0)))
    for m in range(1, min(n_iter, max_iter) + 1):
        shift = float(np.sum((trace[m] - trace[m - 1]) ** 2))
        if threshold == 0 and 0 < shift < 1e-12 * scale:
            raise RuntimeError(f"test data has a tiny nonzero centre shift at round {m}")
        if threshold > 0 and abs(shift - threshold) <= SHIFT_MARGIN * threshold:
            raise RuntimeError(f"test data has a centre shift close to the threshold at round {m}")
    result = {
        "centres": model.cluster_centers_,
        "labels": model.labels_.astype(np.int64),
        "inertia": float(model.inertia_),
        "n_iter": n_iter,
        "trace": np.stack(trace),
    }
    if X_new is not None:
        if len(C0) > 1:
            D = np.sort(_sq_dists(X_new, model.cluster_centers_), axis=1)
            if np.min(D[:, 1] - D[:, 0]) <= gap * scale:
                raise RuntimeError("new points have a near-tie")
        result["predicted"] = model.predict(np.asarray(X_new, dtype=float)).astype(np.int64)
    return result


def _sk_best_inertia(X, k):
    """scikit-learn's k-means++ with 10 restarts, keeping the best run."""
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=0)
    return float(model.fit(np.asarray(X, dtype=float)).inertia_)


# -- checks on a fitted model -------------------------------------------------------------------


def _fitted(model, X, k, *, what):
    """Fetch and type-check the fitted attributes; returns centres, labels."""
    n, d = np.shape(X)
    centres = model.cluster_centers_
    expect_true(
        isinstance(centres, np.ndarray) and centres.shape == (k, d),
        f"cluster_centers_ on {what}: expected an array of shape ({k}, {d}) (one row per "
        f"cluster), got {describe(centres)}",
    )
    expect_true(
        centres.dtype.kind == "f",
        f"cluster_centers_ on {what}: expected floating-point values, got dtype {centres.dtype}; "
        "centres are means, convert X with np.asarray(X, dtype=float)",
    )
    labels = model.labels_
    expect_true(
        isinstance(labels, np.ndarray) and labels.shape == (n,),
        f"labels_ on {what}: expected an array of shape ({n},) (one label per point), got "
        f"{describe(labels)}",
    )
    expect_true(
        labels.dtype.kind in "iu",
        f"labels_ on {what}: expected integer labels, got dtype {labels.dtype}",
    )
    expect_true(
        labels.min() >= 0 and labels.max() < k,
        f"labels_ on {what}: labels must lie in 0..{k - 1}, got values from {labels.min()} to "
        f"{labels.max()}",
    )
    return centres, labels


def _expect_nearest(labels, X, centres, *, name, previous=None):
    """Each label must name a nearest centre of `centres` (near-ties forgiven)."""
    D = _sq_dists(X, centres)
    n = len(labels)
    chosen = D[np.arange(n), labels]
    best = D.min(axis=1)
    slack = 1e-9 * (best + _spread(X) ** 2)
    bad = np.flatnonzero(chosen > best + slack)
    if not len(bad):
        return
    i = int(bad[0])
    message = (
        f"{name}: {len(bad)} of {n} points are not labelled with their nearest centre; first at "
        f"index {i}: label {labels[i]} (squared distance {chosen[i]:.6g}), but centre "
        f"{int(np.argmin(D[i]))} is nearer (squared distance {best[i]:.6g})"
    )
    if D.shape[1] > 1 and np.array_equal(labels, np.argmax(D, axis=1)):
        message += "; every label is the FARTHEST centre: use argmin, not argmax"
    elif previous is not None and np.array_equal(labels, np.argmin(_sq_dists(X, previous), axis=1)):
        message += (
            "; these are the labels of the centres before the last update: after the loop, "
            "assign the points again to the final centres"
        )
    raise CheckFailure(message)


def _diagnose_centres(got, X, labels, want):
    """A hint about why the centres are off, when a typical mistake explains them."""
    X = np.asarray(X, dtype=float)
    k = len(got)
    tol = 1e-6 * (_spread(X) + np.abs(got).max())
    trace = want["trace"]
    n_iter = want["n_iter"]
    for m, centres in enumerate(trace):
        if m != n_iter and np.allclose(got, centres, rtol=1e-9, atol=tol):
            if m == 0:
                return "; they are the initial centres: the update step never moved them"
            if m == 1:
                return (
                    f"; they are the centres after 1 round of assign + update, expected after "
                    f"{n_iter}: repeat the two steps until the stopping rule holds"
                )
            return (
                f"; they are the centres after {m} rounds of assign + update, expected after "
                f"{n_iter}: check the stopping rule (squared shift <= tol * mean per-feature "
                "variance of X, or max_iter rounds)"
            )
    groups = [X[labels == j] for j in range(k)]
    if all(len(g) for g in groups):
        sums = np.array([g.sum(axis=0) for g in groups])
        medians = np.array([np.median(g, axis=0) for g in groups])
        if np.allclose(got, sums, rtol=1e-6, atol=tol):
            return "; they are the SUMS of the points of each cluster: divide by the counts"
        if np.allclose(got, medians, rtol=1e-6, atol=tol):
            return "; they are the MEDIANS of each cluster: k-means moves each centre to the mean"
    low, high = X.min(axis=0), X.max(axis=0)
    outside = np.flatnonzero(np.any((got < low - tol) | (got > high + tol), axis=1))
    if len(outside):
        j = int(outside[0])
        return (
            f"; centre {j} lies outside the range of the data in some feature, which a mean of "
            "data points never does: did you divide the sum of each cluster by its count?"
        )
    return ""


def _diagnose_inertia(got, X, centres, labels):
    D = _sq_dists(X, centres)[np.arange(len(labels)), labels]
    if np.isclose(got, np.sqrt(D).sum(), rtol=1e-6):
        return "; it equals the sum of (unsquared) distances: inertia sums SQUARED distances"
    if np.isclose(got, D.mean(), rtol=1e-6):
        return "; it equals the MEAN squared distance: inertia is the sum, not the mean"
    return ""


def _expect_matches(model, X, want, *, what, check_n_iter=False, check_inertia=True):
    """Compare a model fitted from an init array with scikit-learn's run from the same centres."""
    X = np.asarray(X, dtype=float)
    k = want["centres"].shape[0]
    centres, labels = _fitted(model, X, k, what=what)
    trace = want["trace"]
    previous = trace[want["n_iter"] - 1] if want["n_iter"] >= 1 else None
    _expect_nearest(labels, X, centres, name=f"labels_ on {what}", previous=previous)
    spread = _spread(X)
    try:
        expect_array(
            centres,
            want["centres"],
            name=f"cluster_centers_ on {what}",
            rtol=CENTRE_RTOL,
            atol=CENTRE_ATOL * spread,
        )
    except CheckFailure as failure:
        raise CheckFailure(str(failure) + _diagnose_centres(centres, X, labels, want)) from None
    expect_array(labels, want["labels"], name=f"labels_ on {what}", integer=True)
    if check_inertia:
        _expect_inertia(model.inertia_, want["inertia"], X, centres, labels, what=what)
    if check_n_iter:
        _expect_n_iter(model.n_iter_, want["n_iter"], what=what)


def _expect_inertia(got, want, X, centres, labels, *, what):
    try:
        expect_scalar(got, want, name=f"inertia_ on {what}", rtol=INERTIA_RTOL)
    except CheckFailure as failure:
        hint = (
            "" if isinstance(got, np.ndarray) else _diagnose_inertia(float(got), X, centres, labels)
        )
        raise CheckFailure(str(failure) + hint) from None


def _expect_n_iter(got, want, *, what):
    expect_true(
        isinstance(got, int | np.integer) and not isinstance(got, bool),
        f"n_iter_ on {what}: expected an integer, got {describe(got)}",
    )
    if int(got) != want:
        extra = ""
        if int(got) == want + 1:
            extra = (
                "; one round too many: stop right after the round whose squared centre shift is "
                "<= tol * mean(np.var(X, axis=0)), and count that round"
            )
        elif int(got) == want - 1:
            extra = "; one round too few: count every round of assign + update, starting at 1"
        raise CheckFailure(
            f"n_iter_ on {what}: got {int(got)}, expected {want} rounds of assign + update{extra}"
        )


def _expect_good_clustering(model, X, k, best, *, what, blob_means):
    """A k-means++ fit: consistent attributes and an inertia close to the best known one."""
    X = np.asarray(X, dtype=float)
    centres, labels = _fitted(model, X, k, what=what)
    _expect_nearest(labels, X, centres, name=f"labels_ on {what}")
    own = float(_sq_dists(X, centres).min(axis=1).sum())
    _expect_inertia(
        model.inertia_, own, X, centres, labels, what=f"{what} (from your own cluster_centers_)"
    )
    if own > INERTIA_FACTOR * best:
        found = np.argmin(_sq_dists(blob_means, centres), axis=1)
        empty = k - len(set(found.tolist()))
        raise CheckFailure(
            f"inertia_ on {what}: got {own:.6g}, more than {INERTIA_FACTOR} x {best:.6g} (the best "
            f"of 10 scikit-learn runs); {empty} of the {k} well-separated blobs got no centre of "
            "its own, so several centres share a blob. k-means++ should spread the seeds: the "
            "first uniformly at random, each next one with probability proportional to the "
            "squared distance to the nearest seed so far (these points are sorted by blob, so "
            "taking the first k points puts every seed in the first blob)"
        )


# -- task 1: Lloyd's algorithm from given centres -----------------------------------------------


def _main_data():
    X = _blobs(11, [[0, 0], [6, 1], [2, 7]], [40, 30, 25], 1.5)
    return X, X[[3, 45, 46]]


@checks.test(task=1, name="fit returns self and sets the attributes with the right shapes")
def attributes(learner, oracle):
    X, C0 = _main_data()
    model = learner.KMeans(n_clusters=3, init=C0)
    expect_same_object(model.fit(X), model, name="fit(X)")
    _fitted(model, X, 3, what="3 blobs")
    _expect_n_iter_type(model.n_iter_)


def _expect_n_iter_type(got):
    expect_true(
        isinstance(got, int | np.integer) and not isinstance(got, bool) and got >= 1,
        f"n_iter_: expected a positive integer (the number of rounds run), got {describe(got)}"
        + (f" {got}" if isinstance(got, int | float) else ""),
    )


@checks.test(task=1, name="same centres and labels as scikit-learn from the same initial centres")
def matches_lloyd(learner, oracle):
    X, C0 = _main_data()
    want = oracle("main", lambda: _sk_lloyd(X, C0))
    model = learner.KMeans(n_clusters=3, init=C0).fit(X)
    _expect_matches(
        model, X, want, what="3 overlapping blobs in 2-D from given centres", check_inertia=False
    )


@checks.test(task=1, name="other shapes: 5 features and 6 clusters, one feature and 3 clusters")
def other_shapes(learner, oracle):
    X = _blobs(
        31,
        [[0, 0, 0, 0, 0], [5, 5, 0, 0, 0], [0, 5, 5, 5, 0], [5, 0, 0, 5, 5]],
        [50, 45, 40, 45],
        1.2,
    )
    C0 = X[[0, 1, 50, 95, 140, 141]]
    want = oracle("wide", lambda: _sk_lloyd(X, C0, tol=1e-3))
    model = learner.KMeans(n_clusters=6, init=C0, tol=1e-3).fit(X)
    _expect_matches(
        model, X, want, what="180 points, 5 features, 6 clusters, tol=1e-3", check_inertia=False
    )
    x = _blobs(32, [[-4], [0], [5]], [20, 25, 15], 0.8)
    c0 = x[[0, 1, 2]]
    want = oracle("line", lambda: _sk_lloyd(x, c0))
    model = learner.KMeans(n_clusters=3, init=c0).fit(x)
    _expect_matches(model, x, want, what="60 points, 1 feature, 3 clusters", check_inertia=False)


def _tol_data():
    X = _blobs(20, [[0, 0, 0], [4, 0, 1], [1, 4, 0], [3, 3, 3]], [50, 40, 45, 35], 1.6)
    return X, X[[0, 1, 2, 3]]


@checks.test(task=1, name="n_iter_ and the stopping rule (tol=1e-2, tol=0, max_iter=2)")
def stopping_rule(learner, oracle):
    X, C0 = _tol_data()
    for tol in (1e-2, 0.0):
        want = oracle(f"tol-{tol}", lambda tol=tol: _sk_lloyd(X, C0, tol=tol))
        model = learner.KMeans(n_clusters=4, init=C0, tol=tol).fit(X)
        _expect_matches(
            model,
            X,
            want,
            what=f"4 blobs in 3-D with tol={tol}",
            check_n_iter=True,
            check_inertia=False,
        )
    X, C0 = _main_data()
    want = oracle("maxiter", lambda: _sk_lloyd(X, C0, max_iter=2))
    model = learner.KMeans(n_clusters=3, init=C0, max_iter=2).fit(X)
    _expect_matches(
        model, X, want, what="3 blobs with max_iter=2", check_n_iter=True, check_inertia=False
    )


# -- task 2: inertia and predict ----------------------------------------------------------------


@checks.test(task=2, name="inertia_ is the sum of squared distances to the final centres")
def inertia(learner, oracle):
    X, C0 = _main_data()
    want = oracle("main", lambda: _sk_lloyd(X, C0))
    model = learner.KMeans(n_clusters=3, init=C0).fit(X)
    got = model.inertia_
    expect_true(
        isinstance(got, float | np.floating),
        f"inertia_ on 3 blobs: expected a single float, got {describe(got)}",
    )
    _expect_matches(model, X, want, what="3 blobs")
    X, C0 = _main_data()
    want = oracle("maxiter", lambda: _sk_lloyd(X, C0, max_iter=2))
    model = learner.KMeans(n_clusters=3, init=C0, max_iter=2).fit(X)
    _expect_matches(model, X, want, what="3 blobs with max_iter=2 (stopped before converging)")


@checks.test(task=2, name="predict gives the nearest centre for new points")
def predict(learner, oracle):
    X, C0 = _tol_data()
    X_new = np.random.default_rng(41).normal(size=(25, 3)) * 3 + 1.5
    want = oracle("predict", lambda: _sk_lloyd(X, C0, X_new=X_new))
    model = learner.KMeans(n_clusters=4, init=C0).fit(X)
    _expect_matches(model, X, want, what="4 blobs in 3-D")
    got = model.predict(X_new)
    expect_array(got, want["predicted"], name="predict(X_new) for 25 new points", integer=True)
    got = model.predict(X_new[:1])
    expect_array(got, want["predicted"][:1], name="predict on a single point", integer=True)


@checks.test(task=2, name="a point equally far from several centres goes to the lowest index")
def ties(learner, oracle):
    # Four square clusters whose means are exactly the corners; every value is a small integer,
    # so all distances are exact and the ties below are exact ties.
    corners = np.array([[0, 0], [4, 0], [0, 4], [4, 4]], dtype=float)
    offsets = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], dtype=float)
    X = (corners[:, None, :] + offsets[None, :, :]).reshape(-1, 2)
    X_new = np.array([[2, 2], [2, 0], [0, 2], [4, 2], [2, 4], [1, 1], [3, 3], [2, 2]], dtype=float)
    # Worked by hand: with the corners in this order, the nearest (lowest index on ties) is
    expected = {
        "corners in order (0,0), (4,0), (0,4), (4,4)": (corners, [0, 0, 0, 1, 2, 0, 3, 0]),
        "corners in order (4,4), (0,4), (4,0), (0,0)": (corners[::-1], [0, 2, 1, 0, 0, 3, 0, 0]),
    }
    for what, (init, want_labels) in expected.items():
        model = learner.KMeans(n_clusters=4, init=init).fit(X)
        expect_array(model.cluster_centers_, init, name=f"cluster_centers_ with {what}", atol=1e-12)
        got = model.predict(X_new)
        try:
            expect_array(got, np.array(want_labels), name=f"predict with {what}", integer=True)
        except CheckFailure as failure:
            raise CheckFailure(
                f"{failure}. The points are exactly equidistant from several centres "
                "(e.g. (2, 2) from all four): the lowest centre index must win, as np.argmin "
                "does"
            ) from None


# -- task 3: k-means++ --------------------------------------------------------------------------

BLOB_MEANS = np.array([[0, 0], [400, 0], [0, 400], [400, 400]], dtype=float)


def _pp_data():
    # Sorted by blob and far apart (400 units, spread 1): good seeding finds every blob.
    return _blobs(51, BLOB_MEANS, [30, 25, 35, 20], 1.0)


@checks.test(task=3, name="k-means++ finds 4 far-apart blobs (inertia within 1.10 of the best)")
def kmeans_plus_plus(learner, oracle):
    X = _pp_data()
    best = oracle("pp-best", lambda: _sk_best_inertia(X, 4))
    for seed in (0, 1, 2):
        model = learner.KMeans(n_clusters=4, random_state=seed).fit(X)
        _expect_good_clustering(
            model,
            X,
            4,
            best,
            what=f"4 blobs, init='k-means++', random_state={seed}",
            blob_means=BLOB_MEANS,
        )


@checks.test(task=3, name="k-means++ on 5 blobs in 3-D far from the origin, with duplicates")
def kmeans_plus_plus_offset(learner, oracle):
    means = np.array(
        [[0, 0, 0], [300, 0, 0], [0, 300, 0], [0, 0, 300], [300, 300, 300]], dtype=float
    )
    base = _blobs(52, means, [12, 10, 14, 9, 11], 1.0)
    X = np.repeat(base, np.tile([1, 3], len(base) // 2 + 1)[: len(base)], axis=0) + 1e4
    best = oracle("pp-offset-best", lambda: _sk_best_inertia(X, 5))
    model = learner.KMeans(n_clusters=5, init="k-means++", random_state=3).fit(X)
    _expect_good_clustering(
        model,
        X,
        5,
        best,
        what="5 blobs near (1e4, 1e4, 1e4), duplicated points",
        blob_means=means + 1e4,
    )


@checks.test(task=3, name="the same random_state gives the same result")
def reproducible(learner, oracle):
    X = _pp_data()
    first = learner.KMeans(n_clusters=4, random_state=7).fit(X)
    second = learner.KMeans(n_clusters=4, random_state=7).fit(X)
    a, b = first.cluster_centers_, second.cluster_centers_
    expect_array(
        b, a, name="cluster_centers_ of a second fit with random_state=7", atol=0.0, rtol=0.0
    )
    expect_array(
        second.labels_,
        first.labels_,
        name="labels_ of a second fit with random_state=7",
        integer=True,
    )
    best = oracle("pp-best", lambda: _sk_best_inertia(X, 4))
    model = learner.KMeans(n_clusters=4).fit(X)
    _expect_good_clustering(
        model, X, 4, best, what="4 blobs with random_state=None", blob_means=BLOB_MEANS
    )


# -- task 4: hard data --------------------------------------------------------------------------


@checks.test(task=4, name="data far from the origin (offset 1e6)")
def offset(learner, oracle):
    near = _blobs(61, [[0, 0, 0], [8, 0, 0], [0, 8, 3]], [30, 35, 25], 1.5)
    X = near + 1e6
    C0 = X[[0, 1, 60]]
    want = oracle("offset", lambda: _sk_lloyd(X, C0, gap=1e-3))
    model = learner.KMeans(n_clusters=3, init=C0).fit(X)
    what = "3 blobs near (1e6, 1e6, 1e6)"
    try:
        _expect_matches(model, X, want, what=what, check_n_iter=True)
    except CheckFailure as failure:
        # Only blame the offset when the same points near the origin are handled correctly.
        want_near = oracle("offset-near", lambda: _sk_lloyd(near, C0 - 1e6, gap=1e-3))
        model_near = learner.KMeans(n_clusters=3, init=C0 - 1e6).fit(near)
        try:
            _expect_matches(model_near, near, want_near, what=what, check_n_iter=True)
        except CheckFailure:
            raise failure from None
        raise CheckFailure(
            f"{failure}. The same points moved near the origin pass, so precision is lost to "
            "the offset: in ||x||^2 - 2 x.c + ||c||^2 each term is about 3e12 while the "
            "distances are about 10. Subtract a common vector (the mean of X) from the points "
            "and the centres first, and compute the inertia from the differences x - c"
        ) from None


@checks.test(task=4, name="duplicated points")
def duplicates(learner, oracle):
    base = _blobs(71, [[0, 0], [5, 0], [2, 4]], [20, 20, 20], 1.4)
    counts = np.random.default_rng(72).integers(1, 5, size=len(base))
    X = np.repeat(base, counts, axis=0)
    C0 = base[[0, 1, 2]]
    want = oracle("duplicates", lambda: _sk_lloyd(X, C0))
    model = learner.KMeans(n_clusters=3, init=C0).fit(X)
    _expect_matches(model, X, want, what="points repeated 1 to 4 times", check_n_iter=True)


@checks.test(task=4, name="integer input and a single cluster")
def integers_single_cluster(learner, oracle):
    X = np.random.default_rng(81).integers(-20, 20, size=(30, 2))
    C0 = np.array([[100.0, -50.0]])
    want = oracle("single", lambda: _sk_lloyd(X, C0))
    model = learner.KMeans(n_clusters=1, init=C0).fit(X)
    _expect_matches(model, X, want, what="integer X with n_clusters=1", check_n_iter=True)
    C0 = np.array([[-15, -15], [0, 0], [15, 15]])
    want = oracle("integers", lambda: _sk_lloyd(X, C0))
    model = learner.KMeans(n_clusters=3, init=C0).fit(X)
    _expect_matches(model, X, want, what="integer X and integer init, 3 clusters")


# -- speed --------------------------------------------------------------------------------------


@checks.performance(sizes=[500, 1000, 2000, 4000, 8000])
def speed(learner, n, rng):
    # Uniform data has no clusters, so Lloyd keeps moving: exactly max_iter rounds at every n.
    X = rng.uniform(size=(n, 4))
    learner.KMeans(n_clusters=8, init=X[:8], max_iter=10, tol=0.0).fit(X)


def _library():
    from sklearn.cluster import KMeans

    return {"KMeans": lambda **kw: KMeans(n_init=1, algorithm="lloyd", **kw)}


def _score(learner, n, rng):
    X = rng.uniform(size=(n, 4))
    return float(learner.KMeans(n_clusters=8, init=X[:8], max_iter=10, tol=0.0).fit(X).inertia_)


checks.baseline(_library, score=_score, note="Lloyd, one init; score: inertia")
