"""What went wrong in a fit, said once, with the fix.

Training can end at a bad model without failing: unscaled input makes the first
steps overshoot, the loss rises after a good start, an adaptive schedule shrinks
Adam's step until it vanishes. Each of these has a cheap symptom, a
:class:`Symptom` of its own kind, checked here from the solver's
:class:`~skdnn._train.config.TrainingResult` after the epochs end; a fit shows
at most one warning (:func:`fit_warning`), naming every symptom it saw and the
fixes their kinds call for.
"""

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from .schedules import PER_STEP

# max|x| of the columns spanning more than this factor (or any above
# UNSCALED_MAGNITUDE) is input no network trains well on without a scaler.
UNSCALED_SPREAD = 1e3
UNSCALED_MAGNITUDE = 1e4
# Training that reached max_iter still made this share of its whole progress in
# its last n_iter_no_change epochs: more epochs would still pay.
PROGRESS_SHARE = 0.02
# With early stopping, the validation score's best of the last n_iter_no_change
# epochs above its best before them by this share of its whole gain: still
# improving. Measured on fits that reached max_iter=200: the quality
# benchmark's (digits, spam7, hpc_jobs, cps_log_wage, college_grad_rate) gained
# 0.03-0.3 % there, and 5x the epochs changed their accuracy by at most 0.3
# points; an sgd fit that gained 1.3 % went on to gain 4 points.
VALIDATION_PROGRESS_SHARE = 0.01
# The median of the last n_iter_no_change epochs above the best loss by this
# share of the first-to-best drop is a rise, not noise.
RISE_SHARE = 0.2
# The gradient reaching the first layer, relative to its weights, below this
# share of the output layer's: vanishing gradients. Measured at the end of
# fits: an 8-layer sigmoid network stuck at chance 3.1e-4; networks that
# learned 0.29-2.4 (ReLU with 1, 4 and 8 layers, tanh, 3 sigmoid layers, on
# digits, breast_cancer, diabetes and make_classification).
VANISHING_RATIO = 1e-3
# Rows of the training data the gradient of the evidence is computed on.
EVIDENCE_ROWS = 2000
# A fit no better than a constant whose weights moved less than this share of
# their size (||W_end - W_start|| / ||W_start||) took too small steps; more
# than this other share, too large ones. Measured: learning_rate=1e-6 moved
# them 2.2e-4 (0.035 at 1e-5, which warns only of max_iter), a healthy fit
# 0.82, learning_rates of 3 and 10 that left a ReLU network at chance 80 and
# 260.
STILL_SHARE = 0.01
THROWN_SHARE = 1.0


@dataclass(frozen=True)
class Symptom:
    """One sign that a fit went wrong.

    Attributes
    ----------
    kind : {"unscaled", "loss_rise", "no_better_than_constant", \
"step_collapse", "vanishing_gradients"}
        What was seen; it decides the fix the warning gives.
    text : str
        What was seen, in words, with the figures.
    """

    kind: str
    text: str


def input_scale(X):
    """Describe X's feature scales if they look unscaled, else return None.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Validated input.

    Returns
    -------
    Symptom or None
        Of kind "unscaled", naming the largest and smallest max|x| over the
        columns.
    """
    if sp.issparse(X):
        high = abs(X.max(axis=0).toarray().ravel())
        low = abs(X.min(axis=0).toarray().ravel())
    else:
        high, low = np.abs(X.max(axis=0)), np.abs(X.min(axis=0))
    magnitude = np.maximum(high, low).astype(np.float64)
    magnitude = magnitude[magnitude > 0]
    if magnitude.size == 0:
        return None
    largest, smallest = magnitude.max(), magnitude.min()
    if largest <= UNSCALED_MAGNITUDE and largest <= UNSCALED_SPREAD * smallest:
        return None
    return Symptom(
        "unscaled",
        f"the input looks unscaled (the largest |x| of its columns ranges from "
        f"{smallest:.3g} to {largest:.3g})",
    )


