"""Checks for gaussian-mle.

Oracles: scikit-learn's `EmpiricalCovariance` (the maximum-likelihood mean and covariance, which
divides by n) for `fit_gaussian`; SciPy's `multivariate_normal.logpdf` (which goes through an
eigendecomposition, not a Cholesky factor) for `mvn_logpdf`; and one exact identity: at the
maximum-likelihood estimates the average Mahalanobis distance of the data is exactly d.
The usual mistakes are recomputed here from the oracle's pieces (log-determinant, Mahalanobis
distances, the transposed solve) so failure messages can name them.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import CheckFailure, describe, expect_array, expect_shape_and_dtype

checks = LabChecks()

MEAN_RTOL = 1e-12
"""mean: |got - want| <= MEAN_RTOL * |want| + FIT_ATOL * s, s = the data's spread."""

FIT_ATOL = 1e-9
"""cov: |got - want| <= FIT_ATOL * (|want| + s^2), s^2 = the largest variance of the data."""

LOGPDF_RTOL = 1e-9
"""logpdf: |got - want| <= LOGPDF_RTOL * (|want| + d)."""


# -- data -----------------------------------------------------------------------------------------


def _rng(seed):
    return np.random.default_rng(seed)


def _spd(seed, d, condition, smallest=0.3):
    """A symmetric positive definite matrix, eigenvalues from `smallest` to smallest * condition.

    (The eigenvalues are not symmetric around 1, so log det(cov) is not 0 and mistakes in the
    log-determinant show.)"""
    rng = _rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    values = smallest * np.geomspace(1.0, condition, d)
    C = Q @ np.diag(values) @ Q.T
    return (C + C.T) / 2


def _sample(seed, n, mean, cov):
    """n points from N(mean, cov), drawn through the eigendecomposition (no Cholesky here)."""
    values, vectors = np.linalg.eigh(cov)
    Z = _rng(seed).normal(size=(n, len(mean)))
    return mean + (Z * np.sqrt(np.maximum(values, 0.0))) @ vectors.T


# -- the oracle -----------------------------------------------------------------------------------


def _fit(X):
    from sklearn.covariance import EmpiricalCovariance

    model = EmpiricalCovariance(assume_centered=False, store_precision=False).fit(X)
    return {"mean": np.asarray(model.location_, float), "cov": np.asarray(model.covariance_, float)}


def _logpdf_parts(X, mean, cov):
    """SciPy's log-density, plus the pieces the usual mistakes are made of."""
    from scipy.linalg import cholesky, solve_triangular
    from scipy.stats import multivariate_normal

    X = np.asarray(X, dtype=float)
    want = np.atleast_1d(multivariate_normal.logpdf(X, mean, cov)).reshape(len(X))
    d = len(mean)
    L = cholesky(cov, lower=True)
    dev = (X - mean).T
    transposed = np.sum(solve_triangular(L.T, dev, lower=False) ** 2, axis=0)
    maha = np.sum(solve_triangular(L, dev, lower=True) ** 2, axis=0)
    log_det = 2.0 * np.sum(np.log(np.diag(L)))
    return {
        "want": want,
        "maha": maha,
        "transposed": -0.5 * (d * np.log(2 * np.pi) + log_det + transposed),
        "log_det": float(log_det),
    }


def _mistakes(parts, d):
    """Results of the usual mistakes, each with what it means."""
    want, maha, log_det = parts["want"], parts["maha"], parts["log_det"]
    return [
        (
            want + 0.5 * d * np.log(2 * np.pi),
            "the constant -d/2 log(2 pi) is missing (it is needed for a density, and it depends "
            "on d)",
        ),
        (
            want + 0.25 * log_det,
            "looks like log det(cov) = sum of log(diag(L)); since cov = L L^T, det(cov) = "
            "(prod of diag(L))^2 and log det(cov) = 2 * sum of log(diag(L))",
        ),
        (
            parts["transposed"],
            "looks like the solve used L^T instead of L: with cov = L L^T, the Mahalanobis "
            "distance is |z|^2 for z solving L z = x - mean",
        ),
        (want - 0.5 * log_det, "the log-determinant term has the wrong sign"),
        (want - 0.5 * maha, "the Mahalanobis term is missing its factor 1/2"),
        (want + 0.5 * log_det, "the log-determinant term -1/2 log det(cov) is missing"),
    ]


