"""The optimiser steps in cache-sized blocks, in NumPy or compiled.

One step makes 4-13 NumPy operations over the parameters. Done one pass at a
time over the whole vector (:func:`skdnn._train.optimizers.sgd_update`,
:func:`~skdnn._train.optimizers.adam_update`, the reference), each pass
streams every array from memory; done block by block, all of a block's
passes run while it sits in the CPU's caches. So these steps walk θ in blocks
of :data:`~skdnn._fast.tuning.NUMPY_STEP_BLOCK` parameters, and fold in the
L2 gradient c θ[:n] (``coef``), which would otherwise be one more pass of its
own. Their scratch space is one block, reused, and the gradient is only read,
so a step streams nothing through memory but the parameters, their gradient
and the optimiser's state. The arithmetic is the reference's, element for
element, so the parameters are bit-identical to it. With ``skdnn[fast]``
installed the same step runs as one compiled loop
(:mod:`skdnn._fast.numba_steps`).

The updates are in-place NumPy operations into preallocated buffers. They stay
away from SciPy's BLAS (``scipy.linalg.blas``): NumPy and SciPy each ship their
own OpenBLAS with its own thread pool, and alternating between the two in every
batch makes their spinning threads fight over the cores.

Each step returns ||θ[:n]||² after the update (the next batch's L2 cost term),
or None when it folds in no penalty.
"""

import numpy as np

from . import adam_step, sgd_step, tuning


def blocks(n_params, n_penalised, size):
    """(start, stop, penalised) of each block; no block straddles n_penalised."""
    out = []
    for start in range(0, n_params, size):
        stop = min(start + size, n_params)
        if start < n_penalised < stop:
            out += [(start, n_penalised, True), (n_penalised, stop, False)]
        else:
            out.append((start, stop, start < n_penalised))
    return out


def sgd(theta, grad, velocity, learning_rate, momentum, nesterov, decay, scratch):
    """One SGD step in place; see :func:`skdnn._train.optimizers.sgd_update`.

    Parameters
    ----------
    theta, grad, velocity : ndarray of shape (n_params,)
        The parameters and the velocity (updated in place) and the gradient
        (only read).
    learning_rate, momentum : float
        α and μ.
    nesterov : bool
        Nesterov's momentum.
    decay : (n, coef, blocks)
        Add coef θ[:n] to the gradient (coef may be 0); ``blocks`` from
        :func:`blocks` with that n.
    scratch : callable
        ``scratch()`` gives one block of scratch space (only the NumPy step
        needs it).

    Returns
    -------
    float or None
        ||θ[:n]||² after the step, or None when coef is 0.
    """
    n, coef, parts = decay
    kernel = sgd_step()
    if kernel is not None:
        dtype = theta.dtype.type
        sq = kernel(
            theta,
            grad,
            velocity,
            n,
            dtype(coef),
            dtype(learning_rate),
            dtype(momentum),
            nesterov,
            tuning.COMPILED_STEP_BLOCK,
        )
        return sq if coef else None
    step, v, mu = scratch(), velocity, momentum
    sq = 0.0
    for start, stop, penalised in parts:
        th, g, s, vv = (
            theta[start:stop],
            grad[start:stop],
            step[: stop - start],
            v[start:stop],
        )
        if penalised:
            np.multiply(th, coef, out=s)
            s += g
            s *= learning_rate
        else:
            np.multiply(g, learning_rate, out=s)
        vv *= mu
        vv -= s
        if nesterov:
            th -= s
            np.multiply(vv, mu, out=s)
            th += s
        else:
            th += vv
        if penalised:
            sq += float(th @ th)
    return sq if coef else None


def adam(theta, grad, u, w, scale, beta_1, beta_2, epsilon, decay, scratch):
    """One Adam step in place; see :func:`skdnn._train.optimizers.adam_update`.

    Parameters
    ----------
    theta, grad : ndarray of shape (n_params,)
        The parameters (updated in place) and the gradient (only read).
    u, w : ndarray of shape (n_params,)
        The rescaled moments, updated in place.
    scale : float
        α_t (1 - β1) / sqrt(1 - β2), the step's factor.
    beta_1, beta_2 : float
        The moments' decay rates.
    epsilon : float
        ε / sqrt(1 - β2).
    decay, scratch
        As for :func:`sgd`.

    Returns
    -------
    float or None
        ||θ[:n]||² after the step, or None when coef is 0.
    """
    n, coef, parts = decay
    kernel = adam_step()
    if kernel is not None:
        dtype = theta.dtype.type
        sq = kernel(
            theta,
            grad,
            u,
            w,
            n,
            dtype(coef),
            dtype(beta_1),
            dtype(beta_2),
            dtype(epsilon),
            dtype(scale),
            tuning.COMPILED_STEP_BLOCK,
        )
        return sq if coef else None
    step, b1, b2 = scratch(), beta_1, beta_2
    sq = 0.0
    for start, stop, penalised in parts:
        th, g, s, uu, ww = (
            theta[start:stop],
            grad[start:stop],
            step[: stop - start],
            u[start:stop],
            w[start:stop],
        )
        if penalised:
            np.multiply(th, coef, out=s)
            g = np.add(g, s, out=s)
        uu *= b1
        uu += g
        ww *= b2
        np.square(g, out=s)
        ww += s
        np.sqrt(ww, out=s)
        s += epsilon
        np.divide(uu, s, out=s)
        s *= scale
        th -= s
        if penalised:
            sq += float(th @ th)
    return sq if coef else None
