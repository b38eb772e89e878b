"""Checks for optimizers.

Oracles: hand-computed first steps (exact dyadic numbers); whole trajectories from plain
coordinate-by-coordinate Python loops written here from the README's equations (not the
reference), with SciPy's `rosen_der` as the Rosenbrock gradient; the minimisers, from
`scipy.linalg.solve` for the quadratic and (1, 1) for Rosenbrock. The same loops with one
deliberate mistake each recognise the usual mistakes in failure messages.

Gradients are sent as `Code` blocks. For the "x0 is left alone" test, x0 itself is built in the
sandbox and remembered there, and the gradient checks at every call that x0 still holds its
values: a `CallProblem` raised there becomes a failure that says so.
"""

import math

import numpy as np

from mlcamp.grader.harness import Code
from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, describe, expect_array, expect_true

checks = LabChecks()

RTOL = 1e-9
"""Trajectories: |got - want| <= RTOL * (|want| + scale), scale = largest |entry| of the oracle."""


# -- gradients ------------------------------------------------------------------------------------


def _literal(array):
    """Source text that rebuilds `array` bit for bit in the sandbox."""
    a = np.ascontiguousarray(array, dtype="<f8")
    return f"np.frombuffer(bytes.fromhex('{a.tobytes().hex()}'), dtype='<f8').reshape({a.shape})"


_PROBE = """
import sys
import types

probe = sys.modules.setdefault("mlcamp_probe", types.ModuleType("mlcamp_probe"))


class CallProblem(Exception):
    pass
"""

_WATCH = """
    for array, saved in getattr(probe, "watched", []):
        if not np.array_equal(array, saved):
            i = int(np.argwhere(array != saved)[0][0])
            raise CallProblem(
                f"x0 was changed while the optimiser ran: x0[{i}] is now {float(array[i])!r}, "
                f"it was {float(saved[i])!r}. Your x is the same array as x0 and the update "
                "writes into it: np.asarray(x0, dtype=float) does not copy a float array; start "
                "from x = np.array(x0, dtype=float), which always copies"
            )
"""


_SHAPE = """
def grad(x):
    if not isinstance(x, np.ndarray) or x.shape != (D_,) or x.dtype.kind != "f":
        got = type(x).__name__
        if isinstance(x, np.ndarray):
            got = f"an array of shape {x.shape} and dtype {x.dtype}"
        raise CallProblem(
            f"grad was called with {got}; expected a float vector of shape (D_,), the shape "
            "of x0 (keep x one-dimensional, and float)"
        )
"""


class Gradient:
    """A gradient: an expression in x and named constants, sent as code and evaluated here."""

    def __init__(self, body, description, **constants):
        self.body = body
        self.description = description
        self.constants = {k: np.asarray(v, dtype=float) for k, v in constants.items()}

    def code(self, d, *, watch=False):
        """grad for the sandbox; it checks that it gets a float vector of d entries."""
        lines = [_PROBE] + [f"{k} = {_literal(v)}" for k, v in self.constants.items()]
        lines.append(_SHAPE.replace("D_", str(d)))
        if watch:
            lines.append(_WATCH)
        lines.append(f"    return {self.body}")
        return Code("\n".join(lines), name="grad")

    def local(self):
        return eval(f"lambda x: {self.body}", {"np": np, "math": math, **self.constants})


