"""Looking inside a network: ``summary()`` and ``diagnose()``.

``summary`` lists the layers with the course's shapes, W[l] of (n[l], n[l-1])
and b[l] of (n[l], 1), and their parameter counts. ``diagnose`` runs X through
a fitted network and reports, layer by layer, the signals the course uses to
explain vanishing or exploding gradients and bad initialisation: ReLU units
that never fire, sigmoid/tanh units stuck in their flat tails, the size of the
activations, and (given y) how large each gradient is next to its weights.
"""

import numpy as np
from sklearn.base import is_regressor
from sklearn.utils.validation import check_is_fitted

from .._nn.layer import Pass
from .._nn.linear import Linear
from .._nn.penalty import L2
from .._params import input_setup
from .._validation import _validate_data

# A sigmoid or tanh unit is in its flat tail where g(z) is within this share of
# the range of g from an asymptote; there g'(z) is under a tenth of its peak.
_TAIL = 0.05
# A unit counts as saturated when it sits in a flat tail on at least this share
# of the samples.
_SATURATED_SHARE = 0.95


class LayerTable:
    """Rows of per-layer figures, printable as text and usable as data.

    Parameters
    ----------
    title : str
        The first line of the printed table.
    rows : list of dict
        One dict per layer, all with the same keys (the columns).
    footer : str, default=""
        A last line (e.g. the total parameter count).
    missing : str, default="-"
        How a None cell prints.

    Attributes
    ----------
    rows : list of dict
        The rows, as given.
    columns : list of str
        The column names, in order.
    """

    def __init__(self, title, rows, footer="", missing="-"):
        self.title = title
        self.rows = rows
        self.columns = list(rows[0]) if rows else []
        self.footer = footer
        self.missing = missing

    def to_frame(self):
        """The rows as a pandas DataFrame (requires pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __str__(self):
        cells = [
            [_format(row[c], self.missing) for c in self.columns] for row in self.rows
        ]
        widths = [
            max([len(c)] + [len(line[i]) for line in cells])
            for i, c in enumerate(self.columns)
        ]
        lines = [self.title]
        lines.append(
            "  ".join(c.rjust(w) for c, w in zip(self.columns, widths, strict=True))
        )
        lines.append("  ".join("-" * w for w in widths))
        for line in cells:
            lines.append(
                "  ".join(v.rjust(w) for v, w in zip(line, widths, strict=True))
            )
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def _format(value, missing="?"):
    if value is None:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_format(v) for v in value) + ")"
    return str(value)


def summarize(estimator):
    """The layers of ``estimator`` (fitted or not), as a :class:`LayerTable`.

    Before fit, n[0] and the output units are unknown (they come from X and
    y) and show as "?". Layer 0's rows, first, are the input transforms and
    an ensemble's member scales, when the network has them.
    """
    sizes = estimator._hidden_layer_sizes()
    activations = estimator._hidden_activations()
    rates = estimator._dropout_rates()
    batch_norm = bool(estimator.batch_norm) and len(sizes) > 0
    fitted = hasattr(estimator, "_theta")
    if fitted:
        units = list(estimator._network.layer_units)
        output = estimator.out_activation_
        fitted_counts = estimator._network.parameter_counts()
    else:
        units = [None, *sizes, None]
        output = "identity" if is_regressor(estimator) else "logistic or softmax"
    rows = _input_rows(estimator, fitted)
    for l in range(1, len(units)):
        n_in, n_out = units[l - 1], units[l]
        hidden = l < len(units) - 1
        if fitted:
            parameters = fitted_counts[l - 1]
        elif n_in is not None and n_out is not None:
            # with batch norm, γ[l] and β[l] replace b[l]
            parameters = n_in * n_out + n_out * (2 if batch_norm and hidden else 1)
        else:
            parameters = None
        rows.append(
            {
                "layer": l,
                "kind": "hidden" if hidden else "output",
                "units": n_out,
                "activation": activations[l - 1] if hidden else output,
                "W": (n_out, n_in),
                "b": (n_out, 1),
                "dropout": rates[l - 1] if hidden else "-",
                "batch norm": batch_norm and hidden,
                "parameters": parameters,
            }
        )
    counts = [row["parameters"] for row in rows]
    total = None if None in counts else sum(counts)
    name = type(estimator).__name__
    L = sum(row["layer"] > 0 for row in rows)
    title = f"{name}: L = {L} layers" + ("" if fitted else " (not fitted)")
    footer = f"total parameters: {_format(total)}"
    return LayerTable(title, rows, footer, missing="?")


def _input_rows(estimator, fitted):
    """Layer 0's rows: the layers before layer 1's linear part.

    The input transforms hold fitted constants (no trained parameters); an
    ensemble's input holds the k members' scales r_j, k n[0] parameters.
    Before fit, "auto" shows what ``fit`` on dense X makes of it.
    """
    if fitted:
        described = []
        for layer in estimator._network.layers:
            if isinstance(layer, Linear):
                break
            trained = sum(p.size for p in layer.parameters() if p.trained)
            described.append((layer.kind, layer.n_out, trained))
    else:
        setup = input_setup(estimator, sparse=False, incremental=False)
        described = [
            (kind, None, count)
            for kind, count, used in (
                ("robust_scale", 0, setup["input_scaling"] is not None),
                ("piecewise_linear", 0, setup["numerical_embedding"] is not None),
                ("ensemble_input", None, setup["n_members"] > 1),
            )
            if used
        ]
    return [
        {
            "layer": 0,
            "kind": kind,
            "units": units,
            "activation": "-",
            "W": "-",
            "b": "-",
            "dropout": "-",
            "batch norm": "-",
            "parameters": parameters,
        }
        for kind, units, parameters in described
    ]


def _saturated_units(name, A):
    """Share of units in a flat tail of the sigmoid or tanh on most samples."""
    if name == "logistic":
        tail = (A < _TAIL) | (A > 1 - _TAIL)
    else:  # tanh: range (-1, 1)
        tail = np.abs(A) > 1 - 2 * _TAIL
    return float((tail.mean(axis=0) >= _SATURATED_SHARE).mean())


def diagnose(estimator, X, Y=None, sample_weight=None):
    """Per-layer health of a fitted network on X (and targets Y).

    Parameters
    ----------
    estimator : BaseDeepNet
        Fitted.
    X : ndarray or sparse matrix of shape (m, n[0])
        Validated input.
    Y : ndarray of shape (m, n[L]), default=None
        The output layer's targets; with them the gradient of the cost J
        (L2 term included) is computed over all of X.
    sample_weight : ndarray of shape (m,), default=None
        Weights of the rows, for the gradient.

    Returns
    -------
    table : LayerTable
        Columns: layer, activation, dead (share of ReLU-family units never
        active on X), saturated (share of sigmoid/tanh units in a flat tail on
        at least 95% of the rows), mean |A| and, with Y, grad/weight
        (||dW[l]|| / ||W[l]||).
    """
    network = estimator._network
    theta, Y = estimator._in_training_units(Y)
    m = X.shape[0]
    cache = network.allocate_cache(m, theta.dtype)
    mode = Pass(training=True)  # no dropout, running statistics left alone
    grad = None
    if Y is None:
        Z_L = network.forward(X, network.bind(theta), cache, mode)
        network.output_layer.activation(Z_L, out=cache.output.A)
    else:
        grad = np.empty_like(theta)
        alpha = estimator.alpha
        penalty = L2(alpha, network.n_penalised) if alpha else None
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            network.cost_and_gradient(
                theta, X, Y, sample_weight, grad, cache, mode, penalty
            )
        W, _ = network.unpack(theta)
        dW, _ = network.unpack(grad)
    Z_all, A_all = network.course_arrays(cache)
    names = network.activations()
    rows = []
    for l in range(1, network.n_layers + 1):
        name, Z, A = names[l - 1], Z_all[l], A_all[l]
        hidden = l < network.n_layers
        row = {
            "layer": l,
            "activation": name,
            "dead": None,
            "saturated": None,
            "mean |A|": float(np.abs(A).mean()),
        }
        if hidden and name in ("relu", "leaky_relu"):
            row["dead"] = float((Z <= 0).all(axis=0).mean())
        if hidden and name in ("logistic", "tanh"):
            row["saturated"] = _saturated_units(name, A)
        if grad is not None:
            norm = float(np.linalg.norm(W[l]))
            row["grad/weight"] = float(np.linalg.norm(dW[l])) / norm if norm else None
        rows.append(row)
    title = f"{type(estimator).__name__} on {m} samples"
    return LayerTable(title, rows)


class InspectionMixin:
    """``summary()`` and ``diagnose()`` for the estimators."""

    def summary(self):
        """The layers, with the course's shapes and their parameter counts.

        Works fitted or not; before fit the input and output sizes (set by X
        and y) show as "?". Rows of layer 0 come first when the network has
        input transforms (``input_scaling``, ``numerical_embedding``) or an
        ensemble's member scales (``n_members``).

        Returns
        -------
        table : LayerTable
            Prints as a text table; ``table.rows`` is a list of dicts (layer,
            kind, units, activation, W, b, parameters) and ``table.to_frame()``
            a pandas DataFrame. W is W[l] as the course writes it,
            (n[l], n[l-1]); b is (n[l], 1).
        """
        return summarize(self)

    def diagnose(self, X, y=None, sample_weight=None):
        """Per-layer health of the fitted network on X (and y).

        For each layer l: the share of dead ReLU units (never active on X),
        the share of saturated sigmoid/tanh units (in the flat 5 %% tails of
        g on at least 95 %% of the rows, where g' is under a tenth of its
        peak), the mean |A[l]| and, given y, ||dW[l]|| / ||W[l]||, the
        relative size of the gradient of J (L2 term included) on all of X.
        Dead or saturated units and vanishing or exploding gradient ratios
        are the course's signs of a bad initialisation or learning rate.
        They describe the cost the network trains on: for a regressor with
        ``scale_target=True``, the standardised targets (so the ratios do not
        grow with the scale of y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples to run through the network; keep it moderate, as all
            of its activations are held at once.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Targets, for the gradient ratios.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, for the gradient.

        Returns
        -------
        table : LayerTable
            Prints as a text table; ``table.rows`` holds the figures and
            ``table.to_frame()`` makes a pandas DataFrame.
        """
        check_is_fitted(self)
        dtype = self._theta.dtype
        if y is None:
            X = _validate_data(
                self, X, accept_sparse=["csr", "csc"], dtype=dtype, reset=False
            )
            return diagnose(self, X)
        X, y = _validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=False,
        )
        y, Y, _ = self._encode_targets(y, dtype, True, False, None)
        sample_weight = self._sample_weight(sample_weight, X, y)
        return diagnose(self, X, Y, sample_weight)
