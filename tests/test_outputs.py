"""Output layers: g[L], the loss from the logits Z[L], and dZ[L] = A[L] - Y."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import skdnn._fast.tuning
from skdnn._fast.tuning import ROW_MAX_COPY_ROWS as _COPY_ROWS
from skdnn._fast.tuning import ROW_MAX_FEW_COLUMNS as _FEW_COLUMNS
from skdnn._fast.tuning import SHARED_ONES_SIZE as _ONES_SIZE
from skdnn._nn import course
from skdnn._nn.outputs import (
    OUTPUT_LAYERS,
    IdentitySquaredError,
    SigmoidCrossEntropy,
    SoftmaxCrossEntropy,
    _ones,
    _row_max,
    _row_sum,
)

OUTPUTS = ["logistic", "softmax", "identity"]
PROBABILITIES = ["logistic", "softmax"]


def textbook_activation(output, Z):
    """A[L] from its definition (the course's, one example per column)."""
    return course.output_activation(output, Z.T).T.copy()


def textbook_loss(output, Z, Y):
    """L(ŷ_i, y_i) of each row i, from ŷ = A[L], as the course computes it."""
    return course.losses(course.output_activation(output, Z.T), Y.T, output)


def make_problem(output, seed, m=7, k=4, scale=3.0):
    """Moderate logits and targets: one-hot, 0/1 indicators or real numbers."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(scale=scale, size=(m, k))
    if output == "softmax":
        Y = np.eye(k)[rng.integers(0, k, size=m)]
    elif output == "logistic":
        Y = rng.integers(0, 2, size=(m, k)).astype(np.float64)
    else:
        Y = rng.normal(scale=scale, size=(m, k))
    return Z, Y


def loss(output, Z, Y, sample_weight=None):
    """The summed loss of the output layer, into a scratch A."""
    return OUTPUT_LAYERS[output].loss(Z, Y, np.empty_like(Z), sample_weight)


def row_losses(output, Z, Y):
    """The loss of each row alone, through the layer's summed loss."""
    return np.array([loss(output, Z[i : i + 1], Y[i : i + 1]) for i in range(len(Z))])


def test_table():
    assert list(OUTPUT_LAYERS) == OUTPUTS
    assert isinstance(OUTPUT_LAYERS["logistic"], SigmoidCrossEntropy)
    assert isinstance(OUTPUT_LAYERS["softmax"], SoftmaxCrossEntropy)
    assert isinstance(OUTPUT_LAYERS["identity"], IdentitySquaredError)
    for name, layer in OUTPUT_LAYERS.items():
        assert layer.name == name
        assert repr(layer) == f"{type(layer).__name__}()"
    # Only probabilities have a logarithm worth computing in log space.
    assert not hasattr(OUTPUT_LAYERS["identity"], "log_activation")


@pytest.mark.parametrize("output", OUTPUTS)
def test_activation_matches_definition(output):
    Z, _ = make_problem(output, 0)
    Z_before = Z.copy()
    out = np.full_like(Z, np.nan)
    A = OUTPUT_LAYERS[output].activation(Z, out)
    assert A is out
    assert_allclose(A, textbook_activation(output, Z_before), rtol=1e-12)
    np.testing.assert_array_equal(Z, Z_before)


@pytest.mark.parametrize("output", OUTPUTS)
def test_activation_in_place(output):
    Z, _ = make_problem(output, 1)
    expected = textbook_activation(output, Z)
    A = OUTPUT_LAYERS[output].activation(Z, Z)
    assert A is Z
    assert_allclose(Z, expected, rtol=1e-12)


def test_softmax_by_hand():
    # softmax([0, log 2, log 5]) = [1, 2, 5] / 8
    Z = np.log(np.array([[1.0, 2.0, 5.0]]))
    A = OUTPUT_LAYERS["softmax"].activation(Z, np.empty_like(Z))
    assert_allclose(A, [[1 / 8, 2 / 8, 5 / 8]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_at_huge_logits(dtype):
    # 1 / (1 + exp(-z)) taken literally overflows at z = -1e4.
    Z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]], dtype=dtype)
    A = OUTPUT_LAYERS["logistic"].activation(Z, np.empty_like(Z))
    assert A.dtype == dtype
    assert_allclose(A, [[0.0, 0.0, 0.5, 1.0, 1.0]], rtol=0, atol=1e-30)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_rows_sum_to_one(dtype):
    rng = np.random.default_rng(2)
    Z = rng.normal(scale=5.0, size=(20, 6)).astype(dtype)
    Z[0] = [1e4, 1e4, -1e4, 0.0, 5.0, 1e4]
    Z[1] = [-1e4, -1e4, -1e4, -1e4, -1e4, -1e4]
    A = OUTPUT_LAYERS["softmax"].activation(Z, np.empty_like(Z))
    assert A.dtype == dtype
    assert np.all((A >= 0) & (A <= 1))
    tol = 1e-6 if dtype == np.float32 else 1e-12
    assert_allclose(A.sum(axis=1), 1.0, rtol=tol)
    assert_allclose(A[0], [1 / 3, 1 / 3, 0, 0, 0, 1 / 3], rtol=tol, atol=1e-30)
    assert_allclose(A[1], np.full(6, 1 / 6), rtol=tol)


