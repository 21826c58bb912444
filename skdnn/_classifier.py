"""DeepNetClassifier: labels in, a sigmoid or softmax output, probabilities out."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
)

from ._base import BaseDeepNet
from ._docs import fill_docstring
from ._nn.outputs import OUTPUT_LAYERS
from ._targets import (
    check_labels,
    classification_target,
    fit_labels,
    indicator_matrix,
)
from ._validation import available_if_stochastic
from ._weights import check_total_weight, class_weights


class DeepNetClassifier(ClassifierMixin, BaseDeepNet):
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
    %(parameters)s
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    %(attributes)s
    See Also
    --------
    skdnn.DeepNetRegressor : The same network with an identity output, for regression.
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
        **BaseDeepNet._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
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
        class_weight=None,
        label_smoothing=0.0,
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
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing

    def _validate_params(self):
        super()._validate_params()
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

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

    def _encode_targets(self, y, dtype, incremental, first_pass, classes):
        y, y_type = classification_target(y)
        if first_pass:
            self._label_binarizer = fit_labels(y, y_type, classes, incremental)
            self.classes_ = self._label_binarizer.classes_
        else:
            check_labels(y, y_type, self._label_binarizer, classes, incremental)
        output = (
            "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"
        )
        Y = indicator_matrix(y, self._label_binarizer, dtype)
        if self.label_smoothing > 0:
            # towards 1/K over a softmax's K classes, 1/2 for each sigmoid unit
            K = Y.shape[1] if output == "softmax" else 2
            Y *= 1.0 - self.label_smoothing
            Y += self.label_smoothing / K
        return y, Y, output

    def _sample_weight(self, sample_weight, X, y):
        sample_weight = super()._sample_weight(sample_weight, X, y)
        if self.class_weight is None:
            return sample_weight
        if self._multilabel():
            raise ValueError(
                "class_weight is not supported for multilabel y; pass "
                "sample_weight instead."
            )
        if sample_weight is None:
            sample_weight = np.ones(X.shape[0], dtype=X.dtype)
        weights = class_weights(self.class_weight, self.classes_, y)
        sample_weight = sample_weight * weights[
            np.searchsorted(self.classes_, y)
        ].astype(X.dtype)
        return check_total_weight(sample_weight)

    def _stratify_split(self):
        return True

    def _multilabel(self):
        return self._label_binarizer.y_type_.startswith("multilabel")

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
            multilabel y, the independent probability of each label, kept
            strictly between 0 and 1 where the sigmoid saturates. Probabilities
            that underflow are reported as the smallest normal float, so
            ``log(predict_proba(X))`` stays finite.
        """
        Z_L = self._logits(X)
        if self._multilabel():
            return self._multilabel_proba(Z_L)
        Z_L = self._binary_as_two_columns(Z_L)
        proba = OUTPUT_LAYERS[self.out_activation_].activation(Z_L, out=Z_L)
        return np.maximum(proba, np.finfo(proba.dtype).tiny, out=proba)

    def predict_log_proba(self, X):
        """Log of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            log ŷ, computed in log space for one label per sample, so finite
            even where ŷ underflows to 0. For multilabel y it is the log of
            :meth:`predict_proba`, so that both rank the labels alike.
        """
        Z_L = self._logits(X)
        if self._multilabel():
            return np.log(self._multilabel_proba(Z_L))
        Z_L = self._binary_as_two_columns(Z_L)
        return OUTPUT_LAYERS[self.out_activation_].log_activation(Z_L)

    @staticmethod
    def _multilabel_proba(Z_L):
        """Sigmoid of each label, clipped into [tiny, 1 - ε/2], inside (0, 1)."""
        proba = OUTPUT_LAYERS["logistic"].activation(Z_L, out=Z_L)
        finfo = np.finfo(proba.dtype)
        return np.clip(proba, finfo.tiny, 1.0 - finfo.epsneg, out=proba)

    def _binary_as_two_columns(self, Z_L):
        """For a binary problem, the logits (-z, z) of both classes."""
        if self.n_outputs_ == 1:
            return np.hstack([-Z_L, Z_L])
        return Z_L


fill_docstring(
    DeepNetClassifier,
    score="the log loss",
    outputs='"logistic" (binary, multilabel) or "softmax" (multiclass)',
    extra_parameters="""
    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplied into ``sample_weight``. "balanced" uses
        n_samples / (n_classes * np.bincount(y)).

    label_smoothing : float in [0, 1), default=0.0
        ε > 0 trains on smoothed targets y' = (1 - ε) y + ε / K, K the number
        of classes of a softmax output (K = 2 for each sigmoid unit of a
        binary or multilabel one): the cross-entropy then stops rewarding
        ever larger logits, which can help accuracy (RealMLP-TD trains with
        ε = 0.1) but makes the probabilities less confident than the data
        says, so it usually costs log loss. The training loss ``loss_``,
        ``diagnose`` and the validation loss of early stopping are those of
        the smoothed targets.
""",
)
