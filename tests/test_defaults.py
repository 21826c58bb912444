"""The defaults generalise and training says when it went wrong.

Early stopping that switches itself on, the best epoch's weights kept, the
initialisation, the warnings a bad fit gives (and the ones a good fit must not),
and the early-stopping split that falls back to a random one.
"""

import warnings

import numpy as np
import pytest
from sklearn import __version__ as sklearn_version
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from skdnn import DeepNetClassifier, DeepNetRegressor

IRIS_X, IRIS_Y = load_iris(return_X_y=True)


def _caught(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit()
    return model, [w for w in caught if not issubclass(w.category, DeprecationWarning)]


def test_early_stopping_auto_holds_out_a_split_from_1000_samples_on():
    X, y = make_classification(1200, 10, random_state=0)
    big = DeepNetClassifier((8,), random_state=0).fit(X, y)
    assert big.do_early_stopping_
    assert len(big.validation_scores_) == big.n_iter_
    small = DeepNetClassifier((8,), random_state=0).fit(X[:999], y[:999])
    assert not small.do_early_stopping_
    assert small.validation_scores_ is None
    # the same fit as early_stopping=True / False
    on = DeepNetClassifier((8,), early_stopping=True, random_state=0).fit(X, y)
    np.testing.assert_array_equal(on.coefs_[0], big.coefs_[0])
    off = DeepNetClassifier((8,), early_stopping=False, random_state=0)
    off.fit(X[:999], y[:999])
    np.testing.assert_array_equal(off.coefs_[0], small.coefs_[0])


def test_early_stopping_auto_never_splits_in_partial_fit():
    X, y = make_classification(1200, 10, random_state=0)
    clf = DeepNetClassifier((8,), random_state=0).partial_fit(X, y, classes=[0, 1])
    assert not clf.do_early_stopping_
    assert clf.t_ == 1200
    with pytest.raises(ValueError, match="partial_fit does not support"):
        DeepNetClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1])


def test_lbfgs_never_early_stops():
    X, y = make_classification(1200, 10, random_state=0)
    clf = DeepNetClassifier((4,), solver="lbfgs", max_iter=30, random_state=0)
    _caught(lambda: clf.fit(X, y))
    assert not clf.do_early_stopping_


def test_stopping_for_no_improvement_keeps_the_best_epochs_weights():
    X, y = make_classification(300, 10, random_state=0)
    # the loss wobbles near its minimum: the best epoch is not the last
    params = dict(hidden_layer_sizes=(32,), learning_rate=0.05, random_state=0)
    model, caught = _caught(lambda: DeepNetRegressor(**params).fit(X, y))
    curve = model.loss_curve_
    best = int(np.argmin(curve))
    assert best + 1 < model.n_iter_ < 200 and curve[-1] > curve[best]
    assert model.best_loss_ == curve[best]
    # the kept weights are those after epoch best + 1, not the last epoch's
    at_best, _ = _caught(
        lambda: DeepNetRegressor(max_iter=best + 1, **params).fit(X, y)
    )
    for kept, expected in zip(model.coefs_, at_best.coefs_, strict=True):
        np.testing.assert_array_equal(kept, expected)
    # a wobble is not a rise: nothing to warn about
    assert caught == []


def test_a_loss_that_rises_for_good_is_reported_once_with_the_fix():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = DeepNetClassifier(
        (32,), solver="sgd", learning_rate=1.0, momentum=0.9, random_state=0
    )
    clf, caught = _caught(lambda: clf.fit(X, y))
    assert clf.do_early_stopping_  # 1797 samples
    best = int(np.argmin(clf.loss_curve_))
    assert clf.loss_curve_[-1] > 100 * clf.loss_curve_[best]
    assert len(caught) == 1 and caught[0].category is ConvergenceWarning
    message = str(caught[0].message)
    assert f"from its best, {clf.loss_curve_[best]:.4g} at epoch {best + 1}" in message
    # the weights kept are those of the best validation score
    kept = int(np.argmax(clf.validation_scores_)) + 1
    assert f"the weights of epoch {kept} are kept" in message
    assert "lower learning_rate (now 1.0)" in message
    assert "looks unscaled" not in message


