"""Checks for gradient-boosting: scikit-learn's GradientBoostingRegressor is the oracle.

With squared error, subsample=1.0 and trees that minimise squared error, boosting is
deterministic except for one thing: scikit-learn's trees visit the features in a random order
and keep the first of several equally good splits. Every test's data is proven free of such
ties: the oracle fits scikit-learn with eight random states and requires the same trees, and
for every node of every stage it recomputes the squared error of every candidate split by brute
force and requires the chosen split to beat all others by a clear margin. Features are exact in
float32 (scikit-learn's trees store X as float32) and new points stay 1/1024 away from every
threshold. A correct learner then reproduces scikit-learn's predictions stage by stage.
"""

import warnings

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

RTOL = 1e-10
ATOL = 1e-9  # times the standard deviation of y
GAP = 1e-7  # the best split must beat every other one by GAP * (the node's squared error)


# -- data ------------------------------------------------------------------------------------------


def _grid(values):
    """Values rounded to multiples of 1/256: exact in float32, midpoints at multiples of 1/512."""
    return np.round(np.asarray(values, dtype=float) * 256.0) / 256.0


def _new_points(seed, m, low, high):
    """New points at odd multiples of 1/1024: never on a midpoint of values on the 1/256 grid."""
    rng = np.random.default_rng(seed)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    k = rng.integers(np.floor(low * 512), np.ceil(high * 512), size=(m, len(low)))
    return (2 * k + 1) / 1024.0


def _target(X, seed, *, noise=0.3, offset=0.0, scale=1.0):
    """A smooth nonlinear function of the first features plus Gaussian noise."""
    d = X.shape[1]
    signal = np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 1] * X[:, min(2, d - 1)] - 0.3 * X[:, 1]
    return offset + scale * (signal + noise * np.random.default_rng(seed).normal(size=len(X)))


def _smooth(seed, n, d, **target):
    """Gaussian features on the 1/256 grid, a smooth noisy target, and 50 new points."""
    X = _grid(np.random.default_rng(seed).normal(size=(n, d)) * 1.5)
    X_new = _new_points(seed + 1, 50, X.min(axis=0), X.max(axis=0))
    return X, _target(X, seed + 2, **target), X_new


# -- oracle ----------------------------------------------------------------------------------------


def _sk_model(**params):
    """scikit-learn's regressor with squared-error trees (the default from version 1.9 on)."""
    from sklearn.ensemble import GradientBoostingRegressor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            return GradientBoostingRegressor(criterion="squared_error", subsample=1.0, **params)
        except TypeError:  # a version that no longer takes `criterion`
            return GradientBoostingRegressor(subsample=1.0, **params)


