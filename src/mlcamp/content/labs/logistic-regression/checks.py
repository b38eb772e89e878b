"""Checks for logistic-regression: scikit-learn's LogisticRegression (newton-cholesky solver,
tol 1e-12) is the oracle. Its L2 objective, 0.5 ||w||^2 + C * sum of log-losses with the
intercept not penalised, is the one the README asks for."""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import CheckFailure, describe, expect_array, expect_same_object

checks = LabChecks()

RTOL = 1e-6
"""coef_ and intercept_ must match within RTOL * |expected| + RTOL * max(1, largest |expected|)."""

PROBA_ATOL = 1e-6

BOUNDARY = 1e-3
"""predict is not graded on points with |z| <= BOUNDARY: they may fall on either side."""

# Offsets and scales that make plain gradient descent crawl: a feature around 50 with spread 10,
# one around -3 with spread 0.1, a standard one and one around 1000 with spread 100.
OFFSETS = np.array([50.0, -3.0, 0.0, 1000.0])
SCALES = np.array([10.0, 0.1, 1.0, 100.0])


# -- data -----------------------------------------------------------------------------------------


def _make(seed, n, d, *, offsets=None, scales=None, bias=0.5):
    """Noisy labels drawn from a logistic model: the two classes overlap (never separable)."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, d))
    w = rng.normal(size=d) * 3.0 / np.sqrt(d)
    logits = Z @ w + bias
    t = (rng.random(n) < 1.0 / (1.0 + np.exp(-logits))).astype(int)
    offsets = np.zeros(d) if offsets is None else offsets
    scales = np.ones(d) if scales is None else scales
    return Z * scales + offsets, t


def _base_data():
    """200 samples of 4 offset, scaled features, plus 10 duplicated rows."""
    X, t = _make(1, 200, 4, offsets=OFFSETS, scales=SCALES)
    return np.vstack([X, X[:10]]), np.concatenate([t, t[:10]])


def _new_points(seed, n):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)) * SCALES + OFFSETS


def _label_data():
    """3 features with offsets; the first sample is in the positive class."""
    X, t = _make(3, 150, 3, offsets=np.array([5.0, -2.0, 0.0]), scales=np.array([2.0, 0.5, 1.0]))
    first = int(np.argmax(t == 1))
    order = np.r_[first, np.delete(np.arange(len(t)), first)]
    return X[order], t[order]


# -- oracle ---------------------------------------------------------------------------------------


def _sk_fit(X, y, C, fit_intercept=True):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=C, fit_intercept=fit_intercept, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    return model


def _params(X, y, C, fit_intercept=True):
    model = _sk_fit(X, y, C, fit_intercept)
    return {"coef": model.coef_.copy(), "intercept": np.asarray(model.intercept_, dtype=float)}


def _penalised_intercept_params(X, y, C):
    """The (wrong) optimum when the intercept is penalised like a weight: fit a ones column."""
    model = _sk_fit(np.hstack([X, np.ones((len(X), 1))]), y, C, fit_intercept=False)
    return {"coef": model.coef_[:, :-1].copy(), "intercept": model.coef_[0, -1:].copy()}


def _predictions(X, y, C, X_new):
    model = _sk_fit(X, y, C)
    return {
        "proba": model.predict_proba(X_new),
        "decision": model.decision_function(X_new),
        "positive": (model.decision_function(X_new) > 0).astype(int),
    }


def _alternatives(oracle, key, X, y, C, fit_intercept=True):
    """Optima of the usual mistakes, with what each one means."""
    n = len(X)

    def params(C_wrong):
        return oracle(f"{key}-C{C_wrong:g}", lambda: _params(X, y, C_wrong, fit_intercept))

    alternatives = []
    if fit_intercept:
        alternatives.append(
            (
                oracle(f"{key}-penalised-intercept", lambda: _penalised_intercept_params(X, y, C)),
                "looks like the intercept was penalised: the penalty 0.5 ||w||^2 covers coef_ "
                "only, never intercept_",
            )
        )
    alternatives += [
        (
            params(C / n),
            f"these are the parameters for C / n = {C / n:.3g}: looks like you used the MEAN "
            "log-loss; the objective has C times the SUM over samples",
        ),
        (
            params(C / 2),
            "these are the parameters of ||w||^2 + C * loss: the penalty is 0.5 ||w||^2, and its "
            "gradient is w (not 2 w)",
        ),
    ]
    if C != 1:
        alternatives += [
            (
                params(1.0),
                f"these are the parameters for C = 1, not C = {C:g}: looks like C was not used",
            ),
            (
                params(1.0 / C),
                f"these are the parameters for C = {1 / C:g}: looks like C multiplied the "
                "penalty; C multiplies the loss (a large C means a weak penalty)",
            ),
        ]
    return alternatives


def _gradient(X, t, C, fit_intercept, coef, intercept):
    """The gradient of J at the learner's parameters (w, b), computed here in NumPy."""
    z = X @ coef[0] + (intercept[0] if fit_intercept else 0.0)
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    grad = coef[0] + C * (X.T @ (p - t))
    if fit_intercept:
        grad = np.append(grad, C * np.sum(p - t))
    return grad


