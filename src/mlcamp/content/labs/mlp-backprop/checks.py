"""Checks for mlp-backprop: independent NumPy arithmetic and central finite differences.

The forward pass and the mean cross-entropy are recomputed here (a separate implementation of
the README's formulas, with a log-sum-exp). Gradients are checked against central finite
differences computed in this process, twice: on the independent loss (so the gradient is that
of the README's loss) and on the learner's own `loss` (so `backward` and `loss` agree). Test
networks are random with nonzero biases, and every hidden pre-activation is at least KINK away
from 0, so no finite-difference step crosses a ReLU kink. Training is graded on scikit-learn's
digits (loaded once through the oracle cache) by held-out accuracy, and by determinism.
"""

from itertools import pairwise

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_array,
    expect_same_object,
    expect_scalar,
    expect_true,
)

checks = LabChecks()

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
PROBA_RTOL = 1e-10
PROBA_ATOL = 1e-13
LOSS_RTOL = 1e-10
GRAD_RTOL = 1e-6  # relative to the largest entry of the same array
STEP = 1e-6  # finite-difference step
KINK = 1e-3  # the smallest |pre-activation| allowed in a gradient-check network
ACCURACY = 0.95
INIT_BAND = 0.15  # He init: sample std within 15% of sqrt(2 / fan_in)


# -- independent arithmetic ---------------------------------------------------------------------


def _net(seed, sizes, *, out_scale=1.0):
    """A random network with nonzero biases (so the bias gradients are exercised)."""
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(pairwise(sizes), start=1):
        params[f"W{layer}"] = rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{layer}"] = rng.normal(size=fan_out) * 0.3
    params["W3"] = params["W3"] * out_scale
    return params


def _layers(params, X):
    """Pre-activations Z1, Z2 and logits Z3 of the README's network."""
    Z1 = X @ params["W1"] + params["b1"]
    Z2 = np.where(Z1 > 0, Z1, 0.0) @ params["W2"] + params["b2"]
    Z3 = np.where(Z2 > 0, Z2, 0.0) @ params["W3"] + params["b3"]
    return Z1, Z2, Z3


def _log_probs(Z):
    top = Z.max(axis=1, keepdims=True)
    return Z - top - np.log(np.sum(np.exp(Z - top), axis=1, keepdims=True))


def _probs(params, X):
    return np.exp(_log_probs(_layers(params, X)[2]))


def _ce(params, X, Y):
    """The mean cross-entropy, computed here from the log-softmax."""
    return float(-np.sum(Y * _log_probs(_layers(params, X)[2])) / len(X))


def _numeric(f, params, keys=KEYS):
    """Central differences of f at params, one entry at a time."""
    grads = {}
    for key in keys:
        g = np.zeros_like(params[key])
        for index in np.ndindex(g.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][index] += STEP
            minus[key][index] -= STEP
            g[index] = (f(plus) - f(minus)) / (2 * STEP)
        grads[key] = g
    return grads


def _one_hot(labels, C):
    return np.eye(C)[labels]


def _case(seed, sizes, n, *, out_scale=1.0):
    """A network, inputs and one-hot targets, with every hidden unit away from its kink."""
    params = _net(seed, sizes, out_scale=out_scale)
    rng = np.random.default_rng(seed + 1000)
    X = rng.normal(size=(n, sizes[0]))
    Y = _one_hot(rng.integers(0, sizes[-1], size=n), sizes[-1])
    Z1, Z2, _ = _layers(params, X)
    if min(np.abs(Z1).min(), np.abs(Z2).min()) < KINK:
        raise RuntimeError(f"test network {seed} has a pre-activation within {KINK} of 0")
    if n >= 5 and ((Z1 > 0).sum(axis=0).min() == 0 or (Z2 > 0).sum(axis=0).min() == 0):
        raise RuntimeError(f"test network {seed} has a dead hidden unit")
    if not ((Z1 > 0).any(axis=1).all() and (Z2 > 0).any(axis=1).all()):
        raise RuntimeError(f"test network {seed} has a sample with a whole layer switched off")
    return params, X, Y


