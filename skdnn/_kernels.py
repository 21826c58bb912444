"""Optional compiled kernels (``pip install "skdnn[fast]"``, Numba).

The NumPy code is the reference. When Numba is importable, two kinds of
elementwise work run as serial compiled loops instead:

- the optimiser steps of :mod:`skdnn._optimizers`: the L2 gradient, the moments
  and the update of each parameter in registers, one pass over memory instead
  of several (:mod:`skdnn._numba_steps`);
- a ReLU hidden layer's bias, activation, mask and db, one pass forward and
  one backward instead of two and three (:mod:`skdnn._numba_layers`).

The loops do the NumPy code's arithmetic in the same order and in the
parameters' dtype, so both paths give the same parameters to rounding.

The kernels are serial on purpose: BLAS already runs its own threads for the
matrix products, and a second thread pool next to it fights it for the cores.
They are compiled on first use and cached on disk (``cache=True``), so later
processes, such as the workers of a parallel grid search, load them instead of
compiling again.

Importing Numba and loading the cached kernels costs a new process about
0.5 s once (1.6 s the very first time, when they are compiled); after that a
step of a small network takes a quarter of the NumPy step's time, of a large
one a fifth, and a ReLU layer's passes a third to a half of NumPy's.

The environment variable ``SKDNN_KERNELS`` chooses: ``"auto"`` (the default)
uses Numba when it is importable, ``"numpy"`` never does, ``"numba"`` requires
it. It is read at every batch, so it can be changed between fits.
"""

import os

_COMPILED = {}


def backend():
    """The backend the optimiser steps use now: "numba" or "numpy".

    Returns
    -------
    str
        "numba" when ``SKDNN_KERNELS`` allows it and Numba imports, else "numpy".

    Raises
    ------
    ImportError
        If ``SKDNN_KERNELS=numba`` but Numba is not installed.
    ValueError
        If ``SKDNN_KERNELS`` is set to anything else than auto, numpy or numba.
    """
    choice = os.environ.get("SKDNN_KERNELS", "auto").strip().lower() or "auto"
    if choice not in ("auto", "numpy", "numba"):
        raise ValueError(
            f"SKDNN_KERNELS={choice!r}; use 'auto' (Numba when installed), "
            "'numpy' or 'numba'."
        )
    if choice == "numpy":
        return "numpy"
    if not _compile():
        if choice == "numba":
            raise ImportError(
                "SKDNN_KERNELS=numba, but Numba is not installed: pip install "
                '"skdnn[fast]", or unset SKDNN_KERNELS.'
            )
        return "numpy"
    return "numba"


def sgd_step():
    """The compiled SGD step, or None for the NumPy one."""
    return _COMPILED["sgd"] if backend() == "numba" else None


def adam_step():
    """The compiled Adam step, or None for the NumPy one."""
    return _COMPILED["adam"] if backend() == "numba" else None


def relu_layer():
    """The compiled ReLU layer passes, or None for the NumPy ones.

    Returns
    -------
    (forward, backward) or None
        ``forward(Z, b, out)`` adds b to Z and writes max(Z, 0) into ``out``;
        ``backward(Z, A, dA, db)`` turns dA into dZ in place and writes its
        column sums into db. Both take C-contiguous float arrays of one dtype.
    """
    return _COMPILED["relu"] if backend() == "numba" else None


def _relu_forward(Z, b, out):
    _COMPILED["bias_relu"](Z, b, out, Z.dtype.type(0))
    return out


def _relu_backward(Z, A, dA, db):
    _COMPILED["relu_backward_sum"](dA, A, db, dA.dtype.type(0))
    return dA


def _compile():
    """Import the compiled kernels once; False if Numba is not importable."""
    if _COMPILED:
        return _COMPILED["available"]
    try:
        from . import _numba_layers, _numba_steps
    except ImportError:
        _COMPILED["available"] = False
        return False
    _COMPILED.update(
        sgd=_numba_steps.sgd,
        adam=_numba_steps.adam,
        bias_relu=_numba_layers.bias_relu,
        relu_backward_sum=_numba_layers.relu_backward_sum,
        relu=(_relu_forward, _relu_backward),
        available=True,
    )
    return True
