"""The mini-batch training loop ("sgd", "adam"), and what it shares with L-BFGS.

:func:`train_stochastic` minimises the cost J of
:meth:`skdnn._network.Network.cost_and_gradient` over the flat parameter vector
``theta`` of a :class:`BaseDeepNet` estimator, in place, epoch after epoch, and
records its progress in the estimator's fitted attributes (``n_iter_``, ``t_``,
``loss_``, ``loss_curve_``, ``best_loss_``). It reads the data from a
:class:`~skdnn._batches.TrainingData`. The L-BFGS driver, which records the
same attributes, is :mod:`skdnn._lbfgs`.
"""

import math
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring

from ._batches import Batches
from ._diagnosis import (
    advice,
    input_scale,
    loss_rise,
    no_better_than_constant,
    step_collapse,
    still_improving,
)
from ._optimizers import SGD, Adam, LearningRateSchedule
from ._stopping import NoImprovement, split_validation, uses_early_stopping

# Training on sound data never overflows; when it does, the run has diverged.
# These turn the first overflow or invalid operation of forward, backward or an
# optimiser step into a FloatingPointError, reported by `diverged`.
RAISE_ON_OVERFLOW = {"over": "raise", "invalid": "raise", "divide": "raise"}


def diverged(estimator, where):
    """The error for a cost or weights that became non-finite, with its fix."""
    if estimator.solver == "lbfgs":
        advice = "or add an L2 penalty (a larger alpha)"
    else:
        advice = f"or lower learning_rate (now {estimator.learning_rate!r})"
    return ValueError(
        f"Training diverged: the cost or the weights became non-finite {where}. "
        f"Scale the input (e.g. StandardScaler) {advice}; the estimator was left "
        "as it was before fit."
    )


def _resolve_batch_size(batch_size, n_samples):
    if batch_size is None:
        return n_samples
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            f"batch_size={batch_size} is larger than the {n_samples} "
            "training samples; using batches of all of them.",
            UserWarning,
            stacklevel=6,
        )
    return min(batch_size, n_samples)


def _make_optimizer(est, n_params, dtype):
    if est.solver == "sgd":
        return SGD(n_params, dtype, est.momentum, est.nesterovs_momentum)
    return Adam(n_params, dtype, est.beta_1, est.beta_2, est.epsilon)


def train_stochastic(est, data, rng, random_state, tasks, incremental):
    """Mini-batch epochs of ``est._optimizer`` until a stopping rule fires.

    Parameters
    ----------
    est : BaseDeepNet
        Holds the hyperparameters, the network and ``_theta``; its optimiser,
        schedule and no-improvement counter are made here unless
        ``partial_fit`` carries them over.
    data : TrainingData
        The training set (the early-stopping split is taken from it).
    rng : numpy.random.Generator
        Shuffles the samples each epoch.
    random_state : RandomState
        Seeds the early-stopping split.
    tasks : CallbackTasks
        One callback subtask per epoch.
    incremental : bool
        ``partial_fit``: run one epoch and keep counting from earlier calls.
    """
    network, theta = est._network, est._theta
    if est._optimizer is None:
        est._optimizer = _make_optimizer(est, network.n_params, theta.dtype)
        est._schedule = LearningRateSchedule(
            est.learning_rate, est.learning_rate_schedule, est.power_t
        )
    early_stopping = uses_early_stopping(
        est.early_stopping, data.X.shape[0], incremental
    )
    est.do_early_stopping_ = early_stopping
    if est._stopping is None:
        est._stopping = NoImprovement(validation=early_stopping)
    stopping = est._stopping
    unscaled = None if incremental else input_scale(data.X)

    validation = None
    if early_stopping:
        data, validation = split_validation(
            data, est.validation_fraction, random_state, est._stratify_split()
        )
        monitor = _ValidationMonitor(est, validation)
    tasks.data = (data.X, data.y, data.sample_weight)
    batches = Batches(data, _resolve_batch_size(est.batch_size, data.X.shape[0]))
    cache = network.allocate_cache(batches.size, theta.dtype)
    cache.rng = rng  # dropout masks
    cache.running = "average"  # batch norm's running statistics
    grad = np.empty_like(theta)
    epoch_start = np.empty_like(theta)
    best_theta, best_epoch = theta.copy(), None
    n_samples = data.X.shape[0]
    if not incremental:
        est.n_iter_ = 0
        est.n_clipped_steps_ = 0
    this_fit = len(est.loss_curve_)
    max_norm = est.max_grad_norm
    # Without clipping (which needs the whole gradient's norm first), the
    # optimiser step adds the L2 gradient and returns the next ||W||².
    fold = max_norm is None and est.alpha > 0
    n_weights, weight_norm_sq = network.n_weights, None
    ended = "callback"

    try:
        for _ in range(est.max_iter):
            tasks.begin()
            np.copyto(epoch_start, theta)
            order = rng.permutation(n_samples) if est.shuffle else None
            epoch_cost = 0.0
            where = f"in epoch {est.n_iter_ + 1}"
            try:
                with np.errstate(**RAISE_ON_OVERFLOW):
                    for Xb, Yb, sb, weight in batches.epoch(order):
                        cost = network.cost_and_gradient(
                            theta,
                            Xb,
                            Yb,
                            sb,
                            est.alpha,
                            grad,
                            cache,
                            weight,
                            penalty_in_step=fold,
                            weight_norm_sq=weight_norm_sq,
                        )
                        if not math.isfinite(cost):
                            raise diverged(est, where)
                        epoch_cost += cost * weight
                        if max_norm is not None:
                            norm = math.sqrt(float(grad @ grad))
                            if norm > max_norm:
                                grad *= max_norm / norm
                                est.n_clipped_steps_ += 1
                        weight_norm_sq = est._optimizer.update(
                            theta,
                            grad,
                            est._schedule.learning_rate,
                            (n_weights, est.alpha / weight) if fold else None,
                        )
            except FloatingPointError as exc:
                raise diverged(est, f"{where} ({exc})") from exc
            if not np.isfinite(theta).all():
                raise diverged(est, where)

            est.n_iter_ += 1
            est.t_ += n_samples
            est.loss_ = epoch_cost / batches.total_weight
            est.loss_curve_.append(est.loss_)
            if est.verbose:
                print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
            if validation is None:
                new_best = stopping.update(est.tol, loss=est.loss_)
            else:
                score = monitor.epoch_ends()
                if est.verbose:
                    print(f"Validation score: {score:f}")
                new_best = stopping.update(est.tol, score=score)
            if new_best:
                np.copyto(best_theta, theta)
                best_epoch = len(est.loss_curve_) - 1 - this_fit
            est._schedule.epoch_ends(est.t_)
            stop = _patience_ends(est, stopping)
            if stop:
                ended = "patience"
            if tasks.end(theta) or stop or incremental:
                break
        else:
            ended = "max_iter"
    except KeyboardInterrupt:
        np.copyto(theta, epoch_start)
        warnings.warn(
            "Training interrupted by the user: keeping the weights of the last "
            f"completed epoch ({est.n_iter_}).",
            UserWarning,
            stacklevel=5,
        )
        ended = "interrupted"

    if ended != "interrupted" and not incremental and best_epoch is not None:
        np.copyto(theta, best_theta)
    est.validation_loss_curve_ = None if validation is None else monitor.losses
    est.best_loss_ = stopping.best_loss
    est.validation_scores_ = stopping.scores
    est.best_validation_score_ = stopping.best_score
    if not incremental and ended != "interrupted":
        _warn_if_training_went_wrong(
            est,
            data,
            est.loss_curve_[this_fit:],
            best_epoch,
            ended,
            unscaled,
            validation,
        )


