"""What several test files share: the solvers and their step sizes, the plain
network, and comparing two networks' weights."""

import numpy as np

SOLVERS = ["adam", "sgd", "lbfgs"]
STOCHASTIC = ["adam", "sgd"]
# Step sizes that train each solver in a few dozen epochs on standardised data.
SOLVER_KWARGS = {
    "adam": {"solver": "adam", "learning_rate": 0.01},
    "sgd": {"solver": "sgd", "learning_rate": 0.05},
    "lbfgs": {"solver": "lbfgs"},
}


# The plain network of the course (the defaults before issue 22): no input
# transforms, one member. What parity with scikit-learn's MLPs, the course's
# equations and tests of one W[l] per layer are about.
PLAIN = {"input_scaling": None, "numerical_embedding": None, "n_members": 1}


def assert_same_weights(a, b):
    """Assert two fitted networks hold the same W[l] and b[l], bit for bit."""
    for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(W_a, W_b)
    for b_a, b_b in zip(a.intercepts_, b.intercepts_, strict=True):
        np.testing.assert_array_equal(b_a, b_b)


def use_kernels(monkeypatch, backend):
    """Run the rest of a test on the "numpy" or "numba" kernels (SKDNN_KERNELS).

    Fits read the variable when they start; direct calls of the network or an
    optimiser read it on their first kernel after this. Both the variable and
    the choice are restored after the test.
    """
    from skdnn import _fast

    monkeypatch.setenv("SKDNN_KERNELS", backend)
    monkeypatch.setattr(_fast, "_BACKEND", None)
