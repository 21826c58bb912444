"""
A pandas DataFrame through a ColumnTransformer
==============================================

Real tables mix numeric and categorical columns. Here scikit-learn's bundled
wine data (nothing is downloaded) becomes a DataFrame with one categorical
column, derived from a numeric one: the colour intensity binned into "pale",
"medium" and "deep". A ``ColumnTransformer`` standardises the numeric columns
and one-hot encodes the categorical one, a ``DeepNetClassifier`` learns from the
result, and ``cross_val_score`` scores the whole pipeline. With
``set_output(transform="pandas")`` the transformer hands the network a
DataFrame, so the network records the names of the features it was trained on
in ``feature_names_in_``, like any scikit-learn estimator.

Run ``python examples/pandas_pipeline.py``; it prints its results and makes no
figure. ``SKDNN_EXAMPLES_FAST=1`` trains for fewer epochs (as the tests do).
"""

# %%
import os
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdnn import DeepNetClassifier

FAST = os.environ.get("SKDNN_EXAMPLES_FAST") == "1"
if FAST:
    # So few epochs stop before convergence, by design.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

# %%
# 178 wines, 13 numeric measurements; the colour intensity becomes a category.
wine = load_wine(as_frame=True)
X = wine.data.copy()
X["colour"] = pd.qcut(
    X.pop("color_intensity"), q=3, labels=["pale", "medium", "deep"]
).astype(str)
y = pd.Series(wine.target_names[wine.target], name="cultivar")
print(X[["alcohol", "malic_acid", "proline", "colour"]].head(), "\n")
print(f"{X.shape[0]} rows, {X.shape[1]} columns; classes {sorted(y.unique())}\n")

# %%
# 178 samples are few for the network's ~1,100 weights, hence a strong L2
# penalty λ (alpha).
numeric = X.select_dtypes("number").columns.tolist()
categorical = ["colour"]
preprocess = ColumnTransformer(
    [
        ("num", StandardScaler(), numeric),
        (
            "cat",
            OneHotEncoder(sparse_output=False, handle_unknown="ignore"),
            categorical,
        ),
    ]
).set_output(transform="pandas")
pipeline = Pipeline(
    [
        ("preprocess", preprocess),
        (
            "net",
            DeepNetClassifier(
                (32, 16),
                learning_rate=0.01,
                alpha=1.0,
                max_iter=30 if FAST else 1000,
                random_state=0,
            ),
        ),
    ]
)

scores = cross_val_score(pipeline, X, y, cv=5)
print(f"5-fold CV accuracy: {np.round(scores, 3)}, mean {scores.mean():.3f}\n")

# %%
# Fit on everything and look at the names each step knows.
pipeline.fit(X, y)
net = pipeline.named_steps["net"]
print(f"pipeline.feature_names_in_ ({pipeline.n_features_in_} raw columns):")
print(list(pipeline.feature_names_in_), "\n")
print(f"net.feature_names_in_ ({net.n_features_in_} columns after the transformer):")
print(list(net.feature_names_in_), "\n")
assert list(net.feature_names_in_) == list(preprocess.get_feature_names_out())
print(f"network layers: {[W.shape for W in net.coefs_]}, trained {net.n_iter_} epochs")

# A DataFrame with the columns in another order still works: the transformer
# picks the columns by name.
rows = X.sample(6, random_state=0).index
shuffled = X.loc[rows, X.columns[::-1]]
print(f"predictions for 6 wines: {pipeline.predict(shuffled).tolist()}")
print(f"true classes:            {y[rows].tolist()}")
