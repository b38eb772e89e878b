"""Wrong: the factor C is missing from the gradient and Hessian (C is ignored)."""

import numpy as np


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class LogisticRegression:
    def __init__(self, C=1.0, fit_intercept=True, max_iter=100):
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        t = (y == self.classes_[1]).astype(float)
        n, d = X.shape
        A = np.hstack([X, np.ones((n, 1))]) if self.fit_intercept else X
        R = np.eye(A.shape[1])
        if self.fit_intercept:
            R[d, d] = 0.0
        theta = np.zeros(A.shape[1])
        for _ in range(self.max_iter):
            p = _sigmoid(A @ theta)
            grad = R @ theta + (A.T @ (p - t))
            H = R + (A.T @ (A * (p * (1 - p))[:, None]))
            step = np.linalg.solve(H, grad)
            theta = theta - step
            if np.max(np.abs(step)) < 1e-12 * (1 + np.max(np.abs(theta))):
                break
        self.coef_ = theta[:d].reshape(1, d)
        self.intercept_ = np.array([theta[d] if self.fit_intercept else 0.0])
        return self

    def predict_proba(self, X):
        z = np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0]
        return np.column_stack([_sigmoid(-z), _sigmoid(z)])

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]