# Square hidden layers (5, 5), so a transposed weight in the backward pass gives wrong numbers
# rather than a shape error; and a non-square network with 2 classes.
SQUARE = (4, 5, 5, 3)
WIDE = (3, 6, 4, 2)


# -- comparisons --------------------------------------------------------------------------------


def _forward(learner, params, X, *, what):
    out = learner.forward(params, X)
    expect_true(
        isinstance(out, tuple | list) and len(out) == 2,
        f"forward(params, X) on {what}: expected a pair (probabilities, cache), got "
        f"{describe(out)}" + (f" of length {len(out)}" if isinstance(out, tuple | list) else ""),
    )
    return out[0], out[1]


def _diagnose_probs(got, params, X):
    """Name the mistake when the probabilities match a typical wrong forward pass."""
    if not isinstance(got, np.ndarray) or got.shape != (len(X), params["W3"].shape[1]):
        return ""
    Z3 = _layers(params, X)[2]
    candidates = {
        "softmax over the wrong axis (each COLUMN sums to 1): normalise each row": (
            np.exp(Z3 - Z3.max(axis=0)) / np.exp(Z3 - Z3.max(axis=0)).sum(axis=0)
        ),
        "tanh hidden units: the hidden layers use ReLU, max(z, 0)": _tanh_probs(params, X),
        "ReLU applied to the logits too: the output layer has no ReLU, only the softmax": (
            np.exp(_log_probs(np.maximum(Z3, 0)))
        ),
        "the biases are missing: each layer computes A W + b": _probs(
            {**params, "b1": 0 * params["b1"], "b2": 0 * params["b2"], "b3": 0 * params["b3"]},
            X,
        ),
    }
    for meaning, probs in candidates.items():
        if np.allclose(got, probs, rtol=1e-7, atol=1e-10):
            return f"; these are the probabilities with {meaning}"
    return ""


def _tanh_probs(params, X):
    A1 = np.tanh(X @ params["W1"] + params["b1"])
    A2 = np.tanh(A1 @ params["W2"] + params["b2"])
    return np.exp(_log_probs(A2 @ params["W3"] + params["b3"]))


def _expect_probs(got, params, X, *, what):
    want = _probs(params, X)
    try:
        got = expect_array(
            got,
            want,
            name=f"probabilities from forward on {what}",
            rtol=PROBA_RTOL,
            atol=PROBA_ATOL,
        )
    except CheckFailure as failure:
        raise CheckFailure(str(failure) + _diagnose_probs(got, params, X)) from None
    return got


def _expect_grad_structure(grads, params, *, what):
    expect_true(
        isinstance(grads, dict),
        f"backward on {what}: expected a dict of gradients with keys {', '.join(KEYS)}, got "
        f"{describe(grads)}",
    )
    missing = [k for k in KEYS if k not in grads]
    extra = [k for k in grads if k not in KEYS]
    expect_true(
        not missing and not extra,
        f"backward on {what}: the gradient dict must have exactly the keys {', '.join(KEYS)} "
        f"(the keys of params); missing {missing or 'none'}, unexpected {extra or 'none'}",
    )
    for key in KEYS:
        got, shape = grads[key], params[key].shape
        if not isinstance(got, np.ndarray):
            raise CheckFailure(
                f"backward on {what}: grads['{key}'] should be an array of shape {shape}, got "
                f"{describe(got)}"
            )
        if got.shape == shape:
            continue
        hint = ""
        if key.startswith("b") and got.ndim == 2 and got.shape[1:] == shape:
            hint = (
                f": one row per sample. A bias is added to every row, so its gradient is the SUM "
                f"of dZ over the batch axis: dZ.sum(axis=0), shape {shape}"
            )
            if got.shape[0] == 1:
                hint = ": keep bias gradients 1-D, like the biases (dZ.sum(axis=0))"
        elif got.shape == shape[::-1]:
            hint = (
                f": it looks transposed. For Z = A_prev @ W + b with W of shape {shape}, "
                "dW = A_prev.T @ dZ"
            )
        raise CheckFailure(
            f"backward on {what}: grads['{key}'] has shape {got.shape}, expected {shape} (the "
            f"shape of params['{key}']){hint}"
        )


def _grad_error(got, want):
    scale = float(np.max(np.abs(want)))
    return float(np.max(np.abs(got - want))) / max(scale, 1e-6)


