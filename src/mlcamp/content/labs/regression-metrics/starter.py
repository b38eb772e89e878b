"""Lab: regression metrics. See README.md for the definitions, the conventions and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


def mse(y_true, y_pred):
    """Mean squared error, a float.

    y_true, y_pred: lists, arrays of shape (n,), or columns of shape (n, 1), of one length n
    (raise ValueError when the lengths differ).
    """
    raise NotImplementedError


def rmse(y_true, y_pred):
    """Root mean squared error, a float."""
    raise NotImplementedError


def mae(y_true, y_pred):
    """Mean absolute error, a float."""
    raise NotImplementedError


def r2(y_true, y_pred):
    """Coefficient of determination 1 - SS_res / SS_tot, a float.

    When y_true is constant (SS_tot = 0): 1.0 if the predictions are exact, else 0.0.
    """
    raise NotImplementedError


def adjusted_r2(y_true, y_pred, n_features):
    """Adjusted R^2 for a model with n_features (p) features and an intercept, a float.

    Raise ValueError when n - p - 1 <= 0.
    """
    raise NotImplementedError
