"""Gradient checking: backpropagation against centred finite differences."""

import copy

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from .._base import BaseDeepNet
from .._nn.layer import Pass
from .._nn.penalty import L2


def _network_and_input(estimator, X, y):
    """The network to check and its input: a Pipeline's last step on X transformed.

    A fitted pipeline transforms X with its fitted steps; an unfitted one fits
    clones of them on X.
    """
    if isinstance(estimator, Pipeline):
        network = estimator.steps[-1][1]
        if isinstance(network, BaseDeepNet):
            head = estimator[:-1]
            if hasattr(network, "_theta"):
                return network, head.transform(X)
            return network, clone(head).fit_transform(X, y)
    if isinstance(estimator, BaseDeepNet):
        return estimator, X
    raise TypeError(
        "check_gradients checks a DeepNetClassifier or DeepNetRegressor, or a "
        "Pipeline whose last step is one of them; got "
        f"{type(estimator).__name__}."
    )


def check_gradients(estimator, X, y, eps=1e-7, sample_weight=None):
    """Compare backprop's gradient of the cost with a numerical estimate.

    For every parameter θ_i (each entry of every W[l] and b[l]) the centred
    difference ĝ_i = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε) is compared with the
    backpropagated gradient g, over the full cost J that training minimises
    (the loss of all of X, sample and class weights, and the L2 term):

        difference = ||g - ĝ|| / (||g|| + ||ĝ||)

    Below about 1e-7 the backward pass is right; above 1e-3 it is surely wrong.
    The check runs in float64 and leaves ``estimator`` untouched. With dropout,
    the masks drawn for the backpropagated gradient are held fixed for every
    finite difference; batch normalisation uses the statistics of all of X.

    Parameters
    ----------
    estimator : DeepNetClassifier, DeepNetRegressor or Pipeline
        A fitted estimator is checked at its current weights; an unfitted one at
        freshly initialised weights (from its ``random_state``). For a Pipeline
        ending in one of them, its last step is checked on X as the steps
        before it transform it (fitted on X first, if the pipeline is not).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The data. Keep it small: the check costs 2 * n_params forward passes.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets.
    eps : float, default=1e-7
        The step ε.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

    Returns
    -------
    difference : float
        ||g - ĝ|| / (||g|| + ||ĝ||), 0.0 when both gradients are zero.

    Examples
    --------
    >>> import numpy as np
    >>> from skdnn import DeepNetClassifier, check_gradients
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 3)), rng.integers(0, 3, size=20)
    >>> clf = DeepNetClassifier((5, 4), activation="tanh", random_state=0)
    >>> check_gradients(clf, X, y) < 1e-7
    True
    """
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}.")
    estimator, X = _network_and_input(estimator, X, y)
    fitted = hasattr(estimator, "_theta")
    estimator = copy.deepcopy(estimator) if fitted else clone(estimator)
    estimator._validate_params()
    # A fitted estimator continues from its own weights, as partial_fit would,
    # which also accepts y holding only some of its classes.
    data, _, _ = estimator._prepare(X, y, sample_weight, incremental=fitted)

    network = estimator._network
    theta = estimator._theta.astype(np.float64)
    X = data.X.astype(np.float64)
    Y = data.Y.astype(np.float64)
    sw = data.sample_weight
    sw = None if sw is None else sw.astype(np.float64)
    penalty = L2(estimator.alpha, network.n_penalised) if estimator.alpha else None
    cache = network.allocate_cache(X.shape[0], np.float64)

    # Dropout draws its masks in the first pass; the differences reuse them.
    mode = Pass(training=True, rng=np.random.default_rng(0))
    grad = np.empty_like(theta)
    network.cost_and_gradient(theta, X, Y, sw, grad, cache, mode, penalty)
    mode.reuse_masks = True

    numerical = np.empty_like(theta)
    for i in range(theta.size):
        original = theta[i]
        theta[i] = original + eps
        cost_plus = network.cost(theta, X, Y, sw, cache, mode, penalty)
        theta[i] = original - eps
        cost_minus = network.cost(theta, X, Y, sw, cache, mode, penalty)
        theta[i] = original
        numerical[i] = (cost_plus - cost_minus) / (2 * eps)

    denominator = np.linalg.norm(grad) + np.linalg.norm(numerical)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(grad - numerical) / denominator)
