"""Output layers: g[L], the loss L(ŷ, y) from the logits Z[L], and dZ[L].

One object per kind of output layer (the last layer of the network, after the
linear part of layer L), each with the same methods:

``activation(Z, out)``
    ŷ = A[L] = g[L](Z[L]) into ``out``.
``log_activation(Z)``
    log ŷ computed in log space, finite where ŷ underflows (probabilities only).
``loss(Z, Y, A, sample_weight)``
    The summed loss sum_i s_i L(ŷ_i, y_i) straight from the logits, writing
    A[L] into ``A`` on the way. Training and ``check_gradients`` both call it:
    there is one loss path.
``delta(A, Y, out)``
    dZ[L] = A[L] - Y.
``backward(Y, scale, cache)``
    dZ[L] of the training pass whose A[L] ``cache`` holds, each row scaled by
    its weight c_i in the cost (1/m without sample weights).

========================  ==================  ==========================================
output layer              g[L]                L(ŷ, y) for one example
========================  ==================  ==========================================
``SigmoidCrossEntropy``   sigmoid, per unit   -sum_k y_k log ŷ_k + (1-y_k) log(1-ŷ_k)
``SoftmaxCrossEntropy``   softmax             -sum_k y_k log ŷ_k
``IdentitySquaredError``  identity            1/2 sum_k (ŷ_k - y_k)²
========================  ==================  ==========================================

Each g[L] is the canonical link of its loss, which is why dL/dZ[L] is the same
one line, A[L] - Y, for all three: the derivative of g[L] never has to be
formed. The cross-entropies are computed from Z[L] in log space, never from
clipped probabilities, so they are exact and finite for any finite Z[L].
"""

import numpy as np
from scipy.special import expit, logsumexp

from .._fast import tuning
from .layer import LayerCache

_ONES = {}


def _row_max(Z):
    """max_k z_k of each row, as a column of shape (m, 1).

    NumPy reduces along a short last axis one row at a time; for the few units
    of an output layer, reducing a transposed copy down its columns is faster
    (see :data:`skdnn._fast.tuning.ROW_MAX_FEW_COLUMNS`).
    """
    if (
        Z.shape[1] <= tuning.ROW_MAX_FEW_COLUMNS
        and Z.shape[0] <= tuning.ROW_MAX_COPY_ROWS
    ):
        return np.maximum.reduce(Z.T.copy(), axis=0)[:, np.newaxis]
    return np.maximum.reduce(Z, axis=1, keepdims=True)


def _ones(n, dtype):
    """A read-only vector of n ones: a view of a shared buffer, if n is small.

    Allocating it costs as much as the product for an output layer's few
    units (see :data:`skdnn._fast.tuning.SHARED_ONES_SIZE`).
    """
    if n > tuning.SHARED_ONES_SIZE:
        return np.ones(n, dtype=dtype)
    ones = _ONES.get(dtype)
    if ones is None:
        ones = np.ones(tuning.SHARED_ONES_SIZE, dtype=dtype)
        ones.flags.writeable = False
        _ONES[dtype] = ones
    return ones[:n]


def _row_sum(Z):
    """sum_k z_k of each row, shape (m,), as one BLAS product with ones."""
    return np.matmul(Z, _ones(Z.shape[1], Z.dtype))


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


def _weighted_sum(per_row, sample_weight):
    """sum_i s_i l_i as a float; every s_i = 1 when ``sample_weight`` is None."""
    if sample_weight is None:
        return float(per_row.sum())
    return float(per_row @ sample_weight)


