"""Backpropagation against finite differences, with skdnn.check_gradients."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skdnn._activations
import skdnn._network
from skdnn import DeepNetClassifier, check_gradients

ACTIVATIONS = ["identity", "logistic", "sigmoid", "tanh", "relu", "leaky_relu"]
OUTPUTS = ["binary", "multiclass", "multilabel"]
TOLERANCE = 1e-7


def _data(kind, n_samples=30, n_features=4, seed=0):
    """Small standardised X and a target of the given kind."""
    rng = np.random.default_rng(seed)
    X = StandardScaler().fit_transform(rng.normal(size=(n_samples, n_features)))
    if kind == "binary":
        y = (X[:, 0] + 0.5 * rng.normal(size=n_samples) > 0).astype(int)
    elif kind == "multiclass":
        y = np.arange(n_samples) % 3
        rng.shuffle(y)
    else:
        y = rng.integers(0, 2, size=(n_samples, 3))
        y[0] = [1, 1, 1]
        y[1] = [0, 0, 0]
    return X, y


@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_at_fresh_weights(activation, output, alpha):
    X, y = _data(output)
    clf = DeepNetClassifier((5, 4), activation=activation, alpha=alpha, random_state=0)
    assert check_gradients(clf, X, y) < TOLERANCE


@pytest.mark.parametrize("output", OUTPUTS)
def test_gradients_with_sample_weight(output):
    X, y = _data(output)
    sample_weight = np.random.default_rng(1).uniform(0.1, 3.0, size=X.shape[0])
    clf = DeepNetClassifier((5, 4), activation="tanh", alpha=0.5, random_state=0)
    assert check_gradients(clf, X, y, sample_weight=sample_weight) < TOLERANCE


@pytest.mark.parametrize("output", ["binary", "multiclass"])
def test_gradients_with_balanced_class_weight(output):
    X, y = _data(output)
    y = y.copy()
    y[: X.shape[0] // 2] = 0  # imbalanced, so "balanced" weights are not all 1
    clf = DeepNetClassifier(
        (5,), activation="logistic", alpha=0.3, class_weight="balanced", random_state=0
    )
    assert check_gradients(clf, X, y) < TOLERANCE


def test_gradients_with_class_weight_and_sample_weight():
    X, y = _data("multiclass")
    sample_weight = np.linspace(0.5, 2.0, X.shape[0])
    clf = DeepNetClassifier(
        (4,), activation="tanh", class_weight={0: 3.0, 2: 0.5}, random_state=0
    )
    assert check_gradients(clf, X, y, sample_weight=sample_weight) < TOLERANCE


@pytest.mark.parametrize("output", OUTPUTS)
def test_gradients_with_per_layer_activations(output):
    X, y = _data(output)
    clf = DeepNetClassifier(
        (5, 4, 3),
        activation=["tanh", "leaky_relu", "logistic"],
        alpha=0.1,
        random_state=0,
    )
    assert check_gradients(clf, X, y) < TOLERANCE


@pytest.mark.parametrize("output", OUTPUTS)
def test_gradients_without_hidden_layer(output):
    X, y = _data(output)
    clf = DeepNetClassifier((), alpha=0.1, random_state=0)
    assert check_gradients(clf, X, y) < TOLERANCE


@pytest.mark.parametrize("init", ["he", "glorot", "small"])
def test_gradients_for_each_init(init):
    X, y = _data("multiclass")
    clf = DeepNetClassifier((5,), activation="tanh", init=init, random_state=0)
    # At 0.01-scale weights the gradient is ~1e-3, so the round-off of a 1e-7
    # step (~1e-9 per entry) alone would be ~1e-6 of it: take a larger step.
    assert check_gradients(clf, X, y, eps=1e-5) < TOLERANCE


def test_gradients_of_float32_data_are_checked_in_float64():
    X, y = _data("multiclass")
    clf = DeepNetClassifier((5, 4), activation="tanh", random_state=0)
    assert check_gradients(clf, X.astype(np.float32), y) < TOLERANCE


def test_gradients_of_string_labels():
    X, y = _data("multiclass")
    labels = np.array(["ant", "bee", "cat"])[y]
    clf = DeepNetClassifier((4,), activation="tanh", random_state=0)
    assert check_gradients(clf, X, labels) < TOLERANCE


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_fitted_estimator_is_checked_at_its_weights_and_left_unchanged(solver, output):
    X, y = _data(output)
    clf = DeepNetClassifier(
        (5, 4),
        activation="tanh",
        alpha=0.2,
        solver=solver,
        max_iter=20,
        learning_rate=0.05,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    theta = clf._theta.copy()
    coefs = [W.copy() for W in clf.coefs_]
    intercepts = [b.copy() for b in clf.intercepts_]
    proba = clf.predict_proba(X)
    state = {k: v for k, v in vars(clf).items() if np.isscalar(v)}

    assert check_gradients(clf, X, y) < TOLERANCE

    np.testing.assert_array_equal(clf._theta, theta)
    for W, W_before in zip(clf.coefs_, coefs, strict=True):
        np.testing.assert_array_equal(W, W_before)
    for b, b_before in zip(clf.intercepts_, intercepts, strict=True):
        np.testing.assert_array_equal(b, b_before)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert {k: v for k, v in vars(clf).items() if np.isscalar(v)} == state


def test_fitted_estimator_is_checked_at_its_weights_not_fresh_ones(monkeypatch):
    X, y = _data("multiclass")
    clf = DeepNetClassifier((5,), activation="tanh", max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    fresh = clone(clf)
    fresh._prepare(X, y, None, incremental=False)
    assert not np.allclose(clf._theta, fresh._theta)

    seen = []
    original = skdnn._network.Network.cost_and_gradient

    def spy(self, theta, *args, **kwargs):
        seen.append(np.array(theta, dtype=np.float64))
        return original(self, theta, *args, **kwargs)

    monkeypatch.setattr(skdnn._network.Network, "cost_and_gradient", spy)
    assert check_gradients(clf, X, y) < TOLERANCE
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], clf._theta)


def test_fitted_estimator_with_balanced_class_weight_can_be_checked():
    X, y = _data("binary")
    clf = DeepNetClassifier(
        (4,), activation="tanh", class_weight="balanced", max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert check_gradients(clf, X, y) < TOLERANCE


def test_fitted_estimator_can_be_checked_on_a_subset_of_its_classes():
    # Checking a small sample is the point of check_gradients; a sample need
    # not contain every class the estimator was fitted on.
    X, y = _data("multiclass")
    clf = DeepNetClassifier((4,), activation="tanh", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    subset = y != 2
    assert check_gradients(clf, X[subset], y[subset]) < TOLERANCE


def _tanh_backward_without_square(Z, A, dA):
    """A wrong g'(z) = 1 - a instead of 1 - a**2."""
    dA *= 1.0 - A
    return dA


