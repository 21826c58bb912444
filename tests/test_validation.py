"""Every bad input gets a clear error, and a failed fit changes nothing.

Each test asserts on the message, so that a vague error (or NumPy's own words
from inside the maths) fails it.
"""

import os
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, DeepNetRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
CLASSES = [0, 1, 2]
# A multilabel indicator matrix whose three columns all hold 0s and 1s.
Y_MULTI = np.column_stack([Y_IRIS == 0, Y_IRIS == 1, Y_IRIS > 0]).astype(int)
SMALL = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call(*args, **kwargs)


def _fitted(**params):
    return _quiet(DeepNetClassifier(**{**SMALL, **params}).fit, X_IRIS, Y_IRIS)


def _with(a, index, value, dtype=float):
    """A copy of ``a`` with ``a[index] = value``."""
    a = np.array(a, dtype=dtype)
    a[index] = value
    return a


# ----------------------------------------------------------------------
# X
# ----------------------------------------------------------------------
def _call(method, X, y=Y_IRIS):
    """Run ``method`` of DeepNetClassifier on X (fitting first for predictions)."""
    if method == "fit":
        return _quiet(DeepNetClassifier(**SMALL).fit, X, y)
    if method == "partial_fit":
        return DeepNetClassifier(**SMALL).partial_fit(X, y, classes=CLASSES)
    return getattr(_fitted(), method)(X)


METHODS = ["fit", "partial_fit", "predict", "predict_proba", "predict_log_proba"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "value, match",
    [
        (np.nan, "Input X contains NaN"),
        (np.inf, "Input X contains infinity"),
        (-np.inf, "Input X contains infinity"),
    ],
)
def test_non_finite_X_raises(method, value, match):
    with pytest.raises(ValueError, match=match):
        _call(method, _with(X_IRIS, (7, 2), value))


@pytest.mark.parametrize("method", METHODS)
def test_nan_in_sparse_X_raises(method):
    with pytest.raises(ValueError, match="Input X contains NaN"):
        _call(method, sp.csr_matrix(_with(X_IRIS, (7, 2), np.nan)))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "X, match",
    [
        (X_IRIS[:0], r"0 sample\(s\) \(shape=\(0, 4\)\)"),
        (X_IRIS[:, 0], "Expected 2D array, got 1D array"),
        (X_IRIS.reshape(150, 2, 2), "Found array with dim 3"),
        (np.float64(1.5), "Expected 2D array, got scalar array"),
    ],
    ids=["0-samples", "1-D", "3-D", "scalar"],
)
def test_badly_shaped_X_raises(method, X, match):
    y = Y_IRIS[: len(X)] if np.ndim(X) else Y_IRIS
    with pytest.raises(ValueError, match=match):
        _call(method, X, y)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_X_without_features_raises(method):
    with pytest.raises(ValueError, match=r"0 feature\(s\) \(shape=\(150, 0\)\)"):
        _call(method, X_IRIS[:, :0])


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_X_and_y_of_different_lengths_raise(method):
    with pytest.raises(
        ValueError, match=r"inconsistent numbers of samples: \[150, 149"
    ):
        _call(method, X_IRIS, Y_IRIS[:-1])


def _strings():
    return np.array([["1.0", "a"]] * 150)


def _object_with_string():
    return _with(X_IRIS, (3, 1), "tall", dtype=object)


def _frame_with_text():
    return pd.DataFrame({"x": X_IRIS[:, 0], "colour": ["red", "blue"] * 75})


def _frame_with_category():
    colour = pd.Categorical(["red", "blue", "green"] * 50)
    return pd.DataFrame({"x": X_IRIS[:, 0], "colour": colour})


def _bytes():
    return np.array([[b"1", b"x"]] * 150)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "make_X, bad_value",
    [
        (_strings, "a"),
        (_object_with_string, "tall"),
        (_frame_with_text, "red"),
        (_frame_with_category, "red"),
        (_bytes, "x"),
    ],
    ids=["str-array", "object-array", "text-column", "category-column", "bytes"],
)
def test_non_numeric_X_names_the_value_and_the_fix(method, make_X, bad_value):
    X = make_X()
    if method.startswith("predict"):  # a model fitted on as many features
        X_fit = X_IRIS[:, :2]
        if isinstance(X, pd.DataFrame):
            X_fit = pd.DataFrame(X_fit, columns=X.columns)
        model = _quiet(DeepNetClassifier(**SMALL).fit, X_fit, Y_IRIS)
        call = lambda: getattr(model, method)(X)  # noqa: E731
    else:
        call = lambda: _call(method, X)  # noqa: E731
    with pytest.raises(ValueError, match="X must contain numbers only") as excinfo:
        call()
    message = str(excinfo.value)
    assert bad_value in message
    assert "OneHotEncoder" in message


