"""The demo: tune the depth and width of a DeepNetClassifier on digits.

Run with ``python -m skdnn``. Trains on scikit-learn's bundled digits data, runs a
``GridSearchCV`` over depth x width (and the hidden activation), prints the CV
table, the best parameters and the accuracy on a held-out test set.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import DeepNetClassifier, __version__, layer_grid


def _cv_table(cv_results):
    """The CV results as aligned text rows, best first."""
    order = np.argsort(cv_results["rank_test_score"], kind="stable")
    header = f"{'rank':>4}  {'hidden_layer_sizes':<20}{'activation':<12}"
    header += f"{'mean CV acc':>12}{'std':>8}{'fit s':>8}"
    rows = [header, "-" * len(header)]
    for i in order:
        params = cv_results["params"][i]
        rows.append(
            f"{cv_results['rank_test_score'][i]:>4}  "
            f"{str(params['net__hidden_layer_sizes']):<20}"
            f"{params['net__activation']:<12}"
            f"{cv_results['mean_test_score'][i]:>12.4f}"
            f"{cv_results['std_test_score'][i]:>8.4f}"
            f"{cv_results['mean_fit_time'][i]:>8.2f}"
        )
    return "\n".join(rows)


def main(argv=None):
    """Run the demo; returns the held-out accuracy."""
    parser = argparse.ArgumentParser(
        prog="python -m skdnn",
        description="GridSearchCV over depth x width of a DeepNetClassifier on "
        "scikit-learn's digits data.",
    )
    parser.add_argument("--depths", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--widths", type=int, nargs="+", default=[32, 128])
    parser.add_argument(
        "--activations", nargs="+", default=["relu", "tanh"], metavar="ACTIVATION"
    )
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=args.random_state
    )
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "net",
                DeepNetClassifier(
                    learning_rate=0.005,
                    max_iter=args.max_iter,
                    batch_size=64,
                    n_iter_no_change=5,
                    random_state=args.random_state,
                ),
            ),
        ]
    )
    param_grid = {
        "net__hidden_layer_sizes": layer_grid(args.depths, args.widths),
        "net__activation": args.activations,
    }
    search = GridSearchCV(pipeline, param_grid, cv=args.cv, n_jobs=args.n_jobs)

    n_candidates = len(param_grid["net__hidden_layer_sizes"]) * len(args.activations)
    print(
        f"skdnn {__version__}: digits, {X_train.shape[0]} training / "
        f"{X_test.shape[0]} held-out samples, {X.shape[1]} features, 10 classes"
    )
    print(
        f"GridSearchCV: {n_candidates} candidates x {args.cv} folds, "
        f"n_jobs={args.n_jobs}\n"
    )
    start = time.perf_counter()
    search.fit(X_train, y_train)
    elapsed = time.perf_counter() - start

    print(_cv_table(search.cv_results_))
    print(f"\nbest parameters: {search.best_params_}")
    print(f"best mean CV accuracy: {search.best_score_:.4f}")
    accuracy = search.score(X_test, y_test)
    print(f"held-out accuracy: {accuracy:.4f}")
    print(f"search time: {elapsed:.1f} s")
    return accuracy


if __name__ == "__main__":
    main()
