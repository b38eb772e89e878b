"""Checks for softmax-regression: scikit-learn's multinomial LogisticRegression (newton-cholesky
solver, tol 1e-12) is the oracle. Its objective, 0.5 ||W||_F^2 + C * sum of cross-entropies with
the intercepts not penalised, is the one the README asks for. The weights W are unique; the
intercepts only up to a common constant, so both the learner's and the oracle's intercepts are
centred (their mean subtracted) before they are compared. Each oracle fit is proven converged
(its gradient is checked here in NumPy) before it is used.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, describe, expect_array, expect_same_object

checks = LabChecks()

RTOL = 1e-6
"""coef_ and centred intercept_ within RTOL * |expected| + RTOL * max(1, largest |expected|)."""

PROBA_ATOL = 1e-6

MARGIN = 1e-3
"""predict is not graded on points whose two largest logits are within MARGIN of each other."""

OFFSETS = np.array([50.0, -3.0, 0.0, 1000.0])
SCALES = np.array([10.0, 0.1, 1.0, 100.0])


# -- data -----------------------------------------------------------------------------------------


def _make(seed, n, d, K, *, offsets=None, scales=None, strength=2.5):
    """Labels 0..K-1 drawn from a softmax model: the classes overlap (never separable)."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, d))
    W = rng.normal(size=(K, d)) * strength / np.sqrt(d)
    logits = Z @ W.T + rng.normal(size=K) * 0.5
    # Sampling y_i from softmax(logits_i) with the Gumbel-max trick.
    t = np.argmax(logits + rng.gumbel(size=(n, K)), axis=1)
    offsets = np.zeros(d) if offsets is None else offsets
    scales = np.ones(d) if scales is None else scales
    return Z * scales + offsets, t


def _base_data():
    """240 samples of 4 offset, scaled features in 4 classes, plus 10 duplicated rows."""
    X, t = _make(1, 240, 4, 4, offsets=OFFSETS, scales=SCALES)
    return np.vstack([X, X[:10]]), np.concatenate([t, t[:10]])


def _new_points(seed, m):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, 4)) * SCALES + OFFSETS


def _first_is(X, t, k):
    """Reorder so that the first sample is in class k (not the smallest label)."""
    first = int(np.argmax(t == k))
    order = np.r_[first, np.delete(np.arange(len(t)), first)]
    return X[order], t[order]


# -- oracle ---------------------------------------------------------------------------------------


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _gradient(X, t, C, coef, intercept, penalise_intercept=False):
    """The gradient of J at (W, b), computed here in NumPy: (K, d) and (K,)."""
    K = coef.shape[0]
    P = _softmax(X @ coef.T + intercept)
    R = P - np.eye(K)[t]
    g_coef = coef + C * R.T @ X
    g_intercept = C * R.sum(axis=0) + (intercept if penalise_intercept else 0.0)
    return g_coef, g_intercept


def _sk_fit(X, t, C, fit_intercept=True):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=C, fit_intercept=fit_intercept, solver="newton-cholesky", tol=1e-12, max_iter=1000
    )
    return model.fit(X, t)


def _params(X, t, C):
    model = _sk_fit(X, t, C)
    coef = model.coef_.copy()
    intercept = np.asarray(model.intercept_, dtype=float).copy()
    g_coef, g_intercept = _gradient(X, t, C, coef, intercept)
    scale = C * float(np.abs(X).max()) * len(t) + 1.0
    if max(np.abs(g_coef).max(), np.abs(g_intercept).max()) > 1e-9 * scale:
        raise RuntimeError("the oracle did not converge on this case")
    return {"coef": coef, "intercept": intercept}


def _penalised_intercept_params(X, t, C):
    """The (wrong) optimum when the intercepts are penalised like weights: a ones column."""
    model = _sk_fit(np.hstack([X, np.ones((len(X), 1))]), t, C, fit_intercept=False)
    return {"coef": model.coef_[:, :-1].copy(), "intercept": model.coef_[:, -1].copy()}


