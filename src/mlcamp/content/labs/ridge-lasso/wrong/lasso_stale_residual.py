"""Wrong: coordinate descent computes every update of a sweep from the same, stale residual."""

import numpy as np


def _centre(X, y, fit_intercept):
    """Centred copies of X and y and the means (zeros when there is no intercept)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean = X.mean(axis=0)
    y_mean = float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


class Ridge:
    """Minimise ||y - X w - b||^2 + alpha ||w||^2 (the intercept b is not penalised)."""

    def __init__(self, alpha=1.0, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        Xc, yc, x_mean, y_mean = _centre(X, y, self.fit_intercept)
        d = Xc.shape[1]
        gram = Xc.T @ Xc
        gram[np.diag_indices(d)] += self.alpha
        self.coef_ = np.linalg.solve(gram, Xc.T @ yc)
        self.intercept_ = float(y_mean - x_mean @ self.coef_)
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_


def _duality_gap(Xc, yc, w, r, alpha):
    """Primal minus dual objective of the lasso (1/(2n) scaling): >= P(w) - P(w*) >= 0."""
    n = len(yc)
    correlation = np.max(np.abs(Xc.T @ r)) / n if Xc.shape[1] else 0.0
    scale = 1.0 if correlation <= alpha else alpha / correlation
    primal = (r @ r) / (2 * n) + alpha * np.sum(np.abs(w))
    dual = (scale * (r @ yc) - 0.5 * scale**2 * (r @ r)) / n
    return primal - dual


class Lasso:
    """Minimise (1/(2n)) ||y - X w - b||^2 + alpha ||w||_1 by cyclic coordinate descent."""

    def __init__(self, alpha=1.0, fit_intercept=True, max_iter=1000, tol=1e-4):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        Xc, yc, x_mean, y_mean = _centre(X, y, self.fit_intercept)
        n, d = Xc.shape
        Xc = np.asfortranarray(Xc)
        z = np.einsum("ij,ij->j", Xc, Xc)
        threshold = n * self.alpha
        gap_tol = self.tol * (yc @ yc) / n
        w = np.zeros(d)
        r = yc.copy()
        n_iter = 0
        while n_iter < self.max_iter and _duality_gap(Xc, yc, w, r, self.alpha) > gap_tol:
            n_iter += 1
            r_sweep = r.copy()
            for j in range(d):
                if z[j] == 0.0:
                    continue
                column = Xc[:, j]
                rho = column @ r_sweep + z[j] * w[j]
                new = np.sign(rho) * max(abs(rho) - threshold, 0.0) / z[j]
                if new != w[j]:
                    r -= (new - w[j]) * column
                    w[j] = new
        self.coef_ = w
        self.intercept_ = float(y_mean - x_mean @ w)
        self.n_iter_ = n_iter
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_
