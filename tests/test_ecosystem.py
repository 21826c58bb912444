"""The estimators in a scikit-learn stack: metadata routing, joblib's loky and
Dask backends, the repr, parameters, and the numpydoc class docstrings."""

import doctest
import importlib
import inspect
import io
import re

import joblib
import numpy as np
import pytest
import sklearn
from packaging.version import Version
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, DeepNetRegressor, layer_grid

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = pytest.mark.parametrize(
    "estimator", [DeepNetClassifier, DeepNetRegressor], ids=["classifier", "regressor"]
)


@pytest.fixture(scope="module")
def weighted_iris():
    X, y = load_iris(return_X_y=True)
    sample_weight = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    return X, y, sample_weight


@pytest.fixture(scope="module")
def small_digits():
    X, y = load_digits(return_X_y=True)
    return X[:400], y[:400]


def _net(estimator=DeepNetClassifier, **params):
    return estimator((5,), solver="lbfgs", max_iter=20, random_state=0, **params)


def _target(estimator, y):
    """The iris labels y, as real numbers for the regressor."""
    return y.astype(float) if estimator is DeepNetRegressor else y


def _same_weights(a, b):
    return all(
        np.array_equal(p, q)
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True)
    )


# ----------------------------------------------------------------------------
# Metadata routing
# ----------------------------------------------------------------------------
@ESTIMATORS
def test_requested_sample_weight_reaches_the_network_through_a_pipeline(
    weighted_iris, estimator
):
    X, y, w = weighted_iris
    y = _target(estimator, y)
    X_scaled = StandardScaler().fit_transform(X)
    weighted = _net(estimator).fit(X_scaled, y, sample_weight=w)
    unweighted = _net(estimator).fit(X_scaled, y)
    assert not _same_weights(weighted, unweighted)

    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            _net(estimator).set_fit_request(sample_weight=True),
        ).fit(X, y, sample_weight=w)
    assert _same_weights(pipe[-1], weighted)


# ----------------------------------------------------------------------------
# joblib backends: Dask and loky
# ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    # Worker threads of this process start in milliseconds; the fits still go
    # to them as Dask tasks through joblib's dask backend.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _small_search(n_jobs):
    pipe = make_pipeline(
        StandardScaler(),
        DeepNetClassifier(
            learning_rate=0.01, batch_size=64, max_iter=15, random_state=0
        ),
    )
    grid = {
        "deepnetclassifier__hidden_layer_sizes": layer_grid([1, 2], [8]),
        "deepnetclassifier__activation": ["relu", "tanh"],
    }
    return GridSearchCV(pipe, grid, cv=2, n_jobs=n_jobs)


def test_grid_search_on_dask_matches_the_sequential_run(dask_client, small_digits):
    from distributed import get_task_stream

    X, y = small_digits
    sequential = _small_search(n_jobs=1).fit(X, y)
    with get_task_stream(dask_client) as tasks, joblib.parallel_backend("dask"):
        on_dask = _small_search(n_jobs=2).fit(X, y)

    # The fits ran as tasks on the cluster's workers, not in local processes.
    assert tasks.data
    assert {task["worker"] for task in tasks.data} <= set(dask_client.nthreads())
    assert on_dask.cv_results_["params"] == sequential.cv_results_["params"]
    for key in ["split0_test_score", "split1_test_score", "mean_test_score"]:
        np.testing.assert_array_equal(
            on_dask.cv_results_[key], sequential.cv_results_[key]
        )
    assert on_dask.best_params_ == sequential.best_params_
    assert _same_weights(on_dask.best_estimator_[-1], sequential.best_estimator_[-1])


