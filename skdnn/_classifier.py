"""DeepNetClassifier: the scikit-learn estimator around :mod:`skdnn._network`."""

import copy
import math
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    check_is_fitted,
)

from ._activations import ACTIVATIONS
from ._initializers import initialize, layer_initializers
from ._losses import LOG_OUTPUT_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ._network import Network
from ._optimizers import SGD, Adam, LearningRateSchedule
from ._training import Batches, CallbackSupportMixin, CallbackTasks
from ._validation import _validate_data, available_if_stochastic

_ACTIVATION_ALIASES = {"sigmoid": "logistic"}
_ACTIVATION_NAMES = set(ACTIVATIONS) | set(_ACTIVATION_ALIASES)


class DeepNetClassifier(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """An L-layer fully connected neural network classifier.

    Forward and backward propagation are written by hand in NumPy following the
    vectorised equations of Andrew Ng's deep-learning course: hidden layers
    Z[l] = W[l] A[l-1] + b[l], A[l] = g(Z[l]); a sigmoid output with binary
    cross-entropy for two classes (and for each label of a multilabel target),
    a softmax output with categorical cross-entropy for more; the cost
    J = (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||², minimised by
    mini-batch gradient descent with momentum, Adam or L-BFGS.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        n[1], ..., n[L-1], the number of units of each hidden layer. An int means
        one hidden layer; an empty tuple means no hidden layer (L = 1: logistic
        or softmax regression).

    activation : {"identity", "logistic", "sigmoid", "tanh", "relu", \
            "leaky_relu"} or list of those, default="relu"
        Hidden-unit activation g, or one per hidden layer. "sigmoid" is an alias
        of "logistic"; "leaky_relu" is max(0.01 z, z).

    learning_rate : float, default=0.001
        The step size α (``learning_rate_init`` in MLPClassifier). How it changes
        over the epochs is ``learning_rate_schedule``. Not used by "lbfgs".

    solver : {"sgd", "adam", "lbfgs"}, default="adam"
        "sgd": mini-batch gradient descent with (Nesterov) momentum; "adam":
        Adam; "lbfgs": SciPy's L-BFGS-B on the full batch.

    alpha : float, default=0.0001
        L2 penalty λ, added to the cost as λ/(2m) sum_l ||W[l]||²_F.

    batch_size : int, "auto" or None, default="auto"
        Mini-batch size for "sgd" and "adam". "auto" is min(200, n_samples);
        None is the whole training set (batch gradient descent).

    max_iter : int, default=200
        Maximum number of epochs ("sgd", "adam") or of iterations ("lbfgs").

    learning_rate_schedule : {"constant", "invscaling", "adaptive"}, \
            default="constant"
        How α changes during training ("sgd" and "adam"). "constant" keeps α;
        "invscaling" uses α / (t + 1)**power_t after each epoch, t being the
        number of samples seen; "adaptive" keeps α while training improves and
        divides it by 5 each time it stops improving for ``n_iter_no_change``
        epochs. (MLPClassifier calls this ``learning_rate`` and applies it to
        "sgd" only.)

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    momentum : float, default=0.9
        Momentum μ of "sgd", in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's ε.

    init : {"auto", "he", "glorot", "small"}, default="auto"
        Weight initialisation: "he" draws N(0, 2/n[l-1]), "glorot" draws
        U(±sqrt(6/(n[l-1] + n[l]))), "small" draws 0.01 N(0, 1); "auto" uses He
        for ReLU-family layers and Glorot for the others. The biases b[l] are
        drawn from the same distribution as W[l].

    early_stopping : bool, default=False
        Set aside ``validation_fraction`` of the training data (stratified),
        stop when its accuracy has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and keep the weights of the best epoch.
        "sgd" and "adam" only.

    validation_fraction : float, default=0.1
        Share of the training data set aside for early stopping, in (0, 1).

    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before training stops
        (or, with the "adaptive" schedule, α is divided by 5).

    tol : float, default=1e-4
        Smallest improvement of the loss (or validation score) that counts. For
        "lbfgs", the gradient tolerance.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch ("sgd", "adam").

    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplied into ``sample_weight``. "balanced" uses
        n_samples / (n_classes * np.bincount(y)).

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping
        split. An int gives identical models run after run.

    warm_start : bool, default=False
        Continue from the weights of the previous ``fit`` instead of
        re-initialising them.

    verbose : bool, default=False
        Print the loss after each epoch.

    max_fun : int, default=15000
        Maximum number of cost evaluations of "lbfgs".

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string feature names.

    coefs_ : list of ndarray
        ``coefs_[l-1]`` is W[l]ᵀ of the course, of shape (n[l-1], n[l]).

    intercepts_ : list of ndarray
        ``intercepts_[l-1]`` is b[l] of the course, of shape (n[l],).

    n_layers_ : int
        L + 1, the number of layers counting the input layer.

    n_outputs_ : int
        n[L], the number of output units.

    out_activation_ : str
        "logistic" (binary, multilabel) or "softmax" (multiclass).

    loss_ : float
        The cost J at the end of training.

    best_loss_ : float or None
        The smallest training cost reached; None with early stopping.

    loss_curve_ : list of float
        J after each epoch ("sgd", "adam") or iteration ("lbfgs").

    validation_scores_ : list of float or None
        Validation accuracy after each epoch, with early stopping.

    best_validation_score_ : float or None
        The best validation accuracy, with early stopping.

    n_iter_ : int
        Epochs (or L-BFGS iterations) run by the last ``fit``; counts the calls
        of ``partial_fit``.

    t_ : int
        Training samples seen by the solver, over all fits.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multi-layer perceptron.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdnn import DeepNetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepNetClassifier(hidden_layer_sizes=(16, 16), solver="lbfgs",
    ...                         random_state=0).fit(X, y)
    >>> [W.shape for W in clf.coefs_]
    [(4, 16), (16, 16), (16, 3)]
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> round(clf.score(X, y), 2) >= 0.97
    True
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(_ACTIVATION_NAMES), list, tuple],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "solver": [StrOptions({"sgd", "adam", "lbfgs"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate_schedule": [StrOptions({"constant", "invscaling", "adaptive"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "init": [StrOptions({"auto", "he", "glorot", "small"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "tol": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

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
        init="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        class_weight=None,
        random_state=None,
        warm_start=False,
        verbose=False,
        max_fun=15000,
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
        self.class_weight = class_weight
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.max_fun = max_fun

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : DeepNetClassifier
            This estimator.
        """
        if "learning_rate_init" in params:
            raise ValueError(
                "DeepNetClassifier has no parameter 'learning_rate_init': the step "
                "size is called 'learning_rate', and MLPClassifier's "
                "'learning_rate' (the schedule) is 'learning_rate_schedule'."
            )
        return super().set_params(**params)

    def _validate_params(self):
        if isinstance(self.learning_rate, str):
            raise InvalidParameterError(
                f"learning_rate={self.learning_rate!r} is a string, but "
                "DeepNetClassifier's learning_rate is the step size α (a float > 0, "
                "MLPClassifier's learning_rate_init). For the schedule use "
                f"learning_rate_schedule={self.learning_rate!r}."
            )
        super()._validate_params()
        for name, constraints in self._parameter_constraints.items():
            value = getattr(self, name)
            if name == "hidden_layer_sizes":
                continue  # checked by _hidden_layer_sizes
            if isinstance(value, bool | np.bool_) and any(
                isinstance(c, Interval) for c in constraints
            ):
                raise InvalidParameterError(
                    f"{name}={value!r} is a bool, but {name} must be a number; "
                    "pass an int or a float."
                )
        if isinstance(self.class_weight, dict):
            for label, weight in self.class_weight.items():
                if not (
                    isinstance(weight, Real)
                    and not isinstance(weight, bool | np.bool_)
                    and np.isfinite(weight)
                    and weight >= 0
                ):
                    raise InvalidParameterError(
                        f"class_weight[{label!r}]={weight!r}, but class weights must "
                        "be finite numbers >= 0 (0 ignores the class, 1 is the "
                        "default weight)."
                    )
        self._hidden_layer_sizes()
        self._hidden_activations()

    def _hidden_layer_sizes(self):
        """n[1..L-1] as a tuple of int, validated."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral) and not isinstance(sizes, bool):
            sizes = [sizes]
        sizes = np.asarray(sizes, dtype=object)
        if sizes.ndim > 1 or not all(
            isinstance(n, Integral) and not isinstance(n, bool | np.bool_) and n >= 1
            for n in sizes.ravel()
        ):
            raise InvalidParameterError(
                "hidden_layer_sizes must be a positive int or a sequence of positive "
                f"ints (units per hidden layer), got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(n) for n in sizes.ravel())

    def _hidden_activations(self):
        """g[1..L-1] as a tuple of canonical names, validated."""
        n_hidden = len(self._hidden_layer_sizes())
        activation = self.activation
        if isinstance(activation, str):
            activation = [activation] * n_hidden
        activation = list(activation)
        unknown = [
            g
            for g in activation
            if not isinstance(g, str) or g not in _ACTIVATION_NAMES
        ]
        if unknown:
            raise InvalidParameterError(
                f"Unknown activation {unknown[0]!r} in activation={self.activation!r}; "
                f"choose from {sorted(_ACTIVATION_NAMES)}."
            )
        if len(activation) != n_hidden:
            raise InvalidParameterError(
                f"activation={self.activation!r} gives {len(activation)} "
                f"activations but hidden_layer_sizes={self.hidden_layer_sizes!r} has "
                f"{n_hidden} hidden layers; give one activation per hidden layer or "
                "a single string."
            )
        return tuple(_ACTIVATION_ALIASES.get(g, g) for g in activation)

    # ------------------------------------------------------------------
    # Fitted parameters: views of the flat vector self._theta
    # ------------------------------------------------------------------
    def _fitted_views(self, name):
        if not hasattr(self, "_theta"):
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}: it is "
                "not fitted yet. Call fit first."
            )
        return self._parameter_views()

    def _parameter_views(self):
        """W[l], b[l] views of ``_theta``, made once per parameter vector.

        The views are made when ``_theta`` is (see :meth:`_remember_views`), so
        predicting only reads them: threads may share them and ``__dict__``
        never changes. Pickles leave them out, since a view would be saved as a
        copy; unpickling makes them anew.
        """
        memo = self.__dict__.get("_views")
        if memo is not None and memo[0] is self._theta:
            return memo[1], memo[2]
        return self._network.unpack(self._theta)

    def _remember_views(self):
        self._views = (self._theta, *self._network.unpack(self._theta))

    def __getstate__(self):
        # BaseEstimator may hand back the live __dict__: copy before dropping.
        state = dict(super().__getstate__())
        state.pop("_views", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_theta" in state:
            self._remember_views()

    @property
    def coefs_(self):
        """list of ndarray: ``coefs_[l-1]`` is W[l]ᵀ, of shape (n[l-1], n[l])."""
        return self._fitted_views("coefs_")[0][1:]

    @coefs_.setter
    def coefs_(self, values):
        self._assign_layers(values, which=0, name="coefs_")

    @property
    def intercepts_(self):
        """list of ndarray: ``intercepts_[l-1]`` is b[l], of shape (n[l],)."""
        return self._fitted_views("intercepts_")[1][1:]

    @intercepts_.setter
    def intercepts_(self, values):
        self._assign_layers(values, which=1, name="intercepts_")

    def _assign_layers(self, values, which, name):
        check_is_fitted(self)
        targets = self._parameter_views()[which][1:]
        values = list(values)
        shapes = [np.shape(v) for v in values]
        expected = [t.shape for t in targets]
        if shapes != expected:
            raise ValueError(f"{name} must have shapes {expected}, got {shapes}.")
        for target, value in zip(targets, values, strict=True):
            target[...] = value

    def _multilabel(self):
        return self._label_binarizer.y_type_.startswith("multilabel")

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_theta")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training data. float32 data trains in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (at least two distinct ones), or a 0/1 multilabel
            indicator matrix. Every column of an indicator matrix must hold at
            least one 1: a label that is never positive cannot be learned, so
            fit raises a ValueError naming such columns. A column that is always
            1 is accepted; the network learns to predict it for every sample.

        sample_weight : array-like of shape (n_samples,) or float, default=None
            Weight of each sample, multiplied by ``class_weight``; finite,
            >= 0 and not all zero.

        Returns
        -------
        self : DeepNetClassifier
            The fitted estimator.

        Raises
        ------
        ValueError or TypeError
            For invalid parameters or data, with a message that names the
            problem. A failed fit leaves the estimator as it was before the call.
        """
        return self._fit_transaction(X, y, sample_weight, incremental=False)

    @available_if_stochastic
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch of the solver over X, y, keeping the current weights.

        Only for ``solver="sgd"`` and ``"adam"``: with ``"lbfgs"`` the method
        does not exist (``hasattr(clf, "partial_fit")`` is False), and using it
        raises an AttributeError that says so.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, all of them in ``classes``, or a multilabel indicator
            matrix (whose columns, in one batch, may be all 0). Every call must
            pass the same kind of y.

        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set. Required on the first call (unless
            y is a multilabel indicator matrix); may be omitted afterwards, and
            if given later must equal ``classes_``.

        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : DeepNetClassifier
            The updated estimator.
        """
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out set across calls. Set early_stopping=False."
            )
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: one batch "
                "does not tell the class frequencies. Compute them with "
                "sklearn.utils.class_weight.compute_class_weight('balanced', "
                "classes=..., y=...) on the full y and pass the dict."
            )
        return self._fit_transaction(
            X, y, sample_weight, incremental=True, classes=classes
        )

    def _fit_transaction(self, X, y, sample_weight, incremental, classes=None):
        """Fit, restoring the previous state if anything fails."""
        context = None
        if not incremental and hasattr(self, "_init_callback_context"):
            # Before the snapshot, so that a failed fit still tears callbacks down.
            # L-BFGS opens one task more than it runs (see _train_lbfgs).
            n_tasks = self.max_iter + (self.solver == "lbfgs")
            context = self._init_callback_context(max_subtasks=n_tasks)
        saved = dict(self.__dict__)
        try:
            problem = self._prepare(X, y, sample_weight, incremental, classes)
            tasks = CallbackTasks(self, context, "epoch")
            if context is not None:
                tasks.data = (problem["X"], problem["y"], problem["sample_weight"])
                context.call_on_fit_task_begin(estimator=self, **tasks.arguments())
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if self.solver == "lbfgs":
                    tasks.name = "lbfgs-iter"
                    self._train_lbfgs(problem, tasks)
                else:
                    self._train_stochastic(problem, incremental, tasks)
            if context is not None:
                context.call_on_fit_task_end(
                    estimator=self, reconstruction_attributes={}, **tasks.arguments()
                )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        return self

    def _prepare(self, X, y, sample_weight, incremental, classes=None):
        """Validate the data and set up the network, weights and targets.

        Sets the label and input attributes (``classes_``, ``n_features_in_``,
        ...) and returns everything training needs. Never modifies arrays of a
        previous fit in place.
        """
        hidden_layer_sizes = self._hidden_layer_sizes()
        hidden_activations = self._hidden_activations()
        fitted = hasattr(self, "_theta")
        first_pass = not fitted or (not self.warm_start and not incremental)

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
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        try:
            check_classification_targets(y)
            y_type = type_of_target(y, input_name="y")
        except TypeError as exc:  # NumPy cannot sort labels of mixed types
            raise ValueError(
                f"The labels in y cannot be sorted ({exc}): y mixes types, e.g. "
                "strings with numbers, or has missing labels (None). Give all labels "
                "one type, and drop or fill in the samples without a label."
            ) from exc
        if y_type == "multiclass-multioutput":
            raise ValueError(
                f"y is 2-D (shape {y.shape}) with values other than 0 and 1. "
                "DeepNetClassifier learns one label per sample (1-D y) or a 0/1 "
                "multilabel indicator matrix; for several multiclass outputs use "
                "sklearn.multioutput.MultiOutputClassifier."
            )
        is_multilabel = y_type.startswith("multilabel")
        self._binarize(y, is_multilabel, incremental, first_pass, classes)
        Y = self._indicator_matrix(y, is_multilabel, X.dtype)

        sample_weight = self._sample_weight(sample_weight, X, y)

        n_outputs = Y.shape[1]
        output = (
            "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"
        )
        layer_units = (X.shape[1], *hidden_layer_sizes, n_outputs)
        network = Network(layer_units, hidden_activations, output)
        random_state = check_random_state(self.random_state)
        rng = np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))

        if first_pass:
            theta = np.zeros(network.n_params, dtype=X.dtype)
            W, b = network.unpack(theta)
            initialize(W, b, rng, layer_initializers(self.init, network.activations()))
            self.n_iter_ = 0
            self.t_ = 0
            self.loss_curve_ = []
        else:
            if self._network.layer_units != layer_units:
                raise ValueError(
                    f"Cannot continue training a network of layer sizes "
                    f"{self._network.layer_units} with layer sizes {layer_units} "
                    f"(hidden_layer_sizes={self.hidden_layer_sizes!r}). Set "
                    "warm_start=False to train a new network."
                )
            theta = self._theta.astype(X.dtype, copy=True)
            self.loss_curve_ = list(self.loss_curve_)

        # partial_fit carries the solver state (moments, step size, stopping
        # counters) from call to call, as long as the solver's parameters stay
        # the same; every fit starts them afresh, warm-started or not.
        solver_params = self._solver_params(X.dtype)
        if (
            incremental
            and not first_pass
            and getattr(self, "_optimizer_params", None) == solver_params
        ):
            self._optimizer = copy.deepcopy(self._optimizer)
            self._schedule = copy.deepcopy(self._schedule)
        else:
            self._optimizer = self._schedule = None
            self._optimizer_params = solver_params
        carry_stopping_state = (
            incremental and not first_pass and self.validation_scores_ is None
        )
        if not carry_stopping_state:
            self._no_improvement_count = 0
            if self.early_stopping:
                self.best_loss_ = None
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

        self._network = network
        self._theta = theta
        self._remember_views()
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = n_outputs
        self.out_activation_ = output
        return {
            "X": X,
            "y": y,
            "Y": Y,
            "sample_weight": sample_weight,
            "random_state": random_state,
            "rng": rng,
        }

    def _binarize(self, y, is_multilabel, incremental, first_pass, classes):
        """Set ``classes_`` on a first pass, else check y against it."""
        if classes is not None:
            classes = np.asarray(classes)
            if classes.ndim != 1 or classes.size == 0:
                raise ValueError(
                    "classes must be a non-empty 1-D array-like listing every class "
                    f"label, e.g. np.unique(y); got classes={classes.tolist()!r}."
                )
            missing = [c for c in classes.tolist() if c is None or c != c]
            if missing:
                raise ValueError(
                    f"classes contains missing values {missing}; list only the "
                    "actual class labels."
                )
            n_labels = y.shape[1] if is_multilabel else 0
            if is_multilabel and not np.array_equal(
                unique_labels(classes), np.arange(n_labels)
            ):
                raise ValueError(
                    f"y is a multilabel indicator matrix with {n_labels} columns, "
                    "so classes must be None or the column indices "
                    f"{list(range(n_labels))}; got classes={classes.tolist()}."
                )
        if is_multilabel:
            values = np.unique(y.data if sp.issparse(y) else y)
            if np.any((values != 0) & (values != 1)):
                raise ValueError(
                    f"y is a 2-D matrix of the values {values.tolist()}, read as "
                    "a multilabel indicator matrix, which must hold only 0 and 1 "
                    "(1: the sample has the label). Encode each column as 0/1, "
                    "e.g. (y == value).astype(int)."
                )
        if is_multilabel and not incremental:
            never = np.flatnonzero(np.asarray(y.sum(axis=0)).ravel() == 0)
            if len(never):
                raise ValueError(
                    f"Column(s) {never.tolist()} of the multilabel y are never 1: a "
                    "label that is never positive cannot be learned. Drop those "
                    "columns, or add samples in which they are 1."
                )
        if first_pass:
            binarizer = LabelBinarizer()
            if incremental and classes is None and not is_multilabel:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: the "
                    "list of every class of the whole data set, e.g. np.unique(y)."
                )
            binarizer.fit(y if classes is None or is_multilabel else classes)
            if not is_multilabel and len(binarizer.classes_) < 2:
                source = "y" if classes is None else "classes"
                raise ValueError(
                    "DeepNetClassifier needs samples of at least 2 classes in the "
                    f"data, but {source} contains only one class: "
                    f"{binarizer.classes_.tolist()[0]!r}. Check that y is the "
                    "target you meant; one-class problems need an outlier "
                    "detector such as sklearn.svm.OneClassSVM."
                )
            if incremental and classes is not None and not is_multilabel:
                unseen = np.setdiff1d(unique_labels(y), binarizer.classes_)
                if len(unseen):
                    raise ValueError(
                        f"y has labels {unseen.tolist()} that are not in "
                        f"classes={binarizer.classes_.tolist()}."
                    )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
            return

        how = (
            "Pass y of the same kind to every partial_fit call."
            if incremental
            else "Set warm_start=False to train a new network."
        )
        if is_multilabel != self._multilabel():
            fitted_on = (
                f"a multilabel indicator matrix with {len(self.classes_)} columns"
                if self._multilabel()
                else f"class labels (classes_={self.classes_.tolist()})"
            )
            given = "a multilabel indicator matrix" if is_multilabel else "class labels"
            raise ValueError(
                f"y holds {given}, but the model was fitted on {fitted_on}. {how}"
            )
        if is_multilabel and y.shape[1] != len(self.classes_):
            raise ValueError(
                f"y has {y.shape[1]} label columns, but the model was fitted on "
                f"{len(self.classes_)}. {how}"
            )
        labels = unique_labels(y)
        if incremental:
            if classes is not None and not np.array_equal(
                unique_labels(classes), self.classes_
            ):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} is not the same as "
                    f"classes_={self.classes_.tolist()} of the earlier fit."
                )
            unseen = np.setdiff1d(labels, self.classes_)
            if len(unseen):
                raise ValueError(
                    f"y has labels {unseen.tolist()} that are not in "
                    f"classes_={self.classes_.tolist()} of the earlier fit."
                )
        elif set(labels) != set(self.classes_):
            raise ValueError(
                "warm_start can only continue training on y with the same classes "
                f"as the earlier fit: classes_={self.classes_.tolist()}, y has "
                f"{labels.tolist()}. Set warm_start=False to train a new network."
            )

    def _indicator_matrix(self, y, is_multilabel, dtype):
        """The 0/1 target matrix Y of ``LabelBinarizer.transform``, in ``dtype``.

        Every label of y is in ``classes_`` (:meth:`_binarize` checked), so each
        one's column is its place in the sorted ``classes_``.
        """
        if is_multilabel:
            return (y.toarray() if sp.issparse(y) else np.asarray(y)).astype(dtype)
        column = np.searchsorted(self.classes_, y)
        if self._label_binarizer.y_type_ == "binary":
            return (column == 1).astype(dtype)[:, np.newaxis]
        Y = np.zeros((len(y), len(self.classes_)), dtype=dtype)
        Y[np.arange(len(y)), column] = 1
        return Y

    def _sample_weight(self, sample_weight, X, y):
        """Per-sample weights s_i = sample_weight_i * class_weight[y_i], or None."""
        if sample_weight is None and self.class_weight is None:
            return None
        if sample_weight is not None:
            n_samples = X.shape[0]
            try:
                weights = np.asarray(sample_weight, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise type(exc)(
                    f"sample_weight must be numbers, one per sample: {exc}."
                ) from exc
            if weights.ndim > 1 or weights.ndim == 1 and len(weights) != n_samples:
                raise ValueError(
                    f"sample_weight has shape {weights.shape}, but X has {n_samples} "
                    "samples: pass one weight per sample (a 1-D array of length "
                    f"{n_samples}), a single number, or None."
                )
            weights = np.broadcast_to(weights, (n_samples,))
            for bad, what in [
                (~np.isfinite(weights), "finite"),
                (weights < 0, ">= 0"),
            ]:
                if bad.any():
                    i = np.flatnonzero(bad)[0]
                    raise ValueError(
                        f"sample_weight must be {what}, but sample_weight[{i}]="
                        f"{weights[i]} ({np.count_nonzero(bad)} of the {n_samples} "
                        "weights are not). Fix or drop those samples."
                    )
            if not weights.any():
                raise ValueError(
                    "sample_weight is zero for every sample: no sample would count. "
                    "Give some samples a positive weight."
                )
            sample_weight = weights.astype(X.dtype)
        else:
            sample_weight = np.ones(X.shape[0], dtype=X.dtype)
        if self.class_weight is not None:
            if self._multilabel():
                raise ValueError(
                    "class_weight is not supported for multilabel y; pass "
                    "sample_weight instead."
                )
            if self.class_weight == "balanced":
                present = np.isin(self.classes_, y)
                class_weight = np.ones(len(self.classes_))
                class_weight[present] = compute_class_weight(
                    "balanced", classes=self.classes_[present], y=y
                )
            else:
                unknown = set(self.class_weight) - set(self.classes_)
                if unknown:
                    raise ValueError(
                        f"class_weight names classes {sorted(unknown, key=str)} that "
                        f"are not in classes_={self.classes_.tolist()}."
                    )
                class_weight = np.array(
                    [self.class_weight.get(label, 1.0) for label in self.classes_]
                )
            sample_weight = sample_weight * class_weight[
                np.searchsorted(self.classes_, y)
            ].astype(X.dtype)
        if not sample_weight.sum() > 0:
            raise ValueError(
                "The sample weights (times class_weight) sum to zero: no sample "
                "would count. Give some samples a positive weight."
            )
        return sample_weight

    def _solver_params(self, dtype):
        """The parameters the optimiser and schedule are built from."""
        names = ["solver", "learning_rate", "learning_rate_schedule", "power_t"]
        if self.solver == "sgd":
            names += ["momentum", "nesterovs_momentum"]
        elif self.solver == "adam":
            names += ["beta_1", "beta_2", "epsilon"]
        return tuple(getattr(self, name) for name in names) + (np.dtype(dtype).str,)

    def _make_optimizer(self, n_params, dtype):
        if self.solver == "sgd":
            return SGD(n_params, dtype, self.momentum, self.nesterovs_momentum)
        return Adam(n_params, dtype, self.beta_1, self.beta_2, self.epsilon)

    def _diverged(self, where):
        return ValueError(
            f"Training diverged: the cost became non-finite {where}. Scale the "
            "input (e.g. StandardScaler) or lower learning_rate (now "
            f"{self.learning_rate!r}); the estimator was left as it was before fit."
        )

    def _train_stochastic(self, problem, incremental, tasks):
        network, theta = self._network, self._theta
        X, y, Y, sw = problem["X"], problem["y"], problem["Y"], problem["sample_weight"]
        if self._optimizer is None:
            self._optimizer = self._make_optimizer(network.n_params, theta.dtype)
            self._schedule = LearningRateSchedule(
                self.learning_rate, self.learning_rate_schedule, self.power_t
            )

        validation = None
        if self.early_stopping:
            X, X_val, y, y_val, Y, sw, sw_val = self._split_validation(
                X, y, Y, sw, problem["random_state"]
            )
            validation = (X_val, y_val, sw_val, theta.copy())
        tasks.data = (X, y, sw)
        batches = Batches(X, Y, sw, self._resolve_batch_size(X.shape[0]))
        cache = network.allocate_cache(batches.size, theta.dtype)
        grad = np.empty_like(theta)
        epoch_start = np.empty_like(theta)
        if not incremental:
            self.n_iter_ = 0

        try:
            for _ in range(self.max_iter):
                tasks.begin()
                np.copyto(epoch_start, theta)
                order = problem["rng"].permutation(X.shape[0]) if self.shuffle else None
                epoch_cost = 0.0
                for Xb, Yb, sb, weight in batches.epoch(order):
                    cost = network.cost_and_gradient(
                        theta, Xb, Yb, sb, self.alpha, grad, cache, weight
                    )
                    if not math.isfinite(cost):
                        raise self._diverged(f"in epoch {self.n_iter_ + 1}")
                    epoch_cost += cost * weight
                    self._optimizer.update(theta, grad, self._schedule.learning_rate)
                if not np.isfinite(theta).all():
                    raise self._diverged(f"in the weights, in epoch {self.n_iter_ + 1}")

                self.n_iter_ += 1
                self.t_ += X.shape[0]
                self.loss_ = epoch_cost / batches.total_weight
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                stop = self._epoch_ends(theta, validation)
                if tasks.end(theta) or stop or incremental:
                    break
            else:
                warnings.warn(
                    f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet. Increase "
                    "max_iter, or scale the data.",
                    ConvergenceWarning,
                    stacklevel=4,
                )
        except KeyboardInterrupt:
            np.copyto(theta, epoch_start)
            warnings.warn(
                "Training interrupted by the user: keeping the weights of the last "
                f"completed epoch ({self.n_iter_}).",
                UserWarning,
                stacklevel=4,
            )

        if validation is not None:
            np.copyto(theta, validation[3])

    def _epoch_ends(self, theta, validation):
        """Track the best epoch and the schedule; return True to stop training.

        ``validation`` is (X_val, y_val, sw_val, best_theta) with early stopping,
        whose best_theta is updated in place, else None.
        """
        if validation is not None:
            X_val, y_val, sw_val, best_theta = validation
            score = self._validation_score(theta, X_val, y_val, sw_val)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            improved = score >= self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                np.copyto(best_theta, theta)
        else:
            improved = self.loss_ <= self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, self.loss_)
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
        self._schedule.epoch_ends(self.t_)

        if self._no_improvement_count <= self.n_iter_no_change:
            return False
        what = "Validation score" if validation is not None else "Training loss"
        msg = (
            f"{what} did not improve more than tol={self.tol} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if self._schedule.plateau():
            if self.verbose:
                print(msg + " Stopping.")
            return True
        if self.verbose:
            print(f"{msg} Setting learning rate to {self._schedule.learning_rate}")
        self._no_improvement_count = 0
        return False

    def _split_validation(self, X, y, Y, sw, random_state):
        stratify = y if y.ndim == 1 else None
        arrays = [X, y, Y] if sw is None else [X, y, Y, sw]
        try:
            parts = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                random_state=random_state,
                stratify=stratify,
            )
        except ValueError as exc:
            raise ValueError(
                f"early_stopping=True cannot set aside validation_fraction="
                f"{self.validation_fraction} of {X.shape[0]} samples, stratified by "
                f"class: {exc}. Use more data, a larger validation_fraction, or "
                "early_stopping=False."
            ) from exc
        X_train, X_val, y_train, y_val, Y_train, _ = parts[:6]
        sw_train, sw_val = (None, None) if sw is None else parts[6:]
        if X_val.shape[0] < 2:
            raise ValueError(
                f"The validation set for early stopping has {X_val.shape[0]} "
                "sample(s). Increase validation_fraction or the size of the data."
            )
        return X_train, X_val, y_train, y_val, Y_train, sw_train, sw_val

    def _resolve_batch_size(self, n_samples):
        if self.batch_size is None:
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} "
                "training samples; using batches of all of them.",
                UserWarning,
                stacklevel=3,
            )
        return min(self.batch_size, n_samples)

    def _validation_score(self, theta, X, y, sample_weight):
        W, b = self._network.unpack(theta)
        Z_L = self._network.predict_logits(X, W, b)
        return accuracy_score(y, self._labels(Z_L), sample_weight=sample_weight)

    def _train_lbfgs(self, problem, tasks):
        network, theta = self._network, self._theta
        X, Y, sw = problem["X"], problem["Y"], problem["sample_weight"]
        tasks.data = (X, problem["y"], sw)
        n_samples = X.shape[0]
        total_weight = n_samples if sw is None else float(sw.sum())
        cache = network.allocate_cache(n_samples, theta.dtype)
        grad = np.empty_like(theta)
        last_iterate = theta.astype(np.float64)
        # loss_curve_ goes on across warm starts; this fit's iterations follow.
        this_fit = len(self.loss_curve_)

        def cost_and_gradient(x):
            theta[...] = x
            cost = network.cost_and_gradient(
                theta, X, Y, sw, self.alpha, grad, cache, total_weight
            )
            return cost, grad.astype(np.float64)

        def iteration_ends(intermediate_result):
            last_iterate[...] = intermediate_result.x
            self.loss_curve_.append(float(intermediate_result.fun))
            theta[...] = intermediate_result.x
            stop = tasks.end(theta)
            tasks.begin()
            if stop:
                raise StopIteration

        tasks.begin()
        try:
            result = scipy.optimize.minimize(
                cost_and_gradient,
                last_iterate.copy(),
                method="L-BFGS-B",
                jac=True,
                callback=iteration_ends,
                options={
                    "maxiter": self.max_iter,
                    "maxfun": self.max_fun,
                    "gtol": self.tol,
                },
            )
        except KeyboardInterrupt:
            theta[...] = last_iterate
            curve = self.loss_curve_[this_fit:]
            self.n_iter_ = len(curve)
            self.t_ += n_samples * self.n_iter_
            self.loss_ = curve[-1] if curve else None
            self.best_loss_ = min(curve, default=None)
            warnings.warn(
                "Training interrupted by the user: keeping the weights of the last "
                f"completed L-BFGS iteration ({self.n_iter_}).",
                UserWarning,
                stacklevel=4,
            )
            return
        finally:
            tasks.end(None)
        if not np.isfinite(result.fun) or not np.isfinite(result.x).all():
            raise self._diverged("during L-BFGS")
        stopped_by_callback = result.status == 99
        if result.status == 1:
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iterations "
                f"({result.message}). Increase max_iter or max_fun, or scale the "
                "data.",
                ConvergenceWarning,
                stacklevel=4,
            )
        elif result.status != 0 and not stopped_by_callback:
            warnings.warn(
                f"lbfgs stopped after {result.nit} iterations before reaching "
                f"tol={self.tol} ({result.message}): the line search could make no "
                "more progress, usually because the cost is flat to float "
                "precision. Scaling the data or a larger tol avoids it; more "
                "iterations do not.",
                ConvergenceWarning,
                stacklevel=4,
            )
        theta[...] = result.x
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.t_ += n_samples * self.n_iter_
        self.loss_ = float(result.fun)
        self.best_loss_ = min(self.loss_curve_[this_fit:] + [self.loss_])

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------
    def _logits(self, X):
        if not self.__sklearn_is_fitted__():
            check_is_fitted(self)  # raises scikit-learn's NotFittedError
        if not self._is_validated_input(X):
            X = _validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=self._theta.dtype,
                reset=False,
            )
        W, b = self._parameter_views()
        return self._network.predict_logits(X, W, b)

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

    def _labels(self, Z_L):
        """Class labels from output logits (ŷ > 0.5 is Z[L] > 0)."""
        if self.out_activation_ == "softmax":
            return self.classes_[np.argmax(Z_L, axis=1)]
        if self._multilabel():
            return self._label_binarizer.inverse_transform((Z_L > 0).astype(int))
        return self.classes_[(Z_L[:, 0] > 0).astype(int)]

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (a 0/1 indicator matrix for multilabel y).
        """
        return self._labels(self._logits(X))

    def predict_proba(self, X):
        """Probability estimates ŷ = A[L].

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``. For
            multilabel y, the independent probability of each label.
            Probabilities that underflow are reported as the smallest normal
            float, so ``log(predict_proba(X))`` stays finite.
        """
        Z_L = self._binary_as_two_columns(self._logits(X))
        proba = OUTPUT_ACTIVATIONS[self.out_activation_](Z_L, out=Z_L)
        return np.maximum(proba, np.finfo(proba.dtype).tiny, out=proba)

    def predict_log_proba(self, X):
        """Log of the probability estimates, computed in log space.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            log ŷ, finite even where ŷ underflows to 0.
        """
        Z_L = self._binary_as_two_columns(self._logits(X))
        return LOG_OUTPUT_ACTIVATIONS[self.out_activation_](Z_L)

    def _binary_as_two_columns(self, Z_L):
        """For a binary problem, the logits (-z, z) of both classes."""
        if self.n_outputs_ == 1 and not self._multilabel():
            return np.hstack([-Z_L, Z_L])
        return Z_L