def _quadratic(seed, d, condition, *, offset=5.0):
    """f(x) = 0.5 x'Ax - b'x with eigenvalues from 1 to `condition`; its minimiser x*."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = Q @ np.diag(np.geomspace(1.0, condition, d)) @ Q.T
    A = (A + A.T) / 2
    b = A @ (rng.normal(size=d) * 3.0 + offset)
    return Gradient("A @ x - b", f"A x - b (d={d}, condition number {condition:g})", A=A, b=b)


IDENTITY = Gradient("x", "x (the gradient of 0.5 ||x||^2)")
QUAD5 = _quadratic(1, 5, 10.0)
QUAD10 = _quadratic(2, 10, 100.0)
ONE_D = Gradient("4.0 * (x - 3.0) ** 3 + (x - 3.0)", "4 (x - 3)^3 + (x - 3), d = 1")
ROSENBROCK = Gradient(
    "np.array([-2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] ** 2), "
    "200.0 * (x[1] - x[0] ** 2)])",
    "the Rosenbrock function (1 - x)^2 + 100 (y - x^2)^2",
)
ROSEN_START = np.array([-1.2, 1.0])


def _local_gradient(gradient):
    if gradient is ROSENBROCK:
        from scipy.optimize import rosen_der

        return rosen_der
    return gradient.local()


# -- the oracle: plain loops over coordinates -----------------------------------------------------


def _run(method, gradient, x0, params, n_steps, mistake=None):
    """The README's update equations, one coordinate at a time, optionally with one mistake."""
    grad = _local_gradient(gradient)
    x = [float(v) for v in np.asarray(x0, dtype=float)]
    d = len(x)
    first, second = [0.0] * d, [0.0] * d
    rows = [list(x)]
    for t in range(1, n_steps + 1):
        with np.errstate(all="ignore"):  # the paths of some mistakes blow up
            g = [float(v) for v in grad(np.array(x))]
        for i in range(d):
            if method == "momentum":
                step = _momentum_step(g[i], first, i, params, mistake)
            elif method == "rmsprop":
                step = _rmsprop_step(g[i], second, i, params, mistake)
            else:
                step = _adam_step(g[i], first, second, i, t, params, mistake)
            x[i] = x[i] - step
        rows.append(list(x))
    return np.array(rows)


def _momentum_step(g, v, i, params, mistake):
    lr, beta = params["lr"], params["beta"]
    old = v[i]
    v[i] = beta * v[i] + ((1.0 - beta) * g if mistake == "average" else g)
    if mistake == "sign":
        return -lr * v[i]
    if mistake == "stale":
        return lr * old
    return lr * v[i]


def _rmsprop_step(g, s, i, params, mistake):
    lr, rho, eps = params["lr"], params["rho"], params["eps"]
    old = s[i]
    s[i] = rho * s[i] + (g * g if mistake == "no-average" else (1.0 - rho) * g * g)
    if mistake == "inside":
        return lr * g / math.sqrt(s[i] + eps)
    if mistake == "stale":
        return lr * g / (math.sqrt(old) + eps)
    return lr * g / (math.sqrt(s[i]) + eps)


def _adam_step(g, m, v, i, t, params, mistake):
    lr, b1, b2, eps = params["lr"], params["beta1"], params["beta2"], params["eps"]
    m[i] = b1 * m[i] + (1.0 - b1) * g
    v[i] = b2 * v[i] + (1.0 - b2) * g * g
    if mistake == "no-correction":
        return lr * m[i] / (math.sqrt(v[i]) + eps)
    if mistake == "late-t":
        m_hat, v_hat = m[i] / (1.0 - b1 ** (t + 1)), v[i] / (1.0 - b2 ** (t + 1))
    else:
        m_hat, v_hat = m[i] / (1.0 - b1**t), v[i] / (1.0 - b2**t)
    if mistake == "inside":
        return lr * m_hat / math.sqrt(v_hat + eps)
    if mistake == "eps-uncorrected":
        # The "efficient" form: a corrected step size, eps added to sqrt(v) (TensorFlow's).
        return lr * math.sqrt(1.0 - b2**t) / (1.0 - b1**t) * m[i] / (math.sqrt(v[i]) + eps)
    return lr * m_hat / (math.sqrt(v_hat) + eps)


