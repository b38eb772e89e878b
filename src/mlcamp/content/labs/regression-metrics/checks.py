"""Checks for regression-metrics: scikit-learn's `mean_squared_error`, `root_mean_squared_error`,
`mean_absolute_error` and `r2_score` are the oracle; adjusted R^2 (which scikit-learn does not
have) is the textbook formula applied to scikit-learn's R^2, plus exact hand cases.

When a value is off, the checks compare it with what the usual mistakes give on the same data
(signed errors without abs, a sum instead of a mean, sqrt inside the mean, R^2 with y_pred's
spread or swapped arguments, one-pass variance, n - p instead of n - p - 1, integer overflow,
(n,) - (n, 1) broadcasting) and say which one it is. Those alternatives are computed here in
plain NumPy, never with the lab's reference.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, describe, expect_scalar

checks = LabChecks()

RTOL = 1e-10
ATOL = 1e-12
"""Every metric within RTOL relative plus ATOL absolute (times the scale stated per test)."""

MATCH = 1e-7
"""Relative closeness to a known mistake's value for the message to name it."""

METRICS = ("mse", "rmse", "mae", "r2")


# -- data -----------------------------------------------------------------------------------------


def _targets(seed, n, *, offset=0.0, scale=3.0, noise=1.0, bias=0.0):
    """y around `offset`, and predictions = y + bias + noise (errors of both signs)."""
    rng = np.random.default_rng(seed)
    y = offset + scale * rng.normal(size=n)
    return y, y + bias + noise * rng.normal(size=n)


# -- oracle ---------------------------------------------------------------------------------------


def _sk_all(y_true, y_pred):
    from sklearn.metrics import (
        mean_absolute_error,
        mean_squared_error,
        r2_score,
        root_mean_squared_error,
    )

    return {
        "mse": float(mean_squared_error(y_true, y_pred)),
        "rmse": float(root_mean_squared_error(y_true, y_pred)),
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "r2": float(r2_score(y_true, y_pred)),
    }


def _adjusted(r2, n, p):
    return 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)


# -- the usual mistakes, computed in plain NumPy -------------------------------------------------


def _mistakes(metric, y_true, y_pred):
    """(value, explanation) of the known wrong versions of `metric` on this data."""
    t = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(y_pred, dtype=float).ravel()
    e = t - p
    n = len(e)
    out = []
    if metric == "mse":
        out += [
            (np.sum(e**2), "that is the SUM of squared errors: divide by n for the mean"),
            (np.sum(e**2) / (n - 1), "that divides by n - 1: the mean squared error divides by n"),
            (np.mean(np.abs(e)), "that is the mean ABSOLUTE error"),
        ]
    if metric == "rmse":
        out += [
            (
                np.mean(np.sqrt(np.abs(e))),
                "that is the mean of sqrt(|error|): RMSE squares the "
                "errors, takes their mean, and only then the square root",
            ),
            (np.mean(e**2), "that is the MSE: RMSE is its square root"),
            (
                np.sqrt(np.mean(np.abs(e))),
                "that is sqrt(MAE): RMSE is the square root of the mean SQUARED error",
            ),
            (
                np.sqrt(np.sum(e**2)),
                "that is the square root of the SUM of squared errors: "
                "divide by n before the square root",
            ),
        ]
    if metric == "mae":
        out += [
            (
                np.mean(e),
                "that is the mean SIGNED error (positive and negative errors cancel): "
                "take the absolute value of each error before averaging",
            ),
            (
                -np.mean(e),
                "that is the mean SIGNED error (positive and negative errors cancel): "
                "take the absolute value of each error before averaging",
            ),
            (
                abs(np.mean(e)),
                "that is |mean error|: take the absolute value of each error "
                "BEFORE averaging, not of the average",
            ),
            (np.sum(np.abs(e)), "that is the SUM of absolute errors: divide by n"),
        ]
    if metric == "r2":
        ss_res = np.sum(e**2)
        ss_tot = np.sum((t - t.mean()) ** 2)
        pred_tot = np.sum((p - p.mean()) ** 2)
        if pred_tot > 0:
            out.append(
                (
                    1 - ss_res / pred_tot,
                    "the denominator is the spread of y_pred around its "
                    "mean (or the arguments are swapped: the signature is r2(y_true, y_pred)); R^2 "
                    "divides by the spread of y_TRUE around the mean of y_TRUE",
                )
            )
        if ss_tot > 0:
            out += [
                (
                    1 - ss_res / ss_tot * (n - 1) / n,
                    "that is 1 - MSE / var(y_true, ddof=1): "
                    "the two means must use the same denominator (n and n, i.e. ddof=0), or use "
                    "the sums of squares directly",
                ),
                (
                    1 - ss_res / ss_tot * n / (n - 1),
                    "that is 1 - SS_res / (n - 1) over "
                    "SS_tot / n: use the same denominator for both (or the plain sums)",
                ),
                (ss_res / ss_tot, "that is SS_res / SS_tot; R^2 is 1 minus it"),
                (
                    1 - np.sqrt(ss_res / ss_tot),
                    "that takes a square root: R^2 = 1 - SS_res / SS_tot, no root",
                ),
            ]
        one_pass = np.sum(t**2) - n * t.mean() ** 2
        if one_pass != 0 and abs(one_pass - ss_tot) > 1e-6 * ss_tot:
            out.append(
                (
                    1 - ss_res / one_pass,
                    "your SS_tot looks like sum(y^2) - n mean(y)^2: with "
                    "values far from 0 the two big terms cancel and the digits are lost. Subtract "
                    "the mean first, then square (two passes)",
                )
            )
    return out


