"""Output layers: activations, cross-entropy losses from logits, and dZ[L]."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdnn._losses import (
    LOG_OUTPUT_ACTIVATIONS,
    LOSSES,
    OUTPUT_ACTIVATIONS,
    _ones,
    _row_sum,
    log_logistic,
    log_softmax,
    logistic,
    logistic_loss,
    output_delta,
    softmax,
    softmax_loss,
    total_loss,
)

OUTPUTS = ["logistic", "softmax"]


def textbook_probabilities(output, Z):
    """A[L] from its definition, for moderate logits."""
    if output == "logistic":
        return 1.0 / (1.0 + np.exp(-Z))
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def textbook_loss(output, Z, Y):
    """Cross-entropy of each row, from the probabilities."""
    A = textbook_probabilities(output, Z)
    if output == "logistic":
        return -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=1)
    return -(Y * np.log(A)).sum(axis=1)


def make_problem(output, seed, m=7, k=4, scale=3.0):
    """Moderate logits and targets: one-hot (softmax) or 0/1 indicators."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(scale=scale, size=(m, k))
    if output == "softmax":
        Y = np.eye(k)[rng.integers(0, k, size=m)]
    else:
        Y = rng.integers(0, 2, size=(m, k)).astype(np.float64)
    return Z, Y


def test_tables():
    assert set(OUTPUT_ACTIVATIONS) == set(OUTPUTS)
    assert set(LOG_OUTPUT_ACTIVATIONS) == set(OUTPUTS)
    assert set(LOSSES) == set(OUTPUTS)


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_activation_matches_definition(output):
    Z, _ = make_problem(output, 0)
    Z_before = Z.copy()
    out = np.empty_like(Z)
    A = OUTPUT_ACTIVATIONS[output](Z, out=out)
    assert A is out
    assert_allclose(A, textbook_probabilities(output, Z_before), rtol=1e-12)
    assert_allclose(Z, Z_before, rtol=0, atol=0)


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_activation_in_place(output):
    Z, _ = make_problem(output, 1)
    expected = textbook_probabilities(output, Z)
    A = OUTPUT_ACTIVATIONS[output](Z, out=Z)
    assert A is Z
    assert_allclose(Z, expected, rtol=1e-12)


