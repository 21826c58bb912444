"""Backpropagation against finite differences, with skdnn.check_gradients."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

import skdnn._nn.activations
import skdnn._nn.network
import skdnn._nn.outputs
import skdnn._nn.penalty
from skdnn import DeepNetClassifier, DeepNetRegressor, check_gradients

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


def _regression_data(n_outputs, n_samples=30, n_features=4, seed=0):
    """Small standardised X and real targets, 1-D for ``n_outputs=None``."""
    rng = np.random.default_rng(seed)
    X = StandardScaler().fit_transform(rng.normal(size=(n_samples, n_features)))
    Y = X[:, :1] ** 2 - X[:, 1:2] + 0.3 * rng.normal(size=(n_samples, n_outputs or 1))
    return X, Y[:, 0] if n_outputs is None else Y


def _fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def _flat(estimator):
    """The parameters in the network's flat layout: every W[l], then every b[l]."""
    return np.concatenate(
        [W.ravel() for W in estimator.coefs_] + list(estimator.intercepts_)
    )


class _Spy:
    """Records theta and X of every Network.cost_and_gradient call."""

    def __init__(self, monkeypatch):
        self.calls = []
        original = skdnn._nn.network.Network.cost_and_gradient

        def spy(network, theta, X, *args, **kwargs):
            self.calls.append((np.array(theta, dtype=np.float64), X.copy()))
            return original(network, theta, X, *args, **kwargs)

        monkeypatch.setattr(skdnn._nn.network.Network, "cost_and_gradient", spy)


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
    _fit_quietly(clf, X, y)
    coefs = [W.copy() for W in clf.coefs_]
    intercepts = [b.copy() for b in clf.intercepts_]
    proba = clf.predict_proba(X)
    state = {k: v for k, v in vars(clf).items() if np.isscalar(v)}

    assert check_gradients(clf, X, y) < TOLERANCE

    for W, W_before in zip(clf.coefs_, coefs, strict=True):
        np.testing.assert_array_equal(W, W_before)
    for b, b_before in zip(clf.intercepts_, intercepts, strict=True):
        np.testing.assert_array_equal(b, b_before)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert {k: v for k, v in vars(clf).items() if np.isscalar(v)} == state


def test_fitted_estimator_is_checked_at_its_weights_not_fresh_ones(monkeypatch):
    X, y = _data("multiclass")
    clf = DeepNetClassifier((5,), activation="tanh", max_iter=30, random_state=0)
    _fit_quietly(clf, X, y)
    spy = _Spy(monkeypatch)
    assert check_gradients(clf, X, y) < TOLERANCE
    assert check_gradients(clone(clf), X, y) < TOLERANCE
    (fitted, X_fitted), (fresh, X_fresh) = spy.calls
    np.testing.assert_array_equal(fitted, _flat(clf))
    assert not np.allclose(fresh, fitted)
    np.testing.assert_array_equal(X_fitted, X)
    np.testing.assert_array_equal(X_fresh, X)


def test_fitted_estimator_with_balanced_class_weight_can_be_checked():
    X, y = _data("binary")
    clf = DeepNetClassifier(
        (4,), activation="tanh", class_weight="balanced", max_iter=5, random_state=0
    )
    _fit_quietly(clf, X, y)
    assert check_gradients(clf, X, y) < TOLERANCE


def test_fitted_estimator_can_be_checked_on_a_subset_of_its_classes():
    # Checking a small sample is the point of check_gradients; a sample need
    # not contain every class the estimator was fitted on.
    X, y = _data("multiclass")
    clf = DeepNetClassifier((4,), activation="tanh", max_iter=5, random_state=0)
    _fit_quietly(clf, X, y)
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
        skdnn._nn.activations.BACKWARDS, "tanh", _tanh_backward_without_square
    )
    assert check_gradients(clf, X, y) > 1e-3


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_broken_l2_gradient_is_detected(monkeypatch, estimator):
    # Only the penalty's gradient is wrong: visible with alpha > 0 only.
    if estimator == "classifier":
        Estimator, (X, y) = DeepNetClassifier, _data("multiclass")
    else:
        Estimator, (X, y) = DeepNetRegressor, _regression_data(2)

    def without_penalty_gradient(self, theta, grad, total_weight):
        pass

    monkeypatch.setattr(skdnn._nn.penalty.L2, "add_gradient", without_penalty_gradient)
    unpenalised = Estimator((5,), activation="tanh", alpha=0.0, random_state=0)
    assert check_gradients(unpenalised, X, y) < TOLERANCE
    penalised = Estimator((5,), activation="tanh", alpha=1.0, random_state=0)
    assert check_gradients(penalised, X, y) > 1e-3


def test_broken_output_delta_is_detected(monkeypatch):
    # dZ[L] = 2 (A - Y) is the delta of the squared error without its 1/2.
    X, y = _regression_data(2)
    reg = DeepNetRegressor((5,), activation="tanh", random_state=0)
    assert check_gradients(reg, X, y) < TOLERANCE

    def double_delta(self, A, Y, out):
        np.subtract(A, Y, out=out)
        out *= 2.0
        return out

    monkeypatch.setattr(skdnn._nn.outputs.IdentitySquaredError, "delta", double_delta)
    assert check_gradients(reg, X, y) > 1e-3


ACTIVATIONS_AND_ALPHAS = [(a, alpha) for a in ACTIVATIONS for alpha in (0.0, 1.0)]


