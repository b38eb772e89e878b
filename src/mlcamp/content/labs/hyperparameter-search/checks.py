"""Checks for hyperparameter-search: scikit-learn's GridSearchCV is the oracle.

The learner's grid_search gets a model class written in NumPy (`Code`) and the same folds as
GridSearchCV, which runs scikit-learn's own model with the same semantics in this process:
Ridge (the intercept is not penalised; `tol` is ignored by its direct solver, as by ours) and
KNeighborsClassifier (brute force, Euclidean, "uniform" or "distance" votes, vote ties to the
smallest label). The grid order, every fold score, every mean and the winner must agree.

The data were chosen so that two grid points have (nearly) equal mean scores only when their
fold scores are identical, so the tie rule is decided by exact equality, never by rounding. A
third model refuses to be fitted twice: that is how a model reused across folds is caught.
"""

import itertools

import numpy as np

from mlcamp.grader.harness import Code
from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, describe, expect_array

checks = LabChecks()

SCORE_RTOL = 1e-8
SCORE_ATOL = 1e-10
"""Fold scores and means must match GridSearchCV's within these (two linear solvers)."""

# -- the models sent to the learner ---------------------------------------------------------------

RIDGE = '''
class Ridge:
    """Ridge regression as scikit-learn's Ridge: the intercept is not penalised; score is R^2.
    `tol` is accepted and ignored (scikit-learn's direct solver ignores it too)."""

    def __init__(self, alpha=1.0, fit_intercept=True, tol=1e-4):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.tol = tol

    def get_params(self, deep=True):
        return {"alpha": self.alpha, "fit_intercept": self.fit_intercept, "tol": self.tol}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = y.mean() if self.fit_intercept else 0.0
        Xc = X - x_mean
        A = Xc.T @ Xc + self.alpha * np.eye(X.shape[1])
        self.coef_ = np.linalg.solve(A, Xc.T @ (y - y_mean))
        self.intercept_ = y_mean - x_mean @ self.coef_
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def score(self, X, y):
        y = np.asarray(y, dtype=float)
        r = y - self.predict(X)
        c = y - y.mean()
        return float(1.0 - (r @ r) / (c @ c))
'''

KNN = '''
class KNeighbors:
    """k-nearest-neighbour classifier (Euclidean) as scikit-learn's KNeighborsClassifier:
    weights "uniform" (one vote each) or "distance" (vote 1 / distance); ties in the vote go
    to the smallest label. score is the accuracy."""

    def __init__(self, n_neighbors=5, weights="uniform"):
        self.n_neighbors = n_neighbors
        self.weights = weights

    def get_params(self, deep=True):
        return {"n_neighbors": self.n_neighbors, "weights": self.weights}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, X, y):
        self.X_ = np.asarray(X, dtype=float)
        self.classes_, self.y_ = np.unique(np.asarray(y), return_inverse=True)
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        d2 = ((X[:, None, :] - self.X_[None, :, :]) ** 2).sum(axis=2)
        near = np.argsort(d2, axis=1, kind="stable")[:, : self.n_neighbors]
        if self.weights == "distance":
            w = 1.0 / np.sqrt(np.take_along_axis(d2, near, axis=1))
        else:
            w = np.ones(near.shape)
        votes = np.zeros((len(X), len(self.classes_)))
        np.add.at(votes, (np.arange(len(X))[:, None], self.y_[near]), w)
        return self.classes_[np.argmax(votes, axis=1)]

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))
'''

GUARDED = '''
class GuardedRidge(Ridge):
    """A Ridge that may be fitted only once per object."""

    def __init__(self, alpha=1.0, fit_intercept=True, tol=1e-4):
        super().__init__(alpha, fit_intercept, tol)
        self.fits_ = 0

    def fit(self, X, y):
        if self.fits_:
            raise RuntimeError(
                "fit was called a second time on the same model object: call "
                "make_model(**params) again for every fold, so that nothing learned on one fold "
                "can leak into the next"
            )
        self.fits_ += 1
        return super().fit(X, y)
'''

