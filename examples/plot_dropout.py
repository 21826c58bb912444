"""
Dropout narrows the gap between training and validation loss
============================================================

A wide network (two hidden layers of 128 ReLU units) on a small noisy problem
(200 training samples, a fifth of the labels flipped) learns its training set
by heart: the training loss falls towards 0 while the validation loss turns
and climbs. Inverted dropout (``dropout=0.5``: each step keeps each hidden unit
with probability 1/2 and doubles the kept ones) stops the network from leaning
on any one unit: the training loss stays higher, the validation loss lower, and
the gap between them, the overfitting, shrinks.

Each panel is drawn by ``LossCurveDisplay``: the training loss J (solid) and,
from ``early_stopping=True`` with ``n_iter_no_change`` large enough never to
stop, the validation loss (dashed) and, with ``scoring="accuracy"``, the
validation accuracy (dotted, right axis).

Run ``python examples/plot_dropout.py``. The figure is saved as
``plot_dropout.png`` in the directory named by the environment variable
``SKDNN_EXAMPLES_OUTPUT`` (default: ``examples/figures`` next to this script).
``SKDNN_EXAMPLES_FAST=1`` trains for a few epochs only (as the tests do); the
full run takes a few seconds.
"""

# %%
import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skdnn import DeepNetClassifier, LossCurveDisplay

matplotlib.use("Agg")
FAST = os.environ.get("SKDNN_EXAMPLES_FAST") == "1"
OUTPUT = Path(
    os.environ.get("SKDNN_EXAMPLES_OUTPUT")
    or Path(__file__).resolve().parent / "figures"
)
OUTPUT.mkdir(parents=True, exist_ok=True)
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(
    n_samples=400, n_features=20, n_informative=5, flip_y=0.2, random_state=0
)

# %%
# The same network, seed and epochs, with and without dropout; half of the
# 400 samples are held out as the validation set.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, dropout in zip(axes, [0.0, 0.5], strict=True):
    clf = DeepNetClassifier(
        (128, 128),
        dropout=dropout,
        early_stopping=True,
        scoring="accuracy",
        validation_fraction=0.5,
        n_iter_no_change=10_000,
        max_iter=5 if FAST else 150,
        random_state=0,
    ).fit(X, y)
    LossCurveDisplay.from_estimator(clf, ax=ax, name=f"dropout={dropout}")
    gap = round(clf.validation_loss_curve_[-1] - clf.loss_curve_[-1], 2) + 0.0
    ax.set_title(f"dropout={dropout}: validation - training loss = {gap:.2f}")
    print(
        f"dropout={dropout}: training loss {clf.loss_curve_[-1]:.3f}, validation "
        f"loss {clf.validation_loss_curve_[-1]:.3f}, best validation accuracy "
        f"{clf.best_validation_score_:.3f}"
    )
fig.tight_layout()
fig.savefig(OUTPUT / "plot_dropout.png", dpi=100)
