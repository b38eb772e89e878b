"""Checks for knn: scikit-learn's brute-force neighbours are the oracle, hand-made cases the ties.

`KNeighborsClassifier(algorithm="brute")` and `KNeighborsRegressor(algorithm="brute")` give the
expected predictions wherever the set of k nearest neighbours is unambiguous; every such test's
data is proven (in the oracle) to have a clear gap between the k-th and the (k+1)-th distance,
unless the points on both sides are exact copies with the same label. Vote ties are allowed in
those data: scikit-learn gives a tied vote to the smallest label, as the README asks. Exact ties
in distance are only in the hand-made cases, on small integers with integer means (exact with
any formula for the distance), with the expected answers worked out below.

The oracle also computes what the usual mistakes give (k - 1 or k + 1 neighbours, skipping the
nearest neighbour, the farthest points, other tie rules), so a failure can name the mistake.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_array,
    expect_same_object,
)

checks = LabChecks()

PROBA_ATOL = 1e-12
REG_RTOL = 1e-9
GAP = 1e-7
"""The k-th and (k+1)-th squared distances of every oracle case differ by more than GAP * s^2."""

BIG_QUERIES = 2500
BIG_TRAIN = 16000
MEMORY_MB = 256  # lab.yaml: limits.memory-mb


# -- data -----------------------------------------------------------------------------------------


def _blobs(seed, centres, sizes, spread):
    """Gaussian blobs around `centres` in shuffled order; returns X and the blob index."""
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [
            np.asarray(c, dtype=float) + spread * rng.normal(size=(m, len(c)))
            for c, m in zip(centres, sizes, strict=True)
        ]
    )
    codes = np.repeat(np.arange(len(sizes)), sizes)
    order = rng.permutation(len(X))
    return X[order], codes[order]


def _queries(seed, m, low, high):
    return np.random.default_rng(seed).uniform(low, high, size=(m, len(low)))


def _main_data():
    """150 points of 3 overlapping classes in 2-D, and 60 new points around them."""
    X, codes = _blobs(1, [[0, 0], [3, 0], [1.5, 2.5]], [50, 55, 45], 1.3)
    return X, codes, _queries(2, 60, [-2.0, -2.0], [5.0, 4.5])


def _spread(X):
    return float(np.sqrt(np.var(np.asarray(X, dtype=float), axis=0).sum()))


# -- oracle ---------------------------------------------------------------------------------------


def _order(X, Q, n_neighbors):
    """scikit-learn's neighbour indices (nearest first) and distances."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=n_neighbors, algorithm="brute").fit(X)
    dist, idx = nn.kneighbors(Q)
    return idx, dist


def _check_gap(X, targets, Q, k):
    """Refuse test data whose k nearest neighbours are ambiguous (a near-tie at the k-th)."""
    from scipy.spatial.distance import cdist

    X = np.asarray(X, dtype=float)
    Q = np.asarray(Q, dtype=float)
    if k >= len(X):
        return
    centre = X.mean(axis=0)
    D = cdist(Q - centre, X - centre, "sqeuclidean")
    tol = GAP * max(_spread(X), 1e-3) ** 2
    S = np.sort(D, axis=1)
    for r in np.flatnonzero(S[:, k] - S[:, k - 1] <= tol):
        group = np.flatnonzero(np.abs(D[r] - S[r, k - 1]) <= tol)
        same_rows = np.all(X[group] == X[group[0]])
        same_targets = np.all(targets[group] == targets[group[0]])
        if not (same_rows and same_targets):
            raise RuntimeError(f"test data: query {r} has a near-tie at the {k}-th neighbour")


def _vote(neighbour_codes, n_classes, rule="smallest"):
    """Class codes chosen by majority among neighbour_codes (m, j), with a tie `rule`."""
    m = len(neighbour_codes)
    votes = np.zeros((m, n_classes))
    np.add.at(
        votes, (np.repeat(np.arange(m), neighbour_codes.shape[1]), neighbour_codes.ravel()), 1
    )
    best = votes.max(axis=1, keepdims=True)
    tied = votes == best
    if rule == "smallest":
        return np.argmax(tied, axis=1), votes / neighbour_codes.shape[1]
    if rule == "largest":
        return n_classes - 1 - np.argmax(tied[:, ::-1], axis=1), None
    # "nearest": the first neighbour (nearest first) whose class is among the tied ones.
    first = np.argmax(np.take_along_axis(tied, neighbour_codes, axis=1), axis=1)
    return neighbour_codes[np.arange(m), first], None