def test_dask_ml_incremental_trains_as_a_loop_over_the_blocks_does():
    # dask-ml's Incremental calls partial_fit on each block of a chunked dask
    # array in turn: several epochs of it are the same stream of calls.
    dask_array = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y = make_classification(600, 6, random_state=0)
    net = DeepNetClassifier((8,), dropout=0.2, random_state=0)
    incremental = wrappers.Incremental(clone(net), shuffle_blocks=False)
    X_blocks = dask_array.from_array(X, chunks=150)
    y_blocks = dask_array.from_array(y, chunks=150)
    for _ in range(3):
        incremental.partial_fit(X_blocks, y_blocks, classes=[0, 1])
    for _ in range(3):
        for start in range(0, 600, 150):
            net.partial_fit(X[start : start + 150], y[start : start + 150], [0, 1])
    assert incremental.estimator_.n_iter_ == net.n_iter_ == 12
    assert _same_weights(incremental.estimator_, net)
    np.testing.assert_array_equal(
        incremental.predict_proba(X_blocks).compute(), net.predict_proba(X)
    )


def test_dask_ml_incremental_search_trains_each_candidate_by_partial_fit():
    # IncrementalSearchCV runs with distributed < 2025.3 only: later releases
    # refuse its dask.persist inside an asynchronous client (dask-ml issue 1016).
    dask_array = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    model_selection = pytest.importorskip("dask_ml.model_selection")
    if Version(distributed.__version__) >= Version("2025.3"):
        pytest.skip("dask-ml's IncrementalSearchCV fails with distributed >= 2025.3")
    X, y = make_classification(800, 6, random_state=0)
    X_blocks = dask_array.from_array(X, chunks=100)
    y_blocks = dask_array.from_array(y, chunks=100)
    params = {"alpha": [1e-4, 1e-2], "hidden_layer_sizes": [(8,), (16,)]}
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ):
        search = model_selection.IncrementalSearchCV(
            DeepNetClassifier(random_state=0),
            params,
            n_initial_parameters=4,
            max_iter=3,
            decay_rate=None,
            random_state=0,
        ).fit(X_blocks, y_blocks, classes=[0, 1])
        predicted = search.predict(X_blocks).compute()
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    assert isinstance(best, DeepNetClassifier)
    assert best.get_params()["alpha"] == search.best_params_["alpha"]
    # one epoch per partial_fit call, as the search counted them
    calls = search.model_history_[search.best_index_][-1]["partial_fit_calls"]
    assert best.n_iter_ == calls == 3
    assert set(predicted) <= {0, 1}
    np.testing.assert_array_equal(predicted, best.predict(X))


def test_cross_val_score_under_loky_matches_sequential(small_digits):
    # The fits in loky's worker processes get pickled networks and seeds.
    X, y = small_digits
    net = make_pipeline(
        StandardScaler(), DeepNetClassifier((16,), max_iter=15, random_state=0)
    )
    sequential = cross_val_score(net, X, y, cv=4, n_jobs=1)
    with joblib.parallel_backend("loky"):
        parallel = cross_val_score(net, X, y, cv=4, n_jobs=2)
    np.testing.assert_array_equal(parallel, sequential)


# ----------------------------------------------------------------------------
# repr and parameters
# ----------------------------------------------------------------------------
CHANGED = {
    "hidden_layer_sizes": (7, 3),
    "activation": "tanh",
    "solver": "lbfgs",
    "random_state": 0,
}


@ESTIMATORS
def test_repr_shows_only_the_changed_parameters(estimator):
    # The defaults of __init__'s signature are the values it stores.
    name = estimator.__name__
    assert repr(estimator()) == f"{name}()"
    text = repr(estimator(**CHANGED))
    assert set(re.findall(r"(\w+)=", text)) == set(CHANGED)
    assert "hidden_layer_sizes=(7, 3)" in text
    assert "activation='tanh'" in text


