"""Wrong: RMSprop divides by sqrt(s + eps) instead of sqrt(s) + eps."""

import numpy as np


def _start(x0, n_steps):
    """A float working copy of x0 and the trajectory array with x0 in row 0."""
    # np.array copies (also for float input), so the caller's x0 is never changed.
    x = np.array(x0, dtype=float)
    path = np.empty((n_steps + 1, x.size))
    path[0] = x
    return x, path


def momentum(grad, x0, lr, beta, n_steps):
    """Gradient descent with heavy-ball momentum: v <- beta v + g, x <- x - lr v."""
    x, path = _start(x0, n_steps)
    v = np.zeros_like(x)
    for t in range(1, n_steps + 1):
        # The velocity remembers past gradients, decayed by beta at every step.
        v = beta * v + grad(x)
        x = x - lr * v
        path[t] = x
    return path


def rmsprop(grad, x0, lr, rho, eps, n_steps):
    """RMSprop: s <- rho s + (1 - rho) g^2, x <- x - lr g / (sqrt(s) + eps)."""
    x, path = _start(x0, n_steps)
    s = np.zeros_like(x)
    for t in range(1, n_steps + 1):
        g = grad(x)
        # A running average of squared gradients, one per coordinate.
        s = rho * s + (1.0 - rho) * g * g
        # Each coordinate's step is divided by its own root mean square gradient.
        x = x - lr * g / np.sqrt(s + eps)
        path[t] = x
    return path


def adam(grad, x0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, n_steps=100):
    """Adam (Kingma & Ba, Algorithm 1), with bias-corrected moment estimates."""
    x, path = _start(x0, n_steps)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(1, n_steps + 1):
        g = grad(x)
        # Running averages of the gradient and of its square (both start at 0).
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        # Undo the pull towards the zero start: divide by 1 - beta^t (t counts from 1).
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        path[t] = x
    return path
