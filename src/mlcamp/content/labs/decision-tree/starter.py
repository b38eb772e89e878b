"""Lab: a CART decision tree for classification. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


class DecisionTreeClassifier:
    """A binary classification tree: every internal node sends x to the left child when
    x[feature] <= threshold, and every leaf holds the class proportions of its training samples.

    Parameters
    ----------
    criterion : "gini" or "entropy", default="gini"
        The impurity a split should decrease the most.
    max_depth : int or None, default=None
        The largest depth of a leaf (the root has depth 0); None means no limit.
    min_samples_split : int, default=2
        A node with fewer samples than this is not split.
    min_samples_leaf : int, default=1
        A split is only allowed if both children keep at least this many samples.

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray of shape (n_classes,), the distinct labels, sorted (np.unique)
    feature_importances_ : ndarray of shape (n_features,), float, the normalised total impurity
        decrease of each feature (sums to 1; all zeros when the tree is a single leaf)
    """

    def __init__(self, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf

    def fit(self, X, y):
        """Grow the tree on X (n_samples, n_features) and labels y (n_samples,). Returns self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Class proportions of the leaf each row reaches: (n, n_classes), columns in classes_
        order."""
        raise NotImplementedError

    def predict(self, X):
        """The most frequent class of each row's leaf (the first in classes_ on a tie): (n,)."""
        raise NotImplementedError

    def get_depth(self):
        """The depth of the deepest leaf (0 for a tree that is a single leaf), as an int."""
        raise NotImplementedError

    def get_n_leaves(self):
        """The number of leaves, as an int."""
        raise NotImplementedError
