"""An L-layer fully connected network: parameter layout, forward and backward.

Notation
--------
The course writes one example per *column*: A[l] has shape (n[l], m) and
Z[l] = W[l] A[l-1] + b[l] with W[l] of shape (n[l], n[l-1]). NumPy and
scikit-learn keep one example per *row*, so every array here is the transpose of
the course's:

=============  ====================  ===========================
course         here                  shape
=============  ====================  ===========================
A[l], Z[l]     ``A[l]``, ``Z[l]``    (m, n[l])
W[l]           ``W[l]`` = W[l]ᵀ      (n[l-1], n[l])
b[l]           ``b[l]``              (n[l],)
=============  ====================  ===========================

and the equations read, row-major::

    Z[l] = A[l-1] @ W[l] + b[l]             A[l] = g[l](Z[l])
    dZ[l] = dA[l] * g[l]'(Z[l])             dW[l] = A[l-1]ᵀ @ dZ[l] / m
    db[l] = sum over rows of dZ[l] / m      dA[l-1] = dZ[l] @ W[l]ᵀ

Lists are indexed by the layer number l = 0..L as in the course; entries a layer
does not have (W[0], Z[0], ...) are ``None``.

All parameters live in one contiguous flat vector ``theta``: every W[l]
(row-major) first, then every b[l]. ``W[l]`` and ``b[l]`` are views into it, so
an optimiser updates the whole network in one vectorised step and L-BFGS works on
``theta`` directly. The L2 penalty covers exactly ``theta[:n_weights]``.
"""

from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, BACKWARDS
from ._losses import (
    OUTPUT_ACTIVATIONS,
    activate_and_total_loss,
    output_delta,
    total_loss,
)

# Rows per block when predicting, so huge inputs never need n_samples x width.
# Blocks of 1024 rows keep an input block and its activations in cache: 3-7 %
# faster than 4096 in float64, the same in float32.
PREDICT_CHUNK_ROWS = 1024


def _matmul(A, W, out):
    """out = A @ W for a dense or sparse A; a new array when ``out`` is None."""
    # The ndarray test first: it is far cheaper than sp.issparse on the hot path.
    if isinstance(A, np.ndarray) or not sp.issparse(A):
        return np.matmul(A, W, out=out)
    if out is None:
        return np.asarray(A @ W)
    out[...] = A @ W
    return out


def _matmul_transposed(A, dZ, out):
    """out = Aᵀ @ dZ for a dense or sparse A."""
    if isinstance(A, np.ndarray) or not sp.issparse(A):
        return np.matmul(A.T, dZ, out=out)
    out[...] = A.T @ dZ
    return out


def _rows(cache, key, m):
    """The buffers ``cache[key]`` cut to their first m rows.

    The full-size list is returned as it is, so steady-state batches build no
    new views.
    """
    buffers = cache[key]
    if buffers[-1].shape[0] == m:
        return buffers
    return [None if buffer is None else buffer[:m] for buffer in buffers]


def _views(network, cache, theta, grad=None):
    """W, b (and dW, db) views of ``theta`` (and ``grad``), memoised in ``cache``.

    Training calls the cost with the same two vectors batch after batch, so the
    per-layer views are made once; other vectors get fresh views.
    """
    memo = cache.get("views")
    if memo is None or memo[0] is not theta or memo[1] is not grad:
        W, b = network.unpack(theta)
        dW, db = (None, None) if grad is None else network.unpack(grad)
        memo = cache["views"] = (theta, grad, W, b, dW, db)
    return memo[2:]


