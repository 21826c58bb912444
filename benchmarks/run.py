"""skdnn against MLPClassifier (and PyTorch eager, when importable), side by side.

Every comparison runs the libraries in one process on the same data, the same
architecture, solver, batch size, epochs and dtype, alternating their runs
round after round, and reports medians and their ratio. Writes the tables to
``benchmarks/RESULTS.md`` (with the machine, the library versions and this
command) and prints them. The file's last section, the run history (every
earlier run's figures, written by hand), is kept as it was.

Usage::

    python benchmarks/run.py            # the full benchmark (a few minutes)
    python benchmarks/run.py --smoke    # tiny sizes, seconds: checks it still runs
"""

import argparse
import gc
import os
import platform
import sys
import time
import tracemalloc
import warnings
from operator import itemgetter
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

import skdnn
from skdnn import DeepNetClassifier
from skdnn._fast import backend
from skdnn._train.optimizers import SGD, Adam

try:
    import torch
except ImportError:
    torch = None

warnings.simplefilter("ignore", ConvergenceWarning)

SIZES = {
    "full": dict(
        n=20_000,
        features=784,
        hidden=(512, 512),
        classes=10,
        batch=256,
        epochs=2,
        rounds=5,
        small_epochs=30,
        latency_calls=2000,
        throughput_rows=100_000,
        huge_rows=1_000_000,
        scaling_n=[10_000, 20_000, 40_000, 80_000, 160_000],
        scaling_widths=[128, 256, 512, 1024],
        lbfgs_max_iter=2000,
    ),
    "smoke": dict(
        n=600,
        features=20,
        hidden=(16, 16),
        classes=3,
        batch=64,
        epochs=1,
        rounds=1,
        small_epochs=2,
        latency_calls=20,
        throughput_rows=500,
        huge_rows=3000,
        scaling_n=[300, 600],
        scaling_widths=[8, 16],
        lbfgs_max_iter=20,
    ),
}


# ----------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------
class Timings(dict):
    """Median seconds of each run, keeping every round's times for paired ratios.

    The machine drifts between a fast and a slow mode (see
    docs/user_guide/performance.md); two runs of one round are close in time,
    so the median of their per-round quotients holds better than the quotient
    of two medians taken over all rounds.
    """

    def __init__(self, times):
        super().__init__({name: float(np.median(t)) for name, t in times.items()})
        self.rounds = times

    def ratio(self, ours, theirs):
        """Median over the rounds of theirs / ours, both timed in the same round."""
        return float(np.median(np.divide(self.rounds[theirs], self.rounds[ours])))


def alternate(runs, rounds):
    """Seconds of each callable, run in turn round after round, as Timings.

    One untimed round first warms up caches, thread pools and lazy imports.
    Each round runs them in a new (seeded) random order, so that no library
    systematically runs right after the same other one.
    """
    for run in runs.values():
        run()
    rng = np.random.default_rng(0)
    times = {name: [] for name in runs}
    for _ in range(rounds):
        for name in rng.permutation(list(runs)).tolist():
            gc.collect()
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)
    return Timings(times)


def synthetic(n, features, classes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, features)).astype(dtype)
    y = rng.integers(0, classes, n)
    return X, y


def epoch_flops(units, n, include_input_delta=False):
    """Multiply-add FLOPs of one epoch of forward and backward propagation."""
    pairs = list(zip(units[:-1], units[1:], strict=False))
    forward = sum(2 * n * a * b for a, b in pairs)
    weight_grads = forward
    deltas = sum(2 * n * a * b for a, b in pairs[(0 if include_input_delta else 1) :])
    return forward + weight_grads + deltas


