"""Mini-batches of the training set, gathered into reused buffers."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class TrainingData:
    """The samples one fit trains on.

    Attributes
    ----------
    X : {ndarray, sparse CSR matrix} of shape (n_samples, n[0])
        The inputs, A[0].
    y : ndarray or sparse matrix
        The targets as the user gave them (after validation): labels for
        scoring and stratified splits, real values for a regressor.
    Y : ndarray of shape (n_samples, n[L])
        The targets the output layer is trained on (0/1 indicators, or real
        values).
    sample_weight : ndarray of shape (n_samples,) or None
        s_i, sample times class weights; None weighs every sample 1.
    """

    X: object
    y: object
    Y: np.ndarray
    sample_weight: np.ndarray | None

    @property
    def total_weight(self):
        """sum_i s_i (the number of samples when unweighted)."""
        sw = self.sample_weight
        return self.X.shape[0] if sw is None else float(sw.sum())


class Batches:
    """Mini-batches of (X, Y, sample_weight), gathered into reused buffers.

    Parameters
    ----------
    data : TrainingData
        The training set.
    size : int
        Rows per batch.
    """

    def __init__(self, data, size):
        X, Y, sample_weight = data.X, data.Y, data.sample_weight
        self.X, self.Y, self.sample_weight, self.size = X, Y, sample_weight, size
        self.total_weight = data.total_weight
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
