"""
A whole pipeline out of Python, with ONNX
=========================================

A fitted ``Pipeline`` (a ``ColumnTransformer`` that standardises the numeric
columns and one-hot encodes a categorical one, then a ``DeepNetClassifier``)
becomes one ONNX graph with one call, and onnxruntime, which runs ONNX graphs
from C, C++, C#, Java or JavaScript as well as Python, predicts with it what
the pipeline predicts. Importing :mod:`skdnn.onnx` registers skdnn's
converters with skl2onnx, which converts the scikit-learn steps.

Needs the ``onnx`` extra and onnxruntime: ``pip install "skdnn[onnx]"
onnxruntime``. Run ``python examples/onnx_export.py``; it writes
``wine_pipeline.onnx`` (to ``SKDNN_EXAMPLES_OUTPUT``, or the current
directory) and prints the comparison. ``SKDNN_EXAMPLES_FAST=1`` trains for
fewer epochs (as the tests do).
"""

# %%
import os
import warnings
from pathlib import Path

import numpy as np
import onnxruntime
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdnn import DeepNetClassifier
from skdnn.onnx import to_onnx

FAST = os.environ.get("SKDNN_EXAMPLES_FAST") == "1"
if FAST:
    # So few epochs stop before convergence, by design.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
OUTPUT = Path(os.environ.get("SKDNN_EXAMPLES_OUTPUT", "."))

# %%
# The wine data, with the colour intensity binned into a category.
wine = load_wine(as_frame=True)
X = wine.data.copy()
X["colour"] = pd.qcut(
    X.pop("color_intensity"), q=3, labels=["pale", "medium", "deep"]
).astype(str)
y = wine.target_names[wine.target]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

numeric = X.select_dtypes("number").columns.tolist()
pipeline = make_pipeline(
    ColumnTransformer(
        [
            ("num", StandardScaler(), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
        ]
    ),
    DeepNetClassifier(
        (32, 16), batch_norm=True, max_iter=30 if FAST else 300, random_state=0
    ),
).fit(X_train, y_train)

# %%
# One call converts the fitted pipeline. A DataFrame sample gives the graph
# one input per column, float64 for the numeric ones and strings for the
# categorical one; ``zipmap=False`` returns the probabilities as one array
# (the default is a list of {class: probability} dictionaries).
onx = to_onnx(pipeline, X_train[:1], options={DeepNetClassifier: {"zipmap": False}})
path = OUTPUT / "wine_pipeline.onnx"
path.write_bytes(onx.SerializeToString())
print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KiB)")

# %%
# onnxruntime predicts from the file alone. Each input is one column, as a
# column vector, in the DataFrame's order (skl2onnx renames a column whose
# name is not a valid ONNX name, such as "od280/od315_of_diluted_wines").
session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
print("inputs: ", [(i.name, i.type) for i in session.get_inputs()][:3], "...")
print("outputs:", [o.name for o in session.get_outputs()])
inputs = {
    graph_input.name: X_test[[column]].to_numpy(
        dtype=object if column == "colour" else np.float64
    )
    for graph_input, column in zip(session.get_inputs(), X_test.columns, strict=True)
}
labels, proba = session.run(None, inputs)

difference = np.abs(proba - pipeline.predict_proba(X_test)).max()
print(f"largest difference from predict_proba: {difference:.1e}")
print(f"labels equal to predict: {np.mean(labels == pipeline.predict(X_test)):.0%}")
print(f"held-out accuracy, onnxruntime: {np.mean(labels == y_test):.3f}")