def _layer_story(grads, want, n):
    """Which layers are wrong, and whether the error is a known one."""
    errors = {k: _grad_error(grads[k], want[k]) for k in KEYS}
    bad = [k for k in KEYS if errors[k] > GRAD_RTOL]
    if not bad:
        return ""
    finite = all(np.all(np.isfinite(grads[k])) for k in KEYS)
    if finite and n > 1 and all(_grad_error(grads[k], n * want[k]) < 1e-5 for k in KEYS):
        return (
            f"; every gradient is {n} times too large (n = {n} samples): the loss is the MEAN "
            "over the batch, so dL/dZ3 = (P - Y) / n"
        )
    if finite and all(_grad_error(grads[k], -want[k]) < 1e-5 for k in KEYS):
        return (
            "; every gradient has the wrong sign: for softmax with cross-entropy, "
            "dL/dZ3 = (P - Y) / n (probabilities minus targets)"
        )
    right = [k for k in KEYS if k not in bad]
    layers = sorted({int(k[1]) for k in bad})
    if right and layers == [1]:
        return (
            f"; {', '.join(right)} are right but {', '.join(bad)} are not: the gradients of "
            "layers 3 and 2 are fine, so look at the step that carries the gradient from layer "
            "2 back to layer 1: dA1 = dZ2 @ W2.T, then dZ1 = dA1 * (Z1 > 0)"
        )
    if right and layers == [1, 2]:
        return (
            f"; {', '.join(right)} are right but {', '.join(bad)} are not: layer 3 is fine, so "
            "look at the step from the output back to layer 2: dA2 = dZ3 @ W3.T, then "
            "dZ2 = dA2 * (Z2 > 0) (the ReLU derivative is 1 where its INPUT was positive, 0 "
            "elsewhere)"
        )
    return f"; wrong: {', '.join(bad)}" + (f"; right: {', '.join(right)}" if right else "")


def _expect_grads(grads, want, *, what, against):
    n = want["_n"]
    for key in KEYS:
        got = grads[key]
        if not np.all(np.isfinite(got)):
            raise CheckFailure(f"grads['{key}'] from backward on {what}: contains NaN or infinity")
        error = _grad_error(got, want[key])
        if error > GRAD_RTOL:
            worst = np.unravel_index(int(np.argmax(np.abs(got - want[key]))), got.shape)
            worst = tuple(int(i) for i in worst)
            raise CheckFailure(
                f"grads['{key}'] from backward on {what}: relative error {error:.3g} against "
                f"central finite differences of {against} (tolerance {GRAD_RTOL:g}, relative to "
                f"the largest |entry| of the array); worst at index {list(worst)}: got "
                f"{got[worst]:.6g}, expected {want[key][worst]:.6g}" + _layer_story(grads, want, n)
            )


def _backward(learner, params, X, Y, *, what):
    _, cache = _forward(learner, params, X, what=what)
    try:
        grads = learner.backward(params, cache, Y)
    except LearnerError as error:
        text = error.message
        if "matmul" in text or "shapes" in text or "broadcast" in text:
            raise CheckFailure(
                f"backward on {what} raised a shape error: {text.strip().splitlines()[-1]}. "
                "Check the shapes step by step: dZ3 is (n, C); dW3 = A2.T @ dZ3 is (h2, C); "
                "dA2 = dZ3 @ W3.T is (n, h2) (the weight TRANSPOSED carries the gradient "
                "back); dZ2 = dA2 * (Z2 > 0)"
            ) from None
        raise
    _expect_grad_structure(grads, params, what=what)
    return grads


def _fd_independent(params, X, Y):
    grads = _numeric(lambda p: _ce(p, X, Y), params)
    grads["_n"] = len(X)
    return grads


# -- task 1: forward pass and loss --------------------------------------------------------------


