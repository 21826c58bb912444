"""What every layer kind shares: its parameters, its cache, how a pass runs.

The course draws a deep network as a chain of blocks (course 1, week 4,
"building blocks of a deep neural network"). Block l has

- a forward function: a[l-1] in, a[l] out, caching what the backward
  function will need (z[l], the block's input);
- a backward function: da[l] and the cache in; da[l-1] out, and the
  gradients of the block's own parameters (dW[l], db[l]).

A :class:`Layer` is one such block. It owns no parameter values: it
*declares* them (:class:`Parameter`: name, shape, initialiser, whether the L2
penalty applies), the network lays every declaration out as a slice of one
flat vector θ (:mod:`skdnn._nn.layout`), and each call receives views of its
own slices. Its buffers for a batch of up to m rows, and what a forward pass
keeps for the backward pass, live in a :class:`LayerCache` it allocates.
How a pass runs (training or predicting, dropout masks drawn or reused, batch
norm's running statistics averaged, set or kept) is a :class:`Pass`, handed
to every layer's forward function.

Every array is row-major, one example per row: the course's A[l] of shape
(n[l], m) is ``A`` of shape (m, n[l]) here (see :mod:`skdnn._nn.network`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One parameter array of a layer, as a slice of θ.

    Attributes
    ----------
    name : str
        The course's name: "W", "b", "gamma", ...
    shape : tuple of int
        Its shape; the slice of θ is that many values, reshaped row-major.
    init : {"fan", "zeros", "ones"} or str
        "fan" draws it from the layer's initialiser (He, Glorot, ...), which
        knows the layer's fan-in and fan-out; "zeros" and "ones" fill it. Any
        other name is the layer's own, drawn by its ``initialize``.
    penalised : bool, default=False
        Whether the L2 penalty λ/(2m) ||·||² covers it (the weights W[l], not
        the biases).
    trained : bool, default=True
        False for state the forward pass sets itself, such as batch norm's
        running statistics: no part of the cost, so its gradient is 0 and the
        optimiser leaves it alone.
    """

    name: str
    shape: tuple
    init: str
    penalised: bool = False
    trained: bool = True

    @property
    def size(self):
        """The number of values."""
        size = 1
        for n in self.shape:
            size *= n
        return size


class Pass:
    """How one forward pass runs, as every layer reads it.

    Parameters
    ----------
    training : bool, default=False
        Training mode keeps what the backward pass needs; predicting mode
        overwrites each layer's input where it can.
    rng : numpy.random.Generator, default=None
        Draws dropout masks in training mode; None trains without dropout.
    reuse_masks : bool, default=False
        Reuse the masks of the previous training pass instead of drawing new
        ones (gradient checking, where each finite difference must see the
        same masks).
    running : {"average", "set"} or None, default=None
        What a training pass does with batch norm's running statistics: one
        step of their moving average, set them to this batch's (the full
        batch of L-BFGS), or leave them alone.

    Attributes
    ----------
    row_weights : ndarray of shape (m,) or None
        p_i = s_i / sum_j s_j of the batch's rows, for batch norm's weighted
        statistics; None when every row weighs 1/m. Set by the network for
        each batch.
    """

    __slots__ = ("training", "rng", "reuse_masks", "running", "row_weights")

    def __init__(self, training=False, rng=None, reuse_masks=False, running=None):
        self.training = training
        self.rng = rng
        self.reuse_masks = reuse_masks
        self.running = running
        self.row_weights = None


class LayerCache:
    """A layer's buffers for batches of up to m rows, and what its pass keeps.

    The buffers are attributes named by the layer (``Z``, ``A``, ``dA_prev``,
    ...), each of shape (m, ...) or None; :meth:`rows` points them at their
    first rows for a smaller batch. Whatever else the forward pass keeps for
    the backward pass (the layer's input, a mask, 1/σ) the layer sets as
    further attributes.

    Parameters
    ----------
    m : int
        The largest batch the buffers hold.
    factors : dict, default=None
        Buffers that hold a multiple of the batch's rows, by name: ``{"A":
        k}`` for k m rows (a layer that stacks k copies of its input).
    **buffers : ndarray or None
        The buffers, by name.
    """

    def __init__(self, m, factors=None, **buffers):
        self.m = m
        self._full = buffers
        self._factors = factors or {}
        self._rows = m
        self.__dict__.update(buffers)

    def rows(self, m):
        """Point every buffer at its first m rows (the full buffers for m)."""
        if m == self._rows:
            return
        self._rows = m
        for name, buffer in self._full.items():
            if buffer is not None and m != self.m:
                buffer = buffer[: m * self._factors.get(name, 1)]
            setattr(self, name, buffer)


