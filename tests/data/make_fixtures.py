"""Save fitted models with an old skdnn, for the persistence tests of later ones.

Run from a checkout of the old version, e.g. for 0.1.0:

    git worktree add /tmp/skdnn-0.1.0 ec6fb99
    cd /tmp && PYTHONPATH=/tmp/skdnn-0.1.0 python \\
        /path/to/skdnn/tests/data/make_fixtures.py /path/to/skdnn/tests/data/v0.1.0

Each model is saved as a pickle and as a skops file, with what the old
version predicts on held-out rows, and for "sgd"/"adam" what it predicts after
one more ``partial_fit`` call: the new version must give the same numbers.
"""

import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn.datasets import load_digits, make_regression

import skdnn

MODELS = {
    "classifier_adam": (
        skdnn.DeepNetClassifier,
        {"hidden_layer_sizes": (8,), "max_iter": 20},
        "digits",
    ),
    "classifier_sgd_batch_norm_f32": (
        skdnn.DeepNetClassifier,
        {"hidden_layer_sizes": (8, 6), "solver": "sgd", "batch_norm": True},
        "digits32",
    ),
    "classifier_dropout": (
        skdnn.DeepNetClassifier,
        {"hidden_layer_sizes": (8,), "dropout": 0.2, "activation": "tanh"},
        "digits",
    ),
    "classifier_lbfgs": (
        skdnn.DeepNetClassifier,
        {"hidden_layer_sizes": (8,), "solver": "lbfgs", "max_iter": 30},
        "binary",
    ),
    "regressor_adam": (
        skdnn.DeepNetRegressor,
        {"hidden_layer_sizes": (8,), "activation": "leaky_relu"},
        "regression",
    ),
}


def data(name):
    if name == "regression":
        X, y = make_regression(300, 5, n_targets=2, noise=1.0, random_state=0)
        return X / X.std(0), y
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16.0, y[:300]
    if name == "binary":
        y = y % 2
    return (X.astype(np.float32) if name == "digits32" else X), y


def main(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    for name, (Estimator, params, data_name) in MODELS.items():
        X, y = data(data_name)
        model = Estimator(random_state=0, max_iter=params.pop("max_iter", 15), **params)
        model.fit(X[:250], y[:250])
        with open(directory / f"{name}.pkl", "wb") as f:
            pickle.dump(model, f)
        sio.dump(model, directory / f"{name}.skops")
        predict = model.predict_proba if hasattr(model, "classes_") else model.predict
        expected = {"X": X[250:], "y": y[250:], "predicted": predict(X[250:])}
        if model.solver != "lbfgs":
            model.partial_fit(X[250:], y[250:])
            expected["continued"] = predict(X[250:])
        np.savez_compressed(directory / f"{name}.npz", **expected)
        print(name, skdnn.__version__)


if __name__ == "__main__":
    main(sys.argv[1])
