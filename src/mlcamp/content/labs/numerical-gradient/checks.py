"""Checks for numerical-gradient.

Oracles: exact gradients of known functions, derived by hand and computed here in NumPy; the
central-difference formula evaluated here with plain loops (for the tests that pin down the
formula at a large eps); SciPy's `approx_fprime` (forward differences) only to recognise that
mistake in failure messages.

The functions are sent to the sandbox as `Code` blocks wrapped in a guard: every call of `f`
checks that its argument is a float array of x's shape that differs from x in at most one
entry. A broken guard raises `CallProblem`, which the checks turn into a failure that says what
went wrong (wrong shape, integer array, an entry left perturbed or restored inexactly).
"""

import math

import numpy as np

from mlcamp.grader.harness import Code
from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, expect_array, expect_scalar

checks = LabChecks()

RTOL = 1e-6
"""Gradient entries against the exact gradient: |got - g| <= RTOL |g| + ATOL_FACTOR * S."""

ATOL_FACTOR = 1e-8
"""S is the largest |f| at the points x +- eps e_i: rounding in f makes noise ~1e-16 S / eps."""

FORMULA_RTOL = 1e-9
"""At a large eps the result must be the central formula itself (not the exact gradient)."""

RATIO_ATOL = 1e-6
"""grad_check results: absolute tolerance on the relative error (a number between 0 and 1)."""


# -- sending functions ----------------------------------------------------------------------------


def _literal(array):
    """Source text that rebuilds `array` bit for bit in the sandbox."""
    a = np.ascontiguousarray(array, dtype="<f8")
    return f"np.frombuffer(bytes.fromhex('{a.tobytes().hex()}'), dtype='<f8').reshape({a.shape})"


_GUARD = """
class CallProblem(Exception):
    pass


def _where(index):
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def f(x):
    if not isinstance(x, np.ndarray):
        raise CallProblem(
            f"f was called with {type(x).__name__}, expected a NumPy array of shape {X0.shape} "
            "(the shape of x)"
        )
    if x.shape != X0.shape:
        raise CallProblem(
            f"f was called with an array of shape {x.shape}, but x has shape {X0.shape}: call f "
            "with arrays of x's own shape (perturb one entry of a float copy of x, do not "
            "flatten x before calling f)"
        )
    if x.dtype.kind != "f":
        raise CallProblem(
            f"f was called with an array of dtype {x.dtype}: convert x to float first (adding "
            "eps to an entry of an integer array rounds it back to the same integer)"
        )
    changed = np.argwhere(x != X0)
    if len(changed) > 1:
        parts = []
        for index in changed[:3]:
            index = tuple(index)
            parts.append(f"{_where(index)} is {float(x[index])!r}, x has {float(X0[index])!r}")
        tiny = [
            tuple(index) for index in changed
            if abs(x[tuple(index)] - X0[tuple(index)]) <= 1e-12 * max(1.0, abs(X0[tuple(index)]))
        ]
        advice = (
            "after the two evaluations for one entry, put that entry back to its SAVED value "
            "before perturbing the next one (and never modify the caller's x)"
        )
        if tiny:
            advice = (
                f"entry {_where(tiny[0])} is off by only {abs(x[tiny[0]] - X0[tiny[0]]):.2g}: "
                "looks like it was restored by adding and subtracting eps, which does not give "
                "back the same float; save the entry and assign the saved value back"
            )
        raise CallProblem(
            f"f was called at a point that differs from x in {len(changed)} entries ("
            + "; ".join(parts)
            + f"); f must only be evaluated at x + eps e_i and x - eps e_i: {advice}"
        )
    return _value(x)
"""

_PROBE = """
import sys
import types

probe = sys.modules.setdefault("mlcamp_probe", types.ModuleType("mlcamp_probe"))
"""

_AUDIT = """
class CallProblem(Exception):
    pass


def f(x):
    for array, saved in getattr(probe, "watched", []):
        if not np.array_equal(array, saved):
            index = tuple(np.argwhere(array != saved)[0])
            where = "[" + ", ".join(str(int(i)) for i in index) + "]"
            raise CallProblem(
                f"numerical_grad changed the caller's x: after the call, entry {where} is "
                f"{float(array[index])!r}, it was {float(saved[index])!r}. Work on a float copy "
                "(np.array(x, dtype=float) copies; np.asarray does not copy a float array), or "
                "restore every entry exactly"
            )
    probe.watched = []
    return float(np.sum(x))
"""


