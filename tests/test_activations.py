"""Hidden-unit activations: closed forms, derivatives, in-place use and dtypes."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdnn._nn.activations import ACTIVATIONS, BACKWARDS

NAMES = ["identity", "logistic", "tanh", "relu", "leaky_relu", "selu", "mish"]
SELU_LAMBDA, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def closed_form(name, z):
    """g(z) written out from its definition, in float64, for moderate z."""
    z = np.asarray(z, dtype=np.float64)
    if name == "identity":
        return z.copy()
    if name == "logistic":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if name == "selu":
        return SELU_LAMBDA * np.where(z > 0, z, SELU_ALPHA * (np.exp(z) - 1.0))
    if name == "mish":
        return z * np.tanh(np.log(1.0 + np.exp(z)))
    raise AssertionError(name)


def moderate_inputs(seed, shape=(6, 5)):
    """Values in [-4, 4], kept at least 0.1 away from the kink at 0."""
    z = np.random.default_rng(seed).uniform(-4.0, 4.0, size=shape)
    return np.where(np.abs(z) < 0.1, np.sign(z) * 0.1 + z, z)


def test_tables_have_the_same_names():
    assert set(ACTIVATIONS) == set(NAMES)
    assert set(BACKWARDS) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_activation_matches_closed_form(name):
    Z = moderate_inputs(0)
    Z_before = Z.copy()
    out = np.empty_like(Z)
    A = ACTIVATIONS[name](Z, out=out)
    assert A is out
    assert_allclose(A, closed_form(name, Z_before), rtol=1e-12, atol=1e-15)
    assert_allclose(Z, Z_before, rtol=0, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_activation_at_hand_picked_points(name):
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    # tanh(x) = (e^2x - 1) / (e^2x + 1)
    t2, t05 = (np.e**4 - 1) / (np.e**4 + 1), (np.e - 1) / (np.e + 1)
    expected = {
        "identity": [-2.0, -0.5, 0.0, 0.5, 2.0],
        "logistic": [
            1 / (1 + np.e**2),
            1 / (1 + np.e**0.5),
            0.5,
            1 / (1 + np.e**-0.5),
            1 / (1 + np.e**-2),
        ],
        "tanh": [-t2, -t05, 0.0, t05, t2],
        "relu": [0.0, 0.0, 0.0, 0.5, 2.0],
        "leaky_relu": [-0.02, -0.005, 0.0, 0.5, 2.0],
        "selu": [
            SELU_LAMBDA * SELU_ALPHA * (np.e**-2 - 1),
            SELU_LAMBDA * SELU_ALPHA * (np.e**-0.5 - 1),
            0.0,
            SELU_LAMBDA * 0.5,
            SELU_LAMBDA * 2.0,
        ],
        # z tanh(log(1 + e^z)) = z ((1 + e^z)^2 - 1) / ((1 + e^z)^2 + 1)
        "mish": [
            z * ((1 + np.e**z) ** 2 - 1) / ((1 + np.e**z) ** 2 + 1)
            for z in [-2.0, -0.5, 0.0, 0.5, 2.0]
        ],
    }[name]
    A = ACTIVATIONS[name](z, out=np.empty_like(z))
    assert_allclose(A[0], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_activation_in_place(name):
    Z = moderate_inputs(1)
    expected = closed_form(name, Z)
    A = ACTIVATIONS[name](Z, out=Z)
    assert A is Z
    assert_allclose(Z, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_finite_difference(name):
    rng = np.random.default_rng(2)
    Z = moderate_inputs(3)
    A = closed_form(name, Z)
    Z_before, A_before = Z.copy(), A.copy()
    dA = rng.normal(size=Z.shape)
    eps = 1e-6
    g_prime = (closed_form(name, Z + eps) - closed_form(name, Z - eps)) / (2 * eps)
    expected = dA * g_prime

    dZ = BACKWARDS[name](Z, A, dA.copy())
    assert_allclose(dZ, expected, rtol=1e-7, atol=1e-9)
    # The cache is read, never written.
    assert_allclose(Z, Z_before, rtol=0, atol=0)
    assert_allclose(A, A_before, rtol=0, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_backward_works_in_place_on_dA(name):
    Z = moderate_inputs(4)
    A = closed_form(name, Z)
    dA = np.random.default_rng(5).normal(size=Z.shape)
    dA_copy = dA.copy()
    dZ = BACKWARDS[name](Z, A, dA)
    assert np.shares_memory(dZ, dA)
    if name != "identity":
        assert not np.allclose(dA, dA_copy)


def test_relu_family_backward_on_each_side_of_the_kink():
    Z = np.array([[-3.0, -1e-3, 1e-3, 3.0]])
    ones = np.ones_like(Z)
    relu = BACKWARDS["relu"](Z, closed_form("relu", Z), ones.copy())
    leaky = BACKWARDS["leaky_relu"](Z, closed_form("leaky_relu", Z), ones.copy())
    assert_allclose(relu[0], [0.0, 0.0, 1.0, 1.0], rtol=0, atol=0)
    assert_allclose(leaky[0], [0.01, 0.01, 1.0, 1.0], rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("in_place", [False, True])
def test_float32_stays_float32(name, in_place):
    Z = moderate_inputs(6).astype(np.float32)
    expected = closed_form(name, Z)
    out = Z if in_place else np.empty_like(Z)
    A = ACTIVATIONS[name](Z, out=out)
    assert A.dtype == np.float32
    assert_allclose(A, expected, rtol=1e-5, atol=1e-6)

    Z = moderate_inputs(6).astype(np.float32)
    dA = np.random.default_rng(7).normal(size=Z.shape).astype(np.float32)
    dZ = BACKWARDS[name](Z, A, dA)
    assert dZ.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_large_inputs_are_finite_and_reach_their_limits(name, dtype):
    # Any RuntimeWarning (overflow in exp, ...) is turned into an error by pytest.
    Z = np.array([[-1e4, 1e4]], dtype=dtype)
    expected = {
        "identity": [-1e4, 1e4],
        "logistic": [0.0, 1.0],
        "tanh": [-1.0, 1.0],
        "relu": [0.0, 1e4],
        "leaky_relu": [-100.0, 1e4],
        "selu": [-SELU_LAMBDA * SELU_ALPHA, SELU_LAMBDA * 1e4],
        "mish": [0.0, 1e4],
    }[name]
    A = ACTIVATIONS[name](Z, out=np.empty_like(Z))
    assert np.all(np.isfinite(A))
    assert_allclose(A[0], expected, rtol=1e-6, atol=1e-30)

    dZ = BACKWARDS[name](Z, A, np.ones_like(Z))
    assert np.all(np.isfinite(dZ))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logistic_is_finite_without_warnings_at_1e4(dtype):
    Z = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4], dtype=dtype)
    A = ACTIVATIONS["logistic"](Z, out=np.empty_like(Z))
    assert A.dtype == dtype
    assert np.all(np.isfinite(A))
    assert np.all((A >= 0.0) & (A <= 1.0))
    assert_allclose(A[[0, 1, -2, -1]], [0.0, 0.0, 1.0, 1.0], rtol=0, atol=1e-30)
    assert_allclose(A[2:5], closed_form("logistic", [-1.0, 0.0, 1.0]), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "make",
    [
        lambda z: z,  # small: compared with the shared zero buffer
        lambda z: np.tile(z, (400, 200)),  # larger than the buffer: the scalar 0
        lambda z: np.tile(z, (4, 4))[:, ::3],  # not contiguous: the scalar 0
    ],
    ids=["small", "large", "strided"],
)
def test_relu_is_the_same_on_every_path(make, dtype):
    Z = make(np.array([[-2.0, -0.0, 0.0, 0.5, np.nan, -np.inf, np.inf]])).astype(dtype)
    A = ACTIVATIONS["relu"](Z, out=np.empty_like(Z))
    assert A.dtype == dtype
    np.testing.assert_array_equal(A, np.maximum(Z, 0.0))
    # The shared zeros stay zero after being used as an output elsewhere.
    ACTIVATIONS["relu"](Z, out=Z)
    np.testing.assert_array_equal(ACTIVATIONS["relu"](-np.ones_like(Z), out=None), 0)
