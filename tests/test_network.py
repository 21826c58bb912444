"""Network: parameter layout, forward against the course's notation, gradients."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

import skdnn._network
from skdnn._activations import ACTIVATIONS
from skdnn._network import Cache, Network
from skdnn._outputs import OUTPUT_LAYERS

OUTPUTS = ["logistic", "softmax", "identity"]
PROBABILITIES = ["logistic", "softmax"]

# (layer_units, hidden_activations); L = 1 has no hidden layer at all.
ARCHITECTURES = [
    ((3, 2), ()),
    ((4, 5, 3), ("tanh",)),
    ((4, 5, 3), ("relu",)),
    ((3, 6, 4, 3), ("logistic", "leaky_relu")),
    ((3, 4, 5, 2, 3), ("relu", "identity", "tanh")),
]


def g_course(name, Z):
    """Activations written out from their definitions."""
    if name == "identity":
        return Z
    if name == "logistic":
        return 1.0 / (1.0 + np.exp(-Z))
    if name == "tanh":
        return (np.exp(2 * Z) - 1.0) / (np.exp(2 * Z) + 1.0)
    if name == "relu":
        return np.where(Z > 0, Z, 0.0)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, 0.01 * Z)
    raise AssertionError(name)


def output_course(output, Z):
    """Output activation with one example per column."""
    if output == "identity":
        return Z
    if output == "logistic":
        return 1.0 / (1.0 + np.exp(-Z))
    E = np.exp(Z)
    return E / E.sum(axis=0, keepdims=True)


def forward_course(X, W_course, b_course, hidden, output):
    """Z[l] = W[l] A[l-1] + b[l], column-major as in the course.

    ``W_course[l]`` has shape (n[l], n[l-1]); returns lists of Z[l], A[l] of
    shape (n[l], m), with A[0] = Xᵀ.
    """
    L = len(W_course) - 1
    Z, A = [None], [X.T]
    for l in range(1, L + 1):
        Z.append(W_course[l] @ A[l - 1] + b_course[l][:, None])
        if l < L:
            A.append(g_course(hidden[l - 1], Z[l]))
        else:
            A.append(output_course(output, Z[l]))
    return Z, A


def cost_course(X, Y, W_course, b_course, hidden, output, alpha, s=None):
    """J = (sum_i s_i L_i + alpha / 2 sum_l ||W[l]||_F²) / sum_i s_i."""
    _, A = forward_course(X, W_course, b_course, hidden, output)
    A_L, Y_c = A[-1], Y.T
    if output == "logistic":
        losses = -(Y_c * np.log(A_L) + (1 - Y_c) * np.log(1 - A_L)).sum(axis=0)
    elif output == "softmax":
        losses = -(Y_c * np.log(A_L)).sum(axis=0)
    else:
        losses = 0.5 * ((A_L - Y_c) ** 2).sum(axis=0)
    s = np.ones(X.shape[0]) if s is None else s
    penalty = 0.5 * alpha * sum((w**2).sum() for w in W_course[1:])
    return ((s * losses).sum() + penalty) / s.sum()


def course_parameters(network, theta):
    """W[l] as the course writes it, (n[l], n[l-1]), and b[l], from theta."""
    W, b = network.unpack(theta)
    return [None] + [w.T.copy() for w in W[1:]], [None] + [v.copy() for v in b[1:]]


def make_problem(layer_units, output, m, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, layer_units[0]))
    k = layer_units[-1]
    if output == "softmax":
        Y = np.eye(k)[rng.integers(0, k, size=m)]
    elif output == "logistic":
        Y = rng.integers(0, 2, size=(m, k)).astype(np.float64)
    else:
        Y = rng.normal(size=(m, k))
    return X, Y


def random_theta(network, seed, scale=0.7):
    return np.random.default_rng(seed).normal(scale=scale, size=network.n_params)


def training_forward(network, X, W, b, cache=None):
    """Z[l] and A[l] for l = 0..L after a training-mode forward pass.

    The forward pass ends with the logits Z[L]; A[L] = g[L](Z[L]) is the output
    layer's, computed here into a new array. Z[0] is None and A[0] is X.
    """
    if cache is None:
        cache = network.allocate_cache(X.shape[0], np.float64)
    Z_L = network.forward(X, W, b, cache, training=True)
    Z, A, *_ = cache.rows(X.shape[0])
    L = network.n_layers
    assert Z_L is Z[L]
    A_L = network.output_layer.activation(Z_L, np.empty_like(Z_L))
    return list(Z), [X, *A[1:L], A_L]


@pytest.mark.parametrize(
    "layer_units, n_weights, n_params",
    [((3, 2), 6, 8), ((3, 4, 2), 20, 26), ((5, 4, 3, 1), 35, 43)],
)
def test_parameter_counts(layer_units, n_weights, n_params):
    network = Network(layer_units, ["tanh"] * (len(layer_units) - 2), "softmax")
    assert network.n_layers == len(layer_units) - 1
    assert network.n_weights == n_weights
    assert network.n_params == n_params


def test_wrong_number_of_hidden_activations():
    with pytest.raises(ValueError, match="Expected 2 hidden activations, got 1"):
        Network((3, 4, 4, 2), ["relu"], "softmax")


def test_activations_lists_the_output_last():
    network = Network((3, 4, 4, 2), ["relu", "tanh"], "logistic")
    assert tuple(network.activations()) == ("relu", "tanh", "logistic")


def test_unpack_layout_all_W_first_then_all_b():
    network = Network((3, 4, 2), ["relu"], "softmax")
    theta = np.arange(network.n_params, dtype=np.float64)
    W, b = network.unpack(theta)
    assert W[0] is None and b[0] is None
    assert len(W) == len(b) == 3
    # W[1]: theta[0:12] row-major (3, 4); W[2]: theta[12:20]; b[1], b[2] after.
    np.testing.assert_array_equal(W[1], np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(W[2], np.arange(12, 20).reshape(4, 2))
    np.testing.assert_array_equal(b[1], [20, 21, 22, 23])
    np.testing.assert_array_equal(b[2], [24, 25])


def test_unpack_returns_views_of_theta():
    network = Network((3, 4, 2), ["relu"], "softmax")
    theta = np.zeros(network.n_params)
    W, b = network.unpack(theta)
    for array in W[1:] + b[1:]:
        assert np.shares_memory(array, theta)
    W[1][0, 1] = 5.0
    W[2][3, 1] = 6.0
    b[1][2] = 7.0
    b[2][1] = 8.0
    expected = np.zeros(network.n_params)
    expected[[1, 12 + 3 * 2 + 1, 20 + 2, 25]] = [5.0, 6.0, 7.0, 8.0]
    np.testing.assert_array_equal(theta, expected)
    # And the other way round: writing theta shows through the views.
    theta[:] = -1.0
    assert np.all(W[2] == -1.0) and np.all(b[1] == -1.0)


HIDDEN = ["identity", "logistic", "tanh", "relu", "leaky_relu"]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUTS)
def test_forward_on_a_hand_made_network(hidden, output):
    # n = (2, 3, 2), parameters written in the course's orientation.
    W1 = np.array([[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]])
    b1 = np.array([0.01, -0.02, 0.03])
    W2 = np.array([[0.7, -0.8, 0.9], [-0.1, 0.2, -0.3]])
    b2 = np.array([0.05, -0.05])
    X = np.array([[1.0, 2.0], [-1.5, 0.5], [0.0, -3.0], [2.0, 2.0]])

    network = Network((2, 3, 2), [hidden], output)
    theta = np.empty(network.n_params)
    W, b = network.unpack(theta)
    W[1][...], W[2][...] = W1.T, W2.T
    b[1][...], b[2][...] = b1, b2

    Z, A = training_forward(network, X, W, b)
    Z_c, A_c = forward_course(X, [None, W1, W2], [None, b1, b2], [hidden], output)

    assert Z[0] is None and A[0] is X
    for l in (1, 2):
        assert Z[l].shape == A[l].shape == (4, network.layer_units[l])
        assert_allclose(Z[l], Z_c[l].T, rtol=1e-13, atol=1e-15)
        assert_allclose(A[l], A_c[l].T, rtol=1e-13, atol=1e-15)


def test_forward_one_unit_by_hand():
    # n = (2, 1): z = 2 x1 - x2 + 0.5 and a = sigmoid(z).
    network = Network((2, 1), [], "logistic")
    theta = np.array([2.0, -1.0, 0.5])
    W, b = network.unpack(theta)
    X = np.array([[1.0, 3.0], [0.0, 0.5]])
    Z, A = training_forward(network, X, W, b)
    assert_allclose(Z[1][:, 0], [-0.5, 0.0])
    assert_allclose(A[1][:, 0], [1 / (1 + np.exp(0.5)), 0.5])


@pytest.mark.parametrize("layer_units, hidden", ARCHITECTURES)
@pytest.mark.parametrize("output", OUTPUTS)
def test_forward_matches_course_notation(layer_units, hidden, output):
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 1)
    X, _ = make_problem(layer_units, output, 9, 2)
    W, b = network.unpack(theta)
    Z, A = training_forward(network, X, W, b)
    Z_c, A_c = forward_course(X, *course_parameters(network, theta), hidden, output)
    for l in range(1, network.n_layers + 1):
        assert_allclose(Z[l], Z_c[l].T, rtol=1e-12, atol=1e-14)
        assert_allclose(A[l], A_c[l].T, rtol=1e-12, atol=1e-14)


def numerical_gradient(network, theta, X, Y, s, alpha, eps=1e-6):
    cache = network.allocate_cache(X.shape[0], np.float64)
    theta = theta.copy()
    gradient = np.empty_like(theta)
    for i in range(theta.size):
        original = theta[i]
        theta[i] = original + eps
        plus = network.cost(theta, X, Y, s, alpha, cache)
        theta[i] = original - eps
        minus = network.cost(theta, X, Y, s, alpha, cache)
        theta[i] = original
        gradient[i] = (plus - minus) / (2 * eps)
    return gradient


@pytest.mark.parametrize("layer_units, hidden", ARCHITECTURES)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("alpha, weighted", [(0.0, False), (0.3, True)])
def test_gradient_matches_finite_differences(
    layer_units, hidden, output, alpha, weighted
):
    network = Network(layer_units, hidden, output)
    m = 8
    theta = random_theta(network, 3)
    X, Y = make_problem(layer_units, output, m, 4)
    s = np.random.default_rng(5).uniform(0.2, 3.0, size=m) if weighted else None

    # A cache larger than the batch, and a gradient buffer full of garbage.
    cache = network.allocate_cache(m + 3, np.float64)
    grad = np.full(network.n_params, np.nan)
    J = network.cost_and_gradient(theta, X, Y, s, alpha, grad, cache)

    expected_J = cost_course(
        X, Y, *course_parameters(network, theta), hidden, output, alpha, s
    )
    assert_allclose(J, expected_J, rtol=1e-12)
    assert_allclose(network.cost(theta, X, Y, s, alpha, cache), expected_J, rtol=1e-12)

    numerical = numerical_gradient(network, theta, X, Y, s, alpha)
    assert np.all(np.isfinite(grad))
    assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize(
    "alpha, weighted", [(0.0, False), (0.0, True), (0.4, False), (0.4, True)]
)
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_cost_is_the_cost_of_cost_and_gradient(output, alpha, weighted, sparse):
    # One loss path: the cost alone is bit for bit the cost training sees.
    layer_units, hidden = (5, 4, 3), ("tanh",)
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 26)
    X, Y = make_problem(layer_units, output, 7, 27)
    if sparse:
        X[X < 0] = 0.0
        X = sp.csr_matrix(X)
    s = np.random.default_rng(28).uniform(0.2, 3.0, size=7) if weighted else None
    cache = network.allocate_cache(7, np.float64)
    J = network.cost(theta, X, Y, s, alpha, cache)
    grad = np.empty(network.n_params)
    assert network.cost_and_gradient(theta, X, Y, s, alpha, grad, cache) == J
    assert network.cost(theta, X, Y, s, alpha, cache) == J
    assert isinstance(J, float)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("weighted", [False, True])
def test_backward_is_the_gradient_of_the_scaled_loss(output, weighted):
    # backward(X, ...) alone: the gradient of sum_i c_i L(ŷ_i, y_i), no L2 term.
    layer_units, hidden = (3, 4, 2), ("logistic",)
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 29)
    X, Y = make_problem(layer_units, output, 6, 30)
    scale = np.random.default_rng(31).uniform(0.2, 3.0, size=6) if weighted else 0.7
    layer = network.output_layer

    def scaled_loss(theta):
        Z_L = network.forward(X, *network.unpack(theta))
        A = np.empty_like(Z_L)
        if weighted:
            return layer.loss(Z_L, Y, A, scale)
        return scale * layer.loss(Z_L, Y, A)

    cache = network.allocate_cache(6, np.float64)
    W, b = network.unpack(theta)
    Z_L = network.forward(X, W, b, cache, training=True)
    layer.loss(Z_L, Y, cache.A[network.n_layers])
    grad = np.full(network.n_params, np.nan)
    network.backward(X, Y, scale, W, *network.unpack(grad), cache)

    eps = 1e-6
    numerical = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        numerical[i] = (scaled_loss(theta + step) - scaled_loss(theta - step)) / (
            2 * eps
        )
    assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("output", OUTPUTS)
def test_total_weight_overrides_the_denominator(output):
    layer_units, hidden = (4, 5, 3), ("tanh",)
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 6)
    X, Y = make_problem(layer_units, output, 6, 7)
    s = np.random.default_rng(8).uniform(0.5, 2.0, size=6)
    cache = network.allocate_cache(6, np.float64)

    grad = np.empty(network.n_params)
    J = network.cost_and_gradient(theta, X, Y, s, 0.2, grad, cache)
    grad_10 = np.empty(network.n_params)
    J_10 = network.cost_and_gradient(theta, X, Y, s, 0.2, grad_10, cache, 10.0)
    # Same numerator, divided by 10 instead of sum_i s_i.
    assert_allclose(J_10, J * s.sum() / 10.0, rtol=1e-12)
    assert_allclose(grad_10, grad * s.sum() / 10.0, rtol=1e-12)
    assert_allclose(
        network.cost(theta, X, Y, s, 0.2, cache, total_weight=10.0), J_10, rtol=1e-12
    )


@pytest.mark.parametrize("output", OUTPUTS)
def test_penalty_covers_only_the_weights(output):
    network = Network((3, 4, 2), ["relu"], output)
    theta = random_theta(network, 9)
    X, Y = make_problem((3, 4, 2), output, 5, 10)
    cache = network.allocate_cache(5, np.float64)
    grad_0, grad_1 = np.empty(network.n_params), np.empty(network.n_params)
    J_0 = network.cost_and_gradient(theta, X, Y, None, 0.0, grad_0, cache)
    J_1 = network.cost_and_gradient(theta, X, Y, None, 1.0, grad_1, cache)
    n_w = network.n_weights
    weights = theta[:n_w]
    assert_allclose(J_1 - J_0, 0.5 * (weights @ weights) / 5, rtol=1e-12)
    assert_allclose(grad_1[:n_w] - grad_0[:n_w], weights / 5, rtol=1e-10, atol=1e-14)
    assert_allclose(grad_1[n_w:], grad_0[n_w:], rtol=1e-14)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("fmt", ["csr_matrix", "csr_array"])
def test_sparse_input_gives_dense_results(output, fmt):
    layer_units, hidden = (6, 5, 3), ("relu",)
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 11)
    X, Y = make_problem(layer_units, output, 10, 12)
    X[np.random.default_rng(13).uniform(size=X.shape) < 0.6] = 0.0
    X_sparse = getattr(sp, fmt)(X)
    s = np.random.default_rng(14).uniform(0.5, 2.0, size=10)
    cache = network.allocate_cache(10, np.float64)

    grad_dense = np.empty(network.n_params)
    grad_sparse = np.full(network.n_params, np.nan)
    J_dense = network.cost_and_gradient(theta, X, Y, s, 0.1, grad_dense, cache)
    J_sparse = network.cost_and_gradient(theta, X_sparse, Y, s, 0.1, grad_sparse, cache)
    assert_allclose(J_sparse, J_dense, rtol=1e-12)
    assert_allclose(grad_sparse, grad_dense, rtol=1e-12, atol=1e-15)
    assert_allclose(
        network.cost(theta, X_sparse, Y, s, 0.1, cache), J_dense, rtol=1e-12
    )
    W, b = network.unpack(theta)
    assert_allclose(
        network.predict_logits(X_sparse, W, b),
        network.predict_logits(X, W, b),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("n_samples", [23, 21, 7, 3])
def test_predict_logits_in_chunks(monkeypatch, output, n_samples, activation):
    # Prediction computes each A[l] in place over Z[l]: every activation must
    # survive that, in full blocks and in the last, partial one.
    monkeypatch.setattr(skdnn._network, "PREDICT_CHUNK_ROWS", 7)
    layer_units, hidden = (4, 6, 5, 3), (activation, "relu")
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 15)
    X, _ = make_problem(layer_units, output, n_samples, 16)
    W, b = network.unpack(theta)

    Z_L = network.predict_logits(X, W, b)
    Z, _ = training_forward(network, X, W, b)
    Z_c, _ = forward_course(X, *course_parameters(network, theta), hidden, output)
    assert Z_L.shape == (n_samples, 3)
    assert_allclose(Z_L, Z[-1], rtol=1e-13, atol=1e-15)
    assert_allclose(Z_L, Z_c[-1].T, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("layer_units", [(4, 3), (4, 6, 3)], ids=["L=1", "L=2"])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
def test_predict_logits_in_chunks_of_sparse_input(monkeypatch, fmt, layer_units):
    monkeypatch.setattr(skdnn._network, "PREDICT_CHUNK_ROWS", 7)
    network = Network(layer_units, ("leaky_relu",) * (len(layer_units) - 2), "softmax")
    theta = random_theta(network, 23)
    X, _ = make_problem(layer_units, "softmax", 23, 24)
    X[X < 0] = 0.0
    W, b = network.unpack(theta)
    expected, _ = training_forward(network, X, W, b)
    X_in = X if fmt == "dense" else sp.csr_matrix(X).asformat(fmt)
    assert_allclose(network.predict_logits(X_in, W, b), expected[-1], rtol=1e-13)


@pytest.mark.parametrize("output", OUTPUTS)
def test_outputs_from_chunked_logits(monkeypatch, output):
    monkeypatch.setattr(skdnn._network, "PREDICT_CHUNK_ROWS", 4)
    layer_units, hidden = (3, 5, 3), ("leaky_relu",)
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 17)
    X, _ = make_problem(layer_units, output, 10, 18)
    W, b = network.unpack(theta)
    _, A_c = forward_course(X, *course_parameters(network, theta), hidden, output)
    Z_L = network.predict_logits(X, W, b)
    layer = network.output_layer
    assert layer is OUTPUT_LAYERS[output]
    assert_allclose(layer.activation(Z_L, np.empty_like(Z_L)), A_c[-1].T, rtol=1e-12)
    if output in PROBABILITIES:
        assert_allclose(layer.log_activation(Z_L), np.log(A_c[-1].T), rtol=1e-12)


@pytest.mark.parametrize("layer_units, hidden", ARCHITECTURES)
@pytest.mark.parametrize("output", OUTPUTS)
def test_predicting_forward_equals_training_forward(layer_units, hidden, output):
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 30)
    X, _ = make_problem(layer_units, output, 9, 31)
    W, b = network.unpack(theta)
    Z, A = training_forward(network, X, W, b, network.allocate_cache(12, np.float64))
    L = network.n_layers

    # Without a cache: new arrays, X untouched.
    X_before = X.copy()
    assert_allclose(network.forward(X, W, b), Z[L], rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(X, X_before)

    # With a predicting cache: every Z[l] buffer ends up holding A[l].
    cache = network.allocate_cache(12, np.float64, training=False)
    Z_L = network.forward(X, W, b, cache)
    assert np.shares_memory(Z_L, cache.Z[L])
    assert_allclose(Z_L, Z[L], rtol=1e-14, atol=1e-15)
    for l in range(1, L):
        assert_allclose(cache.Z[l][:9], A[l], rtol=1e-14, atol=1e-15)

    # And into a given array.
    out = np.full((9, layer_units[-1]), np.nan)
    assert network.forward(X, W, b, cache, out=out) is out
    assert_allclose(out, Z[L], rtol=1e-14, atol=1e-15)


def test_forward_reuses_the_cache_buffers():
    network = Network((3, 4, 2), ["tanh"], "softmax")
    theta = random_theta(network, 19)
    W, b = network.unpack(theta)
    cache = network.allocate_cache(5, np.float64)
    rng = np.random.default_rng(20)
    X_1, X_2 = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))

    Z_1, A_1 = training_forward(network, X_1, W, b, cache)
    first_logits = Z_1[2].copy()
    first_hidden = A_1[1].copy()
    Z_2, A_2 = training_forward(network, X_2, W, b, cache)
    for l in (1, 2):
        assert Z_1[l] is cache.Z[l] and Z_2[l] is cache.Z[l]
    assert A_1[1] is cache.A[1] and A_2[1] is cache.A[1]
    # The first call's arrays now hold the second batch: no fresh allocation.
    assert not np.allclose(Z_1[2], first_logits)
    assert not np.allclose(A_1[1], first_hidden)
    np.testing.assert_array_equal(Z_1[2], Z_2[2])


def test_forward_on_a_smaller_batch_uses_the_leading_rows():
    network = Network((3, 4, 2), ["relu"], "logistic")
    theta = random_theta(network, 21)
    W, b = network.unpack(theta)
    cache = network.allocate_cache(8, np.float64)
    X = np.random.default_rng(22).normal(size=(5, 3))
    Z, A = training_forward(network, X, W, b, cache)
    for l in (1, 2):
        assert Z[l].shape[0] == A[l].shape[0] == 5
        assert np.shares_memory(Z[l], cache.Z[l][:5])
    assert np.shares_memory(A[1], cache.A[1][:5])
    full, _ = training_forward(network, X, W, b)
    np.testing.assert_array_equal(Z[2], full[2])
    # The same holds for the gradient: a batch of 5 in a cache of 8.
    Y = np.ones((5, 2))
    grad_8, grad_5 = np.empty(network.n_params), np.empty(network.n_params)
    J_8 = network.cost_and_gradient(theta, X, Y, None, 0.1, grad_8, cache)
    J_5 = network.cost_and_gradient(
        theta, X, Y, None, 0.1, grad_5, network.allocate_cache(5, np.float64)
    )
    assert J_8 == J_5
    np.testing.assert_array_equal(grad_8, grad_5)


def test_allocate_cache():
    network = Network((3, 4, 2), ["relu"], "softmax")
    cache = network.allocate_cache(6, np.float32)
    assert isinstance(cache, Cache)
    assert cache.m == 6
    assert cache.ones.dtype == np.float32
    np.testing.assert_array_equal(cache.ones, np.ones(6))
    for buffers in (cache.Z, cache.A, cache.dZ):
        assert buffers[0] is None
        assert [buffer.shape for buffer in buffers[1:]] == [(6, 4), (6, 2)]
        assert all(buffer.dtype == np.float32 for buffer in buffers[1:])
    # Separate buffers: nothing is shared between Z, A and dZ.
    for l in (1, 2):
        assert not np.shares_memory(cache.Z[l], cache.A[l])
        assert not np.shares_memory(cache.A[l], cache.dZ[l])
        assert not np.shares_memory(cache.Z[l], cache.dZ[l])


def test_predicting_cache_holds_only_Z():
    network = Network((3, 4, 2), ["relu"], "softmax")
    cache = network.allocate_cache(6, np.float64, training=False)
    assert cache.A is None and cache.dZ is None and cache.ones is None
    assert cache.Z[0] is None
    assert [buffer.shape for buffer in cache.Z[1:]] == [(6, 4), (6, 2)]
    Z, A, dZ, *_ = cache.rows(4)
    assert A is None and dZ is None
    assert [buffer.shape for buffer in Z[1:]] == [(4, 4), (4, 2)]


def test_cache_rows():
    network = Network((3, 4, 2), ["relu"], "softmax")
    cache = network.allocate_cache(6, np.float64)
    # The full size gives the buffers themselves, a smaller one leading rows.
    Z, A, dZ, *_ = cache.rows(6)
    assert Z is cache.Z and A is cache.A and dZ is cache.dZ
    Z, A, dZ, *_ = cache.rows(4)
    for cut, full in ((Z, cache.Z), (A, cache.A), (dZ, cache.dZ)):
        assert cut[0] is None
        for l in (1, 2):
            assert cut[l].shape == (4, network.layer_units[l])
            # the leading rows: the same first element
            address = full[l].__array_interface__["data"][0]
            assert cut[l].__array_interface__["data"][0] == address
    assert cache.rows(4)[0] is Z  # memoised for the last m
    Z = cache.rows(6)[0]
    for l in (1, 2):
        assert Z[l].shape == cache.Z[l].shape
        assert np.shares_memory(Z[l], cache.Z[l])


@pytest.mark.parametrize("output", OUTPUTS)
def test_float32_network(output):
    layer_units, hidden = (4, 5, 3), ("tanh",)
    network = Network(layer_units, hidden, output)
    theta = random_theta(network, 23)
    X, Y = make_problem(layer_units, output, 6, 24)
    s = np.random.default_rng(25).uniform(0.5, 2.0, size=6)

    grad_64 = np.empty(network.n_params)
    J_64 = network.cost_and_gradient(
        theta, X, Y, s, 0.1, grad_64, network.allocate_cache(6, np.float64)
    )
    theta_32, X_32, Y_32, s_32 = (a.astype(np.float32) for a in (theta, X, Y, s))
    grad_32 = np.empty(network.n_params, dtype=np.float32)
    cache_32 = network.allocate_cache(6, np.float32)
    J_32 = network.cost_and_gradient(theta_32, X_32, Y_32, s_32, 0.1, grad_32, cache_32)
    W, b = network.unpack(theta_32)
    Z, A = training_forward(network, X_32, W, b, cache_32)
    assert all(array.dtype == np.float32 for array in Z[1:] + A[1:])
    assert network.forward(X_32, W, b).dtype == np.float32
    assert network.predict_logits(X_32, W, b).dtype == np.float32
    assert grad_32.dtype == np.float32
    assert_allclose(J_32, J_64, rtol=1e-5)
    assert_allclose(grad_32, grad_64, rtol=1e-4, atol=1e-5)
