"""Output layers: output activation, cross-entropy loss and dZ[L].

Two output layers cover every classification target:

``"logistic"``
    Independent sigmoid units with binary cross-entropy,
    L(a, y) = -(y log a + (1 - y) log(1 - a)) summed over the units. One unit for
    a binary problem, one per label for a multilabel indicator matrix.
``"softmax"``
    Softmax units with categorical cross-entropy, L(a, y) = -sum_k y_k log a_k.

Both are the canonical link of their loss, which is why their backward step is
the same one line, dZ[L] = A[L] - Y (see :func:`output_delta`). The losses are
computed from the logits Z[L] in log space, never from clipped probabilities, so
they are exact and finite for any finite Z[L].
"""

import numpy as np
from scipy.special import expit

# A row maximum of at most this many columns is faster down a transposed copy;
# past this many rows the copy's memory is not worth the time it saves.
_FEW_COLUMNS = 32
_COPY_ROWS = 1 << 14
# Row sums multiply by a vector of ones; allocating it costs as much as the
# product for an output layer's few units, so up to this many it is shared.
_ONES_SIZE = 1 << 12
_ONES = {}


def _row_max(Z):
    """max_k z_k of each row, as a column of shape (m, 1).

    NumPy reduces along a short last axis one row at a time; for the few units
    of an output layer, reducing a transposed copy down its columns is several
    times faster.
    """
    if Z.shape[1] <= _FEW_COLUMNS and Z.shape[0] <= _COPY_ROWS:
        return np.maximum.reduce(Z.T.copy(), axis=0)[:, np.newaxis]
    return np.maximum.reduce(Z, axis=1, keepdims=True)


def _ones(n, dtype):
    """A read-only vector of n ones: a view of a shared buffer, if n is small."""
    if n > _ONES_SIZE:
        return np.ones(n, dtype=dtype)
    ones = _ONES.get(dtype)
    if ones is None:
        ones = np.ones(_ONES_SIZE, dtype=dtype)
        ones.flags.writeable = False
        _ONES[dtype] = ones
    return ones[:n]


def _row_sum(Z):
    """sum_k z_k of each row, shape (m,), as one BLAS product with ones."""
    return np.matmul(Z, _ones(Z.shape[1], Z.dtype))


def _logsumexp(Z):
    """log(sum_k exp(z_k)) along the rows, without overflow."""
    Z_max = _row_max(Z)
    out = np.log(_row_sum(np.exp(Z - Z_max)))
    out += Z_max[:, 0]
    return out


def logistic(Z, out):
    """A = 1 / (1 + exp(-Z)), elementwise."""
    return expit(Z, out=out)


def log_logistic(Z):
    """log A = -log(1 + exp(-Z)), finite where A underflows."""
    return -np.logaddexp(0.0, -Z)


def logistic_loss(Z, Y):
    """Binary cross-entropy of each row, summed over the sigmoid units.

    Uses L(z, y) = log(1 + exp(z)) - y z, which equals
    -(y log a + (1 - y) log(1 - a)) with a = sigmoid(z).
    """
    loss = np.logaddexp(0.0, Z)
    loss -= Y * Z
    return _row_sum(loss)


def _softmax_and_normaliser(Z, out):
    """A = softmax(Z) into ``out``; returns the row maxima and normalisers.

    Z_max is max_k z_k as a column of shape (m, 1); norm is
    sum_k exp(z_k - max z) of each row, shape (m,).
    """
    Z_max = _row_max(Z)
    np.subtract(Z, Z_max, out=out)
    np.exp(out, out=out)
    norm = _row_sum(out)
    out /= norm[:, np.newaxis]
    return Z_max, norm


def softmax(Z, out):
    """A = exp(Z) / sum_k exp(Z_k), row by row."""
    _softmax_and_normaliser(Z, out)
    return out


def log_softmax(Z):
    """log A = Z - logsumexp(Z), finite where A underflows."""
    return Z - _logsumexp(Z)[:, np.newaxis]


def softmax_loss(Z, Y):
    """Categorical cross-entropy of each row: logsumexp(z) - sum_k y_k z_k."""
    return _logsumexp(Z) - _row_sum(Y * Z)


OUTPUT_ACTIVATIONS = {"logistic": logistic, "softmax": softmax}
LOG_OUTPUT_ACTIVATIONS = {"logistic": log_logistic, "softmax": log_softmax}
LOSSES = {"logistic": logistic_loss, "softmax": softmax_loss}


def total_loss(output, Z, Y, sample_weight=None):
    """Sum over the rows of the (weighted) cross-entropy L(A[L], Y).

    Parameters
    ----------
    output : {"logistic", "softmax"}
        The output layer.
    Z : ndarray of shape (m, n[L])
        The output logits Z[L].
    Y : ndarray of shape (m, n[L])
        The targets, one-hot (softmax) or 0/1 indicators (logistic).
    sample_weight : ndarray of shape (m,), default=None
        Weight s_i of each row; ``None`` weighs every row 1.

    Returns
    -------
    loss : float
        sum_i s_i L(a_i, y_i). Divide by sum_i s_i (m without weights) for J.
    """
    per_sample = LOSSES[output](Z, Y)
    if sample_weight is None:
        return float(per_sample.sum())
    return float(per_sample @ sample_weight)


def logistic_and_loss(Z, out):
    """A = sigmoid(Z) into ``out``; returns log(1 + exp(z)) summed over each row.

    The binary cross-entropy of a row is that sum minus y·z.
    """
    expit(Z, out=out)
    return _row_sum(np.logaddexp(0.0, Z))


def softmax_and_loss(Z, out):
    """A = softmax(Z) into ``out``; returns logsumexp(z) of each row.

    The cross-entropy of a row is that minus y·z. The softmax's normaliser
    sum_k exp(z_k - max z) is also the logsumexp's, so one exp serves both.
    """
    Z_max, norm = _softmax_and_normaliser(Z, out)
    log_norm = np.log(norm, out=norm)
    log_norm += Z_max[:, 0]
    return log_norm


ACTIVATIONS_AND_LOSSES = {"logistic": logistic_and_loss, "softmax": softmax_and_loss}


def activate_and_total_loss(output, Z, Y, out, sample_weight=None):
    """A[L] = g(Z[L]) into ``out``, and the loss of :func:`total_loss`.

    Parameters
    ----------
    output : {"logistic", "softmax"}
        The output layer.
    Z : ndarray of shape (m, n[L])
        The output logits Z[L].
    Y : ndarray of shape (m, n[L])
        The targets.
    out : ndarray of shape (m, n[L])
        Receives A[L].
    sample_weight : ndarray of shape (m,), default=None
        Weight s_i of each row.

    Returns
    -------
    loss : float
        sum_i s_i L(a_i, y_i).
    """
    per_row = ACTIVATIONS_AND_LOSSES[output](Z, out)
    if sample_weight is None:
        return float(per_row.sum() - np.vdot(Y, Z))
    per_row -= _row_sum(Y * Z)
    return float(per_row @ sample_weight)


def output_delta(A, Y, out):
    """dZ[L] = A[L] - Y.

    For a sigmoid output with binary cross-entropy, and for a softmax output with
    categorical cross-entropy, dL/dZ[L] simplifies to A[L] - Y (the output
    activation is the canonical link of the loss), so the derivative of the
    output activation never has to be formed.
    """
    return np.subtract(A, Y, out=out)
