"""Property-based tests: on any small problem, training is valid or fails clearly.

Hypothesis draws small problems (10-40 samples, 1-5 features, 2-4 classes or
labels, int or str labels, or 1-3 real targets; float32 or float64) and networks
(0-2 hidden layers of 1-6 units, any activations and solvers). The properties
are about validity, not accuracy, so training runs only a few epochs. The runs
are derandomised, so CI sees the same examples every time.
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from skdnn import DeepNetClassifier, DeepNetRegressor, check_gradients
from skdnn._nn.layer import Pass
from skdnn._nn.network import Network, fully_connected

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ACTIVATIONS = ["identity", "logistic", "sigmoid", "tanh", "relu", "leaky_relu"]
RELU_FAMILY = {"relu", "leaky_relu"}
SOLVERS = ["sgd", "adam", "lbfgs"]
# Step sizes at which a few epochs on standardised data cannot blow up.
LEARNING_RATES = {"sgd": [0.01, 0.1], "adam": [0.001, 0.01], "lbfgs": [0.001]}
# The only errors a problem drawn here may give, each a validation error
# whose message names the problem: a target with one class, a multilabel
# column without a 1, or too little data for the early-stopping split.
CLEAR_ERRORS = [
    r"needs samples of at least 2 classes .* contains only one class",
    r"Column\(s\) \[[\d, ]+\] of the multilabel y are never 1",
    r"early_stopping=True cannot set aside validation_fraction",
    r"validation_fraction=[\d.e-]+ of \d+ samples sets (aside \d|all of them)",
    r"Early stopping needs at least 2 of the \d samples",
]


@st.composite
def networks(draw, solver=None):
    """Parameters of a small DeepNetClassifier."""
    sizes = tuple(draw(st.lists(st.integers(1, 6), min_size=0, max_size=2)))
    if draw(st.booleans()):
        activation = draw(st.sampled_from(ACTIVATIONS))
    else:
        activation = draw(
            st.lists(
                st.sampled_from(ACTIVATIONS), min_size=len(sizes), max_size=len(sizes)
            )
        )
    solver = solver or draw(st.sampled_from(SOLVERS))
    return dict(
        hidden_layer_sizes=sizes,
        activation=activation,
        solver=solver,
        learning_rate=draw(st.sampled_from(LEARNING_RATES[solver])),
        alpha=draw(st.sampled_from([0.0, 1e-4, 0.1])),
        init=draw(st.sampled_from(["auto", "he", "glorot"])),
        batch_size=draw(st.sampled_from(["auto", None, 1, 7])),
        random_state=draw(st.integers(0, 2**16)),
    )


@st.composite
def problems(draw, valid=False):
    """(X, y, kind): standardised X, and y as drawn (so possibly degenerate).

    With ``valid=True``, every class occurs in y and every label column of a
    multilabel y holds a 1.
    """
    n_samples = draw(st.integers(10, 40))
    n_features = draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["labels", "multilabel"]))
    n_classes = draw(st.integers(2, 4))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(size=(n_samples, n_features))
    # Non-degenerate and standardised: every column has mean 0 and variance 1.
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(dtype)

    if kind == "multilabel":
        # Each label is positive with its own rate; 0 makes a column that is
        # never 1 (which fit rejects), 1 one that is always 1 (which it accepts).
        rates = draw(
            st.lists(
                st.sampled_from([0.0, 0.2, 0.5, 1.0]),
                min_size=n_classes,
                max_size=n_classes,
            )
        )
        Y = (rng.random((n_samples, n_classes)) < rates).astype(int)
        if valid:
            Y[np.arange(n_classes), np.arange(n_classes)] = 1
        return X, Y, kind
    codes = np.array(
        draw(
            st.lists(
                st.integers(0, n_classes - 1), min_size=n_samples, max_size=n_samples
            )
        )
    )
    if valid:
        codes[:n_classes] = np.arange(n_classes)
    if draw(st.booleans()):
        return X, np.array(["ant", "bee", "cat", "dog"])[codes], kind
    return X, codes * 10 - 7, kind  # ints that are not 0..k-1


@st.composite
def regression_problems(draw):
    """(X, y): standardised X and real targets, 1-D or with 1-3 columns.

    check_gradients works in float64 whatever X's dtype.
    """
    n_samples = draw(st.integers(10, 40))
    n_features = draw(st.integers(1, 5))
    n_outputs = draw(st.sampled_from([None, 1, 2, 3]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(size=(n_samples, n_features))
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(dtype)
    y = rng.normal(size=(n_samples, n_outputs or 1))
    return X, y[:, 0] if n_outputs is None else y


def _is_learnable(y, kind):
    if kind == "multilabel":
        return bool(y.any(axis=0).all())
    return len(np.unique(y)) >= 2


def _fit(clf, X, y):
    """Fit, failing on any warning but the expected ones about training length."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=".*maximum iterations")
        warnings.filterwarnings("ignore", message="lbfgs failed to converge")
        warnings.filterwarnings("ignore", message="batch_size=.* is larger than")
        warnings.filterwarnings("ignore", message=".*cannot be stratified by class")
        return clf.fit(X, y)