def test_non_numeric_objects_in_X_raise_type_error():
    # A TypeError, as scikit-learn's check_dtype_object expects.
    X = _with(X_IRIS, (0, 0), {"a": 1}, dtype=object)
    with pytest.raises(TypeError, match="X must contain numbers only.*'dict'"):
        _call("fit", X)


@pytest.mark.parametrize("method", METHODS)
def test_ragged_X_raises(method):
    X = [[0.0, 1.0, 2.0, 3.0]] * 149 + [[0.0, 1.0]]
    with pytest.raises(ValueError, match="rows have different lengths"):
        _call(method, X)


@pytest.mark.parametrize("method", METHODS)
def test_complex_X_raises(method):
    with pytest.raises(
        ValueError, match="Complex data not supported: X contains complex numbers"
    ):
        _call(method, X_IRIS + 1j)


def test_complex_y_raises():
    with pytest.raises(
        ValueError, match="Complex data not supported: y contains complex numbers"
    ):
        _call("fit", X_IRIS, Y_IRIS + 0j)


# ----------------------------------------------------------------------
# y
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "y, match",
    [
        (np.zeros(150, dtype=int), "only one class: 0"),
        (np.full(150, "spam"), "only one class: 'spam'"),
        (np.linspace(0, 1, 150), "Unknown label type: continuous"),
        (_with(Y_IRIS, 5, np.nan), "y contains NaN: some samples have no label"),
        (
            np.array(["a", "b", np.nan] * 50, dtype=object),
            "y contains NaN: some samples have no label",
        ),
        (np.r_[np.zeros(75), np.ones(74), np.inf], "Input y contains infinity"),
        (np.array(["a", None] * 75, dtype=object), "labels in y cannot be sorted"),
        (np.array(["a", 1] * 75, dtype=object), "labels in y cannot be sorted"),
        (np.column_stack([Y_IRIS, Y_IRIS]), "MultiOutputClassifier"),
        (None, "requires y to be passed"),
    ],
    ids=[
        "one-class",
        "one-string-class",
        "continuous",
        "nan",
        "nan-object",
        "inf",
        "none-label",
        "mixed-types",
        "multiclass-multioutput",
        "none",
    ],
)
def test_bad_y_raises(y, match):
    with pytest.raises(ValueError, match=match):
        _call("fit", X_IRIS, y)


def test_one_class_names_an_outlier_detector():
    with pytest.raises(ValueError, match="OneClassSVM"):
        _call("fit", X_IRIS, np.ones(150))


def test_multilabel_column_never_one_is_named():
    Y = np.column_stack([Y_MULTI[:, 0], np.zeros(150), Y_MULTI[:, 1], np.zeros(150)])
    with pytest.raises(ValueError, match=r"Column\(s\) \[1, 3\] .* never 1"):
        _call("fit", X_IRIS, Y.astype(int))


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("values", [(1, 2), (0, 2)], ids=["1-2", "0-2"])
def test_multilabel_matrix_of_other_values_than_0_1_is_refused(method, sparse, values):
    # scikit-learn reads any 2-D integer matrix of two values as multilabel;
    # training on 1s and 2s as if they were 0/1 indicators is silently wrong.
    Y = np.where(Y_MULTI == 1, values[1], values[0])
    Y = sp.csr_matrix(Y) if sparse else Y
    with pytest.raises(ValueError, match=r"values .*(other than|only) 0 and 1"):
        _call(method, X_IRIS, Y)


def test_multilabel_column_always_one_is_learned():
    Y = np.column_stack([Y_MULTI, np.ones(150, dtype=int)])
    clf = _quiet(
        DeepNetClassifier((4,), solver="lbfgs", max_iter=50, random_state=0).fit,
        X_IRIS,
        Y,
    )
    assert np.all(clf.predict(X_IRIS)[:, 3] == 1)


def test_partial_fit_batch_may_miss_a_multilabel_column():
    # One mini-batch without a positive of some label is normal.
    clf = DeepNetClassifier(**SMALL).partial_fit(X_IRIS[:50], Y_MULTI[:50])
    assert not Y_MULTI[:50, 1].any()
    clf.partial_fit(X_IRIS[50:], Y_MULTI[50:])
    assert clf.n_iter_ == 2


# ----------------------------------------------------------------------
# Predicting
# ----------------------------------------------------------------------
def test_score_before_fit_raises():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        DeepNetClassifier().score(X_IRIS, Y_IRIS)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
@pytest.mark.parametrize("n_features", [1, 5])
def test_predict_with_other_number_of_features_raises(method, n_features):
    X = np.hstack([X_IRIS, X_IRIS])[:, :n_features]
    with pytest.raises(
        ValueError, match=f"X has {n_features} features, but .* expecting 4 features"
    ):
        getattr(_fitted(), method)(X)


