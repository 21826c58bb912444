"""The tuned constants of skdnn/_fast/tuning.py, each against its neighbours.

Every constant there picks between ways of computing the same numbers. This
script times each choice side by side in one process, alternating the
candidates round by round, and prints one table per constant: the median time
of each candidate and its ratio to the chosen value's (> 1: slower than it).

    python benchmarks/tuning.py            # 3 minutes on 2 cores; TUNING.md
    python benchmarks/tuning.py --smoke    # tiny sizes, seconds: checks it runs

Time nothing else on the machine meanwhile.
"""

import argparse
import platform
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import skdnn
from skdnn import DeepNetClassifier, _fast
from skdnn._fast import tuning
from skdnn._nn import outputs
from skdnn._nn.activations import relu
from skdnn._train.optimizers import SGD, Adam

warnings.simplefilter("ignore", ConvergenceWarning)


def alternate(candidates, rounds):
    """Median seconds of each callable, run in turn, in a new order each round."""
    for run in candidates.values():
        run()
    rng = np.random.default_rng(0)
    times = {name: [] for name in candidates}
    for _ in range(rounds):
        for name in rng.permutation(list(candidates)).tolist():
            start = time.perf_counter()
            candidates[name]()
            times[name].append(time.perf_counter() - start)
    return times


