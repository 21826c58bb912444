"""DeepNetRegressor: real targets in, an identity output layer, ŷ = Z[L] out."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score

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

    def _score_logits(self, Z_L, y, sample_weight):
        return r2_score(y, self._outputs(Z_L), sample_weight=sample_weight)

    def _outputs(self, Z_L):
        """ŷ = Z[L], one column per output; 1-D for a single output."""
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


fill_docstring(DeepNetRegressor, score="R²", outputs='"identity"')