def test_softmax_by_hand():
    # softmax([0, log 2, log 5]) = [1, 2, 5] / 8
    Z = np.log(np.array([[1.0, 2.0, 5.0]]))
    assert_allclose(softmax(Z, out=np.empty_like(Z)), [[1 / 8, 2 / 8, 5 / 8]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_rows_sum_to_one(dtype):
    rng = np.random.default_rng(2)
    Z = rng.normal(scale=5.0, size=(20, 6)).astype(dtype)
    Z[0] = [1e4, 1e4, -1e4, 0.0, 5.0, 1e4]
    Z[1] = [-1e4, -1e4, -1e4, -1e4, -1e4, -1e4]
    A = softmax(Z, out=np.empty_like(Z))
    assert A.dtype == dtype
    assert np.all((A >= 0) & (A <= 1))
    tol = 1e-6 if dtype == np.float32 else 1e-12
    assert_allclose(A.sum(axis=1), 1.0, rtol=tol)
    assert_allclose(A[0], [1 / 3, 1 / 3, 0, 0, 0, 1 / 3], rtol=tol, atol=1e-30)
    assert_allclose(A[1], np.full(6, 1 / 6), rtol=tol)


@pytest.mark.parametrize(
    "output, k", [("logistic", 1), ("logistic", 3), ("softmax", 2), ("softmax", 4)]
)
def test_loss_matches_textbook_cross_entropy(output, k):
    Z, Y = make_problem(output, 3, k=k)
    loss = LOSSES[output](Z, Y)
    assert loss.shape == (Z.shape[0],)
    # The log-space form subtracts numbers of size |z|: exact up to a few ulps of
    # |z| in absolute terms, so near-zero losses need an absolute tolerance.
    assert_allclose(loss, textbook_loss(output, Z, Y), rtol=1e-10, atol=1e-13)


def test_logistic_loss_with_soft_targets():
    Z, _ = make_problem("logistic", 4)
    Y = np.random.default_rng(5).uniform(size=Z.shape)
    assert_allclose(logistic_loss(Z, Y), textbook_loss("logistic", Z, Y), rtol=1e-10)


def test_logistic_loss_at_huge_logits():
    # One unit per row: (z, y) -> max(z, 0) - y z is the limit of the loss.
    Z = np.array([[1e4], [-1e4], [1e4], [-1e4], [800.0], [-800.0]])
    Y = np.array([[1.0], [0.0], [0.0], [1.0], [0.0], [1.0]])
    loss = logistic_loss(Z, Y)
    assert np.all(np.isfinite(loss))
    assert_allclose(loss, [0.0, 0.0, 1e4, 1e4, 800.0, 800.0], rtol=1e-12, atol=1e-12)


def test_logistic_loss_at_huge_logits_sums_over_units():
    Z = np.array([[1e4, -1e4, 1e4, -1e4]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    assert_allclose(logistic_loss(Z, Y), [2e4], rtol=1e-12)


def test_softmax_loss_at_huge_logits():
    Z = np.array([[1e4, 0.0, -1e4]] * 3 + [[1e4, 1e4, 1e4]])
    Y = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0, 1.0, 0]])
    loss = softmax_loss(Z, Y)
    assert np.all(np.isfinite(loss))
    # logsumexp(Z) = 1e4 (up to exp(-1e4)) for the first three rows, 1e4 + log 3
    # for the last one; the loss is logsumexp(Z) - z_y.
    assert_allclose(loss, [0.0, 1e4, 2e4, np.log(3.0)], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_logistic(dtype):
    z = np.array([-1e4, -800.0, -3.0, 0.0, 3.0, 800.0, 1e4], dtype=dtype)
    log_a = log_logistic(z)
    assert log_a.dtype == dtype
    assert np.all(np.isfinite(log_a))
    # log sigmoid(z) = -log(1 + exp(-z)): ~z for z << 0, ~0 for z >> 0.
    expected = [
        -1e4,
        -800.0,
        -np.log1p(np.exp(3.0)),
        -np.log(2.0),
        -np.log1p(np.exp(-3.0)),
        0.0,
        0.0,
    ]
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    assert_allclose(log_a, expected, rtol=rtol, atol=1e-30)
    moderate = z[2:5]
    assert_allclose(
        log_a[2:5], np.log(textbook_probabilities("logistic", moderate)), rtol=rtol
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax(dtype):
    Z = np.array([[0.0, -1e4, 1e4], [1.0, 2.0, 3.0], [-1e4, -1e4, -1e4]], dtype=dtype)
    log_a = log_softmax(Z)
    assert log_a.dtype == dtype
    assert np.all(np.isfinite(log_a))
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    assert_allclose(log_a[0], [-1e4, -2e4, 0.0], rtol=rtol, atol=1e-30)
    moderate = Z[1:2].astype(np.float64)
    assert_allclose(
        log_a[1:2], np.log(textbook_probabilities("softmax", moderate)), rtol=rtol
    )
    # log A = Z - logsumexp(Z) cancels two numbers of size 1e4: float32 keeps
    # about 1e4 * 2**-23 of absolute precision there.
    atol = 2e-3 if dtype == np.float32 else 1e-11
    assert_allclose(log_a[2], np.full(3, -np.log(3.0)), rtol=0, atol=atol)


@pytest.mark.parametrize("output", OUTPUTS)
def test_log_output_is_log_of_output(output):
    Z, _ = make_problem(output, 6)
    A = OUTPUT_ACTIVATIONS[output](Z, out=np.empty_like(Z))
    assert_allclose(LOG_OUTPUT_ACTIVATIONS[output](Z), np.log(A), rtol=1e-12)


def test_logistic_function_is_the_sigmoid():
    z = np.array([-2.0, 0.0, 2.0])
    assert_allclose(logistic(z, out=np.empty_like(z)), 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("output", OUTPUTS)
def test_total_loss_without_weights(output):
    Z, Y = make_problem(output, 7)
    loss = total_loss(output, Z, Y)
    assert isinstance(loss, float)
    assert_allclose(loss, textbook_loss(output, Z, Y).sum(), rtol=1e-12)


@pytest.mark.parametrize("output", OUTPUTS)
def test_total_loss_with_weights(output):
    Z, Y = make_problem(output, 8)
    s = np.random.default_rng(9).uniform(0.0, 3.0, size=Z.shape[0])
    loss = total_loss(output, Z, Y, sample_weight=s)
    assert isinstance(loss, float)
    assert_allclose(loss, (s * textbook_loss(output, Z, Y)).sum(), rtol=1e-12)
    ones = np.ones(Z.shape[0])
    assert_allclose(total_loss(output, Z, Y, ones), total_loss(output, Z, Y))


@pytest.mark.parametrize("output", OUTPUTS)
def test_total_loss_integer_weight_is_repetition(output):
    Z, Y = make_problem(output, 10, m=4)
    s = np.array([1.0, 2.0, 0.0, 3.0])
    repeat = np.array([0, 1, 1, 3, 3, 3])
    assert_allclose(
        total_loss(output, Z, Y, s), total_loss(output, Z[repeat], Y[repeat])
    )


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_delta_is_A_minus_Y(output):
    Z, Y = make_problem(output, 11)
    A = textbook_probabilities(output, Z)
    out = np.full_like(Z, np.nan)
    dZ = output_delta(A, Y, out=out)
    assert dZ is out
    assert_allclose(dZ, A - Y, rtol=0, atol=0)


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_delta_is_derivative_of_loss(output):
    # The canonical-link shortcut: dL/dZ[L] = A[L] - Y, with no g'(Z[L]).
    Z, Y = make_problem(output, 12, m=5, k=3, scale=2.0)
    A = OUTPUT_ACTIVATIONS[output](Z, out=np.empty_like(Z))
    dZ = output_delta(A, Y, out=np.empty_like(Z))

    eps = 1e-6
    numerical = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        Z_plus, Z_minus = Z.copy(), Z.copy()
        Z_plus[index] += eps
        Z_minus[index] -= eps
        numerical[index] = (
            total_loss(output, Z_plus, Y) - total_loss(output, Z_minus, Y)
        ) / (2 * eps)
    assert_allclose(dZ, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "shape",
    [(7, 3), (7, 40), (20_000, 3), (3, 5000)],
    ids=["few columns", "many columns", "many rows", "more columns than shared ones"],
)
def test_softmax_and_its_loss_on_every_reduction_path(shape):
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=3.0, size=shape)
    Z[0, :] += 800.0  # a row whose exp overflows without the shift by its max
    Y = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    Z_max = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - Z_max)
    expected = E / E.sum(axis=1, keepdims=True)
    assert_allclose(softmax(Z, out=np.empty_like(Z)), expected, rtol=1e-12)
    log_sum = np.log(E.sum(axis=1)) + Z_max[:, 0]
    assert_allclose(softmax_loss(Z, Y), log_sum - (Y * Z).sum(axis=1), rtol=1e-12)


def test_shared_ones_stay_ones():
    # Row sums share one read-only vector of ones; no caller may write to it.
    Z = np.arange(12.0).reshape(3, 4)
    softmax(Z, out=Z)
    with pytest.raises(ValueError, match="read-only"):
        _ones(4, Z.dtype)[0] = 2.0
    assert_allclose(_row_sum(np.ones((2, 4))), [4.0, 4.0])
    assert_allclose(_row_sum(np.ones((2, 4), np.float32)), [4.0, 4.0])
