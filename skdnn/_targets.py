"""Classification targets: y -> classes_, the 0/1 matrix Y, and the errors for bad y.

``DeepNetClassifier`` accepts class labels (1-D y of at least two classes) or a
0/1 multilabel indicator matrix. The fitted labels are kept in a
``LabelBinarizer``: its ``classes_`` and ``y_type_`` ("binary", "multiclass" or
"multilabel-indicator") decide the output layer, and its ``inverse_transform``
turns multilabel predictions back into y's format.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)


def classification_target(y):
    """Check y and return it with its scikit-learn target type.

    Parameters
    ----------
    y : ndarray or sparse matrix
        y as ``validate_data`` returned it.

    Returns
    -------
    y : ndarray or sparse matrix
        1-D for class labels (a one-column y is raveled, with a warning).
    y_type : str
        "binary", "multiclass" or "multilabel-indicator".
    """
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "biu":
        # integer labels: type_of_target's answer, without its checks for
        # every other kind of y (two of its calls were a quarter of a small
        # network's fit setup)
        return y, "binary" if np.unique(y).size <= 2 else "multiclass"
    try:
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y")
    except TypeError as exc:  # NumPy cannot sort labels of mixed types
        raise ValueError(
            f"The labels in y cannot be sorted ({exc}): y mixes types, e.g. "
            "strings with numbers, or has missing labels (None). Give all labels "
            "one type, and drop or fill in the samples without a label."
        ) from exc
    if y_type == "multiclass-multioutput":
        raise ValueError(
            f"y is 2-D (shape {y.shape}) with values other than 0 and 1. "
            "DeepNetClassifier learns one label per sample (1-D y) or a 0/1 "
            "multilabel indicator matrix; for several multiclass outputs use "
            "sklearn.multioutput.MultiOutputClassifier."
        )
    return y, y_type


def _check_classes_argument(classes, y, is_multilabel):
    classes = np.asarray(classes)
    if classes.ndim != 1 or classes.size == 0:
        raise ValueError(
            "classes must be a non-empty 1-D array-like listing every class "
            f"label, e.g. np.unique(y); got classes={classes.tolist()!r}."
        )
    missing = [c for c in classes.tolist() if c is None or c != c]
    if missing:
        raise ValueError(
            f"classes contains missing values {missing}; list only the "
            "actual class labels."
        )
    n_labels = y.shape[1] if is_multilabel else 0
    if is_multilabel and not np.array_equal(
        unique_labels(classes), np.arange(n_labels)
    ):
        raise ValueError(
            f"y is a multilabel indicator matrix with {n_labels} columns, "
            "so classes must be None or the column indices "
            f"{list(range(n_labels))}; got classes={classes.tolist()}."
        )
    return classes


def _check_indicator_matrix(y, incremental):
    values = np.unique(y.data if sp.issparse(y) else y)
    if np.any((values != 0) & (values != 1)):
        raise ValueError(
            f"y is a 2-D matrix of the values {values.tolist()}, read as "
            "a multilabel indicator matrix, which must hold only 0 and 1 "
            "(1: the sample has the label). Encode each column as 0/1, "
            "e.g. (y == value).astype(int)."
        )
    if not incremental:
        never = np.flatnonzero(np.asarray(y.sum(axis=0)).ravel() == 0)
        if len(never):
            raise ValueError(
                f"Column(s) {never.tolist()} of the multilabel y are never 1: a "
                "label that is never positive cannot be learned. Drop those "
                "columns, or add samples in which they are 1."
            )


def fit_labels(y, y_type, classes=None, incremental=False):
    """The labels of a first fit: a LabelBinarizer fitted on y (or ``classes``).

    Parameters
    ----------
    y : ndarray or sparse matrix
        From :func:`classification_target`.
    y_type : str
        Its target type.
    classes : array-like, default=None
        Every class of the data set (``partial_fit``'s argument).
    incremental : bool, default=False
        Whether this is ``partial_fit``, which needs ``classes`` for labels.

    Returns
    -------
    binarizer : LabelBinarizer
    """
    is_multilabel = y_type.startswith("multilabel")
    if classes is not None:
        classes = _check_classes_argument(classes, y, is_multilabel)
    if is_multilabel:
        _check_indicator_matrix(y, incremental)
    if incremental and classes is None and not is_multilabel:
        raise ValueError(
            "classes must be passed on the first call to partial_fit: the "
            "list of every class of the whole data set, e.g. np.unique(y)."
        )
    binarizer = LabelBinarizer()
    binarizer.fit(y if classes is None or is_multilabel else classes)
    if not is_multilabel and len(binarizer.classes_) < 2:
        source = "y" if classes is None else "classes"
        raise ValueError(
            "DeepNetClassifier needs samples of at least 2 classes in the "
            f"data, but {source} contains only one class: "
            f"{binarizer.classes_.tolist()[0]!r}. Check that y is the "
            "target you meant; one-class problems need an outlier "
            "detector such as sklearn.svm.OneClassSVM."
        )
    if incremental and classes is not None and not is_multilabel:
        unseen = np.setdiff1d(unique_labels(y), binarizer.classes_)
        if len(unseen):
            raise ValueError(
                f"y has labels {unseen.tolist()} that are not in "
                f"classes={binarizer.classes_.tolist()}."
            )
    return binarizer


def check_labels(y, y_type, binarizer, classes=None, incremental=False):
    """Check that y (and ``classes``) fit the labels of an earlier fit.

    Parameters
    ----------
    y, y_type : as returned by :func:`classification_target`.
    binarizer : LabelBinarizer
        The labels of the earlier fit, from :func:`fit_labels`.
    classes : array-like, default=None
        ``partial_fit``'s argument; must then equal the fitted classes.
    incremental : bool, default=False
        ``partial_fit`` (y may hold some of the classes) or a warm start (y
        must hold all of them).
    """
    is_multilabel = y_type.startswith("multilabel")
    if classes is not None:
        classes = _check_classes_argument(classes, y, is_multilabel)
    if is_multilabel:
        _check_indicator_matrix(y, incremental)
    fitted_classes = binarizer.classes_
    fitted_multilabel = binarizer.y_type_.startswith("multilabel")
    how = (
        "Pass y of the same kind to every partial_fit call."
        if incremental
        else "Set warm_start=False to train a new network."
    )
    if is_multilabel != fitted_multilabel:
        fitted_on = (
            f"a multilabel indicator matrix with {len(fitted_classes)} columns"
            if fitted_multilabel
            else f"class labels (classes_={fitted_classes.tolist()})"
        )
        given = "a multilabel indicator matrix" if is_multilabel else "class labels"
        raise ValueError(
            f"y holds {given}, but the model was fitted on {fitted_on}. {how}"
        )
    if is_multilabel and y.shape[1] != len(fitted_classes):
        raise ValueError(
            f"y has {y.shape[1]} label columns, but the model was fitted on "
            f"{len(fitted_classes)}. {how}"
        )
    labels = unique_labels(y)
    if incremental:
        if classes is not None and not np.array_equal(
            unique_labels(classes), fitted_classes
        ):
            raise ValueError(
                f"classes={classes.tolist()} is not the same as "
                f"classes_={fitted_classes.tolist()} of the earlier fit."
            )
        unseen = np.setdiff1d(labels, fitted_classes)
        if len(unseen):
            raise ValueError(
                f"y has labels {unseen.tolist()} that are not in "
                f"classes_={fitted_classes.tolist()} of the earlier fit."
            )
    elif set(labels) != set(fitted_classes):
        raise ValueError(
            "warm_start can only continue training on y with the same classes "
            f"as the earlier fit: classes_={fitted_classes.tolist()}, y has "
            f"{labels.tolist()}. Set warm_start=False to train a new network."
        )


def indicator_matrix(y, binarizer, dtype):
    """The 0/1 target matrix Y of ``binarizer.transform(y)``, in ``dtype``.

    Every label of y is in ``binarizer.classes_`` (checked by
    :func:`fit_labels` or :func:`check_labels`), so each one's column is its
    place in the sorted classes.

    Returns
    -------
    Y : ndarray of shape (n_samples, n[L])
        One column for a binary problem, one per class or label otherwise.
    """
    if binarizer.y_type_.startswith("multilabel"):
        return (y.toarray() if sp.issparse(y) else np.asarray(y)).astype(dtype)
    column = np.searchsorted(binarizer.classes_, y)
    if binarizer.y_type_ == "binary":
        return (column == 1).astype(dtype)[:, np.newaxis]
    Y = np.zeros((len(y), len(binarizer.classes_)), dtype=dtype)
    Y[np.arange(len(y)), column] = 1
    return Y
