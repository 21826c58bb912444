"""The mini-batch training loop ("sgd", "adam").

:func:`train_stochastic` minimises the cost J of
:meth:`skdnn._nn.network.Network.cost_and_gradient` over the flat parameter
vector θ, in place, epoch after epoch, until a stopping rule fires, and
returns what happened as a :class:`~skdnn._train.config.TrainingResult`. The
L-BFGS driver is :mod:`skdnn._train.lbfgs`.
"""

import math

import numpy as np

from .. import _fast
from .._nn.layer import Pass
from .._nn.penalty import L2
from .._warnings import warn
from .config import RAISE_ON_OVERFLOW, SolverState, TrainingResult, diverged
from .data import Batches, check_rows_for_batch_norm
from .stopping import NoImprovement, split_validation


def batch_rows(batch_size, n_samples):
    """Rows per batch: "auto" is min(200, n), None is all n."""
    if batch_size is None:
        return n_samples
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warn(
            f"batch_size={batch_size} is larger than the {n_samples} "
            "training samples; using batches of all of them."
        )
    return min(batch_size, n_samples)


def train_stochastic(network, theta, data, config, state, rng, random_state, tasks):
    """Mini-batch epochs of the optimiser until a stopping rule fires.

    Parameters
    ----------
    network : Network
        The network being trained.
    theta : ndarray of shape (n_params,)
        Its parameters, trained in place; at the end they hold the best
        epoch's (unless ``partial_fit``, or the user interrupted).
    data : TrainingData
        The training set (the early-stopping split is taken from it).
    config : StochasticConfig
        The solver, schedule and stopping settings.
    state : SolverState
        What earlier ``partial_fit`` calls left (the optimiser, schedule and
        counter are made here where it holds None).
    rng : numpy.random.Generator
        Shuffles the samples and draws the dropout masks.
    random_state : RandomState
        Seeds the early-stopping split.
    tasks : CallbackTasks
        One callback subtask per epoch.

    Returns
    -------
    result : TrainingResult
    """
    _fast.backend()  # SKDNN_KERNELS, read once per fit
    settings, stopping_settings = config.optimizer, config.stopping
    state = SolverState(**vars(state))
    if state.optimizer is None:
        state.optimizer = settings.make_optimizer(network.n_params, theta.dtype)
        state.schedule = settings.make_schedule()
    early_stopping = stopping_settings.early_stopping
    if state.stopping is None:
        state.stopping = NoImprovement(validation=early_stopping)
    optimizer, schedule, stopping = state.optimizer, state.schedule, state.stopping

    validation = monitor = None
    if early_stopping:
        data, validation = split_validation(
            data,
            stopping_settings.validation_fraction,
            random_state,
            stopping_settings.stratify,
        )
        monitor = ValidationMonitor(
            network, theta, validation, stopping_settings.score, settings
        )
    tasks.data = (data.X, data.y, data.sample_weight)
    check_rows_for_batch_norm(network, data.X.shape[0])
    # a last batch of one row would be normalised by its own statistics
    min_rows = 2 if network.batch_norm else 1
    batches = Batches(data, batch_rows(config.batch_size, data.X.shape[0]), min_rows)
    cache = network.allocate_cache(batches.largest, theta.dtype)
    mode = Pass(training=True, rng=rng, running="average")
    penalty = L2(config.alpha, network.n_penalised) if config.alpha else None
    grad = np.empty_like(theta)
    first_theta = theta[: network.n_penalised].copy()
    epoch_start = np.empty_like(theta)
    best_theta, best_epoch = theta.copy(), None
    n_samples = data.X.shape[0]
    max_norm = config.max_grad_norm
    decay = config.weight_decay
    penalised = theta[: network.n_penalised]
    # Without clipping (which needs the whole gradient's norm first), the
    # optimiser step adds the L2 gradient and returns the next ||W||².
    fold = max_norm is None and penalty is not None
    weight_norm_sq = None
    curve = []
    # Dropout's noise in the batch costs reads as a plateau to the stopping
    # rule; without a validation split it watches the cost of the weights as
    # they predict, with nothing dropped (one forward pass over the data).
    watched = [] if validation is None and network.dropout else None
    ended = "callback"

    try:
        for _ in range(stopping_settings.max_iter):
            tasks.begin()
            np.copyto(epoch_start, theta)
            order = rng.permutation(n_samples) if config.shuffle else None
            epoch_cost = 0.0
            rows_done = 0
            where = f"in epoch {state.n_iter + 1}"
            try:
                with np.errstate(**RAISE_ON_OVERFLOW):
                    for Xb, Yb, sb, weight in batches.epoch(order):
                        cost = network.cost_and_gradient(
                            theta,
                            Xb,
                            Yb,
                            sb,
                            grad,
                            cache,
                            mode,
                            penalty,
                            weight,
                            penalty_in_step=fold,
                            weight_norm_sq=weight_norm_sq,
                        )
                        if not math.isfinite(cost):
                            raise diverged(
                                where, settings.solver, settings.learning_rate
                            )
                        epoch_cost += cost * weight
                        if max_norm is not None:
                            norm = math.sqrt(float(grad @ grad))
                            if norm > max_norm:
                                grad *= max_norm / norm
                                state.n_clipped_steps += 1
                        if schedule.per_step:
                            done = len(curve) + rows_done / n_samples
                            schedule.step_begins(done / stopping_settings.max_iter)
                            rows_done += Xb.shape[0]
                        if decay:  # decoupled: W <- W (1 - α wd), then the step
                            penalised *= 1.0 - schedule.learning_rate * decay
                        weight_norm_sq = optimizer.update(
                            theta,
                            grad,
                            schedule.learning_rate,
                            # the cost sums k members' rows: λ/(k m), as unfolded
                            penalty.coefficient(weight * network.members)
                            if fold
                            else None,
                        )
            except FloatingPointError as exc:
                raise diverged(
                    f"{where} ({exc})", settings.solver, settings.learning_rate
                ) from exc
            if not np.isfinite(theta).all():
                raise diverged(where, settings.solver, settings.learning_rate)

            state.n_iter += 1
            state.t += n_samples
            loss = epoch_cost / batches.total_weight
            curve.append(loss)
            if config.verbose:
                print(f"Iteration {state.n_iter}, loss = {loss:.8f}")
            if watched is not None:
                try:
                    watched.append(predicting_cost(network, theta, data, penalty))
                except FloatingPointError as exc:
                    raise diverged(
                        f"{where} ({exc})", settings.solver, settings.learning_rate
                    ) from exc
                new_best = stopping.update(stopping_settings.tol, loss=watched[-1])
            elif validation is None:
                new_best = stopping.update(stopping_settings.tol, loss=loss)
            else:
                score = monitor.epoch_ends(state.n_iter)
                if config.verbose:
                    print(f"Validation score: {score:f}")
                new_best = stopping.update(stopping_settings.tol, score=score)
            if new_best:
                np.copyto(best_theta, theta)
                best_epoch = len(curve) - 1
            schedule.epoch_ends(state.t)
            stop = _patience_ends(stopping, schedule, stopping_settings, config.verbose)
            if stop:
                ended = "patience"
            progress = (state.n_iter, state.t, curve)
            if tasks.end(theta, *progress) or stop or config.incremental:
                break
        else:
            ended = "max_iter"
    except KeyboardInterrupt:
        np.copyto(theta, epoch_start)
        warn(
            "Training interrupted by the user: keeping the weights of the last "
            f"completed epoch ({state.n_iter})."
        )
        ended = "interrupted"

    if ended != "interrupted" and not config.incremental and best_epoch is not None:
        np.copyto(theta, best_theta)
    return TrainingResult(
        state=state,
        loss_curve=curve,
        loss=curve[-1] if curve else None,
        best_loss=stopping.best_loss,
        best_epoch=best_epoch,
        ended=ended,
        early_stopping=early_stopping,
        validation_scores=stopping.scores,
        validation_loss_curve=None if validation is None else monitor.losses,
        best_validation_score=stopping.best_score,
        trained_on=data,
        stopping_curve=watched,
        weight_change=_relative_change(first_theta, theta[: network.n_penalised]),
    )


