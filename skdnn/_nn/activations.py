"""Hidden-unit activations g and their derivatives g', side by side, and their layer.

Every activation is a pair of functions:

``g(Z, out)``
    Writes A = g(Z) into ``out`` and returns it (``out`` may be ``Z`` itself).
``g_backward(Z, A, dA)``
    Turns dA into dZ = dA * g'(Z) in place, reading g'(Z) from whichever of the
    cached Z or A is cheaper, and returns it.

The tables :data:`ACTIVATIONS` and :data:`BACKWARDS` are keyed by the names the
estimator accepts. Leaky ReLU takes its slope as a keyword (``slope=0.01``);
:class:`Activation`, the layer A[l] = g(Z[l]), binds it.
"""

from functools import partial

import numpy as np
from scipy.special import expit

from .. import _fast
from .._fast import tuning
from .layer import Layer, LayerCache

LEAKY_RELU_SLOPE = 0.01

_ZEROS = {}


def _zeros_like(Z):
    """A read-only array of zeros shaped like Z, or the scalar 0 for a large Z.

    np.maximum is slower against the scalar 0 than against an array of zeros
    (see :data:`skdnn._fast.tuning.RELU_ZEROS_SIZE`).
    """
    if Z.size > tuning.RELU_ZEROS_SIZE or not Z.flags.c_contiguous:
        return 0.0
    zeros = _ZEROS.get(Z.dtype)
    if zeros is None:
        zeros = np.zeros(tuning.RELU_ZEROS_SIZE, dtype=Z.dtype)
        zeros.flags.writeable = False
        _ZEROS[Z.dtype] = zeros
    return zeros[: Z.size].reshape(Z.shape)


def identity(Z, out):
    """g(z) = z."""
    if out is not Z:
        np.copyto(out, Z)
    return out


def identity_backward(Z, A, dA):
    """g'(z) = 1, so dZ = dA."""
    return dA


def logistic(Z, out):
    """g(z) = 1 / (1 + exp(-z)), computed without overflow for any finite z."""
    return expit(Z, out=out)


def logistic_backward(Z, A, dA):
    """g'(z) = a (1 - a)."""
    dA *= A
    dA *= 1.0 - A
    return dA


def tanh(Z, out):
    """g(z) = tanh(z)."""
    return np.tanh(Z, out=out)


def tanh_backward(Z, A, dA):
    """g'(z) = 1 - a**2."""
    dA *= 1.0 - A * A
    return dA


def relu(Z, out):
    """g(z) = max(0, z)."""
    return np.maximum(Z, _zeros_like(Z), out=out)


def relu_backward(Z, A, dA):
    """g'(z) = 1 if z > 0 else 0."""
    dA *= Z > 0
    return dA


def leaky_relu(Z, out, slope=LEAKY_RELU_SLOPE):
    """g(z) = max(slope z, z), for a slope in [0, 1)."""
    if out is Z:
        Z = Z.copy()
    np.multiply(Z, slope, out=out)
    return np.maximum(Z, out, out=out)


def leaky_relu_backward(Z, A, dA, slope=LEAKY_RELU_SLOPE):
    """g'(z) = 1 if z > 0 else slope."""
    dA *= np.where(Z > 0, 1.0, slope).astype(dA.dtype, copy=False)
    return dA


SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def selu(Z, out):
    """g(z) = λ z for z > 0, λ α (e^z - 1) otherwise (λ ≈ 1.0507, α ≈ 1.6733)."""
    negative = np.minimum(Z, 0.0)
    np.expm1(negative, out=negative)
    negative *= SELU_ALPHA
    np.maximum(Z, 0.0, out=out)
    out += negative
    out *= SELU_LAMBDA
    return out


def selu_backward(Z, A, dA):
    """g'(z) = λ for z > 0, λ α e^z = a + λ α otherwise."""
    dA *= np.where(Z > 0, SELU_LAMBDA, A + SELU_LAMBDA * SELU_ALPHA).astype(
        dA.dtype, copy=False
    )
    return dA


def mish(Z, out):
    """g(z) = z tanh(softplus(z)), softplus(z) = log(1 + e^z)."""
    t = np.logaddexp(0.0, Z)
    np.tanh(t, out=t)
    return np.multiply(Z, t, out=out)


def mish_backward(Z, A, dA):
    """g'(z) = tanh(sp) + z σ(z) (1 - tanh(sp)²), sp = softplus(z)."""
    t = np.tanh(np.logaddexp(0.0, Z))
    slope = expit(Z)
    slope *= Z
    slope *= 1.0 - t * t
    slope += t
    dA *= slope
    return dA


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "selu": selu,
    "mish": mish,
}

BACKWARDS = {
    "identity": identity_backward,
    "logistic": logistic_backward,
    "tanh": tanh_backward,
    "relu": relu_backward,
    "leaky_relu": leaky_relu_backward,
    "selu": selu_backward,
    "mish": mish_backward,
}


class Activation(Layer):
    """A[l] = g(Z[l]) of a hidden layer, and backward dZ[l] = dA[l] * g'(Z[l]).

    Works in place where it can: predicting overwrites Z[l] with A[l], and the
    backward pass turns dA[l] into dZ[l] in its own buffer. A ReLU layer runs
    compiled single passes instead of NumPy's when :mod:`skdnn._fast` has them
    (the same numbers).

    Parameters
    ----------
    name : str
        A key of :data:`ACTIVATIONS`.
    n : int
        The layer's units, n[l].
    leaky_relu_slope : float, default=0.01
        The slope of "leaky_relu" for z < 0.

    Notes
    -----
    Caches its input Z[l] (the previous layer's buffer, not a copy) and A[l]
    in a buffer of its own, for g'(Z) from whichever is cheaper.
    """

    kind = "activation"
    in_place = True

    def __init__(self, name, n, leaky_relu_slope=LEAKY_RELU_SLOPE):
        self.name = name
        self.n_in = self.n_out = int(n)
        self.leaky_relu_slope = float(leaky_relu_slope)
        g, g_backward = ACTIVATIONS[name], BACKWARDS[name]
        if name == "leaky_relu":
            g = partial(g, slope=self.leaky_relu_slope)
            g_backward = partial(g_backward, slope=self.leaky_relu_slope)
        self.g, self.g_backward = g, g_backward

    def _functions(self):
        """(g, g_backward): compiled for ReLU when the kernels allow it."""
        if self.name == "relu":
            compiled = _fast.relu_kernels()
            if compiled is not None:
                return compiled
        return self.g, self.g_backward

    def allocate(self, m, dtype, training, input_gradient=True):
        return LayerCache(m, A=np.empty((m, self.n_out), dtype) if training else None)

    def forward(self, Z, p, cache, mode):
        """A = g(Z): over Z when predicting, into the cache when training."""
        g = self._functions()[0]
        if not mode.training:
            return g(Z, out=Z)
        cache.Z = Z
        return g(Z, out=cache.A)

    def backward(self, dA, p, dp, cache):
        """dZ = dA * g'(Z), in place over dA."""
        return self._functions()[1](cache.Z, cache.A, dA)

    def spec(self):
        return self.kind, {
            "name": self.name,
            "n": self.n_out,
            "leaky_relu_slope": self.leaky_relu_slope,
        }

    @classmethod
    def examples(cls):
        return [cls(name, 4) for name in ACTIVATIONS] + [
            cls("leaky_relu", 3, leaky_relu_slope=0.3)
        ]
