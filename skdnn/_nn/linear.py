"""The linear part of layer l: Z[l] = W[l] A[l-1] + b[l], forward and backward.

Row-major, with W[l] stored as the course's W[l]ᵀ, of shape (n[l-1], n[l])::

    Z = A_prev @ W + b
    dW = A_prevᵀ @ dZ        db = sum over rows of dZ        dA_prev = dZ @ Wᵀ

dZ already carries each row's weight in the mean cost (1/m without sample
weights: the output layer scales dZ[L] by it, see
:meth:`skdnn._nn.outputs.OutputLayer.backward`), so there is no 1/m here.
"""

import numpy as np
import scipy.sparse as sp

from .layer import Layer, LayerCache, Parameter


def matmul(A, W, out):
    """out = A @ W for a dense or sparse A; a new array when ``out`` is None."""
    # The ndarray test first: it is far cheaper than sp.issparse on the hot path.
    if isinstance(A, np.ndarray) or not sp.issparse(A):
        return np.matmul(A, W, out=out)
    if out is None:
        return np.asarray(A @ W)
    out[...] = A @ W
    return out


def matmul_transposed(A, dZ, out):
    """out = Aᵀ @ dZ for a dense or sparse A."""
    if isinstance(A, np.ndarray) or not sp.issparse(A):
        return np.matmul(A.T, dZ, out=out)
    out[...] = A.T @ dZ
    return out


class Linear(Layer):
    """Z[l] = A[l-1] W[l] + b[l]: the weights and bias of layer l.

    Parameters
    ----------
    n_in, n_out : int
        n[l-1] and n[l].
    bias : bool, default=True
        Whether the layer has b[l]. Without it (before batch normalisation,
        whose β[l] takes its place) the initialiser still draws a vector of
        b[l]'s size and drops it, so the other layers start from the same
        weights with batch norm as without.
    blas_column_sums : bool, default=False
        Sum dZ over the rows for db[l] as one BLAS product with a vector of
        ones, the fastest way for the few units of the output layer, instead
        of row after row as the hidden layers do (the order the compiled ReLU
        backward pass of :mod:`skdnn._fast` must also follow to give the same
        bits).

    Notes
    -----
    Caches its input A[l-1] (for dW[l]); its buffers are Z[l] and, unless it
    is the first layer, dA[l-1].
    """

    kind = "linear"

    def __init__(self, n_in, n_out, bias=True, blas_column_sums=False):
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.bias = bool(bias)
        self.blas_column_sums = bool(blas_column_sums)

    def parameters(self):
        W = Parameter("W", (self.n_in, self.n_out), "fan", penalised=True)
        if not self.bias:
            return (W,)
        return (W, Parameter("b", (self.n_out,), "fan"))

    def allocate(self, m, dtype, training, input_gradient=True):
        dA_prev = None
        if training and input_gradient:
            dA_prev = np.empty((m, self.n_in), dtype)
        cache = LayerCache(m, Z=np.empty((m, self.n_out), dtype), dA_prev=dA_prev)
        cache.ones = np.ones(m, dtype) if training and self.blas_column_sums else None
        return cache

    def initialize(self, p, rng, draw):
        p[0][...] = draw(rng, self.n_in, self.n_out, (self.n_in, self.n_out))
        b = draw(rng, self.n_in, self.n_out, self.n_out)
        if self.bias:
            p[1][...] = b

    def forward(self, A_prev, p, cache, mode):
        """Z = A_prev @ W + b into the cache's Z (a new array without a cache)."""
        Z = matmul(A_prev, p[0], out=None if cache is None else cache.Z)
        if self.bias:
            Z += p[1]
        if mode.training:
            cache.A_prev = A_prev
        return Z

    def backward(self, dZ, p, dp, cache):
        """dW = A_prevᵀ dZ, db = column sums of dZ, and dA_prev = dZ Wᵀ."""
        if self.bias:
            if self.blas_column_sums:
                np.dot(cache.ones[: dZ.shape[0]], dZ, out=dp[1])
            else:
                np.add.reduce(dZ, axis=0, out=dp[1])
        return self._products(dZ, p, dp, cache)

    def _products(self, dZ, p, dp, cache):
        """dW = A_prevᵀ dZ into ``dp``; returns dA_prev = dZ Wᵀ (or None)."""
        matmul_transposed(cache.A_prev, dZ, out=dp[0])
        if cache.dA_prev is None:
            return None
        return matmul(dZ, p[0].T, out=cache.dA_prev)

    def spec(self):
        return self.kind, {
            "n_in": self.n_in,
            "n_out": self.n_out,
            "bias": self.bias,
            "blas_column_sums": self.blas_column_sums,
        }

    @classmethod
    def examples(cls):
        return [cls(4, 3), cls(3, 5, bias=False), cls(5, 2, blas_column_sums=True)]
