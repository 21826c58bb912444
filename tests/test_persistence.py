"""Concurrent prediction, and persistence: pickle, joblib, skops, clone.

tests/test_classifier.py checks that pickle, deepcopy and joblib round-trips
predict the same and keep training; these tests add exact continuation, the
other kinds of fitted models (DeepNetRegressor's too), concurrency and skops.
"""

import copy
import importlib.util
import pickle
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import assert_same_weights, use_kernels
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, DeepNetRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
Y_MULTI = np.column_stack([Y_IRIS == 0, Y_IRIS == 1, Y_IRIS > 0]).astype(int)
NAMES = np.array(["setosa", "versicolor", "virginica"], dtype=object)
# Real-valued targets for the regressor: one output, and two.
Y_REAL = X_IRIS[:, 0] + X_IRIS[:, 2] * X_IRIS[:, 3]
Y_REAL_2 = np.column_stack([Y_REAL, X_IRIS[:, 1] - X_IRIS[:, 3]])
PREDICTIONS = ["predict", "predict_proba", "predict_log_proba"]


def _fit(clf, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y, **kwargs)


def _assert_predicts_identically(a, b, X):
    methods = [m for m in PREDICTIONS if hasattr(b, m)]
    assert methods == [m for m in PREDICTIONS if hasattr(a, m)]
    for method in methods:
        np.testing.assert_array_equal(getattr(a, method)(X), getattr(b, method)(X))


# ----------------------------------------------------------------------
# Predicting from many threads
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits_model():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = DeepNetClassifier((64, 32), solver="lbfgs", max_iter=10, random_state=0)
    _fit(clf, X, y)
    # Largish inputs (more rows than one prediction block of the network), so
    # that calls from different threads overlap in time.
    rng = np.random.default_rng(0)
    X_big = X[rng.integers(0, len(X), size=6000)] + rng.normal(size=(6000, 64))
    return clf, X_big


N_THREADS = 8
CALLS_PER_THREAD = 4


def _run_concurrently(calls):
    """Results of ``calls`` (thunks), run by N_THREADS threads started together.

    Thread i makes calls i, i + N_THREADS, ...; a barrier makes all threads
    start at once, so that their calls overlap.
    """
    barrier = threading.Barrier(N_THREADS)

    def worker(i):
        barrier.wait()
        return {j: calls[j]() for j in range(i, len(calls), N_THREADS)}

    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        shares = list(pool.map(worker, range(N_THREADS)))
    return [result for share in shares for result in share.items()]


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_concurrent_predictions_equal_serial_ones(digits_model, method):
    clf, X = digits_model
    slices = [slice(0, None), slice(0, 1000), slice(1000, 5500), slice(17, 4113)]
    expected = [getattr(clf, method)(X[s]) for s in slices]
    calls = [
        partial(getattr(clf, method), X[slices[j % len(slices)]])
        for j in range(N_THREADS * CALLS_PER_THREAD)
    ]
    results = _run_concurrently(calls)
    assert len(results) == len(calls)
    for j, result in results:
        np.testing.assert_array_equal(result, expected[j % len(slices)])


def test_concurrent_mixed_calls_equal_serial_ones(digits_model):
    clf, X = digits_model
    y = clf.predict(X)
    methods = [
        partial(clf.predict, X),
        partial(clf.predict_proba, X),
        partial(clf.predict_log_proba, X[::2]),
        partial(clf.score, X, y),
    ]
    expected = [method() for method in methods]
    calls = [methods[j % 4] for j in range(N_THREADS * CALLS_PER_THREAD)]
    for j, result in _run_concurrently(calls):
        np.testing.assert_array_equal(result, expected[j % 4])
    assert expected[3] == 1.0


# ----------------------------------------------------------------------
# pickle and joblib
# ----------------------------------------------------------------------
def _pickle(clf, tmp_path):
    return pickle.loads(pickle.dumps(clf, protocol=pickle.HIGHEST_PROTOCOL))


