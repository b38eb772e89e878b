"""Wrong: the gradient is carried back through W2 instead of W2.T."""

from itertools import pairwise

import numpy as np

LAYERS = (1, 2, 3)


def init_params(layer_sizes, random_state=None):
    """He initialisation for layer sizes (d, h1, h2, C): W ~ N(0, 2 / fan_in), b = 0."""
    rng = np.random.default_rng(random_state)
    params = {}
    for layer, (fan_in, fan_out) in zip(LAYERS, pairwise(layer_sizes), strict=True):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def _log_softmax(Z):
    """log softmax of each row, shifted by the row maximum so exp never overflows."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def forward(params, X):
    """Class probabilities (n, C) and the cache the backward pass needs."""
    X = np.asarray(X, dtype=float)
    # Layer 1 and 2: affine map, then ReLU.
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = np.maximum(Z2, 0.0)
    # Output layer: affine map to the logits, then softmax (computed from the log-softmax).
    Z3 = A2 @ params["W3"] + params["b3"]
    P = np.exp(_log_softmax(Z3))
    return P, {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "P": P}


def loss(params, X, Y):
    """Mean cross-entropy -1/n sum_i sum_c Y_ic log P_ic, from the log-softmax (never log 0)."""
    X = np.asarray(X, dtype=float)
    A1 = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    A2 = np.maximum(A1 @ params["W2"] + params["b2"], 0.0)
    Z3 = A2 @ params["W3"] + params["b3"]
    return float(-np.sum(np.asarray(Y) * _log_softmax(Z3)) / X.shape[0])


def backward(params, cache, Y):
    """Gradients of the mean cross-entropy with respect to every parameter."""
    n = cache["X"].shape[0]
    # Softmax + cross-entropy: dL/dZ3 = (P - Y) / n (the 1/n of the mean).
    dZ3 = (cache["P"] - np.asarray(Y, dtype=float)) / n
    # Each layer Z = A_prev W + b: dW = A_prev^T dZ, db = column sums of dZ, dA_prev = dZ W^T.
    grads = {"W3": cache["A2"].T @ dZ3, "b3": dZ3.sum(axis=0)}
    # ReLU passes the gradient where its input was positive, and blocks it elsewhere.
    dZ2 = (dZ3 @ params["W3"].T) * (cache["Z2"] > 0)
    grads["W2"] = cache["A1"].T @ dZ2
    grads["b2"] = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ params["W2"]) * (cache["Z1"] > 0)
    grads["W1"] = cache["X"].T @ dZ1
    grads["b1"] = dZ1.sum(axis=0)
    return grads


def sgd_step(params, X, Y, lr, l2=0.0):
    """One gradient step on the mean cross-entropy + l2/2 * (sum of squared weights)."""
    _, cache = forward(params, X)
    grads = backward(params, cache, Y)
    new = {}
    for layer in LAYERS:
        W, b = f"W{layer}", f"b{layer}"
        # The penalty's gradient l2 * W applies to the weights only, never to the biases.
        new[W] = params[W] - lr * (grads[W] + l2 * params[W])
        new[b] = params[b] - lr * grads[b]
    return new


class MLP:
    """Multiclass classifier: two ReLU hidden layers, softmax output, mini-batch SGD."""

    def __init__(
        self, hidden=(64, 32), lr=0.05, n_epochs=30, batch_size=32, l2=0.0, random_state=None
    ):
        self.hidden = hidden
        self.lr = lr
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.l2 = l2
        self.random_state = random_state

    def fit(self, X, y):
        """Train on X (n, d) and labels y (n,); returns self."""
        X = np.asarray(X, dtype=float)
        # Labels -> indices into the sorted distinct labels -> one-hot rows.
        self.classes_, codes = np.unique(y, return_inverse=True)
        Y = np.eye(len(self.classes_))[codes]
        rng = np.random.default_rng(self.random_state)
        sizes = (X.shape[1], *self.hidden, len(self.classes_))
        params = init_params(sizes, random_state=rng)
        n = X.shape[0]
        for _ in range(self.n_epochs):
            # A fresh random order every epoch, then consecutive mini-batches of it.
            order = rng.permutation(n)
            for start in range(0, n, self.batch_size):
                batch = order[start : start + self.batch_size]
                params = sgd_step(params, X[batch], Y[batch], self.lr, self.l2)
        self.params_ = params
        return self

    def predict_proba(self, X):
        """Class probabilities (m, C), columns in the order of classes_."""
        return forward(self.params_, X)[0]

    def predict(self, X):
        """The most probable label of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
