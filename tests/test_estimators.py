"""Behaviour both estimators inherit from BaseDeepNet, tested once on each.

Every test takes a ``case``: DeepNetClassifier on the iris labels or
DeepNetRegressor on a standardised make_friedman1 target. Tests whose result
may depend on the shape of y take ``any_target`` instead, which adds a
multilabel classifier and a two-output regressor. What only one estimator
does (labels, classes_, probabilities, class_weight; numeric targets,
multi-output, R²) is tested in test_classifier.py and test_regressor.py.
"""

import copy
import pickle
import warnings
from dataclasses import dataclass

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import SOLVER_KWARGS, SOLVERS, STOCHASTIC
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_iris, make_friedman1
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

import skdnn._nn.network
from skdnn import DeepNetClassifier, DeepNetRegressor


@dataclass(frozen=True)
class Case:
    """An estimator and a small data set it learns, of 150 samples."""

    Estimator: type
    X: np.ndarray
    y: np.ndarray
    # The methods that give the network's output A[L] (or its log).
    outputs: tuple
    # What partial_fit needs besides X and y.
    partial_fit_kwargs: dict

    def partial_fit(self, model, X, y, **kwargs):
        return model.partial_fit(X, y, **self.partial_fit_kwargs, **kwargs)

    def outputs_of(self, model, X):
        return [getattr(model, method)(X) for method in self.outputs]


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _friedman():
    X, y = make_friedman1(n_samples=150, random_state=0)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


IRIS_X, IRIS_Y = _iris()
FRIEDMAN_X, FRIEDMAN_Y = _friedman()
PROBABILITIES = ("predict_proba", "predict_log_proba")
CASES = {
    "classifier": Case(
        DeepNetClassifier, IRIS_X, IRIS_Y, PROBABILITIES, {"classes": [0, 1, 2]}
    ),
    "regressor": Case(DeepNetRegressor, FRIEDMAN_X, FRIEDMAN_Y, ("predict",), {}),
    "multilabel": Case(
        DeepNetClassifier,
        IRIS_X,
        np.column_stack([IRIS_Y == 0, IRIS_Y == 2, IRIS_X[:, 1] > 0]).astype(int),
        PROBABILITIES,
        {},
    ),
    "multi-output": Case(
        DeepNetRegressor,
        FRIEDMAN_X,
        np.column_stack([FRIEDMAN_Y, np.sin(FRIEDMAN_X[:, 0]) + FRIEDMAN_X[:, 1]]),
        ("predict",),
        {},
    ),
}


@pytest.fixture(params=["classifier", "regressor"])
def case(request):
    return CASES[request.param]


@pytest.fixture(params=list(CASES))
def any_target(request):
    return CASES[request.param]


def _fit_quietly(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


def _fit(case, **params):
    return _fit_quietly(case.Estimator(**params), case.X, case.y)


def _parameters(model):
    return model.coefs_ + model.intercepts_


def _assert_weights(a, b, rtol=0.0, atol=0.0):
    """Equal weights, or close ones for a tolerance."""
    assert len(a.coefs_) == len(b.coefs_)
    for p, q in zip(_parameters(a), _parameters(b), strict=True):
        np.testing.assert_allclose(p, q, rtol=rtol, atol=atol)


def _weights_differ(a, b):
    return any(
        not np.allclose(W_a, W_b) for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True)
    )


# ----------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_loss_decreases(case, solver):
    model = _fit(
        case,
        hidden_layer_sizes=(8,),
        max_iter=30,
        random_state=0,
        **SOLVER_KWARGS[solver],
    )
    assert len(model.loss_curve_) == model.n_iter_ > 1
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
    assert model.loss_ == pytest.approx(model.loss_curve_[-1])
    assert model.best_loss_ == pytest.approx(min(model.loss_curve_))


