"""Sample weights s_i: ``sample_weight`` times ``class_weight``, checked."""

import numpy as np
from sklearn.utils.class_weight import compute_class_weight


def check_sample_weight(sample_weight, n_samples, dtype):
    """``sample_weight`` as a 1-D array of finite weights >= 0, not all zero.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), float or None
        One weight per sample, or one for all of them.
    n_samples : int
        The number of samples of X.
    dtype : numpy dtype
        The dtype of X, which the weights take.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,) or None
        None when ``sample_weight`` is None.
    """
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"sample_weight must be numbers, one per sample: {exc}."
        ) from exc
    if weights.ndim > 1 or weights.ndim == 1 and len(weights) != n_samples:
        raise ValueError(
            f"sample_weight has shape {weights.shape}, but X has {n_samples} "
            "samples: pass one weight per sample (a 1-D array of length "
            f"{n_samples}), a single number, or None."
        )
    weights = np.broadcast_to(weights, (n_samples,))
    for bad, what in [(~np.isfinite(weights), "finite"), (weights < 0, ">= 0")]:
        if bad.any():
            i = np.flatnonzero(bad)[0]
            raise ValueError(
                f"sample_weight must be {what}, but sample_weight[{i}]="
                f"{weights[i]} ({np.count_nonzero(bad)} of the {n_samples} "
                "weights are not). Fix or drop those samples."
            )
    if not weights.any():
        raise ValueError(
            "sample_weight is zero for every sample: no sample would count. "
            "Give some samples a positive weight."
        )
    return weights.astype(dtype)


def class_weights(class_weight, classes, y):
    """The weight of each class, in the order of ``classes``.

    Parameters
    ----------
    class_weight : dict or "balanced"
        Weights by label (missing labels weigh 1), or "balanced":
        n_samples / (n_classes * np.bincount(y)) over the classes present in y.
    classes : ndarray of shape (n_classes,)
        The sorted class labels.
    y : ndarray of shape (n_samples,)
        The labels of the samples.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
    """
    if isinstance(class_weight, str):  # "balanced"
        present = np.isin(classes, y)
        weights = np.ones(len(classes))
        weights[present] = compute_class_weight(
            "balanced", classes=classes[present], y=y
        )
        return weights
    unknown = set(class_weight) - set(classes)
    if unknown:
        raise ValueError(
            f"class_weight names classes {sorted(unknown, key=str)} that "
            f"are not in classes_={classes.tolist()}."
        )
    return np.array([class_weight.get(label, 1.0) for label in classes])


def check_total_weight(sample_weight):
    """Refuse weights (after class weights) that sum to zero."""
    if sample_weight is not None and not sample_weight.sum() > 0:
        raise ValueError(
            "The sample weights (times class_weight) sum to zero: no sample "
            "would count. Give some samples a positive weight."
        )
    return sample_weight
