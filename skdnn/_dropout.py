"""Inverted dropout of the hidden activations, for training passes."""

import numpy as np


def drop(A, D, M, rate, cache):
    """D[l] = A[l] * M[l]: each unit kept with probability 1 - rate, scaled up.

    The mask M[l] holds 0 for a dropped unit and 1/keep_prob for a kept one, so
    the expected D[l] is A[l] and prediction needs no rescaling. A new mask is
    drawn from ``cache.rng`` unless ``cache.freeze_masks`` (gradient checking).
    The backward pass multiplies dA[l] by the same M[l].
    """
    keep_prob = 1.0 - rate
    if not cache.freeze_masks:
        cache.rng.random(out=M, dtype=M.dtype)
        np.less(M, keep_prob, out=M)
        M *= 1.0 / keep_prob
    return np.multiply(A, M, out=D)
