"""Lab: principal component analysis. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


class PCA:
    """Principal component analysis.

    Parameters
    ----------
    n_components : int or None, default None
        How many components to keep, k. None keeps min(n, d) of them.

    Attributes (set by fit)
    -----------------------
    mean_ : ndarray of shape (d,)
        The mean of each feature of the training data.
    components_ : ndarray of shape (k, d)
        The principal directions, one unit vector per ROW, orthogonal to each other, sorted by
        decreasing variance. Each row may be multiplied by -1.
    explained_variance_ : ndarray of shape (k,)
        The sample variance (ddof=1) of the training data along each component.
    explained_variance_ratio_ : ndarray of shape (k,)
        explained_variance_ divided by the total variance of the data (all directions).
    """

    def __init__(self, n_components=None):
        self.n_components = n_components

    def fit(self, X):
        """Learn the attributes above from X of shape (n, d); return self."""
        raise NotImplementedError

    def transform(self, X):
        """Scores of the rows of X (shape (m, d)) along the components: shape (m, k)."""
        raise NotImplementedError

    def fit_transform(self, X):
        """Fit on X, then return the scores of X: shape (n, k)."""
        raise NotImplementedError

    def inverse_transform(self, Z):
        """Points in the original space for scores Z (shape (m, k)): shape (m, d)."""
        raise NotImplementedError
