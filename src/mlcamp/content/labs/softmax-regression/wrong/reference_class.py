"""Wrong: pins the last class at w_K = 0, b_K = 0 (as binary logistic regression does) and
penalises only the other K - 1 rows, which changes the minimum."""

import numpy as np


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


class SoftmaxRegression:
    def __init__(self, C=1.0, max_iter=100):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_, index = np.unique(np.asarray(y), return_inverse=True)
        K = len(self.classes_)
        n, d = X.shape
        T = np.eye(K)[index][:, : K - 1]
        A = np.hstack([X, np.ones((n, 1))])
        m = K - 1
        p = (d + 1) * m
        penalised = np.zeros((d + 1, m))
        penalised[:d] = 1.0
        penalised = penalised.ravel()
        theta = np.zeros((d + 1, m))
        for _ in range(self.max_iter):
            Z = np.column_stack([A @ theta, np.zeros(n)])
            P = _softmax(Z)[:, :m]
            grad = (penalised.reshape(d + 1, m) * theta + self.C * (A.T @ (P - T))).ravel()
            M = (A[:, :, None] * P[:, None, :]).reshape(n, p)
            H = -(M.T @ M)
            for k in range(m):
                H[k::m, k::m] += A.T @ (A * P[:, k : k + 1])
            H = self.C * H
            H[np.diag_indices(p)] += penalised
            step = np.linalg.solve(H, grad).reshape(d + 1, m)
            theta = theta - step
            if np.max(np.abs(step)) <= 1e-12 * (1.0 + np.max(np.abs(theta))):
                break
        self.coef_ = np.vstack([theta[:d].T, np.zeros((1, d))])
        self.intercept_ = np.append(theta[d], 0.0)
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        return _softmax(self.decision_function(X))

    def predict(self, X):
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]
