"""Every tuned constant of skdnn, with the measurement that chose it.

None of these changes a result: each picks between ways of computing the same
numbers, by speed or memory. ``python benchmarks/tuning.py`` times each one
against its neighbours, side by side in one process, and writes the tables
(``benchmarks/TUNING.md``) that the "now" figures below come from (2-core AMD
EPYC, OpenBLAS, 2026-12-02); rerun it to check them on your machine. A ratio is
the neighbour's time over the chosen value's: above 1, the neighbour is slower.
"""

# Rows per block when predicting, so huge inputs never need n_samples x width.
# Blocks of 1 024 rows keep an input block and its activations in cache. Then
# (100 000 rows of the benchmark's (784, 512, 512, 10) net, float64, medians of
# 9 rotated rounds): 4 096 rows 1.05x, 7 % slower on a narrow net, the same in
# float32; 1 000 000 rows peak at 42 MiB instead of 52. Now (50 000 rows):
# 256 rows 1.32x (float64 and float32), 4 096 rows 0.98x and 1.04x.
PREDICT_CHUNK_ROWS = 1024

# Parameters per block of the NumPy optimiser steps: 512 KiB per float64
# array, so a block's arrays sit in the L3 cache while its 9-13 passes run.
# A NumPy pass over the L2 is hardly faster (~3e9 elements/s either way), and
# longer blocks mean fewer calls. Then (one-epoch NumPy-only fits of the
# benchmark's large net, 8 alternating rounds) 16 384 was 1.05x (sgd float64),
# 1.00x (sgd float32), 1.05x (adam float64), 1.04x (adam float32). Now (one
# step alone, 670 000 parameters): 16 384 1.11-1.38x, 262 144 0.94-1.01x, which
# inside a fit, where the products push the vectors out of the caches, buys
# nothing measurable.
NUMPY_STEP_BLOCK = 1 << 16

# Parameters per block of the compiled steps: a block is updated, then its
# ||W||² summed while it is still in the L1 cache (4 096 float64 are 32 KiB).
# Now (one compiled adam step, 670 000 parameters): 1 024, 16 384 and 65 536
# are 0.98-1.06x, level within noise.
COMPILED_STEP_BLOCK = 4096

# np.maximum runs slower against the scalar 0 than against an array of zeros,
# so relu compares with a read-only view of a shared zero buffer of up to this
# many elements; larger arrays use the scalar. Now: the scalar is 1.70-1.75x
# slower from 4 096 to 262 144 float64, and 0.82x (faster) at 1 048 576.
RELU_ZEROS_SIZE = 1 << 18

# The row maxima of the softmax: NumPy reduces along a short last axis one row
# at a time, so for at most this many columns a transposed copy reduced down
# its columns is faster. Now (256 rows): along the rows is 5.0x slower for 2
# columns, 3.5x for 10, 1.6x for 32, 0.97x for 64 and 0.47x for 128.
ROW_MAX_FEW_COLUMNS = 32
# Past this many rows the copy's memory is not worth the time it saves:
# predict_proba takes the softmax of all its rows at once, and on 1 000 000
# rows of 10 classes the copy would be 80 MiB more (its peak is 46 MiB). The
# copy is still 2.4x faster at 65 536 rows of 10 columns (5 MiB).
ROW_MAX_COPY_ROWS = 1 << 14

# Row sums of the output layer multiply by a vector of ones; up to this many
# rows it is a view of a shared read-only buffer. Now (10 columns): a new
# vector of ones is 1.28x slower at 200 rows, 1.06x at 4 096 (np.sum along the
# rows: 2.6x and 7.4x).
SHARED_ONES_SIZE = 1 << 12

# L-BFGS alternates the network's products with SciPy's own work between
# them, and on two cores two BLAS threads then lose more in handing work to
# each other than they gain. Then (the machine's slow mode), one thread against
# two: 11x faster at 8.5e5 multiply-adds per cost evaluation, 2x at 1.5e8,
# 1.2x at 1e9, 0.89x (slower) at 2e9. Now (fast mode): two threads 0.99x at
# 9.1e5 (level), 2.18x slower at 1.5e8, one thread 1.02x slower at 1.6e9.
LBFGS_ONE_BLAS_THREAD_BELOW = 1e9
