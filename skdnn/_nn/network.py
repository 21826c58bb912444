"""The network: a stack of layers, forward through them, backward in reverse.

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
    dZ[l] = dA[l] * g[l]'(Z[l])             dW[l] = A[l-1]ᵀ @ dZ[l]
    db[l] = sum over rows of dZ[l]          dA[l-1] = dZ[l] @ W[l]ᵀ

    J = (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²

where the 1/m of the course's dW[l] and db[l] is already in dZ: the output
layer scales each row of dZ[L] = A[L] - Y by its weight c_i in the cost (1/m,
or s_i / sum_j s_j with sample weights), and every later dZ[l] inherits it.

The network is a list of layers (:mod:`skdnn._nn.layer`): for a fully
connected network, a hidden layer l of the course is ``Dense`` (W[l], b[l] and
g[l]), or ``Linear``, ``BatchNorm`` and ``Activation`` when it is batch
normalised, then ``Dropout`` if it has any; the output layer's ``Linear``
feeds the output layer (g[L], the loss L and dZ[L],
:mod:`skdnn._nn.outputs`). Forward runs the list in order, backward
in reverse. All parameters live in one flat vector θ, laid out by
:mod:`skdnn._nn.layout`; the course's W[l] and b[l] are views into it
(:meth:`Network.unpack`).
"""

import numpy as np

from .._fast import tuning
from .activations import LEAKY_RELU_SLOPE, Activation
from .batchnorm import BatchNorm
from .dense import Dense
from .dropout import Dropout
from .ensemble import EnsembleInput, EnsembleLinear
from .initializers import INITIALIZERS
from .layer import Pass
from .layout import ParameterLayout
from .linear import Linear
from .outputs import OUTPUT_LAYERS

PREDICTING = Pass()


class Cache:
    """The buffers of every layer for batches of up to m rows, and the views.

    Allocated once per fit, so that a training step allocates no array the
    size of a batch.

    Parameters
    ----------
    network : Network
        The network whose layers allocate.
    m : int
        The largest batch.
    dtype : numpy dtype
        float32 or float64.
    training : bool, default=True
        Buffers for training passes (forward and backward), or for predicting
        passes only.

    Attributes
    ----------
    layers : list of LayerCache
        One per layer.
    output : LayerCache or None
        The output layer's A[L] and dZ[L] (training only).
    """

    def __init__(self, network, m, dtype, training=True):
        first = network.first_trained
        self._factors = network.row_factors
        self._members = network.members
        self.layers = [
            layer.allocate(m * f, dtype, training, input_gradient=i > first)
            for i, (layer, f) in enumerate(
                zip(network.layers, self._factors, strict=True)
            )
        ]
        self.output = (
            network.output_layer.allocate(
                m * network.members, network.layer_units[-1], dtype
            )
            if training
            else None
        )
        self._rows = m
        self._views = [None, None]

    def rows(self, m):
        """Point every buffer at its first m rows, for a batch of m."""
        if m != self._rows:
            self._rows = m
            for cache, f in zip(self.layers, self._factors, strict=True):
                cache.rows(m * f)
            if self.output is not None:
                self.output.rows(m * self._members)

    def views(self, network, vector, slot=0):
        """:meth:`Network.bind` of ``vector``, made once per vector.

        Training evaluates the cost with the same two vectors (slot 0: the
        parameters, slot 1: the gradient) batch after batch.
        """
        memo = self._views[slot]
        if memo is None or memo[0] is not vector:
            memo = self._views[slot] = (vector, network.bind(vector))
        return memo[1]