@checks.test(task=1, name="forward returns (probabilities, cache); probabilities are right")
def forward_values(learner, oracle):
    for seed, sizes, n in ((3, SQUARE, 7), (6, WIDE, 9), (1, (6, 8, 5, 4), 1)):
        params, X, _ = _case(seed, sizes, n)
        what = f"a {'-'.join(map(str, sizes))} network and {n} sample{'s' * (n > 1)}"
        P, _ = _forward(learner, params, X, what=what)
        P = _expect_probs(P, params, X, what=what)
        sums = P.sum(axis=1)
        expect_true(
            bool(np.all(np.abs(sums - 1) < 1e-12)),
            f"probabilities from forward on {what}: every row must sum to 1, row "
            f"{int(np.argmax(np.abs(sums - 1)))} sums to {sums[int(np.argmax(np.abs(sums - 1)))]}",
        )


@checks.test(task=1, name="forward with logits in the thousands (stable softmax)")
def forward_large(learner, oracle):
    params, X, _ = _case(8, SQUARE, 8, out_scale=4000.0)
    what = "logits of size up to ~3000"
    P, _ = _forward(learner, params, X, what=what)
    try:
        _expect_probs(P, params, X, what=what)
    except CheckFailure as failure:
        bad = isinstance(P, np.ndarray) and not np.all(np.isfinite(P))
        raise CheckFailure(
            str(failure)
            + (
                ". exp(3000) overflows to inf and inf / inf is NaN: subtract each row's "
                "maximum logit before exponentiating (softmax does not change under a shift)"
                if bad
                else ""
            )
        ) from None


def _expect_loss(learner, params, X, Y, *, what):
    want = _ce(params, X, Y)
    got = learner.loss(params, X, Y)
    try:
        expect_scalar(got, want, name=f"loss on {what}", rtol=LOSS_RTOL, atol=1e-12)
    except CheckFailure as failure:
        hint = ""
        if isinstance(got, float | np.floating) and np.isfinite(got):
            n = len(X)
            if n > 1 and np.isclose(got, n * want, rtol=1e-8):
                hint = f"; it is {n} times the expected value: the loss is the MEAN over samples"
            elif np.isclose(got, -want, rtol=1e-8):
                hint = "; it has the wrong sign: the cross-entropy is -sum Y log P (positive)"
        elif isinstance(got, float | np.floating):
            hint = (
                "; either exp overflowed (exp(710) is already inf) or the probability of a "
                "target class underflowed to 0 and log(0) = -inf. Compute log P directly, "
                "log P = (Z3 - max) - log(sum(exp(Z3 - max))) row by row (the log-softmax)"
            )
        raise CheckFailure(str(failure) + hint) from None


@checks.test(task=1, name="loss is the mean cross-entropy")
def loss_values(learner, oracle):
    for seed, sizes, n in ((3, SQUARE, 7), (6, WIDE, 9), (1, (6, 8, 5, 4), 1)):
        params, X, Y = _case(seed, sizes, n)
        what = f"a {'-'.join(map(str, sizes))} network and {n} sample{'s' * (n > 1)}"
        _expect_loss(learner, params, X, Y, what=what)


@checks.test(task=1, name="loss with logits in the thousands stays finite (log-softmax)")
def loss_large(learner, oracle):
    params, X, Y = _case(8, SQUARE, 8, out_scale=4000.0)
    _expect_loss(learner, params, X, Y, what="logits of size up to ~3000")


# -- task 2: backward pass ----------------------------------------------------------------------


@checks.test(task=2, name="backward returns one gradient per parameter, same keys and shapes")
def grad_structure(learner, oracle):
    for seed, sizes, n in ((3, SQUARE, 7), (6, WIDE, 9)):
        params, X, Y = _case(seed, sizes, n)
        what = f"a {'-'.join(map(str, sizes))} network and {n} samples"
        _backward(learner, params, X, Y, what=what)


@checks.test(task=2, name="gradients match finite differences of the mean cross-entropy")
def grad_independent(learner, oracle):
    params, X, Y = _case(3, SQUARE, 8)
    what = "a 4-5-5-3 network and 8 samples"
    want = oracle("fd-square", lambda: _fd_independent(params, X, Y))
    grads = _backward(learner, params, X, Y, what=what)
    _expect_grads(grads, want, what=what, against="the mean cross-entropy")


