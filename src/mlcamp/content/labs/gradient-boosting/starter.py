"""Lab: gradient boosting for regression. See README.md for the math, the conventions and the
tasks.

You need a regression tree first. Paste the DecisionTreeClassifier you wrote in the
decision-tree lab into this file and turn it into a least-squares regression tree: the targets
are numbers, a split minimises the children's summed squared error, and a leaf predicts the mean
of its targets. Everything must live in this one file.
"""

import numpy as np  # noqa: F401 (you will need it)


class GradientBoostingRegressor:
    """Gradient-boosted regression trees for the squared error.

    Parameters
    ----------
    n_estimators : int, default=100
        The number of boosting stages (one tree per stage).
    learning_rate : float, default=0.1
        The shrinkage factor applied to every tree's predictions.
    max_depth : int, default=3
        The depth of every regression tree.

    Attributes (set by fit)
    -----------------------
    init_ : float, the initial prediction F0 = mean(y)
    estimators_ : list of n_estimators fitted regression trees
    """

    def __init__(self, n_estimators=100, learning_rate=0.1, max_depth=3):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth

    def fit(self, X, y):
        """Fit the stages on X (n_samples, n_features) and targets y (n_samples,). Returns
        self."""
        raise NotImplementedError

    def predict(self, X):
        """F0 + learning_rate * (sum of all trees' predictions): an array of shape (n,)."""
        raise NotImplementedError

    def staged_predict(self, X):
        """The predictions after 1, 2, ..., n_estimators trees: a LIST of n_estimators arrays of
        shape (n,) (or one array of shape (n_estimators, n)); not a generator."""
        raise NotImplementedError
