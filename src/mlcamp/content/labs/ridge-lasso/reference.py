"""Reference solution: ridge regression in closed form, the lasso by cyclic coordinate descent."""

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
        # The optimal b makes the residuals sum to zero, so centring removes b from the problem.
        Xc, yc, x_mean, y_mean = _centre(X, y, self.fit_intercept)
        d = Xc.shape[1]
        # Normal equations of the penalised problem: (Xc^T Xc + alpha I) w = Xc^T yc.
        gram = Xc.T @ Xc
        gram[np.diag_indices(d)] += self.alpha
        self.coef_ = np.linalg.solve(gram, Xc.T @ yc)
        # The intercept puts the fitted plane through the mean point.
        self.intercept_ = float(y_mean - x_mean @ self.coef_)
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_


def _duality_gap(Xc, yc, w, r, alpha):
    """Primal minus dual objective of the lasso (1/(2n) scaling): >= P(w) - P(w*) >= 0."""
    n = len(yc)
    # The residual r, scaled down until |Xc^T theta| / n <= alpha, is a feasible dual point.
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
        # As for ridge, centring takes care of the unpenalised intercept.
        Xc, yc, x_mean, y_mean = _centre(X, y, self.fit_intercept)
        n, d = Xc.shape
        Xc = np.asfortranarray(Xc)  # columns contiguous: each update reads one column
        # z_j = ||x_j||^2 is the curvature of the objective along coordinate j (times n).
        z = np.einsum("ij,ij->j", Xc, Xc)
        # The soft-threshold level of the n-scaled problem: n * alpha.
        threshold = n * self.alpha
        # Stop when the duality gap certifies P(w) - P* <= tol * mean(yc^2).
        gap_tol = self.tol * (yc @ yc) / n
        w = np.zeros(d)
        r = yc.copy()  # residual yc - Xc w, kept up to date after every coordinate
        n_iter = 0
        while n_iter < self.max_iter and _duality_gap(Xc, yc, w, r, self.alpha) > gap_tol:
            n_iter += 1
            for j in range(d):
                if z[j] == 0.0:
                    continue  # a constant column: its coefficient stays 0
                column = Xc[:, j]
                # x_j . (partial residual without feature j) = x_j . r + z_j w_j.
                rho = column @ r + z[j] * w[j]
                # Soft-thresholding: exactly 0 when |rho| <= n alpha.
                new = np.sign(rho) * max(abs(rho) - threshold, 0.0) / z[j]
                if new != w[j]:
                    # Keep the residual in step with the changed coefficient.
                    r -= (new - w[j]) * column
                    w[j] = new
        self.coef_ = w
        self.intercept_ = float(y_mean - x_mean @ w)
        self.n_iter_ = n_iter
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_