def _fit_sk(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return _sk_model(**params).fit(X, y)


def _split_scores(x, r):
    """Children's squared error of every cut of one feature, by the definition (sorted sums)."""
    order = np.argsort(x, kind="stable")
    xs, rs = x[order], r[order]
    cut = np.flatnonzero(xs[:-1] < xs[1:])
    if len(cut) == 0:
        return np.empty(0), np.empty(0)
    n = len(rs)
    left_n = cut + 1.0
    left_s = np.cumsum(rs)[cut]
    left_q = np.cumsum(rs * rs)[cut]
    right_s, right_q = rs.sum() - left_s, (rs * rs).sum() - left_q
    sse = (left_q - left_s**2 / left_n) + (right_q - right_s**2 / (n - left_n))
    return sse, xs[cut] / 2 + xs[cut + 1] / 2


def _prove_unambiguous(model, X, y, X_new):
    """Raise unless every split of every stage is the unique clear best (see the top)."""
    X32 = X.astype(np.float32)
    F = np.full(len(y), float(np.mean(y)))
    for stage, (tree_model, F_next) in enumerate(
        zip(model.estimators_[:, 0], model.staged_predict(X), strict=True)
    ):
        r = y - F
        tree = tree_model.tree_
        paths = tree_model.decision_path(X32).tocsc()
        for t in range(tree.node_count):
            if tree.children_left[t] < 0:
                continue
            rows = paths[:, [t]].nonzero()[0]
            node_sse = float(np.sum((r[rows] - r[rows].mean()) ** 2))
            ranked = []
            for f in range(X.shape[1]):
                sse, cuts = _split_scores(X[rows, f], r[rows])
                ranked += [(float(s), f, float(c)) for s, c in zip(sse, cuts, strict=True)]
            ranked.sort()
            margin = GAP * max(node_sse, 1e-300)
            if (ranked[0][1], ranked[0][2]) != (int(tree.feature[t]), float(tree.threshold[t])):
                raise RuntimeError(f"stage {stage}, node {t}: not the brute-force best split")
            if node_sse - ranked[0][0] <= margin:
                raise RuntimeError(f"stage {stage}, node {t}: the split does not reduce the error")
            if len(ranked) > 1 and ranked[1][0] - ranked[0][0] <= margin:
                raise RuntimeError(f"stage {stage}, node {t}: two splits are nearly equally good")
            if (
                X_new is not None
                and np.min(np.abs(X_new[:, tree.feature[t]] - tree.threshold[t])) < 1e-6
            ):
                raise RuntimeError(f"stage {stage}: a new point lies on a threshold")
        F = F_next


def _sk_boost(X, y, X_new=None, **params):
    """scikit-learn's fit, proven unambiguous; init, staged and final predictions."""
    if not np.array_equal(X, X.astype(np.float32)):
        raise RuntimeError("test data must be exact in float32")
    models = [_fit_sk(X, y, random_state=s, **params) for s in range(8)]
    model = models[0]
    for other in models[1:]:
        for a, b in zip(model.estimators_[:, 0], other.estimators_[:, 0], strict=True):
            if not (
                np.array_equal(a.tree_.feature, b.tree_.feature)
                and np.array_equal(a.tree_.threshold, b.tree_.threshold)
            ):
                raise RuntimeError("scikit-learn's trees depend on random_state for these data")
    _prove_unambiguous(model, X, y, X_new)
    out = {
        "init": float(np.mean(y)),
        "staged": np.array(list(model.staged_predict(X))),
        "predict": model.predict(X),
    }
    if X_new is not None:
        out["staged_new"] = np.array(list(model.staged_predict(X_new)))
        out["predict_new"] = model.predict(X_new)
    return out


def _sk_staged(X, y, **params):
    """Staged training predictions of a (possibly mistaken) variant, for diagnoses only."""
    return np.array(list(_fit_sk(X, y, random_state=0, **params).staged_predict(X)))


# -- comparisons -----------------------------------------------------------------------------------


def _fit(learner, X, y, **params):
    model = learner.GradientBoostingRegressor(**params)
    expect_same_object(model.fit(X, y), model, name=f"fit(X, y) with {params or 'defaults'}")
    return model


def _tolerance(y):
    return {"rtol": RTOL, "atol": ATOL * max(float(np.std(y)), 1e-12)}


def _close(got, want, y):
    tol = _tolerance(y)
    return (
        isinstance(got, np.ndarray)
        and got.shape == np.shape(want)
        and got.dtype.kind in "fiu"
        and bool(np.all(np.abs(got - want) <= tol["atol"] + tol["rtol"] * np.abs(want)))
    )


def _as_stages(got, n_stages, m, *, name):
    if hasattr(got, "type_name") and not isinstance(got, list | np.ndarray):
        kind = got.type_name
        raise CheckFailure(
            f"{name}: returned a {kind} object, which cannot be sent back for checking: return "
            "a list of arrays, one per stage (e.g. return list(...) of your generator), or a "
            "2-D array of shape (n_estimators, n_samples)"
        )
    if isinstance(got, list):
        if len(got) != n_stages:
            raise CheckFailure(
                f"{name}: expected {n_stages} stages (one per tree, the first after one tree), "
                f"got a list of {len(got)}"
            )
        for k, stage in enumerate(got):
            if not isinstance(stage, np.ndarray) or stage.shape != (m,):
                shape = stage.shape if isinstance(stage, np.ndarray) else describe(stage)
                raise CheckFailure(
                    f"{name}: stage {k} should be an array of shape ({m},), got {shape}"
                )
        return np.array(got)
    if isinstance(got, np.ndarray) and got.shape == (n_stages, m):
        return got
    shape = got.shape if isinstance(got, np.ndarray) else describe(got)
    raise CheckFailure(
        f"{name}: expected a list of {n_stages} arrays of shape ({m},) or an array of shape "
        f"({n_stages}, {m}), got {shape}"
    )


def _diagnose(model, X, y, alternatives):
    """Name the known mistake a failing model matches (training predictions), or ''."""
    got = model.predict(X)
    for staged, meaning in alternatives:
        if _close(got, staged[-1], y):
            return meaning
    try:
        stages = np.asarray(model.staged_predict(X), dtype=float)
    except (LearnerError, TypeError, ValueError):
        stages = None
    if stages is not None and stages.ndim == 2 and len(stages) > 2:
        steps = np.diff(stages, axis=0)
        if np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12):
            return (
                "every tree adds exactly the same values, so every tree was fitted to the same "
                "targets: fit each tree to the current residuals y - F, not to y"
            )
    if isinstance(got, np.ndarray) and got.shape == y.shape and got.dtype.kind in "fiu":
        baseline = float(np.mean((y - np.mean(y)) ** 2))
        if float(np.mean((y - got) ** 2)) > baseline:
            return (
                "your model fits the training data worse than the constant mean(y): the trees "
                "push F away from y. The residual (negative gradient) is y - F, not F - y"
            )
    return ""


