"""Reference solution: exhaustive grid search with cross-validation."""

import itertools

import numpy as np


def parameter_grid(param_grid):
    """Every combination of the values, as dicts: keys sorted, the last key changing fastest."""
    keys = sorted(param_grid)
    # itertools.product varies its LAST argument fastest, like the digits of a counter.
    return [
        dict(zip(keys, values, strict=True))
        for values in itertools.product(*(param_grid[key] for key in keys))
    ]


def grid_search(make_model, param_grid, X, y, cv):
    """(best_params, table): the cross-validated score of every grid point, and the best one."""
    X = np.asarray(X)
    y = np.asarray(y)
    folds = [(np.asarray(train), np.asarray(test)) for train, test in cv]
    table = []
    for params in parameter_grid(param_grid):
        scores = []
        for train, test in folds:
            # A new model for every fold: nothing learned on one fold can leak into the next.
            model = make_model(**params)
            model.fit(X[train], y[train])
            scores.append(float(model.score(X[test], y[test])))
        # The plain mean over folds: every fold counts the same, whatever its size.
        table.append({"params": params, "mean_score": float(np.mean(scores)), "scores": scores})
    means = np.array([row["mean_score"] for row in table])
    # np.argmax returns the FIRST index of the maximum: ties go to the earliest grid point.
    best = int(np.argmax(means))
    return dict(table[best]["params"]), table
