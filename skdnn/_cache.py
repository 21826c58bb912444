"""The buffers of forward and backward propagation, allocated once per fit.

A :class:`Cache` holds Z[l], A[l] and dZ[l] for batches of up to m rows, plus
what dropout (masks, dropped activations) and batch normalisation (Ẑ[l],
1/sqrt(σ² + ε)) keep between the forward and the backward pass, so that a
training step allocates no array the size of a batch.
"""

import numpy as np


class Cache:
    """Preallocated Z[l], A[l] and dZ[l] for batches of up to m rows.

    Parameters
    ----------
    layer_units : sequence of int
        n[0], ..., n[L].
    m : int
        The largest batch the buffers hold.
    dtype : numpy dtype
        float32 or float64.
    training : bool, default=True
        With False only Z[1..L] are allocated: predicting overwrites each Z[l]
        with its A[l] and needs no backward pass.
    dropout : sequence of float, default=None
        The dropout rate of each hidden layer l = 1..L-1; layers with a rate
        above 0 get mask and dropped-activation buffers when training.

    Attributes
    ----------
    Z, A, dZ : list of ndarray
        Buffers of shape (m, n[l]) indexed by l, entry 0 None; A and dZ are
        None when not training.
    D, M : list of ndarray or None
        For hidden layers with dropout: the dropped activations D[l] = A[l] *
        M[l] that feed layer l+1, and the masks M[l] (0 or 1/keep_prob).
    rng : numpy.random.Generator or None
        Draws the dropout masks of a training forward pass; None trains
        without dropout (as :meth:`Network.backward` then also assumes).
    freeze_masks : bool
        Reuse the masks of the previous pass instead of drawing new ones (for
        gradient checking).
    ones : ndarray of shape (m,)
        Ones, for db[l] as a BLAS product (training only).
    """

    def __init__(
        self, layer_units, m, dtype, training=True, dropout=None, batch_norm=False
    ):
        def buffers(layers=None):
            return [None] + [
                np.empty((m, n), dtype=dtype) if layers is None or layers[l] else None
                for l, n in enumerate(layer_units[1:])
            ]

        self.m = m
        self.Z = buffers()
        self.A = buffers() if training else None
        self.dZ = buffers() if training else None
        rates = [*(dropout or ()), 0.0]  # the output layer has no dropout
        dropping = [training and rate > 0 for rate in rates]
        self.D = buffers(dropping) if any(dropping) else None
        self.M = buffers(dropping) if any(dropping) else None
        self.rng = None
        self.freeze_masks = False
        self.no_masks = [None] * len(layer_units)  # D and M of a pass without dropout
        # batch normalisation: Ẑ[l] and 1/sqrt(σ² + ε) of the last training pass
        hidden = [l < len(layer_units) - 2 for l in range(len(layer_units) - 1)]
        norm = training and batch_norm
        self.Z_hat = buffers(hidden) if norm else None
        self.inv_std = [None] * len(layer_units) if norm else None
        self.row_weights = None
        self.running = None  # None, "average" (a step of the EMA) or "set"
        # db[l] = column sums of dZ[l], as a BLAS product with a row of ones
        self.ones = np.ones(m, dtype=dtype) if training else None
        self.views = None
        self.penalty = None
        self._full = (self.Z, self.A, self.dZ, self.D, self.M)
        self._cut = (None, None)

    def rows(self, m):
        """(Z, A, dZ, D, M) cut to their first m rows.

        For m rows of the full size the buffer lists themselves are returned,
        and the cut lists of the last smaller m are kept, so steady-state
        batches build no new views.
        """
        if m == self.m:
            return self._full
        if self._cut[0] != m:

            def cut(buffers):
                if buffers is None:
                    return None
                return [None if buf is None else buf[:m] for buf in buffers]

            self._cut = (m, tuple(cut(buffers) for buffers in self._full))
        return self._cut[1]
