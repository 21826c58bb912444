"""ONNX export of fitted skdnn estimators, through skl2onnx.

Importing this module registers skdnn's converters with skl2onnx, so that
``skl2onnx.to_onnx`` converts a fitted :class:`~skdnn.DeepNetClassifier` or
:class:`~skdnn.DeepNetRegressor` on its own or as the last step of a
``Pipeline`` (after a ``ColumnTransformer``, say), as it converts
scikit-learn's models. ``import skdnn`` never loads it; it needs the
``onnx`` extra (``pip install "skdnn[onnx]"``: skl2onnx and onnx; onnxruntime
to run the graphs).

The graph is the network's predicting forward pass, layer by layer:

=====================  ==================================================
skdnn layer            ONNX nodes
=====================  ==================================================
``Linear``             ``MatMul``, ``Add`` (Z = A W + b)
``BatchNorm``          folded into the linear layer before it:
                       W γ / sqrt(σ² + ε) and β - μ γ / sqrt(σ² + ε)
``Activation``         ``Relu``, ``Sigmoid``, ``Tanh``; leaky ReLU as
                       ``Max(Z, s Z)``, SELU and mish from ``Exp`` and
                       ``Log``, so that they run in float64 too, with their
                       exact constants (ONNX attributes are float32)
``Dropout``            nothing: prediction drops no unit
``RobustScale``        ``Sub``, ``Mul``, then the smooth clip
``PiecewiseLinear``    ``Gather`` of each bin's feature, ``Sub``, ``Mul``,
                       ``Max``, ``Min``
``EnsembleInput``      ``Unsqueeze``, ``Mul``: k copies of the rows
                       (the members' axis first)
``EnsembleLinear``     a batched ``MatMul``, ``Add``
=====================  ==================================================

then the output layer: softmax, or the sigmoid of (-z, z) for a binary
problem, or the sigmoid of each label; with k members the mean of their
probabilities (``ReduceMean``). A classifier's outputs are skl2onnx's: the
labels (by ``ArgMax`` over the probabilities; for multilabel y, the 0/1
indicator matrix), then the probabilities, as a ZipMap unless the option
``zipmap=False`` (which a multilabel model needs, its rows having no one
class to map to, and a float64 graph too, ONNX's ZipMap taking float32 only:
both say so); the options ``nocl`` and ``output_class_labels`` work as for
scikit-learn's classifiers. A regressor's
one output has shape (N, n_outputs): (N, 1) for a single target, as
skl2onnx's regressors give.

The graph computes in float64 when its input is float64 (the first input, for
one input per column) and in float32 otherwise; a graph's predictions equal
the estimator's to the rounding of its dtype (tests/test_onnx.py).

Examples
--------
>>> import numpy as np
>>> import onnxruntime
>>> from sklearn.datasets import load_iris
>>> from skdnn import DeepNetClassifier
>>> from skdnn.onnx import to_onnx
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> clf = DeepNetClassifier((8,), max_iter=500, random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = onnxruntime.InferenceSession(onx.SerializeToString())
>>> labels, proba = session.run(None, {"X": X})
>>> bool(np.abs(proba - clf.predict_proba(X)).max() < 1e-5)
True
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

try:
    import skl2onnx
    from onnx import TensorProto
    from skl2onnx import update_registered_converter
    from skl2onnx._parse import _parse_sklearn_classifier
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        guess_proto_type,
    )
    from skl2onnx.common.utils_classifier import get_label_classes
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise ImportError(
        'skdnn.onnx needs skl2onnx and onnx: pip install "skdnn[onnx]" '
        "(and onnxruntime to run the graphs)."
    ) from error

from ._classifier import DeepNetClassifier
from ._nn.activations import SELU_ALPHA, SELU_LAMBDA
from ._nn.batchnorm import EPSILON
from ._nn.inputs import SMOOTH_CLIP
from ._nn.linear import Linear
from ._regressor import DeepNetRegressor

__all__ = ["register_converters", "to_onnx"]

CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}


class _Graph:
    """The nodes and constants of one converted estimator, in one dtype.

    Parameters
    ----------
    scope, container : skl2onnx objects
        Where names come from and where nodes and initialisers go.
    proto_dtype : int
        ``TensorProto.FLOAT`` or ``TensorProto.DOUBLE``.
    """

    def __init__(self, scope, container, proto_dtype):
        self.scope, self.container = scope, container
        self.proto_dtype = proto_dtype
        self.dtype = np.float64 if proto_dtype == TensorProto.DOUBLE else np.float32

    def constant(self, value, name="constant", dtype=None, proto=None):
        """An initialiser holding ``value`` (in the graph's dtype by default)."""
        value = np.asarray(value, dtype=dtype or self.dtype)
        unique = self.scope.get_unique_variable_name(name)
        self.container.add_initializer(
            unique, proto or self.proto_dtype, list(value.shape), value.ravel()
        )
        return unique

    def integers(self, values, name="indices"):
        """An int64 initialiser."""
        return self.constant(values, name, np.int64, TensorProto.INT64)

    def node(self, op, inputs, output=None, **attributes):
        """Add one node; returns the name of its output."""
        output = output or self.scope.get_unique_variable_name(op.lower())
        self.container.add_node(
            op,
            list(inputs),
            [output],
            name=self.scope.get_unique_operator_name(op),
            **attributes,
        )
        return output

    def mean_over_members(self, x, output=None):
        """The mean over axis 0, the members' axis (its axes an input from opset 18)."""
        if self.container.target_opset >= 18:
            axes = self.integers([0], "axes")
            return self.node("ReduceMean", [x, axes], output, keepdims=0)
        return self.node("ReduceMean", [x], output, axes=[0], keepdims=0)


# ----------------------------------------------------------------------
# The layers, kind by kind: each takes its input's name and its parameter
# arrays (float64) and returns its output's name.
# ----------------------------------------------------------------------
def _affine(graph, A, W, b):
    Z = graph.node("MatMul", [A, graph.constant(W, "W")])
    if b is None:
        return Z
    return graph.node("Add", [Z, graph.constant(b, "b")])


def _activation(graph, Z, name, slope):
    if name == "identity":
        return Z
    if name in ("relu", "logistic", "tanh"):
        op = {"relu": "Relu", "logistic": "Sigmoid", "tanh": "Tanh"}[name]
        return graph.node(op, [Z])
    if name == "leaky_relu":
        return graph.node("Max", [Z, graph.node("Mul", [Z, graph.constant(slope)])])
    if name == "selu":
        # λ (max(z, 0) + α (e^min(z, 0) - 1))
        zero, one = graph.constant(0.0), graph.constant(1.0)
        negative = graph.node("Exp", [graph.node("Min", [Z, zero])])
        negative = graph.node("Sub", [negative, one])
        negative = graph.node("Mul", [negative, graph.constant(SELU_ALPHA)])
        A = graph.node("Add", [graph.node("Max", [Z, zero]), negative])
        return graph.node("Mul", [A, graph.constant(SELU_LAMBDA)])
    if name == "mish":
        # z tanh(softplus(z)), softplus(z) = max(z, 0) + log(1 + e^-|z|)
        e = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [Z])])])
        softplus = graph.node("Log", [graph.node("Add", [e, graph.constant(1.0)])])
        softplus = graph.node("Add", [graph.node("Relu", [Z]), softplus])
        return graph.node("Mul", [Z, graph.node("Tanh", [softplus])])
    raise NotImplementedError(f"No ONNX export for the activation {name!r}.")