def _predictions(X, t, C, X_new):
    model = _sk_fit(X, t, C)
    decision = model.decision_function(X_new)
    top2 = np.sort(decision, axis=1)[:, -2:]
    return {
        "proba": model.predict_proba(X_new),
        "index": np.argmax(decision, axis=1),
        "gap": top2[:, 1] - top2[:, 0],
    }


def _alternatives(oracle, key, X, t, C):
    """Optima of the usual mistakes, with what each one means."""
    n = len(t)

    def params(C_wrong):
        return oracle(f"{key}-C{C_wrong:.8g}", lambda: _params(X, t, C_wrong))

    alternatives = [
        (
            oracle(f"{key}-penalised-intercept", lambda: _penalised_intercept_params(X, t, C)),
            "looks like the intercepts were penalised: the penalty 0.5 ||W||^2 covers coef_ "
            "only, never intercept_",
        )
    ]
    meanings = {}
    if C != 1:
        meanings[1.0] = [f"these are the parameters for C = 1, not C = {C:g}: is C used?"]
        meanings.setdefault(1.0 / C, []).append(
            f"these are the parameters for C = {1 / C:g}: looks like C multiplied the penalty; "
            "C multiplies the loss (a large C means a weak penalty)"
        )
    meanings.setdefault(C / n, []).append(
        f"these are the parameters for C / n = {C / n:.3g}: looks like you used the MEAN "
        "cross-entropy; the objective has C times the SUM over samples"
    )
    meanings.setdefault(C / 2, []).append(
        f"these are the parameters for C / 2 = {C / 2:g}, i.e. of ||W||^2 + C * loss: the "
        "penalty is 0.5 ||W||^2, and its gradient is W (not 2 W)"
    )
    for C_wrong, texts in meanings.items():
        alternatives.append((params(C_wrong), "; or ".join(texts)))
    return alternatives


# -- comparisons ----------------------------------------------------------------------------------


def _centred(intercept):
    return intercept - intercept.mean()


def _close(got, want, rtol):
    return (
        isinstance(got, np.ndarray)
        and got.shape == np.shape(want)
        and got.dtype.kind in "fiu"
        and bool(np.all(np.isfinite(got)))
        and bool(
            np.all(np.abs(got - want) <= rtol * (np.abs(want) + max(1.0, np.max(np.abs(want)))))
        )
    )


def _finite(value, shape):
    return (
        isinstance(value, np.ndarray)
        and value.shape == shape
        and value.dtype.kind in "fiu"
        and bool(np.all(np.isfinite(value)))
    )


def _diagnose(coef, intercept, alternatives, data):
    K, d = np.shape(alternatives[0][0]["coef"]) if alternatives else (None, None)
    if not (_finite(coef, (K, d)) and _finite(intercept, (K,))):
        return ""  # the failure message already says what is wrong with the result
    for params, meaning in alternatives:
        if _close(coef, params["coef"], 1e-4) and _close(
            _centred(intercept), _centred(params["intercept"]), 1e-4
        ):
            return meaning
    zero_rows = np.flatnonzero(np.all(coef == 0, axis=1))
    if len(zero_rows) == 1:
        return (
            f"row {zero_rows[0]} of coef_ is all zeros: pinning one reference class at 0 (as "
            "binary logistic regression does) changes what 0.5 ||W||^2 penalises and so the "
            "minimum; fit all K rows, the penalty makes them sum to zero by itself"
        )
    if data is None:
        return ""
    X, t, C = data
    g_coef, g_intercept = _gradient(X, t, C, coef, intercept)
    grad = float(max(np.abs(g_coef).max(), np.abs(g_intercept).max()))
    scale = C * float(np.abs(X).max()) * len(t) + 1.0
    row_sums = float(np.abs(coef.sum(axis=0)).max())
    if grad > 1e-6 * scale:
        note = (
            f"your parameters are not the minimum of J: its gradient there is as large as "
            f"{grad:.3g}. Either the solver stopped early (plain gradient descent needs far more "
            "than 100 steps on features of such different scales; Newton's method needs about "
            "10) or your gradient differs from the README's (P must be the softmax of each "
            "ROW of logits, T the one-hot targets, and the gradient W + C X^T (P - T))"
        )
        if row_sums > 1e-6 * (1.0 + np.abs(coef).max()):
            note += (
                f". Also, at the minimum the K rows of coef_ sum to zero; yours sum to a vector "
                f"as large as {row_sums:.3g}"
            )
        return note
    return (
        f"your parameters nearly minimise J (its gradient there is {grad:.3g}) but are not "
        "within the tolerance: tighten the stopping rule (stop when the Newton step is below "
        "1e-10 times the size of the parameters)"
    )


