"""Reference solution: L2-penalised logistic regression fitted by Newton's method (IRLS)."""

import numpy as np


def _sigmoid(z):
    """1 / (1 + exp(-z)) without overflow: exp is only ever taken of a non-positive number."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class LogisticRegression:
    """Binary logistic regression: minimise 0.5 ||w||^2 + C * sum of log-losses."""

    def __init__(self, C=1.0, fit_intercept=True, max_iter=100):
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter

    def _objective(self, A, t, theta, penalised):
        # log(1 + exp(z)) - t z is the log-loss of one sample; logaddexp keeps it finite.
        z = A @ theta
        loss = np.sum(np.logaddexp(0.0, z) - t * z)
        return 0.5 * np.sum(theta[penalised] ** 2) + self.C * loss

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        # The two labels, sorted; the positive class is the second one.
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"expected exactly two classes, got {len(self.classes_)}")
        t = (y == self.classes_[1]).astype(float)
        n, d = X.shape
        # Append a column of ones for the intercept; the penalty skips that last parameter.
        A = np.hstack([X, np.ones((n, 1))]) if self.fit_intercept else X
        penalised = np.arange(A.shape[1]) < d
        R = np.diag(penalised.astype(float))
        theta = np.zeros(A.shape[1])
        value = self._objective(A, t, theta, penalised)
        for _ in range(self.max_iter):
            p = _sigmoid(A @ theta)
            # Gradient: R theta + C A^T (p - t).
            grad = R @ theta + self.C * (A.T @ (p - t))
            # Hessian: R + C A^T diag(p (1 - p)) A, positive definite in practice.
            s = p * (1.0 - p)
            H = R + self.C * (A.T @ (A * s[:, None]))
            step = np.linalg.solve(H, grad)
            # Converged: the Newton step no longer moves the parameters.
            if np.max(np.abs(step)) <= 1e-12 * (1.0 + np.max(np.abs(theta))):
                break
            # Halve the Newton step while it makes the objective go up by more than rounding
            # (rarely needed: the full step almost always decreases it).
            slack = 1e-12 * abs(value)
            rate = 1.0
            new_value = self._objective(A, t, theta - step, penalised)
            while new_value > value + slack and rate > 1e-6:
                rate *= 0.5
                new_value = self._objective(A, t, theta - rate * step, penalised)
            theta, value = theta - rate * step, new_value
        self.coef_ = theta[:d].reshape(1, d)
        self.intercept_ = np.array([theta[d] if self.fit_intercept else 0.0])
        return self

    def decision_function(self, X):
        """The logit z = X w + b for each row."""
        return np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X):
        # Column j holds the probability of classes_[j].
        z = self.decision_function(X)
        return np.column_stack([_sigmoid(-z), _sigmoid(z)])

    def predict(self, X):
        # The positive class wins when its probability is above one half (z > 0).
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
