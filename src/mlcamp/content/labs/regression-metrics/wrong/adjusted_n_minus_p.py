"""Wrong: adjusted R^2 divides by n - p instead of n - p - 1."""

import numpy as np


def _as_vector(y, name):
    """A float vector from a list, a 1-D array or a column of shape (n, 1)."""
    y = np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (or one column), got shape {y.shape}")
    return y


def _residuals(y_true, y_pred):
    """Both targets as float vectors of one length, and the errors y_true - y_pred."""
    y_true = _as_vector(y_true, "y_true")
    y_pred = _as_vector(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} values but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("the metrics are undefined for empty inputs")
    return y_true, y_true - y_pred


def mse(y_true, y_pred):
    """Mean squared error: (1/n) sum (y - y_hat)^2."""
    _, e = _residuals(y_true, y_pred)
    # Sum of the squared errors (einsum: no temporary array), divided by n.
    return float(np.einsum("i,i->", e, e) / len(e))


def rmse(y_true, y_pred):
    """Root mean squared error: the square root of the MSE (same units as y)."""
    return float(np.sqrt(mse(y_true, y_pred)))


def mae(y_true, y_pred):
    """Mean absolute error: (1/n) sum |y - y_hat|."""
    _, e = _residuals(y_true, y_pred)
    return float(np.mean(np.abs(e)))


def r2(y_true, y_pred):
    """Coefficient of determination: 1 - SS_res / SS_tot."""
    y_true, e = _residuals(y_true, y_pred)
    # Residual sum of squares: what the model leaves unexplained.
    ss_res = float(np.einsum("i,i->", e, e))
    # Total sum of squares around the mean of y_true, in two passes (centre, then square) so
    # that a large common offset in y does not cancel catastrophically.
    centred = y_true - y_true.mean()
    ss_tot = float(np.einsum("i,i->", centred, centred))
    if ss_tot == 0.0:
        # Constant y_true: 1 for a perfect prediction, 0 otherwise (scikit-learn's choice).
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


def adjusted_r2(y_true, y_pred, n_features):
    """R^2 penalised for the number of features p: 1 - (1 - R^2) (n - 1) / (n - p - 1)."""
    y_true = _as_vector(y_true, "y_true")
    n = len(y_true)
    p = int(n_features)
    if p < 0:
        raise ValueError(f"n_features must be >= 0, got {n_features}")
    # n - 1 degrees of freedom for SS_tot, n - p left for SS_res after fitting p slopes.
    if n - p <= 0:
        raise ValueError(f"adjusted R^2 needs n - p - 1 > 0, got n = {n}, p = {p}")
    return 1.0 - (1.0 - r2(y_true, y_pred)) * (n - 1) / (n - p)
