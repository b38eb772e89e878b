"""Checks for random-forest: behaviour, statistical bands against scikit-learn, and one exact case.

A forest is random, and no two implementations draw the same bootstrap samples and feature
subsets, so the forest as a whole cannot be compared number for number with scikit-learn's.
Instead the checks test what a correct forest must do:

- without randomness (one tree, bootstrap=False, max_features=None) it IS a decision tree, and
  must equal scikit-learn's DecisionTreeClassifier leaf for leaf on data proven free of ties;
- each bootstrap sample leaves out about 36.8% of the rows (measured through the trees: with
  one label per row, a fully grown tree recognises exactly the rows it was trained on);
- trees differ from each other, draw features at every node, are reproducible with a seed;
- predict is the class of largest mean probability (soft voting);
- the held-out accuracy and the out-of-bag score fall in bands around scikit-learn's, computed
  over many random states; every band is several standard deviations wide.
"""

import itertools

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_array,
    expect_same_object,
    expect_scalar,
    expect_true,
)

checks = LabChecks()

PROBA_ATOL = 1e-9
GAP = 1e-7  # the best split must beat every other one by GAP * n_t
OOB_FRACTION = (0.32, 0.42)  # mean out-of-bag fraction per tree; the exact value is 0.366
ACCURACY_BAND = 0.03  # held-out accuracy vs scikit-learn's mean over 10 random states
OOB_BAND = 0.06  # oob_score_ vs scikit-learn's mean oob_score_
OOB_VS_HELD_OUT = 0.07  # oob_score_ vs the same forest's held-out accuracy
PER_NODE_MEDIAN = 0.75  # median held-out accuracy of single trees when one feature matters


# -- data ------------------------------------------------------------------------------------------


def _grid(values):
    """Values rounded to multiples of 1/16: exact in float32, midpoints at multiples of 1/32."""
    return np.round(np.asarray(values, dtype=float) * 16.0) / 16.0


def _new_points(seed, m, low, high):
    """New points at odd multiples of 1/64: never on a midpoint of values on the 1/16 grid."""
    rng = np.random.default_rng(seed)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    k = rng.integers(np.floor(low * 32), np.ceil(high * 32), size=(m, len(low)))
    return (2 * k + 1) / 64.0


def _nonlinear(seed, n, d=6, noise=0.7):
    """Two noisy classes with a curved boundary in the first four features."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    score = X[:, 0] + np.sin(2 * X[:, 1]) + 0.5 * X[:, 2] * X[:, 3] + noise * rng.normal(size=n)
    return X, (score > 0).astype(int)


def _boxes():
    """Noise-free classes made of axis-aligned boxes (a full tree ends with pure leaves)."""
    rng = np.random.default_rng(9)
    X = _grid(rng.uniform(-3, 3, size=(150, 3)))
    y = np.where(X[:, 0] < -1.1, 0, np.where(X[:, 1] > 0.7, 1, np.where(X[:, 0] > 1.6, 0, 2)))
    return X, y, _new_points(10, 60, X.min(axis=0), X.max(axis=0))


def _rings():
    """String classes: a central box, and above / below a cut in the fourth feature."""
    rng = np.random.default_rng(9)
    X = _grid(rng.uniform(-3, 3, size=(200, 4)))
    inner = (np.abs(X[:, 0]) < 1) & (np.abs(X[:, 2]) < 1.5)
    y = np.where(inner, "in", np.where(X[:, 3] > 0.5, "up", "down"))
    return X, y, _new_points(10, 60, X.min(axis=0), X.max(axis=0))


# -- oracle: scikit-learn's tree, proven unambiguous -----------------------------------------------


def _children_gini(left, right):
    """n_L G(L) + n_R G(R) for count arrays (..., K), from the definition."""

    def weighted(counts):
        size = counts.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = counts / size[..., None]
        return size * np.nan_to_num(1.0 - np.sum(p * p, axis=-1))

    return weighted(left) + weighted(right)


def _prove_unambiguous(model, X, codes):
    """Raise unless every split of the tree is the unique clear best (found by brute force)."""
    tree = model.tree_
    K = len(model.classes_)
    paths = model.decision_path(X.astype(np.float32)).tocsc()
    for t in range(tree.node_count):
        if tree.children_left[t] < 0:
            continue
        rows = paths[:, [t]].nonzero()[0]
        onehot = np.eye(K)[codes[rows]]
        ranked = []
        for f in range(X.shape[1]):
            values = np.unique(X[rows, f])
            cuts = values[:-1] / 2 + values[1:] / 2
            left = (X[rows, f][None, :] <= cuts[:, None]).astype(float) @ onehot
            scores = _children_gini(left, onehot.sum(axis=0) - left)
            ranked += [(float(w), f, float(c)) for w, c in zip(scores, cuts, strict=True)]
        ranked.sort()
        parent = _children_gini(onehot.sum(axis=0), np.zeros(K))
        if (ranked[0][1], ranked[0][2]) != (int(tree.feature[t]), float(tree.threshold[t])):
            raise RuntimeError(f"node {t}: scikit-learn's split is not the brute-force best")
        if parent - ranked[0][0] <= GAP * len(rows):
            raise RuntimeError(f"node {t}: the best split does not decrease the impurity")
        if len(ranked) > 1 and ranked[1][0] - ranked[0][0] <= GAP * len(rows):
            raise RuntimeError(f"node {t}: two splits are (nearly) equally good")


def _sk_tree(X, y, X_new):
    """scikit-learn's fully grown Gini tree, identical for 12 random states and tie-free."""
    from sklearn.tree import DecisionTreeClassifier

    if not np.array_equal(X, X.astype(np.float32)):
        raise RuntimeError("test data must be exact in float32")
    models = [DecisionTreeClassifier(random_state=s).fit(X, y) for s in range(12)]
    for other in models[1:]:
        if not (
            np.array_equal(other.tree_.feature, models[0].tree_.feature)
            and np.array_equal(other.tree_.threshold, models[0].tree_.threshold)
        ):
            raise RuntimeError("scikit-learn's tree depends on random_state for these data")
    model = models[0]
    _prove_unambiguous(model, X, np.searchsorted(model.classes_, y))
    inner = model.tree_.children_left >= 0
    for f, t in zip(model.tree_.feature[inner], model.tree_.threshold[inner], strict=True):
        if np.min(np.abs(X_new[:, f] - t)) < 1e-6:
            raise RuntimeError("a new point lies on a threshold")
    return {
        "classes": np.asarray(model.classes_),
        "proba": model.predict_proba(X),
        "proba_new": model.predict_proba(X_new),
        "predict_new": np.asarray(model.predict(X_new)),
    }


