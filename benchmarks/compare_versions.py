"""Are two checkouts of skdnn training the same networks? Parameters, bit for bit.

Trains every configuration below with the skdnn of each tree (each in its own
process, ``PYTHONPATH`` pointing at it) and compares what they learned: every
W[l], b[l], batch norm's γ[l] and running statistics, the loss curve and the
predictions. A refactor that must not change results is checked this way:

    git worktree add ../old ec6fb99    # 0.1.0, or any commit
    python benchmarks/compare_versions.py ../old .

prints one line per configuration and kernel backend (NumPy, and Numba when
installed), "identical" or the largest relative difference, and exits 1 if any
differs by more than ``--rtol`` (0: bit for bit).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

# name: (estimator, parameters, data, fit); data and fit are interpreted below.
CONFIGURATIONS = {
    "adam f64": ("classifier", {}, "digits", "fit"),
    "adam f32": ("classifier", {}, "digits32", "fit"),
    "sgd f64": (
        "classifier",
        {"solver": "sgd", "learning_rate": 0.05},
        "digits",
        "fit",
    ),
    "sgd f32": (
        "classifier",
        {"solver": "sgd", "learning_rate": 0.05},
        "digits32",
        "fit",
    ),
    "sgd plain momentum": (
        "classifier",
        {"solver": "sgd", "nesterovs_momentum": False, "learning_rate": 0.05},
        "digits",
        "fit",
    ),
    "lbfgs f64": ("classifier", {"solver": "lbfgs", "max_iter": 60}, "digits", "fit"),
    "lbfgs f32": ("classifier", {"solver": "lbfgs", "max_iter": 60}, "digits32", "fit"),
    "lbfgs batch norm": (
        "classifier",
        {"solver": "lbfgs", "batch_norm": True, "max_iter": 40},
        "digits",
        "fit",
    ),
    "dropout f64": ("classifier", {"dropout": [0.3, 0.1]}, "digits", "fit"),
    "dropout f32": ("classifier", {"dropout": [0.3, 0.1]}, "digits32", "fit"),
    "batch norm adam f64": ("classifier", {"batch_norm": True}, "digits", "fit"),
    "batch norm sgd f32": (
        "classifier",
        {"batch_norm": True, "solver": "sgd", "learning_rate": 0.05},
        "digits32",
        "fit",
    ),
    "batch norm + dropout + weights": (
        "classifier",
        {"batch_norm": True, "dropout": 0.2},
        "digits_weighted",
        "fit",
    ),
    "clipping sgd": (
        "classifier",
        {"solver": "sgd", "learning_rate": 0.1, "max_grad_norm": 0.5},
        "digits",
        "fit",
    ),
    "clipping adam f32": ("classifier", {"max_grad_norm": 0.5}, "digits32", "fit"),
    "class weight balanced": (
        "classifier",
        {"class_weight": "balanced"},
        "imbalanced",
        "fit",
    ),
    "sample weight sgd": (
        "classifier",
        {"solver": "sgd", "learning_rate": 0.05},
        "digits_weighted",
        "fit",
    ),
    "sample weight lbfgs": (
        "classifier",
        {"solver": "lbfgs", "max_iter": 40},
        "digits_weighted",
        "fit",
    ),
    "activations per layer": (
        "classifier",
        {"activation": ["tanh", "leaky_relu"], "leaky_relu_slope": 0.1},
        "digits",
        "fit",
    ),
    "logistic, small init": (
        "classifier",
        {"activation": "logistic", "init": "small"},
        "digits",
        "fit",
    ),
    "no hidden layer": ("classifier", {"hidden_layer_sizes": ()}, "digits", "fit"),
    "binary": ("classifier", {}, "binary", "fit"),
    "multilabel": ("classifier", {}, "multilabel", "fit"),
    "early stopping, scoring": (
        "classifier",
        {"early_stopping": True, "scoring": "accuracy"},
        "digits",
        "fit",
    ),
    "adaptive schedule sgd": (
        "classifier",
        {"solver": "sgd", "learning_rate_schedule": "adaptive", "tol": 1e-2},
        "digits",
        "fit",
    ),
    "invscaling sgd": (
        "classifier",
        {"solver": "sgd", "learning_rate_schedule": "invscaling", "learning_rate": 0.5},
        "digits",
        "fit",
    ),
    "sparse input": ("classifier", {}, "sparse", "fit"),
    "partial_fit x5": ("classifier", {}, "digits", "partial_fit"),
    "partial_fit batch norm f32": (
        "classifier",
        {"batch_norm": True},
        "digits32",
        "partial_fit",
    ),
    "warm start": (
        "classifier",
        {"warm_start": True, "max_iter": 15},
        "digits",
        "warm",
    ),
    "regressor adam": ("regressor", {}, "friedman", "fit"),
    "regressor sgd f32": (
        "regressor",
        {"solver": "sgd", "learning_rate": 0.01},
        "friedman32",
        "fit",
    ),
    "regressor lbfgs multi-output": (
        "regressor",
        {"solver": "lbfgs", "max_iter": 50},
        "multioutput",
        "fit",
    ),
    "regressor batch norm dropout weights": (
        "regressor",
        {"batch_norm": True, "dropout": 0.1},
        "friedman_weighted",
        "fit",
    ),
    "regressor partial_fit": ("regressor", {}, "friedman", "partial_fit"),
}

RUNNER = r"""
import json, sys, warnings
import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_digits, make_friedman1, make_regression
import skdnn