MISTAKES = {
    "momentum": [
        (
            "sign",
            "the steps go uphill: the update is x <- x - lr v, with v = beta v + grad(x) "
            "(a sign error)",
        ),
        (
            "average",
            "this is the averaged form v = beta v + (1 - beta) grad(x); the README's velocity "
            "is v = beta v + grad(x), with no (1 - beta) factor",
        ),
        (
            "stale",
            "x moved with the OLD velocity (row 1 equals x0): update v first, then x <- x - lr v",
        ),
    ],
    "rmsprop": [
        (
            "inside",
            "eps is inside the square root: the README divides by sqrt(s) + eps, not by "
            "sqrt(s + eps)",
        ),
        (
            "no-average",
            "s accumulated g^2 without the (1 - rho) factor: s = rho s + (1 - rho) g^2",
        ),
        (
            "stale",
            "the step used s from the previous step: update s with the new g^2 first, then x",
        ),
    ],
    "adam": [
        (
            "no-correction",
            "there is no bias correction: divide m by (1 - beta1^t) and v by (1 - beta2^t) "
            "before the step, with t = 1 at the first step",
        ),
        (
            "late-t",
            "the bias correction uses t + 1: at the first step t = 1, so it divides by "
            "(1 - beta1) and (1 - beta2)",
        ),
        (
            "inside",
            "eps is inside the square root: the README divides by sqrt(v_hat) + eps",
        ),
        (
            "eps-uncorrected",
            "eps was added to sqrt(v) instead of sqrt(v_hat) (the paper's 'efficient' variant, "
            "as TensorFlow does it); the README adds eps to sqrt(v_hat), as Algorithm 1 does",
        ),
    ],
}


# -- comparing trajectories -----------------------------------------------------------------------


def _signature(method, params, n_steps):
    args = ", ".join(f"{k}={v:g}" for k, v in params.items())
    return f"{method}(grad, x0, {args}, n_steps={n_steps})"


def _call(
    learner, method, gradient, x0, params, n_steps, *, watch=False, sent=None, defaults=False
):
    """Call the learner's optimiser (with no hyperparameters at all when `defaults`)."""
    name = f"{_signature(method, params, n_steps)} with grad = {gradient.description}"
    if defaults:
        name = f"{method}(grad, x0) with its defaults and grad = {gradient.description}"
    function = getattr(learner, method)
    code = gradient.code(len(x0), watch=watch)
    start = x0 if sent is None else sent
    try:
        got = (
            function(code, start) if defaults else function(code, start, **params, n_steps=n_steps)
        )
    except LearnerError as error:
        if error.exception_type == "CallProblem":
            raise CheckFailure(f"{name}: {error.message.rsplit('CallProblem: ', 1)[-1]}") from None
        if "cast" in error.message and "int" in error.message:
            raise CheckFailure(
                f"{name}: your code raised {error.exception_type} with an integer x0: an "
                "in-place update of an integer array cannot hold the float result; start from "
                "a float copy, x = np.array(x0, dtype=float)"
            ) from None
        if defaults and error.exception_type == "TypeError":
            raise CheckFailure(
                f"{name}: your {method} needs more arguments; the README gives the defaults "
                "lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, n_steps=100"
            ) from None
        raise
    return name, got


def _expect_path(name, got, want, *, mistakes=(), rows=None):
    """Check the shape, row 0 and every row (or the first `rows`); name a recognised mistake."""
    n_rows, d = want.shape
    if isinstance(got, list | tuple):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected an array of shape {want.shape}, got {describe(got)}")
    if got.shape == (n_rows - 1, d):
        starts_at_x0 = len(got) > 0 and np.allclose(got[0], want[0], rtol=1e-12, atol=0)
        raise CheckFailure(
            f"{name}: expected shape {want.shape} (n_steps + 1 rows: x0, then one row per step), "
            f"got {got.shape}: "
            + (
                "the last step is missing"
                if starts_at_x0
                else "row 0 must be x0 itself, before any step"
            )
        )
    if got.shape == (n_rows,) and d == 1:
        raise CheckFailure(
            f"{name}: expected shape {want.shape} (one row per point, one column per "
            f"coordinate, also when d = 1), got {got.shape}"
        )
    ok_rows = got.shape == want.shape and got.dtype.kind in "fiu"
    if ok_rows and not np.array_equal(got[0], want[0]):
        raise CheckFailure(
            f"{name}: row 0 must be x0 exactly, {want[0].tolist()}, got {got[0].tolist()}"
        )
    if ok_rows and rows is not None:
        # Only the first rows are compared: later ones depend on rounding (see the README).
        name = f"{name}, rows 0 to {rows - 1}"
        got, want = got[:rows], want[:rows]
        mistakes = [(path[:rows], meaning) for path, meaning in mistakes]
    scale = float(np.max(np.abs(want)))
    try:
        expect_array(got, want, name=name, rtol=RTOL, atol=RTOL * scale)
    except CheckFailure as failure:
        raise CheckFailure(f"{failure}{_explain(got, want, mistakes, scale)}") from None