def _expect_params(model, want, *, what, data=None, alternatives=()):
    """Compare coef_ and the centred intercept_ with the oracle; name a known mistake."""
    coef = model.coef_
    intercept = model.intercept_
    K, d = want["coef"].shape
    for name, value, shape in (("coef_", coef, (K, d)), ("intercept_", intercept, (K,))):
        if not isinstance(value, np.ndarray) or value.shape != shape:
            got = value.shape if isinstance(value, np.ndarray) else describe(value)
            hint = ""
            if isinstance(value, np.ndarray) and value.shape == shape[::-1]:
                hint = " (it looks transposed: one ROW per class)"
            elif isinstance(value, np.ndarray) and value.shape[:1] == (K - 1,):
                hint = " (K - 1 rows: every class gets its own row, including the last)"
            raise CheckFailure(
                f"{name} {what}: expected an array of shape {shape} as in scikit-learn, got "
                f"{got}{hint}"
            )
    try:
        scale = max(1.0, float(np.max(np.abs(want["coef"]))))
        expect_array(coef, want["coef"], name=f"coef_ {what}", rtol=RTOL, atol=RTOL * scale)
        want_b = _centred(want["intercept"])
        got_b = _centred(np.asarray(intercept, dtype=float))
        scale = max(1.0, float(np.max(np.abs(want_b))))
        expect_array(
            got_b,
            want_b,
            name=f"intercept_ - mean(intercept_) {what}",
            rtol=RTOL,
            atol=RTOL * scale,
        )
    except CheckFailure as failure:
        hint = _diagnose(coef, intercept, alternatives, data)
        if hint:
            raise CheckFailure(f"{failure}; {hint}") from None
        raise


def _fit(learner, X, y, *, C=None, what):
    """Construct, fit (with advice when labels are used as indices) and check fit returns self."""
    model = learner.SoftmaxRegression() if C is None else learner.SoftmaxRegression(C=C)
    try:
        returned = model.fit(X, y)
    except LearnerError as error:
        labels = np.unique(y)
        if error.exception_type in ("IndexError", "ValueError", "TypeError") and not (
            labels.dtype.kind in "iu" and labels.tolist() == list(range(len(labels)))
        ):
            raise LearnerError(
                error.kind,
                f"{error.message}\nThe labels here are {labels.tolist()}, not 0..K-1: if you "
                "index with y (np.eye(K)[y], P[i, y[i]]), map the labels to positions first "
                "with np.unique(y, return_inverse=True)",
                exception_type=error.exception_type,
            ) from error
        raise
    expect_same_object(returned, model, name=f"fit(X, y) {what}")
    return model


def _as_labels(got, *, name, n):
    if isinstance(got, list | tuple):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a NumPy array of {n} labels, got {describe(got)}")
    if got.shape != (n,):
        raise CheckFailure(f"{name}: expected shape ({n},), got {got.shape}")
    return got


def _expect_labels(got, want, *, name):
    """Labels must equal the expected ones value by value (any numeric dtype, or strings)."""
    want = np.asarray(want)
    got = _as_labels(got, name=name, n=len(want))
    if want.dtype.kind in "US" and got.dtype.kind not in "US":
        raise CheckFailure(
            f"{name}: expected the labels themselves (strings such as {want[0]!r}), got an array "
            f"of dtype {got.dtype}; return values taken from classes_"
        )
    if want.dtype.kind not in "US" and got.dtype.kind not in "biuf":
        raise CheckFailure(
            f"{name}: expected numeric labels like {want[0]!r}, got dtype {got.dtype}"
        )
    wrong = np.flatnonzero(got != want)
    if len(wrong):
        i = int(wrong[0])
        raise CheckFailure(
            f"{name}: {len(wrong)} of {len(want)} labels differ; first at index {i}: got "
            f"{got.tolist()[i]!r}, expected {want.tolist()[i]!r}"
        )