@pytest.mark.parametrize(
    "output, k",
    [
        ("logistic", 1),
        ("logistic", 3),
        ("softmax", 2),
        ("softmax", 4),
        ("identity", 1),
        ("identity", 3),
    ],
)
def test_loss_matches_textbook_per_row(output, k):
    Z, Y = make_problem(output, 3, k=k)
    expected = textbook_loss(output, Z, Y)
    # The log-space form subtracts numbers of size |z|: exact up to a few ulps of
    # |z| in absolute terms, so near-zero losses need an absolute tolerance.
    assert_allclose(row_losses(output, Z, Y), expected, rtol=1e-10, atol=1e-13)
    total = loss(output, Z, Y)
    assert isinstance(total, float)
    assert_allclose(total, expected.sum(), rtol=1e-12)


def test_squared_error_by_hand():
    # 1/2 ((1 - 0)² + (2 - 4)²) + 1/2 (3 - 3)² = 2.5
    Z = np.array([[1.0, 2.0], [3.0, 3.0]])
    Y = np.array([[0.0, 4.0], [3.0, 3.0]])
    assert loss("identity", Z, Y) == 2.5
    assert loss("identity", Z, Y, np.array([2.0, 7.0])) == 5.0


def test_sigmoid_loss_with_soft_targets():
    Z, _ = make_problem("logistic", 4)
    Y = np.random.default_rng(5).uniform(size=Z.shape)
    assert_allclose(
        row_losses("logistic", Z, Y), textbook_loss("logistic", Z, Y), rtol=1e-10
    )


def test_sigmoid_loss_at_huge_logits():
    # One unit per row: (z, y) -> max(z, 0) - y z is the limit of the loss.
    Z = np.array([[1e4], [-1e4], [1e4], [-1e4], [800.0], [-800.0]])
    Y = np.array([[1.0], [0.0], [0.0], [1.0], [0.0], [1.0]])
    losses = row_losses("logistic", Z, Y)
    assert np.all(np.isfinite(losses))
    assert_allclose(losses, [0.0, 0.0, 1e4, 1e4, 800.0, 800.0], rtol=1e-12, atol=1e-12)


