"""Wrong: ignores fit_intercept and never fits a constant term (intercept_ is always 0)."""

import numpy as np


class LinearRegression:
    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        self.coef_ = np.linalg.solve(X.T @ X, X.T @ y)
        self.intercept_ = 0.0
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_
