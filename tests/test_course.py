"""The network computes the course's cost and gradient; the optimisers take its steps.

skdnn._nn.course writes Andrew Ng's equations as the course does (column-major,
W[l] of shape (n[l], n[l-1]), dicts of parameters, nothing in place). Here the
network (row-major, one flat θ, buffers, compiled ReLU passes where Numba is
installed) and the optimisers (blocked, fused, compiled) are checked against
it to 1e-12, over activations x output layers x L2 x sample weights x dropout
(with the masks the network drew) x batch norm.
"""

import importlib.util
import itertools
import zlib

import numpy as np
import pytest
from conftest import use_kernels
from numpy.testing import assert_allclose

from skdnn._nn import course
from skdnn._nn.layer import Pass
from skdnn._nn.linear import Linear
from skdnn._nn.network import fully_connected
from skdnn._nn.penalty import L2
from skdnn._train.optimizers import SGD, Adam

HIDDEN = ["identity", "logistic", "tanh", "relu", "leaky_relu", "selu", "mish"]
OUTPUTS = ["logistic", "softmax", "identity"]
BACKENDS = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])
SLOPE = 0.05
RTOL = 1e-12


def make_problem(n_out, output, m, rng):
    X = rng.normal(size=(m, 4))
    if output == "softmax":
        Y = np.eye(n_out)[rng.integers(0, n_out, size=m)]
    elif output == "logistic":
        Y = rng.integers(0, 2, size=(m, n_out)).astype(float)
    else:
        Y = rng.normal(size=(m, n_out))
    return X, Y


def course_parameters(network, theta):
    """The network's θ as the course's dict: W[l] (n[l], n[l-1]), b[l] (n[l], 1)."""
    W, b = network.unpack(theta)
    norm = network.unpack_norm(theta)
    parameters = {}
    for l in range(1, network.n_layers + 1):
        parameters[f"W{l}"] = W[l].T.copy()
        hidden_norm = norm is not None and norm[0][l] is not None
        parameters[f"beta{l}" if hidden_norm else f"b{l}"] = b[l][:, None].copy()
        if hidden_norm:
            for name, part in zip(("gamma", "mean", "var"), norm, strict=True):
                parameters[f"{name}{l}"] = part[l][:, None].copy()
    return parameters


def course_gradient(network, grad):
    """The network's gradient vector in the course's names and shapes."""
    dW, db = network.unpack(grad)
    norm = network.unpack_norm(grad)
    grads = {}
    for l in range(1, network.n_layers + 1):
        grads[f"dW{l}"] = dW[l].T
        hidden_norm = norm is not None and norm[0][l] is not None
        grads[f"dbeta{l}" if hidden_norm else f"db{l}"] = db[l][:, None]
        if hidden_norm:
            grads[f"dgamma{l}"] = norm[0][l][:, None]
            assert np.all(norm[1][l] == 0) and np.all(norm[2][l] == 0)
    return grads


def dropout_masks(network, cache):
    """D[l] of the last training pass, 0/1, in the course's (n[l], m) layout."""
    masks = [None] * (network.n_layers - 1)
    l = 0
    for layer, layer_cache in zip(network.layers, cache.layers, strict=True):
        l += isinstance(layer, Linear)
        if layer.kind == "dropout":
            masks[l - 1] = (layer_cache.M > 0).astype(float).T
    return masks