# ----------------------------------------------------------------------
# partial_fit
# ----------------------------------------------------------------------
# Unshuffled: fit's epochs and partial_fit's calls take the rows in one order.
IN_ORDER = dict(
    hidden_layer_sizes=(6,), learning_rate=0.05, shuffle=False, random_state=0
)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_partial_fit_equals_fit(any_target, solver, k, weighted):
    case = any_target
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(case.y)) if weighted else None
    params = dict(IN_ORDER, solver=solver, batch_size=None, **_raw_targets(case))
    fitted = _fit_quietly(
        case.Estimator(max_iter=k, **params), case.X, case.y, sample_weight=w
    )
    partial = case.Estimator(**params)
    for _ in range(k):
        case.partial_fit(partial, case.X, case.y, sample_weight=w)
    _assert_weights(fitted, partial)
    assert partial.loss_curve_ == fitted.loss_curve_
    assert partial.n_iter_ == fitted.n_iter_ == k
    assert partial.t_ == fitted.t_ == k * len(case.y)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_partial_fit_with_minibatches_equals_fit(case, solver):
    params = dict(IN_ORDER, solver=solver, batch_size=32)
    fitted = _fit(case, max_iter=3, **params)
    partial = case.Estimator(**params)
    for _ in range(3):
        case.partial_fit(partial, case.X, case.y)
    _assert_weights(fitted, partial)


def test_partial_fit_counts_calls_and_samples(case):
    model = case.Estimator((4,), random_state=0)
    start = 0
    for i, stop in enumerate([50, 80, 150], start=1):
        case.partial_fit(model, case.X[start:stop], case.y[start:stop])
        assert model.n_iter_ == i
        assert model.t_ == stop
        assert len(model.loss_curve_) == i
        start = stop


