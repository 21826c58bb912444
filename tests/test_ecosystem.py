"""DeepNetClassifier in a scikit-learn stack: metadata routing, joblib's loky and
Dask backends, the text and HTML reprs, and the numpydoc class docstring."""

import doctest
import html
import importlib
import inspect
import io
import os
import re

import joblib
import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

import skdnn._classifier
from skdnn import DeepNetClassifier, layer_grid

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def weighted_iris():
    X, y = load_iris(return_X_y=True)
    sample_weight = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    return X, y, sample_weight


@pytest.fixture(scope="module")
def small_digits():
    X, y = load_digits(return_X_y=True)
    return X[:400], y[:400]


def _net(**params):
    return DeepNetClassifier(
        (5,), solver="lbfgs", max_iter=100, random_state=0, **params
    )


def _same_weights(a, b):
    return all(
        np.array_equal(p, q)
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True)
    )


# ----------------------------------------------------------------------------
# Metadata routing
# ----------------------------------------------------------------------------
def test_requested_sample_weight_reaches_the_network_through_a_pipeline(
    weighted_iris,
):
    X, y, w = weighted_iris
    X_scaled = StandardScaler().fit_transform(X)
    weighted = _net().fit(X_scaled, y, sample_weight=w)
    unweighted = _net().fit(X_scaled, y)
    assert not _same_weights(weighted, unweighted)

    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            _net().set_fit_request(sample_weight=True),
        ).fit(X, y, sample_weight=w)
    assert _same_weights(pipe[-1], weighted)


def test_requested_sample_weight_reaches_fit_and_score_through_grid_search(
    weighted_iris,
):
    X, y, w = weighted_iris
    cv = StratifiedKFold(2)
    activations = ["relu", "tanh"]
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            _net()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True),
        )
        search = GridSearchCV(
            pipe, {"deepnetclassifier__activation": activations}, cv=cv
        ).fit(X, y, sample_weight=w)

    # The same search by hand, without any routing: weighted fits on the
    # training folds, weighted accuracies on the test folds.
    expected = []
    for activation in activations:
        scores = []
        for train, test in cv.split(X, y):
            scaler = StandardScaler().fit(X[train])
            net = _net(activation=activation).fit(
                scaler.transform(X[train]), y[train], sample_weight=w[train]
            )
            scores.append(
                net.score(scaler.transform(X[test]), y[test], sample_weight=w[test])
            )
        expected.append(np.mean(scores))
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], expected)

    best = search.best_params_["deepnetclassifier__activation"]
    refit = _net(activation=best).fit(
        StandardScaler().fit_transform(X), y, sample_weight=w
    )
    assert _same_weights(search.best_estimator_[-1], refit)


@pytest.mark.parametrize("meta", ["pipeline", "grid_search"])
def test_unrequested_sample_weight_raises(weighted_iris, meta):
    X, y, w = weighted_iris
    with sklearn.config_context(enable_metadata_routing=True):
        if meta == "pipeline":
            estimator = make_pipeline(
                StandardScaler().set_fit_request(sample_weight=False), _net()
            )
        else:
            estimator = GridSearchCV(_net(), {"activation": ["relu", "tanh"]}, cv=2)
        with pytest.raises(UnsetMetadataPassedError, match=r"DeepNetClassifier\.fit"):
            estimator.fit(X, y, sample_weight=w)


def test_sample_weight_declined_with_set_fit_request_false_is_not_used(
    weighted_iris,
):
    # The scaler takes the weights, the network declines them.
    X, y, w = weighted_iris
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=True),
            _net().set_fit_request(sample_weight=False),
        ).fit(X, y, sample_weight=w)
    X_scaled = StandardScaler().fit(X, sample_weight=w).transform(X)
    assert _same_weights(pipe[-1], _net().fit(X_scaled, y))
    assert not _same_weights(pipe[-1], _net().fit(X_scaled, y, sample_weight=w))


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


def _blas_threads():
    """This process's id and the thread count of each BLAS library it loaded."""
    threads = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return os.getpid(), threads


def _blas_threads_scorer(estimator, X, y):
    return max(_blas_threads()[1])


def test_loky_workers_limit_blas_threads_to_their_share_of_the_cpus():
    n_cpus = joblib.cpu_count()
    if n_cpus < 2:
        pytest.skip("two loky workers need at least two CPUs")
    results = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_blas_threads)() for _ in range(4)
    )
    assert os.getpid() not in {pid for pid, _ in results}
    for _, threads in results:
        assert threads, "the worker has loaded no BLAS library"
        # 2 workers x BLAS threads per worker <= CPUs: no oversubscription.
        assert 2 * max(threads) <= n_cpus


