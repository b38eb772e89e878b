"""Lab: k-means clustering. See README.md for the math, the conventions and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


class KMeans:
    """k-means clustering with Lloyd's algorithm.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters k.
    init : "k-means++" or array-like of shape (n_clusters, n_features), default="k-means++"
        How to choose the initial centres: k-means++ seeding, or these centres in this order.
    max_iter : int, default=300
        The largest number of rounds (one round = assignment step + update step).
    tol : float, default=1e-4
        Stop after the first round in which the sum of squared centre movements is
        <= tol * (mean of the per-feature variances of X).
    random_state : int or None, default=None
        Seed for k-means++ (the same int must give the same result).

    Attributes (set by fit)
    -----------------------
    cluster_centers_ : ndarray of shape (n_clusters, n_features), float
    labels_ : ndarray of shape (n_samples,), int, the index of each point's nearest final centre
    inertia_ : float, sum of squared distances of the points to their final centres
    n_iter_ : int, the number of rounds run
    """

    def __init__(self, n_clusters=8, init="k-means++", max_iter=300, tol=1e-4, random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, X):
        """Cluster X, an array of shape (n_samples, n_features). Returns self."""
        raise NotImplementedError

    def predict(self, X):
        """The index of the nearest centre in cluster_centers_ for each row of X (ints, (n,))."""
        raise NotImplementedError