@pytest.mark.parametrize("seed", [2, 7])
def test_raw_iris_trains_with_the_defaults(seed):
    """Unscaled iris (means ~3-6) with the defaults reaches MLPClassifier's level."""
    clf, caught = _caught(
        lambda: DeepNetClassifier(random_state=seed).fit(IRIS_X, IRIS_Y)
    )
    assert clf.score(IRIS_X, IRIS_Y) > 0.95
    assert not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def test_input_spanning_orders_of_magnitude_gets_one_warning_with_the_fix():
    X = IRIS_X * np.array([1e6, 1.0, 1.0, 1e-3])
    clf, caught = _caught(lambda: DeepNetClassifier(random_state=0).fit(X, IRIS_Y))
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "looks unscaled" in message and "StandardScaler" in message
    # the same data scaled: no warning at all
    scaled = make_pipeline(StandardScaler(), DeepNetClassifier(random_state=0))
    _, caught = _caught(lambda: scaled.fit(X, IRIS_Y))
    assert caught == []


def test_adaptive_schedule_collapsing_adams_step_is_reported():
    clf = DeepNetClassifier(
        learning_rate=0.01, learning_rate_schedule="adaptive", random_state=0
    )
    clf, caught = _caught(lambda: clf.fit(IRIS_X * 1e6, IRIS_Y))
    assert clf.n_iter_ < clf.max_iter
    assert len(caught) == 1
    assert caught[0].category is ConvergenceWarning
    message = str(caught[0].message)
    assert 'learning_rate_schedule="adaptive" divided Adam\'s step size' in message
    assert 'use learning_rate_schedule="constant"' in message
    assert "scale the input" in message  # the root cause, also seen
    # the same schedule under sgd is the documented stopping rule: no warning
    sgd = DeepNetClassifier(
        solver="sgd",
        learning_rate=0.1,
        learning_rate_schedule="adaptive",
        random_state=0,
    )
    _, caught = _caught(
        lambda: make_pipeline(StandardScaler(), sgd).fit(IRIS_X, IRIS_Y)
    )
    assert sgd._schedule.learning_rate < sgd.learning_rate
    assert caught == []


def test_a_network_no_better_than_the_class_frequencies_is_reported():
    # a huge step throws every unit into saturation at once; the loss never
    # gets below log(3), the loss of predicting a third for each iris class
    clf = DeepNetClassifier(learning_rate=50.0, random_state=0)
    _, caught = _caught(
        lambda: make_pipeline(StandardScaler(), clf).fit(IRIS_X, IRIS_Y)
    )
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert len(messages) == 1
    assert "predicting the class frequencies" in messages[0]
    assert min(clf.loss_curve_) >= np.log(3) * (1 - 1e-3)


def test_cross_validating_the_defaults_on_a_table_gives_no_warnings():
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), DeepNetClassifier(random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = cross_val_score(model, X, y, cv=5)
    assert scores.mean() > 0.95
    # MLPClassifier's defaults warn on every fold of the same table
    with pytest.warns(ConvergenceWarning):
        cross_val_score(make_pipeline(StandardScaler(), MLPClassifier()), X, y, cv=2)


def test_max_iter_still_warns_when_the_loss_is_still_falling():
    X, y = load_breast_cancer(return_X_y=True)
    clf = make_pipeline(
        StandardScaler(), DeepNetClassifier(learning_rate=1e-4, max_iter=20)
    )
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        clf.fit(X, y)


def test_a_class_too_rare_to_stratify_falls_back_to_a_random_split():
    X, y = make_classification(200, 5, n_informative=3, random_state=0)
    y = np.where(y == 1, "yes", "no").astype(object)
    y[0] = "rare"  # one sample: no stratified split can hold it
    clf = DeepNetClassifier((8,), early_stopping=True, random_state=0)
    with pytest.warns(UserWarning, match="cannot be stratified by class"):
        clf.fit(X, y)
    assert clf.do_early_stopping_ and "rare" in clf.classes_
    # MLPClassifier accepts the same fit (scikit-learn 1.6's fails on these
    # labels: it calls np.isnan on its object-dtype validation predictions)
    if parse_version(sklearn_version) >= parse_version("1.7"):
        MLPClassifier((8,), early_stopping=True, max_iter=5, random_state=0).fit(X, y)
    # a split that cannot be made at all still fails, naming the problem
    with pytest.raises(
        ValueError, match="sets aside 1 for early stopping, which needs at least 2"
    ):
        DeepNetClassifier(early_stopping=True, validation_fraction=0.001).fit(
            X[:50], y[:50]
        )
