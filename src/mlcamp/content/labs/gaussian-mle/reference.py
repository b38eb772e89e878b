"""Reference solution: Gaussian maximum likelihood, and the log-density through Cholesky."""

import numpy as np


def fit_gaussian(X):
    """Maximum-likelihood mean and covariance (divided by n, not n - 1) of the rows of X."""
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    # The mean of each column.
    mean = X.mean(axis=0)
    # Centre first, then average the outer products: accurate even far from the origin.
    centred = X - mean
    cov = centred.T @ centred / n
    return mean, cov


def mvn_logpdf(X, mean, cov):
    """Log-density of N(mean, cov) at every row of X, computed through cov = L L^T."""
    X = np.asarray(X, dtype=float)
    mean = np.asarray(mean, dtype=float)
    d = mean.shape[0]
    # The lower-triangular Cholesky factor: cov = L @ L.T.
    L = np.linalg.cholesky(np.asarray(cov, dtype=float))
    # z = L^{-1} (x - mean) for every row at once; then (x - mean)' cov^{-1} (x - mean) = |z|^2.
    Z = np.linalg.solve(L, (X - mean).T)
    mahalanobis = np.einsum("ij,ij->j", Z, Z)
    # det(cov) = det(L)^2 = (product of L's diagonal)^2, so log det = 2 * sum of log diagonal.
    log_det = 2.0 * np.sum(np.log(np.diag(L)))
    # Everything stays in log space: no exp, so no underflow far from the mean.
    return -0.5 * (d * np.log(2.0 * np.pi) + log_det + mahalanobis)
