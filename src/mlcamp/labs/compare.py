"""Comparisons that explain themselves: what was expected, what came, and where they differ.

Every helper raises `CheckFailure` with a message a learner can act on: the shape first, then
the dtype, then NaN or infinity, then the worst element with its index, the error and the
tolerance. Checks call these in the grader process, on values decoded from the sandbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray


class CheckFailure(AssertionError):
    """A check found the learner's result wrong; the message says how."""


def describe(value: Any) -> str:
    """A short description of a value's type for messages ("a list", "an int", "None", ...)."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    type_name = getattr(value, "type_name", None) or type(value).__name__
    article = "an" if type_name[:1].lower() in "aeiou" else "a"
    return f"{article} {type_name}"


def format_index(index: tuple[int, ...]) -> str:
    """Format an array index as it would be typed: `[2, 3]`."""
    return "[" + ", ".join(str(i) for i in index) + "]"


def _fmt(x: Any) -> str:
    return f"{x:.6g}" if isinstance(x, float | np.floating) else str(x)


def expect_array(
    got: Any,
    want: NDArray[Any],
    *,
    name: str,
    rtol: float = 1e-7,
    atol: float = 0.0,
    integer: bool = False,
) -> NDArray[Any]:
    """Check that `got` is an array equal to `want` within `atol + rtol * |want|`, elementwise.

    Returns `got` as an array, so callers can go on using it. With `integer=True` the values must
    be exactly equal and of an integer (or bool) dtype.
    """
    want = np.asarray(want)
    checked: NDArray[Any] = expect_shape_and_dtype(got, want, name=name, integer=integer)
    if checked.size == 0:
        return checked
    if integer or want.dtype.kind in "biuUS":
        mismatched = np.argwhere(checked != want)
        if len(mismatched):
            index = tuple(int(i) for i in mismatched[0])
            raise CheckFailure(
                f"{name}: {len(mismatched)} of {want.size} values differ; first at index "
                f"{format_index(index)}: got {_fmt(checked[index])}, expected {_fmt(want[index])}"
            )
        return checked
    got_f = checked.astype(np.float64)
    want_f = want.astype(np.float64)
    _expect_finite_where_expected(got_f, want_f, name)
    both_inf = np.isinf(want_f) & (got_f == want_f)
    both_nan = np.isnan(want_f) & np.isnan(got_f)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(got_f - want_f)
        tolerance = atol + rtol * np.abs(want_f)
        error = np.where(both_inf | both_nan, 0.0, error)
        bad = ~(error <= tolerance) & ~(both_inf | both_nan)
    if bad.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = np.where(
                bad, error / np.where(tolerance > 0, tolerance, np.finfo(float).tiny), -1
            )
        index = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(excess)), want.shape))
        where = f" at index {format_index(index)}" if want.ndim else ""
        raise CheckFailure(
            f"{name}: {int(bad.sum())} of {want.size} values are off; worst{where}: got "
            f"{_fmt(got_f[index])}, expected {_fmt(want_f[index])} (error {error[index]:.3g}, "
            f"tolerance {tolerance[index]:.3g})"
        )
    return checked


def expect_shape_and_dtype(
    got: Any, want: NDArray[Any], *, name: str, integer: bool = False
) -> NDArray[Any]:
    """Check that `got` is an array of `want`'s shape and of a compatible dtype (not values)."""
    want = np.asarray(want)
    if not isinstance(got, np.ndarray):
        if isinstance(got, list | tuple):
            raise CheckFailure(
                f"{name}: expected a NumPy array of shape {want.shape}, got {describe(got)}; "
                "return np.asarray(...) of it"
            )
        raise CheckFailure(
            f"{name}: expected a NumPy array of shape {want.shape}, got {describe(got)}"
        )
    if got.shape != want.shape:
        hint = ""
        if got.shape == want.shape[::-1] and got.ndim == 2:
            hint = " (it looks transposed)"
        elif got.size == want.size:
            hint = " (same number of values: reshape, or check which axis you reduced over)"
        raise CheckFailure(f"{name}: expected shape {want.shape}, got {got.shape}{hint}")
    _expect_dtype(got, want, name=name, integer=integer)
    return got


def _expect_dtype(got: NDArray[Any], want: NDArray[Any], *, name: str, integer: bool) -> None:
    if want.dtype.kind in "US":
        if got.dtype.kind not in "US":
            raise CheckFailure(f"{name}: expected strings (labels), got dtype {got.dtype}")
        return
    if got.dtype.kind in "OVSUMm":
        raise CheckFailure(f"{name}: expected numbers, got an array of dtype {got.dtype}")
    if got.dtype.kind == "c" and want.dtype.kind != "c":
        raise CheckFailure(f"{name}: expected real numbers, got complex dtype {got.dtype}")
    if integer and got.dtype.kind not in "biu":
        raise CheckFailure(f"{name}: expected integers, got dtype {got.dtype}")
    if want.dtype.kind == "f" and got.dtype.kind in "biu":
        raise CheckFailure(
            f"{name}: expected floating-point values, got dtype {got.dtype}; integer arithmetic "
            "truncates: convert with .astype(float) before dividing"
        )


