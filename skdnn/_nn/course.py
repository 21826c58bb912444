"""The course's equations as written: the reference the network is tested equal to.

Andrew Ng's deep-learning course, in its own notation and layout: one example
per *column* (X and every A[l] of shape (n[l], m)), W[l] of shape
(n[l], n[l-1]), b[l] of shape (n[l], 1), parameters and gradients in dicts
keyed "W1", "b1", "dW1", ..., the functions named as in the assignments
(``linear_forward``, ``L_model_forward``, ``compute_cost``,
``L_model_backward``, ``update_parameters_with_adam``). Plain NumPy: no
buffers, no kernels, nothing in place, nothing fused; it is slow on purpose,
and :mod:`skdnn._nn.network` (row-major, one flat θ, the 1/m folded into dZ[L],
buffers reused, compiled ReLU passes) is tested to compute the same cost and
gradient to 1e-12 (``tests/test_course.py``).

What skdnn adds to the course is written in the course's style too:

- sample weights: each example's share p_i = s_i / sum_j s_j of the cost
  replaces the course's 1/m (p_i = 1/m without weights), and m in the L2 term
  is sum_i s_i;
- leaky ReLU, and an identity output with the squared error for regression;
- batch normalisation (course 2, week 3) with its backward pass, which the
  course leaves to the frameworks.

The optimisers are the course's (course 2, week 2). skdnn uses scikit-learn's
forms of them (:mod:`skdnn._train.optimizers`), which map onto these:

- momentum: the course's v = β v + (1 - β) dW, W = W - α v is skdnn's
  ``SGD(momentum=β, nesterov=False)`` with learning rate α (1 - β) (its
  velocity is -α v); Nesterov's momentum is not in the course;
- Adam: the course's step α v̂ / (sqrt(ŝ) + ε) with the bias corrections
  v̂ = v / (1 - β1^t), ŝ = s / (1 - β2^t) is skdnn's (Kingma and Ba's)
  α sqrt(1 - β2^t) / (1 - β1^t) · v / (sqrt(s) + ε') with
  ε' = ε sqrt(1 - β2^t): the same step, the ε taken before the correction.
"""

import numpy as np

# SELU's constants (Klambauer et al., 2017)
SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772

# ----------------------------------------------------------------------
# Activations: g and g'
# ----------------------------------------------------------------------


def sigmoid(Z):
    """g(z) = 1 / (1 + e^-z)."""
    return 1.0 / (1.0 + np.exp(-Z))


def g(name, Z, slope=0.01):
    """The hidden activation ``name`` of Z."""
    if name == "identity":
        return Z
    if name == "logistic":
        return sigmoid(Z)
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(0.0, Z)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, slope * Z)
    if name == "selu":
        return SELU_LAMBDA * np.where(Z > 0, Z, SELU_ALPHA * (np.exp(Z) - 1.0))
    if name == "mish":
        return Z * np.tanh(np.log1p(np.exp(Z)))
    raise ValueError(f"unknown activation {name!r}")


def g_prime(name, Z, slope=0.01):
    """g'(Z) of the hidden activation ``name``."""
    if name == "identity":
        return np.ones_like(Z)
    if name == "logistic":
        return sigmoid(Z) * (1.0 - sigmoid(Z))
    if name == "tanh":
        return 1.0 - np.tanh(Z) ** 2
    if name == "relu":
        return (Z > 0).astype(Z.dtype)
    if name == "leaky_relu":
        return np.where(Z > 0, 1.0, slope)
    if name == "selu":
        return SELU_LAMBDA * np.where(Z > 0, 1.0, SELU_ALPHA * np.exp(Z))
    if name == "mish":
        softplus = np.log1p(np.exp(Z))
        return np.tanh(softplus) + Z * sigmoid(Z) / np.cosh(softplus) ** 2
    raise ValueError(f"unknown activation {name!r}")


def output_activation(output, Z):
    """ŷ = A[L] = g[L](Z[L]): sigmoid, softmax (over each column) or identity."""
    if output == "logistic":
        return sigmoid(Z)
    if output == "softmax":
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)
    return Z


# ----------------------------------------------------------------------
# Forward propagation
# ----------------------------------------------------------------------


def example_weights(m, sample_weight=None):
    """p_i = s_i / sum_j s_j of each example, shape (1, m); 1/m without weights."""
    s = np.ones(m) if sample_weight is None else np.asarray(sample_weight, float)
    return (s / s.sum())[np.newaxis, :]


def linear_forward(A_prev, W, b):
    """Z = W A_prev + b, and the cache (A_prev, W, b)."""
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