# -- comparisons ----------------------------------------------------------------------------------


def _unpack(got, name, d):
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise CheckFailure(f"{name}: expected a pair (mean, cov), got {describe(got)}")
    mean, cov = got
    if isinstance(cov, np.ndarray) and cov.shape == () and d == 1:
        raise CheckFailure(
            f"{name}: cov must be an array of shape (1, 1) when d = 1, got a 0-d array; "
            "np.cov returns a plain number for a single variable: compute "
            "Xc.T @ Xc / n yourself, or wrap the result with np.atleast_2d"
        )
    return mean, cov


def _expect_fit(learner, oracle, key, X, *, what):
    name = f"fit_gaussian(X) for {what}"
    want = oracle(key, lambda: _fit(X))
    mean, cov = _unpack(learner.fit_gaussian(X), name, X.shape[1])
    spread2 = max(float(np.max(np.diag(want["cov"]))), 1e-300)
    expect_array(
        mean,
        want["mean"],
        name=f"mean from {name}",
        rtol=MEAN_RTOL,
        atol=FIT_ATOL * np.sqrt(spread2),
    )
    atol = FIT_ATOL * spread2
    try:
        expect_array(cov, want["cov"], name=f"cov from {name}", rtol=FIT_ATOL, atol=atol)
    except CheckFailure as failure:
        n = len(X)
        hint = ""
        if isinstance(cov, np.ndarray) and cov.shape == want["cov"].shape and n > 1:
            if np.allclose(cov, want["cov"] * n / (n - 1), rtol=1e-9, atol=atol):
                hint = (
                    "; every entry is n / (n - 1) times too large: that is ddof=1, the "
                    "unbiased estimate (np.cov's default); the maximum-likelihood estimate "
                    "divides by n (ddof=0)"
                )
            elif np.all(np.isfinite(cov)) and not np.allclose(cov, cov.T, rtol=0, atol=atol):
                hint = "; cov is not symmetric"
            else:
                hint = (
                    "; far from the origin, E[x x^T] - mean mean^T subtracts two huge "
                    "numbers: centre the data first, then average (x - mean)(x - mean)^T"
                    if np.max(np.abs(want["mean"])) > 1e3 * np.sqrt(spread2)
                    else ""
                )
        raise CheckFailure(f"{failure}{hint}") from None


def _expect_logpdf(learner, oracle, key, X, mean, cov, *, what):
    name = f"mvn_logpdf(X, mean, cov) for {what}"
    parts = oracle(key, lambda: _logpdf_parts(X, mean, cov))
    want = parts["want"]
    got = learner.mvn_logpdf(X, mean, cov)
    if isinstance(got, np.ndarray) and got.shape == (len(X), 1):
        raise CheckFailure(
            f"{name}: expected shape {want.shape} (one number per row of X), got {got.shape}"
        )
    d = len(mean)
    try:
        expect_array(got, want, name=name, rtol=LOGPDF_RTOL, atol=LOGPDF_RTOL * d)
    except CheckFailure as failure:
        hint = ""
        if isinstance(got, np.ndarray) and got.shape == want.shape and got.dtype.kind == "f":
            if np.any(np.isinf(got) & np.isfinite(want)):
                hint = (
                    "; the density itself underflows to 0 far from the mean (exp(-0.5 * "
                    f"{np.max(parts['maha']):.3g})): never compute it, stay in log space"
                )
            for candidate, meaning in _mistakes(parts, d):
                close = np.abs(got - candidate) <= 1e-6 * (np.abs(candidate) + d)
                if not hint and np.all(close):
                    hint = f"; {meaning}"
        raise CheckFailure(f"{failure}{hint}") from None
    return got


