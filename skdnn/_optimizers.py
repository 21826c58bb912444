"""Gradient-descent solvers on the flat parameter vector, simplest first.

Each optimiser keeps its own state (velocity, moments) as flat vectors the size
of ``theta`` and updates the whole network in place with one vectorised step,
``update(theta, grad, learning_rate)``. The step size α comes from a
:class:`LearningRateSchedule`.

The updates are in-place NumPy operations into preallocated buffers. They stay
away from SciPy's BLAS (``scipy.linalg.blas``): NumPy and SciPy each ship their
own OpenBLAS with its own thread pool, and alternating between the two in every
batch makes their spinning threads fight over the cores.
"""

import numpy as np


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


class SGD:
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
        self._step = np.empty(n_params, dtype=dtype)

    def update(self, theta, grad, learning_rate):
        """One step: update ``theta`` in place from ``grad``."""
        step, v, mu = self._step, self.velocity, self.momentum
        np.multiply(grad, learning_rate, out=step)
        v *= mu
        v -= step
        if self.nesterov:
            theta -= step
            np.multiply(v, mu, out=step)
            theta += step
        else:
            theta += v


class Adam:
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
        self._step = np.empty(n_params, dtype=dtype)

    @property
    def m(self):
        """The first moment estimate m (a copy)."""
        return self._u * (1.0 - self.beta_1)

    @property
    def v(self):
        """The second moment estimate v (a copy)."""
        return self._w * (1.0 - self.beta_2)

    def update(self, theta, grad, learning_rate):
        """One step: update ``theta`` in place from ``grad``."""
        step, u, w, b1, b2 = self._step, self._u, self._w, self.beta_1, self.beta_2
        self.t += 1
        u *= b1
        u += grad
        w *= b2
        np.square(grad, out=step)
        w += step
        root = float(np.sqrt(1.0 - b2))
        lr_t = learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        np.sqrt(w, out=step)
        step += self.epsilon / root
        np.divide(u, step, out=step)
        step *= float(lr_t * (1.0 - b1) / root)
        theta -= step
