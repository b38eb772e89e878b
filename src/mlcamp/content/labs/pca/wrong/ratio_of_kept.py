"""Wrong: explained_variance_ratio_ is divided by the variance of the kept components only."""

import numpy as np


class PCA:
    def __init__(self, n_components=None):
        self.n_components = n_components

    def fit(self, X):
        X = np.asarray(X, dtype=float)
        n, d = X.shape
        k = min(n, d) if self.n_components is None else self.n_components
        self.mean_ = X.mean(axis=0)
        _, S, Vt = np.linalg.svd(X - self.mean_, full_matrices=False)
        variances = S[:k] ** 2 / (n - 1)
        self.components_ = Vt[:k]
        self.explained_variance_ = variances
        self.explained_variance_ratio_ = variances / variances.sum()
        return self

    def transform(self, X):
        return (np.asarray(X, dtype=float) - self.mean_) @ self.components_.T

    def fit_transform(self, X):
        return self.fit(X).transform(X)

    def inverse_transform(self, Z):
        return np.asarray(Z, dtype=float) @ self.components_ + self.mean_