class Layer:
    """A block of the network: ``forward`` a[l-1] -> a[l], ``backward`` the reverse.

    A subclass sets :attr:`kind` (its key in :data:`skdnn._nn.LAYERS`) and
    implements the methods below; :meth:`parameters`, :meth:`allocate` and
    :meth:`initialize` have defaults for a layer without parameters or
    buffers.

    Attributes
    ----------
    kind : str
        The layer kind's name.
    in_place : bool
        Whether a predicting pass overwrites its input or hands it back as its
        output (which the next layer may then overwrite): such a layer cannot
        be the first, whose input is the user's X.
    n_in, n_out : int
        Units in and out (the width of a[l-1] and a[l]).
    row_factor : int
        a[l] has this many times the rows of a[l-1] (the k copies of an
        ensemble's input); 1 for most layers.
    row_blocks : int
        The rows of a[l-1] come in this many blocks that the layer treats
        apart (an ensemble's members); 1 for most layers.
    """

    kind = None
    in_place = False
    row_factor = 1
    row_blocks = 1

    def parameters(self):
        """The layer's parameters as :class:`Parameter` declarations, in order.

        The views a pass receives (``p``, ``dp``) follow this order.
        """
        return ()

    def allocate(self, m, dtype, training, input_gradient=True):
        """A :class:`LayerCache` for batches of up to m rows.

        Parameters
        ----------
        m : int
            The largest batch.
        dtype : numpy dtype
            float32 or float64.
        training : bool
            Whether the cache is for training passes (forward and backward) or
            predicting passes only.
        input_gradient : bool, default=True
            Whether the backward pass must return da[l-1]; False for the first
            layer, whose input is X.
        """
        return LayerCache(m)

    def initialize(self, p, rng, draw):
        """Fill the parameter views ``p`` with their initial values.

        Parameters
        ----------
        p : tuple of ndarray
            Views of the layer's parameters, in the order of
            :meth:`parameters`.
        rng : numpy.random.Generator
            The source of randomness.
        draw : callable
            ``draw(rng, fan_in, fan_out, size)``, the initialiser for
            parameters declared with ``init="fan"``.
        """
        for declared, view in zip(self.parameters(), p, strict=True):
            if declared.init == "fan":
                view[...] = draw(rng, self.n_in, self.n_out, declared.shape)
            else:
                view[...] = 1.0 if declared.init == "ones" else 0.0

    def forward(self, A_prev, p, cache, mode):
        """a[l] from a[l-1].

        Parameters
        ----------
        A_prev : {ndarray, sparse matrix} of shape (m, n_in)
            a[l-1]; a sparse matrix only for the first layer.
        p : tuple of ndarray
            Views of the layer's parameters.
        cache : LayerCache or None
            From :meth:`allocate`, already cut to m rows; None in predicting
            mode without buffers (the arrays are new).
        mode : Pass
            How the pass runs.

        Returns
        -------
        A : ndarray of shape (m, n_out)
            a[l]; in predicting mode it may overwrite ``A_prev``.
        """
        raise NotImplementedError

    def backward(self, dA, p, dp, cache):
        """da[l-1] from da[l], after a training forward pass.

        Parameters
        ----------
        dA : ndarray of shape (m, n_out)
            da[l], the gradient of the cost with respect to a[l]. The layer
            may overwrite it.
        p : tuple of ndarray
            Views of the layer's parameters.
        dp : tuple of ndarray
            Views of their gradients in the gradient vector, written here
            (dW[l], db[l], ...).
        cache : LayerCache
            What the forward pass kept.

        Returns
        -------
        dA_prev : ndarray of shape (m, n_in) or None
            da[l-1]; None when allocated with ``input_gradient=False``.
        """
        raise NotImplementedError

    @classmethod
    def examples(cls):
        """Instances that the generic layer tests check by finite differences.

        Every layer kind lists a few (each option that changes its
        arithmetic), so a new kind is tested the day it is registered.
        """
        raise NotImplementedError(f"{cls.__name__} lists no examples to test.")

    def spec(self):
        """(kind, arguments): what rebuilds this layer, in plain Python values."""
        raise NotImplementedError

    def __repr__(self):
        kind, arguments = self.spec()
        inner = ", ".join(f"{k}={v!r}" for k, v in arguments.items())
        return f"{type(self).__name__}({inner})"