def _linear(graph, A, layer, params):
    return _affine(graph, A, params[0], params[1] if layer.bias else None)


def _dense(graph, A, layer, params):
    Z = _affine(graph, A, *params)
    activation = layer.activation
    return _activation(graph, Z, activation.name, activation.leaky_relu_slope)


def _activation_layer(graph, Z, layer, params):
    return _activation(graph, Z, layer.name, layer.leaky_relu_slope)


def _dropout(graph, A, layer, params):
    return A


def _robust_scale(graph, X, layer, params):
    # z = s (x - median), a = z / sqrt(1 + (z/3)²), in the order of the NumPy pass
    Z = graph.node("Sub", [X, graph.constant(layer.center, "median")])
    Z = graph.node("Mul", [Z, graph.constant(layer.scale, "scale")])
    d = graph.node("Div", [Z, graph.constant(SMOOTH_CLIP)])
    d = graph.node("Add", [graph.node("Mul", [d, d]), graph.constant(1.0)])
    return graph.node("Div", [Z, graph.node("Sqrt", [d])])


def _piecewise_linear(graph, X, layer, params):
    V = graph.node("Gather", [X, graph.integers(layer._feature, "feature")], axis=1)
    V = graph.node("Sub", [V, graph.constant(layer._left, "left")])
    V = graph.node("Mul", [V, graph.constant(1.0 / layer._width, "inverse_width")])
    V = graph.node("Max", [V, graph.constant(layer._lower, "lower")])
    return graph.node("Min", [V, graph.constant(layer._upper, "upper")])


