"""Is a checkout of skdnn as fast as another? The same fits, alternated in one process.

Imports the other checkout's package under the name ``skdnn_old`` (a copy in a
temporary folder, so its compiled-kernel cache is its own), then runs the same
fit with each, round after round in alternating order, and prints the median
of the per-round ratios new / old (below 1: the new one is faster) with its
range. Two versions timed side by side in one process see the same state of
the machine, which a shared machine's drift would otherwise hide.

    git worktree add ../old ec6fb99     # 0.1.0, or any commit
    python benchmarks/time_versions.py ../old                # both kernels
    SKDNN_KERNELS=numpy python benchmarks/time_versions.py ../old

Cases: a digits fit of the defaults (30 epochs, no early stopping) and one
epoch of the (784, 512, 512, 10) network on 20 000 rows, sgd and adam, float64
and float32. Time nothing else on the machine meanwhile.
"""

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

warnings.simplefilter("ignore")


def cases():
    X, y = load_digits(return_X_y=True)
    digits = (X / 16.0, y)
    rng = np.random.default_rng(0)
    X_large, y_large = rng.random((20000, 784)), rng.integers(0, 10, 20000)
    large = {
        "float64": (X_large, y_large),
        "float32": (X_large.astype(np.float32), y_large),
    }

    def digits_fit(module):
        module.DeepNetClassifier(
            random_state=0, early_stopping=False, max_iter=30, tol=0
        ).fit(*digits)

    def large_fit(module, solver, dtype):
        module.DeepNetClassifier(
            (512, 512),
            solver=solver,
            batch_size=256,
            max_iter=1,
            early_stopping=False,
            random_state=0,
        ).fit(*large[dtype])

    yield "digits", digits_fit, 21
    for solver in ("sgd", "adam"):
        for dtype in ("float64", "float32"):
            yield (
                f"large {solver} {dtype}",
                lambda m, s=solver, d=dtype: large_fit(m, s, d),
                9,
            )


def import_other(tree, directory):
    """The skdnn package of ``tree``, imported as ``skdnn_old``."""
    shutil.copytree(
        Path(tree) / "skdnn",
        Path(directory) / "skdnn_old",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    sys.path.insert(0, str(directory))
    return importlib.import_module("skdnn_old")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the other checkout, timed against this one")
    parser.add_argument("--rounds", type=float, default=1.0, help="scale the rounds")
    args = parser.parse_args(argv)
    # this checkout's package, whatever else is installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdnn

    print(f"new: {Path(skdnn.__file__).parent}, old: {Path(args.old) / 'skdnn'}")

    kernels = os.environ.get("SKDNN_KERNELS", "auto")
    with tempfile.TemporaryDirectory() as directory:
        old = import_other(args.old, directory)
        for name, run, rounds in cases():
            run(skdnn)
            run(old)  # warm up: kernels, caches
            ratios = []
            for r in range(max(3, int(rounds * args.rounds))):
                order = [skdnn, old] if r % 2 == 0 else [old, skdnn]
                seconds = {}
                for module in order:
                    start = time.perf_counter()
                    run(module)
                    seconds[module] = time.perf_counter() - start
                ratios.append(seconds[skdnn] / seconds[old])
            print(
                f"{name:20s} SKDNN_KERNELS={kernels:6s} new/old median "
                f"{np.median(ratios):.3f} (min {min(ratios):.3f}, "
                f"max {max(ratios):.3f}, {len(ratios)} rounds)",
                flush=True,
            )


if __name__ == "__main__":
    main()