def test_predict_sparse_with_other_number_of_features_raises():
    with pytest.raises(ValueError, match="X has 3 features, but .* expecting 4"):
        _fitted().predict(sp.csr_matrix(X_IRIS[:, :3]))


def _frame(columns="abcd"):
    return pd.DataFrame(X_IRIS, columns=list(columns))


@pytest.mark.parametrize(
    "columns, match",
    [("abcz", "Feature names unseen at fit time:\n- z"), ("dcba", "same order")],
)
def test_predict_with_other_feature_names_raises(columns, match):
    clf = _quiet(DeepNetClassifier(**SMALL).fit, _frame(), Y_IRIS)
    with pytest.raises(ValueError, match="feature names should match") as excinfo:
        clf.predict(_frame(columns))
    assert re.search(match, str(excinfo.value))


def test_predict_without_feature_names_warns():
    clf = _quiet(DeepNetClassifier(**SMALL).fit, _frame(), Y_IRIS)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        clf.predict(X_IRIS)


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_continuing_with_other_feature_names_raises(how):
    if how == "partial_fit":
        clf = DeepNetClassifier(**SMALL).partial_fit(_frame(), Y_IRIS, classes=CLASSES)
        call = clf.partial_fit
    else:
        clf = _quiet(DeepNetClassifier(**SMALL, warm_start=True).fit, _frame(), Y_IRIS)
        call = clf.fit
    proba = clf.predict_proba(_frame())
    with pytest.raises(ValueError, match="feature names should match"):
        call(_frame("abcz"), Y_IRIS)
    np.testing.assert_array_equal(clf.predict_proba(_frame()), proba)
    np.testing.assert_array_equal(clf.feature_names_in_, list("abcd"))


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_continuing_with_other_number_of_features_raises(how):
    if how == "partial_fit":
        clf = DeepNetClassifier(**SMALL).partial_fit(X_IRIS, Y_IRIS, classes=CLASSES)
        call = lambda: clf.partial_fit(X_IRIS[:, :3], Y_IRIS)  # noqa: E731
    else:
        clf = _fitted(warm_start=True)
        call = lambda: clf.fit(X_IRIS[:, :3], Y_IRIS)  # noqa: E731
    with pytest.raises(ValueError, match="X has 3 features, but .* expecting 4"):
        call()


# ----------------------------------------------------------------------
# partial_fit
# ----------------------------------------------------------------------
def test_partial_fit_first_call_without_classes_says_what_to_pass():
    with pytest.raises(
        ValueError, match=r"classes must be passed on the first call.*np\.unique\(y\)"
    ):
        DeepNetClassifier(**SMALL).partial_fit(X_IRIS, Y_IRIS)


def test_partial_fit_with_unseen_labels_names_them():
    clf = DeepNetClassifier(**SMALL).partial_fit(
        X_IRIS[:100], Y_IRIS[:100], classes=[0, 1]
    )
    with pytest.raises(
        ValueError, match=r"y has labels \[2\] that are not in classes_=\[0, 1\]"
    ):
        clf.partial_fit(X_IRIS, Y_IRIS)


def test_partial_fit_with_other_classes_names_both():
    clf = DeepNetClassifier(**SMALL).partial_fit(X_IRIS, Y_IRIS, classes=CLASSES)
    with pytest.raises(
        ValueError,
        match=r"classes=\[0, 1, 2, 3\] is not the same as classes_=\[0, 1, 2\]",
    ):
        clf.partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2, 3])
    clf.partial_fit(X_IRIS, Y_IRIS, classes=[2, 0, 1])  # the same set is fine


@pytest.mark.parametrize(
    "classes, match",
    [
        ([[0, 1, 2]], r"1-D array-like .* got classes=\[\[0, 1, 2\]\]"),
        (3, "1-D array-like .* got classes=3"),
        ([], r"non-empty 1-D array-like .* got classes=\[\]"),
        ([0, 1, 2, np.nan], r"classes contains missing values \[nan\]"),
        (["a", None, "b"], r"classes contains missing values \[None\]"),
        ([0], "classes contains only one class: 0"),
        ([0, 1], r"y has labels \[2\] that are not in classes=\[0, 1\]"),
    ],
    ids=["2-D", "scalar", "empty", "nan", "none", "one-class", "too-few"],
)
def test_partial_fit_with_bad_classes_raises(classes, match):
    y = Y_IRIS[:50] if classes == [0] else Y_IRIS
    with pytest.raises(ValueError, match=match):
        DeepNetClassifier(**SMALL).partial_fit(X_IRIS[: len(y)], y, classes=classes)