def loss_rise(curve, window):
    """A lasting rise of the training loss above its best, or None.

    Parameters
    ----------
    curve : list of float
        The training loss of every epoch of this fit.
    window : int
        ``n_iter_no_change``: the last epochs, whose median must stay above the
        best.
    """
    best_epoch = int(np.argmin(curve))
    if best_epoch == len(curve) - 1:
        return None
    first, best = curve[0], curve[best_epoch]
    last = curve[max(best_epoch + 1, len(curve) - int(min(window, len(curve)))) :]
    if np.median(last) <= best + RISE_SHARE * max(first - best, abs(best)):
        return None
    return Symptom(
        "loss_rise",
        f"the training loss rose from its best, {best:.4g} at epoch "
        f"{best_epoch + 1}, to {curve[-1]:.4g} at epoch {len(curve)}",
    )


def no_better_than_constant(best_loss, alpha, tol, output_layer, data):
    """A best training loss no lower than a constant prediction's, or None.

    The constant is the best prediction that ignores X: the (weighted) class
    frequencies of a classifier, the mean of a regressor's targets. A network
    whose best loss is not below it learned nothing from X.

    Parameters
    ----------
    best_loss : float
        The smallest training loss of the fit.
    alpha : float
        The L2 penalty, part of the training loss; a large one may leave a
        network at the constant deliberately, which is not a failure.
    tol : float
        The no-improvement rule's tolerance: one above 1 % of the constant's
        loss stopped training on purpose before any real progress could count.
    output_layer : OutputLayer
        From :mod:`skdnn._nn.outputs`.
    data : TrainingData
        The samples trained on.
    """
    if alpha > 1.0:
        return None
    Y, weight = data.Y, data.sample_weight
    mean = np.average(Y, axis=0, weights=weight)
    if output_layer.name == "identity":
        constant = mean
    else:
        p = np.clip(mean, 1e-12, 1 - 1e-12)
        constant = np.log(p) if output_layer.name == "softmax" else np.log(p / (1 - p))
    Z = np.broadcast_to(constant.astype(Y.dtype), Y.shape)
    baseline = output_layer.loss(Z, Y, np.empty_like(Y), weight) / data.total_weight
    if best_loss < baseline * (1 - 1e-3) or tol > 0.01 * baseline:
        return None
    what = "the mean target" if output_layer.name == "identity" else "the class "
    what += "" if output_layer.name == "identity" else "frequencies"
    return Symptom(
        "no_better_than_constant",
        f"the training loss never fell below {baseline:.4g}, the loss of always "
        f"predicting {what}, so its predictions are no better than that",
    )


def still_improving(curve, validation_scores, n_iter_no_change, tol):
    """Whether a fit that reached ``max_iter`` was still making real progress.

    With early stopping, the validation score decides: it was still improving
    if the best score of its last ``n_iter_no_change`` epochs is above the
    best before them by more than ``VALIDATION_PROGRESS_SHARE`` of its whole
    gain, and by more than ``tol``. Without, the training loss was still
    improving if its last ``n_iter_no_change`` epochs gained more than
    ``PROGRESS_SHARE`` of its whole gain from the first epoch, and by more
    than ``tol``: a curve that has flattened out has converged by any sensible
    measure, even if it still creeps on.

    Parameters
    ----------
    curve : list of float
        The training loss of every epoch of this fit (with dropout, of the
        weights as they predict).
    validation_scores : list of float or None
        The validation score of every epoch, with early stopping.
    n_iter_no_change : int or float
        The stopping rule's patience.
    tol : float
        The stopping rule's tolerance.
    """
    if validation_scores is not None:
        scores = np.asarray(validation_scores)
        window = int(min(n_iter_no_change, len(scores) - 1))
        if window < 1:
            return True
        recent = scores[-window:].max() - scores[:-window].max()
        whole = scores.max() - scores[0]
        return recent > max(tol, VALIDATION_PROGRESS_SHARE * whole)
    window = int(min(n_iter_no_change, len(curve) - 1))
    if window < 1:
        return True
    recent = curve[-window - 1] - min(curve[-window:])
    whole = curve[0] - min(curve)
    return recent > max(tol, PROGRESS_SHARE * whole)


