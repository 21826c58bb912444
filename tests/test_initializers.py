"""Weight initialisation: shapes, statistics, seeding and the "auto" rule."""

import numpy as np
import pytest

from skdnn._nn.initializers import (
    INITIALIZERS,
    glorot,
    he,
    layer_initializers,
    small,
)
from skdnn._nn.network import fully_connected

NAMES = ["he", "glorot", "small"]


def initialize(layer_units, rng, initializers, dtype=np.float64, batch_norm=False):
    """W[l], b[l] and θ of a fully connected network, initialised from NaN."""
    hidden = ["relu"] * (len(layer_units) - 2)
    network = fully_connected(layer_units, hidden, "softmax", batch_norm=batch_norm)
    theta = np.full(network.n_params, np.nan, dtype=dtype)
    network.initialize(theta, rng, initializers)
    W, b = network.unpack(theta)
    return W, b, theta


def test_table():
    assert set(INITIALIZERS) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", [(3, 5), (7, 1), (1, 4), 5])
def test_shape(name, size):
    W = INITIALIZERS[name](np.random.default_rng(0), 3, 5, size)
    assert W.shape == np.empty(size).shape
    assert np.all(np.isfinite(W))
    assert np.count_nonzero(W) == W.size


def test_he_statistics():
    fan_in, fan_out = 50, 4000
    W = he(np.random.default_rng(1), fan_in, fan_out, (fan_in, fan_out))
    std = np.sqrt(2.0 / fan_in)
    assert abs(W.mean()) < 0.02 * std
    assert W.std() == pytest.approx(std, rel=0.02)
    # A normal, not a uniform: some draws lie beyond 3 standard deviations.
    assert np.abs(W).max() > 3 * std


def test_he_scales_with_fan_in_not_fan_out():
    rng = np.random.default_rng(2)
    wide_in = he(rng, 800, 250, (800, 250))
    wide_out = he(rng, 25, 8000, (25, 8000))
    assert wide_in.std() == pytest.approx(np.sqrt(2.0 / 800), rel=0.02)
    assert wide_out.std() == pytest.approx(np.sqrt(2.0 / 25), rel=0.02)


@pytest.mark.parametrize("fan_in, fan_out", [(40, 5000), (300, 700)])
def test_glorot_statistics(fan_in, fan_out):
    W = glorot(np.random.default_rng(3), fan_in, fan_out, (fan_in, fan_out))
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    assert np.all(np.abs(W) <= bound)
    # Uniform on [-r, r]: the extremes are reached and the std is r / sqrt(3).
    assert W.max() > 0.99 * bound
    assert W.min() < -0.99 * bound
    assert abs(W.mean()) < 0.02 * bound
    assert W.std() == pytest.approx(bound / np.sqrt(3.0), rel=0.02)


@pytest.mark.parametrize("fan_in, fan_out", [(400, 500), (3, 2)])
def test_small_statistics_do_not_depend_on_the_fans(fan_in, fan_out):
    W = small(np.random.default_rng(4), fan_in, fan_out, (400, 500))
    assert abs(W.mean()) < 2e-4
    assert W.std() == pytest.approx(0.01, rel=0.02)
    assert np.abs(W).max() > 0.03


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_weights_other_seed_other_weights(name):
    draw = INITIALIZERS[name]
    first = draw(np.random.default_rng(42), 6, 4, (6, 4))
    again = draw(np.random.default_rng(42), 6, 4, (6, 4))
    other = draw(np.random.default_rng(43), 6, 4, (6, 4))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_initialize_fills_every_layer(name, dtype):
    layer_units = (5, 4, 3, 2)
    W, b, theta = initialize(layer_units, np.random.default_rng(5), [name] * 3, dtype)
    for l in range(1, 4):
        assert W[l].shape == (layer_units[l - 1], layer_units[l])
        assert b[l].shape == (layer_units[l],)
        for array in (W[l], b[l]):
            assert array.dtype == dtype
            assert np.all(np.isfinite(array))
            assert np.count_nonzero(array) == array.size
            assert np.shares_memory(array, theta)
    assert np.all(np.isfinite(theta))


def test_batch_norm_starts_at_the_identity_and_leaves_the_weights_alone():
    rng = np.random.default_rng(6)
    W, b, _ = initialize((4, 5, 3, 2), rng, ["glorot"] * 3)
    W_bn, b_bn, theta = initialize(
        (4, 5, 3, 2), np.random.default_rng(6), ["glorot"] * 3, batch_norm=True
    )
    for l in (1, 2, 3):
        np.testing.assert_array_equal(W_bn[l], W[l])  # the same draws
    np.testing.assert_array_equal(b_bn[3], b[3])
    for l in (1, 2):
        assert np.all(b_bn[l] == 0.0)  # β[l] = 0
    assert np.all(np.isfinite(theta))


def test_initialize_uses_each_layers_own_initializer():
    W, b, _ = initialize(
        (50, 3000, 300, 2000), np.random.default_rng(7), ["he", "glorot", "small"]
    )
    he_std = np.sqrt(2.0 / 50)
    glorot_bound = np.sqrt(6.0 / (3000 + 300))
    # W[l] and b[l] both come from layer l's distribution, with its fans.
    for array in (W[1], b[1]):
        assert array.std() == pytest.approx(he_std, rel=0.05)
    for array in (W[2], b[2]):
        assert np.abs(array).max() <= glorot_bound
        assert array.std() == pytest.approx(glorot_bound / np.sqrt(3.0), rel=0.1)
    for array in (W[3], b[3]):
        assert array.std() == pytest.approx(0.01, rel=0.05)


def test_initialize_is_reproducible():
    first_W, first_b, _ = initialize((4, 3, 2), np.random.default_rng(8), ["he"] * 2)
    second_W, second_b, _ = initialize((4, 3, 2), np.random.default_rng(8), ["he"] * 2)
    for l in (1, 2):
        np.testing.assert_array_equal(first_W[l], second_W[l])
        np.testing.assert_array_equal(first_b[l], second_b[l])
    other_W, _, _ = initialize((4, 3, 2), np.random.default_rng(9), ["he"] * 2)
    assert not np.allclose(first_W[1], other_W[1])


def test_layers_draw_from_one_stream():
    # Same shapes and initialiser in every layer: equal layers would mean each
    # one restarted the generator.
    W, b, _ = initialize((3, 3, 3, 3), np.random.default_rng(10), ["small"] * 3)
    assert not np.allclose(W[1], W[2])
    assert not np.allclose(W[2], W[3])
    assert not np.allclose(b[1], b[2])


@pytest.mark.parametrize(
    "activations, expected",
    [
        (["relu", "logistic"], ["he", "glorot"]),
        (["leaky_relu", "relu", "softmax"], ["he", "he", "glorot"]),
        (["tanh", "identity", "logistic", "softmax"], ["glorot"] * 4),
        (["logistic"], ["glorot"]),
        (["softmax"], ["glorot"]),
        (("relu", "tanh", "leaky_relu", "logistic"), ["he", "glorot", "he", "glorot"]),
    ],
)
def test_auto(activations, expected):
    assert layer_initializers("auto", activations) == expected


@pytest.mark.parametrize("init", NAMES)
def test_explicit_init_applies_to_every_layer(init):
    activations = ["relu", "tanh", "softmax"]
    assert layer_initializers(init, activations) == [init] * 3