def test_partial_fit_multilabel_classes_must_be_column_indices():
    with pytest.raises(ValueError, match=r"column indices \[0, 1, 2\]; got classes"):
        DeepNetClassifier(**SMALL).partial_fit(X_IRIS, Y_MULTI, classes=[0, 1])
    clf = DeepNetClassifier(**SMALL).partial_fit(X_IRIS, Y_MULTI, classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


@pytest.mark.parametrize(
    "first, then, match",
    [
        (Y_MULTI, Y_IRIS, "y holds class labels, but .* multilabel indicator matrix"),
        (Y_IRIS, Y_MULTI, r"y holds a multilabel .* class labels \(classes_="),
        (Y_MULTI, np.hstack([Y_MULTI, Y_MULTI]), "y has 6 label columns, .* on 3"),
    ],
    ids=["multilabel-then-labels", "labels-then-multilabel", "more-columns"],
)
@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_continuing_with_another_kind_of_y_raises(first, then, match, how):
    if how == "partial_fit":
        classes = None if first.ndim == 2 else CLASSES
        clf = DeepNetClassifier(**SMALL).partial_fit(X_IRIS, first, classes=classes)
        fix = "same kind to every partial_fit call"
        call = clf.partial_fit
    else:
        clf = _quiet(DeepNetClassifier(**SMALL, warm_start=True).fit, X_IRIS, first)
        fix = "Set warm_start=False"
        call = clf.fit
    with pytest.raises(ValueError, match=match) as excinfo:
        call(X_IRIS, then)
    assert fix in str(excinfo.value)


LBFGS_MESSAGE = (
    r"partial_fit is only available for the stochastic solvers .* "
    r"solver='lbfgs' is not one\. Use fit, or set solver='adam' or 'sgd'"
)


def test_partial_fit_with_lbfgs_names_the_solver_and_the_fix():
    clf = DeepNetClassifier(solver="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError, match=LBFGS_MESSAGE):
        clf.partial_fit(X_IRIS, Y_IRIS, classes=CLASSES)
    # also when called through the class, e.g. by a monkeypatching test
    with pytest.raises(AttributeError, match=LBFGS_MESSAGE):
        DeepNetClassifier.partial_fit(clf, X_IRIS, Y_IRIS, classes=CLASSES)
    assert not hasattr(clf, "classes_")


def test_partial_fit_is_a_documented_method_on_the_class():
    assert "one epoch" in DeepNetClassifier.partial_fit.__doc__
    clf = DeepNetClassifier(**SMALL)
    DeepNetClassifier.partial_fit(clf, X_IRIS, Y_IRIS, classes=CLASSES)
    assert clf.n_iter_ == 1


# ----------------------------------------------------------------------
# Sample and class weights
# ----------------------------------------------------------------------
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (np.ones(149), r"sample_weight has shape \(149,\), but X has 150 samples"),
        (np.ones((150, 1)), r"sample_weight has shape \(150, 1\), but X has 150"),
        (
            _with(np.ones(150), 4, -0.5),
            r"sample_weight must be >= 0, but sample_weight\[4\]=-0.5",
        ),
        (
            _with(np.ones(150), 9, np.nan),
            r"sample_weight must be finite, but sample_weight\[9\]=nan",
        ),
        (
            _with(np.ones(150), 2, np.inf),
            r"sample_weight must be finite, but sample_weight\[2\]=inf",
        ),
        (np.nan, r"sample_weight must be finite, but sample_weight\[0\]=nan"),
        (np.zeros(150), "sample_weight is zero for every sample"),
        (0.0, "sample_weight is zero for every sample"),
        (["heavy"] * 150, "sample_weight must be numbers.*'heavy'"),
    ],
    ids=[
        "short",
        "2-D",
        "negative",
        "nan",
        "inf",
        "nan-scalar",
        "all-zero",
        "zero-scalar",
        "strings",
    ],
)
def test_bad_sample_weight_raises(method, sample_weight, match):
    clf = DeepNetClassifier(**SMALL)
    with pytest.raises(ValueError, match=match):
        if method == "fit":
            _quiet(clf.fit, X_IRIS, Y_IRIS, sample_weight=sample_weight)
        else:
            clf.partial_fit(X_IRIS, Y_IRIS, CLASSES, sample_weight=sample_weight)