def step_collapse(schedule, solver):
    """An adaptive schedule that shrank Adam's step to nothing, or None."""
    if solver != "adam" or schedule.kind != "adaptive":
        return None
    if schedule.learning_rate >= schedule.learning_rate_init:
        return None
    return Symptom(
        "step_collapse",
        f'learning_rate_schedule="adaptive" divided Adam\'s step size from '
        f"{schedule.learning_rate_init:g} to {schedule.learning_rate:.2g}, which "
        "stops training without a better model (Adam already adapts its steps)",
    )


def gradient_ratios(network, theta, data, alpha):
    """||dW[l]|| / ||W[l]|| of each layer l = 1..L, on (up to 2 000 rows of) data.

    The gradient of the cost J, L2 term included, at ``theta``, with nothing
    dropped: the evidence of vanishing or exploding gradients, as
    ``diagnose()`` reports it.
    """
    from .._nn.layer import Pass
    from .._nn.penalty import L2

    n = data.X.shape[0]
    rows = slice(None, None, -(-n // EVIDENCE_ROWS))  # spread over the data
    X, Y = data.X[rows], data.Y[rows]
    sw = None if data.sample_weight is None else data.sample_weight[rows]
    if sw is not None and not sw.sum() > 0:
        return None
    grad = np.empty_like(theta)
    cache = network.allocate_cache(X.shape[0], theta.dtype)
    penalty = L2(alpha, network.n_penalised) if alpha else None
    with np.errstate(all="ignore"):
        network.cost_and_gradient(
            theta, X, Y, sw, grad, cache, Pass(training=True), penalty
        )
    (W, _), (dW, _) = network.unpack(theta), network.unpack(grad)
    return [
        float(np.linalg.norm(dW[l])) / max(float(np.linalg.norm(W[l])), 1e-300)
        for l in range(1, network.n_layers + 1)
    ]


def vanishing_gradients(ratios):
    """Gradients that fade on the way back to the first layer, or None.

    Needs two hidden layers or more (three ratios), to tell fading from depth
    apart from one layer's.
    """
    if ratios is None or len(ratios) < 3 or not ratios[-1] > 0:
        return None
    share = ratios[0] / ratios[-1]
    if not share < VANISHING_RATIO:
        return None
    return Symptom(
        "vanishing_gradients",
        f"the gradient reaching layer 1 is {share:.1e} of the output layer's, each "
        "relative to its weights (vanishing gradients), so the first layers "
        "hardly learn",
    )


def advice(symptoms, name, learning_rate, network=None, weight_change=None):
    """The warning text for the symptoms seen, with the fixes their kinds call for.

    A loss no better than a constant prediction's has the fix of its cause:
    vanishing gradients call for batch norm or ReLU layers (or, in a ReLU
    network, whose units have died, a smaller step); a loss that rose, or
    weights thrown far from where they started, for a smaller step; weights
    that hardly moved, for a larger one.

    Parameters
    ----------
    symptoms : list of Symptom
        What was seen, in order.
    name : str
        The estimator's class name.
    learning_rate : float
        Its α, for the advice to change it.
    network : Network, default=None
        The network, whose activations and batch norm the fixes take into
        account.
    weight_change : float, default=None
        ||W_end - W_start|| / ||W_start|| of the fit.
    """
    kinds = {symptom.kind for symptom in symptoms}
    fixes = []
    lower = f"lower learning_rate (now {learning_rate!r})"
    if "unscaled" in kinds:
        fixes.append("scale the input (e.g. StandardScaler in a Pipeline)")
    if "vanishing_gradients" in kinds:
        relu = {"relu", "leaky_relu"}
        if network is not None and set(network.hidden_activations) <= relu:
            # ReLU gradients do not fade: these units have died
            fixes.append(f'{lower}, or use activation="leaky_relu"')
        else:
            if network is None or not network.batch_norm:
                fixes.append("set batch_norm=True")
            fixes.append('use activation="relu" (whose gradient does not fade)')
    elif "loss_rise" in kinds:
        fixes.append(lower)
    elif "no_better_than_constant" in kinds:
        if weight_change is not None and weight_change < STILL_SHARE:
            fixes.append(f"raise learning_rate (now {learning_rate!r})")
        elif weight_change is not None and weight_change > THROWN_SHARE:
            fixes.append(lower)
        else:
            fixes.append("try another learning_rate, architecture or features")
    if "step_collapse" in kinds:
        fixes.append(
            'use learning_rate_schedule="constant" (with early_stopping to stop it)'
        )
    return (
        f"{name} may have trained badly: "
        + "; ".join(symptom.text for symptom in symptoms)
        + ". To fix it, "
        + ", or ".join(fixes)
        + "."
    )


def fit_warning(result, config, network, theta, unscaled, name):
    """The one warning a fit that ended badly deserves, or None.

    Parameters
    ----------
    result : TrainingResult
        What the solver returned.
    config : StochasticConfig or LbfgsConfig
        What it was asked to do.
    network : Network
        The network trained, for the loss of a constant prediction and, when
        something went wrong, the gradients per layer.
    theta : ndarray of shape (n_params,)
        The weights kept.
    unscaled : Symptom or None
        :func:`input_scale` of the training data (None for ``partial_fit``).
    name : str
        The estimator's class name.

    Returns
    -------
    (message, category) or None
    """
    if result.ended == "interrupted":
        return None
    if not hasattr(config, "optimizer"):
        return _lbfgs_warning(result, config)
    # with dropout, the cost without it: the noise of dropped units is no rise
    curve = result.stopping_curve or result.loss_curve
    stopping, settings = config.stopping, config.optimizer
    patience = result.ended == "patience"
    symptoms = [
        symptom
        for symptom in (
            loss_rise(curve, stopping.n_iter_no_change),
            step_collapse(result.state.schedule, settings.solver) if patience else None,
            None
            if not patience
            else no_better_than_constant(
                min(curve),
                config.alpha,
                stopping.tol,
                network.output_layer,
                result.trained_on,
            ),
        )
        if symptom is not None
    ]
    best_epoch = result.best_epoch
    if any(s.kind == "no_better_than_constant" for s in symptoms):
        ratios = gradient_ratios(network, theta, result.trained_on, config.alpha)
        vanishing = vanishing_gradients(ratios)
        if vanishing is not None:
            symptoms.append(vanishing)
    if symptoms:
        if best_epoch is not None and best_epoch + 1 < len(curve):
            kept = f"; the weights of epoch {best_epoch + 1} are kept"
            symptoms[-1] = replace(symptoms[-1], text=symptoms[-1].text + kept)
        if unscaled:
            symptoms.insert(0, unscaled)
        text = advice(
            symptoms, name, settings.learning_rate, network, result.weight_change
        )
        return text, ConvergenceWarning
    # a per-step schedule ends its budget with α near 0, by design
    scheduled = settings.schedule in PER_STEP
    if (
        result.ended == "max_iter"
        and not scheduled
        and still_improving(
            curve, result.validation_scores, stopping.n_iter_no_change, stopping.tol
        )
    ):
        scale = ", or scale the data" if unscaled else ""
        return (
            f"Stochastic optimizer: maximum iterations ({stopping.max_iter}) "
            "reached and the optimization hasn't converged yet. Increase "
            f"max_iter{scale}.",
            ConvergenceWarning,
        )
    if unscaled:
        return (
            f"{name}: {unscaled.text}. Networks train best on standardised input: "
            "put a StandardScaler (or another scaler) before the estimator in a "
            "Pipeline.",
            UserWarning,
        )
    return None


def _lbfgs_warning(result, config):
    """L-BFGS's own reasons for ending early, with what helps."""
    if result.ended == "max_iter":
        return (
            f"lbfgs failed to converge after {result.solver_iterations} iterations "
            f"({result.message}). Increase max_iter or max_fun, or scale the "
            "data.",
            ConvergenceWarning,
        )
    if result.ended == "line_search":
        return (
            f"lbfgs stopped after {result.solver_iterations} iterations before "
            f"reaching tol={config.tol} ({result.message}): the line search could "
            "make no more progress, usually because the cost is flat to float "
            "precision. Scaling the data or a larger tol avoids it; more "
            "iterations do not.",
            ConvergenceWarning,
        )
    return None
