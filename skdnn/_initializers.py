"""Random weight initialisation: He, Glorot and the course's small normal.

Each initialiser draws W[l]ᵀ of shape (n[l-1], n[l]) from a seeded
``numpy.random.Generator``. Biases start at zero: the random W already breaks the
symmetry between the units of a layer.
"""

import numpy as np


def he(rng, fan_in, fan_out):
    """W ~ N(0, 2 / n[l-1]), for ReLU-family layers (He et al., 2015)."""
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


def glorot(rng, fan_in, fan_out):
    """W ~ U(-r, r) with r = sqrt(6 / (n[l-1] + n[l])) (Glorot & Bengio, 2010)."""
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, (fan_in, fan_out))


def small(rng, fan_in, fan_out):
    """W = 0.01 * N(0, 1), the course's first recipe."""
    return 0.01 * rng.standard_normal((fan_in, fan_out))


INITIALIZERS = {"he": he, "glorot": glorot, "small": small}

_RELU_FAMILY = {"relu", "leaky_relu"}


def layer_initializers(init, layer_activations):
    """Name the initialiser of each layer l = 1..L.

    Parameters
    ----------
    init : {"auto", "he", "glorot", "small"}
        "auto" picks He for ReLU-family layers and Glorot for the others.
    layer_activations : sequence of str
        g[1], ..., g[L], the output layer's included.

    Returns
    -------
    names : list of str
        One key of :data:`INITIALIZERS` per layer.
    """
    if init != "auto":
        return [init] * len(layer_activations)
    return ["he" if g in _RELU_FAMILY else "glorot" for g in layer_activations]


def initialize(W, b, rng, initializers):
    """Fill the parameter views W[1..L] and b[1..L] in place.

    Parameters
    ----------
    W, b : list of ndarray
        Views of the flat parameter vector, ``W[l]`` of shape (n[l-1], n[l]) and
        ``b[l]`` of shape (n[l],); index 0 is unused.
    rng : numpy.random.Generator
        The source of randomness.
    initializers : list of str
        Initialiser name of each layer l = 1..L.
    """
    for l, name in enumerate(initializers, start=1):
        fan_in, fan_out = W[l].shape
        W[l][...] = INITIALIZERS[name](rng, fan_in, fan_out)
        b[l][...] = 0.0
