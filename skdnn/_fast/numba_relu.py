"""The ReLU layers' elementwise passes, compiled with Numba.

Imported by :mod:`skdnn._fast` only when Numba is installed (``skdnn[fast]``).
Each kernel is one pass over a batch, with the arithmetic of the NumPy code it
replaces, in the same order, so both give the same numbers:

- :func:`relu` and :func:`relu_backward`, for the ReLU
  :class:`~skdnn._nn.activations.Activation` layer: NumPy computes
  dZ = dA * g'(Z) in two passes (the mask Z > 0 as an array of its own, then
  the product);
- :func:`bias_relu` and :func:`relu_backward_sum`, for a ReLU
  :class:`~skdnn._nn.dense.Dense` layer: Z += b and max(Z, 0) forward, the mask
  and db backward (summed row after row, as ``np.add.reduce(dZ, axis=0)``
  does), which NumPy does in two and three passes.

``zero`` is 0 in the arrays' dtype: a float64 literal would turn float32
arithmetic into float64, which does not vectorise as well.
"""

import numba

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def relu(Z, A, zero):
    """A = max(Z, 0) as np.maximum gives it (NaN passes, -0 gives 0); A may be Z."""
    for i in range(Z.shape[0]):
        z, a = Z[i], A[i]
        for j in range(z.shape[0]):
            x = z[j]
            a[j] = zero if x <= zero else x


@_jit
def relu_backward(dA, A, zero):
    """dA *= (A > 0) in place: dZ = dA * g'(Z), as A > 0 exactly where Z > 0."""
    one = zero**0
    for i in range(dA.shape[0]):
        d, a = dA[i], A[i]
        for j in range(d.shape[0]):
            d[j] = d[j] * (one if a[j] > zero else zero)


@_jit
def bias_relu(Z, b, A, zero):
    """Z += b, then A = max(Z, 0) as np.maximum gives it; A may be Z."""
    for i in range(Z.shape[0]):
        z, a = Z[i], A[i]
        for j in range(z.shape[0]):
            x = z[j] + b[j]
            z[j] = x
            a[j] = zero if x <= zero else x


@_jit
def relu_backward_sum(dA, A, db, zero):
    """dA *= (A > 0) in place, and db = its column sums, row after row."""
    one = zero**0
    for j in range(db.shape[0]):
        db[j] = zero
    for i in range(dA.shape[0]):
        d, a = dA[i], A[i]
        for j in range(d.shape[0]):
            x = d[j] * (one if a[j] > zero else zero)
            d[j] = x
            db[j] += x
