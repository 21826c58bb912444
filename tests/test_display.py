"""LossCurveDisplay draws exactly the fitted curves, and matplotlib stays optional."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, DeepNetRegressor, LossCurveDisplay

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


ESTIMATORS = pytest.mark.parametrize(
    "estimator", [DeepNetClassifier, DeepNetRegressor], ids=["classifier", "regressor"]
)


def _net(estimator=DeepNetClassifier, **params):
    return estimator((8,), learning_rate=0.01, max_iter=40, random_state=0, **params)


def _fit(net, data):
    """``net`` fitted on iris (its labels as real numbers for a regressor)."""
    X, y = data
    return net.fit(X, y.astype(float) if isinstance(net, DeepNetRegressor) else y)


@ESTIMATORS
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_from_estimator_draws_the_loss_curve(data, estimator):
    clf = _fit(_net(estimator), data)
    display = LossCurveDisplay.from_estimator(clf)

    assert isinstance(display, LossCurveDisplay)
    np.testing.assert_array_equal(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.line_.get_xdata(), np.arange(1, clf.n_iter_ + 1)
    )
    assert display.validation_line_ is None
    assert display.validation_ax_ is None
    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.line_.get_label() == f"{estimator.__name__} training loss"
    assert len(display.figure_.axes) == 1


@ESTIMATORS
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_default_score_is_drawn_once_as_the_validation_loss(data, estimator):
    clf = _fit(_net(estimator, early_stopping=True, validation_fraction=0.2), data)
    display = LossCurveDisplay.from_estimator(clf)
    # minus the validation loss is the default score: no twin axis repeats it
    assert display.validation_line_ is None and display.validation_ax_ is None
    np.testing.assert_array_equal(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_curve_
    )
    assert len(display.figure_.axes) == 1


@pytest.mark.parametrize(
    "estimator, score",
    [(DeepNetClassifier, "accuracy"), (DeepNetRegressor, "r2")],
    ids=["classifier", "regressor"],
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_from_estimator_draws_validation_scores_on_a_twin_axis(data, estimator, score):
    net = _net(estimator, early_stopping=True, validation_fraction=0.2, scoring=score)
    clf = _fit(net, data)
    display = LossCurveDisplay.from_estimator(clf, name="net")

    np.testing.assert_array_equal(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.validation_line_.get_ydata(), clf.validation_scores_
    )
    assert display.validation_ax_ is not display.ax_
    assert display.validation_line_.axes is display.validation_ax_
    assert display.validation_ax_.get_ylabel() == f"Validation {score}"
    assert display.validation_line_.get_color() == display.line_.get_color()
    # the validation loss on the loss axis, dashed, in the same colour
    np.testing.assert_array_equal(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_curve_
    )
    assert display.validation_loss_line_.axes is display.ax_
    assert display.validation_loss_line_.get_linestyle() == "--"
    assert display.validation_loss_line_.get_color() == display.line_.get_color()
    legend = display.validation_ax_.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "net training loss",
        "net validation loss",
        f"net validation {score}",
    ]


def test_plot_on_a_given_ax_and_several_displays_share_it():
    _, ax = plt.subplots()
    first = LossCurveDisplay([3.0, 2.0, 1.0], [0.5, 0.6, 0.7], "a").plot(ax=ax)
    second = LossCurveDisplay([4.0, 2.5], [0.4, 0.8]).plot(ax=ax, name="b", color="red")

    assert first.ax_ is second.ax_ is ax
    assert first.figure_ is ax.figure
    # One twin axis for both validation curves, not one per display.
    assert second.validation_ax_ is first.validation_ax_
    assert len(ax.figure.axes) == 2
    assert second.line_.get_color() == "red"
    assert second.validation_line_.get_color() == "red"
    labels = [t.get_text() for t in first.validation_ax_.get_legend().get_texts()]
    assert labels == [
        "a training loss",
        "b training loss",
        "a validation accuracy",
        "b validation accuracy",
    ]


def test_unfitted_estimator_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(DeepNetClassifier())
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(make_pipeline(StandardScaler(), _net()))


def test_estimator_without_loss_curve_raises(data):
    with pytest.raises(TypeError, match="no loss_curve_"):
        LossCurveDisplay.from_estimator(StandardScaler().fit(data[0]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_pipeline_ending_in_the_network(data):
    pipeline = make_pipeline(StandardScaler(), _net()).fit(*data)
    display = LossCurveDisplay.from_estimator(pipeline)

    np.testing.assert_array_equal(display.line_.get_ydata(), pipeline[-1].loss_curve_)
    assert display.estimator_name == "DeepNetClassifier"


def test_importing_skdnn_does_not_import_matplotlib():
    code = "import sys, skdnn; assert 'matplotlib' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_matplotlib_raises_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    message = r"LossCurveDisplay.plot requires matplotlib: pip install matplotlib"
    with pytest.raises(ImportError, match=message):
        LossCurveDisplay([1.0, 0.5]).plot()
    with pytest.raises(ImportError, match=r"skdnn\[plot\]"):
        LossCurveDisplay.from_estimator(DeepNetClassifier())
