"""TabM-mini: k members sharing one network, each with its own input scaling and head.

Gorishniy et al. (2025), "TabM: advancing tabular deep learning with
parameter-efficient ensembling". Member j sees its own copy of the input,
scaled feature by feature by r_j, runs it through the *shared* hidden layers,
and ends in its own output layer::

    A_j[0] = X ⊙ r_j        (r_j in R^n[0], drawn as random signs ±1)
    A_j[l] = g[l](A_j[l-1] W[l] + b[l])          l = 1, ..., L-1, shared
    Z_j[L] = A_j[L-1] W_j[L] + b_j[L]            one head per member

Training minimises the mean of the k members' losses; prediction averages
their *probabilities* (not their logits). A member is W[1] scaled row by row,
diag(r_j) W[1]: k networks for the price of one, whose weight sharing also
regularises them.

The k copies of a batch of m rows are stacked member after member, (k m)
rows: rows j m ... (j + 1) m - 1 are member j's. Every layer between
:class:`EnsembleInput` and :class:`EnsembleLinear` is an ordinary layer over
k m rows.
"""

import numpy as np

from .layer import Layer, LayerCache, Parameter
from .linear import Linear


class EnsembleInput(Layer):
    """A_j = X ⊙ r_j for every member j: m rows in, k m rows out.

    Parameters
    ----------
    n : int
        Input columns, n[0].
    k : int
        Members.

    Notes
    -----
    dr_j = sum over the rows i of dA_j[i] ⊙ x_i, and dA_prev = sum_j dA_j ⊙ r_j.
    Caches its input. r is trained and not L2-penalised; it starts as random
    signs (TabM's initialisation: the members differ from the first step).
    """

    kind = "ensemble_input"

    def __init__(self, n, k):
        self.n_in = self.n_out = int(n)
        self.k = int(k)
        self.row_factor = self.k

    def parameters(self):
        return (Parameter("r", (self.k, self.n_in), "signs"),)

    def initialize(self, p, rng, draw):
        p[0][...] = rng.choice([-1.0, 1.0], size=(self.k, self.n_in))

    def allocate(self, m, dtype, training, input_gradient=True):
        dA_prev = None
        if training and input_gradient:
            dA_prev = np.empty((m, self.n_in), dtype)
        return LayerCache(
            m,
            factors={"A": self.k},
            A=np.empty((self.k * m, self.n_out), dtype),
            dA_prev=dA_prev,
        )

    def forward(self, A_prev, p, cache, mode):
        """The k scaled copies of A_prev, member after member."""
        (r,) = p
        m = A_prev.shape[0]
        out = None if cache is None else cache.A
        if out is None:
            out = np.empty((self.k * m, self.n_out), A_prev.dtype)
        np.multiply(A_prev[None], r[:, None, :], out=out.reshape(self.k, m, -1))
        if mode.training:
            cache.A_prev = A_prev
        return out

    def backward(self, dA, p, dp, cache):
        """dr_j = sum_i dA_j[i] ⊙ x_i; dA_prev = sum_j dA_j ⊙ r_j (or None)."""
        (r,), (dr,) = p, dp
        A_prev = cache.A_prev
        dA3 = dA.reshape(self.k, A_prev.shape[0], -1)
        np.einsum("kmn,mn->kn", dA3, A_prev, out=dr)
        if cache.dA_prev is None:
            return None
        return np.einsum("kmn,kn->mn", dA3, r, out=cache.dA_prev)

    def spec(self):
        return self.kind, {"n": self.n_in, "k": self.k}

    @classmethod
    def examples(cls):
        return [cls(3, 2), cls(4, 3)]


class EnsembleLinear(Linear):
    """Z_j = A_j W_j + b_j: one linear layer per member, over k m rows.

    Parameters
    ----------
    n_in, n_out : int
        n[l-1] and n[l].
    k : int
        Members; the input's rows are k blocks, one per member.

    Notes
    -----
    W has shape (k, n_in, n_out) and b (k, n_out); per member, the equations
    of :class:`~skdnn._nn.linear.Linear`: dW_j = A_jᵀ dZ_j, db_j = column sums
    of dZ_j, dA_j = dZ_j W_jᵀ, as one batched product each.
    """

    kind = "ensemble_linear"

    def __init__(self, n_in, n_out, k):
        super().__init__(n_in, n_out)
        self.k = int(k)
        self.row_blocks = self.k

    def parameters(self):
        return (
            Parameter("W", (self.k, self.n_in, self.n_out), "fan", penalised=True),
            Parameter("b", (self.k, self.n_out), "fan"),
        )

    def initialize(self, p, rng, draw):
        p[0][...] = draw(rng, self.n_in, self.n_out, (self.k, self.n_in, self.n_out))
        p[1][...] = draw(rng, self.n_in, self.n_out, (self.k, self.n_out))

    def _blocks(self, A):
        return A.reshape(self.k, A.shape[0] // self.k, -1)

    def forward(self, A_prev, p, cache, mode):
        """Z_j = A_j W_j + b_j for every member's block of rows."""
        W, b = p
        Z = np.empty((A_prev.shape[0], self.n_out), A_prev.dtype)
        if cache is not None:
            Z = cache.Z
        Z3 = self._blocks(Z)
        np.matmul(self._blocks(A_prev), W, out=Z3)
        Z3 += b[:, None, :]
        if mode.training:
            cache.A_prev = A_prev
        return Z

    def backward(self, dZ, p, dp, cache):
        """dW_j = A_jᵀ dZ_j, db_j = column sums of dZ_j, dA_j = dZ_j W_jᵀ."""
        W, _ = p
        dW, db = dp
        dZ3 = self._blocks(dZ)
        np.add.reduce(dZ3, axis=1, out=db)
        np.matmul(self._blocks(cache.A_prev).transpose(0, 2, 1), dZ3, out=dW)
        if cache.dA_prev is None:
            return None
        np.matmul(dZ3, W.transpose(0, 2, 1), out=self._blocks(cache.dA_prev))
        return cache.dA_prev

    def spec(self):
        return self.kind, {"n_in": self.n_in, "n_out": self.n_out, "k": self.k}

    @classmethod
    def examples(cls):
        return [cls(4, 3, 2), cls(3, 1, 3)]