class Network:
    """A stack of layers ending in an output layer, and the cost J it gives.

    Holds no parameters: those come as a flat vector ``theta`` (or its
    per-layer views from :meth:`bind`).

    Parameters
    ----------
    layers : sequence of Layer
        The layers from the input to the last linear layer, whose output is
        the logits Z[L].
    output : {"logistic", "softmax", "identity"}
        The output layer g[L] and its loss, a key of
        :data:`~skdnn._nn.outputs.OUTPUT_LAYERS`.

    Attributes
    ----------
    layer_units : tuple of int
        n[0], n[1], ..., n[L]: the input and the output of every linear layer.
        n[0] is the width of A[0], the input of layer 1, after any input
        layers.
    n_features : int
        The columns of X, the input of the first layer.
    input_layers : tuple of Layer
        The layers before layer 1 that transform X into A[0] (course layer 0;
        see :mod:`skdnn._nn.inputs`); empty when A[0] = X.
    first_trained : int
        The index of the first layer with trained parameters; the backward
        pass stops there.
    n_layers : int
        L, the number of linear layers.
    n_params, n_penalised : int
        The length of θ, and how much of it the L2 penalty covers.
    hidden_activations : tuple of str
        g[1], ..., g[L-1].
    batch_norm : bool
        Whether some layer is batch-normalised.
    dropout : bool
        Whether some layer drops units while training.
    """

    def __init__(self, layers, output):
        self.layers = tuple(layers)
        if not self.layers or self.layers[0].in_place:
            raise ValueError(
                "A network starts with a layer that leaves its input alone, "
                f"not {self.layers[:1]}."
            )
        self.output = output
        self.output_layer = OUTPUT_LAYERS[output]
        self.layout = ParameterLayout(self.layers)
        # A Linear (or Dense) layer starts each of the course's layers l.
        linear = [i for i, layer in enumerate(self.layers) if isinstance(layer, Linear)]
        self._linear = tuple(linear)
        if not linear:
            raise ValueError("A network needs a linear layer.")
        self.n_features = self.layers[0].n_in
        self.layer_units = (self.layers[linear[0]].n_in,) + tuple(
            self.layers[i].n_out for i in linear
        )
        self.n_layers = len(linear)
        self.hidden_activations = tuple(
            _activation(layer).name
            for layer in self.layers
            if _activation(layer) is not None
        )
        self.batch_norm = any(layer.kind == "batch_norm" for layer in self.layers)
        self.dropout = any(layer.kind == "dropout" for layer in self.layers)
        self._course_layer = []
        l = 0
        for layer in self.layers:
            l += isinstance(layer, Linear)
            self._course_layer.append(l)
        # Layers before the first one that trains anything (input transforms)
        # need no backward pass: no gradient flows back into X.
        self.first_trained = next(
            i
            for i, layer in enumerate(self.layers)
            if any(p.trained for p in layer.parameters())
        )
        self.input_layers = self.layers[: min(self.first_trained, self._linear[0])]
        # each layer's input rows per batch row: k after an ensemble's input
        self.row_factors, rows = [], 1
        for layer in self.layers:
            self.row_factors.append(rows)
            rows *= layer.row_factor
        self.members = rows
        self._backward_order = tuple(
            range(len(self.layers) - 1, self.first_trained - 1, -1)
        )

    @property
    def n_params(self):
        return self.layout.n_params

    @property
    def n_penalised(self):
        return self.layout.n_penalised

    def __getstate__(self):
        # Pickles hold how to build the network, in plain values.
        return {
            "layers": [layer.spec() for layer in self.layers],
            "output": self.output,
        }

    def __setstate__(self, state):
        if "hidden_activations" in state:  # pickled by skdnn 0.1.0
            network = fully_connected(
                state["layer_units"],
                state["hidden_activations"],
                state["output"],
                state.get("leaky_relu_slope", LEAKY_RELU_SLOPE),
                state.get("dropout"),
                state.get("batch_norm", False),
            )
            self.__init__(network.layers, network.output)
            return
        from . import LAYERS

        layers = [LAYERS[kind](**arguments) for kind, arguments in state["layers"]]
        self.__init__(layers, state["output"])

    def __repr__(self):
        inner = ",\n    ".join(repr(layer) for layer in self.layers)
        return f"Network([\n    {inner},\n], output={self.output!r})"

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def bind(self, vector):
        """Per-layer views of θ (or of a gradient), see :meth:`ParameterLayout.bind`."""
        return self.layout.bind(vector)

    def unpack(self, theta):
        """The course's W[l] and b[l] as views of ``theta``.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            The flat parameter vector, or a gradient laid out the same way.

        Returns
        -------
        W : list of ndarray
            ``W[l]`` of shape (n[l-1], n[l]); ``W[0]`` is None.
        b : list of ndarray
            ``b[l]`` of shape (n[l],): the linear layer's bias, or the β[l] of
            the batch norm that replaces it; ``b[0]`` is None.
        """
        views = self.bind(theta)
        W, b = [None], [None]
        for i in self._linear:
            W.append(views[i][0])
            if self.layers[i].bias:
                b.append(views[i][1])
            elif i + 1 < len(self.layers) and self.layers[i + 1].kind == "batch_norm":
                b.append(views[i + 1][0])  # β[l] takes the place of b[l]
            else:
                b.append(None)
        return W, b

    def unpack_norm(self, theta):
        """γ[l], running μ[l] and running σ²[l] as views, or None without batch norm.

        Returns
        -------
        (gamma, running_mean, running_var) : tuple of list or None
            Lists indexed by l = 0..L, None where layer l has no batch norm.
        """
        if not self.batch_norm:
            return None
        views = self.bind(theta)
        parts = ([None] * (self.n_layers + 1) for _ in range(3))
        gamma, mean, var = parts
        for i, layer in enumerate(self.layers):
            if layer.kind == "batch_norm":
                l = self._course_layer[i]
                gamma[l], mean[l], var[l] = views[i][1:]
        return gamma, mean, var

    def parameter_counts(self):
        """The number of trained parameters of each course layer l = 1..L.

        The running statistics of batch norm, which the forward pass sets, do
        not count.
        """
        counts = [0] * (self.n_layers + 1)
        for layer, l in zip(self.layers, self._course_layer, strict=True):
            counts[l] += sum(p.size for p in layer.parameters() if p.trained)
        return counts[1:]

    def activations(self):
        """g[1], ..., g[L] as names, the output layer's last."""
        return (*self.hidden_activations, self.output)

    def initialize(self, theta, rng, initializers):
        """Fill ``theta`` with initial parameters.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            Written in place.
        rng : numpy.random.Generator
            The source of randomness; the layers draw from it in order.
        initializers : sequence of str
            The initialiser of each course layer l = 1..L, keys of
            :data:`~skdnn._nn.initializers.INITIALIZERS`; a layer uses the
            one of the course layer it belongs to (input layers, before layer
            1, the first one's).
        """
        for layer, p, l in zip(
            self.layers, self.bind(theta), self._course_layer, strict=True
        ):
            layer.initialize(p, rng, INITIALIZERS[initializers[max(l, 1) - 1]])

    def zero_untrained(self, grad):
        """Zero the gradient of the untrained state (running statistics)."""
        self.layout.zero_untrained(grad)

    # ------------------------------------------------------------------
    # Propagation
    # ------------------------------------------------------------------
    def allocate_cache(self, m, dtype, training=True):
        """A :class:`Cache` for batches of up to m rows."""
        return Cache(self, m, dtype, training)

    def forward(self, X, views, cache=None, mode=PREDICTING):
        """Forward propagation, from A[0] = X to the logits Z[L].

        In training mode each layer keeps in ``cache`` what its backward pass
        needs; in predicting mode each layer may overwrite its input, so only
        one layer's arrays are alive at a time. Without a cache the arrays are
        new, which for a few rows is cheaper than allocating one.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (m, n[0])
            A[0], the input batch; never written.
        views : tuple of tuple of ndarray
            Parameter views from :meth:`bind`.
        cache : Cache, default=None
            Buffers of at least m rows; required when training.
        mode : Pass, default=PREDICTING
            How the pass runs.

        Returns
        -------
        Z_L : ndarray of shape (m, n[L])
            The logits Z[L]; the output layer turns them into ŷ = A[L]. With a
            cache, a buffer of it.
        """
        A = X
        if cache is None:
            if mode.training:
                raise ValueError("A training forward pass needs a cache.")
            for layer, p in zip(self.layers, views, strict=True):
                A = layer.forward(A, p, None, mode)
            return A
        cache.rows(X.shape[0])
        for layer, p, layer_cache in zip(self.layers, views, cache.layers, strict=True):
            A = layer.forward(A, p, layer_cache, mode)
        return A

    def backward(self, Y, scale, views, grad_views, cache):
        """Backward propagation into the gradient, after a training forward pass.

        Computes the gradient of sum_i c_i L(ŷ_i, y_i) with c_i = ``scale`` (a
        number, or one per row); with c_i = s_i / sum_j s_j that is the gradient
        of the mean loss, without the L2 term. Needs the A[L] that
        :meth:`cost` leaves in ``cache.output``.

        Parameters
        ----------
        Y : ndarray of shape (m, n[L])
            The targets.
        scale : float or ndarray of shape (m,)
            c_i, the weight of each row's loss in the sum.
        views, grad_views : tuple of tuple of ndarray
            :meth:`bind` of the parameters and of the gradient vector; the
            gradient views are written in place (the untrained state's are
            not: see :meth:`zero_untrained`).
        cache : Cache
            The cache the forward pass filled.
        """
        dA = self.output_layer.backward(Y, scale, cache.output)
        layers, caches = self.layers, cache.layers
        for i in self._backward_order:
            dA = layers[i].backward(dA, views[i], grad_views[i], caches[i])

    def cost(
        self,
        theta,
        X,
        Y,
        sample_weight,
        cache,
        mode,
        penalty=None,
        total_weight=None,
    ):
        """The cost J at ``theta``, by forward propagation only.

        J = (sum_i s_i L(ŷ_i, y_i) + λ/2 sum_l ||W[l]||²) / sum_i s_i, which is
        the course's (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²_F when
        every s_i = 1. It is the very computation :meth:`cost_and_gradient`
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
        cache : Cache
            Training buffers with at least m rows.
        mode : Pass
            A training pass: dropout and batch norm's running statistics.
        penalty : L2, default=None
            The L2 penalty (:mod:`skdnn._nn.penalty`); None for none.
        total_weight : float, default=None
            sum_i s_i; computed from ``sample_weight`` (or m) when None.

        Returns
        -------
        J : float
            The cost.
        """
        return self._forward_cost(
            theta, X, Y, sample_weight, cache, mode, penalty, total_weight
        )[0]

    def cost_and_gradient(
        self,
        theta,
        X,
        Y,
        sample_weight,
        grad,
        cache,
        mode,
        penalty=None,
        total_weight=None,
        *,
        penalty_in_step=False,
        weight_norm_sq=None,
    ):
        """The cost J (see :meth:`cost`) and its gradient dJ/dθ.

        Parameters are those of :meth:`cost`, plus:

        grad : ndarray of shape (n_params,)
            Written in place with the gradient.
        penalty_in_step : bool, default=False
            Leave the penalty's gradient out of ``grad``: the optimiser step
            adds it (see :meth:`skdnn._nn.penalty.L2.coefficient`).
        weight_norm_sq : float, default=None
            ||W||² of ``theta``'s penalised part, if already known (the
            optimiser step returns it); else computed for the cost's L2 term.

        Returns
        -------
        J : float
            The cost.
        """
        J, total_weight, Y, sample_weight = self._forward_cost(
            theta,
            X,
            Y,
            sample_weight,
            cache,
            mode,
            penalty,
            total_weight,
            weight_norm_sq,
        )
        scale = 1.0 / total_weight
        if sample_weight is not None:
            scale = sample_weight * scale
        views = cache.views(self, theta)
        self.backward(Y, scale, views, cache.views(self, grad, slot=1), cache)
        self.zero_untrained(grad)
        if penalty is not None and not penalty_in_step:
            penalty.add_gradient(theta, grad, total_weight)
        return J

    def _forward_cost(
        self,
        theta,
        X,
        Y,
        sample_weight,
        cache,
        mode,
        penalty,
        total_weight,
        weight_norm_sq=None,
    ):
        """(J, sum_i s_i, Y, s) after a training forward pass over the batch.

        With k members, the loss is summed over their k m rows, Y and s
        repeated for each, and sum_i s_i counts every row k times: J is the
        mean of the members' costs. The Y and s returned are those rows'.
        """
        m = X.shape[0]
        if self.batch_norm:
            mode.row_weights = (
                None if sample_weight is None else sample_weight / sample_weight.sum()
            )
        Z_L = self.forward(X, cache.views(self, theta), cache, mode)
        if total_weight is None:
            total_weight = m if sample_weight is None else float(sample_weight.sum())
        k = self.members
        if k > 1:
            Y = np.tile(Y, (k, 1))
            sample_weight = None if sample_weight is None else np.tile(sample_weight, k)
            total_weight *= k
        loss = self.output_layer.loss(Z_L, Y, cache.output.A, sample_weight)
        if penalty is not None:
            loss += penalty.cost(theta, weight_norm_sq)
        return loss / total_weight, total_weight, Y, sample_weight

    def predict_logits(self, X, views):
        """Z[L] for every row of X, by predicting-mode forward passes in blocks.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n[0])
            The input.
        views : tuple of tuple of ndarray
            Parameter views from :meth:`bind`.

        Returns
        -------
        Z_L : ndarray of shape (n_samples, n[L])
            The output logits.
        """
        n_samples = X.shape[0]
        chunk = tuning.PREDICT_CHUNK_ROWS
        if n_samples <= chunk:
            return self._members_mean(self.forward(X, views))
        dtype = views[self.first_trained][0].dtype
        Z_L = np.empty((n_samples, self.layer_units[-1]), dtype=dtype)
        cache = self.allocate_cache(chunk, dtype, training=False)
        for start in range(0, n_samples, chunk):
            stop = min(start + chunk, n_samples)
            Z_L[start:stop] = self._members_mean(
                self.forward(X[start:stop], views, cache)
            )
        return Z_L

    def _members_mean(self, Z_L):
        """The logits of the members' mean prediction (Z_L itself for one)."""
        if self.members == 1:
            return Z_L
        return self.output_layer.logits_of_mean(Z_L, self.members)

    def course_arrays(self, cache):
        """Z[l] and A[l] of the last training pass, indexed by l = 1..L.

        Z[l] is the linear layer's output (normalised in place, with batch
        norm), A[l] its activation (before dropout); A[L] is ŷ, as the output
        layer's loss left it. Entries 0 are None.
        """
        Z, A = [None], [None]
        for layer, layer_cache in zip(self.layers, cache.layers, strict=True):
            if isinstance(layer, Linear):
                Z.append(layer_cache.Z)
            if _activation(layer) is not None:
                A.append(layer_cache.A)
        A.append(cache.output.A)
        return Z, A


