"""ONNX export (skdnn.onnx): onnxruntime's predictions equal the estimators'.

Skipped where skl2onnx or onnxruntime is not installed (both are in the test
extra).
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.datasets import (
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdnn import DeepNetClassifier, DeepNetRegressor

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
skdnn_onnx = pytest.importorskip("skdnn.onnx")

# rounding of the dtype: the graph runs the same equations in another order
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}
ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "selu", "mish"]


@pytest.fixture(autouse=True)
def _quiet_short_fits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _session(onx):
    onnx.checker.check_model(onx, full_check=True)
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def _run(onx, X):
    session = _session(onx)
    return session.run(None, {session.get_inputs()[0].name: X})


def _fit(estimator, X, y, dtype):
    return estimator.fit(X.astype(dtype), y)


def _and_beyond(X):
    """The rows of X, and rows beyond its range (where the input layers extrapolate)."""
    return np.vstack([X, 3.0 * X])


def _assert_labels_equal(labels, expected, proba, tolerance):
    """Labels equal wherever the top two probabilities are not tied."""
    top_two = np.sort(proba, axis=1)[:, -2:]
    clear = top_two[:, 1] - top_two[:, 0] > 10 * tolerance
    assert clear.mean() > 0.9  # the comparison covers most rows
    np.testing.assert_array_equal(labels[clear], expected[clear])


def _classification(kind):
    if kind == "multilabel":
        return make_multilabel_classification(
            160, 6, n_classes=3, random_state=0, allow_unlabeled=True
        )
    X, y = make_classification(
        160,
        6,
        n_informative=4,
        n_classes=2 if kind == "binary" else 3,
        random_state=0,
    )
    if kind == "strings":
        y = np.array(["setosa", "versicolor", "virginica"])[y]
    return X, y


def _check_classifier(clf, X, dtype, options=None):
    X = _and_beyond(X).astype(dtype)
    options = {"zipmap": False} if options is None else options
    onx = skdnn_onnx.to_onnx(clf, X[:1], options=options)
    labels, proba = _run(onx, X)
    tolerance = TOLERANCE[dtype]
    expected = clf.predict_proba(X)
    assert proba.dtype == dtype and proba.shape == expected.shape
    np.testing.assert_allclose(proba, expected, rtol=0, atol=tolerance)
    predicted = clf.predict(X)
    if predicted.ndim == 2:  # multilabel: the 0/1 indicator matrix
        assert labels.dtype == np.int64
        clear = np.abs(proba - 0.5) > 10 * tolerance
        np.testing.assert_array_equal(labels[clear], predicted[clear])
    else:
        _assert_labels_equal(labels, predicted, proba, tolerance)
    return labels, proba


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_with_and_without_batch_norm_predicts_as_skdnn(
    activation, batch_norm, dtype
):
    X, y = _classification("multiclass")
    clf = DeepNetClassifier(
        (7, 5),
        activation=activation,
        batch_norm=batch_norm,
        dropout=0.1,
        max_iter=15,
        random_state=0,
    )
    _check_classifier(_fit(clf, X, y, dtype), X, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_layer_activations_and_a_leaky_slope_are_exported(dtype):
    X, y = _classification("multiclass")
    clf = DeepNetClassifier(
        (6, 6, 4),
        activation=["leaky_relu", "selu", "tanh"],
        leaky_relu_slope=0.2,
        max_iter=15,
        random_state=0,
    )
    _check_classifier(_fit(clf, X, y, dtype), X, dtype)


NETWORKS = {
    "plain": {},
    "batch_norm": {"batch_norm": True},
    "inputs_and_members": {
        "input_scaling": "robust",
        "numerical_embedding": "piecewise_linear",
        "n_members": 3,
    },
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("kind", ["binary", "multiclass", "strings", "multilabel"])
def test_classifier_graphs_predict_as_skdnn(kind, network, dtype):
    X, y = _classification(kind)
    clf = DeepNetClassifier((8,), max_iter=15, random_state=0, **NETWORKS[network])
    labels, _ = _check_classifier(_fit(clf, X, y, dtype), X, dtype)
    if kind == "strings":
        assert set(labels) <= set(clf.classes_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("n_targets", [1, 3])
def test_regressor_graphs_predict_as_skdnn(n_targets, network, dtype):
    X, y = make_regression(160, 6, n_targets=n_targets, noise=5, random_state=0)
    y = 30 * y + 1000  # the target scaling folded into the output layer
    reg = _fit(
        DeepNetRegressor((8,), max_iter=15, random_state=0, **NETWORKS[network]),
        X,
        y,
        dtype,
    )
    Xd = _and_beyond(X).astype(dtype)
    (output,) = _run(skdnn_onnx.to_onnx(reg, Xd[:1]), Xd)
    expected = reg.predict(Xd).reshape(len(Xd), n_targets)
    assert output.dtype == dtype and output.shape == expected.shape
    scale = np.abs(expected).max()
    np.testing.assert_allclose(output, expected, rtol=0, atol=TOLERANCE[dtype] * scale)


@pytest.mark.parametrize("target_opset", [13, 15, None])
def test_members_are_averaged_before_and_after_opset_18(target_opset):
    # ReduceMean takes its axes as an attribute before opset 18, an input after
    X, y = _classification("multiclass")
    clf = DeepNetClassifier((8,), n_members=4, max_iter=15, random_state=0).fit(X, y)
    onx = skdnn_onnx.to_onnx(
        clf, X[:1], target_opset=target_opset, options={"zipmap": False}
    )
    _, proba = _run(onx, X)
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=1e-12)
    reg = DeepNetRegressor((8,), n_members=4, max_iter=15, random_state=0).fit(X, y)
    (output,) = _run(skdnn_onnx.to_onnx(reg, X[:1], target_opset=target_opset), X)
    expected = reg.predict(X)
    np.testing.assert_allclose(
        output[:, 0], expected, atol=1e-12 * np.abs(expected).max()
    )


def test_classifier_options_are_skl2onnx_s():
    X, y = load_iris(return_X_y=True)
    X = X.astype(np.float32)
    clf = DeepNetClassifier((8,), max_iter=30, random_state=0).fit(X, y)
    expected = clf.predict_proba(X)

    labels, zipped = _run(skdnn_onnx.to_onnx(clf, X[:1]), X)  # zipmap by default
    assert [sorted(row) for row in zipped[:2]] == [[0, 1, 2], [0, 1, 2]]
    np.testing.assert_allclose(
        [[row[c] for c in (0, 1, 2)] for row in zipped], expected, atol=1e-5
    )

    columns = _run(skdnn_onnx.to_onnx(clf, X[:1], options={"zipmap": "columns"}), X)
    np.testing.assert_allclose(np.column_stack(columns[1:]), expected, atol=1e-5)

    y_text = np.array(["a", "b", "c"])[y]
    clf_text = DeepNetClassifier((8,), max_iter=30, random_state=0).fit(X, y_text)
    options = {"zipmap": False, "nocl": True}  # labels as 0, ..., n_classes - 1
    labels, proba = _run(skdnn_onnx.to_onnx(clf_text, X[:1], options=options), X)
    assert labels.dtype == np.int64
    indices = np.searchsorted(clf_text.classes_, clf_text.predict(X))
    _assert_labels_equal(labels, indices, proba, 1e-5)

    options = {"zipmap": False, "output_class_labels": True}  # and classes_
    _, _, class_labels = _run(skdnn_onnx.to_onnx(clf_text, X[:1], options=options), X)
    np.testing.assert_array_equal(class_labels, clf_text.classes_)


LABELS = {
    "negative_ints": np.array([-3, 7]),
    "three_ints": np.array([10, -1, 4]),
    "bools": np.array([False, True]),
    "whole_floats": np.array([1.0, 3.0, 5.0]),
    "two_strings": np.array(["no", "yes"]),
}


@pytest.mark.parametrize("zipmap", [False, True])
@pytest.mark.parametrize("labels", list(LABELS))
def test_labels_are_the_classes_not_their_indices(labels, zipmap):
    classes = LABELS[labels]
    X, y = make_classification(
        150, 5, n_informative=3, n_classes=len(classes), random_state=0
    )
    X, y = X.astype(np.float32), classes[y]  # ZipMap takes float32
    clf = DeepNetClassifier((8,), max_iter=30, random_state=0).fit(X, y)
    onx = skdnn_onnx.to_onnx(clf, X[:1], options={"zipmap": zipmap})
    predicted, proba = _run(onx, X)
    if zipmap:  # a list of {class: probability}, keyed by the ONNX labels
        keys = sorted(proba[0])
        assert keys == sorted(np.asarray(classes).astype(predicted.dtype))
        proba = np.array([[row[k] for k in keys] for row in proba])
    expected = clf.predict(X)
    assert predicted.dtype.kind == ("O" if labels == "two_strings" else "i")
    _assert_labels_equal(predicted.astype(expected.dtype), expected, proba, 1e-5)


def test_a_float64_graph_needs_zipmap_off_and_says_so():
    X, y = load_iris(return_X_y=True)
    clf = DeepNetClassifier((8,), max_iter=15, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="ZipMap takes float32"):
        skdnn_onnx.to_onnx(clf, X[:1])
    columns = _run(skdnn_onnx.to_onnx(clf, X[:1], options={"zipmap": "columns"}), X)
    np.testing.assert_allclose(
        np.column_stack(columns[1:]), clf.predict_proba(X), rtol=0, atol=1e-12
    )


def test_a_multilabel_model_needs_zipmap_off_and_says_so():
    X, y = _classification("multilabel")
    clf = DeepNetClassifier((8,), max_iter=15, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match='options=\\{"zipmap": False\\}'):
        skdnn_onnx.to_onnx(clf, X[:1])
    _check_classifier(clf, X, np.float64, options={"zipmap": False})


@pytest.mark.parametrize(
    "trained, sample", [(np.float32, np.float64), (np.float64, np.float32)]
)
def test_a_graph_of_the_other_dtype_predicts_to_float32_rounding(trained, sample):
    X, y = _classification("multiclass")
    clf = _fit(
        DeepNetClassifier((8,), batch_norm=True, max_iter=15, random_state=0),
        X,
        y,
        trained,
    )
    onx = skdnn_onnx.to_onnx(clf, X[:1].astype(sample), options={"zipmap": False})
    _, proba = _run(onx, X.astype(sample))
    assert proba.dtype == sample
    np.testing.assert_allclose(proba, clf.predict_proba(X.astype(trained)), atol=1e-5)


def test_a_model_converted_by_a_callback_while_it_trains_predicts_as_its_copy():
    # the copy a callback gets holds W[L], b[L] in the scaled targets' units
    callback = pytest.importorskip("sklearn.callback")  # noqa: F841

    class Snapshots:
        def __init__(self):
            self.fitted = []

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
            pass

        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
            if fitted_estimator is not None:
                self.fitted.append(fitted_estimator)

    X, y = make_regression(120, 4, noise=1, random_state=0)
    snapshots = Snapshots()
    reg = DeepNetRegressor((8,), max_iter=3, random_state=0)
    reg.set_callbacks(snapshots).fit(X, 100 * y + 500)
    copy = snapshots.fitted[1]
    (output,) = _run(skdnn_onnx.to_onnx(copy, X[:1]), X)
    expected = copy.predict(X)
    np.testing.assert_allclose(
        output[:, 0], expected, atol=1e-12 * np.abs(expected).max()
    )


def _frame():
    pd = pytest.importorskip("pandas")
    X, y = make_classification(200, 4, n_informative=3, n_redundant=1, random_state=0)
    frame = pd.DataFrame(X, columns=["age", "income", "height", "weight"])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(200) % 3]
    return frame, y


def _frame_inputs(frame):
    return {
        column: frame[[column]]
        .to_numpy()
        .astype(object if column == "colour" else np.float64)
        for column in frame
    }


def _preprocessing():
    numeric = ["age", "income", "height", "weight"]
    return ColumnTransformer(
        [("scale", StandardScaler(), numeric), ("one_hot", OneHotEncoder(), ["colour"])]
    )


def test_a_pipeline_with_a_column_transformer_converts_in_one_call():
    frame, y = _frame()
    pipe = make_pipeline(
        _preprocessing(), DeepNetClassifier((8,), max_iter=30, random_state=0)
    ).fit(frame, y)
    onx = skdnn_onnx.to_onnx(
        pipe, frame[:1], options={DeepNetClassifier: {"zipmap": False}}
    )
    labels, proba = _session(onx).run(None, _frame_inputs(frame))
    np.testing.assert_allclose(proba, pipe.predict_proba(frame), rtol=0, atol=1e-12)
    _assert_labels_equal(labels, pipe.predict(frame), proba, 1e-12)


def test_a_regressor_pipeline_converts_with_skl2onnx_itself():
    skl2onnx = pytest.importorskip("skl2onnx")
    frame, y = _frame()
    target = 10 * frame["income"].to_numpy() + y
    pipe = make_pipeline(
        _preprocessing(), DeepNetRegressor((8,), max_iter=30, random_state=0)
    ).fit(frame, target)
    # importing skdnn.onnx registered the converters with skl2onnx
    (output,) = _session(skl2onnx.to_onnx(pipe, frame[:1])).run(
        None, _frame_inputs(frame)
    )
    expected = pipe.predict(frame)
    np.testing.assert_allclose(
        output[:, 0], expected, atol=1e-12 * np.abs(expected).max()
    )


def test_a_model_fitted_on_a_data_frame_takes_one_input_per_column():
    frame, y = _frame()
    numeric = frame.drop(columns="colour")
    clf = DeepNetClassifier((8,), max_iter=30, random_state=0).fit(numeric, y)
    onx = skdnn_onnx.to_onnx(clf, numeric[:1], options={"zipmap": False})
    session = _session(onx)
    assert [i.name for i in session.get_inputs()] == list(numeric.columns)
    _, proba = session.run(None, _frame_inputs(numeric))
    np.testing.assert_allclose(proba, clf.predict_proba(numeric), rtol=0, atol=1e-12)


def test_a_model_fitted_on_sparse_x_exports_a_graph_of_dense_rows():
    X, y = _classification("binary")
    clf = DeepNetClassifier((8,), max_iter=15, random_state=0)
    clf.fit(sp.csr_matrix(X), y)
    _check_classifier(clf, X, np.float64)


def test_sparse_samples_and_unfitted_models_get_clear_errors():
    X, y = _classification("binary")
    clf = DeepNetClassifier((8,), max_iter=15, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="dense tensors, not a sparse matrix"):
        skdnn_onnx.to_onnx(clf, sp.csr_matrix(X[:1]))
    with pytest.raises(NotFittedError):
        skdnn_onnx.to_onnx(DeepNetClassifier(), X[:1])
    with pytest.raises(NotFittedError):
        skdnn_onnx.to_onnx(DeepNetRegressor(), X[:1])
    with pytest.raises(ValueError, match="opset 13 or later"):
        skdnn_onnx.to_onnx(clf, X[:1], target_opset=12, options={"zipmap": False})
    skl2onnx = pytest.importorskip("skl2onnx")
    for unfitted in (DeepNetClassifier(), DeepNetRegressor()):  # skl2onnx's own call
        with pytest.raises(NotFittedError):
            skl2onnx.to_onnx(unfitted, X[:1])


def test_every_layer_kind_has_an_onnx_export():
    from skdnn._nn import LAYERS

    exported = set(skdnn_onnx.LAYER_EXPORTS) | {"batch_norm"}  # folded into W, b
    assert set(LAYERS) <= exported


def test_import_skdnn_loads_neither_skdnn_onnx_nor_skl2onnx():
    code = (
        "import sys, skdnn; "
        "assert 'skdnn.onnx' not in sys.modules, 'skdnn.onnx'; "
        "assert 'skl2onnx' not in sys.modules, 'skl2onnx'; "
        "assert 'onnx' not in sys.modules, 'onnx'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