def _classify(X, codes, Q, k, *, check=True):
    """The expected predictions (class codes) and probabilities, and the usual mistakes."""
    from sklearn.neighbors import KNeighborsClassifier

    X = np.asarray(X, dtype=float)
    Q = np.asarray(Q, dtype=float)
    if check:
        _check_gap(X, codes, Q, k)
    c = int(codes.max()) + 1
    model = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X, codes)
    result = {
        "pred": model.predict(Q).astype(np.int64),
        "proba": model.predict_proba(Q),
    }
    order, _ = _order(X, Q, len(X))
    wrong = {
        "k+1": order[:, : k + 1],
        "skip-first": order[:, 1 : k + 1],
        "farthest": order[:, ::-1][:, :k],
    }
    if k > 1:
        wrong["k-1"] = order[:, : k - 1]
    for name, idx in wrong.items():
        pred, proba = _vote(codes[idx], c)
        result[f"{name}-pred"], result[f"{name}-proba"] = pred, proba
    for rule in ("nearest", "largest"):
        result[f"tie-{rule}"] = _vote(codes[order[:, :k]], c, rule)[0]
    # Ties going to the label seen first in the training data (a Counter or a dict's order).
    first_index = np.array([np.argmax(codes == j) for j in range(c)])
    rank = np.argsort(np.argsort(first_index, kind="stable"), kind="stable")
    votes = result["proba"]
    tied = votes == votes.max(axis=1, keepdims=True)
    result["tie-first-seen"] = np.argmin(np.where(tied, rank[None, :], c), axis=1)
    return result


def _regress(X, t, Q, k, *, check=True):
    """The expected regression predictions and what the usual mistakes give."""
    from sklearn.neighbors import KNeighborsRegressor

    X = np.asarray(X, dtype=float)
    Q = np.asarray(Q, dtype=float)
    if check:
        _check_gap(X, t, Q, k)
    model = KNeighborsRegressor(n_neighbors=k, algorithm="brute").fit(X, t)
    order, _ = _order(X, Q, len(X))
    result = {
        "pred": model.predict(Q),
        "k+1": t[order[:, : k + 1]].mean(axis=1),
        "skip-first": t[order[:, 1 : k + 1]].mean(axis=1),
        "farthest": t[order[:, ::-1][:, :k]].mean(axis=1),
        "median": np.median(t[order[:, :k]], axis=1),
    }
    if k > 1:
        result["k-1"] = t[order[:, : k - 1]].mean(axis=1)
    return result


MISTAKES = {
    "k-1": "these are the predictions of k - 1 neighbours: looks like an off-by-one in how many "
    "neighbours are taken (take exactly n_neighbors)",
    "k+1": "these are the predictions of k + 1 neighbours: looks like an off-by-one in how many "
    "neighbours are taken (take exactly n_neighbors)",
    "skip-first": "these are the predictions of neighbours 2 .. k + 1: the nearest neighbour was "
    "skipped. Nothing is excluded: a query is compared with every training point, and a "
    "training point queried is its own nearest neighbour (distance 0)",
    "farthest": "these are the predictions of the k FARTHEST training points: take the smallest "
    "distances (argsort ascending / argmin), not the largest",
    "median": "these are the medians of the neighbours' targets: the prediction is their mean",
    "tie-nearest": "a tied vote went to the class of the nearest neighbour among the tied "
    "classes; the README's rule is the smallest label (the first of the tied classes in "
    "classes_, as np.argmax over the vote counts gives)",
    "tie-largest": "a tied vote went to the largest label; it must go to the smallest one (the "
    "first of the tied classes in classes_, as np.argmax gives)",
    "tie-first-seen": "a tied vote went to the label that appears first in y (as a Counter or a "
    "dict keeps it); it must go to the smallest label, the first of the tied classes in classes_",
}


# -- comparisons ----------------------------------------------------------------------------------


def _as_labels(got, *, name, n):
    if isinstance(got, list | tuple):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a NumPy array of {n} labels, got {describe(got)}")
    if got.shape != (n,):
        hint = " (one label per query row, a 1-D array)" if got.size == n else ""
        raise CheckFailure(f"{name}: expected shape ({n},), got {got.shape}{hint}")
    return got


def _expect_labels(got, want, *, name, classes=None, alternatives=None):
    """Labels must equal the expected ones exactly (any integer dtype, or strings)."""
    want = np.asarray(want)
    got = _as_labels(got, name=name, n=len(want))
    if want.dtype.kind in "US" and got.dtype.kind not in "US":
        raise CheckFailure(
            f"{name}: expected the labels themselves (strings such as {str(want[0])!r}), got an "
            f"array of dtype {got.dtype}; return values taken from classes_"
        )
    if want.dtype.kind not in "US" and got.dtype.kind not in "biuf":
        raise CheckFailure(f"{name}: expected numeric labels like {want[0]!r}, got {got.dtype}")
    wrong = np.flatnonzero(got != want)
    if not len(wrong):
        return
    i = int(wrong[0])
    message = (
        f"{name}: {len(wrong)} of {len(want)} labels differ; first at query {i}: got "
        f"{got[i]!r}, expected {want[i]!r}"
    )
    if classes is not None and want.dtype.kind not in "US":
        positions = np.searchsorted(classes, want)
        if np.array_equal(got, positions) and not np.array_equal(classes, np.arange(len(classes))):
            message += (
                f"; you returned positions in classes_ ({classes.tolist()}), not the labels: "
                "return classes_[positions]"
            )
            raise CheckFailure(message)
    for key, alternative in (alternatives or {}).items():
        if alternative is not None and np.array_equal(got, alternative):
            message += f"; {MISTAKES[key]}"
            break
    raise CheckFailure(message)


