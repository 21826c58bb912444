"""The flat parameter vector θ: where each layer's parameters sit in it.

All parameters of a network live in one contiguous vector, so an optimiser
updates the whole network in one vectorised step and L-BFGS works on θ
directly; each layer sees views of its own slices. A gradient vector has the
same layout.

The layout groups the parameters, in this order:

1. the penalised ones (every W[l]): the L2 penalty covers exactly
   ``theta[:n_penalised]``, one slice;
2. the other trained ones (b[l], batch norm's γ[l], ...);
3. the untrained state the forward pass sets (batch norm's running μ[l] and
   σ²[l]): ``theta[untrained_start:]``, whose gradient is 0.

Within a group the parameters are ordered by name, names in the order they
first appear in the stack, then by layer. For the fully connected network
that is every W[l], then every b[l] (β[l] with batch norm), then every γ[l],
then every running μ[l], then every running σ²[l]: the layout of skdnn 0.1.0,
so its pickled vectors still fit.
"""


def _group(declared):
    """0: penalised, 1: other trained parameters, 2: untrained state."""
    if declared.penalised:
        return 0
    return 1 if declared.trained else 2


class ParameterLayout:
    """Where each layer's parameters sit in the flat vector θ.

    Parameters
    ----------
    layers : sequence of Layer
        The network's layers, whose :meth:`~skdnn._nn.layer.Layer.parameters`
        are laid out.

    Attributes
    ----------
    n_params : int
        The length of θ.
    n_penalised : int
        ``theta[:n_penalised]`` is every parameter the L2 penalty covers.
    untrained_start : int
        ``theta[untrained_start:]`` is the untrained state.
    slices : list of list of (int, int, tuple)
        For each layer, the (start, stop, shape) of each of its parameters, in
        the order of its declarations.
    """

    def __init__(self, layers):
        declared = [
            (i, j, parameter)
            for i, layer in enumerate(layers)
            for j, parameter in enumerate(layer.parameters())
        ]
        first_seen = {}
        for _, _, parameter in declared:
            first_seen.setdefault(parameter.name, len(first_seen))
        ordered = sorted(
            declared,
            key=lambda d: (_group(d[2]), first_seen[d[2].name], d[0], d[1]),
        )
        self.slices = [[None] * len(layer.parameters()) for layer in layers]
        start = 0
        self.n_penalised = 0
        self.untrained_start = None
        for i, j, parameter in ordered:
            if _group(parameter) == 2 and self.untrained_start is None:
                self.untrained_start = start
            stop = start + parameter.size
            self.slices[i][j] = (start, stop, parameter.shape)
            if parameter.penalised:
                self.n_penalised = stop
            start = stop
        self.n_params = start
        if self.untrained_start is None:
            self.untrained_start = self.n_params

    def bind(self, vector):
        """Per-layer views of ``vector`` (θ, or a gradient laid out like it).

        Parameters
        ----------
        vector : ndarray of shape (n_params,)
            The flat vector.

        Returns
        -------
        views : tuple of tuple of ndarray
            For each layer, views of its parameters in the order it declares
            them; writing into a view writes into ``vector``.
        """
        return tuple(
            tuple(vector[start:stop].reshape(shape) for start, stop, shape in layer)
            for layer in self.slices
        )

    def zero_untrained(self, grad):
        """Zero the untrained part of a gradient vector, if there is one.

        The untrained state is no parameter of the cost, so its gradient is 0
        and an optimiser leaves it alone.

        Parameters
        ----------
        grad : ndarray of shape (n_params,)
            A gradient vector, written in place.
        """
        if self.untrained_start < self.n_params:
            grad[self.untrained_start :] = 0.0
