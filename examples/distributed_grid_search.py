"""
Fanning a grid search out over a Dask cluster
=============================================

A ``GridSearchCV`` is many independent fits, one per candidate and fold, and
scikit-learn hands them to joblib. Inside ``joblib.parallel_backend("dask")``
joblib gives them to the workers of a Dask cluster instead of to local
processes, without a change to the search itself. Here the search of
``plot_grid_search_depth_width.py`` (every ``hidden_layer_sizes`` of
``layer_grid(depths, widths)`` and two hidden activations, for a
``Pipeline(StandardScaler, DeepNetClassifier)`` on digits) runs twice: locally
with joblib's default "loky" backend, and on a Dask cluster. Every network is
seeded, so both give the same cross-validated accuracy for every candidate, and
the script checks that they do.

The cluster is a ``dask.distributed.LocalCluster`` of two single-threaded
worker processes (Dask starts its workers with one BLAS thread each, so two
workers do not oversubscribe two cores). On a real cluster, start a scheduler
and workers (``dask scheduler``, then ``dask worker tcp://HOST:8786`` on each
machine, with the same versions of skdnn and scikit-learn installed) and pass
its address::

    python examples/distributed_grid_search.py --scheduler tcp://HOST:8786

Run ``python examples/distributed_grid_search.py`` (needs
``pip install ".[dask]"``); it prints its results and makes no figure, in about
20 s on 2 cores. ``SKDNN_EXAMPLES_FAST=1`` runs a small grid in a few seconds
on two worker threads of this process (as the tests do). The code that runs
the searches sits under ``if __name__ == "__main__"`` because the worker
processes import this script again.
"""

# %%
import argparse
import os
import sys
import time
import warnings
from contextlib import contextmanager

import joblib
import numpy as np
from dask.distributed import Client, LocalCluster, get_task_stream
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, layer_grid

FAST = os.environ.get("SKDNN_EXAMPLES_FAST") == "1"
if FAST:
    depths, widths, activations = [1, 2], [8, 16], ["relu"]
    cv, max_iter, local_jobs = 2, 20, 1
    # So few epochs stop before convergence, by design.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
else:
    depths, widths, activations = [1, 2, 3, 4], [16, 32, 64, 128], ["relu", "tanh"]
    cv, max_iter, local_jobs = 3, 200, -1


# %%
# The search, built afresh for each backend. ``n_jobs=-1`` means every worker
# the backend has: the local cores for "loky", the cluster's workers for "dask".
def make_search(n_jobs=-1):
    pipeline = make_pipeline(
        StandardScaler(),
        DeepNetClassifier(
            learning_rate=0.005,
            batch_size=64,
            max_iter=max_iter,
            n_iter_no_change=5,
            random_state=0,
        ),
    )
    param_grid = {
        "deepnetclassifier__hidden_layer_sizes": layer_grid(depths, widths),
        "deepnetclassifier__activation": activations,
    }
    return GridSearchCV(pipeline, param_grid, cv=cv, n_jobs=n_jobs)


# %%
# A client for the scheduler at ``address``, or for a cluster on this machine.
# Leaving the ``with`` block closes the client, and the local cluster with it.
@contextmanager
def dask_client(address=None):
    if address is not None:
        with Client(address) as client:
            yield client
        return
    # Two workers with one thread each. FAST uses threads of this process
    # (processes=False), which start at once; they still run the fits as Dask
    # tasks, through the same joblib backend.
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=not FAST,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


# %%
# Both searches on the same training data; the test part is kept for the final
# accuracy.
def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.strip().splitlines()[0], allow_abbrev=False
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler, e.g. tcp://HOST:8786 "
        "(default: start a LocalCluster on this machine)",
    )
    # Known arguments only: the test suite runs this file through runpy, which
    # leaves pytest's own arguments in sys.argv.
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"ignoring arguments: {' '.join(ignored)}", file=sys.stderr)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    n_candidates = len(depths) * len(widths) * len(activations)
    print(f"{n_candidates} candidates x {cv} folds = {n_candidates * cv} fits\n")

    start = time.perf_counter()
    with joblib.parallel_backend("loky"):
        local = make_search(local_jobs).fit(X_train, y_train)
    n_processes = joblib.cpu_count() if local_jobs == -1 else local_jobs
    print(
        f"local, joblib 'loky', {n_processes} process(es): "
        f"{time.perf_counter() - start:.1f} s"
    )

    start = time.perf_counter()
    with dask_client(args.scheduler) as client:
        workers = client.nthreads()
        # The task stream records every task the workers ran: proof that the
        # fits went to the cluster rather than to local processes.
        with get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
            distributed = make_search().fit(X_train, y_train)
        ran_on = {task["worker"] for task in tasks.data}
    print(
        f"dask, {len(workers)} workers x {max(workers.values())} thread(s): "
        f"{time.perf_counter() - start:.1f} s, {len(tasks.data)} tasks "
        f"(joblib batches the fits) on {len(ran_on)} workers\n"
    )
    assert ran_on, "no task ran on the Dask workers"

    # Same candidates in the same order, and bit-for-bit the same mean scores.
    local_scores = local.cv_results_["mean_test_score"]
    dask_scores = distributed.cv_results_["mean_test_score"]
    assert local.cv_results_["params"] == distributed.cv_results_["params"]
    assert np.array_equal(local_scores, dask_scores), (local_scores, dask_scores)
    print(f"mean_test_score identical for all {len(dask_scores)} candidates")
    order = np.argsort(-dask_scores, kind="stable")[:5]
    print("top candidates (mean CV accuracy, local | dask):")
    for i in order:
        params = distributed.cv_results_["params"][i]
        print(
            f"  {params['deepnetclassifier__activation']:>4} "
            f"{str(params['deepnetclassifier__hidden_layer_sizes']):<16} "
            f"{local_scores[i]:.4f} | {dask_scores[i]:.4f}"
        )
    print(f"\nbest parameters: {distributed.best_params_}")
    print(f"held-out accuracy: {distributed.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