def _trees_on_y(X, y, n_estimators=100, learning_rate=0.1, max_depth=3):
    """Predictions when every tree is fitted to y: all trees equal scikit-learn's tree on y."""
    from sklearn.tree import DecisionTreeRegressor

    tree = DecisionTreeRegressor(max_depth=max_depth, random_state=0).fit(X, y)
    steps = np.arange(1, n_estimators + 1)[:, None] * tree.predict(X)[None, :]
    return np.mean(y) + learning_rate * steps


def _alternatives(oracle, key, X, y, params):
    """Predictions of the usual mistakes, computed with scikit-learn, with what they mean."""
    found = []
    if params.get("learning_rate", 0.1) != 1.0:
        lr1 = {**params, "learning_rate": 1.0}
        found.append(
            (
                oracle(f"{key}-lr1", lambda: _sk_staged(X, y, **lr1)),
                "these are the predictions with learning_rate=1: shrink every tree's "
                "contribution, F <- F + learning_rate * tree(x), in fit and in predict",
            )
        )
    found.append(
        (
            oracle(f"{key}-zero", lambda: _sk_staged(X, y, init="zero", **params)),
            "these are the predictions of boosting started from F0 = 0: start from the "
            "constant that minimises the squared error, F0 = mean(y), stored in init_",
        )
    )
    found.append(
        (
            oracle(f"{key}-on-y", lambda: _trees_on_y(X, y, **params)),
            "these are the predictions when every tree is fitted to y itself: fit each tree "
            "to the current residuals y - F (for the first tree, y - mean(y))",
        )
    )
    return found


def _expect_boosting(learner, oracle, key, X, y, X_new, *, what, **params):
    """Fit with `params` and compare init_, estimators_ and predictions with scikit-learn."""
    want = oracle(key, lambda: _sk_boost(X, y, X_new, **params))
    model = _fit(learner, X, y, **params)
    init = model.init_
    try:
        expect_scalar(init, want["init"], name=f"init_ {what}", rtol=1e-12, atol=1e-12)
    except CheckFailure as failure:
        raise CheckFailure(
            f"{failure}; init_ is the initial prediction F0 = mean(y), a single float"
        ) from None
    n_trees = params.get("n_estimators", 100)
    trees = model.estimators_
    expect_true(
        isinstance(trees, list) and len(trees) == n_trees,
        f"estimators_ {what}: expected a list of {n_trees} trees (one per stage), got "
        + (f"a list of {len(trees)}" if isinstance(trees, list) else describe(trees)),
    )
    try:
        expect_array(
            model.predict(X), want["predict"], name=f"predict(X_train) {what}", **_tolerance(y)
        )
    except CheckFailure as failure:
        hint = _diagnose(model, X, y, _alternatives(oracle, key, X, y, params))
        raise CheckFailure(f"{failure}; {hint}" if hint else str(failure)) from None
    expect_array(
        model.predict(X_new), want["predict_new"], name=f"predict(X_new) {what}", **_tolerance(y)
    )
    return model, want


# -- task 1: the initial prediction and one tree ---------------------------------------------------


@checks.test(task=1, name="fit returns self; init_ is mean(y); one tree fits the residuals")
def one_tree(learner, oracle):
    X, y, X_new = _smooth(2, 120, 2, offset=3.0)
    _expect_boosting(
        learner,
        oracle,
        "one-tree",
        X,
        y,
        X_new,
        what="(1 tree, learning_rate=1, max_depth=2)",
        n_estimators=1,
        learning_rate=1.0,
        max_depth=2,
    )


@checks.test(task=1, name="one stump with learning_rate=0.5: F0 + 0.5 * tree(x)")
def one_stump(learner, oracle):
    X, y, X_new = _smooth(1, 100, 3, offset=-2.0)
    _expect_boosting(
        learner,
        oracle,
        "one-stump",
        X,
        y,
        X_new,
        what="(1 stump, learning_rate=0.5)",
        n_estimators=1,
        learning_rate=0.5,
        max_depth=1,
    )


# -- task 2: boosting with shrinkage ---------------------------------------------------------------


def _main_data():
    return _smooth(5, 300, 2)


MAIN = {"n_estimators": 30, "learning_rate": 0.1, "max_depth": 3}


