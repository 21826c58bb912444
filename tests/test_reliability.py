"""Training never ends badly in silence (issue 21): each defect found, as a test."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_blobs,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle
from sklearn.utils.estimator_checks import check_class_weight_classifiers

from skdnn import DeepNetClassifier, DeepNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = X_DIGITS / 16.0
X_CANCER, Y_CANCER = load_breast_cancer(return_X_y=True)
X_CANCER = StandardScaler().fit_transform(X_CANCER)


# ----------------------------------------------------------------------
# 1. A partial_fit stream whose first call has one row
# ----------------------------------------------------------------------
def test_a_stream_can_switch_target_scaling_on():
    X, y = make_regression(200, 5, noise=1.0, random_state=0)
    reg = DeepNetRegressor((8,), scale_target=False, random_state=0)
    reg.partial_fit(X, y)
    reg.set_params(scale_target=True).partial_fit(X, 100 * y)  # 0.2.0a: an error
    assert np.isfinite(reg.predict(X)).all()


def test_a_stream_starting_with_one_row_scales_its_targets_by_all_its_rows():
    X, y = make_regression(1000, 10, noise=10, random_state=0)
    y = 20 * y + 5000
    reg = DeepNetRegressor(random_state=0)
    reg.partial_fit(X[:1], y[:1])  # a standard deviation of 0
    for _ in range(5):
        for start in range(1, 701, 50):
            reg.partial_fit(X[start : start + 50], y[start : start + 50])
    # 0.1.0 kept the first call's moments and trained on raw y: R² -0.11
    assert reg.score(X[750:], y[750:]) > 0.75


# ----------------------------------------------------------------------
# 2. Batch normalisation of one row
# ----------------------------------------------------------------------
def test_batch_norm_with_batches_of_one_row_is_refused():
    clf = DeepNetClassifier((8,), batch_norm=True, batch_size=1, max_iter=3)
    with pytest.raises(ValueError, match="batch_norm=True.*batch_size=1"):
        clf.fit(X_CANCER, Y_CANCER)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_a_one_row_partial_fit_of_a_batch_normalised_model_is_refused(solver):
    clf = DeepNetClassifier((8,), batch_norm=True, solver=solver, random_state=0)
    clf.fit(X_CANCER, Y_CANCER)
    before = clf.predict_proba(X_CANCER)
    with pytest.raises(ValueError, match="batch_norm=True.*trains on 1 sample"):
        clf.partial_fit(X_CANCER[:1], Y_CANCER[:1])
    np.testing.assert_array_equal(clf.predict_proba(X_CANCER), before)


def test_lbfgs_ignores_batch_size_with_batch_norm():
    clf = DeepNetClassifier((8,), batch_norm=True, batch_size=1, solver="lbfgs")
    assert clf.set_params(max_iter=5).fit(X_CANCER, Y_CANCER).score(X_CANCER, Y_CANCER)


def test_a_one_row_lbfgs_fit_with_batch_norm_is_refused():
    reg = DeepNetRegressor((8,), batch_norm=True, solver="lbfgs")
    with pytest.raises(ValueError, match="batch_norm=True.*trains on 1 sample"):
        reg.fit(X_CANCER[:1], [0.5])


@pytest.mark.parametrize("shuffle", [True, False])
def test_a_last_batch_of_one_row_joins_the_batch_before_it(shuffle):
    # 401 rows in batches of 50: the last batch would hold one row, normalised
    # by its own statistics; 0.1.0's running variances came out 0.83x the truth
    X, y = X_CANCER[:401], Y_CANCER[:401]
    clf = DeepNetClassifier(
        (8,),
        batch_norm=True,
        batch_size=50,
        shuffle=shuffle,
        early_stopping=False,
        random_state=0,
    ).fit(X, y)
    Z = X @ clf.coefs_[0]
    ratio = np.median(clf.batch_norm_running_var_[0] / Z.var(axis=0))
    assert 0.9 < ratio < 1.1


# ----------------------------------------------------------------------
# 6. diagnose() of a regressor, whatever the units of y
# ----------------------------------------------------------------------
def test_a_regressors_gradient_ratios_do_not_grow_with_the_scale_of_y():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ratios = []
    for scale in (1.0, 1000.0):
        reg = DeepNetRegressor((16,), random_state=0).fit(X, y * scale)
        ratios.append([row["grad/weight"] for row in reg.diagnose(X, y * scale)])
    np.testing.assert_allclose(ratios[0], ratios[1], rtol=1e-6)
    assert max(ratios[0]) < 1.0  # 0.1.0: 47 and 4.7e7, read as exploding
    standardised = (y - y.mean()) / y.std()
    reg = DeepNetRegressor((16,), random_state=0, scale_target=False)
    reg.fit(X, standardised)
    assert [row["grad/weight"] for row in reg.diagnose(X, standardised)] == (
        pytest.approx(ratios[0], rel=0.5)
    )


def test_diagnose_while_training_is_in_the_trained_units():
    """A scorer's diagnose() mid-fit: θ is already scaled, so no second scaling."""
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    seen = {}

    def scorer(scale):
        def score(estimator, X_val, y_val):
            seen.setdefault(
                scale, [row["grad/weight"] for row in estimator.diagnose(X, y * scale)]
            )
            return -np.mean((estimator.predict(X_val) - y_val) ** 2)

        return score

    for scale in (1.0, 1000.0):
        DeepNetRegressor(
            (16,),
            early_stopping=True,
            scoring=scorer(scale),
            max_iter=2,
            random_state=0,
        ).fit(X, y * scale)
    np.testing.assert_allclose(seen[1.0], seen[1000.0], rtol=1e-6)


