"""Reference solution: least squares on centred data, solved through the normal equations."""

import numpy as np


class LinearRegression:
    """Ordinary least squares: minimise ||y - X coef - intercept||^2."""

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if self.fit_intercept:
            # The intercept absorbs the means: fit the slopes on centred data.
            x_mean = X.mean(axis=0)
            y_mean = y.mean()
        else:
            # Through the origin: nothing is subtracted.
            x_mean = np.zeros(X.shape[1])
            y_mean = 0.0
        Xc = X - x_mean
        yc = y - y_mean
        # Normal equations (Xc^T Xc) coef = Xc^T yc, a small d x d system.
        gram = Xc.T @ Xc
        self.coef_ = np.linalg.solve(gram, Xc.T @ yc)
        # The fitted plane passes through the mean point: y_mean = x_mean . coef + intercept.
        self.intercept_ = float(y_mean - x_mean @ self.coef_)
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        # One dot product per row, plus the constant term.
        return X @ self.coef_ + self.intercept_