@pytest.mark.parametrize(
    "class_weight, y, match",
    [
        (
            {7: 2.0, 0: 1.0},
            Y_IRIS,
            r"class_weight names classes \[7\] that are not in classes_=\[0, 1, 2\]",
        ),
        (
            {"setosa": 2.0},
            Y_IRIS,
            r"class_weight names classes \['setosa'\] that are not in classes_",
        ),
        (
            {0: 2.0},
            np.array(["a", "b", "c"])[Y_IRIS],
            r"class_weight names classes \[0\] that are not in classes_=\['a'",
        ),
        ({1: -1.0}, Y_IRIS, r"class_weight\[1\]=-1.0, but class weights must be"),
        ({1: np.nan}, Y_IRIS, r"class_weight\[1\]=nan, but class weights must be"),
        ({1: np.inf}, Y_IRIS, r"class_weight\[1\]=inf, but class weights must be"),
        ({1: "high"}, Y_IRIS, r"class_weight\[1\]='high', but class weights must"),
        ({0: 0, 1: 0, 2: 0}, Y_IRIS, r"sample weights \(times class_weight\) sum"),
        ({0: 2.0}, Y_MULTI, "class_weight is not supported for multilabel y"),
    ],
    ids=[
        "absent-int",
        "absent-str",
        "int-for-str-labels",
        "negative",
        "nan",
        "inf",
        "string",
        "all-zero",
        "multilabel",
    ],
)
def test_bad_class_weight_raises(class_weight, y, match):
    with pytest.raises(ValueError, match=match):
        _quiet(DeepNetClassifier(**SMALL, class_weight=class_weight).fit, X_IRIS, y)


# ----------------------------------------------------------------------
# Hyperparameters
# ----------------------------------------------------------------------
BAD_PARAMS = [
    ({"hidden_layer_sizes": -1}, "'hidden_layer_sizes' parameter .* Got -1"),
    ({"hidden_layer_sizes": (3, -1)}, r"hidden_layer_sizes .* got \(3, -1\)"),
    ({"hidden_layer_sizes": (3, 0)}, r"hidden_layer_sizes .* got \(3, 0\)"),
    ({"hidden_layer_sizes": (2.5,)}, r"hidden_layer_sizes .* got \(2.5,\)"),
    ({"hidden_layer_sizes": (3, 2.5)}, r"hidden_layer_sizes .* got \(3, 2.5\)"),
    ({"hidden_layer_sizes": [[3, 4]]}, r"hidden_layer_sizes .* got \[\[3, 4\]\]"),
    ({"hidden_layer_sizes": "wide"}, "'hidden_layer_sizes' parameter .* Got 'wide'"),
    ({"hidden_layer_sizes": True}, "hidden_layer_sizes .* got True"),
    ({"hidden_layer_sizes": None}, "'hidden_layer_sizes' parameter .* Got None"),
    ({"activation": "softmax"}, "'activation' parameter .* Got 'softmax'"),
    ({"activation": "softplus"}, "'activation' parameter .* Got 'softplus'"),
    ({"activation": None}, "'activation' parameter .* Got None"),
    (
        {"activation": ["relu", "swish"], "hidden_layer_sizes": (3, 3)},
        "Unknown activation 'swish' in activation=",
    ),
    ({"activation": [["relu"]]}, r"Unknown activation \['relu'\] in activation="),
    (
        {"activation": ["relu"], "hidden_layer_sizes": (3, 3)},
        r"activation=\['relu'\] gives 1 activations but hidden_layer_sizes=\(3, 3\)",
    ),
    (
        {"activation": ["relu", "tanh"], "hidden_layer_sizes": ()},
        r"gives 2 activations but hidden_layer_sizes=\(\) has 0 hidden layers",
    ),
    ({"batch_size": 0}, "'batch_size' parameter .* Got 0"),
    ({"batch_size": -5}, "'batch_size' parameter .* Got -5"),
    ({"batch_size": 1.5}, "'batch_size' parameter .* Got 1.5"),
    ({"batch_size": "all"}, "'batch_size' parameter .* Got 'all'"),
    ({"batch_size": True}, "batch_size=True is a bool"),
    ({"validation_fraction": 0.0}, r"'validation_fraction' .* \(0.0, 1.0\)"),
    ({"validation_fraction": 1.0}, r"'validation_fraction' .* Got 1.0"),
    ({"validation_fraction": -0.2}, r"'validation_fraction' .* Got -0.2"),
    ({"learning_rate": 0.0}, "'learning_rate' parameter .* Got 0.0"),
    ({"learning_rate": -0.1}, "'learning_rate' parameter .* Got -0.1"),
    ({"learning_rate": np.nan}, "'learning_rate' parameter .* Got nan"),
    ({"learning_rate": np.inf}, "'learning_rate' parameter .* Got inf"),
    ({"learning_rate": None}, "'learning_rate' parameter .* Got None"),
    ({"learning_rate": True}, "learning_rate=True is a bool"),
    (
        {"learning_rate": "adaptive"},
        "learning_rate='adaptive' is a string.*learning_rate_schedule='adaptive'",
    ),
    (
        {"learning_rate": "constant"},
        "learning_rate='constant' is a string.*learning_rate_schedule='constant'",
    ),
    ({"learning_rate_schedule": "optimal"}, "'learning_rate_schedule' parameter"),
    ({"solver": "newton"}, "'solver' parameter .* Got 'newton'"),
    ({"solver": "LBFGS"}, "'solver' parameter .* Got 'LBFGS'"),
    ({"alpha": -1e-4}, "'alpha' parameter .* Got -0.0001"),
    ({"alpha": np.inf}, "'alpha' parameter .* Got inf"),
    ({"max_iter": 0}, "'max_iter' parameter .* Got 0"),
    ({"max_iter": 10.5}, "'max_iter' parameter .* Got 10.5"),
    ({"max_iter": True}, "max_iter=True is a bool"),
    ({"power_t": -0.5}, "'power_t' parameter .* Got -0.5"),
    ({"momentum": 1.5}, "'momentum' parameter .* Got 1.5"),
    ({"momentum": -0.1}, "'momentum' parameter .* Got -0.1"),
    ({"nesterovs_momentum": "yes"}, "'nesterovs_momentum' parameter"),
    ({"beta_1": 1.0}, "'beta_1' parameter .* Got 1.0"),
    ({"beta_2": -0.1}, "'beta_2' parameter .* Got -0.1"),
    ({"epsilon": 0.0}, "'epsilon' parameter .* Got 0.0"),
    ({"init": "zeros"}, "'init' parameter .* Got 'zeros'"),
    ({"early_stopping": 1}, "'early_stopping' parameter .* Got 1"),
    ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter .* Got 0"),
    ({"n_iter_no_change": -np.inf}, "'n_iter_no_change' parameter .* Got -inf"),
    ({"tol": -1.0}, "'tol' parameter .* Got -1.0"),
    ({"tol": np.nan}, "'tol' parameter .* Got nan"),
    ({"shuffle": "yes"}, "'shuffle' parameter .* Got 'yes'"),
    ({"class_weight": "auto"}, "'class_weight' parameter .* Got 'auto'"),
    ({"class_weight": [1.0, 2.0]}, "'class_weight' parameter"),
    ({"random_state": "seed"}, "'random_state' parameter .* Got 'seed'"),
    ({"random_state": -1}, "'random_state' parameter .* Got -1"),
    ({"warm_start": None}, "'warm_start' parameter .* Got None"),
    ({"verbose": -1}, "'verbose' parameter .* Got -1"),
    ({"max_fun": 0}, "'max_fun' parameter .* Got 0"),
]


