"""The L-BFGS driver ("lbfgs"): SciPy's L-BFGS-B on the full-batch cost.

Like the mini-batch loop of :mod:`skdnn._train.stochastic`, it minimises the
cost J of :meth:`skdnn._nn.network.Network.cost_and_gradient` over the flat
parameter vector θ, in place, and returns a
:class:`~skdnn._train.config.TrainingResult`.
"""

from contextlib import nullcontext

import numpy as np
import scipy.optimize
from threadpoolctl import threadpool_limits

from .. import _fast
from .._fast import tuning
from .._nn.layer import Pass
from .._nn.penalty import L2
from .._warnings import warn
from .config import RAISE_ON_OVERFLOW, SolverState, TrainingResult, diverged
from .data import check_rows_for_batch_norm


def blas_threads_for_lbfgs(network, n_samples):
    """The BLAS thread limit of an L-BFGS fit, as a context manager.

    One thread while a cost evaluation (n_samples x the weights'
    multiply-adds) stays below
    :data:`~skdnn._fast.tuning.LBFGS_ONE_BLAS_THREAD_BELOW`; else BLAS's own
    choice.
    """
    if n_samples * network.n_penalised < tuning.LBFGS_ONE_BLAS_THREAD_BELOW:
        return threadpool_limits(limits=1, user_api="blas")
    return nullcontext()


def train_lbfgs(network, theta, data, config, state, tasks):
    """SciPy's L-BFGS-B on the full-batch cost, one callback task per iteration.

    Parameters
    ----------
    network : Network
        The network being trained.
    theta : ndarray of shape (n_params,)
        Its parameters, trained in place.
    data : TrainingData
        The training set.
    config : LbfgsConfig
        The iteration limits and tolerance.
    state : SolverState
        The counts so far (``t``); L-BFGS keeps no optimiser state.
    tasks : CallbackTasks
        One callback subtask per iteration.

    Returns
    -------
    result : TrainingResult
        ``ended`` is "converged", "max_iter", "line_search", "callback" or
        "interrupted", with SciPy's ``message``.
    """
    _fast.backend()  # SKDNN_KERNELS, read once per fit
    X, Y, sw = data.X, data.Y, data.sample_weight
    tasks.data = (X, data.y, sw)
    n_samples = X.shape[0]
    check_rows_for_batch_norm(network, n_samples)
    total_weight = data.total_weight
    cache = network.allocate_cache(n_samples, theta.dtype)
    mode = Pass(training=True)
    penalty = L2(config.alpha, network.n_penalised) if config.alpha else None
    grad = np.empty_like(theta)
    last_iterate = theta.astype(np.float64)
    curve = []

    def cost_and_gradient(x):
        theta[...] = x
        try:
            with np.errstate(**RAISE_ON_OVERFLOW):
                cost = network.cost_and_gradient(
                    theta, X, Y, sw, grad, cache, mode, penalty, total_weight
                )
        except FloatingPointError as exc:
            raise diverged(f"during L-BFGS ({exc})", "lbfgs") from exc
        return cost, grad.astype(np.float64)

    def iteration_ends(intermediate_result):
        last_iterate[...] = intermediate_result.x
        curve.append(float(intermediate_result.fun))
        theta[...] = intermediate_result.x
        t = state.t + n_samples * len(curve)
        stop = tasks.end(theta, len(curve), t, curve)
        tasks.begin()
        if stop:
            raise StopIteration

    def set_running_statistics():
        # prediction normalises with the statistics of the full batch
        if network.batch_norm:
            network.cost(theta, X, Y, sw, cache, Pass(training=True, running="set"))

    state = SolverState(t=state.t)
    tasks.begin()
    try:
        with blas_threads_for_lbfgs(network, n_samples):
            result = scipy.optimize.minimize(
                cost_and_gradient,
                last_iterate.copy(),
                method="L-BFGS-B",
                jac=True,
                callback=iteration_ends,
                options={
                    "maxiter": config.max_iter,
                    "maxfun": config.max_fun,
                    "gtol": config.tol,
                },
            )
    except KeyboardInterrupt:
        theta[...] = last_iterate
        set_running_statistics()
        state.n_iter = len(curve)
        state.t += n_samples * state.n_iter
        warn(
            "Training interrupted by the user: keeping the weights of the last "
            f"completed L-BFGS iteration ({state.n_iter})."
        )
        return TrainingResult(
            state=state,
            loss_curve=curve,
            loss=curve[-1] if curve else None,
            best_loss=min(curve, default=None),
            ended="interrupted",
            trained_on=data,
        )
    finally:
        tasks.end(None)
    if not np.isfinite(result.fun) or not np.isfinite(result.x).all():
        raise diverged("during L-BFGS", "lbfgs")
    if result.status == 0:
        ended = "converged"
    elif result.status == 1:
        ended = "max_iter"
    elif result.status == 99:
        ended = "callback"
    else:
        ended = "line_search"
    theta[...] = result.x
    set_running_statistics()
    state.n_iter = min(int(result.nit), config.max_iter)
    state.t += n_samples * state.n_iter
    loss = float(result.fun)
    return TrainingResult(
        state=state,
        loss_curve=curve,
        loss=loss,
        best_loss=min(curve + [loss]),
        ended=ended,
        trained_on=data,
        message=f"{result.message}",
        solver_iterations=int(result.nit),
    )
