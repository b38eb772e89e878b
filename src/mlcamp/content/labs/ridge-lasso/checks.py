"""Checks for ridge-lasso. Oracles: scikit-learn's Ridge (closed form) and Lasso run with
tol=1e-12, plus cases solved by hand (one feature for ridge, orthogonal columns and the single
active feature just below alpha_max for the lasso).

Ridge has a closed form, so its coefficients are compared at a relative tolerance of 1e-6. The
lasso is iterative, and how close the learner gets depends on the `tol` the test passes: the
README's stopping rule guarantees P(w, b) - P* <= eps = tol * mean(y_c^2). That bound is what is
graded (the objective, with the learner's own intercept), together with what it implies: every
coefficient within sqrt(2 eps / mu) of the optimum (mu = the smallest eigenvalue of Xc^T Xc / n)
and the intercept within sqrt(2 eps) + ||mean(X)|| sqrt(2 eps / mu). On top of that the zero
pattern must be exactly scikit-learn's; the oracle proves for every case that each zero has a
margin in its optimality condition (and each nonzero a size) far larger than that band, so a
converged coordinate descent cannot land on the other side.
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

RIDGE_RTOL = 1e-6
"""Ridge coef_ within RIDGE_RTOL * (|expected| + max |expected|), intercept_ likewise."""

TIGHT = 1e-8
"""The tol most lasso tests pass to the learner."""

ROBUST = 3.0
"""The oracle proves zero margins and nonzero sizes exceed ROBUST times the allowed band."""


# -- data -----------------------------------------------------------------------------------------

OFFSETS = np.array([5.0, -3.0, 10.0, 0.0, 2.0, -8.0, 1.0, 40.0])


def _sparse(seed, n, d, *, rho=0.0, offsets=None, y_offset=30.0, noise=1.0):
    """Features with pairwise correlation rho, half of them in a sparse linear target."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, d))
    if rho:
        Z = np.sqrt(1.0 - rho) * Z + np.sqrt(rho) * rng.normal(size=(n, 1))
    w = np.zeros(d)
    half = d // 2
    w[:half] = 2.0 * rng.normal(size=half) + np.sign(rng.normal(size=half))
    X = Z + (0.0 if offsets is None else offsets)
    return X, Z @ w + y_offset + noise * rng.normal(size=n)


def _base():
    """120 samples of 8 offset features (the last near 40) plus 6 duplicated rows; y near 30."""
    X, y = _sparse(1, 120, 8, offsets=OFFSETS)
    return np.vstack([X, X[:6]]), np.concatenate([y, y[:6]])


def _correlated():
    """150 samples of 6 features with pairwise correlation 0.9."""
    return _sparse(2, 150, 6, rho=0.9, y_offset=-12.0)


def _new_points(seed, m, d, offsets=None):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, d)) * 2.0 + (0.0 if offsets is None else offsets)


# -- oracle ---------------------------------------------------------------------------------------


def _sk_ridge(X, y, alpha, fit_intercept=True):
    from sklearn.linear_model import Ridge

    model = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    return {"coef": np.array(model.coef_, dtype=float), "intercept": float(model.intercept_)}


def _sk_ridge_penalised_intercept(X, y, alpha):
    """The (wrong) optimum when alpha ||(w, b)||^2 also penalises the intercept."""
    full = _sk_ridge(np.column_stack([X, np.ones(len(X))]), y, alpha, fit_intercept=False)
    return {"coef": full["coef"][:-1], "intercept": float(full["coef"][-1])}


def _sk_lasso(X, y, alpha, fit_intercept=True):
    from sklearn.linear_model import Lasso

    model = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=1_000_000)
    model.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=float))
    return {"coef": np.array(model.coef_, dtype=float), "intercept": float(model.intercept_)}


def _sk_lasso_penalised_intercept(X, y, alpha):
    """The (wrong) optimum when the intercept is one more L1-penalised coordinate."""
    full = _sk_lasso(np.column_stack([X, np.ones(len(X))]), y, alpha, fit_intercept=False)
    return {"coef": full["coef"][:-1], "intercept": float(full["coef"][-1])}


# -- lasso geometry (NumPy only) ------------------------------------------------------------------


def _centred(X, y, fit_intercept):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if not fit_intercept:
        return X, y
    return X - X.mean(axis=0), y - y.mean()


def _objective(X, y, alpha, coef, intercept):
    """P(w, b) = ||y - X w - b||^2 / (2n) + alpha ||w||_1."""
    r = np.asarray(y, dtype=float) - np.asarray(X, dtype=float) @ coef - intercept
    return float(r @ r / (2 * len(r)) + alpha * np.sum(np.abs(coef)))