# ----------------------------------------------------------------------
# 7. warm_start with early stopping: the curves stay aligned
# ----------------------------------------------------------------------
def test_warm_started_validation_curves_follow_the_loss_curve():
    params = dict(max_iter=30, n_iter_no_change=1000, warm_start=True, random_state=0)
    clf = DeepNetClassifier((16,), early_stopping=True, **params)
    clf.fit(X_DIGITS, Y_DIGITS)
    first = list(clf.validation_loss_curve_)
    clf.fit(X_DIGITS, Y_DIGITS)
    assert len(clf.loss_curve_) == len(clf.validation_loss_curve_) == 60
    assert len(clf.validation_scores_) == 60
    assert clf.validation_loss_curve_[:30] == first


def test_a_warm_start_after_a_fit_without_validation_pads_its_epochs():
    clf = DeepNetClassifier(
        (16,), early_stopping=False, max_iter=10, warm_start=True, random_state=0
    ).fit(X_DIGITS, Y_DIGITS)
    clf.set_params(early_stopping=True, n_iter_no_change=1000).fit(X_DIGITS, Y_DIGITS)
    assert len(clf.validation_loss_curve_) == len(clf.loss_curve_) == 20
    assert np.isnan(clf.validation_loss_curve_[:10]).all()
    assert np.isfinite(clf.validation_loss_curve_[10:]).all()


def test_a_fit_without_validation_between_two_with_keeps_the_first_curve():
    params = dict(n_iter_no_change=1000, warm_start=True, random_state=0)
    clf = DeepNetClassifier((16,), early_stopping=True, max_iter=5, **params)
    clf.fit(X_DIGITS, Y_DIGITS)
    first = list(clf.validation_loss_curve_)
    clf.set_params(early_stopping=False).fit(X_DIGITS, Y_DIGITS)
    assert clf.validation_loss_curve_ is None
    clf.set_params(early_stopping=True).fit(X_DIGITS, Y_DIGITS)
    curve = clf.validation_loss_curve_
    assert len(curve) == len(clf.loss_curve_) == 15
    assert curve[:5] == first and np.isnan(curve[5:10]).all()


# ----------------------------------------------------------------------
# 8. A validation_fraction too large for the data
# ----------------------------------------------------------------------
def test_a_validation_fraction_that_leaves_nothing_to_train_on_says_smaller():
    clf = DeepNetClassifier(early_stopping=True, validation_fraction=0.999)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no spurious warning on the way
        with pytest.raises(ValueError, match="smaller validation_fraction"):
            clf.fit(X_DIGITS[:300], Y_DIGITS[:300])


# ----------------------------------------------------------------------
# 9. Scorers that return no usable number, or do not fit the task
# ----------------------------------------------------------------------
def nan_scorer(estimator, X, y):
    return float("nan")


def array_scorer(estimator, X, y):
    return np.array([1.0, 2.0])