def _explain(got, want, mistakes, scale):
    if got.shape != want.shape or got.dtype.kind not in "fiu":
        return ""
    if not np.all(np.isfinite(got)):
        first = int(np.argmax(~np.all(np.isfinite(got), axis=1)))
        return f"; row {first} is the first with NaN or infinity" + (
            ", at the first step: in Adam, t must be 1 there, since 1 - beta^0 = 0"
            if first == 1
            else ""
        )
    for path, meaning in mistakes:
        if path.shape == got.shape and np.all(np.abs(got - path) <= 1e-6 * (np.abs(path) + scale)):
            return f"; {meaning}"
    bad = np.any(np.abs(got - want) > RTOL * (np.abs(want) + scale), axis=1)
    first = int(np.argmax(bad))
    return (
        f"; the first row that differs is row {first} (after step {first}): rows before it "
        "match, so compare your update at that step with the README's equations"
    )


def _expect_run(
    learner, oracle, key, method, gradient, x0, params, n_steps, *, rows=None, **kwargs
):
    """Run the learner's optimiser and compare its trajectory with the oracle loop's."""
    name, got = _call(learner, method, gradient, x0, params, n_steps, **kwargs)
    want = oracle(key, lambda: _run(method, gradient, x0, params, n_steps))
    try:
        _expect_path(name, got, want, rows=rows)
    except CheckFailure as failure:
        mistakes = [
            (
                oracle(
                    f"{key}-{tag}", lambda tag=tag: _run(method, gradient, x0, params, n_steps, tag)
                ),
                meaning,
            )
            for tag, meaning in MISTAKES[method]
        ]
        _expect_path(name, got, want, mistakes=mistakes, rows=rows)
        raise failure
    return got


# -- task 1: momentum -----------------------------------------------------------------------------

HAND = {
    # grad(x) = x from x0 = (1, -2): every number below is exact in binary floating point.
    "momentum": (
        {"lr": 0.5, "beta": 0.5},
        # v1 = (1, -2), x1 = (0.5, -1); v2 = 0.5 v1 + x1 = (1, -2), x2 = (0, 0);
        # v3 = 0.5 v2 + 0 = (0.5, -1), x3 = (-0.25, 0.5).
        [[1.0, -2.0], [0.5, -1.0], [0.0, 0.0], [-0.25, 0.5]],
    ),
    "rmsprop": (
        {"lr": 0.75, "rho": 0.75, "eps": 0.5},
        # s1 = 0.25 g^2 = (0.25, 1), sqrt = (0.5, 1); x1 = x0 - 0.75 g / (sqrt + 0.5)
        #    = (1 - 0.75, -2 + 1) = (0.25, -1).
        [[1.0, -2.0], [0.25, -1.0]],
    ),
    "adam": (
        {"lr": 0.25, "beta1": 0.5, "beta2": 0.9375, "eps": 0.0},
        # t = 1: m_hat = g and v_hat = g^2 whatever the betas, so x1 = x0 - 0.25 sign(g).
        # (Without the correction, m = 0.5 g and sqrt(v) = 0.25 |g|: a step of 0.5 sign(g).)
        [[1.0, -2.0], [0.75, -1.75]],
    ),
}