# -- task 1: maximum likelihood -------------------------------------------------------------------

MEAN3 = np.array([5.0, -3.0, 100.0])


@checks.test(task=1, name="200 correlated points in 3-d, offset mean: divide by n")
def fit_basic(learner, oracle):
    X = _sample(1, 200, MEAN3, _spd(2, 3, 20.0))
    _expect_fit(learner, oracle, "fit-basic", X, what="200 points in 3-d (mean 5, -3, 100)")


@checks.test(task=1, name="a few points (n = 6): the n vs n - 1 difference is 20%")
def fit_small(learner, oracle):
    X = _sample(3, 6, MEAN3, _spd(4, 3, 5.0))
    _expect_fit(learner, oracle, "fit-small", X, what="6 points in 3-d")


@checks.test(task=1, name="far from the origin: mean 1e6, spread 1")
def fit_offset(learner, oracle):
    X = _sample(5, 500, np.full(4, 1e6) + np.arange(4.0), _spd(6, 4, 10.0))
    _expect_fit(learner, oracle, "fit-offset", X, what="500 points near (1e6, ..., 1e6)")


@checks.test(task=1, name="d = 1, n < d, a single row, integer X")
def fit_edges(learner, oracle):
    X1 = _sample(7, 50, np.array([2.5]), np.array([[4.0]]))
    _expect_fit(learner, oracle, "fit-d1", X1, what="X of shape (50, 1)")
    wide = _sample(8, 5, np.zeros(8), _spd(9, 8, 10.0))
    _expect_fit(learner, oracle, "fit-wide", wide, what="5 points in 8-d (a singular cov)")
    _expect_fit(learner, oracle, "fit-one", wide[:1], what="a single row (cov is all zeros)")
    ints = _rng(10).integers(-20, 20, size=(30, 3))
    _expect_fit(learner, oracle, "fit-int", ints, what="integer X (30, 3)")


# -- task 2: the log-density ----------------------------------------------------------------------


@checks.test(task=2, name="3-d correlated Gaussian, 50 points")
def logpdf_basic(learner, oracle):
    cov = _spd(11, 3, 20.0)
    X = _sample(12, 50, MEAN3, cov * 2.0)
    _expect_logpdf(learner, oracle, "pdf-basic", X, MEAN3, cov, what="50 points, 3-d")


@checks.test(task=2, name="d = 1 and a single row of X")
def logpdf_edges(learner, oracle):
    X = _sample(13, 20, np.array([-1.5]), np.array([[0.25]]))
    what = "X (20, 1), mean [-1.5], cov [[0.25]]"
    _expect_logpdf(learner, oracle, "pdf-d1", X, np.array([-1.5]), np.array([[0.25]]), what=what)
    cov = _spd(14, 4, 10.0)
    mean = np.array([1.0, 2.0, 3.0, 4.0])
    X = _sample(15, 1, mean, cov)
    _expect_logpdf(learner, oracle, "pdf-row", X, mean, cov, what="a single row X (1, 4)")


@checks.test(task=2, name="ill-conditioned covariance (condition number 1e6)")
def logpdf_ill(learner, oracle):
    cov = _spd(16, 5, 1e6, smallest=1e-4)
    mean = np.linspace(-2.0, 2.0, 5)
    X = _sample(17, 40, mean, cov)
    what = "40 points, 5-d, eigenvalues of cov from 1e-4 to 1e2"
    _expect_logpdf(learner, oracle, "pdf-ill", X, mean, cov, what=what)


@checks.test(task=2, name="large d (d = 150)")
def logpdf_large(learner, oracle):
    d = 150
    A = _rng(18).normal(size=(d, d))
    cov = A @ A.T / d + 0.5 * np.eye(d)
    mean = _rng(19).normal(size=d)
    X = _sample(20, 30, mean, cov)
    _expect_logpdf(learner, oracle, "pdf-large", X, mean, cov, what="30 points, d = 150")