# Every parameter but class_weight (the classifier's own) applies to both.
BAD_PARAM_CASES = [
    pytest.param(estimator, params, match, id=f"{estimator.__name__}-{params}")
    for estimator in (DeepNetClassifier, DeepNetRegressor)
    for params, match in BAD_PARAMS
    if estimator is DeepNetClassifier or "class_weight" not in params
]


def _target(estimator):
    """y for ``estimator``: the iris labels, as real numbers for the regressor."""
    return Y_IRIS.astype(float) if estimator is DeepNetRegressor else Y_IRIS


@pytest.mark.parametrize("estimator, params, match", BAD_PARAM_CASES)
def test_invalid_hyperparameter_is_named(estimator, params, match):
    with pytest.raises(ValueError, match=match):
        estimator(**params).fit(X_IRIS, _target(estimator))


@pytest.mark.parametrize("estimator", [DeepNetClassifier, DeepNetRegressor])
@pytest.mark.parametrize(
    "params, match",
    [
        ({"batch_size": 0}, "'batch_size' parameter .* Got 0"),
        ({"learning_rate": "adaptive"}, "learning_rate_schedule='adaptive'"),
        ({"activation": "softplus"}, "'activation' parameter .* Got 'softplus'"),
    ],
)
def test_partial_fit_validates_hyperparameters(estimator, params, match):
    classes = {"classes": CLASSES} if estimator is DeepNetClassifier else {}
    with pytest.raises(ValueError, match=match):
        estimator(**params).partial_fit(X_IRIS, _target(estimator), **classes)


def _rows_per_class(counts):
    counts = np.broadcast_to(counts, 3)
    return np.concatenate(
        [np.flatnonzero(Y_IRIS == c)[:n] for c, n in enumerate(counts)]
    )