@ESTIMATORS
def test_pipeline_get_params_exposes_every_network_parameter(estimator):
    net = estimator(**CHANGED)
    pipe = make_pipeline(StandardScaler(), net)
    step = estimator.__name__.lower()
    params = pipe.get_params(deep=True)
    assert params[step] is net
    for name, value in net.get_params().items():
        assert params[f"{step}__{name}"] == value
    assert params[f"{step}__hidden_layer_sizes"] == (7, 3)

    pipe.set_params(**{f"{step}__hidden_layer_sizes": (4,)})
    assert net.hidden_layer_sizes == (4,)
    cloned = clone(pipe)
    assert cloned[-1] is not net
    assert cloned.get_params()[f"{step}__hidden_layer_sizes"] == (4,)


# ----------------------------------------------------------------------------
# The class docstring
# ----------------------------------------------------------------------------
# numpydoc's section order (for a class; Returns and the like do not apply).
NUMPYDOC_SECTIONS = [
    "Parameters",
    "Attributes",
    "Methods",
    "See Also",
    "Notes",
    "References",
    "Examples",
]


def _numpydoc_sections(doc):
    """{section title: its lines}, in order, for a cleaned docstring."""
    lines = doc.splitlines()
    sections, title = {}, None
    for i, line in enumerate(lines):
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and underline == "-" * len(line.strip()):
            title = line.strip()
            sections[title] = []
        elif title is not None and not re.fullmatch(r"-+", line):
            sections[title].append(line)
    return sections


def _entries(section_lines):
    """{name: (type, description)} of a Parameters-style section."""
    entries, name = {}, None
    for line in section_lines:
        match = re.match(r"^(\*{0,2}\w[\w.]*) : (.+)$", line)
        if match:
            name = match.group(1)
            entries[name] = [match.group(2).strip(), ""]
        elif name is not None and line.startswith("    "):
            entries[name][1] += line.strip() + " "
    return {name: (kind, text.strip()) for name, (kind, text) in entries.items()}


@ESTIMATORS
def test_docstring_is_numpydoc_with_the_expected_sections(estimator):
    doc = inspect.getdoc(estimator)
    sections = _numpydoc_sections(doc)
    titles = list(sections)
    assert {"Parameters", "Attributes", "See Also", "Examples"} <= set(titles)
    assert set(titles) <= set(NUMPYDOC_SECTIONS), titles
    assert titles == sorted(titles, key=NUMPYDOC_SECTIONS.index)

    # Every parameter of __init__, in the signature's order, with a type and a
    # description that states the default.
    parameters = _entries(sections["Parameters"])
    assert list(parameters) == list(inspect.signature(estimator).parameters)
    for name, (kind, text) in parameters.items():
        assert "default=" in kind, name
        assert text, name

    # Every public fitted attribute, and nothing else. A DataFrame gives the
    # network feature_names_in_.
    X, y = load_iris(return_X_y=True, as_frame=True)
    fitted = estimator((3,), max_iter=5, random_state=0).fit(X, _target(estimator, y))
    public = {a for a in dir(fitted) if a.endswith("_") and not a.startswith("_")}
    attributes = _entries(sections["Attributes"])
    assert set(attributes) == public
    assert all(kind and text for kind, text in attributes.values())

    # See Also names importable objects, each with a description.
    see_also = _entries(sections["See Also"])
    mlp = estimator.__name__.replace("DeepNet", "MLP")
    assert any(target.endswith(f".{mlp}") for target in see_also)
    for target, (description, _) in see_also.items():
        module, _, name = target.rpartition(".")
        assert hasattr(importlib.import_module(module), name), target
        assert description, target

    assert any(line.startswith(">>> ") for line in sections["Examples"])


@ESTIMATORS
def test_docstring_examples_run_as_a_doctest(estimator):
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    name = estimator.__name__
    tests = finder.find(estimator, name, module=inspect.getmodule(estimator))
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    failed, attempted = runner.summarize(verbose=False)
    class_test = next(t for t in tests if t.name == name)
    assert len(class_test.examples) >= 1
    assert attempted >= len(class_test.examples)
    assert failed == 0, report.getvalue()
