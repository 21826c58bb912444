"""LossCurveDisplay: the cost J per epoch, the course's first diagnostic plot."""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted


def _check_matplotlib(caller_name):
    """Raise a clear ImportError when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib: pip install matplotlib "
            "(or skdnn[plot])."
        ) from exc


def _twin_of(ax):
    """The right-hand twin (``ax.twinx()``) of ``ax`` made earlier, or None."""
    for other in ax.get_shared_x_axes().get_siblings(ax):
        if (
            other is not ax
            and other.get_position().bounds == ax.get_position().bounds
            and other.yaxis.get_label_position() == "right"
        ):
            return other
    return None


class LossCurveDisplay:
    """Training cost J per epoch, and the validation score if there is one.

    The course's way to watch gradient descent: J should go down after every
    epoch; if it goes up or oscillates, α is too large. With
    ``early_stopping=True`` the validation loss of each epoch is drawn next to
    the training loss (dashed; the gap between them is the overfitting), and
    with a ``scoring`` (say "accuracy") its validation score on a second y
    axis on the right (dotted). The default score, minus the validation loss,
    is not drawn twice.

    Use :meth:`from_estimator` to make one from a fitted estimator. All
    parameters are stored as attributes. Requires matplotlib
    (``pip install skdnn[plot]``).

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        The cost J after each epoch (``loss_curve_``; after each iteration for
        ``solver="lbfgs"``).

    validation_scores : array-like of shape (n_epochs,), default=None
        The validation score after each epoch (``validation_scores_``), or
        None for no validation curve.

    estimator_name : str, default=None
        Name used in the legend. None shows no name.

    score_name : str, default="accuracy"
        What the validation score is, for its label and axis.

    validation_loss_curve : array-like of shape (n_epochs,), default=None
        The validation loss after each epoch (``validation_loss_curve_``), or
        None for no validation-loss curve.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The training-loss curve.

    validation_line_ : matplotlib Line2D or None
        The validation-score curve, None without validation scores.

    validation_loss_line_ : matplotlib Line2D or None
        The validation-loss curve, None without a validation loss.

    ax_ : matplotlib Axes
        The axes of the training loss (the left y axis).

    validation_ax_ : matplotlib Axes or None
        The twin axes (``ax_.twinx()``) of the validation score, None without
        validation scores.

    figure_ : matplotlib Figure
        The figure containing the curves.

    See Also
    --------
    sklearn.metrics.RocCurveDisplay : scikit-learn's display of a ROC curve.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from skdnn import DeepNetClassifier, LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepNetClassifier((8,), learning_rate=0.01, early_stopping=True,
    ...                         scoring="accuracy", random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> len(display.line_.get_ydata()) == len(clf.loss_curve_) == clf.n_iter_
    True
    >>> display.validation_line_.get_label()
    'DeepNetClassifier validation accuracy'
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        loss_curve,
        validation_scores=None,
        estimator_name=None,
        score_name="accuracy",
        validation_loss_curve=None,
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.estimator_name = estimator_name
        self.score_name = score_name
        self.validation_loss_curve = validation_loss_curve

    def plot(self, ax=None, *, name=None, **kwargs):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes. Displays plotted
            on the same axes share one legend (and one twin axis for the
            validation scores).

        name : str, default=None
            Name used in the legend; None uses ``estimator_name``.

        **kwargs : dict
            Keyword arguments passed to ``matplotlib.pyplot.plot`` for the
            training-loss line. The validation line takes the same colour,
            dashed.

        Returns
        -------
        display : LossCurveDisplay
            This object, with the matplotlib artists stored as attributes.
        """
        _check_matplotlib(f"{self.__class__.__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        name = self.estimator_name if name is None else name
        loss_curve = np.asarray(self.loss_curve, dtype=float).ravel()
        epochs = np.arange(1, len(loss_curve) + 1)

        label = "training loss" if name is None else f"{name} training loss"
        (self.line_,) = ax.plot(epochs, loss_curve, **{"label": label, **kwargs})
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Loss J")

        self.validation_loss_line_ = None
        if self.validation_loss_curve is not None:
            losses = np.asarray(self.validation_loss_curve, dtype=float).ravel()
            label = "validation loss" if name is None else f"{name} validation loss"
            (self.validation_loss_line_,) = ax.plot(
                np.arange(1, len(losses) + 1),
                losses,
                color=self.line_.get_color(),
                linestyle="--",
                label=label,
            )

        self.validation_line_ = self.validation_ax_ = None
        if self.validation_scores is not None:
            scores = np.asarray(self.validation_scores, dtype=float).ravel()
            twin = _twin_of(ax)
            if twin is None:
                twin = ax.twinx()
            label = f"validation {self.score_name}"
            label = label if name is None else f"{name} {label}"
            (self.validation_line_,) = twin.plot(
                np.arange(1, len(scores) + 1),
                scores,
                color=self.line_.get_color(),
                linestyle=":",
                label=label,
            )
            twin.set_ylabel(f"Validation {self.score_name}")
            self.validation_ax_ = twin

        # One legend for the lines of both y axes, on the axes drawn on top.
        handles, labels = ax.get_legend_handles_labels()
        twin = _twin_of(ax)
        if twin is not None:
            more_handles, more_labels = twin.get_legend_handles_labels()
            handles, labels = handles + more_handles, labels + more_labels
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            twin.legend(handles, labels, loc="center right")
        else:
            ax.legend(handles, labels)

        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Plot the loss curve of a fitted estimator.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~skdnn.DeepNetClassifier` or
            :class:`~skdnn.DeepNetRegressor` (or any estimator with a
            ``loss_curve_``, such as scikit-learn's MLPs), or a fitted
            :class:`~sklearn.pipeline.Pipeline` whose last step is one.

        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes.

        name : str, default=None
            Name used in the legend; None uses the class name of the network.

        **kwargs : dict
            Keyword arguments passed to ``matplotlib.pyplot.plot`` for the
            training-loss line.

        Returns
        -------
        display : LossCurveDisplay
            The display, with the matplotlib artists stored as attributes.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        net = estimator[-1] if isinstance(estimator, Pipeline) else estimator
        check_is_fitted(net)
        if not hasattr(net, "loss_curve_"):
            raise TypeError(
                f"{net.__class__.__name__} has no loss_curve_ to plot. Pass a "
                "fitted DeepNetClassifier or DeepNetRegressor, or a Pipeline "
                "ending in one."
            )
        display = cls(
            loss_curve=net.loss_curve_,
            # the default score is minus the validation loss, drawn as a loss
            validation_scores=(
                None
                if getattr(net, "scoring", None) is None
                else getattr(net, "validation_scores_", None)
            ),
            estimator_name=net.__class__.__name__ if name is None else name,
            score_name=_score_name(net),
            validation_loss_curve=getattr(net, "validation_loss_curve_", None),
        )
        return display.plot(ax=ax, **kwargs)


def _score_name(net):
    """What the validation scores of ``net`` measure."""
    scoring = getattr(net, "scoring", None)
    if isinstance(scoring, str):
        return scoring
    return "score"