def _expect_classes(model, labels, *, what):
    want = np.unique(labels)
    got = _as_labels(model.classes_, name=f"classes_ {what}", n=len(want))
    if got.tolist() != want.tolist() and sorted(got.tolist()) == want.tolist():
        raise CheckFailure(
            f"classes_ {what}: expected {want.tolist()} (sorted), got {got.tolist()}; np.unique "
            "sorts, the order of first appearance does not count"
        )
    _expect_labels(got, want, name=f"classes_ {what}")


def _expect_predicted(got, want, classes, *, name):
    """predict: labels from classes_, graded away from near-ties; spots indices returned."""
    index, gap = want["index"], want["gap"]
    expected = np.asarray(classes)[index]
    clear = gap > MARGIN
    got = _as_labels(got, name=name, n=len(index))
    if (
        np.asarray(classes).tolist() != list(range(len(classes)))
        and got.dtype.kind in "iu"
        and np.array_equal(got[clear], index[clear])
    ):
        raise CheckFailure(
            f"{name}: these are the positions 0..K-1 of the predicted classes, not the labels; "
            "return classes_[np.argmax(..., axis=1)]"
        )
    _expect_labels(got[clear], expected[clear], name=f"{name} (away from near-ties)")


def _expect_proba(got, want, *, name):
    want = np.asarray(want)
    if isinstance(got, np.ndarray) and got.shape == want.shape and got.dtype.kind == "f":
        if np.all(np.isfinite(got)):
            column_sums = got.sum(axis=0)
            if np.allclose(column_sums, 1.0, atol=1e-6) and not np.allclose(
                got.sum(axis=1), 1.0, atol=1e-6
            ):
                raise CheckFailure(
                    f"{name}: your COLUMNS sum to 1, the rows do not: the softmax must normalise "
                    "each row (axis=1, over the classes), not each column (over the samples)"
                )
        elif np.any(np.isnan(got)):
            raise CheckFailure(
                f"{name}: got NaN ({int(np.isnan(got).sum())} entries), expected probabilities: "
                "exp of a large logit overflowed (inf / inf = NaN); subtract each row's largest "
                "logit before taking exp (the softmax does not change)"
            )
        if not np.allclose(got, want, atol=PROBA_ATOL, rtol=0):
            K = want.shape[1]
            for perm in _permutations(K):
                if np.allclose(got[:, perm], want, atol=PROBA_ATOL, rtol=0):
                    raise CheckFailure(
                        f"{name}: the columns are the right probabilities in the wrong order; "
                        "column k must be the probability of classes_[k] (classes_ sorted)"
                    )
    got = expect_array(got, want, name=name, atol=PROBA_ATOL, rtol=0.0)
    sums = got.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > 1e-9:
        raise CheckFailure(f"{name}: row {worst} sums to {sums[worst]:.12g}, expected 1")


def _permutations(K):
    from itertools import permutations

    return [list(p) for p in permutations(range(K)) if list(p) != list(range(K))]


def _fit_and_check(learner, oracle, key, X, t, C, *, what, y=None):
    y = t if y is None else y
    want = oracle(key, lambda: _params(X, t, C))
    model = _fit(learner, X, y, C=C, what=what)
    _expect_params(
        model,
        want,
        what=what,
        data=(X, t, C),
        alternatives=_alternatives(oracle, key, X, t, C),
    )
    return model


# -- task 1: Newton's method ----------------------------------------------------------------------


