"""Wrong: keeps x's dtype, so for integer x the perturbation is rounded away (and grad is int)."""

import numpy as np


def numerical_grad(f, x, eps=1e-6):
    x = np.array(x)
    grad = np.zeros_like(x)
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
    top, bottom = np.abs(a - n), np.abs(a) + np.abs(n)
    return float(np.max(np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)))