def batchnorm_forward(Z, gamma, beta, p, epsilon=1e-5):
    """Z̃ = γ (Z - μ) / sqrt(σ² + ε) + β with the batch's p-weighted μ and σ².

    Returns Z̃, the cache (Ẑ, 1/sqrt(σ² + ε), γ) and the batch's μ and σ².
    """
    mu = (Z * p).sum(axis=1, keepdims=True)
    var = (((Z - mu) ** 2) * p).sum(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + epsilon)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, inv_std, gamma), (mu, var)


def L_model_forward(
    X,
    parameters,
    activations,
    output,
    slope=0.01,
    keep_probs=None,
    masks=None,
    batch_norm=False,
    p=None,
    running=None,
):
    """[LINEAR -> (BATCHNORM) -> g -> (DROPOUT)] * (L-1) -> LINEAR -> g[L].

    Parameters
    ----------
    X : ndarray of shape (n[0], m)
        The examples, one per column.
    parameters : dict
        "W1", "b1", ...: W[l] of shape (n[l], n[l-1]), b[l] of shape
        (n[l], 1); with batch norm, "gamma1", "beta1", ... of shape (n[l], 1)
        replace the hidden layers' b[l], and for predicting "mean1", "var1",
        ... hold the running statistics.
    activations : sequence of str
        g[1], ..., g[L-1].
    output : {"logistic", "softmax", "identity"}
        g[L].
    slope : float, default=0.01
        The slope of leaky ReLU for z < 0.
    keep_probs : sequence of float, default=None
        keep_prob of each hidden layer's dropout; None drops nothing.
    masks : sequence of ndarray, default=None
        D[l] of each hidden layer, 0/1 of shape (n[l], m), with ``keep_probs``:
        A[l] = A[l] * D[l] / keep_prob.
    batch_norm : bool, default=False
        Normalise every hidden Z[l].
    p : ndarray of shape (1, m), default=None
        The examples' weights p_i (:func:`example_weights`), for batch norm.
    running : bool, default=None
        With batch norm: normalise with the running statistics of
        ``parameters`` (predicting) instead of the batch's.

    Returns
    -------
    AL : ndarray of shape (n[L], m)
        ŷ.
    caches : list
        Each layer's (linear cache, batch-norm cache or None, Z, D or None).
    """
    L = len(activations) + 1
    if p is None:
        p = example_weights(X.shape[1])
    caches, A = [], X
    for l in range(1, L):
        W = parameters[f"W{l}"]
        if batch_norm:
            Z, linear_cache = linear_forward(A, W, np.zeros((W.shape[0], 1)))
            gamma, beta = parameters[f"gamma{l}"], parameters[f"beta{l}"]
            if running:
                mu, var = parameters[f"mean{l}"], parameters[f"var{l}"]
                Z = gamma * (Z - mu) / np.sqrt(var + 1e-5) + beta
                norm_cache = None
            else:
                Z, norm_cache, _ = batchnorm_forward(Z, gamma, beta, p)
        else:
            Z, linear_cache = linear_forward(A, W, parameters[f"b{l}"])
            norm_cache = None
        A = g(activations[l - 1], Z, slope)
        D = None
        if keep_probs is not None and masks is not None and masks[l - 1] is not None:
            D = masks[l - 1]
            A = A * D / keep_probs[l - 1]
        caches.append((linear_cache, norm_cache, Z, D))
    ZL, linear_cache = linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    caches.append((linear_cache, None, ZL, None))
    return output_activation(output, ZL), caches


# ----------------------------------------------------------------------
# The cost
# ----------------------------------------------------------------------


def losses(AL, Y, output):
    """L(ŷ_i, y_i) of each example (column), shape (m,).

    The cross-entropy -sum_k y_k log ŷ_k (+ (1 - y_k) log(1 - ŷ_k) for sigmoid
    units), or 1/2 sum_k (ŷ_k - y_k)² for the identity output.
    """
    if output == "logistic":
        return -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum(axis=0)
    if output == "softmax":
        return -(Y * np.log(AL)).sum(axis=0)
    return 0.5 * ((AL - Y) ** 2).sum(axis=0)


def compute_cost(AL, Y, output, p, parameters=None, lambd=0.0, m=None):
    """J = sum_i p_i L(ŷ_i, y_i) + λ/(2m) sum_l ||W[l]||²_F.

    L is :func:`losses`; m is the number of examples, or sum_i s_i with sample
    weights.
    """
    J = float((p[0] * losses(AL, Y, output)).sum())
    if lambd:
        L2 = sum(np.sum(W**2) for key, W in parameters.items() if key.startswith("W"))
        J += lambd / (2 * m) * L2
    return J


