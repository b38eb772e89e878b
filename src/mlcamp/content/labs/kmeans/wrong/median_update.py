"""Wrong: the update step moves each centre to the median of its points, not the mean."""

import numpy as np


def _sq_dists(X, centres):
    """Squared distances from every row of X to every centre, by the expansion trick."""
    x_norms = np.einsum("ij,ij->i", X, X)[:, None]
    c_norms = np.einsum("ij,ij->i", centres, centres)[None, :]
    # ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, all pairs with one matrix product.
    D = x_norms - 2.0 * (X @ centres.T) + c_norms
    # Rounding can leave tiny negatives where a point sits on a centre.
    return np.maximum(D, 0.0)


def _nearest(X, centres):
    """Index of the nearest centre for each row (np.argmin keeps the lowest index on ties)."""
    return np.argmin(_sq_dists(X, centres), axis=1)


class KMeans:
    """k-means clustering with Lloyd's algorithm."""

    def __init__(self, n_clusters=8, init="k-means++", max_iter=300, tol=1e-4, random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _kmeans_plus_plus(self, X):
        """k-means++ seeding: each new centre drawn with probability proportional to D(x)^2."""
        rng = np.random.default_rng(self.random_state)
        n = X.shape[0]
        # The first centre is a data point chosen uniformly at random.
        chosen = [int(rng.integers(n))]
        # D(x)^2: squared distance from each point to its nearest chosen centre so far.
        closest = np.sum((X - X[chosen[0]]) ** 2, axis=1)
        for _ in range(1, self.n_clusters):
            total = closest.sum()
            # Sample proportionally to D(x)^2 (uniformly if every point already sits on a centre).
            p = closest / total if total > 0 else None
            index = int(rng.choice(n, p=p))
            chosen.append(index)
            closest = np.minimum(closest, np.sum((X - X[index]) ** 2, axis=1))
        return X[chosen].copy()

    def fit(self, X):
        """Run Lloyd's algorithm on X (n, d); returns self."""
        X = np.asarray(X, dtype=float)
        k, d = self.n_clusters, X.shape[1]
        # Work on data centred at its mean: distances are unchanged, the expansion stays accurate.
        shift = X.mean(axis=0)
        Xc = X - shift
        if isinstance(self.init, str):
            if self.init != "k-means++":
                raise ValueError(f"init must be 'k-means++' or an array, got {self.init!r}")
            centres = self._kmeans_plus_plus(Xc)
        else:
            centres = np.array(self.init, dtype=float) - shift
            if centres.shape != (k, d):
                raise ValueError(f"init must have shape {(k, d)}, got {centres.shape}")
        # Convergence threshold: tol times the mean of the per-feature variances of X.
        threshold = self.tol * np.var(X, axis=0).mean()
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            # Assignment step: each point goes to its nearest centre.
            labels = _nearest(Xc, centres)
            # Update step: each centre moves to the mean of its points (an empty one stays put).
            new = centres.copy()
            for j in range(k):
                if np.any(labels == j):
                    new[j] = np.median(Xc[labels == j], axis=0)
            # Stop when the total squared movement of the centres is within the threshold.
            moved = np.sum((new - centres) ** 2)
            centres = new
            if moved <= threshold:
                break
        # Final labels and inertia belong to the final centres.
        labels = _nearest(Xc, centres)
        self.labels_ = labels
        self.inertia_ = float(np.sum((Xc - centres[labels]) ** 2))
        self.cluster_centers_ = centres + shift
        self.n_iter_ = n_iter
        return self

    def predict(self, X):
        """Index of the nearest centre of cluster_centers_ for each row of X."""
        X = np.asarray(X, dtype=float)
        # Shift both sets by the same vector (the mean of the centres) for accuracy.
        shift = self.cluster_centers_.mean(axis=0)
        return _nearest(X - shift, self.cluster_centers_ - shift)
