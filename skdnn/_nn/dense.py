"""A hidden layer l of the course in one block: LINEAR -> ACTIVATION.

Forward and backward, as the course's ``linear_activation_forward`` and
``linear_activation_backward`` compose them::

    Z[l] = A[l-1] W[l] + b[l]        A[l] = g(Z[l])
    dZ[l] = dA[l] * g'(Z[l])         dW[l], db[l], dA[l-1] as for Linear

It is :class:`~skdnn._nn.linear.Linear` followed by
:class:`~skdnn._nn.activations.Activation`, run by their own code, in one
layer so that a ReLU layer can take its compiled single passes when
:mod:`skdnn._fast` has them: the bias and max(Z, 0) in one pass forward, and
the mask and db in one backward, instead of NumPy's two and three (the same
numbers; ``tests/test_kernels.py``). A batch-normalised layer, which needs
batch norm between the two, is the separate Linear, BatchNorm and Activation.
"""

import numpy as np

from .. import _fast
from .activations import LEAKY_RELU_SLOPE, Activation
from .layer import LayerCache
from .linear import Linear, matmul


class Dense(Linear):
    """A[l] = g(A[l-1] W[l] + b[l]): the linear part and the activation of layer l.

    Its parameters are the linear part's, W[l] and b[l].

    Parameters
    ----------
    n_in, n_out : int
        n[l-1] and n[l].
    activation : str
        g[l], a key of :data:`~skdnn._nn.activations.ACTIVATIONS`.
    leaky_relu_slope : float, default=0.01
        The slope of "leaky_relu" for z < 0.

    Notes
    -----
    Caches A[l-1], Z[l] and A[l], in one cache for both parts.
    """

    kind = "dense"

    def __init__(self, n_in, n_out, activation, leaky_relu_slope=LEAKY_RELU_SLOPE):
        super().__init__(n_in, n_out)
        self.activation = Activation(activation, n_out, leaky_relu_slope)

    def _fused(self):
        """The compiled (bias + ReLU, ReLU' + db) passes, or None."""
        if self.activation.name != "relu":
            return None
        return _fast.dense_relu_kernels()

    def allocate(self, m, dtype, training, input_gradient=True):
        dA_prev = None
        if training and input_gradient:
            dA_prev = np.empty((m, self.n_in), dtype)
        cache = LayerCache(
            m,
            Z=np.empty((m, self.n_out), dtype),
            A=np.empty((m, self.n_out), dtype) if training else None,
            dA_prev=dA_prev,
        )
        cache.ones = None
        return cache

    def forward(self, A_prev, p, cache, mode):
        """A = g(A_prev @ W + b): over Z when predicting, into the cache if training."""
        fused = self._fused()
        if fused is None:
            Z = super().forward(A_prev, p, cache, mode)
            return self.activation.forward(Z, (), cache, mode)
        Z = matmul(A_prev, p[0], out=None if cache is None else cache.Z)
        if not mode.training:
            return fused[0](Z, p[1], Z)
        cache.A_prev = A_prev
        return fused[0](Z, p[1], cache.A)

    def backward(self, dA, p, dp, cache):
        """dZ = dA * g'(Z) in place, then db, dW and dA_prev of the linear part."""
        fused = self._fused()
        if fused is None:
            dZ = self.activation.backward(dA, (), (), cache)
            return super().backward(dZ, p, dp, cache)
        dZ = fused[1](cache.Z, cache.A, dA, dp[1])
        return self._products(dZ, p, dp, cache)

    def spec(self):
        return self.kind, {
            "n_in": self.n_in,
            "n_out": self.n_out,
            "activation": self.activation.name,
            "leaky_relu_slope": self.activation.leaky_relu_slope,
        }

    @classmethod
    def examples(cls):
        names = ["identity", "logistic", "tanh", "relu", "leaky_relu", "selu", "mish"]
        return [cls(4, 3, name) for name in names] + [cls(3, 5, "leaky_relu", 0.3)]
