"""Checks for linear-regression: the oracle is scikit-learn's LinearRegression and hand cases."""

import numpy as np

from mlcamp.labs.checking import LearnerError
from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import (
    CheckFailure,
    expect_array,
    expect_same_object,
    expect_scalar,
    expect_true,
)

checks = LabChecks()

RTOL = 1e-6
"""Relative tolerance for coefficients, intercepts and predictions (see the README)."""


# -- data ------------------------------------------------------------------------------------------


def _noisy(seed, n, coef, intercept, *, noise=0.3, mean=0.0):
    """Gaussian features (shifted by `mean`) and a linear target with Gaussian noise."""
    rng = np.random.default_rng(seed)
    coef = np.asarray(coef, dtype=float)
    X = rng.normal(size=(n, len(coef))) + mean
    y = X @ coef + intercept + noise * rng.normal(size=n)
    return X, y


def _offset_data(seed, n):
    """Features around 1e6 (and -3e5, 5e5) with unit-ish spread; the target is around 2e6."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * np.array([2.0, 0.5, 10.0]) + np.array([1e6, -3e5, 5e5])
    y = X @ np.array([0.8, -1.2, 0.05]) + 2e6 + rng.normal(size=n)
    return X, y


def _collinear_data(seed, n):
    """Feature 1 is feature 0 plus a tiny perturbation; feature 3 barely varies around 5."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    X = np.column_stack(
        [z[:, 0], z[:, 0] + 1e-3 * z[:, 1], rng.normal(size=n), 5 + 0.01 * rng.normal(size=n)]
    )
    y = X @ np.array([1.0, 2.0, -0.5, 3.0]) + 1.0 + 0.1 * rng.normal(size=n)
    return X, y


def _sklearn(X, y, fit_intercept, X_new=None):
    """The oracle: scikit-learn's LinearRegression (least squares via LAPACK's SVD-based solver)."""
    from sklearn.linear_model import LinearRegression

    model = LinearRegression(fit_intercept=fit_intercept)
    model.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=float))
    out = {"coef": np.array(model.coef_, dtype=float), "intercept": float(model.intercept_)}
    if X_new is not None:
        out["predict"] = model.predict(np.asarray(X_new, dtype=float))
    return out


# -- helpers ---------------------------------------------------------------------------------------

SINGULAR_HINT = (
    "\nEvery X in these tests has full column rank, so the d x d matrix X^T X (of centred X when "
    "fitting an intercept) is invertible. If you built an n x n matrix such as X @ X.T, it is "
    "singular whenever n > d: the normal equations use X.T @ X."
)


def _fit(learner, X, y, *, what, fit_intercept=None):
    """Construct (default or with fit_intercept), fit, and check that fit returns self."""
    model = (
        learner.LinearRegression()
        if fit_intercept is None
        else learner.LinearRegression(fit_intercept=fit_intercept)
    )
    try:
        returned = model.fit(X, y)
    except LearnerError as error:
        if error.exception_type == "LinAlgError":
            raise LearnerError(
                error.kind, error.message + SINGULAR_HINT, exception_type=error.exception_type
            ) from error
        raise
    expect_same_object(returned, model, name=f"fit on {what}")
    return model


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)


def _close(got, want, atol):
    return bool(np.all(np.abs(np.asarray(got, dtype=float) - want) <= atol))


def _intercept_scale(X, y, coef, intercept):
    """The size of the numbers the intercept is computed from: mean(y) and mean(X) . coef."""
    X = np.asarray(X, dtype=float)
    return abs(intercept) + abs(float(np.mean(y))) + float(np.abs(X.mean(axis=0) * coef).sum())


