"""Lab: linear regression by least squares. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401 - you will need it


class LinearRegression:
    """Ordinary least squares linear regression.

    Parameters
    ----------
    fit_intercept : bool, default True
        Whether to fit a constant term. When False the fitted plane passes through the origin
        and `intercept_` is 0.0.

    Attributes (set by `fit`)
    ----------
    coef_ : ndarray of shape (n_features,), float
        One weight per feature.
    intercept_ : float
        The constant term (0.0 when fit_intercept is False).
    """

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        """Fit the least-squares coefficients.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), float or int
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        raise NotImplementedError

    def predict(self, X):
        """Predicted targets for new rows.

        Parameters
        ----------
        X : array-like of shape (m, n_features)

        Returns
        -------
        y_pred : ndarray of shape (m,), float
        """
        raise NotImplementedError
