"""Random weight initialisation: He, Glorot and the course's small normal.

Each initialiser ``draw(rng, fan_in, fan_out, size)`` draws ``size`` values from
the distribution of layer l, n[l-1] = fan_in and n[l] = fan_out, out of a seeded
``numpy.random.Generator``. A linear layer draws both W[l]ᵀ, of shape
(n[l-1], n[l]), and b[l] from it (as MLPClassifier does; see
:meth:`skdnn._nn.linear.Linear.initialize`). Zero biases would also break the
symmetry, but they put ReLU units exactly on their kink whenever a whole
previous layer is off for a sample, where the cost is not differentiable and
gradient checking fails.
"""

import numpy as np


def he(rng, fan_in, fan_out, size):
    """N(0, 2 / n[l-1]), for ReLU-family layers (He et al., 2015)."""
    return rng.standard_normal(size) * np.sqrt(2.0 / fan_in)


def glorot(rng, fan_in, fan_out, size):
    """U(-r, r) with r = sqrt(6 / (n[l-1] + n[l])) (Glorot & Bengio, 2010)."""
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size)


def small(rng, fan_in, fan_out, size):
    """0.01 * N(0, 1), the course's first recipe."""
    return 0.01 * rng.standard_normal(size)


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
