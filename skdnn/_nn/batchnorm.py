"""Batch normalisation of Z[l] before a hidden activation: the layer and its maths.

For a batch of m rows with weights p_i (p_i = s_i / sum_j s_j; 1/m without
sample weights), each unit of Z[l] is normalised with the batch's weighted
statistics and then scaled and shifted by the learned γ[l] and β[l]::

    μ = sum_i p_i Z_i          σ² = sum_i p_i (Z_i - μ)²
    Ẑ = (Z - μ) / sqrt(σ² + ε)            Z̃ = γ Ẑ + β            A = g(Z̃)

β plays the part of the bias b[l], which would be redundant (the linear layer
before it has none). Backward, from
dZ̃ = dA * g'(Z̃)::

    dβ = sum_i dZ̃_i            dγ = sum_i dZ̃_i Ẑ_i            dẐ = γ dZ̃
    dZ_k = (dẐ_k - p_k sum_i dẐ_i - p_k Ẑ_k sum_i dẐ_i Ẑ_i) / sqrt(σ² + ε)

Prediction uses running averages of μ and σ² instead of a batch's, updated
after every training step as running = MOMENTUM * running + (1 - MOMENTUM) *
batch statistic.
"""

import numpy as np

from .layer import Layer, LayerCache, Parameter

MOMENTUM = 0.9
EPSILON = 1e-5


def _weighted_mean(V, row_weights):
    """sum_i p_i V_i over the rows, p_i = 1/m when ``row_weights`` is None."""
    if row_weights is None:
        return V.mean(axis=0)
    return row_weights @ V


def normalize(Z, gamma, beta, Z_hat, row_weights):
    """Z̃ = γ Ẑ + β written over Z, with Ẑ into ``Z_hat``.

    Parameters
    ----------
    Z : ndarray of shape (m, n)
        W[l] A[l-1] of the batch; overwritten with Z̃.
    gamma, beta : ndarray of shape (n,)
        γ[l] and β[l].
    Z_hat : ndarray of shape (m, n)
        Receives Ẑ, for the backward pass.
    row_weights : ndarray of shape (m,) or None
        p_i, summing to 1; None for 1/m.

    Returns
    -------
    mean, var, inv_std : ndarray of shape (n,)
        The batch's μ, σ² and 1 / sqrt(σ² + ε).
    """
    mean = _weighted_mean(Z, row_weights)
    np.subtract(Z, mean, out=Z_hat)
    var = _weighted_mean(Z_hat * Z_hat, row_weights)
    inv_std = 1.0 / np.sqrt(var + EPSILON)
    Z_hat *= inv_std
    np.multiply(Z_hat, gamma, out=Z)
    Z += beta
    return mean, var, inv_std


def normalize_backward(dZ, Z_hat, inv_std, gamma, row_weights, dgamma):
    """dZ̃ -> dZ in place, and dγ into ``dgamma`` (dβ is the usual db)."""
    np.sum(dZ * Z_hat, axis=0, out=dgamma)
    dZ *= gamma  # dẐ
    sum_dZ = dZ.sum(axis=0)
    sum_dZ_Z_hat = (dZ * Z_hat).sum(axis=0)
    if row_weights is None:
        p = 1.0 / dZ.shape[0]
        dZ -= p * sum_dZ
        dZ -= Z_hat * (p * sum_dZ_Z_hat)
    else:
        p = row_weights[:, np.newaxis]
        dZ -= p * sum_dZ
        dZ -= p * Z_hat * sum_dZ_Z_hat
    dZ *= inv_std
    return dZ


def normalize_predicting(Z, gamma, beta, running_mean, running_var):
    """Z̃ = γ (Z - running μ) / sqrt(running σ² + ε) + β, in place."""
    scale = gamma / np.sqrt(running_var + EPSILON)
    Z -= running_mean
    Z *= scale
    Z += beta
    return Z


def set_running(running_mean, running_var, mean, var):
    """Running statistics set to one batch's (the full batch of L-BFGS)."""
    running_mean[...] = mean
    running_var[...] = var


def update_running(running_mean, running_var, mean, var):
    """One step of the running averages, in place."""
    running_mean *= MOMENTUM
    running_mean += (1.0 - MOMENTUM) * mean
    running_var *= MOMENTUM
    running_var += (1.0 - MOMENTUM) * var


class BatchNorm(Layer):
    """Z̃[l] = γ[l] Ẑ[l] + β[l] between the linear part of layer l and g[l].

    Its parameters, in order: β[l] (named "b": it is the layer's bias b[l]),
    γ[l], and the running μ[l] and σ²[l], which the forward pass sets itself
    (``trained=False``). A training pass normalises with the batch's weighted
    statistics and updates the running ones as ``mode.running`` says; a
    predicting pass normalises with the running ones. Both work in place
    over Z[l].

    Parameters
    ----------
    n : int
        The layer's units, n[l].

    Notes
    -----
    Caches Ẑ[l] (in a buffer of its own), 1/sqrt(σ² + ε) and the rows'
    weights p_i of the training pass.
    """

    kind = "batch_norm"
    in_place = True

    def __init__(self, n):
        self.n_in = self.n_out = int(n)

    def parameters(self):
        n = (self.n_out,)
        return (
            Parameter("b", n, "zeros"),
            Parameter("gamma", n, "ones"),
            Parameter("running_mean", n, "zeros", trained=False),
            Parameter("running_var", n, "ones", trained=False),
        )

    def allocate(self, m, dtype, training, input_gradient=True):
        return LayerCache(
            m, Z_hat=np.empty((m, self.n_out), dtype) if training else None
        )

    def forward(self, Z, p, cache, mode):
        """Z̃ over Z: with the batch's statistics when training, else the running."""
        beta, gamma, running_mean, running_var = p
        if not mode.training:
            return normalize_predicting(Z, gamma, beta, running_mean, running_var)
        mean, var, cache.inv_std = normalize(
            Z, gamma, beta, cache.Z_hat, mode.row_weights
        )
        cache.row_weights = mode.row_weights
        if mode.running == "average":
            update_running(running_mean, running_var, mean, var)
        elif mode.running == "set":
            set_running(running_mean, running_var, mean, var)
        return Z

    def backward(self, dZ, p, dp, cache):
        """dZ̃ -> dZ in place; dβ and dγ into ``dp``."""
        np.add.reduce(dZ, axis=0, out=dp[0])  # dβ, row after row
        return normalize_backward(
            dZ, cache.Z_hat, cache.inv_std, p[1], cache.row_weights, dp[1]
        )

    def spec(self):
        return self.kind, {"n": self.n_out}

    @classmethod
    def examples(cls):
        return [cls(4)]
