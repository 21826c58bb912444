"""The ReLU hidden layer's elementwise passes, compiled with Numba.

Imported by :mod:`skdnn._kernels` only when Numba is installed
(``skdnn[fast]``). NumPy does a ReLU layer's elementwise work in separate
passes over the batch: Z += b, then max(Z, 0) forward; the mask Z > 0, the
product with dA, then the column sums db backward. Each kernel here does one
layer's share in a single pass, with the same arithmetic in the same order as
:mod:`skdnn._network`'s NumPy path (db summed row after row, as
``np.add.reduce(dZ, axis=0)`` does), so both give the same numbers.

``zero`` is 0 in the arrays' dtype: a float64 literal would turn float32
arithmetic into float64, which does not vectorise as well.
"""

import numba

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def bias_relu(Z, b, A, zero):
    """Z += b, then A = max(Z, 0) as np.maximum gives it; A may be Z."""
    for i in range(Z.shape[0]):
        z, a = Z[i], A[i]
        for j in range(z.shape[0]):
            x = z[j] + b[j]
            z[j] = x
            a[j] = zero if x < zero else x  # NaN passes, as np.maximum's


@_jit
def relu_backward_sum(dA, A, db, zero):
    """dA *= (A > 0) in place (dZ = dA * g'(Z)), and db = its column sums."""
    one = zero**0
    for j in range(db.shape[0]):
        db[j] = zero
    for i in range(dA.shape[0]):
        d, a = dA[i], A[i]
        for j in range(d.shape[0]):
            x = d[j] * (one if a[j] > zero else zero)
            d[j] = x
            db[j] += x