def _hand(learner, oracle, method):
    params, rows = HAND[method]
    want = np.array(rows)
    n_steps = len(rows) - 1
    name, got = _call(learner, method, IDENTITY, np.array([1.0, -2.0]), params, n_steps)
    try:
        _expect_path(name, got, want)
    except CheckFailure:
        mistakes = [
            (
                oracle(
                    f"hand-{method}-{tag}",
                    lambda tag=tag: _run(method, IDENTITY, want[0], params, n_steps, tag),
                ),
                meaning,
            )
            for tag, meaning in MISTAKES[method]
        ]
        _expect_path(name + " (checked by hand)", got, want, mistakes=mistakes)


@checks.test(task=1, name="momentum: the first 3 steps by hand (exact numbers)")
def momentum_hand(learner, oracle):
    _hand(learner, oracle, "momentum")


@checks.test(task=1, name="momentum: 60 steps on a 5-d quadratic, two settings of beta")
def momentum_path(learner, oracle):
    x0 = np.random.default_rng(11).normal(size=5)
    for beta in (0.9, 0.5):
        params = {"lr": 0.05, "beta": beta}
        _expect_run(learner, oracle, f"mom-quad-{beta}", "momentum", QUAD5, x0, params, 60)


@checks.test(task=1, name="momentum: d = 1, and n_steps = 0 gives x0 alone")
def momentum_edges(learner, oracle):
    params = {"lr": 0.01, "beta": 0.8}
    _expect_run(learner, oracle, "mom-1d", "momentum", ONE_D, np.array([0.5]), params, 40)
    _expect_run(learner, oracle, "mom-zero", "momentum", QUAD5, np.arange(5.0), params, 0)


# -- task 2: rmsprop ------------------------------------------------------------------------------


@checks.test(task=2, name="rmsprop: the first step by hand, eps = 0.5 (eps outside the root)")
def rmsprop_hand(learner, oracle):
    _hand(learner, oracle, "rmsprop")


@checks.test(task=2, name="rmsprop: 80 steps on a 5-d quadratic, eps = 1e-8 and eps = 0.1")
def rmsprop_path(learner, oracle):
    x0 = np.random.default_rng(12).normal(size=5)
    for eps in (1e-8, 0.1):
        params = {"lr": 0.05, "rho": 0.9, "eps": eps}
        _expect_run(learner, oracle, f"rms-quad-{eps:g}", "rmsprop", QUAD5, x0, params, 80)


@checks.test(task=2, name="rmsprop: d = 1")
def rmsprop_edges(learner, oracle):
    params = {"lr": 0.01, "rho": 0.8, "eps": 1e-6}
    _expect_run(learner, oracle, "rms-1d", "rmsprop", ONE_D, np.array([0.5]), params, 50)


# -- task 3: adam ---------------------------------------------------------------------------------


@checks.test(task=3, name="adam: the first step by hand is lr * sign(g), whatever the betas")
def adam_hand(learner, oracle):
    _hand(learner, oracle, "adam")


@checks.test(task=3, name="adam: the default hyperparameters (lr=1e-3, n_steps=100)")
def adam_defaults(learner, oracle):
    x0 = np.random.default_rng(13).normal(size=5)
    params = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    _expect_run(learner, oracle, "adam-defaults", "adam", QUAD5, x0, params, 100, defaults=True)


@checks.test(task=3, name="adam: 80 steps on a 5-d quadratic, eps = 1e-8 and eps = 0.1")
def adam_path(learner, oracle):
    x0 = np.random.default_rng(14).normal(size=5)
    for eps in (1e-8, 0.1):
        params = {"lr": 0.05, "beta1": 0.9, "beta2": 0.99, "eps": eps}
        _expect_run(learner, oracle, f"adam-quad-{eps:g}", "adam", QUAD5, x0, params, 80)


@checks.test(task=3, name="adam: d = 1")
def adam_edges(learner, oracle):
    params = {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8}
    _expect_run(learner, oracle, "adam-1d", "adam", ONE_D, np.array([0.5]), params, 50)


# -- task 4: hard problems and the caller's data --------------------------------------------------


def _distance(path, target):
    return float(np.linalg.norm(np.asarray(path)[-1] - target))