class Function:
    """A test function: its body and its exact gradient (expressions in x and named constants)."""

    def __init__(self, body, gradient, **constants):
        self.body = body
        self.gradient_body = gradient
        self.constants = {k: np.asarray(v, dtype=float) for k, v in constants.items()}

    def _constants_source(self):
        return [f"{name} = {_literal(v)}" for name, v in self.constants.items()]

    def code(self, x0):
        """The guarded f for the sandbox, checking every call against the point x0."""
        lines = self._constants_source()
        lines.append(f"X0 = {_literal(np.asarray(x0, dtype=float))}")
        lines.append(f"def _value(x):\n    return {self.body}")
        return Code("\n".join(lines) + "\n" + _GUARD, name="f")

    def plain_code(self):
        """The unguarded f (for grad_check, which may evaluate it anywhere)."""
        lines = self._constants_source()
        lines.append(f"def f(x):\n    return {self.body}")
        return Code("\n".join(lines), name="f")

    def gradient_code(self, *, scale=None, index=None):
        """grad_f for the sandbox: the exact gradient, or one with entries deliberately scaled."""
        lines = self._constants_source()
        lines.append(f"def grad_f(x):\n    g = np.array({self.gradient_body}, dtype=float)")
        if scale is not None and index is None:
            lines.append(f"    g = g * {scale!r}")
        elif scale is not None:
            lines.append(f"    g[{index!r}] = g[{index!r}] * {scale!r}")
        lines.append("    return g")
        return Code("\n".join(lines), name="grad_f")

    def local(self):
        """f as a Python function in this process."""
        return eval(f"lambda x: {self.body}", {"np": np, "math": math, **self.constants})

    def gradient(self, x):
        """The exact gradient at x, computed in this process."""
        namespace = {"np": np, "math": math, **self.constants}
        return np.array(eval(self.gradient_body, {**namespace, "x": x}), dtype=float)


def _rng(seed):
    return np.random.default_rng(seed)


# Every test function, with its exact gradient.
_R = _rng(100)
CENTRE = _R.normal(size=5)
SINE = Function(
    "np.sum(np.sin(x) * x ** 2) + 0.5 * np.sum(x) ** 2",
    "np.cos(x) * x ** 2 + 2 * x * np.sin(x) + np.sum(x)",
)
BOWL = Function("np.sum(np.cosh(x - c))", "np.sinh(x - c)", c=CENTRE)
MATRIX = Function(
    "0.5 * np.sum((A @ x @ B - C) ** 2)",
    "A.T @ (A @ x @ B - C) @ B.T",
    A=_R.normal(size=(5, 3)),
    B=_R.normal(size=(4, 2)),
    C=_R.normal(size=(5, 2)),
)
TENSOR = Function(
    "np.log(np.sum(np.exp(x))) + np.sum(M * np.tanh(x))",
    "np.exp(x) / np.sum(np.exp(x)) + M * (1 - np.tanh(x) ** 2)",
    M=_R.normal(size=(2, 3, 4)),
)
CUBIC = Function(
    "np.sum(x ** 3) / 3 + x[0, 0] * x[1, 1]",
    "x ** 2 + np.array([[x[1, 1], 0.0], [0.0, x[0, 0]]])",
)
BIG = Function("1e6 * (np.sum(np.cos(x)) + np.sum(x ** 2))", "1e6 * (2 * x - np.sin(x))")
SMALL = Function("1e-8 * (np.sum(x ** 4) / 4 + np.sum(np.exp(x)))", "1e-8 * (x ** 3 + np.exp(x))")
FLIPPED = Function(
    "np.sum(np.sin(x) * x[::-1, ::-1])", "np.cos(x) * x[::-1, ::-1] + np.sin(x[::-1, ::-1])"
)
PARTIAL = Function(
    "np.sum(x[:3] ** 2) + x[0] * x[1]",
    "np.r_[2 * x[0] + x[1], 2 * x[1] + x[0], 2 * x[2], np.zeros(len(x) - 3)]",
)


# -- the grader's own finite differences ----------------------------------------------------------


