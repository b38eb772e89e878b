"""Wrong: cross_val_score refits the caller's model object on every fold instead of a fresh copy."""

import numbers

import numpy as np


def _check_n_splits(n_splits, n):
    if not isinstance(n_splits, numbers.Integral) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    if n_splits > n:
        raise ValueError(f"cannot split {n} samples into {n_splits} folds")


def _pairs(fold_of_sample, n_splits):
    """(train, test) index arrays for each fold, from the fold number of every sample."""
    return [
        (np.flatnonzero(fold_of_sample != f), np.flatnonzero(fold_of_sample == f))
        for f in range(n_splits)
    ]


class KFold:
    """Split n samples into n_splits consecutive folds (shuffled first if asked)."""

    def __init__(self, n_splits=5, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None):
        return self.n_splits

    def split(self, X, y=None):
        n = len(X)
        k = self.n_splits
        _check_n_splits(k, n)
        order = np.arange(n)
        if self.shuffle:
            # A fresh generator from the seed: the same random_state gives the same folds.
            order = np.random.default_rng(self.random_state).permutation(n)
        # Fold sizes: n // k each, and the first n % k folds one larger.
        sizes = np.full(k, n // k)
        sizes[: n % k] += 1
        # The samples at positions start..stop-1 of `order` form one fold.
        fold_of_sample = np.empty(n, dtype=np.intp)
        fold_of_sample[order] = np.repeat(np.arange(k), sizes)
        return _pairs(fold_of_sample, k)


class StratifiedKFold(KFold):
    """k folds that each keep the class proportions of y (within one sample per class)."""

    def split(self, X, y=None):
        if y is None:
            raise ValueError("StratifiedKFold needs the labels y")
        y = np.asarray(y)
        n = len(y)
        k = self.n_splits
        _check_n_splits(k, n)
        _, class_of_sample = np.unique(y, return_inverse=True)
        # Line the samples up class by class (in random order within a class when shuffling).
        if self.shuffle:
            noise = np.random.default_rng(self.random_state).random(n)
            order = np.lexsort((noise, class_of_sample))
        else:
            order = np.argsort(class_of_sample, kind="stable")
        # Deal the lined-up samples to the folds like cards: position i goes to fold i % k. A class
        # is a contiguous run of that line, so each fold gets floor or ceil of n_c / k of it, and
        # the fold sizes are floor or ceil of n / k.
        fold_of_sample = np.empty(n, dtype=np.intp)
        fold_of_sample[order] = np.arange(n) % k
        return _pairs(fold_of_sample, k)


def _fresh_copy(model):
    """An unfitted model with the same hyperparameters (what sklearn.base.clone does)."""
    return type(model)(**model.get_params())


def cross_val_score(model, X, y, cv=5):
    """The model's score on each test fold, after fitting a fresh copy on the other folds."""
    X = np.asarray(X)
    y = np.asarray(y)
    # cv: a number of folds, a splitter with split(X, y), or the (train, test) pairs themselves.
    if isinstance(cv, numbers.Integral):
        cv = KFold(n_splits=cv)
    splits = cv.split(X, y) if hasattr(cv, "split") else cv
    scores = []
    for train, test in splits:
        model.fit(X[train], y[train])
        scores.append(model.score(X[test], y[test]))
    return np.asarray(scores, dtype=float)
