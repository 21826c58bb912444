"""scikit-learn's callback API (>= 1.9): per-epoch tasks, stopping, teardown."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier

callback = pytest.importorskip("sklearn.callback")

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


class Recorder:
    """Counts hooks; on_fit_task_end returns True from the `stop_at`-th task on."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.setups = self.teardowns = 0
        self.begun, self.ended = [], []

    def setup(self, estimator, context):
        self.setups += 1

    def teardown(self, estimator, context):
        self.teardowns += 1

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        self.begun.append(context.task_name)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.ended.append((context.task_name, fitted_estimator))
        epochs = [name for name, _ in self.ended if name in ("epoch", "lbfgs-iter")]
        return self.stop_at is not None and len(epochs) >= self.stop_at


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_one_task_per_epoch_and_a_fitted_copy_of_each(solver):
    recorder = Recorder()
    clf = DeepNetClassifier((5,), solver=solver, max_iter=6, random_state=0)
    clf.set_callbacks(recorder).fit(X, y)
    task = "lbfgs-iter" if solver == "lbfgs" else "epoch"
    ended = [(n, est) for n, est in recorder.ended if n == task]
    assert recorder.setups == recorder.teardowns == 1
    # lbfgs also closes one task that never ran (as LogisticRegression does)
    assert len(ended) == clf.n_iter_ + (solver == "lbfgs")
    snapshots = [est for _, est in ended if est is not None]
    assert len(snapshots) == clf.n_iter_
    # the snapshot after the last epoch predicts as the final model does
    np.testing.assert_array_equal(snapshots[-1].predict_proba(X), clf.predict_proba(X))
    # ...and each holds the fit's progress up to its own epoch
    for k, snapshot in enumerate(snapshots, start=1):
        assert snapshot.n_iter_ == k
        assert snapshot.loss_curve_ == clf.loss_curve_[:k]
        assert snapshot.loss_ == clf.loss_curve_[k - 1]
        assert snapshot.t_ == k * len(X)
    # ...and earlier snapshots hold the weights of their own epoch, not shared ones
    assert not np.array_equal(snapshots[0].predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_callback_can_stop_training(solver):
    clf = DeepNetClassifier((5,), solver=solver, max_iter=50, random_state=0)
    clf.set_callbacks(Recorder(stop_at=3)).fit(X, y)
    assert clf.n_iter_ == 3


def test_scoring_monitor_logs_a_score_per_epoch():
    pytest.importorskip("pandas")
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = DeepNetClassifier((8,), learning_rate=0.01, max_iter=7, random_state=0)
    clf.set_callbacks(monitor).fit(X, y)
    data = monitor.get_logs().data_as_pandas
    scores = data.iloc[:, -1].to_numpy()
    assert len(scores) >= clf.n_iter_
    assert scores[-1] == pytest.approx(clf.score(X, y))


def test_teardown_runs_when_fit_fails_and_state_is_kept():
    recorder = Recorder()
    clf = DeepNetClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    clf.set_callbacks(recorder)
    with pytest.raises(ValueError, match="NaN"):
        clf.set_params(warm_start=True).fit(X_bad, y)
    assert recorder.setups == recorder.teardowns == 1
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_progress_bar_nests_inside_grid_search(capsys):
    pytest.importorskip("rich")
    search = GridSearchCV(
        DeepNetClassifier(max_iter=3, random_state=0),
        {"hidden_layer_sizes": [(4,), (8,)]},
        cv=2,
    ).set_callbacks(callback.ProgressBar())
    search.fit(X, y)
    assert search.best_params_["hidden_layer_sizes"] in [(4,), (8,)]


def test_partial_fit_ignores_callbacks():
    recorder = Recorder()
    clf = DeepNetClassifier((5,), random_state=0).set_callbacks(recorder)
    clf.partial_fit(X, y, classes=np.unique(y))
    assert recorder.setups == 0 and recorder.ended == []
