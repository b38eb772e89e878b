"""Checks for cross-validation: scikit-learn's KFold is the oracle for unshuffled folds (exact
agreement), StratifiedKFold is checked by its defining properties (a partition, every class
spread as evenly as the counts allow, fold sizes within one), and cross_val_score is compared
with scikit-learn's Ridge / NearestCentroid fitted on the same folds in this process.

The models sent to the learner are small NumPy classes (`Code`) with the same semantics as
scikit-learn's Ridge and NearestCentroid. One of them refuses to be fitted twice, and refuses to
be fitted at all when it is the very object the checks passed in: that is how a missing clone is
caught.
"""

import numpy as np

from mlcamp.grader.harness import Code, Handle
from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, describe, expect_array, expect_true

checks = LabChecks()

SCORE_RTOL = 1e-8
SCORE_ATOL = 1e-10
"""Fold scores must match the independent computation within these (two linear solvers differ
in the last digits, nothing more)."""

# -- the models sent to the learner ---------------------------------------------------------------

RIDGE = '''
class Ridge:
    """Ridge regression with an unpenalised intercept (scikit-learn's Ridge); score is R^2."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def get_params(self, deep=True):
        return {"alpha": self.alpha}

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        x_mean = X.mean(axis=0)
        y_mean = y.mean()
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

CENTROID = '''
class NearestCentroid:
    """Predicts the class whose mean is nearest (Euclidean); score is the accuracy."""

    def __init__(self):
        pass

    def get_params(self, deep=True):
        return {}

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.centroids_ = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        d = ((X[:, None, :] - self.centroids_[None, :, :]) ** 2).sum(axis=2)
        return self.classes_[np.argmin(d, axis=1)]

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))
'''

GUARDED = '''
class GuardedRidge(Ridge):
    """A Ridge that may be fitted once per object, and never when it is the caller's object."""

    def __init__(self, alpha=1.0):
        super().__init__(alpha)
        self.fits_ = 0

    def fit(self, X, y):
        if self is CALLERS_MODEL:
            raise RuntimeError(
                "cross_val_score fitted the model object it was given; leave it untouched and "
                "fit a fresh copy on each fold: type(model)(**model.get_params())"
            )
        if self.fits_:
            raise RuntimeError(
                "fit was called a second time on the same model object: every fold needs its "
                "own fresh, unfitted copy of the model"
            )
        self.fits_ += 1
        return super().fit(X, y)
