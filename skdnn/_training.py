"""Training plumbing: mini-batches and scikit-learn's callback tasks."""

import numpy as np
import scipy.sparse as sp

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9 has no callback API

    class CallbackSupportMixin:
        """Stand-in for scikit-learn's callback support, absent before 1.9."""


class Batches:
    """Mini-batches of (X, Y, sample_weight), gathered into reused buffers.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    size : int
        Rows per batch.
    """

    def __init__(self, X, Y, sample_weight, size):
        self.X, self.Y, self.sample_weight, self.size = X, Y, sample_weight, size
        self.total_weight = (
            X.shape[0] if sample_weight is None else float(sample_weight.sum())
        )
        self._dense = not sp.issparse(X)
        self._X = np.empty((size, X.shape[1]), X.dtype) if self._dense else None
        self._Y = np.empty((size, Y.shape[1]), Y.dtype)
        self._sw = None if sample_weight is None else np.empty(size, X.dtype)

    def epoch(self, order=None):
        """Yield (X_batch, Y_batch, sw_batch, batch_weight) in ``order``.

        ``order`` is a permutation of the rows, or None for their own order.
        Batches whose weights sum to zero carry no gradient and are skipped.
        """
        X, Y, sw = self.X, self.Y, self.sample_weight
        n_samples = X.shape[0]
        for start in range(0, n_samples, self.size):
            stop = min(start + self.size, n_samples)
            if order is None:
                Xb, Yb = X[start:stop], Y[start:stop]
                sb = None if sw is None else sw[start:stop]
            else:
                idx, m = order[start:stop], stop - start
                # mode="clip" gathers straight into the buffer; the indices are
                # valid, and the default mode="raise" goes through a temporary.
                if self._dense:
                    Xb = X.take(idx, axis=0, out=self._X[:m], mode="clip")
                else:
                    Xb = X[idx]
                Yb = Y.take(idx, axis=0, out=self._Y[:m], mode="clip")
                sb = None
                if sw is not None:
                    sb = sw.take(idx, out=self._sw[:m], mode="clip")
            weight = stop - start if sb is None else float(sb.sum())
            if weight > 0:
                yield Xb, Yb, sb, weight


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

    def end(self, theta):
        """End the current subtask at weights ``theta`` (None: it never ran).

        Returns True when a callback asks to stop training.
        """
        if self._task is None:
            return False
        task, self._task = self._task, None
        if theta is None:
            return bool(task.call_on_fit_task_end(estimator=self.estimator))
        return bool(
            task.call_on_fit_task_end(
                estimator=self.estimator,
                reconstruction_attributes=lambda: {"_theta": theta.copy()},
                **self.arguments(),
            )
        )
