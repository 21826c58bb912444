"""Input layers: transforms of X fitted on the training data, before layer 1.

Neither has a parameter in θ: what each holds (medians, quantile bin edges) is
fitted once from the training rows by the function beside it, and becomes the
layer's arguments, so it pickles with the network and a warm start keeps it.

- :class:`RobustScale`: robust scaling, then a smooth clip to (-3, 3), as
  RealMLP preprocesses its numerical inputs::

      z = s (x - median)        s = 1 / (q75 - q25)
      a = z / sqrt(1 + (z/3)**2)

  (s = 2 / (max - min) for a column whose quartiles are equal, and 0 for a
  constant one). The clip keeps outliers and heavy tails from dominating the
  first layer while leaving the bulk of the data linear.
- :class:`PiecewiseLinear`: the piecewise-linear encoding of Gorishniy et al.
  (2022) on quantile bins e_0 < e_1 < ... < e_T of each feature: the feature
  becomes T values, the t-th

      v_t = clip((x - e_{t-1}) / (e_t - e_{t-1}), 0, 1)

  where the first bin is clipped only from above and the last only from below
  (so the encoding extends linearly beyond the training range). The first
  layer then weighs each bin separately: a unit can respond to a threshold or
  a bump of one feature, which a linear function of x cannot. x itself is a
  linear function of the encoding (e_0 + sum_t (e_t - e_{t-1}) v_t).
"""

import numpy as np

from .layer import Layer, LayerCache

SMOOTH_CLIP = 3.0
ROWS_PER_BIN = 125
"""``n_bins="auto"``: one bin per this many training rows, between 4 and 16."""


def quantiles(X, q, sample_weight=None):
    """The weighted quantiles q of every column of X, by the inverted CDF.

    The q-quantile of a column is its smallest value x whose share of the
    total weight at or below x reaches q: a row of weight k counts as k
    rows, and a row of weight 0 as none (scikit-learn's sample-weight
    semantics).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite values.
    q : array-like of shape (n_quantiles,)
        Shares in [0, 1].
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Non-negative weights, not all 0; None weighs every row 1.

    Returns
    -------
    quantiles : ndarray of shape (n_quantiles, n_features)
    """
    X = np.asarray(X, dtype=np.float64)
    if sample_weight is not None:
        kept = sample_weight > 0
        X, sample_weight = X[kept], np.asarray(sample_weight, np.float64)[kept]
    order = np.argsort(X, axis=0, kind="stable")
    X_sorted = np.take_along_axis(X, order, axis=0)
    if sample_weight is None:
        cumulative = np.arange(1.0, X.shape[0] + 1.0)[:, None]
        cumulative = np.broadcast_to(cumulative, X.shape)
    else:
        cumulative = np.cumsum(sample_weight[order], axis=0)
    total = cumulative[-1]
    q = np.asarray(q, dtype=np.float64)
    result = np.empty((q.size, X.shape[1]))
    for j in range(X.shape[1]):
        # the last row reaches the total: rounding must not step past it
        index = np.searchsorted(cumulative[:, j], q * total[j] * (1 - 1e-12))
        result[:, j] = X_sorted[np.minimum(index, X.shape[0] - 1), j]
    return result


def robust_scaling(X, sample_weight=None):
    """The median and the scale s of every column of X, for :class:`RobustScale`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training rows, finite.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        The rows' weights (see :func:`quantiles`).

    Returns
    -------
    center, scale : ndarray of shape (n_features,)
        The median, and s = 1 / IQR (2 / range where the IQR is 0, and 0 for a
        constant column), as float64.
    """
    q0, q25, center, q75, q100 = quantiles(
        X, [0.0, 0.25, 0.5, 0.75, 1.0], sample_weight
    )
    spread = q100 - q0
    iqr = q75 - q25
    scale = np.zeros_like(center)
    np.divide(1.0, iqr, out=scale, where=iqr > 0)
    ranged = (iqr <= 0) & (spread > 0)
    np.divide(2.0, spread, out=scale, where=ranged)
    return center, scale


