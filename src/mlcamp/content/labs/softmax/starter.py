"""Lab: a numerically stable log-sum-exp and softmax. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401  (you will need it)


def logsumexp(x, axis=-1):
    """log(sum(exp(x))) along one axis, without overflow or underflow.

    Parameters
    ----------
    x : ndarray of any shape with at least one dimension (float or integer)
    axis : int, default -1
        The axis to reduce; negative values count from the end.

    Returns
    -------
    out : ndarray of float, the shape of x with `axis` removed
        For a 1-D x, a single number (a float or a 0-d array).
        A slice whose entries are all -inf gives -inf.
    """
    raise NotImplementedError


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along one axis, without overflow or underflow.

    Parameters
    ----------
    x : ndarray of any shape with at least one dimension (float or integer)
    axis : int, default -1
        The axis along which the result sums to 1; negative values count from the end.

    Returns
    -------
    p : ndarray of float, the same shape as x
        Every slice along `axis` is non-negative and sums to 1. A slice whose entries are all
        -inf gives NaN everywhere (0 / 0), as SciPy does.
    """
    raise NotImplementedError
