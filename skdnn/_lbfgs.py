"""The L-BFGS driver ("lbfgs"): SciPy's L-BFGS-B on the full-batch cost.

Like the mini-batch loop of :mod:`skdnn._solvers`, it minimises the cost J of
:meth:`skdnn._network.Network.cost_and_gradient` over the flat parameter vector
``theta`` of a :class:`BaseDeepNet` estimator, in place, and records its
progress in the same fitted attributes.
"""

import warnings
from contextlib import nullcontext

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from ._solvers import RAISE_ON_OVERFLOW, diverged

# L-BFGS alternates the network's products with SciPy's own work between
# them, and on two cores two BLAS threads then lose more in handing work to
# each other than they gain. One thread, measured against two on each fit
# (2 cores, OpenBLAS): 11x faster at 8.5e5 multiply-adds per cost
# evaluation, 2x at 1.5e8, 1.2x at 1e9, 0.89x (slower) at 2e9.
LBFGS_ONE_BLAS_THREAD_BELOW = 1e9


def blas_threads_for_lbfgs(network, n_samples):
    """The BLAS thread limit of an L-BFGS fit, as a context manager.

    One thread while a cost evaluation (n_samples x the weights'
    multiply-adds) stays below :data:`LBFGS_ONE_BLAS_THREAD_BELOW`; else BLAS's
    own choice.
    """
    if n_samples * network.n_weights < LBFGS_ONE_BLAS_THREAD_BELOW:
        return threadpool_limits(limits=1, user_api="blas")
    return nullcontext()


def train_lbfgs(est, data, tasks):
    """SciPy's L-BFGS-B on the full-batch cost, one callback task per iteration.

    Parameters
    ----------
    est : BaseDeepNet
        Holds the hyperparameters, the network and ``_theta``.
    data : TrainingData
        The training set.
    tasks : CallbackTasks
        One callback subtask per iteration.
    """
    network, theta = est._network, est._theta
    X, Y, sw = data.X, data.Y, data.sample_weight
    tasks.data = (X, data.y, sw)
    n_samples = X.shape[0]
    total_weight = data.total_weight
    cache = network.allocate_cache(n_samples, theta.dtype)
    grad = np.empty_like(theta)
    last_iterate = theta.astype(np.float64)
    # loss_curve_ goes on across warm starts; this fit's iterations follow.
    this_fit = len(est.loss_curve_)

    def cost_and_gradient(x):
        theta[...] = x
        try:
            with np.errstate(**RAISE_ON_OVERFLOW):
                cost = network.cost_and_gradient(
                    theta, X, Y, sw, est.alpha, grad, cache, total_weight
                )
        except FloatingPointError as exc:
            raise diverged(est, f"during L-BFGS ({exc})") from exc
        return cost, grad.astype(np.float64)

    def iteration_ends(intermediate_result):
        last_iterate[...] = intermediate_result.x
        est.loss_curve_.append(float(intermediate_result.fun))
        theta[...] = intermediate_result.x
        stop = tasks.end(theta)
        tasks.begin()
        if stop:
            raise StopIteration

    est.validation_scores_ = est.best_validation_score_ = None
    est.validation_loss_curve_ = None
    est.do_early_stopping_ = False
    est.n_clipped_steps_ = 0
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
                    "maxiter": est.max_iter,
                    "maxfun": est.max_fun,
                    "gtol": est.tol,
                },
            )
    except KeyboardInterrupt:
        theta[...] = last_iterate
        curve = est.loss_curve_[this_fit:]
        est.n_iter_ = len(curve)
        est.t_ += n_samples * est.n_iter_
        est.loss_ = curve[-1] if curve else None
        est.best_loss_ = min(curve, default=None)
        warnings.warn(
            "Training interrupted by the user: keeping the weights of the last "
            f"completed L-BFGS iteration ({est.n_iter_}).",
            UserWarning,
            stacklevel=5,
        )
        return
    finally:
        tasks.end(None)
    if not np.isfinite(result.fun) or not np.isfinite(result.x).all():
        raise diverged(est, "during L-BFGS")
    stopped_by_callback = result.status == 99
    if result.status == 1:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iterations "
            f"({result.message}). Increase max_iter or max_fun, or scale the "
            "data.",
            ConvergenceWarning,
            stacklevel=5,
        )
    elif result.status != 0 and not stopped_by_callback:
        warnings.warn(
            f"lbfgs stopped after {result.nit} iterations before reaching "
            f"tol={est.tol} ({result.message}): the line search could make no "
            "more progress, usually because the cost is flat to float "
            "precision. Scaling the data or a larger tol avoids it; more "
            "iterations do not.",
            ConvergenceWarning,
            stacklevel=5,
        )
    theta[...] = result.x
    if network.batch_norm:
        # prediction normalises with the statistics of the full batch
        cache.running = "set"
        network.cost(theta, X, Y, sw, est.alpha, cache, total_weight)
    est.n_iter_ = min(int(result.nit), est.max_iter)
    est.t_ += n_samples * est.n_iter_
    est.loss_ = float(result.fun)
    est.best_loss_ = min(est.loss_curve_[this_fit:] + [est.loss_])
