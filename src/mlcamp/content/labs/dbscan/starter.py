"""Lab: DBSCAN density-based clustering. See README.md for the definitions and the tasks."""

import numpy as np  # noqa: F401


class DBSCAN:
    """Density-based clustering: dense regions become clusters, isolated points are noise.

    Parameters
    ----------
    eps : float, default 0.5
        Radius of a neighbourhood: points at (Euclidean) distance <= eps are neighbours.
    min_samples : int, default 5
        A point is a core point when at least min_samples points (itself included) lie
        within eps of it.

    Attributes (set by fit)
    -----------------------
    labels_ : ndarray of shape (n,), int
        Cluster of each point, 0 .. K-1; noise is -1.
    core_sample_indices_ : ndarray of shape (n_core,), int
        Indices of the core points, sorted ascending.
    """

    def __init__(self, eps=0.5, min_samples=5):
        self.eps = eps
        self.min_samples = min_samples

    def fit(self, X, y=None):
        """Cluster the rows of X (n, d); set labels_ and core_sample_indices_; return self."""
        raise NotImplementedError

    def fit_predict(self, X, y=None):
        """Fit on X and return labels_."""
        raise NotImplementedError
