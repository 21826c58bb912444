"""An L-layer fully connected network: forward, backward and the cost J.

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

    J = (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²

Lists are indexed by the layer number l = 0..L as in the course; entries a layer
does not have (W[0], Z[0], ...) are ``None``. The hidden g[l] and g'[l] are in
:mod:`skdnn._activations`, the output layer g[L], L and dZ[L] in
:mod:`skdnn._outputs`.

All parameters live in one flat vector ``theta``, laid out by
:mod:`skdnn._layout`; ``W[l]`` and ``b[l]`` are views into it.
"""

import numpy as np
import scipy.sparse as sp

from ._activations import LEAKY_RELU_SLOPE, HiddenLayer
from ._batchnorm import normalize_backward, normalize_layer
from ._cache import Cache
from ._dropout import drop
from ._kernels import backend, relu_layer
from ._layout import ParameterLayout
from ._outputs import OUTPUT_LAYERS

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


class Network(ParameterLayout):
    """Propagation and cost of an L-layer fully connected network.

    Holds no parameters: those come as a flat vector ``theta``, laid out by
    the :class:`~skdnn._layout.ParameterLayout` this class extends, whose
    :meth:`unpack` turns it into per-layer views.

    Parameters
    ----------
    layer_units : sequence of int
        n[0], n[1], ..., n[L]: input features, hidden units, output units.
    hidden_activations : sequence of str
        g[1], ..., g[L-1], keys of ``_activations.ACTIVATIONS``.
    output : {"logistic", "softmax", "identity"}
        The output layer g[L] and its loss, a key of
        ``_outputs.OUTPUT_LAYERS``.
    leaky_relu_slope : float, default=0.01
        The slope of "leaky_relu" units for z < 0.
    dropout : sequence of float, default=None
        The dropout rate 1 - keep_prob of each hidden layer, applied to A[l]
        in training mode (inverted dropout: the kept units are scaled by
        1/keep_prob, so predicting needs no change); None is no dropout.
    batch_norm : bool, default=False
        Batch-normalise Z[l] of every hidden layer (see
        :mod:`skdnn._batchnorm`). b[l] then holds β[l]; γ[l] and the running
        statistics follow the biases in ``theta`` (see :meth:`unpack_norm`).
    """

    def __init__(
        self,
        layer_units,
        hidden_activations,
        output,
        leaky_relu_slope=LEAKY_RELU_SLOPE,
        dropout=None,
        batch_norm=False,
    ):
        super().__init__(layer_units, batch_norm)
        self.hidden_activations = tuple(hidden_activations)
        self.output = output
        self.leaky_relu_slope = leaky_relu_slope
        n_hidden = self.n_layers - 1
        self.dropout = tuple(float(r) for r in dropout or (0.0,) * n_hidden)
        if len(self.hidden_activations) != n_hidden:
            raise ValueError(
                f"Expected {n_hidden} hidden activations, got "
                f"{len(self.hidden_activations)}."
            )

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_layers", None)  # bound functions: made anew when needed
        return state

    def _hidden_layers(self):
        """The :class:`HiddenLayer` of each hidden layer, from 0 for l = 1.

        Made once per kernel backend, which ``SKDNN_KERNELS`` may switch.
        """
        kernels = backend()
        memo = self.__dict__.get("_layers")
        if memo is None or memo[0] != kernels:
            compiled = relu_layer()
            layers = tuple(
                HiddenLayer(
                    name, self.leaky_relu_slope, compiled if name == "relu" else None
                )
                for name in self.hidden_activations
            )
            memo = self._layers = (kernels, layers)
        return memo[1]

    @property
    def output_layer(self):
        """The output layer object: g[L], its loss and dZ[L]."""
        return OUTPUT_LAYERS[self.output]

    def activations(self):
        """g[1], ..., g[L] as names, the output layer's last."""
        return (*self.hidden_activations, self.output)

    def allocate_cache(self, m, dtype, training=True):
        """A :class:`Cache` for batches of up to m rows."""
        return Cache(
            self.layer_units, m, dtype, training, self.dropout, self.batch_norm
        )

    def forward(self, X, W, b, cache=None, training=False, out=None, norm=None):
        """Forward propagation, from A[0] = X to the logits Z[L].

        In training mode every Z[l] and A[l] is kept in ``cache`` for the
        backward pass, and where the cache has a ``rng``, each hidden layer's
        dropout keeps a unit with probability keep_prob and scales it by
        1/keep_prob: D[l] = A[l] * M[l] feeds layer l+1 (inverted dropout).
        In predicting mode each A[l] overwrites its Z[l], so only
        the current layer's array is alive; without a cache the arrays are new,
        which for a few rows is cheaper than allocating one.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (m, n[0])
            A[0], the input batch.
        W, b : list of ndarray
            Parameter views from :meth:`unpack`.
        cache : Cache, default=None
            Buffers with at least m rows; required when training.
        training : bool, default=False
            Whether to keep Z[l] and A[l] for :meth:`backward`.
        out : ndarray of shape (m, n[L]), default=None
            Receives Z[L] instead of the cache's buffer.
        norm : tuple of list of ndarray, default=None
            γ[l], running μ[l], running σ²[l] from :meth:`unpack_norm`, with
            batch normalisation: a training pass normalises with the batch's
            statistics (and updates the running ones as ``cache.running``
            says), a predicting pass with the running ones.

        Returns
        -------
        Z_L : ndarray of shape (m, n[L])
            The logits Z[L]; the output layer turns them into ŷ = A[L].
        """
        L = self.n_layers
        if cache is None:
            if training:
                raise ValueError("A training forward pass needs a cache.")
            Z = A = None
            dropping = False
        else:
            Z, A, _, D, M = cache.rows(X.shape[0])
            dropping = training and cache.rng is not None and D is not None
        layers = self._hidden_layers()
        A_prev = X
        for l in range(1, L + 1):
            if l == L and out is not None:
                Z_l = _matmul(A_prev, W[l], out=out)
            else:
                Z_l = _matmul(A_prev, W[l], out=None if Z is None else Z[l])
            if l == L:
                Z_l += b[l]
                break
            A_l = A[l] if training else Z_l
            if norm is not None:
                normalize_layer(
                    Z_l, b[l], *(part[l] for part in norm), cache, l, training
                )
                A_prev = layers[l - 1].g(Z_l, out=A_l)
            else:
                A_prev = layers[l - 1].forward(Z_l, b[l], out=A_l)
            if dropping and D[l] is not None:
                A_prev = drop(A_prev, D[l], M[l], self.dropout[l - 1], cache)
        return Z_l

    def backward(self, X, Y, scale, W, dW, db, cache, norm=None, dnorm=None):
        """Backward propagation into dW and db, after a training forward pass.

        Computes the gradient of sum_i c_i L(ŷ_i, y_i) with c_i = ``scale`` (a
        number, or one per row); with c_i = s_i / sum_j s_j that is the gradient
        of the mean loss, the L2 term left out.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (m, n[0])
            A[0], the batch the forward pass ran on.
        Y : ndarray of shape (m, n[L])
            The targets.
        scale : float or ndarray of shape (m,)
            c_i, the weight of each row's loss in the sum.
        W : list of ndarray
            Parameter views from :meth:`unpack`.
        dW, db : list of ndarray
            Gradient views from :meth:`unpack` of the gradient vector, written in
            place.
        cache : Cache
            The cache the forward pass filled; its dZ buffers are written.
        norm, dnorm : tuple of list of ndarray, default=None
            With batch normalisation, :meth:`unpack_norm` of the parameters
            and of the gradient: dγ[l] is written into ``dnorm[0][l]``.
        """
        L, m = self.n_layers, Y.shape[0]
        Z, A, dZ_buffers, D, M = cache.rows(m)
        if cache.rng is None or D is None:
            D = M = cache.no_masks
        dZ = self.output_layer.delta(A[L], Y, out=dZ_buffers[L])
        dZ *= scale[:, np.newaxis] if isinstance(scale, np.ndarray) else scale
        np.dot(cache.ones[:m], dZ, out=db[L])
        layers = self._hidden_layers()
        for l in range(L, 0, -1):
            if norm is not None and l < L:
                dZ = normalize_backward(
                    dZ,
                    cache.Z_hat[l][:m],
                    cache.inv_std[l],
                    norm[0][l],
                    cache.row_weights,
                    dnorm[0][l],
                )
            A_in = X if l == 1 else A[l - 1] if D[l - 1] is None else D[l - 1]
            _matmul_transposed(A_in, dZ, out=dW[l])
            if l > 1:
                dA = _matmul(dZ, W[l].T, out=dZ_buffers[l - 1])
                if M[l - 1] is not None:
                    dA *= M[l - 1]  # the dropped units pass no gradient back
                # dZ[l-1], and db[l-1] (dβ[l-1] with batch norm)
                dZ = layers[l - 2].backward(Z[l - 1], A[l - 1], dA, db[l - 1])

    def cost(self, theta, X, Y, sample_weight, alpha, cache, total_weight=None):
        """The cost J at ``theta``, by forward propagation only.

        J = (sum_i s_i L(ŷ_i, y_i) + alpha/2 * sum_l ||W[l]||²) / sum_i s_i,
        which is the course's (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²_F
        when every s_i = 1. It is the very computation :meth:`cost_and_gradient`
        starts with.

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
        cache : Cache
            Training buffers with at least m rows.
        total_weight : float, default=None
            sum_i s_i; computed from ``sample_weight`` (or m) when None.

        Returns
        -------
        J : float
            The cost.
        """
        return self._forward_cost(
            theta, X, Y, sample_weight, alpha, cache, total_weight
        )[0]

    def cost_and_gradient(
        self,
        theta,
        X,
        Y,
        sample_weight,
        alpha,
        grad,
        cache,
        total_weight=None,
        *,
        penalty_in_step=False,
        weight_norm_sq=None,
    ):
        """The cost J (see :meth:`cost`) and its gradient dJ/dtheta.

        Parameters are those of :meth:`cost`, plus:

        grad : ndarray of shape (n_params,)
            Written in place with the gradient.
        penalty_in_step : bool, default=False
            Leave the L2 term λ/m W out of ``grad``: the optimiser step adds it
            (see :meth:`skdnn._optimizers.SGD.update`), saving a pass.
        weight_norm_sq : float, default=None
            ||W||² of ``theta``'s weights, if already known (the optimiser step
            returns it); else it is computed for the cost's L2 term.

        Returns
        -------
        J : float
            The cost.
        """
        J, total_weight = self._forward_cost(
            theta, X, Y, sample_weight, alpha, cache, total_weight, weight_norm_sq
        )
        W, _, norm = self._views(cache, theta)
        dW, db, dnorm = self._views(cache, grad, slot=1)
        scale = 1.0 / total_weight
        if sample_weight is not None:
            scale = sample_weight * scale
        self.backward(X, Y, scale, W, dW, db, cache, norm, dnorm)
        self.zero_running_statistics(grad)
        if alpha and not penalty_in_step:
            # d/dW of λ/(2m) ||W||² is λ/m W; the biases are not penalised.
            penalty = cache.penalty
            if penalty is None or penalty.dtype != grad.dtype:
                penalty = cache.penalty = np.empty(self.n_weights, grad.dtype)
            np.multiply(theta[: self.n_weights], alpha / total_weight, out=penalty)
            grad[: self.n_weights] += penalty
        return J

    def _forward_cost(
        self,
        theta,
        X,
        Y,
        sample_weight,
        alpha,
        cache,
        total_weight,
        weight_norm_sq=None,
    ):
        """(J, sum_i s_i) after a training forward pass over the batch."""
        W, b, norm = self._views(cache, theta)
        m = X.shape[0]
        if norm is not None:
            cache.row_weights = (
                None if sample_weight is None else sample_weight / sample_weight.sum()
            )
        Z_L = self.forward(X, W, b, cache, training=True, norm=norm)
        A_L = cache.rows(m)[1][self.n_layers]
        loss = self.output_layer.loss(Z_L, Y, A_L, sample_weight)
        if total_weight is None:
            total_weight = m if sample_weight is None else float(sample_weight.sum())
        if alpha:
            if weight_norm_sq is None:
                weights = theta[: self.n_weights]
                weight_norm_sq = float(weights @ weights)
            loss += 0.5 * alpha * weight_norm_sq
        return loss / total_weight, total_weight

    def predict_logits(self, X, W, b, norm=None):
        """Z[L] for every row of X, by predicting-mode forward passes in blocks.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n[0])
            The input.
        W, b : list of ndarray
            Parameter views from :meth:`unpack`.
        norm : tuple of list of ndarray, default=None
            :meth:`unpack_norm` of the parameters, with batch normalisation.

        Returns
        -------
        Z_L : ndarray of shape (n_samples, n[L])
            The output logits.
        """
        n_samples = X.shape[0]
        if n_samples <= PREDICT_CHUNK_ROWS:
            return self.forward(X, W, b, norm=norm)
        dtype = W[1].dtype
        Z_L = np.empty((n_samples, self.layer_units[-1]), dtype=dtype)
        cache = self.allocate_cache(PREDICT_CHUNK_ROWS, dtype, training=False)
        for start in range(0, n_samples, PREDICT_CHUNK_ROWS):
            stop = min(start + PREDICT_CHUNK_ROWS, n_samples)
            self.forward(X[start:stop], W, b, cache, out=Z_L[start:stop], norm=norm)
        return Z_L