@checks.test(task=1, name="fit returns self; coef_ (K, d), intercept_ (K,), classes_ sorted")
def shapes(learner, oracle):
    X, t = _base_data()
    model = _fit(learner, X, t, what="(250 x 4, 4 classes)")
    want = oracle("base-C1", lambda: _params(X, t, 1.0))
    for attribute, key in (("coef_", "coef"), ("intercept_", "intercept")):
        value = getattr(model, attribute)
        if not isinstance(value, np.ndarray) or value.shape != want[key].shape:
            shape = value.shape if isinstance(value, np.ndarray) else describe(value)
            raise CheckFailure(
                f"{attribute}: expected an array of shape {want[key].shape} (one row per class) "
                f"as in scikit-learn, got {shape}"
            )
    _expect_classes(model, t, what="(labels 0..3)")
    defaults = (model.C, model.max_iter)
    if defaults != (1.0, 100):
        raise CheckFailure(
            f"SoftmaxRegression() should default to C=1.0, max_iter=100; got C={defaults[0]!r}, "
            f"max_iter={defaults[1]!r}"
        )


@checks.test(task=1, name="C = 1, 4 classes, offset and scaled features with duplicates")
def base_fit(learner, oracle):
    X, t = _base_data()
    _fit_and_check(learner, oracle, "base-C1", X, t, 1.0, what="(C=1, 250 x 4, 4 classes)")


@checks.test(task=1, name="5 classes, one of them rare (12 of 400 samples), C = 2")
def five_classes(learner, oracle):
    X, t = _make(4, 400, 3, 4, offsets=np.array([2.0, -1.0, 5.0]), scales=np.array([1, 2, 0.5]))
    rng = np.random.default_rng(14)
    rare = rng.choice(len(t), size=12, replace=False)
    t = t.copy()
    t[rare] = 4
    X[rare] += np.array([1.5, 1.5, 0.0])
    _fit_and_check(learner, oracle, "five", X, t, 2.0, what="(C=2, 400 x 3, 5 classes)")


@checks.test(task=1, name="more features than samples (24 x 30, 3 classes), C = 1")
def wide(learner, oracle):
    X, t = _make(2, 24, 30, 3, offsets=np.linspace(-3.0, 3.0, 30))
    _fit_and_check(learner, oracle, "wide", X, t, 1.0, what="(C=1, 24 x 30, 3 classes)")


# -- task 2: penalty, C, intercepts ---------------------------------------------------------------


@checks.test(task=2, name="a strong penalty (C = 0.05) and a weak one (C = 50)")
def strengths(learner, oracle):
    X, t = _base_data()
    for C in (0.05, 50.0):
        _fit_and_check(
            learner, oracle, f"base-C{C:g}", X, t, C, what=f"(C={C:g}, 250 x 4, 4 classes)"
        )


@checks.test(task=2, name="shifting every feature only moves the intercepts (not penalised)")
def shifted(learner, oracle):
    X, t = _make(5, 200, 3, 3)
    shift = np.array([300.0, -50.0, 20.0])
    want = oracle("shift-0", lambda: _params(X, t, 1.0))
    for what, data in (("(C=1, 200 x 3)", X), ("(C=1, the same data + (300, -50, 20))", X + shift)):
        model = _fit(learner, data, t, C=1.0, what=what)
        moved = {
            "coef": want["coef"],
            "intercept": want["intercept"] - want["coef"] @ (data - X)[0],
        }
        _expect_params(
            model,
            moved,
            what=what,
            data=(data, t, 1.0),
            alternatives=_alternatives(oracle, f"shift-{data[0, 0]:.0f}", data, t, 1.0),
        )


# -- task 3: labels -------------------------------------------------------------------------------


def _label_case(learner, oracle, labels, *, what, first):
    X, t = _make(3, 180, 3, len(labels), offsets=np.array([5.0, -2.0, 0.0]))
    X, t = _first_is(X, t, first)
    y = np.asarray(labels)[t]
    key = f"labels-{len(labels)}"
    model = _fit_and_check(learner, oracle, key, X, t, 3.0, what=what, y=y)
    _expect_classes(model, y, what=what)
    X_new = X[::7] + 0.25
    want = oracle(f"{key}-predict", lambda: _predictions(X, t, 3.0, X_new))
    _expect_predicted(model.predict(X_new), want, labels, name=f"predict {what}")