def _joblib(clf, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(clf, path, compress=3)
    return joblib.load(path)


ROUNDTRIPS = pytest.mark.parametrize(
    "roundtrip", [_pickle, _joblib], ids=["pickle", "joblib"]
)

MODELS = {
    # name: (parameters, X, y)
    "adam": (dict(solver="adam"), X_IRIS, Y_IRIS),
    "sgd": (dict(solver="sgd", learning_rate=0.05), X_IRIS, Y_IRIS),
    "lbfgs": (dict(solver="lbfgs"), X_IRIS, Y_IRIS),
    "early-stopping": (dict(early_stopping=True), X_IRIS, Y_IRIS),
    "binary": (dict(), X_IRIS, Y_IRIS > 0),
    "string-labels": (dict(class_weight={"setosa": 2.0}), X_IRIS, NAMES[Y_IRIS]),
    "multilabel": (dict(), X_IRIS, Y_MULTI),
    "float32": (dict(), X_IRIS.astype(np.float32), Y_IRIS),
    "sparse": (dict(), sp.csr_matrix(X_IRIS), Y_IRIS),
    "dataframe": (dict(), pd.DataFrame(X_IRIS, columns=list("abcd")), Y_IRIS),
    "per-layer-activations": (
        dict(hidden_layer_sizes=(5, 3), activation=["tanh", "leaky_relu"]),
        X_IRIS,
        Y_IRIS,
    ),
    "no-hidden-layer": (dict(hidden_layer_sizes=()), X_IRIS, Y_IRIS),
    # DeepNetRegressor
    "regressor-adam": (dict(solver="adam"), X_IRIS, Y_REAL),
    "regressor-sgd": (dict(solver="sgd", learning_rate=0.01), X_IRIS, Y_REAL),
    "regressor-lbfgs": (dict(solver="lbfgs"), X_IRIS, Y_REAL),
    "regressor-early-stopping": (dict(early_stopping=True), X_IRIS, Y_REAL),
    "regressor-two-outputs": (dict(), X_IRIS, Y_REAL_2),
    "regressor-float32": (dict(), X_IRIS.astype(np.float32), Y_REAL),
}


def _model(name, **extra):
    params, X, y = MODELS[name]
    params = {"hidden_layer_sizes": (6,), "max_iter": 8, "random_state": 0, **params}
    estimator = DeepNetRegressor if name.startswith("regressor") else DeepNetClassifier
    return _fit(estimator(**{**params, **extra}), X, y), X, y


@ROUNDTRIPS
@pytest.mark.parametrize("name", MODELS)
def test_roundtrip_predicts_identically(roundtrip, name, tmp_path):
    clf, X, _ = _model(name)
    restored = roundtrip(clf, tmp_path)
    _assert_predicts_identically(restored, clf, X)
    assert restored.get_params() == clf.get_params()
    if hasattr(clf, "classes_"):
        np.testing.assert_array_equal(restored.classes_, clf.classes_)
    assert restored.loss_curve_ == clf.loss_curve_


def _continue_partial_fit(clf, X, y):
    for start in (0, 50, 100):
        clf.partial_fit(X[start : start + 50], y[start : start + 50])
    return clf


PARTIAL_FIT_MODELS = [
    "adam",
    "sgd",
    "string-labels",
    "multilabel",
    "regressor-adam",
    "regressor-sgd",
    "regressor-two-outputs",
]


@ROUNDTRIPS
@pytest.mark.parametrize("name", PARTIAL_FIT_MODELS)
def test_restored_model_continues_partial_fit_exactly(roundtrip, name, tmp_path):
    clf, X, y = _model(name, batch_size=16)
    restored = roundtrip(clf, tmp_path)
    n_iter = clf.n_iter_
    # The optimiser's moments and step size travel with the model, so both
    # continue along the same path (same random_state, same shuffles).
    _continue_partial_fit(clf, X, y)
    _continue_partial_fit(restored, X, y)
    _assert_predicts_identically(restored, clf, X)
    assert_same_weights(restored, clf)
    assert restored.n_iter_ == clf.n_iter_ == n_iter + 3
    assert restored.t_ == clf.t_
    assert restored.loss_curve_ == clf.loss_curve_


def _mid_stream(estimator=DeepNetClassifier):
    """A model two ``partial_fit`` calls into its stream, dropping units."""
    model = estimator((6,), dropout=0.3, batch_size=16, random_state=0)
    extra = {"classes": [0, 1, 2]} if estimator is DeepNetClassifier else {}
    model.partial_fit(X_IRIS[:50], Y_IRIS[:50], **extra)
    model.partial_fit(X_IRIS[50:100], Y_IRIS[50:100])
    return model


@ROUNDTRIPS
@pytest.mark.parametrize("estimator", [DeepNetClassifier, DeepNetRegressor])
def test_restored_mid_stream_model_draws_what_the_original_draws(
    roundtrip, estimator, tmp_path
):
    model = _mid_stream(estimator)
    restored = roundtrip(model, tmp_path)
    # and a stream never saved: saving moves nothing along
    unsaved = _mid_stream(estimator)
    _continue_partial_fit(model, X_IRIS, Y_IRIS)
    _continue_partial_fit(restored, X_IRIS, Y_IRIS)
    _continue_partial_fit(unsaved, X_IRIS, Y_IRIS)
    for other in (restored, unsaved):
        assert_same_weights(other, model)
        assert other.loss_curve_ == model.loss_curve_


@ROUNDTRIPS
@pytest.mark.parametrize(
    "name", ["adam", "sgd", "lbfgs", "multilabel", "regressor-adam", "regressor-lbfgs"]
)
def test_restored_model_continues_warm_start_fit_exactly(roundtrip, name, tmp_path):
    clf, X, y = _model(name, warm_start=True)
    restored = roundtrip(clf, tmp_path)
    before = clf.predict(X) if name.startswith("regressor") else clf.predict_proba(X)
    _fit(clf, X, y)
    _fit(restored, X, y)
    assert_same_weights(restored, clf)
    _assert_predicts_identically(restored, clf, X)
    after = clf.predict(X) if name.startswith("regressor") else clf.predict_proba(X)
    assert not np.array_equal(after, before)  # it did train on


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_pickle_size_does_not_depend_on_the_kernels(solver, monkeypatch):
    """The NumPy steps' scratch space stays out of the pickle."""
    pytest.importorskip("numba")
    X, y = load_digits(return_X_y=True)
    sizes = []
    for kernels in ("numpy", "numba"):
        use_kernels(monkeypatch, kernels)
        clf = DeepNetClassifier((64,), solver=solver, max_iter=2, random_state=0)
        sizes.append(len(pickle.dumps(_fit(clf, X / 16, y))))
    # the scratch would be min(n_params, 65536) = 4810 float64 here, 38 KB
    assert abs(sizes[0] - sizes[1]) < 1000


@pytest.mark.parametrize("name", ["adam", "sgd", "regressor-sgd"])
def test_restored_model_continues_with_the_numpy_steps_exactly(
    name, tmp_path, monkeypatch
):
    """After loading, the NumPy steps make their scratch anew and go on alike."""
    use_kernels(monkeypatch, "numpy")
    clf, X, y = _model(name, batch_size=16)
    restored = pickle.loads(pickle.dumps(clf))
    _continue_partial_fit(clf, X, y)
    _continue_partial_fit(restored, X, y)
    assert_same_weights(restored, clf)
    assert restored.loss_curve_ == clf.loss_curve_


@ROUNDTRIPS
def test_restored_model_can_be_refitted_from_scratch(roundtrip, tmp_path):
    clf, X, y = _model("adam")
    restored = roundtrip(clf, tmp_path)
    _fit(restored, X[:, :2], y)  # a new fit may change the input size
    assert restored.n_features_in_ == 2
    assert clf.n_features_in_ == 4


@ROUNDTRIPS
def test_clone_of_restored_model_is_unfitted(roundtrip, tmp_path):
    clf, X, y = _model("string-labels")
    cloned = clone(roundtrip(clf, tmp_path))
    assert cloned.get_params() == clf.get_params()
    for attribute in ("classes_", "n_features_in_", "loss_curve_", "coefs_"):
        assert not hasattr(cloned, attribute)
    with pytest.raises(NotFittedError):
        cloned.predict(X)
    _fit(cloned, X, y)
    _assert_predicts_identically(cloned, clf, X)


@ROUNDTRIPS
def test_unfitted_model_roundtrips_unfitted(roundtrip, tmp_path):
    clf = DeepNetClassifier((7, 3), activation=["tanh", "relu"], random_state=0)
    restored = roundtrip(clf, tmp_path)
    assert restored.get_params() == clf.get_params()
    with pytest.raises(NotFittedError):
        restored.predict(X_IRIS)
    _fit(restored, X_IRIS, Y_IRIS)
    _fit(clf, X_IRIS, Y_IRIS)
    _assert_predicts_identically(restored, clf, X_IRIS)


# ----------------------------------------------------------------------
# skops
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def sio():
    return pytest.importorskip("skops.io")


# What skops does not trust by default: skdnn's own classes, nothing else.
ESTIMATOR_TYPE = {
    DeepNetClassifier: "skdnn._classifier.DeepNetClassifier",
    DeepNetRegressor: "skdnn._regressor.DeepNetRegressor",
}
# The stochastic solvers' state, which partial_fit carries on with.
SOLVER_TYPES = {
    "adam": [
        "skdnn._train.optimizers.Adam",
        "skdnn._train.schedules.LearningRateSchedule",
        "skdnn._train.stopping.NoImprovement",
    ],
    "sgd": [
        "skdnn._train.optimizers.SGD",
        "skdnn._train.schedules.LearningRateSchedule",
        "skdnn._train.stopping.NoImprovement",
    ],
    "lbfgs": [],
}


@pytest.mark.parametrize("name", MODELS)
def test_skops_roundtrip_with_exactly_the_untrusted_types(name, tmp_path, sio):
    clf, X, _ = _model(name)
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted == sorted(
        [
            ESTIMATOR_TYPE[type(clf)],
            "skdnn._nn.network.Network",
            *SOLVER_TYPES[clf.solver],
        ]
    )
    restored = sio.load(path, trusted=untrusted)
    _assert_predicts_identically(restored, clf, X)
    assert restored.get_params() == clf.get_params()
    assert sorted(vars(restored)) == sorted(vars(clf))


def test_skops_refuses_untrusted_types_by_default(sio):
    clf, _, _ = _model("adam")
    data = sio.dumps(clf)
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(data)
    untrusted = sio.get_untrusted_types(data=data)
    for left_out in untrusted:
        trusted = [t for t in untrusted if t != left_out]
        with pytest.raises(sio.exceptions.UntrustedTypesFoundException, match=left_out):
            sio.loads(data, trusted=trusted)


@pytest.mark.parametrize(
    "name", ["adam", "sgd", "multilabel", "regressor-adam", "regressor-sgd"]
)
def test_skops_restored_model_continues_partial_fit_exactly(name, sio):
    clf, X, y = _model(name, batch_size=16)
    data = sio.dumps(clf)
    restored = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    _continue_partial_fit(clf, X, y)
    _continue_partial_fit(restored, X, y)
    assert_same_weights(restored, clf)
    _assert_predicts_identically(restored, clf, X)
    assert restored.loss_curve_ == clf.loss_curve_


def test_skops_restored_mid_stream_model_draws_what_the_original_draws(sio):
    model = _mid_stream()
    data = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=data)
    assert not [name for name in untrusted if "random" in name]
    restored = sio.loads(data, trusted=untrusted)
    _continue_partial_fit(model, X_IRIS, Y_IRIS)
    _continue_partial_fit(restored, X_IRIS, Y_IRIS)
    assert_same_weights(restored, model)
    assert restored.loss_curve_ == model.loss_curve_


