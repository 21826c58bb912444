"""scikit-learn's own estimator checks, over the configurations that matter."""

import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdnn import DeepNetClassifier, DeepNetRegressor

CONFIGURATIONS = [
    DeepNetClassifier(random_state=0),
    DeepNetClassifier((20,), solver="sgd", learning_rate=0.01, random_state=0),
    DeepNetClassifier(solver="lbfgs", random_state=0),
    DeepNetClassifier((10, 10), solver="lbfgs", random_state=0),
    DeepNetClassifier((8, 6), activation=["tanh", "leaky_relu"], random_state=0),
    DeepNetClassifier((), learning_rate=0.01, random_state=0),
    DeepNetClassifier((32, 16), dropout=[0.1, 0.2], max_grad_norm=5.0, random_state=0),
    DeepNetClassifier((16, 8), batch_norm=True, random_state=0),
    DeepNetClassifier((16,), batch_norm=True, solver="lbfgs", random_state=0),
    DeepNetClassifier(
        (16,),
        activation="selu",
        input_scaling="robust",
        numerical_embedding="piecewise_linear",
        learning_rate_schedule="coslog4",
        learning_rate=0.01,
        random_state=0,
    ),
    DeepNetClassifier((16,), n_members=4, weight_decay=1e-3, random_state=0),
]

# Small networks: the checks fit each configuration a few dozen times.
REGRESSOR_CONFIGURATIONS = [
    DeepNetRegressor((16,), learning_rate=0.01, random_state=0),
    DeepNetRegressor((16,), solver="sgd", learning_rate=0.001, random_state=0),
    DeepNetRegressor((10, 10), solver="lbfgs", random_state=0),
    DeepNetRegressor(
        (8, 6), activation=["tanh", "leaky_relu"], learning_rate=0.01, random_state=0
    ),
    DeepNetRegressor((), learning_rate=0.01, random_state=0),
    DeepNetRegressor(
        (16,), dropout=0.2, learning_rate=0.01, max_grad_norm=5.0, random_state=0
    ),
    DeepNetRegressor((16, 8), batch_norm=True, learning_rate=0.01, random_state=0),
    DeepNetRegressor(
        (16,),
        activation="mish",
        input_scaling="robust",
        learning_rate_schedule="cosine",
        learning_rate=0.01,
        random_state=0,
    ),
    DeepNetRegressor((16,), n_members=3, learning_rate=0.01, random_state=0),
]


# Dropout draws an independent mask for every row, so a row repeated twice is
# not trained like the same row with weight 2: for dropout, and only for it,
# scikit-learn's sample-weight equivalence cannot hold by design.
DROPOUT_REASON = "dropout draws a mask per row: repeating a row is not weighting it"


def expected_failures(estimator):
    if not np.any(np.asarray(estimator.dropout) > 0):
        return {}
    return {
        "check_sample_weight_equivalence_on_dense_data": DROPOUT_REASON,
        "check_sample_weight_equivalence_on_sparse_data": DROPOUT_REASON,
    }


@parametrize_with_checks(
    CONFIGURATIONS + REGRESSOR_CONFIGURATIONS, expected_failed_checks=expected_failures
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