def _label_alternatives(want, labels):
    """What the usual mistakes predict, as labels (tie rules first: they are the subtler ones)."""
    found = {}
    for key in ("tie-nearest", "tie-largest", "tie-first-seen"):
        if key in want:
            found[key] = labels[want[key]]
    for key in ("skip-first", "farthest", "k-1", "k+1"):
        if f"{key}-pred" in want:
            found[key] = labels[want[f"{key}-pred"]]
    return found


def _expect_proba(got, want, *, name, classes, alternatives=None):
    want = np.asarray(want)
    if isinstance(got, np.ndarray) and got.shape == want.shape[::-1] and want.shape[0] > 1:
        raise CheckFailure(
            f"{name}: expected shape {want.shape} (one row per query, one column per class), "
            f"got {got.shape}"
        )
    if (
        isinstance(got, np.ndarray)
        and got.ndim == 2
        and got.shape[0] == want.shape[0]
        and got.shape[1] != want.shape[1]
    ):
        raise CheckFailure(
            f"{name}: expected {want.shape[1]} columns, one per class of classes_ "
            f"{classes.tolist()} (also classes no neighbour votes for), got {got.shape[1]}"
        )
    try:
        got = expect_array(got, want, name=name, atol=PROBA_ATOL, rtol=0.0)
    except CheckFailure as failure:
        if isinstance(got, np.ndarray) and got.shape == want.shape:
            for key, alternative in (alternatives or {}).items():
                if alternative is not None and np.allclose(got, alternative, atol=PROBA_ATOL):
                    raise CheckFailure(f"{failure}; {MISTAKES[key]}") from None
            if np.allclose(np.sort(got, axis=1), np.sort(want, axis=1), atol=PROBA_ATOL):
                raise CheckFailure(
                    f"{failure}; each row has the right values in the wrong columns: column j "
                    f"must be the share of neighbours labelled classes_[j] ({classes.tolist()})"
                ) from None
        raise


def _proba_alternatives(want):
    return {
        key: want[f"{key}-proba"]
        for key in ("skip-first", "farthest", "k-1", "k+1")
        if f"{key}-proba" in want
    }


def _expect_regression(got, want, *, name):
    y_scale = float(np.max(np.abs(want["pred"]))) + 1.0
    try:
        expect_array(got, want["pred"], name=name, rtol=REG_RTOL, atol=REG_RTOL * y_scale)
    except CheckFailure as failure:
        if isinstance(got, np.ndarray) and got.shape == want["pred"].shape:
            for key in ("k-1", "k+1", "skip-first", "farthest", "median"):
                if key in want and np.allclose(got, want[key], rtol=1e-9, atol=1e-9 * y_scale):
                    raise CheckFailure(f"{failure}; {MISTAKES[key]}") from None
        raise


def _classes(model, labels, *, what):
    want = np.unique(labels)
    got = _as_labels(model.classes_, name=f"classes_ {what}", n=len(want))
    if got.tolist() != want.tolist() and sorted(got.tolist()) == want.tolist():
        raise CheckFailure(
            f"classes_ {what}: expected {want.tolist()} (sorted), got {got.tolist()}; np.unique "
            "sorts, the order of first appearance does not count"
        )
    _expect_labels(got, want, name=f"classes_ {what}")
    return want


# -- task 1: the classifier -----------------------------------------------------------------------


@checks.test(task=1, name="fit returns self; classes_ holds the sorted distinct labels")
def fit_classes(learner, oracle):
    X, codes, _ = _main_data()
    labels = np.array([7, 2, 11])[codes]
    model = learner.KNeighborsClassifier(n_neighbors=3)
    expect_same_object(model.fit(X, labels), model, name="fit(X, y)")
    _classes(model, labels, what="with labels 7, 2, 11 (first sample labelled 7)")


@checks.test(task=1, name="predict on new points, k = 1, 3, 5 (3 overlapping classes in 2-D)")
def predict_new(learner, oracle):
    X, codes, Q = _main_data()
    labels = np.array([0, 1, 2])
    for k in (1, 3, 5):
        want = oracle(f"main-k{k}", lambda k=k: _classify(X, codes, Q, k))
        model = learner.KNeighborsClassifier(n_neighbors=k).fit(X, codes)
        _expect_labels(
            model.predict(Q),
            labels[want["pred"]],
            name=f"predict(X_new) with n_neighbors={k} (150 training points, 60 queries)",
            classes=labels,
            alternatives=_label_alternatives(want, labels),
        )


