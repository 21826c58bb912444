"""Numerical parity with scikit-learn's MLPs, from identical weights.

skdnn and MLPClassifier / MLPRegressor lay the parameters out alike:
``coefs_[l-1]`` is W[l]ᵀ, of shape (n[l-1], n[l]), and ``intercepts_[l-1]`` is
b[l]. Copying skdnn's weights into an MLP of the same architecture makes the two
the same function, and one full-batch gradient step the same update: both
minimise J = (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||².

The one convention that differs: for a multi-output regression MLPRegressor
reports the squared error averaged over the outputs, 1/(2m) sum_i ||ŷ_i - y_i||²
/ n_outputs (its gradient is that of the sum, as skdnn's), so its loss_ is
compared with that relation, and its parameters with skdnn's.
"""

import functools
import warnings

import numpy as np
import pytest
from conftest import PLAIN
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from skdnn import DeepNetClassifier, DeepNetRegressor

ACTIVATIONS = ["identity", "logistic", "tanh", "relu"]
KINDS = ["binary", "multiclass", "multilabel", "regression", "regression-2"]
N_SAMPLES = 40


def _data(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, 5))
    score = X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=N_SAMPLES)
    if kind == "binary":
        y = (score > 0).astype(int)
    elif kind == "multiclass":
        y = np.digitize(score, [-0.7, 0.7])
    elif kind == "multilabel":
        y = np.column_stack([score > 0, X[:, 2] > 0, X[:, 3] + X[:, 4] > 0])
        y = y.astype(int)
    elif kind == "regression":
        y = score
    else:
        y = np.column_stack([score, np.sin(X[:, 2]) + X[:, 3] ** 2])
    return X, y