warnings.simplefilter("ignore")
configurations = json.loads(sys.argv[1])
out = sys.argv[2]
digits_X, digits_y = load_digits(return_X_y=True)
digits_X = digits_X[:600] / 16.0
digits_y = digits_y[:600]
rng = np.random.default_rng(0)
weights = rng.uniform(0.0, 3.0, size=600)
fX, fy = make_friedman1(400, random_state=0)
mX, mY = make_regression(300, 8, n_targets=3, noise=5.0, random_state=0)


def data(name):
    if name == "digits":
        return digits_X, digits_y, None
    if name == "digits32":
        return digits_X.astype(np.float32), digits_y, None
    if name == "digits_weighted":
        return digits_X, digits_y, weights
    if name == "imbalanced":
        keep = (digits_y != 3) | (np.arange(600) % 5 == 0)
        return digits_X[keep], digits_y[keep], None
    if name == "binary":
        return digits_X, digits_y % 2, None
    if name == "multilabel":
        return digits_X, np.stack([digits_y % 2, digits_y > 4, digits_y == 0], 1), None
    if name == "sparse":
        return sp.csr_matrix(digits_X), digits_y, None
    if name == "friedman":
        return fX, fy, None
    if name == "friedman32":
        return fX.astype(np.float32), fy, None
    if name == "friedman_weighted":
        return fX, fy, weights[:400]
    if name == "multioutput":
        return mX / mX.std(0), mY, None
    raise KeyError(name)


results = {}
for name, (kind, params, data_name, how) in configurations.items():
    classifier = kind == "classifier"
    Estimator = skdnn.DeepNetClassifier if classifier else skdnn.DeepNetRegressor
    params = {"hidden_layer_sizes": (32, 16), "max_iter": 30, **params}
    params.setdefault("random_state", 0)
    X, y, sw = data(data_name)
    est = Estimator(**params)
    if how == "fit":
        est.fit(X, y, sample_weight=sw)
    elif how == "warm":
        est.fit(X, y)
        est.fit(X, y)
    else:
        extra = {"classes": np.unique(y)} if kind == "classifier" else {}
        step = X.shape[0] // 5
        for start in range(0, 5 * step, step):
            est.partial_fit(X[start:start + step], y[start:start + step], **extra)
    arrays = {}
    for i, W in enumerate(est.coefs_):
        arrays[f"W{i + 1}"] = W
    for i, b in enumerate(est.intercepts_):
        arrays[f"b{i + 1}"] = b
    for part in ("gamma", "running_mean", "running_var"):
        values = getattr(est, f"batch_norm_{part}_")
        for i, v in enumerate(values or []):
            arrays[f"{part}{i + 1}"] = v
    arrays["loss_curve"] = np.asarray(est.loss_curve_)
    method = est.predict_proba if kind == "classifier" else est.predict
    arrays["prediction"] = method(X)
    for key, value in arrays.items():
        results[f"{name}|{key}"] = np.asarray(value)
np.savez(out, **results)
"""


def run_tree(tree, backend, directory):
    """Train every configuration with the skdnn of ``tree``; the saved arrays."""
    out = Path(directory) / f"{Path(tree).resolve().name}-{backend}.npz"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(tree).resolve()),
        "SKDNN_KERNELS": backend,
    }
    check = "import skdnn, sys; print(skdnn.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", check],
        env=env,
        cwd=directory,  # not this checkout, which "python -c" would import from
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not where.startswith(str(Path(tree).resolve())):
        raise SystemExit(f"{tree}: imported skdnn from {where}, not from the tree")
    subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(CONFIGURATIONS), str(out)],
        env=env,
        cwd=directory,
        check=True,
    )
    return dict(np.load(out))


def compare(a, b, rtol):
    """Per configuration: the largest relative difference of any array."""
    worst = {}
    for key in sorted(set(a) | set(b)):
        name = key.split("|")[0]
        if key not in a or key not in b:
            worst[name] = np.inf
            continue
        x, y = a[key], b[key]
        if x.shape != y.shape:
            worst[name] = np.inf
            continue
        scale = np.maximum(np.abs(x), np.abs(y))
        diff = np.abs(x.astype(np.float64) - y.astype(np.float64))
        rel = float(np.max(diff / np.where(scale > 0, scale, 1.0), initial=0.0))
        worst[name] = max(worst.get(name, 0.0), rel)
    return worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the checkout trained first (the reference)")
    parser.add_argument("new", help="the checkout compared with it")
    parser.add_argument("--rtol", type=float, default=0.0)
    args = parser.parse_args(argv)
    import importlib.util

    backends = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])
    failed = False
    with tempfile.TemporaryDirectory() as directory:
        for backend in backends:
            old = run_tree(args.old, backend, directory)
            new = run_tree(args.new, backend, directory)
            for name, rel in compare(old, new, args.rtol).items():
                verdict = (
                    "identical" if rel == 0 else f"max relative difference {rel:.3g}"
                )
                failed |= rel > args.rtol
                print(f"{backend:6s} {name:40s} {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
