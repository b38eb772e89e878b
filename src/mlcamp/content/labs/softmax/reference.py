"""Reference solution: log-sum-exp with the max shift, and softmax as exp(x - logsumexp)."""

import numpy as np


def logsumexp(x, axis=-1):
    """log(sum(exp(x))) along one axis, without overflow or underflow."""
    x = np.asarray(x, dtype=float)
    # The largest entry of each slice, keeping the reduced axis (length 1) so it broadcasts back.
    shift = np.max(x, axis=axis, keepdims=True)
    # A slice of only -inf has maximum -inf; shift it by 0 so we never compute -inf - (-inf).
    shift = np.where(np.isfinite(shift), shift, 0.0)
    # log sum exp(x) = m + log sum exp(x - m): every exponent is now <= 0, and the largest is 0,
    # so the sum is between 1 and the slice length (0 only for an all -inf slice, giving -inf).
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    # Drop the reduced axis; [()] turns a 0-d result (1-D input) into a plain number.
    return np.squeeze(out, axis=axis)[()]


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along one axis, without overflow or underflow."""
    x = np.asarray(x, dtype=float)
    # exp(x_i) / sum_j exp(x_j) = exp(x_i - logsumexp(x)): one stable exponential, no division.
    lse = np.expand_dims(logsumexp(x, axis=axis), axis)
    # For an all -inf slice, -inf - (-inf) is NaN, which is the agreed answer for 0 / 0.
    with np.errstate(invalid="ignore"):
        return np.exp(x - lse)