CASES = list(
    itertools.product(
        HIDDEN, OUTPUTS, [0.0, 0.3], [False, True], [False, True], [False, True]
    )
)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "activation, output, alpha, weighted, dropout, batch_norm",
    CASES,
    ids=["-".join(map(str, case)) for case in CASES],
)
def test_cost_and_gradient_are_the_courses(
    activation, output, alpha, weighted, dropout, batch_norm, backend, monkeypatch
):
    use_kernels(monkeypatch, backend)
    rng = np.random.default_rng(zlib.crc32(f"{activation}{output}".encode()))
    m, n_out = 9, 3
    rates = (0.3, 0.5) if dropout else None
    network = fully_connected(
        (4, 5, 4, n_out), (activation, activation), output, SLOPE, rates, batch_norm
    )
    # logits of order 1: the course's log(1 - ŷ) loses digits as ŷ nears 1
    theta = rng.normal(scale=0.4, size=network.n_params)
    X, Y = make_problem(n_out, output, m, rng)
    s = rng.uniform(0.2, 3.0, size=m) if weighted else None
    penalty = L2(alpha, network.n_penalised) if alpha else None

    cache = network.allocate_cache(m + 2, np.float64)  # larger than the batch
    grad = np.full(network.n_params, np.nan)
    mode = Pass(training=True, rng=np.random.default_rng(1) if dropout else None)
    J = network.cost_and_gradient(theta, X, Y, s, grad, cache, mode, penalty)

    parameters = course_parameters(network, theta)
    p = course.example_weights(m, s)
    keep_probs = None if rates is None else [1 - r for r in rates]
    AL, caches = course.L_model_forward(
        X.T,
        parameters,
        (activation, activation),
        output,
        SLOPE,
        keep_probs,
        dropout_masks(network, cache) if dropout else None,
        batch_norm,
        p,
    )
    total = m if s is None else s.sum()
    expected_J = course.compute_cost(AL, Y.T, output, p, parameters, alpha, total)
    grads = course.L_model_backward(
        AL, Y.T, caches, (activation, activation), p, SLOPE, keep_probs
    )
    if alpha:
        grads = course.add_l2_gradient(grads, parameters, alpha, total)

    assert J == pytest.approx(expected_J, rel=RTOL)
    got = course_gradient(network, grad)
    assert sorted(got) == sorted(grads)
    scale = max(np.abs(g).max() for g in grads.values())
    for key, expected in grads.items():
        assert_allclose(got[key], expected, rtol=RTOL, atol=RTOL * scale, err_msg=key)


@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", HIDDEN)
def test_prediction_is_the_courses(activation, output, batch_norm):
    rng = np.random.default_rng(7)
    network = fully_connected(
        (4, 6, 5, 3), (activation, "tanh"), output, SLOPE, batch_norm=batch_norm
    )
    theta = rng.normal(scale=0.6, size=network.n_params)
    norm = network.unpack_norm(theta)
    if norm is not None:  # running variances are positive
        for var in norm[2][1:-1]:
            var[...] = rng.uniform(0.5, 2.0, size=var.shape)
    X, _ = make_problem(3, output, 11, rng)
    Z_L = network.predict_logits(X, network.bind(theta))
    A_L = network.output_layer.activation(Z_L, np.empty_like(Z_L))
    expected, _ = course.L_model_forward(
        X.T,
        course_parameters(network, theta),
        (activation, "tanh"),
        output,
        SLOPE,
        batch_norm=batch_norm,
        running=True,
    )
    assert_allclose(A_L, expected.T, rtol=RTOL, atol=1e-15)


def _flat(parameters):
    return np.concatenate([parameters[key].ravel() for key in sorted(parameters)])


def _random_steps(rng, n_steps=5):
    parameters = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=(3, 1))}
    grads = [
        {f"d{key}": rng.normal(size=value.shape) for key, value in parameters.items()}
        for _ in range(n_steps)
    ]
    return parameters, grads


@pytest.mark.parametrize("backend", BACKENDS)
def test_gradient_descent_is_the_courses(backend, monkeypatch):
    use_kernels(monkeypatch, backend)
    parameters, grads = _random_steps(np.random.default_rng(0))
    theta = _flat(parameters)
    optimizer = SGD(theta.size, np.float64, momentum=0.0, nesterov=False)
    for step in grads:
        parameters = course.update_parameters_with_gd(parameters, step, 0.1)
        optimizer.update(theta, _flat({k[1:]: v for k, v in step.items()}), 0.1)
        assert_allclose(theta, _flat(parameters), rtol=RTOL)


