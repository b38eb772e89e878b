"""Lab: k-nearest neighbours in bounded memory. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401


class KNeighborsClassifier:
    """Predict the label most common among the k nearest training points (Euclidean distance).

    Parameters
    ----------
    n_neighbors : int, default 5
        How many neighbours vote (1 <= n_neighbors <= number of training points).

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray of shape (n_classes,)
        The distinct labels of y, sorted (np.unique order).
    """

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        """Remember the training points X (n, d) and their labels y (n,); return self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Array (m, n_classes): column j is the share of the k neighbours labelled classes_[j]."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of labels from classes_: the majority label, ties to the smallest label."""
        raise NotImplementedError


class KNeighborsRegressor:
    """Predict the mean target of the k nearest training points (Euclidean distance).

    Parameters
    ----------
    n_neighbors : int, default 5
        How many neighbours are averaged.
    """

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        """Remember the training points X (n, d) and their targets y (n,); return self."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of floats: the mean of y over the k nearest training points of each row."""
        raise NotImplementedError
