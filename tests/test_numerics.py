"""Numerical safety: extreme inputs, divergence, interruption.

The project's pytest configuration turns every RuntimeWarning (overflow,
invalid value) into an error, so each test here also asserts that none is raised.
"""

import warnings

import numpy as np
import pytest
import scipy.optimize
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning

from skdnn import DeepNetClassifier, DeepNetRegressor

DIGITS_X, DIGITS_Y = load_digits(return_X_y=True)
IRIS_X, IRIS_Y = load_iris(return_X_y=True)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_inputs_scaled_to_1e6_give_finite_losses_and_probabilities(dtype, target):
    X = (DIGITS_X[:300] * 1e6).astype(dtype)
    y = {
        "binary": DIGITS_Y[:300] % 2,
        "multiclass": DIGITS_Y[:300],
        "multilabel": np.column_stack([DIGITS_Y[:300] % 2, DIGITS_Y[:300] > 4]),
    }[target]
    clf = DeepNetClassifier((16,), max_iter=3, random_state=0).fit(X, y)
    assert np.isfinite(clf.loss_curve_).all()
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    if target != "multilabel":
        tolerance = 1e-6 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=tolerance)
    assert np.isfinite(clf.predict_log_proba(X)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_logits_of_1e4_give_valid_probabilities_and_finite_logs(dtype, n_classes):
    X = IRIS_X.astype(dtype)
    y = IRIS_Y if n_classes == 3 else IRIS_Y % 2
    clf = DeepNetClassifier((), solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    # push the output logits to about +-1e4
    clf.coefs_ = [W * 1e4 / np.abs(X @ W).max() for W in clf.coefs_]
    clf.intercepts_ = [np.zeros_like(b) for b in clf.intercepts_]
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    log_proba = clf.predict_log_proba(X)
    assert np.isfinite(log_proba).all()
    assert log_proba.min() < -100  # really underflowed in probability space


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("activation", ["identity", "leaky_relu"])
def test_divergence_stops_with_a_clear_error_and_no_nan_weights(momentum, activation):
    # Adam's steps are bounded by the learning rate; plain gradient steps on
    # unscaled data are what runs away to inf.
    clf = DeepNetClassifier(
        (64,),
        activation=activation,
        learning_rate=10,
        solver="sgd",
        momentum=momentum,
        max_iter=100,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with pytest.raises(ValueError, match="diverged.*Scale the input.*learning_rate"):
        clf.fit(DIGITS_X * 1e3, DIGITS_Y)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_regressor_divergence_stops_with_a_clear_error(solver):
    # The squared error of the identity output overflows as well.
    reg = DeepNetRegressor(
        (16,),
        solver=solver,
        learning_rate=10,
        max_iter=50,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    X = DIGITS_X * (1e3 if solver == "sgd" else 1e200)
    with pytest.raises(ValueError, match="diverged.*Scale the input"):
        reg.fit(X, DIGITS_Y.astype(float))
    assert not hasattr(reg, "coefs_")


def test_divergence_keeps_a_previous_model():
    clf = DeepNetClassifier((16,), solver="sgd", learning_rate=1e-3, random_state=0)
    clf.fit(DIGITS_X / 16, DIGITS_Y)
    before = clf.predict_proba(DIGITS_X / 16)
    clf.set_params(learning_rate=10, activation="identity", warm_start=True)
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(DIGITS_X * 1e3, DIGITS_Y)
    assert all(np.isfinite(a).all() for a in clf.coefs_ + clf.intercepts_)
    np.testing.assert_array_equal(clf.predict_proba(DIGITS_X / 16), before)


def _interrupt_lbfgs_after(monkeypatch, n_iterations):
    """Press Ctrl-C in L-BFGS right after its n-th iteration."""
    original = scipy.optimize.minimize

    def minimize(*args, callback, **kwargs):
        done = []

        def iteration_ends(intermediate_result):
            callback(intermediate_result)
            done.append(1)
            if len(done) == n_iterations:
                raise KeyboardInterrupt

        return original(*args, callback=iteration_ends, **kwargs)

    monkeypatch.setattr(scipy.optimize, "minimize", minimize)


def test_keyboard_interrupt_in_lbfgs_keeps_the_last_iteration(monkeypatch):
    X = IRIS_X / IRIS_X.max(axis=0)
    reference = DeepNetClassifier((8,), solver="lbfgs", max_iter=4, random_state=0)
    reference.fit(X, IRIS_Y)
    clf = DeepNetClassifier((8,), solver="lbfgs", max_iter=50, random_state=0)
    _interrupt_lbfgs_after(monkeypatch, 4)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, IRIS_Y)
    assert clf.n_iter_ == 4
    np.testing.assert_allclose(clf.loss_curve_, reference.loss_curve_)
    for a, a_reference in zip(
        clf.coefs_ + clf.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        np.testing.assert_allclose(a, a_reference)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_training_emits_no_runtime_warning_on_extreme_but_finite_data():
    X = DIGITS_X * 1e6
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        for solver in ["sgd", "adam", "lbfgs"]:
            DeepNetClassifier((8,), solver=solver, max_iter=3, random_state=0).fit(
                X, DIGITS_Y
            )


def test_warm_started_lbfgs_reports_its_own_iterations(monkeypatch):
    X = IRIS_X / IRIS_X.max(axis=0)
    clf = DeepNetClassifier((8,), solver="lbfgs", max_iter=20, random_state=0)
    clf.fit(X, IRIS_Y)
    first_fit = len(clf.loss_curve_)
    # a larger penalty: every cost of the second fit is above the first fit's best
    clf.set_params(warm_start=True, max_iter=5, alpha=1.0).fit(X, IRIS_Y)
    assert clf.best_loss_ == min(clf.loss_curve_[first_fit:] + [clf.loss_])
    assert clf.best_loss_ > min(clf.loss_curve_[:first_fit])

    before = len(clf.loss_curve_)
    _interrupt_lbfgs_after(monkeypatch, 2)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, IRIS_Y)
    assert clf.n_iter_ == 2
    assert clf.best_loss_ == min(clf.loss_curve_[before:])
