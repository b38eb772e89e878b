"""Wrong: grad_check divides by |n| only (max |a - n| / |n|), not by |a| + |n|; 0/0 gives NaN."""

import numpy as np


def numerical_grad(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        f_plus = f(x)
        x[index] = saved - eps
        f_minus = f(x)
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def grad_check(f, grad_f, x):
    x = np.array(x, dtype=float)
    a = np.asarray(grad_f(x), dtype=float)
    n = numerical_grad(f, x)
    return float(np.max(np.abs(a - n) / np.abs(n)))