def _picks(params, per_array=4):
    """A few entries of every parameter array (all of them when the array is small)."""
    rng = np.random.default_rng(0)
    picks = {}
    for key in KEYS:
        indices = list(np.ndindex(params[key].shape))
        if len(indices) > per_array:
            chosen = rng.choice(len(indices), size=per_array, replace=False)
            indices = [indices[i] for i in sorted(chosen)]
        picks[key] = [tuple(int(i) for i in index) for index in indices]
    return picks


@checks.test(task=2, name="gradients match finite differences of your own loss")
def grad_own_loss(learner, oracle):
    params, X, Y = _case(3, SQUARE, 8)
    what = "a 4-5-5-3 network and 8 samples"
    grads = _backward(learner, params, X, Y, what=what)

    def own(p):
        value = learner.loss(p, X, Y)
        if isinstance(value, bool) or not isinstance(value, float | np.floating | int):
            raise CheckFailure(f"loss on {what}: expected a float, got {describe(value)}")
        return float(value)

    rows = []  # (excess over the tolerance, key, index, backward's value, finite difference)
    for key, indices in _picks(params).items():
        scale = max(float(np.max(np.abs(grads[key]))), 1e-12)
        for index in indices:
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][index] += STEP
            minus[key][index] -= STEP
            numeric = (own(plus) - own(minus)) / (2 * STEP)
            got = float(grads[key][index])
            rows.append((abs(got - numeric) / (GRAD_RTOL * scale), key, index, got, numeric))
    excess, key, index, got, numeric = max(rows, key=lambda row: row[0])
    if excess <= 1:
        return
    bad = [row for row in rows if row[0] > 1]
    ratios = np.array([row[3] / row[4] for row in bad if abs(row[4]) > 1e-8])
    hint = (
        " Your backward and your loss disagree: if your loss passes the task 1 tests, the bug "
        "is in backward"
    )
    if len(ratios) and np.allclose(ratios, len(X), rtol=1e-4):
        hint = f" backward is {len(X)} times the slope of your loss: divide dZ3 by n = {len(X)}"
    elif len(ratios) and np.allclose(ratios, -1, rtol=1e-4):
        hint = " backward has the opposite sign of your loss's slope: dZ3 = (P - Y) / n"
    raise CheckFailure(
        f"grads['{key}'] from backward on {what}: {len(bad)} of {len(rows)} sampled entries "
        f"differ from central finite differences of YOUR loss function (step {STEP:g}); worst "
        f"at index {list(index)}: backward gives {got:.6g}, the finite difference {numeric:.6g} "
        f"(tolerance {GRAD_RTOL:g} times the largest |entry| of grads['{key}']).{hint}"
    )


@checks.test(task=2, name="other shapes: 3-6-4-2 network with 1 and with 11 samples")
def grad_other_shapes(learner, oracle):
    cases = []
    for seed, n in ((6, 1), (14, 11)):
        params, X, Y = _case(seed, WIDE, n)
        want = oracle(f"fd-wide-{seed}", lambda p=params, X=X, Y=Y: _fd_independent(p, X, Y))
        what = f"a 3-6-4-2 network and {n} sample{'s' * (n > 1)}"
        cases.append((params, X, Y, want, what))
    # Each case on its own: forward, then backward with that cache.
    for params, X, Y, want, what in cases:
        grads = _backward(learner, params, X, Y, what=what)
        _expect_grads(grads, want, what=what, against="the mean cross-entropy")
    # Both forward passes first, then both backward passes: each cache must carry its own data.
    caches = [_forward(learner, params, X, what=what)[1] for params, X, _, _, what in cases]
    for (params, _, Y, want, what), cache in zip(cases, caches, strict=True):
        advice = (
            f"backward on {what}, called with the cache of an earlier forward call (another "
            "forward call came in between): {}. The same call right after its own forward pass "
            "was right, so backward is using values the most recent forward call left behind "
            "(a global or module-level variable) instead of the cache it is given"
        )
        try:
            grads = learner.backward(params, cache, Y)
            _expect_grad_structure(grads, params, what=what)
            _expect_grads(grads, want, what=what, against="the mean cross-entropy")
        except LearnerError as error:
            raise CheckFailure(advice.format(error.message.strip().splitlines()[-1])) from None
        except CheckFailure as failure:
            raise CheckFailure(advice.format(str(failure).split(";")[0])) from None