def table(title, chosen, times, unit="ms", scale=1e3):
    """A markdown table: each candidate's median and its ratio to the chosen one."""
    base = np.array(times[chosen])
    lines = [f"## {title}", "", f"| candidate | median {unit} | / chosen |"]
    lines.append("|---|---|---|")
    for name, t in times.items():
        ratio = float(np.median(np.array(t) / base))
        mark = " (chosen)" if name == chosen else ""
        lines.append(f"| {name}{mark} | {np.median(t) * scale:.3g} | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


@contextmanager
def constant(name, value):
    """Set a constant of skdnn._fast.tuning for the duration of a block."""
    old = getattr(tuning, name)
    setattr(tuning, name, value)
    try:
        yield
    finally:
        setattr(tuning, name, old)


def with_constant(name, value, run):
    def timed():
        with constant(name, value):
            run()

    return timed


def predict_chunk(size, rounds):
    X = np.random.default_rng(0).standard_normal((size["predict_rows"], 784))
    clf = DeepNetClassifier((512, 512), max_iter=1, random_state=0)
    clf.fit(X[:300], np.arange(300) % 10)
    out = []
    for dtype in (np.float64, np.float32):
        model = clf if dtype == np.float64 else _as_float32(clf, X)
        data = X.astype(dtype)
        times = alternate(
            {
                f"{rows} rows": with_constant(
                    "PREDICT_CHUNK_ROWS",
                    rows,
                    lambda m=model, d=data: m.predict_proba(d),
                )
                for rows in (256, 1024, 4096)
            },
            rounds,
        )
        title = f"PREDICT_CHUNK_ROWS: predict_proba, {len(X)} rows, {dtype.__name__}"
        out.append(table(title, "1024 rows", times))
    return out


def _as_float32(clf, X):
    model = DeepNetClassifier((512, 512), max_iter=1, random_state=0)
    return model.fit(X[:300].astype(np.float32), np.arange(300) % 10)


def numpy_step_block(size, rounds):
    n_params = size["step_params"]
    return [
        _numpy_step_table(kind, dtype, n_params, rounds)
        for kind in ("sgd", "adam")
        for dtype in (np.float64, np.float32)
    ]


def _numpy_step_table(kind, dtype, n_params, rounds):
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n_params).astype(dtype)
    grad = rng.standard_normal(n_params).astype(dtype)
    Optimizer = SGD if kind == "sgd" else Adam
    optimizers = {
        block: Optimizer(n_params, dtype) for block in (1 << 14, 1 << 16, 1 << 18)
    }

    def step(block):
        def run():
            with constant("NUMPY_STEP_BLOCK", block):
                optimizers[block].update(theta, grad, 1e-6, (n_params // 2, 1e-9))

        return run

    with numpy_kernels():
        times = alternate(
            {f"{block} params": step(block) for block in optimizers}, rounds
        )
    title = (
        f"NUMPY_STEP_BLOCK: one {kind} step alone, {n_params} parameters, "
        f"{dtype.__name__}, NumPy"
    )
    return table(title, f"{1 << 16} params", times)


@contextmanager
def numpy_kernels():
    """Run a block on the NumPy steps, even with Numba installed."""
    old = _fast._BACKEND
    _fast._BACKEND = "numpy"
    try:
        yield
    finally:
        _fast._BACKEND = old


def compiled_step_block(size, rounds):
    if not _fast._compile():
        return ["## COMPILED_STEP_BLOCK: Numba is not installed\n"]
    n_params = size["step_params"]
    return [
        _compiled_step_table(dtype, n_params, rounds)
        for dtype in (np.float64, np.float32)
    ]


def _compiled_step_table(dtype, n_params, rounds):
    kernel = _fast._COMPILED["adam"]
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n_params).astype(dtype)
    grad = rng.standard_normal(n_params).astype(dtype)
    u, w = np.zeros_like(theta), np.zeros_like(theta)
    d = dtype
    scalars = (d(1e-9), d(0.9), d(0.999), d(1e-8), d(1e-6))

    def step(block):
        return lambda: kernel(theta, grad, u, w, n_params // 2, *scalars, block)

    blocks = (1024, 4096, 16384, 65536)
    times = alternate({f"{b} params": step(b) for b in blocks}, rounds)
    title = (
        f"COMPILED_STEP_BLOCK: one compiled adam step, {n_params} parameters, "
        f"{dtype.__name__}"
    )
    return table(title, "4096 params", times)


def relu_zeros(size, rounds):
    out = []
    for n in size["relu_sizes"]:
        Z = np.random.default_rng(0).standard_normal(n)
        A = np.empty_like(Z)
        zeros = np.zeros(n)
        times = alternate(
            {
                "zero buffer": lambda Z=Z, A=A, z=zeros: np.maximum(Z, z, out=A),
                "scalar 0": lambda Z=Z, A=A: np.maximum(Z, 0.0, out=A),
            },
            rounds * 20,
        )
        title = f"RELU_ZEROS_SIZE ({tuning.RELU_ZEROS_SIZE}): max(Z, 0), {n} float64"
        out.append(table(title, "zero buffer", times, "µs", 1e6))
    # and the function relu uses, which picks by RELU_ZEROS_SIZE
    Z = np.random.default_rng(0).standard_normal((256, 512))
    times = alternate({"relu": lambda: relu(Z, np.empty_like(Z))}, rounds)
    out.append(
        table("relu(Z) on (256, 512) float64, as used", "relu", times, "µs", 1e6)
    )
    return out


def row_max(size, rounds):
    out = []
    m = size["row_max_rows"]
    for columns in (2, 10, 32, 64, 128):
        Z = np.random.default_rng(0).standard_normal((m, columns))
        times = alternate(
            {
                "transposed copy": lambda Z=Z: np.maximum.reduce(Z.T.copy(), axis=0),
                "along the rows": lambda Z=Z: np.maximum.reduce(Z, axis=1),
            },
            rounds * 20,
        )
        chosen = (
            "transposed copy"
            if columns <= tuning.ROW_MAX_FEW_COLUMNS
            else "along the rows"
        )
        title = (
            f"ROW_MAX_FEW_COLUMNS ({tuning.ROW_MAX_FEW_COLUMNS}): row maxima of "
            f"({m}, {columns}) float64"
        )
        out.append(table(title, chosen, times, "µs", 1e6))
    for rows in size["copy_rows"]:
        Z = np.random.default_rng(0).standard_normal((rows, 10))
        times = alternate(
            {
                "transposed copy": lambda Z=Z: np.maximum.reduce(Z.T.copy(), axis=0),
                "along the rows": lambda Z=Z: np.maximum.reduce(Z, axis=1),
            },
            rounds * 5,
        )
        chosen = (
            "transposed copy" if rows <= tuning.ROW_MAX_COPY_ROWS else "along the rows"
        )
        title = (
            f"ROW_MAX_COPY_ROWS ({tuning.ROW_MAX_COPY_ROWS}): row maxima of "
            f"({rows}, 10) float64; the copy is {Z.nbytes / 2**20:.2g} MiB more"
        )
        out.append(table(title, chosen, times, "µs", 1e6))
    return out


def shared_ones(size, rounds):
    out = []
    for m in size["ones_rows"]:
        Z = np.random.default_rng(0).standard_normal((m, 10))
        times = alternate(
            {
                "shared buffer": lambda Z=Z: outputs._row_sum(Z),
                "new ones": lambda Z=Z: np.matmul(Z, np.ones(Z.shape[1])),
                "Z.sum(axis=1)": lambda Z=Z: Z.sum(axis=1),
            },
            rounds * 20,
        )
        title = (
            f"SHARED_ONES_SIZE ({tuning.SHARED_ONES_SIZE}): row sums of ({m}, 10) "
            "float64"
        )
        out.append(table(title, "shared buffer", times, "µs", 1e6))
    return out


def lbfgs_threads(size, rounds):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Xd, yd = load_digits(return_X_y=True)
    cases = [
        ("breast_cancer, hidden (50,)", X, y, (50,)),
        ("digits, hidden (256, 256)", Xd / 16.0, yd, (256, 256)),
    ]
    if size["lbfgs_large"]:
        rng = np.random.default_rng(0)
        big = rng.standard_normal((4000, 784))
        cases.append(("4000 x 784, hidden (512,)", big, np.arange(4000) % 10, (512,)))
    out = []
    for name, X_, y_, hidden in cases:
        units = (X_.shape[1], *hidden, len(np.unique(y_)))
        weights = sum(a * b for a, b in zip(units[:-1], units[1:], strict=True))
        work = X_.shape[0] * weights

        def fit(threads, X_=X_, y_=y_, hidden=hidden):
            def run():
                # a threshold below every fit leaves the choice to the limit here
                with constant("LBFGS_ONE_BLAS_THREAD_BELOW", 0):
                    with threadpool_limits(limits=threads, user_api="blas"):
                        DeepNetClassifier(
                            hidden, solver="lbfgs", max_iter=size["lbfgs_iter"]
                        ).set_params(random_state=0).fit(X_, y_)

            return run

        times = alternate({"1 thread": fit(1), "2 threads": fit(2)}, rounds)
        chosen = (
            "1 thread" if work < tuning.LBFGS_ONE_BLAS_THREAD_BELOW else "2 threads"
        )
        title = (
            f"LBFGS_ONE_BLAS_THREAD_BELOW ({tuning.LBFGS_ONE_BLAS_THREAD_BELOW:.0e}): "
            f"{name}, {work:.2g} multiply-adds per cost evaluation"
        )
        out.append(table(title, chosen, times))
    return out


SIZES = {
    "full": {
        "predict_rows": 50_000,
        "step_params": 670_000,
        "relu_sizes": [1 << 12, 1 << 16, 1 << 18, 1 << 20],
        "row_max_rows": 256,
        "copy_rows": [4096, 16384, 65536],
        "ones_rows": [200, 4096, 16384],
        "lbfgs_iter": 20,
        "lbfgs_large": True,
        "rounds": 7,
    },
    "smoke": {
        "predict_rows": 2_000,
        "step_params": 70_000,
        "relu_sizes": [1 << 10],
        "row_max_rows": 32,
        "copy_rows": [64],
        "ones_rows": [50],
        "lbfgs_iter": 2,
        "lbfgs_large": False,
        "rounds": 1,
    },
}
CONSTANTS = [
    predict_chunk,
    numpy_step_block,
    compiled_step_block,
    relu_zeros,
    row_max,
    shared_ones,
    lbfgs_threads,
]


def machine():
    """One line on the processor, BLAS and versions the figures come from."""
    blas = ", ".join(
        f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )
    numba = "with Numba" if _fast._compile() else "without Numba"
    return (
        f"{platform.machine()}, BLAS {blas}; Python {platform.python_version()}, "
        f"skdnn {skdnn.__version__} {numba}, NumPy {np.__version__}, "
        f"SciPy {scipy.__version__}, scikit-learn {sklearn.__version__}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it run?")
    parser.add_argument(
        "--output",
        default=None,
        help="where to write the report (default: benchmarks/TUNING.md; none for "
        "--smoke)",
    )
    args = parser.parse_args(argv)
    size = SIZES["smoke" if args.smoke else "full"]
    report = [
        "# The tuned constants against their neighbours\n",
        f"Command: `python benchmarks/tuning.py`. Machine: {machine()}.\n",
        'Medians of alternating runs in one process; "/ chosen" is the median '
        "of each round's ratio to the value skdnn uses (> 1: slower than it).\n",
    ]
    for measure in CONSTANTS:
        for section in measure(size, size["rounds"]):
            print(section, flush=True)
            report.append(section)
    text = "\n".join(report)
    output = args.output or (
        None if args.smoke else Path(__file__).with_name("TUNING.md")
    )
    if output is not None:
        Path(output).write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    main()
