"""Lab: numerical gradients and gradient checking. See README.md for the math and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


def numerical_grad(f, x, eps=1e-6):
    """The gradient of f at x by central differences.

    Parameters
    ----------
    f : callable
        f(x) returns a single number; call it only with float arrays of x's shape.
    x : array-like of any shape (1-D, 2-D, 3-D, ...), float or integer
        The point. It must be left exactly as it was.
    eps : float, default=1e-6
        The step: entry i of the result is (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).

    Returns
    -------
    grad : ndarray of float, the same shape as x
    """
    raise NotImplementedError


def grad_check(f, grad_f, x):
    """Compare an analytic gradient with numerical_grad(f, x) (default eps).

    Parameters
    ----------
    f : callable, f(x) -> number
    grad_f : callable, grad_f(x) -> array of x's shape (the gradient you derived by hand)
    x : array-like of any shape

    Returns
    -------
    error : float
        The largest over entries of |a_i - n_i| / (|a_i| + |n_i|), where a = grad_f(x) and
        n = numerical_grad(f, x); an entry where a_i = n_i = 0 counts as 0.
    """
    raise NotImplementedError
