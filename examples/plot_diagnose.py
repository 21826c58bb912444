"""
Diagnosing dead ReLU units after a too-high learning rate
=========================================================

``diagnose(X, y)`` runs X through a fitted network and reports, layer by layer,
the share of dead ReLU units (never active on any sample: they output 0 and
pass no gradient, so they never recover), the mean of abs(A[l]) and the
gradient to weight ratio ‖dW[l]‖ / ‖W[l]‖. Three networks of three hidden layers of 64
ReLU units are trained on digits for 30 epochs of mini-batch gradient descent
with momentum (``partial_fit``, which keeps the last epoch's weights), at
learning rates 0.01, 0.1 and 1: at 1, the first steps are so large that
nearly every unit is pushed to a negative Z for every sample, the activations
vanish and the gradient with them; the network is stuck at chance accuracy.

The figure shows the share of dead units per layer for each learning rate; the
tables are printed.

Run ``python examples/plot_diagnose.py``. The figure is saved as
``plot_diagnose.png`` in the directory named by the environment variable
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

from skdnn import DeepNetClassifier

matplotlib.use("Agg")
FAST = os.environ.get("SKDNN_EXAMPLES_FAST") == "1"
OUTPUT = Path(
    os.environ.get("SKDNN_EXAMPLES_OUTPUT")
    or Path(__file__).resolve().parent / "figures"
)
OUTPUT.mkdir(parents=True, exist_ok=True)
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixel intensities in [0, 1]

# %%
rates = [0.01, 0.1, 1.0]
dead = {}
for rate in rates:
    clf = DeepNetClassifier(
        (64, 64, 64), learning_rate=rate, solver="sgd", random_state=0
    )
    # partial_fit keeps the weights of the last epoch; fit would keep those of
    # the epoch with the lowest loss, before the units died
    for _ in range(3 if FAST else 30):
        clf.partial_fit(X, y, classes=np.arange(10))
    table = clf.diagnose(X, y)
    print(f"learning_rate={rate}, training accuracy {clf.score(X, y):.3f}")
    print(table, end="\n\n")
    dead[rate] = [row["dead"] for row in table.rows[:-1]]

# %%
fig, ax = plt.subplots(figsize=(6, 4))
layers = np.arange(1, 4)
for i, rate in enumerate(rates):
    ax.bar(layers + (i - 1) * 0.27, dead[rate], width=0.27, label=f"α = {rate}")
ax.set_xticks(layers, [f"hidden layer {l}" for l in layers])
ax.set_ylabel("share of dead ReLU units")
ax.set_ylim(0, 1.05)
ax.set_title("diagnose(): dead units after 30 epochs of SGD")
ax.legend()
fig.tight_layout()
fig.savefig(OUTPUT / "plot_diagnose.png", dpi=100)
