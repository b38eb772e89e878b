"""Wrong: the cross term of the expansion is missing its factor 2."""

import numpy as np


def pairwise_sq_dists(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    shift = A.mean(axis=0)
    A, B = A - shift, B - shift
    D = (A**2).sum(axis=1)[:, None] - A @ B.T + (B**2).sum(axis=1)[None, :]
    return np.maximum(D, 0.0)