def _sk_forest_scores(X, y, X_test, y_test, **params):
    """scikit-learn's held-out accuracy and oob_score_ over 10 random states."""
    from sklearn.ensemble import RandomForestClassifier

    accuracy, oob = [], []
    for seed in range(10):
        model = RandomForestClassifier(random_state=seed, oob_score=True, **params).fit(X, y)
        accuracy.append(float(np.mean(model.predict(X_test) == y_test)))
        oob.append(float(model.oob_score_))
    return {
        "accuracy": float(np.mean(accuracy)),
        "accuracy_std": float(np.std(accuracy)),
        "oob": float(np.mean(oob)),
        "oob_std": float(np.std(oob)),
    }


# -- comparisons -----------------------------------------------------------------------------------


def _as_labels(got, *, name, n):
    if isinstance(got, list | tuple):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a NumPy array of {n} labels, got {describe(got)}")
    if got.shape != (n,):
        raise CheckFailure(f"{name}: expected shape ({n},), got {got.shape}")
    return got


def _expect_labels(got, want, *, name):
    """Labels equal value by value (numbers of any dtype, or strings)."""
    want = np.asarray(want)
    got = _as_labels(got, name=name, n=len(want))
    if want.dtype.kind in "US" and got.dtype.kind not in "US":
        raise CheckFailure(
            f"{name}: expected the labels themselves (strings such as {want[0]!r}), got dtype "
            f"{got.dtype}; return values taken from classes_, not their indices"
        )
    if want.dtype.kind not in "US" and got.dtype.kind not in "biuf":
        raise CheckFailure(f"{name}: expected numeric labels like {want[0]!r}, got {got.dtype}")
    wrong = np.flatnonzero(got != want)
    if len(wrong):
        i = int(wrong[0])
        raise CheckFailure(
            f"{name}: {len(wrong)} of {len(want)} labels differ; first at index {i}: got "
            f"{got[i]!r}, expected {want[i]!r}"
        )


def _expect_classes(model, want, *, what):
    got = _as_labels(model.classes_, name=f"classes_ {what}", n=len(want))
    if sorted(got.tolist()) == sorted(want.tolist()) and got.tolist() != want.tolist():
        raise CheckFailure(
            f"classes_ {what}: expected {want.tolist()} (sorted, as np.unique gives), got "
            f"{got.tolist()}"
        )
    _expect_labels(got, want, name=f"classes_ {what}")