def _ensemble_input(graph, X, layer, params):
    # (1, m, n) ⊙ (k, 1, n): member j's copy of the rows is [j]
    X3 = graph.node("Unsqueeze", [X, graph.integers([0], "axes")])
    r = graph.constant(params[0][:, None, :], "r")
    return graph.node("Mul", [X3, r])


def _ensemble_linear(graph, A, layer, params):
    W, b = params
    return _affine(graph, A, W, b[:, None, :])


LAYER_EXPORTS = {
    "linear": _linear,
    "dense": _dense,
    "activation": _activation_layer,
    "dropout": _dropout,
    "robust_scale": _robust_scale,
    "piecewise_linear": _piecewise_linear,
    "ensemble_input": _ensemble_input,
    "ensemble_linear": _ensemble_linear,
}
"""The export of every layer kind but batch norm, which :func:`_folded` removes."""


def _folded(network, views):
    """(layer, parameters) of every layer, batch norm folded into its Linear.

    A batch-normalised layer's Linear has no bias and is followed by the
    BatchNorm: Z̃ = (A W - μ) γ / sqrt(σ² + ε) + β is one linear layer with
    W' = W s and b' = β - μ s, s = γ / sqrt(σ² + ε), computed in float64.
    """
    steps = []
    for layer, p in zip(network.layers, views, strict=True):
        p = tuple(np.asarray(v, dtype=np.float64) for v in p)
        if layer.kind == "batch_norm":
            beta, gamma, running_mean, running_var = p
            previous, (W,) = steps[-1]
            scale = gamma / np.sqrt(running_var + EPSILON)
            steps[-1] = (
                Linear(previous.n_in, previous.n_out),
                (W * scale, beta - running_mean * scale),
            )
            continue
        if layer.kind not in LAYER_EXPORTS:
            raise NotImplementedError(
                f"No ONNX export for the layer kind {layer.kind!r}."
            )
        steps.append((layer, p))
    return steps


def _network_graph(graph, X, model):
    """The output logits Z[L]: (N, n[L]), or (k, N, n[L]) for k members."""
    network = model._network
    A = X
    for layer, params in _folded(network, model._layer_views()):
        A = LAYER_EXPORTS[layer.kind](graph, A, layer, params)
    return A


def _graph_for(scope, operator, container):
    """The graph of one estimator and the name of its input, cast to its dtype."""
    if container.target_opset < 13:
        raise ValueError(
            f"skdnn's ONNX graphs need opset 13 or later (Softmax over one axis, "
            f"Unsqueeze with its axes as an input); got target_opset="
            f"{container.target_opset}."
        )
    double = _in_double(operator.inputs)
    proto_dtype = TensorProto.DOUBLE if double else TensorProto.FLOAT
    graph = _Graph(scope, container, proto_dtype)
    # one input per column when converting from a DataFrame: side by side
    columns = [
        graph.node("Cast", [variable.full_name], to=proto_dtype)
        for variable in operator.inputs
    ]
    if len(columns) == 1:
        return graph, columns[0]
    return graph, graph.node("Concat", columns, axis=1)