def _differences(f, x, eps, kind="central"):
    """Finite differences by a plain loop over entries, and the largest |f| seen."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f0 = f(x)
    largest = abs(f0)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        fp, fm = f(plus), f(minus)
        largest = max(largest, abs(fp), abs(fm))
        grad[index] = (fp - fm) / (2 * eps) if kind == "central" else (f0 - fm) / eps
    return {"grad": grad, "scale": float(largest)}


def _forward(f, x, eps):
    """Forward differences, as SciPy computes them."""
    from scipy.optimize import approx_fprime

    x = np.asarray(x, dtype=float)
    return approx_fprime(x.ravel(), lambda v: f(v.reshape(x.shape)), eps).reshape(x.shape)


def _mistakes(oracle, key, function, x, eps, want):
    """Results of the usual mistakes, with what each one means."""
    f = function.local()
    forward = oracle(f"{key}-forward", lambda: _forward(f, x, eps))
    backward = oracle(f"{key}-backward", lambda: _differences(f, x, eps, "backward")["grad"])
    return [
        (
            forward,
            "these are forward differences (f(x + eps e_i) - f(x)) / eps, as "
            "scipy.optimize.approx_fprime computes them; their error shrinks only like eps. "
            "Use the central formula (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)",
        ),
        (
            backward,
            "these are backward differences (f(x) - f(x - eps e_i)) / eps; use the central "
            "formula (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)",
        ),
        (
            2.0 * want,
            "every entry is twice the expected value: the two points x + eps e_i and "
            "x - eps e_i are 2 eps apart, so divide by 2 * eps, not by eps",
        ),
        (
            np.zeros_like(want),
            "every entry is 0: f got the same point every time (did you perturb a copy and "
            "call f on x, or round x + eps back to an integer?)",
        ),
    ]


def _diagnose(got, want, mistakes):
    """The meaning of the mistake `got` matches much better than it matches `want`, or ''."""
    if not isinstance(got, np.ndarray) or got.shape != want.shape or got.dtype.kind not in "fiu":
        return ""
    miss = float(np.max(np.abs(got - want)))
    for candidate, meaning in mistakes:
        if np.max(np.abs(got - candidate)) <= 1e-3 * miss:
            return meaning
    return ""


# -- calling the learner --------------------------------------------------------------------------


def _call(name, function, *args, **kwargs):
    """Call the learner; a broken guard in f becomes a failure that says what happened."""
    try:
        return function(*args, **kwargs)
    except LearnerError as error:
        if error.exception_type == "CallProblem":
            text = error.message.rsplit("CallProblem: ", 1)[-1]
            raise CheckFailure(f"{name}: {text}") from None
        raise


def _expect_gradient(learner, oracle, key, function, x, *, what, eps=None, sent=None):
    """numerical_grad against the exact gradient (default eps) or the central formula (eps).

    `sent` replaces x in the call (a `Code` building x in the sandbox), when given."""
    if eps is None:
        name = f"numerical_grad(f, x) for {what}"
        want = function.gradient(np.asarray(x, dtype=float))
        scale = oracle(f"{key}-scale", lambda: _differences(function.local(), x, 1e-6)["scale"])
        rtol, atol, kwargs = RTOL, ATOL_FACTOR * scale, {}
    else:
        name = f"numerical_grad(f, x, eps={eps:g}) for {what}"
        want_scale = oracle(key, lambda: _differences(function.local(), x, eps))
        want = want_scale["grad"]
        rtol, atol, kwargs = FORMULA_RTOL, 1e-10 * want_scale["scale"] / eps, {"eps": eps}
    got = _call(
        name, learner.numerical_grad, function.code(x), x if sent is None else sent, **kwargs
    )
    try:
        expect_array(got, want, name=name, rtol=rtol, atol=atol)
    except CheckFailure as failure:
        hint = _diagnose(got, want, _mistakes(oracle, key, function, x, eps or 1e-6, want))
        if not hint and eps is not None and _closer_to_exact(got, want, function, x):
            hint = (
                "your values are closer to the exact gradient than the central formula with "
                "this eps is: use exactly the step you are given in "
                "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), no other formula"
            )
        raise CheckFailure(f"{failure}; {hint}" if hint else str(failure)) from None


def _closer_to_exact(got, want, function, x):
    if not isinstance(got, np.ndarray) or got.shape != want.shape or got.dtype.kind != "f":
        return False
    exact = function.gradient(np.asarray(x, dtype=float))
    return bool(np.max(np.abs(got - exact)) < 0.5 * np.max(np.abs(want - exact)))


# -- task 1: central differences for a vector -----------------------------------------------------


@checks.test(task=1, name="vector x (7 entries): matches the exact gradient")
def vector(learner, oracle):
    x = _rng(1).normal(size=7) * 1.5
    what = "f = sum(sin(x) x^2) + (sum x)^2 / 2, 7 entries"
    _expect_gradient(learner, oracle, "sine", SINE, x, what=what)


@checks.test(task=1, name="near a minimum: small gradient, large curvature")
def near_minimum(learner, oracle):
    x = CENTRE + 1e-3 * _rng(2).normal(size=5)
    what = "f = sum(cosh(x - c)) at x = c + 1e-3 noise"
    _expect_gradient(learner, oracle, "bowl", BOWL, x, what=what)


@checks.test(task=1, name="exactly the central formula with the eps given (1e-2, 1e-4)")
def formula(learner, oracle):
    x = _rng(3).normal(size=6)
    for eps in (1e-2, 1e-4):
        what = "f = sum(sin(x) x^2) + (sum x)^2 / 2, 6 entries"
        _expect_gradient(learner, oracle, f"formula-{eps:g}", SINE, x, what=what, eps=eps)


# -- task 2: any shape, integers, x untouched ------------------------------------------------------


@checks.test(task=2, name="matrix x (3 x 4): 0.5 ||A W B - C||^2, C and Fortran order")
def matrix(learner, oracle):
    W = _rng(4).normal(size=(3, 4))
    what = "W (3, 4), f = 0.5 ||A W B - C||^2"
    _expect_gradient(learner, oracle, "matrix", MATRIX, W, what=what)
    what = "W (3, 4) stored in Fortran (column-major) order, f = 0.5 ||A W B - C||^2"
    _expect_gradient(learner, oracle, "matrix-F", MATRIX, np.asfortranarray(0.5 * W), what=what)


@checks.test(task=2, name="3-D x (2 x 3 x 4): log-sum-exp plus tanh terms")
def tensor(learner, oracle):
    T = _rng(5).normal(size=(2, 3, 4))
    what = "T (2, 3, 4), f = log(sum exp T) + sum M tanh(T)"
    _expect_gradient(learner, oracle, "tensor", TENSOR, T, what=what)


@checks.test(task=2, name="a single entry, shape (1,)")
def single(learner, oracle):
    _expect_gradient(learner, oracle, "single", SINE, np.array([0.7]), what="x of shape (1,)")


@checks.test(task=2, name="integer x: f gets floats, the gradient is float")
def integers(learner, oracle):
    x = np.array([[1, -2], [3, 0]])
    what = "integer x [[1, -2], [3, 0]], f = sum(x^3) / 3 + x[0, 0] x[1, 1]"
    _expect_gradient(learner, oracle, "cubic", CUBIC, x, what=what)


@checks.test(task=2, name="large and small scales (f ~ 1e6 and f ~ 1e-8)")
def scales(learner, oracle):
    rng = _rng(6)
    what = "f = 1e6 (sum cos x + sum x^2), values ~ 1e6"
    _expect_gradient(learner, oracle, "big", BIG, rng.normal(size=5), what=what)
    what = "f = 1e-8 (sum x^4 / 4 + sum exp x), values ~ 1e-8"
    _expect_gradient(learner, oracle, "small", SMALL, rng.normal(size=5), what=what)


@checks.test(task=2, name="x is left exactly as it was after the call")
def untouched(learner, oracle):
    for seed, function, shape in ((7, SINE, (6,)), (8, FLIPPED, (2, 3))):
        x = _rng(seed).normal(size=shape)
        name = f"numerical_grad(f, x) with x of shape {shape}"
        # x is built in the sandbox and remembered there, so the audit call can look at it.
        source = (
            _PROBE
            + f"x = {_literal(x)}.copy()\n"
            + "probe.watched = list(getattr(probe, 'watched', [])) + [(x, x.copy())]\n"
        )
        what = f"x of shape {shape} built in the sandbox"
        _expect_gradient(
            learner,
            oracle,
            f"untouched-{seed}",
            function,
            x,
            what=what,
            sent=Code(source, name="x"),
        )
        _call(name, learner.numerical_grad, Code(_PROBE + _AUDIT, name="f"), np.ones(1))


# -- task 3: grad_check ---------------------------------------------------------------------------


def _relative_error(analytic, numeric):
    """max_i |a_i - n_i| / (|a_i| + |n_i|), with 0/0 counted as 0: the README's definition."""
    top = np.abs(analytic - numeric)
    bottom = np.abs(analytic) + np.abs(numeric)
    ratios = np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)
    return float(np.max(ratios))


