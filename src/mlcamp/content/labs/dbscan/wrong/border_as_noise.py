"""Wrong: only core points get a cluster label; border points are left as noise."""

import numpy as np

BLOCK = 2_000_000
"""Largest number of pairwise distances held at once (16 MB of float64)."""


def _neighbourhoods(X, eps):
    """All pairs (i, j) with ||x_i - x_j|| <= eps, as CSR arrays: the neighbours of point i are
    indices[indptr[i]:indptr[i + 1]] (i itself included)."""
    n = len(X)
    # Centring keeps the expansion below accurate far from the origin; distances do not change.
    X = X - X.mean(axis=0)
    norms = np.einsum("ij,ij->i", X, X)
    rows = max(1, BLOCK // max(n, 1))
    counts = np.empty(n, dtype=np.intp)
    parts = []
    for start in range(0, n, rows):
        block = X[start : start + rows]
        # Squared distances ||a||^2 - 2 a.b + ||b||^2 for a block of rows, compared with eps^2.
        D = block @ X.T
        D *= -2.0
        D += norms
        D += norms[start : start + rows, None]
        # Flat positions of the pairs within eps, split into (row in block, column).
        block_rows, columns = np.divmod(np.flatnonzero(eps * eps >= D), n)
        counts[start : start + rows] = np.bincount(block_rows, minlength=len(block))
        parts.append(columns)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    indices = np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)
    return indptr, indices


def _gather(indptr, indices, points):
    """The neighbours of every point in `points`, concatenated (with repeats)."""
    starts = indptr[points]
    lengths = indptr[points + 1] - starts
    # Position k of the output reads indices[starts[p] + (k - offset of p)].
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return indices[offsets + np.arange(lengths.sum())]


class DBSCAN:
    """Density-based clustering: clusters are grown from core points; the rest is noise (-1)."""

    def __init__(self, eps=0.5, min_samples=5):
        self.eps = eps
        self.min_samples = min_samples

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        n = len(X)
        indptr, indices = _neighbourhoods(X, self.eps)
        # A core point has at least min_samples points within eps, itself included.
        core = np.diff(indptr) >= self.min_samples
        labels = np.full(n, -1, dtype=np.intp)
        cluster = 0
        for seed in np.flatnonzero(core):
            if labels[seed] != -1:
                continue
            # Breadth-first search from an unlabelled core point: every point within eps of a
            # core point of the cluster joins it; only core points pass the search on.
            labels[seed] = cluster
            frontier = np.array([seed])
            while frontier.size:
                reached = np.unique(_gather(indptr, indices, frontier))
                reached = reached[labels[reached] == -1]
                labels[reached] = cluster
                frontier = reached[core[reached]]
            cluster += 1
        self.labels_ = np.where(core, labels, -1)
        self.core_sample_indices_ = np.flatnonzero(core)
        return self

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_