def _expect_proba_shape(proba, n, K, *, name):
    """An (n, K) float array of probabilities whose rows sum to 1."""
    if not isinstance(proba, np.ndarray) or proba.shape != (n, K):
        shape = proba.shape if isinstance(proba, np.ndarray) else describe(proba)
        raise CheckFailure(
            f"{name}: expected an array of shape ({n}, {K}) (one column per class of classes_, "
            f"even for classes some bootstrap samples miss), got {shape}"
        )
    expect_true(proba.dtype.kind == "f", f"{name}: expected floats, got dtype {proba.dtype}")
    expect_true(
        bool(np.all(np.isfinite(proba)) and np.all(proba >= -1e-12) and np.all(proba <= 1 + 1e-12)),
        f"{name}: probabilities must be finite numbers between 0 and 1",
    )
    sums = proba.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1)))
    expect_true(
        abs(sums[worst] - 1) <= 1e-9,
        f"{name}: row {worst} sums to {sums[worst]:.12g}, expected 1 (the mean of the trees' "
        "probability rows, each of which sums to 1)",
    )
    return proba


def _estimators(model, count, *, what):
    """The fitted trees, as a list of the expected length."""
    try:
        trees = model.estimators_
    except LearnerError as error:
        if error.kind == "bad_result":
            raise CheckFailure(
                f"estimators_ {what}: could not be read ({error.message}); store the trees in a "
                "plain Python list, not a NumPy array of objects"
            ) from None
        raise
    if not isinstance(trees, list):
        raise CheckFailure(f"estimators_ {what}: expected a list of trees, got {describe(trees)}")
    expect_true(
        len(trees) == count,
        f"estimators_ {what}: expected {count} trees (n_estimators), got {len(trees)}",
    )
    return trees


def _fit(learner, X, y, **params):
    model = learner.RandomForestClassifier(**params)
    expect_same_object(model.fit(X, y), model, name=f"fit(X, y) with {params}")
    return model


def _accuracy(model, X, y, *, what):
    predicted = _as_labels(model.predict(X), name=f"predict {what}", n=len(y))
    return float(np.mean(predicted == y))


# -- task 1: bootstrap samples and a forest of trees -----------------------------------------------


@checks.test(task=1, name="fit returns self; classes_, estimators_ and predict_proba shapes")
def structure(learner, oracle):
    X, y = _nonlinear(1, 120, d=4)
    labels = np.array([3, 5, 8])[y + (X[:, 3] > 1)]
    model = _fit(learner, X, labels, n_estimators=7, random_state=0)
    _expect_classes(model, np.array([3, 5, 8]), what="(labels 3, 5, 8)")
    _estimators(model, 7, what="with n_estimators=7")
    _expect_proba_shape(model.predict_proba(X[:25]), 25, 3, name="predict_proba(X[:25])")
    predicted = _as_labels(model.predict(X[:25]), name="predict(X[:25])", n=25)
    expect_true(
        set(predicted.tolist()) <= {3, 5, 8},
        f"predict(X[:25]): every label must come from classes_ [3, 5, 8], got "
        f"{sorted(set(predicted.tolist()))}",
    )


def _expect_single_tree(model, want, X, X_new, *, what):
    _expect_classes(model, want["classes"], what=what)
    for rows, key, label in ((X, "proba", "X_train"), (X_new, "proba_new", "X_new")):
        proba = model.predict_proba(rows)
        try:
            expect_array(proba, want[key], name=f"predict_proba({label}) {what}", atol=PROBA_ATOL)
        except CheckFailure as failure:
            raise CheckFailure(
                f"{failure}. Without bootstrap and with max_features=None nothing is random, so "
                "each tree must be exactly the decision tree of the previous lab: Gini, the best "
                "split over all features, thresholds halfway between values, x <= threshold "
                "goes left, grown until every leaf is pure"
            ) from None
    _expect_labels(model.predict(X_new), want["predict_new"], name=f"predict(X_new) {what}")


@checks.test(task=1, name="no randomness (bootstrap=False, max_features=None) = one decision tree")
def deterministic(learner, oracle):
    X, y, X_new = _boxes()
    want = oracle("boxes", lambda: _sk_tree(X, y, X_new))
    params = {"bootstrap": False, "max_features": None, "random_state": 0}
    model = _fit(learner, X, y, n_estimators=1, **params)
    _estimators(model, 1, what="with n_estimators=1")
    _expect_single_tree(model, want, X, X_new, what="(1 tree, no bootstrap, all features)")
    X, y, X_new = _rings()
    want = oracle("rings", lambda: _sk_tree(X, y, X_new))
    model = _fit(learner, X, y, n_estimators=3, **params)
    _expect_single_tree(
        model, want, X, X_new, what="(3 identical trees, labels 'down', 'in', 'up')"
    )


