"""Lab: a linear support vector machine. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401


class LinearSVM:
    """Binary linear SVM with the hinge loss and an unpenalised intercept.

    Minimises 0.5 * ||w||^2 + C * sum_i max(0, 1 - s_i * (w . x_i + b)) over w and b, where
    s_i = +1 for samples of classes_[1] and -1 for samples of classes_[0].

    Parameters
    ----------
    C : float, default 1.0
        Weight of the summed hinge losses (a large C means a weak penalty).
    max_iter : int, default 1000
        Largest total number of Newton steps (over all smoothing widths together).

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray of shape (2,)
        The two distinct labels of y, sorted; classes_[1] is the +1 class.
    coef_ : ndarray of shape (1, n_features)
        The weights w.
    intercept_ : ndarray of shape (1,)
        The intercept b.
    """

    def __init__(self, C=1.0, max_iter=1000):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y):
        """Learn classes_, coef_ and intercept_ from X (n, d) and labels y (n,); return self."""
        raise NotImplementedError

    def decision_function(self, X):
        """Array (m,): the score w . x + b of each row."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of labels: classes_[1] where the score is > 0, else classes_[0]."""
        raise NotImplementedError