def test_sigmoid_loss_at_huge_logits_sums_over_units():
    Z = np.array([[1e4, -1e4, 1e4, -1e4]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    assert_allclose(loss("logistic", Z, Y), 2e4, rtol=1e-12)


def test_softmax_loss_at_huge_logits():
    Z = np.array([[1e4, 0.0, -1e4]] * 3 + [[1e4, 1e4, 1e4]])
    Y = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0, 1.0, 0]])
    losses = row_losses("softmax", Z, Y)
    assert np.all(np.isfinite(losses))
    # logsumexp(Z) = 1e4 (up to exp(-1e4)) for the first three rows, 1e4 + log 3
    # for the last one; the loss is logsumexp(Z) - z_y.
    assert_allclose(losses, [0.0, 1e4, 2e4, np.log(3.0)], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("output", PROBABILITIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_finite_at_huge_logits(output, dtype):
    rng = np.random.default_rng(6)
    Z = rng.choice([-1e4, 1e4], size=(8, 3)).astype(dtype)
    _, Y = make_problem(output, 7, m=8, k=3)
    Y = Y.astype(dtype)
    A = np.full_like(Z, np.nan)
    total = OUTPUT_LAYERS[output].loss(Z, Y, A, np.linspace(0.5, 2.0, 8, dtype=dtype))
    assert np.isfinite(total)
    assert np.all((A >= 0) & (A <= 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_sigmoid(dtype):
    z = np.array([[-1e4, -800.0, -3.0, 0.0, 3.0, 800.0, 1e4]], dtype=dtype)
    log_a = OUTPUT_LAYERS["logistic"].log_activation(z)
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
    assert_allclose(log_a[0], expected, rtol=rtol, atol=1e-30)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax(dtype):
    Z = np.array([[0.0, -1e4, 1e4], [1.0, 2.0, 3.0], [-1e4, -1e4, -1e4]], dtype=dtype)
    log_a = OUTPUT_LAYERS["softmax"].log_activation(Z)
    assert log_a.dtype == dtype
    assert np.all(np.isfinite(log_a))
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    assert_allclose(log_a[0], [-1e4, -2e4, 0.0], rtol=rtol, atol=1e-30)
    moderate = Z[1:2].astype(np.float64)
    assert_allclose(
        log_a[1:2], np.log(textbook_activation("softmax", moderate)), rtol=rtol
    )
    # log A = Z - logsumexp(Z) cancels two numbers of size 1e4: float32 keeps
    # about 1e4 * 2**-23 of absolute precision there.
    atol = 2e-3 if dtype == np.float32 else 1e-11
    assert_allclose(log_a[2], np.full(3, -np.log(3.0)), rtol=0, atol=atol)


@pytest.mark.parametrize("output", PROBABILITIES)
def test_log_activation_is_log_of_activation(output):
    Z, _ = make_problem(output, 6)
    layer = OUTPUT_LAYERS[output]
    A = layer.activation(Z, np.empty_like(Z))
    assert_allclose(layer.log_activation(Z), np.log(A), rtol=1e-12)


@pytest.mark.parametrize("output", PROBABILITIES)
def test_log_activation_finite_where_activation_underflows(output):
    Z = np.array([[-1e4, 0.0, 5.0], [2.0, -800.0, 1.0]])
    layer = OUTPUT_LAYERS[output]
    A = layer.activation(Z, np.empty_like(Z))
    underflows = A == 0
    assert underflows[0, 0] and underflows[1, 1]
    log_a = layer.log_activation(Z)
    assert np.all(np.isfinite(log_a))
    assert np.all(log_a[underflows] < -700)
    with np.errstate(divide="ignore"):
        log_of_a = np.log(A)
    assert_allclose(log_a[~underflows], log_of_a[~underflows], rtol=1e-12)


@pytest.mark.parametrize("output", OUTPUTS)
def test_weighted_loss_is_sum_of_weighted_row_losses(output):
    Z, Y = make_problem(output, 8)
    s = np.random.default_rng(9).uniform(0.0, 3.0, size=Z.shape[0])
    total = loss(output, Z, Y, sample_weight=s)
    assert isinstance(total, float)
    assert_allclose(total, s @ textbook_loss(output, Z, Y), rtol=1e-12)
    assert_allclose(loss(output, Z, Y, np.ones(Z.shape[0])), loss(output, Z, Y))


@pytest.mark.parametrize("output", OUTPUTS)
def test_integer_weight_is_repetition(output):
    Z, Y = make_problem(output, 10, m=4)
    s = np.array([1.0, 2.0, 0.0, 3.0])
    repeat = np.array([0, 1, 1, 3, 3, 3])
    assert_allclose(loss(output, Z, Y, s), loss(output, Z[repeat], Y[repeat]))


@pytest.mark.parametrize("output", OUTPUTS)
def test_loss_writes_the_activation_into_A(output):
    Z, Y = make_problem(output, 11)
    Z_before, Y_before = Z.copy(), Y.copy()
    A = np.full_like(Z, np.nan)
    OUTPUT_LAYERS[output].loss(Z, Y, A, np.linspace(0.5, 2.0, len(Z)))
    assert_allclose(A, textbook_activation(output, Z), rtol=1e-12)
    np.testing.assert_array_equal(Z, Z_before)
    np.testing.assert_array_equal(Y, Y_before)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("in_place", [False, True])
def test_delta_is_A_minus_Y(output, in_place):
    Z, Y = make_problem(output, 12)
    A = textbook_activation(output, Z)
    expected = A - Y
    out = A if in_place else np.full_like(Z, np.nan)
    dZ = OUTPUT_LAYERS[output].delta(A, Y, out)
    assert dZ is out
    np.testing.assert_array_equal(dZ, expected)


@pytest.mark.parametrize("output", OUTPUTS)
def test_delta_is_derivative_of_loss(output):
    # The canonical-link shortcut: dL/dZ[L] = A[L] - Y, with no g'(Z[L]).
    Z, Y = make_problem(output, 13, m=5, k=3, scale=2.0)
    layer = OUTPUT_LAYERS[output]
    A = layer.activation(Z, np.empty_like(Z))
    dZ = layer.delta(A, Y, np.empty_like(Z))

    eps = 1e-6
    numerical = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        Z_plus, Z_minus = Z.copy(), Z.copy()
        Z_plus[index] += eps
        Z_minus[index] -= eps
        numerical[index] = (loss(output, Z_plus, Y) - loss(output, Z_minus, Y)) / (
            2 * eps
        )
    assert_allclose(dZ, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("output", OUTPUTS)
def test_float32_stays_float32(output):
    Z, Y = make_problem(output, 14)
    Z_32, Y_32 = Z.astype(np.float32), Y.astype(np.float32)
    s = np.linspace(0.5, 2.0, len(Z))
    layer = OUTPUT_LAYERS[output]
    A_32 = np.empty_like(Z_32)
    loss_32 = layer.loss(Z_32, Y_32, A_32, s.astype(np.float32))
    assert layer.activation(Z_32, np.empty_like(Z_32)).dtype == np.float32
    assert layer.delta(A_32, Y_32, np.empty_like(Z_32)).dtype == np.float32
    assert_allclose(loss_32, loss(output, Z, Y, s), rtol=1e-5)
    assert_allclose(A_32, textbook_activation(output, Z), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    "shape, copy_path",
    [((7, 3), True), ((7, 40), False), ((20_000, 3), False), ((3, 5000), False)],
    ids=["few columns", "many columns", "many rows", "more columns than shared ones"],
)
def test_softmax_and_its_loss_on_every_reduction_path(shape, copy_path):
    assert (shape[1] <= _FEW_COLUMNS and shape[0] <= _COPY_ROWS) == copy_path
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=3.0, size=shape)
    Z[0, :] += 800.0  # a row whose exp overflows without the shift by its max
    Y = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    Z_max = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - Z_max)
    expected = E / E.sum(axis=1, keepdims=True)
    log_sum = np.log(E.sum(axis=1)) + Z_max[:, 0]
    layer = OUTPUT_LAYERS["softmax"]

    np.testing.assert_array_equal(_row_max(Z), Z_max)
    assert_allclose(layer.activation(Z, np.empty_like(Z)), expected, rtol=1e-12)
    A = np.empty_like(Z)
    assert_allclose(
        layer.loss(Z, Y, A), (log_sum - (Y * Z).sum(axis=1)).sum(), rtol=1e-12
    )
    assert_allclose(A, expected, rtol=1e-12)
    assert_allclose(layer.log_activation(Z), Z - log_sum[:, None], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_max_paths_agree(monkeypatch, dtype):
    rng = np.random.default_rng(1)
    Z = rng.normal(scale=50.0, size=(40, 5)).astype(dtype)
    Y = np.eye(5)[rng.integers(0, 5, size=40)].astype(dtype)
    layer = OUTPUT_LAYERS["softmax"]

    results = {}
    for path, few, rows in [("copy", 8, 100), ("columns", 4, 100), ("rows", 8, 39)]:
        monkeypatch.setattr(skdnn._fast.tuning, "ROW_MAX_FEW_COLUMNS", few)
        monkeypatch.setattr(skdnn._fast.tuning, "ROW_MAX_COPY_ROWS", rows)
        row_max = _row_max(Z)
        assert row_max.shape == (40, 1) and row_max.dtype == dtype
        A = np.empty_like(Z)
        results[path] = (
            row_max,
            layer.activation(Z, np.empty_like(Z)),
            layer.loss(Z, Y, A),
            A,
            layer.log_activation(Z),
        )
    np.testing.assert_array_equal(results["copy"][0], Z.max(axis=1, keepdims=True))
    for other in ("columns", "rows"):
        for copy_result, other_result in zip(
            results["copy"], results[other], strict=True
        ):
            np.testing.assert_array_equal(copy_result, other_result)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shared_ones_stay_ones(dtype):
    # Row sums share one read-only vector of ones; no caller may write to it.
    for output in OUTPUTS:
        Z, Y = make_problem(output, 15)
        Z, Y = Z.astype(dtype), Y.astype(dtype)
        layer = OUTPUT_LAYERS[output]
        A = np.empty_like(Z)
        layer.loss(Z, Y, A, np.ones(len(Z), dtype))
        layer.activation(Z, Z)
        layer.delta(A, Y, A)
    ones = _ones(4, dtype)
    assert ones.dtype == dtype
    assert not ones.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        ones[0] = 2.0
    assert np.all(_ones(_ONES_SIZE, dtype) == 1.0)
    assert_allclose(_row_sum(np.ones((2, 4), dtype)), [4.0, 4.0])
    # Past the shared size a fresh vector is made.
    assert_allclose(_row_sum(np.ones((2, _ONES_SIZE + 3), dtype)), _ONES_SIZE + 3)
