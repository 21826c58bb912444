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


def check_rows_for_batch_norm(network, n_rows):
    """Refuse to batch-normalise a training set of one row.

    Raises
    ------
    ValueError
        If ``network`` batch-normalises and ``n_rows`` < 2: a row normalised by
        its own statistics has variance 0, and the running statistics go wrong.
    """
    if network.batch_norm and n_rows < 2:
        raise ValueError(
            "batch_norm=True normalises each unit with the mean and variance of "
            f"its batch, and this fit trains on {n_rows} sample, whose variance "
            "is 0. Train on at least 2 samples at a time (in each partial_fit "
            "call too), or set batch_norm=False."
        )


class Batches:
    """Mini-batches of (X, Y, sample_weight), gathered into reused buffers.

    Parameters
    ----------
    data : TrainingData
        The training set.
    size : int
        Rows per batch.
    min_rows : int, default=1
        The fewest rows a batch may have: a last batch with fewer joins the
        one before it (batch normalisation needs 2 for its statistics).

    Attributes
    ----------
    largest : int
        The most rows a batch has (``size``, or more with a joined last batch).
    """

    def __init__(self, data, size, min_rows=1):
        X, Y, sample_weight = data.X, data.Y, data.sample_weight
        self.X, self.Y, self.sample_weight, self.size = X, Y, sample_weight, size
        self.total_weight = data.total_weight
        n_samples = X.shape[0]
        self._starts = list(range(0, n_samples, size))
        if len(self._starts) > 1 and n_samples - self._starts[-1] < min_rows:
            del self._starts[-1]
        self._stops = self._starts[1:] + [n_samples]
        self.largest = max(stop - start for start, stop in self._batches())
        largest = self.largest
        self._dense = not sp.issparse(X)
        self._X = np.empty((largest, X.shape[1]), X.dtype) if self._dense else None
        self._Y = np.empty((largest, Y.shape[1]), Y.dtype)
        self._sw = None if sample_weight is None else np.empty(largest, X.dtype)

    def _batches(self):
        return zip(self._starts, self._stops, strict=True)

    def epoch(self, order=None):
        """Yield (X_batch, Y_batch, sw_batch, batch_weight) in ``order``.

        ``order`` is a permutation of the rows, or None for their own order.
        Batches whose weights sum to zero carry no gradient and are skipped.
        """
        X, Y, sw = self.X, self.Y, self.sample_weight
        for start, stop in self._batches():
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
