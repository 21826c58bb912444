"""Training as a whole: floating-point errors, the mini-batch L2 convention, advice.

The project's pytest configuration turns every RuntimeWarning into an error, so
a test here that trains without error also shows that no overflow or invalid
operation escaped training.
"""

import numpy as np
import pytest
from conftest import assert_same_weights
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skdnn._nn.activations
from skdnn import DeepNetClassifier, DeepNetRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_SCALED = StandardScaler().fit_transform(X_IRIS)


def _naive_sigmoid(Z, out):
    """1 / (1 + exp(-z)): right in the limit, but exp overflows for z < -709."""
    np.exp(-Z, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_an_overflow_inside_training_is_not_silenced(monkeypatch, solver):
    # With the naive sigmoid the predictions stay right, but exp overflows on
    # the way: training must not hide that behind a silenced floating-point
    # error, and says where it happened instead.
    monkeypatch.setitem(skdnn._nn.activations.ACTIVATIONS, "logistic", _naive_sigmoid)
    clf = DeepNetClassifier(
        (8,), activation="logistic", solver=solver, max_iter=3, random_state=0
    )
    with pytest.raises(ValueError, match="diverged.*overflow"):
        clf.fit(X_IRIS * 1e4, Y_IRIS)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_the_same_training_without_the_overflow_runs_clean(Estimator, solver):
    # The counterpart of the test above: the library's own sigmoid on the same
    # data raises nothing and (pytest turning RuntimeWarnings into errors)
    # warns nothing.
    model = Estimator(
        (8,), activation="logistic", solver=solver, max_iter=3, random_state=0
    )
    model.fit(X_IRIS * 1e4, Y_IRIS)
    assert np.isfinite(model.loss_)


def test_lbfgs_divergence_advice_fits_the_solver():
    clf = DeepNetClassifier((6,), solver="lbfgs", max_iter=20, random_state=0)
    with pytest.raises(ValueError, match="diverged") as error:
        clf.fit(X_IRIS * 1e200, Y_IRIS)
    assert "learning_rate" not in str(error.value)
    assert "alpha" in str(error.value)


def test_stochastic_divergence_advice_names_the_learning_rate():
    clf = DeepNetRegressor(
        (16,),
        activation="identity",
        solver="sgd",
        learning_rate=10.0,
        max_iter=50,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with pytest.raises(ValueError, match="diverged.*learning_rate \\(now 10.0\\)"):
        clf.fit(X_IRIS * 1e3, Y_IRIS * 1e3)


def _hand_cost_per_batch(clf, X, y, batch_size, alpha):
    """The epoch's cost of the course's mini-batch convention, by hand.

    Each batch t of m_t rows costs J{t} = (1/m_t) sum L + λ/(2 m_t) ||W||², and
    the epoch's cost is the mean of the J{t} weighted by m_t.
    """
    W, b = clf.coefs_, clf.intercepts_
    A = X
    for W_l, b_l in zip(W[:-1], b[:-1], strict=True):
        A = np.maximum(A @ W_l + b_l, 0)
    Z = A @ W[-1] + b[-1]
    Z = Z - Z.max(axis=1, keepdims=True)
    log_proba = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    losses = -log_proba[np.arange(len(y)), y]
    squares = sum((W_l**2).sum() for W_l in W)
    total = 0.0
    for start in range(0, len(y), batch_size):
        m_t = len(y[start : start + batch_size])
        J_t = losses[start : start + batch_size].mean() + alpha / (2 * m_t) * squares
        total += m_t * J_t
    return total / len(y)


@pytest.mark.parametrize("batch_size", [150, 50, 16])
def test_alpha_is_applied_per_mini_batch(batch_size):
    # A step size so small that the weights do not move: loss_curve_[0] is the
    # cost at the weights the model ends with.
    alpha = 5.0
    clf = DeepNetClassifier(
        (5,),
        solver="sgd",
        momentum=0.0,
        learning_rate=1e-300,
        alpha=alpha,
        batch_size=batch_size,
        shuffle=False,
        max_iter=1,
        init="he",  # weights large enough for the penalty to show
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        clf.fit(X_SCALED, Y_IRIS)
    expected = _hand_cost_per_batch(clf, X_SCALED, Y_IRIS, batch_size, alpha)
    np.testing.assert_allclose(clf.loss_curve_[0], expected, rtol=1e-12)
    if batch_size < 150:
        # the course's full-batch J would be smaller: the penalty counts once
        full_batch = _hand_cost_per_batch(clf, X_SCALED, Y_IRIS, 150, alpha)
        assert clf.loss_curve_[0] > full_batch + 0.5


def test_an_overflow_on_the_validation_set_is_reported_not_warned(monkeypatch):
    import skdnn._nn.network

    original = skdnn._nn.network.Network.predict_logits

    def overflowing(self, X, views):
        return original(self, X, views) * 1e308 * 1e308

    monkeypatch.setattr(skdnn._nn.network.Network, "predict_logits", overflowing)
    clf = DeepNetClassifier((8,), early_stopping=True, max_iter=3, random_state=0)
    with pytest.raises(ValueError, match="diverged.*validation set.*overflow"):
        clf.fit(X_SCALED, Y_IRIS)
    assert not hasattr(clf, "coefs_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("small", [True, False])
def test_small_lbfgs_fits_run_blas_on_one_thread(small, monkeypatch):
    """Small L-BFGS fits limit BLAS to one thread while SciPy runs, then undo it."""
    import scipy.optimize
    from threadpoolctl import threadpool_info, threadpool_limits

    from skdnn._fast import tuning

    def blas_threads():
        return [
            lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
        ]

    seen = []
    minimize = scipy.optimize.minimize

    def recording_minimize(*args, **kwargs):
        seen.append(blas_threads())
        return minimize(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "minimize", recording_minimize)
    if not small:
        monkeypatch.setattr(tuning, "LBFGS_ONE_BLAS_THREAD_BELOW", 0)
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        clf = DeepNetClassifier((8,), solver="lbfgs", max_iter=5, random_state=0)
        clf.fit(X_SCALED, Y_IRIS)
        after = blas_threads()
    assert before == [2] * len(before)
    assert seen == [[1] * len(before) if small else before]
    assert after == before


# ----------------------------------------------------------------------
# The random stream of partial_fit (issue 23)
# ----------------------------------------------------------------------
def _standing_still(Estimator=DeepNetClassifier, **params):
    # A step so small that the weights do not move: each epoch's cost is set
    # by its draws alone (dropout's masks; with batch norm, the shuffled
    # batches), so two equal costs are two equal draws.
    params = {"solver": "sgd", "momentum": 0.0, "learning_rate": 1e-300, **params}
    return Estimator((8,), batch_size=16, random_state=0, **params)


def _partial_fit(model, X, y):
    if isinstance(model, DeepNetClassifier):
        return model.partial_fit(X, y, classes=[0, 1, 2])
    return model.partial_fit(X, y)


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
@pytest.mark.parametrize(
    "draws", [{"dropout": 0.5}, {"batch_norm": True}], ids=["masks", "shuffles"]
)
def test_each_partial_fit_call_draws_new_masks_and_orders(Estimator, draws):
    model = _standing_still(Estimator, **draws)
    for _ in range(4):
        _partial_fit(model, X_SCALED, Y_IRIS)
    costs = model.loss_curve_
    assert len(set(costs)) == 4, costs


def test_a_partial_fit_stream_is_reproducible_across_clones():
    def stream(model):
        for start in (0, 50, 100, 0, 50):
            rows = slice(start, start + 50)
            _partial_fit(model, X_SCALED[rows], Y_IRIS[rows])
        return model

    model = DeepNetClassifier((8,), dropout=0.3, batch_size=16, random_state=3)
    first = stream(model)
    again = stream(clone(first))
    fresh = stream(DeepNetClassifier((8,), dropout=0.3, batch_size=16, random_state=3))
    for other in (again, fresh):
        assert_same_weights(other, first)
        assert other.loss_curve_ == first.loss_curve_


def test_a_fit_then_partial_fit_calls_draw_new_masks():
    model = _standing_still(dropout=0.5, max_iter=1)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_SCALED, Y_IRIS)
    model.partial_fit(X_SCALED, Y_IRIS)
    model.partial_fit(X_SCALED, Y_IRIS)
    assert len(set(model.loss_curve_)) == 3, model.loss_curve_


def test_a_failed_partial_fit_leaves_the_stream_where_it_was():
    model = _partial_fit(_standing_still(dropout=0.5), X_SCALED, Y_IRIS)
    twin = _partial_fit(_standing_still(dropout=0.5), X_SCALED, Y_IRIS)
    model.set_params(learning_rate=1e300)
    with pytest.raises(ValueError, match="diverged"):
        model.partial_fit(X_SCALED, Y_IRIS)  # after drawing masks
    model.set_params(learning_rate=1e-300)
    model.partial_fit(X_SCALED, Y_IRIS)
    twin.partial_fit(X_SCALED, Y_IRIS)
    assert model.loss_curve_ == twin.loss_curve_


def test_warm_start_fits_keep_drawing_what_a_fit_draws():
    # A fit, warm-started or not, seeds its draws from random_state alone: the
    # same data on the same weights train the same way (and hold out the same
    # early-stopping split).
    model = _standing_still(dropout=0.5, warm_start=True, max_iter=1)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_SCALED, Y_IRIS)
    for _ in range(2):
        with pytest.warns(ConvergenceWarning):
            model.fit(X_SCALED, Y_IRIS)
    first, second, third = model.loss_curve_
    assert second == third != first