def test_cross_val_score_under_loky_matches_sequential_without_oversubscription(
    small_digits,
):
    X, y = small_digits
    net = make_pipeline(
        StandardScaler(), DeepNetClassifier((16,), max_iter=15, random_state=0)
    )
    sequential = cross_val_score(net, X, y, cv=4, n_jobs=1)
    with joblib.parallel_backend("loky"):
        parallel = cross_val_score(net, X, y, cv=4, n_jobs=-1)
        # A "score" that reports the BLAS threads of the worker that fitted.
        threads = cross_val_score(
            net, X, y, cv=4, n_jobs=-1, scoring=_blas_threads_scorer
        )
    np.testing.assert_array_equal(parallel, sequential)
    # n_jobs=-1 is one worker per CPU, so joblib leaves each one BLAS thread.
    assert joblib.cpu_count() * threads.max() <= joblib.cpu_count()


# ----------------------------------------------------------------------------
# repr, HTML repr and parameters
# ----------------------------------------------------------------------------
CHANGED = {
    "hidden_layer_sizes": (7, 3),
    "activation": "tanh",
    "solver": "lbfgs",
    "random_state": 0,
}


def _html_parameters(markup):
    """The HTML repr's parameter tables: {param prefix: {name: (kind, value)}}.

    ``kind`` is "user-set" for a parameter changed from its default, else
    "default"; ``value`` is the unescaped value as displayed.
    """
    tables = {}
    pieces = re.split(r'data-param-prefix="([^"]*)"', markup)
    for prefix, body in zip(pieces[1::2], pieces[2::2], strict=True):
        rows = {}
        for kind, row in re.findall(
            r'<tr class="(user-set|default)">(.*?)</tr>', body, re.S
        ):
            value = re.search(r'<td class="value">(.*?)</td>', row, re.S)
            if value is None:
                continue  # a row of the fitted attributes' table
            name = re.search(r'<td class="param">(.*?)</td>', row, re.S).group(1)
            # scikit-learn's own estimators link each name to its documentation.
            name = re.sub(r"<span.*?</span>|<[^>]+>", "", name, flags=re.S).split()[0]
            rows[name] = (kind, html.unescape(value.group(1)))
        tables[prefix] = rows
    return tables


def _fitted_boxes(markup):
    """{estimator name: whether its box is drawn as fitted} in the HTML repr."""
    boxes = re.findall(
        r'<div class="sk-estimator (fitted)? ?sk-toggleable">.*?<div><div>(\w+)</div>',
        markup,
        re.S,
    )
    return {name: bool(fitted) for fitted, name in boxes}


def _user_set(table):
    return {name: value for name, (kind, value) in table.items() if kind == "user-set"}


def test_repr_shows_only_the_changed_parameters():
    assert repr(DeepNetClassifier()) == "DeepNetClassifier()"
    clf = DeepNetClassifier(**CHANGED)
    text = repr(clf)
    assert set(re.findall(r"(\w+)=", text)) == set(CHANGED)
    assert "hidden_layer_sizes=(7, 3)" in text
    assert "activation='tanh'" in text
    # scikit-learn's print_changed_only switch is what hides the defaults.
    with sklearn.config_context(print_changed_only=False):
        full = repr(clf)
    assert set(re.findall(r"(\w+)=", full)) == set(clf.get_params())

    pipe = make_pipeline(StandardScaler(), DeepNetClassifier(hidden_layer_sizes=(9,)))
    assert "DeepNetClassifier(hidden_layer_sizes=(9,))" in repr(pipe)


@pytest.mark.parametrize("fitted", [False, True], ids=["unfitted", "fitted"])
def test_html_repr_names_the_estimator_and_its_fitted_state(fitted):
    clf = DeepNetClassifier(**CHANGED)
    if fitted:
        clf.fit(*load_iris(return_X_y=True))
    markup = clf._repr_html_()
    assert _fitted_boxes(markup) == {"DeepNetClassifier": fitted}
    # The plain-text fallback is the changed-only repr.
    assert f"<pre>{html.escape(repr(clf))}</pre>" in markup
    assert ("<span>Fitted</span>" in markup) is fitted
    assert ("<span>Not fitted</span>" in markup) is not fitted


@pytest.mark.parametrize("fitted", [False, True], ids=["unfitted", "fitted"])
def test_html_repr_parameter_table_marks_the_changed_parameters(fitted):
    pytest.importorskip("sklearn.utils._repr_html.params")  # scikit-learn >= 1.7
    clf = DeepNetClassifier(**CHANGED)
    if fitted:
        clf.fit(*load_iris(return_X_y=True))
    table = _html_parameters(clf._repr_html_())[""]
    assert set(table) == set(clf.get_params())
    # scikit-learn shows only the first item of a tuple: (7, 3) as "(7, ...)".
    assert _user_set(table) == {
        "hidden_layer_sizes": "(7, ...)",
        "activation": "'tanh'",
        "solver": "'lbfgs'",
        "random_state": "0",
    }
    assert table["learning_rate"] == ("default", "0.001")


