"""Behaviour of DeepNetRegressor through its public API, mirroring MLPRegressor."""

import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_linnerud, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_score,
    train_test_split,
)
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from skdnn import DeepNetRegressor

SOLVERS = ["adam", "sgd", "lbfgs"]
STOCHASTIC = ["adam", "sgd"]
# Step sizes that train each solver in some dozens of epochs on standardised data.
SOLVER_KWARGS = {
    "adam": {"solver": "adam", "learning_rate": 0.01},
    "sgd": {"solver": "sgd", "learning_rate": 0.05},
    "lbfgs": {"solver": "lbfgs"},
}


def _standardised(X, y):
    return StandardScaler().fit_transform(X), (y - y.mean(axis=0)) / y.std(axis=0)


FRIEDMAN_X, FRIEDMAN_Y = _standardised(*make_friedman1(n_samples=500, random_state=0))
# A small slice for the tests that only need some data.
X_SMALL, Y_SMALL = FRIEDMAN_X[:120], FRIEDMAN_Y[:120]
Y_SMALL_2D = np.column_stack([Y_SMALL, np.sin(X_SMALL[:, 0]) + X_SMALL[:, 1]])


def _fit_quietly(reg, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return reg.fit(*args, **kwargs)


def _assert_same_weights(a, b):
    assert len(a.coefs_) == len(b.coefs_)
    for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(W_a, W_b)
    for b_a, b_b in zip(a.intercepts_, b.intercepts_, strict=True):
        np.testing.assert_array_equal(b_a, b_b)


def _assert_close_weights(a, b, **tolerances):
    assert len(a.coefs_) == len(b.coefs_)
    for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_allclose(W_a, W_b, **tolerances)
    for b_a, b_b in zip(a.intercepts_, b.intercepts_, strict=True):
        np.testing.assert_allclose(b_a, b_b, **tolerances)


def _weights_differ(a, b):
    return any(
        not np.allclose(W_a, W_b) for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True)
    )


def _hand_cost(reg, X, Y, alpha):
    """J = (1/2m) sum_i ||ŷ_i - y_i||² + λ/(2m) sum_l ||W[l]||², in plain NumPy.

    For a ReLU network, from its ``coefs_`` and ``intercepts_``.
    """
    A = X
    for W, b in zip(reg.coefs_[:-1], reg.intercepts_[:-1], strict=True):
        A = np.maximum(A @ W + b, 0.0)
    Y_hat = A @ reg.coefs_[-1] + reg.intercepts_[-1]
    Y = Y.reshape(len(X), -1)
    m = len(X)
    squares = sum(float((W**2).sum()) for W in reg.coefs_)
    return float(((Y_hat - Y) ** 2).sum()) / (2 * m) + alpha / (2 * m) * squares


# ----------------------------------------------------------------------
# Learning
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_learns_friedman1(solver):
    X_train, X_test, y_train, y_test = train_test_split(
        FRIEDMAN_X, FRIEDMAN_Y, random_state=0
    )
    reg = DeepNetRegressor(
        (32,), max_iter=100, alpha=1.0, random_state=0, **SOLVER_KWARGS[solver]
    )
    _fit_quietly(reg, X_train, y_train)
    # a linear model reaches about 0.75 on make_friedman1
    assert reg.score(X_train, y_train) > 0.95
    assert reg.score(X_test, y_test) > 0.9


def test_learns_diabetes():
    X, y = _standardised(*load_diabetes(return_X_y=True))
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    reg = DeepNetRegressor((8,), solver="lbfgs", alpha=30.0, max_iter=100)
    _fit_quietly(reg.set_params(random_state=0), X_train, y_train)
    # least squares reaches 0.36 on this test split: the data are noisy
    assert reg.score(X_test, y_test) > 0.3
    assert reg.score(X_train, y_train) > 0.5