def _activation(layer):
    """The hidden activation a layer applies (an Activation or a Dense), or None."""
    if layer.kind == "activation":
        return layer
    return getattr(layer, "activation", None)


def fully_connected(
    layer_units,
    hidden_activations,
    output,
    leaky_relu_slope=LEAKY_RELU_SLOPE,
    dropout=None,
    batch_norm=False,
    inputs=(),
    members=1,
):
    """The estimators' network: L fully connected layers.

    A hidden layer l is ``Dense(n[l-1], n[l], g[l])``, or with ``batch_norm``
    ``Linear`` without a bias, ``BatchNorm`` (whose β[l] replaces it) and
    ``Activation``; then ``Dropout`` where its rate is above 0. The output
    layer's linear part is ``Linear(n[L-1], n[L])``.

    Parameters
    ----------
    layer_units : sequence of int
        n[0], n[1], ..., n[L]: input features, hidden units, output units.
    hidden_activations : sequence of str
        g[1], ..., g[L-1], keys of ``ACTIVATIONS``.
    output : {"logistic", "softmax", "identity"}
        The output layer g[L] and its loss.
    leaky_relu_slope : float, default=0.01
        The slope of "leaky_relu" units for z < 0.
    dropout : sequence of float, default=None
        The dropout rate 1 - keep_prob of each hidden layer; None is none.
    batch_norm : bool, default=False
        Batch-normalise Z[l] of every hidden layer.
    inputs : sequence of Layer, default=()
        Input layers before layer 1 (:mod:`skdnn._nn.inputs`), fitted
        already; n[0] is then the width of their output.
    members : int, default=1
        k > 1 makes a TabM-mini ensemble (:mod:`skdnn._nn.ensemble`): an
        ``EnsembleInput`` before layer 1 and an ``EnsembleLinear`` output
        layer, the hidden layers shared. Not with ``batch_norm``.

    Returns
    -------
    network : Network
    """
    units = tuple(int(n) for n in layer_units)
    L = len(units) - 1
    hidden_activations = tuple(hidden_activations)
    if len(hidden_activations) != L - 1:
        raise ValueError(
            f"Expected {L - 1} hidden activations, got {len(hidden_activations)}."
        )
    rates = tuple(float(r) for r in dropout or (0.0,) * (L - 1))
    layers = list(inputs)
    if layers and layers[-1].n_out != units[0]:
        raise ValueError(
            f"The input layers give {layers[-1].n_out} columns, but "
            f"layer_units[0] is {units[0]}."
        )
    if members > 1:
        if batch_norm:
            raise ValueError("An ensemble's members share no batch statistics.")
        layers.append(EnsembleInput(units[0], members))
    for l in range(1, L):
        n_in, n, g = units[l - 1], units[l], hidden_activations[l - 1]
        if batch_norm:
            layers.append(Linear(n_in, n, bias=False))
            layers.append(BatchNorm(n))
            layers.append(Activation(g, n, leaky_relu_slope))
        else:
            layers.append(Dense(n_in, n, g, leaky_relu_slope))
        if rates[l - 1] > 0:
            layers.append(Dropout(n, rates[l - 1]))
    if members > 1:
        layers.append(EnsembleLinear(units[L - 1], units[L], members))
    else:
        layers.append(Linear(units[L - 1], units[L], blas_column_sums=True))
    return Network(layers, output)