# -- task 3: initialisation and one SGD step ----------------------------------------------------


@checks.test(task=3, name="init_params: shapes, zero biases, He scale, reproducible")
def initialisation(learner, oracle):
    sizes = (64, 128, 64, 10)
    params = learner.init_params(sizes, random_state=0)
    expect_true(
        isinstance(params, dict) and sorted(params) == sorted(KEYS),
        f"init_params{sizes}: expected a dict with exactly the keys {', '.join(KEYS)}, got "
        f"{describe(params)}"
        + (f" with keys {sorted(params)}" if isinstance(params, dict) else ""),
    )
    for layer, (fan_in, fan_out) in enumerate(pairwise(sizes), start=1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        expect_array(b, np.zeros(fan_out), name=f"init_params: b{layer} (biases start at 0)")
        expect_true(
            isinstance(W, np.ndarray) and W.shape == (fan_in, fan_out),
            f"init_params: W{layer} should be an array of shape {(fan_in, fan_out)} (fan_in, "
            f"fan_out), got {describe(W)}",
        )
        target = np.sqrt(2.0 / fan_in)
        std = float(np.std(W))
        expect_true(
            abs(std - target) <= INIT_BAND * target,
            f"init_params: W{layer} has standard deviation {std:.4g}, expected sqrt(2 / fan_in) "
            f"= {target:.4g} (He initialisation, fan_in = {fan_in}) within {INIT_BAND:.0%}"
            + (
                "; it looks like sqrt(1 / fan_in), which makes ReLU activations shrink layer "
                "after layer"
                if abs(std - np.sqrt(1.0 / fan_in)) <= INIT_BAND * np.sqrt(1.0 / fan_in)
                else ""
            ),
        )
        mean = float(np.mean(W))
        expect_true(
            abs(mean) <= 5 * target / np.sqrt(W.size),
            f"init_params: W{layer} has mean {mean:.4g}; the weights should be centred on 0",
        )
    again = learner.init_params(sizes, random_state=0)
    other = learner.init_params(sizes, random_state=1)
    for key in KEYS:
        expect_array(
            again[key],
            params[key],
            name=f"init_params(..., random_state=0) called twice: {key}",
            rtol=0,
            atol=0,
        )
    expect_true(
        not np.array_equal(other["W1"], params["W1"]),
        "init_params: random_state=0 and random_state=1 gave the same W1",
    )


def _sgd_expected(params, grads, lr, l2):
    return {
        key: params[key] - lr * (grads[key] + (l2 * params[key] if key[0] == "W" else 0.0))
        for key in KEYS
    }


@checks.test(task=3, name="sgd_step: one step on the mean cross-entropy + l2/2 sum ||W||^2")
def sgd(learner, oracle):
    params, X, Y = _case(3, SQUARE, 8)
    grads = oracle("fd-square", lambda: _fd_independent(params, X, Y))
    for lr, l2 in ((0.5, 0.0), (0.3, 0.1)):
        what = f"sgd_step with lr={lr}, l2={l2}"
        got = learner.sgd_step(params, X, Y, lr, l2)
        expect_true(
            isinstance(got, dict) and sorted(got) == sorted(KEYS),
            f"{what}: expected a dict of new parameters with the keys {', '.join(KEYS)}, got "
            f"{describe(got)}",
        )
        want = _sgd_expected(params, grads, lr, l2)
        for key in KEYS:
            try:
                expect_array(
                    got[key],
                    want[key],
                    name=f"{what}: new {key}",
                    rtol=0,
                    atol=lr * GRAD_RTOL * max(float(np.max(np.abs(grads[key]))), 1e-3),
                )
            except CheckFailure as failure:
                raise CheckFailure(
                    str(failure) + _diagnose_step(got, params, grads, lr, l2)
                ) from None


def _diagnose_step(got, params, grads, lr, l2):
    if not all(isinstance(got[k], np.ndarray) and got[k].shape == params[k].shape for k in KEYS):
        return ""
    candidates = {
        "the biases were penalised too: l2 * W applies to the weights only": {
            k: params[k] - lr * (grads[k] + l2 * params[k]) for k in KEYS
        },
        "the penalty gradient is 2 * l2 * W: the penalty is l2/2 * ||W||^2, its gradient l2 * W": (
            _sgd_expected(params, grads, lr, 2 * l2)
        ),
        "l2 was ignored": _sgd_expected(params, grads, lr, 0.0),
        "the step went UP the gradient: subtract lr * gradient": _sgd_expected(
            params, {k: -grads[k] for k in KEYS}, lr, -l2
        ),
        "the parameters are unchanged": dict(params),
    }
    for meaning, want in candidates.items():
        if all(np.allclose(got[k], want[k], rtol=1e-7, atol=1e-9) for k in KEYS):
            return f"; it looks like {meaning}"
    return ""


# -- task 4: training on digits -----------------------------------------------------------------


def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X.astype(float), y.astype(np.int64)


def _digits_split(oracle):
    """scikit-learn's digits, a fixed 1347 / 450 split, standardised with the training stats."""
    X = oracle("digits-X", lambda: _digits()[0])
    y = oracle("digits-y", lambda: _digits()[1])
    order = np.random.default_rng(0).permutation(len(X))
    train, test = order[:1347], order[1347:]
    mean = X[train].mean(axis=0)
    std = X[train].std(axis=0)
    std[std == 0] = 1.0  # pixels that are always blank stay 0
    return (X[train] - mean) / std, y[train], (X[test] - mean) / std, y[test]


def _blobs(seed, n_per, labels):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(labels), 5)) * 6
    X = np.vstack([c + rng.normal(size=(n_per, 5)) for c in centres])
    y = np.repeat(np.asarray(labels), n_per)
    order = rng.permutation(len(X))
    return X[order], y[order]