def _assert_valid_predictions(clf, X, y, kind):
    proba = clf.predict_proba(X)
    n_outputs = y.shape[1] if kind == "multilabel" else len(np.unique(y))
    assert proba.shape == (X.shape[0], n_outputs)
    assert proba.dtype == X.dtype
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    log_proba = clf.predict_log_proba(X)
    assert np.isfinite(log_proba).all() and (log_proba <= 0).all()

    predicted = clf.predict(X)
    if kind == "multilabel":
        assert predicted.shape == y.shape
        assert set(np.unique(predicted)) <= {0, 1}
        np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
        return
    tolerance = 1e-6 if X.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=tolerance)
    np.testing.assert_array_equal(clf.classes_, np.unique(y))
    assert predicted.shape == (X.shape[0],)
    assert np.isin(predicted, clf.classes_).all()
    # The predicted class has the largest probability (up to rounding).
    chosen = proba[np.arange(len(X)), np.searchsorted(clf.classes_, predicted)]
    assert (chosen >= proba.max(axis=1) - 4 * np.finfo(X.dtype).eps).all()


@SETTINGS
@given(problem=problems(), params=networks(), early_stopping=st.booleans())
def test_fit_succeeds_with_valid_outputs_or_fails_clearly(
    problem, params, early_stopping
):
    X, y, kind = problem
    if params["solver"] == "lbfgs":
        early_stopping = False
    clf = DeepNetClassifier(**params, max_iter=5, early_stopping=early_stopping)
    try:
        _fit(clf, X, y)
    except ValueError as exc:
        message = str(exc)
        assert any(re.search(pattern, message) for pattern in CLEAR_ERRORS), message
        if not early_stopping:
            assert not _is_learnable(y, kind), message
        event(f"{kind}: clear validation error")
        assert not hasattr(clf, "classes_")  # the failed fit left nothing behind
        return
    assert _is_learnable(y, kind)
    event(f"{kind}: fitted")
    _assert_valid_predictions(clf, X, y, kind)


@SETTINGS
@given(problem=problems(valid=True), params=networks())
def test_same_seed_gives_the_same_model(problem, params):
    X, y, _ = problem
    first = _fit(DeepNetClassifier(**params, max_iter=3), X, y)
    second = _fit(DeepNetClassifier(**params, max_iter=3), X, y)
    _assert_same_parameters(first, second)
    assert first.loss_curve_ == second.loss_curve_
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    # and so does a clone, which is how model selection refits
    third = _fit(clone(first), X, y)
    _assert_same_parameters(first, third)


def _assert_same_parameters(first, second):
    for name in ("coefs_", "intercepts_"):
        for a, b in zip(getattr(first, name), getattr(second, name), strict=True):
            np.testing.assert_array_equal(a, b)