class Network:
    """Layout and propagation of an L-layer fully connected network.

    Holds no parameters: those come as a flat vector ``theta``, which
    :meth:`unpack` turns into per-layer views.

    Parameters
    ----------
    layer_units : sequence of int
        n[0], n[1], ..., n[L]: input features, hidden units, output units.
    hidden_activations : sequence of str
        g[1], ..., g[L-1], keys of ``_activations.ACTIVATIONS``.
    output : {"logistic", "softmax"}
        The output layer g[L] and its cross-entropy loss.
    """

    def __init__(self, layer_units, hidden_activations, output):
        self.layer_units = tuple(int(n) for n in layer_units)
        self.hidden_activations = tuple(hidden_activations)
        self.output = output
        self.n_layers = len(self.layer_units) - 1
        if len(self.hidden_activations) != self.n_layers - 1:
            raise ValueError(
                f"Expected {self.n_layers - 1} hidden activations, got "
                f"{len(self.hidden_activations)}."
            )
        self._layer_activations = (*self.hidden_activations, self.output)
        shapes = list(pairwise(self.layer_units))
        self.n_weights = sum(n_in * n_out for n_in, n_out in shapes)
        self.n_params = self.n_weights + sum(self.layer_units[1:])

    def unpack(self, theta):
        """Views W[l], b[l] of the flat parameter vector.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            The flat parameter vector, or a gradient laid out the same way.

        Returns
        -------
        W : list of ndarray
            ``W[l]`` of shape (n[l-1], n[l]); ``W[0]`` is None.
        b : list of ndarray
            ``b[l]`` of shape (n[l],); ``b[0]`` is None.
        """
        W, b = [None], [None]
        w_start, b_start = 0, self.n_weights
        for n_in, n_out in pairwise(self.layer_units):
            W.append(theta[w_start : w_start + n_in * n_out].reshape(n_in, n_out))
            b.append(theta[b_start : b_start + n_out])
            w_start += n_in * n_out
            b_start += n_out
        return W, b

    def activations(self):
        """g[1], ..., g[L] as names, the output layer's last."""
        return self._layer_activations

    def allocate_cache(self, m, dtype):
        """Buffers Z[l], A[l] and dZ[l] for l = 1..L, for batches of up to m rows.

        Parameters
        ----------
        m : int
            The largest batch the buffers will hold.
        dtype : numpy dtype
            float32 or float64.

        Returns
        -------
        cache : dict
            Keys "Z", "A", "dZ": lists of buffers indexed by l, entry 0 None;
            "ones": a vector of m ones.
        """
        buffers = {"Z": [None], "A": [None], "dZ": [None]}
        for n in self.layer_units[1:]:
            for key in buffers:
                buffers[key].append(np.empty((m, n), dtype=dtype))
        # db[l] = column sums of dZ[l], as a BLAS product with a row of ones
        buffers["ones"] = np.ones(m, dtype=dtype)
        return buffers

    def forward(self, X, W, b, cache, output_activation=True):
        """Forward propagation, keeping Z[l] and A[l] for the backward pass.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (m, n[0])
            A[0], the input batch.
        W, b : list of ndarray
            Parameter views from :meth:`unpack`.
        cache : dict of list of ndarray
            Buffers from :meth:`allocate_cache` with at least m rows.
        output_activation : bool, default=True
            Whether to compute A[L] = ŷ; without it the forward pass ends with
            the logits Z[L] and A[L] is left unset.

        Returns
        -------
        Z, A : list of ndarray
            Z[l] and A[l] for l = 0..L (views of the first m rows of the
            buffers; Z[0] is None and A[0] is X). A[L] is ŷ.
        """
        Z = _rows(cache, "Z", X.shape[0])
        A = [X, *_rows(cache, "A", X.shape[0])[1:]]
        for l, g in enumerate(self.activations(), start=1):
            _matmul(A[l - 1], W[l], out=Z[l])
            Z[l] += b[l]
            if l < self.n_layers:
                ACTIVATIONS[g](Z[l], out=A[l])
            elif output_activation:
                OUTPUT_ACTIVATIONS[g](Z[l], out=A[l])
        return Z, A

    def backward(self, Z, A, Y, scale, W, dW, db, cache):
        """Backward propagation into dW and db.

        Computes the gradient of sum_i c_i L(ŷ_i, y_i) with c_i = ``scale`` (a
        number, or one per row); with c_i = s_i / sum_j s_j that is the gradient
        of the mean loss, the L2 term left out.

        Parameters
        ----------
        Z, A : list of ndarray
            The cache returned by :meth:`forward`.
        Y : ndarray of shape (m, n[L])
            The targets.
        scale : float or ndarray of shape (m,)
            c_i, the weight of each row's loss in the sum.
        W : list of ndarray
            Parameter views from :meth:`unpack`.
        dW, db : list of ndarray
            Gradient views from :meth:`unpack` of the gradient vector, written in
            place.
        cache : dict of list of ndarray
            Buffers from :meth:`allocate_cache`, for the dZ[l].
        """
        L = self.n_layers
        dZ_buffers = _rows(cache, "dZ", Y.shape[0])
        dZ = output_delta(A[L], Y, out=dZ_buffers[L])
        dZ *= scale[:, np.newaxis] if isinstance(scale, np.ndarray) else scale
        ones = cache["ones"][: Y.shape[0]]
        for l in range(L, 0, -1):
            _matmul_transposed(A[l - 1], dZ, out=dW[l])
            np.dot(ones, dZ, out=db[l])
            if l > 1:
                dA = np.matmul(dZ, W[l].T, out=dZ_buffers[l - 1])
                g = self.hidden_activations[l - 2]
                dZ = BACKWARDS[g](Z[l - 1], A[l - 1], dA)

    def cost(self, theta, X, Y, sample_weight, alpha, cache, total_weight=None):
        """The cost J at ``theta``, by forward propagation only.

        J = (sum_i s_i L(ŷ_i, y_i) + alpha/2 * sum_l ||W[l]||²) / sum_i s_i,
        which is the course's (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²_F
        when every s_i = 1.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            Flat parameters.
        X : {ndarray, sparse matrix} of shape (m, n[0])
            The batch.
        Y : ndarray of shape (m, n[L])
            The targets.
        sample_weight : ndarray of shape (m,) or None
            Weight of each row.
        alpha : float
            L2 penalty λ.
        cache : dict of list of ndarray
            Buffers from :meth:`allocate_cache` with at least m rows.
        total_weight : float, default=None
            sum_i s_i; computed from ``sample_weight`` (or m) when None.

        Returns
        -------
        J : float
            The cost.
        """
        W, b, _, _ = _views(self, cache, theta)
        Z, _ = self.forward(X, W, b, cache, output_activation=False)
        loss = total_loss(self.output, Z[-1], Y, sample_weight)
        total_weight = self._total_weight(Y, sample_weight, total_weight)
        return self._penalised(loss, theta, alpha, total_weight)

    def cost_and_gradient(
        self, theta, X, Y, sample_weight, alpha, grad, cache, total_weight=None
    ):
        """The cost J (see :meth:`cost`) and its gradient dJ/dtheta.

        Parameters are those of :meth:`cost`, plus ``grad``, an ndarray of shape
        (n_params,) written in place with the gradient.

        Returns
        -------
        J : float
            The cost.
        """
        W, b, dW, db = _views(self, cache, theta, grad)
        Z, A = self.forward(X, W, b, cache, output_activation=False)
        loss = activate_and_total_loss(self.output, Z[-1], Y, A[-1], sample_weight)
        total_weight = self._total_weight(Y, sample_weight, total_weight)
        J = self._penalised(loss, theta, alpha, total_weight)
        scale = 1.0 / total_weight
        if sample_weight is not None:
            scale = sample_weight * scale
        self.backward(Z, A, Y, scale, W, dW, db, cache)
        if alpha:
            penalty = cache.get("penalty")
            if penalty is None or penalty.shape[0] != self.n_weights:
                penalty = cache["penalty"] = np.empty(self.n_weights, grad.dtype)
            np.multiply(theta[: self.n_weights], alpha / total_weight, out=penalty)
            grad[: self.n_weights] += penalty
        return J

    @staticmethod
    def _total_weight(Y, sample_weight, total_weight):
        if total_weight is not None:
            return total_weight
        return Y.shape[0] if sample_weight is None else float(sample_weight.sum())

    def _penalised(self, loss, theta, alpha, total_weight):
        """J from the summed loss: (loss + alpha/2 ||W||²) / total weight."""
        if alpha:
            weights = theta[: self.n_weights]
            loss += 0.5 * alpha * float(weights @ weights)
        return loss / total_weight

    def predict_logits(self, X, W, b):
        """Z[L] for every row of X, computed in blocks of rows.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n[0])
            The input.
        W, b : list of ndarray
            Parameter views from :meth:`unpack`.

        Returns
        -------
        Z_L : ndarray of shape (n_samples, n[L])
            The output logits.
        """
        n_samples = X.shape[0]
        if n_samples <= PREDICT_CHUNK_ROWS:
            return self._logits_of_block(X, W, b)
        dtype = W[1].dtype
        Z_L = np.empty((n_samples, self.layer_units[-1]), dtype=dtype)
        hidden = [
            np.empty((PREDICT_CHUNK_ROWS, n), dtype) for n in self.layer_units[1:-1]
        ]
        for start in range(0, n_samples, PREDICT_CHUNK_ROWS):
            stop = min(start + PREDICT_CHUNK_ROWS, n_samples)
            m = stop - start
            out = [buffer[:m] for buffer in hidden] + [Z_L[start:stop]]
            self._logits_of_block(X[start:stop], W, b, out)
        return Z_L

    def _logits_of_block(self, X, W, b, out=None):
        """Z[L] for a block of rows, keeping only the current layer's array.

        Each A[l] overwrites its Z[l]. ``out`` lists the arrays that receive
        Z[1], ..., Z[L] (rows of X by n[l]); without it they are new, which for
        one-row predictions is cheaper than building a cache.
        """
        A = X
        for l, g in enumerate(self.activations(), start=1):
            Z = _matmul(A, W[l], out=None if out is None else out[l - 1])
            Z += b[l]
            if l < self.n_layers:
                A = ACTIVATIONS[g](Z, out=Z)
        return Z
