"""Do two independent products run faster side by side than on BLAS's threads?

Layer l's backward pass makes two products from dZ[l] that do not depend on
each other: dW[l] = A[l-1]ᵀ @ dZ[l] and dA[l-1] = dZ[l] @ W[l]ᵀ. On a 2-core
machine they could run at the same time, one per core on one BLAS thread each,
instead of one after the other on OpenBLAS's two threads. This times, for the
hidden layer (512, 512) of the benchmark's large network and a batch of 256:

- "2 threads, in turn": both products one after the other, BLAS on 2 threads
  (what skdnn does);
- "1 thread, in turn": the same on one BLAS thread;
- "1 thread, side by side": one product in a second Python thread (NumPy
  releases the GIL), the other in the calling thread, BLAS on one thread.

Run: ``python benchmarks/concurrent_products.py`` (about 10 seconds).
"""

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits


def measure(dtype, batch=256, width=512, repeats=20, rounds=15, seed=0):
    """Median seconds per pair of products for each way of running them.

    Parameters
    ----------
    dtype : numpy dtype
        float64 or float32.
    batch, width : int, default=256, 512
        m, and n[l-1] = n[l] of the hidden layer.
    repeats : int, default=20
        Pairs timed together, per round and way.
    rounds : int, default=15
        Rounds; each times every way once, in turn.
    seed : int, default=0
        Seed of the random operands.

    Returns
    -------
    dict
        Way -> median seconds per pair.
    """
    rng = np.random.default_rng(seed)
    A, dZ = (rng.standard_normal((batch, width)).astype(dtype) for _ in range(2))
    W = rng.standard_normal((width, width)).astype(dtype)
    dW, dA = np.empty((width, width), dtype), np.empty((batch, width), dtype)

    with ThreadPoolExecutor(max_workers=1) as partner:

        def in_turn():
            np.matmul(A.T, dZ, out=dW)
            np.matmul(dZ, W.T, out=dA)

        def side_by_side():
            other = partner.submit(np.matmul, A.T, dZ, out=dW)
            np.matmul(dZ, W.T, out=dA)
            other.result()

        ways = {
            "2 threads, in turn": (None, in_turn),
            "1 thread, in turn": (1, in_turn),
            "1 thread, side by side": (1, side_by_side),
        }
        times = {name: [] for name in ways}
        for _ in range(rounds):
            for name, (threads, run) in ways.items():
                with threadpool_limits(limits=threads, user_api="blas"):
                    run()
                    start = time.perf_counter()
                    for _ in range(repeats):
                        run()
                    times[name].append((time.perf_counter() - start) / repeats)
        dW[...] = dA[...] = 0
        with threadpool_limits(limits=1, user_api="blas"):
            side_by_side()
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(dW, A.T @ dZ, rtol=tol, atol=tol * width)
    np.testing.assert_allclose(dA, dZ @ W.T, rtol=tol, atol=tol * width)
    return {name: float(np.median(t)) for name, t in times.items()}


def main(argv=None):
    """Time the three ways in float64 and float32 and print one line each.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments; ``--smoke`` uses tiny sizes.

    Returns
    -------
    list of str
        The printed lines.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds")
    args = parser.parse_args(argv)
    kw = dict(batch=16, width=32, repeats=2, rounds=2) if args.smoke else {}
    lines = []
    for dtype in (np.float64, np.float32):
        result = measure(dtype, **kw)
        base = result["2 threads, in turn"]
        for name, seconds in result.items():
            line = (
                f"{np.dtype(dtype).name:8} {name:24} {seconds * 1e3:8.3f} ms"
                f"   {base / seconds:5.2f}x vs 2 threads, in turn"
            )
            lines.append(line)
            print(line)
    return lines


if __name__ == "__main__":
    main()
