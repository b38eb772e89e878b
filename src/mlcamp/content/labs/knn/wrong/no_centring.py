"""Wrong: the distance expansion is used without centring (digits lost far from the origin)."""

import numpy as np

BLOCK = 2_000_000
"""Largest number of query-to-training distances held at once (16 MB of float64)."""


def _nearest(X_train, X_query, k):
    """Indices (m, k) of the k nearest training points of each query row.

    A training point strictly closer than the k-th distance is always in; among points exactly
    at the k-th distance, those with the smaller training index are taken first.
    """
    n = len(X_train)
    if not 1 <= k <= n:
        raise ValueError(f"n_neighbors={k} must be between 1 and the {n} training samples")
    B = X_train
    A = X_query
    b_norms = np.einsum("ij,ij->i", B, B)
    rows = max(1, BLOCK // n)
    neighbours = np.empty((len(A), k), dtype=np.intp)
    for start in range(0, len(A), rows):
        a = A[start : start + rows]
        # ||a - b||^2 = ||a||^2 - 2 a.b + ||b||^2 for one block of queries, updated in place.
        D = a @ B.T
        D *= -2.0
        D += b_norms
        D += np.einsum("ij,ij->i", a, a)[:, None]
        neighbours[start : start + rows] = _k_smallest(D, k)
    return neighbours


def _k_smallest(D, k):
    """Column indices of the k smallest entries of each row of D (ties: smaller index first)."""
    if k == D.shape[1]:
        return np.broadcast_to(np.arange(k), D.shape).copy()
    # argpartition finds k smallest entries in linear time, but it breaks ties arbitrarily.
    idx = np.argpartition(D, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(D, idx, axis=1).max(axis=1, keepdims=True)
    # A row is ambiguous when more entries share the k-th distance than were taken.
    at_kth = np.count_nonzero(kth == D, axis=1)
    taken_at_kth = np.count_nonzero(np.take_along_axis(D, idx, axis=1) == kth, axis=1)
    for r in np.flatnonzero(at_kth > taken_at_kth):
        # A stable sort orders equal distances by index: the smaller training index wins.
        idx[r] = np.argsort(D[r], kind="stable")[:k]
    return idx


class KNeighborsClassifier:
    """Majority vote of the k nearest training points (Euclidean distance)."""

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        self._X = np.asarray(X, dtype=float)
        # Sorted distinct labels; each sample is stored as its position in classes_.
        self.classes_, self._codes = np.unique(np.asarray(y), return_inverse=True)
        return self

    def predict_proba(self, X):
        nearest = _nearest(self._X, np.asarray(X, dtype=float), self.n_neighbors)
        codes = self._codes[nearest]
        # Votes per class: count the neighbours' class codes row by row, with one bincount
        # over (row * n_classes + code).
        c = len(self.classes_)
        flat = codes + c * np.arange(len(codes))[:, None]
        votes = np.bincount(flat.ravel(), minlength=c * len(codes)).reshape(len(codes), c)
        return votes / self.n_neighbors

    def predict(self, X):
        # argmax returns the first maximum: a tied vote goes to the smallest label.
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class KNeighborsRegressor:
    """Mean target of the k nearest training points (Euclidean distance)."""

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        self._X = np.asarray(X, dtype=float)
        self._y = np.asarray(y, dtype=float)
        return self

    def predict(self, X):
        nearest = _nearest(self._X, np.asarray(X, dtype=float), self.n_neighbors)
        # Unweighted mean of the neighbours' targets.
        return self._y[nearest].mean(axis=1)
