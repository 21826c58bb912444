"""Inverted dropout of the hidden activations, for training passes.

Each training step keeps each unit of A[l] with probability keep_prob =
1 - rate and scales the kept ones by 1/keep_prob::

    M = (U < keep_prob) / keep_prob,  U ~ uniform[0, 1)       D = A * M
    dA = dD * M

so the expected D[l] is A[l] and prediction, which drops nothing, needs no
rescaling.
"""

import numpy as np

from .layer import Layer, LayerCache


def drop(A, D, M, keep_prob, rng):
    """D = A * M into ``D``, drawing a new mask M from ``rng`` (None: reuse M)."""
    if rng is not None:
        rng.random(out=M, dtype=M.dtype)
        np.less(M, keep_prob, out=M)
        M *= 1.0 / keep_prob
    return np.multiply(A, M, out=D)


class Dropout(Layer):
    """D[l] = A[l] * M[l] in training passes; A[l] itself when predicting.

    A training pass without a ``mode.rng`` drops nothing (the cost of
    L-BFGS, of ``diagnose``); ``mode.reuse_masks`` keeps the masks of the
    previous pass (gradient checking).

    Parameters
    ----------
    n : int
        The layer's units, n[l].
    rate : float
        1 - keep_prob, in (0, 1).

    Notes
    -----
    Caches the mask M[l] (0 or 1/keep_prob) and whether the pass dropped
    anything; D[l] = A[l] * M[l] is a buffer of its own.
    """

    kind = "dropout"
    in_place = True  # predicting hands its input back

    def __init__(self, n, rate):
        self.n_in = self.n_out = int(n)
        self.rate = float(rate)

    def allocate(self, m, dtype, training, input_gradient=True):
        if not training:
            return LayerCache(m)
        shape = (m, self.n_out)
        return LayerCache(m, D=np.empty(shape, dtype), M=np.empty(shape, dtype))

    def forward(self, A, p, cache, mode):
        """D = A * M, with a new mask unless the mode reuses the last one."""
        if not mode.training:
            return A
        cache.dropped = mode.rng is not None
        if not cache.dropped:
            return A
        rng = None if mode.reuse_masks else mode.rng
        return drop(A, cache.D, cache.M, 1.0 - self.rate, rng)

    def backward(self, dA, p, dp, cache):
        """dA = dD * M: the dropped units pass no gradient back."""
        if cache.dropped:
            dA *= cache.M
        return dA

    def spec(self):
        return self.kind, {"n": self.n_out, "rate": self.rate}

    @classmethod
    def examples(cls):
        return [cls(5, 0.5), cls(3, 0.2)]
