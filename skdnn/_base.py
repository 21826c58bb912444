"""BaseDeepNet: what DeepNetClassifier and DeepNetRegressor share.

The hyperparameters and their validation, the fit transaction (a failed fit
leaves the estimator exactly as it was), the network and its flat parameter
vector with the ``coefs_``/``intercepts_`` views, pickling, the
``partial_fit``/``warm_start`` bookkeeping, callbacks and the prediction
plumbing. The estimator builds the network (:mod:`skdnn._nn`) and a solver's
configuration from its hyperparameters, runs the solver (:mod:`skdnn._train`)
and reads its result into the fitted attributes; a subclass says how its
targets become the output layer's Y and how it scores a validation set.
"""

import copy
import inspect
import math
import numbers
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.metrics import check_scoring
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._callbacks import CallbackSupportMixin, CallbackTasks
from ._fitted import FittedParametersMixin
from ._nn.initializers import layer_initializers
from ._nn.inputs import fit_input_layers
from ._nn.network import fully_connected
from ._params import (
    INPUT_PARAMS,
    PARAMETER_CONSTRAINTS,
    PLAIN_INPUT,
    check_learning_rate_is_a_number,
    check_no_bools,
    dropout_rates,
    hidden_activations,
    hidden_layer_sizes,
    input_setup,
)
from ._tools.inspect import InspectionMixin
from ._train.config import (
    LbfgsConfig,
    OptimizerSettings,
    SolverState,
    StochasticConfig,
    StoppingSettings,
)
from ._train.data import TrainingData
from ._train.diagnosis import fit_warning, input_scale
from ._train.lbfgs import train_lbfgs
from ._train.stochastic import train_stochastic
from ._train.stopping import uses_early_stopping
from ._validation import _validate_data, check_numpy_namespace
from ._warnings import warn
from ._weights import check_sample_weight