@checks.test(task=1, name="predict on the training points: each point is its own neighbour")
def predict_train(learner, oracle):
    X, codes, _ = _main_data()
    labels = np.array([0, 1, 2])
    for k in (1, 5):
        want = oracle(f"self-k{k}", lambda k=k: _classify(X, codes, X, k))
        model = learner.KNeighborsClassifier(n_neighbors=k).fit(X, codes)
        got = model.predict(X)
        if k == 1:
            # A training point is at distance 0 from itself: 1-NN reproduces y exactly.
            _expect_labels(
                got,
                codes,
                name="predict(X_train) with n_neighbors=1 (must return y itself)",
                alternatives=_label_alternatives(want, labels),
            )
        _expect_labels(
            got,
            labels[want["pred"]],
            name=f"predict(X_train) with n_neighbors={k}",
            alternatives=_label_alternatives(want, labels),
        )


@checks.test(task=1, name="more features than training points (12 points, 20 features), k = 3")
def wide(learner, oracle):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(12, 20))
    codes = np.array([0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0])
    Q = X[[0, 3, 6]] + 0.3 * rng.normal(size=(3, 20))
    Q = np.vstack([Q, rng.normal(size=(5, 20))])
    want = oracle("wide", lambda: _classify(X, codes, Q, 3))
    labels = np.array([0, 1])
    model = learner.KNeighborsClassifier(n_neighbors=3).fit(X, codes)
    _expect_labels(
        model.predict(Q),
        labels[want["pred"]],
        name="predict(X_new) on 12 x 20 training data, n_neighbors=3",
        alternatives=_label_alternatives(want, labels),
    )


def _label_case(learner, oracle, names, *, what):
    X, codes, Q = _main_data()
    y = names[codes]
    want = oracle("main-k5", lambda: _classify(X, codes, Q, 5))
    model = learner.KNeighborsClassifier(n_neighbors=5).fit(X, y)
    classes = _classes(model, y, what=what)
    _expect_labels(
        model.predict(Q),
        classes[want["pred"]],
        name=f"predict(X_new) {what}",
        classes=classes,
        alternatives=_label_alternatives(want, classes),
    )


@checks.test(task=1, name="string labels 'cat', 'dog', 'emu'")
def string_labels(learner, oracle):
    _label_case(learner, oracle, np.array(["cat", "dog", "emu"]), what="with string labels")


@checks.test(task=1, name="integer labels -5, 3, 40 (not 0 .. C-1)")
def integer_labels(learner, oracle):
    _label_case(learner, oracle, np.array([-5, 3, 40]), what="with labels -5, 3, 40")


# -- task 2: predict_proba ------------------------------------------------------------------------


def _four_classes():
    X, codes = _blobs(21, [[0, 0, 0], [4, 0, 0], [0, 4, 0], [0, 0, 4]], [30, 25, 35, 20], 1.5)
    Q = _queries(22, 40, [-1.0, -1.0, -1.0], [5.0, 5.0, 5.0])
    return X, codes, Q


@checks.test(task=2, name="predict_proba: the share of each class, columns in classes_ order")
def proba(learner, oracle):
    X, codes, Q = _four_classes()
    names = np.array(["ant", "bee", "fly", "moth"])
    y = names[codes]
    for k in (6, 7):
        want = oracle(f"four-k{k}", lambda k=k: _classify(X, codes, Q, k))
        model = learner.KNeighborsClassifier(n_neighbors=k).fit(X, y)
        _expect_proba(
            model.predict_proba(Q),
            want["proba"],
            name=f"predict_proba(X_new) with n_neighbors={k} (4 classes in 3-D, 40 queries)",
            classes=names,
            alternatives=_proba_alternatives(want),
        )


@checks.test(task=2, name="predict_proba on a class no neighbour votes for, and a single query")
def proba_zero_column(learner, oracle):
    X, codes, _ = _four_classes()
    # Queries deep inside blob 0: most have no neighbour of some classes (zero columns).
    Q0 = X[codes == 0][:6] * 0.5
    want = oracle("four-inside", lambda: _classify(X, codes, Q0, 4))
    model = learner.KNeighborsClassifier(n_neighbors=4).fit(X, codes)
    names = np.arange(4)
    _expect_proba(
        model.predict_proba(Q0),
        want["proba"],
        name="predict_proba(X_new) for queries inside one class (n_neighbors=4)",
        classes=names,
        alternatives=_proba_alternatives(want),
    )
    _expect_proba(
        model.predict_proba(Q0[:1]),
        want["proba"][:1],
        name="predict_proba of a single query (shape (1, 4))",
        classes=names,
    )


# -- task 3: ties ---------------------------------------------------------------------------------