# -- comparisons ----------------------------------------------------------------------------------


def _close(got, want, rtol):
    return (
        isinstance(got, np.ndarray)
        and got.shape == np.shape(want)
        and got.dtype.kind in "fiu"
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
    for params, meaning in alternatives:
        if _close(coef, params["coef"], 1e-4) and _close(intercept, params["intercept"], 1e-4):
            return meaning
    if data is None:
        return ""
    X, t, C, fit_intercept = data
    if not (_finite(coef, (1, X.shape[1])) and _finite(intercept, (1,))):
        return ""  # the failure message already says what is wrong with the result
    grad = float(np.max(np.abs(_gradient(X, t, C, fit_intercept, coef, intercept))))
    scale = float(np.max(np.abs(C * X.T @ t))) + 1.0
    if grad > 1e-6 * scale:
        return (
            f"your parameters are not the minimum of J: its gradient there is as large as "
            f"{grad:.3g}. Either the solver stopped early (plain gradient descent needs far more "
            "than 100 steps on features of such different scales; Newton's method needs about "
            "10) or your gradient differs from the README's"
        )
    return (
        f"your parameters nearly minimise J (its gradient there is {grad:.3g}) but are not "
        "within the tolerance: tighten the stopping rule (stop when the Newton step is below "
        "1e-10 times the size of the parameters)"
    )


def _expect_params(model, want, *, what, data=None, alternatives=()):
    """Compare coef_ and intercept_ with the oracle, then name the mistake if it is a known one.

    `data` is (X, t, C, fit_intercept) of the fit, for the gradient in the failure message.
    """
    fit_intercept = data is None or data[3]
    coef = model.coef_
    intercept = model.intercept_
    try:
        scale = max(1.0, float(np.max(np.abs(want["coef"]))))
        expect_array(coef, want["coef"], name=f"coef_ {what}", rtol=RTOL, atol=RTOL * scale)
        if not fit_intercept:
            expect_array(
                intercept,
                np.zeros(1),
                name=f"intercept_ {what} (fit_intercept=False: exactly [0.0])",
            )
            return
        scale = max(1.0, float(np.max(np.abs(want["intercept"]))))
        expect_array(
            intercept, want["intercept"], name=f"intercept_ {what}", rtol=RTOL, atol=RTOL * scale
        )
    except CheckFailure as failure:
        hint = _diagnose(coef, intercept, alternatives, data)
        if hint:
            raise CheckFailure(f"{failure}; {hint}") from None
        raise


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
            f"{got[i]!r}, expected {want[i]!r}"
        )


def _expect_classes(model, labels, *, what):
    want = np.unique(labels)
    got = model.classes_
    got = _as_labels(got, name=f"classes_ {what}", n=2)
    if got.tolist() != want.tolist() and sorted(got.tolist()) == want.tolist():
        raise CheckFailure(
            f"classes_ {what}: expected {want.tolist()} (sorted), got {got.tolist()}; np.unique "
            "sorts, the order of first appearance does not count"
        )
    _expect_labels(got, want, name=f"classes_ {what}")


def _expect_proba(got, want, *, name):
    want = np.asarray(want)
    if isinstance(got, np.ndarray) and got.shape == want.shape and got.dtype.kind == "f":
        swapped = np.all(np.abs(got[:, ::-1] - want) <= PROBA_ATOL)
        if swapped and not np.all(np.abs(got - want) <= PROBA_ATOL):
            raise CheckFailure(
                f"{name}: the two columns are swapped; column j must be the probability of "
                "classes_[j], so column 1 is P(y = classes_[1]) = sigmoid(z)"
            )
    got = expect_array(got, want, name=name, atol=PROBA_ATOL, rtol=0.0)
    sums = got.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > 1e-9:
        raise CheckFailure(f"{name}: row {worst} sums to {sums[worst]:.12g}, expected 1")