@checks.test(task=4, name="MLP on digits: at least 95% accuracy on held-out images")
def digits(learner, oracle):
    X_train, y_train, X_test, y_test = _digits_split(oracle)
    model = learner.MLP(hidden=(64, 32), lr=0.2, n_epochs=15, batch_size=64, random_state=0)
    expect_same_object(model.fit(X_train, y_train), model, name="fit(X, y)")
    expect_array(model.classes_, np.arange(10), name="classes_ on digits", integer=False)
    proba = model.predict_proba(X_test)
    expect_true(
        isinstance(proba, np.ndarray) and proba.shape == (len(X_test), 10),
        f"predict_proba on the 450 test images: expected shape (450, 10), got {describe(proba)}",
    )
    expect_true(
        bool(np.all(np.isfinite(proba))),
        "predict_proba on the test images contains NaN or infinity: training diverged. A wrong "
        "gradient (see the task 2 and 3 tests) or a softmax without the max shift are the "
        "usual causes",
    )
    expect_true(
        bool(np.allclose(proba.sum(axis=1), 1, atol=1e-9)),
        "predict_proba on the test images: every row must sum to 1",
    )
    predicted = model.predict(X_test)
    expect_array(
        predicted,
        np.argmax(proba, axis=1),
        name="predict on the test images (the class of largest probability)",
        integer=False,
    )
    accuracy = float(np.mean(predicted == y_test))
    train_accuracy = float(np.mean(model.predict(X_train) == y_train))
    if accuracy < ACCURACY:
        hint = ""
        if train_accuracy < 0.5:
            hint = (
                f" The training accuracy is only {train_accuracy:.3f}, so the network barely "
                "learned: check that every mini-batch step uses the gradients from backward "
                "(W -= lr * dW), that the rows of a batch keep their own labels when you "
                "shuffle, and that the weights start random (He scale), not at zero"
            )
        raise CheckFailure(
            f"accuracy on the 450 held-out digits: {accuracy:.3f}, expected at least "
            f"{ACCURACY} (training accuracy {train_accuracy:.3f}) with hidden=(64, 32), lr=0.2, "
            f"n_epochs=15, batch_size=64.{hint}"
        )