def _wrong_formulas(a, n):
    """Other relative errors people write, with their formula."""
    top = np.abs(a - n)
    norms = np.linalg.norm(a) + np.linalg.norm(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return [
            (np.max(top / np.abs(n)), "max |a - n| / |n|"),
            (np.max(top / np.abs(a)), "max |a - n| / |a|"),
            (np.max(top / np.maximum(np.abs(a), np.abs(n))), "max |a - n| / max(|a|, |n|)"),
            (np.max(top), "max |a - n|, an absolute error"),
            (np.linalg.norm(a - n) / norms, "||a - n|| / (||a|| + ||n||), with norms"),
            (np.mean(np.where(top > 0, top / (np.abs(a) + np.abs(n)), 0.0)), "the mean ratio"),
        ]


def _expect_check(learner, oracle, key, function, x, *, what, scale=None, index=None):
    name = f"grad_check(f, grad_f, x) for {what}"

    def exact():
        analytic = function.gradient(np.asarray(x, dtype=float))
        if scale is not None and index is None:
            analytic = analytic * scale
        elif scale is not None:
            analytic[index] = analytic[index] * scale
        numeric = _differences(function.local(), x, 1e-6)["grad"]
        return {"value": _relative_error(analytic, numeric), "a": analytic, "n": numeric}

    want = oracle(key, exact)
    grad_f = function.gradient_code(scale=scale, index=index)
    got = learner.grad_check(function.plain_code(), grad_f, x)
    if isinstance(got, float | np.floating) and np.isnan(got):
        raise CheckFailure(
            f"{name}: got NaN, expected {want['value']:.6g}; where both gradients are 0 the "
            "ratio 0/0 must count as 0 (skip those entries, or divide by max(|a| + |n|, tiny))"
        )
    try:
        expect_scalar(got, want["value"], name=name, rtol=1e-4, atol=RATIO_ATOL)
    except CheckFailure as failure:
        for value, formula in _wrong_formulas(want["a"], want["n"]):
            close = abs(float(got) - value) <= 1e-4 * abs(value) + RATIO_ATOL
            if np.isfinite(value) and close:
                raise CheckFailure(
                    f"{failure}; that is {formula}: the README's relative error is the "
                    "largest over entries of |a_i - n_i| / (|a_i| + |n_i|)"
                ) from None
        raise


@checks.test(task=3, name="grad_check: a correct gradient gives a tiny error")
def check_correct(learner, oracle):
    x = _rng(9).normal(size=5)
    _expect_check(learner, oracle, "check-correct", SINE, x, what="the exact gradient")
    W = _rng(10).normal(size=(3, 4))
    what = "the exact gradient, W (3, 4)"
    _expect_check(learner, oracle, "check-matrix", MATRIX, W, what=what)


@checks.test(task=3, name="grad_check: one entry 3x too large gives 0.5, a sign flip gives 1")
def check_wrong_entry(learner, oracle):
    x = _rng(11).normal(size=5) + 0.5
    what = "grad_f with entry [2] multiplied by 3"
    _expect_check(learner, oracle, "check-x3", SINE, x, what=what, scale=3.0, index=2)
    what = "grad_f with entry [4] negated"
    _expect_check(learner, oracle, "check-flip", SINE, x, what=what, scale=-1.0, index=4)


@checks.test(task=3, name="grad_check: every entry 0.01% too large gives about 5e-5")
def check_slightly_wrong(learner, oracle):
    W = _rng(12).normal(size=(3, 4))
    what = "grad_f = 1.0001 x the exact gradient, W (3, 4)"
    _expect_check(learner, oracle, "check-slight", MATRIX, W, what=what, scale=1.0001)


@checks.test(task=3, name="grad_check: entries where both gradients are 0 count as 0")
def check_zeros(learner, oracle):
    x = _rng(13).normal(size=7)
    what = "f(x) = sum(x[:3]^2) + x[0] x[1] of 7 entries (4 zero partial derivatives)"
    _expect_check(learner, oracle, "check-zeros", PARTIAL, x, what=what)


# -- performance ----------------------------------------------------------------------------------

CHEAP = Code("lambda x: x[0] * x[-1]")
"""f reads two entries: each call costs O(1), so the 2d calls cost O(d) in all."""


@checks.performance(sizes=[250, 500, 1000, 2000, 4000])
def speed(learner, n, rng):
    learner.numerical_grad(CHEAP, rng.normal(size=n))


def _library():
    from scipy.optimize import approx_fprime

    def numerical_grad(f, x, eps=1e-6):
        x = np.asarray(x, dtype=float)
        return approx_fprime(x.ravel(), lambda v: f(v.reshape(x.shape)), eps).reshape(x.shape)

    return {"numerical_grad": numerical_grad}


checks.baseline(
    _library,
    note="scipy.optimize.approx_fprime uses forward differences: d + 1 calls of f, not 2d",
)
