"""Lab: softmax (multinomial logistic) regression. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401


class SoftmaxRegression:
    """Multinomial logistic regression with an L2 penalty, as in scikit-learn.

    Minimises 0.5 * ||W||_F^2 + C * sum_i cross-entropy_i over the weights W (one row per
    class) and the intercepts b (not penalised).

    Parameters
    ----------
    C : float, default 1.0
        Inverse strength of the penalty: it multiplies the summed cross-entropy.
    max_iter : int, default 100
        Largest number of (Newton) iterations.

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray of shape (K,)
        The distinct labels of y, sorted.
    coef_ : ndarray of shape (K, n_features)
        Row k holds the weights w_k of classes_[k].
    intercept_ : ndarray of shape (K,)
        The intercepts b_k (by convention they sum to zero).
    """

    def __init__(self, C=1.0, max_iter=100):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y):
        """Learn classes_, coef_ and intercept_ from X (n, d) and labels y (n,); return self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Array (n, K): column k is the probability of classes_[k]; each row sums to 1."""
        raise NotImplementedError

    def predict(self, X):
        """Array (n,) of labels taken from classes_: the most probable class of each row."""
        raise NotImplementedError