class Band:
    """What a stopping rule with this tol guarantees, around the optimum `want`."""

    def __init__(self, X, y, alpha, tol, fit_intercept, want):
        n = len(y)
        Xc, yc = _centred(X, y, fit_intercept)
        X = np.asarray(X, dtype=float)
        self.eps = tol * float(yc @ yc) / n
        coef = np.asarray(want["coef"], dtype=float)
        self.best = _objective(X, y, alpha, coef, want["intercept"])
        rounding = 1e-9 * (1.0 + np.max(np.abs(coef)))
        active = np.flatnonzero(np.linalg.norm(Xc, axis=0) > 0)
        mu = (
            float(np.linalg.eigvalsh(Xc[:, active].T @ Xc[:, active] / n)[0])
            if len(active)
            else 1.0
        )
        self.coef = float(np.sqrt(2.0 * self.eps / mu)) + rounding
        x_mean = np.linalg.norm(X.mean(axis=0)) if fit_intercept else 0.0
        self.intercept = float(np.sqrt(2.0 * self.eps) + x_mean * self.coef) + 1e-9 * (
            1.0 + abs(want["intercept"]) + float(np.abs(X.mean(axis=0)) @ np.abs(coef))
        )
        self.objective = self.eps + 1e-12 * (1.0 + abs(self.best))
        # How far x_j . r / n can move from its optimal value within the band (per column).
        self.drift = np.linalg.norm(Xc, axis=0) / np.sqrt(n) * np.sqrt(2.0 * self.eps)
        # The correlations x_j . r* / n at the optimum.
        r = yc - Xc @ coef if fit_intercept else y - X @ coef - want["intercept"]
        self.grad = Xc.T @ r / n


def _prove_robust(X, y, alpha, tol, fit_intercept, want):
    """Fail loudly (a defect of the checks, not of the learner) if the zero pattern is fragile."""
    band = Band(X, y, alpha, tol, fit_intercept, want)
    coef = np.asarray(want["coef"])
    zero = coef == 0
    margin = alpha - np.abs(band.grad)
    constant = np.linalg.norm(_centred(X, y, fit_intercept)[0], axis=0) == 0
    fragile = zero & ~constant & (margin <= ROBUST * band.drift)
    if fragile.any():
        raise RuntimeError(
            f"lasso case has a zero with too small a margin: {np.flatnonzero(fragile)}"
        )
    small = ~zero & (np.abs(coef) <= ROBUST * band.coef)
    if small.any():
        raise RuntimeError(f"lasso case has a tiny nonzero coefficient: {np.flatnonzero(small)}")


# -- comparisons ----------------------------------------------------------------------------------


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)


def _fetch(model, d, *, what, cls):
    """coef_ (d,) floats and intercept_ a number, with clear messages; returns both."""
    coef = model.coef_
    if not isinstance(coef, np.ndarray) or coef.shape != (d,):
        shape = coef.shape if isinstance(coef, np.ndarray) else describe(coef)
        hint = " (a 1-D array, as scikit-learn's for a 1-D y)" if d else ""
        raise CheckFailure(
            f"{cls}.coef_ {what}: expected an array of shape ({d},){hint}, got {shape}"
        )
    expect_true(
        coef.dtype.kind == "f",
        f"{cls}.coef_ {what}: expected floating-point values, got dtype {coef.dtype}; convert X "
        "and y with np.asarray(..., dtype=float)",
    )
    intercept = model.intercept_
    if isinstance(intercept, np.ndarray):
        raise CheckFailure(
            f"{cls}.intercept_ {what}: expected a single number (a float), got "
            f"{describe(intercept)}; use float(...)"
        )
    expect_true(
        _is_number(intercept),
        f"{cls}.intercept_ {what}: expected a number, got {describe(intercept)}",
    )
    return coef, float(intercept)


def _same(coef, intercept, want, rtol):
    scale = 1.0 + float(np.max(np.abs(want["coef"]))) + abs(want["intercept"])
    return bool(
        np.all(np.isfinite(coef))
        and np.all(np.abs(coef - want["coef"]) <= rtol * scale)
        and abs(intercept - want["intercept"]) <= rtol * scale
    )


def _diagnose(coef, intercept, alternatives):
    for params, meaning in alternatives:
        if _same(coef, intercept, params, 1e-4):
            return f"; {meaning}"
    return ""


# -- ridge ----------------------------------------------------------------------------------------


def _ridge_alternatives(oracle, key, X, y, alpha, fit_intercept=True):
    """Optima of the usual ridge mistakes, each with what it means."""
    n = len(y)
    alternatives = []
    if fit_intercept:
        alternatives.append(
            (
                oracle(f"{key}-pen", lambda: _sk_ridge_penalised_intercept(X, y, alpha)),
                "these are the parameters when alpha is added to the WHOLE diagonal of the "
                "augmented [X, 1]^T [X, 1], so the intercept is penalised too; the penalty is "
                "alpha ||w||^2 only: centre X and y (or leave the intercept's diagonal entry "
                "alone)",
            )
        )
    for factor, meaning in (
        (
            n,
            f"these are the parameters for alpha * n = {alpha * n:g}: the objective is the SUM "
            "of squared residuals, not their mean",
        ),
        (
            1.0 / n,
            f"these are the parameters for alpha / n = {alpha / n:g}: alpha is added to "
            "X^T X as it is, not divided by n",
        ),
        (
            0.5,
            f"these are the parameters for alpha / 2 = {alpha / 2:g}: the gradient of "
            "alpha ||w||^2 is 2 alpha w, and the 2 cancels against the 2 of the squared loss",
        ),
        (
            2.0,
            f"these are the parameters for 2 alpha = {2 * alpha:g}: add alpha (not 2 alpha) "
            "to the diagonal of X^T X",
        ),
    ):
        alternatives.append(
            (
                oracle(
                    f"{key}-x{factor:.6g}",
                    lambda f=factor: _sk_ridge(X, y, alpha * f, fit_intercept),
                ),
                meaning,
            )
        )
    if alpha != 1.0:
        alternatives.append(
            (
                oracle(f"{key}-a1", lambda: _sk_ridge(X, y, 1.0, fit_intercept)),
                f"these are the parameters for alpha = 1, not {alpha:g}: is alpha used?",
            )
        )
    return alternatives