# Hand-made vote ties on a line. Training points (index: x, label), mean x = 5:
#   0: 0 b   1: 1 a   2: 2 b   3: 3 a   4: 5 c   5: 8 c   6: 9 b   7: 12 b
# The query coordinates are multiples of 1/4, so every distance is exact and no two training
# points are at the same distance from a query near the k-th place.
VOTE_X = np.array([[0], [1], [2], [3], [5], [8], [9], [12]], dtype=float)
VOTE_Y = np.array(["b", "a", "b", "a", "c", "c", "b", "b"])
VOTE_CASES = {
    # k: (queries, expected labels, expected probabilities over (a, b, c))
    2: (
        [0.25, 8.25, 11.75, 4.25],
        # 0.25: b (0.25), a (0.75) tie -> a      8.25: c (0.25), b (0.75) tie -> b
        # 11.75: b, b -> b                       4.25: c (0.75), a (1.25) tie -> a
        ["a", "b", "b", "a"],
        [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 1, 0], [0.5, 0, 0.5]],
    ),
    4: (
        [0.25, 5.25, 9.75, 2.75],
        # 0.25: b a b a -> tie a/b -> a          5.25: c a c b -> c
        # 9.75: b c b c -> tie b/c -> b          2.75: a b a c -> a
        ["a", "c", "b", "a"],
        [[0.5, 0.5, 0], [0.25, 0.25, 0.5], [0, 0.5, 0.5], [0.5, 0.25, 0.25]],
    ),
}


def _vote_tie_oracle(k):
    """The hand-worked answer, confirmed by scikit-learn (same rule), plus the usual mistakes."""
    Q = np.array(VOTE_CASES[k][0])[:, None]
    codes = np.searchsorted(np.array(["a", "b", "c"]), VOTE_Y)
    result = _classify(VOTE_X, codes, Q, k)
    hand = np.searchsorted(np.array(["a", "b", "c"]), VOTE_CASES[k][1])
    if not np.array_equal(result["pred"], hand):
        raise RuntimeError("scikit-learn disagrees with the hand-worked vote ties")
    return result


@checks.test(task=3, name="a tied vote goes to the smallest label (hand-made, k = 2 and 4)")
def vote_ties(learner, oracle):
    classes = np.array(["a", "b", "c"])
    for k, (queries, labels, probabilities) in VOTE_CASES.items():
        Q = np.array(queries)[:, None]
        want = oracle(f"vote-ties-k{k}", lambda k=k: _vote_tie_oracle(k))
        model = learner.KNeighborsClassifier(n_neighbors=k).fit(VOTE_X, VOTE_Y)
        what = f"(training x = 0 1 2 3 5 8 9 12, labels b a b a c c b b, n_neighbors={k})"
        _expect_proba(
            model.predict_proba(Q),
            np.array(probabilities, dtype=float),
            name=f"predict_proba at x = {queries} {what}",
            classes=classes,
            alternatives=_proba_alternatives(want),
        )
        _expect_labels(
            model.predict(Q),
            np.array(labels),
            name=f"predict at x = {queries} {what}",
            alternatives=_label_alternatives(want, classes),
        )


@checks.test(task=3, name="vote ties with even k on random data (2 and 4 classes, k = 2, 4)")
def vote_ties_random(learner, oracle):
    X, codes, Q = _main_data()
    two = (codes == 1).astype(np.int64)
    labels = np.array(["no", "yes"])
    want = oracle("two-k2", lambda: _classify(X, two, Q, 2))
    model = learner.KNeighborsClassifier(n_neighbors=2).fit(X, labels[two])
    _expect_labels(
        model.predict(Q),
        labels[want["pred"]],
        name="predict(X_new) with 2 classes and n_neighbors=2",
        alternatives=_label_alternatives(want, labels),
    )
    X4, codes4, Q4 = _four_classes()
    want = oracle("four-k4", lambda: _classify(X4, codes4, Q4, 4))
    names = np.array([10, 20, 30, 40])
    model = learner.KNeighborsClassifier(n_neighbors=4).fit(X4, names[codes4])
    _expect_labels(
        model.predict(Q4),
        names[want["pred"]],
        name="predict(X_new) with 4 classes and n_neighbors=4",
        classes=names,
        alternatives=_label_alternatives(want, names),
    )