# ----------------------------------------------------------------------
# The estimators
# ----------------------------------------------------------------------
def _convert_classifier(scope, operator, container):
    """skl2onnx converter of a fitted DeepNetClassifier."""
    model = operator.raw_operator
    graph, X = _graph_for(scope, operator, container)
    Z = _network_graph(graph, X, model)
    members = model._network.members > 1
    label, probabilities = operator.outputs[0].full_name, operator.outputs[1].full_name
    finfo = np.finfo(graph.dtype)
    if model._multilabel():
        P = graph.node("Sigmoid", [Z])
        if members:
            P = graph.mean_over_members(P)
        low, high = graph.constant(finfo.tiny), graph.constant(1.0 - finfo.epsneg)
        graph.node("Min", [graph.node("Max", [P, low]), high], output=probabilities)
        # skdnn's labels are Z[L] > 0, which a rounded sigmoid may not tell
        positive = (
            graph.node("Greater", [P, graph.constant(0.5)])
            if members
            else graph.node("Greater", [Z, graph.constant(0.0)])
        )
        graph.node("Cast", [positive], output=label, to=TensorProto.INT64)
        return
    last = 2 if members else 1
    if model.out_activation_ == "softmax":
        P = graph.node("Softmax", [Z], axis=last)
    else:  # binary: the logits (-z, z) of both classes
        P = graph.node("Concat", [graph.node("Neg", [Z]), Z], axis=last)
        P = graph.node("Sigmoid", [P])
    if members:
        P = graph.mean_over_members(P)
    graph.node("Max", [P, graph.constant(finfo.tiny)], output=probabilities)
    best = graph.node("ArgMax", [probabilities], axis=1, keepdims=0)
    classes = _onnx_classes(get_label_classes(scope, model))
    if classes.dtype.kind == "i":
        graph.node("Gather", [graph.integers(classes, "classes"), best], output=label)
    else:
        names = scope.get_unique_variable_name("classes")
        container.add_initializer(
            names, TensorProto.STRING, [classes.size], [c.encode() for c in classes]
        )
        graph.node("Gather", [names, best], output=label)