def quantile_edges(X, n_bins, sample_weight=None):
    """The bin edges e_0 < ... < e_T of every column of X, at its quantiles.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training rows, finite.
    n_bins : int
        The most bins a column gets; columns with fewer distinct quantiles get
        fewer (a binary column one), and a constant column one bin [c, c + 1].
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        The rows' weights (see :func:`quantiles`).

    Returns
    -------
    edges : list of ndarray
        One increasing float64 array of 2 or more edges per column.
    """
    at = quantiles(X, np.linspace(0.0, 1.0, n_bins + 1), sample_weight)
    edges = []
    for column in at.T:
        unique = np.unique(column)
        if unique.size < 2:
            unique = np.array([unique[0], unique[0] + 1.0])
        edges.append(unique)
    return edges


def _as_vector(values, name):
    vector = np.array(values, dtype=np.float64).ravel()
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"{name} must be finite.")
    return vector


class RobustScale(Layer):
    """A = smooth_clip(s ⊙ (X - median)): robust scaling and a smooth clip.

    Parameters
    ----------
    center, scale : array-like of shape (n,)
        The median and the scale s of each input column (from
        :func:`robust_scaling`).

    Notes
    -----
    dA_prev = dA ⊙ s ⊙ (1 + (z/3)²)^(-3/2), which is (1 - (a/3)²)^(3/2) of the
    cached output a: the layer caches A only.
    """

    kind = "robust_scale"

    def __init__(self, center, scale):
        self.center = _as_vector(center, "center")
        self.scale = _as_vector(scale, "scale")
        if self.center.shape != self.scale.shape:
            raise ValueError("center and scale must have the same length.")
        self.n_in = self.n_out = self.center.size
        self._typed = {}

    def _constants(self, dtype):
        """The median and s in ``dtype``."""
        constants = self._typed.get(dtype)
        if constants is None:
            constants = self._typed[dtype] = (
                self.center.astype(dtype),
                self.scale.astype(dtype),
            )
        return constants

    def allocate(self, m, dtype, training, input_gradient=True):
        dA_prev = None
        if training and input_gradient:
            dA_prev = np.empty((m, self.n_in), dtype)
        return LayerCache(m, A=np.empty((m, self.n_out), dtype), dA_prev=dA_prev)

    def forward(self, A_prev, p, cache, mode):
        """z = s (x - median), then a = z / sqrt(1 + (z/3)²)."""
        center, scale = self._constants(A_prev.dtype)
        A = np.subtract(A_prev, center, out=None if cache is None else cache.A)
        A *= scale
        denominator = A / SMOOTH_CLIP
        denominator *= denominator
        denominator += 1.0
        np.sqrt(denominator, out=denominator)
        A /= denominator
        return A

    def backward(self, dA, p, dp, cache):
        """dA_prev = dA s (1 - (a/3)²)^(3/2); None for the first layer."""
        if cache.dA_prev is None:
            return None
        slope = cache.A / SMOOTH_CLIP
        slope *= slope
        np.subtract(1.0, slope, out=slope)
        slope **= 1.5
        np.multiply(dA, slope, out=cache.dA_prev)
        cache.dA_prev *= self._constants(dA.dtype)[1]
        return cache.dA_prev

    def spec(self):
        return self.kind, {
            "center": self.center.tolist(),
            "scale": self.scale.tolist(),
        }

    @classmethod
    def examples(cls):
        return [
            cls([0.5, -1.0, 2.0], [1.0, 0.3, 2.5]),
            cls([0.0, 1.0], [0.0, 4.0]),
        ]