def test_skops_restored_model_continues_warm_start_fit_exactly(sio):
    clf, X, y = _model("adam", warm_start=True)
    data = sio.dumps(clf)
    restored = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    _fit(clf, X, y)
    _fit(restored, X, y)
    assert_same_weights(restored, clf)


def test_skops_restored_coefs_are_views_of_its_own_parameters(sio):
    clf, X, _ = _model("adam")
    data = sio.dumps(clf)
    restored = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    restored.coefs_[0][...] = 0.0
    assert np.all(restored.coefs_[0] == 0.0)
    assert not np.all(clf.coefs_[0] == 0.0)
    assert not np.array_equal(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("estimator", [DeepNetClassifier, DeepNetRegressor])
def test_skops_unfitted_model_needs_only_the_estimator_type(estimator, sio):
    clf = estimator((5,), activation=["tanh"], random_state=0)
    data = sio.dumps(clf)
    assert sio.get_untrusted_types(data=data) == [ESTIMATOR_TYPE[estimator]]
    restored = sio.loads(data, trusted=[ESTIMATOR_TYPE[estimator]])
    assert restored.get_params() == clf.get_params()


@pytest.mark.parametrize("name", ["adam", "lbfgs", "regressor-adam"])
def test_saving_leaves_the_estimator_unchanged(name):
    clf, X, _ = _model(name)
    before = dict(vars(clf))
    pickle.dumps(clf)
    copy.deepcopy(clf)
    assert vars(clf).keys() == before.keys()
    assert all(vars(clf)[key] is value for key, value in before.items())


# ----------------------------------------------------------------------
# Models saved by earlier versions (tests/data/make_fixtures.py)
# ----------------------------------------------------------------------
V0_1_0 = Path(__file__).parent / "data" / "v0.1.0"
OLD_MODELS = sorted(path.stem for path in V0_1_0.glob("*.pkl"))


def _old_model(name, how, sio=None):
    path = V0_1_0 / f"{name}.{'pkl' if how == 'pickle' else 'skops'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's version warning
        if how == "pickle":
            if importlib.util.find_spec("numpy._core") is None:
                pytest.skip("pickled under NumPy 2, which NumPy < 1.26 cannot unpickle")
            with open(path, "rb") as f:
                return pickle.load(f)
        return sio.load(path, trusted=sio.get_untrusted_types(file=path))


def _predict(model, X):
    return model.predict_proba(X) if hasattr(model, "classes_") else model.predict(X)


def test_there_are_models_of_0_1_0():
    assert len(OLD_MODELS) == 5


def _assert_as_saved(actual, expected):
    # The fixtures were written on another machine: its BLAS may round the
    # last bit differently, so the same model agrees to a few ulps, not bits.
    rtol = 1e-6 if expected.dtype == np.float32 else 1e-13
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0)
    assert actual.dtype == expected.dtype