# Hand-made ties in distance, on integers whose means are exactly 0 (training and queries), so
# every distance is exact however it is computed. Training points (index: point, label):
#   0: (5, 5) q   1: (0, 1) n   2: (1, 0) e   3: (0, -1) s
#   4: (-1, 0) w  5: (2, 2) e   6: (-2, -2) w 7: (-5, -5) q
# From (0, 0), points 1-4 are at squared distance 1 and points 5, 6 at 8: the smaller training
# index wins, so k = 1 takes point 1, k = 2 takes 1 and 2, k = 5 takes 1, 2, 3, 4 and 5.
TIE_X = np.array([[5, 5], [0, 1], [1, 0], [0, -1], [-1, 0], [2, 2], [-2, -2], [-5, -5]])
TIE_Y = np.array(["q", "n", "e", "s", "w", "e", "w", "q"])
TIE_Q = np.array([[0, 0], [1, 1], [-1, -1], [0, 0]])
TIE_CLASSES = np.array(["e", "n", "q", "s", "w"])
TIE_CASES = {
    # k: (expected labels, with the larger index winning instead); k = 1 and 5 have no tied
    # votes, k = 2 has (n against e from (0, 0) and (1, 1): e is the smaller label).
    1: (["n", "n", "s", "n"], ["w", "e", "w", "w"]),
    5: (["e", "e", "w", "e"], ["w", "e", "w", "w"]),
    2: (["e", "e", "s", "e"], ["s", "e", "s", "s"]),
}
TIE_K2_NEAREST_LABEL = ["n", "n", "s", "n"]  # k = 2 if a tied vote went to the nearer point
# k = 3 from (0, 0): points 1, 2, 3 (n, e, s), one vote each; from (1, 1): 1, 2, 5 (n, e, e);
# from (-1, -1): 3, 4, 6 (s, w, w). Columns e, n, q, s, w.
TIE_PROBA_K3 = (
    np.array([[1, 1, 0, 1, 0], [2, 1, 0, 0, 0], [0, 0, 0, 1, 2], [1, 1, 0, 1, 0]], dtype=float) / 3
)


@checks.test(task=3, name="equal distances: the training point with the smaller index wins")
def distance_ties(learner, oracle):
    what = "on the README's tie data (integer points, queries (0,0) (1,1) (-1,-1) (0,0))"
    for k, (labels, reversed_labels) in TIE_CASES.items():
        model = learner.KNeighborsClassifier(n_neighbors=k).fit(TIE_X, TIE_Y)
        got = model.predict(TIE_Q)
        try:
            _expect_labels(got, np.array(labels), name=f"predict with n_neighbors={k} {what}")
        except CheckFailure as failure:
            if k == 2 and isinstance(got, np.ndarray) and got.tolist() == TIE_K2_NEAREST_LABEL:
                raise CheckFailure(
                    f"{failure}; the neighbours are right (k = 1 and 5 pass) but the tied vote "
                    "went to the nearer point's label: a tied vote goes to the smallest label"
                ) from None
            if isinstance(got, np.ndarray) and got.tolist() == reversed_labels:
                raise CheckFailure(
                    f"{failure}; these are the answers when the LARGER training index wins "
                    "among equally distant points: sort with a stable sort "
                    "(np.argsort(..., kind='stable')) so equal distances keep index order"
                ) from None
            raise CheckFailure(
                f"{failure}. Several training points are at exactly the same distance here; "
                "the ones with the smaller training index must be taken first (np.argpartition "
                "does not promise that: use a stable argsort, or fix the rows with ties)"
            ) from None
    model = learner.KNeighborsClassifier(n_neighbors=3).fit(TIE_X, TIE_Y)
    _expect_proba(
        model.predict_proba(TIE_Q),
        TIE_PROBA_K3,
        name=f"predict_proba with n_neighbors=3 {what}",
        classes=TIE_CLASSES,
    )


# -- task 4: the regressor ------------------------------------------------------------------------


def _regression_data():
    rng = np.random.default_rng(31)
    X = rng.uniform(-3, 3, size=(120, 3))
    t = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 - X[:, 2] + 0.3 * rng.normal(size=120)
    Q = rng.uniform(-3, 3, size=(50, 3))
    return X, t, Q


@checks.test(task=4, name="regressor: fit returns self; predict is the mean of k targets")
def regressor(learner, oracle):
    X, t, Q = _regression_data()
    for k in (1, 4, 7):
        want = oracle(f"reg-k{k}", lambda k=k: _regress(X, t, Q, k))
        model = learner.KNeighborsRegressor(n_neighbors=k)
        if k == 1:
            expect_same_object(model.fit(X, t), model, name="KNeighborsRegressor.fit(X, y)")
        else:
            model.fit(X, t)
        _expect_regression(
            model.predict(Q),
            want,
            name=f"KNeighborsRegressor(n_neighbors={k}).predict(X_new) (120 x 3, 50 queries)",
        )