@pytest.mark.parametrize("solver", SOLVERS)
def test_loss_decreases(solver):
    reg = DeepNetRegressor((8,), max_iter=30, random_state=0, **SOLVER_KWARGS[solver])
    _fit_quietly(reg, X_SMALL, Y_SMALL)
    assert len(reg.loss_curve_) == reg.n_iter_ > 1
    assert reg.loss_curve_[-1] < 0.5 * reg.loss_curve_[0]
    assert reg.loss_ == pytest.approx(reg.loss_curve_[-1])
    assert reg.best_loss_ == pytest.approx(min(reg.loss_curve_))


# ----------------------------------------------------------------------
# Outputs and shapes
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "y, n_outputs, predict_shape",
    [
        (Y_SMALL, 1, (120,)),
        (Y_SMALL[:, np.newaxis], 1, (120,)),
        (Y_SMALL_2D, 2, (120, 2)),
    ],
    ids=["1-D", "one-column", "two-columns"],
)
def test_prediction_shapes(y, n_outputs, predict_shape):
    reg = _fit_quietly(DeepNetRegressor((5,), max_iter=5, random_state=0), X_SMALL, y)
    assert reg.n_outputs_ == n_outputs
    assert reg.out_activation_ == "identity"
    assert reg.n_layers_ == 3
    assert [W.shape for W in reg.coefs_] == [(10, 5), (5, n_outputs)]
    assert [b.shape for b in reg.intercepts_] == [(5,), (n_outputs,)]
    y_pred = reg.predict(X_SMALL)
    assert y_pred.shape == predict_shape
    assert y_pred.dtype == np.float64
    assert reg.predict(X_SMALL[:1]).shape == (1, *predict_shape[1:])


def test_one_column_y_trains_like_1d_y():
    params = dict(hidden_layer_sizes=(5,), max_iter=10, random_state=0)
    flat = _fit_quietly(DeepNetRegressor(**params), X_SMALL, Y_SMALL)
    column = _fit_quietly(DeepNetRegressor(**params), X_SMALL, Y_SMALL[:, None])
    _assert_same_weights(flat, column)
    np.testing.assert_array_equal(flat.predict(X_SMALL), column.predict(X_SMALL))


def test_multi_output_linnerud():
    X, Y = _standardised(*load_linnerud(return_X_y=True))
    reg = DeepNetRegressor((16,), solver="lbfgs", alpha=0.01, random_state=0)
    _fit_quietly(reg, X, Y)
    assert reg.n_outputs_ == 3
    Y_pred = reg.predict(X)
    assert Y_pred.shape == (20, 3)
    # every output is learned, not only their average
    assert (r2_score(Y, Y_pred, multioutput="raw_values") > 0.8).all()


def test_predictions_are_the_network_output():
    # predict is ŷ = Z[L] = A[L-1] W[L] + b[L], without an output nonlinearity
    reg = _fit_quietly(
        DeepNetRegressor((6, 4), max_iter=10, random_state=0), X_SMALL, Y_SMALL_2D
    )
    A = X_SMALL
    for W, b in zip(reg.coefs_[:-1], reg.intercepts_[:-1], strict=True):
        A = np.maximum(A @ W + b, 0.0)
    np.testing.assert_allclose(
        reg.predict(X_SMALL), A @ reg.coefs_[-1] + reg.intercepts_[-1], rtol=1e-12
    )


# ----------------------------------------------------------------------
# partial_fit
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("two_d", [False, True], ids=["1-D", "2-D"])
def test_partial_fit_equals_fit(solver, k, two_d):
    y = Y_SMALL_2D if two_d else Y_SMALL
    w = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    params = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        learning_rate=0.05,
        shuffle=False,
        batch_size=None,
        random_state=0,
    )
    fitted = _fit_quietly(
        DeepNetRegressor(max_iter=k, **params), X_SMALL, y, sample_weight=w
    )
    partial = DeepNetRegressor(**params)
    for _ in range(k):
        partial.partial_fit(X_SMALL, y, sample_weight=w)
    _assert_same_weights(fitted, partial)
    assert partial.loss_curve_ == fitted.loss_curve_
    assert partial.n_iter_ == fitted.n_iter_ == k
    assert partial.t_ == fitted.t_ == k * len(y)


