"""Wrong: subtracts the maximum before exp but forgets to add it back after the log."""

import numpy as np


def logsumexp(x, axis=-1):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.log(np.sum(np.exp(x - m), axis=axis))


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    return np.exp(x - np.expand_dims(logsumexp(x, axis=axis), axis))