'''


def _ridge(alpha):
    return Code(RIDGE + f"\nmodel = Ridge(alpha={alpha!r})\n", name="model")


def _guarded(alpha):
    source = RIDGE + GUARDED + f"\nmodel = GuardedRidge(alpha={alpha!r})\nCALLERS_MODEL = model\n"
    return Code(source, name="model")


def _centroid():
    return Code(CENTROID + "\nmodel = NearestCentroid()\n", name="model")


def _splitter(folds):
    """A splitter object (not the learner's) whose split(X, y) yields the given test folds."""
    text = repr([list(map(int, f)) for f in folds])
    source = f"""
class FixedFolds:
    def split(self, X, y=None):
        n = len(X)
        for test in {text}:
            test = np.asarray(test)
            yield np.setdiff1d(np.arange(n), test), test

    def get_n_splits(self, X=None, y=None):
        return {len(folds)}

splitter = FixedFolds()
"""
    return Code(source, name="splitter")


# -- data -----------------------------------------------------------------------------------------


def _regression(seed, n, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.linspace(0.5, 3.0, d) + np.linspace(-2.0, 5.0, d)
    y = X @ rng.normal(size=d) + 3.0 + rng.normal(size=n) * 1.5
    return X, y


def _classes(seed, counts, d=3, spread=1.6):
    """Samples sorted by class (the hard case for a splitter that ignores y), in 2+ classes."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(size=(m, d)) * spread + 1.2 * c for c, m in enumerate(counts)])
    y = np.repeat(np.arange(len(counts)), counts)
    return X, y


# -- oracle ---------------------------------------------------------------------------------------


def _sk_kfold(n, k):
    from sklearn.model_selection import KFold

    return {str(i): test for i, (_, test) in enumerate(KFold(n_splits=k).split(np.zeros(n)))}


def _sk_ridge_scores(X, y, alpha, folds):
    """Ridge fitted on each training part and scored (R^2) on its test fold; plus the scores
    of the usual mistakes."""
    from sklearn.linear_model import Ridge

    n = len(y)
    scores, on_train, once = [], [], []
    everything = Ridge(alpha=alpha).fit(X, y)
    for test in folds:
        train = np.setdiff1d(np.arange(n), test)
        model = Ridge(alpha=alpha).fit(X[train], y[train])
        scores.append(model.score(X[test], y[test]))
        on_train.append(model.score(X[train], y[train]))
        once.append(everything.score(X[test], y[test]))
    return {"scores": np.array(scores), "on_train": np.array(on_train), "once": np.array(once)}


def _centroid_scores(X, y, folds):
    """Nearest-centroid accuracy on each test fold, computed here with NumPy (the folds come
    from the learner's splitter, so there is nothing to cache)."""

    def accuracy(X_fit, y_fit, X_test, y_test):
        classes = np.unique(y_fit)
        centres = np.array([X_fit[y_fit == c].mean(axis=0) for c in classes])
        d = ((X_test[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        return float(np.mean(classes[np.argmin(d, axis=1)] == y_test))

    n = len(y)
    scores, once = [], []
    for test in folds:
        train = np.setdiff1d(np.arange(n), test)
        scores.append(accuracy(X[train], y[train], X[test], y[test]))
        once.append(accuracy(X, y, X[test], y[test]))
    return {"scores": np.array(scores), "once": np.array(once)}


def _kfold_tests(n, k):
    """Unshuffled k-fold test folds, written out here: consecutive blocks, first n % k larger."""
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    bounds = np.cumsum([0, *sizes])
    return [np.arange(bounds[i], bounds[i + 1]) for i in range(k)]


# -- structure of a split -------------------------------------------------------------------------


def _as_index_array(value, *, name, n):
    if isinstance(value, list | tuple):
        value = np.asarray(value, dtype=np.int64) if len(value) else np.zeros(0, dtype=np.int64)
    if not isinstance(value, np.ndarray) or value.ndim != 1:
        raise CheckFailure(f"{name}: expected a 1-D array of sample indices, got {describe(value)}")
    if value.dtype.kind == "b":
        raise CheckFailure(
            f"{name}: expected sample INDICES (integers), got a boolean mask; use np.flatnonzero"
        )
    if value.dtype.kind not in "iu":
        raise CheckFailure(f"{name}: expected integer indices, got dtype {value.dtype}")
    if value.size and (value.min() < 0 or value.max() >= n):
        raise CheckFailure(
            f"{name}: indices must lie in 0..{n - 1}, got {int(value.min())}..{int(value.max())}"
        )
    return value


def _expect_partition(splits, n, k, *, name):
    """A list of k (train, test) pairs; test folds disjoint and covering; train = the rest."""
    if isinstance(splits, Handle):
        raise CheckFailure(
            f"{name}: expected a LIST of (train, test) pairs, got {describe(splits)}; a "
            "generator cannot leave the sandbox: build the pairs in a list (or return "
            "list(...) of your generator)"
        )
    if not isinstance(splits, list | tuple):
        raise CheckFailure(
            f"{name}: expected a list of (train, test) pairs, got {describe(splits)}"
        )
    if len(splits) != k:
        raise CheckFailure(
            f"{name}: expected {k} (train, test) pairs (one per fold), got {len(splits)}"
        )
    seen = np.full(n, -1)
    pairs = []
    for f, pair in enumerate(splits):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise CheckFailure(
                f"{name}: fold {f}: expected a pair (train, test), got {describe(pair)}"
            )
        train = _as_index_array(pair[0], name=f"{name}: train indices of fold {f}", n=n)
        test = _as_index_array(pair[1], name=f"{name}: test indices of fold {f}", n=n)
        if len(np.unique(test)) != len(test):
            raise CheckFailure(f"{name}: fold {f}: the test indices contain duplicates")
        if len(np.unique(train)) != len(train):
            raise CheckFailure(f"{name}: fold {f}: the train indices contain duplicates")
        both = np.intersect1d(train, test)
        if len(both):
            raise CheckFailure(
                f"{name}: fold {f}: sample {int(both[0])} is in both train and test "
                f"({len(both)} such samples); train must be every sample NOT in the test fold"
            )
        if len(train) + len(test) != n:
            missing = np.setdiff1d(np.arange(n), np.union1d(train, test))
            raise CheckFailure(
                f"{name}: fold {f}: sample {int(missing[0])} is in neither train nor test "
                f"({len(missing)} such samples); train must be every sample not in the test fold"
            )
        again = test[seen[test] >= 0]
        if len(again):
            i = int(again[0])
            raise CheckFailure(
                f"{name}: sample {i} is in the test folds {int(seen[i])} and {f}: the folds "
                "overlap (an off-by-one at the fold boundaries?); every sample must be tested "
                "exactly once"
            )
        seen[test] = f
        pairs.append((train, test))
    untested = np.flatnonzero(seen < 0)
    if len(untested):
        raise CheckFailure(
            f"{name}: sample {int(untested[0])} is in no test fold ({len(untested)} such samples); "
            "the test folds must cover every sample"
        )
    return pairs


def _expect_kfold_sizes(pairs, n, k, *, name):
    sizes = [len(test) for _, test in pairs]
    want = [n // k + (1 if i < n % k else 0) for i in range(k)]
    if sizes == want:
        return
    hint = ""
    if sizes == [n // k] * (k - 1) + [n // k + n % k]:
        hint = (
            "; the last fold took all the remainder: spread it instead, one extra sample to "
            f"each of the first n % k = {n % k} folds"
        )
    elif sorted(sizes) == sorted(want):
        hint = "; the sizes are right but in the wrong order: the LARGER folds come first"
    raise CheckFailure(
        f"{name}: test fold sizes {sizes}, expected {want} (n = {n}, k = {k}: n // k each, and "
        f"the first n % k folds one larger){hint}"
    )


def _expect_same_folds(pairs, want_tests, *, name):
    got_sets = [np.sort(test) for _, test in pairs]
    for f, want in enumerate(want_tests):
        if not np.array_equal(got_sets[f], np.sort(want)):
            if any(np.array_equal(g, np.sort(want)) for g in got_sets):
                raise CheckFailure(
                    f"{name}: the right folds, in the wrong order; fold {f} should test samples "
                    f"{_short(want)}"
                )
            raise CheckFailure(
                f"{name}: fold {f} tests samples {_short(got_sets[f])}, expected {_short(want)} "
                "(without shuffling, fold f is the f-th block of consecutive indices)"
            )


def _short(indices):
    values = np.sort(np.asarray(indices)).tolist()
    if len(values) > 8:
        return f"[{', '.join(map(str, values[:4]))}, ..., {', '.join(map(str, values[-2:]))}]"
    return str(values)


def _expect_stratified(pairs, y, k, *, name):
    y = np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    for f, (_, test) in enumerate(pairs):
        got = [int(np.sum(y[test] == c)) for c in classes]
        for c, m, count in zip(classes.tolist(), counts.tolist(), got, strict=True):
            low, high = m // k, -(-m // k)
            if not low <= count <= high:
                shares = ", ".join(
                    f"{cl!r}: {g}" for cl, g in zip(classes.tolist(), got, strict=True)
                )
                ideal = ", ".join(
                    f"{cl!r}: {mm / k:.3g}"
                    for cl, mm in zip(classes.tolist(), counts.tolist(), strict=True)
                )
                raise CheckFailure(
                    f"{name}: test fold {f} holds {count} samples of class {c!r}, which has {m} "
                    f"in all; each fold must hold {low} or {high} of them (class counts in this "
                    f"fold: {shares}; ideal: {ideal}). Split each class across the folds "
                    "separately, using y"
                )


# -- helpers for cross_val_score ------------------------------------------------------------------


def _expect_scores(got, want, *, name, mistakes=(), fold_hint=""):
    want_scores = np.asarray(want["scores"])
    if isinstance(got, list | tuple):
        raise CheckFailure(
            f"{name}: expected a NumPy array of {len(want_scores)} scores, got {describe(got)}; "
            "return np.asarray(scores)"
        )
    try:
        expect_array(got, want_scores, name=name, rtol=SCORE_RTOL, atol=SCORE_ATOL)
    except CheckFailure as failure:
        if isinstance(got, np.ndarray) and got.shape == want_scores.shape:
            for key, meaning in mistakes:
                other = np.asarray(want[key])
                if other.shape == got.shape and np.allclose(got, other, rtol=1e-6, atol=1e-9):
                    raise CheckFailure(f"{failure}; {meaning}") from None
            if np.allclose(got[::-1], want_scores, rtol=1e-6, atol=1e-9):
                raise CheckFailure(f"{failure}; the scores are in reverse fold order") from None
        raise CheckFailure(f"{failure}{fold_hint}") from None


MISTAKES = (
    (
        "once",
        "these are the scores of ONE model fitted on all the data and then scored on each test "
        "fold: the test samples were in its training set. Fit a fresh model on the training "
        "part of each fold",
    ),
    (
        "on_train",
        "these are the scores on the TRAINING part of each fold: score the fitted model on the "
        "test fold it never saw",
    ),
)


def _call_cvs(learner, model, X, y, cv, *, name):
    try:
        return learner.cross_val_score(model, X, y, cv)
    except LearnerError as error:
        if "fitted the model object it was given" in error.message or (
            "second time on the same model object" in error.message
        ):
            raise CheckFailure(
                f"{name}: the test model refused to be fitted: {error.message.splitlines()[-1]}"
            ) from None
        raise


# -- task 1: KFold --------------------------------------------------------------------------------


@checks.test(task=1, name="n = 23, k = 5: sizes 5, 5, 5, 4, 4, the same folds as scikit-learn")
def kfold_basic(learner, oracle):
    X, _ = _regression(1, 23)
    want = oracle("kfold-23-5", lambda: _sk_kfold(23, 5))
    cv = learner.KFold(n_splits=5)
    name = "KFold(n_splits=5).split(X) with n = 23"
    pairs = _expect_partition(cv.split(X), 23, 5, name=name)
    _expect_kfold_sizes(pairs, 23, 5, name=name)
    _expect_same_folds(pairs, [want[str(i)] for i in range(5)], name=name)


@checks.test(task=1, name="n divisible by k, k = 2, k = n (leave-one-out), X as a list")
def kfold_shapes(learner, oracle):
    for n, k in ((20, 4), (9, 2), (7, 7), (31, 3)):
        want = oracle(f"kfold-{n}-{k}", lambda n=n, k=k: _sk_kfold(n, k))
        X = np.arange(2 * n, dtype=float).reshape(n, 2).tolist() if n == 9 else np.zeros((n, 3))
        name = f"KFold(n_splits={k}).split(X) with n = {n}" + (" (X a list)" if n == 9 else "")
        pairs = _expect_partition(learner.KFold(n_splits=k).split(X), n, k, name=name)
        _expect_kfold_sizes(pairs, n, k, name=name)
        _expect_same_folds(pairs, [want[str(i)] for i in range(k)], name=name)


@checks.test(task=1, name="get_n_splits, defaults, and the stored hyperparameters")
def kfold_params(learner, oracle):
    cv = learner.KFold()
    expect_true(
        cv.get_n_splits() == 5, f"KFold().get_n_splits(): expected 5, got {cv.get_n_splits()!r}"
    )
    for attr, want in (("n_splits", 5), ("shuffle", False), ("random_state", None)):
        got = getattr(cv, attr)
        expect_true(got == want, f"KFold().{attr}: expected the default {want!r}, got {got!r}")
    cv = learner.StratifiedKFold(n_splits=3, shuffle=True, random_state=7)
    expect_true(
        cv.get_n_splits() == 3,
        f"StratifiedKFold(n_splits=3).get_n_splits(): expected 3, got {cv.get_n_splits()!r}",
    )
    for attr, want in (("n_splits", 3), ("shuffle", True), ("random_state", 7)):
        got = getattr(cv, attr)
        expect_true(
            got == want,
            f"StratifiedKFold(n_splits=3, shuffle=True, random_state=7).{attr}: expected "
            f"{want!r}, got {got!r} (store the constructor arguments under their own names)",
        )


@checks.test(task=1, name="too many folds (k > n) and k < 2 raise ValueError")
def kfold_errors(learner, oracle):
    for k, n, what in ((6, 5, "6 folds of 5 samples"), (1, 10, "n_splits=1 (nothing to test on)")):
        try:
            cv = learner.KFold(n_splits=k)
            result = cv.split(np.zeros((n, 2)))
        except LearnerError as error:
            if error.exception_type == "ValueError":
                continue
            if error.kind == "not_implemented" or not error.exception_type:
                raise
            raise CheckFailure(
                f"KFold(n_splits={k}).split(X) with n = {n}: expected ValueError for {what}, "
                f"your code raised {error.exception_type or error.kind}"
            ) from None
        raise CheckFailure(
            f"KFold(n_splits={k}).split(X) with n = {n}: expected ValueError for {what} (in the "
            f"constructor or in split), got {describe(result)}"
        )


@checks.test(task=1, name="shuffle=True: a partition with the same sizes, reproducible by seed")
def kfold_shuffle(learner, oracle):
    n, k = 40, 6
    X = np.zeros((n, 2))
    name = f"KFold(n_splits={k}, shuffle=True, random_state=0).split(X) with n = {n}"
    first = _expect_partition(
        learner.KFold(n_splits=k, shuffle=True, random_state=0).split(X), n, k, name=name
    )
    _expect_kfold_sizes(first, n, k, name=name)
    blocks = _kfold_tests(n, k)
    if all(np.array_equal(np.sort(t), b) for (_, t), b in zip(first, blocks, strict=True)):
        raise CheckFailure(
            f"{name}: the folds are the unshuffled consecutive blocks: shuffle=True "
            "must permute the samples before cutting the folds"
        )
    again = learner.KFold(n_splits=k, shuffle=True, random_state=0).split(X)
    same_object = learner.KFold(n_splits=k, shuffle=True, random_state=0)
    same_object.split(X)
    for label, other in (
        ("a second KFold with random_state=0", again),
        ("a second call to split on the same object", same_object.split(X)),
    ):
        other = _expect_partition(other, n, k, name=name)
        for f in range(k):
            if not np.array_equal(np.sort(other[f][1]), np.sort(first[f][1])):
                raise CheckFailure(
                    f"{name}: {label} gives different folds (fold {f}); the same random_state must "
                    "give the same folds every time: build a new generator from random_state in "
                    "split, e.g. np.random.default_rng(self.random_state)"
                )
    seed1 = _expect_partition(
        learner.KFold(n_splits=k, shuffle=True, random_state=1).split(X), n, k, name=name
    )
    if all(np.array_equal(np.sort(a[1]), np.sort(b[1])) for a, b in zip(first, seed1, strict=True)):
        raise CheckFailure(
            f"{name}: random_state=0 and random_state=1 give identical folds: the seed is not used"
        )


# -- task 2: StratifiedKFold ----------------------------------------------------------------------


@checks.test(
    task=2, name="classes 45/30/15 sorted by class, k = 4: every fold keeps the proportions"
)
def stratified_basic(learner, oracle):
    X, y = _classes(2, [45, 30, 15])
    name = "StratifiedKFold(n_splits=4).split(X, y) with classes of 45, 30 and 15 (sorted)"
    pairs = _expect_partition(learner.StratifiedKFold(n_splits=4).split(X, y), len(y), 4, name=name)
    _expect_stratified(pairs, y, 4, name=name)


@checks.test(task=2, name="string labels in mixed order, a class with fewer members than k")
def stratified_strings(learner, oracle):
    rng = np.random.default_rng(3)
    y = np.array(["ham"] * 37 + ["spam"] * 11 + ["eggs"] * 3)
    y = y[rng.permutation(len(y))]
    X = rng.normal(size=(len(y), 2))
    name = "StratifiedKFold(n_splits=5).split(X, y) with 'ham' x37, 'spam' x11, 'eggs' x3"
    pairs = _expect_partition(learner.StratifiedKFold(n_splits=5).split(X, y), len(y), 5, name=name)
    _expect_stratified(pairs, y, 5, name=name)


@checks.test(
    task=2, name="shuffle=True: still stratified, reproducible by seed, not the unshuffled folds"
)
def stratified_shuffle(learner, oracle):
    X, y = _classes(4, [26, 14, 9])
    n, k = len(y), 3
    name = "StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(X, y)"
    plain = _expect_partition(
        learner.StratifiedKFold(n_splits=k).split(X, y),
        n,
        k,
        name="StratifiedKFold(n_splits=3).split(X, y)",
    )
    first = _expect_partition(
        learner.StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(X, y),
        n,
        k,
        name=name,
    )
    _expect_stratified(first, y, k, name=name)
    if all(np.array_equal(np.sort(a[1]), np.sort(b[1])) for a, b in zip(first, plain, strict=True)):
        raise CheckFailure(
            f"{name}: the same folds as without shuffling: shuffle=True must "
            "randomise which samples of each class go to which fold"
        )
    again = _expect_partition(
        learner.StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(X, y),
        n,
        k,
        name=name,
    )
    for f in range(k):
        if not np.array_equal(np.sort(again[f][1]), np.sort(first[f][1])):
            raise CheckFailure(
                f"{name}: a second splitter with random_state=0 gives different folds (fold {f}); "
                "the same seed must give the same folds"
            )


# -- task 3: cross_val_score ----------------------------------------------------------------------


@checks.test(task=3, name="cv=5 with a ridge model: scikit-learn's Ridge on KFold(5)")
def cvs_int(learner, oracle):
    X, y = _regression(5, 47)
    tests = _kfold_tests(47, 5)
    want = oracle("cvs-int", lambda: _sk_ridge_scores(X, y, 0.7, tests))
    name = "cross_val_score(Ridge(alpha=0.7), X, y, cv=5) with n = 47"
    got = _call_cvs(learner, _ridge(0.7), X, y, 5, name=name)
    _expect_scores(
        got,
        want,
        name=name,
        mistakes=MISTAKES,
        fold_hint="; with cv=5 the folds are those of KFold(n_splits=5) without shuffling "
        "(check task 1)",
    )


@checks.test(task=3, name="cv a splitter object (unequal folds) and cv a list of (train, test)")
def cvs_splitter(learner, oracle):
    X, y = _regression(6, 36)
    rng = np.random.default_rng(7)
    order = rng.permutation(36)
    folds = [np.sort(order[:6]), np.sort(order[6:18]), np.sort(order[18:36])]
    want = oracle("cvs-splitter", lambda: _sk_ridge_scores(X, y, 2.5, folds))
    name = "cross_val_score(Ridge(alpha=2.5), X, y, cv=<splitter with folds of 6, 12, 18>)"
    got = _call_cvs(learner, _ridge(2.5), X, y, _splitter(folds), name=name)
    _expect_scores(got, want, name=name, mistakes=MISTAKES)
    pairs = [(np.setdiff1d(np.arange(36), f), f) for f in folds]
    name = "cross_val_score(Ridge(alpha=2.5), X, y, cv=[(train, test), ...] (3 pairs))"
    got = _call_cvs(learner, _ridge(2.5), X, y, pairs, name=name)
    _expect_scores(got, want, name=name, mistakes=MISTAKES)


@checks.test(task=3, name="cv=your StratifiedKFold on a classifier: split gets y")
def cvs_stratified(learner, oracle):
    X, y = _classes(8, [30, 18, 12], spread=1.3)
    cv = learner.StratifiedKFold(n_splits=4)
    pairs = _expect_partition(cv.split(X, y), len(y), 4, name="StratifiedKFold(4).split(X, y)")
    folds = [test for _, test in pairs]
    want = _centroid_scores(X, y, folds)
    name = "cross_val_score(NearestCentroid(), X, y, cv=StratifiedKFold(n_splits=4))"
    try:
        got = learner.cross_val_score(_centroid(), X, y, cv)
    except LearnerError as error:
        if "needs the labels" in error.message or "NoneType" in error.message:
            raise CheckFailure(
                f"{name}: your code raised {error.message.splitlines()[-1]}; pass y to the "
                "splitter: cv.split(X, y)"
            ) from None
        raise
    _expect_scores(got, want, name=name, mistakes=MISTAKES[:1])


@checks.test(task=3, name="a fresh model per fold; the caller's model is never fitted")
def cvs_clone(learner, oracle):
    X, y = _regression(9, 30)
    tests = _kfold_tests(30, 3)
    want = oracle("cvs-clone", lambda: _sk_ridge_scores(X, y, 1.5, tests))
    name = "cross_val_score(GuardedRidge(alpha=1.5), X, y, cv=3)"
    got = _call_cvs(learner, _guarded(1.5), X, y, 3, name=name)
    _expect_scores(got, want, name=name, mistakes=MISTAKES)


# -- performance ----------------------------------------------------------------------------------

PERF_MODEL = _ridge(1.0)


@checks.performance(sizes=[3000, 6000, 12000, 24000, 48000])
def speed(learner, n, rng):
    X = rng.normal(size=(n, 5))
    y = X @ np.arange(1.0, 6.0) + rng.normal(size=n)
    labels = rng.integers(0, 3, size=n)
    learner.KFold(n_splits=5, shuffle=True, random_state=0).split(X)
    learner.StratifiedKFold(n_splits=5).split(X, labels)
    learner.cross_val_score(PERF_MODEL, X, y, 5)


def _library():
    from sklearn import model_selection
    from sklearn.base import BaseEstimator

    class KFold(model_selection.KFold):
        def split(self, X, y=None, groups=None):
            return list(super().split(X, y, groups))

    class StratifiedKFold(model_selection.StratifiedKFold):
        def split(self, X, y=None, groups=None):
            return list(super().split(X, y, groups))

    def cross_val_score(model, X, y, cv=5):
        # scikit-learn 1.9 needs estimator tags: give the test model BaseEstimator's.
        estimator = type(type(model).__name__, (type(model), BaseEstimator), {})
        return model_selection.cross_val_score(estimator(**model.get_params()), X, y, cv=cv)

    return {"KFold": KFold, "StratifiedKFold": StratifiedKFold, "cross_val_score": cross_val_score}


def _score(learner, n, rng):
    X = rng.normal(size=(n, 5))
    y = X @ np.arange(1.0, 6.0) + rng.normal(size=n)
    return float(np.mean(learner.cross_val_score(PERF_MODEL, X, y, 5)))


checks.baseline(
    _library,
    score=_score,
    note="scikit-learn's KFold and StratifiedKFold (split wrapped in list()) and cross_val_score "
    "on the same NumPy ridge model (given BaseEstimator's tags)",
)
