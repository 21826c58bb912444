"""Optional compiled optimiser steps (``pip install "skdnn[fast]"``, Numba).

The NumPy steps in :mod:`skdnn._optimizers` are the reference. When Numba is
importable, the same steps run as one serial compiled loop over the
parameters: the L2 gradient, the moments and the update of each parameter in
registers, one pass over memory instead of several. The loops do the NumPy
steps' arithmetic in the same order and in the parameters' dtype, so both paths
give the same parameters to rounding.

The kernels are serial on purpose: BLAS already runs its own threads for the
matrix products, and a second thread pool next to it fights it for the cores.
They are compiled on first use and cached on disk (``cache=True``), so later
processes, such as the workers of a parallel grid search, load them instead of
compiling again.

The environment variable ``SKDNN_KERNELS`` chooses: ``"auto"`` (the default)
uses Numba when it is importable, ``"numpy"`` never does, ``"numba"`` requires
it. It is read at every step, so it can be changed between fits.
"""

import os

import numpy as np

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


def _compile():
    """Define the kernels once; False if Numba is not importable."""
    if _COMPILED:
        return _COMPILED["available"]
    try:
        import numba
    except ImportError:
        _COMPILED["available"] = False
        return False
    # error_model="numpy": division by zero gives inf/nan as NumPy does, and
    # the loops vectorise (the default "python" model checks every division).
    jit = numba.njit(cache=True, nogil=True, error_model="numpy")

    # The updates keep NumPy's order of operations (no fastmath) and have no
    # reduction inside, so they vectorise; ||W||² is summed block by block
    # right after a block is updated, while it is still in the L1 cache, by a
    # loop of its own that may reorder its additions. Each loop runs over whole
    # views, range(len): indices LLVM knows to be >= 0, which it vectorises
    # (with start/stop indices it checks each for wraparound, 4x slower).
    block = 4096

    @numba.njit(cache=True, nogil=True, fastmath=True)
    def sum_squares(x):
        total = 0.0
        for i in range(x.shape[0]):
            total += x[i] * x[i]
        return total

    @jit
    def sgd_block(theta, grad, velocity, coef, rate, mu, nesterov):
        for i in range(theta.shape[0]):
            g = grad[i] + theta[i] * coef if coef else grad[i]
            s = g * rate
            v = velocity[i] * mu - s
            velocity[i] = v
            theta[i] = (theta[i] - s) + v * mu if nesterov else theta[i] + v

    @jit
    def sgd(theta, grad, velocity, n_weights, coef, rate, mu, nesterov):
        sq = 0.0
        for start in range(0, n_weights, block):
            stop = min(start + block, n_weights)
            th = theta[start:stop]
            sgd_block(
                th, grad[start:stop], velocity[start:stop], coef, rate, mu, nesterov
            )
            sq += sum_squares(th)
        rest = slice(n_weights, theta.shape[0])
        zero = coef - coef
        sgd_block(theta[rest], grad[rest], velocity[rest], zero, rate, mu, nesterov)
        return sq

    @jit
    def adam_block(theta, grad, u, w, coef, beta_1, beta_2, eps, scale):
        for i in range(theta.shape[0]):
            g = grad[i] + theta[i] * coef if coef else grad[i]
            uu = u[i] * beta_1 + g
            ww = w[i] * beta_2 + g * g
            u[i] = uu
            w[i] = ww
            theta[i] = theta[i] - uu / (np.sqrt(ww) + eps) * scale

    @jit
    def adam(theta, grad, u, w, n_weights, coef, beta_1, beta_2, eps, scale):
        sq = 0.0
        for start in range(0, n_weights, block):
            stop = min(start + block, n_weights)
            th = theta[start:stop]
            adam_block(
                th,
                grad[start:stop],
                u[start:stop],
                w[start:stop],
                coef,
                beta_1,
                beta_2,
                eps,
                scale,
            )
            sq += sum_squares(th)
        rest = slice(n_weights, theta.shape[0])
        zero = coef - coef
        adam_block(
            theta[rest], grad[rest], u[rest], w[rest], zero, beta_1, beta_2, eps, scale
        )
        return sq

    _COMPILED.update(sgd=sgd, adam=adam, available=True)
    return True