def _check_ridge(model, X, y, want, *, what, alternatives=(), fit_intercept=True):
    X = np.asarray(X, dtype=float)
    coef, intercept = _fetch(model, X.shape[1], what=what, cls="Ridge")
    want_coef = np.asarray(want["coef"], dtype=float)
    try:
        expect_array(
            coef,
            want_coef,
            name=f"Ridge.coef_ {what}",
            rtol=RIDGE_RTOL,
            atol=RIDGE_RTOL * float(np.max(np.abs(want_coef))),
        )
        if not fit_intercept:
            expect_scalar(
                intercept,
                0.0,
                name=f"Ridge.intercept_ {what} (fit_intercept=False: exactly 0.0)",
                atol=0.0,
            )
            return
        scale = (
            abs(want["intercept"])
            + abs(float(np.mean(y)))
            + float(np.abs(X.mean(axis=0)) @ np.abs(want_coef))
        )
        expect_scalar(
            intercept,
            want["intercept"],
            name=f"Ridge.intercept_ {what}",
            rtol=0.0,
            atol=RIDGE_RTOL * scale,
        )
    except CheckFailure as failure:
        hint = _diagnose(coef, intercept, alternatives)
        mean_y = float(np.mean(y))
        if (
            not hint
            and fit_intercept
            and np.allclose(coef, want_coef, rtol=1e-6, atol=1e-6 * np.abs(want_coef).max())
            and abs(intercept - mean_y) <= 1e-6 * (1.0 + abs(mean_y))
        ):
            hint = (
                "; coef_ is right but intercept_ is mean(y): the intercept is "
                "mean(y) - mean(X) . coef_"
            )
        if not hint:
            hint = _ridge_stationarity(X, y, coef, intercept, model.alpha, fit_intercept)
        raise CheckFailure(f"{failure}{hint}") from None


def _ridge_stationarity(X, y, coef, intercept, alpha, fit_intercept):
    """Say how far the learner's w is from solving (Xc^T Xc + alpha I) w = Xc^T yc."""
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        return ""
    Xc, yc = _centred(X, y, fit_intercept)
    residual = Xc.T @ (yc - Xc @ coef) - alpha * coef
    scale = float(np.abs(Xc.T @ yc).max()) + 1e-300
    j = int(np.argmax(np.abs(residual)))
    return (
        f"; your coef_ does not solve (Xc^T Xc + alpha I) w = Xc^T yc: row {j} is off by "
        f"{residual[j]:.3g} (relative {abs(residual[j]) / scale:.2g})"
    )


def _ridge(learner, X, y, *, alpha=None, fit_intercept=None, what):
    kwargs = {}
    if alpha is not None:
        kwargs["alpha"] = alpha
    if fit_intercept is not None:
        kwargs["fit_intercept"] = fit_intercept
    model = learner.Ridge(**kwargs)
    expect_same_object(model.fit(X, y), model, name=f"Ridge.fit {what}")
    return model


# -- lasso ----------------------------------------------------------------------------------------


def _lasso_alternatives(oracle, key, X, y, alpha, fit_intercept=True):
    n = len(y)
    alternatives = [
        (
            oracle(f"{key}-over-n", lambda: _sk_lasso(X, y, alpha / n, fit_intercept)),
            f"these are the lasso parameters for alpha / n = {alpha / n:.3g}: the soft-threshold "
            "of the update x_j . r_j / ||x_j||^2 form must be n * alpha (the objective has "
            "1/(2n) in front of the squared residuals), not alpha",
        ),
        (
            oracle(f"{key}-half", lambda: _sk_lasso(X, y, alpha / 2, fit_intercept)),
            f"these are the lasso parameters for alpha / 2 = {alpha / 2:.3g}: with 1/(2n) in "
            "front of the squared residuals the threshold is n * alpha, not n * alpha / 2",
        ),
    ]
    if fit_intercept:
        alternatives.insert(
            0,
            (
                oracle(f"{key}-pen", lambda: _sk_lasso_penalised_intercept(X, y, alpha)),
                "these are the parameters when the intercept is one more L1-penalised "
                "coordinate; the intercept is not penalised: centre X and y, run coordinate "
                "descent on the weights only, then intercept_ = mean(y) - mean(X) . coef_",
            ),
        )
    return alternatives


