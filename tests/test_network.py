"""The network as a whole: its layers, the θ layout, buffers, modes, the cost.

Its cost and gradient against the course's equations are tests/test_course.py;
each layer kind alone, tests/test_layers.py.
"""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

import skdnn._fast.tuning
from skdnn._nn import course
from skdnn._nn.activations import ACTIVATIONS, Activation
from skdnn._nn.dropout import Dropout
from skdnn._nn.layer import Pass
from skdnn._nn.linear import Linear
from skdnn._nn.network import Network, fully_connected
from skdnn._nn.outputs import OUTPUT_LAYERS
from skdnn._nn.penalty import L2

OUTPUTS = ["logistic", "softmax", "identity"]
TRAINING = Pass(training=True)

# (layer_units, hidden_activations); L = 1 has no hidden layer at all.
ARCHITECTURES = [
    ((3, 2), ()),
    ((4, 5, 3), ("tanh",)),
    ((4, 5, 3), ("relu",)),
    ((3, 6, 4, 3), ("logistic", "leaky_relu")),
    ((3, 4, 5, 2, 3), ("relu", "identity", "tanh")),
]


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


def training_forward(network, X, theta, cache=None):
    """Z[l] and A[l] (A[L] = ŷ) of a training pass, with Z[L] the returned logits."""
    if cache is None:
        cache = network.allocate_cache(X.shape[0], np.float64)
    Z_L = network.forward(X, network.bind(theta), cache, TRAINING)
    network.output_layer.activation(Z_L, out=cache.output.A)
    Z, A = network.course_arrays(cache)
    assert Z_L is Z[-1]
    return Z, A


@pytest.mark.parametrize(
    "layer_units, n_penalised, n_params",
    [((3, 2), 6, 8), ((3, 4, 2), 20, 26), ((5, 4, 3, 1), 35, 43)],
)
def test_parameter_counts(layer_units, n_penalised, n_params):
    network = fully_connected(layer_units, ["tanh"] * (len(layer_units) - 2), "softmax")
    assert network.n_layers == len(layer_units) - 1
    assert network.layer_units == layer_units
    assert network.n_penalised == n_penalised
    assert network.n_params == n_params


def test_wrong_number_of_hidden_activations():
    with pytest.raises(ValueError, match="Expected 2 hidden activations, got 1"):
        fully_connected((3, 4, 4, 2), ["relu"], "softmax")


def test_the_stack_of_a_fully_connected_network():
    network = fully_connected(
        (3, 4, 5, 2), ["relu", "tanh"], "logistic", dropout=[0.5, 0.0], batch_norm=True
    )
    kinds = [layer.kind for layer in network.layers]
    assert kinds == [
        "linear", "batch_norm", "activation", "dropout",
        "linear", "batch_norm", "activation",
        "linear",
    ]  # fmt: skip
    assert tuple(network.activations()) == ("relu", "tanh", "logistic")
    assert network.batch_norm and network.hidden_activations == ("relu", "tanh")
    assert [layer.bias for layer in network.layers if layer.kind == "linear"] == [
        False,
        False,
        True,
    ]


def test_hidden_layers_without_batch_norm_are_dense_blocks():
    network = fully_connected(
        (3, 4, 5, 2), ["relu", "tanh"], "softmax", dropout=[0, 0.2]
    )
    assert [layer.kind for layer in network.layers] == [
        "dense",
        "dense",
        "dropout",
        "linear",
    ]
    assert network.hidden_activations == ("relu", "tanh")


@pytest.mark.parametrize(
    "first", [Activation("relu", 3), Dropout(3, 0.5)], ids=["activation", "dropout"]
)
def test_a_network_cannot_start_with_a_layer_that_overwrites_its_input(first):
    # dropout hands X back when predicting, and the next layer would overwrite it
    with pytest.raises(ValueError, match="leaves its input alone"):
        Network([first, Activation("relu", 3), Linear(3, 2)], "softmax")


