"""Input checks whose errors say what is wrong and what to do."""

from functools import update_wrapper, wraps
from types import MethodType

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.utils.validation import validate_data

try:  # private: without it, arrays of other namespaces fail as they always did
    from sklearn.utils._array_api import _is_numpy_namespace, get_namespace
except ImportError:  # pragma: no cover
    get_namespace = None

from ._train.schedules import PER_STEP

STOCHASTIC_SOLVERS = ("sgd", "adam")


def _is_stochastic(estimator):
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers "
            f"{STOCHASTIC_SOLVERS}; solver={estimator.solver!r} is not one. Use "
            "fit, or set solver='adam' or 'sgd'."
        )
    transforms = (estimator.input_scaling, estimator.numerical_embedding)
    if any(value not in ("auto", None) for value in transforms):
        raise AttributeError(
            f"partial_fit is not available with input_scaling="
            f"{estimator.input_scaling!r} and numerical_embedding="
            f"{estimator.numerical_embedding!r}: they are fitted on the training "
            "data in fit, and partial_fit sees one batch at a time. Scale or "
            "encode X before partial_fit (e.g. a RobustScaler fitted on a "
            "sample), or set both to 'auto' (none on a first partial_fit) or None."
        )
    if estimator.learning_rate_schedule in PER_STEP:
        raise AttributeError(
            "partial_fit is not available with learning_rate_schedule="
            f"{estimator.learning_rate_schedule!r}, which sets α from the share "
            "of max_iter epochs a fit has done: partial_fit has no such budget. "
            "Use 'constant', 'invscaling' or 'adaptive' with partial_fit."
        )
    return True


class available_if_stochastic:
    """``available_if(_is_stochastic)`` that lets the check's message through.

    scikit-learn's ``available_if`` turns the check's AttributeError into a
    generic "has no attribute 'partial_fit'"; this descriptor raises
    ``_is_stochastic``'s own, which names the solver and the fix.
    ``hasattr(estimator, "partial_fit")`` is still False for "lbfgs", as
    meta-estimators expect.
    """

    def __init__(self, fn):
        self.fn = fn
        update_wrapper(self, fn)

    def __get__(self, obj, owner=None):
        if obj is not None:
            _is_stochastic(obj)
            return MethodType(self.fn, obj)

        # On the class: a plain function (docstring, signature), checked on call.
        @wraps(self.fn)
        def unbound(estimator, *args, **kwargs):
            _is_stochastic(estimator)
            return self.fn(estimator, *args, **kwargs)

        return unbound


def check_numpy_namespace(estimator, **arrays):
    """A TypeError naming the array that belongs to another array API namespace.

    skdnn computes with NumPy only. With scikit-learn's ``array_api_dispatch``
    on, ``validate_data`` keeps an array in its own namespace (a torch tensor
    stays a tensor), where NumPy's operations would fail deep inside; NumPy
    arrays, lists, DataFrames and sparse matrices go through as always.

    Parameters
    ----------
    estimator : estimator
        Named in the message.
    **arrays : array-like or None
        The inputs, by the names the message gives them.
    """
    if get_namespace is None or not get_config().get("array_api_dispatch", False):
        return
    for name, array in arrays.items():
        if array is None or isinstance(array, np.ndarray | str) or sp.issparse(array):
            continue
        try:
            xp, is_array_api = get_namespace(array)
        except TypeError:  # not an array API array (a DataFrame, say)
            continue
        if is_array_api and not _is_numpy_namespace(xp):
            raise TypeError(
                f"{type(estimator).__name__} computes with NumPy only, and "
                f"array_api_dispatch is on: {name} must be a NumPy array (or "
                f"array-like), not an array of {xp.__name__}. Convert it "
                "(np.asarray, or tensor.cpu().numpy() for torch), or call skdnn "
                "outside sklearn.config_context(array_api_dispatch=True)."
            )


def _validate_data(estimator, X, y="no_validation", **kwargs):
    """scikit-learn's ``validate_data``, with NumPy's conversion errors explained.

    NumPy reports a string, a ragged row or a complex number in X in its own
    words ("could not convert string to float: 'x'"), and scikit-learn does not
    always say that a NaN is in y; these messages say what is wrong and what to
    do instead. Arrays of another array API namespace than NumPy's are refused
    first (:func:`check_numpy_namespace`).
    """
    check_numpy_namespace(estimator, X=X, y=None if isinstance(y, str) else y)
    try:
        return validate_data(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as exc:
        message = str(exc)
        if message.startswith("Complex data not supported"):
            if _is_complex(X):
                raise ValueError(
                    "Complex data not supported: X contains complex numbers. "
                    "Pass real features instead, e.g. the real and imaginary parts "
                    "as separate columns."
                ) from None
            raise ValueError(
                "Complex data not supported: y contains complex numbers. Class "
                "labels must be ints, strings or bools (or a 0/1 indicator matrix)."
            ) from None
        if "could not convert" in message or "argument must be" in message:
            raise type(exc)(
                f"X must contain numbers only, but converting it to float failed "
                f"({message}). Encode text or categorical features as numbers "
                "first, e.g. with sklearn.preprocessing.OneHotEncoder or "
                "OrdinalEncoder in a Pipeline."
            ) from exc
        if message.startswith(("Input y contains NaN", "Input contains NaN")):
            raise ValueError(
                "y contains NaN: some samples have no label. Drop those samples "
                "(or fill in their labels) before fitting."
            ) from exc
        if "inhomogeneous" in message:
            raise ValueError(
                "X must be a 2-D array with the same number of features in every "
                f"row, but its rows have different lengths ({message}). Pad or "
                "trim the rows to one length."
            ) from exc
        raise


def _is_complex(a):
    try:
        return np.iscomplexobj(a)
    except (TypeError, ValueError):
        return False