@checks.test(task=1, name="each bootstrap sample leaves out about 36.8% of the rows")
def out_of_bag_fraction(learner, oracle):
    # One label per row: a fully grown tree predicts row i's own label exactly when row i was
    # in its bootstrap sample, so the rows it gets wrong are the rows it never saw.
    rng = np.random.default_rng(7)
    X = rng.normal(size=(200, 3))
    y = np.arange(200)
    model = _fit(learner, X, y, n_estimators=16, random_state=0)
    trees = _estimators(model, 16, what="with n_estimators=16")
    left_out = []
    for i, tree in enumerate(trees):
        predicted = _as_labels(tree.predict(X), name=f"estimators_[{i}].predict(X)", n=200)
        left_out.append(float(np.mean(predicted != y)))
    mean = float(np.mean(left_out))
    low, high = OOB_FRACTION
    if not low <= mean <= high:
        if mean == 0:
            advice = (
                "no row was ever left out: each tree saw every row, so the bootstrap sample was "
                "drawn WITHOUT replacement (a permutation) or not at all. Draw n row indices "
                "with replacement, e.g. rng.integers(0, n, size=n)"
            )
        else:
            advice = (
                "a bootstrap sample is n rows drawn with replacement, which leaves out "
                "(1 - 1/n)^n = 36.6% of the rows on average"
            )
        raise CheckFailure(
            f"estimators_: on average each tree fails to recognise {mean:.1%} of the training "
            f"rows (rows it never saw), expected between {low:.0%} and {high:.0%}; {advice}"
        )
    expect_true(
        len(set(left_out)) > 1,
        "estimators_: every tree left out exactly the same share of rows: each tree needs its "
        "own bootstrap sample",
    )


@checks.test(task=1, name="the same random_state gives the same forest, another one does not")
def reproducible(learner, oracle):
    X, y = _nonlinear(3, 150)
    X_new, _ = _nonlinear(4, 100)
    proba = {}
    for run, seed in enumerate((0, 0, 1, None, None)):
        model = _fit(learner, X, y, n_estimators=6, random_state=seed)
        proba[run] = _expect_proba_shape(
            model.predict_proba(X_new), 100, 2, name=f"predict_proba with random_state={seed}"
        )
    expect_array(
        proba[1], proba[0], name="predict_proba of a second fit with random_state=0", rtol=0
    )
    expect_true(
        not np.array_equal(proba[0], proba[2]),
        "random_state=0 and random_state=1 gave exactly the same forest: seed the generator "
        "with random_state (np.random.default_rng(random_state)) and draw every bootstrap "
        "sample and feature subset from it",
    )
    expect_true(
        not np.array_equal(proba[3], proba[4]),
        "two fits with random_state=None gave exactly the same forest: None should mean fresh "
        "randomness (np.random.default_rng(None)), not a fixed seed",
    )


# -- task 2: random feature subsets ----------------------------------------------------------------


@checks.test(task=2, name="max_features='sqrt' makes the trees differ even without bootstrap")
def trees_differ(learner, oracle):
    X, y = _nonlinear(5, 200, d=9)
    X_new, _ = _nonlinear(6, 150, d=9)
    model = _fit(learner, X, y, n_estimators=10, bootstrap=False, random_state=0)
    trees = _estimators(model, 10, what="with n_estimators=10")
    votes = [
        _as_labels(tree.predict(X_new), name=f"estimators_[{i}].predict(X_new)", n=150)
        for i, tree in enumerate(trees)
    ]
    distinct = len({tuple(v.tolist()) for v in votes})
    expect_true(
        distinct > 1,
        "estimators_: with bootstrap=False and max_features='sqrt' all 10 trees make the same "
        "predictions, so they are the same tree. Each node must choose its split among "
        "int(sqrt(9)) = 3 features drawn at random for that node, not among all 9",
    )