def _warn_if_training_went_wrong(
    est, data, curve, best_epoch, ended, unscaled, validation
):
    """One warning naming what went wrong in the fit that ended, with the fix."""
    symptoms = [
        symptom
        for symptom in (
            loss_rise(curve, est.n_iter_no_change),
            step_collapse(est._schedule, est.solver) if ended == "patience" else None,
            None
            if ended != "patience"
            else no_better_than_constant(
                min(curve), est.alpha, est.tol, est._network.output_layer, data
            ),
        )
        if symptom is not None
    ]
    if symptoms:
        if best_epoch is not None and best_epoch + 1 < len(curve):
            symptoms[-1] += f"; the weights of epoch {best_epoch + 1} are kept"
        if unscaled:
            symptoms.insert(0, unscaled)
        warnings.warn(advice(symptoms, unscaled, est), ConvergenceWarning, stacklevel=6)
    elif ended == "max_iter" and still_improving(est, curve, validation):
        scale = ", or scale the data" if unscaled else ""
        warnings.warn(
            f"Stochastic optimizer: maximum iterations ({est.max_iter}) "
            "reached and the optimization hasn't converged yet. Increase "
            f"max_iter{scale}.",
            ConvergenceWarning,
            stacklevel=6,
        )
    elif unscaled:
        warnings.warn(
            f"{type(est).__name__}: {unscaled}. Networks train best on "
            "standardised input: put a StandardScaler (or another scaler) before "
            "the estimator in a Pipeline.",
            UserWarning,
            stacklevel=6,
        )


class _ValidationMonitor:
    """The validation score and loss of the current weights, epoch by epoch.

    The loss, and the default score (minus the loss), come from one predicting
    forward pass over the held-out samples; a ``scoring`` scorer calls the
    estimator itself, whose weights are the ones being trained.
    """

    def __init__(self, est, validation):
        self.est, self.validation = est, validation
        self.scorer = None if est.scoring is None else check_scoring(est, est.scoring)
        self.total_weight = validation.total_weight
        self.losses = []

    def epoch_ends(self):
        """Record the epoch's validation loss; return its validation score."""
        est, data = self.est, self.validation
        network = est._network
        W, b = est._parameter_views()
        try:
            with np.errstate(**RAISE_ON_OVERFLOW):
                Z_L = network.predict_logits(data.X, W, b, est._norm_views())
                loss = network.output_layer.loss(
                    Z_L, data.Y, np.empty_like(Z_L), data.sample_weight
                )
        except FloatingPointError as exc:
            where = f"on the validation set after epoch {est.n_iter_} ({exc})"
            raise diverged(est, where) from exc
        self.losses.append(loss / self.total_weight)
        if self.scorer is None:
            score = -self.losses[-1]
        else:
            with est._trusted_input():
                score = self.scorer(
                    est, data.X, data.y, **_weight_argument(data.sample_weight)
                )
        return float(score)


def _weight_argument(sample_weight):
    return {} if sample_weight is None else {"sample_weight": sample_weight}


def _patience_ends(est, stopping):
    """After too many epochs without improvement: True to stop, or a smaller α."""
    if stopping.count <= est.n_iter_no_change:
        return False
    message = stopping.message(est.tol, est.n_iter_no_change)
    if est._schedule.plateau():
        if est.verbose:
            print(message + " Stopping.")
        return True
    if est.verbose:
        print(f"{message} Setting learning rate to {est._schedule.learning_rate}")
    stopping.count = 0
    return False
