"""Lab: logistic regression with Newton's method. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401


class LogisticRegression:
    """Binary logistic regression with an L2 penalty, as in scikit-learn.

    Minimises 0.5 * ||w||^2 + C * sum_i log-loss_i over the weights w and the intercept b
    (the intercept is not penalised).

    Parameters
    ----------
    C : float, default 1.0
        Inverse strength of the penalty: it multiplies the summed log-loss.
    fit_intercept : bool, default True
        Whether to learn an intercept b; if False, b is 0.
    max_iter : int, default 100
        Largest number of (Newton) iterations.

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray of shape (2,)
        The two distinct labels of y, sorted; classes_[1] is the positive class.
    coef_ : ndarray of shape (1, n_features)
        The weights w.
    intercept_ : ndarray of shape (1,)
        The intercept b (array([0.0]) when fit_intercept is False).
    """

    def __init__(self, C=1.0, fit_intercept=True, max_iter=100):
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter

    def fit(self, X, y):
        """Learn classes_, coef_ and intercept_ from X (n, d) and labels y (n,); return self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Array (n, 2): column j is the probability of classes_[j]; each row sums to 1."""
        raise NotImplementedError

    def predict(self, X):
        """Array (n,) of labels taken from classes_: classes_[1] where its probability > 0.5."""
        raise NotImplementedError