@checks.test(task=4, name="any labels: strings and integers that are not 0..C-1")
def labels(learner, oracle):
    for names in (["cat", "dog", "emu"], [3, 7, 11, 20]):
        X, y = _blobs(7, 40, names)
        model = learner.MLP(hidden=(16, 8), lr=0.1, n_epochs=20, batch_size=16, random_state=1)
        model.fit(X, y)
        want = np.unique(np.asarray(names))
        expect_array(model.classes_, want, name=f"classes_ with labels {names}")
        predicted = model.predict(X)
        expect_true(
            isinstance(predicted, np.ndarray) and predicted.shape == y.shape,
            f"predict with labels {names}: expected an array of shape {y.shape}, got "
            f"{describe(predicted)}",
        )
        expect_true(
            set(np.unique(predicted).tolist()) <= set(want.tolist()),
            f"predict with labels {names}: returned {sorted(set(predicted.tolist()))[:5]}, which "
            "are not the training labels: return classes_[argmax of the probabilities]",
        )
        accuracy = float(np.mean(predicted == y))
        expect_true(
            accuracy >= 0.95,
            f"training accuracy with labels {names} on well-separated blobs: {accuracy:.3f}, "
            "expected at least 0.95. If the gradient tests pass, make sure column j of the "
            "one-hot targets is classes_[j] and that predict returns classes_[argmax]",
        )


@checks.test(task=4, name="the same random_state gives the same network")
def deterministic(learner, oracle):
    X, y = _blobs(8, 30, [0, 1, 2])
    kwargs = {"hidden": (8, 6), "lr": 0.1, "n_epochs": 5, "batch_size": 10, "random_state": 4}
    first = learner.MLP(**kwargs).fit(X, y)
    second = learner.MLP(**kwargs).fit(X, y)
    params = first.params_
    expect_true(
        isinstance(params, dict) and sorted(params) == sorted(KEYS),
        f"params_: expected a dict with the keys {', '.join(KEYS)}, got {describe(params)}",
    )
    shapes = {"W1": (5, 8), "b1": (8,), "W2": (8, 6), "b2": (6,), "W3": (6, 3), "b3": (3,)}
    for key, shape in shapes.items():
        expect_true(
            isinstance(params[key], np.ndarray) and params[key].shape == shape,
            f"params_['{key}'] with 5 features, hidden=(8, 6) and 3 classes: expected shape "
            f"{shape}, got {describe(params[key])}",
        )
    expect_array(
        second.predict_proba(X),
        first.predict_proba(X),
        name="predict_proba of a second fit with random_state=4 (must be identical)",
        rtol=0,
        atol=0,
    )


# -- speed and the library baseline -------------------------------------------------------------

PERF_SIZES = (64, 64, 32, 10)


@checks.performance(sizes=[100, 200, 400, 800, 1600])
def speed(learner, n, rng):
    # One SGD step = one forward and one backward pass on a batch of n samples.
    params = _net(0, PERF_SIZES)
    X = rng.normal(size=(n, PERF_SIZES[0]))
    Y = _one_hot(rng.integers(0, PERF_SIZES[-1], size=n), PERF_SIZES[-1])
    learner.sgd_step(params, X, Y, 0.1, 0.0)


def _library():
    from sklearn.neural_network import MLPClassifier

    def sgd_step(params, X, Y, lr, l2=0.0):
        # scikit-learn's own forward + backward pass (private API of MLPClassifier).
        net = MLPClassifier(hidden_layer_sizes=PERF_SIZES[1:-1], activation="relu", alpha=0.0)
        net.coefs_ = [params["W1"], params["W2"], params["W3"]]
        net.intercepts_ = [params["b1"], params["b2"], params["b3"]]
        net.n_layers_ = 4
        net.out_activation_ = "softmax"
        activations = [X, None, None, None]
        deltas, coef_grads, intercept_grads = [None] * 3, [None] * 3, [None] * 3
        net._backprop(X, Y, None, activations, deltas, coef_grads, intercept_grads)
        new = {}
        for layer in range(3):
            W, b = params[f"W{layer + 1}"], params[f"b{layer + 1}"]
            new[f"W{layer + 1}"] = W - lr * (coef_grads[layer] + l2 * W)
            new[f"b{layer + 1}"] = b - lr * intercept_grads[layer]
        return new

    return {"sgd_step": sgd_step}


checks.baseline(
    _library,
    note="one forward + backward pass of scikit-learn's MLPClassifier (its private _backprop), "
    "then the same update; training itself (MLPClassifier.fit) uses another optimiser",
)