MAKE_RIDGE = Code(RIDGE, name="Ridge")
MAKE_KNN = Code(KNN, name="KNeighbors")
MAKE_GUARDED = Code(RIDGE + GUARDED, name="GuardedRidge")


# -- data -----------------------------------------------------------------------------------------


def _folds(n, sizes, seed):
    """Test folds of the given sizes from a seeded permutation, as (train, test) index pairs."""
    order = np.random.default_rng(seed).permutation(n)
    bounds = np.cumsum([0, *sizes])
    tests = [np.sort(order[bounds[i] : bounds[i + 1]]) for i in range(len(sizes))]
    return [(np.setdiff1d(np.arange(n), test), test) for test in tests]


def _wide_regression():
    """50 samples, 10 offset features, a weak signal: the best alpha is in the middle."""
    rng = np.random.default_rng(3)
    n, d = 50, 10
    X = rng.normal(size=(n, d)) * np.linspace(0.5, 3.0, d) + np.linspace(-3.0, 8.0, d)
    y = X @ (rng.normal(size=d) * 0.4) + 4.0 + rng.normal(size=n) * 3.0
    return X, y, _folds(n, [10] * 5, 13)


def _small_regression():
    """60 samples, 4 offset features, three folds of 8, 16 and 36 samples."""
    rng = np.random.default_rng(2)
    n = 60
    X = rng.normal(size=(n, 4)) * [1.0, 2.0, 0.5, 3.0] + [5.0, -2.0, 0.0, 10.0]
    y = X @ [1.5, -0.5, 2.0, 0.3] + 4.0 + rng.normal(size=n) * 2.0
    return X, y, _folds(n, [8, 16, 36], 4)


def _blobs():
    """90 points of 3 overlapping classes 'a', 'b', 'c' in 2-D, three folds of 30."""
    rng = np.random.default_rng(4)
    centres = np.repeat(np.array([[0.0, 0.0], [1.5, 0.5], [0.5, 1.8]]), 30, axis=0)
    X = rng.normal(size=(90, 2)) * 1.3 + centres
    y = np.repeat(np.array(["a", "b", "c"]), 30)
    return X, y, _folds(90, [30, 30, 30], 5)


ALPHAS = {"alpha": [0.01, 0.3, 3.0, 30.0, 300.0, 3000.0]}
THREE_KEYS = {"fit_intercept": [True, False], "tol": [1e-3, 1e-4], "alpha": [30.0, 0.3, 3.0]}
KNN_GRID = {"weights": ["uniform", "distance"], "n_neighbors": [1, 3, 5, 9, 15]}


# -- oracle ---------------------------------------------------------------------------------------


def _sk_search(kind, grid, X, y, folds):
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.neighbors import KNeighborsClassifier

    estimator = Ridge() if kind == "ridge" else KNeighborsClassifier(algorithm="brute")
    search = GridSearchCV(estimator, grid, cv=folds).fit(X, y)
    results = search.cv_results_
    return {
        "params": {str(i): dict(p) for i, p in enumerate(results["params"])},
        "mean": np.asarray(results["mean_test_score"], dtype=float),
        "split": np.column_stack(
            [results[f"split{i}_test_score"] for i in range(len(folds))]
        ).astype(float),
        "best": int(search.best_index_),
    }


def _expected(oracle, key, kind, grid, X, y, folds):
    want = oracle(key, lambda: _sk_search(kind, grid, X, y, folds))
    params = [want["params"][str(i)] for i in range(len(want["params"]))]
    return params, np.asarray(want["mean"]), np.asarray(want["split"]), int(want["best"])


# -- the grid orders of the usual mistakes --------------------------------------------------------


def _product(grid, keys, *, reverse=False):
    """The points of `grid` with `keys` in this order, the last (or, reversed, the first)
    changing fastest."""
    order = keys[::-1] if reverse else keys
    points = []
    for values in itertools.product(*(grid[k] for k in order)):
        point = dict(zip(order, values, strict=True))
        points.append({k: point[k] for k in sorted(grid)})
    return points