@checks.test(task=2, name="30 trees of depth 3 (2 features), 30 of depth 2 (3 features)")
def boosting(learner, oracle):
    X, y, X_new = _main_data()
    what = "(30 trees, learning_rate=0.1, max_depth=3)"
    _expect_boosting(learner, oracle, "main", X, y, X_new, what=what, **MAIN)
    X, y, X_new = _smooth(3, 200, 3)
    what = "(3 features, 30 trees, learning_rate=0.1, max_depth=2)"
    params = {"n_estimators": 30, "learning_rate": 0.1, "max_depth": 2}
    _expect_boosting(learner, oracle, "depth-2", X, y, X_new, what=what, **params)


@checks.test(task=2, name="stumps (max_depth=1) with learning_rate 0.5 and 0.05")
def stumps(learner, oracle):
    X, y, X_new = _smooth(1, 150, 4)
    for rate in (0.5, 0.05):
        _expect_boosting(
            learner,
            oracle,
            f"stumps-{rate}",
            X,
            y,
            X_new,
            what=f"(40 stumps, learning_rate={rate})",
            n_estimators=40,
            learning_rate=rate,
            max_depth=1,
        )


# -- task 3: staged predictions --------------------------------------------------------------------


@checks.test(task=3, name="staged_predict: one prediction per stage, the last equals predict")
def staged(learner, oracle):
    X, y, X_new = _main_data()
    what = "(30 trees, learning_rate=0.1, max_depth=3)"
    model, want = _expect_boosting(learner, oracle, "main", X, y, X_new, what=what, **MAIN)
    for rows, key, label in ((X, "staged", "X_train"), (X_new, "staged_new", "X_new")):
        name = f"staged_predict({label})"
        got = _as_stages(model.staged_predict(rows), 30, len(rows), name=name)
        expected = want[key]
        tol = _tolerance(y)
        if _close(got[1:], expected[:-1], y) and not _close(got, expected, y):
            raise CheckFailure(
                f"{name}: your stage k equals the expected stage k - 1: the first entry must "
                "be the prediction after ONE tree, F0 + learning_rate * tree_1(x), and the "
                "last the prediction after all n_estimators trees (do not start with F0 alone)"
            )
        if _close(got[:-1], expected[1:], y) and not _close(got, expected, y):
            raise CheckFailure(
                f"{name}: your stage k equals the expected stage k + 1: entry k must be the "
                "prediction after k + 1 trees, counting from the first tree"
            )
        for k in range(30):
            expect_array(
                got[k], expected[k], name=f"{name}, stage {k} (after {k + 1} trees)", **tol
            )
        expect_array(
            got[-1],
            model.predict(rows),
            name=f"the last stage of {name} against predict({label})",
            **tol,
        )


# -- task 4: hard data -----------------------------------------------------------------------------


@checks.test(task=4, name="a large offset in y (around 10 000) and a small spread")
def offset(learner, oracle):
    X, y, X_new = _smooth(5, 150, 2, offset=1e4, scale=0.01)
    _expect_boosting(
        learner,
        oracle,
        "offset",
        X,
        y,
        X_new,
        what="(y around 1e4 with spread 0.01)",
        n_estimators=30,
        learning_rate=0.2,
        max_depth=2,
    )


@checks.test(task=4, name="duplicated rows of X with different targets")
def duplicates(learner, oracle):
    X, _, X_new = _smooth(4, 200, 2)
    counts = np.ones(200, dtype=int)
    counts[:40] = np.random.default_rng(104).integers(2, 4, size=40)
    X = np.repeat(X, counts, axis=0)
    y = _target(X, 204)
    _expect_boosting(
        learner,
        oracle,
        "duplicates",
        X,
        y,
        X_new,
        what="(40 rows repeated 2 or 3 times, max_depth=2)",
        n_estimators=20,
        learning_rate=0.3,
        max_depth=2,
    )


# -- speed -----------------------------------------------------------------------------------------


def _speed_data(n, rng):
    X = rng.normal(size=(n, 4))
    return X, np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=n)


@checks.performance(sizes=[250, 500, 1000, 2000, 4000])
def speed(learner, n, rng):
    X, y = _speed_data(n, rng)
    learner.GradientBoostingRegressor(n_estimators=20).fit(X, y).predict(X)


def _library():
    return {"GradientBoostingRegressor": lambda **kw: _sk_model(**kw)}


def _score(learner, n, rng):
    X, y = _speed_data(n, rng)
    prediction = learner.GradientBoostingRegressor(n_estimators=20).fit(X, y).predict(X)
    return float(np.mean((prediction - y) ** 2))


checks.baseline(
    _library,
    score=_score,
    note="scikit-learn with squared-error trees (compiled Cython); score: training MSE",
)
