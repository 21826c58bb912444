"""The L2 penalty of the cost, its gradient and the step that folds it in.

The cost of a batch of m rows (m = sum_i s_i with sample weights) is the
course's regularised cost::

    J = (1/m) sum_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²_F

and the penalty adds λ/m W[l] to dW[l]. It covers the parameters declared
``penalised`` (every W[l], no bias), which the layout puts first:
``theta[:n_penalised]``. This module is the one place that knows it; the
optimiser steps take the same term as :meth:`L2.coefficient`, (n, λ/m), and
add c θ[:n] to the gradient inside their single pass over the parameters.
"""

import numpy as np


class L2:
    """λ/(2m) sum_l ||W[l]||²: its cost term, its gradient, its coefficient.

    Parameters
    ----------
    alpha : float
        λ, > 0.
    n_penalised : int
        ``theta[:n_penalised]`` is what the penalty covers.
    """

    def __init__(self, alpha, n_penalised):
        self.alpha = alpha
        self.n_penalised = n_penalised
        self._scratch = None

    def cost(self, theta, norm_sq=None):
        """λ/2 ||W||², the penalty's share of m J.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            The parameters.
        norm_sq : float, default=None
            ||W||² of ``theta``, if already known (an optimiser step returns
            it); else computed here.
        """
        if norm_sq is None:
            weights = theta[: self.n_penalised]
            norm_sq = float(weights @ weights)
        return 0.5 * self.alpha * norm_sq

    def add_gradient(self, theta, grad, total_weight):
        """grad[:n] += λ/m θ[:n], the gradient of λ/(2m) ||W||².

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
            The parameters.
        grad : ndarray of shape (n_params,)
            The gradient, updated in place.
        total_weight : float
            m, or sum_i s_i.
        """
        n = self.n_penalised
        scratch = self._scratch
        if scratch is None or scratch.dtype != grad.dtype or len(scratch) != n:
            scratch = self._scratch = np.empty(n, grad.dtype)
        np.multiply(theta[:n], self.alpha / total_weight, out=scratch)
        grad[:n] += scratch

    def coefficient(self, total_weight):
        """(n, λ/m): an optimiser step adds λ/m θ[:n] to the gradient it reads."""
        return self.n_penalised, self.alpha / total_weight