@pytest.mark.parametrize("backend", BACKENDS)
def test_momentum_is_the_courses_with_the_rate_times_one_minus_beta(
    backend, monkeypatch
):
    use_kernels(monkeypatch, backend)
    parameters, grads = _random_steps(np.random.default_rng(1))
    theta = _flat(parameters)
    beta, alpha = 0.9, 0.1
    optimizer = SGD(theta.size, np.float64, momentum=beta, nesterov=False)
    v = course.initialize_velocity(parameters)
    for step in grads:
        parameters, v = course.update_parameters_with_momentum(
            parameters, step, v, beta, alpha
        )
        optimizer.update(
            theta, _flat({k[1:]: g for k, g in step.items()}), alpha * (1 - beta)
        )
        assert_allclose(theta, _flat(parameters), rtol=RTOL)
    # skdnn's velocity is the course's, times -α
    assert_allclose(
        optimizer.velocity, -alpha * _flat({k[1:]: x for k, x in v.items()})
    )


@pytest.mark.parametrize("epsilon", [0.0, 1e-8, 1e-2])
@pytest.mark.parametrize("backend", BACKENDS)
def test_adam_is_the_courses_with_epsilon_before_the_correction(
    backend, epsilon, monkeypatch
):
    use_kernels(monkeypatch, backend)
    parameters, grads = _random_steps(np.random.default_rng(2))
    theta = _flat(parameters)
    b1, b2, alpha = 0.9, 0.99, 0.01
    optimizer = Adam(theta.size, np.float64, b1, b2, epsilon)
    v, s = course.initialize_adam(parameters)
    for t, step in enumerate(grads, start=1):
        parameters, v, s = course.update_parameters_with_adam(
            parameters, step, v, s, t, alpha, b1, b2, epsilon / np.sqrt(1 - b2**t)
        )
        optimizer.update(theta, _flat({k[1:]: g for k, g in step.items()}), alpha)
        assert_allclose(theta, _flat(parameters), rtol=RTOL)
    assert_allclose(optimizer.m, _flat({k[1:]: x for k, x in v.items()}), rtol=RTOL)
    assert_allclose(optimizer.v, _flat({k[1:]: x for k, x in s.items()}), rtol=RTOL)


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_folded_l2_step_is_the_courses_l2_gradient(kind, backend, monkeypatch):
    """The optimiser adds λ/m W itself: the step of the course's dW + λ/m W."""
    use_kernels(monkeypatch, backend)
    parameters, grads = _random_steps(np.random.default_rng(3))
    theta = _flat(parameters)  # "W1" sorts first: the penalised prefix
    n_penalised, lambd, m = parameters["W1"].size, 0.7, 20
    penalty = L2(lambd, n_penalised)
    if kind == "sgd":
        optimizer = SGD(theta.size, np.float64, momentum=0.0)
    else:
        optimizer = Adam(theta.size, np.float64, epsilon=0.0)
        v, s = course.initialize_adam(parameters)
    for t, step in enumerate(grads, start=1):
        weights = {"W1": parameters["W1"]}
        full = course.add_l2_gradient(dict(step), weights, lambd, m)
        if kind == "sgd":
            parameters = course.update_parameters_with_gd(parameters, full, 0.1)
        else:
            parameters, v, s = course.update_parameters_with_adam(
                parameters, full, v, s, t, 0.1, epsilon=0.0
            )
        flat_step = _flat({k[1:]: g for k, g in step.items()})
        norm_sq = optimizer.update(theta, flat_step, 0.1, penalty.coefficient(m))
        assert_allclose(theta, _flat(parameters), rtol=RTOL)
        assert norm_sq == pytest.approx(np.sum(parameters["W1"] ** 2), rel=1e-12)
