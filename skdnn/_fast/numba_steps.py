"""The optimiser steps of :mod:`skdnn._fast.steps`, compiled with Numba.

Imported by :mod:`skdnn._fast` only when Numba is installed (``skdnn[fast]``).
Module-level functions, so that ``cache=True`` stores them on disk and a new
process loads them instead of compiling again.
"""

import numba
import numpy as np

# error_model="numpy": division by zero gives inf/nan as NumPy does, and the
# loops vectorise (the default "python" model checks every division).
_jit = numba.njit(cache=True, nogil=True, error_model="numpy")

# The updates keep NumPy's order of operations (no fastmath) and have no
# reduction inside, so they vectorise; ||W||² is summed block by block
# right after a block is updated, while it is still in the L1 cache, by a
# loop of its own that may reorder its additions. Each loop runs over whole
# views, range(len): indices LLVM knows to be >= 0, which it vectorises
# (with start/stop indices it checks each for wraparound, 4x slower). The
# block size is an argument (skdnn._fast.tuning.COMPILED_STEP_BLOCK), so the
# on-disk cache never holds a stale one.


@numba.njit(cache=True, nogil=True, fastmath=True)
def sum_squares(x):
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i] * x[i]
    return total


@_jit
def sgd_block(theta, grad, velocity, coef, rate, mu, nesterov):
    for i in range(theta.shape[0]):
        g = grad[i] + theta[i] * coef if coef else grad[i]
        s = g * rate
        v = velocity[i] * mu - s
        velocity[i] = v
        theta[i] = (theta[i] - s) + v * mu if nesterov else theta[i] + v


@_jit
def sgd(theta, grad, velocity, n_weights, coef, rate, mu, nesterov, block):
    sq = 0.0
    for start in range(0, n_weights, block):
        stop = min(start + block, n_weights)
        th = theta[start:stop]
        sgd_block(th, grad[start:stop], velocity[start:stop], coef, rate, mu, nesterov)
        sq += sum_squares(th)
    rest = slice(n_weights, theta.shape[0])
    zero = coef - coef
    sgd_block(theta[rest], grad[rest], velocity[rest], zero, rate, mu, nesterov)
    return sq


@_jit
def adam_block(theta, grad, u, w, coef, beta_1, beta_2, eps, scale):
    for i in range(theta.shape[0]):
        g = grad[i] + theta[i] * coef if coef else grad[i]
        uu = u[i] * beta_1 + g
        ww = w[i] * beta_2 + g * g
        u[i] = uu
        w[i] = ww
        theta[i] = theta[i] - uu / (np.sqrt(ww) + eps) * scale


@_jit
def adam(theta, grad, u, w, n_weights, coef, beta_1, beta_2, eps, scale, block):
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
