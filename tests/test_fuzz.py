"""Every combination either trains right or says clearly why not (hypothesis).

Draws hyperparameters (solver, depth and width, activations, dropout, batch
norm, clipping, scoring, early stopping, class and sample weights, batch sizes
down to 1), small data (1 to 300 rows, float32 or float64, dense or sparse,
constant and duplicated columns, a rare class) and a sequence of fits
(``fit``, a warm-started ``fit``, ``partial_fit`` calls), and asserts that each
step either fits and predicts finite probabilities summing to 1 (finite
predictions for the regressor), or raises a ValueError raised by skdnn or
scikit-learn's own validation, not from deep inside NumPy or SciPy, whose
message names a parameter or the data, and which leaves a fitted estimator as
it was. RuntimeWarnings are errors in this suite, so no NaN goes unnoticed.

The default example count keeps CI short; run it longer with, e.g.,
``SKDNN_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py``.
"""

import os
import re
import traceback
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import skdnn
from skdnn import DeepNetClassifier, DeepNetRegressor

EXAMPLES = int(os.environ.get("SKDNN_FUZZ_EXAMPLES", "40"))
SKDNN = str(Path(skdnn.__file__).parent)
SKLEARN = str(Path(sklearn.__file__).parent)
# a clear error names a parameter, or one of these (as a whole word)
DATA_WORDS = r"\b(X|y|samples?|class(es)?|labels?|features?|rows?|targets?)\b"


@st.composite
def problems(draw):
    """(X, y, sample_weight, kind): small data with awkward columns and classes."""
    kind = draw(st.sampled_from(["classifier", "regressor"]))
    n = draw(st.integers(1, 300))
    n_features = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, n_features))
    if draw(st.booleans()):
        X[:, 0] = 3.0  # a constant column
    if n_features > 1 and draw(st.booleans()):
        X[:, -1] = X[:, 0]  # a duplicated one
    outputs = draw(st.sampled_from([1, 1, 2]))  # multilabel / multi-output
    if kind == "classifier" and outputs == 2:
        y = (rng.uniform(size=(n, 2)) < 0.5).astype(int)
    elif kind == "classifier":
        n_classes = draw(st.integers(1, 3))
        y = rng.integers(0, n_classes, size=n)
        if n > 2 and draw(st.booleans()):
            y[:] = np.where(y == 2, 1, y)
            y[-1] = 2  # a class of one row
    else:
        y = X[:, 0] * 2.0 - X[:, -1] + rng.normal(scale=0.1, size=n)
        if outputs == 2:
            y = np.column_stack([y, 100.0 * X[:, -1] + 5.0])
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    X = X.astype(dtype)
    if draw(st.booleans()):
        X = sp.csr_matrix(X)
    weights = draw(st.sampled_from([None, "uniform", "some zero"]))
    sample_weight = None
    if weights is not None:
        sample_weight = rng.uniform(0.1, 3.0, size=n)
        if weights == "some zero":
            sample_weight[rng.uniform(size=n) < 0.3] = 0.0
    return X, y, sample_weight, kind


@st.composite
def parameters(draw, kind):
    depth = draw(st.sampled_from([0, 1, 1, 2, 3]))
    sizes = tuple(draw(st.integers(1, 8)) for _ in range(depth))
    activation = draw(st.sampled_from(["relu", "tanh", "logistic", "leaky_relu"]))
    params = dict(
        hidden_layer_sizes=sizes,
        activation=activation,
        solver=draw(st.sampled_from(["adam", "sgd", "lbfgs"])),
        dropout=draw(st.sampled_from([0.0, 0.3])),
        batch_norm=draw(st.booleans()),
        max_grad_norm=draw(st.sampled_from([None, 1.0])),
        early_stopping=draw(st.sampled_from([False, True, "auto"])),
        batch_size=draw(st.sampled_from([1, 2, "auto", None])),
        validation_fraction=draw(st.sampled_from([0.1, 0.5])),
        n_iter_no_change=draw(st.sampled_from([1, 10])),
        max_iter=3,
        random_state=0,
    )
    scoring = [None, "accuracy" if kind == "classifier" else "r2"]
    params["scoring"] = draw(st.sampled_from(scoring))
    if kind == "classifier":
        params["class_weight"] = draw(st.sampled_from([None, "balanced"]))
    else:
        params["scale_target"] = draw(st.booleans())
    return params


def _predictions(model, X):
    if isinstance(model, DeepNetClassifier):
        proba = model.predict_proba(X)
        assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
        if not model._multilabel():  # one label per row: a distribution
            tolerance = 1e-5 if proba.dtype == np.float32 else 1e-10
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=tolerance)
        return proba
    predicted = model.predict(X)
    assert np.isfinite(predicted).all()
    return predicted


def _assert_clear(exc, model):
    """A ValueError of skdnn's or scikit-learn's validation, naming what is wrong."""
    assert isinstance(exc, ValueError), repr(exc)
    innermost = traceback.extract_tb(exc.__traceback__)[-1].filename
    assert innermost.startswith((SKDNN, SKLEARN)), (innermost, repr(exc))
    message = str(exc)
    named = [p for p in model.get_params() if re.search(rf"\b{p}\b", message)]
    assert named or re.search(DATA_WORDS, message), message


def _step(model, how, X, y, sample_weight):
    """Run one step; return True if it fitted, False if it failed clearly."""
    fitted = hasattr(model, "_theta")
    before = _predictions(model, X) if fitted else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # ConvergenceWarning too
            if how == "partial_fit":
                classifier = isinstance(model, DeepNetClassifier)
                extra = {"classes": np.unique(y)} if classifier else {}
                model.partial_fit(X, y, sample_weight=sample_weight, **extra)
            else:
                model.fit(X, y, sample_weight=sample_weight)
    except Exception as exc:  # anything but a clear ValueError fails the test
        _assert_clear(exc, model)
        if fitted:  # a failed step leaves the model as it was
            np.testing.assert_array_equal(_predictions(model, X), before)
        else:
            assert not hasattr(model, "_theta")
        return False
    _predictions(model, X)
    return True


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_combination_trains_or_fails_clearly(data):
    X, y, sample_weight, kind = data.draw(problems())
    params = data.draw(parameters(kind))
    Estimator = DeepNetClassifier if kind == "classifier" else DeepNetRegressor
    model = Estimator(**params)
    stochastic = params["solver"] != "lbfgs"
    sequence = data.draw(
        st.sampled_from(
            [["fit"], ["fit", "warm"]]
            + (
                [["partial_fit", "partial_fit"], ["fit", "partial_fit"]]
                if stochastic
                else []
            )
        )
    )
    for how in sequence:
        if how == "warm":
            model.set_params(warm_start=True)
        fitted = _step(model, how, X, y, sample_weight)
        event(f"{kind} {how}: {'fitted' if fitted else 'clear error'}")
