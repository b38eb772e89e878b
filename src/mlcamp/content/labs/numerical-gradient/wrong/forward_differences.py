"""Wrong: forward differences (f(x + eps e_i) - f(x)) / eps, whose error is O(eps)."""

import numpy as np


def numerical_grad(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    f0 = f(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        grad[index] = (f(x) - f0) / eps
        x[index] = saved
    return grad


def grad_check(f, grad_f, x):
    x = np.array(x, dtype=float)
    a = np.asarray(grad_f(x), dtype=float)
    n = numerical_grad(f, x)
    top, bottom = np.abs(a - n), np.abs(a) + np.abs(n)
    return float(np.max(np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)))