# ----------------------------------------------------------------------
# Backward propagation
# ----------------------------------------------------------------------


def linear_backward(dZ, cache, p):
    """dW = (dZ p) A_prevᵀ, db = sum_i p_i dZ_i, dA_prev = Wᵀ dZ.

    With p_i = 1/m these are the course's dW = (1/m) dZ A_prevᵀ and
    db = (1/m) sum over columns of dZ.
    """
    A_prev, W, _ = cache
    dW = (dZ * p) @ A_prev.T
    db = (dZ * p).sum(axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def batchnorm_backward(dZ_tilde, cache, p):
    """dZ, dγ, dβ from dZ̃, for p-weighted batch statistics.

    dβ = sum_i p_i dZ̃_i, dγ = sum_i p_i dZ̃_i Ẑ_i, and
    dZ = γ / sqrt(σ² + ε) (dZ̃ - sum_i p_i dZ̃_i - Ẑ sum_i p_i dZ̃_i Ẑ_i).
    """
    Z_hat, inv_std, gamma = cache
    mean_dZ = (dZ_tilde * p).sum(axis=1, keepdims=True)
    mean_dZ_Z_hat = (dZ_tilde * Z_hat * p).sum(axis=1, keepdims=True)
    dZ = gamma * inv_std * (dZ_tilde - mean_dZ - Z_hat * mean_dZ_Z_hat)
    return dZ, mean_dZ_Z_hat, mean_dZ


def L_model_backward(AL, Y, caches, activations, p, slope=0.01, keep_probs=None):
    """The gradient of sum_i p_i L(ŷ_i, y_i): "dW1", "db1" (or "dgamma1", "dbeta1").

    dZ[L] = A[L] - Y for all three output layers (each g[L] is the canonical
    link of its loss); then, layer by layer, dA[l] = W[l+1]ᵀ dZ[l+1], the
    dropout mask dA[l] = dA[l] * D[l] / keep_prob, dZ̃[l] = dA[l] * g'(Z̃[l]),
    batch norm's backward to dZ[l], and :func:`linear_backward`.
    """
    grads = {}
    L = len(caches)
    dZ = AL - Y
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, caches[L - 1][0], p)
    for l in range(L - 1, 0, -1):
        linear_cache, norm_cache, Z, D = caches[l - 1]
        if D is not None:
            dA = dA * D / keep_probs[l - 1]
        dZ = dA * g_prime(activations[l - 1], Z, slope)
        if norm_cache is not None:
            dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(
                dZ, norm_cache, p
            )
        dA, grads[f"dW{l}"], db = linear_backward(dZ, linear_cache, p)
        if norm_cache is None:
            grads[f"db{l}"] = db
    return grads


def add_l2_gradient(grads, parameters, lambd, m):
    """dW[l] += λ/m W[l], the L2 term's share of the gradient (course 2, week 1)."""
    for key, W in parameters.items():
        if key.startswith("W"):
            grads[f"d{key}"] = grads[f"d{key}"] + lambd / m * W
    return grads


# ----------------------------------------------------------------------
# Optimisers (course 2, week 2)
# ----------------------------------------------------------------------


def update_parameters_with_gd(parameters, grads, learning_rate):
    """W = W - α dW for every parameter."""
    return {
        key: value - learning_rate * grads[f"d{key}"]
        for key, value in parameters.items()
    }


def initialize_velocity(parameters):
    """v = 0 for every parameter."""
    return {f"d{key}": np.zeros_like(value) for key, value in parameters.items()}


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """v = β v + (1 - β) dW, then W = W - α v; returns (parameters, v)."""
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    parameters = {
        key: value - learning_rate * v[f"d{key}"] for key, value in parameters.items()
    }
    return parameters, v


def initialize_adam(parameters):
    """v = 0 and s = 0 for every parameter."""
    return initialize_velocity(parameters), initialize_velocity(parameters)


def update_parameters_with_adam(
    parameters, grads, v, s, t, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    """Adam's step t (t = 1, 2, ...); returns (parameters, v, s).

    v = β1 v + (1 - β1) dW, s = β2 s + (1 - β2) dW², v̂ = v / (1 - β1^t),
    ŝ = s / (1 - β2^t), W = W - α v̂ / (sqrt(ŝ) + ε).
    """
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
    new = {}
    for key, value in parameters.items():
        v_hat = v[f"d{key}"] / (1 - beta1**t)
        s_hat = s[f"d{key}"] / (1 - beta2**t)
        new[key] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new, v, s