@checks.test(task=2, name="points 1000 spreads from the mean: no underflow to -inf")
def logpdf_far(learner, oracle):
    cov = _spd(21, 4, 100.0)
    mean = np.array([10.0, -10.0, 0.0, 3.0])
    near = _sample(22, 10, mean, cov)
    far = mean + (near - mean) * 1e3
    X = np.vstack([mean, near, far])
    what = "the mean itself, 10 points near it and 10 points 1000 spreads away"
    _expect_logpdf(learner, oracle, "pdf-far", X, mean, cov, what=what)


# -- task 3: maximum likelihood and the density together ------------------------------------------


def _loglik_at_mle(fitted, n, d):
    """-n/2 (d (1 + log 2 pi) + log det cov): the total log-likelihood at the MLE."""
    _, log_det = np.linalg.slogdet(fitted["cov"])
    return float(-0.5 * n * (d * (1.0 + np.log(2 * np.pi)) + log_det))


def _expect_total(got, want, *, name):
    total = float(np.sum(got))
    if abs(total - want) > 1e-9 * abs(want):
        raise CheckFailure(
            f"{name}: the sum over the data is {total:.12g}, expected {want:.12g} (at the "
            "maximum-likelihood estimates the squared Mahalanobis distances average exactly d)"
        )


@checks.test(task=3, name="at the MLE, the total log-density is -n/2 (d (1 + log 2 pi) + log det)")
def likelihood_at_mle(learner, oracle):
    X = _sample(23, 80, MEAN3, _spd(24, 3, 50.0))
    fitted = oracle("mle-fit", lambda: _fit(X))
    want = oracle("mle-loglik", lambda: _loglik_at_mle(fitted, *X.shape))
    what = "80 points in 3-d at their maximum-likelihood mean and cov"
    got = _expect_logpdf(learner, oracle, "mle-pdf", X, fitted["mean"], fitted["cov"], what=what)
    _expect_total(got, want, name=f"mvn_logpdf(X, mean, cov) for {what}")


@checks.test(task=3, name="your fit, then your log-density: the same identity")
def fit_then_logpdf(learner, oracle):
    X = _sample(25, 120, np.array([0.5, 40.0]), _spd(26, 2, 8.0))
    _expect_fit(learner, oracle, "chain-fit", X, what="120 points in 2-d")
    mean, cov = _unpack(learner.fit_gaussian(X), "fit_gaussian(X)", 2)
    name = "mvn_logpdf(X, *fit_gaussian(X)) for 120 points in 2-d"
    got = expect_shape_and_dtype(learner.mvn_logpdf(X, mean, cov), np.zeros(len(X)), name=name)
    fitted = oracle("chain-fit", lambda: _fit(X))
    _expect_total(got, _loglik_at_mle(fitted, *X.shape), name=name)


# -- performance ----------------------------------------------------------------------------------

PERF_D = 10


def _perf_params():
    rng = np.random.default_rng(99)
    A = rng.normal(size=(PERF_D, PERF_D))
    return rng.normal(size=PERF_D), A @ A.T + PERF_D * np.eye(PERF_D)


@checks.performance(sizes=[2000, 4000, 8000, 16000, 32000])
def speed(learner, n, rng):
    mean, cov = _perf_params()
    learner.mvn_logpdf(rng.normal(size=(n, PERF_D)) + mean, mean, cov)


def _library():
    from scipy.stats import multivariate_normal

    return {"mvn_logpdf": lambda X, mean, cov: multivariate_normal.logpdf(X, mean, cov)}


def _score(learner, n, rng):
    mean, cov = _perf_params()
    return float(np.mean(learner.mvn_logpdf(rng.normal(size=(n, PERF_D)) + mean, mean, cov)))


checks.baseline(_library, score=_score, note="scipy.stats.multivariate_normal.logpdf (eigh)")
