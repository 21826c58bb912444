"""The fitted parameters of an estimator as views of its flat vector ``_theta``.

``coefs_`` (W[l]ᵀ), ``intercepts_`` (b[l]) and the batch-norm attributes are
views into the one parameter vector the solvers train, so they stay right
through ``partial_fit``, ``warm_start``, pickling and ``clone``, and writing
into them (or assigning them) changes the model.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted


class FittedParametersMixin:
    """``coefs_``, ``intercepts_`` and batch-norm views of ``_theta``; pickling."""

    def _parameter_views(self):
        """The course's W[l], b[l] as views of ``_theta``, made once per vector.

        The views are made when ``_theta`` is (see :meth:`_remember_views`), so
        predicting only reads them: threads may share them and ``__dict__``
        never changes. Pickles leave them out, since a view would be saved as a
        copy; unpickling makes them anew.
        """
        memo = self.__dict__.get("_views")
        if memo is not None and memo[0] is self._theta:
            return memo[1], memo[2]
        return self._network.unpack(self._theta)

    def _layer_views(self):
        """Each layer's parameter views of ``_theta``, for forward passes."""
        memo = self.__dict__.get("_views")
        if memo is not None and memo[0] is self._theta:
            return memo[3]
        return self._network.bind(self._theta)

    def _norm_views(self):
        """γ[l] and the running statistics as views of ``_theta``, or None."""
        if not self._network.batch_norm:
            return None
        return self._network.unpack_norm(self._theta)

    def _batch_norm_part(self, part, name):
        self._fitted_layers(0, name)  # AttributeError before fit
        norm = self._norm_views()
        return None if norm is None else norm[part][1:-1]

    @property
    def batch_norm_gamma_(self):
        """list of ndarray or None: γ[l] of each hidden layer, with batch norm."""
        return self._batch_norm_part(0, "batch_norm_gamma_")

    @property
    def batch_norm_running_mean_(self):
        """list of ndarray or None: running μ[l] of each hidden layer."""
        return self._batch_norm_part(1, "batch_norm_running_mean_")

    @property
    def batch_norm_running_var_(self):
        """list of ndarray or None: running σ²[l] of each hidden layer."""
        return self._batch_norm_part(2, "batch_norm_running_var_")

    def _remember_views(self):
        network, theta = self._network, self._theta
        self._views = (theta, *network.unpack(theta), network.bind(theta))

    def __getstate__(self):
        # BaseEstimator may hand back the live __dict__: copy before dropping.
        state = dict(super().__getstate__())
        state.pop("_views", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_theta" in state:
            self._remember_views()

    def _fitted_layers(self, which, name):
        if not hasattr(self, "_theta"):
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}: it is "
                "not fitted yet. Call fit first."
            )
        return self._parameter_views()[which][1:]

    @property
    def coefs_(self):
        """list of ndarray: ``coefs_[l-1]`` is W[l]ᵀ, of shape (n[l-1], n[l])."""
        return self._fitted_layers(0, "coefs_")

    @coefs_.setter
    def coefs_(self, values):
        self._assign_layers(values, which=0, name="coefs_")

    @property
    def intercepts_(self):
        """list of ndarray: ``intercepts_[l-1]`` is b[l], of shape (n[l],)."""
        return self._fitted_layers(1, "intercepts_")

    @intercepts_.setter
    def intercepts_(self, values):
        self._assign_layers(values, which=1, name="intercepts_")

    @property
    def member_scales_(self):
        """ndarray of shape (n_members, n[0]) or None: each member's r_j.

        With ``n_members > 1``, member j sees A[0] ⊙ r_j (TabM-mini's
        adapters, trained); ``coefs_[-1]`` and ``intercepts_[-1]`` then hold
        every member's output layer, of shapes (k, n[L-1], n[L]) and (k, n[L]).
        None for a single network.
        """
        self._fitted_layers(0, "member_scales_")  # AttributeError before fit
        for layer, views in zip(self._network.layers, self._layer_views(), strict=True):
            if layer.kind == "ensemble_input":
                return views[0]
        return None

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

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_theta")
