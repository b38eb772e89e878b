"""Wrong: appends a column of ones and inverts [1, X]^T [1, X] without centring (loses digits)."""

import numpy as np


class LinearRegression:
    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if self.fit_intercept:
            A = np.column_stack([np.ones(len(X)), X])
            beta = np.linalg.inv(A.T @ A) @ A.T @ y
            self.intercept_, self.coef_ = float(beta[0]), beta[1:]
        else:
            self.coef_ = np.linalg.inv(X.T @ X) @ X.T @ y
            self.intercept_ = 0.0
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_