@pytest.mark.parametrize("how", ["pickle", "skops"])
@pytest.mark.parametrize("name", OLD_MODELS)
def test_a_model_saved_by_0_1_0_predicts_and_trains_on_as_it_did(name, how):
    sio = pytest.importorskip("skops.io") if how == "skops" else None
    model = _old_model(name, how, sio)
    expected = np.load(V0_1_0 / f"{name}.npz")
    X = expected["X"]
    _assert_as_saved(_predict(model, X), expected["predicted"])
    if "continued" in expected:  # one more partial_fit, as 0.1.0 ran it
        model.partial_fit(X, expected["y"])
        _assert_as_saved(_predict(model, X), expected["continued"])


def test_a_model_of_0_1_0_goes_on_along_a_stream_of_its_own():
    # saved without one: its first call after loading seeds it as 0.1.0 did
    # (the test above), later calls continue it
    X = np.load(V0_1_0 / "classifier_dropout.npz")["X"]
    y = np.load(V0_1_0 / "classifier_dropout.npz")["y"]
    models = [_old_model("classifier_dropout", "pickle") for _ in range(2)]
    for model in models:
        for _ in range(3):
            model.partial_fit(X, y)
    assert_same_weights(*models)
    assert len(set(models[0].loss_curve_[-3:])) == 3


