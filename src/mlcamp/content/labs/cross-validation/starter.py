"""Lab: cross-validation. See README.md for the conventions and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


class KFold:
    """Split n samples into n_splits folds of consecutive samples (shuffled first if asked).

    Parameters
    ----------
    n_splits : int >= 2, the number of folds k.
    shuffle : bool, permute the samples before cutting the folds.
    random_state : int or None, the seed of that permutation (the same seed, the same folds).
    """

    def __init__(self, n_splits=5, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None):
        """The number of folds."""
        raise NotImplementedError

    def split(self, X, y=None):
        """A LIST of k pairs (train_idx, test_idx) of integer index arrays, fold by fold.

        Only len(X) matters. Test fold f holds n // k samples, plus one for the first n % k
        folds; train_idx is every other sample. Raise ValueError if k > n.
        """
        raise NotImplementedError


class StratifiedKFold:
    """Like KFold, but each test fold keeps the class proportions of y.

    Every test fold holds floor(n_c / k) or ceil(n_c / k) samples of each class c (n_c samples
    in all); ideally also floor(n / k) or ceil(n / k) samples in total.
    """

    def __init__(self, n_splits=5, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None):
        """The number of folds."""
        raise NotImplementedError

    def split(self, X, y=None):
        """A LIST of k pairs (train_idx, test_idx); y (the class labels) is required."""
        raise NotImplementedError


def cross_val_score(model, X, y, cv=5):
    """The model's score on each test fold, as a float array of shape (number of folds,).

    cv : an int k (KFold(n_splits=k), no shuffling), an object with a split(X, y) method
         returning an iterable of (train_idx, test_idx), or such an iterable itself.
    For each fold, fit a FRESH copy of the model, type(model)(**model.get_params()), on the
    training part and call its score(X_test, y_test). Never fit `model` itself.
    """
    raise NotImplementedError