def test_early_stopping_falls_back_to_a_random_split_for_a_rare_class():
    rows = _rows_per_class([10, 10, 1])
    clf = DeepNetClassifier(**SMALL, early_stopping=True, validation_fraction=0.2)
    with pytest.warns(UserWarning, match="cannot be stratified by class") as record:
        _quiet(clf.fit, X_IRIS[rows], Y_IRIS[rows])
    assert "only 1 member" in str(record[0].message)
    assert clf.do_early_stopping_ and len(clf.classes_) == 3


def test_early_stopping_without_room_for_a_validation_set_says_so():
    rows = _rows_per_class(2)  # 6 samples: a tenth of them is 1
    clf = DeepNetClassifier(**SMALL, early_stopping=True, validation_fraction=0.1)
    with pytest.raises(
        ValueError, match="sets aside 1 for early stopping, which needs at least 2"
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            _quiet(clf.fit, X_IRIS[rows], Y_IRIS[rows])
    assert not hasattr(clf, "coefs_")


# ----------------------------------------------------------------------
# A failed fit or partial_fit leaves the fitted model as it was
# ----------------------------------------------------------------------
def _state(clf):
    """Everything fit may change: all attributes but the parameters, pickled."""
    params = clf.get_params(deep=False)
    return pickle.dumps({k: v for k, v in vars(clf).items() if k not in params})


FAILURES = {
    # name: (how to spoil X, y, sample_weight or the estimator; expected message)
    "0-samples": (lambda X, y, sw, clf: (X[:0], y[:0], None), "0 sample"),
    "1-D": (lambda X, y, sw, clf: (X[:, 0], y, sw), "Expected 2D array"),
    "3-D": (lambda X, y, sw, clf: (X.reshape(-1, 2, 2), y, sw), "dim 3"),
    "length": (lambda X, y, sw, clf: (X, y[:-1], sw), "inconsistent numbers"),
    "strings": (
        lambda X, y, sw, clf: (X.astype(str).astype(object) + "cm", y, sw),
        "numbers only",
    ),
    "ragged": (
        lambda X, y, sw, clf: (X.tolist()[:-1] + [[1.0]], y, sw),
        "different lengths",
    ),
    "complex": (lambda X, y, sw, clf: (X + 1j, y, sw), "Complex data"),
    "continuous-y": (
        lambda X, y, sw, clf: (X, y + np.linspace(0, 0.5, len(y)), sw),
        "continuous",
    ),
    "nan-y": (lambda X, y, sw, clf: (X, _with(y, 0, np.nan), sw), "y contains"),
    "mixed-y": (
        lambda X, y, sw, clf: (X, np.array(["a", 1] * 75, dtype=object), sw),
        "cannot be sorted",
    ),
    "multilabel-y": (lambda X, y, sw, clf: (X, Y_MULTI, sw), "multilabel"),
    "sample-weight-short": (
        lambda X, y, sw, clf: (X, y, np.ones(len(y) - 1)),
        "sample_weight has shape",
    ),
    "sample-weight-negative": (
        lambda X, y, sw, clf: (X, y, -np.ones(len(y))),
        "sample_weight must be >= 0",
    ),
    "sample-weight-nan": (
        lambda X, y, sw, clf: (X, y, _with(np.ones(len(y)), 1, np.nan)),
        "sample_weight must be finite",
    ),
    "sample-weight-zero": (
        lambda X, y, sw, clf: (X, y, np.zeros(len(y))),
        "zero for every sample",
    ),
    "class-weight-absent": (
        lambda X, y, sw, clf: (clf.set_params(class_weight={9: 2.0}), X, y, sw)[1:],
        "class_weight names classes",
    ),
    "class-weight-negative": (
        lambda X, y, sw, clf: (clf.set_params(class_weight={1: -2.0}), X, y, sw)[1:],
        "class weights must be",
    ),
    "invalid-parameter": (
        lambda X, y, sw, clf: (clf.set_params(batch_size=0), X, y, sw)[1:],
        "'batch_size' parameter",
    ),
    "other-architecture": (
        lambda X, y, sw, clf: (clf.set_params(hidden_layer_sizes=(5,)), X, y, sw)[1:],
        "hidden layers",
    ),
}

FIT_ONLY = {"class-weight-negative", "invalid-parameter"}
# Errors that only continuing (warm_start, partial_fit) can meet.
CONTINUING_ONLY = {"other-architecture", "multilabel-y"}


def _trained(how):
    params = dict(hidden_layer_sizes=(6,), solver="sgd", learning_rate=0.1)
    params.update(batch_size=16, random_state=0)
    if how == "partial_fit":
        clf = DeepNetClassifier(**params)
        for _ in range(3):
            clf.partial_fit(X_IRIS, Y_IRIS, classes=CLASSES)
        return clf
    clf = DeepNetClassifier(**params, max_iter=5, warm_start=how == "warm_start")
    return _quiet(clf.fit, X_IRIS, Y_IRIS)


CASES = [
    (how, failure)
    for how in ["fit", "warm_start", "partial_fit"]
    for failure in FAILURES
    if not (how == "fit" and failure in CONTINUING_ONLY)
    and not (how == "partial_fit" and failure in FIT_ONLY)
]


@pytest.mark.parametrize("how, failure", CASES, ids=[f"{h}-{f}" for h, f in CASES])
def test_failed_fit_leaves_the_fitted_model_as_it_was(how, failure):
    clf = _trained(how)
    proba, labels, state = clf.predict_proba(X_IRIS), clf.predict(X_IRIS), _state(clf)
    spoil, match = FAILURES[failure]
    X, y, sw = spoil(X_IRIS.copy(), Y_IRIS.copy(), None, clf)
    call = clf.partial_fit if how == "partial_fit" else clf.fit
    with pytest.raises(ValueError, match=match):
        call(X, y, sample_weight=sw)
    np.testing.assert_array_equal(clf.predict_proba(X_IRIS), proba)
    np.testing.assert_array_equal(clf.predict(X_IRIS), labels)
    assert _state(clf) == state


@pytest.mark.parametrize(
    "spoil, match",
    [
        (dict(classes=[0, 1, 2, 3]), "is not the same as classes_"),
        (dict(classes=[[0, 1, 2]]), "1-D array-like"),
        (dict(y=np.where(Y_IRIS == 2, 5, Y_IRIS)), r"y has labels \[5\]"),
    ],
    ids=["other-classes", "2-D-classes", "unseen-label"],
)
def test_failed_partial_fit_with_bad_classes_leaves_the_model(spoil, match):
    clf = _trained("partial_fit")
    proba, state = clf.predict_proba(X_IRIS), _state(clf)
    y, classes = spoil.get("y", Y_IRIS), spoil.get("classes")
    with pytest.raises(ValueError, match=match):
        clf.partial_fit(X_IRIS, y, classes=classes)
    np.testing.assert_array_equal(clf.predict_proba(X_IRIS), proba)
    assert _state(clf) == state


def test_partial_fit_after_switching_to_lbfgs_leaves_the_model():
    clf = _trained("partial_fit")
    proba, state = clf.predict_proba(X_IRIS), _state(clf)
    clf.set_params(solver="lbfgs")
    with pytest.raises(AttributeError, match=LBFGS_MESSAGE):
        clf.partial_fit(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(clf.predict_proba(X_IRIS), proba)
    assert _state(clf) == state


# scikit-learn refuses array_api_dispatch unless SciPy was imported under
# SCIPY_ARRAY_API=1: .ci/run runs these (and the estimator checks' array API
# checks) in a step of their own with it set.
ARRAY_API = os.environ.get("SCIPY_ARRAY_API") == "1"


@pytest.mark.skipif(not ARRAY_API, reason="needs SCIPY_ARRAY_API=1 at start-up")
def test_array_api_dispatch_with_numpy_arrays_trains_as_without_it():
    import sklearn

    plain = DeepNetClassifier(**SMALL).fit(X_IRIS, Y_IRIS)
    with sklearn.config_context(array_api_dispatch=True):
        dispatched = DeepNetClassifier(**SMALL).fit(X_IRIS, Y_IRIS)
        proba = dispatched.predict_proba(X_IRIS)
    assert type(proba) is np.ndarray
    np.testing.assert_array_equal(proba, plain.predict_proba(X_IRIS))


@pytest.mark.skipif(not ARRAY_API, reason="needs SCIPY_ARRAY_API=1 at start-up")
@pytest.mark.parametrize("name", ["X", "y", "sample_weight", "predict"])
def test_array_api_dispatch_refuses_other_namespaces_by_name(name):
    import sklearn

    xp = pytest.importorskip("array_api_strict")
    X, y, weights = X_IRIS, Y_IRIS, np.ones(len(Y_IRIS))
    fitted = DeepNetRegressor(**SMALL).fit(X, y)
    before = fitted.coefs_[0].copy()
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(
            TypeError,
            match=f"{name if name != 'predict' else 'X'} "
            "must be a NumPy array .* not an array of array_api_strict",
        ):
            if name == "predict":
                fitted.predict(xp.asarray(X))
            elif name == "X":
                fitted.fit(xp.asarray(X), y)
            elif name == "y":
                fitted.fit(X, xp.asarray(y.astype(float)))
            else:
                fitted.fit(X, y, sample_weight=xp.asarray(weights))
    np.testing.assert_array_equal(fitted.coefs_[0], before)
