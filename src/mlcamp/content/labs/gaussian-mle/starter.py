"""Lab: fitting a Gaussian by maximum likelihood. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


def fit_gaussian(X):
    """Maximum-likelihood estimates of the mean and covariance of the rows of X.

    Parameters
    ----------
    X : array-like of shape (n, d), float or integer, n >= 1

    Returns
    -------
    mean : ndarray of shape (d,), float
    cov : ndarray of shape (d, d), float
        The average of (x - mean)(x - mean)^T over the rows: divided by n (ddof=0), not n - 1.
    """
    raise NotImplementedError


def mvn_logpdf(X, mean, cov):
    """The log of the multivariate normal density N(mean, cov) at every row of X.

    Parameters
    ----------
    X : array-like of shape (n, d)
    mean : array-like of shape (d,)
    cov : array-like of shape (d, d), symmetric positive definite

    Returns
    -------
    logpdf : ndarray of shape (n,), float
        Computed through the Cholesky factor L of cov (cov = L @ L.T); numpy.linalg.inv,
        pinv, det and slogdet are not allowed.
    """
    raise NotImplementedError
