"""Batch normalisation of Z[l] before a hidden activation, forward and backward.

For a batch of m rows with weights p_i (p_i = s_i / sum_j s_j; 1/m without
sample weights), each unit of Z[l] is normalised with the batch's weighted
statistics and then scaled and shifted by the learned γ[l] and β[l]::

    μ = sum_i p_i Z_i          σ² = sum_i p_i (Z_i - μ)²
    Ẑ = (Z - μ) / sqrt(σ² + ε)            Z̃ = γ Ẑ + β            A = g(Z̃)

β plays the part of the bias b[l], which would be redundant. Backward, from
dZ̃ = dA * g'(Z̃)::

    dβ = sum_i dZ̃_i            dγ = sum_i dZ̃_i Ẑ_i            dẐ = γ dZ̃
    dZ_k = (dẐ_k - p_k sum_i dẐ_i - p_k Ẑ_k sum_i dẐ_i Ẑ_i) / sqrt(σ² + ε)

Prediction uses running averages of μ and σ² instead of a batch's, updated
after every training step as running = MOMENTUM * running + (1 - MOMENTUM) *
batch statistic.
"""

import numpy as np

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


def normalize_layer(Z, beta, gamma, running_mean, running_var, cache, l, training):
    """Z̃[l] = γ Ẑ + β over Z[l]: with the batch's statistics when training.

    A training pass keeps Ẑ[l] and 1/sqrt(σ² + ε) in ``cache`` for the backward
    pass and updates the running statistics as ``cache.running`` says:
    "average" (one step of the moving average), "set" (to this batch's) or
    None (left alone, as for gradient checking).
    """
    if not training:
        normalize_predicting(Z, gamma, beta, running_mean, running_var)
        return
    mean, var, inv_std = normalize(
        Z, gamma, beta, cache.Z_hat[l][: Z.shape[0]], cache.row_weights
    )
    cache.inv_std[l] = inv_std
    if cache.running == "average":
        update_running(running_mean, running_var, mean, var)
    elif cache.running == "set":
        set_running(running_mean, running_var, mean, var)


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
