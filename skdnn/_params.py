"""The hyperparameters both estimators share: their constraints and checks.

scikit-learn's ``_parameter_constraints`` check each parameter's type and range;
the functions here add what those cannot say: per-layer lists, and the errors a
user coming from ``MLPClassifier`` needs (a bool for a number, a schedule name
for the step size).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)

from ._nn.activations import ACTIVATIONS

ACTIVATION_ALIASES = {"sigmoid": "logistic"}
ACTIVATION_NAMES = set(ACTIVATIONS) | set(ACTIVATION_ALIASES)

PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions(ACTIVATION_NAMES), list, tuple],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "solver": [StrOptions({"sgd", "adam", "lbfgs"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
        None,
    ],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "learning_rate_schedule": [
        StrOptions({"constant", "invscaling", "adaptive", "cosine", "coslog4"})
    ],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "init": [StrOptions({"auto", "he", "glorot", "small"})],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "tol": [Interval(Real, 0, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "warm_start": ["boolean"],
    "verbose": ["verbose"],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "leaky_relu_slope": [Interval(Real, 0, 1, closed="left")],
    "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    "scoring": [str, callable, None],
    "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    "batch_norm": ["boolean"],
    "input_scaling": [StrOptions({"auto", "robust"}), None],
    "numerical_embedding": [StrOptions({"auto", "piecewise_linear"}), None],
    "n_bins": [Interval(Integral, 2, None, closed="left"), StrOptions({"auto"})],
    "n_members": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
}


# The network's input end: what "auto" is in fit on dense X (the levers that
# measured best together on the quality benchmark, benchmarks/LEVERS.md), and
# what it is elsewhere, as before these parameters existed: the plain network.
INPUT_PARAMS = ("input_scaling", "numerical_embedding", "n_members")
AUTO_INPUT = {
    "input_scaling": "robust",
    "numerical_embedding": "piecewise_linear",
    "n_members": 8,
}
PLAIN_INPUT = {"input_scaling": None, "numerical_embedding": None, "n_members": 1}


def input_setup(estimator, sparse, incremental, fitted=None):
    """``input_scaling``, ``numerical_embedding`` and ``n_members``, "auto" resolved.

    Parameters
    ----------
    estimator : DeepNetClassifier or DeepNetRegressor
    sparse : bool
        Whether X is a sparse matrix.
    incremental : bool
        Whether the call is ``partial_fit``.
    fitted : dict or None
        The values the network being continued was fitted with; None on a
        first pass.

    Returns
    -------
    setup : dict
        The three values. "auto" is the fitted value when a network is
        continued, else ``AUTO_INPUT``'s for ``fit`` on dense X (one member
        with ``batch_norm=True``, which an ensemble does not take, and with
        ``solver="sgd"``, whose step gives each member's output layer 1/k of
        one network's gradient), else the plain network's.
    """
    plain = sparse or (incremental and fitted is None)
    setup = {}
    for name in INPUT_PARAMS:
        value = getattr(estimator, name)
        if value == "auto":
            if fitted is not None:
                value = fitted[name]
            elif plain or (name == "n_members" and _one_member(estimator)):
                value = PLAIN_INPUT[name]
            else:
                value = AUTO_INPUT[name]
        setup[name] = value
    return setup


def _one_member(estimator):
    """Whether "auto" trains one network rather than an ensemble.

    With batch norm (members share no batch statistics) and with plain SGD:
    the cost is the mean of the k members' costs, so each member's output
    layer and r_j get 1/k of the gradient one network's would, which Adam's
    normalised step does not feel and SGD's step does (on scikit-learn's
    regression check, R² 0.27 with 8 members against 0.54 with one, at the
    same learning rate and epochs).
    """
    return bool(estimator.batch_norm) or estimator.solver == "sgd"


def check_learning_rate_is_a_number(estimator):
    """Refuse MLPClassifier's ``learning_rate`` (a schedule name) with the fix."""
    if isinstance(estimator.learning_rate, str):
        raise InvalidParameterError(
            f"learning_rate={estimator.learning_rate!r} is a string, but "
            f"{type(estimator).__name__}'s learning_rate is the step size α (a "
            "float > 0, scikit-learn's learning_rate_init). For the schedule use "
            f"learning_rate_schedule={estimator.learning_rate!r}."
        )


def check_no_bools(estimator):
    """Refuse True/False where a number is meant (an Interval accepts them)."""
    for name, constraints in estimator._parameter_constraints.items():
        value = getattr(estimator, name)
        if name == "hidden_layer_sizes":
            continue  # checked by hidden_layer_sizes
        if isinstance(value, bool | np.bool_) and any(
            isinstance(c, Interval) for c in constraints
        ):
            raise InvalidParameterError(
                f"{name}={value!r} is a bool, but {name} must be a number; "
                "pass an int or a float."
            )


def hidden_layer_sizes(sizes):
    """n[1..L-1] as a tuple of int, from an int or a sequence of them."""
    given = sizes
    if isinstance(sizes, Integral) and not isinstance(sizes, bool):
        sizes = [sizes]
    sizes = np.asarray(sizes, dtype=object)
    if sizes.ndim > 1 or not all(
        isinstance(n, Integral) and not isinstance(n, bool | np.bool_) and n >= 1
        for n in sizes.ravel()
    ):
        raise InvalidParameterError(
            "hidden_layer_sizes must be a positive int or a sequence of positive "
            f"ints (units per hidden layer), got {given!r}."
        )
    return tuple(int(n) for n in sizes.ravel())


def hidden_activations(activation, sizes):
    """g[1..L-1] as a tuple of canonical names, one per hidden layer."""
    n_hidden = len(hidden_layer_sizes(sizes))
    given = activation
    if isinstance(activation, str):
        activation = [activation] * n_hidden
    activation = list(activation)
    unknown = [
        g for g in activation if not isinstance(g, str) or g not in ACTIVATION_NAMES
    ]
    if unknown:
        raise InvalidParameterError(
            f"Unknown activation {unknown[0]!r} in activation={given!r}; "
            f"choose from {sorted(ACTIVATION_NAMES)}."
        )
    if len(activation) != n_hidden:
        raise InvalidParameterError(
            f"activation={given!r} gives {len(activation)} "
            f"activations but hidden_layer_sizes={sizes!r} has "
            f"{n_hidden} hidden layers; give one activation per hidden layer or "
            "a single string."
        )
    return tuple(ACTIVATION_ALIASES.get(g, g) for g in activation)


def dropout_rates(dropout, sizes):
    """The dropout rate of each hidden layer, from one rate or a list of them."""
    n_hidden = len(hidden_layer_sizes(sizes))
    rates = [dropout] * n_hidden if isinstance(dropout, Real) else list(dropout)
    bad = [
        r
        for r in rates
        if not isinstance(r, Real) or isinstance(r, bool) or not 0 <= r < 1
    ]
    if bad:
        raise InvalidParameterError(
            f"dropout={dropout!r} has the rate {bad[0]!r}; a dropout rate is a "
            "number in [0, 1): the share of a hidden layer's units dropped in "
            "each training step (0 keeps them all)."
        )
    if len(rates) != n_hidden:
        raise InvalidParameterError(
            f"dropout={dropout!r} gives {len(rates)} rates but "
            f"hidden_layer_sizes={sizes!r} has {n_hidden} hidden layers; give "
            "one rate per hidden layer or a single number."
        )
    return tuple(float(r) for r in rates)
