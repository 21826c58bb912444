"""The levers from RealMLP and TabM, through the estimators' parameters.

Input transforms fitted in ``fit`` (``input_scaling``, ``numerical_embedding``),
the per-step learning-rate schedules ("cosine", "coslog4") and the SELU and
Mish activations. Their backward passes are checked by finite differences in
test_layers.py and test_course.py; here, what a user sees.
"""

import math
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import PLAIN
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skdnn import DeepNetClassifier, DeepNetRegressor, check_gradients
from skdnn._nn.inputs import (
    PiecewiseLinear,
    quantile_edges,
    quantiles,
    robust_scaling,
)
from skdnn._train.schedules import cosine, coslog4

TRANSFORMS = [
    {"input_scaling": "robust"},
    {"numerical_embedding": "piecewise_linear"},
    {"input_scaling": "robust", "numerical_embedding": "piecewise_linear"},
]


def _data(n=200, seed=0):
    X, y = make_classification(n, 6, n_informative=4, random_state=seed)
    return X, y


def test_robust_scaling_of_hand_made_columns():
    X = np.array(
        [
            [1.0, 5.0, 0.0, 3.0],
            [2.0, 5.0, 0.0, 3.0],
            [3.0, 5.0, 0.0, 3.0],
            [4.0, 5.0, 4.0, 3.0],
            [100.0, 5.0, 0.0, 3.0],
        ]
    )
    center, scale = robust_scaling(X)
    assert_allclose(center, [3.0, 5.0, 0.0, 3.0])
    # column 0: IQR = 4 - 2; column 2: IQR 0, range 4; columns 1, 3 constant
    assert_allclose(scale, [0.5, 0.0, 0.5, 0.0])


def test_quantile_edges_merge_repeated_quantiles():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.normal(size=500), rng.integers(0, 2, 500), np.full(500, 7.0)]
    )
    edges = quantile_edges(X, 8)
    assert edges[0].size == 9 and np.all(np.diff(edges[0]) > 0)
    assert_allclose(edges[1], [0.0, 1.0])  # a binary column: one bin
    assert_allclose(edges[2], [7.0, 8.0])  # a constant one: one bin from it


def test_piecewise_linear_encoding_gives_x_back_also_outside_the_edges():
    edges = [np.array([-1.0, 0.0, 0.5, 2.0]), np.array([0.0, 1.0])]
    layer = PiecewiseLinear(edges)
    x = np.array([[-3.0, -0.5], [0.25, 0.3], [1.0, 2.0], [5.0, -1.0]])
    V = layer.forward(x, (), None, None)
    assert V.shape == (4, 4)
    # an inner bin clips on both sides, the first above, the last below
    assert np.all((V[:, 1] >= 0) & (V[:, 1] <= 1))
    assert V[:, 0].max() == 1.0 and V[:, 0].min() < 0
    assert V[:, 2].min() == 0.0 and V[:, 2].max() > 1
    widths = np.diff(edges[0])
    assert_allclose(edges[0][0] + V[:, :3] @ widths, x[:, 0])
    assert_allclose(V[:, 3], x[:, 1])  # one bin [0, 1]: v = x


@pytest.mark.parametrize("params", TRANSFORMS)
def test_transforms_make_the_fit_blind_to_the_units_of_each_column(params):
    # robust scaling and quantile bins move with x -> a x + c (a > 0)
    X, y = _data()
    units = np.array([1e-3, 1.0, 50.0, 1e4, 2.0, 0.1])
    X_units = X * units + 3.0 * units
    fitted = [
        DeepNetClassifier((8,), random_state=0, max_iter=30, **params).fit(Xi, y)
        for Xi in (X, X_units)
    ]
    assert_allclose(
        fitted[0].predict_proba(X), fitted[1].predict_proba(X_units), atol=1e-7
    )


def test_without_a_transform_the_units_matter():
    # the test above can fail: the same comparison with no transform
    X, y = _data()
    units = np.array([1e-3, 1.0, 50.0, 1e4, 2.0, 0.1])
    fitted = [
        DeepNetClassifier((8,), random_state=0, max_iter=30).fit(Xi, y)
        for Xi in (X, X * units)
    ]
    difference = fitted[0].predict_proba(X) - fitted[1].predict_proba(X * units)
    assert np.abs(difference).max() > 1e-3


def test_robust_scaling_silences_the_unscaled_input_warning():
    X, y = _data()
    X = X * np.array([1e-3, 1.0, 50.0, 1e4, 2.0, 0.1])

    def messages(**params):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            DeepNetClassifier((8,), random_state=0, max_iter=50, **params).fit(X, y)
        return " ".join(str(w.message) for w in caught)

    assert "scale" in messages()
    assert "scale" not in messages(input_scaling="robust")