def _expect_finite_where_expected(got: NDArray[Any], want: NDArray[Any], name: str) -> None:
    for label, got_mask in (("NaN", np.isnan(got)), ("infinity", np.isinf(got))):
        unexpected = got_mask & ~(np.isnan(want) if label == "NaN" else np.isinf(want))
        if unexpected.any():
            index = tuple(int(i) for i in np.argwhere(unexpected)[0])
            where = f" at index {format_index(index)}" if got.ndim else ""
            raise CheckFailure(
                f"{name}: got {label}{where} ({int(unexpected.sum())} such values), expected "
                f"{_fmt(want[index])}; look for overflow in exp, a division by zero or log(0)"
            )
    missing = np.isnan(want) & ~np.isnan(got)
    if missing.any():
        index = tuple(int(i) for i in np.argwhere(missing)[0])
        raise CheckFailure(
            f"{name}: expected NaN at index {format_index(index)}, got {_fmt(got[index])}"
        )


def expect_scalar(
    got: Any, want: float, *, name: str, rtol: float = 1e-7, atol: float = 0.0
) -> float:
    """Check that `got` is a real number (Python or NumPy scalar) close to `want`."""
    if isinstance(got, np.ndarray):
        raise CheckFailure(
            f"{name}: expected a single number, got {describe(got)}; use float(...) or .item()"
        )
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CheckFailure(f"{name}: expected a number, got {describe(got)}")
    value = float(got)
    if np.isnan(value) and not np.isnan(want):
        raise CheckFailure(f"{name}: got NaN, expected {_fmt(want)}")
    if abs(value - want) > atol + rtol * abs(want):
        raise CheckFailure(
            f"{name}: got {_fmt(value)}, expected {_fmt(want)} (error {abs(value - want):.3g}, "
            f"tolerance {atol + rtol * abs(want):.3g})"
        )
    return value


def expect_same_object(got: Any, expected: Any, *, name: str) -> None:
    """Check that a method returned the object it was called on (`fit` returns `self`)."""
    if got is not expected and not (type(got) is type(expected) and got == expected):
        raise CheckFailure(
            f"{name}: should return self (the fitted estimator), got {describe(got)}"
        )


def expect_true(condition: bool, message: str) -> None:
    """Fail with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailure(message)


def align_signs(got: NDArray[Any], want: NDArray[Any], axis: int = 1) -> NDArray[Any]:
    """Flip the sign of each vector of `got` (rows for axis=1) to best match `want`.

    Eigenvectors and principal components are defined up to sign; comparing after this is the
    legitimate invariance, and nothing else is forgiven.
    """
    products = np.sum(got * want, axis=axis, keepdims=True)
    signs = np.where(products < 0, -1.0, 1.0)
    return np.asarray(got * signs)


def match_labels(got: NDArray[Any], want: NDArray[Any], *, name: str) -> dict[int, int]:
    """Check that two labelings are the same partition up to renaming the labels.

    Returns the renaming (learner label -> oracle label). Fails with the first point whose
    label breaks the one-to-one correspondence.
    """
    got = expect_shape_and_dtype(got, np.asarray(want), name=name, integer=True)
    mapping: dict[int, int] = {}
    reverse: dict[int, int] = {}
    for index, (g, w) in enumerate(zip(got.tolist(), np.asarray(want).tolist(), strict=True)):
        if mapping.setdefault(g, w) != w or reverse.setdefault(w, g) != g:
            raise CheckFailure(
                f"{name}: the clusters differ from the expected ones (even after renaming labels); "
                f"first disagreement at index {index}: label {g}, where the expected grouping puts "
                f"the point with the points labelled {reverse.get(w, w)}"
            )
    return mapping


def best_permutation(got: NDArray[Any], want: NDArray[Any]) -> NDArray[np.intp]:
    """The order of `got`'s rows that best matches `want`'s rows (least total squared distance).

    Cluster centres are defined up to order; this finds the renaming with the Hungarian method.
    """
    from scipy.optimize import linear_sum_assignment

    cost = np.sum((np.asarray(want)[:, None, :] - np.asarray(got)[None, :, :]) ** 2, axis=-1)
    _, order = linear_sum_assignment(cost)
    return np.asarray(order, dtype=np.intp)


def fit_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """The least-squares slope of log(seconds) against log(size): the empirical scaling exponent."""
    x = np.log(np.asarray(sizes, dtype=float))
    y = np.log(np.maximum(np.asarray(seconds, dtype=float), 1e-9))
    slope = np.polyfit(x, y, 1)[0]
    return float(slope)
