"""Reference solution: multinomial logistic (softmax) regression with an L2 penalty, fitted by
Newton's method on all K (d + 1) parameters at once."""

import numpy as np


def _softmax(Z):
    """Row-wise softmax; shifting each row by its maximum keeps exp from overflowing."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _log_softmax(Z):
    """Row-wise log of the softmax: z - max - log(sum exp(z - max))."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class SoftmaxRegression:
    """Minimise 0.5 ||W||_F^2 + C * sum_i cross-entropy_i; intercepts are not penalised."""

    def __init__(self, C=1.0, max_iter=100):
        self.C = C
        self.max_iter = max_iter

    def _evaluate(self, A, T, theta, d):
        """The objective J and the probabilities P at theta, from one set of logits."""
        log_P = _log_softmax(A @ theta)
        # J = 0.5 ||W||^2 + C * sum_i -log p_{i, c_i}; theta's last row (intercepts) is free.
        value = 0.5 * np.sum(theta[:d] ** 2) - self.C * np.sum(T * log_P)
        return value, np.exp(log_P)

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        # Sorted distinct labels; T is the one-hot target matrix, T[i, k] = 1 if y_i is class k.
        self.classes_, index = np.unique(y, return_inverse=True)
        K = len(self.classes_)
        n, d = X.shape
        T = np.eye(K)[index]
        # Column of ones for the intercepts; theta[:, k] = (w_k, b_k), shape (d + 1, K).
        A = np.hstack([X, np.ones((n, 1))])
        p = (d + 1) * K
        # The penalty 0.5 ||W||^2 as a 0/1 mask over theta (0 on the intercept row).
        mask = np.zeros((d + 1, K))
        mask[:d] = 1.0
        # The one direction the loss cannot see: adding the same constant to every intercept.
        u = np.zeros((d + 1, K))
        u[d] = 1.0 / np.sqrt(K)
        u = u.ravel()
        theta = np.zeros((d + 1, K))
        value, P = self._evaluate(A, T, theta, d)
        for _ in range(self.max_iter):
            # Gradient: mask * theta + C A^T (P - T), flattened row-major like theta.
            grad = (mask * theta + self.C * (A.T @ (P - T))).ravel()
            # Hessian of the loss: sum_i (diag(p_i) - p_i p_i^T) kron a_i a_i^T, built from
            # the rows m_i = a_i kron p_i (one product) and K diagonal blocks.
            M = (A[:, :, None] * P[:, None, :]).reshape(n, p)
            H = -(M.T @ M)
            for k in range(K):
                H[k::K, k::K] += A.T @ (A * P[:, k : k + 1])
            H *= self.C
            H[np.diag_indices(p)] += mask.ravel()
            # Make H invertible along the common-intercept direction u; the gradient is
            # orthogonal to u, so the step is the Newton step and keeps sum(intercepts) at 0.
            H += (np.trace(H) / p) * np.outer(u, u)
            step = np.linalg.solve(H, grad).reshape(d + 1, K)
            # Converged when the Newton step no longer moves the parameters.
            if np.max(np.abs(step)) <= 1e-12 * (1.0 + np.max(np.abs(theta))):
                break
            # Halve the step while it increases the objective (rarely needed).
            rate = 1.0
            new_value, new_P = self._evaluate(A, T, theta - step, d)
            while new_value > value + 1e-12 * abs(value) and rate > 1e-6:
                rate *= 0.5
                new_value, new_P = self._evaluate(A, T, theta - rate * step, d)
            theta, value, P = theta - rate * step, new_value, new_P
        self.coef_ = theta[:d].T.copy()
        self.intercept_ = theta[d].copy()
        return self

    def decision_function(self, X):
        """The logits z_ik = w_k . x_i + b_k, shape (n, K)."""
        return np.asarray(X, dtype=float) @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        # Column k is the probability of classes_[k]; each row sums to 1.
        return _softmax(self.decision_function(X))

    def predict(self, X):
        # The class with the largest logit (the first one on an exact tie).
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]
