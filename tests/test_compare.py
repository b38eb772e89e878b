"""The comparison helpers: ordered diagnostics and the legitimate invariances, nothing more."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlcamp.labs.compare import (
    CheckFailure,
    align_signs,
    best_permutation,
    expect_array,
    expect_scalar,
    fit_exponent,
    match_labels,
)


def fails(got: object, want: np.ndarray, **kwargs: object) -> str:
    with pytest.raises(CheckFailure) as info:
        expect_array(got, want, name="f(x)", **kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_shape_is_reported_before_values() -> None:
    message = fails(np.zeros((100, 1)), np.ones(100))
    assert "expected shape (100,), got (100, 1)" in message


def test_transposed_result_is_recognised() -> None:
    assert "transposed" in fails(np.zeros((3, 2)), np.zeros((2, 3)))


def test_dtype_is_reported_before_values() -> None:
    message = fails(np.array([1, 2]), np.array([1.5, 2.5]))
    assert "floating-point" in message and "int64" in message


def test_nan_is_reported_with_its_index() -> None:
    message = fails(np.array([[1.0, np.nan]]), np.array([[1.0, 2.0]]))
    assert "NaN at index [0, 1]" in message


def test_worst_element_with_index_error_and_tolerance() -> None:
    want = np.array([1.0, 2.0, 3.0])
    got = np.array([1.0, 2.5, 3.1])
    message = fails(got, want, rtol=1e-6)
    assert "2 of 3 values are off" in message
    assert "worst at index [1]" in message and "got 2.5, expected 2" in message
    assert "tolerance 2e-06" in message


def test_lists_are_refused_with_advice() -> None:
    assert "np.asarray" in fails([1.0], np.array([1.0]))


def test_matching_nan_and_inf_are_equal() -> None:
    want = np.array([np.nan, np.inf, -np.inf, 1.0])
    expect_array(want.copy(), want, name="x")


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)))
def test_an_array_always_equals_itself(values: np.ndarray) -> None:
    expect_array(values.copy(), values, name="x", rtol=0.0)


@given(
    arrays(np.float64, st.integers(2, 20), elements=st.floats(-1e3, 1e3)),
    st.integers(0, 19),
    st.floats(1e-3, 1e3),
)
def test_any_perturbation_beyond_tolerance_is_caught(
    values: np.ndarray, index: int, delta: float
) -> None:
    index %= len(values)
    got = values.copy()
    got[index] += delta
    message = fails(got, values, rtol=1e-9, atol=1e-9)
    assert f"[{index}]" in message


def test_scalar_checks() -> None:
    expect_scalar(np.float64(1.0), 1.0, name="intercept_")
    with pytest.raises(CheckFailure, match="single number"):
        expect_scalar(np.array([1.0]), 1.0, name="intercept_")
    with pytest.raises(CheckFailure, match="got 2, expected 1"):
        expect_scalar(2.0, 1.0, name="intercept_")


@settings(max_examples=50)
@given(st.integers(0, 2**16), st.integers(1, 6), st.integers(2, 8))
def test_sign_flips_are_forgiven(seed: int, k: int, d: int) -> None:
    rng = np.random.default_rng(seed)
    want = rng.normal(size=(k, d))
    signs = rng.choice([-1.0, 1.0], size=(k, 1))
    expect_array(align_signs(want * signs, want), want, name="components_")


def test_sign_alignment_does_not_forgive_other_errors() -> None:
    want = np.eye(3)
    got = want[[1, 0, 2]]
    with pytest.raises(CheckFailure):
        expect_array(align_signs(got, want), want, name="components_")


@settings(max_examples=50)
@given(st.integers(0, 2**16), st.integers(2, 6))
def test_relabelled_clusters_match(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    want = rng.integers(0, k, size=40)
    renaming = rng.permutation(k)
    match_labels(renaming[want], want, name="labels_")


def test_merged_clusters_do_not_match() -> None:
    with pytest.raises(CheckFailure, match="first disagreement at index 2"):
        match_labels(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 2]), name="labels_")


def test_best_permutation_recovers_the_order() -> None:
    want = np.array([[0.0, 0.0], [5.0, 5.0], [10.0, 0.0]])
    got = want[[2, 0, 1]]
    order = best_permutation(got, want)
    np.testing.assert_array_equal(got[order], want)


def test_fit_exponent() -> None:
    sizes = [100, 200, 400, 800, 1600]
    assert fit_exponent(sizes, [1e-6 * n**2 for n in sizes]) == pytest.approx(2.0)