def test_unpack_layout_all_W_first_then_all_b():
    network = fully_connected((3, 4, 2), ["relu"], "softmax")
    theta = np.arange(network.n_params, dtype=np.float64)
    W, b = network.unpack(theta)
    assert W[0] is None and b[0] is None
    # W[1]: theta[0:12] row-major (3, 4); W[2]: theta[12:20]; b[1], b[2] after.
    np.testing.assert_array_equal(W[1], np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(W[2], np.arange(12, 20).reshape(4, 2))
    np.testing.assert_array_equal(b[1], [20, 21, 22, 23])
    np.testing.assert_array_equal(b[2], [24, 25])


def test_batch_norm_layout_is_that_of_0_1_0():
    # W[1], W[2], W[3]; β[1], β[2], b[3]; γ[1], γ[2]; running μ; running σ²
    network = fully_connected(
        (2, 3, 2, 1), ["relu", "relu"], "logistic", batch_norm=True
    )
    theta = np.arange(network.n_params, dtype=np.float64)
    W, b = network.unpack(theta)
    gamma, mean, var = network.unpack_norm(theta)
    n_w = 6 + 6 + 2
    assert network.n_penalised == n_w
    np.testing.assert_array_equal(
        np.concatenate([w.ravel() for w in W[1:]]), range(n_w)
    )
    np.testing.assert_array_equal(np.concatenate(b[1:]), range(n_w, n_w + 6))
    np.testing.assert_array_equal(np.concatenate(gamma[1:3]), range(n_w + 6, n_w + 11))
    np.testing.assert_array_equal(np.concatenate(mean[1:3]), range(n_w + 11, n_w + 16))
    np.testing.assert_array_equal(np.concatenate(var[1:3]), range(n_w + 16, n_w + 21))
    assert network.n_params == n_w + 21
    assert gamma[0] is gamma[3] is None
    grad = np.ones(network.n_params)
    network.zero_untrained(grad)
    assert np.all(grad[: n_w + 11] == 1) and np.all(grad[n_w + 11 :] == 0)


def test_unpack_returns_views_of_theta():
    network = fully_connected((3, 4, 2), ["relu"], "softmax")
    theta = np.zeros(network.n_params)
    W, b = network.unpack(theta)
    for array in W[1:] + b[1:]:
        assert np.shares_memory(array, theta)
    W[2][3, 1] = 6.0
    b[1][2] = 7.0
    expected = np.zeros(network.n_params)
    expected[[12 + 3 * 2 + 1, 20 + 2]] = [6.0, 7.0]
    np.testing.assert_array_equal(theta, expected)
    bound = network.bind(theta)
    assert bound[0][0] is not W[1] and np.shares_memory(bound[0][0], W[1])


def test_forward_one_unit_by_hand():
    # n = (2, 1): z = 2 x1 - x2 + 0.5 and a = sigmoid(z).
    network = fully_connected((2, 1), [], "logistic")
    theta = np.array([2.0, -1.0, 0.5])
    X = np.array([[1.0, 3.0], [0.0, 0.5]])
    Z, A = training_forward(network, X, theta)
    assert_allclose(Z[1][:, 0], [-0.5, 0.0])
    assert_allclose(A[1][:, 0], [1 / (1 + np.exp(0.5)), 0.5])


@pytest.mark.parametrize("layer_units, hidden", ARCHITECTURES)
@pytest.mark.parametrize("output", OUTPUTS)
def test_forward_matches_the_course(layer_units, hidden, output):
    network = fully_connected(layer_units, hidden, output)
    theta = random_theta(network, 1)
    X, _ = make_problem(layer_units, output, 9, 2)
    W, b = network.unpack(theta)
    parameters = {}
    for l in range(1, network.n_layers + 1):
        parameters[f"W{l}"], parameters[f"b{l}"] = W[l].T, b[l][:, None]
    _, A = training_forward(network, X, theta)
    expected, _ = course.L_model_forward(X.T, parameters, hidden, output)
    assert_allclose(A[-1], expected.T, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize(
    "alpha, weighted", [(0.0, False), (0.0, True), (0.4, False), (0.4, True)]
)
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_cost_is_the_cost_of_cost_and_gradient(output, alpha, weighted, sparse):
    # One loss path: the cost alone is bit for bit the cost training sees.
    layer_units = (5, 4, 3)
    network = fully_connected(layer_units, ("tanh",), output)
    theta = random_theta(network, 26)
    X, Y = make_problem(layer_units, output, 7, 27)
    if sparse:
        X[X < 0] = 0.0
        X = sp.csr_matrix(X)
    s = np.random.default_rng(28).uniform(0.2, 3.0, size=7) if weighted else None
    penalty = L2(alpha, network.n_penalised) if alpha else None
    cache = network.allocate_cache(7, np.float64)
    J = network.cost(theta, X, Y, s, cache, TRAINING, penalty)
    grad = np.empty(network.n_params)
    assert (
        network.cost_and_gradient(theta, X, Y, s, grad, cache, TRAINING, penalty) == J
    )
    assert network.cost(theta, X, Y, s, cache, TRAINING, penalty) == J
    assert isinstance(J, float)


@pytest.mark.parametrize("output", OUTPUTS)
def test_total_weight_overrides_the_denominator(output):
    layer_units = (4, 5, 3)
    network = fully_connected(layer_units, ("tanh",), output)
    theta = random_theta(network, 6)
    X, Y = make_problem(layer_units, output, 6, 7)
    s = np.random.default_rng(8).uniform(0.5, 2.0, size=6)
    cache = network.allocate_cache(6, np.float64)
    penalty = L2(0.2, network.n_penalised)

    grad = np.empty(network.n_params)
    J = network.cost_and_gradient(theta, X, Y, s, grad, cache, TRAINING, penalty)
    grad_10 = np.empty(network.n_params)
    J_10 = network.cost_and_gradient(
        theta, X, Y, s, grad_10, cache, TRAINING, penalty, 10.0
    )
    # Same numerator, divided by 10 instead of sum_i s_i.
    assert_allclose(J_10, J * s.sum() / 10.0, rtol=1e-12)
    assert_allclose(grad_10, grad * s.sum() / 10.0, rtol=1e-12)


@pytest.mark.parametrize("output", OUTPUTS)
def test_penalty_covers_only_the_weights(output):
    network = fully_connected((3, 4, 2), ["relu"], output)
    theta = random_theta(network, 9)
    X, Y = make_problem((3, 4, 2), output, 5, 10)
    cache = network.allocate_cache(5, np.float64)
    grad_0, grad_1 = np.empty(network.n_params), np.empty(network.n_params)
    J_0 = network.cost_and_gradient(theta, X, Y, None, grad_0, cache, TRAINING)
    J_1 = network.cost_and_gradient(
        theta, X, Y, None, grad_1, cache, TRAINING, L2(1.0, network.n_penalised)
    )
    n_w = network.n_penalised
    weights = theta[:n_w]
    assert_allclose(J_1 - J_0, 0.5 * (weights @ weights) / 5, rtol=1e-12)
    assert_allclose(grad_1[:n_w] - grad_0[:n_w], weights / 5, rtol=1e-10, atol=1e-14)
    assert_allclose(grad_1[n_w:], grad_0[n_w:], rtol=1e-14)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("fmt", ["csr_matrix", "csr_array"])
def test_sparse_input_gives_dense_results(output, fmt):
    layer_units = (6, 5, 3)
    network = fully_connected(layer_units, ("relu",), output)
    theta = random_theta(network, 11)
    X, Y = make_problem(layer_units, output, 10, 12)
    X[np.random.default_rng(13).uniform(size=X.shape) < 0.6] = 0.0
    X_sparse = getattr(sp, fmt)(X)
    s = np.random.default_rng(14).uniform(0.5, 2.0, size=10)
    cache = network.allocate_cache(10, np.float64)
    penalty = L2(0.1, network.n_penalised)
    grad_dense = np.empty(network.n_params)
    grad_sparse = np.full(network.n_params, np.nan)
    J_dense = network.cost_and_gradient(
        theta, X, Y, s, grad_dense, cache, TRAINING, penalty
    )
    J_sparse = network.cost_and_gradient(
        theta, X_sparse, Y, s, grad_sparse, cache, TRAINING, penalty
    )
    assert_allclose(J_sparse, J_dense, rtol=1e-12)
    assert_allclose(grad_sparse, grad_dense, rtol=1e-12, atol=1e-15)
    views = network.bind(theta)
    assert_allclose(
        network.predict_logits(X_sparse, views),
        network.predict_logits(X, views),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("n_samples", [23, 21, 7, 3])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_predict_logits_in_chunks(
    monkeypatch, output, n_samples, activation, batch_norm
):
    # Prediction computes each layer in place over its input: every layer must
    # survive that, in full blocks and in the last, partial one.
    monkeypatch.setattr(skdnn._fast.tuning, "PREDICT_CHUNK_ROWS", 7)
    layer_units = (4, 6, 5, 3)
    network = fully_connected(
        layer_units,
        (activation, "relu"),
        output,
        dropout=[0.5, 0.0],
        batch_norm=batch_norm,
    )
    theta = random_theta(network, 15)
    if batch_norm:
        for var in network.unpack_norm(theta)[2][1:-1]:
            var[...] = np.abs(var) + 0.5
    X, _ = make_problem(layer_units, output, n_samples, 16)
    X_before = X.copy()
    Z_L = network.predict_logits(X, network.bind(theta))
    np.testing.assert_array_equal(X, X_before)
    expected = np.vstack(
        [network.forward(X[i : i + 1], network.bind(theta)) for i in range(n_samples)]
    )
    assert Z_L.shape == (n_samples, 3)
    assert_allclose(Z_L, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("layer_units, hidden", ARCHITECTURES)
@pytest.mark.parametrize("output", OUTPUTS)
def test_predicting_forward_equals_training_forward(layer_units, hidden, output):
    network = fully_connected(layer_units, hidden, output)
    theta = random_theta(network, 30)
    X, _ = make_problem(layer_units, output, 9, 31)
    Z, _ = training_forward(network, X, theta, network.allocate_cache(12, np.float64))
    views = network.bind(theta)

    # Without a cache: new arrays, X untouched.
    X_before = X.copy()
    assert_allclose(network.forward(X, views), Z[-1], rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(X, X_before)
    # With a predicting cache of more rows.
    cache = network.allocate_cache(12, np.float64, training=False)
    assert_allclose(network.forward(X, views, cache), Z[-1], rtol=1e-14, atol=1e-15)


def test_a_training_pass_needs_a_cache():
    network = fully_connected((3, 4, 2), ["tanh"], "softmax")
    theta = random_theta(network, 19)
    with pytest.raises(ValueError, match="needs a cache"):
        network.forward(np.ones((2, 3)), network.bind(theta), None, TRAINING)


def test_forward_reuses_the_cache_buffers():
    network = fully_connected((3, 4, 2), ["tanh"], "softmax")
    theta = random_theta(network, 19)
    cache = network.allocate_cache(5, np.float64)
    rng = np.random.default_rng(20)
    X_1, X_2 = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    Z_1, A_1 = training_forward(network, X_1, theta, cache)
    first = [Z_1[2].copy(), A_1[1].copy()]
    Z_2, A_2 = training_forward(network, X_2, theta, cache)
    for l in (1, 2):
        assert Z_1[l] is Z_2[l]
    assert A_1[1] is A_2[1]
    # The first call's arrays now hold the second batch: no fresh allocation.
    assert not np.allclose(Z_1[2], first[0]) and not np.allclose(A_1[1], first[1])


@pytest.mark.parametrize("batch_norm", [False, True])
def test_a_smaller_batch_in_a_larger_cache_gives_the_same_numbers(batch_norm):
    network = fully_connected((3, 4, 2), ["relu"], "logistic", batch_norm=batch_norm)
    theta = random_theta(network, 21)
    X = np.random.default_rng(22).normal(size=(5, 3))
    Y = np.ones((5, 2))
    penalty = L2(0.1, network.n_penalised)
    big, exact = (
        network.allocate_cache(8, np.float64),
        network.allocate_cache(5, np.float64),
    )
    grad_8, grad_5 = np.empty(network.n_params), np.empty(network.n_params)
    J_8 = network.cost_and_gradient(theta, X, Y, None, grad_8, big, TRAINING, penalty)
    J_5 = network.cost_and_gradient(theta, X, Y, None, grad_5, exact, TRAINING, penalty)
    assert J_8 == J_5
    np.testing.assert_array_equal(grad_8, grad_5)
    Z, _ = network.course_arrays(big)
    assert Z[1].shape == (5, 4)


@pytest.mark.parametrize("output", OUTPUTS)
def test_float32_network(output):
    layer_units = (4, 5, 3)
    network = fully_connected(layer_units, ("tanh",), output)
    theta = random_theta(network, 23)
    X, Y = make_problem(layer_units, output, 6, 24)
    s = np.random.default_rng(25).uniform(0.5, 2.0, size=6)
    penalty = L2(0.1, network.n_penalised)
    grad_64 = np.empty(network.n_params)
    J_64 = network.cost_and_gradient(
        theta,
        X,
        Y,
        s,
        grad_64,
        network.allocate_cache(6, np.float64),
        TRAINING,
        penalty,
    )
    theta_32, X_32, Y_32, s_32 = (a.astype(np.float32) for a in (theta, X, Y, s))
    grad_32 = np.empty(network.n_params, dtype=np.float32)
    cache_32 = network.allocate_cache(6, np.float32)
    J_32 = network.cost_and_gradient(
        theta_32, X_32, Y_32, s_32, grad_32, cache_32, TRAINING, penalty
    )
    Z, A = network.course_arrays(cache_32)
    assert all(array.dtype == np.float32 for array in Z[1:] + A[1:])
    assert network.predict_logits(X_32, network.bind(theta_32)).dtype == np.float32
    assert_allclose(J_32, J_64, rtol=1e-5)
    assert_allclose(grad_32, grad_64, rtol=1e-4, atol=1e-5)


def test_a_network_pickles_as_its_layers_specs():
    network = fully_connected(
        (3, 4, 2), ["leaky_relu"], "softmax", 0.2, dropout=[0.3], batch_norm=True
    )
    state = network.__getstate__()
    assert state["output"] == "softmax"
    assert [kind for kind, _ in state["layers"]] == [
        "linear",
        "batch_norm",
        "activation",
        "dropout",
        "linear",
    ]
    for restored in (pickle.loads(pickle.dumps(network)), copy.deepcopy(network)):
        assert repr(restored) == repr(network)
        assert restored.layout.slices == network.layout.slices
    assert "Activation(name='leaky_relu', n=4, leaky_relu_slope=0.2)" in repr(network)


def test_the_output_layers_are_shared_objects():
    network = fully_connected((3, 2), [], "identity")
    assert network.output_layer is OUTPUT_LAYERS["identity"]