def _expect_converged(name, got, target, tolerance):
    gap = _distance(got, target)
    expect_true(
        gap <= tolerance,
        f"{name}: the last point is {gap:.3g} away from the minimiser "
        f"{np.round(target, 4).tolist()}, expected at most {tolerance:.3g}",
    )


def _minimiser(gradient):
    from scipy.linalg import solve

    return solve(gradient.constants["A"], gradient.constants["b"], assume_a="pos")


@checks.test(task=4, name="ill-conditioned quadratic (condition 100, d = 10): all three converge")
def quadratic_convergence(learner, oracle):
    target = oracle("quad10-minimiser", lambda: _minimiser(QUAD10))
    x0 = np.zeros(10)
    norm = float(np.linalg.norm(target))
    runs = [
        ("momentum", {"lr": 4 / 121, "beta": (9 / 11) ** 2}, 300, 1e-8, None),
        # RMSprop's steps keep a nearly constant length, so it ends up bouncing around the
        # minimum, and there its path depends on rounding: only 30 rows are compared.
        ("rmsprop", {"lr": 0.03, "rho": 0.9, "eps": 1e-8}, 1000, 1e-2, 30),
        ("adam", {"lr": 0.2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, 1000, 1e-3, None),
    ]
    for method, params, n_steps, relative, rows in runs:
        key = f"quad10-{method}"
        got = _expect_run(learner, oracle, key, method, QUAD10, x0, params, n_steps, rows=rows)
        _expect_converged(_signature(method, params, n_steps), got, target, relative * norm)


@checks.test(task=4, name="Rosenbrock from (-1.2, 1): momentum and adam reach (1, 1)")
def rosenbrock(learner, oracle):
    target = np.ones(2)  # (1, 1): both terms of f vanish there, and only there
    runs = [
        ("momentum", {"lr": 2e-3, "beta": 0.9}, 2000, 1e-6),
        ("adam", {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, 2000, 1e-3),
    ]
    for method, params, n_steps, tolerance in runs:
        got = _expect_run(
            learner, oracle, f"rosen-{method}", method, ROSENBROCK, ROSEN_START, params, n_steps
        )
        _expect_converged(_signature(method, params, n_steps), got, target, tolerance)


@checks.test(task=4, name="x0 is left unchanged, and an integer x0 works")
def caller_data(learner, oracle):
    x0 = np.random.default_rng(15).normal(size=4)
    source = _PROBE + f"x0 = {_literal(x0)}.copy()\nprobe.watched = [(x0, x0.copy())]\n"
    settings = [
        ("momentum", {"lr": 0.05, "beta": 0.9}),
        ("rmsprop", {"lr": 0.05, "rho": 0.9, "eps": 1e-8}),
        ("adam", {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    ]
    quad4 = Gradient(
        "A @ x - b",
        QUAD5.description.replace("d=5", "d=4"),
        A=QUAD5.constants["A"][:4, :4],
        b=QUAD5.constants["b"][:4],
    )
    for method, params in settings:
        _expect_run(
            learner,
            oracle,
            f"watch-{method}",
            method,
            quad4,
            x0,
            params,
            5,
            watch=True,
            sent=Code(source, name="x0"),
        )
        ints = np.array([3, -1, 0, 2])
        _expect_run(learner, oracle, f"int-{method}", method, quad4, ints, params, 5)


# -- performance ----------------------------------------------------------------------------------

CHEAP = Code("lambda x: 2.0 * x - 1.0")
"""The gradient of ||x||^2 - sum(x): O(d) with d = 10, so every step costs about the same."""


@checks.performance(sizes=[32, 64, 128, 256, 512])
def speed(learner, n, rng):
    x0 = rng.normal(size=10)
    learner.momentum(CHEAP, x0, 0.1, 0.9, n)
    learner.rmsprop(CHEAP, x0, 0.01, 0.9, 1e-8, n)
    learner.adam(CHEAP, x0, 0.01, 0.9, 0.999, 1e-8, n)