# -- task 1: Newton's method ----------------------------------------------------------------------


@checks.test(task=1, name="fit returns self; coef_ has shape (1, d), intercept_ shape (1,)")
def shapes(learner, oracle):
    X, t = _base_data()
    model = learner.LogisticRegression()
    expect_same_object(model.fit(X, t), model, name="fit(X, y)")
    want = oracle("base-C1", lambda: _params(X, t, 1.0))
    for attribute, value in (("coef_", model.coef_), ("intercept_", model.intercept_)):
        if not isinstance(value, np.ndarray) or value.shape != want[attribute[:-1]].shape:
            shape = value.shape if isinstance(value, np.ndarray) else describe(value)
            raise CheckFailure(
                f"{attribute}: expected an array of shape {want[attribute[:-1]].shape} as in "
                f"scikit-learn, got {shape}"
            )


@checks.test(task=1, name="C = 1, labels 0/1, offset and scaled features with duplicates")
def base_fit(learner, oracle):
    X, t = _base_data()
    want = oracle("base-C1", lambda: _params(X, t, 1.0))
    model = learner.LogisticRegression(C=1.0)
    model.fit(X, t)
    _expect_params(
        model,
        want,
        what="(C=1, 210 x 4)",
        data=(X, t, 1.0, True),
        alternatives=_alternatives(oracle, "base-C1", X, t, 1.0),
    )


@checks.test(task=1, name="more features than samples (20 x 30), C = 1")
def wide(learner, oracle):
    X, t = _make(2, 20, 30, offsets=np.linspace(-3.0, 3.0, 30))
    want = oracle("wide", lambda: _params(X, t, 1.0))
    model = learner.LogisticRegression(C=1.0)
    model.fit(X, t)
    _expect_params(
        model,
        want,
        what="(C=1, 20 x 30)",
        data=(X, t, 1.0, True),
        alternatives=_alternatives(oracle, "wide", X, t, 1.0),
    )


# -- task 2: the penalty --------------------------------------------------------------------------


@checks.test(task=2, name="strong penalty C = 0.1: intercept not penalised")
def strong_penalty(learner, oracle):
    X, t = _base_data()
    want = oracle("base-C0.1", lambda: _params(X, t, 0.1))
    model = learner.LogisticRegression(C=0.1)
    model.fit(X, t)
    _expect_params(
        model,
        want,
        what="(C=0.1)",
        data=(X, t, 0.1, True),
        alternatives=_alternatives(oracle, "base-C0.1", X, t, 0.1),
    )


@checks.test(task=2, name="weak penalty C = 100")
def weak_penalty(learner, oracle):
    X, t = _base_data()
    want = oracle("base-C100", lambda: _params(X, t, 100.0))
    model = learner.LogisticRegression(C=100.0)
    model.fit(X, t)
    _expect_params(
        model,
        want,
        what="(C=100)",
        data=(X, t, 100.0, True),
        alternatives=_alternatives(oracle, "base-C100", X, t, 100.0),
    )


@checks.test(task=2, name="fit_intercept=False (C = 1 and C = 10)")
def no_intercept(learner, oracle):
    X, t = _make(4, 120, 3, bias=1.0)
    for C in (1.0, 10.0):
        want = oracle(f"no-intercept-C{C:g}", lambda C=C: _params(X, t, C, fit_intercept=False))
        model = learner.LogisticRegression(C=C, fit_intercept=False)
        model.fit(X, t)
        _expect_params(
            model,
            want,
            what=f"(fit_intercept=False, C={C:g})",
            data=(X, t, C, False),
            alternatives=_alternatives(oracle, f"no-intercept-C{C:g}", X, t, C, False),
        )


# -- task 3: any two labels -----------------------------------------------------------------------