def _kkt_note(X, y, alpha, coef, intercept, fit_intercept):
    """Where the learner's solution breaks the lasso's optimality conditions."""
    Xc, _ = _centred(X, y, fit_intercept)
    r = np.asarray(y, dtype=float) - np.asarray(X, dtype=float) @ coef - intercept
    g = Xc.T @ r / len(r)
    nonzero = coef != 0
    violation = np.where(
        nonzero, np.abs(g - alpha * np.sign(coef)), np.maximum(np.abs(g) - alpha, 0.0)
    )
    j = int(np.argmax(violation))
    if violation[j] <= 1e-6 * alpha:
        return ""
    if nonzero[j]:
        return (
            f". Optimality fails at coefficient {j}: with r = y - X coef_ - intercept_, "
            f"x_j . r / n is {g[j]:.6g} there but must equal alpha * sign(coef_[j]) = "
            f"{alpha * np.sign(coef[j]):.6g} for a nonzero coefficient"
        )
    return (
        f". Optimality fails at coefficient {j}: it is 0, but |x_j . r / n| = {abs(g[j]):.6g} "
        f"exceeds alpha = {alpha:.6g} (with r = y - X coef_ - intercept_), so moving it off 0 "
        "lowers the objective"
    )


DIVERGED = (
    "Coordinate descent never increases the objective when each update uses the residual "
    "with all the latest coefficients: update r right after each w_j changes. Computing all "
    "the updates of a sweep from one stale residual works on (nearly) orthogonal columns but "
    "diverges on correlated ones"
)


