"""Wrong: keeps the input dtype, so integer input gives an integer result."""

import numpy as np


def pairwise_sq_dists(A, B):
    A = np.asarray(A)
    B = np.asarray(B)
    diff = A[:, None, :] - B[None, :, :]
    return (diff * diff).sum(axis=-1)