class OutputLayer:
    """What the three output layers share: dZ[L] = A[L] - Y, and their buffers.

    The output layers hold no state, so one object of each serves every
    network; :meth:`allocate` gives a network's buffers of A[L] and dZ[L].
    """

    name = None

    def allocate(self, m, n, dtype):
        """A cache with A[L] and dZ[L] for training batches of up to m rows.

        Parameters
        ----------
        m : int
            The largest batch.
        n : int
            The output units, n[L].
        dtype : numpy dtype
            float32 or float64.
        """
        return LayerCache(m, A=np.empty((m, n), dtype), dZ=np.empty((m, n), dtype))

    def backward(self, Y, scale, cache):
        """dZ[L] = c_i (A[L] - Y) row by row, from the A[L] of :meth:`loss`.

        Parameters
        ----------
        Y : ndarray of shape (m, n[L])
            The targets.
        scale : float or ndarray of shape (m,)
            c_i, the weight of each row's loss in the cost: 1/m, or
            s_i / sum_j s_j with sample weights.
        cache : LayerCache
            From :meth:`allocate`, holding A[L].

        Returns
        -------
        dZ : ndarray of shape (m, n[L])
            The cache's dZ buffer.
        """
        dZ = self.delta(cache.A, Y, out=cache.dZ)
        dZ *= scale[:, np.newaxis] if isinstance(scale, np.ndarray) else scale
        return dZ

    def delta(self, A, Y, out):
        """dZ[L] = A[L] - Y into ``out``.

        Parameters
        ----------
        A : ndarray of shape (m, n[L])
            ŷ = A[L] from :meth:`loss`.
        Y : ndarray of shape (m, n[L])
            The targets.
        out : ndarray of shape (m, n[L])
            Receives dZ[L] (may be ``A``).

        Returns
        -------
        dZ : ndarray of shape (m, n[L])
            ``out``.
        """
        return np.subtract(A, Y, out=out)

    def logits_of_mean(self, Z, k):
        """The logits whose g[L] is the mean of k members' predictions.

        Parameters
        ----------
        Z : ndarray of shape (k m, n[L])
            The members' logits, member after member.
        k : int
            Members.

        Returns
        -------
        Z_mean : ndarray of shape (m, n[L])
            g[L](Z_mean) = (1/k) sum_j g[L](Z_j).
        """
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class SigmoidCrossEntropy(OutputLayer):
    """Independent sigmoid units with binary cross-entropy.

    One unit for a binary problem, one per label for a multilabel indicator
    matrix. The loss of a row, L(z, y) = sum_k log(1 + exp(z_k)) - y_k z_k, is
    -(y log a + (1 - y) log(1 - a)) with a = sigmoid(z), summed over the units.
    """

    name = "logistic"

    def activation(self, Z, out):
        """A = 1 / (1 + exp(-Z)), elementwise; ``out`` may be ``Z``."""
        return expit(Z, out=out)

    def log_activation(self, Z):
        """log A = -log(1 + exp(-Z)), finite where A underflows."""
        return -np.logaddexp(0.0, -Z)

    def loss(self, Z, Y, A, sample_weight=None):
        """sum_i s_i L(ŷ_i, y_i) from the logits, with A[L] written into ``A``.

        Parameters
        ----------
        Z : ndarray of shape (m, n[L])
            The logits Z[L].
        Y : ndarray of shape (m, n[L])
            0/1 targets (soft targets in [0, 1] work too).
        A : ndarray of shape (m, n[L])
            Receives A[L] = sigmoid(Z[L]).
        sample_weight : ndarray of shape (m,), default=None
            s_i; None weighs every row 1.

        Returns
        -------
        loss : float
            The summed loss; divided by sum_i s_i it is the cost without L2.
        """
        expit(Z, out=A)
        # Per element, then per row: a difference of the summed terms would
        # cancel most of its digits once the fit is good.
        loss = np.logaddexp(0.0, Z)
        loss -= Y * Z
        return _weighted_sum(_row_sum(loss), sample_weight)

    def logits_of_mean(self, Z, k):
        """log p - log(1 - p) of p, the members' mean probability, in logs."""
        Z3 = Z.reshape(k, -1, Z.shape[1])
        log_p = logsumexp(-np.logaddexp(0.0, -Z3), axis=0)
        log_q = logsumexp(-np.logaddexp(0.0, Z3), axis=0)
        return (log_p - log_q).astype(Z.dtype, copy=False)


class SoftmaxCrossEntropy(OutputLayer):
    """Softmax units with categorical cross-entropy, for one label of K > 2.

    The loss of a row, L(z, y) = logsumexp(z) - sum_k y_k z_k, is
    -sum_k y_k log a_k with a = softmax(z).
    """

    name = "softmax"

    def activation(self, Z, out):
        """A = exp(Z) / sum_k exp(Z_k), row by row; ``out`` may be ``Z``."""
        _softmax_and_normaliser(Z, out)
        return out

    def log_activation(self, Z):
        """log A = Z - logsumexp(Z), finite where A underflows."""
        Z_max = _row_max(Z)
        log_norm = np.log(_row_sum(np.exp(Z - Z_max)))
        log_norm += Z_max[:, 0]
        return Z - log_norm[:, np.newaxis]

    def loss(self, Z, Y, A, sample_weight=None):
        """sum_i s_i L(ŷ_i, y_i) from the logits, with A[L] written into ``A``.

        The softmax's normaliser sum_k exp(z_k - max z) is also the
        logsumexp's, so one exponential serves both. Parameters and return as
        in :meth:`SigmoidCrossEntropy.loss`, with one-hot Y.
        """
        Z_max, norm = _softmax_and_normaliser(Z, A)
        per_row = np.log(norm, out=norm)
        per_row += Z_max[:, 0]
        per_row -= _row_sum(Y * Z)
        return _weighted_sum(per_row, sample_weight)

    def logits_of_mean(self, Z, k):
        """log of the members' mean probabilities, whose softmax they are."""
        log_A = self.log_activation(Z).reshape(k, -1, Z.shape[1])
        return (logsumexp(log_A, axis=0) - np.log(k)).astype(Z.dtype, copy=False)


class IdentitySquaredError(OutputLayer):
    """Identity output units with the squared error, for regression.

    ŷ = Z[L] and L(ŷ, y) = 1/2 sum_k (ŷ_k - y_k)², so the cost is
    J = (1/2m) sum_i ||ŷ_i - y_i||² before the L2 term.
    """

    name = "identity"

    def activation(self, Z, out):
        """A = Z."""
        if out is not Z:
            np.copyto(out, Z)
        return out

    def loss(self, Z, Y, A, sample_weight=None):
        """sum_i s_i L(ŷ_i, y_i), with A[L] = Z[L] copied into ``A``.

        Parameters and return as in :meth:`SigmoidCrossEntropy.loss`, with
        real-valued Y.
        """
        residual = np.subtract(Z, Y, out=A)
        loss = 0.5 * _weighted_sum(_row_sum(residual * residual), sample_weight)
        np.copyto(A, Z)
        return loss

    def logits_of_mean(self, Z, k):
        """The members' mean prediction."""
        return Z.reshape(k, -1, Z.shape[1]).mean(axis=0)


OUTPUT_LAYERS = {
    layer.name: layer
    for layer in (SigmoidCrossEntropy(), SoftmaxCrossEntropy(), IdentitySquaredError())
}
