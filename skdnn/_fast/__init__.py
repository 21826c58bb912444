"""Every measured speed-up in one place, and the switch of the compiled kernels.

- :mod:`~skdnn._fast.tuning`: every tuned constant, with its measurement and
  the command that repeats it;
- :mod:`~skdnn._fast.steps`: the optimiser steps of
  :mod:`skdnn._train.optimizers` in cache-sized blocks (NumPy), or compiled;
- :mod:`~skdnn._fast.numba_steps` and :mod:`~skdnn._fast.numba_relu`: the
  optional compiled kernels (``pip install "skdnn[fast]"``, Numba).

The NumPy code is the reference. When Numba is importable, two kinds of
elementwise work run as serial compiled loops instead:

- the optimiser steps: the L2 gradient, the moments and the update of each
  parameter in registers, one pass over memory instead of several;
- a ReLU layer's bias, activation, mask and db: one pass forward and one
  backward instead of two and three.

The loops do the NumPy code's arithmetic in the same order and in the
parameters' dtype, so both paths give the same parameters, bit for bit.

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
it. It is read when a fit starts (:func:`backend`), so it can be changed
between fits; predicting, ``check_gradients`` and ``diagnose`` use the last
fit's choice (or read it, in a process that has not fitted yet). Reading it
at every batch cost more than a small network's step (about 1 µs a call).
"""

import os

_COMPILED = {}
_BACKEND = None  # what backend() chose last, for the kernels until it is called again


def backend():
    """The backend the kernels use from now on: "numba" or "numpy".

    Reads ``SKDNN_KERNELS``; every fit calls it when it starts.

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
    global _BACKEND
    if choice == "numpy":
        _BACKEND = "numpy"
    elif _compile():
        _BACKEND = "numba"
    elif choice == "numba":
        raise ImportError(
            "SKDNN_KERNELS=numba, but Numba is not installed: pip install "
            '"skdnn[fast]", or unset SKDNN_KERNELS.'
        )
    else:
        _BACKEND = "numpy"
    return _BACKEND


def _compiled(name):
    """The compiled kernel ``name`` if the backend is Numba, else None."""
    return _COMPILED[name] if (_BACKEND or backend()) == "numba" else None


def sgd_step():
    """The compiled SGD step, or None for the NumPy one."""
    return _compiled("sgd")


def adam_step():
    """The compiled Adam step, or None for the NumPy one."""
    return _compiled("adam")


def relu_kernels():
    """The compiled ReLU g and g', or None for the NumPy ones.

    Returns
    -------
    (relu, relu_backward) or None
        ``relu(Z, out)`` writes max(Z, 0) into ``out`` (which may be Z);
        ``relu_backward(Z, A, dA)`` turns dA into dZ = dA * (A > 0) in
        place. The signatures of :func:`skdnn._nn.activations.relu` and
        :func:`~skdnn._nn.activations.relu_backward`, for C-contiguous float
        arrays of one dtype.
    """
    return _compiled("relu")


def dense_relu_kernels():
    """The compiled passes of a ReLU dense layer, or None for the NumPy ones.

    Returns
    -------
    (forward, backward) or None
        ``forward(Z, b, out)`` adds b to Z and writes max(Z, 0) into ``out``
        (which may be Z); ``backward(Z, A, dA, db)`` turns dA into dZ in place
        and writes its column sums into db. Both take C-contiguous float
        arrays of one dtype.
    """
    return _compiled("dense_relu")


def _bias_relu(Z, b, out):
    _COMPILED["bias_relu"](Z, b, out, Z.dtype.type(0))
    return out


def _relu_backward_sum(Z, A, dA, db):
    _COMPILED["relu_backward_sum"](dA, A, db, dA.dtype.type(0))
    return dA


def _relu(Z, out):
    _COMPILED["relu_forward"](Z, out, Z.dtype.type(0))
    return out


def _relu_backward(Z, A, dA):
    _COMPILED["relu_backward"](dA, A, dA.dtype.type(0))
    return dA


def _compile():
    """Import the compiled kernels once; False if Numba is not importable."""
    if _COMPILED:
        return _COMPILED["available"]
    try:
        from . import numba_relu, numba_steps
    except ImportError:
        _COMPILED["available"] = False
        return False
    _COMPILED.update(
        sgd=numba_steps.sgd,
        adam=numba_steps.adam,
        relu_forward=numba_relu.relu,
        relu_backward=numba_relu.relu_backward,
        relu=(_relu, _relu_backward),
        bias_relu=numba_relu.bias_relu,
        relu_backward_sum=numba_relu.relu_backward_sum,
        dense_relu=(_bias_relu, _relu_backward_sum),
        available=True,
    )
    return True