@pytest.mark.parametrize("n_outputs", [None, 1, 3], ids=["1-D", "2-D 1", "2-D 3"])
@pytest.mark.parametrize("activation, alpha", ACTIVATIONS_AND_ALPHAS)
def test_regressor_gradients_at_fresh_weights(activation, alpha, n_outputs):
    X, y = _regression_data(n_outputs)
    reg = DeepNetRegressor((5, 4), activation=activation, alpha=alpha, random_state=0)
    assert check_gradients(reg, X, y) < TOLERANCE


@pytest.mark.parametrize("n_outputs", [None, 2], ids=["1-D", "2-D"])
def test_regressor_gradients_with_sample_weight(n_outputs):
    X, y = _regression_data(n_outputs)
    sample_weight = np.random.default_rng(1).uniform(0.1, 3.0, size=X.shape[0])
    reg = DeepNetRegressor((5, 4), activation="tanh", alpha=0.5, random_state=0)
    assert check_gradients(reg, X, y, sample_weight=sample_weight) < TOLERANCE


def test_regressor_gradients_with_per_layer_activations_and_no_hidden_layer():
    X, y = _regression_data(2)
    for hidden, activation in [((5, 3), ["relu", "logistic"]), ((), "relu")]:
        reg = DeepNetRegressor(hidden, activation=activation, alpha=0.1, random_state=0)
        assert check_gradients(reg, X, y) < TOLERANCE


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_fitted_regressor_is_checked_at_its_weights(monkeypatch, solver):
    X, y = _regression_data(2)
    # scale_target=False: with scaling, the check runs on the scaled output
    # layer that training sees (tested in test_regressor.py)
    reg = DeepNetRegressor(
        (5,),
        activation="tanh",
        alpha=0.2,
        solver=solver,
        max_iter=20,
        scale_target=False,
        random_state=0,
    )
    _fit_quietly(reg, X, y)
    theta = _flat(reg)
    prediction = reg.predict(X)
    spy = _Spy(monkeypatch)
    assert check_gradients(reg, X, y) < TOLERANCE
    np.testing.assert_array_equal(spy.calls[0][0], theta)
    np.testing.assert_array_equal(_flat(reg), theta)
    np.testing.assert_array_equal(reg.predict(X), prediction)


def _pipeline(kind):
    if kind == "classifier":
        network = DeepNetClassifier((5,), activation="tanh", alpha=0.1, random_state=0)
        X, y = _data("multiclass")
    else:
        network = DeepNetRegressor(
            (5,), activation="tanh", alpha=0.1, scale_target=False, random_state=0
        )
        X, y = _regression_data(2)
    # Far from standardised, so the scaler visibly changes X.
    X = 10.0 * X + 3.0
    return make_pipeline(StandardScaler(), network), X, y


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_unfitted_pipeline_checks_its_network_on_scaled_X(monkeypatch, kind):
    pipe, X, y = _pipeline(kind)
    spy = _Spy(monkeypatch)
    assert check_gradients(pipe, X, y) < TOLERANCE
    X_scaled = StandardScaler().fit_transform(X)
    assert check_gradients(pipe[-1], X_scaled, y) < TOLERANCE
    (theta, X_seen), (theta_direct, _) = spy.calls
    np.testing.assert_array_equal(X_seen, X_scaled)
    # The same fresh weights as the network alone gets.
    np.testing.assert_array_equal(theta, theta_direct)
    # and the pipeline is left unfitted
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe[0])
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe[-1])


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_fitted_pipeline_checks_its_network_at_its_weights(monkeypatch, kind):
    pipe, X, y = _pipeline(kind)
    _fit_quietly(pipe, X[:20], y[:20])
    scaler_mean = pipe[0].mean_.copy()
    theta = _flat(pipe[-1])
    spy = _Spy(monkeypatch)
    # Checked on other rows, which the fitted scaler transforms (not refits on).
    assert check_gradients(pipe, X[10:], y[10:]) < TOLERANCE
    ((theta_seen, X_seen),) = spy.calls
    np.testing.assert_array_equal(theta_seen, theta)
    np.testing.assert_array_equal(X_seen, pipe[0].transform(X[10:]))
    assert not np.allclose(X_seen, StandardScaler().fit_transform(X[10:]))
    np.testing.assert_array_equal(pipe[0].mean_, scaler_mean)
    np.testing.assert_array_equal(_flat(pipe[-1]), theta)


@pytest.mark.parametrize(
    "estimator",
    [
        LogisticRegression(),
        MLPClassifier((3,)),
        make_pipeline(StandardScaler(), LogisticRegression()),
        make_pipeline(DeepNetClassifier((3,)), LogisticRegression()),
        GridSearchCV(DeepNetClassifier((3,)), {"alpha": [0.1, 1.0]}),
        "DeepNetClassifier",
    ],
    ids=[
        "LogisticRegression",
        "MLPClassifier",
        "pipeline of LogisticRegression",
        "pipeline not ending in a network",
        "GridSearchCV",
        "a string",
    ],
)
def test_anything_else_is_refused(estimator):
    X, y = _data("binary")
    name = type(estimator).__name__
    message = (
        r"checks a DeepNetClassifier or DeepNetRegressor, or a Pipeline whose "
        rf"last step is one of them; got {name}\."
    )
    with pytest.raises(TypeError, match=message):
        check_gradients(estimator, X, y)


def test_invalid_eps_raises():
    X, y = _data("binary")
    with pytest.raises(ValueError, match="eps"):
        check_gradients(DeepNetClassifier((3,)), X, y, eps=0.0)