@checks.test(task=3, name="string labels 'bird', 'cat', 'dog', the first sample a 'dog'")
def labels_str(learner, oracle):
    _label_case(learner, oracle, ["bird", "cat", "dog"], what="(labels bird/cat/dog)", first=2)


@checks.test(task=3, name="labels 3, 7, 12, 20, the first sample labelled 12")
def labels_int(learner, oracle):
    _label_case(learner, oracle, [3, 7, 12, 20], what="(labels 3/7/12/20)", first=2)


@checks.test(task=3, name="labels -2.5, 0, 1.5, 4, 10 (floats, 5 classes)")
def labels_float(learner, oracle):
    labels = [-2.5, 0.0, 1.5, 4.0, 10.0]
    _label_case(learner, oracle, labels, what="(labels -2.5/0/1.5/4/10)", first=3)


# -- task 4: probabilities and predictions --------------------------------------------------------


@checks.test(task=4, name="predict_proba on new data: (m, K), columns in the order of classes_")
def proba(learner, oracle):
    X, t = _base_data()
    X_new = _new_points(11, 60)
    want = oracle("predict-new", lambda: _predictions(X, t, 1.0, X_new))
    model = _fit(learner, X, t, C=1.0, what="(C=1, 250 x 4)")
    _expect_proba(model.predict_proba(X_new), want["proba"], name="predict_proba(X_new) (60 x 4)")


@checks.test(task=4, name="predict on new data, labels 'a', 'b', 'c', 'd'")
def predict_new(learner, oracle):
    X, t = _base_data()
    X_new = _new_points(11, 60)
    want = oracle("predict-new", lambda: _predictions(X, t, 1.0, X_new))
    labels = np.array(["a", "b", "c", "d"])
    model = _fit(learner, X, labels[t], C=1.0, what="(C=1, 250 x 4, labels a..d)")
    _expect_predicted(
        model.predict(X_new), want, labels, name="predict(X_new) (60 x 4, labels a..d)"
    )


@checks.test(task=4, name="huge logits (up to ~1e4): no overflow, no NaN")
def huge_logits(learner, oracle):
    X, t = _base_data()
    centre = X.mean(axis=0)
    X_far = centre + (_new_points(12, 40) - OFFSETS) * 1000.0
    want = oracle("predict-far", lambda: _predictions(X, t, 1.0, X_far))
    model = _fit(learner, X, t, C=1.0, what="(C=1, 250 x 4)")
    _expect_proba(
        model.predict_proba(X_far),
        want["proba"],
        name="predict_proba far from the data (logits up to ~1e4)",
    )
    _expect_predicted(model.predict(X_far), want, np.arange(4), name="predict far from the data")


# -- performance ----------------------------------------------------------------------------------


def _perf_data(n, rng):
    X = rng.normal(size=(n, 6))
    W = np.array([[1.0, -1.0, 0.5, 0.0, 0.3, -0.2], [-0.5, 1.0, 0.0, 0.8, -0.3, 0.1]])
    logits = np.column_stack([X @ W.T, np.zeros(n)])
    return X, np.argmax(logits + rng.gumbel(size=(n, 3)), axis=1)


@checks.performance(sizes=[500, 1000, 2000, 4000, 8000])
def speed(learner, n, rng):
    X, t = _perf_data(n, rng)
    model = learner.SoftmaxRegression(C=1.0)
    model.fit(X, t)
    model.predict_proba(X)


def _library():
    from sklearn.linear_model import LogisticRegression

    return {
        "SoftmaxRegression": lambda **kw: LogisticRegression(solver="newton-cholesky", **kw),
    }


def _score(learner, n, rng):
    X, t = _perf_data(n, rng)
    model = learner.SoftmaxRegression(C=1.0).fit(X, t)
    coef, intercept = np.asarray(model.coef_), np.asarray(model.intercept_)
    P = _softmax(X @ coef.T + intercept)
    return float(0.5 * np.sum(coef**2) - np.sum(np.log(P[np.arange(n), t])))


checks.baseline(
    _library,
    score=_score,
    note="scikit-learn's newton-cholesky (the same method: Newton with the full Hessian); "
    "score: the objective J at C = 1",
)
