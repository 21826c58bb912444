"""Gradient-descent solvers on the flat parameter vector, simplest first.

Each optimiser keeps its own state (velocity, moments) as flat vectors the size
of θ and updates the whole network in place,
``update(theta, grad, learning_rate, penalty=None)``. The step size α comes
from a :class:`~skdnn._train.schedules.LearningRateSchedule`.

The equations are scikit-learn's forms of the course's updates (see
:mod:`skdnn._nn.course` for the course's own and how they map):
:func:`sgd_update` and :func:`adam_update` write them on whole vectors, as
the reference. The optimisers run the same arithmetic block by block, with
the L2 gradient folded in, or compiled (:mod:`skdnn._fast.steps`), which
gives the same bits.
"""

import numpy as np

from .._fast import steps, tuning


def sgd_update(theta, grad, velocity, learning_rate, momentum, nesterov):
    """v = μ v - α dθ, then θ = θ + v, or with Nesterov θ = θ + μ v - α dθ.

    The reference step, on whole vectors, in place. ``grad`` is the whole
    gradient (L2 term included).
    """
    step = grad * learning_rate
    velocity *= momentum
    velocity -= step
    if nesterov:
        theta -= step
        theta += velocity * momentum
    else:
        theta += velocity


def adam_update(theta, grad, u, w, learning_rate, t, beta_1, beta_2, epsilon):
    """Adam's step t on whole vectors, in place, with the moments rescaled.

    m = β1 m + (1 - β1) dθ and v = β2 v + (1 - β2) dθ², stored as
    u = m / (1 - β1) and w = v / (1 - β2), which saves two passes:
    u = β1 u + dθ, w = β2 w + dθ², and with α_t = α sqrt(1 - β2^t) / (1 - β1^t)
    θ = θ - α_t (1 - β1) / sqrt(1 - β2) · u / (sqrt(w) + ε / sqrt(1 - β2)),
    which is θ - α_t m / (sqrt(v) + ε). ``grad`` is the whole gradient.
    """
    u *= beta_1
    u += grad
    w *= beta_2
    w += np.square(grad)
    root = float(np.sqrt(1.0 - beta_2))
    lr_t = learning_rate * np.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    step = np.sqrt(w)
    step += epsilon / root
    step = u / step
    step *= float(lr_t * (1.0 - beta_1) / root)
    theta -= step


class _Step:
    """What the optimisers share: the blocks, the scratch, the penalty.

    The NumPy steps' scratch block and the list of blocks are made when first
    needed and are not pickled: they are made anew after loading.
    """

    def _scratch(self, theta):
        """One block of scratch space for the NumPy step, made on first use."""
        size = min(theta.shape[0], tuning.NUMPY_STEP_BLOCK)
        scratch = self.__dict__.get("_step")
        if scratch is None or scratch.dtype != theta.dtype or len(scratch) < size:
            scratch = self._step = np.empty(size, theta.dtype)
        return scratch

    def __getstate__(self):
        state = self.__dict__.copy()
        for cached in ("_step", "_blocks", "_blocks_key"):
            state.pop(cached, None)
        return state

    def _decay(self, theta, penalty):
        """(n, coef, blocks) of this step: the penalty folded in, and the blocks."""
        n, coef = (0, 0.0) if penalty is None else penalty
        if not coef:
            n = 0
        key = (theta.shape[0], n, tuning.NUMPY_STEP_BLOCK)
        if getattr(self, "_blocks_key", None) != key:
            self._blocks_key = key
            self._blocks = steps.blocks(*key)
        return n, coef, self._blocks


class SGD(_Step):
    """Gradient descent with (Nesterov) momentum: :func:`sgd_update`.

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
            (n, λ/m) from :meth:`skdnn._nn.penalty.L2.coefficient`: add
            λ/m θ to the gradient of ``theta[:n]``.

        Returns
        -------
        float or None
            With ``penalty``, ||W||² of the updated ``theta[:n]`` (the next
            batch's L2 cost term); else None.
        """
        sq = steps.sgd(
            theta,
            grad,
            self.velocity,
            learning_rate,
            self.momentum,
            self.nesterov,
            self._decay(theta, penalty),
            lambda: self._scratch(theta),
        )
        return None if penalty is None else sq


class Adam(_Step):
    """Adam: momentum and RMSprop with bias correction (Kingma & Ba, 2014).

    m = β1 m + (1 - β1) dθ,  v = β2 v + (1 - β2) dθ²,
    θ = θ - α_t m / (sqrt(v) + ε)  with  α_t = α sqrt(1 - β2^t) / (1 - β1^t);
    the moments are stored rescaled (see :func:`adam_update`).

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
        b1, b2 = self.beta_1, self.beta_2
        self.t += 1
        root = float(np.sqrt(1.0 - b2))
        lr_t = learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        sq = steps.adam(
            theta,
            grad,
            self._u,
            self._w,
            float(lr_t * (1.0 - b1) / root),
            b1,
            b2,
            self.epsilon / root,
            self._decay(theta, penalty),
            lambda: self._scratch(theta),
        )
        return None if penalty is None else sq
