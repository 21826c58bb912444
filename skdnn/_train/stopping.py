"""When stochastic training stops: the no-improvement rule and early stopping.

Without early stopping, training stops once the training cost J has not fallen
by ``tol`` for more than ``n_iter_no_change`` epochs. With early stopping, a
validation split is set aside, its score (by default minus its loss) is
measured after every epoch, and the same rule watches that score. Either way
the weights of the best epoch are kept.
"""

import copy
import math

import numpy as np
from sklearn.model_selection import train_test_split

from .._warnings import warn
from .data import TrainingData

# early_stopping="auto" sets a validation split aside from this many samples on.
AUTO_EARLY_STOPPING_MIN_SAMPLES = 1000


def uses_early_stopping(early_stopping, n_samples, incremental):
    """Whether a fit on ``n_samples`` samples holds a validation split out.

    Parameters
    ----------
    early_stopping : bool or "auto"
        The estimator's parameter.
    n_samples : int
        The number of training samples.
    incremental : bool
        ``partial_fit``, which has no held-out set across calls.
    """
    if early_stopping == "auto":
        return not incremental and n_samples >= AUTO_EARLY_STOPPING_MIN_SAMPLES
    return bool(early_stopping)


def split_validation(data, fraction, random_state, stratify):
    """Set aside ``fraction`` of the training data for early stopping.

    Parameters
    ----------
    data : TrainingData
        The whole training set.
    fraction : float
        ``validation_fraction``, in (0, 1).
    random_state : RandomState
        Seeds the split.
    stratify : bool
        Whether to stratify by the (1-D) labels y.

    Returns
    -------
    train, validation : TrainingData
        The rest of the data, and the part set aside.
    """
    X, y, Y, sw = data.X, data.y, data.Y, data.sample_weight
    n_samples = X.shape[0]
    n_validation = math.ceil(fraction * n_samples)  # as train_test_split rounds
    if n_samples < 3:
        raise ValueError(
            f"Early stopping needs at least 2 of the {n_samples} samples for its "
            "validation set and 1 to train on. Use more data, or set "
            "early_stopping=False."
        )
    if n_validation < 2:
        raise ValueError(
            f"validation_fraction={fraction} of {n_samples} samples sets aside "
            f"{n_validation} for early stopping, which needs at least 2. Increase "
            "validation_fraction, use more data, or set early_stopping=False."
        )
    if n_validation >= n_samples:
        raise ValueError(
            f"validation_fraction={fraction} of {n_samples} samples sets all of "
            "them aside for early stopping and leaves none to train on. Use a "
            "smaller validation_fraction (0.1 is the default), or set "
            "early_stopping=False."
        )
    arrays = [X, y, Y] if sw is None else [X, y, Y, sw]
    stratify = stratify and y.ndim == 1
    if stratify:
        # Clone the generator's state: a failed stratified split must not move
        # the stream the random split then draws from.
        state = copy.deepcopy(random_state)
        try:
            parts = train_test_split(
                *arrays, test_size=fraction, random_state=state, stratify=y
            )
        except ValueError as exc:
            warn(
                f"The early-stopping split of validation_fraction={fraction} of "
                f"{X.shape[0]} samples cannot be stratified by class ({exc}); "
                "using a random split instead, so some classes may be missing "
                "from the validation set."
            )
            stratify = False
    if not stratify:
        try:
            parts = train_test_split(
                *arrays, test_size=fraction, random_state=random_state
            )
        except ValueError as exc:
            raise ValueError(
                f"Early stopping cannot set aside validation_fraction={fraction} "
                f"of {n_samples} samples: {exc}. Use more data, another "
                "validation_fraction, or early_stopping=False."
            ) from exc
    X_train, X_val, y_train, y_val, Y_train, Y_val = parts[:6]
    sw_train, sw_val = (None, None) if sw is None else parts[6:]
    train = TrainingData(X_train, y_train, Y_train, sw_train)
    return train, TrainingData(X_val, y_val, Y_val, sw_val)


class NoImprovement:
    """The no-improvement counter over the training loss or a validation score.

    ``partial_fit`` carries it from call to call; the rule's settings (``tol``,
    ``n_iter_no_change``) are read afresh each epoch, as ``set_params`` may
    change them in between.

    Parameters
    ----------
    validation : bool
        Whether the counter watches a validation score (higher is better)
        instead of the training loss (lower is better).

    Attributes
    ----------
    count : int
        Consecutive epochs without an improvement.
    best_loss : float or None
        The smallest training loss so far; None with validation.
    scores : list of float or None
        The validation score of every epoch; None without validation.
    best_score : float or None
        The best validation score so far; None without validation.
    """

    def __init__(self, validation):
        self.count = 0
        self.best_loss = None if validation else np.inf
        self.scores = [] if validation else None
        self.best_score = -np.inf if validation else None

    def update(self, tol, loss=None, score=None):
        """Count the epoch that ended; return True if it is the best so far.

        Parameters
        ----------
        tol : float
            The smallest improvement that counts.
        loss : float, default=None
            The epoch's training loss, without validation.
        score : float, default=None
            The epoch's validation score, with validation.
        """
        new_best = False
        if self.scores is not None:
            self.scores.append(score)
            improved = score >= self.best_score + tol
            new_best = score > self.best_score
            self.best_score = max(self.best_score, score)
        else:
            improved = loss <= self.best_loss - tol
            new_best = loss < self.best_loss
            self.best_loss = min(self.best_loss, loss)
        self.count = 0 if improved else self.count + 1
        return new_best

    def message(self, tol, n_iter_no_change):
        """What the counter saw, for ``verbose``."""
        what = "Validation score" if self.scores is not None else "Training loss"
        return (
            f"{what} did not improve more than tol={tol} for "
            f"{n_iter_no_change} consecutive epochs."
        )
