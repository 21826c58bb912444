"""float32 training is as good as float64 training."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdnn import DeepNetClassifier


def test_float32_reaches_float64_accuracy_on_digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scores = {}
    for dtype in (np.float64, np.float32):
        clf = DeepNetClassifier(
            (64,), learning_rate=0.005, max_iter=60, random_state=0
        ).fit(X_train.astype(dtype), y_train)
        assert clf.coefs_[0].dtype == dtype
        scores[dtype] = clf.score(X_test.astype(dtype), y_test)
    assert scores[np.float64] >= 0.95
    assert abs(scores[np.float32] - scores[np.float64]) <= 0.01
