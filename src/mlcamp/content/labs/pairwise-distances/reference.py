"""Reference solution: pairwise squared distances by expansion, shifted for accuracy."""

import numpy as np


def pairwise_sq_dists(A, B):
    """Squared Euclidean distances between every row of A and every row of B."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape[0] == 0 or B.shape[0] == 0:
        return np.zeros((A.shape[0], B.shape[0]))
    # Distances do not change under a common shift: centre both sets on A's mean so the
    # expansion below subtracts numbers of the data's spread, not of its offset.
    shift = A.mean(axis=0)
    A = A - shift
    B = B - shift
    # ||a||^2 for each row of A as a column, ||b||^2 for each row of B as a row.
    a_norms = np.einsum("ij,ij->i", A, A)[:, None]
    b_norms = np.einsum("ij,ij->i", B, B)[None, :]
    # ||a - b||^2 = ||a||^2 - 2 a.b + ||b||^2, the cross terms for all pairs in one product.
    D = a_norms - 2.0 * (A @ B.T) + b_norms
    # Rounding can leave tiny negatives where the true distance is 0.
    np.maximum(D, 0.0, out=D)
    return D