def matmul_epoch(units, n, batch, dtype):
    """Time the matrix products of one epoch alone, on preallocated arrays."""
    rng = np.random.default_rng(0)
    W = [
        rng.standard_normal((a, b)).astype(dtype)
        for a, b in zip(units[:-1], units[1:], strict=False)
    ]
    # The epoch's batches: full ones, then the n % batch rows left over.
    rows = [batch] * (n // batch) + ([n % batch] if n % batch else [])
    A = [rng.standard_normal((batch, u)).astype(dtype) for u in units]
    dW = [np.empty_like(w) for w in W]
    dA = [np.empty((batch, u), dtype=dtype) for u in units]

    def run():
        for m in rows:
            for l, w in enumerate(W):
                np.matmul(A[l][:m], w, out=A[l + 1][:m])
            for l in range(len(W) - 1, -1, -1):
                np.matmul(A[l][:m].T, A[l + 1][:m], out=dW[l])
                if l > 0:
                    np.matmul(A[l + 1][:m], W[l].T, out=dA[l][:m])

    return run


# ----------------------------------------------------------------------------
# The contenders
# ----------------------------------------------------------------------------
def skdnn_fit(X, y, hidden, solver, batch, epochs, **params):
    # early_stopping=False: the same epochs on the same rows as MLPClassifier
    # (the default, "auto", would hold a validation split out from 1000 rows)
    return DeepNetClassifier(
        hidden,
        solver=solver,
        batch_size=batch,
        max_iter=epochs,
        n_iter_no_change=np.inf,
        early_stopping=False,
        random_state=0,
        **params,
    ).fit(X, y)


def mlp_fit(X, y, hidden, solver, batch, epochs, **params):
    return MLPClassifier(
        hidden,
        solver=solver,
        batch_size=batch,
        max_iter=epochs,
        n_iter_no_change=np.inf,
        random_state=0,
        **params,
    ).fit(X, y)


def torch_fit(X, y, hidden, solver, batch, epochs):
    """The same network and solver in PyTorch eager mode on the CPU."""
    torch.manual_seed(0)
    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    layers, previous = [], X.shape[1]
    for width in hidden:
        layers += [torch.nn.Linear(previous, width), torch.nn.ReLU()]
        previous = width
    layers.append(torch.nn.Linear(previous, int(y.max()) + 1))
    model = torch.nn.Sequential(*layers).to(dtype)
    if solver == "sgd":
        optimizer = torch.optim.SGD(
            model.parameters(), lr=0.001, momentum=0.9, nesterov=True
        )
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(epochs):
        order = torch.randperm(X_t.shape[0])
        for start in range(0, X_t.shape[0], batch):
            idx = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(X_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
    return model


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------
def case_large(size):
    rows = []
    units = [size["features"], *size["hidden"], size["classes"]]
    flops = epoch_flops(units, size["n"])
    for solver in ("sgd", "adam"):
        for dtype in (np.float64, np.float32):
            X, y = synthetic(size["n"], size["features"], size["classes"], dtype)
            common = (X, y, size["hidden"], solver, size["batch"], size["epochs"])
            runs = {
                "skdnn": lambda c=common: skdnn_fit(*c),
                "skdnn numpy": lambda c=common: with_kernels("numpy", skdnn_fit, *c),
                "MLPClassifier": lambda c=common: mlp_fit(*c),
                "matmul": matmul_epoch(units, size["n"], size["batch"], dtype),
                "step": step_epoch(units, size["n"], size["batch"], dtype, solver),
                "step numpy": lambda u=units, d=dtype, s=solver: with_kernels(
                    "numpy", step_epoch(u, size["n"], size["batch"], d, s)
                ),
            }
            if torch is not None:
                runs["torch"] = lambda c=common: torch_fit(*c)
            t = alternate(runs, size["rounds"])
            epochs = size["epochs"]
            profile = epoch_profile(*common)
            per_epoch = {
                k: v / epochs
                for k, v in t.items()
                if k not in ("matmul", "step", "step numpy")
            }
            rows.append(
                dict(
                    solver=solver,
                    dtype=np.dtype(dtype).name,
                    skdnn=per_epoch["skdnn"],
                    skdnn_numpy=per_epoch["skdnn numpy"],
                    mlp=per_epoch["MLPClassifier"],
                    torch=per_epoch.get("torch"),
                    gflops=flops / per_epoch["skdnn"] / 1e9,
                    matmul_gflops=flops / t["matmul"] / 1e9,
                    speedup=t.ratio("skdnn", "MLPClassifier"),
                    speedup_numpy=t.ratio("skdnn numpy", "MLPClassifier"),
                    speedup_torch=None if torch is None else t.ratio("skdnn", "torch"),
                    share=t.ratio("skdnn", "matmul") * epochs,
                    ceiling=t.ratio("matmul", "MLPClassifier") / epochs,
                    matmul=t["matmul"],
                    step=t["step"],
                    step_numpy=t["step numpy"],
                    profile=profile,
                )
            )
    return rows


class _Stopwatch:
    """Adds the time spent in wrapped callables to named totals.

    A call made inside another of the same name (a layer's method calling its
    base class's) is counted once, in the outer one.
    """

    def __init__(self):
        self.totals = {}
        self._depth = {}

    def wrap(self, name, function):
        def timed(*args, **kwargs):
            depth = self._depth.get(name, 0)
            self._depth[name] = depth + 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth[name] = depth
                if depth == 0:
                    self.totals[name] = (
                        self.totals.get(name, 0.0) + time.perf_counter() - start
                    )

        return timed

    def wrap_generator(self, name, function):
        def timed(*args, **kwargs):
            items = function(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.totals[name] = (
                        self.totals.get(name, 0.0) + time.perf_counter() - start
                    )
                yield item

        return timed


def epoch_profile(X, y, hidden, solver, batch, epochs):
    """Where one skdnn fit's time goes, timed inside the fit itself.

    Wraps the matrix products, the hidden layers' elementwise passes, the
    output layer's loss, the optimiser step and the batch gather with timers
    (a fraction of a microsecond each, against milliseconds per batch); the
    rest of the fit (deltas, Python, setup) is what they leave. Unlike timing
    each part alone, this sees the parts as they run in the fit, with each
    other's memory traffic in the caches.
    """
    from skdnn._nn import activations, batchnorm, dense, dropout, linear, outputs
    from skdnn._train import data, optimizers

    watch = _Stopwatch()
    saved = []

    def patch(owner, name, wrapped):
        saved.append((owner, name, vars(owner).get(name)))
        setattr(owner, name, wrapped)

    patch(linear, "matmul", watch.wrap("products", linear.matmul))
    patch(dense, "matmul", watch.wrap("products", dense.matmul))
    patch(
        linear,
        "matmul_transposed",
        watch.wrap("products", linear.matmul_transposed),
    )
    # the layers' time less their products is their elementwise passes (bias,
    # activation, its derivative, db); a layer inside another counts once
    for kind in (
        linear.Linear,
        dense.Dense,
        activations.Activation,
        batchnorm.BatchNorm,
        dropout.Dropout,
    ):
        for method in ("forward", "backward"):
            patch(kind, method, watch.wrap("layers", getattr(kind, method)))
    for step in (optimizers.SGD, optimizers.Adam):
        patch(step, "update", watch.wrap("step", step.update))
    for layer in outputs.OUTPUT_LAYERS.values():
        patch(layer, "loss", watch.wrap("loss", layer.loss))
    patch(
        data.Batches,
        "epoch",
        watch.wrap_generator("gather", data.Batches.epoch),
    )
    try:
        start = time.perf_counter()
        skdnn_fit(X, y, hidden, solver, batch, epochs)
        total = time.perf_counter() - start
    finally:
        for owner, name, original in reversed(saved):
            if original is None:
                delattr(owner, name)  # an instance's: back to its class's method
            else:
                setattr(owner, name, original)
    totals = watch.totals
    totals["layers"] = totals.get("layers", 0.0) - totals["products"]
    shares = {name: totals.get(name, 0.0) / total for name in PROFILE_PARTS}
    shares["rest"] = 1.0 - sum(shares.values())
    return shares


PROFILE_PARTS = ("products", "step", "layers", "loss", "gather")


def with_kernels(backend, run, *args):
    """Call ``run(*args)`` with skdnn's optimiser steps forced to ``backend``."""
    saved = os.environ.get("SKDNN_KERNELS")
    os.environ["SKDNN_KERNELS"] = backend
    try:
        return run(*args)
    finally:
        if saved is None:
            del os.environ["SKDNN_KERNELS"]
        else:
            os.environ["SKDNN_KERNELS"] = saved


def step_epoch(units, n, batch, dtype, solver):
    """Time one epoch's optimiser steps alone (L2 folded in), as fit runs them."""
    network_sizes = list(zip(units[:-1], units[1:], strict=False))
    n_weights = sum(a * b for a, b in network_sizes)
    n_params = n_weights + sum(b for _, b in network_sizes)
    rng = np.random.default_rng(0)
    theta = (0.01 * rng.standard_normal(n_params)).astype(dtype)
    grad = (0.01 * rng.standard_normal(n_params)).astype(dtype)
    optimizer = (SGD if solver == "sgd" else Adam)(n_params, dtype)
    n_batches = -(-n // batch)

    def run():
        for _ in range(n_batches):
            optimizer.update(theta, grad, 1e-9, (n_weights, 1e-4 / batch))

    return run


def case_small(size):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    epochs = size["small_epochs"]
    common = (X, y, (100,), "adam", 200, epochs)
    matmul = matmul_epoch([X.shape[1], 100, 10], X.shape[0], 200, X.dtype)

    def matmul_epochs():
        for _ in range(epochs):
            matmul()

    # Each round takes a fraction of a second and the timings here are bimodal
    # (docs/user_guide/performance.md), so this case gets more rounds than others.
    t = alternate(
        {
            "skdnn": lambda: skdnn_fit(*common),
            "mlp": lambda: mlp_fit(*common),
            "matmul": matmul_epochs,
        },
        5 * size["rounds"],
    )
    return {
        **{k: v / epochs for k, v in t.items()},
        "speedup": t.ratio("skdnn", "mlp"),
        "ceiling": t.ratio("matmul", "mlp"),
    }


def case_lbfgs(size):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    models = {}

    def fit(name, make):
        models[name] = make()

    kw = dict(solver="lbfgs", max_iter=size["lbfgs_max_iter"], random_state=0)
    t = alternate(
        {
            "skdnn": lambda: fit(
                "skdnn", lambda: DeepNetClassifier((50,), **kw).fit(X, y)
            ),
            "mlp": lambda: fit("mlp", lambda: MLPClassifier((50,), **kw).fit(X, y)),
        },
        size["rounds"] + 2,
    )
    return {
        name: dict(
            seconds=t[name], loss=models[name].loss_, n_iter=models[name].n_iter_
        )
        for name in ("skdnn", "mlp")
    }


def case_inference(size):
    X, y = synthetic(2000, size["features"], size["classes"], np.float64)
    kw = dict(max_iter=1, random_state=0, batch_size=size["batch"])
    ours = DeepNetClassifier(size["hidden"], **kw).fit(X, y)
    theirs = MLPClassifier(size["hidden"], **kw).fit(X, y)
    row = X[:1]
    calls = size["latency_calls"]

    def latency(model):
        def run():
            for _ in range(calls):
                model.predict_proba(row)

        return run

    t = alternate({"skdnn": latency(ours), "mlp": latency(theirs)}, size["rounds"] + 2)
    latency_us = {k: v / calls * 1e6 for k, v in t.items()}
    X_big, _ = synthetic(size["throughput_rows"], size["features"], 2, np.float64, 1)
    t = alternate(
        {
            "skdnn": lambda: ours.predict_proba(X_big),
            "mlp": lambda: theirs.predict_proba(X_big),
        },
        size["rounds"],
    )
    throughput = {k: size["throughput_rows"] / v for k, v in t.items()}
    return latency_us, throughput


def case_features(size):
    """The cost per epoch of dropout, clipping and batch norm, large net, adam."""
    rows = []
    for dtype in (np.float64, np.float32):
        X, y = synthetic(size["n"], size["features"], size["classes"], dtype)
        common = (X, y, size["hidden"], "adam", size["batch"], size["epochs"])
        t = alternate(
            {
                "default": lambda c=common: skdnn_fit(*c),
                "dropout=0.5": lambda c=common: skdnn_fit(*c, dropout=0.5),
                "max_grad_norm=1": lambda c=common: skdnn_fit(*c, max_grad_norm=1.0),
                "batch_norm": lambda c=common: skdnn_fit(*c, batch_norm=True),
            },
            size["rounds"],
        )
        rows.append(
            dict(
                dtype=np.dtype(dtype).name,
                **{k: v / size["epochs"] for k, v in t.items()},
            )
        )
    return rows


def peak_extra_bytes(run):
    """Peak memory allocated by ``run`` beyond what existed before it."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def case_memory(size):
    X, y = synthetic(size["n"], size["features"], size["classes"], np.float32)
    common = (X, y, size["hidden"], "sgd", size["batch"], 1)
    fit_bytes = {
        "skdnn": peak_extra_bytes(lambda: skdnn_fit(*common)),
        "mlp": peak_extra_bytes(lambda: mlp_fit(*common)),
    }
    ours = skdnn_fit(*common)
    theirs = mlp_fit(*common)
    X_huge, _ = synthetic(size["huge_rows"], size["features"], 2, np.float32, 2)
    predict_bytes = {
        "skdnn": peak_extra_bytes(lambda: ours.predict_proba(X_huge)),
        "mlp": peak_extra_bytes(lambda: theirs.predict_proba(X_huge)),
    }
    return fit_bytes, predict_bytes, X.nbytes, X_huge.nbytes


def case_scaling(size):
    """Median s/epoch over the sample counts, then over the widths.

    The sizes alternate round after round, like the libraries elsewhere, so a
    slow spell of the machine does not land on one size only. The sample counts
    are leading rows of one array.
    """
    rounds = max(1, size["rounds"] - 2)
    X, y = synthetic(
        max(size["scaling_n"]), size["features"], size["classes"], np.float32
    )

    def fit(n, hidden):
        return lambda: skdnn_fit(X[:n], y[:n], hidden, "sgd", size["batch"], 1)

    t = alternate({n: fit(n, size["hidden"]) for n in size["scaling_n"]}, rounds)
    samples = [(n, t[n]) for n in size["scaling_n"]]
    n = size["scaling_n"][1]
    t = alternate({w: fit(n, (w, w)) for w in size["scaling_widths"]}, rounds)
    widths = [(w, t[w]) for w in size["scaling_widths"]]
    return samples, widths


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------
def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = ", ".join(
        f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    )
    versions = (
        f"Python {platform.python_version()}, skdnn {skdnn.__version__}, NumPy "
        f"{np.__version__}, SciPy {scipy.__version__}, scikit-learn "
        f"{sklearn.__version__}, PyTorch "
        f"{torch.__version__ if torch is not None else 'not installed'}"
    )
    return f"{cpu}, {os.cpu_count()} cores; BLAS: {blas}", versions


def fmt_speedup(ratio):
    return "–" if ratio is None else f"{ratio:.2f}x"


def fmt_ratio(a, b):
    return fmt_speedup(None if a is None or b is None else b / a)


def report(size_name, size, results, elapsed, other_install=None):
    large, small, lbfgs, inference, memory, scaling, features = itemgetter(
        "large", "small", "lbfgs", "inference", "memory", "scaling", "features"
    )(results)
    cpu, versions = machine()
    kernels = (
        "compiled (Numba, `skdnn[fast]`)"
        if backend() == "numba"
        else "NumPy (Numba not installed)"
    )
    flag = " --smoke" if size_name == "smoke" else ""
    mib = 2**20
    lines = [
        "# Benchmark results",
        "",
        f"Command: `python benchmarks/run.py{flag}` ({elapsed:.0f} s). "
        f"Machine: {cpu}. {versions}.",
        "",
    ]
    if other_install is not None:
        lines += [
            f"**skdnn timed from {other_install}, not this checkout's code "
            "(`--any-install`).**",
            "",
        ]
    lines += [
        "Medians of alternating runs in one process; a speed-up is the other "
        "library's time divided by skdnn's (> 1 means skdnn is faster). In "
        "cases 1 and 2 the speed-ups, shares and ceilings are medians of the "
        "quotients of runs timed in the same round (robust to the machine's "
        "drift), so they may differ a little from the quotients of the medians.",
        "",
        f"## 1. Large net: {size['n']} x {size['features']}, hidden {size['hidden']}, "
        f"{size['classes']} classes, batch {size['batch']}, relu",
        "",
        f'skdnn\'s optimiser steps: {kernels}. "NumPy only" forces the NumPy '
        "steps in the same run (`SKDNN_KERNELS=numpy`).",
        "",
        "| solver | dtype | skdnn s/epoch | MLPClassifier s/epoch | speed-up vs MLP | "
        "NumPy only s/epoch | its speed-up vs MLP | "
        "PyTorch s/epoch | speed-up vs PyTorch | skdnn GFLOP/s | matmul GFLOP/s | "
        "share of matmul rate | ceiling vs MLP |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in large:
        torch_s = "–" if r["torch"] is None else f"{r['torch']:.3f}"
        lines.append(
            f"| {r['solver']} | {r['dtype']} | {r['skdnn']:.3f} | {r['mlp']:.3f} | "
            f"{r['speedup']:.2f}x | {r['skdnn_numpy']:.3f} | "
            f"{r['speedup_numpy']:.2f}x | {torch_s} | "
            f"{fmt_speedup(r['speedup_torch'])} | {r['gflops']:.1f} | "
            f"{r['matmul_gflops']:.1f} | {r['share']:.0%} | "
            f"{r['ceiling']:.2f}x |"
        )
    lines += [
        "",
        "The matmul rate is this machine's NumPy/BLAS speed on the same matrix "
        "products (forward, weight gradients and deltas of every batch), timed alone "
        "on preallocated arrays in the same run: the physical limit here. The "
        "ceiling is MLPClassifier's time over the time of those products alone: "
        "the speed-up of a library that spent no time on anything else.",
        "",
        "### Where an epoch goes (skdnn, case 1)",
        "",
        "Timed inside one fit of each case, after the rounds above: timers around "
        "the matrix products, the optimiser step (L2 folded in), the hidden "
        "layers' elementwise passes (bias, activation, its derivative, db), the "
        "output layer's loss (softmax) and the batch gather; the rest is the "
        "output delta, Python and the fit's setup.",
        "",
        "| solver | dtype | matrix products | optimiser step | hidden layers' "
        "passes | loss | batch gather | the rest | step alone, compiled / "
        "NumPy only |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in large:
        p = r["profile"]
        lines.append(
            f"| {r['solver']} | {r['dtype']} | "
            + " | ".join(f"{p[part]:.0%}" for part in (*PROFILE_PARTS, "rest"))
            + f" | {r['step'] / r['skdnn']:.0%} / "
            f"{r['step_numpy'] / r['skdnn_numpy']:.0%} |"
        )
    lines += [
        "",
        "The last column times one epoch's optimiser steps alone, on a parameter "
        "vector of the net's size, as a share of each path's epoch: alone, the "
        "vectors stay in the caches, so it is lower than the step's share inside "
        "the fit.",
        "",
        "## 2. Small net: digits 1797 x 64, hidden (100,), batch 200, adam",
        "",
        "| skdnn s/epoch | MLPClassifier s/epoch | speed-up | matmul s/epoch | "
        "ceiling vs MLP |",
        "|---|---|---|---|---|",
        f"| {small['skdnn'] * 1e3:.2f} ms | {small['mlp'] * 1e3:.2f} ms | "
        f"{small['speedup']:.2f}x | "
        f"{small['matmul'] * 1e3:.2f} ms | "
        f"{small['ceiling']:.2f}x |",
        "",
        "## 3. L-BFGS: breast_cancer (standardised), hidden (50,), to convergence",
        "",
        "| | seconds | iterations | final loss |",
        "|---|---|---|---|",
    ]
    for name, label in (("skdnn", "skdnn"), ("mlp", "MLPClassifier")):
        r = lbfgs[name]
        lines.append(
            f"| {label} | {r['seconds']:.3f} | {r['n_iter']} | {r['loss']:.3e} |"
        )
    latency, throughput = inference
    lines += [
        "| speed-up | "
        f"{fmt_ratio(lbfgs['skdnn']['seconds'], lbfgs['mlp']['seconds'])} | | |",
        "",
        f"## 4. Inference: predict_proba, hidden {size['hidden']}",
        "",
        "| | skdnn | MLPClassifier | skdnn / MLP |",
        "|---|---|---|---|",
        f"| 1-row latency (µs) | {latency['skdnn']:.1f} | {latency['mlp']:.1f} | "
        f"{latency['skdnn'] / latency['mlp']:.2f} |",
        f"| throughput, {size['throughput_rows']} rows (rows/s) | "
        f"{throughput['skdnn']:,.0f} | {throughput['mlp']:,.0f} | "
        f"{throughput['skdnn'] / throughput['mlp']:.2f} |",
    ]
    fit_bytes, predict_bytes, X_bytes, huge_bytes = memory
    lines += [
        "",
        "## 5. Memory (peak extra, tracemalloc; the input itself excluded)",
        "",
        "| | skdnn MiB | MLPClassifier MiB |",
        "|---|---|---|",
        f"| fit, case 1 sgd float32 (X is {X_bytes / mib:.0f} MiB) | "
        f"{fit_bytes['skdnn'] / mib:.1f} | {fit_bytes['mlp'] / mib:.1f} |",
        f"| predict_proba, {size['huge_rows']:,} x {size['features']} float32 "
        f"(X is {huge_bytes / mib:.0f} MiB) | {predict_bytes['skdnn'] / mib:.1f} | "
        f"{predict_bytes['mlp'] / mib:.1f} |",
    ]
    samples, widths = scaling
    lines += [
        "",
        f"## 6. Scaling: sgd float32, hidden {size['hidden']} over the sample "
        f"counts; hidden (w, w) on {size['scaling_n'][1]:,} samples over the widths",
        "",
        "| n_samples | s/epoch | x previous |",
        "|---|---|---|",
    ]
    for i, (n, t) in enumerate(samples):
        prev = "" if i == 0 else f"{t / samples[i - 1][1]:.2f}"
        lines.append(f"| {n:,} | {t:.3f} | {prev} |")
    lines += ["", "| width | s/epoch | x previous |", "|---|---|---|"]
    for i, (w, t) in enumerate(widths):
        prev = "" if i == 0 else f"{t / widths[i - 1][1]:.2f}"
        lines.append(f"| {w} | {t:.3f} | {prev} |")
    lines += [
        "",
        f"## 7. Training features: adam, hidden {size['hidden']}, the data of case 1",
        "",
        "| dtype | default s/epoch | dropout=0.5 s/epoch | cost | "
        "max_grad_norm=1 s/epoch | cost | batch_norm s/epoch | cost |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in features:
        base = r["default"]
        lines.append(
            f"| {r['dtype']} | {base:.3f} | {r['dropout=0.5']:.3f} | "
            f"{r['dropout=0.5'] / base - 1:+.0%} | {r['max_grad_norm=1']:.3f} | "
            f"{r['max_grad_norm=1'] / base - 1:+.0%} | {r['batch_norm']:.3f} | "
            f"{r['batch_norm'] / base - 1:+.0%} |"
        )
    return "\n".join(lines) + "\n"


CASES = {
    "large": case_large,
    "small": case_small,
    "lbfgs": case_lbfgs,
    "inference": case_inference,
    "memory": case_memory,
    "scaling": case_scaling,
    "features": case_features,
}


def stale_install(checkout, imported):
    """Why the imported skdnn is not this checkout's code, or None if it is.

    ``pip install .`` copies the package, so after an edit the copy benchmarks
    the old code; an editable install (``pip install -e .``) imports the
    checkout itself.
    """
    checkout, imported = Path(checkout).resolve(), Path(imported).resolve()
    if checkout == imported or not checkout.is_dir():
        return None
    sources = [
        path.relative_to(checkout) for path in checkout.rglob("*.py") if path.is_file()
    ]
    differ = sorted(
        source.as_posix()
        for source in sources
        if not any(part.startswith(".") for part in source.parts)
        and (
            not (imported / source).is_file()
            or (imported / source).read_bytes() != (checkout / source).read_bytes()
        )
    )
    if not differ:
        return None
    return (
        f"skdnn is imported from {imported}, which differs from this "
        f"checkout's {checkout} in {', '.join(differ)}: reinstall it "
        '(pip install -e ".[fast]") to benchmark this code, or pass '
        "--any-install to benchmark the installed one."
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the markdown (default benchmarks/RESULTS.md; "
        "--smoke writes nowhere unless given)",
    )
    parser.add_argument(
        "--any-install",
        action="store_true",
        help="benchmark the installed skdnn even if it is not this checkout's code",
    )
    args = parser.parse_args(argv)
    checkout = Path(__file__).resolve().parents[1] / "skdnn"
    imported = Path(skdnn.__file__).parent
    problem = stale_install(checkout, imported)
    if problem and not args.any_install:
        parser.error(problem)
    if problem:
        print(f"warning: {problem}", file=sys.stderr)
    size_name = "smoke" if args.smoke else "full"
    size = SIZES[size_name]
    output = args.output
    if output is None and not args.smoke:
        output = Path(__file__).resolve().parent / "RESULTS.md"

    start = time.perf_counter()
    results = {name: case(size) for name, case in CASES.items()}
    text = report(
        size_name,
        size,
        results,
        time.perf_counter() - start,
        other_install=imported if problem else None,
    )
    if output is not None:
        earlier = output.read_text(encoding="utf-8") if output.exists() else ""
        text = with_history(text, earlier)
        output.write_text(text, encoding="utf-8")
    print(text)
    return text


HISTORY = "## Run history"


def with_history(report, earlier):
    """The new report, followed by the run history of the earlier file, if any."""
    if HISTORY not in earlier:
        return report
    return report.rstrip("\n") + "\n\n" + earlier[earlier.index(HISTORY) :]


if __name__ == "__main__":
    sys.exit(main() and 0)
