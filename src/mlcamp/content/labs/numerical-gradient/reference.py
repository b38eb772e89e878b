"""Reference solution: gradients by central differences, and a relative-error gradient check."""

import numpy as np


def numerical_grad(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function f at x (any shape)."""
    # A float copy: integers become floats, and the caller's x is never touched.
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    # One entry at a time, whatever the shape: np.ndindex walks every index tuple.
    for index in np.ndindex(x.shape):
        saved = x[index]
        # f at x + eps e_i and at x - eps e_i, perturbing that entry in place.
        x[index] = saved + eps
        f_plus = f(x)
        x[index] = saved - eps
        f_minus = f(x)
        # Put back the saved value itself (adding and subtracting eps would not be exact).
        x[index] = saved
        # The two points are 2 eps apart: the slope between them.
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def grad_check(f, grad_f, x):
    """Largest entrywise relative error between grad_f(x) and numerical_grad(f, x)."""
    x = np.array(x, dtype=float)
    analytic = np.asarray(grad_f(x.copy()), dtype=float)
    numeric = numerical_grad(f, x)
    # |a - n| / (|a| + |n|): scale-free, at most 1, and 0/0 (both exactly 0) counts as 0.
    top = np.abs(analytic - numeric)
    bottom = np.abs(analytic) + np.abs(numeric)
    ratios = np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)
    return float(np.max(ratios))
