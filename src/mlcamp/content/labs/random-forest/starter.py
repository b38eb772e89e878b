"""Lab: a random forest. See README.md for the math, the conventions and the tasks.

You need a decision tree first. Paste the DecisionTreeClassifier you wrote in the decision-tree
lab into this file and adapt it: it must accept a `max_features` count and a random generator,
and choose every split among `max_features` features drawn at random for that node. Everything
must live in this one file.
"""

import numpy as np  # noqa: F401 (you will need it)


class RandomForestClassifier:
    """A forest of fully grown Gini trees, each fitted to a bootstrap sample.

    Parameters
    ----------
    n_estimators : int, default=100
        The number of trees.
    max_features : "sqrt", int or None, default="sqrt"
        How many features each node may choose its split from: max(1, int(sqrt(d))) for
        "sqrt", all d for None, or that many for an int; drawn anew at every node.
    bootstrap : bool, default=True
        Fit each tree to n rows drawn with replacement (True) or to all rows (False).
    oob_score : bool, default=False
        Compute oob_score_, the accuracy of out-of-bag predictions (needs bootstrap=True).
    random_state : int or None, default=None
        Seed for every random choice; the same int gives the same forest.

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray of shape (n_classes,), the distinct labels, sorted (np.unique)
    estimators_ : list of n_estimators fitted trees, each with predict(X)
    oob_score_ : float, only when oob_score=True
    """

    def __init__(
        self,
        n_estimators=100,
        max_features="sqrt",
        bootstrap=True,
        oob_score=False,
        random_state=None,
    ):
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.random_state = random_state

    def fit(self, X, y):
        """Fit n_estimators trees on X (n_samples, n_features) and labels y. Returns self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """The mean of the trees' class probabilities: (n, n_classes), columns in classes_
        order."""
        raise NotImplementedError

    def predict(self, X):
        """The class of largest mean probability (the first in classes_ on a tie): (n,)."""
        raise NotImplementedError
