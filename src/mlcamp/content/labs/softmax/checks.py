"""Checks for softmax: SciPy's `special.logsumexp` and `special.softmax` are the oracle.

When a result is wrong, the checks recompute a few typical mistakes with NumPy (only to name the
mistake in the message, never as the expected value) and say which one the result matches.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import CheckFailure, describe, expect_array, format_index

checks = LabChecks()

LSE_RTOL = 1e-10
SOFTMAX_RTOL = 1e-9
SOFTMAX_ATOL = 1e-12
DEFAULT = "default"  # call without the axis argument, to check that the default is -1


# --- the oracle ---------------------------------------------------------------------------------


def _scipy_logsumexp(x, axis):
    from scipy.special import logsumexp

    with np.errstate(all="ignore"):
        return np.asarray(logsumexp(np.asarray(x, dtype=float), axis=axis), dtype=float)


def _scipy_softmax(x, axis):
    from scipy.special import softmax

    with np.errstate(all="ignore"):
        return np.asarray(softmax(np.asarray(x, dtype=float), axis=axis), dtype=float)


# --- typical mistakes, recomputed only to name them ---------------------------------------------


def _stable_lse(x, axis, keepdims=False):
    shift = np.max(x, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=axis)


KEEPDIMS = (
    "looks like the reduced {what} lost its axis: x.max(axis=...) or .sum(axis=...) without "
    "keepdims=True removes the reduced axis, so broadcasting lines the values up with the last "
    "axis of x instead of the slices they belong to; keep the axis (keepdims=True) while computing"
)


def _lse_mistakes(x, axis):
    """(description, function computing the wrong result) pairs for logsumexp along `axis`."""
    ax = axis % x.ndim

    def no_add_back():
        shift = np.max(x, axis=ax)
        return _stable_lse(x, ax) - np.where(np.isfinite(shift), shift, 0.0)

    def no_keepdims():
        m = np.max(x, axis=ax)
        m = np.where(np.isfinite(m), m, 0.0)
        return np.log(np.sum(np.exp(x - m), axis=ax)) + m

    mistakes = [
        (
            "looks like the maximum was not added back: log(sum(exp(x - m))) is the "
            "log-sum-exp of x - m, so add m to it",
            no_add_back,
        ),
        (KEEPDIMS.format(what="maximum"), no_keepdims),
    ]
    for other in range(x.ndim):
        if other != ax:
            mistakes.append(
                (
                    f"looks like it was reduced along axis {other} instead of axis={axis}",
                    lambda other=other: _stable_lse(x, other),
                )
            )
    return mistakes


def _softmax_mistakes(x, axis):
    """(description, function computing the wrong result) pairs for softmax along `axis`."""
    ax = axis % x.ndim

    def no_keepdims():
        e = np.exp(x - np.max(x, axis=ax))
        return e / np.sum(e, axis=ax)

    mistakes = [
        (
            "looks like it was normalised over the whole array: the entries sum to 1 all "
            f"together, but each slice along axis={axis} must sum to 1 on its own",
            lambda: np.exp(x - _stable_lse(x.reshape(-1), 0)),
        ),
        (KEEPDIMS.format(what="maximum or sum"), no_keepdims),
    ]
    for other in range(x.ndim):
        if other != ax:
            mistakes.append(
                (
                    f"looks like it was normalised along axis {other} instead of axis={axis}",
                    lambda other=other: np.exp(x - _stable_lse(x, other, keepdims=True)),
                )
            )
    return mistakes


def _matching_mistake(got, x, axis, function):
    """The description of the first typical mistake whose result equals `got`, or None."""
    if not isinstance(got, np.ndarray) or got.dtype.kind != "f":
        return None
    xf = x.astype(float)
    listed = _lse_mistakes(xf, axis) if function == "logsumexp" else _softmax_mistakes(xf, axis)
    for description, compute in listed:
        try:
            with np.errstate(all="ignore"):
                wrong = np.asarray(compute())
        except ValueError:  # this mistake would have raised for this shape
            continue
        if wrong.shape == got.shape and np.allclose(
            got, wrong, rtol=1e-8, atol=1e-10, equal_nan=True
        ):
            return description
    return None


def _slice_sums_message(got, x, axis):
    """For a wrong softmax: the slice whose sum is furthest from 1."""
    if not isinstance(got, np.ndarray) or got.shape != x.shape or got.dtype.kind != "f":
        return None
    with np.errstate(all="ignore"):
        sums = np.sum(got, axis=axis)
        off = np.abs(sums - 1.0)
    off = np.where(np.all(np.isneginf(x), axis=axis), 0.0, off)  # all -inf slices are NaN
    if off.size == 0 or not np.nanmax(off) > 1e-9:
        return None
    index = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(off)), off.shape))
    return (
        f"the entries along axis={axis} should sum to 1, but the slice at index "
        f"{format_index(index)} of the other axes sums to {sums[index]:.6g}"
    )


# --- comparisons --------------------------------------------------------------------------------


def _as_result(got, want, name, *, x, axis):
    """`got` as an array, with the shape conventions explained when it has the wrong shape."""
    if want.ndim == 0 and isinstance(got, float | np.floating | np.integer | int):
        return np.asarray(got)
    if not isinstance(got, np.ndarray):
        return got  # expect_array explains the type
    if got.shape != want.shape and want.ndim == x.ndim - 1:  # logsumexp removes one axis
        ax = axis % x.ndim
        kept = (*x.shape[:ax], 1, *x.shape[ax + 1 :])
        if want.ndim == 0:
            raise CheckFailure(
                f"{name}: for a 1-D x the result is a single number (a float or a 0-d array), "
                f"got {describe(got)}"
            )
        if got.shape == kept and got.shape != x.shape:
            raise CheckFailure(
                f"{name}: expected shape {want.shape}, got {got.shape}: the reduced axis must be "
                "removed from the result (like keepdims=False); squeeze it at the end"
            )
        for other in range(x.ndim):
            if other != ax and got.shape == x.shape[:other] + x.shape[other + 1 :]:
                raise CheckFailure(
                    f"{name}: expected shape {want.shape}, got {got.shape}, which is the shape of "
                    f"a reduction along axis {other}, not along axis={axis}"
                )
    return got


def _overflow_message(got, want, x, name):
    """A message when exp overflowed or underflowed where the true answer is finite."""
    got_f = got.astype(float)
    bad = ~np.isfinite(got_f) & np.isfinite(want)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    finite = np.abs(x[np.isfinite(x)])
    if finite.size == 0 or finite.max() < 700:
        return None
    return (
        f"{name}: got {got_f[index]} at index {format_index(index)}, expected {want[index]:.6g} "
        f"({int(bad.sum())} such values); looks like exp overflowed or underflowed: exp(710) is "
        "already infinite and exp(-746) is 0 in float64. Subtract the maximum of each slice "
        "before exp (and add it back after the log)"
    )


def _all_neg_inf_message(got, want, name, function):
    """A message when an all -inf slice does not give the agreed answer."""
    if function == "logsumexp":
        wrong = np.isneginf(want) & ~np.isneginf(got.astype(float))
        if wrong.any():
            index = tuple(int(i) for i in np.argwhere(wrong)[0])
            why = (
                "; its maximum is -inf and x - max computes -inf - (-inf) = NaN: shift such "
                "slices by 0 instead"
                if np.isnan(got[index])
                else ""
            )
            return (
                f"{name}: a slice whose entries are all -inf must give -inf (the log of a sum of "
                f"zeros), got {got[index]} at index {format_index(index)}{why}"
            )
    else:
        wrong = np.isnan(want) & ~np.isnan(got.astype(float))
        if wrong.any():
            index = tuple(int(i) for i in np.argwhere(wrong)[0])
            return (
                f"{name}: a slice whose entries are all -inf gives NaN everywhere in softmax "
                f"(0 / 0, as SciPy does), got {got[index]} at index {format_index(index)}"
            )
    return None


def _check(learner, oracle, function, key, x, axis, *, what, want=None):
    """Compare learner.<function>(x, axis) with SciPy (or with `want`, computed by hand), naming
    the mistake when the result matches a typical one."""
    x = np.asarray(x)
    call_axis = -1 if axis == DEFAULT else axis
    shown = "" if axis == DEFAULT else f", axis={axis}"
    name = f"{function}({what}{shown})"
    if want is None and function == "logsumexp":
        want = oracle(f"lse-{key}", lambda: _scipy_logsumexp(x, call_axis))
    elif want is None:
        want = oracle(f"softmax-{key}", lambda: _scipy_softmax(x, call_axis))
    want = np.asarray(want, dtype=float)
    entry = getattr(learner, function)
    got = entry(x) if axis == DEFAULT else entry(x, axis=axis)
    got = _as_result(got, want, name, x=x, axis=call_axis)
    if function == "logsumexp":
        finite = np.abs(x[np.isfinite(x)]).astype(float)
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        tolerances = {"rtol": LSE_RTOL, "atol": LSE_RTOL * scale}
    else:
        tolerances = {"rtol": SOFTMAX_RTOL, "atol": SOFTMAX_ATOL}
    same_shape = isinstance(got, np.ndarray) and got.shape == want.shape
    try:
        if same_shape and got.dtype.kind == "f":
            message = _all_neg_inf_message(got, want, name, function)
            if message:
                raise CheckFailure(message)
            # NaN sits exactly where it should: compare the other entries.
            nan = np.isnan(want)
            if nan.any() and np.array_equal(nan, np.isnan(got)):
                got, want = np.where(nan, 0.0, got), np.where(nan, 0.0, want)
        expect_array(got, want, name=name, **tolerances)
    except CheckFailure as failure:
        description = _matching_mistake(got, x, call_axis, function)
        if description:
            raise CheckFailure(f"{failure}; {description}") from None
        if same_shape and got.dtype.kind == "f":
            message = _overflow_message(got, want, x.astype(float), name)
            if message:
                raise CheckFailure(message) from None
        if function == "softmax":
            sums = _slice_sums_message(got, x, call_axis)
            if sums:
                raise CheckFailure(f"{failure}; {sums}") from None
        raise


def _both(learner, oracle, key, x, axis, *, what):
    _check(learner, oracle, "logsumexp", key, x, axis, what=what)
    _check(learner, oracle, "softmax", key, x, axis, what=what)


def _hard_rows():
    """Rows with entries near +1000 and -1000, where exp overflows or underflows."""
    rows = np.array(
        [
            [1000.0, 1000.0, 999.0, 0.0, 1.0, -3.0],
            [-1000.0, -1000.0, -1001.0, -1002.0, -999.5, -1000.25],
            [1000.0, -1000.0, 0.0, 500.0, 999.9, -2.0],
            [800.0, 799.5, 700.0, -5.0, 0.0, 3.0],
            [-800.0, -1200.0, -750.0, -760.0, -2000.0, -755.5],
        ]
    )
    rng = np.random.default_rng(12)
    return np.vstack([rows, rng.normal(scale=500.0, size=(4, 6))])


# --- task 1: logsumexp ------------------------------------------------------------------------


@checks.test(task=1, name="logsumexp of random rows and of a vector (default axis)")
def lse_random(learner, oracle):
    rng = np.random.default_rng(1)
    x = rng.normal(scale=3.0, size=(6, 5))
    _check(learner, oracle, "logsumexp", "random", x, DEFAULT, what="x of shape (6, 5)")
    v = rng.normal(scale=2.0, size=7)
    _check(learner, oracle, "logsumexp", "vector", v, DEFAULT, what="a vector of length 7")


@checks.test(task=1, name="logsumexp with entries near +1000 and -1000")
def lse_large(learner, oracle):
    # Exact by hand: log(e^a + e^a) = a + log 2.
    x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]])
    want = np.array([1000.0, -1000.0]) + np.log(2.0)
    what = "[[1000, 1000], [-1000, -1000]]"
    _check(learner, oracle, "logsumexp", "pairs", x, -1, what=what, want=want)
    x = _hard_rows()
    _check(learner, oracle, "logsumexp", "hard", x, -1, what="rows with entries near +-1000")


@checks.test(task=1, name="logsumexp of a single column and of integer input")
def lse_column_integers(learner, oracle):
    rng = np.random.default_rng(3)
    column = rng.normal(scale=400.0, size=(5, 1))
    _check(learner, oracle, "logsumexp", "column", column, -1, what="x of shape (5, 1)")
    ints = rng.integers(-900, 900, size=(4, 7))
    _check(learner, oracle, "logsumexp", "ints", ints, -1, what="an integer x of shape (4, 7)")


# --- task 2: softmax --------------------------------------------------------------------------


@checks.test(task=2, name="softmax of random rows and of a vector (default axis)")
def softmax_random(learner, oracle):
    rng = np.random.default_rng(4)
    x = rng.normal(scale=3.0, size=(7, 4))
    _check(learner, oracle, "softmax", "random", x, DEFAULT, what="x of shape (7, 4)")
    v = rng.normal(scale=2.0, size=5)
    _check(learner, oracle, "softmax", "vector", v, DEFAULT, what="a vector of length 5")


@checks.test(task=2, name="softmax with entries near +1000 and -1000")
def softmax_large(learner, oracle):
    # Exact by hand: exp(-1000) / (1 + exp(-1000)) is 0 in float64, and the other entry is 1.
    x = np.array([[0.0, 1000.0], [-1000.0, -1000.0]])
    want = np.array([[0.0, 1.0], [0.5, 0.5]])
    what = "[[0, 1000], [-1000, -1000]]"
    _check(learner, oracle, "softmax", "pairs", x, -1, what=what, want=want)
    x = _hard_rows()
    _check(learner, oracle, "softmax", "hard", x, -1, what="rows with entries near +-1000")


@checks.test(task=2, name="softmax of a single column and of integer input")
def softmax_column_integers(learner, oracle):
    rng = np.random.default_rng(6)
    column = rng.normal(scale=400.0, size=(5, 1))
    _check(learner, oracle, "softmax", "column", column, -1, what="x of shape (5, 1)")
    ints = rng.integers(-900, 900, size=(4, 7))
    _check(learner, oracle, "softmax", "ints", ints, -1, what="an integer x of shape (4, 7)")


# --- task 3: any axis and edge cases ----------------------------------------------------------


@checks.test(task=3, name="axis=0 of a wide matrix")
def axis_zero(learner, oracle):
    rng = np.random.default_rng(7)
    x = rng.normal(scale=300.0, size=(4, 9))
    _both(learner, oracle, "wide-axis0", x, 0, what="x of shape (4, 9)")


@checks.test(task=3, name="a square matrix along each axis")
def square(learner, oracle):
    rng = np.random.default_rng(8)
    x = rng.normal(scale=300.0, size=(6, 6))
    for axis in (1, 0, -1):
        _both(learner, oracle, f"square-{axis}", x, axis, what="a square x of shape (6, 6)")


@checks.test(task=3, name="3-D input along every axis, positive and negative")
def three_d(learner, oracle):
    rng = np.random.default_rng(9)
    x = rng.normal(scale=300.0, size=(3, 4, 5))
    for axis in (1, 0, 2, -2, -3, -1):
        _both(learner, oracle, f"3d-{axis}", x, axis, what="x of shape (3, 4, 5)")


@checks.test(task=3, name="slices that are all -inf or partly -inf")
def neg_inf(learner, oracle):
    rng = np.random.default_rng(10)
    x = rng.normal(scale=2.0, size=(4, 5))
    x[1] = -np.inf
    x[2, [0, 3]] = -np.inf
    x[3, :4] = -np.inf
    _both(learner, oracle, "neginf-rows", x, -1, what="rows of x with -inf entries")
    cube = rng.normal(scale=300.0, size=(3, 2, 4))
    cube[:, 1, 2] = -np.inf
    cube[0, 0, 0] = -np.inf
    _both(learner, oracle, "neginf-3d", cube, 0, what="x of shape (3, 2, 4) with -inf entries")


@checks.test(task=3, name="no rows at all")
def empty(learner, oracle):
    x = np.zeros((0, 5))
    _both(learner, oracle, "empty", x, -1, what="x of shape (0, 5)")


@checks.performance(sizes=[250, 500, 1000, 2000, 4000])
def speed(learner, n, rng):
    x = rng.normal(scale=50.0, size=(n, 64))
    learner.logsumexp(x, axis=-1)
    learner.softmax(x, axis=-1)


def _library():
    from scipy.special import logsumexp, softmax

    return {"logsumexp": logsumexp, "softmax": softmax}


checks.baseline(_library, note="scipy.special")