def _check_lasso(
    model, X, y, alpha, tol, want, *, what, alternatives=(), fit_intercept=True, zeros=True
):
    """Zero pattern exactly (when `zeros`), then coefficients, intercept and objective within
    the band that tol allows."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    coef, intercept = _fetch(model, X.shape[1], what=what, cls="Lasso")
    want_coef = np.asarray(want["coef"], dtype=float)
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        raise CheckFailure(
            f"Lasso.coef_ {what}: got NaN or infinity ({coef}, intercept {intercept}): the "
            "updates diverged. " + DIVERGED
        )
    huge = 1e6 * (1.0 + float(np.max(np.abs(want_coef))))
    if np.max(np.abs(coef)) > huge:
        raise CheckFailure(
            f"Lasso.coef_ {what}: got coefficients as large as {np.max(np.abs(coef)):.3g}, "
            f"expected values below {np.max(np.abs(want_coef)):.3g}: the updates diverged. "
            + DIVERGED
        )
    band = Band(X, y, alpha, tol, fit_intercept, want)
    setting = f"(alpha={alpha:g}, tol={tol:g})"
    try:
        extra = np.flatnonzero((want_coef == 0) & (coef != 0))
        if zeros and len(extra):
            j = int(extra[0])
            raise CheckFailure(
                f"Lasso.coef_ {what} {setting}: {len(extra)} coefficients should be exactly 0.0 "
                f"but are not; first at index {j}: got {coef[j]:.6g}. At the optimum "
                f"|x_j . r / n| = {abs(band.grad[j]):.6g} < alpha there, so the soft-threshold "
                "returns exactly 0 (check the threshold, and that you store 0.0, not a tiny "
                "value)"
            )
        missing = np.flatnonzero((want_coef != 0) & (coef == 0))
        if zeros and len(missing):
            j = int(missing[0])
            raise CheckFailure(
                f"Lasso.coef_ {what} {setting}: {len(missing)} coefficients are 0.0 but should "
                f"not be; first at index {j}: expected {want_coef[j]:.6g}"
            )
        expect_array(
            coef,
            want_coef,
            name=f"Lasso.coef_ {what} {setting}, band sqrt(2 eps / mu)",
            rtol=0.0,
            atol=band.coef,
        )
        if not fit_intercept:
            expect_scalar(
                intercept,
                0.0,
                name=f"Lasso.intercept_ {what} (fit_intercept=False: exactly 0.0)",
                atol=0.0,
            )
        else:
            expect_scalar(
                intercept,
                want["intercept"],
                name=f"Lasso.intercept_ {what} {setting}",
                rtol=0.0,
                atol=band.intercept,
            )
        value = _objective(X, y, alpha, coef, intercept)
        expect_true(
            value <= band.best + band.objective,
            f"Lasso objective {what} {setting}: your coef_ and intercept_ give P = {value:.12g}, "
            f"the optimum is {band.best:.12g}; the excess {value - band.best:.3g} is more than "
            f"eps = tol * mean(y_c^2) = {band.eps:.3g} that the stopping rule allows",
        )
    except CheckFailure as failure:
        hint = _diagnose(coef, intercept, alternatives)
        if not hint:
            hint = _kkt_note(X, y, alpha, coef, intercept, fit_intercept)
        raise CheckFailure(f"{failure}{hint}{_budget_note(model)}") from None


def _budget_note(model):
    """A note when the fit used its whole max_iter budget (it did not converge)."""
    try:
        n_iter, max_iter = model.n_iter_, model.max_iter
    except Exception:  # a missing n_iter_ is reported by its own test
        return ""
    if not (_is_number(n_iter) and _is_number(max_iter)) or n_iter < max_iter:
        return ""
    return (
        f". Your fit ran all max_iter = {max_iter} sweeps (n_iter_ = {n_iter}), so it stopped "
        "before its stopping rule held. With the features centred, coordinate descent needs a "
        "few hundred sweeps at most here; on uncentred features with large means (one is near "
        "40) with the intercept updated as one more coordinate, it crawls: centre X and y"
    )


def _lasso(learner, X, y, *, what, **kwargs):
    model = learner.Lasso(**kwargs)
    expect_same_object(model.fit(X, y), model, name=f"Lasso.fit {what}")
    return model


def _lasso_case(learner, oracle, key, X, y, alpha, *, what, tol=TIGHT, fit_intercept=True):
    """Fit the learner and the oracle on one case and compare (with diagnoses)."""
    want = oracle(key, lambda: _sk_lasso(X, y, alpha, fit_intercept))
    _prove_robust(X, y, alpha, tol, fit_intercept, want)
    kwargs = {"alpha": alpha, "tol": tol}
    if not fit_intercept:
        kwargs["fit_intercept"] = False
    model = _lasso(learner, X, y, what=what, **kwargs)
    _check_lasso(
        model,
        X,
        y,
        alpha,
        tol,
        want,
        what=what,
        alternatives=_lasso_alternatives(oracle, key, X, y, alpha, fit_intercept),
        fit_intercept=fit_intercept,
    )
    return model


def _expect_n_iter(model, *, what, max_iter):
    n_iter = model.n_iter_
    expect_true(
        _is_number(n_iter) and float(n_iter) == int(n_iter),
        f"Lasso.n_iter_ {what}: expected an int (the number of sweeps), got {describe(n_iter)}",
    )
    expect_true(
        0 <= int(n_iter) <= max_iter,
        f"Lasso.n_iter_ {what}: expected a number of sweeps between 0 and max_iter = "
        f"{max_iter}, got {n_iter}",
    )
    return int(n_iter)


def _check_predict(model, X_new, *, what, cls):
    """predict must be X_new @ coef_ + intercept_ (the parameters were checked already)."""
    coef = np.asarray(model.coef_, dtype=float)
    intercept = float(model.intercept_)
    want = X_new @ coef + intercept
    got = model.predict(X_new)
    name = f"{cls}.predict {what}"
    scale = float(np.max(np.abs(want))) + 1.0
    if (
        isinstance(got, np.ndarray)
        and got.shape == want.shape
        and intercept != 0.0
        and np.allclose(got, X_new @ coef, rtol=0, atol=1e-9 * scale)
    ):
        raise CheckFailure(
            f"{name}: the predictions equal X @ coef_ without intercept_ ({intercept:.6g}); "
            "a prediction is X @ coef_ + intercept_"
        )
    expect_array(
        got, want, name=f"{name} (must equal X @ coef_ + intercept_)", rtol=1e-9, atol=1e-9 * scale
    )


# -- task 1: ridge ---------------------------------------------------------------------------------

HAND_X = np.array([[1], [2], [3], [4]])
HAND_Y = np.array([2, 3, 5, 6])
# Centred: x = -1.5..1.5, Sxx = 5, Sxy = 7. Ridge with alpha: w = 7 / (5 + alpha), b = 4 - 2.5 w.


@checks.test(task=1, name="Ridge.fit returns self; coef_ shape (d,), intercept_ a float")
def ridge_shapes(learner, oracle):
    X, y = _base()
    model = _ridge(learner, X, y, what="on 126 x 8 data")
    _fetch(model, 8, what="on 126 x 8 data", cls="Ridge")
    expect_true(
        model.alpha == 1.0 and model.fit_intercept is True,
        f"Ridge() should default to alpha=1.0, fit_intercept=True; got alpha={model.alpha!r}, "
        f"fit_intercept={model.fit_intercept!r}",
    )


@checks.test(task=1, name="one feature solved by hand: w = 7 / (5 + alpha), b = 4 - 2.5 w")
def ridge_hand(learner, oracle):
    for alpha in (1.0, 3.0):
        w = 7.0 / (5.0 + alpha)
        want = {"coef": np.array([w]), "intercept": 4.0 - 2.5 * w}
        what = f"on x = 1..4, y = 2, 3, 5, 6 (integers), alpha={alpha:g}"
        model = _ridge(learner, HAND_X, HAND_Y, alpha=alpha, what=what)
        alternatives = [
            (
                {
                    "coef": np.array([7.0 / (5.0 + 2 * alpha)]),
                    "intercept": 4.0 - 2.5 * 7.0 / (5.0 + 2 * alpha),
                },
                "that is 7 / (5 + 2 alpha): add alpha, not 2 alpha, to Xc^T Xc",
            ),
            (
                {
                    "coef": np.array([7.0 / (5.0 + alpha / 2)]),
                    "intercept": 4.0 - 2.5 * 7.0 / (5.0 + alpha / 2),
                },
                "that is 7 / (5 + alpha / 2): the 2 of the penalty's gradient cancels the 2 of "
                "the loss's",
            ),
            (
                {
                    "coef": np.array([7.0 / (5.0 + alpha * 4)]),
                    "intercept": 4.0 - 2.5 * 7.0 / (5.0 + alpha * 4),
                },
                "that is 7 / (5 + n alpha): the loss is a sum, not a mean",
            ),
        ]
        # Penalising the intercept too: (A^T A + alpha I) theta = A^T y with A = [x, 1].
        theta = np.linalg.solve(np.array([[30.0 + alpha, 10.0], [10.0, 4.0 + alpha]]), [47, 16])
        alternatives.append(
            (
                {"coef": theta[:1], "intercept": float(theta[1])},
                "that is the solution of (A^T A + alpha I) theta = A^T y with A = [x, 1]: "
                "alpha sits on the intercept's diagonal entry too, so the intercept is "
                "penalised; the penalty is alpha ||w||^2 only",
            )
        )
        _check_ridge(model, HAND_X, HAND_Y, want, what=what, alternatives=alternatives)


@checks.test(task=1, name="alpha = 0.01, 1, 100, 10000 on offset features with duplicated rows")
def ridge_alphas(learner, oracle):
    X, y = _base()
    for alpha in (0.01, 1.0, 100.0, 1e4):
        key = f"ridge-base-{alpha:g}"
        want = oracle(key, lambda a=alpha: _sk_ridge(X, y, a))
        what = f"on 126 x 8 offset data, alpha={alpha:g}"
        model = _ridge(learner, X, y, alpha=alpha, what=what)
        _check_ridge(
            model,
            X,
            y,
            want,
            what=what,
            alternatives=_ridge_alternatives(oracle, key, X, y, alpha),
        )


@checks.test(task=1, name="correlated features and a duplicated column (weights split evenly)")
def ridge_correlated(learner, oracle):
    X, y = _correlated()
    X = np.column_stack([X, X[:, 0]])
    want = oracle("ridge-corr", lambda: _sk_ridge(X, y, 5.0))
    what = "on 150 x 7 correlated data whose last column repeats column 0, alpha=5"
    model = _ridge(learner, X, y, alpha=5.0, what=what)
    _check_ridge(
        model,
        X,
        y,
        want,
        what=what,
        alternatives=_ridge_alternatives(oracle, "ridge-corr", X, y, 5.0),
    )


@checks.test(task=1, name="more features than samples (20 x 50), alpha = 0.5")
def ridge_wide(learner, oracle):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(20, 50)) + np.linspace(-4.0, 4.0, 50)
    y = X[:, :5] @ np.array([1.0, -2.0, 0.5, 3.0, 1.5]) + 7.0 + 0.1 * rng.normal(size=20)
    want = oracle("ridge-wide", lambda: _sk_ridge(X, y, 0.5))
    what = "on 20 x 50 data, alpha=0.5"
    model = _ridge(learner, X, y, alpha=0.5, what=what)
    _check_ridge(
        model,
        X,
        y,
        want,
        what=what,
        alternatives=_ridge_alternatives(oracle, "ridge-wide", X, y, 0.5),
    )


# -- task 2: soft-thresholding, checked on orthogonal columns -------------------------------------

ORTHO_X = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]) + np.array([2.0, -1.0])
ORTHO_Y = np.array([3.0, 1.0, -1.0, 2.0])
# Centred columns are orthogonal with ||x_j||^2 / n = 1, and x_j . y_c / n = 0.75, -0.25, so the
# lasso solution is the soft-threshold S(c_j, alpha) of c = (0.75, -0.25); mean(y) = 1.25 and
# mean(X) = (2, -1), so b = 1.25 - 2 w_0 + w_1.


def _ortho_want(alpha):
    c = np.array([0.75, -0.25])
    w = np.sign(c) * np.maximum(np.abs(c) - alpha, 0.0)
    return {"coef": w, "intercept": 1.25 - 2.0 * w[0] + w[1]}


@checks.test(task=2, name="Lasso.fit returns self; coef_ (d,), intercept_ float, n_iter_ int")
def lasso_shapes(learner, oracle):
    model = _lasso(learner, ORTHO_X, ORTHO_Y, what="on 4 x 2 data")
    _fetch(model, 2, what="on 4 x 2 data", cls="Lasso")
    _expect_n_iter(model, what="on 4 x 2 data", max_iter=1000)
    defaults = (model.alpha, model.fit_intercept, model.max_iter, model.tol)
    expect_true(
        defaults == (1.0, True, 1000, 1e-4),
        "Lasso() should default to alpha=1.0, fit_intercept=True, max_iter=1000, tol=1e-4; got "
        f"alpha={defaults[0]!r}, fit_intercept={defaults[1]!r}, max_iter={defaults[2]!r}, "
        f"tol={defaults[3]!r}",
    )


@checks.test(task=2, name="orthogonal columns by hand: coef_ = soft-threshold(x_j . y_c / n)")
def lasso_orthogonal(learner, oracle):
    for alpha in (0.1, 0.5, 1.0):
        want = _ortho_want(alpha)
        what = f"on 4 x 2 data with orthogonal centred columns, alpha={alpha:g}"
        model = _lasso(learner, ORTHO_X, ORTHO_Y, alpha=alpha, tol=TIGHT, what=what)
        over_n = _ortho_want(alpha / 4)
        alternatives = [
            (
                over_n,
                f"that is the soft-threshold at alpha / n = {alpha / 4:g}: the threshold is "
                "n * alpha when you work with the sums x_j . r (the objective has 1/(2n))",
            )
        ]
        _check_lasso(
            model,
            ORTHO_X,
            ORTHO_Y,
            alpha,
            TIGHT,
            want,
            what=what,
            alternatives=alternatives,
        )


# -- task 3: coordinate descent -------------------------------------------------------------------


@checks.test(task=3, name="alpha = 0.02, 0.1, 0.5, 2 on offset features (tol=1e-8): zeros exact")
def lasso_alphas(learner, oracle):
    X, y = _base()
    for alpha in (0.02, 0.1, 0.5, 2.0):
        _lasso_case(
            learner,
            oracle,
            f"lasso-base-{alpha:g}",
            X,
            y,
            alpha,
            what="on 126 x 8 offset data",
        )


@checks.test(task=3, name="strongly correlated features (pairwise 0.9), alpha = 0.05 and 0.3")
def lasso_correlated(learner, oracle):
    X, y = _correlated()
    for alpha in (0.05, 0.3):
        _lasso_case(
            learner,
            oracle,
            f"lasso-corr-{alpha:g}",
            X,
            y,
            alpha,
            what="on 150 x 6 data with pairwise correlation 0.9",
        )


@checks.test(task=3, name="a constant feature gets coefficient exactly 0 (both models)")
def constant_feature(learner, oracle):
    X, y = _correlated()
    X = np.column_stack([X[:, :3], np.full(len(X), 4.0), X[:, 3:]])
    what = "on 150 x 7 data whose column 3 is constant (4.0)"
    model = _lasso_case(learner, oracle, "lasso-const", X, y, 0.1, what=what)
    expect_true(
        model.coef_[3] == 0.0,
        f"Lasso.coef_[3] {what}: expected exactly 0.0 for a constant column, got "
        f"{model.coef_[3]!r}; after centring the column is all zeros: skip it (its curvature "
        "||x_j||^2 is 0, do not divide by it)",
    )
    want = oracle("ridge-const", lambda: _sk_ridge(X, y, 2.0))
    ridge = _ridge(learner, X, y, alpha=2.0, what=what)
    _check_ridge(ridge, X, y, want, what=what + ", alpha=2")


# -- task 4: stopping rule, max_iter, alpha_max ---------------------------------------------------


@checks.test(task=4, name="default tol=1e-4: within the band that tol allows (correlated data)")
def lasso_default_tol(learner, oracle):
    X, y = _correlated()
    key = "lasso-corr-default"
    want = oracle(key, lambda: _sk_lasso(X, y, 0.2))
    what = "on 150 x 6 correlated data, default tol and max_iter"
    model = _lasso(learner, X, y, alpha=0.2, what=what)
    # At tol=1e-4 the band is too wide to pin down the zero pattern: only the band is graded.
    _check_lasso(
        model,
        X,
        y,
        0.2,
        1e-4,
        want,
        what=what,
        alternatives=_lasso_alternatives(oracle, key, X, y, 0.2),
        zeros=False,
    )
    n_iter = _expect_n_iter(model, what=what, max_iter=1000)
    expect_true(
        n_iter < 1000,
        f"Lasso.n_iter_ {what}: {n_iter} sweeps, the whole budget; this problem converges in "
        "a few dozen sweeps: stop as soon as the stopping rule holds",
    )


@checks.test(task=4, name="alpha >= alpha_max: every coefficient exactly 0, intercept = mean(y)")
def lasso_alpha_max(learner, oracle):
    X, y = _base()
    Xc = X - X.mean(axis=0)
    alpha_max = float(np.max(np.abs(Xc.T @ (y - y.mean())))) / len(y)
    for factor in (1.01, 10.0):
        alpha = factor * alpha_max
        what = f"on 126 x 8 offset data, alpha = {factor:g} alpha_max = {alpha:.6g}"
        model = _lasso(learner, X, y, alpha=alpha, tol=TIGHT, what=what)
        coef, intercept = _fetch(model, 8, what=what, cls="Lasso")
        nonzero = np.flatnonzero(coef != 0)
        expect_true(
            not len(nonzero),
            f"Lasso.coef_ {what}: expected all 8 coefficients exactly 0.0, got {len(nonzero)} "
            f"nonzero (first at index {nonzero[0] if len(nonzero) else 0}: "
            f"{coef[nonzero[0]] if len(nonzero) else 0:.6g}); alpha_max = max_j |x_j . y_c| / n "
            "is the smallest alpha with an all-zero solution",
        )
        expect_scalar(
            intercept,
            float(np.mean(y)),
            name=f"Lasso.intercept_ {what} (all weights 0, so mean(y))",
            rtol=1e-12,
        )
        _expect_n_iter(model, what=what, max_iter=1000)


@checks.test(task=4, name="alpha just below alpha_max: exactly one feature enters (by hand)")
def lasso_one_active(learner, oracle):
    X, y = _base()
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    n = len(y)
    c = Xc.T @ yc / n
    j = int(np.argmax(np.abs(c)))
    alpha = 0.97 * float(np.abs(c[j]))
    # Only feature j is active: w_j = sign(c_j) (|c_j| - alpha) / (||x_j||^2 / n).
    w = np.zeros(8)
    w[j] = np.sign(c[j]) * (abs(c[j]) - alpha) / (Xc[:, j] @ Xc[:, j] / n)
    want = {"coef": w, "intercept": float(y.mean() - X.mean(axis=0) @ w)}
    _prove_robust(X, y, alpha, TIGHT, True, want)
    what = f"on 126 x 8 offset data, alpha = 0.97 alpha_max = {alpha:.6g}"
    model = _lasso(learner, X, y, alpha=alpha, tol=TIGHT, what=what)
    _check_lasso(model, X, y, alpha, TIGHT, want, what=what)


@checks.test(task=4, name="max_iter caps the sweeps: n_iter_ == max_iter when tol is unreachable")
def lasso_max_iter(learner, oracle):
    X, y = _correlated()
    for max_iter in (1, 3):
        what = f"on 150 x 6 correlated data, tol=1e-14, max_iter={max_iter}"
        model = _lasso(learner, X, y, alpha=0.05, tol=1e-14, max_iter=max_iter, what=what)
        n_iter = _expect_n_iter(model, what=what, max_iter=max_iter)
        expect_true(
            n_iter == max_iter,
            f"Lasso.n_iter_ {what}: expected {max_iter} (a precision of 1e-14 is out of reach in "
            f"{max_iter} sweeps, so every allowed sweep runs), got {n_iter}",
        )
        coef, _ = _fetch(model, 6, what=what, cls="Lasso")
        expect_true(
            np.all(np.isfinite(coef)) and np.any(coef != 0),
            f"Lasso.coef_ {what}: expected the (finite, not all zero) coefficients after "
            f"{max_iter} sweeps, got {coef}",
        )


# -- task 5: no intercept, predictions ------------------------------------------------------------


@checks.test(task=5, name="fit_intercept=False (both models), intercept_ exactly 0.0")
def no_intercept(learner, oracle):
    X, y = _sparse(3, 100, 6, offsets=np.array([1.0, -2.0, 0.5, 3.0, 0.0, 1.5]), y_offset=4.0)
    what = "on 100 x 6 data with nonzero means, fit_intercept=False"
    want = oracle("ridge-noint", lambda: _sk_ridge(X, y, 3.0, fit_intercept=False))
    ridge = _ridge(learner, X, y, alpha=3.0, fit_intercept=False, what=what)
    _check_ridge(
        ridge,
        X,
        y,
        want,
        what=what + ", alpha=3",
        fit_intercept=False,
        alternatives=[
            (
                oracle("ridge-noint-centred", lambda: _sk_ridge(X, y, 3.0)),
                "these are the parameters WITH an intercept: with fit_intercept=False do not "
                "centre X and y",
            )
        ],
    )
    for alpha in (0.1, 1.0):
        _lasso_case(
            learner,
            oracle,
            f"lasso-noint-{alpha:g}",
            X,
            y,
            alpha,
            what=what,
            fit_intercept=False,
        )


@checks.test(task=5, name="predict on new points: X @ coef_ + intercept_ (both models)")
def predictions(learner, oracle):
    X, y = _base()
    X_new = _new_points(21, 9, 8, OFFSETS)
    ridge = _ridge(learner, X, y, alpha=10.0, what="on 126 x 8 offset data, alpha=10")
    want = oracle("ridge-base-10", lambda: _sk_ridge(X, y, 10.0))
    _check_ridge(ridge, X, y, want, what="on 126 x 8 offset data, alpha=10")
    _check_predict(ridge, X_new, what="on 9 new points", cls="Ridge")
    lasso = _lasso_case(learner, oracle, "lasso-base-0.5", X, y, 0.5, what="on 126 x 8 offset data")
    _check_predict(lasso, X_new, what="on 9 new points", cls="Lasso")
    _check_predict(lasso, X_new[:1], what="on a single point, shape (1, 8)", cls="Lasso")


# -- performance ----------------------------------------------------------------------------------


def _perf_data(n, rng):
    X = rng.normal(size=(n, 10)) + 0.5 * rng.normal(size=(n, 1))
    y = X @ np.r_[np.linspace(-2.0, 2.0, 5), np.zeros(5)] + 3.0 + rng.normal(size=n)
    return X, y


@checks.performance(sizes=[4000, 8000, 16000, 32000, 64000])
def speed(learner, n, rng):
    X, y = _perf_data(n, rng)
    learner.Ridge(alpha=1.0).fit(X, y)
    learner.Lasso(alpha=0.1).fit(X, y)


def _library():
    from sklearn.linear_model import Lasso, Ridge

    return {"Ridge": Ridge, "Lasso": Lasso}


def _score(learner, n, rng):
    X, y = _perf_data(n, rng)
    model = learner.Lasso(alpha=0.1).fit(X, y)
    return _objective(X, y, 0.1, np.asarray(model.coef_), float(model.intercept_))


checks.baseline(_library, score=_score, note="score: lasso objective at the default tol")
