"""The estimators inside scikit-learn's model selection tools."""

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, DeepNetRegressor, layer_grid

ESTIMATORS = pytest.mark.parametrize(
    "estimator", [DeepNetClassifier, DeepNetRegressor], ids=["classifier", "regressor"]
)


def _pipeline(estimator=DeepNetClassifier, **params):
    return Pipeline([("scale", StandardScaler()), ("clf", estimator(**params))])


def test_grid_search_over_depth_width_and_activation_on_digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    pipe = _pipeline(solver="adam", learning_rate=0.01, max_iter=100, random_state=0)
    param_grid = {
        "clf__hidden_layer_sizes": layer_grid([1, 2], [64]),
        "clf__activation": ["relu", "tanh"],
    }
    search = GridSearchCV(pipe, param_grid, cv=3, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)

    results = search.cv_results_
    assert len(results["params"]) == 4
    assert {tuple(p["clf__hidden_layer_sizes"]) for p in results["params"]} == {
        (64,),
        (64, 64),
    }
    assert np.all(np.isfinite(results["mean_test_score"]))
    assert search.best_score_ == pytest.approx(results["mean_test_score"].max())
    best = search.best_estimator_.named_steps["clf"]
    assert best.hidden_layer_sizes == search.best_params_["clf__hidden_layer_sizes"]
    assert best.activation == search.best_params_["clf__activation"]
    assert len(best.coefs_) == len(best.hidden_layer_sizes) + 1
    assert search.score(X_test, y_test) >= 0.97


def test_cross_val_score():
    X, y = load_iris(return_X_y=True)
    pipe = _pipeline(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0)
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=cv)
    assert scores.shape == (5,)
    assert scores.mean() >= 0.9
    # the estimator passed in is cloned, never fitted
    with pytest.raises(NotFittedError):
        pipe.predict(X)


@pytest.mark.parametrize("scoring", ["neg_log_loss", "roc_auc_ovr"])
def test_cross_val_score_with_probability_scorers(scoring):
    X, y = load_iris(return_X_y=True)
    pipe = _pipeline(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=3, scoring=scoring)
    assert np.all(np.isfinite(scores))
    if scoring == "roc_auc_ovr":
        assert scores.mean() > 0.95
    else:
        assert scores.mean() > -0.3  # chance level is -log(3) = -1.10


@ESTIMATORS
def test_clone_keeps_parameters_and_drops_fit(estimator):
    X, y = load_iris(return_X_y=True)
    extra = {}
    if estimator is DeepNetClassifier:
        extra["class_weight"] = {0: 2.0}
    else:
        y = y.astype(float)
    pipe = _pipeline(
        estimator,
        hidden_layer_sizes=(5, 3),
        activation=["tanh", "relu"],
        learning_rate=0.02,
        learning_rate_schedule="adaptive",
        solver="sgd",
        max_iter=5,
        random_state=1,
        **extra,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, y)
    cloned = clone(pipe)
    assert cloned.get_params()["clf__activation"] == ["tanh", "relu"]
    assert cloned.get_params()["clf__learning_rate"] == 0.02
    if extra:
        assert cloned.get_params()["clf__class_weight"] == {0: 2.0}
    clf = cloned.named_steps["clf"]
    assert clf is not pipe.named_steps["clf"]
    assert not hasattr(clf, "coefs_")
    with pytest.raises(NotFittedError):
        cloned.predict(X)


def test_randomized_search():
    X, y = load_iris(return_X_y=True)
    pipe = _pipeline(solver="adam", max_iter=50, random_state=0)
    distributions = {
        "clf__hidden_layer_sizes": layer_grid([0, 1, 2], [4, 8]),
        "clf__learning_rate": loguniform(1e-3, 1e-1),
        "clf__alpha": loguniform(1e-5, 1e-1),
        "clf__init": ["auto", "glorot"],
    }
    search = RandomizedSearchCV(
        pipe, distributions, n_iter=4, cv=3, random_state=0, n_jobs=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    for params in search.cv_results_["params"]:
        assert 1e-3 <= params["clf__learning_rate"] <= 1e-1
        assert params["clf__hidden_layer_sizes"] in layer_grid([0, 1, 2], [4, 8])
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.predict(X).shape == (150,)
    assert search.predict_proba(X).shape == (150, 3)


@ESTIMATORS
def test_grid_search_rejects_mlp_parameter_name(estimator):
    X, y = load_iris(return_X_y=True)
    step = estimator.__name__.lower()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), estimator()),
        {f"{step}__learning_rate_init": [0.01]},
        cv=2,
        error_score="raise",
    )
    with pytest.raises(ValueError, match="'learning_rate'") as excinfo:
        search.fit(X, y)
    assert estimator.__name__.replace("DeepNet", "MLP") in str(excinfo.value)
