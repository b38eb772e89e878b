"""Wrong: the factor C is missing from the gradient and the Hessian (C is ignored)."""

import numpy as np


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class SoftmaxRegression:
    def __init__(self, C=1.0, max_iter=100):
        self.C = C
        self.max_iter = max_iter

    def _objective(self, A, T, theta, d):
        cross_entropy = -np.sum(T * _log_softmax(A @ theta))
        return 0.5 * np.sum(theta[:d] ** 2) + cross_entropy

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.classes_, index = np.unique(y, return_inverse=True)
        K = len(self.classes_)
        n, d = X.shape
        T = np.eye(K)[index]
        A = np.hstack([X, np.ones((n, 1))])
        p = (d + 1) * K
        penalised = np.zeros((d + 1, K))
        penalised[:d] = 1.0
        penalised = penalised.ravel()
        shift = np.zeros((d + 1, K))
        shift[d] = 1.0 / np.sqrt(K)
        shift = shift.ravel()
        theta = np.zeros((d + 1, K))
        value = self._objective(A, T, theta, d)
        for _ in range(self.max_iter):
            P = _softmax(A @ theta)
            grad = (penalised.reshape(d + 1, K) * theta + (A.T @ (P - T))).ravel()
            M = (A[:, :, None] * P[:, None, :]).reshape(n, p)
            H = -(M.T @ M)
            for k in range(K):
                H[k::K, k::K] += A.T @ (A * P[:, k : k + 1])
            H[np.diag_indices(p)] += penalised
            H += (np.trace(H) / p) * np.outer(shift, shift)
            step = np.linalg.solve(H, grad).reshape(d + 1, K)
            if np.max(np.abs(step)) <= 1e-12 * (1.0 + np.max(np.abs(theta))):
                break
            rate = 1.0
            new_value = self._objective(A, T, theta - step, d)
            while new_value > value + 1e-12 * abs(value) and rate > 1e-6:
                rate *= 0.5
                new_value = self._objective(A, T, theta - rate * step, d)
            theta, value = theta - rate * step, new_value
        self.coef_ = theta[:d].T.copy()
        self.intercept_ = theta[d].copy()
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        return _softmax(self.decision_function(X))

    def predict(self, X):
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]