def _onnx_classes(classes):
    """The class labels as int64 or str, the types of ONNX labels.

    A classifier's numeric classes are whole numbers (scikit-learn reads
    other floats as a continuous target), so int64 holds them exactly.
    """
    classes = np.asarray(classes)
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    if all(isinstance(c, str) for c in classes):
        return classes.astype(str)
    raise ValueError(
        "The classes must be all integers or all strings to be ONNX labels, got "
        f"{classes.tolist()!r}; fit on labels of one type, or convert with "
        'options={"nocl": True} (the labels become 0, ..., n_classes - 1).'
    )


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier parser, after checks that name the problem.

    The parser asks for ``classes_`` first (an unfitted model would fail there
    with skl2onnx's words), and its ZipMap takes one label per row, which a
    multilabel model does not give, and float32 probabilities only (which a
    float64 graph would hand it, as for scikit-learn's classifiers).
    """
    check_is_fitted(model)
    zipmap = scope.get_options(model, {"zipmap": True})["zipmap"]
    off = (
        'options={"zipmap": False} (per estimator in a pipeline: '
        '{DeepNetClassifier: {"zipmap": False}})'
    )
    if model._multilabel() and zipmap is not False:
        raise ValueError(
            "A multilabel DeepNetClassifier has one probability per label and "
            f"no class to map them to: convert it with {off}."
        )
    if zipmap is True and _in_double(inputs):
        raise ValueError(
            "ONNX's ZipMap takes float32 probabilities, and this graph computes "
            f"in float64 (its input is): convert it with {off}, or "
            'zipmap="columns", or from a float32 sample.'
        )
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


def _classifier_shapes(operator):
    """Output types: labels (N,) or (N, n_labels), probabilities (N, n_classes)."""
    model = operator.raw_operator  # fitted: _parse_classifier checked
    N = operator.inputs[0].get_first_dimension()
    n_classes = len(model.classes_)
    if model._multilabel():
        operator.outputs[0].type = Int64TensorType([N, n_classes])
    else:
        classes = _onnx_classes(get_label_classes(operator.scope_inst, model))
        label_type = Int64TensorType if classes.dtype.kind == "i" else StringTensorType
        operator.outputs[0].type = label_type([N])
    operator.outputs[1].type = _float_type(operator)([N, n_classes])


def _convert_regressor(scope, operator, container):
    """skl2onnx converter of a fitted DeepNetRegressor."""
    model = operator.raw_operator
    graph, X = _graph_for(scope, operator, container)
    Z = _network_graph(graph, X, model)
    output = operator.outputs[0].full_name
    if model._network.members > 1:
        Z = graph.mean_over_members(Z)
    training = model.__dict__.get("_training_scale")
    if training is not None:  # converted while fitting (a callback's model)
        mean, std = training
        Z = graph.node("Mul", [Z, graph.constant(std, "std")])
        Z = graph.node("Add", [Z, graph.constant(mean, "mean")])
    graph.node("Identity", [Z], output)


def _regressor_shapes(operator):
    """Output type: (N, n_outputs)."""
    model = operator.raw_operator
    check_is_fitted(model)
    N = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _float_type(operator)([N, model.n_outputs_])


def _float_type(operator):
    return DoubleTensorType if _in_double(operator.inputs) else FloatTensorType


def _in_double(inputs):
    """Whether the graph computes in float64: its (first) input is float64."""
    return guess_proto_type(inputs[0].type) == TensorProto.DOUBLE


def register_converters():
    """Register the converters of both estimators with skl2onnx.

    Importing :mod:`skdnn.onnx` calls it; calling it again changes nothing.
    After it, ``skl2onnx.to_onnx`` and ``skl2onnx.convert_sklearn`` convert
    :class:`~skdnn.DeepNetClassifier` (options ``zipmap``, ``nocl``,
    ``output_class_labels``) and :class:`~skdnn.DeepNetRegressor`, alone or
    inside a pipeline.
    """
    update_registered_converter(
        DeepNetClassifier,
        "SkdnnDeepNetClassifier",
        _classifier_shapes,
        _convert_classifier,
        parser=_parse_classifier,
        options=CLASSIFIER_OPTIONS,
    )
    update_registered_converter(
        DeepNetRegressor,
        "SkdnnDeepNetRegressor",
        _regressor_shapes,
        _convert_regressor,
    )


def to_onnx(model, X=None, **kwargs):
    """Convert a fitted estimator or pipeline to an ONNX model.

    ``skl2onnx.to_onnx`` once skdnn's converters are registered, with a clear
    error for input an ONNX graph cannot take.

    Parameters
    ----------
    model : estimator
        A fitted :class:`~skdnn.DeepNetClassifier` or
        :class:`~skdnn.DeepNetRegressor`, or a fitted pipeline or other
        scikit-learn model that skl2onnx converts and that contains them.
    X : array-like or DataFrame of shape (n_samples, n_features), default=None
        A sample of the input, from which the graph's input types are taken:
        float64 rows give a float64 graph, float32 (or integer) rows a float32
        one, a DataFrame one input per column (the graph's dtype is then the
        first column's). Dense: an ONNX graph takes dense tensors.
    **kwargs
        Passed to ``skl2onnx.to_onnx``: ``initial_types`` (instead of X),
        ``target_opset``, ``options`` (e.g. ``{"zipmap": False}``), ...

    Returns
    -------
    onx : onnx.ModelProto
        The ONNX model; ``onx.SerializeToString()`` is what onnxruntime's
        ``InferenceSession`` reads.

    Raises
    ------
    TypeError
        If X is a sparse matrix.
    sklearn.exceptions.NotFittedError
        If the model is not fitted.
    """
    if sp.issparse(X):
        raise TypeError(
            "An ONNX graph takes dense tensors, not a sparse matrix: pass a dense "
            "sample such as X[:1].toarray() (the graph then takes dense rows)."
        )
    check_is_fitted(model)
    register_converters()
    return skl2onnx.to_onnx(model, X, **kwargs)


register_converters()