@checks.test(task=2, name="features are drawn at every node, not once per tree (max_features=4)")
def per_node(learner, oracle):
    # Only feature 0 matters. A tree that draws 4 of the 16 features at every node meets
    # feature 0 sooner or later; a tree that draws them once misses it 3 times out of 4.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 16))
    y = (X[:, 0] > 0).astype(int)
    X_test = rng.normal(size=(1000, 16))
    y_test = (X_test[:, 0] > 0).astype(int)
    model = _fit(learner, X, y, n_estimators=25, max_features=4, bootstrap=False, random_state=0)
    trees = _estimators(model, 25, what="with n_estimators=25")
    scores = [
        float(np.mean(_as_labels(t.predict(X_test), name="a tree's predict", n=1000) == y_test))
        for t in trees
    ]
    median = float(np.median(scores))
    expect_true(
        median >= PER_NODE_MEDIAN,
        f"estimators_: the median held-out accuracy of a single tree is {median:.3f}, expected "
        f"at least {PER_NODE_MEDIAN} (scikit-learn's trees reach about 0.9 here). Only feature 0 "
        "decides the class; most of your trees seem never to look at it, which happens when the "
        "feature subset is drawn once per tree. Draw max_features features anew at every node",
    )


# -- task 3: soft voting ---------------------------------------------------------------------------


def _vote_data():
    """36 grid points, each repeated 4 times with random labels from 3 classes: every leaf of a
    fully grown tree holds one grid point and a mixture of labels."""
    rng = np.random.default_rng(0)
    points = np.array(list(itertools.product(range(6), range(6))), dtype=float)
    X = np.repeat(points, 4, axis=0)
    y = rng.integers(0, 3, size=len(X))
    return X, np.array(["ant", "bee", "cat"])[y], points


@checks.test(task=3, name="predict is the class with the largest mean probability (soft voting)")
def soft_voting(learner, oracle):
    X, y, points = _vote_data()
    model = _fit(learner, X, y, n_estimators=15, random_state=2)
    proba = _expect_proba_shape(model.predict_proba(points), 36, 3, name="predict_proba(points)")
    predicted = _as_labels(model.predict(points), name="predict(points)", n=36)
    top = np.sort(proba, axis=1)
    clear = top[:, -1] - top[:, -2] > 1e-9
    expected = np.array(["ant", "bee", "cat"])[np.argmax(proba, axis=1)]
    wrong = np.flatnonzero(clear & (predicted != expected))
    if len(wrong):
        i = int(wrong[0])
        raise CheckFailure(
            f"predict(points): at point {points[i].tolist()} your predict_proba gives "
            f"{np.round(proba[i], 4).tolist()} (largest for {str(expected[i])!r}) but predict "
            f"says {str(predicted[i])!r}. A forest predicts the class of largest MEAN probability "
            "over the trees (soft voting); a majority vote of the trees' hard labels ignores how "
            f"sure each leaf is ({len(wrong)} of 36 points differ)"
        )


@checks.test(task=3, name="string labels and a rare class some bootstrap samples miss")
def rare_class(learner, oracle):
    rng = np.random.default_rng(13)
    centres = {"lake": (-4.0, 0.0), "hill": (4.0, 0.0), "cave": (0.0, 6.0)}
    sizes = {"lake": 100, "hill": 100, "cave": 3}
    X = np.vstack([rng.normal(centres[c], 1.0, size=(sizes[c], 2)) for c in centres])
    y = np.repeat(list(centres), [sizes[c] for c in centres])
    model = _fit(learner, X, y, n_estimators=30, random_state=0)
    _expect_classes(model, np.array(["cave", "hill", "lake"]), what="(labels lake, hill, cave)")
    proba = _expect_proba_shape(model.predict_proba(X), len(X), 3, name="predict_proba(X_train)")
    cave = proba[y == "cave", 0]
    expect_true(
        bool(np.all(cave > 0.5)),
        f"predict_proba(X_train): the 3 'cave' rows get probabilities {np.round(cave, 3)} for "
        "'cave' (column 0, as classes_ is sorted), expected more than 0.5: every tree votes for "
        "'cave' on the cave rows it was trained on. A bootstrap sample without any 'cave' row "
        "gives a tree with 2 classes: its probabilities must still go into the columns of the "
        "forest's classes_",
    )
    _expect_labels(model.predict(X), y, name="predict(X_train)")
    X_new = np.array([[-4.2, 0.3], [3.7, -0.4], [0.1, 6.2], [-3.0, -1.0], [5.0, 1.0]])
    want = np.array(["lake", "hill", "cave", "lake", "hill"])
    _expect_labels(model.predict(X_new), want, name="predict at the three centres")


