"""scikit-learn's callbacks: one task per fit, one subtask per epoch."""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9 has no callback API

    class CallbackSupportMixin:
        """Stand-in for scikit-learn's callback support, absent before 1.9."""


class CallbackTasks:
    """scikit-learn callbacks: one subtask per epoch (or L-BFGS iteration).

    Does nothing without a callback context (scikit-learn < 1.9, partial_fit).
    ``data`` holds the (X, y, sample_weight) the callbacks see.
    """

    def __init__(self, estimator, context, name):
        self.estimator, self.context, self.name = estimator, context, name
        self.data = (None, None, None)
        self._task = None

    def arguments(self):
        X, y, sample_weight = self.data
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        return {"X": X, "y": y, "metadata": metadata}

    def begin(self):
        """Start the next subtask."""
        if self.context is None:
            return
        self._task = self.context.subcontext(task_name=self.name)
        self._task.call_on_fit_task_begin(estimator=self.estimator, **self.arguments())

    def end(self, theta, n_iter=None, t=None, loss_curve=()):
        """End the current subtask at weights ``theta`` (None: it never ran).

        The fitted copy a callback receives holds ``theta`` and the progress so
        far: ``n_iter_``, ``t_``, ``loss_`` and ``loss_curve_`` (this fit's
        ``loss_curve`` after the earlier fits' curve). Returns True when a
        callback asks to stop training.
        """
        if self._task is None:
            return False
        task, self._task = self._task, None
        if theta is None:
            return bool(task.call_on_fit_task_end(estimator=self.estimator))
        earlier = list(getattr(self.estimator, "loss_curve_", []))

        def fitted_attributes():
            attributes = {"_theta": theta.copy(), "n_iter_": n_iter, "t_": t}
            if loss_curve:
                attributes["loss_"] = loss_curve[-1]
                attributes["loss_curve_"] = earlier + list(loss_curve)
            return attributes

        return bool(
            task.call_on_fit_task_end(
                estimator=self.estimator,
                reconstruction_attributes=fitted_attributes,
                **self.arguments(),
            )
        )