def test_the_embedding_widens_layer_one():
    X, y = _data()
    clf = DeepNetClassifier(
        (8,),
        random_state=0,
        max_iter=5,
        numerical_embedding="piecewise_linear",
        n_bins=4,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_features_in_ == 6
    assert clf.coefs_[0].shape == (6 * 4, 8)


@pytest.mark.parametrize("params", TRANSFORMS)
def test_fitted_transforms_pickle_and_predict_the_same(params):
    X, y = _data()
    clf = DeepNetClassifier((8,), random_state=0, max_iter=20, **params).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("params", TRANSFORMS)
def test_rows_of_weight_zero_do_not_shape_the_transforms(params):
    X, y = _data()
    outliers = np.full((150, X.shape[1]), 1e6)
    X_more, y_more = np.vstack([X, outliers]), np.concatenate([y, y[:150]])
    weights = np.concatenate([np.ones(len(X)), np.zeros(150)])
    fits = [
        DeepNetClassifier((4,), random_state=0, max_iter=1, **params) for _ in range(2)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fits[0].fit(X, y)
        fits[1].fit(X_more, y_more, sample_weight=weights)
    for a, b in zip(*(f._network.input_layers for f in fits), strict=True):
        assert a.spec() == b.spec()


@pytest.mark.parametrize("params", TRANSFORMS)
def test_sparse_X_is_refused_with_the_fix(params):
    X, y = _data()
    clf = DeepNetClassifier((4,), **params)
    with pytest.raises(TypeError, match="X.toarray()"):
        clf.fit(sp.csr_matrix(X), y)
    clf.fit(X, y)
    with pytest.raises(TypeError, match="X.toarray()"):
        clf.predict(sp.csr_matrix(X))


@pytest.mark.parametrize("params", TRANSFORMS + [{"learning_rate_schedule": "cosine"}])
def test_partial_fit_is_not_available_and_says_why(params):
    X, y = _data()
    clf = DeepNetRegressor((4,), **params)
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit is not available with"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_warm_start_keeps_the_fitted_transforms_and_refuses_other_ones():
    X, y = _data()
    params = dict(numerical_embedding="piecewise_linear", n_bins=4)
    clf = DeepNetClassifier((4,), random_state=0, warm_start=True, **params)
    clf.fit(X, y)
    edges = [e.copy() for e in clf._network.input_layers[0].edges]
    clf.fit(X[:50] * 3.0, y[:50])  # other data: the bins stay those of the first fit
    for before, after in zip(edges, clf._network.input_layers[0].edges, strict=True):
        np.testing.assert_array_equal(before, after)
    for change in [dict(n_bins=8), dict(numerical_embedding=None)]:
        coefs = [c.copy() for c in clf.coefs_]
        with pytest.raises(ValueError, match="warm_start=False"):
            clf.set_params(**change).fit(X, y)
        for before, after in zip(coefs, clf.coefs_, strict=True):
            np.testing.assert_array_equal(before, after)
        clf.set_params(**params)


def test_schedule_shapes():
    assert cosine(0.0) == 1.0 and abs(cosine(1.0)) < 1e-15
    assert_allclose(cosine(0.5), 0.5)
    assert coslog4(0.0) == 0.0 and abs(coslog4(1.0)) < 1e-15
    # the peaks: log2(1 + 15 t) = k + 1/2, four cycles
    peaks = [(2 ** (k + 0.5) - 1) / 15 for k in range(4)]
    assert_allclose([coslog4(t) for t in peaks], 1.0)
    troughs = [(2**k - 1) / 15 for k in range(5)]
    assert_allclose([coslog4(t) for t in troughs], 0.0, atol=1e-15)


@pytest.mark.parametrize("schedule", ["cosine", "coslog4"])
def test_per_step_schedule_is_steps_at_the_scheduled_rates(schedule):
    # full-batch sgd without momentum has no state: N epochs of the schedule
    # are N one-epoch fits at α0 shape(k / N), warm-started one after the other
    X, y = _data(60)
    n_epochs, alpha = 6, 0.3
    common = dict(
        solver="sgd",
        momentum=0.0,
        batch_size=60,
        shuffle=False,
        random_state=0,
        n_iter_no_change=np.inf,
        tol=0.0,
    )
    shape = {"cosine": cosine, "coslog4": coslog4}[schedule]
    scheduled = DeepNetClassifier(
        (5,),
        learning_rate=alpha,
        learning_rate_schedule=schedule,
        max_iter=n_epochs,
        **common,
    ).fit(X, y)
    by_hand = DeepNetClassifier((5,), warm_start=True, max_iter=1, **common)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(n_epochs):
            rate = alpha * shape(k / n_epochs)
            if rate == 0.0:  # coslog4's first step: no change
                continue
            by_hand.set_params(learning_rate=rate).fit(X, y)
    for a, b in zip(scheduled.coefs_, by_hand.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_a_per_step_schedule_ending_its_budget_is_no_convergence_failure():
    X, y = _data()
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        DeepNetClassifier((8,), random_state=0, max_iter=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DeepNetClassifier(
            (8,), random_state=0, max_iter=5, learning_rate_schedule="cosine"
        ).fit(X, y)


@pytest.mark.parametrize("activation", ["selu", "mish"])
def test_selu_and_mish_train(activation):
    X, y = _data(300)
    clf = DeepNetClassifier((16,), activation=activation, random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.85
    assert math.isfinite(clf.loss_)


def test_weighted_quantiles_count_a_weight_as_repeated_rows():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3)).round(1)  # ties too
    weights = rng.integers(0, 4, size=40)
    q = np.linspace(0, 1, 11)
    assert_allclose(
        quantiles(X, q, weights.astype(float)),
        quantiles(np.repeat(X, weights, axis=0), q),
        rtol=0,
        atol=0,
    )
    # unweighted: the inverted CDF, an order statistic (at shares whose
    # n q is exact: where it is not, a rounding error may pick the next row)
    q = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    expected = np.quantile(X, q, axis=0, method="inverted_cdf")
    assert_allclose(quantiles(X, q), expected, rtol=0, atol=0)


@pytest.mark.parametrize("params", TRANSFORMS)
def test_large_predictions_in_blocks_match_small_ones(params):
    from skdnn._fast.tuning import PREDICT_CHUNK_ROWS

    X, y = _data()
    clf = DeepNetClassifier((4,), random_state=0, max_iter=2, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    X_large = np.tile(X, (PREDICT_CHUNK_ROWS // len(X) + 2, 1))
    expected = np.vstack([clf.predict_proba(part) for part in np.split(X_large, 4)])
    assert len(X_large) // 4 <= PREDICT_CHUNK_ROWS < len(X_large)
    assert_allclose(clf.predict_proba(X_large), expected, rtol=1e-12)


def _fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_an_ensemble_predicts_the_mean_of_its_members_probabilities(n_classes):
    # member j is a plain network whose W[1] is diag(r_j) W[1], with its own head
    X, y = make_classification(
        120, 5, n_informative=4, n_redundant=0, n_classes=n_classes, random_state=0
    )
    k = 3
    ensemble = _fit_quietly(
        DeepNetClassifier((6, 4), n_members=k, random_state=0, max_iter=20), X, y
    )
    r = ensemble.member_scales_
    assert r.shape == (k, 5)
    assert ensemble.coefs_[-1].shape[0] == k
    member = _fit_quietly(DeepNetClassifier((6, 4), random_state=1, max_iter=1), X, y)
    probabilities = []
    for j in range(k):
        W, b = ensemble.coefs_, ensemble.intercepts_
        member.coefs_ = [r[j][:, None] * W[0], W[1], W[2][j]]
        member.intercepts_ = [b[0], b[1], b[2][j]]
        probabilities.append(member.predict_proba(X))
    assert_allclose(
        ensemble.predict_proba(X), np.mean(probabilities, axis=0), rtol=1e-10
    )
    assert member.member_scales_ is None


def test_an_ensemble_regressor_predicts_the_mean_of_its_members():
    X, y = make_classification(100, 4, random_state=0)
    y = X @ [1.0, -2.0, 0.5, 3.0] + 10.0
    ensemble = _fit_quietly(
        DeepNetRegressor((5,), n_members=2, random_state=0, max_iter=30), X, y
    )
    member = _fit_quietly(DeepNetRegressor((5,), random_state=0, max_iter=1), X, y)
    predictions = []
    W, b, r = ensemble.coefs_, ensemble.intercepts_, ensemble.member_scales_
    for j in range(2):
        member.coefs_ = [r[j][:, None] * W[0], W[1][j]]
        member.intercepts_ = [b[0], b[1][j]]
        predictions.append(member.predict(X))
    assert_allclose(ensemble.predict(X), np.mean(predictions, axis=0), rtol=1e-10)


def test_an_ensemble_refuses_batch_norm_and_sparse_X():
    X, y = _data()
    with pytest.raises(ValueError, match="batch_norm"):
        DeepNetClassifier((4,), n_members=2, batch_norm=True).fit(X, y)
    with pytest.raises(TypeError, match="X.toarray()"):
        DeepNetClassifier((4,), n_members=2).fit(sp.csr_matrix(X), y)


def test_warm_start_refuses_another_number_of_members():
    X, y = _data()
    clf = _fit_quietly(
        DeepNetClassifier((4,), n_members=2, warm_start=True, max_iter=5), X, y
    )
    with pytest.raises(ValueError, match="n_members=2 again"):
        clf.set_params(n_members=3).fit(X, y)


def test_weight_decay_is_l2_for_plain_full_batch_sgd_and_not_for_adam():
    # W (1 - α wd) - α dW = W - α (dW + wd W): the L2 gradient λ/m W, λ = wd m
    X, y = _data(80)
    wd = 0.05
    common = dict(
        momentum=0.0,
        batch_size=80,
        shuffle=False,
        random_state=0,
        max_iter=15,
        n_iter_no_change=np.inf,
        learning_rate=0.1,
    )
    fits = {}
    for solver in ("sgd", "adam"):
        for name, params in [
            ("decay", dict(weight_decay=wd, alpha=0.0)),
            ("l2", dict(alpha=wd * 80)),
        ]:
            clf = DeepNetClassifier((5,), solver=solver, **common, **params)
            fits[solver, name] = _fit_quietly(clf, X, y).coefs_
    for a, b in zip(fits["sgd", "decay"], fits["sgd", "l2"], strict=True):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    difference = fits["adam", "decay"][0] - fits["adam", "l2"][0]
    assert np.abs(difference).max() > 1e-3


def test_weight_decay_leaves_biases_alone_and_refuses_lbfgs():
    X, y = _data(80)
    common = dict(solver="sgd", momentum=0.0, batch_size=80, random_state=0, max_iter=3)
    plain = _fit_quietly(DeepNetClassifier((5,), **common), X, y)
    decayed = _fit_quietly(DeepNetClassifier((5,), weight_decay=0.5, **common), X, y)
    assert np.linalg.norm(decayed.coefs_[0]) < np.linalg.norm(plain.coefs_[0])
    with pytest.raises(ValueError, match="weight_decay"):
        DeepNetClassifier(solver="lbfgs", weight_decay=0.1).fit(X, y)


@pytest.mark.parametrize("output", ["binary", "multiclass", "multilabel"])
def test_label_smoothing_gradients_match_finite_differences(output):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    y = {
        "binary": (X[:, 0] > 0).astype(int),
        "multiclass": np.arange(30) % 3,
        "multilabel": np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int),
    }[output]
    clf = DeepNetClassifier(
        (5,), activation="tanh", label_smoothing=0.2, random_state=0
    )
    assert check_gradients(clf, X, y) < 1e-7


@pytest.mark.parametrize("n_classes", [2, 3])
def test_label_smoothing_caps_the_confidence_at_the_smoothed_target(n_classes):
    # separable classes: without smoothing the probabilities go to 1; with ε
    # the cost is lowest at 1 - ε + ε/K for the true class
    X, y = make_classification(
        150,
        4,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        class_sep=4.0,
        random_state=0,
    )

    def top(**params):
        clf = DeepNetClassifier(
            (16,), solver="lbfgs", max_iter=500, random_state=0, **params
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        return clf.predict_proba(X).max(axis=1)

    assert top().max() > 0.999
    smoothed = top(label_smoothing=0.3)
    target = 1 - 0.3 + 0.3 / n_classes
    assert smoothed.max() < target + 0.02
    assert np.median(smoothed) > target - 0.05


# ----------------------------------------------------------------------
# "auto": the input end fit on dense X, the plain network elsewhere
# ----------------------------------------------------------------------
AUTO = dict(input_scaling="auto", numerical_embedding="auto", n_members="auto")
EXPLICIT = dict(
    input_scaling="robust", numerical_embedding="piecewise_linear", n_members=8
)


def _kinds(estimator):
    return [row["kind"] for row in estimator.summary().rows if row["layer"] == 0]


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_auto_on_dense_X_is_robust_scaling_bins_and_eight_members(Estimator):
    X, y = _data()
    fits = [
        _fit_quietly(Estimator((4,), random_state=0, max_iter=5, **p), X, y)
        for p in (AUTO, EXPLICIT)
    ]
    assert _kinds(fits[0]) == ["robust_scale", "piecewise_linear", "ensemble_input"]
    assert fits[0].member_scales_.shape[0] == 8
    for a, b in zip(fits[0].coefs_, fits[1].coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert _kinds(Estimator((4,), **AUTO)) == _kinds(fits[0])  # before fit too


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_auto_on_sparse_X_is_the_plain_network(Estimator):
    X, y = _data()
    X[X < 0.5] = 0.0
    fits = [
        _fit_quietly(Estimator((4,), random_state=0, max_iter=5, **p), *data)
        for p, data in [(AUTO, (sp.csr_matrix(X), y)), (PLAIN, (X, y))]
    ]
    assert _kinds(fits[0]) == []
    assert fits[0].member_scales_ is None
    for a, b in zip(fits[0].coefs_, fits[1].coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)
    assert fits[0].__sklearn_tags__().input_tags.sparse
    assert not Estimator(**EXPLICIT).__sklearn_tags__().input_tags.sparse


def test_auto_with_batch_norm_keeps_the_transforms_and_one_member():
    X, y = _data()
    clf = _fit_quietly(
        DeepNetClassifier((4,), batch_norm=True, max_iter=5, **AUTO), X, y
    )
    assert _kinds(clf) == ["robust_scale", "piecewise_linear"]


def test_auto_with_plain_sgd_keeps_the_transforms_and_one_member():
    X, y = _data()
    for solver, members in [("sgd", None), ("adam", 8), ("lbfgs", 8)]:
        reg = _fit_quietly(
            DeepNetRegressor((4,), solver=solver, max_iter=5, **AUTO), X, y
        )
        assert _kinds(reg)[:2] == ["robust_scale", "piecewise_linear"]
        scales = reg.member_scales_
        assert (scales is None) if members is None else len(scales) == members


def test_auto_starts_partial_fit_with_the_plain_network_and_fit_continues_it():
    X, y = _data()
    streamed = [DeepNetClassifier((4,), random_state=0, **p) for p in (AUTO, PLAIN)]
    for clf in streamed:
        for batch in np.array_split(np.arange(len(X)), 4):
            clf.partial_fit(X[batch], y[batch], classes=[0, 1])
    assert _kinds(streamed[0]) == []
    np.testing.assert_array_equal(
        streamed[0].predict_proba(X), streamed[1].predict_proba(X)
    )
    # a warm-started fit continues the plain network it has
    streamed[0].set_params(warm_start=True, max_iter=3)
    _fit_quietly(streamed[0], X, y)
    assert _kinds(streamed[0]) == [] and streamed[0].member_scales_ is None


def test_partial_fit_continues_a_network_fitted_with_auto():
    X, y = _data()
    clf = _fit_quietly(
        DeepNetClassifier((4,), random_state=0, max_iter=5, **AUTO), X, y
    )
    edges = [e.copy() for e in clf._network.input_layers[1].edges]
    n_iter = clf.n_iter_
    clf.partial_fit(X[:50] * 3.0, y[:50])  # other data: the bins stay the fitted ones
    assert clf.n_iter_ == n_iter + 1
    assert _kinds(clf) == ["robust_scale", "piecewise_linear", "ensemble_input"]
    for before, after in zip(edges, clf._network.input_layers[1].edges, strict=True):
        np.testing.assert_array_equal(before, after)
    with pytest.raises(TypeError, match="X.toarray()"):
        clf.predict(sp.csr_matrix(X))


@pytest.mark.parametrize(
    "n_rows, weighted, bins", [(300, False, 4), (1000, False, 8), (1000, True, 4)]
)
def test_auto_bins_are_one_per_125_rows_from_4_to_16(n_rows, weighted, bins):
    X, y = _data(n_rows)
    # rows of weight 0 take no part in the quantiles, nor in the count
    weights = np.where(np.arange(n_rows) < 500, 1.0, 0.0) if weighted else None
    clf = DeepNetClassifier((4,), numerical_embedding="piecewise_linear", max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y, sample_weight=weights)  # (_fit_quietly takes no weights)
    # continuous columns get every bin: W[1] has one row per bin of each column
    assert clf.coefs_[0].shape[0] == bins * X.shape[1]
    X_big, y_big = _data(4000)
    clf = _fit_quietly(clf.set_params(max_iter=1), X_big, y_big)
    assert clf.coefs_[0].shape[0] == 16 * X.shape[1]  # 4000 / 125 = 32, capped
    clf = _fit_quietly(clf.set_params(n_bins=6), X, y)
    assert clf.coefs_[0].shape[0] == 6 * X.shape[1]