class PiecewiseLinear(Layer):
    """The piecewise-linear encoding of each input column on its bins.

    Parameters
    ----------
    edges : sequence of array-like
        For each input column, its increasing bin edges e_0 < ... < e_T,
        T >= 1 (from :func:`quantile_edges`).

    Attributes
    ----------
    n_out : int
        The total number of bins, sum over the columns of their T.

    Notes
    -----
    The columns of one feature are contiguous in the output. The backward pass
    returns dx = sum_t dv_t / (e_t - e_{t-1}) over the bins where x fell inside
    the unclipped range.
    """

    kind = "piecewise_linear"

    def __init__(self, edges):
        self.edges = [_as_vector(e, "edges") for e in edges]
        if not self.edges or any(
            e.size < 2 or np.any(np.diff(e) <= 0) for e in self.edges
        ):
            raise ValueError(
                "Every input column needs 2 or more strictly increasing edges."
            )
        self.n_in = len(self.edges)
        bins = [e.size - 1 for e in self.edges]
        self.n_out = sum(bins)
        self._feature = np.repeat(np.arange(self.n_in), bins)
        self._offsets = np.concatenate(([0], np.cumsum(bins)[:-1]))
        self._left = np.concatenate([e[:-1] for e in self.edges])
        self._width = np.concatenate([np.diff(e) for e in self.edges])
        first = np.zeros(self.n_out, bool)
        first[self._offsets] = True
        last = np.zeros(self.n_out, bool)
        last[self._offsets + np.array(bins) - 1] = True
        self._lower = np.where(first, -np.inf, 0.0)
        self._upper = np.where(last, np.inf, 1.0)
        self._typed = {}

    def _constants(self, dtype):
        """left, 1/width, lower and upper bounds, in ``dtype``."""
        constants = self._typed.get(dtype)
        if constants is None:
            constants = self._typed[dtype] = tuple(
                a.astype(dtype)
                for a in (self._left, 1.0 / self._width, self._lower, self._upper)
            )
        return constants

    def allocate(self, m, dtype, training, input_gradient=True):
        dA_prev = None
        if training and input_gradient:
            dA_prev = np.empty((m, self.n_in), dtype)
        return LayerCache(m, A=np.empty((m, self.n_out), dtype), dA_prev=dA_prev)

    def forward(self, A_prev, p, cache, mode):
        """v = clip((x_j - e_{t-1}) / (e_t - e_{t-1})) for every bin t of every j."""
        left, inverse_width, lower, upper = self._constants(A_prev.dtype)
        out = None if cache is None else cache.A
        A = np.take(A_prev, self._feature, axis=1, out=out)
        A -= left
        A *= inverse_width
        np.clip(A, lower, upper, out=A)
        return A

    def backward(self, dA, p, dp, cache):
        """dx_j = sum over j's bins of dv_t / width_t where v_t was not clipped."""
        if cache.dA_prev is None:
            return None
        left, inverse_width, lower, upper = self._constants(dA.dtype)
        inside = (cache.A > lower) & (cache.A < upper)
        dA *= inside
        dA *= inverse_width
        np.add.reduceat(dA, self._offsets, axis=1, out=cache.dA_prev)
        return cache.dA_prev

    def spec(self):
        return self.kind, {"edges": [e.tolist() for e in self.edges]}

    @classmethod
    def examples(cls):
        return [
            cls([[-1.0, 0.0, 0.5, 2.0], [0.0, 1.0], [-2.0, -1.0, 3.0]]),
        ]


def auto_bins(n_rows):
    """The most bins of a column for ``n_bins="auto"``: n_rows / 125, in [4, 16].

    Sixteen bins a column let the first layer fit a few hundred rows too
    closely: on the quality benchmark's smallest tables (pima, 425 training
    rows; swiss_labor, 697) 4 bins give the best log loss and no fit that
    ends still improving its training cost, while on 2 000 to 3 000 rows
    (the brand-choice tables) 16 give the best accuracy and log loss
    (``benchmarks/LEVERS.md``).
    """
    return int(min(16, max(4, n_rows // ROWS_PER_BIN)))


def fit_input_layers(X, scaling=None, embedding=None, n_bins=16, sample_weight=None):
    """The input layers for ``scaling`` and ``embedding``, fitted on X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The training rows, dense and finite.
    scaling : {"robust"} or None, default=None
        "robust" starts with :class:`RobustScale`.
    embedding : {"piecewise_linear"} or None, default=None
        "piecewise_linear" adds :class:`PiecewiseLinear` on ``n_bins``
        quantile bins of each column (of the scaled columns, after
        ``scaling``).
    n_bins : int or "auto", default=16
        The most bins of a column; "auto" is :func:`auto_bins` of the number
        of rows (of positive weight).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        The rows' weights (see :func:`quantiles`).

    Returns
    -------
    layers : list of Layer
        Empty when both are None.
    """
    layers = []
    if scaling == "robust":
        layers.append(RobustScale(*robust_scaling(X, sample_weight)))
        X = layers[-1].forward(np.asarray(X, dtype=np.float64), (), None, None)
    if embedding == "piecewise_linear":
        if n_bins == "auto":
            rows = X.shape[0] if sample_weight is None else np.sum(sample_weight > 0)
            n_bins = auto_bins(rows)
        layers.append(PiecewiseLinear(quantile_edges(X, n_bins, sample_weight)))
    return layers
