"""
Batch normalisation trains a deep sigmoid network that stalls without it
========================================================================

Eight hidden layers of 32 sigmoid units, initialised the course's first way
(``init="small"``: 0.01 N(0, 1)), on scikit-learn's digits. Without batch
normalisation the signal fades layer after layer: every A[l] sits at about 0.5,
the gradients that reach the first layers vanish, and the cost J stays at
log 10, the cost of guessing. With ``batch_norm=True`` each hidden Z[l] is
standardised over the batch, then scaled and shifted by the learned γ[l] and
β[l]: every layer keeps a signal and a gradient, and the same network learns.

Left: J per epoch, drawn by ``LossCurveDisplay``. Right: ``diagnose`` of the two
fitted networks, the gradient-to-weight ratio ||dW[l]|| / ||W[l]|| per layer.

Run ``python examples/plot_batch_norm.py``. The figure is saved as
``plot_batch_norm.png`` in the directory named by the environment variable
``SKDNN_EXAMPLES_OUTPUT`` (default: ``examples/figures`` next to this script).
``SKDNN_EXAMPLES_FAST=1`` trains for a few epochs only (as the tests do).
"""

# %%
import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier, LossCurveDisplay

matplotlib.use("Agg")
FAST = os.environ.get("SKDNN_EXAMPLES_FAST") == "1"
OUTPUT = Path(
    os.environ.get("SKDNN_EXAMPLES_OUTPUT")
    or Path(__file__).resolve().parent / "figures"
)
OUTPUT.mkdir(parents=True, exist_ok=True)
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for batch_norm in [False, True]:
    clf = DeepNetClassifier(
        (32,) * 8,
        activation="logistic",
        init="small",
        batch_norm=batch_norm,
        max_iter=3 if FAST else 40,
        n_iter_no_change=10_000,
        random_state=0,
    ).fit(X, y)
    name = f"batch_norm={batch_norm}"
    LossCurveDisplay.from_estimator(clf, ax=left, name=name)
    table = clf.diagnose(X, y)
    ratios = [row["grad/weight"] for row in table.rows]
    right.semilogy(np.arange(1, len(ratios) + 1), ratios, marker="o", label=name)
    print(f"{name}: training accuracy {clf.score(X, y):.3f}")
    print(table, end="\n\n")
left.set_title("8 sigmoid layers, init='small': the cost J")
right.set_xlabel("layer l")
right.set_ylabel("||dW[l]|| / ||W[l]||")
right.set_title("diagnose(X, y) after training")
right.legend()
fig.tight_layout()
fig.savefig(OUTPUT / "plot_batch_norm.png", dpi=100)