def _orthogonality_note(X, y, coef, intercept, fit_intercept):
    """How far the learner's residuals are from orthogonal to the features (0 at the optimum)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    try:
        residual = y - X @ np.asarray(coef, dtype=float) - float(intercept)
    except (TypeError, ValueError):
        return ""
    columns = X - X.mean(axis=0) if fit_intercept else X
    norms = np.linalg.norm(columns, axis=0) * np.linalg.norm(residual)
    if not np.all(norms > 0) or not np.all(np.isfinite(residual)):
        return ""
    cosines = np.abs(columns.T @ residual) / norms
    j = int(np.argmax(cosines))
    if cosines[j] < 1e-4:
        return (
            f". Your residuals y - prediction are nearly orthogonal to the features (largest "
            f"|cos| {cosines[j]:.2g}, feature {j}), so the method looks right but digits were "
            "lost to rounding"
        )
    return (
        f". With your coef_ and intercept_ the residuals y - prediction are not orthogonal to the "
        f"features: |cos| with feature {j} is {cosines[j]:.2g} (least squares makes it 0, that "
        "is what the normal equations say)"
    )


def _diagnose(coef, intercept, X, y, want, *, fit_intercept, with_intercept_coef=None):
    """Recognise the usual mistakes and say so; returns silently when nothing is recognised."""
    want_coef = np.asarray(want["coef"], dtype=float)
    want_b = float(want["intercept"])
    coef_tol = RTOL * float(np.abs(want_coef).max())
    coef = np.asarray(coef, dtype=float)
    intercept = float(intercept)
    coef_ok = _close(coef, want_coef, coef_tol + RTOL * np.abs(want_coef))
    X = np.asarray(X, dtype=float)
    y_mean = float(np.mean(y))
    x_mean = X.mean(axis=0)
    b_tol = RTOL * _intercept_scale(X, y, want_coef, want_b)
    if not coef_ok and _close(-coef, want_coef, coef_tol):
        raise CheckFailure(
            f"coef_ is the least-squares solution with the opposite sign (got {coef}, "
            f"expected {want_coef}): check the signs in your normal equations"
        )
    if not fit_intercept:
        if with_intercept_coef is not None and _close(coef, with_intercept_coef, coef_tol):
            raise CheckFailure(
                "coef_ equals the slopes of a fit WITH an intercept: with fit_intercept=False the "
                "plane must pass through the origin, so do not centre X and y"
            )
        return
    if abs(intercept - want_b) <= b_tol:
        return
    if intercept == 0.0 and abs(want_b) > b_tol:
        raise CheckFailure(
            f"intercept_ is 0.0 but the least-squares intercept is {want_b:.6g}: with "
            "fit_intercept=True (the default) the model has a constant term; centre X and y "
            "before solving (or add a column of ones to X)"
        )
    if abs(intercept - y_mean) <= b_tol and abs(want_b - y_mean) > b_tol:
        raise CheckFailure(
            f"intercept_ equals mean(y) = {y_mean:.6g}, expected {want_b:.6g}: the intercept is "
            "mean(y) - mean(X) . coef_, which equals mean(y) only when every feature has mean 0; "
            "centre X as well as y, then solve for the slopes"
        )
    if abs(intercept - (y_mean + x_mean @ coef)) <= b_tol:
        raise CheckFailure(
            f"intercept_ is mean(y) + mean(X) . coef_ = {intercept:.6g}, expected {want_b:.6g}: "
            "the fitted plane passes through the mean point, mean(y) = mean(X) . coef_ + "
            "intercept, so the intercept is mean(y) MINUS mean(X) . coef_"
        )


def _check_fit(model, X, y, want, *, fit_intercept, what, hint="", with_intercept_coef=None):
    """Compare coef_ and intercept_ with the oracle, explaining the usual mistakes."""
    want_coef = np.asarray(want["coef"], dtype=float)
    want_b = float(want["intercept"])
    coef = model.coef_
    intercept = model.intercept_
    if (
        isinstance(coef, np.ndarray)
        and coef.shape == want_coef.shape
        and coef.dtype.kind in "fiu"
        and np.all(np.isfinite(coef))
        and _is_number(intercept)
        and np.isfinite(float(intercept))
    ):
        try:
            _diagnose(
                coef,
                intercept,
                X,
                y,
                want,
                fit_intercept=fit_intercept,
                with_intercept_coef=with_intercept_coef,
            )
        except CheckFailure as failure:
            raise CheckFailure(f"after fit on {what}: {failure}") from None
    try:
        expect_array(
            coef,
            want_coef,
            name=f"coef_ after fit on {what}",
            rtol=RTOL,
            atol=RTOL * float(np.abs(want_coef).max()),
        )
    except CheckFailure as failure:
        note = ""
        if _is_number(intercept) and isinstance(coef, np.ndarray):
            note = _orthogonality_note(X, y, coef, intercept, fit_intercept)
        raise CheckFailure(f"{failure}{note}{hint}") from None
    if not fit_intercept:
        expect_scalar(
            intercept,
            0.0,
            name=f"intercept_ after fit on {what} with fit_intercept=False (no constant term)",
            atol=0.0,
        )
        return
    try:
        expect_scalar(
            intercept,
            want_b,
            name=f"intercept_ after fit on {what}",
            rtol=0.0,
            atol=RTOL * _intercept_scale(X, y, want_coef, want_b),
        )
    except CheckFailure as failure:
        raise CheckFailure(
            f"{failure}; coef_ is right, and the intercept is mean(y) - mean(X) . coef_{hint}"
        ) from None


def _check_predict(model, X_new, want, *, what):
    """Compare predict(X_new) with the oracle; recognise a forgotten intercept."""
    want = np.asarray(want, dtype=float)
    got = model.predict(X_new)
    name = f"predict({what})"
    atol = RTOL * float(np.abs(want).max())
    if isinstance(got, np.ndarray) and got.shape == want.shape and not _close(got, want, atol):
        coef, intercept = model.coef_, model.intercept_
        if isinstance(coef, np.ndarray) and _is_number(intercept) and float(intercept) != 0.0:
            without = np.asarray(X_new, dtype=float) @ np.asarray(coef, dtype=float)
            if without.shape == want.shape and _close(got, without, atol):
                raise CheckFailure(
                    f"{name}: the predictions equal X @ coef_ without intercept_ "
                    f"({float(intercept):.6g}); a prediction is X @ coef_ + intercept_"
                )
    expect_array(got, want, name=name, rtol=RTOL, atol=atol)


# -- task 1: fit with an intercept -------------------------------------------------------------

HAND_X = np.array([[1], [2], [3], [4]])
HAND_Y = np.array([2, 3, 5, 6])
# mean x = 2.5, mean y = 4; sum (x - 2.5)(y - 4) = 7, sum (x - 2.5)^2 = 5:
# slope 7 / 5 = 1.4, intercept 4 - 1.4 * 2.5 = 0.5.
HAND_FIT = {"coef": np.array([1.4]), "intercept": 0.5}

PLANE_X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 1.0], [4.0, 4.0]])
PLANE_Y = 1.0 - 2.0 * PLANE_X[:, 0] + 0.5 * PLANE_X[:, 1]
PLANE_FIT = {"coef": np.array([-2.0, 0.5]), "intercept": 1.0}


@checks.test(task=1, name="a line through four points, solved by hand (integer input)")
def hand_line(learner, oracle):
    model = _fit(learner, HAND_X, HAND_Y, what="4 integer points x = 1..4")
    _check_fit(
        model, HAND_X, HAND_Y, HAND_FIT, fit_intercept=True, what="4 integer points x = 1..4"
    )


@checks.test(task=1, name="points exactly on a plane are fitted exactly")
def exact_plane(learner, oracle):
    what = "5 points on y = 1 - 2 x0 + 0.5 x1"
    model = _fit(learner, PLANE_X, PLANE_Y, what=what)
    _check_fit(model, PLANE_X, PLANE_Y, PLANE_FIT, fit_intercept=True, what=what)


@checks.test(task=1, name="three noisy features, default fit_intercept (n = 40)")
def noisy_features(learner, oracle):
    X, y = _noisy(11, 40, [1.5, -2.0, 0.5], 4.0, mean=0.7)
    want = oracle("noisy", lambda: _sklearn(X, y, True))
    what = "40 noisy points, 3 features"
    model = _fit(learner, X, y, what=what)
    fit_intercept = model.fit_intercept
    expect_true(
        fit_intercept is True,
        f"LinearRegression().fit_intercept should default to True, got {fit_intercept!r}",
    )
    _check_fit(model, X, y, want, fit_intercept=True, what=what)


@checks.test(task=1, name="many more samples than features (n = 5000, d = 4)")
def tall(learner, oracle):
    X, y = _noisy(14, 5000, [3.0, -1.0, 0.2, 2.0], -7.0, noise=1.0, mean=-1.5)
    want = oracle("tall", lambda: _sklearn(X, y, True))
    what = "5000 points, 4 features"
    model = _fit(learner, X, y, what=what, fit_intercept=True)
    _check_fit(model, X, y, want, fit_intercept=True, what=what)


@checks.test(task=1, name="one feature, with a second fit on other data replacing the first")
def refit(learner, oracle):
    X1, y1 = _noisy(16, 25, [-0.7], 10.0, mean=3.0)
    X2, y2 = _noisy(17, 30, [2.5], -4.0, mean=-2.0)
    want = oracle("refit", lambda: _sklearn(X2, y2, True))
    model = _fit(learner, X1, y1, what="25 points, 1 feature")
    expect_same_object(model.fit(X2, y2), model, name="a second fit on new data")
    _check_fit(model, X2, y2, want, fit_intercept=True, what="a second data set (refit)")


# -- task 2: predict ---------------------------------------------------------------------------


@checks.test(task=2, name="predict on new points (and on a single point)")
def predict_new(learner, oracle):
    X, y = _noisy(11, 40, [1.5, -2.0, 0.5], 4.0, mean=0.7)
    X_new = np.random.default_rng(21).normal(size=(7, 3)) * 2.0
    want = oracle("predict", lambda: _sklearn(X, y, True, X_new))
    model = _fit(learner, X, y, what="40 noisy points, 3 features")
    _check_predict(model, X_new, want["predict"], what="7 new points")
    _check_predict(model, X_new[:1], want["predict"][:1], what="a single new point, shape (1, 3)")


@checks.test(task=2, name="predict from the hand-solved line")
def predict_hand(learner, oracle):
    model = _fit(learner, HAND_X, HAND_Y, what="4 integer points x = 1..4")
    # y = 0.5 + 1.4 x at x = 0, 10 and -2.5.
    X_new = np.array([[0], [10], [-2.5]])
    _check_predict(model, X_new, np.array([0.5, 14.5, -3.0]), what="x = 0, 10, -2.5")


# -- task 3: through the origin ----------------------------------------------------------------


@checks.test(task=3, name="fit_intercept=False on one feature, solved by hand")
def origin_hand(learner, oracle):
    model = _fit(learner, HAND_X, HAND_Y, what="4 integer points x = 1..4", fit_intercept=False)
    # Through the origin the slope is sum(x y) / sum(x^2) = 47 / 30.
    want = {"coef": np.array([47 / 30]), "intercept": 0.0}
    _check_fit(
        model,
        HAND_X,
        HAND_Y,
        want,
        fit_intercept=False,
        what="4 integer points x = 1..4",
        with_intercept_coef=HAND_FIT["coef"],
    )
    _check_predict(model, np.array([[3], [-6]]), np.array([47 / 10, -47 / 5]), what="x = 3, -6")


@checks.test(task=3, name="fit_intercept=False on data that has an intercept and non-zero means")
def origin_noisy(learner, oracle):
    X, y = _noisy(12, 30, [1.0, 2.0, -1.0, 0.5], 3.0, noise=0.2, mean=2.0)
    X_new = np.random.default_rng(22).normal(size=(5, 4)) + 2.0
    want = oracle("origin", lambda: _sklearn(X, y, False, X_new))
    centred = oracle("origin-with-intercept", lambda: _sklearn(X, y, True))
    what = "30 points, 4 features with mean 2"
    model = _fit(learner, X, y, what=what, fit_intercept=False)
    stored = model.fit_intercept
    expect_true(
        stored is False,
        f"LinearRegression(fit_intercept=False).fit_intercept should be False, got {stored!r}: "
        "__init__ stores its arguments under the same names",
    )
    _check_fit(
        model, X, y, want, fit_intercept=False, what=what, with_intercept_coef=centred["coef"]
    )
    _check_predict(model, X_new, want["predict"], what="5 new points, fit_intercept=False")


# -- task 4: accuracy --------------------------------------------------------------------------

OFFSET_HINT = (
    ". Features near 1e6 make X^T X (or [1, X]^T [1, X]) hold numbers near 1e12 * n, and solving "
    "with it loses about 12 of the 16 digits: centre X and y first, then solve"
)


@checks.test(task=4, name="features near 1e6 and a target near 2e6 (centring matters)")
def large_offset(learner, oracle):
    X, y = _offset_data(13, 60)
    X_new = _offset_data(23, 6)[0]
    want = oracle("offset", lambda: _sklearn(X, y, True, X_new))
    what = "60 points with features near 1e6"
    model = _fit(learner, X, y, what=what)
    _check_fit(model, X, y, want, fit_intercept=True, what=what, hint=OFFSET_HINT)
    _check_predict(model, X_new, want["predict"], what="6 new points near 1e6")


@checks.test(task=4, name="nearly collinear features (condition number about 2000)")
def collinear(learner, oracle):
    X, y = _collinear_data(15, 80)
    want = oracle("collinear", lambda: _sklearn(X, y, True))
    what = "80 points, features 0 and 1 nearly equal"
    model = _fit(learner, X, y, what=what)
    _check_fit(model, X, y, want, fit_intercept=True, what=what)


@checks.test(task=4, name="nearly collinear features with fit_intercept=False")
def collinear_origin(learner, oracle):
    X, y = _collinear_data(15, 80)
    want = oracle("collinear-origin", lambda: _sklearn(X, y, False))
    centred = oracle("collinear", lambda: _sklearn(X, y, True))
    what = "80 points, features 0 and 1 nearly equal, fit_intercept=False"
    model = _fit(learner, X, y, what=what, fit_intercept=False)
    _check_fit(
        model, X, y, want, fit_intercept=False, what=what, with_intercept_coef=centred["coef"]
    )


# -- speed -------------------------------------------------------------------------------------


@checks.performance(sizes=[4000, 8000, 16000, 32000, 64000], repeats=5)
def speed(learner, n, rng):
    X = rng.normal(size=(n, 8))
    y = X @ np.arange(1.0, 9.0) + rng.normal(size=n)
    model = learner.LinearRegression()
    model.fit(X, y)
    model.predict(X)


def _library():
    from sklearn.linear_model import LinearRegression

    return {"LinearRegression": LinearRegression}


def _score(learner, n, rng):
    X = rng.normal(size=(n, 8))
    y = X @ np.arange(1.0, 9.0) + rng.normal(size=n)
    predictions = learner.LinearRegression().fit(X, y).predict(X)
    return float(np.mean((y - predictions) ** 2))


checks.baseline(_library, score=_score, note="score: training mean squared error")
