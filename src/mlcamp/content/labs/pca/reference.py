"""Reference solution: principal component analysis through the SVD of the centred data."""

import numpy as np


class PCA:
    """Principal component analysis: project data onto its directions of largest variance."""

    def __init__(self, n_components=None):
        self.n_components = n_components

    def fit(self, X):
        """Learn mean_, components_, explained_variance_ and explained_variance_ratio_."""
        X = np.asarray(X, dtype=float)
        n, d = X.shape
        k = min(n, d) if self.n_components is None else int(self.n_components)
        if not 1 <= k <= min(n, d):
            raise ValueError(f"n_components must be between 1 and {min(n, d)}, got {k}")
        # Centre every feature: PCA describes the spread around the mean, not around 0.
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        # Thin SVD Xc = U S Vt: the rows of Vt are the principal directions, S is decreasing.
        _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
        # Variance along direction j is S_j^2 / (n - 1), the sample variance of the scores.
        variances = S**2 / (n - 1)
        self.components_ = Vt[:k]
        self.explained_variance_ = variances[:k]
        # The denominator is the total variance: all directions, kept or not.
        self.explained_variance_ratio_ = variances[:k] / variances.sum()
        return self

    def transform(self, X):
        """Coordinates of the rows of X along the components (scores), shape (m, k)."""
        # Centre with the TRAINING mean, then project on each component (one per row).
        return (np.asarray(X, dtype=float) - self.mean_) @ self.components_.T

    def fit_transform(self, X):
        """Fit on X, then return the scores of X."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z):
        """Map scores back to the original space: Z @ components_ + mean_, shape (m, d)."""
        return np.asarray(Z, dtype=float) @ self.components_ + self.mean_