@checks.test(task=4, name="regressor in 1-D; on the training points; k = all points")
def regressor_edges(learner, oracle):
    rng = np.random.default_rng(32)
    x = np.sort(rng.uniform(0, 10, size=40))[:, None]
    t = np.cos(x[:, 0]) * 3 + rng.normal(size=40) * 0.2
    Q = np.linspace(-1, 11, 25)[:, None]
    want = oracle("reg-1d", lambda: _regress(x, t, Q, 3))
    model = learner.KNeighborsRegressor(n_neighbors=3).fit(x, t)
    _expect_regression(
        model.predict(Q), want, name="KNeighborsRegressor(n_neighbors=3) on 40 points in 1-D"
    )
    model = learner.KNeighborsRegressor(n_neighbors=1).fit(x, t)
    _expect_regression(
        model.predict(x),
        {"pred": t},
        name="predict(X_train) with n_neighbors=1 (must return y itself)",
    )
    model = learner.KNeighborsRegressor(n_neighbors=40).fit(x, t)
    _expect_regression(
        model.predict(Q),
        {"pred": np.full(len(Q), t.mean())},
        name="predict with n_neighbors = all 40 training points (the mean of y everywhere)",
    )
    xi = np.arange(12).reshape(6, 2)
    ti = np.array([3, 1, 4, 1, 5, 9])
    model = learner.KNeighborsRegressor(n_neighbors=2).fit(xi, ti)
    got = model.predict(np.array([[0, 1], [10, 11]]))
    # (0, 1) is nearest to (0, 1), (2, 3): (3 + 1) / 2; (10, 11) to (10, 11), (8, 9): (9 + 5) / 2
    expect_array(
        got,
        np.array([2.0, 7.0]),
        name="predict on integer X and integer y (a float mean: 2.0 and 7.0)",
    )


@checks.test(task=4, name="regressor with equal distances: the smaller training index wins")
def regressor_ties(learner, oracle):
    # Targets are powers of two, so each mean names its set of neighbours exactly.
    t = np.array([128, 1, 2, 4, 8, 16, 32, 64], dtype=float)
    cases = {
        1: ([1, 1, 4, 1], [8, 2, 8, 8]),
        2: ([1.5, 1.5, 6, 1.5], [6, 1.5, 6, 6]),
        3: ([7 / 3, 19 / 3, 44 / 3, 7 / 3], [14 / 3, 19 / 3, 44 / 3, 14 / 3]),
        5: ([6.2, 6.2, 9.4, 6.2], [9.4, 6.2, 9.4, 9.4]),
    }
    for k, (means, reversed_means) in cases.items():
        model = learner.KNeighborsRegressor(n_neighbors=k).fit(TIE_X, t)
        got = model.predict(TIE_Q)
        name = f"KNeighborsRegressor(n_neighbors={k}) on the README's tie data, targets 128 1 2 .."
        try:
            expect_array(got, np.array(means), name=name, rtol=1e-12)
        except CheckFailure as failure:
            if isinstance(got, np.ndarray) and np.allclose(got, reversed_means, rtol=1e-12):
                raise CheckFailure(
                    f"{failure}; these are the means when the LARGER training index wins among "
                    "equally distant points: use a stable sort so equal distances keep index "
                    "order"
                ) from None
            raise CheckFailure(
                f"{failure}. Several training points are at exactly the same distance here; "
                "the ones with the smaller training index must be taken first"
            ) from None


# -- task 5: hard data and large inputs -----------------------------------------------------------


@checks.test(task=5, name="data far from the origin (offset 1e7), classifier and regressor")
def offset(learner, oracle):
    X, codes = _blobs(41, [[0, 0, 0], [3, 0, 0], [0, 3, 1]], [40, 40, 40], 1.0)
    Q = _queries(42, 40, [-1.5, -1.5, -1.0], [4.0, 4.0, 2.5])
    t = X @ np.array([1.0, -2.0, 0.5])
    # Neighbours do not change when everything moves: the oracle works near the origin.
    want_c = oracle("offset-c", lambda: _classify(X, codes, Q, 5))
    want_r = oracle("offset-r", lambda: _regress(X, t, Q, 5))
    shift = np.array([1e7, -2e7, 1e7])
    labels = np.array([0, 1, 2])
    what = "on 120 points near (1e7, -2e7, 1e7) with n_neighbors=5"
    try:
        model = learner.KNeighborsClassifier(n_neighbors=5).fit(X + shift, codes)
        _expect_labels(model.predict(Q + shift), labels[want_c["pred"]], name=f"predict {what}")
        model = learner.KNeighborsRegressor(n_neighbors=5).fit(X + shift, t)
        _expect_regression(model.predict(Q + shift), want_r, name=f"regressor predict {what}")
    except CheckFailure as failure:
        near = learner.KNeighborsRegressor(n_neighbors=5).fit(X, t).predict(Q)
        if isinstance(near, np.ndarray) and np.allclose(near, want_r["pred"], rtol=1e-9):
            raise CheckFailure(
                f"{failure}. The same points near the origin pass, so precision is lost to the "
                "offset: in ||q||^2 - 2 q.x + ||x||^2 each term is about 6e14 while the "
                "distances are about 1. Subtract a common vector (the mean of the training "
                "points) from training and query points before expanding"
            ) from None
        raise