def _relative_change(before, after):
    """||after - before|| / ||before||: how far training moved the weights."""
    size = float(np.linalg.norm(before))
    return float(np.linalg.norm(after - before)) / size if size > 0 else np.inf


def data_loss(network, views, data):
    """(1/m) sum_i s_i L(ŷ_i, y_i) of the weights ``views`` on ``data``, predicting.

    One predicting forward pass (no dropout, batch norm's running statistics),
    so it is the loss of the model as it predicts.
    """
    Z_L = network.predict_logits(data.X, views)
    loss = network.output_layer.loss(
        Z_L, data.Y, np.empty_like(Z_L), data.sample_weight
    )
    return loss / data.total_weight


def predicting_cost(network, theta, data, penalty):
    """The cost J of θ on ``data`` as it predicts: the data loss and the L2 term."""
    with np.errstate(**RAISE_ON_OVERFLOW):
        cost = data_loss(network, network.bind(theta), data)
    if penalty is not None:
        cost += penalty.cost(theta) / data.total_weight
    return cost


class ValidationMonitor:
    """The validation score and loss of the current weights, epoch by epoch.

    The loss, and the default score (minus the loss), come from one predicting
    forward pass over the held-out samples; a ``score`` function (a scorer of
    the estimator being trained) scores the weights itself.

    Parameters
    ----------
    network : Network
        The network being trained.
    theta : ndarray of shape (n_params,)
        Its parameters, which training updates in place.
    validation : TrainingData
        The held-out samples.
    score : callable or None
        ``score(X, y, sample_weight)``; None scores minus the loss.
    settings : OptimizerSettings
        For the divergence error's advice.
    """

    def __init__(self, network, theta, validation, score, settings):
        self.network, self.theta, self.validation = network, theta, validation
        self.score, self.settings = score, settings
        self.views = network.bind(theta)
        self.losses = []

    def epoch_ends(self, n_iter):
        """Record the epoch's validation loss; return its validation score."""
        data = self.validation
        try:
            with np.errstate(**RAISE_ON_OVERFLOW):
                self.losses.append(data_loss(self.network, self.views, data))
        except FloatingPointError as exc:
            where = f"on the validation set after epoch {n_iter} ({exc})"
            raise diverged(
                where, self.settings.solver, self.settings.learning_rate
            ) from exc
        if self.score is None:
            return float(-self.losses[-1])
        return float(self.score(data.X, data.y, data.sample_weight))


def _patience_ends(stopping, schedule, settings, verbose):
    """After too many epochs without improvement: True to stop, or a smaller α."""
    if stopping.count <= settings.n_iter_no_change:
        return False
    message = stopping.message(settings.tol, settings.n_iter_no_change)
    if schedule.plateau():
        if verbose:
            print(message + " Stopping.")
        return True
    if verbose:
        print(f"{message} Setting learning rate to {schedule.learning_rate}")
    stopping.count = 0
    return False
