"""Behaviour of DeepNetClassifier, mirroring what MLPClassifier guarantees."""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import SOLVER_KWARGS, SOLVERS, STOCHASTIC, assert_same_weights
from scipy.special import softmax
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import recall_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, layer_grid


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


IRIS_X, IRIS_Y = _iris()
DIGITS_X, DIGITS_Y = _digits()


def _binary():
    X, y = make_classification(
        n_samples=80, n_features=5, n_informative=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _multilabel():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] > 0.5])
    return X, Y.astype(int)


def _fit_quietly(clf, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(*args, **kwargs)


def _assert_close_weights(a, b, **tolerances):
    for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_allclose(W_a, W_b, **tolerances)
    for b_a, b_b in zip(a.intercepts_, b.intercepts_, strict=True):
        np.testing.assert_allclose(b_a, b_b, **tolerances)


def _weights_differ(a, b):
    return any(
        not np.allclose(W_a, W_b) for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True)
    )


# ----------------------------------------------------------------------
# Learning
# ----------------------------------------------------------------------
@pytest.mark.parametrize("dataset", ["iris", "digits"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_learns_iris_and_digits(solver, dataset):
    X, y = (IRIS_X, IRIS_Y) if dataset == "iris" else (DIGITS_X, DIGITS_Y)
    clf = DeepNetClassifier(
        (32,), max_iter=100, random_state=0, **SOLVER_KWARGS[solver]
    )
    _fit_quietly(clf, X, y)
    assert clf.score(X, y) >= 0.95


# ----------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------
def test_binary_outputs():
    X, y = _binary()
    clf = _fit_quietly(DeepNetClassifier((6, 4), max_iter=20, random_state=0), X, y)
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 1
    assert clf.n_layers_ == 4
    assert [W.shape for W in clf.coefs_] == [(5, 6), (6, 4), (4, 1)]
    assert [b.shape for b in clf.intercepts_] == [(6,), (4,), (1,)]
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    proba = clf.predict_proba(X)
    assert proba.shape == (80, 2)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_multiclass_outputs():
    clf = DeepNetClassifier((6,), max_iter=20, random_state=0)
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    assert clf.out_activation_ == "softmax"
    assert clf.n_outputs_ == 3
    assert clf.n_layers_ == 3
    assert [W.shape for W in clf.coefs_] == [(4, 6), (6, 3)]
    proba = clf.predict_proba(IRIS_X)
    assert proba.shape == (150, 3)
    np.testing.assert_array_equal(
        clf.predict(IRIS_X), clf.classes_[proba.argmax(axis=1)]
    )


def test_multilabel_outputs():
    X, Y = _multilabel()
    clf = DeepNetClassifier((16,), solver="lbfgs", max_iter=300, random_state=0)
    _fit_quietly(clf, X, Y)
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 3
    assert clf.coefs_[-1].shape == (16, 3)
    prediction = clf.predict(X)
    assert prediction.shape == Y.shape
    assert set(np.unique(prediction)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert np.all((proba >= 0) & (proba <= 1))
    assert not np.allclose(proba.sum(axis=1), 1.0)  # independent labels
    np.testing.assert_array_equal(prediction, (proba > 0.5).astype(int))
    assert clf.score(X, Y) > 0.9  # subset accuracy


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_probabilities_are_consistent(kind):
    X, y = _binary() if kind == "binary" else (IRIS_X, IRIS_Y)
    clf = _fit_quietly(DeepNetClassifier((8,), max_iter=30, random_state=0), X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all((proba >= 0) & (proba <= 1))
    log_proba = clf.predict_log_proba(X)
    assert np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(log_proba, np.log(proba), rtol=1e-10, atol=1e-12)
    assert set(clf.predict(X)) <= set(clf.classes_)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_log_proba_stays_finite_where_proba_underflows(kind):
    X, y = _binary() if kind == "binary" else (IRIS_X, IRIS_Y)
    clf = _fit_quietly(DeepNetClassifier((), max_iter=30, random_state=0), X, y)
    X_far = 1e4 * X  # logits of order 1e4: exp underflows
    log_proba = clf.predict_log_proba(X_far)
    assert np.all(np.isfinite(log_proba))
    assert log_proba.min() < -1000  # really in the underflow regime
    proba = clf.predict_proba(X_far)
    assert np.all(np.isfinite(np.log(proba)))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("labels", [["no", "yes"], ["cat", "dog", "emu"]])
def test_string_labels(labels):
    X, y = _binary() if len(labels) == 2 else (IRIS_X, IRIS_Y)
    y_str = np.array(labels, dtype=object)[y]
    clf = DeepNetClassifier((8,), max_iter=100, learning_rate=0.01, random_state=0)
    _fit_quietly(clf, X, y_str)
    np.testing.assert_array_equal(clf.classes_, labels)
    prediction = clf.predict(X)
    assert set(prediction) <= set(labels)
    assert clf.score(X, y_str) > 0.8
    # same network as the integer-labelled one
    clf_int = DeepNetClassifier((8,), max_iter=100, learning_rate=0.01, random_state=0)
    _fit_quietly(clf_int, X, y)
    np.testing.assert_array_equal(prediction, np.asarray(labels)[clf_int.predict(X)])


def test_predict_before_fit_raises():
    clf = DeepNetClassifier()
    for method in (clf.predict, clf.predict_proba, clf.predict_log_proba):
        with pytest.raises(NotFittedError):
            method(IRIS_X)


def test_wrong_number_of_features_raises():
    clf = _fit_quietly(DeepNetClassifier((4,), max_iter=5), IRIS_X, IRIS_Y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(IRIS_X[:, :3])


# ----------------------------------------------------------------------
# partial_fit
# ----------------------------------------------------------------------


def test_partial_fit_requires_classes_on_first_call():
    clf = DeepNetClassifier((4,), random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(IRIS_X, IRIS_Y)
    assert not hasattr(clf, "classes_")
    clf.partial_fit(IRIS_X[:50], IRIS_Y[:50], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_outputs_ == 3
    clf.partial_fit(IRIS_X[50:], IRIS_Y[50:])  # classes may be omitted now


def test_partial_fit_multilabel_needs_no_classes():
    X, Y = _multilabel()
    clf = DeepNetClassifier((4,), random_state=0).partial_fit(X, Y)
    assert clf.n_outputs_ == 3


def test_partial_fit_rejects_labels_outside_classes():
    clf = DeepNetClassifier((4,), random_state=0)
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(IRIS_X, IRIS_Y, classes=[0, 1])
    clf.partial_fit(IRIS_X[:100], IRIS_Y[:100], classes=[0, 1])
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(IRIS_X, IRIS_Y)
    with pytest.raises(ValueError, match="not the same as"):
        clf.partial_fit(IRIS_X[:100], IRIS_Y[:100], classes=[0, 1, 2])


# ----------------------------------------------------------------------
# warm_start
# ----------------------------------------------------------------------


def test_warm_start_at_its_weights_with_lbfgs():
    # One L-BFGS iteration from the previous weights cannot be worse than them.
    clf = DeepNetClassifier((8,), solver="lbfgs", max_iter=30, warm_start=True)
    clf.set_params(random_state=0)
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    loss = clf.loss_
    clf.set_params(max_iter=1)
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    assert clf.loss_ <= loss + 1e-12


def test_warm_start_rejects_new_architecture():
    clf = _fit_quietly(
        DeepNetClassifier((8,), warm_start=True, max_iter=5, random_state=0),
        IRIS_X,
        IRIS_Y,
    )
    proba = clf.predict_proba(IRIS_X)
    clf.set_params(hidden_layer_sizes=(8, 4))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        clf.fit(IRIS_X, IRIS_Y)
    np.testing.assert_array_equal(clf.predict_proba(IRIS_X), proba)
    assert clf.n_layers_ == 3


def test_warm_start_rejects_other_classes():
    clf = _fit_quietly(
        DeepNetClassifier((4,), warm_start=True, max_iter=5, random_state=0),
        IRIS_X,
        IRIS_Y,
    )
    with pytest.raises(ValueError, match="warm_start"):
        clf.fit(IRIS_X[:100], IRIS_Y[:100])


# ----------------------------------------------------------------------
# n_iter_no_change and tol
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("n_iter_no_change", [1, 3, 6])
def test_huge_tol_stops_after_n_iter_no_change(solver, n_iter_no_change, capsys):
    # Epoch 1 always improves on best_loss_=inf; then n_iter_no_change + 1
    # epochs without improvement stop training, as in MLPClassifier.
    params = dict(
        hidden_layer_sizes=(5,),
        solver=solver,
        tol=1e6,
        n_iter_no_change=n_iter_no_change,
        max_iter=100,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = DeepNetClassifier(verbose=True, **params).fit(IRIS_X, IRIS_Y)
        lines = capsys.readouterr().out.splitlines()
        mlp = MLPClassifier(**params).fit(IRIS_X, IRIS_Y)
    assert clf.n_iter_ == n_iter_no_change + 2
    assert clf.n_iter_ == mlp.n_iter_
    # The no-improvement rule stopped training, after the last epoch only.
    assert [i for i, line in enumerate(lines) if "did not improve" in line] == [
        len(lines) - 1
    ]
    assert lines[-1].endswith("Stopping.")
    assert lines[-2].startswith(f"Iteration {clf.n_iter_}, loss")


@pytest.mark.parametrize("early_stopping", [False, True])
def test_infinite_n_iter_no_change_runs_max_iter(early_stopping):
    clf = DeepNetClassifier(
        (5,),
        tol=0.0,
        n_iter_no_change=np.inf,
        max_iter=25,
        early_stopping=early_stopping,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        clf.fit(IRIS_X, IRIS_Y)
    assert clf.n_iter_ == 25
    assert len(clf.loss_curve_) == 25


# ----------------------------------------------------------------------
# Learning-rate schedules
# ----------------------------------------------------------------------
SGD = dict(hidden_layer_sizes=(6,), solver="sgd", learning_rate=0.1, random_state=0)


# Plain full-batch gradient descent: one step θ = θ - α dθ per epoch, with no
# optimiser state, so a run can be replayed one epoch at a time with warm_start.
PLAIN_GD = dict(SGD, momentum=0.0, batch_size=None, shuffle=False)


def _replay_epochs(learning_rates):
    """A warm-started network trained one epoch at each step size in turn."""
    clf = DeepNetClassifier(warm_start=True, max_iter=1, **PLAIN_GD)
    for learning_rate in learning_rates:
        _fit_quietly(clf.set_params(learning_rate=learning_rate), IRIS_X, IRIS_Y)
    return clf


def _learning_rates_set(out):
    """{epoch: new step size} from the "Setting learning rate to" lines of verbose."""
    rates, epoch = {}, 0
    for line in out.splitlines():
        if line.startswith("Iteration "):
            epoch = int(line.split()[1].rstrip(","))
        elif "Setting learning rate to " in line:
            rates[epoch] = float(line.rsplit(" ", 1)[1])
    return rates


def test_invscaling_steps_with_alpha_over_root_t():
    # Epoch k steps with α0 / (t + 1)**power_t, t the samples seen before it.
    scaled = DeepNetClassifier(
        max_iter=3, learning_rate_schedule="invscaling", power_t=0.5, **PLAIN_GD
    )
    _fit_quietly(scaled, IRIS_X, IRIS_Y)
    replayed = _replay_epochs([0.1 / (t + 1) ** 0.5 for t in (0, 150, 300)])
    _assert_close_weights(scaled, replayed, rtol=1e-12, atol=1e-15)
    constant = _fit_quietly(DeepNetClassifier(max_iter=3, **PLAIN_GD), IRIS_X, IRIS_Y)
    assert _weights_differ(constant, scaled)


def test_invscaling_with_power_t_zero_is_constant():
    constant = _fit_quietly(DeepNetClassifier(max_iter=5, **SGD), IRIS_X, IRIS_Y)
    scaled = DeepNetClassifier(
        max_iter=5, learning_rate_schedule="invscaling", power_t=0.0, **SGD
    )
    _fit_quietly(scaled, IRIS_X, IRIS_Y)
    assert_same_weights(constant, scaled)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_adaptive_divides_learning_rate_by_five_on_plateau(solver, capsys):
    params = dict(
        SGD,
        solver=solver,
        learning_rate_schedule="adaptive",
        tol=1e6,
        n_iter_no_change=2,
    )
    clf = DeepNetClassifier(max_iter=7, verbose=True, **params)
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    assert clf.n_iter_ == 7
    # plateau after epoch n_iter_no_change + 2 = 4, then every 3 epochs
    rates = _learning_rates_set(capsys.readouterr().out)
    assert rates == {4: pytest.approx(0.02), 7: pytest.approx(0.004)}
    constant = DeepNetClassifier(max_iter=5, **dict(params, solver="sgd"))
    constant.set_params(learning_rate_schedule="constant")
    _fit_quietly(constant, IRIS_X, IRIS_Y)
    assert constant.n_iter_ == 4  # a plateau stops the constant schedule


def test_adaptive_steps_with_the_divided_learning_rate():
    params = dict(PLAIN_GD, learning_rate_schedule="adaptive", n_iter_no_change=2)
    adaptive = DeepNetClassifier(max_iter=6, tol=1e6, **params)
    _fit_quietly(adaptive, IRIS_X, IRIS_Y)
    # epochs 1-4 at α0 = 0.1, then the plateau after epoch 4 gives 0.02
    _assert_close_weights(
        adaptive, _replay_epochs([0.1] * 4 + [0.02] * 2), rtol=1e-12, atol=1e-15
    )


def test_adaptive_stops_once_learning_rate_is_tiny(capsys):
    clf = DeepNetClassifier(
        max_iter=200,
        learning_rate_schedule="adaptive",
        tol=1e6,
        n_iter_no_change=1,
        verbose=True,
        **SGD,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(IRIS_X, IRIS_Y)
    out = capsys.readouterr().out
    # Plateaus after epochs 3, 5, ..., 17 divide α by 5; 0.1 / 5**8 is the first
    # step size <= 1e-6, and the plateau after it (epoch 19) stops training.
    rates = _learning_rates_set(out)
    assert list(rates) == list(range(3, 18, 2))
    assert list(rates.values()) == pytest.approx([0.1 / 5**k for k in range(1, 9)])
    assert out.splitlines()[-1].endswith("Stopping.")
    assert clf.n_iter_ == 3 + 8 * 2


def test_learning_rate_as_string_points_to_schedule():
    clf = DeepNetClassifier(learning_rate="adaptive")
    with pytest.raises(ValueError, match="learning_rate_schedule"):
        clf.fit(IRIS_X, IRIS_Y)


def test_set_params_learning_rate_init_names_learning_rate():
    clf = DeepNetClassifier()
    with pytest.raises(ValueError, match="'learning_rate'") as excinfo:
        clf.set_params(learning_rate_init=0.1)
    # not just scikit-learn's generic "Invalid parameter" listing every name
    assert "MLPClassifier" in str(excinfo.value)
    assert clf.learning_rate == 0.001


# ----------------------------------------------------------------------
# Sample and class weights
# ----------------------------------------------------------------------
LBFGS = dict(solver="lbfgs", alpha=0.1, random_state=0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_class_weight_equals_sample_weight(solver):
    params = dict(
        hidden_layer_sizes=(4,), max_iter=10, random_state=0, **SOLVER_KWARGS[solver]
    )
    by_class = _fit_quietly(
        DeepNetClassifier(class_weight={1: 4.0}, **params), IRIS_X, IRIS_Y
    )
    by_sample = _fit_quietly(
        DeepNetClassifier(**params),
        IRIS_X,
        IRIS_Y,
        sample_weight=np.where(IRIS_Y == 1, 4.0, 1.0),
    )
    _assert_close_weights(by_class, by_sample, rtol=1e-10, atol=1e-12)


def test_class_weight_multiplies_sample_weight():
    params = dict(LBFGS, hidden_layer_sizes=(4,), max_iter=10)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=len(IRIS_Y))
    both = _fit_quietly(
        DeepNetClassifier(class_weight={0: 0.5, 2: 3.0}, **params),
        IRIS_X,
        IRIS_Y,
        sample_weight=sw,
    )
    product = _fit_quietly(
        DeepNetClassifier(**params),
        IRIS_X,
        IRIS_Y,
        sample_weight=sw * np.array([0.5, 1.0, 3.0])[IRIS_Y],
    )
    _assert_close_weights(both, product, rtol=1e-10, atol=1e-12)


def test_balanced_class_weight_helps_the_minority_class():
    X, y = make_classification(
        n_samples=400,
        n_features=4,
        n_informative=2,
        n_redundant=0,
        weights=[0.9, 0.1],
        class_sep=0.5,
        flip_y=0,
        random_state=0,
    )
    params = dict(hidden_layer_sizes=(), solver="lbfgs", random_state=0)
    plain = DeepNetClassifier(**params).fit(X, y)
    balanced = DeepNetClassifier(class_weight="balanced", **params).fit(X, y)
    assert (
        recall_score(y, balanced.predict(X)) > recall_score(y, plain.predict(X)) + 0.2
    )
    assert (balanced.predict(X) == 1).sum() > (plain.predict(X) == 1).sum()


def test_invalid_class_weights_raise():
    with pytest.raises(ValueError, match="sum to zero"):
        DeepNetClassifier((3,), class_weight={0: 0, 1: 0, 2: 0}).fit(IRIS_X, IRIS_Y)
    with pytest.raises(ValueError, match="not in classes_"):
        DeepNetClassifier((3,), class_weight={7: 2.0}).fit(IRIS_X, IRIS_Y)
    X, Y = _multilabel()
    with pytest.raises(ValueError, match="multilabel"):
        DeepNetClassifier((3,), class_weight={0: 2.0}).fit(X, Y)


# ----------------------------------------------------------------------
# dtypes
# ----------------------------------------------------------------------
def test_float64_input_stays_float64():
    clf = _fit_quietly(DeepNetClassifier((6,), max_iter=5), IRIS_X, IRIS_Y)
    assert all(W.dtype == np.float64 for W in clf.coefs_)
    assert clf.predict_proba(IRIS_X).dtype == np.float64


def test_integer_input_trains_in_float64():
    X, y = load_digits(return_X_y=True)  # pixel intensities 0..16
    X_int = X.astype(np.int64)
    clf = _fit_quietly(DeepNetClassifier((8,), max_iter=10, random_state=0), X_int, y)
    assert all(W.dtype == np.float64 for W in clf.coefs_)
    assert clf.predict_proba(X_int).dtype == np.float64
    float_clf = _fit_quietly(
        DeepNetClassifier((8,), max_iter=10, random_state=0), X_int.astype(float), y
    )
    assert_same_weights(clf, float_clf)


# ----------------------------------------------------------------------
# Persistence and cloning
# ----------------------------------------------------------------------
def test_coefs_setter_writes_through():
    clf = _fit_quietly(DeepNetClassifier((4,), max_iter=5), IRIS_X, IRIS_Y)
    clf.coefs_ = [np.zeros_like(W) for W in clf.coefs_]
    clf.intercepts_ = [np.zeros_like(b) for b in clf.intercepts_]
    np.testing.assert_allclose(clf.predict_proba(IRIS_X), 1 / 3)
    with pytest.raises(ValueError, match="shapes"):
        clf.coefs_ = [np.zeros((2, 2))]


# ----------------------------------------------------------------------
# Convergence warnings
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_convergence_warning_when_max_iter_is_hit(solver):
    clf = DeepNetClassifier((6,), max_iter=2, random_state=0, **SOLVER_KWARGS[solver])
    with pytest.warns(ConvergenceWarning):
        clf.fit(IRIS_X, IRIS_Y)
    assert clf.n_iter_ == 2


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_convergence_warning_when_converged(solver):
    clf = DeepNetClassifier(
        (6,), max_iter=2000, tol=1e-2, random_state=0, **SOLVER_KWARGS[solver]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(IRIS_X, IRIS_Y)
    assert clf.n_iter_ < 2000


# ----------------------------------------------------------------------
# Input formats
# ----------------------------------------------------------------------


def test_pandas_feature_names():
    columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    df = pd.DataFrame(IRIS_X, columns=columns)
    clf = _fit_quietly(DeepNetClassifier((4,), max_iter=10, random_state=0), df, IRIS_Y)
    np.testing.assert_array_equal(clf.feature_names_in_, columns)
    plain = DeepNetClassifier((4,), max_iter=10, random_state=0)
    _fit_quietly(plain, IRIS_X, IRIS_Y)
    np.testing.assert_array_equal(clf.predict_proba(df), plain.predict_proba(IRIS_X))

    # Other column names: like every scikit-learn estimator, an error.
    renamed = pd.DataFrame(IRIS_X, columns=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(renamed)
    # No column names: a warning.
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(IRIS_X)


def test_ndarray_fit_has_no_feature_names():
    clf = _fit_quietly(DeepNetClassifier((4,), max_iter=5), IRIS_X, IRIS_Y)
    assert not hasattr(clf, "feature_names_in_")
    assert clf.n_features_in_ == 4


def test_column_vector_y_warns_and_works():
    with pytest.warns(Warning, match="column-vector|1d array|ravel"):
        clf = _fit_quietly(
            DeepNetClassifier((4,), max_iter=5), IRIS_X, IRIS_Y.reshape(-1, 1)
        )
    assert clf.n_outputs_ == 3


def test_list_input():
    clf = _fit_quietly(
        DeepNetClassifier((4,), max_iter=10, random_state=0),
        IRIS_X.tolist(),
        IRIS_Y.tolist(),
    )
    assert clf.predict(IRIS_X.tolist()).shape == (150,)


# ----------------------------------------------------------------------
# Architecture options
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_full_batch_training(solver):
    lr = {"adam": 0.05, "sgd": 0.5}[solver]
    clf = DeepNetClassifier(
        (16,),
        solver=solver,
        batch_size=None,
        learning_rate=lr,
        max_iter=150,
        random_state=0,
    )
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    assert clf.score(IRIS_X, IRIS_Y) >= 0.95


@pytest.mark.parametrize("init", ["auto", "he", "glorot", "small"])
def test_init_options_train(init):
    clf = DeepNetClassifier(
        (16,), init=init, learning_rate=0.01, max_iter=100, random_state=0
    )
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    assert clf.score(IRIS_X, IRIS_Y) >= 0.95


def test_init_options_give_their_scales():
    # Fresh weights (max_iter=1 with a tiny step barely moves them).
    X = np.random.default_rng(0).normal(size=(200, 100))
    y = np.arange(200) % 2
    stds = {}
    for init in ["he", "glorot", "small"]:
        clf = DeepNetClassifier(
            (100,),
            init=init,
            solver="sgd",
            learning_rate=1e-12,
            max_iter=1,
            random_state=0,
        )
        _fit_quietly(clf, X, y)
        stds[init] = clf.coefs_[0].std()
    assert stds["he"] == pytest.approx(np.sqrt(2 / 100), rel=0.05)
    assert stds["glorot"] == pytest.approx(np.sqrt(2 / 200), rel=0.05)
    assert stds["small"] == pytest.approx(0.01, rel=0.05)


def test_per_layer_activation_list():
    clf = DeepNetClassifier(
        (16, 8),
        activation=["tanh", "relu"],
        learning_rate=0.01,
        max_iter=100,
        random_state=0,
    )
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    assert clf.score(IRIS_X, IRIS_Y) >= 0.95
    # The first hidden layer is tanh, the second relu, then the softmax.
    W, b = clf.coefs_, clf.intercepts_
    A_1 = np.tanh(IRIS_X @ W[0] + b[0])
    A_2 = np.maximum(A_1 @ W[1] + b[1], 0.0)
    expected = softmax(A_2 @ W[2] + b[2], axis=1)
    np.testing.assert_allclose(clf.predict_proba(IRIS_X), expected, rtol=1e-10)


def test_sigmoid_is_logistic():
    params = dict(hidden_layer_sizes=(5,), max_iter=10, random_state=0)
    sigmoid = _fit_quietly(
        DeepNetClassifier(activation="sigmoid", **params), IRIS_X, IRIS_Y
    )
    logistic = _fit_quietly(
        DeepNetClassifier(activation="logistic", **params), IRIS_X, IRIS_Y
    )
    assert_same_weights(sigmoid, logistic)


@pytest.mark.parametrize("sizes", [7, np.int64(7), [7], (7,), np.array([7])])
def test_hidden_layer_sizes_as_int_or_sequence(sizes):
    clf = _fit_quietly(
        DeepNetClassifier(sizes, max_iter=5, random_state=0), IRIS_X, IRIS_Y
    )
    assert [W.shape for W in clf.coefs_] == [(4, 7), (7, 3)]
    assert clf.n_layers_ == 3


def test_no_hidden_layer_is_softmax_regression():
    clf = _fit_quietly(
        DeepNetClassifier((), solver="lbfgs", max_iter=200, random_state=0),
        IRIS_X,
        IRIS_Y,
    )
    assert [W.shape for W in clf.coefs_] == [(4, 3)]
    assert clf.n_layers_ == 2
    assert clf.score(IRIS_X, IRIS_Y) >= 0.95


# ----------------------------------------------------------------------
# layer_grid
# ----------------------------------------------------------------------
def test_layer_grid():
    assert layer_grid([1, 2, 3], [32, 64]) == [
        (32,),
        (64,),
        (32, 32),
        (64, 64),
        (32, 32, 32),
        (64, 64, 64),
    ]
    assert layer_grid([0, 1], [8, 16]) == [(), (8,), (16,)]
    assert layer_grid((2,), (5,)) == [(5, 5)]
    assert layer_grid(np.array([1]), np.array([4])) == [(4,)]


@pytest.mark.parametrize(
    "depths, widths",
    [
        ([], [32]),
        ([1], []),
        ([-1], [32]),
        ([1], [0]),
        ([1.5], [32]),
        ([1], [32.0]),
        ([True], [32]),
        (["2"], [32]),
    ],
)
def test_layer_grid_rejects_bad_values(depths, widths):
    with pytest.raises(ValueError, match="depths|widths"):
        layer_grid(depths, widths)


# ----------------------------------------------------------------------
# Solver details MLPClassifier also exposes
# ----------------------------------------------------------------------
def test_lbfgs_counts_samples_and_iterations():
    clf = _fit_quietly(
        DeepNetClassifier((6,), solver="lbfgs", max_iter=15, random_state=0),
        IRIS_X,
        IRIS_Y,
    )
    assert clf.n_iter_ == 15
    assert clf.t_ == 15 * len(IRIS_Y)
    assert len(clf.loss_curve_) == 15
    assert clf.loss_ == pytest.approx(clf.loss_curve_[-1])


def test_lbfgs_max_fun_warns():
    clf = DeepNetClassifier((6,), solver="lbfgs", max_fun=5, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(IRIS_X, IRIS_Y)
    assert clf.n_iter_ <= 5


def test_nesterov_and_momentum_change_the_fit():
    params = dict(SGD, max_iter=5, shuffle=False)
    nesterov = _fit_quietly(DeepNetClassifier(**params), IRIS_X, IRIS_Y)
    classic = _fit_quietly(
        DeepNetClassifier(nesterovs_momentum=False, **params), IRIS_X, IRIS_Y
    )
    plain = _fit_quietly(DeepNetClassifier(momentum=0.0, **params), IRIS_X, IRIS_Y)
    plain_classic = _fit_quietly(
        DeepNetClassifier(momentum=0.0, nesterovs_momentum=False, **params),
        IRIS_X,
        IRIS_Y,
    )
    assert _weights_differ(nesterov, classic)
    assert _weights_differ(nesterov, plain)
    # without momentum, both are plain gradient descent
    _assert_close_weights(plain, plain_classic, rtol=1e-12, atol=1e-14)


def test_class_weight_with_string_labels():
    y = np.array(["setosa", "versicolor", "virginica"], dtype=object)[IRIS_Y]
    params = dict(LBFGS, hidden_layer_sizes=(4,), max_iter=10)
    by_class = _fit_quietly(
        DeepNetClassifier(class_weight={"virginica": 3.0}, **params), IRIS_X, y
    )
    by_sample = _fit_quietly(
        DeepNetClassifier(**params),
        IRIS_X,
        y,
        sample_weight=np.where(IRIS_Y == 2, 3.0, 1.0),
    )
    _assert_close_weights(by_class, by_sample, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------
# Failed fits leave the estimator as it was
# ----------------------------------------------------------------------
def _snapshot(clf):
    return {
        "proba": clf.predict_proba(IRIS_X),
        "weights": [a.copy() for a in clf.coefs_ + clf.intercepts_],
        "n_iter_": clf.n_iter_,
        "t_": clf.t_,
        "loss_curve_": list(clf.loss_curve_),
        "classes_": clf.classes_.copy(),
    }


def _assert_unchanged(clf, before):
    np.testing.assert_array_equal(clf.predict_proba(IRIS_X), before["proba"])
    for a, a_before in zip(
        clf.coefs_ + clf.intercepts_, before["weights"], strict=True
    ):
        np.testing.assert_array_equal(a, a_before)
    assert clf.n_iter_ == before["n_iter_"]
    assert clf.t_ == before["t_"]
    assert clf.loss_curve_ == before["loss_curve_"]
    np.testing.assert_array_equal(clf.classes_, before["classes_"])


@pytest.mark.parametrize(
    "failure, warm_start, match",
    [
        ("unseen_label", True, "warm_start"),
        ("one_class", False, "one class"),
        ("one_class", True, "classes"),
    ],
)
def test_failed_fit_on_other_labels_leaves_classifier_unchanged(
    failure, warm_start, match
):
    clf = DeepNetClassifier(
        (6,),
        warm_start=warm_start,
        max_iter=10,
        solver="sgd",
        learning_rate=0.1,
        random_state=0,
    )
    _fit_quietly(clf, IRIS_X, IRIS_Y)
    before = _snapshot(clf)
    y = IRIS_Y.copy()
    if failure == "unseen_label":
        y[:10] = 7
    else:
        y[:] = 0
    with pytest.raises(ValueError, match=match):
        _fit_quietly(clf, IRIS_X, y)
    _assert_unchanged(clf, before)


def test_failed_partial_fit_on_an_unseen_label_leaves_classifier_unchanged():
    clf = DeepNetClassifier(
        (6,), solver="sgd", learning_rate=0.1, batch_size=10, random_state=0
    )
    for _ in range(3):
        clf.partial_fit(IRIS_X, IRIS_Y, classes=[0, 1, 2])
    before = _snapshot(clf)
    y = IRIS_Y.copy()
    y[0] = 9
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(IRIS_X, y)
    _assert_unchanged(clf, before)
