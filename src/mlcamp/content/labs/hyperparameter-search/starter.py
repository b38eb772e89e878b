"""Lab: grid search with cross-validation. See README.md for the conventions and the tasks."""

import itertools  # noqa: F401 (you may want it)

import numpy as np  # noqa: F401 (you will need it)


def grid_search(make_model, param_grid, X, y, cv):
    """Cross-validate every combination of hyperparameters and return the best one.

    Parameters
    ----------
    make_model : callable
        make_model(**params) returns a new, unfitted model with fit(X, y) and score(X, y).
    param_grid : dict
        Hyperparameter name -> list of values to try.
    X : array of shape (n, d); y : array of shape (n,)
    cv : list of (train_idx, test_idx) pairs of integer index arrays, one pair per fold.

    Returns
    -------
    best_params : dict, the params of the grid point with the highest mean score (ties: the
        first in grid order).
    table : list of dicts, one per grid point in grid order (keys sorted, the last key changing
        fastest), each {"params": dict, "mean_score": float, "scores": list of floats per fold}.
    """
    raise NotImplementedError