def _order_mistakes(grid):
    keys = sorted(grid)
    out = [
        (
            _product(grid, keys, reverse=True),
            "your table is in the right grid points but the FIRST key changes fastest; with the "
            "keys sorted, the LAST key must change fastest, as itertools.product does",
        ),
        (
            _product(grid, list(grid)),
            f"your table follows the keys in the order they were given ({list(grid)}); sort "
            f"them first ({keys})",
        ),
        (
            _product(grid, list(grid), reverse=True),
            f"your table follows the keys in the order given and varies the first fastest; sort "
            f"the keys ({keys}) and let the last one change fastest",
        ),
        (
            _product({k: sorted(v) for k, v in grid.items()}, keys),
            "your table sorts the VALUES of each key; keep every list of values in the order "
            "it was given",
        ),
    ]
    return out


# -- comparisons ----------------------------------------------------------------------------------


def _same_params(a, b):
    return (
        isinstance(a, dict)
        and isinstance(b, dict)
        and set(a) == set(b)
        and all(a[k] == b[k] for k in b)
    )


def _describe_point(params):
    return "{" + ", ".join(f"{k!r}: {params[k]!r}" for k in sorted(params)) + "}"


def _unpack(got, *, name, size):
    """(best_params, table) with the expected structure, or a failure saying what is off."""
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise CheckFailure(
            f"{name}: expected a pair (best_params, table), got {describe(got)}"
            + (f" of length {len(got)}" if isinstance(got, tuple | list) else "")
        )
    best, table = got
    if not isinstance(best, dict):
        raise CheckFailure(f"{name}: best_params should be a dict, got {describe(best)}")
    if not isinstance(table, list | tuple):
        raise CheckFailure(f"{name}: the table should be a list of dicts, got {describe(table)}")
    if len(table) != size:
        raise CheckFailure(
            f"{name}: the grid has {size} points (the product of the list lengths), your table "
            f"has {len(table)} rows"
        )
    for i, row in enumerate(table):
        if not isinstance(row, dict) or not {"params", "mean_score", "scores"} <= set(row):
            raise CheckFailure(
                f"{name}: row {i} of the table should be a dict with keys 'params', "
                f"'mean_score' and 'scores', got "
                + (f"keys {sorted(row)}" if isinstance(row, dict) else describe(row))
            )
    return best, table


def _expect_order(table, want_params, grid, *, name):
    got_params = [row["params"] for row in table]
    if all(_same_params(g, w) for g, w in zip(got_params, want_params, strict=True)):
        return
    meanings = [
        meaning
        for order, meaning in _order_mistakes(grid)
        if all(_same_params(g, w) for g, w in zip(got_params, order, strict=True))
    ]
    if meanings:
        # With two keys, "first key fastest" and "keys in the given order" can be the same order.
        raise CheckFailure(f"{name}: the rows are not in grid order; " + "; or: ".join(meanings))
    i = next(
        i
        for i, (g, w) in enumerate(zip(got_params, want_params, strict=True))
        if not _same_params(g, w)
    )
    got = got_params[i]
    raise CheckFailure(
        f"{name}: row {i} has params "
        + (_describe_point(got) if isinstance(got, dict) else describe(got))
        + f", expected {_describe_point(want_params[i])} (keys sorted, the last key changing "
        "fastest, values in the order given)"
    )


