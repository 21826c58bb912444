"""Every registered layer kind, in isolation: backward against finite differences.

The tests run over ``skdnn._nn.LAYERS`` and each kind's own ``examples()``, so
a new kind is checked the day it is registered, without editing this file:
its backward pass (da[l-1] and the gradient of every trained parameter)
against centred differences of its forward pass, its parameter declarations
against the views it receives, its buffers for a smaller batch, and that its
spec rebuilds it. The output layers (their loss and dZ[L]) are checked the
same way over ``OUTPUT_LAYERS``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdnn._nn import LAYERS
from skdnn._nn.initializers import INITIALIZERS
from skdnn._nn.layer import Layer, Pass
from skdnn._nn.layout import ParameterLayout
from skdnn._nn.outputs import OUTPUT_LAYERS

EXAMPLES = [layer for kind in LAYERS.values() for layer in kind.examples()]
IDS = [repr(layer) for layer in EXAMPLES]
EPS = 1e-6
M = 7


def _away_from_zero(rng, shape):
    """Values at least 0.1 from 0, so no ReLU kink lies within a step of them."""
    return rng.uniform(0.1, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def _rows(layer, m=None):
    """(rows in, rows out) of a batch of m (M): whole member blocks if it has them."""
    m_in = (M if m is None else m) * layer.row_blocks
    return m_in, m_in * layer.row_factor


def _setup(layer, seed=0, weighted=False):
    rng = np.random.default_rng(seed)
    m_in, m_out = _rows(layer)
    layout = ParameterLayout([layer])
    theta = np.zeros(layout.n_params)
    (p,) = layout.bind(theta)
    layer.initialize(p, rng, INITIALIZERS["glorot"])
    for declared, view in zip(layer.parameters(), p, strict=True):
        if declared.trained:  # away from the initial values, which may be 0 or 1
            view += rng.normal(scale=0.3, size=view.shape)
    A_prev = _away_from_zero(rng, (m_in, layer.n_in))
    R = rng.normal(size=(m_out, layer.n_out))  # f = sum(R * forward(A_prev))
    mode = Pass(training=True, rng=np.random.default_rng(seed + 1))
    if weighted:
        w = rng.uniform(0.2, 2.0, size=m_in)
        mode.row_weights = w / w.sum()
    return layout, theta, p, A_prev, R, mode


def _objective(layer, p, A_prev, R, mode, cache):
    """sum(R * a[l]) of one training pass, its input left untouched."""
    return float(np.sum(R * layer.forward(A_prev.copy(), p, cache, mode)))


def test_every_layer_kind_is_registered_with_examples():
    assert set(LAYERS) >= {"linear", "activation", "batch_norm", "dropout"}
    for name, kind in LAYERS.items():
        assert issubclass(kind, Layer) and kind.kind == name
        assert kind.examples()


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("layer", EXAMPLES, ids=IDS)
def test_backward_is_the_gradient_of_forward(layer, weighted):
    layout, theta, p, A_prev, R, mode = _setup(layer, weighted=weighted)
    cache = layer.allocate(len(A_prev), np.float64, training=True)
    _objective(layer, p, A_prev, R, mode, cache)  # draws dropout's masks
    grad = np.full(layout.n_params, np.nan)
    (dp,) = layout.bind(grad)
    dA_prev = layer.backward(R.copy(), p, dp, cache)

    mode.reuse_masks = True  # every difference sees the same masks
    numerical = np.empty_like(A_prev)
    for index in np.ndindex(A_prev.shape):
        plus, minus = A_prev.copy(), A_prev.copy()
        plus[index] += EPS
        minus[index] -= EPS
        f_plus = _objective(layer, p, plus, R, mode, cache)
        f_minus = _objective(layer, p, minus, R, mode, cache)
        numerical[index] = (f_plus - f_minus) / (2 * EPS)
    assert dA_prev.shape == A_prev.shape
    assert_allclose(dA_prev, numerical, rtol=1e-6, atol=1e-8)

    for declared, view, d_view in zip(layer.parameters(), p, dp, strict=True):
        if not declared.trained:
            continue  # state the pass sets itself, no part of the cost
        numerical = np.empty_like(view)
        for index in np.ndindex(view.shape):
            original = view[index]
            view[index] = original + EPS
            f_plus = _objective(layer, p, A_prev, R, mode, cache)
            view[index] = original - EPS
            f_minus = _objective(layer, p, A_prev, R, mode, cache)
            view[index] = original
            numerical[index] = (f_plus - f_minus) / (2 * EPS)
        assert_allclose(d_view, numerical, rtol=1e-6, atol=1e-8, err_msg=declared.name)


@pytest.mark.parametrize("layer", EXAMPLES, ids=IDS)
def test_the_views_have_the_declared_shapes(layer):
    layout = ParameterLayout([layer])
    (p,) = layout.bind(np.arange(layout.n_params, dtype=float))
    declared = layer.parameters()
    assert [view.shape for view in p] == [tuple(d.shape) for d in declared]
    assert layout.n_params == sum(d.size for d in declared)
    assert layout.n_penalised == sum(d.size for d in declared if d.penalised)


@pytest.mark.parametrize("layer", EXAMPLES, ids=IDS)
def test_a_smaller_batch_uses_the_leading_rows_of_the_buffers(layer):
    layout, theta, p, A_prev, R, mode = _setup(layer, seed=3)
    big = layer.allocate(_rows(layer, M + 4)[0], np.float64, training=True)
    small = layer.allocate(len(A_prev), np.float64, training=True)
    big.rows(len(A_prev))
    results = []
    for cache in (big, small):
        mode_copy = Pass(training=True, rng=np.random.default_rng(5))
        A = layer.forward(A_prev.copy(), p, cache, mode_copy)
        grad = np.zeros(layout.n_params)
        (dp,) = layout.bind(grad)
        dA_prev = layer.backward(R.copy(), p, dp, cache)
        results.append((np.array(A), np.array(dA_prev), grad))
    for got, expected in zip(results[0], results[1], strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("layer", EXAMPLES, ids=IDS)
def test_as_the_first_layer_it_gives_the_same_parameter_gradients(layer):
    """Without da[l-1] (the input is X), dW[l], db[l], ... are still all there."""
    grads = []
    for input_gradient in (True, False):
        layout, theta, p, A_prev, R, mode = _setup(layer, seed=4)
        cache = layer.allocate(
            len(A_prev), np.float64, True, input_gradient=input_gradient
        )
        layer.forward(A_prev.copy(), p, cache, mode)
        grad = np.zeros(layout.n_params)
        (dp,) = layout.bind(grad)
        dA_prev = layer.backward(R.copy(), p, dp, cache)
        if layer.kind == "linear" and not input_gradient:
            assert dA_prev is None  # no product for a gradient nobody reads
        grads.append(grad)
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("layer", EXAMPLES, ids=IDS)
def test_predicting_mode_leaves_the_input_alone_unless_in_place(layer):
    layout, theta, p, A_prev, R, mode = _setup(layer, seed=5)
    for view, declared in zip(p, layer.parameters(), strict=True):
        if not declared.trained:
            view[...] = np.abs(view) + 0.5  # running variances > 0
    X = A_prev.copy()
    A = layer.forward(X, p, None, Pass())
    assert A.shape == (_rows(layer)[1], layer.n_out)
    if not layer.in_place:
        np.testing.assert_array_equal(X, A_prev)


@pytest.mark.parametrize("layer", EXAMPLES, ids=IDS)
def test_the_spec_rebuilds_the_layer(layer):
    kind, arguments = layer.spec()
    rebuilt = LAYERS[kind](**arguments)
    assert rebuilt.spec() == (kind, arguments)
    assert type(rebuilt) is type(layer)
    assert (rebuilt.n_in, rebuilt.n_out) == (layer.n_in, layer.n_out)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(OUTPUT_LAYERS))
def test_output_layer_delta_is_the_gradient_of_its_loss(name, weighted):
    """dZ[L] = c_i (A[L] - Y) is d/dZ of sum_i c_i L(g(Z_i), y_i)."""
    output = OUTPUT_LAYERS[name]
    rng = np.random.default_rng(6)
    Z = rng.normal(size=(M, 3))
    if name == "softmax":
        Y = np.eye(3)[rng.integers(0, 3, size=M)]
    elif name == "logistic":
        Y = rng.integers(0, 2, size=(M, 3)).astype(float)
    else:
        Y = rng.normal(size=(M, 3))
    scale = rng.uniform(0.2, 2.0, size=M) if weighted else 0.3

    def loss(Z):
        A = np.empty_like(Z)
        if weighted:
            return output.loss(Z, Y, A, scale)
        return scale * output.loss(Z, Y, A)

    cache = output.allocate(M, 3, np.float64)
    output.loss(Z, Y, cache.A)
    dZ = output.backward(Y, scale, cache)
    numerical = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        plus, minus = Z.copy(), Z.copy()
        plus[index] += EPS
        minus[index] -= EPS
        numerical[index] = (loss(plus) - loss(minus)) / (2 * EPS)
    assert_allclose(dZ, numerical, rtol=1e-6, atol=1e-9)
    assert_allclose(cache.A, output.activation(Z, np.empty_like(Z)), rtol=1e-14)