def _label_case(learner, oracle, labels, *, what):
    X, t = _label_data()
    y = np.where(t == 1, labels[1], labels[0])
    want = oracle("labels-C3", lambda: _params(X, t, 3.0))
    model = learner.LogisticRegression(C=3.0)
    model.fit(X, y)
    _expect_classes(model, y, what=what)
    try:
        _expect_params(model, want, what=what)
    except CheckFailure as failure:
        # The same data with labels 0/1: if that fit is right, the labels were used as targets.
        model01 = learner.LogisticRegression(C=3.0)
        model01.fit(X, t)
        if _close(model01.coef_, want["coef"], 1e-4):
            raise CheckFailure(
                f"{failure}; with labels 0/1 your fit is right, so the labels were used as "
                "the targets directly: build t = 1 where y == classes_[1], else 0"
            ) from None
        alternatives = _alternatives(oracle, "labels", X, t, 3.0)
        _expect_params(model, want, what=what, data=(X, t, 3.0, True), alternatives=alternatives)
    X_new = X[::7] + 0.25
    want = oracle("labels-predict", lambda: _predictions(X, t, 3.0, X_new))
    got = _as_labels(model.predict(X_new), name=f"predict {what}", n=len(X_new))
    clear = np.abs(want["decision"]) > BOUNDARY
    expected = np.asarray(labels)[want["positive"]]
    _expect_labels(got[clear], expected[clear], name=f"predict {what} (away from the boundary)")


@checks.test(task=3, name="labels -1 and 1")
def labels_pm1(learner, oracle):
    _label_case(learner, oracle, np.array([-1, 1]), what="with labels -1/1")


@checks.test(task=3, name="labels 3 and 7, the first sample labelled 7")
def labels_37(learner, oracle):
    _label_case(learner, oracle, np.array([3, 7]), what="with labels 3/7")


@checks.test(task=3, name="string labels 'cat' and 'dog'")
def labels_str(learner, oracle):
    _label_case(learner, oracle, np.array(["cat", "dog"]), what="with labels 'cat'/'dog'")


# -- task 4: probabilities and predictions --------------------------------------------------------


@checks.test(task=4, name="predict_proba on new data: columns in the order of classes_")
def proba(learner, oracle):
    X, t = _base_data()
    X_new = _new_points(11, 60)
    want = oracle("predict-new", lambda: _predictions(X, t, 1.0, X_new))
    model = learner.LogisticRegression(C=1.0)
    model.fit(X, t)
    _expect_proba(model.predict_proba(X_new), want["proba"], name="predict_proba(X_new) (60 x 4)")


@checks.test(task=4, name="predict on new data, labels 'no'/'yes'")
def predict_new(learner, oracle):
    X, t = _base_data()
    X_new = _new_points(11, 60)
    want = oracle("predict-new", lambda: _predictions(X, t, 1.0, X_new))
    model = learner.LogisticRegression(C=1.0)
    model.fit(X, np.where(t == 1, "yes", "no"))
    got = _as_labels(model.predict(X_new), name="predict(X_new)", n=len(X_new))
    clear = np.abs(want["decision"]) > BOUNDARY
    expected = np.where(want["positive"] == 1, "yes", "no")
    name = "predict(X_new) (60 x 4, labels no/yes, away from the boundary)"
    _expect_labels(got[clear], expected[clear], name=name)


@checks.test(task=4, name="huge logits (|z| up to ~1e4): no overflow, no NaN")
def huge_logits(learner, oracle):
    X, t = _base_data()
    centre = X.mean(axis=0)
    X_far = centre + (_new_points(12, 40) - OFFSETS) * 1000.0
    want = oracle("predict-far", lambda: _predictions(X, t, 1.0, X_far))
    model = learner.LogisticRegression(C=1.0)
    model.fit(X, t)
    largest = float(np.max(np.abs(want["decision"])))
    _expect_proba(
        model.predict_proba(X_far),
        want["proba"],
        name=f"predict_proba far from the data (|z| up to {largest:.3g})",
    )
    _expect_labels(model.predict(X_far), want["positive"], name="predict far from the data")


# -- performance ----------------------------------------------------------------------------------


@checks.performance(sizes=[1000, 2000, 4000, 8000, 16000])
def speed(learner, n, rng):
    X = rng.normal(size=(n, 8))
    w = np.linspace(-1.0, 1.0, 8)
    t = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w)))).astype(int)
    model = learner.LogisticRegression(C=1.0)
    model.fit(X, t)
    model.predict_proba(X)


def _library():
    from sklearn.linear_model import LogisticRegression

    return {"LogisticRegression": lambda **kw: LogisticRegression(tol=1e-8, **kw)}


def _score(learner, n, rng):
    X = rng.normal(size=(n, 8))
    w = np.linspace(-1.0, 1.0, 8)
    t = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w)))).astype(int)
    p = learner.LogisticRegression(C=1.0).fit(X, t).predict_proba(X)[:, 1]
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


checks.baseline(
    _library, score=_score, note="lbfgs at tol 1e-8; score: mean training log-loss"
)
