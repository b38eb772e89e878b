"""Lab: Gaussian mixtures and EM. See README.md for the math, the conventions and the tasks."""

import numpy as np  # noqa: F401


class GaussianMixture:
    """Gaussian mixture model with full covariance matrices, fitted by expectation-maximisation.

    Parameters
    ----------
    n_components : int, number of mixture components K.
    max_iter : int >= 1, the largest number of EM iterations (one E-step + one M-step each).
    tol : float, stop after the first iteration whose change of the lower bound (the mean
        log-likelihood per sample) is smaller than tol in absolute value.
    means_init : array of shape (K, d) or None. The starting means; the starting weights and
        covariances follow from them as the README describes. None: a random start drawn from
        random_state.
    random_state : int or None, seeds the random start (unused when means_init is given).

    Attributes after fit
    --------------------
    weights_ : (K,) float, the mixing proportions pi_k (they add up to 1).
    means_ : (K, d) float.
    covariances_ : (K, d, d) float, each including reg_covar = 1e-6 on its diagonal.
    converged_ : bool.
    n_iter_ : int, EM iterations run.
    lower_bound_ : float, the mean log-likelihood per sample computed in the last E-step.
    """

    def __init__(self, n_components=1, max_iter=100, tol=1e-3, means_init=None, random_state=None):
        raise NotImplementedError

    def fit(self, X, y=None):
        """Fit the mixture to X of shape (n, d) with EM; returns self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Responsibilities: array (m, K), entry [i, k] = P(component k | X[i])."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of int: the component with the largest responsibility for each row."""
        raise NotImplementedError

    def score_samples(self, X):
        """Array (m,): log p(X[i]) under the fitted mixture."""
        raise NotImplementedError

    def score(self, X, y=None):
        """Float: the mean of score_samples(X)."""
        raise NotImplementedError
