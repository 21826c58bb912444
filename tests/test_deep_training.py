"""Deep-net training beyond MLPClassifier: dropout, leaky ReLU slope, gradient
clipping, early stopping on a chosen score, validation loss, summary, diagnose."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skdnn import DeepNetClassifier, DeepNetRegressor, check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = X_DIGITS / 16.0
# A small noisy problem that a wide network overfits.
X_NOISY, Y_NOISY = make_classification(
    n_samples=600, n_features=20, n_informative=5, flip_y=0.2, random_state=0
)
X_REG, Y_REG = make_regression(n_samples=200, n_features=8, noise=5, random_state=0)
Y_REG = Y_REG / Y_REG.std()

ESTIMATORS = [
    (DeepNetClassifier, X_DIGITS[:300], Y_DIGITS[:300]),
    (DeepNetRegressor, X_REG, Y_REG),
]


# ----------------------------------------------------------------------
# Dropout
# ----------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dropout_narrows_the_gap_between_training_and_held_out_loss(seed):
    X_train, X_test, y_train, y_test = train_test_split(
        X_NOISY, Y_NOISY, train_size=200, random_state=0
    )
    gaps, test_losses = {}, {}
    for dropout in [0.0, 0.5]:
        clf = DeepNetClassifier(
            (128, 128),
            dropout=dropout,
            max_iter=100,
            n_iter_no_change=np.inf,
            random_state=seed,
        ).fit(X_train, y_train)
        train_loss = log_loss(y_train, clf.predict_proba(X_train))
        test_losses[dropout] = log_loss(y_test, clf.predict_proba(X_test))
        gaps[dropout] = test_losses[dropout] - train_loss
    assert gaps[0.5] < 0.5 * gaps[0.0]
    assert test_losses[0.5] < test_losses[0.0]


@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_dropout_trains_but_predicts_deterministically(Estimator, X, y):
    model = Estimator((32, 16), dropout=[0.2, 0.5], max_iter=5, random_state=0)
    model.fit(X, y)
    np.testing.assert_array_equal(model.predict(X), model.predict(X))
    again = Estimator((32, 16), dropout=[0.2, 0.5], max_iter=5, random_state=0)
    again.fit(X, y)
    for W, W_again in zip(model.coefs_, again.coefs_, strict=True):
        np.testing.assert_array_equal(W, W_again)
    undropped = Estimator((32, 16), max_iter=5, random_state=0).fit(X, y)
    assert not np.allclose(model.coefs_[0], undropped.coefs_[0])


@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_zero_dropout_is_no_dropout(Estimator, X, y):
    a = Estimator((16,), dropout=0.0, max_iter=3, random_state=0).fit(X, y)
    b = Estimator((16,), dropout=[0.0], max_iter=3, random_state=0).fit(X, y)
    c = Estimator((16,), max_iter=3, random_state=0).fit(X, y)
    for W_a, W_b, W_c in zip(a.coefs_, b.coefs_, c.coefs_, strict=True):
        np.testing.assert_array_equal(W_a, W_c)
        np.testing.assert_array_equal(W_b, W_c)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "leaky_relu"])
@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_check_gradients_checks_the_dropout_backward_pass(Estimator, X, y, activation):
    model = Estimator((6, 5), activation=activation, dropout=[0.3, 0.5], alpha=0.1)
    assert check_gradients(model, X[:30], y[:30]) < 1e-6


def test_a_dropout_forward_and_backward_that_disagree_fail_the_check(monkeypatch):
    import skdnn._nn.dropout

    original = skdnn._nn.dropout.drop

    def draw_the_mask_but_drop_nothing(A, D, M, keep_prob, rng):
        original(A, D, M, keep_prob, rng)
        np.copyto(D, A)  # forward feeds A on; backward still applies the mask
        return D

    monkeypatch.setattr(skdnn._nn.dropout, "drop", draw_the_mask_but_drop_nothing)
    model = DeepNetClassifier((6, 5), activation="tanh", dropout=0.5)
    assert check_gradients(model, X_DIGITS[:30], Y_DIGITS[:30]) > 1e-3


def test_dropout_with_partial_fit():
    clf = DeepNetClassifier((16,), dropout=0.3, random_state=0)
    for _ in range(3):
        clf.partial_fit(X_DIGITS[:300], Y_DIGITS[:300], classes=np.arange(10))
    assert clf.n_iter_ == 3 and np.isfinite(clf.loss_)


@pytest.mark.parametrize(
    "dropout, match",
    [
        (1.0, "dropout"),
        (-0.1, "dropout"),
        ([0.2, 0.3], "2 rates"),
        ([0.2, "x"], "rate"),
        ([1.5], "rate"),
    ],
)
def test_bad_dropout_is_refused(dropout, match):
    clf = DeepNetClassifier((8,), dropout=dropout)
    with pytest.raises(ValueError, match=match):
        clf.fit(X_DIGITS[:50], Y_DIGITS[:50])
    assert not hasattr(clf, "coefs_")


def test_dropout_with_lbfgs_is_refused_with_the_reason():
    clf = DeepNetClassifier((8,), solver="lbfgs", dropout=0.2)
    with pytest.raises(ValueError, match="line search"):
        clf.fit(X_DIGITS[:50], Y_DIGITS[:50])


# ----------------------------------------------------------------------
# Leaky ReLU slope
# ----------------------------------------------------------------------
@pytest.mark.parametrize("slope", [0.0, 0.2, 0.9])
def test_leaky_relu_uses_its_slope(slope):
    reg = DeepNetRegressor(
        (5,), activation="leaky_relu", leaky_relu_slope=slope, max_iter=3
    ).fit(X_REG, Y_REG)
    W, b = reg.coefs_, reg.intercepts_
    Z = X_REG @ W[0] + b[0]
    assert (Z < 0).any()
    A = np.where(Z > 0, Z, slope * Z)
    np.testing.assert_allclose(reg.predict(X_REG), (A @ W[1] + b[1]).ravel())
    model = DeepNetClassifier((4, 3), activation="leaky_relu", leaky_relu_slope=slope)
    assert check_gradients(model, X_DIGITS[:20], Y_DIGITS[:20]) < 1e-6


@pytest.mark.parametrize("slope", [-0.1, 1.0, 2.0])
def test_leaky_relu_slope_outside_0_1_is_refused(slope):
    with pytest.raises(ValueError, match="leaky_relu_slope"):
        DeepNetClassifier((4,), leaky_relu_slope=slope).fit(
            X_DIGITS[:50], Y_DIGITS[:50]
        )


# ----------------------------------------------------------------------
# Gradient clipping
# ----------------------------------------------------------------------
def _steps(model, X, y, n_steps):
    """θ after each full-batch step, by warm-started one-epoch fits."""
    thetas = []
    for _ in range(n_steps):
        model.fit(X, y)
        thetas.append(
            np.concatenate([W.ravel() for W in model.coefs_ + model.intercepts_])
        )
    return thetas


@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_clipping_bounds_every_steps_norm(Estimator, X, y):
    learning_rate, max_norm = 0.5, 0.1
    params = dict(
        solver="sgd",
        momentum=0.0,
        batch_size=None,
        learning_rate=learning_rate,
        max_iter=1,
        warm_start=True,
        random_state=0,
    )
    clipped = Estimator((16,), max_grad_norm=max_norm, **params)
    free = Estimator((16,), **params)
    first = _steps(clipped, X, y, 1)[0]
    thetas = [first, *_steps(clipped, X, y, 5)]
    steps = np.linalg.norm(np.diff(thetas, axis=0), axis=1)
    assert np.all(steps <= learning_rate * max_norm * (1 + 1e-9))
    np.testing.assert_allclose(steps, learning_rate * max_norm, rtol=1e-6)
    assert clipped.n_clipped_steps_ == 1  # one step per warm-started fit
    free_thetas = _steps(free, X, y, 2)
    assert (
        np.linalg.norm(free_thetas[1] - free_thetas[0]) > 2 * learning_rate * max_norm
    )
    assert free.n_clipped_steps_ == 0


def test_a_large_max_grad_norm_changes_nothing():
    params = dict(solver="sgd", max_iter=5, random_state=0)
    a = DeepNetClassifier((16,), max_grad_norm=1e12, **params).fit(X_DIGITS, Y_DIGITS)
    b = DeepNetClassifier((16,), **params).fit(X_DIGITS, Y_DIGITS)
    assert a.n_clipped_steps_ == 0
    for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(W_a, W_b)


def test_clipped_steps_are_counted_over_partial_fit_calls():
    clf = DeepNetClassifier((16,), max_grad_norm=1e-3, batch_size=100, random_state=0)
    for _ in range(2):
        clf.partial_fit(X_DIGITS[:300], Y_DIGITS[:300], classes=np.arange(10))
    assert clf.n_clipped_steps_ == 6  # 3 batches per call, all clipped


def test_clipping_with_lbfgs_is_refused():
    with pytest.raises(ValueError, match="max_grad_norm"):
        DeepNetClassifier((4,), solver="lbfgs", max_grad_norm=1.0).fit(
            X_DIGITS[:50], Y_DIGITS[:50]
        )


# ----------------------------------------------------------------------
# Early stopping on a chosen score; validation loss
# ----------------------------------------------------------------------
EARLY = dict(early_stopping=True, validation_fraction=0.3, max_iter=100)


@pytest.mark.parametrize("seed", [0, 1])
def test_scoring_changes_which_epoch_is_kept(seed):
    accuracy = DeepNetClassifier((64,), scoring="accuracy", random_state=seed, **EARLY)
    accuracy.fit(X_NOISY, Y_NOISY)
    loss = DeepNetClassifier((64,), random_state=seed, **EARLY)
    loss.fit(X_NOISY, Y_NOISY)
    best = [int(np.argmax(m.validation_scores_)) for m in (accuracy, loss)]
    assert best[0] != best[1]
    assert not np.allclose(accuracy.coefs_[0], loss.coefs_[0])
    # the default score is minus the validation loss, i.e. the log-loss scorer's
    np.testing.assert_allclose(
        loss.validation_scores_, -np.array(loss.validation_loss_curve_), rtol=1e-12
    )
    assert loss.best_validation_score_ == max(loss.validation_scores_)
    scorer = DeepNetClassifier(
        (64,), scoring="neg_log_loss", random_state=seed, **EARLY
    ).fit(X_NOISY, Y_NOISY)
    np.testing.assert_allclose(
        scorer.validation_scores_, loss.validation_scores_, rtol=1e-9
    )


def test_validation_loss_of_the_regressor_is_half_the_squared_error():
    reg = DeepNetRegressor(
        (16,), scoring="neg_mean_squared_error", random_state=0, **EARLY
    ).fit(X_REG, Y_REG)
    np.testing.assert_allclose(
        reg.validation_loss_curve_, -0.5 * np.array(reg.validation_scores_), rtol=1e-9
    )


def test_a_callable_scorer_sees_the_current_weights_without_warnings():
    import pandas as pd
    from sklearn.metrics import balanced_accuracy_score, make_scorer

    X = pd.DataFrame(X_NOISY, columns=[f"f{i}" for i in range(X_NOISY.shape[1])])
    seen = []

    def spy(y_true, y_pred):
        seen.append(balanced_accuracy_score(y_true, y_pred))
        return seen[-1]

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "X does not have feature names"
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = DeepNetClassifier(
            (16,), scoring=make_scorer(spy), random_state=0, **EARLY
        ).fit(X, Y_NOISY)
    assert seen == clf.validation_scores_
    assert len(set(seen)) > 1


def test_validation_loss_curve_only_with_early_stopping():
    clf = DeepNetClassifier((8,), max_iter=3, random_state=0).fit(X_NOISY, Y_NOISY)
    assert clf.validation_loss_curve_ is None
    clf.set_params(early_stopping=True).fit(X_NOISY, Y_NOISY)
    assert len(clf.validation_loss_curve_) == clf.n_iter_ == len(clf.loss_curve_)


def test_unknown_scoring_is_refused():
    with pytest.raises(ValueError, match="accuracy_please"):
        DeepNetClassifier((4,), scoring="accuracy_please", **EARLY).fit(
            X_NOISY, Y_NOISY
        )


# ----------------------------------------------------------------------
# summary and diagnose
# ----------------------------------------------------------------------
def test_summary_of_a_fitted_network_lists_the_course_shapes():
    clf = DeepNetClassifier((32, 16), activation=["relu", "tanh"], dropout=[0.1, 0.2])
    clf.set_params(max_iter=2).fit(X_DIGITS, Y_DIGITS)
    table = clf.summary()
    assert [row["W"] for row in table.rows] == [W.T.shape for W in clf.coefs_]
    assert [row["b"] for row in table.rows] == [(b.size, 1) for b in clf.intercepts_]
    assert [row["activation"] for row in table.rows] == ["relu", "tanh", "softmax"]
    assert [row["dropout"] for row in table.rows] == [0.1, 0.2, "-"]
    n_params = sum(W.size for W in clf.coefs_) + sum(b.size for b in clf.intercepts_)
    assert sum(row["parameters"] for row in table.rows) == n_params
    text = str(table)
    assert f"total parameters: {n_params}" in text
    assert "(32, 64)" in text and "(10, 16)" in text


def test_summary_before_fit_marks_what_x_and_y_decide():
    table = DeepNetRegressor((8, 4)).summary()
    assert [row["W"] for row in table.rows] == [(8, None), (4, 8), (None, 4)]
    assert [row["parameters"] for row in table.rows] == [None, 36, None]
    assert "not fitted" in str(table) and "(8, ?)" in str(table)


def test_diagnose_shows_dead_relu_units_under_a_too_high_learning_rate():
    params = dict(hidden_layer_sizes=(64, 64), solver="sgd", random_state=0)
    sane = DeepNetClassifier(learning_rate=0.01, max_iter=20, **params)
    sane.fit(X_DIGITS, Y_DIGITS)
    # partial_fit keeps the last weights (fit would go back to the best epoch)
    wild = DeepNetClassifier(learning_rate=1.0, **params)
    for _ in range(20):
        wild.partial_fit(X_DIGITS, Y_DIGITS, classes=np.unique(Y_DIGITS))
    dead_sane = [row["dead"] for row in sane.diagnose(X_DIGITS).rows[:2]]
    dead_wild = [row["dead"] for row in wild.diagnose(X_DIGITS).rows[:2]]
    assert max(dead_sane) < 0.2
    assert min(dead_wild) > 0.9
    assert wild.diagnose(X_DIGITS).rows[1]["mean |A|"] < 1e-3


def test_diagnose_sees_saturated_sigmoids_and_the_gradient_ratio():
    clf = DeepNetClassifier((16,), activation="logistic", solver="lbfgs", max_iter=20)
    clf.fit(X_DIGITS, Y_DIGITS)
    healthy = clf.diagnose(X_DIGITS, Y_DIGITS)
    assert "grad/weight" in healthy.columns
    assert healthy.rows[0]["saturated"] < 0.5
    assert healthy.rows[0]["dead"] is None
    clf.coefs_ = [W * 50 for W in clf.coefs_]
    saturated = clf.diagnose(X_DIGITS, Y_DIGITS)
    assert saturated.rows[0]["saturated"] > 0.5
    # saturated units pass almost no gradient back to W[1]
    assert saturated.rows[0]["grad/weight"] < healthy.rows[0]["grad/weight"]
    assert "grad/weight" not in clf.diagnose(X_DIGITS).columns


def test_diagnose_needs_a_fitted_model_and_prints_a_table():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        DeepNetClassifier().diagnose(X_DIGITS)
    reg = DeepNetRegressor((8,), max_iter=3, random_state=0).fit(X_REG, Y_REG)
    text = repr(reg.diagnose(X_REG, Y_REG))
    assert text.splitlines()[0] == "DeepNetRegressor on 200 samples"
    assert "dead" in text and "grad/weight" in text
    frame = reg.diagnose(X_REG).to_frame()
    assert list(frame["layer"]) == [1, 2]


# ----------------------------------------------------------------------
# Batch normalisation
# ----------------------------------------------------------------------
def test_batch_norm_trains_the_deep_sigmoid_network_that_stalls_without_it():
    X = (X_DIGITS - X_DIGITS.mean(0)) / (X_DIGITS.std(0) + 1e-12)
    scores = {}
    for batch_norm in [False, True]:
        clf = DeepNetClassifier(
            (32,) * 8,
            activation="logistic",
            init="small",
            batch_norm=batch_norm,
            max_iter=30,
            n_iter_no_change=np.inf,
            random_state=0,
        ).fit(X, Y_DIGITS)
        scores[batch_norm] = clf.score(X, Y_DIGITS)
    assert scores[False] < 0.2  # stuck near chance: 10 classes
    assert scores[True] > 0.9


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "leaky_relu"])
@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_check_gradients_checks_the_batch_norm_backward_pass(
    Estimator, X, y, activation
):
    model = Estimator((6, 5), activation=activation, batch_norm=True, alpha=0.1)
    weights = np.random.default_rng(0).uniform(0.2, 3.0, 30)
    assert check_gradients(model, X[:30], y[:30]) < 1e-6
    assert check_gradients(model, X[:30], y[:30], sample_weight=weights) < 1e-6
    model.set_params(dropout=0.3)
    assert check_gradients(model, X[:30], y[:30]) < 1e-6


def test_a_broken_batch_norm_backward_pass_fails_the_gradient_check(monkeypatch):
    import skdnn._nn.batchnorm

    def without_the_variance_term(dZ, Z_hat, inv_std, gamma, row_weights, dgamma):
        # forgets that σ² depends on every row of the batch
        np.sum(dZ * Z_hat, axis=0, out=dgamma)
        dZ *= gamma
        dZ -= dZ.mean(axis=0)
        dZ *= inv_std
        return dZ

    monkeypatch.setattr(
        skdnn._nn.batchnorm, "normalize_backward", without_the_variance_term
    )
    model = DeepNetClassifier((6, 5), activation="tanh", batch_norm=True)
    assert check_gradients(model, X_DIGITS[:30], Y_DIGITS[:30]) > 1e-3


@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_batch_norm_statistics_are_weighted_like_repeated_rows(Estimator, X, y):
    X, y = X[:60], y[:60]
    weights = np.tile([1, 2, 3], 20)
    params = dict(
        batch_norm=True, solver="sgd", batch_size=None, max_iter=5, random_state=0
    )
    weighted = Estimator((8, 6), **params).fit(X, y, sample_weight=weights)
    repeated = Estimator((8, 6), **params).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights, axis=0)
    )
    for a, b in zip(
        weighted.coefs_ + weighted.batch_norm_running_mean_,
        repeated.coefs_ + repeated.batch_norm_running_mean_,
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_batch_norm_predicts_each_row_on_its_own(Estimator, X, y):
    model = Estimator((16, 8), batch_norm=True, max_iter=5, random_state=0)
    model.fit(X, y)
    whole = model.predict(X)
    one_by_one = np.concatenate([model.predict(X[i : i + 1]) for i in range(10)])
    np.testing.assert_allclose(whole[:10], one_by_one, rtol=1e-10)


def test_lbfgs_predicts_with_the_full_batch_statistics():
    reg = DeepNetRegressor((8,), batch_norm=True, solver="lbfgs", max_iter=30)
    reg.fit(X_REG, Y_REG)
    Z = X_REG @ reg.coefs_[0]  # b[1] is β: it comes after the normalisation
    np.testing.assert_allclose(reg.batch_norm_running_mean_[0], Z.mean(axis=0))
    np.testing.assert_allclose(reg.batch_norm_running_var_[0], Z.var(axis=0))
    gamma, beta = reg.batch_norm_gamma_[0], reg.intercepts_[0]
    A = np.maximum(gamma * (Z - Z.mean(0)) / np.sqrt(Z.var(0) + 1e-5) + beta, 0)
    np.testing.assert_allclose(
        reg.predict(X_REG), (A @ reg.coefs_[1] + reg.intercepts_[1]).ravel()
    )


def test_interrupted_lbfgs_predicts_with_the_statistics_of_the_kept_weights(
    monkeypatch,
):
    import scipy.optimize

    minimize = scipy.optimize.minimize

    def interrupt_after_three_iterations(*args, callback, **kwargs):
        done = []

        def iteration_ends(intermediate_result):
            callback(intermediate_result)
            done.append(1)
            if len(done) == 3:
                raise KeyboardInterrupt

        return minimize(*args, callback=iteration_ends, **kwargs)

    monkeypatch.setattr(scipy.optimize, "minimize", interrupt_after_three_iterations)
    reg = DeepNetRegressor((8,), batch_norm=True, solver="lbfgs", max_iter=30)
    with pytest.warns(UserWarning, match="interrupted"):
        reg.fit(X_REG, Y_REG)
    assert reg.n_iter_ == 3
    Z = X_REG @ reg.coefs_[0]
    np.testing.assert_allclose(reg.batch_norm_running_mean_[0], Z.mean(axis=0))
    np.testing.assert_allclose(reg.batch_norm_running_var_[0], Z.var(axis=0))


@pytest.mark.parametrize("incremental", [False, True])
@pytest.mark.parametrize("first", [False, True])
def test_continuing_with_batch_norm_switched_says_so(first, incremental):
    model = DeepNetClassifier((8,), batch_norm=first, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_DIGITS[:200], Y_DIGITS[:200])
    before = model.predict_proba(X_DIGITS[:5])
    model.set_params(batch_norm=not first, warm_start=True)
    with pytest.raises(ValueError, match=f"batch_norm={first!r} again"):
        if incremental:
            model.partial_fit(X_DIGITS[:200], Y_DIGITS[:200])
        else:
            model.fit(X_DIGITS[:200], Y_DIGITS[:200])
    np.testing.assert_array_equal(model.predict_proba(X_DIGITS[:5]), before)


def test_batch_norm_state_survives_pickle_partial_fit_and_float32():
    import pickle

    clf = DeepNetClassifier((16,), batch_norm=True, random_state=0)
    X = X_DIGITS[:300].astype(np.float32)
    clf.partial_fit(X, Y_DIGITS[:300], classes=np.arange(10))
    running = clf.batch_norm_running_mean_[0].copy()
    assert clf.batch_norm_gamma_[0].dtype == np.float32
    assert not np.allclose(running, 0)  # updated by the training steps
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    for model in (clf, restored):
        model.partial_fit(X, Y_DIGITS[:300])
    np.testing.assert_array_equal(
        restored.batch_norm_running_mean_[0], clf.batch_norm_running_mean_[0]
    )
    assert not np.array_equal(clf.batch_norm_running_mean_[0], running)


def test_without_batch_norm_its_attributes_are_none():
    clf = DeepNetClassifier((4,), max_iter=2).fit(X_DIGITS[:50], Y_DIGITS[:50])
    assert clf.batch_norm_gamma_ is None
    assert clf.batch_norm_running_var_ is None
    with pytest.raises(AttributeError, match="not fitted"):
        _ = DeepNetClassifier(batch_norm=True).batch_norm_gamma_


def test_summary_counts_gamma_and_beta_instead_of_b():
    clf = DeepNetClassifier((32, 16), batch_norm=True, max_iter=2)
    clf.fit(X_DIGITS, Y_DIGITS)
    rows = clf.summary().rows
    assert [row["batch norm"] for row in rows] == [True, True, False]
    assert [row["parameters"] for row in rows] == [
        64 * 32 + 2 * 32,
        32 * 16 + 2 * 16,
        16 * 10 + 10,
    ]


def test_summary_lists_the_input_layers_and_counts_the_member_scales():
    clf = DeepNetClassifier(
        (8,),
        input_scaling="robust",
        numerical_embedding="piecewise_linear",
        n_bins=4,
        n_members=3,
        max_iter=2,
        random_state=0,
    ).fit(X_DIGITS, Y_DIGITS)
    table = clf.summary()
    inputs = [row for row in table.rows if row["layer"] == 0]
    assert [row["kind"] for row in inputs] == [
        "robust_scale",
        "piecewise_linear",
        "ensemble_input",
    ]
    n_0 = clf.coefs_[0].shape[0]
    assert [row["units"] for row in inputs] == [64, n_0, n_0]
    assert inputs[2]["parameters"] == clf.member_scales_.size == 3 * n_0
    n_params = (
        sum(W.size for W in clf.coefs_)
        + sum(b.size for b in clf.intercepts_)
        + clf.member_scales_.size
    )
    text = str(table)
    assert f"total parameters: {n_params}" in text
    assert "L = 2 layers" in text
    unfitted = DeepNetClassifier((8,), n_members=3).summary()
    assert [row["kind"] for row in unfitted.rows] == [
        "ensemble_input",
        "hidden",
        "output",
    ]