def test_partial_fit_only_for_stochastic_solvers(case):
    assert hasattr(case.Estimator(solver="adam"), "partial_fit")
    assert hasattr(case.Estimator(solver="sgd"), "partial_fit")
    assert not hasattr(case.Estimator(solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit.*stochastic.*'lbfgs'"):
        case.partial_fit(case.Estimator(solver="lbfgs"), case.X, case.y)


def test_partial_fit_rejects_early_stopping(case):
    model = case.Estimator((4,), early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping"):
        case.partial_fit(model, case.X, case.y)
    assert not hasattr(model, "coefs_")


def test_partial_fit_after_fit_continues(case):
    model = _fit(case, hidden_layer_sizes=(6,), max_iter=5, random_state=0)
    coefs = [W.copy() for W in model.coefs_]
    t = model.t_
    model.partial_fit(case.X, case.y)  # no classes: they are known now
    assert model.t_ == t + len(case.y)
    assert model.n_iter_ == 6
    assert len(model.loss_curve_) == 6
    assert any(
        not np.array_equal(W, W0) for W, W0 in zip(model.coefs_, coefs, strict=True)
    )


# ----------------------------------------------------------------------
# warm_start
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_warm_start_continues_from_previous_weights(case, solver):
    params = dict(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    params.update(SOLVER_KWARGS[solver])
    model = _fit(case, warm_start=True, **params)
    first_curve = list(model.loss_curve_)
    _fit_quietly(model, case.X, case.y)
    second_curve = model.loss_curve_[len(first_curve) :]
    assert model.loss_curve_[: len(first_curve)] == first_curve
    assert len(second_curve) > 0
    # the second run starts where the first ended, far below a fresh start
    assert abs(second_curve[0] - first_curve[-1]) < 0.25 * (
        first_curve[0] - first_curve[-1]
    )
    assert second_curve[-1] < first_curve[-1]

    cold = _fit(case, **params)
    _fit_quietly(cold, case.X, case.y)
    assert cold.loss_curve_[0] == pytest.approx(first_curve[0])


# ----------------------------------------------------------------------
# Early stopping
# ----------------------------------------------------------------------
EARLY = dict(
    hidden_layer_sizes=(16,),
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=5,
    learning_rate=0.05,
    max_iter=300,
    random_state=0,  # a run whose last epoch scores below its best one
)


def _validation_split(case):
    """The split fit makes: its RandomState after the seed of the rng is drawn.

    Stratified by class for the classifier, not for the regressor.
    """
    rs = check_random_state(EARLY["random_state"])
    rs.randint(np.iinfo(np.int32).max)
    return train_test_split(
        case.X,
        case.y,
        test_size=EARLY["validation_fraction"],
        random_state=rs,
        stratify=case.y if is_classifier(case.Estimator()) else None,
    )


def _raw_targets(case):
    """Train a regressor on y as given: for tests of exact arithmetic.

    Target scaling folds (y - mean) / std into the output layer after every fit
    (exact up to rounding), and partial_fit scales by its first call's data.
    """
    return {} if is_classifier(case.Estimator()) else {"scale_target": False}


def _validation_score(model, X, y):
    """The default validation score: minus the mean loss of the output layer."""
    if is_classifier(model):
        return -log_loss(y, model.predict_proba(X), labels=model.classes_)
    residual = np.asarray(model.predict(X)).reshape(len(X), -1) - np.reshape(
        y, (len(X), -1)
    )
    return -0.5 * np.mean(np.sum(residual**2, axis=1))


def test_early_stopping_records_scores_and_keeps_best_weights(case):
    model = case.Estimator(**EARLY).fit(case.X, case.y)
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ == len(model.loss_curve_)
    assert model.n_iter_ < EARLY["max_iter"]
    assert model.best_validation_score_ == max(scores)
    assert model.best_loss_ is None
    # training went on past the best epoch, to a worse last epoch...
    assert int(np.argmax(scores)) + 1 < model.n_iter_
    assert scores[-1] < max(scores)
    # ...and the model kept the best epoch's weights: the held-out part, which
    # fit never trains on, scores the best score (minus the loss), not the last
    _, X_val, _, y_val = _validation_split(case)
    assert _validation_score(model, X_val, y_val) == pytest.approx(
        model.best_validation_score_, rel=1e-9
    )
    assert model.validation_loss_curve_ == pytest.approx([-s for s in scores])
    assert model.score(X_val, y_val) > 0.7


def test_early_stopping_weights_are_those_of_the_best_epoch(case):
    early = dict(EARLY, **_raw_targets(case))
    model = case.Estimator(**early).fit(case.X, case.y)
    scores = model.validation_scores_
    best = int(np.argmax(scores))
    assert best + 1 < model.n_iter_
    truncated = _fit(case, **dict(early, max_iter=best + 1))
    assert truncated.validation_scores_ == scores[: best + 1]
    _assert_weights(model, truncated)

    # Training on the part fit keeps for training, without early stopping,
    # takes the same steps: after best + 1 epochs it has the weights kept, after
    # n_iter_ epochs those of the last epoch, and the score of each on the
    # held-out part is the score recorded for its epoch.
    X_train, X_val, y_train, y_val = _validation_split(case)
    plain = dict(early, early_stopping=False)
    at_best = case.Estimator(**dict(plain, max_iter=best + 1))
    _fit_quietly(at_best, X_train, y_train)
    _assert_weights(model, at_best, rtol=1e-12, atol=1e-14)
    last = case.Estimator(**dict(plain, max_iter=model.n_iter_))
    _fit_quietly(last, X_train, y_train)
    assert _weights_differ(model, last)
    assert _validation_score(last, X_val, y_val) == pytest.approx(scores[-1], rel=1e-9)
    assert scores[-1] < scores[best]


def test_early_stopping_is_reproducible(case):
    a = case.Estimator(**EARLY).fit(case.X, case.y)
    b = case.Estimator(**EARLY).fit(case.X, case.y)
    assert a.validation_scores_ == b.validation_scores_
    _assert_weights(a, b)


def test_no_validation_scores_without_early_stopping(case):
    model = _fit(case, hidden_layer_sizes=(4,), max_iter=5)
    assert model.validation_scores_ is None
    assert model.best_validation_score_ is None
    assert model.best_loss_ is not None


# ----------------------------------------------------------------------
# sample_weight
# ----------------------------------------------------------------------
LBFGS = dict(solver="lbfgs", alpha=0.1, random_state=0)


@pytest.mark.parametrize(
    "hidden, max_iter", [((), 500), ((3,), 20)], ids=["convex", "same-path"]
)
def test_integer_weights_equal_duplicated_rows(any_target, hidden, max_iter):
    case = any_target
    w = np.random.default_rng(0).integers(0, 4, size=len(case.y))
    params = dict(LBFGS, hidden_layer_sizes=hidden, max_iter=max_iter, tol=1e-10)
    weighted = _fit_quietly(case.Estimator(**params), case.X, case.y, sample_weight=w)
    repeated = _fit_quietly(
        case.Estimator(**params),
        np.repeat(case.X, w, axis=0),
        np.repeat(case.y, w, axis=0),
    )
    _assert_weights(weighted, repeated, rtol=1e-6, atol=1e-8)
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_integer_weights_equal_duplicated_rows_full_batch(case, solver):
    # One batch per epoch: the weighted and the repeated costs are the same
    # function, so every step is the same.
    w = np.random.default_rng(0).integers(0, 4, size=len(case.y))
    params = dict(
        hidden_layer_sizes=(5,),
        solver=solver,
        learning_rate=0.05,
        batch_size=None,
        alpha=0.1,
        max_iter=10,
        random_state=0,
    )
    weighted = _fit_quietly(case.Estimator(**params), case.X, case.y, w)
    repeated = _fit_quietly(
        case.Estimator(**params),
        np.repeat(case.X, w, axis=0),
        np.repeat(case.y, w),
    )
    _assert_weights(weighted, repeated, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)


def test_zero_weights_equal_dropped_rows(case):
    w = np.random.default_rng(1).integers(0, 3, size=len(case.y)).astype(float)
    keep = w > 0
    params = dict(LBFGS, hidden_layer_sizes=(4,), max_iter=20)
    weighted = _fit_quietly(case.Estimator(**params), case.X, case.y, sample_weight=w)
    dropped = _fit_quietly(
        case.Estimator(**params), case.X[keep], case.y[keep], sample_weight=w[keep]
    )
    _assert_weights(weighted, dropped, rtol=1e-6, atol=1e-9)
    assert weighted.loss_ == pytest.approx(dropped.loss_, rel=1e-9)


@pytest.mark.parametrize("solver", ["lbfgs", "sgd"])
def test_uniform_weights_equal_no_weights_without_penalty(case, solver):
    # J = (sum_i s_i L_i + alpha/2 ||W||^2) / sum_i s_i, as in scikit-learn's
    # MLP: uniform weights c act like repeating every row c times, which with
    # alpha > 0 weakens the penalty. With alpha = 0 they change nothing. (L-BFGS
    # would not see a J wrongly scaled by c; the steps of SGD would.)
    params = dict(hidden_layer_sizes=(4,), max_iter=20, alpha=0.0, random_state=0)
    params.update(SOLVER_KWARGS[solver])
    plain = _fit(case, **params)
    weighted = _fit_quietly(
        case.Estimator(**params),
        case.X,
        case.y,
        sample_weight=np.full(len(case.y), 3.0),
    )
    _assert_weights(plain, weighted, rtol=1e-7, atol=1e-10)


def test_sample_weight_changes_the_fit(case):
    params = dict(LBFGS, hidden_layer_sizes=(4,), max_iter=20)
    plain = _fit(case, **params)
    w = np.where(np.arange(len(case.y)) % 3 == 0, 5.0, 1.0)
    weighted = _fit_quietly(case.Estimator(**params), case.X, case.y, sample_weight=w)
    assert _weights_differ(plain, weighted)


@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (np.zeros(150), "zero"),
        (-np.ones(150), ">= 0"),
        (np.r_[np.nan, np.ones(149)], "finite"),
        (np.r_[np.inf, np.ones(149)], "finite"),
        (np.ones(149), "one weight per sample"),
        (np.ones((150, 2)), "one weight per sample"),
        (["a"] * 150, "sample_weight must be numbers"),
    ],
    ids=["all-zero", "negative", "nan", "inf", "too-short", "2-D", "strings"],
)
def test_invalid_sample_weights_raise(case, sample_weight, match):
    model = case.Estimator((3,), max_iter=2)
    with pytest.raises(ValueError, match=match):
        model.fit(case.X, case.y, sample_weight=sample_weight)
    assert not hasattr(model, "coefs_")


# ----------------------------------------------------------------------
# dtypes and input formats
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_input_trains_in_float32(case, solver):
    params = dict(hidden_layer_sizes=(8,), max_iter=100, random_state=0)
    params.update(SOLVER_KWARGS[solver])
    X32 = case.X.astype(np.float32)
    model = _fit_quietly(case.Estimator(**params), X32, case.y)
    assert all(W.dtype == np.float32 for W in model.coefs_)
    assert all(b.dtype == np.float32 for b in model.intercepts_)
    assert all(output.dtype == np.float32 for output in case.outputs_of(model, X32))
    assert model.score(case.X, case.y) > 0.8
    # float32 and float64 training agree roughly: the float64 model's
    # predictions score (accuracy or R²) near 1 as targets of the float32 one
    model64 = _fit(case, **params)
    assert model64.coefs_[0].dtype == np.float64
    assert model.score(case.X, model64.predict(case.X)) > 0.95


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_sparse_input_matches_dense(case, solver, fmt):
    X = case.X.copy()
    X[np.abs(X) < 0.5] = 0.0  # make it actually sparse
    params = dict(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    params.update(SOLVER_KWARGS[solver])
    X_sparse = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    dense = _fit_quietly(case.Estimator(**params), X, case.y)
    sparse = _fit_quietly(case.Estimator(**params), X_sparse, case.y)
    _assert_weights(dense, sparse, rtol=1e-6, atol=1e-8)
    if is_classifier(dense):
        np.testing.assert_array_equal(sparse.predict(X_sparse), dense.predict(X))
    for from_sparse, from_dense in zip(
        case.outputs_of(sparse, X_sparse), case.outputs_of(dense, X), strict=True
    ):
        np.testing.assert_allclose(from_sparse, from_dense, rtol=1e-6, atol=1e-10)
    # a model fitted on dense data predicts sparse data identically
    for from_sparse, from_dense in zip(
        case.outputs_of(dense, X_sparse), case.outputs_of(dense, X), strict=True
    ):
        np.testing.assert_allclose(from_sparse, from_dense, rtol=1e-10, atol=1e-14)


# ----------------------------------------------------------------------
# Randomness
# ----------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
def test_same_random_state_same_weights(case, solver):
    params = dict(hidden_layer_sizes=(6, 5), max_iter=10, **SOLVER_KWARGS[solver])
    a = _fit(case, random_state=3, **params)
    b = _fit(case, random_state=3, **params)
    c = _fit(case, random_state=4, **params)
    _assert_weights(a, b)
    assert a.loss_curve_ == b.loss_curve_
    assert _weights_differ(a, c)


def test_refit_is_reproducible(case):
    model = _fit(case, hidden_layer_sizes=(6,), max_iter=10, random_state=0)
    first = copy.deepcopy(model)
    _fit_quietly(model, case.X, case.y)
    _assert_weights(model, first)
    assert model.loss_curve_ == first.loss_curve_


def test_shuffle_changes_the_fit(case):
    params = dict(hidden_layer_sizes=(6,), batch_size=16, max_iter=3, random_state=0)
    shuffled = _fit(case, **params)
    ordered = _fit(case, shuffle=False, **params)
    assert _weights_differ(shuffled, ordered)


# ----------------------------------------------------------------------
# Persistence and cloning
# ----------------------------------------------------------------------
def _roundtrip_pickle(model, tmp_path):
    return pickle.loads(pickle.dumps(model))


def _roundtrip_deepcopy(model, tmp_path):
    return copy.deepcopy(model)


def _roundtrip_joblib(model, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    return joblib.load(path)


@pytest.mark.parametrize(
    "roundtrip",
    [_roundtrip_pickle, _roundtrip_deepcopy, _roundtrip_joblib],
    ids=["pickle", "deepcopy", "joblib"],
)
def test_persistence_roundtrip(case, roundtrip, tmp_path):
    model = _fit(case, hidden_layer_sizes=(6, 4), max_iter=20, random_state=0)
    outputs = case.outputs_of(model, case.X)
    prediction = model.predict(case.X)
    restored = roundtrip(model, tmp_path)
    for restored_output, output in zip(
        case.outputs_of(restored, case.X), outputs, strict=True
    ):
        np.testing.assert_array_equal(restored_output, output)
    np.testing.assert_array_equal(restored.predict(case.X), prediction)
    _assert_weights(restored, model)
    assert restored.loss_curve_ == model.loss_curve_

    # coefs_ are still views of the restored model's parameters...
    restored.coefs_[0][...] = 0.0
    restored.intercepts_[0][...] = 0.0
    assert np.all(restored.coefs_[0] == 0.0)
    zeroed = case.outputs_of(restored, case.X)[0]
    np.testing.assert_allclose(zeroed, zeroed[:1].repeat(len(zeroed), axis=0))
    assert not np.allclose(zeroed, outputs[0])
    # ...and not shared with the original
    np.testing.assert_array_equal(case.outputs_of(model, case.X)[0], outputs[0])

    # the restored model trains on, as the original does
    restored = roundtrip(model, tmp_path)
    restored.partial_fit(case.X, case.y)
    assert restored.n_iter_ == model.n_iter_ + 1
    model.partial_fit(case.X, case.y)
    _assert_weights(restored, model)


def test_clone_of_fitted_model_is_unfitted(case):
    model = _fit(case, hidden_layer_sizes=(4,), alpha=0.5, max_iter=5, random_state=0)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    with pytest.raises(NotFittedError):
        cloned.predict(case.X)
    assert not hasattr(cloned, "coefs_")
    # no fitted attribute at all: n_outputs_, classes_, ...
    assert [name for name in vars(cloned) if name.endswith("_")] == []
    _fit_quietly(cloned, case.X, case.y)
    _assert_weights(cloned, model)


# ----------------------------------------------------------------------
# Batches
# ----------------------------------------------------------------------
@pytest.mark.parametrize("batch_size", [1, 16, 50, None])
def test_epoch_steps_once_per_batch_of_consecutive_rows(case, batch_size):
    # Unshuffled, an epoch is one Adam step per slice of batch_size rows (the
    # last one shorter), the same as partial_fit on each slice in turn: Adam's
    # bias correction counts the steps, so a different count changes the path.
    X, y = case.X[::3], case.y[::3]  # 50 samples, of every class
    params = dict(
        hidden_layer_sizes=(8,), learning_rate=0.01, shuffle=False, **_raw_targets(case)
    )
    params.update(random_state=0)
    model = _fit_quietly(
        case.Estimator(batch_size=batch_size, max_iter=2, **params), X, y
    )
    stepwise = case.Estimator(batch_size=None, **params)
    size = batch_size or len(y)
    for _ in range(2):
        for start in range(0, len(y), size):
            rows = slice(start, start + size)
            case.partial_fit(stepwise, X[rows], y[rows])
    _assert_weights(model, stepwise, rtol=1e-12, atol=1e-14)
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_batch_size_larger_than_data_warns(case):
    model = case.Estimator((4,), batch_size=1000, max_iter=2, random_state=0)
    with pytest.warns(UserWarning, match="batch_size"):
        _fit_quietly(model, case.X, case.y)
    # ...and trains on batches of all the samples
    full_batch = _fit(
        case, hidden_layer_sizes=(4,), batch_size=None, max_iter=2, random_state=0
    )
    _assert_weights(model, full_batch)


# ----------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------
def test_verbose_prints_the_loss_and_validation_score(case, capsys):
    model = case.Estimator((4,), max_iter=3, verbose=True, random_state=0)
    _fit_quietly(model, case.X, case.y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss =" in out
    assert "Iteration 3, loss =" in out
    assert "Validation score" not in out
    model.set_params(early_stopping=True)
    _fit_quietly(model, case.X, case.y)
    out = capsys.readouterr().out
    assert out.count("Iteration") == 3
    assert out.count("Validation score:") == 3


def test_silent_by_default(case, capsys):
    _fit(case, hidden_layer_sizes=(4,), max_iter=3)
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------------
# Interrupted and failed fits
# ----------------------------------------------------------------------
SGD = dict(hidden_layer_sizes=(6,), solver="sgd", learning_rate=0.05, random_state=0)


def _raise_on_call(monkeypatch, n, error):
    """Make the n-th evaluation of the cost and its gradient raise ``error``."""
    calls = []
    original = skdnn._nn.network.Network.cost_and_gradient

    def fail_on_nth_call(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(
        skdnn._nn.network.Network, "cost_and_gradient", fail_on_nth_call
    )


def test_keyboard_interrupt_keeps_last_completed_epoch(case, monkeypatch):
    # Three batches an epoch: the interrupt comes in the second batch of the
    # third epoch, after that epoch's first step.
    params = dict(SGD, batch_size=50, shuffle=False)
    two_epochs = _fit(case, max_iter=2, **params)
    _raise_on_call(monkeypatch, 2 * 3 + 2, KeyboardInterrupt)
    model = case.Estimator(max_iter=10, **params)
    with pytest.warns(UserWarning, match="interrupted"):
        model.fit(case.X, case.y)
    assert model.n_iter_ == 2
    _assert_weights(model, two_epochs)


def _snapshot(case, model):
    """The fitted attributes, weights and outputs of a model, copied."""
    return {
        "attributes": {
            name: copy.deepcopy(value)
            for name, value in vars(model).items()
            if name.endswith("_") and not name.startswith("_")
        },
        "weights": [p.copy() for p in _parameters(model)],
        "outputs": case.outputs_of(model, case.X) + [model.predict(case.X)],
    }


def _assert_unchanged(case, model, before):
    after = _snapshot(case, model)
    assert after["attributes"].keys() == before["attributes"].keys()
    for name, value in before["attributes"].items():
        np.testing.assert_equal(after["attributes"][name], value, err_msg=name)
    for p, p_before in zip(after["weights"], before["weights"], strict=True):
        np.testing.assert_array_equal(p, p_before)
    for output, output_before in zip(after["outputs"], before["outputs"], strict=True):
        np.testing.assert_array_equal(output, output_before)


def _failing_data(case, failure):
    """X, y and parameters with which fit fails, and the error it names."""
    X, y, params = case.X.copy(), case.y.copy(), {}
    if failure == "nan":
        X[3, 1] = np.nan
    elif failure == "inf":
        X[3, 1] = np.inf
    elif failure == "nan_y":
        y = y.astype(float)
        y[0] = np.nan
    elif failure == "n_features":
        X = X[:, :3]
    elif failure == "diverges":
        X = X * 1e150
        params = dict(learning_rate=1e10)
    elif failure == "diverges_on_fewer_features":
        # a new network on 3 features: it is set up, then training fails
        X = X[:, :3] * 1e150
        params = dict(learning_rate=1e10)
    match = {
        "nan": "NaN",
        "inf": "infinity",
        "nan_y": "NaN",
        "n_features": "features",
        "diverges": "diverged",
        "diverges_on_fewer_features": "diverged",
    }[failure]
    return X, y, params, match


@pytest.mark.parametrize(
    "failure, warm_start",
    [
        ("nan", False),
        ("nan", True),
        ("inf", True),
        ("nan_y", False),
        ("nan_y", True),
        ("n_features", True),
        ("diverges", False),
        ("diverges", True),
        ("diverges_on_fewer_features", False),
    ],
)
def test_failed_fit_leaves_estimator_unchanged(case, failure, warm_start):
    model = _fit(case, warm_start=warm_start, max_iter=10, **SGD)
    before = _snapshot(case, model)
    X, y, params, match = _failing_data(case, failure)
    model.set_params(**params)
    with pytest.raises(ValueError, match=match):
        _fit_quietly(model, X, y)
    _assert_unchanged(case, model, before)


@pytest.mark.parametrize("failure", ["nan", "diverges", "overflow_in_batch_2"])
def test_failed_partial_fit_leaves_estimator_unchanged(case, failure, monkeypatch):
    model = case.Estimator(batch_size=10, **SGD)
    for _ in range(3):
        case.partial_fit(model, case.X, case.y)
    before = _snapshot(case, model)
    X, y, match = case.X, case.y, "diverged"
    if failure == "nan":
        X, y, _, match = _failing_data(case, failure)
    elif failure == "diverges":
        # the classifier's first step blows the weights up and its second
        # overflows; the regressor's squared error overflows at once
        X = case.X * 1e100
        model.set_params(learning_rate=1e200)
    else:
        # the first batch's step changes the weights, then the second fails
        _raise_on_call(monkeypatch, 2, FloatingPointError("overflow encountered"))
    with pytest.raises(ValueError, match=match):
        model.partial_fit(X, y)
    _assert_unchanged(case, model, before)


def test_failed_lbfgs_fit_leaves_estimator_unchanged(case):
    model = _fit(
        case, hidden_layer_sizes=(6,), solver="lbfgs", max_iter=20, random_state=0
    )
    before = _snapshot(case, model)
    with pytest.raises(ValueError, match="diverged"):
        model.fit(case.X * 1e200, case.y)
    _assert_unchanged(case, model, before)


def test_fit_does_not_modify_its_inputs(case):
    X, y = case.X.copy(), case.y.copy()
    w = np.ones(len(y))
    _fit_quietly(case.Estimator((4,), max_iter=3), X, y, sample_weight=w)
    np.testing.assert_array_equal(X, case.X)
    np.testing.assert_array_equal(y, case.y)
    np.testing.assert_array_equal(w, np.ones(len(y)))