@checks.test(task=5, name="repeated training points and integer input")
def duplicates(learner, oracle):
    rng = np.random.default_rng(51)
    base = rng.integers(-20, 21, size=(50, 2))
    base_codes = (base[:, 0] + 2 * base[:, 1] + rng.integers(-15, 16, size=50) > 0).astype(int)
    counts = rng.integers(1, 4, size=50)
    X = np.repeat(base, counts, axis=0)
    codes = np.repeat(base_codes, counts)
    Q = rng.uniform(-20, 20, size=(30, 2))
    labels = np.array([0, 1])
    for k in (3, 6):
        want = oracle(f"dup-k{k}", lambda k=k: _classify(X, codes, Q, k))
        model = learner.KNeighborsClassifier(n_neighbors=k).fit(X, codes)
        _expect_labels(
            model.predict(Q),
            labels[want["pred"]],
            name=f"predict with n_neighbors={k} (integer points repeated 1 to 3 times)",
            alternatives=_label_alternatives(want, labels),
        )
        _expect_proba(
            model.predict_proba(Q),
            want["proba"],
            name=f"predict_proba with n_neighbors={k} (repeated integer points)",
            classes=labels,
            alternatives=_proba_alternatives(want),
        )


def _big_data():
    rng = np.random.default_rng(61)
    X = rng.normal(size=(BIG_TRAIN, 3))
    codes = (np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] > 0).astype(np.int64)
    codes[rng.random(BIG_TRAIN) < 0.2] = 2
    return X, codes, rng.normal(size=(BIG_QUERIES, 3))


def _big_oracle(X, codes, Q, k):
    from sklearn.neighbors import KNeighborsClassifier

    _, dist = _order(X, Q, k + 1)
    if np.min(dist[:, k] ** 2 - dist[:, k - 1] ** 2) <= GAP * _spread(X) ** 2:
        raise RuntimeError("test data: a near-tie at the k-th neighbour in the big case")
    model = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X, codes)
    return model.predict(Q).astype(np.int64)


@checks.test(
    task=5, name=f"{BIG_QUERIES} queries x {BIG_TRAIN} training points within {MEMORY_MB} MB"
)
def big(learner, oracle):
    X, codes, Q = _big_data()
    want = oracle("big", lambda: _big_oracle(X, codes, Q, 5))
    table_mb = BIG_QUERIES * BIG_TRAIN * 8 / 1e6
    try:
        model = learner.KNeighborsClassifier(n_neighbors=5).fit(X, codes)
        got = model.predict(Q)
    except LearnerError as error:
        if error.kind == "memory":
            raise LearnerError(
                error.kind,
                f"{error.message}. The full table of {BIG_QUERIES} x {BIG_TRAIN} distances "
                f"alone takes {table_mb:.0f} MB, more than the {MEMORY_MB} MB limit: process "
                "the queries in blocks (a few hundred thousand distances each, e.g. 250000 // "
                "n_train rows), keep only the k nearest of each block, and never build an "
                "(m, n, d) array of differences. If you already use blocks: a slice such as "
                "np.argsort(D, axis=1)[:, :k] is a view that keeps the whole block alive; "
                "write it into a preallocated (m, k) array or .copy() it",
                exception_type=error.exception_type,
            ) from None
        if error.kind == "timeout":
            raise LearnerError(
                error.kind,
                f"{error.message}. Finding the k smallest of 16000 distances per query should "
                "not need a full sort of each row in Python: np.argpartition(D, k - 1, axis=1) "
                "finds them in linear time for a whole block of queries at once",
                exception_type=error.exception_type,
            ) from None
        raise
    _expect_labels(
        got,
        want,
        name=f"predict on {BIG_QUERIES} queries, {BIG_TRAIN} training points, n_neighbors=5",
    )


# -- performance ----------------------------------------------------------------------------------


def _perf_data(n, rng):
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] * X[:, 1] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y, rng.normal(size=(n, 4))


@checks.performance(sizes=[125, 250, 500, 1000, 2000])
def speed(learner, n, rng):
    X, y, Q = _perf_data(n, rng)
    learner.KNeighborsClassifier(n_neighbors=5).fit(X, y).predict(Q)


def _library():
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    return {
        "KNeighborsClassifier": lambda n_neighbors=5: KNeighborsClassifier(
            n_neighbors=n_neighbors, algorithm="brute"
        ),
        "KNeighborsRegressor": lambda n_neighbors=5: KNeighborsRegressor(
            n_neighbors=n_neighbors, algorithm="brute"
        ),
    }


def _score(learner, n, rng):
    X, y, _ = _perf_data(n, rng)
    Q = rng.normal(size=(n, 4))
    truth = (Q[:, 0] * Q[:, 1] > 0).astype(int)
    return float(np.mean(learner.KNeighborsClassifier(n_neighbors=5).fit(X, y).predict(Q) == truth))


checks.baseline(
    _library,
    score=_score,
    note="scikit-learn brute force (its Cython k-smallest search may use several threads); "
    "score = accuracy on fresh points",
)
