"""Every tuned constant of skdnn, with the measurement that chose it.

None of these changes a result: each picks between ways of computing the same
numbers, by speed or memory, on the machine the measurement names (2 cores,
OpenBLAS). ``python benchmarks/tuning.py`` measures each one against its
neighbours, side by side in one process, and prints the table the figures
below come from; rerun it to check them on your machine.
"""

# Rows per block when predicting, so huge inputs never need n_samples x width.
# Blocks of 1 024 rows keep an input block and its activations in cache:
# predict_proba on 100 000 rows of the benchmark's (784, 512, 512, 10) net,
# float64, 1 469 ms against 1 539 ms with 4 096 (medians of 9 rotated rounds),
# 7 % faster on a narrow net, the same in float32; on 1 000 000 rows the peak
# memory is 42 MiB instead of 52.
PREDICT_CHUNK_ROWS = 1024

# Parameters per block of the NumPy optimiser steps: 512 KiB per float64
# array, so a block's arrays sit in the L3 cache while its 9-13 passes run.
# A NumPy pass over the L2 is hardly faster (~3e9 elements/s either way), and
# longer blocks mean fewer calls: one-epoch NumPy-only fits of the benchmark's
# large net (8 alternating rounds) were 1.05x (sgd float64), 1.00x (sgd
# float32), 1.05x (adam float64) and 1.04x (adam float32) faster than with
# blocks of 16 384.
NUMPY_STEP_BLOCK = 1 << 16

# Parameters per block of the compiled steps: a block is updated, then its
# ||W||² summed while it is still in the L1 cache (4 096 float64 are 32 KiB).
COMPILED_STEP_BLOCK = 4096

# np.maximum runs slower against the scalar 0 than against an array of zeros,
# so relu compares with a read-only view of a shared zero buffer of up to this
# many elements; larger arrays use the scalar.
RELU_ZEROS_SIZE = 1 << 18

# The row maxima of the softmax: NumPy reduces along a short last axis one row
# at a time, so for at most this many columns a transposed copy reduced down
# its columns is faster; past ROW_MAX_COPY_ROWS rows the copy's memory is not
# worth the time it saves.
ROW_MAX_FEW_COLUMNS = 32
ROW_MAX_COPY_ROWS = 1 << 14

# Row sums of the output layer multiply by a vector of ones; allocating it
# costs as much as the product for a few units, so up to this many rows it is
# a view of a shared read-only buffer.
SHARED_ONES_SIZE = 1 << 12

# L-BFGS alternates the network's products with SciPy's own work between
# them, and on two cores two BLAS threads then lose more in handing work to
# each other than they gain. One thread, measured against two on each fit
# (2 cores, OpenBLAS): 11x faster at 8.5e5 multiply-adds per cost
# evaluation, 2x at 1.5e8, 1.2x at 1e9, 0.89x (slower) at 2e9.
LBFGS_ONE_BLAS_THREAD_BELOW = 1e9