def _broadcast_mistake(metric, y_true, y_pred_column):
    """The value the metric takes when (n,) - (n, 1) broadcasts to an (n, n) table."""
    e = np.asarray(y_true, dtype=float)[None, :] - np.asarray(y_pred_column, dtype=float)
    values = {"mse": np.mean(e**2), "rmse": np.sqrt(np.mean(e**2)), "mae": np.mean(np.abs(e))}
    return values.get(metric)


def _overflow_mistakes(metric, y_true, y_pred):
    """The values with int64 arithmetic (squares, and integer sums, wrap around silently)."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.asarray(y_true, dtype=np.int64) - np.asarray(y_pred, dtype=np.int64)
        squares = e * e
        means = [float(np.mean(squares)), float(np.sum(squares)) / len(e)]
    if metric == "rmse":
        return [np.sqrt(m) for m in means if m >= 0]
    return means if metric == "mse" else []


# -- comparisons ----------------------------------------------------------------------------------


def _near(value, other):
    return (
        other is not None
        and np.isfinite(other)
        and abs(value - other) <= MATCH * max(1.0, abs(other))
    )


def _expect_metric(got, want, *, name, mistakes=(), scale=1.0, squares=False):
    """A single float within tolerance; on a mismatch, name the known mistake that matches.

    `squares`: the metric is a mean of squares (MSE, RMSE), so a negative value is impossible."""
    try:
        expect_scalar(got, want, name=name, rtol=RTOL, atol=ATOL * scale)
    except CheckFailure as failure:
        if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
            raise
        value = float(got)
        for other, meaning in mistakes:
            if _near(value, other):
                raise CheckFailure(f"{failure}; {meaning}") from None
        if squares and (value < 0 or not np.isfinite(value)):
            raise CheckFailure(
                f"{failure}; a mean of squares is never negative: this is integer overflow, "
                "convert the inputs to float first (np.asarray(y, dtype=float))"
            ) from None
        raise


def _check_all(learner, oracle, key, y_true, y_pred, *, what, metrics=METRICS, extra=None):
    want = oracle(key, lambda: _sk_all(y_true, y_pred))
    scale = float(np.mean(np.asarray(y_true, dtype=float) ** 2))  # size of the numbers involved
    for metric in metrics:
        got = getattr(learner, metric)(y_true, y_pred)
        mistakes = _mistakes(metric, y_true, y_pred) + list((extra or {}).get(metric, []))
        _expect_metric(
            got,
            want[metric],
            name=f"{metric} on {what}",
            mistakes=mistakes,
            scale=scale if metric != "r2" else 1.0,
            squares=metric in ("mse", "rmse"),
        )
    return want


def _expect_value_error(call, *, name, what):
    try:
        got = call()
    except LearnerError as error:
        if error.exception_type == "ValueError":
            return
        if not error.exception_type or error.kind == "not_implemented":
            raise
        raise CheckFailure(
            f"{name}: {what}, so raise ValueError with a clear message; your code raised "
            f"{error.exception_type}: {error.message.splitlines()[-1][:300]}"
        ) from None
    raise CheckFailure(
        f"{name}: {what}, so raise ValueError; your code returned {describe(got)}"
        + (f" {got!r}" if isinstance(got, int | float) else "")
    )


# -- task 1: MSE, RMSE, MAE -----------------------------------------------------------------------


@checks.test(task=1, name="errors of both signs, 50 samples")
def errors_basic(learner, oracle):
    y_true, y_pred = _targets(1, 50, offset=4.0, bias=0.3)
    _check_all(
        learner, oracle, "basic", y_true, y_pred, what="50 samples", metrics=("mse", "rmse", "mae")
    )


@checks.test(task=1, name="Python lists, and a model that overestimates everywhere")
def errors_lists(learner, oracle):
    y_true = [3.0, -0.5, 2.0, 7.0, 4.25, 0.0, -2.0]
    y_pred = [2.5, 0.0, 2.0, 8.0, 5.0, 0.5, -1.0]
    _check_all(
        learner,
        oracle,
        "lists",
        y_true,
        y_pred,
        what=f"lists y_true={y_true}, y_pred={y_pred}",
        metrics=("mse", "rmse", "mae"),
    )
    y_true, y_pred = _targets(2, 30, bias=2.0, noise=0.5)
    _check_all(
        learner,
        oracle,
        "over",
        y_true,
        np.abs(y_pred - y_true) + y_true,
        what="predictions all above the targets",
        metrics=("mse", "rmse", "mae"),
    )


@checks.test(task=1, name="y_pred as a column of shape (n, 1)")
def errors_column(learner, oracle):
    y_true, y_pred = _targets(3, 25, offset=-1.0)
    column = y_pred[:, None]
    want = oracle("column", lambda: _sk_all(y_true, column))
    for metric in ("mse", "rmse", "mae", "r2"):
        got = getattr(learner, metric)(y_true, column)
        broadcast = _broadcast_mistake(metric, y_true, column)
        mistakes = (
            []
            if broadcast is None
            else [
                (
                    broadcast,
                    "y_true of shape (n,) minus y_pred of shape (n, 1) broadcasts to an (n, n) "
                    "table of every pair: flatten both inputs (np.ravel, or y[:, 0] for a "
                    "column) before subtracting",
                )
            ]
        )
        if isinstance(got, np.ndarray):
            raise CheckFailure(
                f"{metric}(y_true (25,), y_pred (25, 1)): expected one float, got "
                f"{describe(got)}; flatten a column input to shape (n,) first"
            )
        _expect_metric(
            got,
            want[metric],
            name=f"{metric} with y_pred of shape (25, 1)",
            mistakes=mistakes + _mistakes(metric, y_true, y_pred),
            scale=float(np.mean(y_true**2)) if metric != "r2" else 1.0,
        )


@checks.test(task=1, name="integer targets up to 2e10 (prices in cents): no overflow")
def errors_integers(learner, oracle):
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 20_000_000_000, size=40)
    y_pred = y_true + rng.integers(-6_000_000_000, 6_000_000_000, size=40)
    overflow = (
        "integer overflow: squares of errors this large do not fit in int64 and wrap around "
        "silently; convert the inputs to float first (np.asarray(y, dtype=float))"
    )
    extra = {
        metric: [(value, overflow) for value in _overflow_mistakes(metric, y_true, y_pred)]
        for metric in ("mse", "rmse", "r2")
    }
    _check_all(
        learner,
        oracle,
        "integers",
        y_true,
        y_pred,
        what="int64 arrays with errors up to 6e9",
        extra=extra,
    )


@checks.test(task=1, name="y_true and y_pred of different lengths raise ValueError")
def errors_lengths(learner, oracle):
    for metric in ("mse", "mae", "r2"):
        _expect_value_error(
            lambda metric=metric: getattr(learner, metric)([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0]),
            name=f"{metric}([1, 2, 3, 4], [1, 2, 3])",
            what="y_true has 4 values and y_pred 3 (NumPy would broadcast or fail obscurely)",
        )


# -- task 2: R^2 ----------------------------------------------------------------------------------


@checks.test(task=2, name="a good model and a model worse than the mean (negative R^2)")
def r2_basic(learner, oracle):
    y_true, y_pred = _targets(5, 60, offset=10.0, scale=4.0, noise=1.5)
    _check_all(learner, oracle, "r2-good", y_true, y_pred, what="a good model", metrics=("r2",))
    rng = np.random.default_rng(6)
    y_bad = y_true.mean() + 1.5 * rng.normal(size=60) * 4.0 + 2.0
    _check_all(
        learner,
        oracle,
        "r2-bad",
        y_true,
        y_bad,
        what="a model worse than the mean (R^2 < 0)",
        metrics=("r2",),
    )


@checks.test(task=2, name="predicting the mean gives 0, perfect predictions give 1")
def r2_exact(learner, oracle):
    y_true = np.array([2.0, 5.0, 1.0, 4.0, 8.0, 4.0])  # mean 4, exactly representable
    for y_pred, want, what in (
        (np.full(6, 4.0), 0.0, "always predicting the mean of y_true"),
        (y_true.copy(), 1.0, "perfect predictions"),
        (
            y_true[::-1].copy(),
            1.0 - np.sum((y_true - y_true[::-1]) ** 2) / 30.0,
            "y_true reversed (SS_res = 60, SS_tot = 30)",
        ),
    ):
        _expect_metric(
            learner.r2(y_true, y_pred),
            want,
            name=f"r2 with {what}",
            mistakes=_mistakes("r2", y_true, y_pred),
        )


@checks.test(task=2, name="targets far from zero (offset 1e9, unit spread)")
def r2_offset(learner, oracle):
    y_true, y_pred = _targets(7, 200, offset=1e9, scale=1.0, noise=0.5)
    _check_all(
        learner,
        oracle,
        "r2-offset",
        y_true,
        y_pred,
        what="y around 1e9 with spread 1",
        metrics=("r2",),
    )


@checks.test(task=2, name="constant y_true: 1.0 if predicted exactly, else 0.0")
def r2_constant(learner, oracle):
    y_true = np.full(6, 3.0)
    for y_pred, want, what in (
        (np.full(6, 3.0), 1.0, "predicted exactly"),
        (np.array([3.0, 2.0, 3.5, 3.0, 4.0, 3.0]), 0.0, "predicted with errors"),
    ):
        name = f"r2 with constant y_true = 3.0, {what}"
        try:
            got = learner.r2(y_true, y_pred)
        except LearnerError as error:
            if error.kind == "not_implemented" or not error.exception_type:
                raise
            raise CheckFailure(
                f"{name}: expected {want} (scikit-learn's convention when SS_tot = 0), your code "
                f"raised {error.exception_type or error.kind}; test SS_tot == 0 before dividing"
            ) from None
        if isinstance(got, float | np.floating) and not np.isfinite(got):
            raise CheckFailure(
                f"{name}: expected {want}, got {got}: SS_tot is 0 here; return 1.0 when SS_res "
                "is 0 too, and 0.0 otherwise, before dividing"
            )
        mistakes = [
            (
                value,
                f"{meaning} (here SS_tot = 0: the expected value is the convention, "
                "1.0 for exact predictions and 0.0 otherwise)",
            )
            for value, meaning in _mistakes("r2", y_true, y_pred)
        ]
        _expect_metric(got, want, name=name, mistakes=mistakes)


# -- task 3: adjusted R^2 -------------------------------------------------------------------------


def _adjusted_mistakes(r2, n, p):
    out = []
    if n - p > 0:
        out.append(
            (
                1 - (1 - r2) * (n - 1) / (n - p),
                "that divides by n - p: the residuals "
                "keep n - p - 1 degrees of freedom (p slopes AND the intercept are fitted)",
            )
        )
    if n - p - 1 > 0:
        out += [
            (
                1 - (1 - r2) * n / (n - p - 1),
                "that uses n instead of n - 1 in the numerator: (1 - R^2) (n - 1) / (n - p - 1)",
            ),
            (
                1 - (1 - r2) * (n - p - 1) / (n - 1),
                "the fraction is upside down: multiply "
                "(1 - R^2) by (n - 1) / (n - p - 1), which is > 1",
            ),
            (
                (1 - r2) * (n - 1) / (n - p - 1),
                "that is the penalised (1 - R^2): adjusted R^2 is 1 minus it",
            ),
        ]
    return out


def _expect_adjusted(learner, got, want, r2_want, y_true, y_pred, n, p, *, name):
    try:
        _expect_metric(got, want, name=name, mistakes=_adjusted_mistakes(r2_want, n, p))
    except CheckFailure as failure:
        r2_got = learner.r2(y_true, y_pred)
        r2_right = _is_number(r2_got) and _near(float(r2_got), r2_want)
        if not r2_right:
            raise CheckFailure(
                f"{failure}; your r2 on the same data gives {r2_got!r} instead of "
                f"{r2_want:.10g}: fix r2 (task 2) first"
            ) from None
        raise


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)


@checks.test(task=3, name="exact hand case: R^2 = 0.9 with n = 5 and p = 0, 1, 2, 3")
def adjusted_hand(learner, oracle):
    y_true = [1.0, 2.0, 3.0, 4.0, 5.0]
    y_pred = [1.0, 2.0, 3.0, 4.0, 6.0]  # SS_res = 1, SS_tot = 10
    for p, want in ((0, 0.9), (1, 1 - 0.1 * 4 / 3), (2, 0.8), (3, 0.6)):
        got = learner.adjusted_r2(y_true, y_pred, p)
        _expect_adjusted(
            learner,
            got,
            want,
            0.9,
            y_true,
            y_pred,
            5,
            p,
            name=f"adjusted_r2(y_true, y_pred, {p}) with R^2 = 0.9, n = 5",
        )


@checks.test(task=3, name="against scikit-learn's R^2: n = 40, p = 1, 5, 20, 38")
def adjusted_random(learner, oracle):
    y_true, y_pred = _targets(8, 40, offset=2.0, noise=1.2)
    want = oracle("adjusted", lambda: _sk_all(y_true, y_pred))
    for p in (1, 5, 20, 38):
        expected = _adjusted(want["r2"], 40, p)
        got = learner.adjusted_r2(y_true, y_pred, p)
        _expect_adjusted(
            learner,
            got,
            expected,
            want["r2"],
            y_true,
            y_pred,
            40,
            p,
            name=f"adjusted_r2 with n = 40, p = {p} (R^2 = {want['r2']:.6g})",
        )


@checks.test(task=3, name="n - p - 1 <= 0 raises ValueError")
def adjusted_undefined(learner, oracle):
    y_true, y_pred = _targets(9, 10)
    for p in (9, 12):
        _expect_value_error(
            lambda p=p: learner.adjusted_r2(y_true, y_pred, p),
            name=f"adjusted_r2 with n = 10, p = {p}",
            what=f"n - p - 1 = {10 - p - 1} leaves no degrees of freedom for the residuals",
        )


# -- performance ----------------------------------------------------------------------------------


@checks.performance(sizes=[31250, 62500, 125000, 250000, 500000])
def speed(learner, n, rng):
    y_true = 5.0 + 2.0 * rng.normal(size=n)
    y_pred = y_true + rng.normal(size=n)
    learner.mse(y_true, y_pred)
    learner.rmse(y_true, y_pred)
    learner.mae(y_true, y_pred)
    learner.r2(y_true, y_pred)
    learner.adjusted_r2(y_true, y_pred, 10)


def _library():
    from sklearn.metrics import (
        mean_absolute_error,
        mean_squared_error,
        r2_score,
        root_mean_squared_error,
    )

    def adjusted_r2(y_true, y_pred, n_features):
        n = len(y_true)
        return 1.0 - (1.0 - r2_score(y_true, y_pred)) * (n - 1) / (n - n_features - 1)

    return {
        "mse": mean_squared_error,
        "rmse": root_mean_squared_error,
        "mae": mean_absolute_error,
        "r2": r2_score,
        "adjusted_r2": adjusted_r2,
    }


def _score(learner, n, rng):
    y_true = 5.0 + 2.0 * rng.normal(size=n)
    y_pred = y_true + rng.normal(size=n)
    return float(learner.r2(y_true, y_pred))


checks.baseline(
    _library,
    score=_score,
    note="scikit-learn's mean_squared_error, root_mean_squared_error, mean_absolute_error and "
    "r2_score; adjusted_r2 is the formula on r2_score (scikit-learn has none)",
)
