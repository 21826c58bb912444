"""What went wrong in a stochastic fit, said once, with the fix.

Training can end at a bad model without failing: unscaled input makes the first
steps overshoot, the loss rises after a good start, an adaptive schedule shrinks
Adam's step until it vanishes. Each of these has a cheap symptom, checked here
after the epochs end; a fit shows at most one warning, naming every symptom it
saw.
"""

import numpy as np
import scipy.sparse as sp

# max|x| of the columns spanning more than this factor (or any above
# UNSCALED_MAGNITUDE) is input no network trains well on without a scaler.
UNSCALED_SPREAD = 1e3
UNSCALED_MAGNITUDE = 1e4
# Training that reached max_iter still made this share of its whole progress in
# its last n_iter_no_change epochs: more epochs would still pay.
PROGRESS_SHARE = 0.02
# The median of the last n_iter_no_change epochs above the best loss by this
# share of the first-to-best drop is a rise, not noise.
RISE_SHARE = 0.2


def input_scale(X):
    """Describe X's feature scales if they look unscaled, else return None.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Validated input.

    Returns
    -------
    str or None
        A sentence naming the largest and smallest max|x| over the columns.
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
    return (
        f"the input looks unscaled (the largest |x| of its columns ranges from "
        f"{smallest:.3g} to {largest:.3g})"
    )


def loss_rise(curve, window):
    """Describe a lasting rise of the training loss above its best, or None.

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
    return (
        f"the training loss rose from its best, {best:.4g} at epoch "
        f"{best_epoch + 1}, to {curve[-1]:.4g} at epoch {len(curve)}"
    )


def no_better_than_constant(best_loss, alpha, tol, output_layer, data):
    """Describe a best training loss no lower than a constant prediction's, or None.

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
    output_layer : output layer object
        From :mod:`skdnn._outputs`.
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
    return (
        f"the training loss never fell below {baseline:.4g}, the loss of always "
        f"predicting {what}, so its predictions are no better than that"
    )


def still_improving(est, curve, validation):
    """Whether a fit that reached ``max_iter`` was still making real progress.

    The watched quantity is the training loss, or with early stopping minus the
    validation score. It was still improving if its last ``n_iter_no_change``
    epochs gained more than ``PROGRESS_SHARE`` of its whole gain from the first
    epoch, and by more than ``tol``: a curve that has flattened out has
    converged by any sensible measure, even if it still creeps down.

    Parameters
    ----------
    est : BaseDeepNet
        The estimator, for ``n_iter_no_change`` and ``tol``.
    curve : list of float
        The training loss of every epoch of this fit.
    validation : TrainingData or None
        The early-stopping split, if any.
    """
    if validation is not None:
        curve = [-score for score in est.validation_scores_]
    window = int(min(est.n_iter_no_change, len(curve) - 1))
    if window < 1:
        return True
    recent = curve[-window - 1] - min(curve[-window:])
    whole = curve[0] - min(curve)
    return recent > max(est.tol, PROGRESS_SHARE * whole)


def step_collapse(schedule, solver):
    """Describe an adaptive schedule that shrank Adam's step to nothing, or None."""
    if solver != "adam" or schedule.kind != "adaptive":
        return None
    if schedule.learning_rate >= schedule.learning_rate_init:
        return None
    return (
        f'learning_rate_schedule="adaptive" divided Adam\'s step size from '
        f"{schedule.learning_rate_init:g} to {schedule.learning_rate:.2g}, which "
        "stops training without a better model (Adam already adapts its steps)"
    )


def advice(symptoms, unscaled, est):
    """The warning text for the symptoms seen, with the fixes that apply."""
    fixes = []
    if unscaled:
        fixes.append("scale the input (e.g. StandardScaler in a Pipeline)")
    if any("rose" in s or "no better" in s for s in symptoms):
        fixes.append(f"lower learning_rate (now {est.learning_rate!r})")
    if any("adaptive" in s for s in symptoms):
        fixes.append(
            'use learning_rate_schedule="constant" (with early_stopping to stop it)'
        )
    return (
        f"{type(est).__name__} may have trained badly: "
        + "; ".join(symptoms)
        + ". To fix it, "
        + ", or ".join(fixes)
        + "."
    )