EPS = 1e-6


def _distance_to_a_kink(network, theta, X):
    """Smallest |Z[l]| over the ReLU-family hidden layers of a network at theta."""
    cache = network.allocate_cache(X.shape[0], np.float64)
    network.forward(X, network.bind(theta), cache, Pass(training=True))
    Z, _ = network.course_arrays(cache)
    distances = [
        np.abs(Z[l]).min()
        for l, g in enumerate(network.hidden_activations, 1)
        if g in RELU_FAMILY
    ]
    return min(distances, default=np.inf)


def _check_gradients_and_point(estimator, X, y):
    """check_gradients(estimator, X, y) and the (network, theta, X) it checked at."""
    seen = []
    original = Network.cost_and_gradient

    def spy(network, theta, X, *args, **kwargs):
        seen.append((network, theta.copy(), X.copy()))
        return original(network, theta, X, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Network, "cost_and_gradient", spy)
        difference = check_gradients(estimator, X, y, eps=EPS)
    (point,) = seen
    return difference, point


def test_distance_to_a_kink_reads_the_pre_activations():
    # ReLU outputs are exactly 0 for every negative Z[l]; measured on them, every
    # ReLU network would look as if it sat on a kink and never be checked.
    rng = np.random.default_rng(0)
    network = fully_connected((4, 8, 6, 3), ("relu", "tanh"), "softmax")
    theta = rng.normal(scale=0.5, size=network.n_params)
    X = rng.normal(size=(30, 4))
    assert 0 < _distance_to_a_kink(network, theta, X) < 1
    # Only the ReLU-family layers count: none, no kink.
    smooth = fully_connected((4, 8, 6, 3), ("tanh", "identity"), "softmax")
    assert _distance_to_a_kink(smooth, theta, X) == np.inf


def test_the_checked_point_is_the_estimators():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), np.arange(30) % 3
    clf = DeepNetClassifier((8,), activation="relu", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    difference, (network, theta, X_checked) = _check_gradients_and_point(clf, X, y)
    assert difference == check_gradients(clf, X, y, eps=EPS)
    assert network.layer_units == (4, 8, 3)
    assert network.hidden_activations == ("relu",)
    W, b = network.unpack(theta)
    for mine, theirs in zip(W[1:] + b[1:], clf.coefs_ + clf.intercepts_, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(X_checked, X)


def _assume_away_from_kinks(difference_and_point):
    # relu and leaky_relu have a kink at 0, where the centred difference
    # straddles two slopes and legitimately disagrees with backprop. A step of
    # EPS moves a pre-activation by a few EPS at most (|X| and the weights are
    # O(1)), so the property is stated for points at least 100 EPS away.
    difference, point = difference_and_point
    near_kink = _distance_to_a_kink(*point) <= 100 * EPS
    event(f"near a kink: {near_kink}")
    assume(not near_kink)
    return difference


@SETTINGS
@given(problem=problems(valid=True), params=networks())
def test_backprop_matches_finite_differences(problem, params):
    X, y, _ = problem
    X = X.astype(np.float64)
    clf = DeepNetClassifier(**params)
    difference = _assume_away_from_kinks(_check_gradients_and_point(clf, X, y))
    assert difference < 1e-6


@SETTINGS
@given(problem=regression_problems(), params=networks())
def test_regressor_backprop_matches_finite_differences(problem, params):
    X, y = problem
    reg = DeepNetRegressor(**params)
    difference = _assume_away_from_kinks(_check_gradients_and_point(reg, X, y))
    assert difference < 1e-6


@pytest.mark.parametrize("kind", ["labels", "multilabel"])
def test_the_problems_cover_both_outcomes(kind):
    """The strategy draws learnable and unlearnable targets of each kind."""
    seen = set()

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(problem=problems())
    def collect(problem):
        X, y, drawn_kind = problem
        if drawn_kind == kind:
            seen.add(_is_learnable(y, kind))

    collect()
    assert seen == {True, False}