def test_partial_fit_only_for_stochastic_solvers():
    assert hasattr(DeepNetRegressor(solver="adam"), "partial_fit")
    assert hasattr(DeepNetRegressor(solver="sgd"), "partial_fit")
    assert not hasattr(DeepNetRegressor(solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit.*stochastic.*'lbfgs'"):
        DeepNetRegressor(solver="lbfgs").partial_fit(X_SMALL, Y_SMALL)


def test_partial_fit_rejects_early_stopping():
    reg = DeepNetRegressor((4,), early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping"):
        reg.partial_fit(X_SMALL, Y_SMALL)
    assert not hasattr(reg, "coefs_")


def test_partial_fit_after_fit_continues():
    reg = _fit_quietly(
        DeepNetRegressor((6,), max_iter=5, random_state=0), X_SMALL, Y_SMALL
    )
    coefs = [W.copy() for W in reg.coefs_]
    t = reg.t_
    reg.partial_fit(X_SMALL, Y_SMALL)
    assert reg.t_ == t + len(Y_SMALL)
    assert reg.n_iter_ == 6
    assert len(reg.loss_curve_) == 6
    assert any(
        not np.array_equal(W, W0) for W, W0 in zip(reg.coefs_, coefs, strict=True)
    )


# ----------------------------------------------------------------------
# warm_start
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_warm_start_continues_from_previous_weights(solver):
    params = dict(max_iter=15, random_state=0, **SOLVER_KWARGS[solver])
    reg = _fit_quietly(
        DeepNetRegressor((8,), warm_start=True, **params), X_SMALL, Y_SMALL
    )
    first_curve = list(reg.loss_curve_)
    _fit_quietly(reg, X_SMALL, Y_SMALL)
    second_curve = reg.loss_curve_[len(first_curve) :]
    assert reg.loss_curve_[: len(first_curve)] == first_curve
    assert len(second_curve) > 0
    # the second run starts where the first ended, far below a fresh start
    assert abs(second_curve[0] - first_curve[-1]) < 0.25 * (
        first_curve[0] - first_curve[-1]
    )
    assert second_curve[-1] < first_curve[-1]

    cold = _fit_quietly(DeepNetRegressor((8,), **params), X_SMALL, Y_SMALL)
    _fit_quietly(cold, X_SMALL, Y_SMALL)
    assert cold.loss_curve_[0] == pytest.approx(first_curve[0])


def _change_outputs(reg, how, y):
    if how == "warm_start":
        reg.set_params(warm_start=True)
        reg.fit(X_SMALL, y)
    else:
        reg.partial_fit(X_SMALL, y)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
@pytest.mark.parametrize("first, later", [(1, 2), (2, 1), (2, 3)])
def test_changing_the_number_of_outputs_raises(how, first, later):
    Y = np.column_stack([Y_SMALL_2D, Y_SMALL_2D[:, 0] - Y_SMALL_2D[:, 1]])

    def targets(n):
        return Y[:, 0] if n == 1 else Y[:, :n]

    reg = _fit_quietly(
        DeepNetRegressor((4,), max_iter=3, random_state=0), X_SMALL, targets(first)
    )
    before = reg.predict(X_SMALL)
    with pytest.raises(ValueError):
        _change_outputs(reg, how, targets(later))
    assert reg.n_outputs_ == first
    np.testing.assert_array_equal(reg.predict(X_SMALL), before)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_changing_the_number_of_outputs_names_the_outputs(how):
    reg = _fit_quietly(
        DeepNetRegressor((4,), max_iter=3, random_state=0), X_SMALL, Y_SMALL
    )
    with pytest.raises(ValueError, match="output") as error:
        _change_outputs(reg, how, Y_SMALL_2D)
    assert "hidden_layer_sizes" not in str(error.value)


# ----------------------------------------------------------------------
# Early stopping
# ----------------------------------------------------------------------
EARLY_X, EARLY_Y = FRIEDMAN_X[:300], FRIEDMAN_Y[:300]
EARLY = dict(
    hidden_layer_sizes=(16,),
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=5,
    learning_rate=0.05,
    max_iter=300,
    random_state=0,
)


def _validation_split(X, y, random_state, validation_fraction):
    """The split fit makes: its RandomState after the seed of the rng is drawn.

    Not stratified, as for MLPRegressor.
    """
    rs = check_random_state(random_state)
    rs.randint(np.iinfo(np.int32).max)
    return train_test_split(X, y, test_size=validation_fraction, random_state=rs)


def test_early_stopping_records_r2_and_keeps_best_weights(monkeypatch):
    snapshots = []
    original = DeepNetRegressor._validation_score

    def spy(self, theta, X, y, sample_weight):
        snapshots.append(theta.copy())
        return original(self, theta, X, y, sample_weight)

    monkeypatch.setattr(DeepNetRegressor, "_validation_score", spy)
    reg = DeepNetRegressor(**EARLY).fit(EARLY_X, EARLY_Y)
    scores = reg.validation_scores_
    assert len(scores) == reg.n_iter_ == len(snapshots) == len(reg.loss_curve_)
    assert reg.n_iter_ < EARLY["max_iter"]
    assert reg.best_validation_score_ == max(scores)
    assert reg.best_loss_ is None
    best = int(np.argmax(scores))
    assert best + 1 < reg.n_iter_  # training went on past the best epoch
    assert not np.array_equal(snapshots[best], snapshots[-1])
    np.testing.assert_array_equal(reg._theta, snapshots[best])

    # the scores are R² on the held-out part, which fit never trains on
    _, X_val, _, y_val = _validation_split(
        EARLY_X, EARLY_Y, EARLY["random_state"], EARLY["validation_fraction"]
    )
    assert r2_score(y_val, reg.predict(X_val)) == pytest.approx(
        reg.best_validation_score_, rel=1e-12
    )
    assert reg.best_validation_score_ > 0.7


def test_early_stopping_weights_are_those_of_the_best_epoch():
    reg = DeepNetRegressor(**EARLY).fit(EARLY_X, EARLY_Y)
    scores = reg.validation_scores_
    best = int(np.argmax(scores))
    assert best + 1 < reg.n_iter_
    truncated = _fit_quietly(
        DeepNetRegressor(**dict(EARLY, max_iter=best + 1)), EARLY_X, EARLY_Y
    )
    assert truncated.validation_scores_ == scores[: best + 1]
    _assert_same_weights(reg, truncated)

    # Training on the part fit keeps for training, without early stopping,
    # takes the same steps: after best + 1 epochs it has the weights kept, after
    # n_iter_ epochs those of the last epoch, and the R² of each on the held-out
    # part is the score recorded for its epoch.
    X_train, X_val, y_train, y_val = _validation_split(
        EARLY_X, EARLY_Y, EARLY["random_state"], EARLY["validation_fraction"]
    )
    plain = dict(EARLY, early_stopping=False)
    at_best = _fit_quietly(
        DeepNetRegressor(**dict(plain, max_iter=best + 1)), X_train, y_train
    )
    _assert_close_weights(reg, at_best, rtol=1e-12, atol=1e-14)
    last = _fit_quietly(
        DeepNetRegressor(**dict(plain, max_iter=reg.n_iter_)), X_train, y_train
    )
    assert _weights_differ(reg, last)
    assert r2_score(y_val, last.predict(X_val)) == pytest.approx(scores[-1], rel=1e-12)
    assert scores[-1] < scores[best]


def test_early_stopping_multi_output_scores_uniform_r2():
    reg = DeepNetRegressor(**EARLY).fit(X_SMALL, Y_SMALL_2D)
    _, X_val, _, Y_val = _validation_split(
        X_SMALL, Y_SMALL_2D, EARLY["random_state"], EARLY["validation_fraction"]
    )
    assert r2_score(Y_val, reg.predict(X_val)) == pytest.approx(
        reg.best_validation_score_, rel=1e-12
    )


def test_no_validation_scores_without_early_stopping():
    reg = _fit_quietly(DeepNetRegressor((4,), max_iter=5), X_SMALL, Y_SMALL)
    assert reg.validation_scores_ is None
    assert reg.best_validation_score_ is None
    assert reg.best_loss_ is not None


# ----------------------------------------------------------------------
# The cost J
# ----------------------------------------------------------------------
@pytest.mark.parametrize("two_d", [False, True], ids=["1-D", "2-D"])
@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_loss_curve_is_the_squared_error_cost(two_d, alpha):
    # Full-batch gradient descent: an epoch's loss is J at the weights the
    # epoch started from, i.e. those the previous epoch ended with.
    y = Y_SMALL_2D if two_d else Y_SMALL
    reg = DeepNetRegressor(
        (7, 5),
        solver="sgd",
        learning_rate=0.05,
        batch_size=None,
        alpha=alpha,
        random_state=0,
    )
    reg.partial_fit(X_SMALL, y)
    for _ in range(3):
        expected = _hand_cost(reg, X_SMALL, y, alpha)
        reg.partial_fit(X_SMALL, y)
        assert reg.loss_curve_[-1] == pytest.approx(expected, rel=1e-12)
    assert reg.loss_ == reg.loss_curve_[-1]
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_lbfgs_loss_is_the_cost_of_the_final_weights():
    alpha = 0.3
    reg = DeepNetRegressor((6,), solver="lbfgs", alpha=alpha, max_iter=20)
    _fit_quietly(reg.set_params(random_state=0), X_SMALL, Y_SMALL_2D)
    assert reg.loss_ == pytest.approx(
        _hand_cost(reg, X_SMALL, Y_SMALL_2D, alpha), rel=1e-10
    )


# ----------------------------------------------------------------------
# sample_weight
# ----------------------------------------------------------------------
LBFGS = dict(solver="lbfgs", alpha=0.1, random_state=0)


@pytest.mark.parametrize(
    "hidden, max_iter", [((), 500), ((3,), 20)], ids=["convex", "same-path"]
)
def test_integer_weights_equal_duplicated_rows(hidden, max_iter):
    w = np.random.default_rng(0).integers(0, 4, size=len(Y_SMALL))
    params = dict(LBFGS, hidden_layer_sizes=hidden, max_iter=max_iter, tol=1e-10)
    weighted = _fit_quietly(
        DeepNetRegressor(**params), X_SMALL, Y_SMALL_2D, sample_weight=w
    )
    repeated = _fit_quietly(
        DeepNetRegressor(**params),
        np.repeat(X_SMALL, w, axis=0),
        np.repeat(Y_SMALL_2D, w, axis=0),
    )
    _assert_close_weights(weighted, repeated, rtol=1e-6, atol=1e-8)
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_integer_weights_equal_duplicated_rows_full_batch(solver):
    # One batch per epoch: the weighted and the repeated costs are the same
    # function, so every step is the same.
    w = np.random.default_rng(0).integers(0, 4, size=len(Y_SMALL))
    params = dict(
        hidden_layer_sizes=(5,),
        solver=solver,
        learning_rate=0.05,
        batch_size=None,
        alpha=0.1,
        max_iter=10,
        random_state=0,
    )
    weighted = _fit_quietly(DeepNetRegressor(**params), X_SMALL, Y_SMALL, w)
    repeated = _fit_quietly(
        DeepNetRegressor(**params),
        np.repeat(X_SMALL, w, axis=0),
        np.repeat(Y_SMALL, w),
    )
    _assert_close_weights(weighted, repeated, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)


def test_zero_weights_equal_dropped_rows():
    w = np.random.default_rng(1).integers(0, 3, size=len(Y_SMALL)).astype(float)
    keep = w > 0
    params = dict(LBFGS, hidden_layer_sizes=(4,), max_iter=20)
    weighted = _fit_quietly(
        DeepNetRegressor(**params), X_SMALL, Y_SMALL, sample_weight=w
    )
    dropped = _fit_quietly(
        DeepNetRegressor(**params), X_SMALL[keep], Y_SMALL[keep], sample_weight=w[keep]
    )
    _assert_close_weights(weighted, dropped, rtol=1e-6, atol=1e-9)
    assert weighted.loss_ == pytest.approx(dropped.loss_, rel=1e-9)


def test_sample_weight_changes_the_fit():
    params = dict(LBFGS, hidden_layer_sizes=(4,), max_iter=20)
    plain = _fit_quietly(DeepNetRegressor(**params), X_SMALL, Y_SMALL)
    w = np.where(Y_SMALL > 0, 5.0, 1.0)
    weighted = _fit_quietly(
        DeepNetRegressor(**params), X_SMALL, Y_SMALL, sample_weight=w
    )
    assert _weights_differ(plain, weighted)


@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (np.zeros(120), "zero"),
        (-np.ones(120), ">= 0"),
        (np.r_[np.nan, np.ones(119)], "finite"),
        (np.r_[np.inf, np.ones(119)], "finite"),
        (np.ones(119), "one weight per sample"),
        (np.ones((120, 2)), "one weight per sample"),
        (["a"] * 120, "sample_weight must be numbers"),
    ],
    ids=["all-zero", "negative", "nan", "inf", "too-short", "2-D", "strings"],
)
def test_invalid_weights_raise(sample_weight, match):
    reg = DeepNetRegressor((3,), max_iter=2)
    with pytest.raises(ValueError, match=match):
        reg.fit(X_SMALL, Y_SMALL, sample_weight=sample_weight)
    assert not hasattr(reg, "coefs_")


# ----------------------------------------------------------------------
# Solvers, dtypes and input formats
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_input_trains_in_float32(solver):
    params = dict(hidden_layer_sizes=(8,), max_iter=60, random_state=0)
    params.update(SOLVER_KWARGS[solver])
    X32 = X_SMALL.astype(np.float32)
    reg = _fit_quietly(DeepNetRegressor(**params), X32, Y_SMALL)
    assert all(W.dtype == np.float32 for W in reg.coefs_)
    assert all(b.dtype == np.float32 for b in reg.intercepts_)
    assert reg.predict(X32).dtype == np.float32
    assert reg.score(X_SMALL, Y_SMALL) > 0.7
    # float32 and float64 training agree roughly
    reg64 = _fit_quietly(DeepNetRegressor(**params), X_SMALL, Y_SMALL)
    assert reg64.coefs_[0].dtype == np.float64
    assert r2_score(reg64.predict(X_SMALL), reg.predict(X_SMALL)) > 0.95


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_sparse_input_matches_dense(fmt, solver):
    X = X_SMALL.copy()
    X[np.abs(X) < 0.8] = 0.0  # make it actually sparse
    params = dict(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    params.update(SOLVER_KWARGS[solver])
    X_sparse = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    dense = _fit_quietly(DeepNetRegressor(**params), X, Y_SMALL_2D)
    sparse = _fit_quietly(DeepNetRegressor(**params), X_sparse, Y_SMALL_2D)
    _assert_close_weights(dense, sparse, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(
        sparse.predict(X_sparse), dense.predict(X), rtol=1e-6, atol=1e-10
    )
    # a model fitted on dense data predicts sparse data identically
    np.testing.assert_allclose(
        dense.predict(X_sparse), dense.predict(X), rtol=1e-10, atol=1e-14
    )


# ----------------------------------------------------------------------
# Invalid targets
# ----------------------------------------------------------------------
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_y_raises(bad):
    y = Y_SMALL.copy()
    y[7] = bad
    reg = DeepNetRegressor((3,), max_iter=2)
    with pytest.raises(ValueError, match=r"\by contains (NaN|infinity)"):
        reg.fit(X_SMALL, y)
    assert not hasattr(reg, "coefs_")


@pytest.mark.parametrize("dtype", [str, object])
def test_string_y_raises_a_clear_error(dtype):
    y = np.array(["low", "high"] * 60, dtype=dtype)
    reg = DeepNetRegressor((3,), max_iter=2)
    with pytest.raises(ValueError) as error:
        reg.fit(X_SMALL, y)
    message = str(error.value)
    assert "X must" not in message
    assert re.search(r"\by\b", message), message


def test_failed_fit_leaves_a_fitted_regressor_unchanged():
    reg = _fit_quietly(
        DeepNetRegressor((6,), solver="sgd", learning_rate=0.05, max_iter=5),
        X_SMALL,
        Y_SMALL,
    )
    before = reg.predict(X_SMALL)
    state = {
        name: getattr(reg, name)
        for name in ["n_iter_", "t_", "loss_", "n_outputs_", "n_features_in_"]
    }
    curve = list(reg.loss_curve_)
    bad_y = Y_SMALL.copy()
    bad_y[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        reg.fit(X_SMALL, bad_y)
    reg.set_params(learning_rate=1e4)
    with pytest.raises(ValueError, match="diverged"):
        # a new network on 4 features: it is set up, then training fails
        reg.fit(X_SMALL[:, :4] * 1e3, Y_SMALL * 1e3)
    reg.set_params(warm_start=True)
    with pytest.raises(ValueError, match="diverged"):
        reg.fit(X_SMALL * 1e3, Y_SMALL * 1e3)
    np.testing.assert_array_equal(reg.predict(X_SMALL), before)
    assert reg.loss_curve_ == curve
    assert {name: getattr(reg, name) for name in state} == state


# ----------------------------------------------------------------------
# scikit-learn ecosystem
# ----------------------------------------------------------------------
RAW_X, RAW_Y = make_friedman1(n_samples=300, random_state=1)


def test_grid_search_tunes_hidden_layer_sizes():
    search = GridSearchCV(
        DeepNetRegressor(solver="lbfgs", max_iter=100, alpha=1.0, random_state=0),
        {"hidden_layer_sizes": [(1,), (24,)]},
        cv=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(FRIEDMAN_X[:300], FRIEDMAN_Y[:300])
    # one hidden unit is little more than a linear model
    assert search.best_params_ == {"hidden_layer_sizes": (24,)}
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > scores[0] + 0.1
    assert search.best_estimator_.predict(FRIEDMAN_X[300:]).shape == (200,)


def test_cross_val_score_in_a_pipeline_with_standard_scaler():
    pipe = make_pipeline(
        StandardScaler(),
        DeepNetRegressor((16,), solver="lbfgs", max_iter=100, random_state=0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, RAW_X, RAW_Y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.7
    assert scores.mean() > 0.8


def test_transformed_target_regressor():
    model = TransformedTargetRegressor(
        regressor=make_pipeline(
            StandardScaler(),
            DeepNetRegressor((16,), solver="lbfgs", max_iter=100, random_state=0),
        ),
        transformer=StandardScaler(),
    )
    _fit_quietly(model, RAW_X, RAW_Y)
    assert model.score(RAW_X, RAW_Y) > 0.9
    # the network learned the standardised target; predict maps it back
    inner = model.regressor_.predict(RAW_X)
    assert abs(inner.mean()) < 0.1
    assert inner.std() == pytest.approx(1.0, abs=0.1)
    assert model.predict(RAW_X).mean() == pytest.approx(RAW_Y.mean(), rel=0.05)


def test_clone_of_fitted_model_is_unfitted():
    reg = _fit_quietly(
        DeepNetRegressor((4,), alpha=0.5, max_iter=3, random_state=0), X_SMALL, Y_SMALL
    )
    copy = clone(reg)
    assert copy.get_params() == reg.get_params()
    assert not hasattr(copy, "coefs_")
    assert not hasattr(copy, "n_outputs_")


def test_pickle_roundtrip():
    reg = _fit_quietly(
        DeepNetRegressor((5, 3), max_iter=5, random_state=0), X_SMALL, Y_SMALL_2D
    )
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X_SMALL), reg.predict(X_SMALL))
    _assert_same_weights(restored, reg)
    assert restored.loss_curve_ == reg.loss_curve_
    # the restored model trains on, as the original does
    restored.partial_fit(X_SMALL, Y_SMALL_2D)
    reg.partial_fit(X_SMALL, Y_SMALL_2D)
    _assert_same_weights(restored, reg)


def test_verbose_prints_the_loss_and_validation_score(capsys):
    reg = DeepNetRegressor((4,), max_iter=3, verbose=True, random_state=0)
    _fit_quietly(reg, X_SMALL, Y_SMALL)
    out = capsys.readouterr().out
    assert "Iteration 1, loss =" in out
    assert "Iteration 3, loss =" in out
    assert "Validation score" not in out
    reg.set_params(early_stopping=True)
    _fit_quietly(reg, X_SMALL, Y_SMALL)
    out = capsys.readouterr().out
    assert out.count("Iteration") == 3
    assert out.count("Validation score:") == 3


def test_silent_by_default(capsys):
    _fit_quietly(DeepNetRegressor((4,), max_iter=3), X_SMALL, Y_SMALL)
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------------
# Quality against MLPRegressor
# ----------------------------------------------------------------------
# The same settings for both libraries (MLPRegressor's learning_rate_init and
# learning_rate are not used by "lbfgs"). L-BFGS is the solver scikit-learn
# recommends for small data sets; the L2 penalty suits each data set's size:
# strong for the 20 samples of linnerud and the noisy diabetes, weak for the
# 1000 smooth samples of friedman1. Each score is a mean over five
# random_states, so that neither library wins by its luck with one
# initialisation.
QUALITY = {
    "diabetes": (load_diabetes, {"alpha": 100.0}),
    "friedman1": (make_friedman1, {"alpha": 1.0}),
    "linnerud": (load_linnerud, {"alpha": 100.0}),
}
QUALITY_SEEDS = range(5)


def _quality_data(name):
    if name == "friedman1":
        return make_friedman1(n_samples=1000, random_state=0)
    return QUALITY[name][0](return_X_y=True)


def _cv_r2(estimator, X, y):
    cv = KFold(n_splits=5, shuffle=True, random_state=0)
    pipe = make_pipeline(StandardScaler(), estimator)
    return cross_val_score(pipe, X, y, cv=cv).mean()


@pytest.mark.parametrize("name", list(QUALITY))
def test_cross_validated_r2_reaches_mlp_regressor(name):
    X, y = _quality_data(name)
    params = dict(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=200)
    params.update(QUALITY[name][1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = np.mean(
            [
                _cv_r2(DeepNetRegressor(random_state=seed, **params), X, y)
                for seed in QUALITY_SEEDS
            ]
        )
        theirs = np.mean(
            [
                _cv_r2(MLPRegressor(random_state=seed, **params), X, y)
                for seed in QUALITY_SEEDS
            ]
        )
    assert ours >= theirs, f"{name}: DeepNetRegressor {ours:.4f} < MLP {theirs:.4f}"
