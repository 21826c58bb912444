"""DeepNetRegressor: real targets in, an identity output layer, ŷ = Z[L] out."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin, _fit_context

from ._base import BaseDeepNet
from ._docs import fill_docstring
from ._validation import available_if_stochastic


class DeepNetRegressor(RegressorMixin, BaseDeepNet):
    """An L-layer fully connected neural network regressor.

    The network of :class:`DeepNetClassifier`, written by hand in NumPy after
    the vectorised equations of Andrew Ng's deep-learning course, with an
    identity output layer ŷ = Z[L] and the squared-error cost
    J = (1/2m) sum_i ||ŷ_i - y_i||² + λ/(2m) sum_l ||W[l]||², whose output
    delta is dZ[L] = A[L] - Y as for the classifier. One output unit per
    column of y (multi-output regression for a 2-D y).

    Parameters
    ----------
    %(parameters)s
    Attributes
    ----------
    %(attributes)s
    See Also
    --------
    skdnn.DeepNetClassifier : The same network with a sigmoid or softmax output.
    sklearn.neural_network.MLPRegressor : scikit-learn's multi-layer perceptron.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skdnn import DeepNetRegressor
    >>> X, y = make_friedman1(n_samples=400, random_state=0)
    >>> reg = DeepNetRegressor((32, 32), learning_rate=0.01, early_stopping=True,
    ...                        random_state=0).fit(X, y)
    >>> [W.shape for W in reg.coefs_]
    [(10, 32), (32, 32), (32, 1)]
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> reg.score(X, y) > 0.8
    True
    """

    _parameter_constraints: dict = {
        **BaseDeepNet._parameter_constraints,
        "scale_target": ["boolean"],
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
        init="glorot",
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        scale_target=True,
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
        super().__init__(
            hidden_layer_sizes,
            activation,
            learning_rate,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            max_iter=max_iter,
            learning_rate_schedule=learning_rate_schedule,
            power_t=power_t,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            init=init,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            max_fun=max_fun,
            leaky_relu_slope=leaky_relu_slope,
            max_grad_norm=max_grad_norm,
            scoring=scoring,
            dropout=dropout,
            batch_norm=batch_norm,
            input_scaling=input_scaling,
            numerical_embedding=numerical_embedding,
            n_bins=n_bins,
            n_members=n_members,
            weight_decay=weight_decay,
        )
        self.scale_target = scale_target

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data X and real-valued targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training data. float32 data trains in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets: finite numbers, one column per output.

        sample_weight : array-like of shape (n_samples,) or float, default=None
            Weight of each sample; finite, >= 0 and not all zero.

        Returns
        -------
        self : DeepNetRegressor
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
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch of the solver over X, y, keeping the current weights.

        Only for ``solver="sgd"`` and ``"adam"``: with ``"lbfgs"`` the method
        does not exist (``hasattr(reg, "partial_fit")`` is False).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets, with as many outputs on every call.

        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : DeepNetRegressor
            The updated estimator.
        """
        return self._fit_transaction(X, y, sample_weight, incremental=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _encode_targets(self, y, dtype, incremental, first_pass, classes):
        y = _numeric_target(y)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return y, Y.astype(dtype, copy=False), "identity"

    def _scale_targets(self, Y, sample_weight, incremental, first_pass):
        """Train on (Y - mean) / std; rewrite a continued network's output layer.

        The mean and standard deviation (weighted by ``sample_weight``, so
        weights still equal repeated rows) come from the data of this fit, or
        for ``partial_fit`` from all the data of its calls so far, updated
        call by call. A network that goes on training has its output layer
        W[L], b[L] rewritten from y's units into the scaled ones, which leaves
        its predictions unchanged.
        """
        if not self.scale_target:
            self.__dict__.pop("_target_moments", None)
            self.__dict__.pop("_target_stats", None)
            return Y
        stats = self.__dict__.get("_target_stats")
        continued = incremental and not first_pass
        if continued and stats is None and "_target_moments" in self.__dict__:
            mean, std = self._target_moments  # fitted by 0.1.0: kept as it was
        else:
            earlier = stats if continued else None
            self._target_stats = stats = _merged_moments(earlier, Y, sample_weight)
            _, mean, var = stats
            std = np.sqrt(var)
            std[~(std > 0)] = 1.0  # a constant target: shift only
            self._target_moments = (mean, std)
        if not first_pass:
            W_L, b_L = self._output_layer()
            W_L /= std
            b_L -= mean
            b_L /= std
        self._training_scale = (mean, std)
        return ((Y - mean) / std).astype(Y.dtype)

    def _unscale_targets(self):
        """Fold the target scaling into W[L] and b[L]: ŷ = std Z[L] + mean."""
        scale = self.__dict__.pop("_training_scale", None)
        if scale is not None:
            mean, std = scale
            W_L, b_L = self._output_layer()
            W_L *= std
            b_L *= std
            b_L += mean

    def _in_training_units(self, Y):
        """A copy of θ with W[L], b[L] in the scaled targets' units, and Y scaled.

        While training (a callback's copy), θ is in those units already.
        """
        training = self.__dict__.get("_training_scale")
        if training is not None:
            mean, std = training
            Y = None if Y is None else ((Y - mean) / std).astype(Y.dtype)
            return self._theta, Y
        moments = self.__dict__.get("_target_moments")
        if moments is None:  # the last fit trained on y as it is
            return self._theta, Y
        mean, std = moments
        theta = self._theta.copy()
        W, b = self._network.unpack(theta)
        W[-1] /= std
        b[-1] -= mean
        b[-1] /= std
        if Y is not None:
            Y = ((Y - mean) / std).astype(Y.dtype)
        return theta, Y

    def _output_layer(self):
        """Views of W[L] and b[L] in ``_theta``."""
        W, b = self._network.unpack(self._theta)
        return W[-1], b[-1]

    def _outputs(self, Z_L):
        """ŷ = Z[L], one column per output; 1-D for a single output."""
        scale = self.__dict__.get("_training_scale")
        if scale is not None:  # predicting while training (scorers, callbacks)
            Z_L = Z_L * scale[1] + scale[0]
        return Z_L.ravel() if Z_L.shape[1] == 1 else Z_L

    def predict(self, X):
        """Predict the targets ŷ = A[L] = Z[L].

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions; 1-D when the network has one output.
        """
        return self._outputs(self._logits(X))


def _merged_moments(earlier, Y, sample_weight):
    """(sum of weights, mean, variance) of each column, weighted.

    Those of ``earlier`` (None for none) and of the rows Y merged (Chan et
    al.'s update), so the moments of a stream are those of all its rows.
    """
    Y64 = Y.astype(np.float64)
    weight = Y.shape[0] if sample_weight is None else float(sample_weight.sum())
    mean = np.average(Y64, axis=0, weights=sample_weight)
    var = np.average((Y64 - mean) ** 2, axis=0, weights=sample_weight)
    if earlier is None:
        return weight, mean, var
    weight_a, mean_a, var_a = earlier
    total = weight_a + weight
    delta = mean - mean_a
    merged = (weight_a * var_a + weight * var) / total
    merged += delta**2 * (weight_a / total) * (weight / total)
    return total, mean_a + delta * (weight / total), merged


def _numeric_target(y):
    """y as an array of finite numbers, or a ValueError that says why not."""
    if sp.issparse(y):
        y = y.toarray()
    if y.dtype.kind == "O" and not any(isinstance(v, str | bytes) for v in y.flat):
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            pass
    if y.dtype.kind not in "biuf":
        example = y.flat[0] if y.size else None
        raise ValueError(
            f"y must hold numbers for a regressor, but it has dtype {y.dtype} "
            f"(e.g. {example!r}). Convert the targets to numbers, or use "
            "DeepNetClassifier for class labels."
        )
    if not np.isfinite(y).all():
        raise ValueError(
            "y contains NaN or infinity: regression targets must be finite. Drop "
            "or fill in those samples."
        )
    return y


fill_docstring(
    DeepNetRegressor,
    score="half the mean squared error of the scaled targets",
    outputs='"identity"',
    extra_parameters="""
    scale_target : bool, default=True
        Train on standardised targets, (y - mean) / std per output (weighted
        by ``sample_weight``), then fold the scaling into the output layer,
        W[L] std and b[L] std + mean, so that ``coefs_``, ``intercepts_`` and
        ``predict`` are in y's own units. The squared error, its gradients and
        a good ``learning_rate`` all grow with the scale of y; without scaling,
        the defaults fit targets in the hundreds (diabetes) worse than their
        mean. ``loss_curve_``, ``loss_`` and the validation loss are in the
        scaled units. False trains on y as given, as MLPRegressor does.
""",
)
