"""Wrong: C multiplies the regulariser (0.5 C ||w||^2 + sum of hinges), not the loss."""

import numpy as np

SMOOTHING = (1.0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7)


def _smoothed_hinge_slope(z, h):
    return np.clip(z / h, 0.0, 1.0)


class LinearSVM:
    def __init__(self, C=1.0, max_iter=1000):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"expected exactly two classes, got {len(self.classes_)}")
        s = np.where(y == self.classes_[1], 1.0, -1.0)
        n, d = X.shape
        x_mean = X.mean(axis=0)
        A = np.hstack([X - x_mean, np.ones((n, 1))])
        SA = s[:, None] * A
        mask = np.r_[np.ones(d), 0.0]
        theta = np.zeros(d + 1)
        steps = 0
        for h in SMOOTHING:
            while steps < self.max_iter:
                z = 1.0 - SA @ theta
                grad = self.C * mask * theta - (SA.T @ _smoothed_hinge_slope(z, h))
                quad = (z > 0.0) & (z < h)
                H = self.C * np.diag(mask) + (1.0 / h) * (A[quad].T @ A[quad])
                H[d, d] += 1.0
                step = np.linalg.solve(H, grad)
                decrease = grad @ step
                if decrease <= 1e-14 * (1.0 + theta @ theta + self.C * n):
                    break
                theta = theta - self._line_search(SA, theta, step, mask, h) * step
                steps += 1
        self.coef_ = theta[:d].reshape(1, d)
        self.intercept_ = np.array([theta[d] - theta[:d] @ x_mean])
        return self

    def _line_search(self, SA, theta, step, mask, h):
        z0 = 1.0 - SA @ theta
        v = SA @ step
        pen0 = self.C * (mask * theta) @ step
        pen1 = self.C * (mask * step) @ step

        def slope(t):
            return -pen0 + t * pen1 + (_smoothed_hinge_slope(z0 + t * v, h) @ v)

        low, high = 0.0, 1.0
        s_low, s_high = slope(low), slope(high)
        while s_high < 0.0 and high < 1e6:
            low, s_low, high = high, s_high, 2.0 * high
            s_high = slope(high)
        if s_high < 0.0:
            return high
        side = 0
        for _ in range(60):
            t = high - s_high * (high - low) / (s_high - s_low)
            s_t = slope(t)
            if abs(s_t) <= 1e-13 * (abs(s_low) + abs(s_high)) or high - low <= 1e-15 * high:
                return t
            if s_t < 0.0:
                low, s_low = t, s_t
                s_high = s_high / 2.0 if side == -1 else s_high
                side = -1
            else:
                high, s_high = t, s_t
                s_low = s_low / 2.0 if side == 1 else s_low
                side = 1
        return 0.5 * (low + high)

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0]

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
