"""The flat parameter vector ``theta`` and its per-layer views.

All parameters of a network live in one contiguous vector: every W[l]
(row-major, shape (n[l-1], n[l])) first, then every b[l], then, with batch
normalisation, every γ[l] and the running μ[l] and σ²[l] of the hidden layers.
``W[l]`` and ``b[l]`` are views into it, so an optimiser updates the whole
network in one vectorised step and L-BFGS works on ``theta`` directly. The L2
penalty covers exactly ``theta[:n_weights]``; a gradient vector has the same
layout.
"""

from itertools import pairwise


class ParameterLayout:
    """Where each layer's parameters sit in the flat vector ``theta``.

    Parameters
    ----------
    layer_units : sequence of int
        n[0], n[1], ..., n[L]: input features, hidden units, output units.
    batch_norm : bool
        Whether ``theta`` also holds γ[l] and the running statistics of every
        hidden layer (false when there is none).

    Attributes
    ----------
    layer_units : tuple of int
        n[0], ..., n[L].
    n_layers : int
        L, the number of layers with parameters.
    batch_norm : bool
        Whether ``theta`` holds batch normalisation's parameters.
    n_weights : int
        The number of weights, ``theta[:n_weights]``.
    n_params : int
        The length of ``theta``.
    """

    def __init__(self, layer_units, batch_norm):
        self.layer_units = tuple(int(n) for n in layer_units)
        self.batch_norm = bool(batch_norm) and len(self.layer_units) > 2
        self.n_layers = len(self.layer_units) - 1
        shapes = list(pairwise(self.layer_units))
        self.n_weights = sum(n_in * n_out for n_in, n_out in shapes)
        self.n_params = self.n_weights + sum(self.layer_units[1:])
        if self.batch_norm:
            # γ[l], then the running μ[l] and σ²[l] of every hidden layer
            self.n_params += sum(self.layer_units[1:-1])
            self._running_start = self.n_params
            self.n_params += 2 * sum(self.layer_units[1:-1])

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

    def unpack_norm(self, theta):
        """Views γ[l], running μ[l] and running σ²[l] of the hidden layers.

        Returns None without batch normalisation; else three lists indexed by
        l (None outside the hidden layers). In a gradient vector the backward
        pass never writes the running parts (the cost does not depend on
        them); :meth:`zero_running_statistics` zeroes them.
        """
        if not self.batch_norm:
            return None
        hidden = self.layer_units[1:-1]
        start = self.n_weights + sum(self.layer_units[1:])
        parts = []
        for _ in range(3):
            views = [None]
            for n in hidden:
                views.append(theta[start : start + n])
                start += n
            parts.append(views + [None])
        return tuple(parts)

    def zero_running_statistics(self, grad):
        """Zero the running-statistics part of a gradient vector, if any.

        The running μ[l] and σ²[l] are no parameters of the cost, so their
        gradient is 0 and an optimiser leaves them alone.

        Parameters
        ----------
        grad : ndarray of shape (n_params,)
            A gradient vector, written in place.
        """
        if self.batch_norm:
            grad[self._running_start :] = 0.0

    def _views(self, cache, vector, slot=0):
        """Views of ``vector`` from :meth:`unpack`, memoised in ``cache``.

        Training evaluates the cost with the same two vectors (slot 0: the
        parameters, slot 1: the gradient) batch after batch, so their per-layer
        views are made once; other vectors get fresh views.
        """
        if cache.views is None:
            cache.views = [None, None]
        memo = cache.views[slot]
        if memo is None or memo[0] is not vector:
            memo = (vector, *self.unpack(vector), self.unpack_norm(vector))
            cache.views[slot] = memo
        return memo[1:]
