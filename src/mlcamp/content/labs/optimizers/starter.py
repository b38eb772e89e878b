"""Lab: momentum, RMSprop and Adam. See README.md for the update equations and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


def momentum(grad, x0, lr, beta, n_steps):
    """Gradient descent with heavy-ball momentum.

    v_0 = 0, and for t = 1, ..., n_steps:
        v_t = beta * v_{t-1} + grad(x_{t-1})
        x_t = x_{t-1} - lr * v_t

    Parameters
    ----------
    grad : callable, grad(x) -> array of shape (d,), for x a float array of shape (d,)
    x0 : array-like of shape (d,), the starting point (leave it unchanged)
    lr : float, the step size
    beta : float in [0, 1), how much of the previous velocity is kept
    n_steps : int >= 0

    Returns
    -------
    path : ndarray of shape (n_steps + 1, d), float; row 0 is x0, row t is x_t
    """
    raise NotImplementedError


def rmsprop(grad, x0, lr, rho, eps, n_steps):
    """RMSprop.

    s_0 = 0, and for t = 1, ..., n_steps, with g = grad(x_{t-1}) (squares entrywise):
        s_t = rho * s_{t-1} + (1 - rho) * g ** 2
        x_t = x_{t-1} - lr * g / (sqrt(s_t) + eps)

    Returns the path, an array of shape (n_steps + 1, d) whose row 0 is x0.
    """
    raise NotImplementedError


def adam(grad, x0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, n_steps=100):
    """Adam, as in Algorithm 1 of Kingma & Ba (2015).

    m_0 = v_0 = 0, and for t = 1, ..., n_steps, with g = grad(x_{t-1}):
        m_t = beta1 * m_{t-1} + (1 - beta1) * g
        v_t = beta2 * v_{t-1} + (1 - beta2) * g ** 2
        m_hat = m_t / (1 - beta1 ** t),   v_hat = v_t / (1 - beta2 ** t)
        x_t = x_{t-1} - lr * m_hat / (sqrt(v_hat) + eps)

    Returns the path, an array of shape (n_steps + 1, d) whose row 0 is x0.
    """
    raise NotImplementedError
