"""Wrong: plain subgradient descent with a decreasing step for max_iter epochs stops far from
the minimum of the non-smooth objective."""

import numpy as np


class LinearSVM:
    def __init__(self, C=1.0, max_iter=1000):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        s = np.where(y == self.classes_[1], 1.0, -1.0)
        n, d = X.shape
        w = np.zeros(d)
        b = 0.0
        for k in range(1, self.max_iter + 1):
            margin = s * (X @ w + b)
            active = margin < 1.0
            grad_w = w - self.C * (s[active] @ X[active])
            grad_b = -self.C * s[active].sum()
            rate = 1.0 / (k * (1.0 + self.C * n))
            w = w - rate * grad_w
            b = b - rate * grad_b
        self.coef_ = w.reshape(1, d)
        self.intercept_ = np.array([b])
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0]

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
