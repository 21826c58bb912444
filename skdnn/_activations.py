"""Hidden-unit activations g and their derivatives g', side by side.

Every activation is a pair of functions:

``g(Z, out)``
    Writes A = g(Z) into ``out`` and returns it (``out`` may be ``Z`` itself).
``g_backward(Z, A, dA)``
    Turns dA into dZ = dA * g'(Z) in place, reading g'(Z) from whichever of the
    cached Z or A is cheaper, and returns it.

The tables :data:`ACTIVATIONS` and :data:`BACKWARDS` are keyed by the names the
estimator accepts. Leaky ReLU takes its slope as a keyword (``slope=0.01``);
:class:`HiddenLayer`, a hidden layer's g and g' with the bias and db passes
around them, binds it.
"""

from functools import partial

import numpy as np
from scipy.special import expit

LEAKY_RELU_SLOPE = 0.01

# np.maximum runs two to three times slower against the scalar 0 than against an
# array of zeros, so relu compares with a read-only view of a shared zero buffer
# of this many elements; larger arrays use the scalar.
_ZEROS_SIZE = 1 << 18
_ZEROS = {}


def _zeros_like(Z):
    """A read-only array of zeros shaped like Z, or the scalar 0 for a large Z."""
    if Z.size > _ZEROS_SIZE or not Z.flags.c_contiguous:
        return 0.0
    zeros = _ZEROS.get(Z.dtype)
    if zeros is None:
        zeros = np.zeros(_ZEROS_SIZE, dtype=Z.dtype)
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


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}

BACKWARDS = {
    "identity": identity_backward,
    "logistic": logistic_backward,
    "tanh": tanh_backward,
    "relu": relu_backward,
    "leaky_relu": leaky_relu_backward,
}


class HiddenLayer:
    """g[l] and g'[l] of a hidden layer, with the work around them.

    ``forward(Z, b, out)`` adds b[l] to Z[l] and writes A[l] = g(Z[l]) into
    ``out``; ``backward(Z, A, dA, db)`` turns dA[l] into dZ[l] = dA[l] * g'(Z[l])
    in place and writes its column sums into ``db``: db[l], as dZ already carries
    the 1/m. Plain NumPy, or the compiled single passes given as ``compiled``
    (see :func:`skdnn._kernels.relu_layer`), which compute the same numbers.

    Parameters
    ----------
    name : str
        A key of :data:`ACTIVATIONS`.
    leaky_relu_slope : float, default=0.01
        The slope of "leaky_relu" for z < 0.
    compiled : (forward, backward) or None, default=None
        Compiled replacements of :meth:`forward` and :meth:`backward`.
    """

    def __init__(self, name, leaky_relu_slope=LEAKY_RELU_SLOPE, compiled=None):
        g, g_backward = ACTIVATIONS[name], BACKWARDS[name]
        if name == "leaky_relu":
            g = partial(g, slope=leaky_relu_slope)
            g_backward = partial(g_backward, slope=leaky_relu_slope)
        self.g, self.g_backward = g, g_backward
        if compiled is not None:
            self.forward, self.backward = compiled

    def forward(self, Z, b, out):
        """Z += b, then A = g(Z) into ``out``; returns A."""
        Z += b
        return self.g(Z, out=out)

    def backward(self, Z, A, dA, db):
        """dZ = dA * g'(Z) in place and db = its column sums; returns dZ."""
        dZ = self.g_backward(Z, A, dA)
        # row after row, as the compiled kernels sum
        np.add.reduce(dZ, axis=0, out=db)
        return dZ
