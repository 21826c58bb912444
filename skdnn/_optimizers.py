"""Gradient-descent solvers on the flat parameter vector, simplest first.

Each optimiser keeps its own state (velocity, moments) as flat vectors the size
of ``theta`` and updates the whole network in place,
``update(theta, grad, learning_rate, penalty=None)``. The step size α comes
from a :class:`LearningRateSchedule`.

One step makes 5-8 elementwise passes over the parameters. Done one pass at a
time over the whole vector, each pass streams every array from memory; done
block by block, all of a block's passes run while it sits in the CPU's caches.
So the steps walk ``theta`` in blocks of :data:`BLOCK` parameters, and fold in
the L2 gradient λ/m W (``penalty``), which would otherwise be one more pass of
its own. Their scratch space is one block, reused, and the gradient is only read,
so a step streams nothing through memory but the parameters, their gradient
and the optimiser's state. The arithmetic is the same, element for element, as
the unblocked form, so the parameters are bit-identical. With ``skdnn[fast]``
installed the same step runs as one compiled loop (:mod:`skdnn._kernels`).

The updates are in-place NumPy operations into preallocated buffers. They stay
away from SciPy's BLAS (``scipy.linalg.blas``): NumPy and SciPy each ship their
own OpenBLAS with its own thread pool, and alternating between the two in every
batch makes their spinning threads fight over the cores.
"""

import numpy as np

from . import _kernels

# Parameters per block: 512 KiB per float64 array, so a block's arrays sit in
# the L3 cache. A NumPy pass over the L2 is hardly faster, and longer blocks
# mean fewer calls (see the README's performance section). The compiled steps
# block on their own.
BLOCK = 1 << 16


def _blocks(n_params, n_weights, size):
    """(start, stop, penalised) of each block; no block straddles n_weights."""
    blocks = []
    for start in range(0, n_params, size):
        stop = min(start + size, n_params)
        if start < n_weights < stop:
            blocks += [(start, n_weights, True), (n_weights, stop, False)]
        else:
            blocks.append((start, stop, start < n_weights))
    return blocks


class _Step:
    """What the optimisers share: the blocks, the kernels, the penalty.

    The NumPy steps' scratch block and the list of blocks are made when first
    needed and are not pickled: they are made anew after loading.
    """

    def _scratch(self, theta):
        """One block of scratch space for the NumPy step, made on first use."""
        size = min(theta.shape[0], BLOCK)
        scratch = self.__dict__.get("_step")
        if scratch is None or scratch.dtype != theta.dtype or len(scratch) < size:
            scratch = self._step = np.empty(size, theta.dtype)
        return scratch

    def __getstate__(self):
        state = self.__dict__.copy()
        for cached in ("_step", "_blocks", "_blocks_key"):
            state.pop(cached, None)
        return state

    def _prepare(self, theta, penalty):
        """The blocks of this step, n_weights and the penalty's λ/m (or 0, 0)."""
        n_weights, coef = (0, 0.0) if penalty is None else penalty
        if not coef:
            n_weights = 0
        key = (theta.shape[0], n_weights, BLOCK)
        if getattr(self, "_blocks_key", None) != key:
            self._blocks_key = key
            self._blocks = _blocks(*key)
        return self._blocks, n_weights, coef


