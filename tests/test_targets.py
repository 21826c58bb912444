"""Classification targets: y -> its type, the fitted labels and the 0/1 matrix Y.

``fit``, ``partial_fit`` and ``warm_start`` build their target matrix with
:mod:`skdnn._targets`; it must be scikit-learn's ``LabelBinarizer``'s.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import type_of_target

from skdnn._targets import (
    check_labels,
    classification_target,
    fit_labels,
    indicator_matrix,
)

TARGETS = {
    "multiclass": np.array([2, 0, 1, 2, 1, 0]),
    "integral floats": np.array([-1.0, 0.0, 2.0, 0.0, -1.0, 2.0]),
    "strings": np.array(["dog", "cat", "emu", "cat", "dog", "emu"]),
    "objects": np.array(["b", "a", "c", "a", "b", "c"], dtype=object),
    "binary strings": np.array(["yes", "no", "no", "yes", "no", "yes"]),
    "booleans": np.array([True, False, True, True, False, False]),
    "multilabel": np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]]),
    "sparse multilabel": sp.csr_matrix(
        np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 1]])
    ),
}
TYPES = {
    "multiclass": "multiclass",
    "integral floats": "multiclass",
    "strings": "multiclass",
    "objects": "multiclass",
    "binary strings": "binary",
    "booleans": "binary",
    "multilabel": "multilabel-indicator",
    "sparse multilabel": "multilabel-indicator",
}


def dense(Y):
    return Y.toarray() if sp.issparse(Y) else Y


def first_fit(y, classes=None, incremental=False):
    """The labels of a first fit (or partial_fit) on y."""
    y, y_type = classification_target(y)
    return fit_labels(y, y_type, classes, incremental)


def later_targets(y, binarizer, incremental, dtype=np.float64, classes=None):
    """Y of a later partial_fit batch or warm-started fit, after its checks."""
    y, y_type = classification_target(y)
    check_labels(y, y_type, binarizer, classes, incremental)
    return indicator_matrix(y, binarizer, dtype)


@pytest.mark.parametrize("name", list(TARGETS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_targets_match_label_binarizer(name, dtype):
    # fit builds its 0/1 target matrix itself; it must be LabelBinarizer's.
    y = TARGETS[name]
    checked, y_type = classification_target(y)
    assert y_type == TYPES[name]
    binarizer = fit_labels(checked, y_type)
    Y = indicator_matrix(checked, binarizer, dtype)

    expected = LabelBinarizer().fit(y)
    np.testing.assert_array_equal(binarizer.classes_, expected.classes_)
    assert binarizer.y_type_ == expected.y_type_
    np.testing.assert_array_equal(Y, dense(expected.transform(y)))
    assert Y.dtype == dtype
    assert isinstance(Y, np.ndarray)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64, np.uint64, bool])
@pytest.mark.parametrize("labels", [[3], [0, 1], [7, 2], [0, 1, 2], [5, 9, 1, 4]])
def test_integer_labels_get_type_of_targets_answer(dtype, labels):
    # integer y skips scikit-learn's type_of_target for speed: same answer
    y = np.resize(np.array(labels).astype(dtype), 12)
    assert classification_target(y)[1] == type_of_target(y)
    with pytest.warns(DataConversionWarning):
        column = classification_target(y.reshape(-1, 1))
    assert column[1] == type_of_target(y)


@pytest.mark.parametrize(
    "classes, y",
    [([0, 1, 2], [2, 2, 0]), (["a", "b"], ["b", "b"]), (["a", "b"], ["a", "a"])],
)
def test_partial_fit_targets_use_every_class(classes, y):
    # A batch with some classes missing still gets one column per class.
    y = np.array(y)
    binarizer = first_fit(y, classes=classes, incremental=True)
    np.testing.assert_array_equal(binarizer.classes_, classes)
    Y = indicator_matrix(y, binarizer, np.float64)
    np.testing.assert_array_equal(Y, LabelBinarizer().fit(classes).transform(y))


@pytest.mark.parametrize(
    "classes, later",
    [
        ([0, 1, 2], np.array([True, False, True])),
        (np.array(["a", "b", "c"]), np.array(["c", "a"], object)),
        ([0, 1], np.array([1.0, 1.0])),
    ],
    ids=["bool-y-int-classes", "object-y-str-classes", "one-class-batch"],
)
def test_later_batch_targets_match_label_binarizer(classes, later):
    # A later partial_fit batch, whose y may have another dtype than classes_
    # and miss some classes, gets LabelBinarizer's targets too.
    binarizer = first_fit(np.asarray(classes), classes=classes, incremental=True)
    for given_classes in (None, classes):  # classes may be repeated or omitted
        Y = later_targets(later, binarizer, incremental=True, classes=given_classes)
        np.testing.assert_array_equal(Y, LabelBinarizer().fit(classes).transform(later))


@pytest.mark.parametrize(
    "first, later",
    [
        ([0, 1, 2], np.array([2.0, 0.0, 1.0, 0.0])),
        (np.array(["a", "b", "c"]), np.array(["c", "a", "b"], object)),
        ([0, 1], np.array([True, False, True])),
    ],
    ids=["float-y-int-classes", "object-y-str-classes", "bool-y-int-classes"],
)
def test_warm_start_targets_match_label_binarizer(first, later):
    binarizer = first_fit(np.asarray(first))
    Y = later_targets(later, binarizer, incremental=False, dtype=np.float32)
    np.testing.assert_array_equal(Y, LabelBinarizer().fit(first).transform(later))
    assert Y.dtype == np.float32


@pytest.mark.parametrize("incremental", [False, True])
def test_later_multilabel_batch_keeps_its_columns(incremental):
    first = TARGETS["sparse multilabel"]
    binarizer = first_fit(first, incremental=incremental)
    later = np.array([[0, 0, 1], [1, 0, 1], [0, 1, 1]])
    if incremental:  # a partial_fit batch need not have every label
        later[:, 0] = 0
    Y = later_targets(later, binarizer, incremental=incremental)
    np.testing.assert_array_equal(Y, LabelBinarizer().fit(first).transform(later))


def test_one_column_y_is_raveled_with_a_warning():
    y = np.array([[1], [0], [2], [1]])
    with pytest.warns(DataConversionWarning):
        checked, y_type = classification_target(y)
    assert checked.shape == (4,)
    assert y_type == "multiclass"


@pytest.mark.parametrize(
    "y, message",
    [
        (np.array([[0, 1], [2, 0]]), "multiclass-multioutput|values other than 0"),
        (np.array([1.5, 0.0, 2.0]), "Unknown label type"),
        (np.array(["a", 1, "b"], dtype=object), "cannot be sorted"),
        (np.array(["a", None, "b"], dtype=object), "cannot be sorted"),
    ],
    ids=["multioutput", "continuous", "mixed types", "missing label"],
)
def test_classification_target_rejects(y, message):
    with pytest.raises(ValueError, match=message):
        classification_target(y)


@pytest.mark.parametrize(
    "y, classes, incremental, message",
    [
        (np.array([1, 1, 1]), None, False, "only one class: 1"),
        (np.array([0, 1, 1]), None, True, "classes must be passed"),
        (np.array([0, 1, 3]), [0, 1, 2], True, r"labels \[3\] that are not in"),
        (np.array([0, 1]), [[0, 1]], True, "non-empty 1-D"),
        (np.array([0, 1]), [0, None, 1], True, "missing values"),
        (np.array([[1, 0], [1, 0]]), None, False, r"Column\(s\) \[1\]"),
        (np.array([[1, 0], [0, 1]]), [0, 2], True, "column indices"),
    ],
    ids=[
        "one class",
        "partial_fit without classes",
        "label outside classes",
        "2-D classes",
        "missing class",
        "label never positive",
        "multilabel classes",
    ],
)
def test_fit_labels_rejects(y, classes, incremental, message):
    y, y_type = classification_target(y)
    with pytest.raises(ValueError, match=message):
        fit_labels(y, y_type, classes, incremental)


def test_a_label_never_positive_is_fine_in_a_partial_fit_batch():
    y, y_type = classification_target(np.array([[1, 0], [1, 0]]))
    binarizer = fit_labels(y, y_type, incremental=True)
    np.testing.assert_array_equal(binarizer.classes_, [0, 1])


@pytest.mark.parametrize(
    "first, later, incremental, message",
    [
        ([0, 1, 2], [0, 3], True, r"labels \[3\] that are not in classes_"),
        ([0, 1, 2], [0, 1], False, "same classes"),
        ([0, 1, 2], [0, 1, 2, 3], False, "same classes"),
        ([0, 1, 2], [[1, 0], [0, 1]], True, "the model was fitted on class labels"),
        ([[1, 0], [0, 1]], [0, 1], False, "fitted on a multilabel indicator"),
        ([[1, 0], [0, 1]], [[1, 0, 1], [0, 1, 1]], True, "3 label columns"),
    ],
    ids=[
        "unseen label",
        "warm start with fewer classes",
        "warm start with more classes",
        "multilabel after labels",
        "labels after multilabel",
        "more label columns",
    ],
)
def test_check_labels_rejects(first, later, incremental, message):
    binarizer = first_fit(np.array(first))
    y, y_type = classification_target(np.array(later))
    with pytest.raises(ValueError, match=message):
        check_labels(y, y_type, binarizer, incremental=incremental)


def test_check_labels_rejects_other_classes_argument():
    binarizer = first_fit(np.array([0, 1, 2]), classes=[0, 1, 2], incremental=True)
    y, y_type = classification_target(np.array([0, 1]))
    check_labels(y, y_type, binarizer, [2, 1, 0], incremental=True)  # same set
    with pytest.raises(ValueError, match="is not the same as"):
        check_labels(y, y_type, binarizer, [0, 1], incremental=True)