def _expect_scores(table, want_params, want_mean, want_split, folds, *, name):
    sizes = np.array([len(test) for _, test in folds], dtype=float)
    for i, row in enumerate(table):
        where = f"{name}: row {i} {_describe_point(want_params[i])}"
        scores = row["scores"]
        if isinstance(scores, list | tuple):
            scores = np.asarray(scores, dtype=float) if scores else np.zeros(0)
        expect_array(
            scores,
            want_split[i],
            name=f"{where}: 'scores' (one per fold, in fold order)",
            rtol=SCORE_RTOL,
            atol=SCORE_ATOL,
        )
        mean = row["mean_score"]
        if isinstance(mean, bool) or not isinstance(mean, int | float | np.integer | np.floating):
            raise CheckFailure(f"{where}: 'mean_score' should be a float, got {describe(mean)}")
        mean = float(mean)
        if abs(mean - want_mean[i]) > SCORE_ATOL + SCORE_RTOL * abs(want_mean[i]):
            message = (
                f"{where}: 'mean_score' is {mean:.10g}, expected {want_mean[i]:.10g} (the plain "
                "mean of the fold scores)"
            )
            weighted = float(want_split[i] @ sizes / sizes.sum())
            if abs(mean - weighted) <= 1e-9 * max(1.0, abs(weighted)):
                message += (
                    f"; you weighted the folds by their sizes {sizes.astype(int).tolist()}: "
                    "every fold counts the same, whatever its size"
                )
            raise CheckFailure(message)


def _expect_best(best, table, want_params, want_mean, want_split, want_best, folds, *, name):
    if _same_params(best, want_params[want_best]):
        return
    message = (
        f"{name}: best_params is {_describe_point(best)}, expected "
        f"{_describe_point(want_params[want_best])} (mean score {want_mean[want_best]:.6g}, row "
        f"{want_best})"
    )
    top = np.flatnonzero(want_mean == want_mean[want_best])
    index = next((i for i, p in enumerate(want_params) if _same_params(best, p)), None)
    sizes = np.array([len(test) for _, test in folds], dtype=float)
    if index is not None and index in top and index != want_best:
        message += (
            f"; rows {top.tolist()} tie for the highest mean score and you took a later one: "
            "ties go to the FIRST grid point (use np.argmax, or replace the best only on a "
            "strictly higher score)"
        )
    elif index is not None and index == int(np.argmax(want_split @ sizes)):
        message += "; that is the winner of the fold-size-weighted mean: use the plain mean"
    elif index is not None and index == int(np.argmin(want_mean)):
        message += "; that is the LOWEST mean score: scores are higher-is-better"
    elif index is not None:
        message += f"; yours is row {index}, with mean score {want_mean[index]:.6g}"
    raise CheckFailure(message)


def _run(learner, make_model, grid, X, y, folds, *, name):
    try:
        return learner.grid_search(make_model, grid, X, y, folds)
    except LearnerError as error:
        if "second time on the same model object" in error.message:
            raise CheckFailure(
                f"{name}: the test model refused a second fit: {error.message.splitlines()[-1]}"
            ) from None
        raise


def _check_search(learner, oracle, key, kind, make_model, grid, X, y, folds, *, what, best=True):
    want_params, want_mean, want_split, want_best = _expected(oracle, key, kind, grid, X, y, folds)
    name = f"grid_search on {what}"
    got = _run(learner, make_model, grid, X, y, folds, name=name)
    best_params, table = _unpack(got, name=name, size=len(want_params))
    _expect_order(table, want_params, grid, name=name)
    _expect_scores(table, want_params, want_mean, want_split, folds, name=name)
    if best:
        _expect_best(
            best_params, table, want_params, want_mean, want_split, want_best, folds, name=name
        )


# -- task 1: the grid and its table ---------------------------------------------------------------


@checks.test(
    task=1, name="one key (6 alphas): rows in order, fold scores and means of GridSearchCV"
)
def table_one_key(learner, oracle):
    X, y, folds = _wide_regression()
    _check_search(
        learner,
        oracle,
        "alphas",
        "ridge",
        MAKE_RIDGE,
        ALPHAS,
        X,
        y,
        folds,
        what="Ridge, alpha in [0.01, ..., 3000], 5 folds",
        best=False,
    )


@checks.test(task=1, name="two keys given unsorted: keys sorted, the last key changes fastest")
def table_two_keys(learner, oracle):
    X, y, folds = _blobs()
    _check_search(
        learner,
        oracle,
        "knn",
        "knn",
        MAKE_KNN,
        KNN_GRID,
        X,
        y,
        folds,
        what="k-NN, weights x n_neighbors (10 points), 3 folds",
        best=False,
    )


