"""The fast paths of skdnn._fast: blocked NumPy steps, and Numba where installed.

The reference is the whole-vector step of skdnn._train.optimizers with the
penalty added to the gradient first: walked in cache-sized blocks with the L2
gradient folded in, or compiled, the steps must give exactly its parameters.
The compiled ReLU passes must give NumPy's numbers.
"""

import importlib.util
import sys

import numpy as np
import pytest
from conftest import use_kernels
from sklearn.datasets import load_digits

import skdnn
from skdnn import DeepNetClassifier, DeepNetRegressor
from skdnn import _fast as _kernels
from skdnn._fast.tuning import NUMPY_STEP_BLOCK as BLOCK
from skdnn._nn.activations import relu, relu_backward
from skdnn._nn.dense import Dense
from skdnn._nn.layer import Pass
from skdnn._nn.layout import ParameterLayout
from skdnn._train.optimizers import SGD, Adam, adam_update, sgd_update

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
HAS_NUMBA = importlib.util.find_spec("numba") is not None
BACKENDS = [
    "numpy",
    pytest.param(
        "numba",
        marks=pytest.mark.skipif(
            not HAS_NUMBA, reason="Numba is not installed (skdnn[fast])"
        ),
    ),
]

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = X_DIGITS / 16.0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["sgd", "nesterov", "adam"])
def test_fused_step_equals_the_textbook_step_bit_for_bit(
    backend, dtype, kind, monkeypatch
):
    use_kernels(monkeypatch, backend)
    rng = np.random.default_rng(0)
    n_params, n_weights = 2 * BLOCK + 123, BLOCK + 7  # blocks straddle n_weights
    theta = rng.standard_normal(n_params).astype(dtype)
    expected = theta.copy()
    if kind == "adam":
        optimizer = Adam(n_params, dtype)
        u, w = np.zeros(n_params, dtype), np.zeros(n_params, dtype)
    else:
        optimizer = SGD(n_params, dtype, momentum=0.9, nesterov=kind == "nesterov")
        velocity = np.zeros(n_params, dtype)
    coef = 1e-3 / 64
    for t in range(1, 4):
        grad = rng.standard_normal(n_params).astype(dtype)
        full = grad.copy()
        full[:n_weights] += expected[:n_weights] * coef
        if kind == "adam":
            adam_update(expected, full, u, w, 0.01, t, 0.9, 0.999, 1e-8)
        else:
            sgd_update(expected, full, velocity, 0.01, 0.9, kind == "nesterov")
        norm_sq = optimizer.update(theta, grad, 0.01, (n_weights, coef))
        np.testing.assert_array_equal(theta, expected)
        weights = expected[:n_weights].astype(np.float64)
        assert norm_sq == pytest.approx(float(weights @ weights), rel=1e-6)
    assert optimizer.update(theta, grad, 0.01) is None


@pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed (skdnn[fast])")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam"),
        dict(solver="sgd", alpha=1e-2),
        dict(solver="sgd", nesterovs_momentum=False, alpha=0.0),
        dict(solver="adam", max_grad_norm=1.0),
        dict(solver="adam", batch_norm=True, dropout=0.2),
    ],
)
def test_compiled_and_numpy_training_give_the_same_network(dtype, params, monkeypatch):
    X = X_DIGITS.astype(dtype)
    nets = {}
    for backend in ["numpy", "numba"]:
        use_kernels(monkeypatch, backend)
        nets[backend] = DeepNetClassifier(
            (200, 40), max_iter=3, early_stopping=False, random_state=0, **params
        ).fit(X, Y_DIGITS)
    reference, compiled = nets["numpy"], nets["numba"]
    for p, q in zip(
        reference.coefs_ + reference.intercepts_,
        compiled.coefs_ + compiled.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_allclose(reference.loss_curve_, compiled.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n_members", [1, 3])
def test_the_cost_with_the_folded_penalty_is_the_cost(backend, n_members, monkeypatch):
    """loss_curve_ still includes λ/(2m)||W||², now taken from the step."""
    use_kernels(monkeypatch, backend)
    X, y = X_DIGITS[:300], Y_DIGITS[:300]
    params = dict(
        batch_size=None,
        max_iter=4,
        early_stopping=False,
        n_members=n_members,
        random_state=0,
    )
    folded = DeepNetRegressor((16,), alpha=5.0, **params).fit(X, y.astype(float))
    # max_grad_norm that never clips takes the unfolded path: same steps
    unfolded = DeepNetRegressor((16,), alpha=5.0, max_grad_norm=1e300, **params)
    unfolded.fit(X, y.astype(float))
    np.testing.assert_allclose(folded.loss_curve_, unfolded.loss_curve_, rtol=1e-12)
    np.testing.assert_array_equal(folded.coefs_[0], unfolded.coefs_[0])
    without = DeepNetRegressor((16,), alpha=0.0, **params).fit(X, y.astype(float))
    assert folded.loss_curve_[0] > without.loss_curve_[0] + 1e-3  # the term is there


def test_kernels_switch_is_validated(monkeypatch):
    use_kernels(monkeypatch, "gpu")
    with pytest.raises(ValueError, match="SKDNN_KERNELS='gpu'"):
        DeepNetClassifier((4,), max_iter=1).fit(X_DIGITS[:50], Y_DIGITS[:50])
    use_kernels(monkeypatch, "numpy")
    assert _kernels.backend() == "numpy"


def test_asking_for_numba_without_it_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba fails
    monkeypatch.setitem(sys.modules, "skdnn._fast.numba_steps", None)
    monkeypatch.setitem(sys.modules, "skdnn._fast.numba_relu", None)
    monkeypatch.delattr(skdnn._fast, "numba_steps", raising=False)
    monkeypatch.delattr(skdnn._fast, "numba_relu", raising=False)
    monkeypatch.setattr(_kernels, "_COMPILED", {})
    use_kernels(monkeypatch, "auto")
    assert _kernels.backend() == "numpy"
    use_kernels(monkeypatch, "numba")
    with pytest.raises(ImportError, match=r'pip install "skdnn\[fast\]"'):
        _kernels.backend()


@pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed (skdnn[fast])")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(256, 512), (37, 3), (1, 1)])
def test_compiled_relu_gives_numpys_numbers(dtype, shape, monkeypatch):
    """max(Z, 0) and dA * g'(Z): the same values, NaN and inf included."""
    use_kernels(monkeypatch, "numba")
    rng = np.random.default_rng(0)
    Z = rng.standard_normal(shape).astype(dtype)
    Z.flat[::3] = np.resize([np.nan, np.inf, -np.inf, -0.0, 0.0], Z.flat[::3].size)
    dA = rng.standard_normal(shape).astype(dtype)
    dA.flat[1::4] = np.resize([np.inf, -np.inf, np.nan, -0.0], dA.flat[1::4].size)

    compiled_relu, compiled_backward = _kernels.relu_kernels()
    A_ref = relu(Z, np.empty_like(Z))
    A_got = np.empty_like(Z)
    assert compiled_relu(Z, A_got) is A_got
    np.testing.assert_array_equal(A_got, A_ref)
    assert np.array_equal(np.signbit(A_got), np.signbit(A_ref))
    in_place = Z.copy()
    compiled_relu(in_place, in_place)  # predicting: A[l] overwrites Z[l]
    np.testing.assert_array_equal(in_place, A_ref)

    with np.errstate(invalid="ignore"):
        dZ_ref = relu_backward(Z, A_ref, dA.copy())
        dZ_got = dA.copy()
        assert compiled_backward(Z, A_got, dZ_got) is dZ_got
    np.testing.assert_array_equal(dZ_got, dZ_ref)
    assert np.array_equal(np.signbit(dZ_got), np.signbit(dZ_ref))


def test_the_numpy_path_runs_no_compiled_kernel(monkeypatch):
    """SKDNN_KERNELS=numpy trains without calling a kernel, even where Numba is."""
    use_kernels(monkeypatch, "numpy")
    monkeypatch.setattr(_kernels, "_COMPILED", {"available": True})  # no kernel
    DeepNetClassifier((8,), solver="sgd", max_iter=2, random_state=0).fit(
        X_DIGITS[:100], Y_DIGITS[:100]
    )


@pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed (skdnn[fast])")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(256, 512), (37, 3), (1, 1)])
def test_compiled_dense_relu_passes_give_numpys_numbers(dtype, shape, monkeypatch):
    """Bias, max(Z, 0), mask and db: the same values, NaN and inf included."""
    use_kernels(monkeypatch, "numba")
    rng = np.random.default_rng(0)
    Z = rng.standard_normal(shape).astype(dtype)
    Z.flat[::3] = np.resize([np.nan, np.inf, -np.inf, -0.0, 0.0], Z.flat[::3].size)
    b = rng.standard_normal(shape[1]).astype(dtype)
    dA = rng.standard_normal(shape).astype(dtype)
    dA.flat[1::4] = np.resize([np.inf, -np.inf, np.nan, -0.0], dA.flat[1::4].size)

    forward, backward = _kernels.dense_relu_kernels()
    Z_ref = Z + b
    A_ref = relu(Z_ref, np.empty_like(Z_ref))
    Z_got, A_got = Z.copy(), np.empty_like(Z)
    forward(Z_got, b, A_got)
    np.testing.assert_array_equal(Z_got, Z_ref)
    np.testing.assert_array_equal(A_got, A_ref)
    assert np.array_equal(np.signbit(A_got), np.signbit(A_ref))
    in_place = Z.copy()
    forward(in_place, b, in_place)  # predicting: A[l] overwrites Z[l]
    np.testing.assert_array_equal(in_place, A_ref)

    with np.errstate(invalid="ignore"):
        dZ_ref = relu_backward(Z_ref, A_ref, dA.copy())
        db_ref = np.add.reduce(dZ_ref, axis=0)
        dZ_got, db_got = dA.copy(), np.empty(shape[1], dtype)
        backward(Z_got, A_got, dZ_got, db_got)
    np.testing.assert_array_equal(dZ_got, dZ_ref)
    np.testing.assert_array_equal(db_got, db_ref)


@pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed (skdnn[fast])")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_dense_relu_layer_gives_the_same_bits_compiled_or_not(dtype, monkeypatch):
    layer = Dense(30, 20, "relu")
    layout = ParameterLayout([layer])
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(layout.n_params).astype(dtype)
    A_prev = rng.standard_normal((16, 30)).astype(dtype)
    dA = rng.standard_normal((16, 20)).astype(dtype)
    results = {}
    for backend in ("numpy", "numba"):
        use_kernels(monkeypatch, backend)
        (p,) = layout.bind(theta)
        cache = layer.allocate(16, dtype, training=True)
        A = layer.forward(A_prev, p, cache, Pass(training=True)).copy()
        grad = np.empty_like(theta)
        (dp,) = layout.bind(grad)
        dA_prev = layer.backward(dA.copy(), p, dp, cache)
        predicted = layer.forward(A_prev, p, None, Pass())
        results[backend] = (A, dA_prev, grad, predicted)
    for got, expected in zip(results["numba"], results["numpy"], strict=True):
        np.testing.assert_array_equal(got, expected)
