"""Wrong: perturbs x in place and never puts the entry back, so later entries see a shifted x."""

import numpy as np


def numerical_grad(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        x[index] += eps
        f_plus = f(x)
        x[index] -= 2 * eps
        f_minus = f(x)
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def grad_check(f, grad_f, x):
    x = np.array(x, dtype=float)
    a = np.asarray(grad_f(x), dtype=float)
    n = numerical_grad(f, x)
    top, bottom = np.abs(a - n), np.abs(a) + np.abs(n)
    return float(np.max(np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)))
