"""Lab: a two-hidden-layer network with hand-written backpropagation. See README.md."""

import numpy as np  # noqa: F401


def init_params(layer_sizes, random_state=None):
    """He initialisation for layer_sizes = (d, h1, h2, C).

    Returns a dict with W1 (d, h1), b1 (h1,), W2 (h1, h2), b2 (h2,), W3 (h2, C), b3 (C,):
    every W_l drawn with mean 0 and variance 2 / fan_in (fan_in = its number of rows), every
    bias zero. The same integer random_state gives the same arrays.
    """
    raise NotImplementedError


def forward(params, X):
    """Forward pass on X (n, d): returns (P, cache).

    P is (n, C), row i the softmax probabilities of sample i. cache is anything you like
    (a dict of arrays is simplest) that backward needs: at least X and the hidden layers.
    """
    raise NotImplementedError


def loss(params, X, Y):
    """Mean cross-entropy: -1/n * sum_i sum_c Y[i, c] * log P[i, c], as a float.

    Y is (n, C), one-hot. Must stay finite for logits in the thousands.
    """
    raise NotImplementedError


def backward(params, cache, Y):
    """Gradients of loss(params, X, Y) with respect to every parameter.

    cache is what forward(params, X) returned. Returns a dict with the keys of params, each
    gradient of the same shape as its parameter.
    """
    raise NotImplementedError


def sgd_step(params, X, Y, lr, l2=0.0):
    """One gradient-descent step on loss + l2 / 2 * (sum of squared weights, biases excluded).

    Returns a new dict of parameters (same keys and shapes).
    """
    raise NotImplementedError


class MLP:
    """Multiclass classifier: two ReLU hidden layers, softmax output, trained by mini-batch SGD.

    Attributes after fit: classes_ (C,) the sorted distinct labels; params_ the dict of
    parameters (the same layout as init_params).
    """

    def __init__(
        self, hidden=(64, 32), lr=0.05, n_epochs=30, batch_size=32, l2=0.0, random_state=None
    ):
        raise NotImplementedError

    def fit(self, X, y):
        """Train on X (n, d) and labels y (n,); returns self."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Array (m, C): column j is the probability of classes_[j]."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of labels taken from classes_."""
        raise NotImplementedError