@checks.test(task=1, name="three keys, unsorted values, booleans, folds of 8, 16 and 36")
def table_three_keys(learner, oracle):
    X, y, folds = _small_regression()
    _check_search(
        learner,
        oracle,
        "three",
        "ridge",
        MAKE_RIDGE,
        THREE_KEYS,
        X,
        y,
        folds,
        what="Ridge, tol x fit_intercept x alpha (12 points), folds of 8/16/36",
        best=False,
    )


@checks.test(task=1, name="a fresh model for every fold (the test model refuses a second fit)")
def fresh_models(learner, oracle):
    X, y, folds = _small_regression()
    grid = {"alpha": [0.3, 3.0]}
    _check_search(
        learner,
        oracle,
        "guarded",
        "ridge",
        MAKE_GUARDED,
        grid,
        X,
        y,
        folds,
        what="a model that may be fitted once per object",
        best=False,
    )


# -- task 2: the best grid point ------------------------------------------------------------------


@checks.test(task=2, name="the best alpha is in the middle of the grid")
def best_unique(learner, oracle):
    X, y, folds = _wide_regression()
    _check_search(
        learner,
        oracle,
        "alphas",
        "ridge",
        MAKE_RIDGE,
        ALPHAS,
        X,
        y,
        folds,
        what="Ridge, alpha in [0.01, ..., 3000], 5 folds",
    )


@checks.test(task=2, name="tied mean scores: the first grid point in grid order wins")
def best_ties(learner, oracle):
    X, y, folds = _small_regression()
    _check_search(
        learner,
        oracle,
        "three",
        "ridge",
        MAKE_RIDGE,
        THREE_KEYS,
        X,
        y,
        folds,
        what="Ridge, tol x fit_intercept x alpha (tol does not change the fit: exact ties)",
    )
    X, y, folds = _blobs()
    _check_search(
        learner,
        oracle,
        "knn",
        "knn",
        MAKE_KNN,
        KNN_GRID,
        X,
        y,
        folds,
        what="k-NN, weights x n_neighbors (10 points), 3 folds",
    )


# -- performance ----------------------------------------------------------------------------------


@checks.performance(sizes=[4, 8, 16, 32, 64])
def speed(learner, n, rng):
    X = rng.normal(size=(150, 5))
    y = X @ np.arange(1.0, 6.0) + rng.normal(size=150) * 2.0
    folds = _folds(150, [50, 50, 50], 0)
    grid = {"alpha": [float(a) for a in np.logspace(-2, 3, n)]}
    learner.grid_search(MAKE_RIDGE, grid, X, y, folds)


def _library():
    from sklearn.base import BaseEstimator
    from sklearn.model_selection import GridSearchCV

    def grid_search(make_model, param_grid, X, y, cv):
        # scikit-learn 1.9 needs estimator tags: give the test model BaseEstimator's.
        estimator = type(make_model.__name__, (make_model, BaseEstimator), {})()
        search = GridSearchCV(estimator, param_grid, cv=cv, refit=False).fit(X, y)
        results = search.cv_results_
        table = [
            {
                "params": params,
                "mean_score": float(results["mean_test_score"][i]),
                "scores": [float(results[f"split{f}_test_score"][i]) for f in range(len(cv))],
            }
            for i, params in enumerate(results["params"])
        ]
        return search.best_params_, table

    return {"grid_search": grid_search}


def _score(learner, n, rng):
    X = rng.normal(size=(150, 5))
    y = X @ np.arange(1.0, 6.0) + rng.normal(size=150) * 2.0
    folds = _folds(150, [50, 50, 50], 0)
    grid = {"alpha": [float(a) for a in np.logspace(-2, 3, n)]}
    _, table = learner.grid_search(MAKE_RIDGE, grid, X, y, folds)
    return max(row["mean_score"] for row in table)


checks.baseline(
    _library,
    score=_score,
    note="GridSearchCV (refit=False) on the same NumPy ridge, given BaseEstimator's tags; its "
    "time is mostly cloning, validation and joblib bookkeeping around the same fits",
)