@pytest.mark.parametrize("output", OUTPUTS)
def test_broken_backward_pass_is_detected(monkeypatch, output):
    X, y = _data(output)
    clf = DeepNetClassifier((5, 4), activation="tanh", random_state=0)
    assert check_gradients(clf, X, y) < TOLERANCE
    monkeypatch.setitem(
        skdnn._activations.BACKWARDS, "tanh", _tanh_backward_without_square
    )
    assert check_gradients(clf, X, y) > 1e-3


def test_broken_l2_gradient_is_detected(monkeypatch):
    # Only the penalty's gradient is wrong: visible with alpha > 0 only.
    X, y = _data("multiclass")
    original = skdnn._network.Network.cost_and_gradient

    def without_penalty_gradient(self, theta, X, Y, sw, alpha, grad, cache, tw=None):
        return original(self, theta, X, Y, sw, 0.0, grad, cache, tw) + (
            0.5
            * alpha
            * float(theta[: self.n_weights] @ theta[: self.n_weights])
            / self._total_weight(Y, sw, tw)
        )

    monkeypatch.setattr(
        skdnn._network.Network, "cost_and_gradient", without_penalty_gradient
    )
    unpenalised = DeepNetClassifier((5,), activation="tanh", alpha=0.0, random_state=0)
    assert check_gradients(unpenalised, X, y) < TOLERANCE
    penalised = DeepNetClassifier((5,), activation="tanh", alpha=1.0, random_state=0)
    assert check_gradients(penalised, X, y) > 1e-3


def test_invalid_eps_raises():
    X, y = _data("binary")
    with pytest.raises(ValueError, match="eps"):
        check_gradients(DeepNetClassifier((3,)), X, y, eps=0.0)
