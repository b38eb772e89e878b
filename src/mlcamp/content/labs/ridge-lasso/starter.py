"""Lab: ridge and lasso regression. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401


class Ridge:
    """Least squares with an L2 penalty, as in scikit-learn.

    Minimises ||y - X w - b||^2 + alpha * ||w||^2 over the weights w and the intercept b
    (the intercept is not penalised). Solved in closed form.

    Parameters
    ----------
    alpha : float, default 1.0
        Strength of the penalty (alpha > 0).
    fit_intercept : bool, default True
        Whether to learn an intercept b; if False, b is 0.

    Attributes (set by fit)
    -----------------------
    coef_ : ndarray of shape (n_features,)
        The weights w.
    intercept_ : float
        The intercept b (0.0 when fit_intercept is False).
    """

    def __init__(self, alpha=1.0, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        """Learn coef_ and intercept_ from X (n, d) and y (n,); return self."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,): X @ coef_ + intercept_."""
        raise NotImplementedError


class Lasso:
    """Least squares with an L1 penalty, as in scikit-learn, by cyclic coordinate descent.

    Minimises (1 / (2 n)) * ||y - X w - b||^2 + alpha * ||w||_1 over w and b (the intercept is
    not penalised).

    Parameters
    ----------
    alpha : float, default 1.0
        Strength of the penalty (alpha > 0).
    fit_intercept : bool, default True
        Whether to learn an intercept b; if False, b is 0.
    max_iter : int, default 1000
        Largest number of full sweeps over the coordinates.
    tol : float, default 1e-4
        Stop once the objective is certified to be within tol * mean(y_c ** 2) of its minimum
        (see the README: the duality gap).

    Attributes (set by fit)
    -----------------------
    coef_ : ndarray of shape (n_features,)
        The weights w; many are exactly 0.0.
    intercept_ : float
        The intercept b (0.0 when fit_intercept is False).
    n_iter_ : int
        The number of full sweeps that were run.
    """

    def __init__(self, alpha=1.0, fit_intercept=True, max_iter=1000, tol=1e-4):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        """Learn coef_, intercept_ and n_iter_ from X (n, d) and y (n,); return self."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,): X @ coef_ + intercept_."""
        raise NotImplementedError