@checks.test(task=3, name="held-out accuracy within 0.03 of scikit-learn's")
def accuracy_band(learner, oracle):
    X, y = _nonlinear(1, 300)
    X_test, y_test = _nonlinear(2, 3000)
    want = oracle("scores", lambda: _sk_forest_scores(X, y, X_test, y_test, n_estimators=30))
    model = _fit(learner, X, y, n_estimators=30, random_state=0)
    got = _accuracy(model, X_test, y_test, what="(3000 held-out points)")
    if abs(got - want["accuracy"]) > ACCURACY_BAND:
        raise CheckFailure(
            f"held-out accuracy of 30 trees: got {got:.4f}, scikit-learn's forests reach "
            f"{want['accuracy']:.4f} on average (standard deviation {want['accuracy_std']:.4f} "
            f"over 10 seeds); allowed difference {ACCURACY_BAND}"
        )


# -- task 4: the out-of-bag score ------------------------------------------------------------------


@checks.test(task=4, name="oob_score_ agrees with held-out accuracy and with scikit-learn's")
def oob_score(learner, oracle):
    X, y = _nonlinear(1, 300)
    X_test, y_test = _nonlinear(2, 3000)
    want = oracle("scores", lambda: _sk_forest_scores(X, y, X_test, y_test, n_estimators=30))
    model = _fit(learner, X, y, n_estimators=30, oob_score=True, random_state=1)
    oob = model.oob_score_
    if isinstance(oob, float | np.floating) and np.isnan(oob):
        raise CheckFailure(
            "oob_score_: got NaN, the accuracy over no rows at all: no row was ever out of bag. "
            "Each bootstrap sample must be n rows drawn WITH replacement, so that about a third "
            "of the rows are left out of each tree"
        )
    oob = expect_scalar(oob, want["oob"], name="oob_score_", atol=1.0)
    held_out = _accuracy(model, X_test, y_test, what="(3000 held-out points)")
    training = _accuracy(model, X, y, what="(training rows)")
    if abs(oob - want["oob"]) > OOB_BAND or abs(oob - held_out) > OOB_VS_HELD_OUT:
        hint = ""
        if abs(oob - training) < 0.01 and training - held_out > 0.1:
            hint = (
                f"; it equals your training accuracy ({training:.3f}): looks like each row was "
                "scored by the trees that were trained on it. Use only the trees whose bootstrap "
                "sample does NOT contain the row"
            )
        raise CheckFailure(
            f"oob_score_ of 30 trees: got {oob:.4f}; the same forest's accuracy on 3000 "
            f"held-out points is {held_out:.4f} (allowed difference {OOB_VS_HELD_OUT}) and "
            f"scikit-learn's oob_score_ averages {want['oob']:.4f} (standard deviation "
            f"{want['oob_std']:.4f}; allowed difference {OOB_BAND}){hint}"
        )


@checks.test(task=4, name="oob_score=True with bootstrap=False raises ValueError")
def oob_needs_bootstrap(learner, oracle):
    X, y = _nonlinear(3, 60)
    model = learner.RandomForestClassifier(
        n_estimators=3, bootstrap=False, oob_score=True, random_state=0
    )
    try:
        model.fit(X, y)
    except LearnerError as error:
        if error.exception_type == "ValueError":
            return
        raise CheckFailure(
            f"fit with oob_score=True and bootstrap=False raised {error.exception_type or 'an '}"
            f"error ({error.message.splitlines()[-1][:200]}), expected a ValueError"
        ) from None
    raise CheckFailure(
        "fit with oob_score=True and bootstrap=False should raise ValueError: without bootstrap "
        "no row is ever out of bag"
    )


# -- speed -----------------------------------------------------------------------------------------


def _speed_data(n, rng):
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] > 0.3).astype(int) + (X[:, 1] > 1)


@checks.performance(sizes=[250, 500, 1000, 2000, 4000])
def speed(learner, n, rng):
    X, y = _speed_data(n, rng)
    learner.RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y).predict(X)


def _library():
    from sklearn.ensemble import RandomForestClassifier

    return {"RandomForestClassifier": lambda **kw: RandomForestClassifier(n_jobs=1, **kw)}


def _score(learner, n, rng):
    X, y = _speed_data(n, rng)
    X_test, y_test = _speed_data(n, rng)
    model = learner.RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    return float(np.mean(model.predict(X_test) == y_test))


checks.baseline(
    _library,
    score=_score,
    note=(
        "scikit-learn's trees are compiled Cython (n_jobs=1); score: held-out accuracy with "
        "10 trees"
    ),
)