@pytest.mark.parametrize(
    "scorer, returned",
    [(nan_scorer, "returned nan"), (array_scorer, r"returned array\(\[1., 2.\]\)")],
)
def test_a_scorer_that_returns_no_number_is_named(scorer, returned):
    clf = DeepNetClassifier((8,), early_stopping=True, scoring=scorer)
    with pytest.raises(
        ValueError, match=f"scoring=<function {scorer.__name__}.*{returned}"
    ):
        clf.fit(X_DIGITS, Y_DIGITS)
    assert not hasattr(clf, "coefs_")


def test_a_scoring_that_does_not_fit_the_task_says_it_came_from_scoring():
    clf = DeepNetClassifier((8,), early_stopping=True, scoring="roc_auc")
    with pytest.raises(ValueError, match="scoring='roc_auc' failed.*multi_class"):
        clf.fit(X_DIGITS, Y_DIGITS)


# ----------------------------------------------------------------------
# 5. Dropout's noise is no plateau
# ----------------------------------------------------------------------
def _check_classifiers_train_binary_data():
    """The two-class problem of scikit-learn's check_classifiers_train."""
    X, y = make_blobs(n_samples=300, random_state=0)
    X, y = shuffle(X, y, random_state=7)
    X = StandardScaler().fit_transform(X)
    return X[y != 2], y[y != 2]


@pytest.mark.parametrize("seed", range(5))
def test_dropout_trains_scikit_learns_check_data(seed):
    # 0.1.0 stopped after 33-116 epochs at 0.19-0.80 training accuracy on four
    # of these five seeds (without dropout: 0.88-0.98): the batch costs' noise
    # read as no improvement
    X, y = _check_classifiers_train_binary_data()
    clf = DeepNetClassifier((8,), dropout=0.2, random_state=seed).fit(X, y)
    assert clf.score(X, y) > 0.85


def test_dropout_passes_scikit_learns_class_weight_check():
    check_class_weight_classifiers(
        "DeepNetClassifier", DeepNetClassifier((8,), dropout=0.2, random_state=0)
    )


# ----------------------------------------------------------------------
# 3. Advice that follows the evidence
# ----------------------------------------------------------------------
def _warning_of(estimator, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert len(messages) == 1, messages
    return messages[0]


@pytest.mark.parametrize("learning_rate", [1e-3, 1e-4])
def test_vanishing_gradients_call_for_batch_norm_not_a_smaller_step(learning_rate):
    X, y = make_classification(1000, 20, n_informative=8, random_state=0)
    X = StandardScaler().fit_transform(X)
    deep = DeepNetClassifier(
        (32,) * 8, activation="logistic", learning_rate=learning_rate, random_state=0
    )
    message = _warning_of(deep, X, y)
    assert "vanishing gradients" in message and "batch_norm=True" in message
    assert "lower learning_rate" not in message  # 0.1.0's advice, which fails
    fixed = DeepNetClassifier(
        (32,) * 8, activation="logistic", batch_norm=True, random_state=0
    ).fit(X, y)
    assert fixed.score(X, y) > 0.9


def test_weights_thrown_far_call_for_a_smaller_step():
    X, y = make_classification(1000, 20, n_informative=8, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = DeepNetClassifier((32, 32), learning_rate=3.0, random_state=0)
    message = _warning_of(clf, X, y)
    assert "no better than that" in message
    assert "lower learning_rate (now 3.0)" in message


def test_a_loss_that_never_moved_calls_for_a_larger_step():
    X, y = make_classification(600, 20, n_informative=5, weights=[0.95], random_state=1)
    X = StandardScaler().fit_transform(X)
    message = _warning_of(DeepNetClassifier(learning_rate=1e-6, random_state=0), X, y)
    assert "no better than that" in message
    assert "raise learning_rate (now 1e-06)" in message


# ----------------------------------------------------------------------
# 4. max_iter reached while the validation score still improved
# ----------------------------------------------------------------------
def test_reaching_max_iter_with_the_validation_score_rising_says_so():
    X, y = make_classification(1500, 20, n_informative=8, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = DeepNetClassifier((32, 32), solver="sgd", random_state=0)
    message = _warning_of(clf, X[:1125], y[:1125])
    assert clf.do_early_stopping_ and clf.n_iter_ == 200
    assert np.argmax(clf.validation_scores_) >= 190  # the best epoch: at the end
    assert "maximum iterations (200) reached" in message