@pytest.mark.parametrize("name", OLD_MODELS)
def test_a_model_of_0_1_0_gets_the_parameters_it_was_trained_with(name):
    # not the new defaults ("auto"): a clone refits the same kind of network
    params = clone(_old_model(name, "pickle")).get_params()
    assert params["input_scaling"] is None
    assert params["numerical_embedding"] is None
    assert params["n_members"] == 1


@pytest.mark.parametrize("name", OLD_MODELS)
def test_a_model_of_0_1_0_saves_under_the_new_class_paths(name, tmp_path):
    sio = pytest.importorskip("skops.io")
    model = _old_model(name, "pickle")
    sio.dump(model, tmp_path / "model.skops")
    untrusted = sio.get_untrusted_types(file=tmp_path / "model.skops")
    assert "skdnn._nn.network.Network" in untrusted
    assert not any(
        t.startswith(("skdnn._network", "skdnn._optimizers")) for t in untrusted
    )
    restored = sio.load(tmp_path / "model.skops", trusted=untrusted)
    X = np.load(V0_1_0 / f"{name}.npz")["X"]
    np.testing.assert_array_equal(_predict(restored, X), _predict(model, X))


def test_the_old_class_paths_are_the_moved_classes():
    import skdnn._network
    import skdnn._optimizers
    import skdnn._stopping

    assert skdnn._network.Network is skdnn._nn.network.Network
    assert skdnn._optimizers.Adam is skdnn._train.optimizers.Adam
    assert skdnn._stopping.NoImprovement is skdnn._train.stopping.NoImprovement
