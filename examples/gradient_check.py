"""
Gradient checking, the course's way
===================================

Backpropagation is easy to get subtly wrong. The course's remedy is to compare
the backpropagated gradient g with the centred finite difference
ĝ_i = (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε, over every parameter, and to look at
||g - ĝ|| / (||g|| + ||ĝ||): about 1e-7 or less is right, 1e-3 or more is a bug.
"""

# %%
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, check_gradients

X, y = load_iris(return_X_y=True)
rng = np.random.default_rng(0)
rows = rng.choice(len(X), size=40, replace=False)
X, y = StandardScaler().fit_transform(X[rows]), y[rows]

# %%
# Every hidden activation, with and without the L2 penalty, at fresh weights.
for activation in ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]:
    for alpha in [0.0, 1.0]:
        net = DeepNetClassifier(
            (6, 5), activation=activation, alpha=alpha, random_state=0
        )
        print(
            f"{activation:<11} alpha={alpha:<4} "
            f"difference = {check_gradients(net, X, y):.2e}"
        )

# %%
# A different activation in each hidden layer, on a multilabel target.
Y = np.column_stack([y == 0, y == 1, y == 2]).astype(int)
net = DeepNetClassifier(
    (6, 5, 4), activation=["tanh", "relu", "sigmoid"], random_state=0
)
print(f"per-layer activations, multilabel: {check_gradients(net, X, Y):.2e}")