def _quietly(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


def _pair(kind, activation, hidden=(6, 4), **params):
    """An skdnn model and an MLP with the same weights, both fitted one epoch.

    Both run full-batch gradient descent without momentum; ``params`` override.
    """
    X, y = _data(kind)
    regression = kind.startswith("regression")
    ours_class = (
        functools.partial(DeepNetRegressor, scale_target=False)
        if regression
        else DeepNetClassifier
    )
    theirs_class = MLPRegressor if regression else MLPClassifier
    common = dict(
        solver="sgd",
        momentum=0.0,
        alpha=0.3,
        shuffle=False,
        warm_start=True,
        max_iter=1,
        random_state=0,
        activation=activation,
    )
    common.update(params)
    learning_rate = common.pop("learning_rate", 0.05)
    batch_size = common.pop("batch_size", None)
    ours = ours_class(
        hidden, learning_rate=learning_rate, batch_size=batch_size, **common, **PLAIN
    )
    theirs = theirs_class(
        hidden_layer_sizes=hidden,
        learning_rate_init=learning_rate,
        batch_size=N_SAMPLES if batch_size is None else batch_size,
        **common,
    )
    _quietly(ours.fit, X, y)
    _quietly(theirs.fit, X, y)
    assert [W.shape for W in theirs.coefs_] == [W.shape for W in ours.coefs_]
    assert theirs.out_activation_ == ours.out_activation_
    theirs.coefs_ = [W.copy() for W in ours.coefs_]
    theirs.intercepts_ = [b.copy() for b in ours.intercepts_]
    return ours, theirs, X, y


def _outputs(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.predict(X)


def _assert_same_parameters(ours, theirs, rtol, atol):
    assert len(ours.coefs_) == len(theirs.coefs_)
    for W_ours, W_theirs in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(W_ours, W_theirs, rtol=rtol, atol=atol)
    for b_ours, b_theirs in zip(ours.intercepts_, theirs.intercepts_, strict=True):
        np.testing.assert_allclose(b_ours, b_theirs, rtol=rtol, atol=atol)


def _penalty(model, alpha, m):
    """λ/(2m) sum_l ||W[l]||² of the model's current weights."""
    return alpha / (2 * m) * sum(float((W**2).sum()) for W in model.coefs_)


# ----------------------------------------------------------------------
# Forward propagation
# ----------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_same_weights_same_outputs(kind, activation):
    ours, theirs, X, y = _pair(kind, activation)
    X_new = np.random.default_rng(1).normal(scale=2.0, size=(30, 5))
    for data in (X, X_new):
        expected = _outputs(theirs, data)
        got = _outputs(ours, data)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
        if not kind.startswith("regression"):
            np.testing.assert_array_equal(ours.predict(data), theirs.predict(data))


# ----------------------------------------------------------------------
# One full-batch gradient step
# ----------------------------------------------------------------------
@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_one_gradient_step_is_the_same(kind, activation, how):
    ours, theirs, X, y = _pair(kind, activation)
    before = [W.copy() for W in ours.coefs_]
    penalty = _penalty(ours, 0.3, N_SAMPLES)
    if how == "warm_start":
        _quietly(ours.fit, X, y)
        _quietly(theirs.fit, X, y)
    else:
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
    # the step moved the weights...
    moved = [np.abs(W - W0).max() for W, W0 in zip(ours.coefs_, before, strict=True)]
    assert max(moved) > 1e-4
    # ...and moved them alike
    _assert_same_parameters(ours, theirs, rtol=1e-10, atol=1e-12)

    # Both report J at the weights the step started from.
    n_outputs = ours.n_outputs_
    if kind == "regression-2":
        # MLPRegressor averages the squared error over the outputs
        assert theirs.loss_ == pytest.approx(
            (ours.loss_ - penalty) / n_outputs + penalty, rel=1e-12
        )
        assert theirs.loss_ != pytest.approx(ours.loss_, rel=1e-3)
    else:
        assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
        dict(solver="sgd", momentum=0.8, nesterovs_momentum=False),
        dict(solver="sgd", momentum=0.5, learning_rate_schedule="invscaling"),
        dict(solver="adam", learning_rate=0.01),
    ],
    ids=["nesterov", "momentum", "invscaling", "adam"],
)
@pytest.mark.parametrize("kind", ["multiclass", "regression-2"])
def test_several_mini_batch_epochs_are_the_same(kind, params):
    params = dict(params, batch_size=16, max_iter=6, n_iter_no_change=np.inf)
    schedule = params.pop("learning_rate_schedule", "constant")
    ours, theirs, X, y = _pair(kind, "tanh", **params)
    ours.set_params(learning_rate_schedule=schedule)
    theirs.set_params(learning_rate=schedule)
    _quietly(ours.fit, X, y)
    _quietly(theirs.fit, X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 6
    _assert_same_parameters(ours, theirs, rtol=1e-9, atol=1e-12)
    if kind == "multiclass":
        # the last six epochs; the set-up fits started from other weights
        np.testing.assert_allclose(
            ours.loss_curve_[-6:], theirs.loss_curve_[-6:], rtol=1e-10
        )


# ----------------------------------------------------------------------
# Early stopping scores the held-out part with its weights
# ----------------------------------------------------------------------
def _validation_split(random_state, validation_fraction, stratify, *arrays):
    """The split fit makes: its RandomState after the seed of the rng is drawn."""
    rs = check_random_state(random_state)
    rs.randint(np.iinfo(np.int32).max)
    return train_test_split(
        *arrays,
        test_size=validation_fraction,
        random_state=rs,
        stratify=arrays[1] if stratify else None,
    )


# Plain gradient descent without shuffling: partial_fit on the training part,
# one call per epoch, takes the steps of the early-stopping fit, so it gives
# the weights every validation score was computed from.
EARLY = dict(
    hidden_layer_sizes=(8,),
    solver="sgd",
    momentum=0.0,
    learning_rate=0.3,
    batch_size=32,
    shuffle=False,
    early_stopping=True,
    validation_fraction=0.3,
    n_iter_no_change=np.inf,
    max_iter=12,
    init="auto",  # a run whose best epoch is not its last
    random_state=0,
    **PLAIN,
)


def _classification():
    X, y = make_classification(
        n_samples=240,
        n_features=6,
        n_informative=3,
        flip_y=0.2,
        weights=[0.6, 0.4],
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def _check_weighted_scores(model, train, validation, score, **partial_fit_kwargs):
    """Every recorded score is ``score`` on the held-out part, with its weights.

    ``train`` and ``validation`` are the (X, y, sample_weight) of the two parts
    fit made.
    """
    X_val, y_val, sw_val = validation
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ == EARLY["max_iter"]
    partial = type(model)(**dict(model.get_params(), early_stopping=False))
    differences = []
    for recorded in scores:
        partial.partial_fit(
            train[0], train[1], sample_weight=train[2], **partial_fit_kwargs
        )
        y_pred = partial.predict(X_val)
        weighted = score(y_val, y_pred, sample_weight=sw_val)
        assert recorded == pytest.approx(weighted, rel=1e-12, abs=1e-15)
        differences.append(abs(weighted - score(y_val, y_pred)))
    # the weights matter on this data: the unweighted score is another number
    assert max(differences) > 0.02
    best = int(np.argmax(scores))
    assert best + 1 < len(scores)
    assert model.best_validation_score_ == scores[best]
    # the kept weights are the best epoch's, which score best_validation_score_
    assert score(y_val, model.predict(X_val), sample_weight=sw_val) == pytest.approx(
        model.best_validation_score_, rel=1e-12
    )


def test_classifier_early_stopping_scores_weighted_accuracy_with_sample_weight():
    X, y = _classification()
    sw = np.random.default_rng(0).choice([0.2, 1.0, 6.0], size=len(y))
    clf = DeepNetClassifier(scoring="accuracy", **EARLY)
    clf = _quietly(clf.fit, X, y, sample_weight=sw)
    X_train, X_val, y_train, y_val, sw_train, sw_val = _validation_split(
        0, EARLY["validation_fraction"], True, X, y, sw
    )
    _check_weighted_scores(
        clf,
        (X_train, y_train, sw_train),
        (X_val, y_val, sw_val),
        accuracy_score,
        classes=[0, 1],
    )


def test_classifier_early_stopping_scores_weighted_accuracy_with_class_weight():
    X, y = _classification()
    clf = DeepNetClassifier(class_weight={0: 1.0, 1: 5.0}, scoring="accuracy", **EARLY)
    clf = _quietly(clf.fit, X, y)
    X_train, X_val, y_train, y_val = _validation_split(
        0, EARLY["validation_fraction"], True, X, y
    )
    # partial_fit applies class_weight itself: no sample weights for training
    _check_weighted_scores(
        clf,
        (X_train, y_train, None),
        (X_val, y_val, np.where(y_val == 1, 5.0, 1.0)),
        accuracy_score,
        classes=[0, 1],
    )


def test_regressor_early_stopping_scores_weighted_r2():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 5))
    noise = rng.normal(size=240) * np.where(X[:, 4] > 0, 2.0, 0.1)
    y = X[:, 0] + np.tanh(X[:, 1]) + noise
    # heavy weights on the noisy samples change R² a lot
    sw = np.where(X[:, 4] > 0, 5.0, 0.5)
    reg = DeepNetRegressor(scoring="r2", scale_target=False, **EARLY)
    reg = _quietly(reg.fit, X, y, sample_weight=sw)
    X_train, X_val, y_train, y_val, sw_train, sw_val = _validation_split(
        0, EARLY["validation_fraction"], False, X, y, sw
    )
    _check_weighted_scores(
        reg, (X_train, y_train, sw_train), (X_val, y_val, sw_val), r2_score
    )