class LearningRateSchedule:
    """The step size α over the epochs.

    Parameters
    ----------
    learning_rate : float
        The initial step size α0.
    kind : {"constant", "invscaling", "adaptive"}, default="constant"
        "constant" keeps α0. "invscaling" sets α = α0 / (t + 1)**power_t at the
        end of each epoch, t being the number of samples seen so far.
        "adaptive" keeps α until training stops improving, then divides it by 5;
        a plateau reached with α already at or below 1e-6 stops training.
    power_t : float, default=0.5
        Exponent of "invscaling".
    """

    def __init__(self, learning_rate, kind="constant", power_t=0.5):
        self.learning_rate_init = float(learning_rate)
        self.learning_rate = float(learning_rate)
        self.kind = kind
        self.power_t = power_t

    def epoch_ends(self, n_samples_seen):
        """Update α after an epoch; ``n_samples_seen`` is t, counted over all fits."""
        if self.kind == "invscaling":
            self.learning_rate = (
                self.learning_rate_init / (n_samples_seen + 1) ** self.power_t
            )

    def plateau(self):
        """Training stopped improving: return True to stop, False to go on."""
        if self.kind != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class SGD(_Step):
    """Gradient descent with (Nesterov) momentum.

    v = μ v - α dθ, then θ = θ + v, or with Nesterov's momentum
    θ = θ + μ v - α dθ (the look-ahead form used by scikit-learn).
    With μ = 0 this is plain (mini-batch) gradient descent, θ = θ - α dθ.

    Parameters
    ----------
    n_params : int
        Size of the flat parameter vector.
    dtype : numpy dtype
        dtype of the parameters.
    momentum : float, default=0.9
        μ, in [0, 1].
    nesterov : bool, default=True
        Whether to use Nesterov's momentum.
    """

    def __init__(self, n_params, dtype, momentum=0.9, nesterov=True):
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)

    def update(self, theta, grad, learning_rate, penalty=None):
        """One step: update ``theta`` in place from ``grad``.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            The parameters, updated in place.
        grad : ndarray of shape (n_params,)
            dJ/dθ of the batch, without the L2 term if ``penalty`` is given;
            left unchanged.
        learning_rate : float
            α.
        penalty : (int, float) or None, default=None
            (n_weights, λ/m): add λ/m θ to the gradient of ``theta[:n_weights]``.

        Returns
        -------
        float or None
            With ``penalty``, ||W||² of the updated weights ``theta[:n_weights]``
            (the next batch's L2 cost term); else None.
        """
        blocks, n_weights, coef = self._prepare(theta, penalty)
        kernel = _kernels.sgd_step()
        if kernel is not None:
            dtype = theta.dtype.type
            sq = kernel(
                theta,
                grad,
                self.velocity,
                n_weights,
                dtype(coef),
                dtype(learning_rate),
                dtype(self.momentum),
                self.nesterov,
            )
            return None if penalty is None else sq
        step, v = self._scratch(theta), self.velocity
        mu, nesterov = self.momentum, self.nesterov
        sq = 0.0
        for start, stop, penalised in blocks:
            th, g, s, vv = (
                theta[start:stop],
                grad[start:stop],
                step[: stop - start],
                v[start:stop],
            )
            if penalised:
                np.multiply(th, coef, out=s)
                s += g
                s *= learning_rate
            else:
                np.multiply(g, learning_rate, out=s)
            vv *= mu
            vv -= s
            if nesterov:
                th -= s
                np.multiply(vv, mu, out=s)
                th += s
            else:
                th += vv
            if penalised:
                sq += float(th @ th)
        return None if penalty is None else sq


class Adam(_Step):
    """Adam: momentum and RMSprop with bias correction (Kingma & Ba, 2014).

    m = β1 m + (1 - β1) dθ,  v = β2 v + (1 - β2) dθ²,
    θ = θ - α_t m / (sqrt(v) + ε)  with  α_t = α sqrt(1 - β2^t) / (1 - β1^t).

    The moments are stored divided by (1 - β1) and (1 - β2), as
    u = β1 u + dθ and w = β2 w + dθ², which saves two passes over the
    parameters per step; the step is the same,
    θ = θ - α_t (1 - β1) / sqrt(1 - β2) · u / (sqrt(w) + ε / sqrt(1 - β2)).

    Parameters
    ----------
    n_params : int
        Size of the flat parameter vector.
    dtype : numpy dtype
        dtype of the parameters.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates, in [0, 1).
    epsilon : float, default=1e-8
        ε, keeps the division finite.
    """

    def __init__(self, n_params, dtype, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self._u = np.zeros(n_params, dtype=dtype)
        self._w = np.zeros(n_params, dtype=dtype)

    @property
    def m(self):
        """The first moment estimate m (a copy)."""
        return self._u * (1.0 - self.beta_1)

    @property
    def v(self):
        """The second moment estimate v (a copy)."""
        return self._w * (1.0 - self.beta_2)

    def update(self, theta, grad, learning_rate, penalty=None):
        """One step: update ``theta`` in place from ``grad``.

        Parameters and return value are those of :meth:`SGD.update`.
        """
        blocks, n_weights, coef = self._prepare(theta, penalty)
        b1, b2 = self.beta_1, self.beta_2
        self.t += 1
        root = float(np.sqrt(1.0 - b2))
        lr_t = learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        scale = float(lr_t * (1.0 - b1) / root)
        epsilon = self.epsilon / root
        kernel = _kernels.adam_step()
        if kernel is not None:
            dtype = theta.dtype.type
            sq = kernel(
                theta,
                grad,
                self._u,
                self._w,
                n_weights,
                dtype(coef),
                dtype(b1),
                dtype(b2),
                dtype(epsilon),
                dtype(scale),
            )
            return None if penalty is None else sq
        step, u, w = self._scratch(theta), self._u, self._w
        sq = 0.0
        for start, stop, penalised in blocks:
            th, g, s, uu, ww = (
                theta[start:stop],
                grad[start:stop],
                step[: stop - start],
                u[start:stop],
                w[start:stop],
            )
            if penalised:
                np.multiply(th, coef, out=s)
                g = np.add(g, s, out=s)
            uu *= b1
            uu += g
            ww *= b2
            np.square(g, out=s)
            ww += s
            np.sqrt(ww, out=s)
            s += epsilon
            np.divide(uu, s, out=s)
            s *= scale
            th -= s
            if penalised:
                sq += float(th @ th)
        return None if penalty is None else sq