def _check_score(scoring, value):
    """The validation score as a float, or a ValueError naming the scorer."""
    if np.ndim(value) != 0 or isinstance(value, bool | str | bytes):
        raise ValueError(
            f"scoring={scoring!r} returned {value!r} on the early-stopping "
            "validation set; a scorer returns one number per call (higher is "
            "better)."
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = np.nan
    if not math.isfinite(number):
        raise ValueError(
            f"scoring={scoring!r} returned {value!r} on the early-stopping "
            "validation set, so no epoch can be compared with another; a scorer "
            "must return finite numbers."
        )
    return number


_SOLVER_PARAMS = {
    "sgd": ["momentum", "nesterovs_momentum"],
    "adam": ["beta_1", "beta_2", "epsilon"],
    "lbfgs": [],
}


class BaseDeepNet(
    FittedParametersMixin, InspectionMixin, CallbackSupportMixin, BaseEstimator
):
    """Base class of the skdnn estimators. Not for direct use.

    Subclasses implement :meth:`_encode_targets`, documented there.
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        learning_rate=0.001,
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        max_iter=200,
        learning_rate_schedule="constant",
        power_t=0.5,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        init="glorot",
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=False,
        max_fun=15000,
        leaky_relu_slope=0.01,
        max_grad_norm=None,
        scoring=None,
        dropout=0.0,
        batch_norm=False,
        input_scaling=None,
        numerical_embedding=None,
        n_bins="auto",
        n_members=1,
        weight_decay=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.learning_rate = learning_rate
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_rate_schedule = learning_rate_schedule
        self.power_t = power_t
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.init = init
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.max_fun = max_fun
        self.leaky_relu_slope = leaky_relu_slope
        self.max_grad_norm = max_grad_norm
        self.scoring = scoring
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.input_scaling = input_scaling
        self.numerical_embedding = numerical_embedding
        self.n_bins = n_bins
        self.n_members = n_members
        self.weight_decay = weight_decay

    # ------------------------------------------------------------------
    # Hyperparameters
    # ------------------------------------------------------------------
    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator
            This estimator.
        """
        if "learning_rate_init" in params:
            name = type(self).__name__
            raise ValueError(
                f"{name} has no parameter 'learning_rate_init': the step size is "
                f"called 'learning_rate', and {name.replace('DeepNet', 'MLP')}'s "
                "'learning_rate' (the schedule) is 'learning_rate_schedule'."
            )
        return super().set_params(**params)

    def __setstate__(self, state):
        super().__setstate__(state)
        # A model pickled before a parameter existed gets the value that
        # keeps the behaviour it was trained with: its default, or for the
        # input end (whose default is now "auto") the plain network's.
        signature = inspect.signature(type(self).__init__)
        for name, parameter in signature.parameters.items():
            if parameter.default is not parameter.empty and name not in state:
                setattr(self, name, PLAIN_INPUT.get(name, parameter.default))

    def _validate_params(self):
        check_learning_rate_is_a_number(self)
        super()._validate_params()
        check_no_bools(self)
        self._hidden_activations()
        self._dropout_rates()

    def _hidden_layer_sizes(self):
        """n[1..L-1] as a tuple of int, validated."""
        return hidden_layer_sizes(self.hidden_layer_sizes)

    def _hidden_activations(self):
        """g[1..L-1] as a tuple of canonical names, validated."""
        return hidden_activations(self.activation, self.hidden_layer_sizes)

    def _dropout_rates(self):
        """The dropout rate of each hidden layer, validated."""
        return dropout_rates(self.dropout, self.hidden_layer_sizes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # the input transforms and the ensemble take dense X only; "auto"
        # leaves them out for sparse X
        tags.input_tags.sparse = all(
            getattr(self, name) in ("auto", PLAIN_INPUT[name]) for name in INPUT_PARAMS
        )
        return tags

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------
    def _encode_targets(self, y, dtype, incremental, first_pass, classes):
        """Check y against the fitted targets; return (y, Y, output layer name).

        Sets the target attributes (``classes_``, ...) on a first pass. Every
        subclass implements it.
        """
        raise NotImplementedError

    def _sample_weight(self, sample_weight, X, y):
        """The weight s_i of each sample, or None."""
        return check_sample_weight(sample_weight, X.shape[0], X.dtype)

    def _fit_transaction(self, X, y, sample_weight, incremental, classes=None):
        """Fit, restoring the previous state if anything fails."""
        if incremental and self.early_stopping is True:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out set across calls. Set early_stopping=False."
            )
        if self.solver == "lbfgs" and any(self._dropout_rates()):
            raise ValueError(
                f"dropout={self.dropout!r} draws new masks at every step, so the "
                "cost changes between the evaluations of L-BFGS's line search. "
                "Use solver='sgd' or 'adam' with dropout, or dropout=0."
            )
        if (
            self.batch_norm
            and self.batch_size == 1
            and self.solver != "lbfgs"
            and self._hidden_layer_sizes()
        ):
            raise ValueError(
                "batch_norm=True normalises each unit with the mean and variance "
                "of its batch, and batch_size=1 leaves one row per batch, whose "
                "variance is 0. Use batch_size >= 2, or batch_norm=False."
            )
        if self.n_members != "auto" and self.n_members > 1 and self.batch_norm:
            raise ValueError(
                f"n_members={self.n_members} members share the hidden layers "
                "but not their batches' statistics: batch_norm=True does not "
                "combine with an ensemble. Set batch_norm=False or n_members=1."
            )
        if self.solver == "lbfgs" and self.weight_decay > 0:
            raise ValueError(
                f"weight_decay={self.weight_decay!r} shrinks the weights at "
                "every step of the stochastic solvers; L-BFGS takes no such "
                "steps. Use alpha (the L2 penalty) with 'lbfgs', or solver="
                "'adam' or 'sgd'."
            )
        if self.solver == "lbfgs" and self.max_grad_norm is not None:
            raise ValueError(
                f"max_grad_norm={self.max_grad_norm!r} clips the steps of the "
                "stochastic solvers; L-BFGS chooses its own steps by line search. "
                "Set max_grad_norm=None, or solver='sgd' or 'adam'."
            )
        context = None
        if not incremental and hasattr(self, "_init_callback_context"):
            # Before the snapshot, so that a failed fit still tears callbacks down.
            # L-BFGS opens one task more than it runs (see train_lbfgs).
            n_tasks = self.max_iter + (self.solver == "lbfgs")
            context = self._init_callback_context(max_subtasks=n_tasks)
        saved = dict(self.__dict__)
        try:
            data, rng, random_state = self._prepare(
                X, y, sample_weight, incremental, classes
            )
            tasks = CallbackTasks(self, context, "epoch")
            if context is not None:
                tasks.data = (data.X, data.y, data.sample_weight)
                context.call_on_fit_task_begin(estimator=self, **tasks.arguments())
            self._train(data, rng, random_state, tasks, incremental)
            self._unscale_targets()
            if context is not None:
                context.call_on_fit_task_end(
                    estimator=self, reconstruction_attributes={}, **tasks.arguments()
                )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        return self

    def _train(self, data, rng, random_state, tasks, incremental):
        """Run the solver on the prepared network and read its result."""
        if self.solver == "lbfgs":
            tasks.name = "lbfgs-iter"
            config = LbfgsConfig(self.alpha, self.max_iter, self.max_fun, self.tol)
            state = SolverState(t=self.t_)
            result = train_lbfgs(self._network, self._theta, data, config, state, tasks)
        else:
            config = self._stochastic_config(data, incremental)
            state = SolverState(
                self._optimizer,
                self._schedule,
                self._stopping,
                n_iter=self.n_iter_ if incremental else 0,
                t=self.t_,
                n_clipped_steps=self.n_clipped_steps_ if incremental else 0,
            )
            result = train_stochastic(
                self._network,
                self._theta,
                data,
                config,
                state,
                rng,
                random_state,
                tasks,
            )
        self._read_result(result)
        if not incremental:
            unscaled = None
            if self.solver != "lbfgs" and not self._network.input_layers:
                unscaled = input_scale(data.X)
            name = type(self).__name__
            warning = fit_warning(
                result, config, self._network, self._theta, unscaled, name
            )
            if warning is not None:
                warn(*warning)

    def _stochastic_config(self, data, incremental):
        """The mini-batch loop's settings, from the hyperparameters."""
        early_stopping = uses_early_stopping(
            self.early_stopping, data.X.shape[0], incremental
        )
        return StochasticConfig(
            optimizer=OptimizerSettings(
                self.solver,
                self.learning_rate,
                self.learning_rate_schedule,
                self.power_t,
                self.momentum,
                self.nesterovs_momentum,
                self.beta_1,
                self.beta_2,
                self.epsilon,
            ),
            stopping=StoppingSettings(
                self.max_iter,
                self.tol,
                self.n_iter_no_change,
                early_stopping,
                self.validation_fraction,
                self._stratify_split(),
                self._validation_scorer() if early_stopping else None,
            ),
            alpha=self.alpha,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            max_grad_norm=self.max_grad_norm,
            weight_decay=self.weight_decay,
            verbose=self.verbose,
            incremental=incremental,
        )

    def _validation_scorer(self):
        """``score(X, y, sample_weight)`` of ``scoring`` on the weights in training.

        None for the default score, minus the validation loss. The held-out
        rows are part of the validated data, so predicting skips the checks.
        """
        if self.scoring is None:
            return None
        scorer = check_scoring(self, self.scoring)

        def score(X, y, sample_weight):
            weights = {} if sample_weight is None else {"sample_weight": sample_weight}
            try:
                with self._trusted_input():
                    value = scorer(self, X, y, **weights)
            except (ValueError, TypeError) as exc:
                raise ValueError(
                    f"scoring={self.scoring!r} failed on the early-stopping "
                    f"validation set: {exc}. Choose a scorer that fits this task, "
                    "or scoring=None (minus the validation loss)."
                ) from exc
            return _check_score(self.scoring, value)

        return score

    def _read_result(self, result):
        """The fitted attributes from a solver's :class:`TrainingResult`."""
        state = result.state
        if self.solver != "lbfgs":
            self._optimizer, self._schedule = state.optimizer, state.schedule
            self._stopping = state.stopping
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.n_clipped_steps_ = state.n_clipped_steps
        earlier = len(self.loss_curve_)
        self.loss_curve_.extend(result.loss_curve)
        if result.loss is not None or self.solver == "lbfgs":
            self.loss_ = result.loss
        self.best_loss_ = result.best_loss
        self.do_early_stopping_ = result.early_stopping
        self.best_validation_score_ = result.best_validation_score
        history = self.__dict__.get("_validation_history")
        if history is None or earlier == 0:
            history = {}
        else:
            history = dict(history)
        this_fit = len(result.loss_curve)
        for name, curve in [
            ("validation_scores_", result.validation_scores),
            ("validation_loss_curve_", result.validation_loss_curve),
        ]:
            # what came before, aligned with the epochs of loss_curve_ (a model
            # of 0.1.0 kept its last fit's curve: those are the last epochs)
            before = history.get(name)
            if before is None:
                before = list(getattr(self, name, None) or [])[-earlier:][:earlier]
                before = [np.nan] * (earlier - len(before)) + before
            curve = list(curve or [])
            history[name] = before + curve + [np.nan] * (this_fit - len(curve))
            setattr(self, name, list(history[name]) if result.early_stopping else None)
        self._validation_history = history

    def _prepare(self, X, y, sample_weight, incremental, classes=None):
        """Validate the data and set up the network, weights and targets.

        Sets the target and input attributes (``n_features_in_``, ...) and
        returns (TrainingData, Generator, RandomState). Never modifies arrays of
        a previous fit in place.
        """
        sizes = self._hidden_layer_sizes()
        activations = self._hidden_activations()
        first_pass = not hasattr(self, "_theta") or (
            not self.warm_start and not incremental
        )
        check_numpy_namespace(self, sample_weight=sample_weight)
        X, y = _validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=first_pass,
        )
        if sp.issparse(X):
            X = X.tocsr()
        y, Y, output = self._encode_targets(
            y, X.dtype, incremental, first_pass, classes
        )
        sample_weight = self._sample_weight(sample_weight, X, y)

        fitted = None if first_pass else self._fitted_input()
        setup = input_setup(self, sp.issparse(X), incremental, fitted)
        if setup["n_members"] > 1 and sp.issparse(X):
            raise TypeError(
                f"n_members={self.n_members} scales a dense copy of X for each "
                "member; pass X.toarray(), or n_members=1 (or 'auto') for "
                "sparse X."
            )
        inputs = self._input_layers(X, sample_weight, setup, fitted)
        n_0 = inputs[-1].n_out if inputs else X.shape[1]
        layer_units = (n_0, *sizes, Y.shape[1])
        network = fully_connected(
            layer_units,
            activations,
            output,
            self.leaky_relu_slope,
            self._dropout_rates(),
            self.batch_norm,
            inputs,
            setup["n_members"],
        )
        random_state = check_random_state(self.random_state)
        rng = self._generator(random_state, incremental and not first_pass)
        if first_pass:
            theta = np.zeros(network.n_params, dtype=X.dtype)
            initializers = layer_initializers(self.init, network.activations())
            network.initialize(theta, rng, initializers)
            self.n_iter_ = 0
            self.n_clipped_steps_ = 0
            self.t_ = 0
            self.loss_curve_ = []
        else:
            if self._network.layer_units != layer_units:
                raise ValueError(self._mismatch(layer_units, incremental))
            if self._network.members != network.members:
                raise ValueError(
                    f"The network being continued has {self._network.members} "
                    f"member(s), so n_members={self.n_members!r} does not fit its "
                    f"parameters. Set n_members={self._network.members} again, or "
                    "warm_start=False to train a new network."
                )
            if self._network.layout.slices != network.layout.slices:
                fitted = "with" if self._network.batch_norm else "without"
                raise ValueError(
                    f"The network being continued was fitted {fitted} batch "
                    f"normalisation, so batch_norm={self.batch_norm!r} does not fit "
                    f"its parameters. Set batch_norm={not self.batch_norm!r} again, "
                    "or warm_start=False to train a new network."
                )
            theta = self._theta.astype(X.dtype, copy=True)
            self.loss_curve_ = list(self.loss_curve_)

        # partial_fit carries the solver state (moments, step size, stopping
        # counters) from call to call, as long as the solver's parameters stay
        # the same; every fit starts them afresh, warm-started or not.
        solver_params = self._solver_params(X.dtype)
        carry = (
            incremental
            and not first_pass
            and getattr(self, "_optimizer_params", None) == solver_params
        )
        if carry:
            self._optimizer = copy.deepcopy(self._optimizer)
            self._schedule = copy.deepcopy(self._schedule)
        else:
            self._optimizer = self._schedule = None
            self._optimizer_params = solver_params
        if (
            incremental
            and not first_pass
            and self._stopping is not None
            and self._stopping.scores is None
        ):
            self._stopping = copy.deepcopy(self._stopping)
        else:
            self._stopping = None

        self._network = network
        self._theta = theta
        Y = self._scale_targets(Y, sample_weight, incremental, first_pass)
        self._remember_views()
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = output
        return TrainingData(X, y, Y, sample_weight), rng, random_state

    def _generator(self, random_state, continuing):
        """The Generator that draws this call's weights, shuffles and masks.

        Every fit (warm-started too), and a first ``partial_fit``, seeds it
        with a draw from ``random_state``, as 0.1.0 did. An integer
        ``random_state`` gives every call the same draw, so a later
        ``partial_fit`` with the integer that seeded the previous call counts
        itself in ``_random_stream = (seed, calls)`` and seeds with
        ``(draw, calls)``: each call draws new orders and masks, and the
        sequence of calls is reproducible (a failed call leaves the count
        where it was, with the rest of the state). A RandomState instance, or
        None, gives every call new draws by itself; a model saved by an
        earlier version, which has no ``_random_stream``, starts one.

        Parameters
        ----------
        random_state : numpy.random.RandomState
            ``check_random_state(self.random_state)``.
        continuing : bool
            Whether this is a ``partial_fit`` call continuing a fitted network.

        Returns
        -------
        rng : numpy.random.Generator
        """
        draw = random_state.randint(np.iinfo(np.int32).max)
        seed = self.random_state
        if not isinstance(seed, numbers.Integral):
            self._random_stream = None
            return np.random.default_rng(draw)
        stream = self.__dict__.get("_random_stream")
        if continuing and stream is not None and stream[0] == seed:
            calls = stream[1] + 1
            rng = np.random.default_rng([draw, calls])
        else:
            calls = 0
            rng = np.random.default_rng(draw)
        self._random_stream = (int(seed), calls)
        return rng

    def _fitted_input(self):
        """``input_setup``'s values for the network being continued."""
        scaling, embedding, _ = self.__dict__.get("_input_params", (None, None, None))
        return {
            "input_scaling": scaling,
            "numerical_embedding": embedding,
            "n_members": self._network.members,
        }

    def _input_layers(self, X, sample_weight, setup, fitted):
        """The input layers: fitted on X (weighted) on a first pass.

        A warm start (``fitted`` not None) keeps the fitted ones (the weights
        of layer 1 are fitted to them), and refuses changed ``input_scaling``,
        ``numerical_embedding`` or ``n_bins``.
        """
        scaling, embedding = setup["input_scaling"], setup["numerical_embedding"]
        n_bins = self.n_bins if embedding is not None else None
        asked = (scaling, embedding, n_bins)
        if fitted is not None:
            before = self.__dict__.get("_input_params", (None, None, None))
            if before[:2] == (None, None) and asked[:2] == (None, None):
                return []
            if before != asked:
                raise ValueError(
                    "The network being continued was fitted with "
                    f"input_scaling={before[0]!r}, numerical_embedding="
                    f"{before[1]!r}, n_bins={before[2]!r}; its first layer's "
                    "weights fit those inputs only. Set them back, or "
                    "warm_start=False to train a new network."
                )
            return list(self._network.input_layers)
        if asked[:2] == (None, None):
            self._input_params = asked
            return []
        if sp.issparse(X):
            raise TypeError(
                f"input_scaling={self.input_scaling!r} and numerical_embedding="
                f"{self.numerical_embedding!r} transform dense X only (centring "
                "on the median, or binning, fills in the zeros of a sparse "
                "matrix). Pass X.toarray(), or set both to None (or 'auto')."
            )
        self._input_params = asked
        return fit_input_layers(X, scaling, embedding, self.n_bins, sample_weight)

    def _scale_targets(self, Y, sample_weight, incremental, first_pass):
        """The targets the network trains on; ``_theta`` is already set up.

        Subclasses that train on transformed targets transform Y here and
        rewrite ``_theta`` to match; :meth:`_unscale_targets` undoes the latter
        after training. By default the network trains on Y itself.
        """
        return Y

    def _unscale_targets(self):
        """After training: bring ``_theta`` back to the targets' own units."""

    def _in_training_units(self, Y):
        """θ and the targets Y (or None) as the network trains on them.

        A subclass that trains on transformed targets returns a θ whose output
        layer is in their units, and Y transformed. By default both as they are.
        """
        return self._theta, Y

    def _mismatch(self, layer_units, incremental):
        """Why the data or the layers no longer fit the network being trained."""
        fitted = self._network.layer_units
        how = (
            "Pass y of the same shape to every partial_fit call."
            if incremental
            else "Set warm_start=False to train a new network."
        )
        if fitted[1:-1] != layer_units[1:-1]:
            return (
                f"Cannot continue training a network with hidden layers "
                f"{fitted[1:-1]}: hidden_layer_sizes={self.hidden_layer_sizes!r} "
                f"asks for {layer_units[1:-1]}. Set warm_start=False to train a "
                "new network."
            )
        return (
            f"y has {layer_units[-1]} output(s), but the network being continued "
            f"was fitted with {fitted[-1]} output unit(s). {how}"
        )

    def _solver_params(self, dtype):
        """The parameters the optimiser and schedule are built from."""
        names = ["solver", "learning_rate", "learning_rate_schedule", "power_t"]
        names += _SOLVER_PARAMS[self.solver]
        return tuple(getattr(self, name) for name in names) + (np.dtype(dtype).str,)

    def _stratify_split(self):
        """Whether the early-stopping split is stratified by y."""
        return False

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------
    def _logits(self, X):
        """Z[L] of every row of X, after checking X like ``validate_data``."""
        if not self.__sklearn_is_fitted__():
            check_is_fitted(self)  # raises scikit-learn's NotFittedError
        if not (self.__dict__.get("_input_checked") or self._is_validated_input(X)):
            X = _validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=self._theta.dtype,
                reset=False,
            )
        if sp.issparse(X) and (self._network.input_layers or self._network.members > 1):
            fitted = self._fitted_input()
            raise TypeError(
                "This model takes dense X only, not a sparse matrix (it was "
                "fitted with "
                + ", ".join(f"{name}={value!r}" for name, value in fitted.items())
                + "); pass X.toarray()."
            )
        return self._network.predict_logits(X, self._layer_views())

    def _is_validated_input(self, X):
        """Whether X passes every check of ``validate_data`` as it is.

        A 2-D ndarray of the model's dtype and number of features, with finite
        values, given to a model fitted without feature names, needs neither
        conversion nor warning: predicting on it skips ``validate_data``, whose
        bookkeeping dominates the time of a one-row prediction. A NaN or inf
        makes the sum non-finite and so goes through the full check and its
        error message (even under ``assume_finite``, which only ever skips
        checks: reading the config costs more than the sum).
        """
        return (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype == self._theta.dtype
            and X.shape[0] > 0
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            and math.isfinite(X.sum())
        )

    @contextmanager
    def _trusted_input(self):
        """Predict without checking X: for the held-out part of validated data."""
        self._input_checked = True
        try:
            yield
        finally:
            del self._input_checked
