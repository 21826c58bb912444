"""Multilabel probabilities where the sigmoids saturate."""

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification

from skdnn import DeepNetClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_ML, Y_ML = make_multilabel_classification(
    n_samples=60, n_features=6, n_classes=4, random_state=0
)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturated_multilabel_probabilities_stay_inside_0_and_1(dtype):
    clf = DeepNetClassifier((8,), solver="lbfgs", max_iter=50, random_state=0)
    clf.fit(X_ML.astype(dtype), Y_ML)
    # logits of several hundred: every sigmoid rounds to exactly 0 or 1
    clf.coefs_ = [W * 100 for W in clf.coefs_]
    proba = clf.predict_proba(X_ML.astype(dtype))
    assert proba.dtype == dtype
    assert (proba > 0).all() and (proba < 1).all()
    assert (proba == np.nextafter(dtype(1), dtype(0))).any()  # really saturated
    np.testing.assert_array_equal(proba > 0.5, clf.predict(X_ML.astype(dtype)))


@pytest.mark.parametrize("scale", [1, 100])
def test_multilabel_proba_and_log_proba_rank_the_labels_alike(scale):
    clf = DeepNetClassifier((8,), solver="lbfgs", max_iter=50, random_state=0)
    clf.fit(X_ML, Y_ML)
    clf.coefs_ = [W * scale for W in clf.coefs_]
    proba, log_proba = clf.predict_proba(X_ML), clf.predict_log_proba(X_ML)
    assert np.isfinite(log_proba).all()
    np.testing.assert_array_equal(proba.argmax(axis=1), log_proba.argmax(axis=1))
    np.testing.assert_array_equal(np.argsort(proba, 1), np.argsort(log_proba, 1))
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-12)
