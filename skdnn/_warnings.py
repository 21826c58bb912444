"""Warnings that point at the user's line, wherever in skdnn they are raised."""

import os
import sys
import warnings

import sklearn

_SKDNN = os.path.dirname(os.path.abspath(__file__)) + os.sep
# scikit-learn's fit wrapper (_fit_context) stands between the user and fit.
_SKLEARN_BASE = os.path.join(
    os.path.dirname(os.path.abspath(sklearn.__file__)), "base.py"
)


def _outside(filename):
    path = os.path.abspath(filename)
    return not path.startswith(_SKDNN) and path != _SKLEARN_BASE


def warn(message, category=UserWarning):
    """``warnings.warn`` attributed to the first caller outside skdnn.

    The caller is the user's own code, or the scikit-learn function (a
    search, a cross-validation) that called skdnn's fit on its behalf;
    scikit-learn's fit wrapper is looked through.

    Parameters
    ----------
    message : str
        The warning.
    category : type, default=UserWarning
        A subclass of Warning.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and not _outside(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level - 1 if frame is None else level)