@pytest.mark.parametrize("fitted", [False, True], ids=["unfitted", "fitted"])
def test_html_repr_inside_a_pipeline(fitted):
    pytest.importorskip("sklearn.utils._repr_html.params")  # scikit-learn >= 1.7
    pipe = make_pipeline(
        StandardScaler(), DeepNetClassifier(hidden_layer_sizes=[9], activation="tanh")
    )
    if fitted:
        pipe.fit(*load_iris(return_X_y=True))
    markup = pipe._repr_html_()
    assert "<div>Pipeline</div>" in markup
    # The pipeline's state is spelled out; its steps' boxes are coloured by theirs.
    assert ("<span>Fitted</span>" in markup) is fitted
    assert _fitted_boxes(markup) == {
        "StandardScaler": fitted,
        "DeepNetClassifier": fitted,
    }
    tables = _html_parameters(markup)
    assert _user_set(tables["deepnetclassifier__"]) == {
        "hidden_layer_sizes": "[9]",
        "activation": "'tanh'",
    }
    assert _user_set(tables["standardscaler__"]) == {}


def test_html_repr_lists_the_fitted_attributes():
    pytest.importorskip("sklearn.utils._repr_html.fitted_attributes")
    clf = DeepNetClassifier(**CHANGED).fit(*load_iris(return_X_y=True))
    markup = clf._repr_html_()
    section = markup[markup.index("Fitted attributes") :]
    names = set(re.findall(r'<td class="param"><a [^>]*>(\w+)</a></td>', section))
    assert {"classes_", "coefs_", "intercepts_", "loss_curve_", "n_iter_"} <= names


def test_pipeline_get_params_exposes_every_network_parameter():
    net = DeepNetClassifier(**CHANGED)
    pipe = make_pipeline(StandardScaler(), net)
    params = pipe.get_params(deep=True)
    assert params["deepnetclassifier"] is net
    for name, value in net.get_params().items():
        assert params[f"deepnetclassifier__{name}"] == value
    assert params["deepnetclassifier__hidden_layer_sizes"] == (7, 3)

    pipe.set_params(deepnetclassifier__hidden_layer_sizes=(4,))
    assert net.hidden_layer_sizes == (4,)
    cloned = clone(pipe)
    assert cloned[-1] is not net
    assert cloned.get_params()["deepnetclassifier__hidden_layer_sizes"] == (4,)


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


def test_docstring_is_numpydoc_with_the_expected_sections():
    doc = inspect.getdoc(DeepNetClassifier)
    sections = _numpydoc_sections(doc)
    titles = list(sections)
    assert {"Parameters", "Attributes", "See Also", "Examples"} <= set(titles)
    assert set(titles) <= set(NUMPYDOC_SECTIONS), titles
    assert titles == sorted(titles, key=NUMPYDOC_SECTIONS.index)

    # Every parameter of __init__, in the signature's order, with a type and a
    # description that states the default.
    parameters = _entries(sections["Parameters"])
    assert list(parameters) == list(inspect.signature(DeepNetClassifier).parameters)
    for name, (kind, text) in parameters.items():
        assert "default=" in kind, name
        assert text, name

    # Every public fitted attribute, and nothing else. A DataFrame gives the
    # network feature_names_in_.
    X, y = load_iris(return_X_y=True, as_frame=True)
    fitted = DeepNetClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    public = {a for a in dir(fitted) if a.endswith("_") and not a.startswith("_")}
    attributes = _entries(sections["Attributes"])
    assert set(attributes) == public
    assert all(kind and text for kind, text in attributes.values())

    # See Also names importable objects, each with a description.
    see_also = _entries(sections["See Also"])
    assert any(target.endswith(".MLPClassifier") for target in see_also)
    for target, (description, _) in see_also.items():
        module, _, name = target.rpartition(".")
        assert hasattr(importlib.import_module(module), name), target
        assert description, target

    assert any(line.startswith(">>> ") for line in sections["Examples"])


def test_docstring_examples_run_as_a_doctest():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    tests = finder.find(
        DeepNetClassifier, "DeepNetClassifier", module=skdnn._classifier
    )
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    failed, attempted = runner.summarize(verbose=False)
    class_test = next(t for t in tests if t.name == "DeepNetClassifier")
    assert len(class_test.examples) >= 1
    assert attempted >= len(class_test.examples)
    assert failed == 0, report.getvalue()
